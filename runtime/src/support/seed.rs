//! Seeds for [`de::Fields`] impls: `map.next_value_seed(seed::i64())` reads one optional field
//! leniently. One seed type per kind, shared by every generated struct.

use super::de;
use crate::wire;
use serde::de::{Deserialize, DeserializeSeed, Deserializer};
use std::marker::PhantomData;

macro_rules! scalar_seeds {
    ($($name:ident: $seed:ident -> $ty:ty = $f:path;)*) => {$(
        #[doc(hidden)]
        pub struct $seed;

        impl<'de> DeserializeSeed<'de> for $seed {
            type Value = Option<$ty>;
            fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                $f(d)
            }
        }

        #[doc = concat!("An optional field read with `", stringify!($f), "`.")]
        pub fn $name() -> $seed {
            $seed
        }
    )*};
}

scalar_seeds! {
    i64: I64 -> i64 = wire::opt_i64;
    f64: F64 -> f64 = wire::opt_f64;
    bool: Bool -> bool = wire::opt_bool;
    string: Str -> String = wire::opt_string;
    yes_no: YesNo -> wire::YesNo = wire::opt_yes_no;
    date: Date -> wire::Date = wire::opt_date;
    datetime: DateTime -> wire::DateTime = wire::opt_datetime;
    value: Value -> serde_json::Value = wire::opt_value;
    vec_i64: VecI64 -> Vec<i64> = de::opt_vec_i64;
    vec_f64: VecF64 -> Vec<f64> = de::opt_vec_f64;
    vec_bool: VecBool -> Vec<bool> = de::opt_vec_bool;
    vec_string: VecStr -> Vec<String> = de::opt_vec_string;
    secret: SecretStr -> crate::secret::Secret = opt_secret;
}

/// A credential (`access_token`, `application_token`…): a string kept in a
/// [`Secret`](crate::secret::Secret), so that `Debug` does not print it.
fn opt_secret<'de, D: Deserializer<'de>>(d: D) -> Result<Option<crate::secret::Secret>, D::Error> {
    Ok(wire::opt_string(d)?.map(crate::secret::Secret::new))
}

#[doc(hidden)]
pub struct Any<T>(PhantomData<fn() -> T>);

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for Any<T> {
    type Value = Option<T>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
        de::opt(d)
    }
}

/// An optional generated struct or enum, read with [`de::opt`].
pub fn any<T>() -> Any<T> {
    Any(PhantomData)
}

#[doc(hidden)]
pub struct List<T>(PhantomData<fn() -> T>);

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for List<T> {
    type Value = Option<Vec<T>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<Vec<T>>, D::Error> {
        wire::opt_vec(d)
    }
}

/// An optional list, read with `wire::opt_vec`.
pub fn vec<T>() -> List<T> {
    List(PhantomData)
}

#[doc(hidden)]
pub struct Union<T>(PhantomData<fn() -> T>);

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for Union<T> {
    type Value = Option<T>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
        Option::<T>::deserialize(d)
    }
}

/// An optional generated union: `null` is `None`, any other value the union's (its fallback
/// keeps what no variant takes, so `false`, `""` and `[]` stay values).
pub fn union<T>() -> Union<T> {
    Union(PhantomData)
}
