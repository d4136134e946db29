//! Error responses: the portal's error body with the method's documented codes, and the
//! system-wide codes (`b24_spec::system::SYSTEM_CODES`) in one shared component.

use serde_json::{json, Value};

use super::wire::{self, schema_ref};
use crate::ir::{Lang, Method};
use b24_spec::system::SYSTEM_CODES;

/// The `SystemErrorCode` component: every system-wide code, each with its HTTP status and meaning.
pub fn system_codes() -> Value {
    let alts: Vec<Value> = SYSTEM_CODES
        .iter()
        .map(|c| {
            json!({
                "const": c.code,
                "description": c.message,
                "x-b24-http-status": c.status
            })
        })
        .collect();
    json!({
        "description": "Codes any method can answer with (limits, authorization, access).",
        "oneOf": alts
    })
}

/// The schema of the `error` code of `m`'s error body: its documented codes (each with what it
/// means), the system codes, and, since the portal's list is open, any other code.
fn code_schema(m: &Method, lang: Lang) -> Value {
    let mut alts: Vec<Value> = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for e in m.errors.iter().filter(|e| !e.system) {
        if seen.contains(&e.code.as_str()) {
            continue;
        }
        seen.push(&e.code);
        let mut alt = json!({ "const": e.code });
        let mut doc = e.doc.prefer(lang).unwrap_or_default().to_owned();
        if let Some(msg) = &e.message {
            if doc.is_empty() {
                doc = msg.clone();
            }
            alt["x-b24-message"] = json!(msg);
        }
        if !doc.is_empty() {
            alt["description"] = json!(doc);
        }
        if let Some(s) = e.http_status {
            alt["x-b24-http-status"] = json!(s);
        }
        alts.push(alt);
    }
    alts.push(schema_ref(wire::SYSTEM_CODE));
    let other = match lang {
        Lang::En => "A code the page does not list.",
        Lang::Ru => "Код, которого нет в таблице страницы.",
    };
    alts.push(json!({"type": ["string", "integer"], "description": other}));
    json!({ "anyOf": alts })
}

/// The error body of `m`: the shared body, with `error` (REST 2) or `error.code` (REST 3)
/// narrowed to the method's codes.
pub fn body(m: &Method, lang: Lang) -> Value {
    let codes = code_schema(m, lang);
    if m.rest_version == 3 {
        json!({
            "allOf": [schema_ref(wire::ERROR_V3)],
            "properties": {"error": {"properties": {"code": codes}}}
        })
    } else {
        json!({
            "allOf": [schema_ref(wire::ERROR_V2)],
            "properties": {"error": codes}
        })
    }
}
