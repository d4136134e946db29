//! Conformance of the generated types with the JSON examples of the docs (feature `conformance`).
//!
//! The generated crates, built with `--cfg b24_conformance` (and this feature), carry a registry: one
//! [`MethodEntry`] per method and one [`EventEntry`] per event, whose function pointers are the
//! generic checkers of this module monomorphised for that method's types. A harness feeds them the
//! docs' examples as [`Case`]s ([`run`], [`main`]) and gets an [`Outcome`] for each.
//!
//! # What "fits" means
//!
//! - **Response**: the example decodes the way the client decodes an answer: `result` into the
//!   method's `Result` type (through the same [`response::decode`](crate::response) the typed
//!   call uses), `time` into [`Time`], `total`/`next` as lenient integers. The docs often print
//!   only the `result`; an example without a `result` key is decoded as the `result` itself (its
//!   top-level `time`/`total`/`next`, if any, as the envelope's). A `{"error": …}` body is not a
//!   response.
//! - **Error**: `error` is a code (`{"error": "CODE", "error_description": "…"}`, REST 2) or an
//!   object with `code` and `message` (REST 3). The code goes through the method's
//!   [`MethodError::from_code`] and must come back from [`MethodError::code`]; the checker reports
//!   which kind of variant it landed in ([`ErrorClass`]) so the caller can require the documented
//!   variant when the page documents the code.
//! - **Request**: the example decodes into the params type (its conformance `Deserialize` denies
//!   unknown keys; keys the docs give only as a pattern, such as `UF_CRM_...`, go to `extra` and
//!   must match one of the patterns) and encodes back to the same JSON, modulo:
//!   - key order;
//!   - number formatting: `1` = `1.0`, and a number = a string holding the same number (`5` =
//!     `"5"`): the params type holds integers and doubles as numbers and strings as strings, and
//!     the portal reads both spellings the same way (its PHP code casts);
//!   - date formatting: two strings that parse as the same [`wire::DateTime`] are equal (the
//!     params type re-encodes dates as ISO-8601), and a `date` field keeps the date of a
//!     datetime (`2024-05-01T10:00:00+03:00` re-encodes as `2024-05-01`);
//!   - `null`: a key whose value is `null` may be absent after re-encoding (an unset optional).
//!
//!   - the case of top-level keys in REST 2 (`ID` = `id`, `FIELDS` = `fields`): REST 2's
//!     services look parameters up in either case (crm's `resolveParam`/`resolveArrayParam`,
//!     `array_change_key_case` in others), and the docs' tables and examples use both; nested
//!     keys (`fields.TITLE`) must match exactly, and REST 3 keys too.
//!
//!   Booleans are not normalised: `true` is not `"Y"` nor `1` (the portal compares flags as
//!   strings). Keys the runtime sets itself ([`MethodEntry::runtime_keys`], `start` of list
//!   paging, which the runtime's list traversal sets on any method) are taken out before
//!   decoding.
//! - **Event**: the payload decodes into the event's `Payload` type.

mod compare;
pub mod de;

use serde::de::DeserializeOwned;

use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::method::{Method, MethodError, RestVersion};
use crate::response::{self, Time};
use crate::wire;

pub use compare::same_json;

#[doc(hidden)]
pub mod __private {
    pub use serde;
    pub use serde_json;
}

/// The conformance `Deserialize` of a generated params struct: the documented keys (each at most
/// once; required ones must be there), keys matching the placeholder patterns into `extra`, any
/// other key an error. One line per field: `req|opt "WIRE" => field: plain|lenient|lenient_vec`
/// (`lenient`: integers, doubles and strings accept each other's spellings, see [`de`]); the
/// target types are inferred from the struct.
///
/// ```
/// # use b24_runtime::conformance_params;
/// struct Params { id: i64, title: Option<String>, extra: b24_runtime::wire::Object }
/// conformance_params!(Params {
///     req "ID" => id: lenient,
///     opt "TITLE" => title: plain,
/// } extra ["UF_CRM_..."]);
///
/// let p: Params = serde_json::from_str(r#"{"ID": "5", "UF_CRM_1": 1}"#).unwrap();
/// assert_eq!((p.id, p.title, p.extra.len()), (5, None, 1));
/// assert!(serde_json::from_str::<Params>(r#"{"ID": 1, "NAME": "x"}"#).is_err());
/// assert!(serde_json::from_str::<Params>(r#"{"TITLE": "x"}"#).is_err());
/// ```
#[macro_export]
macro_rules! conformance_params {
    ($name:ident { $($kind:ident $key:literal => $field:ident : $seed:ident,)* } $(extra [$($pat:literal),* $(,)?])?) => {
        impl $crate::conformance::ParamsKeys for $name {
            const KEYS: &'static [&'static str] = &[$($key),*];
        }

        impl<'de> $crate::conformance::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::conformance::__private::serde::Deserializer<'de>>(
                d: D,
            ) -> Result<Self, D::Error> {
                use $crate::conformance::__private::serde::de;
                struct V;
                impl<'de> de::Visitor<'de> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(concat!("the parameters object `", stringify!($name), "`"))
                    }
                    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<$name, A::Error> {
                        const FIELDS: &[&str] = &[$($key),*];
                        const PATTERNS: &[&str] = &[$($($pat),*)?];
                        $(let mut $field = None;)*
                        #[allow(unused_mut)]
                        let mut extra = $crate::wire::Object::new();
                        while let Some(key) = map.next_key::<String>()? {
                            match key.as_str() {
                                $($key => {
                                    if $field.is_some() {
                                        return Err(<A::Error as de::Error>::duplicate_field($key));
                                    }
                                    $field = Some(map.next_value_seed(
                                        $crate::conformance_params!(@seed $kind $seed),
                                    )?);
                                })*
                                _ if $crate::conformance::de::matches_key(PATTERNS, FIELDS, &key) => {
                                    let v = map.next_value::<$crate::conformance::__private::serde_json::Value>()?;
                                    extra.insert(key, v);
                                }
                                _ => return Err(<A::Error as de::Error>::unknown_field(&key, FIELDS)),
                            }
                        }
                        Ok($name {
                            $($field: $crate::conformance_params!(@finish $kind $field $key),)*
                            $(extra: $crate::conformance_params!(@extra extra $($pat),*),)?
                        })
                    }
                }
                d.deserialize_map(V)
            }
        }
    };
    (@seed req $seed:ident) => { $crate::conformance_params!(@inner $seed) };
    (@seed opt $seed:ident) => {
        $crate::conformance::de::seed::Nullable($crate::conformance_params!(@inner $seed))
    };
    (@inner plain) => { $crate::conformance::de::seed::Plain(::std::marker::PhantomData) };
    (@inner lenient) => { $crate::conformance::de::seed::Lenient(::std::marker::PhantomData) };
    (@inner lenient_vec) => { $crate::conformance::de::seed::LenientVec(::std::marker::PhantomData) };
    (@finish req $field:ident $key:literal) => {
        match $field {
            Some(v) => v,
            None => return Err(<A::Error as de::Error>::missing_field($key)),
        }
    };
    (@finish opt $field:ident $key:literal) => { $field.flatten() };
    (@extra $e:ident $($pat:literal),*) => { $e };
}

pub use b24_spec::conformance::{Case, CaseKind, ErrorClass, ErrorFit, Mismatch, Outcome};

/// A method of the registry.
#[derive(Debug, Clone, Copy)]
pub struct MethodEntry {
    /// Wire name.
    pub name: &'static str,
    pub rest_version: RestVersion,
    /// Request keys the runtime sets itself (`start` for list paging) that the params type does
    /// not declare.
    pub runtime_keys: &'static [&'static str],
    pub response: fn(&Value) -> Result<(), Mismatch>,
    pub request: fn(&Value, &[&str]) -> Result<(), Mismatch>,
    pub error: fn(&Value) -> Result<ErrorFit, Mismatch>,
}

/// An event of the registry.
#[derive(Debug, Clone, Copy)]
pub struct EventEntry {
    /// As the docs write it.
    pub name: &'static str,
    pub payload: fn(&Value) -> Result<(), Mismatch>,
}

fn type_name<T>() -> String {
    std::any::type_name::<T>().to_owned()
}

/// Decodes `value` into `T`, naming the failing path under `prefix`.
pub fn decode_value<T: DeserializeOwned>(value: &Value, prefix: &str) -> Result<T, Mismatch> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = join_path(prefix, &e.path().to_string());
        Mismatch::new(path, type_name::<T>(), e.into_inner().to_string())
    })
}

fn join_path(prefix: &str, inner: &str) -> String {
    if inner == "." || inner.is_empty() {
        prefix.to_owned()
    } else if prefix.is_empty() {
        inner.to_owned()
    } else if inner.starts_with('[') {
        format!("{prefix}{inner}")
    } else {
        format!("{prefix}.{inner}")
    }
}

const ENVELOPE: [&str; 3] = ["time", "total", "next"];

/// A response example fits `M` (see the module docs).
pub fn response<M: Method>(example: &Value) -> Result<(), Mismatch> {
    let expected = type_name::<M::Result>();
    let Some(top) = example.as_object() else {
        // A bare result that is not an object (a list, a number…).
        return decode_result::<M>(example);
    };
    if top.contains_key("error") && !top.contains_key("result") {
        return Err(Mismatch::new(
            "error",
            expected,
            "an error body, not a response",
        ));
    }
    let (result, envelope): (Value, Map<String, Value>) = match top.get("result") {
        Some(r) => (r.clone(), top.clone()),
        None => {
            let (env, rest): (Map<String, Value>, Map<String, Value>) = top
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .partition(|(k, _)| ENVELOPE.contains(&k.as_str()));
            (Value::Object(rest), env)
        }
    };
    decode_result::<M>(&result)?;
    if let Some(t) = envelope.get("time") {
        decode_value::<Time>(t, "time")?;
    }
    for key in ["total", "next"] {
        if let Some(v) = envelope.get(key) {
            // As the client reads them (a negative one, `"total": -1` of uncounted lists, is
            // no cursor).
            wire::opt_i64(v).map_err(|e| Mismatch::new(key, "i64", e.to_string()))?;
        }
    }
    Ok(())
}

/// `result` through the client's own decoder.
fn decode_result<M: Method>(result: &Value) -> Result<(), Mismatch> {
    let expected = type_name::<M::Result>();
    let raw: Box<RawValue> = serde_json::value::to_raw_value(result)
        .map_err(|e| Mismatch::new("result", &expected, e.to_string()))?;
    match response::decode::<M::Result>(raw.get().as_bytes(), "result", M::NAME, 200) {
        Ok(_) => Ok(()),
        Err(crate::Error::Decode { path, message, .. }) => {
            // The position in the re-serialised `result` says nothing about the page.
            let message = match message.rfind(" at line ") {
                Some(i) => message[..i].to_owned(),
                None => message,
            };
            Err(Mismatch::new(path, expected, message))
        }
        Err(other) => Err(Mismatch::new("result", expected, other.to_string())),
    }
}

/// An error example decodes into `M::Error`; `classify` names the variant kind.
pub fn error<M: Method>(
    example: &Value,
    classify: fn(&M::Error) -> ErrorClass,
) -> Result<ErrorFit, Mismatch> {
    let expected = type_name::<M::Error>();
    let text = |v: Option<&Value>| -> Option<String> {
        match v? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Null => Some(String::new()),
            _ => None,
        }
    };
    let (code, description) = match example.get("error") {
        None => return Err(Mismatch::new("error", expected, "no `error` key")),
        Some(Value::Object(o)) => {
            let code = text(o.get("code"))
                .ok_or_else(|| Mismatch::new("error.code", &expected, "no code"))?;
            (code, text(o.get("message")).unwrap_or_default())
        }
        Some(v) => {
            let code = text(Some(v))
                .ok_or_else(|| Mismatch::new("error", &expected, format!("not a code: {v}")))?;
            let description = match example.get("error_description") {
                None => String::new(),
                Some(d) => text(Some(d))
                    .ok_or_else(|| Mismatch::new("error_description", &expected, "not a string"))?,
            };
            (code, description)
        }
    };
    let e = M::Error::from_code(M::NAME, &code, &description);
    if e.code() != code {
        return Err(Mismatch::new(
            "error",
            expected,
            format!("code {code:?} came back as {:?}", e.code()),
        ));
    }
    Ok(ErrorFit {
        class: classify(&e),
        code,
    })
}

/// The documented keys of a params struct (implemented by [`conformance_params!`]).
pub trait ParamsKeys {
    const KEYS: &'static [&'static str];
}

/// A request example fits `M::Params` (see the module docs).
pub fn request<M: Method>(example: &Value, runtime_keys: &[&str]) -> Result<(), Mismatch>
where
    M::Params: DeserializeOwned + ParamsKeys,
{
    let expected = type_name::<M::Params>();
    let mut example = example.clone();
    if let Some(o) = example.as_object_mut() {
        for k in runtime_keys {
            o.remove(*k);
        }
        if M::REST_VERSION == RestVersion::V2 {
            documented_case(o, <M::Params as ParamsKeys>::KEYS);
        }
    }
    let params: M::Params = decode_value(&example, "")?;
    let back = serde_json::to_value(&params)
        .map_err(|e| Mismatch::new("", &expected, format!("does not encode: {e}")))?;
    same_json(&example, &back).map_err(|d| {
        Mismatch::new(
            d.path,
            expected,
            format!("encodes back differently: {}", d.message),
        )
    })
}

/// REST 2 looks top-level parameters up whatever their case (`ID` for `id`, `FIELDS` for
/// `fields`, `filter` for `FILTER`): a key that is not documented but equals exactly one
/// documented key (ASCII case-insensitively) that the example does not also give is renamed to
/// the documented spelling.
fn documented_case(o: &mut Map<String, Value>, keys: &[&str]) {
    let renames: Vec<(String, &str)> = o
        .keys()
        .filter(|k| !keys.contains(&k.as_str()))
        .filter_map(|k| {
            let mut same = keys.iter().filter(|d| d.eq_ignore_ascii_case(k));
            match (same.next(), same.next()) {
                (Some(d), None) if !o.contains_key(*d) => Some((k.clone(), *d)),
                _ => None,
            }
        })
        .collect();
    for (from, to) in renames {
        if let Some(v) = o.remove(&from) {
            o.insert(to.to_owned(), v);
        }
    }
}

/// An event payload example decodes into `P`.
pub fn payload<P: DeserializeOwned>(example: &Value) -> Result<(), Mismatch> {
    decode_value::<P>(example, "").map(drop)
}

fn version(v: RestVersion) -> u8 {
    match v {
        RestVersion::V2 => 2,
        RestVersion::V3 => 3,
    }
}

/// Checks every case against the registries.
pub fn run(methods: &[&[MethodEntry]], events: &[&[EventEntry]], cases: &[Case]) -> Vec<Outcome> {
    let mut by_method = std::collections::HashMap::new();
    for m in methods.iter().flat_map(|s| s.iter()) {
        by_method.insert((m.name, version(m.rest_version)), m);
    }
    let mut by_event = std::collections::HashMap::new();
    for e in events.iter().flat_map(|s| s.iter()) {
        by_event.entry(e.name).or_insert(e);
    }
    cases
        .iter()
        .map(|c| {
            let missing = |what: &str| {
                Some(Mismatch::new(
                    "",
                    "",
                    format!("no generated {what} `{}`", c.name),
                ))
            };
            let mut out = Outcome {
                id: c.id,
                mismatch: None,
                error: None,
            };
            if c.kind == CaseKind::Event {
                match by_event.get(c.name.as_str()) {
                    Some(e) => out.mismatch = (e.payload)(&c.json).err(),
                    None => out.mismatch = missing("event"),
                }
                return out;
            }
            let Some(m) = by_method.get(&(c.name.as_str(), c.rest_version)) else {
                out.mismatch = missing(&format!("REST {} method", c.rest_version));
                return out;
            };
            match c.kind {
                CaseKind::Response => out.mismatch = (m.response)(&c.json).err(),
                CaseKind::Request => out.mismatch = (m.request)(&c.json, m.runtime_keys).err(),
                CaseKind::Error => match (m.error)(&c.json) {
                    Ok(fit) => out.error = Some(fit),
                    Err(e) => out.mismatch = Some(e),
                },
                CaseKind::Event => {}
            }
            out
        })
        .collect()
}

/// A harness's `main`: `harness CASES.json OUTCOMES.json` reads a JSON array of [`Case`]s and
/// writes the [`Outcome`]s.
pub fn main(methods: &[&[MethodEntry]], events: &[&[EventEntry]]) -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [cases, outcomes] = args.as_slice() else {
        eprintln!("usage: harness CASES.json OUTCOMES.json");
        return std::process::ExitCode::from(2);
    };
    let result = std::fs::read(cases)
        .map_err(|e| format!("cannot read {cases}: {e}"))
        .and_then(|b| serde_json::from_slice::<Vec<Case>>(&b).map_err(|e| format!("{cases}: {e}")))
        .and_then(|cases| {
            let out = run(methods, events, &cases);
            serde_json::to_vec(&out).map_err(|e| e.to_string())
        })
        .and_then(|bytes| {
            std::fs::write(outcomes, bytes).map_err(|e| format!("cannot write {outcomes}: {e}"))
        });
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("harness: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(serde::Serialize)]
    struct P {
        id: i64,
        #[serde(skip_serializing_if = "Option::is_none")]
        fields: Option<Value>,
    }
    crate::conformance_params!(P {
        req "id" => id: lenient,
        opt "fields" => fields: plain,
    });

    type E = Box<crate::ApiError>;

    struct V2;
    impl Method for V2 {
        const NAME: &'static str = "x.get";
        const REST_VERSION: RestVersion = RestVersion::V2;
        const READ_ONLY: bool = true;
        type Params = P;
        type Result = Vec<i64>;
        type Error = E;
    }

    struct V3;
    impl Method for V3 {
        const NAME: &'static str = "x.get";
        const REST_VERSION: RestVersion = RestVersion::V3;
        const READ_ONLY: bool = true;
        type Params = P;
        type Result = Vec<i64>;
        type Error = E;
    }

    #[test]
    fn requests() {
        request::<V2>(
            &json!({"ID": "5", "start": 0, "fields": {"A": 1}}),
            &["start"],
        )
        .unwrap();
        let e = request::<V3>(&json!({"ID": 5}), &[]).unwrap_err();
        assert!(e.message.contains("unknown field `ID`"), "{e}");
        let e = request::<V2>(&json!({"id": 5, "start": 0}), &[]).unwrap_err();
        assert!(e.message.contains("unknown field `start`"), "{e}");
        let e = request::<V2>(&json!({"id": 5, "fields": {"A": 1}, "FIELDS": 1}), &[]).unwrap_err();
        assert!(e.message.contains("`FIELDS`"), "both spellings: {e}");
        let e = request::<V2>(&json!({"fields": null}), &[]).unwrap_err();
        assert!(e.message.contains("missing field `id`"), "{e}");
    }

    #[test]
    fn responses_and_errors() {
        response::<V2>(
            &json!({"result": [1, "2"], "total": 2, "next": 50, "time": {"start": 1.5}}),
        )
        .unwrap_err();
        response::<V2>(&json!({"result": [1, 2], "total": -1, "time": {"start": 1.5}})).unwrap();
        response::<V2>(&json!([1, 2])).unwrap();
        let e = response::<V2>(&json!({"result": [1, {"a": 1}]})).unwrap_err();
        assert_eq!(e.path, "result[1]");
        assert!(!e.message.contains(" at line "), "{e}");
        let e = response::<V2>(&json!({"result": [1], "time": {"start": "x"}})).unwrap_err();
        assert_eq!(e.path, "time.start");
        let e = response::<V2>(&json!({"error": "X"})).unwrap_err();
        assert_eq!(e.path, "error");
        let classify = |e: &E| {
            if e.code == "KNOWN" {
                ErrorClass::Documented
            } else {
                ErrorClass::Other
            }
        };
        let fit = error::<V2>(
            &json!({"error": "KNOWN", "error_description": "d"}),
            classify,
        )
        .unwrap();
        assert_eq!(
            (fit.code.as_str(), fit.class),
            ("KNOWN", ErrorClass::Documented)
        );
        let fit = error::<V3>(&json!({"error": {"code": "X", "message": "m"}}), classify).unwrap();
        assert_eq!(fit.class, ErrorClass::Other);
        assert!(error::<V2>(&json!({"result": 1}), classify).is_err());
        assert!(error::<V2>(&json!({"error": ["x"]}), classify).is_err());
    }

    #[test]
    fn run_names_missing_methods() {
        let methods = [MethodEntry {
            name: "x.get",
            rest_version: RestVersion::V2,
            runtime_keys: &["start"],
            response: response::<V2>,
            request: request::<V2>,
            error: |v| error::<V2>(v, |_| ErrorClass::Other),
        }];
        let cases = vec![
            Case {
                id: 0,
                kind: CaseKind::Request,
                name: "x.get".into(),
                rest_version: 2,
                json: json!({"id": 1, "start": 50}),
            },
            Case {
                id: 1,
                kind: CaseKind::Response,
                name: "x.get".into(),
                rest_version: 3,
                json: json!({"result": []}),
            },
            Case {
                id: 2,
                kind: CaseKind::Event,
                name: "onX".into(),
                rest_version: 0,
                json: json!({}),
            },
        ];
        let out = run(&[&methods], &[], &cases);
        assert_eq!(out[0].mismatch, None);
        assert!(out[1]
            .mismatch
            .as_ref()
            .unwrap()
            .message
            .contains("REST 3 method `x.get`"));
        assert!(out[2]
            .mismatch
            .as_ref()
            .unwrap()
            .message
            .contains("event `onX`"));
    }
}
