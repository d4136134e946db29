//! Successful responses, the `time` block, and decoding of the wire envelope.

use crate::error::{ApiError, Error, Validation};
use crate::wire;
use serde::de::{DeserializeOwned, IgnoredAny};
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
    #[serde(default, deserialize_with = "wire::opt_unix_time")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operating_reset_at: Option<f64>,
    /// Seconds of operating time the method has accumulated in the current window.
    #[serde(default, deserialize_with = "wire::opt_f64")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operating: Option<f64>,
}

/// A successful answer: the typed `result`, the `time` block, the list cursors, and the wire
/// answer itself ([`Response::raw`]) so that nothing the docs do not describe is lost.
#[derive(Debug, Clone)]
pub struct Response<T> {
    pub result: T,
    pub time: Option<Time>,
    /// Total rows of a list method.
    pub total: Option<u64>,
    /// The `start` of the next page of a list method.
    pub next: Option<u64>,
    raw: RawSource,
}

/// Where [`Response::raw`] comes from: the whole answer (read again on demand, so that the
/// typed decoding stays a single pass) or a batch command's own result (a slice of the batch
/// answer, shared, not copied).
#[derive(Debug, Clone)]
enum RawSource {
    Body(bytes::Bytes),
    Slice(bytes::Bytes),
}

impl<T> Response<T> {
    pub(crate) fn from_body(
        result: T,
        time: Option<Time>,
        total: Option<u64>,
        next: Option<u64>,
        body: bytes::Bytes,
    ) -> Self {
        Response {
            result,
            time,
            total,
            next,
            raw: RawSource::Body(body),
        }
    }

    /// A response whose wire `result` is `raw` (one JSON value).
    pub(crate) fn from_slice(
        result: T,
        time: Option<Time>,
        total: Option<u64>,
        next: Option<u64>,
        raw: bytes::Bytes,
    ) -> Self {
        Response {
            result,
            time,
            total,
            next,
            raw: RawSource::Slice(raw),
        }
    }

    /// The wire `result`, untouched (fields the typed `result` does not know included).
    pub fn raw(&self) -> Option<&RawValue> {
        match &self.raw {
            RawSource::Slice(raw) => serde_json::from_slice::<&RawValue>(raw).ok(),
            RawSource::Body(body) => {
                #[derive(Deserialize)]
                struct Only<'a> {
                    #[serde(borrow, default, deserialize_with = "present")]
                    result: Option<&'a RawValue>,
                }
                serde_json::from_slice::<Only<'_>>(body).ok()?.result
            }
        }
    }

    /// The wire `result` as a JSON value (`Null` when absent).
    pub fn raw_value(&self) -> Value {
        self.raw()
            .and_then(|r| serde_json::from_str(r.get()).ok())
            .unwrap_or(Value::Null)
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response {
            result: f(self.result),
            time: self.time,
            total: self.total,
            next: self.next,
            raw: self.raw,
        }
    }
}

/// The top level of an answer with `result` decoded as `R`, in one pass.
#[derive(Deserialize)]
#[serde(bound(deserialize = "R: Deserialize<'de>"))]
pub(crate) struct Envelope<R> {
    #[serde(default = "Option::default", deserialize_with = "present")]
    pub result: Option<R>,
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

/// A present field, even `null`, is `Some` (unlike `Option`'s default).
fn present<'de, D: Deserializer<'de>, R: Deserialize<'de>>(d: D) -> Result<Option<R>, D::Error> {
    R::deserialize(d).map(Some)
}

/// Why an answer could not be read as `Envelope<R>`.
pub(crate) enum Unreadable {
    /// Not JSON (or not an object).
    NotJson(serde_json::Error),
    /// JSON without an error, whose `result` does not fit: the decode error names the path.
    BadResult(Error),
}

/// Reads an answer: one typed pass; only when it fails, a second look to tell malformed JSON,
/// an error answer and a `result` that does not fit apart.
pub(crate) fn read_answer<R: DeserializeOwned>(
    method: &str,
    status: u16,
    body: &[u8],
) -> Result<Envelope<R>, Unreadable> {
    let first = match serde_json::from_slice::<Envelope<R>>(body) {
        Ok(env) => return Ok(env),
        Err(e) => e,
    };
    let loose = match serde_json::from_slice::<Envelope<IgnoredAny>>(body) {
        Ok(env) => env,
        Err(e) => return Err(Unreadable::NotJson(e)),
    };
    if loose.error.as_ref().is_some_and(|e| !e.is_null()) {
        return Ok(Envelope {
            result: None,
            error: loose.error,
            error_description: loose.error_description,
            time: loose.time,
            total: loose.total,
            next: loose.next,
        });
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    let (path, message) = match serde_path_to_error::deserialize::<_, Envelope<R>>(&mut de) {
        Ok(_) => ("result".to_owned(), first.to_string()),
        Err(e) => (e.path().to_string(), e.into_inner().to_string()),
    };
    Err(Unreadable::BadResult(Error::Decode {
        method: method.to_owned(),
        path,
        message,
        status,
    }))
}

impl<R> Envelope<R> {
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

/// Decodes the JSON text `raw` into `T`, naming the failing JSON path under `prefix` (e.g.
/// `result`).
pub(crate) fn decode<T: DeserializeOwned>(
    raw: &[u8],
    prefix: &str,
    method: &str,
    status: u16,
) -> Result<T, Error> {
    // Fast path without path tracking (it costs about half of the decoding time); on failure,
    // decode again with tracking to name the path.
    if let Ok(v) = serde_json::from_slice(raw) {
        return Ok(v);
    }
    let mut de = serde_json::Deserializer::from_slice(raw);
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

    fn read<R: DeserializeOwned>(body: &[u8]) -> Result<Envelope<R>, Unreadable> {
        read_answer("m", 200, body)
    }

    #[test]
    fn envelope_keeps_time_and_cursors() {
        let body = br#"{"result":[{"ID":"1"}],"total":"120","next":50,
            "time":{"start":1757424671.5,"operating_reset_at":1757425271,"operating":0.67,
                    "date_start":"2025-09-09T16:31:11+03:00"}}"#;
        let env = read::<Vec<Deal>>(body).ok().unwrap();
        assert_eq!((env.total, env.next), (Some(120), Some(50)));
        let t = env.time.unwrap();
        assert_eq!(t.operating, Some(0.67));
        assert_eq!(t.operating_reset_at, Some(1757425271.0));
        assert!(t.date_start.is_some());
        assert_eq!(env.result.unwrap()[0].id, 1);
    }

    #[test]
    fn operating_reset_at_may_be_a_datetime() {
        let env = read::<Value>(
            br#"{"result":1,"time":{"operating_reset_at":"2024-08-26T16:11:37+03:00"}}"#,
        )
        .ok()
        .unwrap();
        // 13:11:37 UTC.
        assert_eq!(env.time.unwrap().operating_reset_at, Some(1724677897.0));
        let env = read::<Value>(br#"{"result":1,"time":{"operating_reset_at":"soon"}}"#);
        assert!(env.is_err());
    }

    #[test]
    fn null_result_is_present() {
        let env = read::<Value>(br#"{"result":null}"#).ok().unwrap();
        assert_eq!(env.result, Some(Value::Null));
        let env = read::<Value>(br#"{"time":{}}"#).ok().unwrap();
        assert!(env.result.is_none());
    }

    #[test]
    fn both_error_formats() {
        let v2 = br#"{"error":"NOT_FOUND","error_description":"Not found"}"#;
        let e = read::<Deal>(v2).ok().unwrap().api_error("m", 400).unwrap();
        assert_eq!(
            (e.code.as_str(), e.description.as_str()),
            ("NOT_FOUND", "Not found")
        );
        let v3 =
            br#"{"error":{"code":"BITRIX_REST_V3_EXCEPTION_VALIDATION_REQUESTVALIDATIONEXCEPTION",
            "message":"Error validating request object",
            "validation":[{"message":"Required field `id` is not specified","field":"id"}]}}"#;
        let e = read::<Deal>(v3).ok().unwrap().api_error("m", 400).unwrap();
        assert!(e.code.ends_with("REQUESTVALIDATIONEXCEPTION"));
        assert_eq!(e.validation[0].field.as_deref(), Some("id"));
        assert!(e.to_string().contains("id: Required field"));
    }

    #[test]
    fn decode_errors_name_the_path() {
        match read::<Vec<Deal>>(br#"{"result":[{"ID":"1"},{"ID":"x"}]}"#) {
            Err(Unreadable::BadResult(Error::Decode { path, message, .. })) => {
                assert_eq!(path, "result[1].ID");
                assert!(message.contains('x'), "{message}");
            }
            _ => panic!("expected a decode error with a path"),
        }
        assert!(matches!(
            read::<Deal>(br#"{"result": {"ID": "#),
            Err(Unreadable::NotJson(_))
        ));
        assert!(matches!(
            read::<Deal>(b"<html>"),
            Err(Unreadable::NotJson(_))
        ));
    }

    #[test]
    fn raw_is_read_on_demand() {
        let body = bytes::Bytes::from_static(br#"{"result":{"ID":"5","UF_X":"kept"},"time":{}}"#);
        let r = Response::from_body((), None, None, None, body);
        assert_eq!(r.raw().unwrap().get(), r#"{"ID":"5","UF_X":"kept"}"#);
        assert_eq!(r.raw_value()["UF_X"], "kept");
    }
}
