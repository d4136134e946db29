//! `"Y"` / `"N"` flags.

use serde::de::{self, Deserializer, Unexpected, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;

/// A Bitrix24 `"Y"`/`"N"` flag. Serializes as `"Y"`/`"N"`; deserializes `"Y"`/`"N"` (any case),
/// `true`/`false`, `1`/`0`, `"1"`/`"0"` and `"true"`/`"false"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum YesNo {
    Y,
    N,
}

impl YesNo {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            YesNo::Y => "Y",
            YesNo::N => "N",
        }
    }

    /// Parses the string spellings (`Y`/`N` any case, `1`/`0`, `true`/`false`).
    pub fn parse(s: &str) -> Option<YesNo> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("y") || s == "1" || s.eq_ignore_ascii_case("true") {
            Some(YesNo::Y)
        } else if s.eq_ignore_ascii_case("n") || s == "0" || s.eq_ignore_ascii_case("false") {
            Some(YesNo::N)
        } else {
            None
        }
    }
}

impl From<YesNo> for bool {
    fn from(v: YesNo) -> bool {
        v == YesNo::Y
    }
}

impl From<bool> for YesNo {
    fn from(v: bool) -> YesNo {
        if v {
            YesNo::Y
        } else {
            YesNo::N
        }
    }
}

impl fmt::Display for YesNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for YesNo {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for YesNo {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(YesNoVisitor)
    }
}

struct YesNoVisitor;

impl Visitor<'_> for YesNoVisitor {
    type Value = YesNo;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"Y\" or \"N\"")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<YesNo, E> {
        Ok(v.into())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<YesNo, E> {
        match v {
            1 => Ok(YesNo::Y),
            0 => Ok(YesNo::N),
            _ => Err(E::invalid_value(Unexpected::Signed(v), &self)),
        }
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<YesNo, E> {
        match v {
            1 => Ok(YesNo::Y),
            0 => Ok(YesNo::N),
            _ => Err(E::invalid_value(Unexpected::Unsigned(v), &self)),
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<YesNo, E> {
        YesNo::parse(v).ok_or_else(|| E::invalid_value(Unexpected::Str(v), &self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn de(json: &str) -> Result<YesNo, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn accepts_every_spelling() {
        for j in [r#""Y""#, r#""y""#, "true", "1", r#""1""#, r#""true""#] {
            assert_eq!(de(j).unwrap(), YesNo::Y, "{j}");
        }
        for j in [r#""N""#, r#""n""#, "false", "0", r#""0""#, r#""FALSE""#] {
            assert_eq!(de(j).unwrap(), YesNo::N, "{j}");
        }
    }

    #[test]
    fn rejects_other_values_naming_them() {
        let e = de(r#""maybe""#).unwrap_err().to_string();
        assert!(e.contains("maybe"), "{e}");
        assert!(de("2").is_err());
        assert!(de("null").is_err());
    }

    #[test]
    fn serializes_as_letter_and_converts_to_bool() {
        assert_eq!(serde_json::to_string(&YesNo::Y).unwrap(), r#""Y""#);
        assert_eq!(serde_json::to_string(&YesNo::N).unwrap(), r#""N""#);
        assert!(bool::from(YesNo::Y));
        assert!(!bool::from(YesNo::N));
        assert_eq!(YesNo::from(true), YesNo::Y);
        assert_eq!(YesNo::from(false), YesNo::N);
    }
}
