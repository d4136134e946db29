//! [`Lenient`]: a scalar `result` decoded leniently.

use super::{bool, f64, i64, string};

/// A scalar `result` decoded leniently: numbers sent as strings (`"123"`), flags sent as
/// `"Y"`/`"N"` or `1`/`0`. Dereferences to the value.
#[derive(Debug, Clone, PartialEq, PartialOrd, Default)]
pub struct Lenient<T>(pub T);

impl<T> Lenient<T> {
    /// The decoded value.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Lenient<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<'de> serde::Deserialize<'de> for Lenient<i64> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        i64(d).map(Lenient)
    }
}

impl<'de> serde::Deserialize<'de> for Lenient<f64> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        f64(d).map(Lenient)
    }
}

impl<'de> serde::Deserialize<'de> for Lenient<bool> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        bool(d).map(Lenient)
    }
}

impl<'de> serde::Deserialize<'de> for Lenient<String> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        string(d).map(Lenient)
    }
}
