//! The docs' examples as OpenAPI `examples`: requests with their placeholder values replaced by
//! values of the documented type (as the conformance suite reads them), responses as the whole
//! answer (`{result, time…}`; a page that prints only the `result` gets it wrapped).

use serde_json::{json, Map, Value};

use crate::conformance::stand_ins;
use crate::ir::{Example, Lang, Method};

/// The examples of `lang` (by their page's language prefix); all of them when there are none in
/// `lang` (the other language's, or docs-src pages without a prefix).
pub fn pick(examples: &[Example], lang: Lang) -> Vec<&Example> {
    let prefix = format!("{}:", lang.as_str());
    let mine: Vec<&Example> = examples
        .iter()
        .filter(|e| e.page.starts_with(&prefix))
        .collect();
    if mine.is_empty() {
        examples.iter().collect()
    } else {
        mine
    }
}

/// The key of an example in an `examples` map: `en:crm/deals/crm-deal-add.md:213`.
pub fn key(e: &Example) -> String {
    match e.line {
        Some(l) => format!("{}:{l}", e.page),
        None => e.page.clone(),
    }
}

fn entry(e: &Example, value: Value, note: Option<&str>) -> Value {
    let mut o = Map::new();
    let mut summary = format!("{} ({})", key(e), e.source);
    if let Some(n) = note {
        summary.push_str("; ");
        summary.push_str(n);
    }
    o.insert("summary".into(), json!(summary));
    o.insert("value".into(), value);
    Value::Object(o)
}

fn insert(map: &mut Map<String, Value>, e: &Example, v: Value) {
    let mut k = key(e);
    let mut n = 2;
    while map.contains_key(&k) {
        k = format!("{}#{n}", key(e));
        n += 1;
    }
    map.insert(k, v);
}

/// The request examples of `m` in `lang`.
pub fn requests(m: &Method, lang: Lang) -> Map<String, Value> {
    let mut out = Map::new();
    for e in pick(&m.examples.requests, lang) {
        let (value, note) = match stand_ins(&e.json, &m.params) {
            Some(v) => (
                v,
                Some("placeholders replaced by values of the documented type"),
            ),
            None => (e.json.clone(), None),
        };
        insert(&mut out, e, entry(e, value, note));
    }
    out
}

/// A response example as the whole answer.
pub fn envelope(json: &Value) -> (Value, bool) {
    match json {
        Value::Object(o) if o.contains_key("result") => (json.clone(), false),
        Value::Object(o) => {
            let mut env = Map::new();
            let mut rest = Map::new();
            for (k, v) in o {
                if matches!(k.as_str(), "time" | "total" | "next") {
                    env.insert(k.clone(), v.clone());
                } else {
                    rest.insert(k.clone(), v.clone());
                }
            }
            let mut out = Map::new();
            out.insert("result".into(), Value::Object(rest));
            out.extend(env);
            (Value::Object(out), true)
        }
        other => (json!({ "result": other }), true),
    }
}

/// The response examples of `m` in `lang`.
pub fn responses(m: &Method, lang: Lang) -> Map<String, Value> {
    let mut out = Map::new();
    for e in pick(&m.examples.responses, lang) {
        let (value, wrapped) = envelope(&e.json);
        let note = wrapped.then_some("the page shows only the result");
        insert(&mut out, e, entry(e, value, note));
    }
    out
}

/// The error examples of `m` in `lang`.
pub fn errors(m: &Method, lang: Lang) -> Map<String, Value> {
    let mut out = Map::new();
    for e in pick(&m.examples.errors, lang) {
        insert(&mut out, e, entry(e, e.json.clone(), None));
    }
    out
}
