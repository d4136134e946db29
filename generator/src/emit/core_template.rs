//! The fixed part of the generated core crate (`<crate>-core`), as Rust source.
//!
//! It is parsed and printed like every other generated file; the system-wide error enum is
//! appended from the IR. Keeping the shared code here (macros for enums and error enums, lenient
//! `Option` decoding for structs) keeps each generated item small: the notes in
//! `shared/notes/compile-time.md` show generated volume is what compile time pays for.

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

/// Declares an enum of documented values with an `Unknown(String)` fallback, serialized as its
/// wire string and deserialized from a string, a number or a boolean.
#[macro_export]
macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $($(#[$vmeta:meta])* $variant:ident = $value:literal,)*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        $vis enum $name {
            $($(#[$vmeta])* $variant,)*
            /// A value the docs do not list.
            Unknown(String),
        }

        impl $name {
            /// The wire spelling.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $value,)*
                    Self::Unknown(s) => s,
                }
            }

            /// The variant for a wire spelling (`Unknown` for values the docs do not list).
            pub fn from_wire(s: &str) -> Self {
                match s {
                    $($value => Self::$variant,)*
                    _ => Self::Unknown(s.to_owned()),
                }
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                s: S,
            ) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                d: D,
            ) -> Result<Self, D::Error> {
                $crate::de::wire_str(d).map(|s| Self::from_wire(&s))
            }
        }
    };
}

/// Declares a method's error enum: one variant per documented code (carrying the
/// `error_description`), `System` for the system-wide codes and `Other` for the rest, with the
/// runtime's `MethodError`, `Display` and `std::error::Error`.
#[macro_export]
macro_rules! method_error {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $($(#[$vmeta:meta])* $variant:ident = $code:literal,)*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone)]
        #[non_exhaustive]
        $vis enum $name {
            $($(#[$vmeta])* $variant { description: String },)*
            /// A system-wide error any method can return.
            System($crate::SystemError),
            /// A code the docs do not list for this method.
            Other { code: String, description: String },
        }

        impl $crate::__private::b24_runtime::MethodError for $name {
            fn from_code(code: &str, description: &str) -> Self {
                let description = description.to_owned();
                match code {
                    $($code => Self::$variant { description },)*
                    _ => match $crate::SystemError::parse(code, description) {
                        Ok(e) => Self::System(e),
                        Err(description) => Self::Other {
                            code: code.to_owned(),
                            description,
                        },
                    },
                }
            }

            fn code(&self) -> &str {
                match self {
                    $(Self::$variant { .. } => $code,)*
                    Self::System(e) => e.code(),
                    Self::Other { code, .. } => code,
                }
            }
        }

        impl $name {
            /// The `error_description` the portal sent.
            pub fn description(&self) -> &str {
                match self {
                    $(Self::$variant { description } => description,)*
                    Self::System(e) => e.description(),
                    Self::Other { description, .. } => description,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                use $crate::__private::b24_runtime::MethodError as _;
                write!(f, "{}: {}", self.code(), self.description())
            }
        }

        impl std::error::Error for $name {}
    };
}
"#####;
