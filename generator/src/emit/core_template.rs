//! The fixed part of the generated core crate (`<crate>-core`), as Rust source.
//!
//! It is parsed and printed like every other generated file. What every method module would
//! otherwise repeat lives here once: lenient `Option` decoding for generated structs and enums,
//! lenient scalar results, the `Paginated` marker, and the `macro_rules!` that write the
//! repetitive impls (serde, setters, enum spellings, error codes) from one short line per item,
//! which keeps the emitted source (and the emitter's work) about half as large.

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

    /// An optional generated struct or enum: missing, `null`, `""`, `false`, `[]` (how the
    /// portal spells an empty object) and `"undefined"` (how task events spell an absent one)
    /// are `None`; objects, strings and numbers decode as `T`.
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
            if v.is_empty() || v == "undefined" {
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

    /// A generated result struct: every field optional, filled from the entries of a JSON object.
    ///
    /// The generated structs implement this (one `match` arm per field) instead of deriving
    /// `Deserialize`: serde's derive emits a field enum, a visitor and, for every field with
    /// `deserialize_with`, a wrapper type, which on thousands of structs is most of the crate's
    /// compile time. Keys a struct does not know are skipped.
    pub trait Fields: Default {
        /// Reads the value of `key` into its field; `false` when `key` is not a field.
        fn field<'de, A: de::MapAccess<'de>>(&mut self, key: &str, map: &mut A)
            -> Result<bool, A::Error>;
    }

    /// `Deserialize` for a [`Fields`] struct: an object, or an empty value (`[]`, `""`, `null`,
    /// `false`, how the portal spells an empty object) for a struct with every field `None`.
    pub fn deserialize_struct<'de, D: Deserializer<'de>, T: Fields>(d: D) -> Result<T, D::Error> {
        d.deserialize_any(StructVisitor(PhantomData))
    }

    struct StructVisitor<T>(PhantomData<T>);

    impl<'de, T: Fields> Visitor<'de> for StructVisitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
            let mut out = T::default();
            while let Some(key) = map.next_key::<Key<'de>>()? {
                if !out.field(&key.0, &mut map)? {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            Ok(out)
        }
        fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<T, A::Error> {
            match seq.next_element::<IgnoredAny>()? {
                None => Ok(T::default()),
                Some(_) => Err(de::Error::invalid_type(de::Unexpected::Seq, &self)),
            }
        }
        fn visit_unit<E: de::Error>(self) -> Result<T, E> {
            Ok(T::default())
        }
        fn visit_none<E: de::Error>(self) -> Result<T, E> {
            Ok(T::default())
        }
        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<T, D2::Error> {
            d.deserialize_any(self)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
            if v.is_empty() {
                Ok(T::default())
            } else {
                Err(de::Error::invalid_type(de::Unexpected::Str(v), &self))
            }
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<T, E> {
            if v {
                Err(de::Error::invalid_type(de::Unexpected::Bool(v), &self))
            } else {
                Ok(T::default())
            }
        }
    }

    /// An object key, borrowed from the input when it can be.
    struct Key<'de>(std::borrow::Cow<'de, str>);

    impl<'de> Deserialize<'de> for Key<'de> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_str(KeyVisitor)
        }
    }

    struct KeyVisitor;

    impl<'de> Visitor<'de> for KeyVisitor {
        type Value = Key<'de>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a key")
        }
        fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
            Ok(Key(std::borrow::Cow::Borrowed(v)))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
            Ok(Key(std::borrow::Cow::Owned(v.to_owned())))
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
            Ok(Key(std::borrow::Cow::Owned(v)))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Key<'de>, E> {
            Ok(Key(std::borrow::Cow::Owned(v.to_string())))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Key<'de>, E> {
            Ok(Key(std::borrow::Cow::Owned(v.to_string())))
        }
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

/// Seeds for [`de::Fields`] impls: `map.next_value_seed(seed::i64())` reads one optional field
/// leniently. One seed type per kind, shared by every generated struct.
pub mod seed {
    use super::{de, wire};
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
}

/// `Fields` and `Deserialize` for a generated result struct:
/// `result_fields!(Item { "ID" => id: i64, "TITLE" => title: string, })`, where the last word
/// names the [`seed`] that reads the field.
#[macro_export]
macro_rules! result_fields {
    ($name:ident {}) => {
        impl $crate::de::Fields for $name {
            fn field<'de, A: $crate::__private::serde::de::MapAccess<'de>>(
                &mut self,
                _key: &str,
                _map: &mut A,
            ) -> Result<bool, A::Error> {
                Ok(false)
            }
        }
        $crate::result_fields!(@de $name);
    };
    ($name:ident { $($key:literal => $field:ident : $seed:ident,)+ }) => {
        impl $crate::de::Fields for $name {
            fn field<'de, A: $crate::__private::serde::de::MapAccess<'de>>(
                &mut self,
                key: &str,
                map: &mut A,
            ) -> Result<bool, A::Error> {
                match key {
                    $($key => self.$field = map.next_value_seed($crate::seed::$seed())?,)+
                    _ => return Ok(false),
                }
                Ok(true)
            }
        }
        $crate::result_fields!(@de $name);
    };
    (@de $name:ident) => {
        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                d: D,
            ) -> Result<Self, D::Error> {
                $crate::de::deserialize_struct(d)
            }
        }
    };
}

/// `Serialize` for a generated params struct, as a map of the set fields under their wire names:
/// `params_serialize!(Params { req "ID" => id, opt "TITLE" => title, } extra)`; `extra` (when
/// present) names a map field whose entries follow.
#[macro_export]
macro_rules! params_serialize {
    ($name:ident { $($kind:ident $key:literal => $field:ident,)* } $($extra:ident)?) => {
        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                s: S,
            ) -> Result<S::Ok, S::Error> {
                use $crate::__private::serde::ser::SerializeMap as _;
                #[allow(unused_mut)]
                let mut m = s.serialize_map(None)?;
                $($crate::params_serialize!(@$kind m, $key, self.$field);)*
                $(for (k, v) in &self.$extra {
                    m.serialize_entry(k, v)?;
                })?
                m.end()
            }
        }
    };
    (@req $m:ident, $key:literal, $value:expr) => {
        $m.serialize_entry($key, &$value)?
    };
    (@opt $m:ident, $key:literal, $value:expr) => {
        if let Some(v) = &$value {
            $m.serialize_entry($key, v)?;
        }
    };
}

/// Builder setters of optional params fields: `setters!(Params { title: String, })` makes
/// `fn title(self, value: impl Into<String>) -> Self`.
#[macro_export]
macro_rules! setters {
    ($name:ident { $($(#[$meta:meta])* $field:ident : $ty:ty,)* }) => {
        impl $name {
            $(
                #[doc = concat!("Sets `", stringify!($field), "` (see the field).")]
                $(#[$meta])*
                pub fn $field(mut self, value: impl Into<$ty>) -> Self {
                    self.$field = Some(value.into());
                    self
                }
            )*
        }
    };
}

/// `as_str`, `from_wire`, `Serialize` and `Deserialize` of a generated value enum (which has an
/// `Unknown(String)` variant): `wire_enum!(Status { New = "new", })`.
#[macro_export]
macro_rules! wire_enum {
    ($name:ident { $($variant:ident = $value:literal,)* }) => {
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

/// `MethodError`, `description`, `Display` and `Error` of a generated error enum (documented
/// variants `{ description }`, then `System { kind, code, description }` and
/// `Other { code, description }`): `method_error!(Error { AccessDenied = "ACCESS_DENIED", })`.
#[macro_export]
macro_rules! method_error {
    ($name:ident { $($variant:ident = $code:literal,)* }) => {
        impl $crate::__private::b24_runtime::MethodError for $name {
            fn from_code(code: &str, description: &str) -> Self {
                let description = description.to_owned();
                match code {
                    $($code => Self::$variant { description },)*
                    _ => match $crate::__private::b24_runtime::SystemError::from_code(code) {
                        Some(kind) => Self::System {
                            kind,
                            code: code.to_owned(),
                            description,
                        },
                        None => Self::Other {
                            code: code.to_owned(),
                            description,
                        },
                    },
                }
            }

            fn code(&self) -> &str {
                match self {
                    $(Self::$variant { .. } => $code,)*
                    Self::System { code, .. } | Self::Other { code, .. } => code,
                }
            }
        }

        impl $name {
            /// The `error_description` the portal sent.
            pub fn description(&self) -> &str {
                match self {
                    $(Self::$variant { description } => description,)*
                    Self::System { description, .. } | Self::Other { description, .. } => {
                        description
                    }
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                let code = $crate::__private::b24_runtime::MethodError::code(self);
                write!(f, "{}: {}", code, self.description())
            }
        }

        impl std::error::Error for $name {}
    };
}
"#####;
