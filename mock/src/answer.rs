//! Answer bodies: errors in the REST 2 and REST 3 shapes, the `time` block, and results
//! synthesized from a result type where the docs give no example.

use b24_ir::{Field, Kind, Type};
use serde_json::{json, Map, Number, Value};

/// An error answer: HTTP status, code and description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: u16,
    pub code: String,
    pub description: String,
    /// REST 3 shape (`{"error": {"code", "message", "validation"}}`).
    pub v3: bool,
    /// REST 3 `validation` entries: (field, message).
    pub validation: Option<Vec<(String, String)>>,
    /// `operating_reset_at` of `OPERATION_TIME_LIMIT`, beside `error`.
    pub operating_reset_at: Option<i64>,
}

impl ApiError {
    pub fn v2(status: u16, code: &str, description: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code: code.to_owned(),
            description: description.into(),
            v3: false,
            validation: None,
            operating_reset_at: None,
        }
    }

    pub fn v3(code: &str, message: String, validation: Option<Vec<(String, String)>>) -> ApiError {
        ApiError {
            status: 400,
            code: code.to_owned(),
            description: message,
            v3: true,
            validation,
            operating_reset_at: None,
        }
    }

    /// The same error in the shape of a REST `version`.
    pub fn shaped(mut self, version: u8) -> ApiError {
        self.v3 = version == 3;
        self
    }

    pub fn body(&self) -> Value {
        let mut o = if self.v3 {
            let mut e = Map::new();
            e.insert("code".into(), self.code.clone().into());
            e.insert("message".into(), self.description.clone().into());
            if let Some(v) = &self.validation {
                let list = v
                    .iter()
                    .map(|(f, m)| json!({"field": f, "message": m}))
                    .collect();
                e.insert("validation".into(), Value::Array(list));
            }
            let mut o = Map::new();
            o.insert("error".into(), Value::Object(e));
            o
        } else {
            let mut o = Map::new();
            o.insert("error".into(), self.code.clone().into());
            o.insert("error_description".into(), self.description.clone().into());
            o
        };
        if let Some(r) = self.operating_reset_at {
            o.insert("operating_reset_at".into(), r.into());
        }
        Value::Object(o)
    }
}

/// The `time` block of an answer. `now` is unix time in seconds.
pub(crate) fn time_block(
    start: f64,
    finish: f64,
    operating: f64,
    operating_reset_at: Option<i64>,
) -> Value {
    let mut t = json!({
        "start": start,
        "finish": finish,
        "duration": finish - start,
        "processing": finish - start,
        "date_start": iso(start as i64),
        "date_finish": iso(finish as i64),
    });
    if let Value::Object(o) = &mut t {
        if let Some(r) = operating_reset_at {
            o.insert("operating_reset_at".into(), r.into());
        }
        o.insert(
            "operating".into(),
            Number::from_f64(operating)
                .map(Value::Number)
                .unwrap_or(0.into()),
        );
    }
    t
}

/// Unix seconds → `2024-07-18T11:55:36+00:00` (UTC; the civil-from-days algorithm).
pub(crate) fn iso(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (h, mi, s) = (rem / 3600, rem % 3600 / 60, rem % 60);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}+00:00")
}

/// A value of type `ty`, the same every time: what the mock answers where the docs give no
/// example. `n` varies the values of seeded rows.
pub(crate) fn synthesize(ty: &Type, n: u64) -> Value {
    synth(ty, n, 0)
}

fn synth(ty: &Type, n: u64, depth: u32) -> Value {
    if depth > 6 {
        return Value::Null;
    }
    match &ty.kind {
        Kind::String => Value::String(format!("string {n}")),
        Kind::Integer => n.into(),
        Kind::Double => Number::from_f64(n as f64 + 0.5)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        Kind::Boolean => true.into(),
        Kind::YesNo => "Y".into(),
        Kind::Date => "2024-01-01".into(),
        Kind::Datetime => "2024-01-01T00:00:00+00:00".into(),
        Kind::Timestamp => 1_704_067_200u64.into(),
        Kind::File | Kind::Ref { .. } | Kind::Any | Kind::Enum => Value::Null,
        Kind::Object { fields } => Value::Object(object(fields, n, depth)),
        Kind::Array { item } => match synth(item, n, depth + 1) {
            Value::Null => Value::Array(Vec::new()),
            v => Value::Array(vec![v]),
        },
        Kind::Union { variants } => variants
            .first()
            .map(|v| synth(v, n, depth + 1))
            .unwrap_or(Value::Null),
    }
}

fn object(fields: &[Field], n: u64, depth: u32) -> Map<String, Value> {
    let mut o = Map::new();
    for f in fields {
        if f.name.contains("...") || f.name.contains('<') || f.name.contains('{') {
            continue;
        }
        let v = match (&f.ty.kind, f.values.first()) {
            (Kind::Enum, Some(first)) => Value::String(first.value.clone()),
            _ => synth(&f.ty, n, depth + 1),
        };
        o.insert(f.name.clone(), v);
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates() {
        assert_eq!(iso(0), "1970-01-01T00:00:00+00:00");
        assert_eq!(iso(1_721_296_536), "2024-07-18T09:55:36+00:00");
    }

    #[test]
    fn error_shapes() {
        let e = ApiError::v2(400, "ERROR_ARGUMENT", "x");
        assert_eq!(
            e.body(),
            json!({"error": "ERROR_ARGUMENT", "error_description": "x"})
        );
        let e = ApiError::v3("C", "m".into(), Some(vec![("f".into(), "g".into())]));
        assert_eq!(
            e.body(),
            json!({"error": {"code": "C", "message": "m", "validation": [{"field": "f", "message": "g"}]}})
        );
    }

    #[test]
    fn synthesized_values_follow_the_type() {
        let ty = Type::new(
            "",
            Kind::Object {
                fields: vec![
                    Field {
                        name: "ID".into(),
                        ty: Type::new("", Kind::Integer),
                        ..Field::default()
                    },
                    Field {
                        name: "UF_...".into(),
                        ty: Type::new("", Kind::String),
                        ..Field::default()
                    },
                    Field {
                        name: "TAGS".into(),
                        ty: Type::new(
                            "",
                            Kind::Array {
                                item: Box::new(Type::new("", Kind::String)),
                            },
                        ),
                        ..Field::default()
                    },
                ],
            },
        );
        assert_eq!(synthesize(&ty, 3), json!({"ID": 3, "TAGS": ["string 3"]}));
        assert_eq!(synthesize(&ty, 3), synthesize(&ty, 3));
    }
}
