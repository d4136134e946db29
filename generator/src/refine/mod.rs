//! Refinements of the merged IR that the docs' own JSON examples settle.
//!
//! Some types the pages give are ambiguous or loose; the page's examples (request bodies for
//! params, response bodies for `result`) show which reading is meant. A rule changes the IR only
//! when the examples agree: at least one example shows the shape and none contradicts it.
//!
//! - **PHP arrays.** The docs' `array` is PHP's array: a list or a map. A field typed plain
//!   `array` whose example values are JSON objects (keys not all numeric) is an object; the
//!   fields of its sub-table, if any, are kept; so is one whose example object is keyed by the
//!   sub-table's own keys (`{"0": …, "5": …}` for rows `0`, `<siteId>`). The same for `result`.
//!   One whose examples are keyed by ids (`{"10": {…}, "20": {…}}`, not `0, 1, 2…`) is an open
//!   map of those ids.
//! - **Lists of names.** An `array` of objects (a sub-table of fields) whose example values are
//!   lists of strings is a list of field names (`select: ["ID", "TITLE"]`).
//! - **Sort orders.** An object with fields whose example values are all `ASC`/`DESC` holds
//!   strings (`order: {"ID": "ASC"}`: the sub-table lists the sortable fields, not their values).
//! - **Field descriptions.** A `result` object documented with the fields' own (scalar) types
//!   whose example values are all field descriptions (`{"ID": {"type": "integer", "isRequired":
//!   false, …}}`) keeps its documented keys, each an object of its own (the description).
//! - **Scalars that are objects.** A `result` documented as a scalar whose examples are all
//!   objects (`{"id": 1823}` for an `integer` id), or all lists of objects, is what they show.
//! - **Lists of objects.** A `result` documented as an object (or by its fields alone) whose
//!   examples are all lists of objects is a list of such objects.
//! - **Objects that are lists.** The mirror of PHP arrays: a field documented as an `object`
//!   with fields whose example values are all lists is a list, of those objects (lists of
//!   objects) or of their names (lists of strings).
//! - **Codes.** A reference the generator would read as an id (`sale_status.id`) whose example
//!   values are codes (`"MS"`) holds strings; so does an `integer` whose example values are
//!   ids that are not numbers (`"65e5a449e8f135.21284909"`).
//! - **Flag spelling.** A `boolean` every example sends as `"Y"`/`"N"` is a Y/N flag; a Y/N
//!   flag every example sends as `true`/`false` is a boolean.
//! - **Filter lists.** A scalar field of a `filter` whose example values include lists
//!   (`"ID": [1, 2]`, any of them) takes either.
//! - **`char` flags.** `char` reads as a `Y`/`N` flag; one whose example values are other
//!   strings (`"CATEGORY_ID": "2"`, `"IS_LIMIT": "D"`) is a string.
//!
//! - **Shapes the examples show.** A `result` value left without a shape takes the one its
//!   examples show (see [`shapes`]).
//!
//! And three rules from the pages' structure and prose:
//! - a `filter` object parameter takes its fields' names behind Bitrix24's filter operators
//!   (`>=DATE_CREATE`, `!ID`, `%TITLE`): a placeholder row [`FILTER_OPERATOR_KEYS`] records it
//!   (the generated filter gets an `extra` map for them);
//! - a sub-table whose only row repeats its parent's name (`IS_ACCESSIBLE_BEFORE` → a table of
//!   one row `IS_ACCESSIBLE_BEFORE` listing `Y`, `N`, `undefined`) describes the parent's values,
//!   not a nested object;
//! - parameters a note names as alternatives ("At least one of the parameters must be specified:
//!   `IBLOCK_ID` or `IBLOCK_CODE`", "хотя бы один из параметров") are not each required.

use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

use crate::ir::{Diagnostic, Event, Field, Kind, Method, Type};

pub mod requests;
pub mod shapes;
pub mod unknown;

/// The placeholder row of a filter's operator keys (the runtime's conformance checker knows it
/// from the same place).
pub use b24_spec::placeholder::FILTER_OPERATOR_KEYS;

/// Applies every rule to one method, then the request examples' own (see [`requests`]);
/// returns what those changed.
pub fn method(m: &mut Method) -> Vec<Diagnostic> {
    let mut settled = unknown::method(m);
    let requests: Vec<&Value> = m.examples.requests.iter().map(|e| &e.json).collect();
    fields(&mut m.params, &requests);
    shapes::params(&mut m.params, &requests);
    filter_lists(&mut m.params, &requests);
    filters(&mut m.params);
    for names in alternatives(&mut m.params, &[&m.description, &m.summary]) {
        let sets: Vec<Vec<String>> = names.into_iter().map(|n| vec![n]).collect();
        if !m.one_of.iter().any(|o| o.sets == sets) {
            m.one_of.push(crate::ir::OneOf { sets });
        }
    }
    // The `result` of each response example; examples without one show the bare result (as the
    // conformance suite reads them).
    let results: Vec<&Value> = m
        .examples
        .responses
        .iter()
        .map(|e| match e.json.as_object().and_then(|o| o.get("result")) {
            Some(r) => r,
            None => &e.json,
        })
        .filter(|v| !v.is_null())
        .collect();
    if let Some(r) = m.result.as_mut() {
        scalar_is_object(r, &results);
        list_of_objects(r, &results);
        ty(r, &results);
        let filled = shapes::result(r, &results);
        if let (true, Some(e)) = (filled > 0, m.examples.responses.first()) {
            settled.push(Diagnostic {
                page: e.page.clone(),
                line: e.line,
                severity: crate::ir::Severity::Info,
                message: format!(
                    "`{}` result: {filled} value(s) the tables leave untyped take the shape \
                     the response examples show",
                    m.name
                ),
            });
        }
    }
    settled.extend(requests::method(m));
    settled
}

/// Applies the rules to one event's payload.
pub fn event(e: &mut Event) {
    let payloads: Vec<&Value> = e.examples.iter().map(|x| &x.json).collect();
    fields(&mut e.payload, &payloads);
    for f in &mut e.payload {
        shapes::result(&mut f.ty, &step(&payloads, &f.name));
    }
}

/// The values of key `name` in the objects among `vals` (and in the objects listed by arrays).
/// Keys match exactly, else ASCII case-insensitively (the examples spell REST 2 parameters in
/// either case).
fn step<'a>(vals: &[&'a Value], name: &str) -> Vec<&'a Value> {
    let get = |o: &'a serde_json::Map<String, Value>| lookup(o, name, true);
    let mut out = Vec::new();
    for v in vals {
        match v {
            Value::Object(o) => out.extend(get(o)),
            Value::Array(a) => out.extend(a.iter().filter_map(|e| e.as_object()).filter_map(get)),
            _ => {}
        }
    }
    out
}

/// The value of key `name` in `o`: exactly, else (with `any_case`) ASCII case-insensitively.
fn lookup<'a>(
    o: &'a serde_json::Map<String, Value>,
    name: &str,
    any_case: bool,
) -> Option<&'a Value> {
    o.get(name).or_else(|| {
        any_case
            .then(|| {
                o.iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(name))
                    .map(|(_, v)| v)
            })
            .flatten()
    })
}

fn fields(fs: &mut [Field], vals: &[&Value]) {
    for f in fs.iter_mut() {
        values_table(f);
        let here = step(vals, &f.name);
        ty(&mut f.ty, &here);
    }
}

/// Filter values that are lists (`"ID": [1, 2]`: any of them): a scalar field of a `filter`
/// whose example values include lists takes either.
fn filter_lists(fs: &mut [Field], vals: &[&Value]) {
    for f in fs.iter_mut() {
        let here = step(vals, &f.name);
        let is_filter = f.name.eq_ignore_ascii_case("filter");
        if let Some(children) = object_fields_mut(&mut f.ty) {
            if !is_filter {
                filter_lists(children, &here);
                continue;
            }
            for c in children.iter_mut() {
                let listed = step(&here, &c.name).iter().any(|v| v.is_array());
                if listed && is_scalar(&c.ty.kind) && c.ty.kind != Kind::Any {
                    let one = std::mem::take(&mut c.ty);
                    let many = Type::new(
                        format!("{}[]", one.doc),
                        Kind::Array {
                            item: Box::new(one.clone()),
                        },
                    );
                    c.ty = Type::new(
                        format!("{} | {}", one.doc, many.doc),
                        Kind::Union {
                            variants: vec![one, many],
                        },
                    );
                }
            }
        }
    }
}

/// The filter rule, on `filter` parameters at any depth.
fn filters(fs: &mut [Field]) {
    for f in fs.iter_mut() {
        let object = matches!(f.ty.kind, Kind::Object { .. });
        if let Some(children) = object_fields_mut(&mut f.ty) {
            let is_filter = object
                && f.name.eq_ignore_ascii_case("filter")
                && children.iter().any(|c| !c.name.is_empty())
                && !children.iter().any(|c| c.name == FILTER_OPERATOR_KEYS);
            if is_filter {
                children.push(Field {
                    name: FILTER_OPERATOR_KEYS.to_owned(),
                    ty: Type::default(),
                    doc: crate::ir::Text {
                        en: Some(
                            "A field above behind a filter operator: `>=DATE_CREATE`, `!ID`, `%TITLE`…"
                                .to_owned(),
                        ),
                        ru: Some(
                            "Поле выше с оператором фильтра: `>=DATE_CREATE`, `!ID`, `%TITLE`…"
                                .to_owned(),
                        ),
                    },
                    ..Field::default()
                });
            } else {
                filters(children);
            }
        }
    }
}

/// The sub-table rule: `f`'s only nested row, named like `f`, describes `f`'s values.
fn values_table(f: &mut Field) {
    let Kind::Object { fields } = &mut f.ty.kind else {
        return;
    };
    // Only a table says so: a shape read off a JSON example (no type token) is what it shows
    // (`"type": {"type": "string"}`).
    if f.ty.doc.trim().eq_ignore_ascii_case("object")
        || f.ty.doc.trim().is_empty()
        || fields.len() != 1
        || fields[0].name != f.name
    {
        return;
    }
    let only = fields.remove(0);
    f.ty = only.ty;
    if f.values.is_empty() {
        f.values = only.values;
    }
}

/// A value a `Y`/`N` flag reads (`Y`, `n`, `1`, `true`…).
fn is_flag(v: &Value) -> bool {
    match v {
        Value::Bool(_) | Value::Null => true,
        Value::Number(n) => matches!(n.as_i64(), Some(0 | 1)),
        Value::String(s) => matches!(
            s.trim().to_ascii_lowercase().as_str(),
            "" | "y" | "n" | "1" | "0" | "true" | "false"
        ),
        _ => false,
    }
}

/// A JSON object used as a map (some key is not a number).
fn is_map(v: &Value) -> bool {
    v.as_object()
        .is_some_and(|o| o.keys().any(|k| k.parse::<u64>().is_err()))
}

/// An object keyed by numbers other than the positions `0, 1, 2…` (`{"10": …, "505": …}`):
/// a map of ids, not a PHP list.
fn keyed_by_ids(v: &Value) -> bool {
    v.as_object().is_some_and(|o| {
        !o.is_empty()
            && o.keys().all(|k| k.parse::<u64>().is_ok())
            && o.keys().enumerate().any(|(i, k)| k != &i.to_string())
    })
}

/// A JSON list: a non-empty array or an object with numeric keys only (`{"0": …}`).
fn is_list(v: &Value) -> bool {
    match v {
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty() && o.keys().all(|k| k.parse::<u64>().is_ok()),
        _ => false,
    }
}

fn plain_array(t: &Type) -> bool {
    matches!(t.doc.trim().to_lowercase().as_str(), "array" | "массив")
}

fn ty(t: &mut Type, vals: &[&Value]) {
    if flag_spelling(t, vals) {
        return;
    }
    if t.kind == Kind::YesNo
        && t.doc.trim().eq_ignore_ascii_case("char")
        && vals.iter().any(|v| !is_flag(v))
    {
        t.kind = Kind::String;
        return;
    }
    let plain = plain_array(t);
    if let Kind::Array { item } = &mut t.kind {
        // An example object keyed by the item's documented keys is the object itself.
        let documented = |v: &Value| match (&item.kind, v.as_object()) {
            (Kind::Object { fields }, Some(o)) => {
                o.keys().any(|k| fields.iter().any(|f| &f.name == k))
            }
            _ => false,
        };
        // PHP arrays that the examples show as maps; keyed by ids (`{"10": …, "20": …}`),
        // they are maps of those ids.
        if plain && vals.iter().any(|v| keyed_by_ids(v)) && vals.iter().all(|v| !is_map(v)) {
            t.kind = Kind::Object { fields: Vec::new() };
            return;
        }
        let maps = vals.iter().any(|v| is_map(v) || documented(v));
        let lists = vals.iter().any(|v| is_list(v) && !documented(v));
        if plain && maps && !lists {
            let fields = match std::mem::take(&mut item.kind) {
                Kind::Object { fields } => fields,
                _ => Vec::new(),
            };
            t.kind = Kind::Object { fields };
        } else if matches!(&item.kind, Kind::Object { fields } if !fields.is_empty())
            && vals
                .iter()
                .any(|v| v.as_array().is_some_and(|a| !a.is_empty()))
            && vals.iter().all(|v| {
                v.as_array()
                    .is_some_and(|a| a.iter().all(|e| e.is_string()))
            })
        {
            // Lists of field names.
            **item = Type::new("string", Kind::String);
        }
    }
    if let Kind::Ref { .. } | Kind::Integer = &t.kind {
        // References whose examples are codes (`"MS"` for `sale_status.id`) and integers whose
        // examples are ids that are not numbers (a workflow id `"65e5a449e8f135.21284909"`)
        // hold strings.
        let integer = t.kind == Kind::Integer;
        let code = |v: &&&Value| {
            v.as_str().is_some_and(|s| {
                let s = s.trim();
                !s.is_empty()
                    && s.parse::<f64>().is_err()
                    && !crate::conformance::is_placeholder_value(s)
                    && (!integer || s.bytes().any(|b| b.is_ascii_digit()))
            })
        };
        if vals.iter().any(|v| code(&v)) {
            t.kind = Kind::String;
            return;
        }
    }
    if matches!(&t.kind, Kind::Object { fields } if !fields.is_empty() || t.doc.trim().eq_ignore_ascii_case("object"))
        && vals
            .iter()
            .any(|v| v.as_array().is_some_and(|a| !a.is_empty()))
        && vals.iter().all(|v| is_list(v))
    {
        // Objects that are lists (PHP lists `{"0": …, "1": …}` among them).
        let items: Vec<&Value> = vals
            .iter()
            .flat_map(|v| match v {
                Value::Array(a) => a.iter().collect::<Vec<_>>(),
                Value::Object(o) => o.values().collect(),
                _ => Vec::new(),
            })
            .collect();
        let item = if items.iter().all(|v| v.is_string()) {
            Some(Type::new("string", Kind::String))
        } else if items.iter().all(|v| v.is_object()) {
            Some(std::mem::take(t))
        } else {
            Some(Type::new("any", Kind::Any))
        };
        if let Some(item) = item {
            *t = Type::new(
                "object[]",
                Kind::Array {
                    item: Box::new(item),
                },
            );
        }
    }
    if field_descriptions(t, vals) {
        return;
    }
    if let Kind::Object { fields: fs } = &mut t.kind {
        let maps: Vec<&Value> = vals.iter().copied().filter(|v| v.is_object()).collect();
        let direction = |v: &Value| {
            v.as_str()
                .is_some_and(|s| s.eq_ignore_ascii_case("asc") || s.eq_ignore_ascii_case("desc"))
        };
        let sort_order = !fs.is_empty()
            && maps
                .iter()
                .any(|v| v.as_object().is_some_and(|o| !o.is_empty()))
            && maps.len() == vals.len()
            && maps
                .iter()
                .all(|v| v.as_object().is_some_and(|o| o.values().all(direction)));
        if sort_order {
            for f in fs.iter_mut() {
                f.ty = Type::new("string", Kind::String);
                f.values.clear();
            }
            return;
        }
        fields(fs, &maps);
        return;
    }
    if let Kind::Array { item } = &mut t.kind {
        let items: Vec<&Value> = vals.iter().filter_map(|v| v.as_array()).flatten().collect();
        ty(item, &items);
    }
}

/// Flags the examples spell the other way: a `boolean` every example sends as `"Y"`/`"N"` is a
/// Y/N flag, a Y/N flag every example sends as `true`/`false` is a boolean.
fn flag_spelling(t: &mut Type, vals: &[&Value]) -> bool {
    if vals.is_empty() {
        return false;
    }
    let yn = |v: &&Value| v.as_str().is_some_and(|s| s == "Y" || s == "N");
    match t.kind {
        Kind::Boolean if vals.iter().all(yn) => t.kind = Kind::YesNo,
        Kind::YesNo if vals.iter().all(|v| v.is_boolean()) => t.kind = Kind::Boolean,
        _ => return false,
    }
    true
}

/// `{"type": …, "isRequired": …}`, `{"TYPE": …, "USE_IN_FILTER": …}`: how `*.fields` methods
/// describe one field.
fn is_field_description(v: &Value) -> bool {
    v.as_object()
        .is_some_and(|o| o.contains_key("type") || o.contains_key("TYPE"))
}

fn is_scalar(k: &Kind) -> bool {
    !matches!(k, Kind::Object { .. } | Kind::Array { .. } | Kind::Any)
}

/// The field-descriptions rule; `true` when it applied.
fn field_descriptions(t: &mut Type, results: &[&Value]) -> bool {
    let Kind::Object { fields } = &mut t.kind else {
        return false;
    };
    let scalars = fields.iter().filter(|f| is_scalar(&f.ty.kind)).count();
    let describes = !fields.is_empty()
        && scalars * 2 >= fields.len()
        && !results.is_empty()
        && results.iter().all(|r| {
            r.as_object()
                .is_some_and(|o| !o.is_empty() && o.values().all(is_field_description))
        });
    if describes {
        for f in fields.iter_mut() {
            f.ty = Type::new("object", Kind::Object { fields: Vec::new() });
            f.values.clear();
        }
    }
    describes
}

/// The scalars-that-are-objects rule: a `result` documented as a scalar (`integer`: "the ID of
/// the added booking"; `boolean`: "an object with the key `result`") whose examples are all
/// objects is the object they show.
fn scalar_is_object(t: &mut Type, results: &[&Value]) {
    let scalar = t.kind.is_scalar();
    let objects = !results.is_empty()
        && (results
            .iter()
            .all(|r| r.as_object().is_some_and(|o| !o.is_empty()) && is_map(r))
            || results.iter().all(|r| {
                r.as_array()
                    .is_some_and(|a| !a.is_empty() && a.iter().all(Value::is_object))
            }));
    if scalar && objects {
        t.kind = crate::extract::json::infer_type(results[0]).kind;
    }
}

/// The lists-of-objects rule.
fn list_of_objects(t: &mut Type, results: &[&Value]) {
    let lists = !results.is_empty()
        && results.iter().all(|r| {
            r.as_array()
                .is_some_and(|a| !a.is_empty() && a.iter().all(Value::is_object))
        });
    if lists && matches!(&t.kind, Kind::Object { fields } if !fields.is_empty()) {
        let object = std::mem::take(t);
        *t = Type::new(
            object.doc.clone(),
            Kind::Array {
                item: Box::new(object),
            },
        );
    }
}

static ALTERNATIVES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:at least one of|хотя бы один из|один из параметров)([^.\n|]*)")
        .expect("static regex")
});
static CODE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"`([^`]+)`").expect("static regex"));

/// Names a note gives as alternatives in `text`.
fn alternative_names(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for c in ALTERNATIVES.captures_iter(text) {
        let names: Vec<String> = CODE
            .captures_iter(&c[1])
            .map(|n| n[1].trim().to_owned())
            .collect();
        if names.len() >= 2 {
            out.extend(names);
        }
    }
    out
}

/// The "at least one of" rule over one field list: notes in the fields' own docs or in `extra`
/// texts (the method's description) that name two or more of these fields. Returns the
/// groups found in this list (each note's fields, in the note's order; not nested lists').
fn alternatives(fs: &mut [Field], extra: &[&crate::ir::Text]) -> Vec<Vec<String>> {
    let mut names = Vec::new();
    let mut groups: Vec<Vec<String>> = Vec::new();
    let texts = fs
        .iter()
        .map(|f| &f.doc)
        .chain(extra.iter().copied())
        .flat_map(|t| [t.en.as_deref(), t.ru.as_deref()])
        .flatten();
    for t in texts {
        let found = alternative_names(t);
        let siblings = found
            .iter()
            .filter(|n| fs.iter().any(|f| &f.name == *n))
            .count();
        if siblings >= 2 {
            let group: Vec<String> = found
                .iter()
                .filter(|n| fs.iter().any(|f| &f.name == *n))
                .cloned()
                .collect();
            if !groups.contains(&group) {
                groups.push(group);
            }
            names.extend(found);
        }
    }
    for f in fs.iter_mut() {
        if names.contains(&f.name) {
            f.required = false;
        }
        if let Some(children) = object_fields_mut(&mut f.ty) {
            alternatives(children, &[]);
        }
    }
    groups
}

fn object_fields_mut(t: &mut Type) -> Option<&mut Vec<Field>> {
    match &mut t.kind {
        Kind::Object { fields } => Some(fields),
        Kind::Array { item } => object_fields_mut(item),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Example, Text};
    use serde_json::json;

    fn field(name: &str, ty: Type, required: bool) -> Field {
        Field {
            name: name.into(),
            required,
            ty,
            ..Field::default()
        }
    }

    fn obj(fields: Vec<Field>) -> Type {
        Type::new("object", Kind::Object { fields })
    }

    fn array_of(doc: &str, item: Type) -> Type {
        Type::new(
            doc,
            Kind::Array {
                item: Box::new(item),
            },
        )
    }

    fn ex(json: Value) -> Example {
        Example {
            page: "en:x.md".into(),
            json,
            ..Example::default()
        }
    }

    fn int() -> Type {
        Type::new("integer", Kind::Integer)
    }

    #[test]
    fn php_arrays_follow_the_examples() {
        let mut m = Method {
            params: vec![
                field(
                    "fields",
                    array_of("array", obj(vec![field("TITLE", int(), false)])),
                    true,
                ),
                field("ids", array_of("array", int()), false),
                field("rows", array_of("array", Type::default()), false),
                field("typed", array_of("object[]", obj(vec![])), false),
            ],
            ..Method::default()
        };
        m.examples.requests = vec![
            ex(json!({"fields": {"TITLE": 1}, "ids": [1, 2], "typed": {"A": 1}})),
            ex(json!({"rows": {"0": {"A": 1}}})),
        ];
        method(&mut m);
        assert!(
            matches!(&m.params[0].ty.kind, Kind::Object { fields } if fields[0].name == "TITLE")
        );
        assert!(
            matches!(m.params[1].ty.kind, Kind::Array { .. }),
            "a list stays a list"
        );
        assert!(
            matches!(m.params[2].ty.kind, Kind::Array { .. }),
            "numbered keys are a list"
        );
        assert!(
            matches!(m.params[3].ty.kind, Kind::Array { .. }),
            "only plain `array`"
        );
    }

    #[test]
    fn names_orders_and_descriptions() {
        let sub = || {
            obj(vec![
                field("ID", int(), false),
                field("TITLE", int(), false),
            ])
        };
        let mut m = Method {
            params: vec![
                field("select", array_of("array", sub()), false),
                field("order", sub(), false),
                field("filter", sub(), false),
            ],
            result: Some(sub()),
            ..Method::default()
        };
        m.examples.requests = vec![ex(
            json!({"select": ["ID"], "order": {"ID": "desc"}, "filter": {"ID": 5}}),
        )];
        m.examples.responses = vec![ex(json!({"result": {
            "ID": {"type": "integer", "isRequired": false},
            "TITLE": {"type": "string", "isReadOnly": true}
        }}))];
        method(&mut m);
        assert!(matches!(&m.params[0].ty.kind, Kind::Array { item } if item.kind == Kind::String));
        let Kind::Object { fields } = &m.params[1].ty.kind else {
            panic!("order stays an object")
        };
        assert_eq!(fields[0].ty.kind, Kind::String);
        let Kind::Object { fields } = &m.params[2].ty.kind else {
            panic!("filter stays an object")
        };
        assert_eq!(
            fields[0].ty.kind,
            Kind::Integer,
            "values that are not directions"
        );
        let Some(Type {
            kind: Kind::Object { fields },
            ..
        }) = &m.result
        else {
            panic!("result stays an object")
        };
        // Each key is a description object; its own keys are what the examples show.
        let names: Vec<&str> = fields[0]
            .ty
            .fields()
            .expect("a description object")
            .iter()
            .map(|f| f.name.as_str())
            .collect();
        assert_eq!(names, ["type", "isRequired"]);
    }

    #[test]
    fn lists_flags_and_value_tables() {
        let mut cat = field("CATEGORY_ID", Type::new("char", Kind::YesNo), false);
        cat.doc = Text::default();
        let mut m = Method {
            result: Some(obj(vec![
                cat,
                field("ACTIVE", Type::new("char", Kind::YesNo), false),
            ])),
            ..Method::default()
        };
        m.examples.responses = vec![ex(json!({"result": [{"CATEGORY_ID": "2", "ACTIVE": "Y"}]}))];
        method(&mut m);
        let Some(Type {
            kind: Kind::Array { item },
            ..
        }) = &m.result
        else {
            panic!("a list")
        };
        let Kind::Object { fields } = &item.kind else {
            panic!("of objects")
        };
        assert_eq!(fields[0].ty.kind, Kind::String);
        assert_eq!(fields[1].ty.kind, Kind::YesNo);

        let inner = field("FLAG", Type::new("string", Kind::Enum), true);
        let mut e = Event {
            payload: vec![field(
                "FLAG",
                Type::new(
                    "string",
                    Kind::Object {
                        fields: vec![inner],
                    },
                ),
                true,
            )],
            ..Event::default()
        };
        event(&mut e);
        assert_eq!(e.payload[0].ty.kind, Kind::Enum);
    }

    #[test]
    fn shapes_read_off_examples_are_not_value_tables() {
        // `{"type": {"type": "string"}}` read off a JSON example: no type token.
        let inner = || {
            Type::new(
                "",
                Kind::Object {
                    fields: vec![field("type", Type::new("", Kind::String), false)],
                },
            )
        };
        let mut e = Event {
            payload: vec![field("type", inner(), false)],
            ..Event::default()
        };
        event(&mut e);
        assert_eq!(e.payload[0].ty, inner());
    }

    #[test]
    fn php_arrays_keyed_by_ids_are_maps() {
        let mut m = Method {
            params: vec![
                field("LIST", array_of("array", Type::default()), false),
                field("ROWS", array_of("array", Type::default()), false),
            ],
            ..Method::default()
        };
        m.examples.requests = vec![ex(
            json!({"LIST": {"10": {"VALUE": "a"}, "20": {"VALUE": "b"}}, "ROWS": {"0": 1, "1": 2}}),
        )];
        method(&mut m);
        assert_eq!(m.params[0].ty.kind, Kind::Object { fields: vec![] });
        assert!(matches!(m.params[1].ty.kind, Kind::Array { .. }));
    }

    #[test]
    fn flags_follow_the_examples_spelling() {
        let mut m = Method {
            params: vec![
                field(
                    "isAutomationEnabled",
                    Type::new("boolean", Kind::Boolean),
                    false,
                ),
                field("completed", Type::new("char", Kind::YesNo), false),
                field("isActive", Type::new("boolean", Kind::Boolean), false),
            ],
            ..Method::default()
        };
        m.examples.requests = vec![
            ex(json!({"isAutomationEnabled": "Y", "completed": true, "isActive": "Y"})),
            ex(json!({"isAutomationEnabled": "N", "isActive": true})),
        ];
        method(&mut m);
        let kinds: Vec<&Kind> = m.params.iter().map(|f| &f.ty.kind).collect();
        // The third is spelt both ways: it stays as documented.
        assert_eq!(kinds, [&Kind::YesNo, &Kind::Boolean, &Kind::Boolean]);
    }

    #[test]
    fn scalar_results_the_examples_show_as_objects() {
        let mut m = Method {
            result: Some(Type::new("integer", Kind::Integer)),
            ..Method::default()
        };
        m.examples.responses = vec![ex(json!({"result": {"id": 1823}}))];
        method(&mut m);
        let r = m.result.as_ref().expect("a result");
        assert_eq!(r.doc, "integer");
        assert_eq!(r.fields().map(|f| f[0].name.as_str()), Some("id"));
        // One example a scalar: the table stands.
        m.result = Some(Type::new("integer", Kind::Integer));
        m.examples.responses.push(ex(json!({"result": 5})));
        method(&mut m);
        assert_eq!(m.result.map(|r| r.kind), Some(Kind::Integer));
    }

    #[test]
    fn filters_and_objects_that_are_lists() {
        let sub = || obj(vec![field("ID", int(), false)]);
        let mut m = Method {
            params: vec![
                field("filter", sub(), false),
                field("select", sub(), false),
                field("rows", sub(), false),
            ],
            ..Method::default()
        };
        m.examples.requests = vec![ex(json!({"select": ["ID"], "rows": [{"ID": 1}]}))];
        method(&mut m);
        let Kind::Object { fields } = &m.params[0].ty.kind else {
            panic!("filter stays an object")
        };
        assert_eq!(fields[1].name, FILTER_OPERATOR_KEYS);
        assert!(crate::rust::naming::is_placeholder(FILTER_OPERATOR_KEYS));
        assert!(matches!(&m.params[1].ty.kind, Kind::Array { item } if item.kind == Kind::String));
        assert!(matches!(&m.params[2].ty.kind,
            Kind::Array { item } if matches!(&item.kind, Kind::Object { fields } if fields[0].name == "ID")));
        method(&mut m);
        let Kind::Object { fields } = &m.params[0].ty.kind else {
            panic!()
        };
        assert_eq!(fields.len(), 2, "applied once");
    }

    #[test]
    fn alternatives_are_not_each_required() {
        let mut code = field("IBLOCK_CODE", Type::new("string", Kind::String), true);
        code.doc = Text::new(
            crate::ir::Lang::En,
            "Code.\n\nAt least one of the parameters must be specified: `IBLOCK_ID` or `IBLOCK_CODE`",
        );
        let mut m = Method {
            params: vec![
                field("IBLOCK_TYPE_ID", int(), true),
                field("IBLOCK_ID", int(), true),
                code,
            ],
            ..Method::default()
        };
        method(&mut m);
        let req: Vec<bool> = m.params.iter().map(|p| p.required).collect();
        assert_eq!(req, [true, false, false]);
        assert!(alternative_names("at least one of the access codes (`ACCESS`)").is_empty());
    }
}
