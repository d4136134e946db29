//! IR types → JSON Schema 2020-12 (the OpenAPI 3.1 dialect).
//!
//! | IR kind | schema |
//! |---|---|
//! | `string` | `wire.String` |
//! | `integer`, `timestamp` | `wire.Integer` (`5` or `"5"`) |
//! | `double` | `wire.Number` |
//! | `boolean` / `yes_no` | `wire.Boolean` / `wire.YesNo` (`Y`/`N`, `true`, `1`…) |
//! | `date` / `datetime` | `wire.Date` / `wire.DateTime` |
//! | `enum` | `enum` of the documented values (a number-like value in both spellings) |
//! | `object` with fields | `type: object`, `properties`; placeholder rows (`UF_CRM_...`) as `patternProperties` |
//! | `object` without fields | `type: object` (or `[]`, PHP's empty array) |
//! | `array` | `type: array` (or an object keyed by index, as PHP sends sparse arrays) |
//! | `ref` | ids → `wire.Integer`, codes → `wire.String`, else `components/schemas/<ref name>` |
//! | `union` | `anyOf` of the variants (the lenient forms overlap, so not `oneOf`) |
//! | `file` / `any` | `wire.File` / `{}` |
//!
//! Requests ([`Dir::Params`]) are closed: only the documented keys (and those the placeholder rows
//! stand for), required ones listed. Results ([`Dir::Result`]) are open, every field optional and
//! possibly one of the portal's absent-value spellings (`wire.Empty`).

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::wire::{self, optional, or_null, schema_ref};
use crate::ir::{EnumValue, Field, Kind, Lang, Type};
use crate::rust::types::{ref_scalar, Ty};
use b24_spec::placeholder::{is_placeholder, numbered_placeholder, placeholder_prefix};

/// Which side of the call a schema describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    Params,
    Result,
}

/// Builds schemas in one language, collecting the named types they refer to.
#[derive(Debug)]
pub struct Mapper {
    pub lang: Lang,
    /// Components the schemas refer to (`ref` types of the docs' vocabulary): name → what the
    /// docs call it.
    pub refs: BTreeMap<String, String>,
}

impl Mapper {
    pub fn new(lang: Lang) -> Self {
        Mapper {
            lang,
            refs: BTreeMap::new(),
        }
    }

    /// The schema of a value of `ty`.
    pub fn ty(&mut self, ty: &Type, values: &[EnumValue], dir: Dir) -> Value {
        let s = self.kind(ty, values, dir);
        if ty.nullable {
            or_null(s)
        } else {
            s
        }
    }

    fn kind(&mut self, ty: &Type, values: &[EnumValue], dir: Dir) -> Value {
        match &ty.kind {
            Kind::String => schema_ref(wire::STRING),
            Kind::Integer | Kind::Timestamp => schema_ref(wire::INTEGER),
            Kind::Double => schema_ref(wire::NUMBER),
            Kind::Boolean => schema_ref(wire::BOOLEAN),
            Kind::YesNo => schema_ref(wire::YES_NO),
            Kind::Date => schema_ref(wire::DATE),
            Kind::Datetime => schema_ref(wire::DATETIME),
            Kind::File => schema_ref(wire::FILE),
            Kind::Any => json!({}),
            Kind::Enum => enum_schema(values),
            Kind::Object { fields } => self.object(fields, dir),
            Kind::Array { item } => {
                let item = self.ty(item, values, dir);
                let list = json!({"type": "array", "items": item});
                match dir {
                    Dir::Params => list,
                    // PHP sends an array with gaps in its keys as an object keyed by index.
                    Dir::Result => {
                        json!({"anyOf": [list, {"type": "object", "additionalProperties": item}]})
                    }
                }
            }
            Kind::Ref { name } => self.reference(name),
            Kind::Union { variants } => {
                let mut alts: Vec<Value> = Vec::new();
                for v in variants {
                    let s = if v.doc.trim().eq_ignore_ascii_case("null") {
                        json!({"type": "null"})
                    } else {
                        self.ty(v, values, dir)
                    };
                    if s.as_object().is_some_and(|o| o.is_empty()) {
                        return json!({});
                    }
                    if !alts.contains(&s) {
                        alts.push(s);
                    }
                }
                match alts.len() {
                    0 => json!({}),
                    1 => alts.remove(0),
                    _ => json!({ "anyOf": alts }),
                }
            }
        }
    }

    /// A named type of the docs' vocabulary: an id or a code when its name says so, else a
    /// component of its own (its shape is documented elsewhere, if at all).
    pub fn reference(&mut self, name: &str) -> Value {
        match ref_scalar(name) {
            Some(Ty::I64) => schema_ref(wire::INTEGER),
            Some(Ty::F64) => schema_ref(wire::NUMBER),
            Some(Ty::Bool) => schema_ref(wire::BOOLEAN),
            Some(_) => schema_ref(wire::STRING),
            None => self.named(name),
        }
    }

    /// A named type of the docs' vocabulary as a component of its own, whatever its name says
    /// (a whole `result` typed `crm_currency` is the currency, not its code).
    pub fn named(&mut self, name: &str) -> Value {
        let key = component_name(name);
        self.refs
            .entry(key.clone())
            .or_insert_with(|| name.to_owned());
        schema_ref(&key)
    }

    /// An object with `fields`.
    pub fn object(&mut self, fields: &[Field], dir: Dir) -> Value {
        let mut props = Map::new();
        let mut patterns = Map::new();
        let mut any_key: Option<Value> = None;
        let mut required = Vec::new();
        // `items[]` rows describe the items of the `items` row.
        let mut item_rows: BTreeMap<&str, &Field> = BTreeMap::new();
        for f in fields {
            if let Some(base) = f.name.strip_suffix("[]") {
                if fields.iter().any(|g| g.name == base) {
                    item_rows.insert(base, f);
                }
            }
        }
        for f in fields {
            if f.name.ends_with("[]") && item_rows.contains_key(&f.name[..f.name.len() - 2]) {
                continue;
            }
            let with_items;
            let f = match (item_rows.get(f.name.as_str()), &f.ty.kind) {
                (Some(row), Kind::Array { item }) if matches!(item.kind, Kind::Any) => {
                    with_items = Field {
                        ty: Type {
                            kind: Kind::Array {
                                item: Box::new(row.ty.clone()),
                            },
                            ..f.ty.clone()
                        },
                        ..f.clone()
                    };
                    &with_items
                }
                _ => f,
            };
            let s = self.ty(&f.ty, &f.values, dir);
            if is_placeholder(&f.name) && !f.literal {
                let s = annotate(s, self.annotations(f));
                match key_pattern(&f.name) {
                    Some(p) if p == "^" => any_key = Some(s),
                    Some(p) => {
                        patterns.entry(p).or_insert(s);
                    }
                    // Prose in the name column: documents no key.
                    None => {}
                }
                continue;
            }
            if props.contains_key(&f.name) {
                continue;
            }
            if dir == Dir::Params && f.required {
                required.push(Value::from(f.name.clone()));
            }
            let s = if dir == Dir::Result || !f.required {
                optional(s)
            } else {
                s
            };
            props.insert(f.name.clone(), annotate(s, self.annotations(f)));
        }
        let mut o = Map::new();
        o.insert("type".into(), json!("object"));
        if !props.is_empty() {
            o.insert("properties".into(), Value::Object(props));
        }
        if !patterns.is_empty() {
            o.insert("patternProperties".into(), Value::Object(patterns));
        }
        match (any_key, dir) {
            (Some(s), _) => {
                o.insert("additionalProperties".into(), s);
            }
            // Requests are closed when the docs list their keys.
            (None, Dir::Params) if !fields.is_empty() => {
                o.insert("additionalProperties".into(), json!(false));
            }
            _ => {}
        }
        if !required.is_empty() {
            o.insert("required".into(), Value::Array(required));
        }
        let obj = Value::Object(o);
        match dir {
            // PHP's empty array stands for an empty object.
            Dir::Params if fields.is_empty() => {
                json!({"anyOf": [obj, {"type": "array", "maxItems": 0}]})
            }
            _ => obj,
        }
    }

    /// A field's description, deprecation, origin and type as the docs write it.
    pub fn annotations(&self, f: &Field) -> Map<String, Value> {
        let mut extra = Map::new();
        if let Some(d) = f.doc.prefer(self.lang) {
            extra.insert("description".into(), json!(d));
        }
        if f.deprecated {
            extra.insert("deprecated".into(), json!(true));
        }
        if f.from_example {
            let note = match self.lang {
                Lang::En => "Not in the page's table: a request example of the docs sends it.",
                Lang::Ru => "Нет в таблице страницы: его передаёт пример запроса из документации.",
            };
            extra.insert("x-b24-from-example".into(), json!(true));
            if !extra.contains_key("description") {
                extra.insert("description".into(), json!(note));
            }
        }
        if !f.ty.doc.is_empty() {
            extra.insert("x-b24-type".into(), json!(f.ty.doc));
        }
        extra
    }
}

/// `schema` with annotations added (beside a `$ref` too: OpenAPI 3.1 allows it).
pub fn annotate(schema: Value, extra: Map<String, Value>) -> Value {
    if extra.is_empty() {
        return schema;
    }
    match schema {
        Value::Object(mut o) => {
            for (k, v) in extra {
                o.entry(k).or_insert(v);
            }
            Value::Object(o)
        }
        other => other,
    }
}

/// REST 2 reads top-level parameters in either case (`ID` = `id`, crm's `resolveParam`,
/// `array_change_key_case` elsewhere): each documented key with letters also matches in any case,
/// through a `patternProperties` entry referring to its property (`pointer` points at the
/// `properties` of `body`). `required` keeps the documented spelling.
pub fn any_case_keys(body: &mut Value, pointer: &str) {
    let Some(o) = body.as_object_mut() else {
        return;
    };
    let Some(props) = o.get("properties").and_then(Value::as_object) else {
        return;
    };
    let mut extra = Map::new();
    for k in props.keys() {
        // Keys that differ only in case (`sort` and `SORT` of `department.get`) are both
        // documented: each keeps its own spelling.
        let clash = props.keys().any(|o| o != k && o.eq_ignore_ascii_case(k));
        if clash || !k.chars().any(|c| c.is_ascii_alphabetic()) {
            continue;
        }
        let pattern = format!("^{}$", any_case(k));
        let target = format!("{pointer}/{}", pointer_token(k));
        extra.insert(pattern, json!({ "$ref": target }));
    }
    if extra.is_empty() {
        return;
    }
    // A required key counts in its documented, lower or upper spelling.
    if let Some(Value::Array(req)) = o.remove("required") {
        let mut exact = Vec::new();
        let mut either = Vec::new();
        for r in req {
            let Some(name) = r.as_str() else { continue };
            let mut spellings = vec![name.to_owned()];
            for s in [name.to_ascii_lowercase(), name.to_ascii_uppercase()] {
                if !spellings.contains(&s) {
                    spellings.push(s);
                }
            }
            if spellings.len() == 1 || !extra.contains_key(&format!("^{}$", any_case(name))) {
                exact.push(r);
            } else {
                let alts: Vec<Value> = spellings
                    .into_iter()
                    .map(|s| json!({ "required": [s] }))
                    .collect();
                either.push(json!({ "anyOf": alts }));
            }
        }
        if !exact.is_empty() {
            o.insert("required".into(), Value::Array(exact));
        }
        if !either.is_empty() {
            o.insert("allOf".into(), Value::Array(either));
        }
    }
    let patterns = o
        .entry("patternProperties")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Value::Object(p) = patterns {
        for (k, v) in extra {
            p.entry(k).or_insert(v);
        }
    }
}

/// `key` as a JSON pointer token in a URI fragment (`~`, `/` escaped, then percent-encoded
/// where a fragment does not allow the character).
pub fn pointer_token(key: &str) -> String {
    let token = key.replace('~', "~0").replace('/', "~1");
    let mut out = String::new();
    for b in token.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A closed set of values: each as written, and a number-like value also as a number (the portal
/// sends `1` and `"1"` alike). Without documented values: a string.
fn enum_schema(values: &[EnumValue]) -> Value {
    if values.is_empty() {
        return schema_ref(wire::STRING);
    }
    // Exactly `Y`/`N`: a flag, read as the runtime reads `wire::YesNo`.
    let mut set: Vec<&str> = values.iter().map(|v| unquote(&v.value)).collect();
    set.sort_unstable();
    if set == ["N", "Y"] {
        return schema_ref(wire::YES_NO);
    }
    let mut out: Vec<Value> = Vec::new();
    let mut patterns: Vec<Value> = Vec::new();
    let mut push = |v: Value| {
        if !out.contains(&v) {
            out.push(v);
        }
    };
    for v in values {
        let value = unquote(&v.value);
        // `U{id}`, `SG{id}_A`: a family of values, the braces standing for an id.
        if let Some(p) = value_pattern(value) {
            let p = json!({"type": "string", "pattern": p});
            if !patterns.contains(&p) {
                patterns.push(p);
            }
            continue;
        }
        push(json!(value));
        if let Ok(i) = value.trim().parse::<i64>() {
            push(json!(i));
            push(json!(i.to_string()));
        }
    }
    if patterns.is_empty() {
        return json!({ "enum": out });
    }
    if !out.is_empty() {
        patterns.insert(0, json!({ "enum": out }));
    }
    json!({ "anyOf": patterns })
}

/// `U{id}` → `^U.+$`: a value with `{…}` slots, as a regex; `None` without slots.
fn value_pattern(value: &str) -> Option<String> {
    let open = value.find('{')?;
    value[open..].find('}')?;
    let mut out = String::from("^");
    let mut rest = value;
    while let Some(i) = rest.find('{') {
        let Some(j) = rest[i..].find('}') else { break };
        out.push_str(&escape(&rest[..i]));
        out.push_str(".+");
        rest = &rest[i + j + 1..];
    }
    out.push_str(&escape(rest));
    out.push('$');
    Some(out)
}

/// `s` with the regex syntax characters escaped.
fn escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if "^$\\.*+?()[]{}|/".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `'P'`, `"P"`, `` `P` `` → `P`: the docs quote values in their lists.
fn unquote(v: &str) -> &str {
    let t = v.trim();
    for q in ['\'', '"', '`'] {
        if let Some(inner) = t.strip_prefix(q).and_then(|r| r.strip_suffix(q)) {
            if !inner.is_empty() {
                return inner;
            }
        }
    }
    v
}

/// A component name for a docs' type name: letters, digits, `.`, `-`, `_` only.
pub fn component_name(name: &str) -> String {
    let clean: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("ref.{clean}")
}

/// The regex (ECMA-262, no flags) of the keys a placeholder row stands for, as
/// `b24_spec::placeholder::matches_pattern` reads it: the literal prefix in any case, then
/// anything (digits for `propertyN`). `^` alone: any key. `None`: prose, no key.
pub fn key_pattern(name: &str) -> Option<String> {
    let p = name.trim();
    if let Some(prefix) = numbered_placeholder(p) {
        return Some(format!("^{}[0-9]+$", any_case(prefix)));
    }
    let prefix = placeholder_prefix(p)?;
    Some(format!("^{}", any_case(prefix)))
}

/// `abc_1` → `[aA][bB][cC]_1` (escaped).
fn any_case(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphabetic() {
            out.push('[');
            out.push(c.to_ascii_lowercase());
            out.push(c.to_ascii_uppercase());
            out.push(']');
        } else if "^$\\.*+?()[]{}|/".contains(c) {
            out.push('\\');
            out.push(c);
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholder_rows_become_key_patterns() {
        assert_eq!(
            key_pattern("UF_CRM_...").as_deref(),
            Some("^[uU][fF]_[cC][rR][mM]_")
        );
        assert_eq!(
            key_pattern("propertyN").as_deref(),
            Some("^[pP][rR][oO][pP][eE][rR][tT][yY][0-9]+$")
        );
        assert_eq!(key_pattern("<field_code>").as_deref(), Some("^"));
        assert_eq!(key_pattern("some prose"), None);
    }

    #[test]
    fn enums_take_both_spellings_of_numbers() {
        let v = |s: &str| EnumValue {
            value: s.into(),
            doc: Default::default(),
        };
        assert_eq!(
            enum_schema(&[v("1"), v("Y")]),
            json!({"enum": ["1", 1, "Y"]})
        );
    }
}
