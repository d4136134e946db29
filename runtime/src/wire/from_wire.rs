//! [`FromWire`]: the types [`Object::get_as`](super::Object::get_as) reads, with the same
//! leniency as the generated fields (`"123"` is `123`, `"Y"` is `true`, `""` and `null` are
//! absent).

use super::{Date, DateTime, YesNo};
use crate::support::de::{self, Fields};
use serde::de::{Deserialize, Deserializer};
use serde_json::Value;

/// A value [`Object::get_as`](super::Object::get_as) can read: the lenient scalars, lists of
/// them, [`Value`], and every generated struct.
///
/// ```
/// use b24_runtime::wire::{self, YesNo};
///
/// let row = wire::object([("UF_CRM_1", "42"), ("UF_CRM_2", "Y"), ("UF_CRM_3", "")]);
/// assert_eq!(row.get_as::<i64>("UF_CRM_1").unwrap(), Some(42));
/// assert_eq!(row.get_as::<YesNo>("UF_CRM_2").unwrap(), Some(YesNo::Y));
/// assert_eq!(row.get_as::<String>("UF_CRM_3").unwrap(), None);
/// assert_eq!(row.get_as::<i64>("UF_CRM_4").unwrap(), None);
/// assert!(row.get_as::<i64>("UF_CRM_2").is_err());
/// ```
pub trait FromWire: Sized {
    /// Reads a value; `None` for the portal's empty spellings.
    fn from_wire<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error>;
}

macro_rules! from_wire {
    ($($ty:ty => $f:path,)*) => {$(
        impl FromWire for $ty {
            fn from_wire<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
                $f(d)
            }
        }
    )*};
}

from_wire! {
    i64 => super::opt_i64,
    f64 => super::opt_f64,
    bool => super::opt_bool,
    String => super::opt_string,
    YesNo => super::opt_yes_no,
    Date => super::opt_date,
    DateTime => super::opt_datetime,
    Value => super::opt_value,
    Vec<i64> => de::opt_vec_i64,
    Vec<f64> => de::opt_vec_f64,
    Vec<bool> => de::opt_vec_bool,
    Vec<String> => de::opt_vec_string,
}

/// Every generated struct (and its lists are read with [`super::opt_vec`]).
impl<T: Fields + for<'a> Deserialize<'a>> FromWire for T {
    fn from_wire<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        de::opt(d)
    }
}

/// A list of generated structs (or of anything else `Deserialize`), read with
/// [`super::opt_vec`].
#[derive(Debug, Clone, PartialEq)]
pub struct ListOf<T>(pub Vec<T>);

impl<T: for<'a> Deserialize<'a>> FromWire for ListOf<T> {
    fn from_wire<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        Ok(super::opt_vec::<D, T>(d)?.map(ListOf))
    }
}
