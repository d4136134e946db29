//! Lenient dates and datetimes.
//!
//! Accepted: ISO-8601 with an offset (`2024-05-01T10:00:00+03:00`, `…Z`, `…+0300`, fractions),
//! without one (`2024-05-01T10:00:00`, `2024-05-01 10:00:00`), a date alone (`2024-05-01`), the
//! portal's Russian format (`01.05.2024`, `01.05.2024 10:00:00`), its English one, month first with
//! a 12-hour clock (`05/01/2024`, `05/01/2024 10:00:00 am`: portals with the English culture format
//! calendar dates so) and
//! unix seconds (number or string).
//! Written back as ISO-8601, the form Bitrix24 accepts.

use chrono::{FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use serde::de::{self, Deserializer, Unexpected, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A value that is not a date or datetime in any accepted form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseDateError {
    input: String,
    kind: &'static str,
}

impl ParseDateError {
    fn new(kind: &'static str, input: &str) -> Self {
        let mut shown: String = input.chars().take(64).collect();
        if shown.len() < input.len() {
            shown.push('…');
        }
        ParseDateError { input: shown, kind }
    }
}

impl fmt::Display for ParseDateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid {} {:?}: expected ISO-8601 (2024-05-01T10:00:00+03:00), 2024-05-01 10:00:00, \
             2024-05-01, 01.05.2024[ 10:00:00] or unix seconds",
            self.kind, self.input
        )
    }
}

impl std::error::Error for ParseDateError {}

/// A point in time as Bitrix24 sends it: a local date and time, with its UTC offset when the wire
/// gave one (`None` for forms like `2024-05-01 10:00:00`, which are in the portal's time zone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DateTime {
    local: NaiveDateTime,
    offset: Option<FixedOffset>,
}

impl DateTime {
    /// A datetime with a known offset.
    pub fn new(local: NaiveDateTime, offset: Option<FixedOffset>) -> Self {
        DateTime { local, offset }
    }

    /// The date and time as written on the wire (in its own offset).
    pub fn local(&self) -> NaiveDateTime {
        self.local
    }

    /// The UTC offset, when the wire gave one.
    pub fn offset(&self) -> Option<FixedOffset> {
        self.offset
    }

    /// As a `chrono` datetime, when the offset is known.
    pub fn to_chrono(&self) -> Option<chrono::DateTime<FixedOffset>> {
        let off = self.offset?;
        off.from_local_datetime(&self.local).single()
    }

    /// From unix seconds (UTC).
    pub fn from_unix(secs: i64) -> Option<Self> {
        let utc = chrono::DateTime::from_timestamp(secs, 0)?;
        Some(DateTime {
            local: utc.naive_utc(),
            offset: FixedOffset::east_opt(0),
        })
    }

    /// Parses every accepted form.
    pub fn parse(s: &str) -> Result<Self, ParseDateError> {
        let t = s.trim();
        if let Some(dt) = fast_iso(t.as_bytes()) {
            return Ok(dt);
        }
        if let Some(secs) = unix_seconds(t) {
            return DateTime::from_unix(secs).ok_or_else(|| ParseDateError::new("datetime", s));
        }
        if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(t) {
            return Ok(dt.into());
        }
        for f in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%.f%z"] {
            if let Ok(dt) = chrono::DateTime::parse_from_str(t, f) {
                return Ok(dt.into());
            }
        }
        for f in [
            "%Y-%m-%dT%H:%M:%S%.f",
            "%Y-%m-%d %H:%M:%S%.f",
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M",
            "%d.%m.%Y %H:%M:%S",
            "%d.%m.%Y %H:%M",
            // The English culture: month first, 12-hour clock (the am/pm marks the form).
            "%m/%d/%Y %I:%M:%S %p",
            "%m/%d/%Y %I:%M %p",
        ] {
            if let Ok(local) = NaiveDateTime::parse_from_str(t, f) {
                return Ok(DateTime {
                    local,
                    offset: None,
                });
            }
        }
        if let Some(d) = parse_date_only(t) {
            return Ok(DateTime {
                local: d.and_time(NaiveTime::MIN),
                offset: None,
            });
        }
        Err(ParseDateError::new("datetime", s))
    }
}

impl From<chrono::DateTime<FixedOffset>> for DateTime {
    fn from(dt: chrono::DateTime<FixedOffset>) -> Self {
        DateTime {
            local: dt.naive_local(),
            offset: Some(*dt.offset()),
        }
    }
}

impl From<NaiveDateTime> for DateTime {
    fn from(local: NaiveDateTime) -> Self {
        DateTime {
            local,
            offset: None,
        }
    }
}

impl FromStr for DateTime {
    type Err = ParseDateError;
    fn from_str(s: &str) -> Result<Self, ParseDateError> {
        DateTime::parse(s)
    }
}

impl fmt::Display for DateTime {
    /// ISO-8601: `2024-05-01T10:00:00+03:00`, or without the offset when none is known.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.offset {
            Some(off) => write!(
                f,
                "{}{}",
                self.local.format("%Y-%m-%dT%H:%M:%S%.f"),
                off_fmt(off)
            ),
            None => write!(f, "{}", self.local.format("%Y-%m-%dT%H:%M:%S%.f")),
        }
    }
}

/// `YYYY-MM-DD[T ]HH:MM:SS` with nothing, `Z`, `±HH:MM` or `±HHMM` after it: the form almost
/// every value on the wire has, parsed without chrono's format machinery. `None` hands the
/// value to the general parser.
fn fast_iso(b: &[u8]) -> Option<DateTime> {
    fn num(b: &[u8]) -> Option<u32> {
        b.iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    }
    if b.len() < 19
        || b[4] != b'-'
        || b[7] != b'-'
        || !(b[10] == b'T' || b[10] == b' ')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(num(&b[0..4])? as i32, num(&b[5..7])?, num(&b[8..10])?)?;
    let time = NaiveTime::from_hms_opt(num(&b[11..13])?, num(&b[14..16])?, num(&b[17..19])?)?;
    let offset = match &b[19..] {
        [] => None,
        [b'Z'] | [b'z'] => Some(FixedOffset::east_opt(0)?),
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] | [sign @ (b'+' | b'-'), h1, h2, m1, m2] => {
            let secs = (num(&[*h1, *h2])? * 60 + num(&[*m1, *m2])?) as i32 * 60;
            Some(FixedOffset::east_opt(if *sign == b'-' {
                -secs
            } else {
                secs
            })?)
        }
        _ => return None,
    };
    Some(DateTime {
        local: date.and_time(time),
        offset,
    })
}

fn off_fmt(off: FixedOffset) -> String {
    let secs = off.local_minus_utc();
    let sign = if secs < 0 { '-' } else { '+' };
    let m = secs.unsigned_abs() / 60;
    format!("{sign}{:02}:{:02}", m / 60, m % 60)
}

/// A calendar date. Datetimes on the wire are accepted and keep their own (local) date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date(pub NaiveDate);

impl Date {
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Self> {
        NaiveDate::from_ymd_opt(year, month, day).map(Date)
    }

    pub fn naive(&self) -> NaiveDate {
        self.0
    }

    /// Parses every accepted form.
    pub fn parse(s: &str) -> Result<Self, ParseDateError> {
        let t = s.trim();
        if let Some(d) = parse_date_only(t) {
            return Ok(Date(d));
        }
        DateTime::parse(t)
            .map(|dt| Date(dt.local.date()))
            .map_err(|_| ParseDateError::new("date", s))
    }
}

impl From<NaiveDate> for Date {
    fn from(d: NaiveDate) -> Self {
        Date(d)
    }
}

impl FromStr for Date {
    type Err = ParseDateError;
    fn from_str(s: &str) -> Result<Self, ParseDateError> {
        Date::parse(s)
    }
}

impl fmt::Display for Date {
    /// ISO-8601: `2024-05-01`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

fn parse_date_only(t: &str) -> Option<NaiveDate> {
    let b = t.as_bytes();
    if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
        let n = |r: std::ops::Range<usize>| t.get(r)?.parse::<u32>().ok();
        if let Some(d) = NaiveDate::from_ymd_opt(n(0..4)? as i32, n(5..7)?, n(8..10)?) {
            return Some(d);
        }
    }
    if b.len() > 10 {
        return None;
    }
    // `05/01/2024`: the English culture, month first (as its datetimes).
    ["%Y-%m-%d", "%d.%m.%Y", "%m/%d/%Y"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(t, f).ok())
}

fn unix_seconds(t: &str) -> Option<i64> {
    let digits = t.strip_prefix('-').unwrap_or(t);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse().ok()
}

impl Serialize for DateTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for DateTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(DateVisitor::<DateTime>::new())
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(DateVisitor::<Date>::new())
    }
}

/// What both date types share for decoding (also used by `opt_date` / `opt_datetime`).
pub(crate) trait DateLike: Sized {
    const KIND: &'static str;
    fn from_str_lenient(s: &str) -> Result<Self, ParseDateError>;
    fn from_unix(secs: i64) -> Option<Self>;

    fn visit_i64<E: de::Error>(v: i64) -> Result<Self, E> {
        Self::from_unix(v).ok_or_else(|| E::invalid_value(Unexpected::Signed(v), &Self::KIND))
    }
    fn visit_f64<E: de::Error>(v: f64) -> Result<Self, E> {
        if v.fract() == 0.0 && v.abs() < 1e15 {
            Self::visit_i64(v as i64)
        } else {
            Err(E::invalid_value(Unexpected::Float(v), &Self::KIND))
        }
    }
    fn visit_str<E: de::Error>(v: &str) -> Result<Self, E> {
        Self::from_str_lenient(v).map_err(E::custom)
    }
}

impl DateLike for DateTime {
    const KIND: &'static str = "a datetime";
    fn from_str_lenient(s: &str) -> Result<Self, ParseDateError> {
        DateTime::parse(s)
    }
    fn from_unix(secs: i64) -> Option<Self> {
        DateTime::from_unix(secs)
    }
}

impl DateLike for Date {
    const KIND: &'static str = "a date";
    fn from_str_lenient(s: &str) -> Result<Self, ParseDateError> {
        Date::parse(s)
    }
    fn from_unix(secs: i64) -> Option<Self> {
        DateTime::from_unix(secs).map(|dt| Date(dt.local.date()))
    }
}

struct DateVisitor<T>(std::marker::PhantomData<T>);

impl<T> DateVisitor<T> {
    fn new() -> Self {
        DateVisitor(std::marker::PhantomData)
    }
}

impl<T: DateLike> Visitor<'_> for DateVisitor<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::KIND)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        T::visit_i64(v)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        i64::try_from(v)
            .map_err(|_| E::invalid_value(Unexpected::Unsigned(v), &self))
            .and_then(T::visit_i64)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        T::visit_f64(v)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        T::visit_str(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dt(s: &str) -> DateTime {
        DateTime::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn datetime_with_offset_round_trips() {
        let v = dt("2024-05-01T10:00:00+03:00");
        assert_eq!(v.offset(), FixedOffset::east_opt(3 * 3600));
        assert_eq!(v.to_string(), "2024-05-01T10:00:00+03:00");
        assert_eq!(dt("2024-05-01T10:00:00+0300"), v);
        assert_eq!(
            dt("2024-05-01T07:00:00Z").to_string(),
            "2024-05-01T07:00:00+00:00"
        );
        assert_eq!(
            dt("2024-05-01T10:00:00-05:30").to_string(),
            "2024-05-01T10:00:00-05:30"
        );
        assert_eq!(
            dt("2024-05-01T10:00:00.250+03:00").to_string(),
            "2024-05-01T10:00:00.250+03:00"
        );
        assert_eq!(
            v.to_chrono().unwrap().timestamp(),
            dt("2024-05-01T07:00:00Z").to_chrono().unwrap().timestamp()
        );
    }

    #[test]
    fn fast_path_agrees_with_chrono() {
        for s in [
            "2024-05-01T10:00:00+03:00",
            "2024-05-01T10:00:00-05:30",
            "2024-05-01T10:00:00+0300",
            "2024-05-01T10:00:00Z",
            "2024-05-01 10:00:00",
            "2024-12-31T23:59:59+14:00",
        ] {
            let fast = fast_iso(s.as_bytes()).unwrap();
            let slow = chrono::DateTime::parse_from_rfc3339(s)
                .map(DateTime::from)
                .or_else(|_| {
                    chrono::DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%z").map(DateTime::from)
                })
                .or_else(|_| {
                    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").map(DateTime::from)
                })
                .unwrap();
            assert_eq!(fast, slow, "{s}");
        }
        for bad in [
            "2024-02-30T10:00:00+03:00",
            "2024-05-01T25:00:00",
            "2024-05-01T10:00:00+03",
            "2024-05-01T10:00:00.5Z",
            "2024-05-01X10:00:00",
            "２０24-05-01T10:00:00",
        ] {
            assert!(fast_iso(bad.as_bytes()).is_none(), "{bad}");
        }
        assert!(DateTime::parse("2024-02-30T10:00:00+03:00").is_err());
        assert_eq!(
            DateTime::parse("2024-05-01T10:00:00.5Z")
                .unwrap()
                .to_string(),
            "2024-05-01T10:00:00.500+00:00"
        );
    }

    #[test]
    fn datetime_without_offset_forms() {
        let v = dt("2024-05-01 10:00:00");
        assert_eq!(v.offset(), None);
        assert_eq!(v.to_string(), "2024-05-01T10:00:00");
        assert_eq!(dt("2024-05-01T10:00:00"), v);
        assert_eq!(dt("01.05.2024 10:00:00"), v);
        assert_eq!(dt("01.05.2024 10:00"), v);
        assert_eq!(dt("2024-05-01").to_string(), "2024-05-01T00:00:00");
        assert_eq!(dt("01.05.2024").to_string(), "2024-05-01T00:00:00");
        assert_eq!(dt("05/01/2024 10:00:00 am"), v);
        assert_eq!(
            dt("12/11/2024 05:59:00 pm").to_string(),
            "2024-12-11T17:59:00"
        );
        assert_eq!(dt("12/11/2024 05:59 PM").to_string(), "2024-12-11T17:59:00");
        assert!(DateTime::parse("13/11/2024 05:59:00 pm").is_err());
    }

    #[test]
    fn datetime_from_unix_seconds() {
        assert_eq!(dt("1714557600").to_string(), "2024-05-01T10:00:00+00:00");
        let n: DateTime = serde_json::from_str("1714557600").unwrap();
        assert_eq!(n.to_string(), "2024-05-01T10:00:00+00:00");
        let f: DateTime = serde_json::from_str("1714557600.0").unwrap();
        assert_eq!(f, n);
    }

    #[test]
    fn date_forms() {
        let d = Date::from_ymd(2024, 5, 1).unwrap();
        for s in [
            "2024-05-01",
            "01.05.2024",
            "2024-05-01T10:00:00+03:00",
            "2024-05-01 23:59:59",
            "01.05.2024 10:00:00",
            "05/01/2024",
            "05/01/2024 10:00:00 pm",
        ] {
            assert_eq!(Date::parse(s).unwrap(), d, "{s}");
        }
        let from_num: Date = serde_json::from_str("1714557600").unwrap();
        assert_eq!(from_num, d);
        let from_str: Date = serde_json::from_str(r#""1714557600""#).unwrap();
        assert_eq!(from_str, d);
        assert_eq!(serde_json::to_string(&d).unwrap(), r#""2024-05-01""#);
    }

    #[test]
    fn bad_values_are_named_in_the_error() {
        let e = serde_json::from_str::<DateTime>(r#""yesterday""#)
            .unwrap_err()
            .to_string();
        assert!(e.contains("yesterday") && e.contains("datetime"), "{e}");
        let e = serde_json::from_str::<Date>(r#""2024-13-45""#)
            .unwrap_err()
            .to_string();
        assert!(e.contains("2024-13-45") && e.contains("date"), "{e}");
        assert!(serde_json::from_str::<Date>("true").is_err());
        assert!(serde_json::from_str::<DateTime>("1.5").is_err());
    }

    #[test]
    fn serializes_as_iso_string() {
        let v = dt("01.05.2024 10:00:00");
        assert_eq!(
            serde_json::to_string(&v).unwrap(),
            r#""2024-05-01T10:00:00""#
        );
    }
}
