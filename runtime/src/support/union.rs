//! Decoding of the generated union enums (`wire_union!`): one `deserialize_any`, dispatched on
//! the form the value has on the wire (boolean, integer, number, string, array, object) to the
//! variant that takes that form, without buffering the value. A form no variant takes goes to
//! the enum's `Other(serde_json::Value)` fallback, as sent: decoding a union never fails on its
//! form (a variant's own contents can, with the path of the bad value).
//!
//! Scalars are read leniently, as the portal spells them: with no variant for its form, a
//! number may go to the string variant (`5` → `"5"`), a string to the integer, number or
//! boolean variant (`"5"`, `"5.5"`, `"Y"`), an integral float to the integer variant.

use crate::wire::{self, YesNo};
use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use std::fmt;
use std::marker::PhantomData;

/// The forms a generated union takes (written by `wire_union!`); each method is the variant
/// of one form, `None` (or the fallback) when the union has no variant of it.
pub trait Union: Sized {
    fn boolean(_: bool) -> Option<Self> {
        None
    }
    fn integer(_: i64) -> Option<Self> {
        None
    }
    fn number(_: f64) -> Option<Self> {
        None
    }
    fn string(_: &str) -> Option<Self> {
        None
    }
    /// An array: the array variant, else the fallback.
    fn array<'de, A: SeqAccess<'de>>(seq: A) -> Result<Self, A::Error> {
        Value::deserialize(SeqAccessDeserializer::new(seq)).map(Self::other)
    }
    /// An object: the object variant, else the fallback.
    fn object<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error> {
        Value::deserialize(MapAccessDeserializer::new(map)).map(Self::other)
    }
    /// The fallback variant: a value of a form no variant takes, as sent.
    fn other(v: Value) -> Self;
}

/// `Deserialize` of a [`Union`].
pub fn deserialize<'de, D: Deserializer<'de>, T: Union>(d: D) -> Result<T, D::Error> {
    d.deserialize_any(UnionVisitor(PhantomData))
}

/// A string variant's value from the text on the wire (`None`: not of that type).
pub trait FromWireStr: Sized {
    fn from_wire_str(s: &str) -> Option<Self>;
}

impl FromWireStr for String {
    fn from_wire_str(s: &str) -> Option<Self> {
        Some(s.to_owned())
    }
}

impl FromWireStr for wire::Date {
    fn from_wire_str(s: &str) -> Option<Self> {
        wire::Date::parse(s).ok()
    }
}

impl FromWireStr for wire::DateTime {
    fn from_wire_str(s: &str) -> Option<Self> {
        wire::DateTime::parse(s).ok()
    }
}

impl FromWireStr for YesNo {
    fn from_wire_str(s: &str) -> Option<Self> {
        YesNo::parse(s)
    }
}

/// The items of an array variant of scalars, each read leniently (`["1", 2]` → `[1, 2]`).
pub fn lenient_list<'de, A, T>(seq: A) -> Result<Vec<T>, A::Error>
where
    A: SeqAccess<'de>,
    wire::Lenient<T>: Deserialize<'de>,
{
    let items = Vec::<wire::Lenient<T>>::deserialize(SeqAccessDeserializer::new(seq))?;
    Ok(items.into_iter().map(wire::Lenient::into_inner).collect())
}

/// The items of an array variant of other types.
pub fn list<'de, A: SeqAccess<'de>, T: Deserialize<'de>>(seq: A) -> Result<Vec<T>, A::Error> {
    Vec::<T>::deserialize(SeqAccessDeserializer::new(seq))
}

/// The value of an object variant.
pub fn object<'de, A: MapAccess<'de>, T: Deserialize<'de>>(map: A) -> Result<T, A::Error> {
    T::deserialize(MapAccessDeserializer::new(map))
}

struct UnionVisitor<T>(PhantomData<T>);

impl<T: Union> UnionVisitor<T> {
    fn int(v: i64) -> T {
        T::integer(v)
            .or_else(|| T::number(v as f64))
            .or_else(|| T::string(&v.to_string()))
            .unwrap_or_else(|| T::other(Value::from(v)))
    }
}

impl<'de, T: Union> Visitor<'de> for UnionVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<T, E> {
        Ok(T::boolean(v).unwrap_or_else(|| T::other(Value::Bool(v))))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        Ok(Self::int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        Ok(match i64::try_from(v) {
            Ok(i) => Self::int(i),
            Err(_) => T::number(v as f64)
                .or_else(|| T::string(&v.to_string()))
                .unwrap_or_else(|| T::other(Value::from(v))),
        })
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        // 2^63 as f64; every integral float strictly inside fits an i64.
        const LIMIT: f64 = 9_223_372_036_854_775_808.0;
        let integral = v.fract() == 0.0 && (-LIMIT..LIMIT).contains(&v);
        Ok(T::number(v)
            .or_else(|| integral.then(|| T::integer(v as i64)).flatten())
            .or_else(|| T::string(&v.to_string()))
            .unwrap_or_else(|| T::other(Value::from(v))))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        let t = v.trim();
        Ok(T::string(v)
            .or_else(|| t.parse::<i64>().ok().and_then(T::integer))
            .or_else(|| {
                t.parse::<f64>()
                    .ok()
                    .filter(|f| f.is_finite())
                    .and_then(T::number)
            })
            .or_else(|| YesNo::parse(t).and_then(|b| T::boolean(b.into())))
            .unwrap_or_else(|| T::other(Value::String(v.to_owned()))))
    }
    fn visit_unit<E: de::Error>(self) -> Result<T, E> {
        Ok(T::other(Value::Null))
    }
    fn visit_none<E: de::Error>(self) -> Result<T, E> {
        Ok(T::other(Value::Null))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<T, A::Error> {
        T::array(seq)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::object(map)
    }
}

#[cfg(test)]
#[allow(dead_code)]
mod tests {
    use crate::support::seed;
    use crate::wire::{self, YesNo};
    use serde::de::DeserializeSeed;
    use serde_json::{json, Value};

    #[derive(Debug, Clone, Default)]
    pub struct Obj {
        pub id: Option<i64>,
        pub extra: wire::Object,
    }
    crate::support::result_fields!(Obj { "id" => id: i64, });

    #[derive(Debug, Clone)]
    pub enum Id {
        Integer(i64),
        Text(String),
        List(Vec<i64>),
        Object(Obj),
        Other(Value),
    }
    crate::support::wire_union!(results Id { integer Integer, text Text, list List: i64, object Object: Obj, });

    #[derive(Debug, Clone)]
    pub enum Flag {
        Bool(bool),
        Number(f64),
        Date(wire::Date),
        Other(Value),
    }
    crate::support::wire_union!(results Flag { bool Bool, number Number, string Date: wire::Date, });

    #[derive(Debug, Clone)]
    pub enum Raw {
        Yes(YesNo),
        Map(wire::Object),
        Items(Vec<Value>),
        Other(Value),
    }
    crate::support::wire_union!(results Raw { string Yes: YesNo, object Map: wire::Object, array Items: Value, });

    /// A sent union: `Serialize` and `From`, `Deserialize` under `--cfg b24_conformance`.
    #[derive(Debug, Clone)]
    pub enum Sent {
        Integer(i64),
        Text(String),
        List(Vec<i64>),
        Other(Value),
    }
    crate::support::wire_union!(params Sent { integer Integer, text Text, list List: i64, });

    fn id(v: Value) -> Id {
        serde_json::from_value(v).expect("a union never fails on its form")
    }

    #[test]
    fn result_structs_keep_unknown_keys_in_answer_order() {
        let o: Obj =
            serde_json::from_str(r#"{"UF_CRM_2":"7","id":"5","UF_CRM_1":{"a":1},"x":null}"#)
                .unwrap();
        assert_eq!(o.id, Some(5));
        let keys: Vec<&String> = o.extra.keys().collect();
        assert_eq!(keys, ["UF_CRM_2", "UF_CRM_1", "x"]);
        assert_eq!(o.extra.get_as::<i64>("UF_CRM_2").unwrap(), Some(7));
        assert_eq!(o.extra.get_as::<i64>("x").unwrap(), None);
        let nested: Option<Obj> = o.extra.get_as("UF_CRM_1").unwrap();
        assert_eq!(nested.unwrap().extra.get("a"), Some(&json!(1)));
        let none: Obj = serde_json::from_str(r#"{"id":1}"#).unwrap();
        assert!(none.extra.is_empty());
    }

    #[test]
    fn each_form_goes_to_its_variant() {
        assert!(matches!(id(json!(5)), Id::Integer(5)));
        assert!(matches!(id(json!("chat29")), Id::Text(s) if s == "chat29"));
        // A numeric string is a string where the union has a string variant.
        assert!(matches!(id(json!("5")), Id::Text(s) if s == "5"));
        assert!(matches!(id(json!([1, "2"])), Id::List(v) if v == [1, 2]));
        assert!(matches!(id(json!({"id": "7", "x": 1})), Id::Object(o) if o.id == Some(7)));
        assert!(matches!(id(json!(5.0)), Id::Integer(5)));
    }

    #[test]
    fn other_forms_are_kept_as_sent() {
        assert!(matches!(id(json!(true)), Id::Other(Value::Bool(true))));
        assert!(matches!(id(json!(null)), Id::Other(Value::Null)));
        // A float with no number variant: the string variant's text.
        assert!(matches!(id(json!(5.5)), Id::Text(s) if s == "5.5"));
        let f = |v: Value| serde_json::from_value::<Flag>(v).expect("never fails on its form");
        assert!(matches!(f(json!([1])), Flag::Other(v) if v == json!([1])));
        assert!(matches!(f(json!({"a": 1})), Flag::Other(v) if v == json!({"a": 1})));
        assert!(matches!(f(json!("no date")), Flag::Other(v) if v == json!("no date")));
        assert!(matches!(f(json!(u64::MAX)), Flag::Number(_)));
    }

    #[test]
    fn scalars_are_read_leniently() {
        let f = |v: Value| serde_json::from_value::<Flag>(v).expect("never fails on its form");
        assert!(matches!(f(json!("Y")), Flag::Bool(true)));
        assert!(matches!(f(json!(false)), Flag::Bool(false)));
        assert!(matches!(f(json!("2.5")), Flag::Number(n) if n == 2.5));
        assert!(matches!(f(json!(3)), Flag::Number(n) if n == 3.0));
        assert!(matches!(f(json!("2024-05-01")), Flag::Date(_)));
        let r = |v: Value| serde_json::from_value::<Raw>(v).expect("never fails on its form");
        assert!(matches!(r(json!("N")), Raw::Yes(YesNo::N)));
        assert!(matches!(r(json!({"b": 1, "a": 2})), Raw::Map(m) if m.len() == 2));
        assert!(matches!(r(json!([{"a": 1}])), Raw::Items(v) if v.len() == 1));
        // A number with no numeric variant: the string variant's, when it takes the text.
        assert!(matches!(id(json!(u64::MAX)), Id::Text(s) if s == u64::MAX.to_string()));
    }

    #[test]
    fn a_bad_value_inside_a_variant_is_an_error_with_its_path() {
        let e = serde_json::from_value::<Id>(json!({"id": {"no": 1}}))
            .expect_err("an object id is not an integer");
        assert!(e.to_string().contains("integer"), "{e}");
        let e = serde_json::from_value::<Id>(json!([1, "x"])).expect_err("`x` is not an integer");
        assert!(e.to_string().contains("integer"), "{e}");
    }

    #[test]
    fn values_serialize_as_their_variant_and_convert_in() {
        let out = |v: Sent| serde_json::to_value(v).expect("serializes");
        assert_eq!(out(5.into()), json!(5));
        assert_eq!(out(5_i64.into()), json!(5));
        assert_eq!(out("chat29".into()), json!("chat29"));
        assert_eq!(out(vec![1, 2].into()), json!([1, 2]));
        assert_eq!(out(Sent::Other(json!({"a": 1}))), json!({"a": 1}));
        #[cfg(b24_conformance)]
        assert!(matches!(
            serde_json::from_value::<Sent>(json!([1])),
            Ok(Sent::List(v)) if v == [1]
        ));
    }

    #[test]
    fn the_seed_keeps_false_and_empty_values() {
        let seed = |v: Value| seed::union::<Flag>().deserialize(v).expect("decodes");
        assert!(seed(json!(null)).is_none());
        assert!(matches!(seed(json!(false)), Some(Flag::Bool(false))));
        assert!(matches!(seed(json!("")), Some(Flag::Other(v)) if v == json!("")));
    }
}
