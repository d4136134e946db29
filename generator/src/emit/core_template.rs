//! The fixed part of the generated core crate (`<crate>-core`), as Rust source.
//!
//! It is parsed and printed like every other generated file. What every method module would
//! otherwise repeat lives here once: lenient `Option` decoding for generated structs and enums,
//! lenient scalar results, the `Paginated` marker.

pub const CORE: &str = r#####"
pub use b24_runtime::wire;

#[doc(hidden)]
pub mod __private {
    pub use b24_runtime;
    pub use serde;
}

/// Marks the methods whose responses carry `total` (and `next` while more pages follow): list
/// methods the runtime can page through with `start`.
pub trait Paginated: b24_runtime::Method {}

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
        wire::i64(d).map(Lenient)
    }
}

impl<'de> serde::Deserialize<'de> for Lenient<f64> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        wire::f64(d).map(Lenient)
    }
}

impl<'de> serde::Deserialize<'de> for Lenient<bool> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        wire::bool(d).map(Lenient)
    }
}

impl<'de> serde::Deserialize<'de> for Lenient<String> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        wire::string(d).map(Lenient)
    }
}

/// Deserialize helpers the generated fields name in `deserialize_with` (the scalar ones are in
/// [`wire`]).
pub mod de {
    use super::{wire, Lenient};
    use serde::de::value::MapAccessDeserializer;
    use serde::de::{self, Deserialize, Deserializer, IgnoredAny, IntoDeserializer, Visitor};
    use std::fmt;
    use std::marker::PhantomData;

    /// An optional generated struct or enum: missing, `null`, `""`, `false` and `[]` (how the
    /// portal spells an empty object) are `None`; objects, strings and numbers decode as `T`.
    pub fn opt<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
    where
        D: Deserializer<'de>,
        T: Deserialize<'de>,
    {
        d.deserialize_any(Opt(PhantomData))
    }

    struct Opt<T>(PhantomData<T>);

    impl<'de, T: Deserialize<'de>> Visitor<'de> for Opt<T> {
        type Value = Option<T>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object, a value, or an empty value")
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            opt(d)
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            if v {
                T::deserialize(v.into_deserializer()).map(Some)
            } else {
                Ok(None)
            }
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            T::deserialize(v.into_deserializer()).map(Some)
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            T::deserialize(v.into_deserializer()).map(Some)
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            T::deserialize(v.into_deserializer()).map(Some)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            if v.is_empty() {
                Ok(None)
            } else {
                T::deserialize(v.into_deserializer()).map(Some)
            }
        }
        fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            T::deserialize(MapAccessDeserializer::new(map)).map(Some)
        }
        fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            match seq.next_element::<IgnoredAny>()? {
                None => Ok(None),
                Some(_) => Err(de::Error::invalid_type(de::Unexpected::Seq, &self)),
            }
        }
    }

    fn unwrap_all<T>(v: Option<Vec<Lenient<T>>>) -> Option<Vec<T>> {
        v.map(|v| v.into_iter().map(Lenient::into_inner).collect())
    }

    /// `Option<Vec<i64>>` whose items may be strings.
    pub fn opt_vec_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<i64>>, D::Error> {
        wire::opt_vec(d).map(unwrap_all)
    }

    /// `Option<Vec<f64>>` whose items may be strings.
    pub fn opt_vec_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<f64>>, D::Error> {
        wire::opt_vec(d).map(unwrap_all)
    }

    /// `Option<Vec<bool>>` whose items may be `"Y"`/`"N"`, numbers or strings.
    pub fn opt_vec_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<bool>>, D::Error> {
        wire::opt_vec(d).map(unwrap_all)
    }

    /// `Option<Vec<String>>` whose items may be numbers.
    pub fn opt_vec_string<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Vec<String>>, D::Error> {
        wire::opt_vec(d).map(unwrap_all)
    }

    /// The text of an enum value sent as a string, a number or a boolean.
    pub fn wire_str<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        d.deserialize_any(WireStr)
    }

    struct WireStr;

    impl Visitor<'_> for WireStr {
        type Value = String;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string, a number or a boolean")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
            Ok(v.to_owned())
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
            Ok(v)
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<String, E> {
            Ok(v.to_string())
        }
    }
}
"#####;
