//! **Shapes the examples show.** A `result` value the docs leave without a shape (an `object`
//! without a table of fields, a row with no type at all, a list of such) takes the shape its
//! response examples show:
//!
//! - an object whose keys are names becomes an object of those fields, the union of the keys
//!   of every example object in order of first appearance, each typed from all of its values;
//!   keys that are ids (`{"10": …}`), placeholders or a portal's own custom fields (`UF_…`,
//!   `ufCrm…`, which land in the struct's `extra`) keep the object open;
//! - a list takes the shape of all its items;
//! - an `object` without fields only takes fields (a page's `object` whose examples show
//!   `true` stays an object: the examples do not override a documented kind);
//! - a scalar is what every non-null value is (strings win over numbers: the lenient string
//!   reads a number, not the other way round); values of several shapes, or only `null`s, leave
//!   the type as it was.
//!
//! Params left without a type take the scalar kind their request examples send ([`params`]).
//!
//! Documented shapes are never changed: only what would otherwise be emitted as untyped JSON.

use serde_json::Value;

use crate::ir::{Field, Kind, Type};

/// How deep an example is followed.
const MAX_DEPTH: usize = 8;

/// Fills the shapes of `t` (a `result`) that its examples `vals` show.
pub fn result(t: &mut Type, vals: &[&Value]) -> usize {
    fill(t, vals, 0)
}

/// Fills the params left without a type from the request examples `vals` (the objects of the
/// examples): a value or a list's items take the scalar kind every example sends; objects are
/// not inferred (a `filter` or `fields` object the table leaves open is a map the caller
/// fills). A `select` list left without an item type lists field names: strings.
pub fn params(fs: &mut [Field], vals: &[&Value]) -> usize {
    let mut n = 0;
    for f in fs.iter_mut() {
        let here: Vec<&Value> = vals
            .iter()
            .filter_map(|v| v.as_object())
            .filter_map(|o| super::lookup(o, &f.name, true))
            .collect();
        let select = f.name.eq_ignore_ascii_case("select");
        n += param(&mut f.ty, &here, select);
        if let Kind::Object { fields } = &mut f.ty.kind {
            n += params(fields, &here);
        }
    }
    n
}

fn param(t: &mut Type, vals: &[&Value], select: bool) -> usize {
    let scalar = |kind: &Kind| !matches!(kind, Kind::Object { .. } | Kind::Array { .. });
    match &mut t.kind {
        Kind::Any => match infer(vals, MAX_DEPTH) {
            Some(kind) if scalar(&kind) => {
                t.kind = kind;
                1
            }
            _ => 0,
        },
        Kind::Array { item } if item.kind == Kind::Any => {
            let items: Vec<&Value> = vals.iter().filter_map(|v| v.as_array()).flatten().collect();
            match infer(&items, MAX_DEPTH) {
                Some(kind) if scalar(&kind) => {
                    item.kind = kind;
                    1
                }
                _ if select => {
                    **item = Type::new("string", Kind::String);
                    1
                }
                _ => 0,
            }
        }
        _ => 0,
    }
}

/// Counts the types filled in.
fn fill(t: &mut Type, vals: &[&Value], depth: usize) -> usize {
    if depth > MAX_DEPTH || vals.is_empty() {
        return 0;
    }
    if untyped(t) {
        let documented_object = matches!(t.kind, Kind::Object { .. });
        return match infer(vals, depth) {
            // An `object` stays an object: the examples only give it fields.
            Some(kind) if !documented_object || matches!(kind, Kind::Object { .. }) => {
                t.kind = kind;
                1
            }
            _ => 0,
        };
    }
    match &mut t.kind {
        Kind::Object { fields } => {
            let mut n = 0;
            for f in fields.iter_mut() {
                let here: Vec<&Value> = vals
                    .iter()
                    .filter_map(|v| v.as_object())
                    .filter_map(|o| o.get(&f.name))
                    .collect();
                n += fill(&mut f.ty, &here, depth + 1);
            }
            n
        }
        Kind::Array { item } => {
            let items: Vec<&Value> = vals.iter().filter_map(|v| v.as_array()).flatten().collect();
            fill(item, &items, depth + 1)
        }
        _ => 0,
    }
}

/// What would be emitted as untyped JSON: no kind, an object without fields, a list of those.
fn untyped(t: &Type) -> bool {
    match &t.kind {
        Kind::Any => true,
        Kind::Object { fields } => fields.is_empty(),
        Kind::Array { item } => untyped(item),
        _ => false,
    }
}

/// The kind every non-null value of `vals` has, when they agree.
fn infer(vals: &[&Value], depth: usize) -> Option<Kind> {
    let present: Vec<&Value> = vals
        .iter()
        .copied()
        .filter(|v| !v.is_null() && !is_empty_php_array(v))
        .collect();
    present.first()?;
    if present.iter().all(|v| v.is_object()) {
        return object(&present, depth);
    }
    if present.iter().all(|v| v.is_array()) {
        let items: Vec<&Value> = present
            .iter()
            .filter_map(|v| v.as_array())
            .flatten()
            .collect();
        let item = infer(&items, depth + 1)?;
        return Some(Kind::Array {
            item: Box::new(Type::new("", item)),
        });
    }
    if present.iter().all(|v| v.is_string() || v.is_number()) {
        if present.iter().any(|v| v.is_string()) {
            return Some(Kind::String);
        }
        return Some(if present.iter().all(|v| v.is_i64() || v.is_u64()) {
            Kind::Integer
        } else {
            Kind::Double
        });
    }
    if present.iter().all(|v| v.is_boolean()) {
        return Some(Kind::Boolean);
    }
    None
}

/// `[]`: how PHP spells an empty object (or list).
fn is_empty_php_array(v: &Value) -> bool {
    v.as_array().is_some_and(|a| a.is_empty())
}

fn object(objs: &[&Value], depth: usize) -> Option<Kind> {
    if depth >= MAX_DEPTH {
        return None;
    }
    let mut names: Vec<&str> = Vec::new();
    for o in objs.iter().filter_map(|v| v.as_object()) {
        for k in o.keys() {
            if !names.contains(&k.as_str()) {
                names.push(k);
            }
        }
    }
    if names.is_empty() || names.iter().any(|k| !is_name(k)) {
        return None;
    }
    let fields = names
        .into_iter()
        .filter(|k| !is_user_field(k))
        .map(|k| {
            let here: Vec<&Value> = objs
                .iter()
                .filter_map(|v| v.as_object())
                .filter_map(|o| o.get(k))
                .collect();
            // `null` as the token of a key the examples show only empty (`null`, `[]`).
            let (doc, kind) = match infer(&here, depth + 1) {
                Some(kind) => ("", kind),
                None => ("null", Kind::Any),
            };
            Field {
                name: k.to_owned(),
                ty: Type::new(doc, kind),
                ..Field::default()
            }
        })
        .collect::<Vec<_>>();
    (!fields.is_empty()).then_some(Kind::Object { fields })
}

/// A key that names a field: not an id, not a placeholder.
fn is_name(k: &str) -> bool {
    !k.is_empty()
        && k.chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && !b24_spec::placeholder::is_placeholder(k)
}

/// A portal's own custom field (`UF_CRM_1720019876534`, `ufCrm5_1720019876`): not the docs'.
fn is_user_field(k: &str) -> bool {
    k.starts_with("UF_") || k.starts_with("uf_") || k.starts_with("ufCrm")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn untyped_objects_take_their_examples_shape() {
        let mut t = Type::new("object", Kind::Object { fields: vec![] });
        let a = json!({"id": 1, "name": "x", "UF_CRM_1": 5, "tags": ["a"], "sub": {"ok": true}});
        let b = json!({"id": "2", "price": 1.5});
        assert_eq!(result(&mut t, &[&a, &b]), 1);
        let fields = t.fields().expect("an object");
        let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["id", "name", "tags", "sub", "price"]);
        assert_eq!(fields[0].ty.kind, Kind::String);
        assert_eq!(fields[4].ty.kind, Kind::Double);
        assert!(matches!(&fields[2].ty.kind, Kind::Array { item } if item.kind == Kind::String));
        assert_eq!(
            fields[3].ty.fields().expect("nested")[0].ty.kind,
            Kind::Boolean
        );
    }

    #[test]
    fn maps_of_ids_and_mixed_values_stay_open() {
        let mut t = Type::new("object", Kind::Object { fields: vec![] });
        assert_eq!(result(&mut t, &[&json!({"10": {"a": 1}})]), 0);
        let mut t = Type::default();
        assert_eq!(result(&mut t, &[&json!(1), &json!({"a": 1})]), 0);
        assert_eq!(result(&mut t, &[&json!(null)]), 0);
        let mut typed = Type::new("integer", Kind::Integer);
        assert_eq!(result(&mut typed, &[&json!("x")]), 0);
    }
}
