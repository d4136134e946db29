//! What the request examples settle about the parameter tables: keys the tables leave out, and
//! rows marked required that a real call omits.
//!
//! The request examples are calls the docs' authors made; where a table and its page's example
//! disagree about which keys exist, the example is the better witness of the API:
//!
//! - **Keys only in an example.** A key a request example sends (at the top level or inside a
//!   documented object) that no row of the table names, nor any placeholder row stands for,
//!   becomes an optional parameter marked [`Field::from_example`], typed from the values the
//!   examples give it (`any` when they disagree or are structured). A key that differs from a
//!   documented one only by letter case (nested, or in a REST 3 method), or by one or two edits
//!   of a name of six letters or more (`IS_RECCURING` for `IS_RECURRING`), is a typo in the
//!   example: it is reported, not added.
//! - **Required rows an example omits.** A row the table marks required that some request
//!   example leaves out of its object is optional: a wrongly required parameter would make a
//!   valid call impossible to write with the generated `new(…)`, a wrongly optional one only
//!   loses a compile-time check.
//!
//! - **Shapes.** A scalar row every example sends as an object is an open object, one every
//!   example sends as a list is a list of that scalar (of open objects when the items are
//!   objects), an `integer` sent as `""` a string.
//! - **Literal names.** A row whose name reads as a numbered placeholder (`gpsN`, like
//!   `propertyN`) that an example sends as is, is that literal key ([`Field::literal`]).
//!
//! Each change is a diagnostic naming the example's page and line.

use serde_json::{Map, Value};

use super::lookup;
use crate::ir::{Diagnostic, Example, Field, Kind, Method, Severity, Text, Type};
use crate::rust::naming::{is_placeholder, placeholder_prefix};

/// What a diagnostic about a misspelt key says (`report` counts them).
pub const TYPO: &str = "looks like a typo of the documented";

/// Applies the rules to one method's params; returns what they changed.
pub fn method(m: &mut Method) -> Vec<Diagnostic> {
    let objects: Vec<Seen> = m
        .examples
        .requests
        .iter()
        .filter_map(|e| {
            e.json.as_object().map(|o| Seen {
                example: e,
                object: o,
            })
        })
        .collect();
    let mut walk = Walk {
        method: &m.name,
        rest2: m.rest_version != 3,
        diagnostics: Vec::new(),
    };
    walk.level(&mut m.params, &objects, "");
    walk.diagnostics
}

/// One JSON object of a request example at some depth, with the example it is from.
#[derive(Clone, Copy)]
struct Seen<'a> {
    example: &'a Example,
    object: &'a Map<String, Value>,
}

struct Walk<'a> {
    method: &'a str,
    rest2: bool,
    diagnostics: Vec<Diagnostic>,
}

impl Walk<'_> {
    fn level(&mut self, fields: &mut Vec<Field>, seen: &[Seen], path: &str) {
        // Objects keyed by ids (`{"547": {…}}`) are maps, not parameter objects.
        let seen: Vec<Seen> = seen
            .iter()
            .copied()
            .filter(|s| !s.object.keys().all(|k| k.parse::<u64>().is_ok()))
            .collect();
        if seen.is_empty() {
            return;
        }
        // In the top level of REST 2 calls the key's letter case does not matter (the API
        // reads `ID` and `id` alike).
        let any_case = path.is_empty() && self.rest2;
        for f in fields.iter_mut() {
            let found: Vec<(&Seen, Option<&Value>)> = seen
                .iter()
                .map(|s| (s, lookup(s.object, &f.name, any_case)))
                .collect();
            let values: Vec<&Value> = found.iter().filter_map(|(_, v)| *v).collect();
            if let Some(change) = shape(&mut f.ty, &values) {
                self.note(
                    seen[0].example,
                    Severity::Info,
                    format!("`{}` {}: {change}", self.method, join(path, &f.name)),
                );
            }
            let here: Vec<Seen> = found.iter().flat_map(|(s, v)| children(s, *v)).collect();
            if is_placeholder(&f.name) && seen.iter().any(|s| s.object.contains_key(&f.name)) {
                f.literal = true;
            }
            if f.required && !is_placeholder(&f.name) {
                if let Some((s, _)) = found.iter().find(|(_, v)| v.is_none()) {
                    f.required = false;
                    self.note(
                        s.example,
                        Severity::Info,
                        format!(
                            "`{}` {}: required in the table, but the request example omits it; taken as optional",
                            self.method,
                            join(path, &f.name)
                        ),
                    );
                }
            }
            if let Some(nested) = documented_fields(&mut f.ty) {
                let path = join(path, &f.name);
                self.level(nested, &here, &path);
            }
        }
        self.undocumented(fields, &seen, path);
    }

    /// Adds the keys the examples send and no row names.
    fn undocumented(&mut self, fields: &mut Vec<Field>, seen: &[Seen], path: &str) {
        let top = path.is_empty();
        let mut added: Vec<Field> = Vec::new();
        for s in seen {
            for (key, _) in s.object {
                if (top && key == "start")
                    || !is_identifier(key)
                    || covered(fields, key, top && self.rest2)
                    || added.iter().any(|f| &f.name == key)
                {
                    continue;
                }
                if let Some(near) = fields.iter().find(|f| is_typo(key, &f.name)) {
                    self.note(
                        s.example,
                        Severity::Warning,
                        format!(
                            "`{}` {}: the request example sends `{key}`, which {TYPO} `{}`",
                            self.method,
                            join(path, key),
                            near.name
                        ),
                    );
                    continue;
                }
                let values: Vec<&Value> = seen.iter().filter_map(|s| s.object.get(key)).collect();
                self.note(
                    s.example,
                    Severity::Info,
                    format!(
                        "`{}` {}: not in the parameter table, only in the request example; added as an optional parameter",
                        self.method,
                        join(path, key)
                    ),
                );
                added.push(Field {
                    name: key.clone(),
                    ty: Type::new("", infer(&values)),
                    doc: Text {
                        en: Some(
                            "Not in the parameter table: the page's request example sends it."
                                .to_owned(),
                        ),
                        ru: Some(
                            "Нет в таблице параметров: его передаёт пример запроса на странице."
                                .to_owned(),
                        ),
                    },
                    from_example: true,
                    ..Field::default()
                });
            }
        }
        fields.extend(added);
    }

    fn note(&mut self, example: &Example, severity: Severity, message: String) {
        self.diagnostics.push(Diagnostic {
            page: example.page.clone(),
            line: example.line,
            severity,
            message,
        });
    }
}

/// The shape rules: a scalar (or a reference to a named type, `diskfile`) every example sends
/// as an object is an open object (`FILTER` documented as `string`, `EDIT_FORM_LABEL` as a map
/// of languages), one every example sends as a list is a list of it (`UF_DEPARTMENT: [1]`), and
/// an `integer` an example sends as `""` is a string (`ownerId: ""` for the company calendar).
/// Returns what changed.
fn shape(t: &mut Type, values: &[&Value]) -> Option<&'static str> {
    let scalar = t.kind.is_scalar() || matches!(t.kind, Kind::Ref { .. });
    if !scalar || values.is_empty() {
        return None;
    }
    if values
        .iter()
        .all(|v| v.as_object().is_some_and(|o| !o.is_empty()))
    {
        t.kind = Kind::Object { fields: Vec::new() };
        return Some("documented as a scalar, sent as an object; taken as an open object");
    }
    if values
        .iter()
        .all(|v| v.as_array().is_some_and(|a| !a.is_empty()))
    {
        let objects = values
            .iter()
            .filter_map(|v| v.as_array())
            .flatten()
            .all(Value::is_object);
        let item = if objects {
            Type::new("object", Kind::Object { fields: Vec::new() })
        } else {
            Type::new(t.doc.clone(), std::mem::take(&mut t.kind))
        };
        t.kind = Kind::Array {
            item: Box::new(item),
        };
        return Some("documented as a scalar, sent as a list; taken as a list");
    }
    if t.kind == Kind::Integer && values.iter().any(|v| v.as_str() == Some("")) {
        t.kind = Kind::String;
        return Some("documented as an integer, sent as \"\"; taken as a string");
    }
    None
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

/// The objects a field's example value holds: the value itself, or the objects it lists.
fn children<'a>(parent: &Seen<'a>, v: Option<&'a Value>) -> Vec<Seen<'a>> {
    let wrap = |object| Seen {
        example: parent.example,
        object,
    };
    match v {
        Some(Value::Object(o)) => vec![wrap(o)],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_object).map(wrap).collect(),
        _ => Vec::new(),
    }
}

/// The rows of an object (or list of objects) the table documents; `None` for objects the
/// docs leave open (no rows: the generated type takes any key).
fn documented_fields(t: &mut Type) -> Option<&mut Vec<Field>> {
    match &mut t.kind {
        Kind::Object { fields } if !fields.is_empty() => Some(fields),
        Kind::Array { item } => documented_fields(item),
        _ => None,
    }
}

/// A key that can be a parameter's name (not an operator-prefixed filter key, a path or prose).
fn is_identifier(key: &str) -> bool {
    key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// A row names the key, or a placeholder row (`UF_CRM_...`, `propertyN`) stands for it.
fn covered(fields: &[Field], key: &str, any_case: bool) -> bool {
    fields.iter().any(|f| {
        f.name == key
            // Operator-prefixed keys are not identifiers: this row covers none of these.
            || (f.name != super::FILTER_OPERATOR_KEYS
                && ((any_case && f.name.eq_ignore_ascii_case(key))
                    || (is_placeholder(&f.name)
                        && placeholder_prefix(&f.name).is_some_and(|p| {
                            key.len() >= p.len()
                                && key.is_char_boundary(p.len())
                                && key[..p.len()].eq_ignore_ascii_case(p)
                        }))))
    })
}

/// `key` is `name` misspelt: the same letters in another case, or one or two edits away from
/// a name of six letters or more.
fn is_typo(key: &str, name: &str) -> bool {
    if is_placeholder(name) {
        return false;
    }
    key.eq_ignore_ascii_case(name)
        || (key.len().min(name.len()) >= 6 && edit_distance(key, name) <= 2)
}

/// Levenshtein distance over bytes (the names are ASCII).
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, &ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != cb))
                .min(above + 1)
                .min(row[j] + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

/// The kind the examples' values agree on; `any` when they disagree or are structured.
fn infer(values: &[&Value]) -> Kind {
    let mut kind: Option<Kind> = None;
    for v in values {
        let k = match v {
            Value::Null => continue,
            Value::Bool(_) => Kind::Boolean,
            Value::Number(n) if n.is_i64() || n.is_u64() => Kind::Integer,
            Value::Number(_) => Kind::Double,
            Value::String(_) => Kind::String,
            Value::Array(_) | Value::Object(_) => return Kind::Any,
        };
        kind = match (kind, k) {
            (None, k) => Some(k),
            (Some(a), b) if a == b => Some(a),
            (Some(Kind::Integer | Kind::Double), Kind::Integer | Kind::Double) => {
                Some(Kind::Double)
            }
            _ => return Kind::Any,
        };
    }
    kind.unwrap_or(Kind::Any)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::test_field as field;
    use serde_json::json;

    fn method(rest_version: u8, params: Vec<Field>, requests: &[Value]) -> Method {
        let mut m = Method {
            name: "x.y.add".into(),
            rest_version,
            params,
            ..Method::default()
        };
        m.examples.requests = requests
            .iter()
            .enumerate()
            .map(|(i, json)| Example {
                page: "en:x/y.md".into(),
                line: Some(10 + i as u32),
                source: "curl".into(),
                json: json.clone(),
                cleaned: false,
            })
            .collect();
        m
    }

    fn names(fs: &[Field]) -> Vec<&str> {
        fs.iter().map(|f| f.name.as_str()).collect()
    }

    #[test]
    fn keys_only_in_examples_become_optional_typed_params() {
        let fields = Type::new(
            "object",
            Kind::Object {
                fields: vec![field("title", Kind::String, false)],
            },
        );
        let mut m = method(
            2,
            vec![
                field("id", Kind::Integer, true),
                Field {
                    name: "fields".into(),
                    ty: fields,
                    ..Field::default()
                },
            ],
            &[
                json!({"id": 1, "fields": {"title": "a", "gpsN": "55.7", "sort": 1}, "start": 0}),
                json!({"ID": 2, "fields": {"gpsN": 1.5, "sort": 2}, "extra": [1]}),
            ],
        );
        let d = super::method(&mut m);
        assert_eq!(names(&m.params), ["id", "fields", "extra"]);
        assert!(m.params[2].from_example && !m.params[2].required);
        assert_eq!(m.params[2].ty.kind, Kind::Any);
        let nested = m.params[1].ty.fields().expect("object");
        assert_eq!(names(nested), ["title", "gpsN", "sort"]);
        // A string in one example and a number in the other: either.
        assert_eq!(nested[1].ty.kind, Kind::Any);
        assert_eq!(nested[2].ty.kind, Kind::Integer);
        // `ID` is `id` in a REST 2 call: still required, not added.
        assert!(m.params[0].required);
        assert_eq!(d.len(), 3, "{d:?}");
        assert!(d
            .iter()
            .any(|d| d.message.contains("fields.gpsN") && d.line == Some(10)));
    }

    #[test]
    fn typos_and_maps_are_not_params() {
        let mut m = method(
            3,
            vec![
                field("IS_RECURRING", Kind::YesNo, false),
                field("id", Kind::Integer, false),
            ],
            &[json!({"IS_RECCURING": "Y", "ID": 1, "a.b": 1, ">=DATE": 1})],
        );
        let d = super::method(&mut m);
        assert_eq!(names(&m.params), ["IS_RECURRING", "id"]);
        assert_eq!(d.len(), 2);
        assert!(d.iter().all(|d| d.severity == Severity::Warning));
        assert!(d[0]
            .message
            .contains("typo of the documented `IS_RECURRING`"));

        let members = Type::new(
            "object",
            Kind::Object {
                fields: vec![field("id", Kind::Integer, false)],
            },
        );
        let mut m = method(
            2,
            vec![Field {
                name: "MEMBERS".into(),
                ty: members,
                ..Field::default()
            }],
            &[json!({"MEMBERS": {"547": {"id": 547}}})],
        );
        assert!(super::method(&mut m).is_empty());
    }

    #[test]
    fn placeholder_rows_cover_their_keys() {
        let mut m = method(
            2,
            vec![
                field("UF_CRM_...", Kind::Any, false),
                field("propertyN", Kind::Any, false),
            ],
            &[json!({"UF_CRM_12": 1, "property5": 2, "other": 3})],
        );
        super::method(&mut m);
        assert_eq!(names(&m.params), ["UF_CRM_...", "propertyN", "other"]);
        assert!(!m.params[1].literal);

        // `gpsN` reads as `propertyN`, but the example sends it as is.
        let mut m = method(
            2,
            vec![field("gpsN", Kind::String, false)],
            &[json!({"gpsN": "54.7"})],
        );
        super::method(&mut m);
        assert!(m.params[0].literal && !crate::rust::naming::is_placeholder_field(&m.params[0]));
    }

    #[test]
    fn required_rows_an_example_omits_are_optional() {
        let fields = Type::new(
            "object",
            Kind::Object {
                fields: vec![
                    field("OWNER_ID", Kind::Integer, true),
                    field("SUBJECT", Kind::String, true),
                ],
            },
        );
        let mut m = method(
            2,
            vec![
                field("id", Kind::Integer, true),
                Field {
                    name: "fields".into(),
                    required: true,
                    ty: fields,
                    ..Field::default()
                },
            ],
            &[
                json!({"id": 1, "fields": {"OWNER_ID": 1, "SUBJECT": "a"}}),
                json!({"id": 1, "fields": {"SUBJECT": "b"}}),
            ],
        );
        let d = super::method(&mut m);
        assert!(m.params[0].required && m.params[1].required);
        let nested = m.params[1].ty.fields().expect("object");
        assert!(!nested[0].required && nested[1].required);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].line, Some(11));
    }

    #[test]
    fn scalars_sent_as_objects_lists_or_empty_strings() {
        let mut m = method(
            2,
            vec![
                field("FILTER", Kind::String, false),
                field("UF_DEPARTMENT", Kind::String, false),
                field("ownerId", Kind::Integer, true),
                field("ID", Kind::Integer, false),
            ],
            &[
                json!({"FILTER": {"ACTIVE": "Y"}, "UF_DEPARTMENT": [1], "ownerId": "", "ID": [1]}),
                json!({"FILTER": {"NAME": "a"}, "UF_DEPARTMENT": [2, 3], "ownerId": 5, "ID": 1}),
            ],
        );
        let d = super::method(&mut m);
        assert_eq!(m.params[0].ty.kind, Kind::Object { fields: vec![] });
        let Kind::Array { item } = &m.params[1].ty.kind else {
            panic!("a list: {:?}", m.params[1].ty)
        };
        assert_eq!(item.kind, Kind::String);
        assert_eq!(m.params[2].ty.kind, Kind::String);
        assert!(m.params[2].required);
        // Sent both ways: as documented.
        assert_eq!(m.params[3].ty.kind, Kind::Integer);
        assert_eq!(d.len(), 3, "{d:?}");
    }

    #[test]
    fn filter_operator_rows_cover_no_plain_key() {
        let mut m = method(
            2,
            vec![Field {
                name: "filter".into(),
                ty: Type::new(
                    "object",
                    Kind::Object {
                        fields: vec![
                            field("ID", Kind::Integer, false),
                            field(super::super::FILTER_OPERATOR_KEYS, Kind::Any, false),
                        ],
                    },
                ),
                ..Field::default()
            }],
            &[json!({"filter": {">ID": 1, "LANG": "en"}})],
        );
        super::method(&mut m);
        let nested = m.params[0].ty.fields().expect("object");
        assert_eq!(nested.last().map(|f| f.name.as_str()), Some("LANG"));
    }

    #[test]
    fn edit_distances() {
        assert_eq!(edit_distance("IS_RECCURING", "IS_RECURRING"), 2);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert!(!is_typo("gpsN", "gpsS"));
    }
}
