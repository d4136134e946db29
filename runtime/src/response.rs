//! Successful responses, the `time` block, and decoding of the wire envelope.

use crate::error::{ApiError, Error, Validation};
use crate::wire;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::value::RawValue;
use serde_json::Value;

/// The `time` block Bitrix24 adds to every answer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Time {
    /// Unix time the request started (seconds, fractional).
    #[serde(default, deserialize_with = "wire::opt_f64")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<f64>,
    #[serde(default, deserialize_with = "wire::opt_f64")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finish: Option<f64>,
    /// Seconds.
    #[serde(default, deserialize_with = "wire::opt_f64")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration: Option<f64>,
    #[serde(default, deserialize_with = "wire::opt_f64")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub processing: Option<f64>,
    #[serde(default, deserialize_with = "wire::opt_datetime")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_start: Option<wire::DateTime>,
    #[serde(default, deserialize_with = "wire::opt_datetime")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_finish: Option<wire::DateTime>,
    /// Unix time when part of the method's operating-time budget is released.
    #[serde(default, deserialize_with = "wire::opt_f64")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operating_reset_at: Option<f64>,
    /// Seconds of operating time the method has accumulated in the current window.
    #[serde(default, deserialize_with = "wire::opt_f64")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operating: Option<f64>,
}

/// A successful answer: the typed `result`, the same `result` as it came on the wire (nothing the
/// docs do not describe is lost), the `time` block and the list cursors.
#[derive(Debug, Clone)]
pub struct Response<T> {
    pub result: T,
    /// The wire `result`, untouched.
    pub raw: Box<RawValue>,
    pub time: Option<Time>,
    /// Total rows of a list method.
    pub total: Option<u64>,
    /// The `start` of the next page of a list method.
    pub next: Option<u64>,
}

impl<T> Response<T> {
    /// The wire `result` as a JSON value.
    pub fn raw_value(&self) -> Value {
        serde_json::from_str(self.raw.get()).unwrap_or(Value::Null)
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response {
            result: f(self.result),
            raw: self.raw,
            time: self.time,
            total: self.total,
            next: self.next,
        }
    }
}

/// The top level of an answer, `result` left undecoded.
#[derive(Deserialize)]
pub(crate) struct Envelope<'a> {
    #[serde(borrow, default, deserialize_with = "raw_present")]
    pub result: Option<&'a RawValue>,
    #[serde(default)]
    pub error: Option<Value>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    pub error_description: Option<String>,
    #[serde(default)]
    pub time: Option<Time>,
    #[serde(default, deserialize_with = "wire::opt_i64")]
    pub total: Option<i64>,
    #[serde(default, deserialize_with = "wire::opt_i64")]
    pub next: Option<i64>,
}

/// Keeps `"result": null` as the raw `null` (a present field), unlike `Option`'s default.
fn raw_present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<&'de RawValue>, D::Error> {
    <&RawValue>::deserialize(d).map(Some)
}

impl<'a> Envelope<'a> {
    pub fn parse(method: &str, status: u16, body: &'a [u8]) -> Result<Envelope<'a>, Error> {
        serde_json::from_slice(body).map_err(|e| Error::Decode {
            method: method.to_owned(),
            path: format!("line {} column {}", e.line(), e.column()),
            message: e.to_string(),
            status,
        })
    }

    /// The error the envelope carries, in either REST version's format.
    pub fn api_error(&self, method: &str, status: u16) -> Option<ApiError> {
        let error = self.error.as_ref()?;
        let (code, description, validation) = match error {
            Value::Object(o) => {
                let code = o.get("code").map(scalar_text).unwrap_or_default();
                let message = o.get("message").map(scalar_text).unwrap_or_default();
                let validation = o
                    .get("validation")
                    .and_then(|v| Vec::<Validation>::deserialize(v).ok())
                    .unwrap_or_default();
                (code, message, validation)
            }
            Value::Null => return None,
            other => (
                scalar_text(other),
                self.error_description.clone().unwrap_or_default(),
                Vec::new(),
            ),
        };
        Some(ApiError {
            method: method.to_owned(),
            status,
            code,
            description,
            validation,
            time: self.time.clone(),
        })
    }
}

fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Decodes `raw` into `T`, naming the failing JSON path under `prefix` (e.g. `result`).
pub(crate) fn decode<T: DeserializeOwned>(
    raw: &RawValue,
    prefix: &str,
    method: &str,
    status: u16,
) -> Result<T, Error> {
    let mut de = serde_json::Deserializer::from_str(raw.get());
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let inner = e.path().to_string();
        let path = if inner == "." || inner.is_empty() {
            prefix.to_owned()
        } else if inner.starts_with('[') {
            format!("{prefix}{inner}")
        } else {
            format!("{prefix}.{inner}")
        };
        Error::Decode {
            method: method.to_owned(),
            path,
            message: e.into_inner().to_string(),
            status,
        }
    })
}

/// `u64` of a non-negative cursor.
pub(crate) fn cursor(v: Option<i64>) -> Option<u64> {
    v.and_then(|n| u64::try_from(n).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Deal {
        #[serde(rename = "ID", deserialize_with = "wire::i64")]
        id: i64,
    }

    #[test]
    fn envelope_keeps_time_and_cursors() {
        let body = br#"{"result":[{"ID":"1"}],"total":"120","next":50,
            "time":{"start":1757424671.5,"operating_reset_at":1757425271,"operating":0.67,
                    "date_start":"2025-09-09T16:31:11+03:00"}}"#;
        let env = Envelope::parse("crm.deal.list", 200, body).unwrap();
        assert_eq!((env.total, env.next), (Some(120), Some(50)));
        let t = env.time.unwrap();
        assert_eq!(t.operating, Some(0.67));
        assert_eq!(t.operating_reset_at, Some(1757425271.0));
        assert!(t.date_start.is_some());
        let deals: Vec<Deal> = decode(env.result.unwrap(), "result", "m", 200).unwrap();
        assert_eq!(deals[0].id, 1);
    }

    #[test]
    fn null_result_is_present() {
        let env = Envelope::parse("m", 200, br#"{"result":null}"#).unwrap();
        assert_eq!(env.result.map(|r| r.get()), Some("null"));
        let env = Envelope::parse("m", 200, br#"{"time":{}}"#).unwrap();
        assert!(env.result.is_none());
    }

    #[test]
    fn both_error_formats() {
        let v2 = br#"{"error":"NOT_FOUND","error_description":"Not found"}"#;
        let e = Envelope::parse("m", 400, v2)
            .unwrap()
            .api_error("m", 400)
            .unwrap();
        assert_eq!(
            (e.code.as_str(), e.description.as_str()),
            ("NOT_FOUND", "Not found")
        );
        let v3 =
            br#"{"error":{"code":"BITRIX_REST_V3_EXCEPTION_VALIDATION_REQUESTVALIDATIONEXCEPTION",
            "message":"Error validating request object",
            "validation":[{"message":"Required field `id` is not specified","field":"id"}]}}"#;
        let e = Envelope::parse("m", 400, v3)
            .unwrap()
            .api_error("m", 400)
            .unwrap();
        assert!(e.code.ends_with("REQUESTVALIDATIONEXCEPTION"));
        assert_eq!(e.validation[0].field.as_deref(), Some("id"));
        assert!(e.to_string().contains("id: Required field"));
    }

    #[test]
    fn decode_errors_name_the_path() {
        let env = Envelope::parse("m", 200, br#"{"result":[{"ID":"1"},{"ID":"x"}]}"#).unwrap();
        let err =
            decode::<Vec<Deal>>(env.result.unwrap(), "result", "crm.deal.list", 200).unwrap_err();
        match &err {
            Error::Decode { path, .. } => assert_eq!(path, "result[1].ID"),
            other => panic!("{other:?}"),
        }
        assert!(err.to_string().contains("crm.deal.list"));
        let bad = Envelope::parse("m", 200, br#"{"result": {"ID": "#);
        assert!(matches!(bad, Err(Error::Decode { .. })));
    }
}
