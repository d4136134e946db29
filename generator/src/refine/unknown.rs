//! Types the page settles where its table says `unknown` (older layouts).
//!
//! The tables of older pages type many rows `unknown` but give an Example column (`chat29` or
//! `256`, `12`, `'Y'`) and a call example (`{"DIALOG_ID": "chat74", "ACTION": "Y"}`). A row
//! typed `unknown` takes the type its samples and the request examples' values agree on:
//!
//! - all integers: `integer`; integers and decimals: `double`; all `true`/`false`: `boolean`;
//! - all `Y`/`N` (or the row lists exactly the values `Y`, `N`): a Y/N flag;
//! - all strings: `string`, or an enum of the values the description lists when every sample
//!   is one of them;
//! - strings and integers (a dialog id `chat29` or `256`): `string`, since the API reads a
//!   number sent as its digits alike;
//! - all lists: a list of what their items settle on; all objects: an open object.
//!
//! Anything else (no evidence, or lists and scalars together) stays `any`. Each settled row is
//! a diagnostic naming the method's page and the evidence.

use serde_json::Value;

use super::step;
use crate::ir::{Diagnostic, Field, Kind, Method, Severity, Type};

/// What the diagnostic about a settled row says (`report` counts them).
pub const SETTLED: &str = "typed `unknown`;";

/// Settles the `unknown` rows of the params (against the request examples) and of the result's
/// fields (samples only; the response examples are `ty`'s); returns the diagnostics.
pub fn method(m: &mut Method) -> Vec<Diagnostic> {
    let page = m.sources.first().cloned().unwrap_or_default();
    let requests: Vec<&Value> = m.examples.requests.iter().map(|e| &e.json).collect();
    let mut notes = Vec::new();
    level(&mut m.params, &requests, "", &mut notes);
    if let Some(fs) = m.result.as_mut().and_then(fields_mut) {
        level(fs, &[], "result.", &mut notes);
    }
    notes
        .into_iter()
        .map(|n| Diagnostic {
            page: page.clone(),
            line: None,
            severity: Severity::Info,
            message: format!("`{}` {n}", m.name),
        })
        .collect()
}

fn fields_mut(t: &mut Type) -> Option<&mut Vec<Field>> {
    match &mut t.kind {
        Kind::Object { fields } => Some(fields),
        Kind::Array { item } => fields_mut(item),
        _ => None,
    }
}

fn level(fs: &mut [Field], vals: &[&Value], path: &str, notes: &mut Vec<String>) {
    for f in fs.iter_mut() {
        let here = step(vals, &f.name);
        if f.ty.kind == Kind::Any && f.ty.doc.trim().eq_ignore_ascii_case("unknown") {
            if let Some(note) = settle(f, &here) {
                notes.push(format!("{path}{}: {note}", f.name));
            }
        }
        let nested = format!("{path}{}.", f.name);
        if let Some(children) = fields_mut(&mut f.ty) {
            level(children, &here, &nested, notes);
        }
    }
}

/// A sample as written → its JSON value: `'Y'`/`"Y"` strings, numbers, `true`/`false`, JSON
/// lists and objects, else the bare word as a string (`chat29`).
pub fn sample_value(s: &str) -> Option<Value> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    for q in ['\'', '"'] {
        if let Some(inner) = s.strip_prefix(q).and_then(|r| r.strip_suffix(q)) {
            return Some(Value::String(inner.to_string()));
        }
    }
    if s.starts_with('[') || s.starts_with('{') {
        return crate::extract::json::parse_tolerant(s).map(|(v, _)| v);
    }
    match s {
        "true" => return Some(Value::Bool(true)),
        "false" => return Some(Value::Bool(false)),
        "null" => return None,
        _ => {}
    }
    if let Ok(i) = s.parse::<i64>() {
        return Some(Value::from(i));
    }
    if let Some(n) = s.parse::<f64>().ok().and_then(serde_json::Number::from_f64) {
        return Some(Value::Number(n));
    }
    Some(Value::String(s.to_string()))
}

/// Sets the row's type from its samples and `sent` (request values); returns what was done.
fn settle(f: &mut Field, sent: &[&Value]) -> Option<String> {
    let samples: Vec<Value> = f.samples.iter().filter_map(|s| sample_value(s)).collect();
    let mut all: Vec<&Value> = samples.iter().collect();
    all.extend(sent.iter().copied().filter(|v| !v.is_null()));
    let listed: Vec<&str> = f.values.iter().map(|v| v.value.as_str()).collect();
    let yes_no = listed.len() == 2 && listed.contains(&"Y") && listed.contains(&"N");
    let kind = if all.is_empty() {
        // No values at all, but the description lists exactly `Y`, `N`.
        yes_no.then_some(Kind::YesNo)?
    } else {
        kind_of(&all, &listed, yes_no)?
    };
    let mut evidence = Vec::new();
    if !f.samples.is_empty() {
        let shown: Vec<String> = f.samples.iter().map(|s| format!("`{s}`")).collect();
        evidence.push(format!("the Example column gives {}", shown.join(", ")));
    }
    if !sent.is_empty() {
        evidence.push("the request example sends it".to_string());
    }
    if evidence.is_empty() {
        evidence.push("the description lists `Y`, `N`".to_string());
    }
    let name = kind.name();
    f.ty.kind = kind;
    Some(format!(
        "{SETTLED} {}: taken as {name}",
        evidence.join(" and ")
    ))
}

fn kind_of(all: &[&Value], listed: &[&str], yes_no: bool) -> Option<Kind> {
    let strings: Vec<&str> = all.iter().filter_map(|v| v.as_str()).collect();
    if strings.len() == all.len() {
        let flags = strings.iter().all(|s| *s == "Y" || *s == "N");
        if flags && (yes_no || listed.is_empty()) {
            return Some(Kind::YesNo);
        }
        let plain = !listed.is_empty()
            && listed.iter().all(|v| !v.contains(' ') && v.len() <= 48)
            && strings.iter().all(|s| listed.contains(s));
        return Some(if plain { Kind::Enum } else { Kind::String });
    }
    if all.iter().all(|v| v.is_boolean()) {
        return Some(Kind::Boolean);
    }
    if all.iter().all(|v| v.is_i64() || v.is_u64()) {
        return Some(Kind::Integer);
    }
    if all.iter().all(|v| v.is_number()) {
        return Some(Kind::Double);
    }
    if all
        .iter()
        .all(|v| v.is_string() || v.is_i64() || v.is_u64())
    {
        return Some(Kind::String);
    }
    if all
        .iter()
        .all(|v| v.as_object().is_some_and(|o| !o.is_empty()))
    {
        return Some(Kind::Object { fields: Vec::new() });
    }
    if all.iter().all(|v| v.is_array()) {
        let items: Vec<&Value> = all.iter().filter_map(|v| v.as_array()).flatten().collect();
        let item = if items.is_empty() {
            Kind::Any
        } else {
            kind_of(&items, &[], false).unwrap_or(Kind::Any)
        };
        return Some(Kind::Array {
            item: Box::new(Type::new("", item)),
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{EnumValue, Example, Text};
    use serde_json::json;

    fn row(name: &str, samples: &[&str], values: &[&str]) -> Field {
        Field {
            name: name.into(),
            ty: Type::new("unknown", Kind::Any),
            samples: samples.iter().map(|s| s.to_string()).collect(),
            values: values
                .iter()
                .map(|v| EnumValue {
                    value: v.to_string(),
                    doc: Text::default(),
                })
                .collect(),
            ..Field::default()
        }
    }

    fn settled(params: Vec<Field>, requests: &[Value]) -> (Vec<String>, usize) {
        let mut m = Method {
            name: "im.dialog.read".into(),
            sources: vec!["en:im/x.md".into()],
            params,
            ..Method::default()
        };
        m.examples.requests = requests
            .iter()
            .map(|j| Example {
                page: "en:im/x.md".into(),
                line: Some(3),
                source: "js".into(),
                json: j.clone(),
                cleaned: false,
            })
            .collect();
        let d = method(&mut m);
        let kinds = m
            .params
            .iter()
            .map(|f| f.ty.kind.name().to_string())
            .collect();
        (kinds, d.len())
    }

    #[test]
    fn samples_settle_unknown_rows() {
        let (kinds, notes) = settled(
            vec![
                row("DIALOG_ID", &["chat29", "256"], &[]),
                row("MESSAGE_ID", &["12"], &[]),
                row("ACTION", &["'Y'"], &["Y", "N"]),
                row("MODE", &["'full'"], &["full", "short"]),
                row("TITLE", &["'Hello'"], &[]),
                row("IDS", &["[1, 2]"], &[]),
                row("NOTHING", &[], &[]),
            ],
            &[],
        );
        assert_eq!(
            kinds,
            ["string", "integer", "yes_no", "enum", "string", "array", "any"]
        );
        assert_eq!(notes, 6);
    }

    #[test]
    fn request_examples_settle_and_contradictions_keep_any() {
        let (kinds, _) = settled(
            vec![
                row("id", &[], &[]),
                row("fields", &[], &[]),
                row("mixed", &["12"], &[]),
                row("flag", &[], &[]),
            ],
            &[json!({"ID": 10, "fields": {"TITLE": "x"}, "mixed": [1], "flag": true})],
        );
        assert_eq!(kinds, ["integer", "object", "any", "boolean"]);
    }

    #[test]
    fn typed_rows_are_left_alone() {
        let mut f = row("id", &["abc"], &[]);
        f.ty = Type::new("integer", Kind::Integer);
        let (kinds, notes) = settled(vec![f], &[]);
        assert_eq!((kinds, notes), (vec!["integer".to_string()], 0));
    }

    #[test]
    fn sample_literals() {
        assert_eq!(sample_value("'chat74'"), Some(json!("chat74")));
        assert_eq!(sample_value("256"), Some(json!(256)));
        assert_eq!(sample_value("1.5"), Some(json!(1.5)));
        assert_eq!(sample_value("true"), Some(json!(true)));
        assert_eq!(sample_value("{\"a\": 1}"), Some(json!({"a": 1})));
        assert_eq!(sample_value("null"), None);
    }
}
