//! Deserialize helpers the generated fields name in `deserialize_with` (the scalar ones are in
//! [`wire`](crate::wire)).

use crate::wire::{self, Lenient};
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
pub fn opt_vec_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    wire::opt_vec(d).map(unwrap_all)
}

/// A generated result struct: every field optional, filled from the entries of a JSON object.
///
/// The generated structs implement this (one `match` arm per field) instead of deriving
/// `Deserialize`: serde's derive emits a field enum, a visitor and, for every field with
/// `deserialize_with`, a wrapper type, which on thousands of structs is most of the crate's
/// compile time. Keys a struct does not know are kept, in answer order, in its
/// [`extra`](Fields::extra) object.
pub trait Fields: Default {
    /// Reads the value of `key` into its field; `false` when `key` is not a field.
    fn field<'de, A: de::MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
    ) -> Result<bool, A::Error>;

    /// Where the keys that are not fields go (the struct's `extra`).
    fn extra(&mut self) -> &mut wire::Object;
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
                let value = map.next_value::<serde_json::Value>()?;
                out.extra().push(key.0.into_owned(), value);
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
