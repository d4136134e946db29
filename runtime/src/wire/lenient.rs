//! `deserialize_with` helpers for scalar fields, `Vec` fields and untyped values.

use super::date::{Date, DateLike, DateTime};
use super::yes_no::YesNo;
use serde::de::value::{BoolDeserializer, F64Deserializer, I64Deserializer, StrDeserializer};
use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Unexpected};
use serde::de::{IntoDeserializer, Visitor};
use serde_json::Value;
use std::fmt;
use std::marker::PhantomData;

/// A scalar type decoded leniently. Strings reach `from_str` trimmed and non-empty.
trait Lenient: Sized {
    const EXPECTING: &'static str;
    /// `false` is a value of this type (booleans), not the "absent" marker.
    const FALSE_IS_VALUE: bool = false;
    /// Surrounding whitespace is not part of the value (everything but strings).
    const TRIM: bool = true;
    /// What `""` means for a required field of this type (`None`: an error).
    fn empty_required() -> Option<Self> {
        None
    }
    fn from_str<E: de::Error>(s: &str) -> Result<Self, E>;
    fn from_i64<E: de::Error>(v: i64) -> Result<Self, E>;
    fn from_u64<E: de::Error>(v: u64) -> Result<Self, E>;
    fn from_f64<E: de::Error>(v: f64) -> Result<Self, E>;
    fn from_bool<E: de::Error>(v: bool) -> Result<Self, E> {
        Err(E::invalid_type(Unexpected::Bool(v), &Self::EXPECTING))
    }
}

impl Lenient for i64 {
    const EXPECTING: &'static str = "an integer (or a string holding one)";
    fn from_str<E: de::Error>(s: &str) -> Result<Self, E> {
        if let Ok(v) = s.parse::<i64>() {
            return Ok(v);
        }
        match s.parse::<f64>() {
            Ok(f) if f.is_finite() => Self::from_f64(f),
            _ => Err(E::invalid_value(Unexpected::Str(s), &Self::EXPECTING)),
        }
    }
    fn from_i64<E: de::Error>(v: i64) -> Result<Self, E> {
        Ok(v)
    }
    fn from_u64<E: de::Error>(v: u64) -> Result<Self, E> {
        i64::try_from(v).map_err(|_| E::invalid_value(Unexpected::Unsigned(v), &Self::EXPECTING))
    }
    fn from_f64<E: de::Error>(v: f64) -> Result<Self, E> {
        // 2^63 as f64; every integral float strictly inside fits an i64.
        const LIMIT: f64 = 9_223_372_036_854_775_808.0;
        if v.fract() == 0.0 && (-LIMIT..LIMIT).contains(&v) {
            Ok(v as i64)
        } else {
            Err(E::invalid_value(Unexpected::Float(v), &Self::EXPECTING))
        }
    }
}

impl Lenient for f64 {
    const EXPECTING: &'static str = "a number (or a string holding one)";
    fn from_str<E: de::Error>(s: &str) -> Result<Self, E> {
        match s.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(v),
            _ => Err(E::invalid_value(Unexpected::Str(s), &Self::EXPECTING)),
        }
    }
    fn from_i64<E: de::Error>(v: i64) -> Result<Self, E> {
        Ok(v as f64)
    }
    fn from_u64<E: de::Error>(v: u64) -> Result<Self, E> {
        Ok(v as f64)
    }
    fn from_f64<E: de::Error>(v: f64) -> Result<Self, E> {
        Ok(v)
    }
}

/// Unix time in seconds: a number, a string holding one, or a datetime with its offset
/// (`"2024-08-26T16:11:37+03:00"`, as some portals send `time.operating_reset_at`).
struct UnixTime(f64);

impl Lenient for UnixTime {
    const EXPECTING: &'static str = "a Unix time (a number, or a datetime with its offset)";
    fn from_str<E: de::Error>(s: &str) -> Result<Self, E> {
        if let Ok(v) = <f64 as Lenient>::from_str::<E>(s) {
            return Ok(UnixTime(v));
        }
        DateTime::parse(s)
            .ok()
            .and_then(|d| d.to_chrono())
            .map(|d| UnixTime(d.timestamp() as f64 + f64::from(d.timestamp_subsec_millis()) / 1e3))
            .ok_or_else(|| E::invalid_value(Unexpected::Str(s), &Self::EXPECTING))
    }
    fn from_i64<E: de::Error>(v: i64) -> Result<Self, E> {
        Ok(UnixTime(v as f64))
    }
    fn from_u64<E: de::Error>(v: u64) -> Result<Self, E> {
        Ok(UnixTime(v as f64))
    }
    fn from_f64<E: de::Error>(v: f64) -> Result<Self, E> {
        Ok(UnixTime(v))
    }
}

impl Lenient for bool {
    const EXPECTING: &'static str = "a boolean (true/false, \"Y\"/\"N\", 1/0)";
    const FALSE_IS_VALUE: bool = true;
    fn from_str<E: de::Error>(s: &str) -> Result<Self, E> {
        YesNo::parse(s)
            .map(bool::from)
            .ok_or_else(|| E::invalid_value(Unexpected::Str(s), &Self::EXPECTING))
    }
    fn from_i64<E: de::Error>(v: i64) -> Result<Self, E> {
        match v {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(E::invalid_value(Unexpected::Signed(v), &Self::EXPECTING)),
        }
    }
    fn from_u64<E: de::Error>(v: u64) -> Result<Self, E> {
        match v {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(E::invalid_value(Unexpected::Unsigned(v), &Self::EXPECTING)),
        }
    }
    fn from_f64<E: de::Error>(v: f64) -> Result<Self, E> {
        Err(E::invalid_type(Unexpected::Float(v), &Self::EXPECTING))
    }
    fn from_bool<E: de::Error>(v: bool) -> Result<Self, E> {
        Ok(v)
    }
}

impl Lenient for YesNo {
    const EXPECTING: &'static str = "\"Y\" or \"N\"";
    const FALSE_IS_VALUE: bool = true;
    fn from_str<E: de::Error>(s: &str) -> Result<Self, E> {
        YesNo::parse(s).ok_or_else(|| E::invalid_value(Unexpected::Str(s), &Self::EXPECTING))
    }
    fn from_i64<E: de::Error>(v: i64) -> Result<Self, E> {
        bool::from_i64(v).map(YesNo::from)
    }
    fn from_u64<E: de::Error>(v: u64) -> Result<Self, E> {
        bool::from_u64(v).map(YesNo::from)
    }
    fn from_f64<E: de::Error>(v: f64) -> Result<Self, E> {
        Err(E::invalid_type(Unexpected::Float(v), &Self::EXPECTING))
    }
    fn from_bool<E: de::Error>(v: bool) -> Result<Self, E> {
        Ok(v.into())
    }
}

impl Lenient for String {
    const EXPECTING: &'static str = "a string";
    const TRIM: bool = false;
    fn empty_required() -> Option<Self> {
        Some(String::new())
    }
    fn from_str<E: de::Error>(s: &str) -> Result<Self, E> {
        Ok(s.to_owned())
    }
    fn from_i64<E: de::Error>(v: i64) -> Result<Self, E> {
        Ok(v.to_string())
    }
    fn from_u64<E: de::Error>(v: u64) -> Result<Self, E> {
        Ok(v.to_string())
    }
    fn from_f64<E: de::Error>(v: f64) -> Result<Self, E> {
        Ok(v.to_string())
    }
    fn from_bool<E: de::Error>(v: bool) -> Result<Self, E> {
        Ok(v.to_string())
    }
}

/// Dates go through [`DateLike`].
macro_rules! lenient_date {
    ($t:ty) => {
        impl Lenient for $t {
            const EXPECTING: &'static str = <$t as DateLike>::KIND;
            fn from_str<E: de::Error>(s: &str) -> Result<Self, E> {
                <$t as DateLike>::visit_str(s)
            }
            fn from_i64<E: de::Error>(v: i64) -> Result<Self, E> {
                <$t as DateLike>::visit_i64(v)
            }
            fn from_u64<E: de::Error>(v: u64) -> Result<Self, E> {
                i64::try_from(v)
                    .map_err(|_| E::invalid_value(Unexpected::Unsigned(v), &Self::EXPECTING))
                    .and_then(<$t as DateLike>::visit_i64)
            }
            fn from_f64<E: de::Error>(v: f64) -> Result<Self, E> {
                <$t as DateLike>::visit_f64(v)
            }
        }
    };
}
lenient_date!(Date);
lenient_date!(DateTime);

/// Decodes one `T`; `Ok(None)` for the empty spellings. In required mode `""` goes to
/// `T::empty_required` and `false` to `T::from_bool`.
struct LenientVisitor<T> {
    required: bool,
    _t: PhantomData<T>,
}

impl<T> LenientVisitor<T> {
    fn new(required: bool) -> Self {
        LenientVisitor {
            required,
            _t: PhantomData,
        }
    }
}

impl<'de, T: Lenient> Visitor<'de> for LenientVisitor<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        if !v && !T::FALSE_IS_VALUE && !self.required {
            return Ok(None);
        }
        T::from_bool(v).map(Some)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        T::from_i64(v).map(Some)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        T::from_u64(v).map(Some)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        T::from_f64(v).map(Some)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        let t = if T::TRIM { v.trim() } else { v };
        if t.is_empty() {
            return Ok(if self.required {
                T::empty_required()
            } else {
                None
            });
        }
        T::from_str(t).map(Some)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        match seq.next_element::<IgnoredAny>()? {
            None => Ok(None),
            Some(_) => Err(de::Error::invalid_type(Unexpected::Seq, &self)),
        }
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        match map.next_key::<IgnoredAny>()? {
            None => Ok(None),
            Some(_) => Err(de::Error::invalid_type(Unexpected::Map, &self)),
        }
    }
}

fn optional<'de, D: Deserializer<'de>, T: Lenient>(d: D) -> Result<Option<T>, D::Error> {
    d.deserialize_any(LenientVisitor::<T>::new(false))
}

fn required<'de, D: Deserializer<'de>, T: Lenient>(d: D) -> Result<T, D::Error> {
    d.deserialize_any(LenientVisitor::<T>::new(true))?
        .ok_or_else(|| {
            de::Error::custom(format_args!(
                "empty value where {} is required",
                T::EXPECTING
            ))
        })
}

/// `Option<i64>`: `123`, `"123"`, `123.0`; empty spellings → `None`.
pub fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    optional(d)
}
/// `Option<f64>`: `1.5`, `"1.5"`, `1`; empty spellings → `None`.
pub fn opt_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    optional(d)
}
/// `Option<f64>` of Unix seconds: as [`opt_f64`], and datetimes with an offset
/// (`"2024-08-26T16:11:37+03:00"`) read as the instant they name.
pub fn opt_unix_time<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    Ok(optional::<D, UnixTime>(d)?.map(|t| t.0))
}
/// `Option<bool>`: `true`/`false`, `"Y"`/`"N"`, `1`/`0`, `"1"`/`"0"`, `"true"`/`"false"`.
pub fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    optional(d)
}
/// `Option<String>`: numbers and `true` become their text; `""` and `false` → `None`.
pub fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    optional(d)
}
/// `Option<YesNo>`: as [`opt_bool`].
pub fn opt_yes_no<'de, D: Deserializer<'de>>(d: D) -> Result<Option<YesNo>, D::Error> {
    optional(d)
}
/// `Option<Date>`: any accepted date form.
pub fn opt_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
    optional(d)
}
/// `Option<DateTime>`: any accepted datetime form.
pub fn opt_datetime<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime>, D::Error> {
    optional(d)
}

/// Required `i64`: as [`opt_i64`], but empty or invalid is an error.
pub fn i64<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    required(d)
}
/// Required `f64`.
pub fn f64<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    required(d)
}
/// Required `bool`.
pub fn bool<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    required(d)
}
/// Required `String`: `""` stays `""`, numbers and booleans become their text; `null` is an error.
pub fn string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    required(d)
}

/// `Option<Value>`: any JSON; `null` and `""` → `None`. Since the type is unknown, `false`, `[]`
/// and `{}` are kept as values.
pub fn opt_value<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::String(s)) if s.is_empty() => None,
        Some(Value::Null) | None => None,
        v => v,
    })
}

/// `Option<Vec<T>>`: an array; an object whose values are the items (`{"0":{…},"1":{…}}`); or a
/// single item. Missing, `null`, `""`, `false`, `[]` and `{}` → `None`.
pub fn opt_vec<'de, D, T>(d: D) -> Result<Option<Vec<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    d.deserialize_any(VecVisitor(PhantomData))
}

struct VecVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> VecVisitor<T> {
    fn one<E: de::Error, I: IntoDeserializer<'de, E>>(v: I) -> Result<Option<Vec<T>>, E> {
        T::deserialize(v.into_deserializer()).map(|t| Some(vec![t]))
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for VecVisitor<T> {
    type Value = Option<Vec<T>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list (array, object of items, or one item)")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        if !v {
            return Ok(None);
        }
        T::deserialize(BoolDeserializer::<E>::new(v)).map(|t| Some(vec![t]))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        T::deserialize(I64Deserializer::<E>::new(v)).map(|t| Some(vec![t]))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Self::one(v)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        T::deserialize(F64Deserializer::<E>::new(v)).map(|t| Some(vec![t]))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        if v.is_empty() {
            return Ok(None);
        }
        T::deserialize(StrDeserializer::<E>::new(v)).map(|t| Some(vec![t]))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        if v.is_empty() {
            return Ok(None);
        }
        Self::one(v)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(item) = seq.next_element::<T>()? {
            out.push(item);
        }
        Ok(if out.is_empty() { None } else { Some(out) })
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        // Buffered: whether this is `{"0": item, "1": item}` or one item is known only at the end.
        let mut entries: Vec<(String, Value)> = Vec::new();
        while let Some(entry) = map.next_entry::<String, Value>()? {
            entries.push(entry);
        }
        if entries.is_empty() {
            return Ok(None);
        }
        let numbered = entries
            .iter()
            .all(|(k, _)| !k.is_empty() && k.bytes().all(|b| b.is_ascii_digit()));
        let as_items = |entries: Vec<(String, Value)>| -> Result<Vec<T>, serde_json::Error> {
            entries
                .into_iter()
                .map(|(_, v)| T::deserialize(v))
                .collect()
        };
        if numbered {
            return as_items(entries).map(Some).map_err(de::Error::custom);
        }
        let object: serde_json::Map<String, Value> = entries.iter().cloned().collect();
        match T::deserialize(Value::Object(object)) {
            Ok(one) => Ok(Some(vec![one])),
            Err(single_err) => match as_items(entries) {
                Ok(items) => Ok(Some(items)),
                Err(_) => Err(de::Error::custom(single_err)),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Date, DateTime, YesNo};
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, Deserialize, PartialEq)]
    #[allow(dead_code)]
    struct Deal {
        #[serde(rename = "ID", default, deserialize_with = "super::opt_i64")]
        id: Option<i64>,
        #[serde(rename = "OPPORTUNITY", default, deserialize_with = "super::opt_f64")]
        opportunity: Option<f64>,
        #[serde(rename = "OPENED", default, deserialize_with = "super::opt_bool")]
        opened: Option<bool>,
        #[serde(rename = "CLOSED", default, deserialize_with = "super::opt_yes_no")]
        closed: Option<YesNo>,
        #[serde(rename = "TITLE", default, deserialize_with = "super::opt_string")]
        title: Option<String>,
        #[serde(rename = "BEGINDATE", default, deserialize_with = "super::opt_date")]
        begin: Option<Date>,
        #[serde(
            rename = "DATE_CREATE",
            default,
            deserialize_with = "super::opt_datetime"
        )]
        created: Option<DateTime>,
        #[serde(rename = "EXTRA", default, deserialize_with = "super::opt_value")]
        extra: Option<serde_json::Value>,
    }

    fn deal(v: serde_json::Value) -> Deal {
        serde_json::from_value(v).unwrap()
    }

    fn none_deal() -> Deal {
        Deal {
            id: None,
            opportunity: None,
            opened: None,
            closed: None,
            title: None,
            begin: None,
            created: None,
            extra: None,
        }
    }

    #[test]
    fn real_record_decodes() {
        let d: Deal = serde_json::from_str(
            r#"{"ID":"123","OPPORTUNITY":"1500.50","OPENED":"Y","CLOSED":"N","TITLE":"Deal #1",
                "BEGINDATE":"2024-05-01T03:00:00+03:00","DATE_CREATE":"2024-05-01T10:00:00+03:00",
                "EXTRA":{"a":1}}"#,
        )
        .unwrap();
        assert_eq!(d.id, Some(123));
        assert_eq!(d.opportunity, Some(1500.5));
        assert_eq!(d.opened, Some(true));
        assert_eq!(d.closed, Some(YesNo::N));
        assert_eq!(d.title.as_deref(), Some("Deal #1"));
        assert_eq!(d.begin, Date::from_ymd(2024, 5, 1));
        assert_eq!(d.created.unwrap().to_string(), "2024-05-01T10:00:00+03:00");
        assert_eq!(d.extra, Some(json!({"a": 1})));
    }

    #[test]
    fn empty_spellings_are_none() {
        for empty in [json!(null), json!(""), json!(false), json!([]), json!({})] {
            let d = deal(json!({
                "ID": empty, "OPPORTUNITY": empty, "TITLE": empty,
                "BEGINDATE": empty, "DATE_CREATE": empty,
            }));
            assert_eq!(d, none_deal(), "{empty}");
        }
        assert_eq!(deal(json!({})), none_deal());
        assert_eq!(deal(json!({"EXTRA": ""})).extra, None);
        assert_eq!(deal(json!({"EXTRA": null})).extra, None);
        assert_eq!(deal(json!({"EXTRA": false})).extra, Some(json!(false)));
        assert_eq!(deal(json!({"EXTRA": []})).extra, Some(json!([])));
    }

    #[test]
    fn booleans_keep_false() {
        let d = deal(json!({"OPENED": false, "CLOSED": false}));
        assert_eq!((d.opened, d.closed), (Some(false), Some(YesNo::N)));
        for (v, want) in [
            (json!("Y"), true),
            (json!("n"), false),
            (json!(1), true),
            (json!("0"), false),
            (json!("true"), true),
            (json!("false"), false),
        ] {
            assert_eq!(deal(json!({ "OPENED": v })).opened, Some(want), "{v}");
        }
        assert_eq!(deal(json!({"OPENED": ""})).opened, None);
        assert_eq!(deal(json!({"OPENED": []})).opened, None);
        assert!(serde_json::from_value::<Deal>(json!({"OPENED": "perhaps"})).is_err());
        assert!(serde_json::from_value::<Deal>(json!({"OPENED": 2})).is_err());
    }

    #[test]
    fn integer_spellings() {
        for v in [
            json!("123"),
            json!(123),
            json!(123.0),
            json!(" 123 "),
            json!("123.0"),
        ] {
            assert_eq!(deal(json!({ "ID": v })).id, Some(123), "{v}");
        }
        assert_eq!(deal(json!({"ID": "-5"})).id, Some(-5));
        for bad in [
            json!("12a"),
            json!(1.5),
            json!("1.5"),
            json!(true),
            json!([1]),
            json!({"a":1}),
        ] {
            let e = serde_json::from_value::<Deal>(json!({ "ID": bad })).unwrap_err();
            assert!(!e.to_string().is_empty(), "{bad}");
        }
        let e = serde_json::from_str::<Deal>(r#"{"ID":"12a"}"#)
            .unwrap_err()
            .to_string();
        assert!(e.contains("12a"), "{e}");
        assert!(serde_json::from_value::<Deal>(json!({"ID": u64::MAX})).is_err());
    }

    #[test]
    fn float_spellings() {
        for (v, want) in [
            (json!("1.5"), 1.5),
            (json!(1.5), 1.5),
            (json!(1), 1.0),
            (json!("2"), 2.0),
        ] {
            assert_eq!(
                deal(json!({ "OPPORTUNITY": v })).opportunity,
                Some(want),
                "{v}"
            );
        }
        assert!(serde_json::from_value::<Deal>(json!({"OPPORTUNITY": "abc"})).is_err());
        assert!(serde_json::from_value::<Deal>(json!({"OPPORTUNITY": "NaN"})).is_err());
    }

    #[test]
    fn strings_from_numbers_and_bools() {
        assert_eq!(deal(json!({"TITLE": 42})).title.as_deref(), Some("42"));
        assert_eq!(deal(json!({"TITLE": 1.5})).title.as_deref(), Some("1.5"));
        assert_eq!(deal(json!({"TITLE": true})).title.as_deref(), Some("true"));
        assert_eq!(deal(json!({"TITLE": " a "})).title.as_deref(), Some(" a "));
        assert!(serde_json::from_value::<Deal>(json!({"TITLE": ["x"]})).is_err());
    }

    #[derive(Debug, Deserialize)]
    struct Required {
        #[serde(deserialize_with = "super::i64")]
        id: i64,
        #[serde(deserialize_with = "super::f64")]
        sum: f64,
        #[serde(deserialize_with = "super::bool")]
        on: bool,
        #[serde(deserialize_with = "super::string")]
        name: String,
    }

    fn req(v: serde_json::Value) -> Result<Required, serde_json::Error> {
        serde_json::from_value(v)
    }

    #[test]
    fn required_variants() {
        let r = req(json!({"id": "7", "sum": "2.5", "on": "Y", "name": 12})).unwrap();
        assert_eq!((r.id, r.sum, r.on, r.name.as_str()), (7, 2.5, true, "12"));
        let r = req(json!({"id": 7.0, "sum": 3, "on": false, "name": ""})).unwrap();
        assert_eq!((r.id, r.sum, r.on, r.name.as_str()), (7, 3.0, false, ""));
        let r = req(json!({"id": 1, "sum": 1, "on": 0, "name": false})).unwrap();
        assert_eq!((r.on, r.name.as_str()), (false, "false"));

        let e = req(json!({"id": "", "sum": 1, "on": true, "name": "x"})).unwrap_err();
        assert!(e.to_string().contains("empty value"), "{e}");
        assert!(req(json!({"id": null, "sum": 1, "on": true, "name": "x"})).is_err());
        assert!(req(json!({"id": false, "sum": 1, "on": true, "name": "x"})).is_err());
        assert!(req(json!({"id": 1, "sum": 1, "on": true, "name": null})).is_err());
        assert!(req(json!({"id": 1, "sum": 1, "on": "", "name": "x"})).is_err());
        let e = req(json!({"sum": 1, "on": true, "name": "x"})).unwrap_err();
        assert!(e.to_string().contains("missing field `id`"), "{e}");
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Item {
        #[serde(rename = "ID", deserialize_with = "super::i64")]
        id: i64,
    }

    #[derive(Debug, Deserialize)]
    struct Holder {
        #[serde(default, deserialize_with = "super::opt_vec")]
        items: Option<Vec<Item>>,
        #[serde(default, deserialize_with = "super::opt_vec")]
        ids: Option<Vec<i64>>,
        #[serde(default, deserialize_with = "super::opt_vec")]
        names: Option<Vec<String>>,
    }

    fn holder(v: serde_json::Value) -> Holder {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn opt_vec_shapes() {
        let ids = |h: Holder| {
            h.items
                .map(|v| v.into_iter().map(|i| i.id).collect::<Vec<_>>())
        };
        assert_eq!(
            ids(holder(json!({"items": [{"ID": "1"}, {"ID": 2}]}))),
            Some(vec![1, 2])
        );
        assert_eq!(
            ids(holder(
                json!({"items": {"0": {"ID": "5"}, "1": {"ID": "6"}}})
            )),
            Some(vec![5, 6])
        );
        assert_eq!(ids(holder(json!({"items": {"ID": "9"}}))), Some(vec![9]));
        // Named keys whose values are the items (the object is not itself an item).
        assert_eq!(
            ids(holder(json!({"items": {"a": {"ID": 1}, "b": {"ID": 2}}}))),
            Some(vec![1, 2])
        );
        for empty in [json!(null), json!(""), json!(false), json!([]), json!({})] {
            assert!(holder(json!({ "items": empty })).items.is_none(), "{empty}");
        }
        assert!(holder(json!({})).items.is_none());
        assert_eq!(holder(json!({"ids": [1, 2]})).ids, Some(vec![1, 2]));
        assert_eq!(holder(json!({"ids": 3})).ids, Some(vec![3]));
        assert_eq!(
            holder(json!({"names": "solo"})).names,
            Some(vec!["solo".to_string()])
        );
        assert!(serde_json::from_value::<Holder>(json!({"items": [{"ID": "x"}]})).is_err());
        assert!(serde_json::from_value::<Holder>(json!({"items": {"0": {"ID": "x"}}})).is_err());
    }

    #[test]
    fn opt_vec_from_str_input() {
        let h: Holder = serde_json::from_str(r#"{"items":{"0":{"ID":"5"}},"names":"x"}"#).unwrap();
        assert_eq!(h.items, Some(vec![Item { id: 5 }]));
        assert_eq!(h.names, Some(vec!["x".to_string()]));
    }
}
