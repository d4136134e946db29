//! The REST 3 part of the document in the OpenAPI 3.0 form a real portal serves from
//! `rest.documentation.openapi` (for `b24gen mock`): paths `/{method}` under
//! `https://{portal}/rest/api/…`, and the schemas rewritten into 3.0's dialect (no type arrays,
//! `null` as `nullable`, no `const`, no siblings beside `$ref`, no `patternProperties`).

use serde_json::{json, Map, Value};

use super::document::{document, Options};
use super::operation::REST3_PREFIX;
use crate::ir::{Ir, Lang};

/// The REST 3 methods of `ir` as an OpenAPI 3.0.3 document.
pub fn rest3(ir: &Ir, lang: Lang) -> Value {
    let only3 = Ir {
        methods: ir
            .methods
            .iter()
            .filter(|m| m.rest_version == 3)
            .cloned()
            .collect(),
        ..Ir::default()
    };
    let opts = Options {
        lang,
        ..Options::default()
    };
    let mut doc = document(&only3, &opts);
    let mut out = Map::new();
    out.insert("openapi".into(), json!("3.0.3"));
    let mut info = doc["info"].take();
    if let Some(l) = info.get_mut("license").and_then(Value::as_object_mut) {
        l.remove("identifier");
    }
    out.insert("info".into(), info);
    let (hook, oauth) = match lang {
        Lang::En => (
            "Inbound webhook.",
            "An application: the OAuth token in `auth`.",
        ),
        Lang::Ru => ("Входящий вебхук.", "Приложение: токен OAuth в `auth`."),
    };
    out.insert(
        "servers".into(),
        json!([
            {"url": "https://{portal}/rest/api/{user}/{webhook}", "description": hook,
             "variables": {"portal": {"default": "example.bitrix24.com"}, "user": {"default": "1"},
                           "webhook": {"default": "webhook_code"}}},
            {"url": "https://{portal}/rest/api", "description": oauth,
             "variables": {"portal": {"default": "example.bitrix24.com"}}}
        ]),
    );
    out.insert("security".into(), doc["security"].take());
    out.insert("tags".into(), doc["tags"].take());
    let mut paths = Map::new();
    if let Value::Object(p) = doc["paths"].take() {
        for (path, mut item) in p {
            let path = path
                .strip_prefix(REST3_PREFIX)
                .map_or(path.clone(), |m| format!("/{m}"));
            if let Some(o) = item.as_object_mut() {
                o.remove("servers");
            }
            operation(&mut item["post"]);
            paths.insert(path, item);
        }
    }
    out.insert("paths".into(), Value::Object(paths));
    let mut components = doc["components"].take();
    if let Some(s) = components.get_mut("schemas").and_then(Value::as_object_mut) {
        for v in s.values_mut() {
            schema(v);
        }
    }
    out.insert("components".into(), components);
    Value::Object(out)
}

/// Rewrites the schemas of one operation (request body and answers), not its examples.
fn operation(op: &mut Value) {
    let mut media: Vec<&mut Value> = Vec::new();
    if let Some(c) = op
        .pointer_mut("/requestBody/content")
        .and_then(Value::as_object_mut)
    {
        media.extend(c.values_mut());
    }
    for m in media {
        if let Some(s) = m.get_mut("schema") {
            schema(s);
        }
    }
    if let Some(r) = op.get_mut("responses").and_then(Value::as_object_mut) {
        for resp in r.values_mut() {
            if let Some(c) = resp.get_mut("content").and_then(Value::as_object_mut) {
                for m in c.values_mut() {
                    if let Some(s) = m.get_mut("schema") {
                        schema(s);
                    }
                }
            }
        }
    }
}

/// One schema (and the schemas inside it) in 3.0's dialect.
pub fn schema(v: &mut Value) {
    let Some(o) = v.as_object_mut() else {
        return;
    };
    for key in ["anyOf", "oneOf", "allOf"] {
        if let Some(Value::Array(items)) = o.get_mut(key) {
            items.iter_mut().for_each(schema);
        }
    }
    for key in ["items", "not"] {
        if let Some(s) = o.get_mut(key) {
            schema(s);
        }
    }
    if let Some(Value::Object(props)) = o.get_mut("properties") {
        props.values_mut().for_each(schema);
    }
    if let Some(s) = o.get_mut("additionalProperties").filter(|s| s.is_object()) {
        schema(s);
    }
    // 3.0 has no patternProperties: the keys they admit become any keys.
    if o.remove("patternProperties").is_some()
        && o.get("additionalProperties") == Some(&Value::Bool(false))
    {
        o.remove("additionalProperties");
    }
    if let Some(c) = o.remove("const") {
        o.insert("enum".into(), json!([c]));
    }
    match o.remove("type") {
        Some(Value::Array(types)) => {
            let nullable = types.iter().any(|t| t == "null");
            let rest: Vec<Value> = types.into_iter().filter(|t| t != "null").collect();
            if nullable {
                o.insert("nullable".into(), json!(true));
            }
            match rest.len() {
                0 => {}
                1 => {
                    o.insert("type".into(), rest[0].clone());
                }
                _ => {
                    let pattern = o.remove("pattern");
                    let alts: Vec<Value> = rest
                        .into_iter()
                        .map(|t| match (&pattern, t.as_str()) {
                            (Some(p), Some("string")) => json!({"type": t, "pattern": p}),
                            _ => json!({ "type": t }),
                        })
                        .collect();
                    o.insert("anyOf".into(), Value::Array(alts));
                }
            }
        }
        Some(Value::String(t)) if t == "null" => {
            o.insert("nullable".into(), json!(true));
            o.insert("enum".into(), json!([null]));
        }
        Some(t) => {
            o.insert("type".into(), t);
        }
        None => {}
    }
    // 3.0 ignores the siblings of `$ref`: keep them beside it in an `allOf`.
    if o.len() > 1 {
        if let Some(r) = o.remove("$ref") {
            let mut all = vec![json!({ "$ref": r })];
            if let Some(Value::Array(more)) = o.remove("allOf") {
                all.extend(more);
            }
            o.insert("allOf".into(), Value::Array(all));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemas_lose_the_31_only_forms() {
        let mut s = json!({"type": ["integer", "string", "null"], "pattern": "^[0-9]+$"});
        schema(&mut s);
        assert_eq!(
            s,
            json!({"nullable": true, "anyOf": [{"type": "integer"}, {"type": "string", "pattern": "^[0-9]+$"}]})
        );
        let mut s = json!({"$ref": "#/components/schemas/wire.Integer", "description": "Id"});
        schema(&mut s);
        assert_eq!(
            s,
            json!({"description": "Id", "allOf": [{"$ref": "#/components/schemas/wire.Integer"}]})
        );
        let mut s = json!({"anyOf": [{"const": ""}, {"type": "null"}]});
        schema(&mut s);
        assert_eq!(
            s,
            json!({"anyOf": [{"enum": [""]}, {"nullable": true, "enum": [null]}]})
        );
    }
}
