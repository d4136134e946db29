//! `deserialize_with` helpers of the params types' conformance `Deserialize`.
//!
//! Params fields decode as strictly as their Rust type allows, with two exceptions the module
//! docs of [`conformance`](super) justify: integers, doubles and strings accept each other's
//! spellings (`"5"` for `5`, `5` for `"5"`), and keys the docs give only as a pattern land in
//! the `extra` map only when they match one of the patterns.

use serde::de::{self, Deserialize, Deserializer};

use crate::wire::{self, Object};

/// A scalar that decodes leniently (numbers and their strings).
pub trait Scalar: Sized {
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error>;
}

impl Scalar for i64 {
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        wire::i64(d)
    }
}

impl Scalar for f64 {
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        wire::f64(d)
    }
}

impl Scalar for String {
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        wire::string(d)
    }
}

struct L<T>(T);

impl<'de, T: Scalar> Deserialize<'de> for L<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::decode(d).map(L)
    }
}

/// A required scalar.
pub fn scalar<'de, T: Scalar, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
    T::decode(d)
}

/// An optional scalar: `null` is `None`; anything else must be a `T`.
pub fn opt<'de, T: Scalar, D: Deserializer<'de>>(d: D) -> Result<Option<T>, D::Error> {
    Option::<L<T>>::deserialize(d).map(|o| o.map(|l| l.0))
}

/// A list of scalars.
pub fn vec<'de, T: Scalar, D: Deserializer<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    Vec::<L<T>>::deserialize(d).map(|v| v.into_iter().map(|l| l.0).collect())
}

/// An optional list of scalars.
pub fn opt_vec<'de, T: Scalar, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<T>>, D::Error> {
    Option::<Vec<L<T>>>::deserialize(d).map(|o| o.map(|v| v.into_iter().map(|l| l.0).collect()))
}

/// Seeds the [`conformance_params!`](crate::conformance_params) macro decodes values with; the
/// target type is inferred from the field.
pub mod seed {
    use super::{Scalar, L};
    use serde::de::{Deserialize, DeserializeSeed, Deserializer};
    use std::marker::PhantomData;

    /// Any `Deserialize` type, as is.
    pub struct Plain<T>(pub PhantomData<T>);
    /// A lenient scalar.
    pub struct Lenient<T>(pub PhantomData<T>);
    /// A list of lenient scalars.
    pub struct LenientVec<T>(pub PhantomData<T>);

    impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for Plain<T> {
        type Value = T;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
            T::deserialize(d)
        }
    }

    impl<'de, T: Scalar> DeserializeSeed<'de> for Lenient<T> {
        type Value = T;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
            T::decode(d)
        }
    }

    impl<'de, T: Scalar> DeserializeSeed<'de> for LenientVec<T> {
        type Value = Vec<T>;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<T>, D::Error> {
            Vec::<L<T>>::deserialize(d).map(|v| v.into_iter().map(|l| l.0).collect())
        }
    }

    /// `null` as `None`, anything else through the inner seed.
    pub struct Nullable<S>(pub S);

    impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Nullable<S> {
        type Value = Option<S::Value>;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_option(NullableVisitor(self.0))
        }
    }

    struct NullableVisitor<S>(S);

    impl<'de, S: DeserializeSeed<'de>> serde::de::Visitor<'de> for NullableVisitor<S> {
        type Value = Option<S::Value>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a value or null")
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            self.0.deserialize(d).map(Some)
        }
    }
}

pub use b24_spec::placeholder::{matches_pattern, FILTER_OPERATOR_KEYS};

/// Whether `key` goes to the `extra` map of a params struct whose documented keys are `fields` and
/// whose placeholder rows are `patterns` (see [`matches_pattern`] and [`FILTER_OPERATOR_KEYS`]).
pub fn matches_key(patterns: &[&str], fields: &[&str], key: &str) -> bool {
    patterns.iter().any(|p| {
        if *p == FILTER_OPERATOR_KEYS {
            let rest = key.trim_start_matches(['=', '!', '<', '>', '%', '@', '~', '?', '*']);
            rest.len() < key.len()
                && !rest.is_empty()
                && (fields.contains(&rest)
                    || patterns
                        .iter()
                        .any(|q| *q != FILTER_OPERATOR_KEYS && matches_pattern(q, rest)))
        } else {
            matches_pattern(p, key)
        }
    })
}

/// The flattened `extra` map of a params struct with placeholder rows: every key must match one
/// of `patterns` (a key that matches none is an unknown field).
pub fn extra<'de, D: Deserializer<'de>>(d: D, patterns: &[&str]) -> Result<Object, D::Error> {
    let map = Object::deserialize(d)?;
    if let Some(k) = map
        .keys()
        .find(|k| !patterns.iter().any(|p| matches_pattern(p, k)))
    {
        return Err(de::Error::custom(format_args!(
            "unknown field `{k}`, matching none of the documented patterns {patterns:?}"
        )));
    }
    Ok(map)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn patterns() {
        assert!(matches_pattern("UF_CRM_...", "UF_CRM_1721244482250"));
        assert!(matches_pattern("UF_CRM_...", "uf_crm_1"));
        assert!(!matches_pattern("UF_CRM_...", "TITLE"));
        assert!(matches_pattern("PARENT_ID_...", "PARENT_ID_1220"));
        assert!(matches_pattern("ufCrm...", "ufCrm5_1700000000"));
        assert!(matches_pattern("PROPERTY_XXX", "PROPERTY_12"));
        assert!(matches_pattern("<field_code>", "anything"));
        assert!(matches_pattern("<код_поля>", "anything"));
        assert!(matches_pattern("a.b", "a.b"));
        assert!(!matches_pattern("a.b", "a.c"));
        assert!(!matches_pattern("ПОЛЕ...", "П"));
        assert!(matches_pattern("propertyN", "property258"));
        assert!(!matches_pattern("propertyN", "propertyX"));
        assert!(!matches_pattern("propertyN", "property"));
        assert!(matches_pattern("PROPERTY_PropertyId", "PROPERTY_951"));
        let fields = ["ID", "DATE_CREATE"];
        let ops = [FILTER_OPERATOR_KEYS, "UF_CRM_..."];
        assert!(matches_key(&ops, &fields, ">=DATE_CREATE"));
        assert!(matches_key(&ops, &fields, "!ID"));
        assert!(matches_key(&ops, &fields, "%UF_CRM_5"));
        assert!(matches_key(&ops, &fields, "UF_CRM_5"));
        assert!(!matches_key(&ops, &fields, ">=TITLE"));
        assert!(
            !matches_key(&ops, &fields, "ID"),
            "a documented key is a field, not extra"
        );
    }

    #[derive(Debug, serde::Deserialize)]
    struct P {
        #[serde(deserialize_with = "scalar::<i64, _>")]
        id: i64,
        #[serde(default, deserialize_with = "opt::<String, _>")]
        name: Option<String>,
        #[serde(default, deserialize_with = "opt_vec::<f64, _>")]
        xs: Option<Vec<f64>>,
        #[serde(flatten, deserialize_with = "uf")]
        extra: Object,
    }

    fn uf<'de, D: Deserializer<'de>>(d: D) -> Result<Object, D::Error> {
        extra(d, &["UF_..."])
    }

    #[test]
    fn lenient_scalars_and_checked_extra_keys() {
        let p: P =
            serde_json::from_value(json!({"id": "5", "name": 7, "xs": ["1.5", 2], "UF_X": 1}))
                .unwrap();
        assert_eq!((p.id, p.name.as_deref()), (5, Some("7")));
        assert_eq!(p.xs, Some(vec![1.5, 2.0]));
        assert_eq!(p.extra.len(), 1);
        let p: P = serde_json::from_value(json!({"id": 1, "name": null})).unwrap();
        assert_eq!(p.name, None);
        let e = serde_json::from_value::<P>(json!({"id": 1, "TITLE": "x"})).unwrap_err();
        assert!(e.to_string().contains("unknown field `TITLE`"), "{e}");
        assert!(serde_json::from_value::<P>(json!({"id": ""})).is_err());
        assert!(serde_json::from_value::<P>(json!({"id": 1, "xs": [true]})).is_err());
    }
}
