//! Unions (`integer | integer[]`, `string | object`) → Rust enums.
//!
//! A union whose alternatives share one Rust type is that type (`string | null`, `integer |
//! crm_category`: [`super::types`]). Otherwise each alternative is sorted by the form its values
//! have on the wire, which is what tells them apart when decoding:
//!
//! | alternative | form | variant |
//! |---|---|---|
//! | `boolean` | bool | `Bool(bool)` |
//! | `integer`, `timestamp`, an id reference | integer | `Integer(i64)` |
//! | `double` | number | `Number(f64)` |
//! | `string`, `enum`, `date`, `datetime`, `Y`/`N`, a code reference | string | `Text(String)` (or `Date`, `DateTime`, `YesNo` when it is the only string) |
//! | `T[]` | array | `List(Vec<T>)` |
//! | `object` with fields / without, `lang_map` | object | `Object(struct)` / `Object(wire::Object)` |
//! | `file`, `any`, an unknown reference | — | (the fallback) |
//!
//! Alternatives of one form merge: several string types are `String`; two arrays of different
//! items are `Vec<serde_json::Value>`; two object shapes cannot be told apart, so the variant is
//! an untyped `wire::Object` (an object described loosely, `object`, and one with fields is the
//! one with fields). `integer` and `double` stay two variants (`5` and `5.5` differ on the
//! wire), and so do `integer` and `string`: a numeric string (`"5"`) is a `Text`, as sent.
//!
//! With two forms or more (or one, and alternatives of no known form) the union is an enum of
//! those variants plus `Other(serde_json::Value)`, which keeps a value of any other form as sent
//! (the runtime's `wire_union!`: decoding a union never fails on its form). With one form alone
//! it is that variant's type (`date | datetime` → `String`). With no known form it stays
//! `serde_json::Value`.

use super::types::{ref_scalar, Ty};
use crate::ir::{Field, Kind, Type};

/// References whose values are objects although the docs' vocabulary has no fields for them
/// (`lang_map`: captions by language, `{"en": "…", "de": "…"}`).
const OBJECT_REFS: &[&str] = &["lang_map"];

/// A form a value has on the wire, in the order the variants are declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Form {
    Bool,
    Integer,
    Number,
    Text,
    Array,
    Object,
}

impl Form {
    /// The variant's identifier.
    pub fn ident(self) -> &'static str {
        match self {
            Form::Bool => "Bool",
            Form::Integer => "Integer",
            Form::Number => "Number",
            Form::Text => "Text",
            Form::Array => "List",
            Form::Object => "Object",
        }
    }

    /// The name of the form (for counts).
    pub fn name(self) -> &'static str {
        match self {
            Form::Bool => "bool",
            Form::Integer => "integer",
            Form::Number => "number",
            Form::Text => "string",
            Form::Array => "array",
            Form::Object => "object",
        }
    }
}

/// What a variant holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape<'a> {
    /// A scalar (`i64`, `f64`, `bool`, `String`, `Date`, `DateTime`, `YesNo`).
    Scalar(Ty),
    /// A list of the item type.
    List(&'a Type),
    /// A list whose items the alternatives type differently: `Vec<serde_json::Value>`.
    AnyList,
    /// An object with these fields: a generated struct.
    Fields(&'a [Field]),
    /// An object without (known) fields: `wire::Object`.
    RawObject,
}

/// One variant of a union enum.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant<'a> {
    pub form: Form,
    pub shape: Shape<'a>,
    /// The alternatives' type tokens, as written (`integer[]`).
    pub doc: String,
}

/// What a union becomes.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision<'a> {
    /// An enum of these variants (sorted by form) and the fallback.
    Enum(Vec<Variant<'a>>),
    /// One form only: the variant's type.
    Single(Variant<'a>),
    /// No alternative of a known form: `serde_json::Value`.
    Value,
}

/// Decides a union of `variants` whose alternatives have no common Rust type.
pub fn classify(variants: &[Type]) -> Decision<'_> {
    let mut out: Vec<Variant<'_>> = Vec::new();
    let mut unknown = false;
    let mut alts: Vec<&Type> = Vec::new();
    flatten(variants, &mut alts);
    for t in alts {
        let Some((form, shape)) = alternative(t) else {
            unknown = true;
            continue;
        };
        match out.iter_mut().find(|v| v.form == form) {
            None => out.push(Variant {
                form,
                shape,
                doc: t.doc.clone(),
            }),
            Some(v) => {
                v.shape = merge(std::mem::replace(&mut v.shape, Shape::AnyList), shape);
                if !t.doc.is_empty() && !v.doc.split(" | ").any(|d| d == t.doc) {
                    v.doc = if v.doc.is_empty() {
                        t.doc.clone()
                    } else {
                        format!("{} | {}", v.doc, t.doc)
                    };
                }
            }
        }
    }
    out.sort_by_key(|v| v.form);
    match (out.len(), unknown) {
        (0, _) => Decision::Value,
        (1, false) => Decision::Single(out.remove(0)),
        _ => Decision::Enum(out),
    }
}

/// The alternatives, nested unions flattened, `null` left out.
fn flatten<'a>(variants: &'a [Type], out: &mut Vec<&'a Type>) {
    for v in variants {
        match &v.kind {
            Kind::Union { variants } => flatten(variants, out),
            _ if v.doc.trim().eq_ignore_ascii_case("null") => {}
            _ => out.push(v),
        }
    }
}

fn scalar(t: Ty) -> Option<(Form, Shape<'static>)> {
    let form = match t {
        Ty::Bool => Form::Bool,
        Ty::I64 => Form::Integer,
        Ty::F64 => Form::Number,
        Ty::Str | Ty::Date | Ty::DateTime | Ty::YesNo => Form::Text,
        _ => return None,
    };
    Some((form, Shape::Scalar(t)))
}

/// The form and shape of one alternative; `None` when its form is unknown.
fn alternative(t: &Type) -> Option<(Form, Shape<'_>)> {
    match &t.kind {
        Kind::String | Kind::Enum => scalar(Ty::Str),
        Kind::Date => scalar(Ty::Date),
        Kind::Datetime => scalar(Ty::DateTime),
        Kind::YesNo => scalar(Ty::YesNo),
        Kind::Integer | Kind::Timestamp => scalar(Ty::I64),
        Kind::Double => scalar(Ty::F64),
        Kind::Boolean => scalar(Ty::Bool),
        Kind::Object { fields } => Some((
            Form::Object,
            if fields
                .iter()
                .any(|f| !super::naming::is_placeholder_field(f))
            {
                Shape::Fields(fields)
            } else {
                Shape::RawObject
            },
        )),
        Kind::Array { item } => Some((Form::Array, Shape::List(item))),
        Kind::Ref { name } => match ref_scalar(name) {
            Some(t) => scalar(t),
            None if OBJECT_REFS.contains(&name.to_ascii_lowercase().as_str()) => {
                Some((Form::Object, Shape::RawObject))
            }
            None => None,
        },
        Kind::File | Kind::Any | Kind::Union { .. } => None,
    }
}

/// Two alternatives of one form.
fn merge<'a>(a: Shape<'a>, b: Shape<'a>) -> Shape<'a> {
    match (a, b) {
        (a, b) if a == b => a,
        (Shape::Scalar(_), Shape::Scalar(_)) => Shape::Scalar(Ty::Str),
        (Shape::List(x), Shape::List(y)) if x.kind == y.kind => Shape::List(x),
        (Shape::List(_) | Shape::AnyList, Shape::List(_) | Shape::AnyList) => Shape::AnyList,
        (Shape::Fields(f), Shape::RawObject) | (Shape::RawObject, Shape::Fields(f)) => {
            Shape::Fields(f)
        }
        (Shape::Fields(x), Shape::Fields(y)) if x == y => Shape::Fields(x),
        _ => Shape::RawObject,
    }
}

/// A short description of a decision, for `report` (`enum bool|integer`, `single string`,
/// `value`).
pub fn describe(d: &Decision<'_>) -> String {
    match d {
        Decision::Enum(vs) => {
            let forms: Vec<&str> = vs.iter().map(|v| v.form.name()).collect();
            format!("enum {}", forms.join("|"))
        }
        Decision::Single(v) => format!("single {}", v.form.name()),
        Decision::Value => "value".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(doc: &str, kind: Kind) -> Type {
        Type::new(doc, kind)
    }

    fn forms(d: &Decision<'_>) -> Vec<Form> {
        match d {
            Decision::Enum(vs) => vs.iter().map(|v| v.form).collect(),
            _ => Vec::new(),
        }
    }

    #[test]
    fn wire_forms_that_differ_make_an_enum() {
        let int = t("integer", Kind::Integer);
        let list = t(
            "integer[]",
            Kind::Array {
                item: Box::new(int.clone()),
            },
        );
        let s = t("string", Kind::String);
        let d = classify(std::slice::from_ref(&list));
        assert_eq!(
            d,
            Decision::Single(Variant {
                form: Form::Array,
                shape: Shape::List(&int),
                doc: "integer[]".into(),
            })
        );
        let v = [list.clone(), s.clone(), int.clone(), t("null", Kind::Any)];
        assert_eq!(
            forms(&classify(&v)),
            [Form::Integer, Form::Text, Form::Array]
        );
        let lang = t(
            "lang_map",
            Kind::Ref {
                name: "lang_map".into(),
            },
        );
        assert_eq!(
            forms(&classify(&[s.clone(), lang])),
            [Form::Text, Form::Object]
        );
    }

    #[test]
    fn one_form_is_its_type_and_no_known_form_stays_value() {
        let dates = [t("date", Kind::Date), t("datetime", Kind::Datetime)];
        let Decision::Single(v) = classify(&dates) else {
            panic!("one form")
        };
        assert_eq!((v.form, v.shape), (Form::Text, Shape::Scalar(Ty::Str)));
        assert_eq!(v.doc, "date | datetime");
        let refs = [
            t("asc", Kind::Ref { name: "asc".into() }),
            t(
                "desc",
                Kind::Ref {
                    name: "desc".into(),
                },
            ),
        ];
        assert_eq!(classify(&refs), Decision::Value);
        // A file is of no known form: the string alternative and the fallback.
        let file = [t("file", Kind::File), t("string", Kind::String)];
        assert_eq!(forms(&classify(&file)), [Form::Text]);
    }

    #[test]
    fn two_object_shapes_are_an_untyped_object() {
        let a = t(
            "object",
            Kind::Object {
                fields: vec![crate::ir::test_field("A", Kind::String, false)],
            },
        );
        let b = t(
            "object",
            Kind::Object {
                fields: vec![crate::ir::test_field("B", Kind::String, false)],
            },
        );
        let shapes = [a.clone(), b, t("boolean", Kind::Boolean)];
        let Decision::Enum(vs) = classify(&shapes) else {
            panic!("an enum")
        };
        assert_eq!(vs[1].shape, Shape::RawObject);
        let loose = t("object", Kind::Object { fields: vec![] });
        let loose = [loose, a, t("integer", Kind::Integer)];
        let Decision::Enum(vs) = classify(&loose) else {
            panic!("an enum")
        };
        assert!(matches!(vs[1].shape, Shape::Fields(_)));
        assert_eq!(describe(&Decision::Enum(vs)), "enum integer|object");
    }
}
