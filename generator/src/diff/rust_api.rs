//! What the emitter (`crate::rust`) makes of the documented facts the diff
//! compares, so a change is breaking only when the generated Rust API
//! changes: a type change that keeps the Rust type (`integer` → `timestamp`,
//! both `i64`), a rename that keeps the Rust name (`ID` → `id`), a scope
//! change that keeps the method's crate, are docs-only.
//!
//! This mirrors `rust::plan` (`Builder::ty`, `item_ty`, the `OutputPlan` of a
//! result, `home_scope`, `naming`) at the level of detail that decides
//! compatibility; `tests/diff_engine.rs` checks it against the planner on
//! the `docs-src` IR, so the two cannot drift apart unnoticed.
use crate::ir::{Field, Kind, Method, Type};
use crate::rust::naming;
use crate::rust::types::{result_ref, scalar_ty, Ty};

/// Which way a value goes: params are sent, results and payloads received.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Params,
    Received,
}

/// The generated Rust type of a field of type `ty` (`field` carries the
/// allowed values of an enum), as a comparable name. Generated structs and
/// enums are `struct` / `enum` (their contents are compared field by field).
pub fn rust_type(ty: &Type, field: Option<&Field>, side: Side) -> String {
    match &ty.kind {
        Kind::Object { fields } => {
            if fields.iter().any(|f| !naming::is_placeholder(&f.name)) {
                "struct".into()
            } else if side == Side::Params {
                "wire::Object".into()
            } else {
                "serde_json::Value".into()
            }
        }
        Kind::Array { item } => {
            let inner = rust_type(item, field, side);
            if side == Side::Received && inner.starts_with("Vec<") {
                "serde_json::Value".into()
            } else {
                format!("Vec<{inner}>")
            }
        }
        Kind::Enum => match field {
            Some(f) => enum_type(f),
            None => "String".into(),
        },
        Kind::Union { variants } if scalar_ty(ty) == Some(Ty::Value) => {
            union_type(variants, field, side)
        }
        Kind::File if side == Side::Params => ty_name(&Ty::File),
        _ => ty_name(&scalar_ty(ty).unwrap_or(Ty::Value)),
    }
}

/// A union without a common type: `union` when it is an enum, else its one form's type.
fn union_type(variants: &[Type], field: Option<&Field>, side: Side) -> String {
    use crate::rust::unions::{classify, Decision, Shape};
    match classify(variants) {
        Decision::Enum(_) => "union".into(),
        Decision::Value => "serde_json::Value".into(),
        Decision::Single(v) => match v.shape {
            Shape::Scalar(t) => ty_name(&t),
            Shape::RawObject => "wire::Object".into(),
            Shape::AnyList => "Vec<serde_json::Value>".into(),
            Shape::Fields(_) => "struct".into(),
            Shape::List(item) => {
                let inner = rust_type(item, field, side);
                if inner.starts_with("Vec<") {
                    "Vec<serde_json::Value>".into()
                } else {
                    format!("Vec<{inner}>")
                }
            }
        },
    }
}

/// The generated `Output` of a method whose `result` is `result`.
pub fn rust_result(result: Option<&Type>) -> String {
    let Some(t) = result else {
        return "serde_json::Value".into();
    };
    match &t.kind {
        Kind::Object { fields } if fields.iter().any(|f| !naming::is_placeholder(&f.name)) => {
            "struct".into()
        }
        Kind::Array { item } => {
            let inner = match &item.kind {
                Kind::Object { fields }
                    if fields.iter().any(|f| !naming::is_placeholder(&f.name)) =>
                {
                    "struct".to_string()
                }
                Kind::Ref { name } => ty_name(&result_ref(name)),
                _ => rust_type(item, None, Side::Received),
            };
            format!("Vec<{inner}>")
        }
        Kind::Ref { name } => ty_name(&result_ref(name)),
        _ => rust_type(t, None, Side::Received),
    }
}

fn enum_type(f: &Field) -> String {
    let mut set: Vec<&str> = f.values.iter().map(|v| v.value.as_str()).collect();
    set.sort_unstable();
    set.dedup();
    match set.as_slice() {
        [] => "String".into(),
        ["N", "Y"] => "YesNo".into(),
        _ => "enum".into(),
    }
}

fn ty_name(t: &Ty) -> String {
    match t {
        Ty::I64 => "i64".into(),
        Ty::F64 => "f64".into(),
        Ty::Bool => "bool".into(),
        Ty::Str => "String".into(),
        Ty::YesNo => "YesNo".into(),
        Ty::Date => "Date".into(),
        Ty::DateTime => "DateTime".into(),
        Ty::Value => "serde_json::Value".into(),
        Ty::Object => "wire::Object".into(),
        Ty::File => "wire::File".into(),
        Ty::Vec(t) => format!("Vec<{}>", ty_name(t)),
        Ty::Struct(_) => "struct".into(),
        Ty::Enum(_) => "enum".into(),
        Ty::Union(_) => "union".into(),
    }
}

/// The generated field name of a wire name (before clash suffixes).
pub fn field_ident(name: &str) -> String {
    naming::snake(name, "field")
}

/// Placeholder rows (`UF_CRM_...`, `<field_code>`) are not struct fields.
pub fn is_placeholder(name: &str) -> bool {
    naming::is_placeholder(name)
}

/// The generated names of a method: its type and its module path.
pub fn method_names(name: &str) -> (String, Vec<String>) {
    let segs = name
        .split('.')
        .map(|s| naming::snake(s, "m"))
        .collect::<Vec<_>>();
    (naming::camel(name, "Method", "M"), segs)
}

/// The generated variant name of an event in the all-events enum.
pub fn event_variant(name: &str) -> String {
    naming::camel(name, "Event", "On")
}

/// The scope crate a method is generated into.
pub fn home_crate(m: &Method) -> String {
    crate::rust::plan::home_scope(m)
}
