//! IR types → Rust types.
//!
//! | IR kind | Rust |
//! |---|---|
//! | `string` | `String` |
//! | `integer`, `timestamp` | `i64` |
//! | `double` | `f64` |
//! | `boolean` | `bool` |
//! | `yes_no` (and an `enum` of exactly `Y`/`N`) | `wire::YesNo` |
//! | `date` / `datetime` | `wire::Date` / `wire::DateTime` (lenient) |
//! | `enum` with values | a generated enum with an `Unknown(String)` variant |
//! | `object` with fields | a generated struct |
//! | `object` without fields | params: `wire::Object`; results: `serde_json::Value` |
//! | `array` | `Vec<item>` |
//! | `ref` | by [`ref_scalar`]: ids → `i64`, codes → `String`, else `serde_json::Value` |
//! | `union` | the common type of its non-null variants, else an enum by wire form ([`super::unions`]) |
//! | `file` | params: `wire::File` (name + Base64 content); results: `serde_json::Value` |
//! | `any` | `serde_json::Value` |

use crate::ir::{Kind, Type};

/// A Rust type as the emitter writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
    I64,
    F64,
    Bool,
    Str,
    YesNo,
    Date,
    DateTime,
    /// `serde_json::Value`: shape unknown.
    Value,
    /// `wire::Object`: an object whose keys the docs leave open (params only).
    Object,
    /// `wire::File`: a file to upload (params only; a result's file stays a `Value`, its
    /// forms vary by method).
    File,
    Vec(Box<Ty>),
    /// A generated struct in the same module.
    Struct(String),
    /// A generated enum in the same module.
    Enum(String),
    /// A generated union enum in the same module (see [`super::unions`]).
    Union(String),
}

impl Ty {
    /// A scalar (not a container, not generated).
    pub fn is_scalar(&self) -> bool {
        matches!(
            self,
            Ty::I64 | Ty::F64 | Ty::Bool | Ty::Str | Ty::YesNo | Ty::Date | Ty::DateTime
        )
    }

    /// An unstructured object or value (counted for `report`).
    pub fn is_unstructured(&self) -> bool {
        match self {
            Ty::Value | Ty::Object => true,
            Ty::Vec(t) => t.is_unstructured(),
            _ => false,
        }
    }
}

/// What a documented reference type (`user`, `crm_status`, `catalog_product.id`) holds on the
/// wire, when that is known; `None` leaves it unstructured.
///
/// The docs' `data-types` page defines these as identifiers (`user`: "an integer identifier of a
/// user") or directory codes (`crm_status`: a status id like `NEW`).
pub fn ref_scalar(name: &str) -> Option<Ty> {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".id") || lower.ends_with("_id") {
        return Some(Ty::I64);
    }
    if let Some((_, member)) = lower.rsplit_once('.') {
        // `crm_currency.currency`, `catalog_measure.code`, `sale_status.status_id`…
        return Some(if member.contains("id") {
            Ty::I64
        } else {
            Ty::Str
        });
    }
    match lower.as_str() {
        "user" | "crm_company" | "crm_contact" | "crm_lead" | "crm_deal" | "crm_quote"
        | "crm_category" | "crm_invoice" | "crm_smart_invoice" | "diskfile" | "disk_file"
        | "group" | "sonet_group" | "department" => Some(Ty::I64),
        "crm_status" | "crm_currency" | "crm" | "text" | "char" | "lang" | "language" | "site"
        | "currency" | "url" | "email" | "phone" => Some(Ty::Str),
        "int" | "integer" | "number" => Some(Ty::I64),
        "float" | "decimal" => Some(Ty::F64),
        "bool" => Some(Ty::Bool),
        _ => None,
    }
}

/// A whole `result` (or an element of a `result` list) typed as a reference: the object the
/// reference names (`crm_currency` for `crm.currency.get` is the currency, not its code), so
/// unstructured; an explicit id (`….id`, `…_id`) stays an integer.
pub fn result_ref(name: &str) -> Ty {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".id") || lower.ends_with("_id") {
        Ty::I64
    } else {
        Ty::Value
    }
}

/// Maps a type whose kind is not `object`/`enum` (those need names; the planner handles them)
/// to a Rust type. `None` for object/enum kinds.
pub fn scalar_ty(ty: &Type) -> Option<Ty> {
    Some(match &ty.kind {
        Kind::String => Ty::Str,
        Kind::Integer | Kind::Timestamp => Ty::I64,
        Kind::Double => Ty::F64,
        Kind::Boolean => Ty::Bool,
        Kind::YesNo => Ty::YesNo,
        Kind::Date => Ty::Date,
        Kind::Datetime => Ty::DateTime,
        Kind::File | Kind::Any => Ty::Value,
        Kind::Ref { name } => ref_scalar(name).unwrap_or(Ty::Value),
        Kind::Union { variants } => union_ty(variants),
        Kind::Enum | Kind::Object { .. } | Kind::Array { .. } => return None,
    })
}

/// [`scalar_ty`] for a request parameter: a `file` is a [`Ty::File`] there.
pub fn param_scalar_ty(ty: &Type) -> Option<Ty> {
    match ty.kind {
        Kind::File => Some(Ty::File),
        _ => scalar_ty(ty),
    }
}

/// The common type of a union's variants (a lone `null` is dropped), else `Value`.
fn union_ty(variants: &[Type]) -> Ty {
    let mut common: Option<Ty> = None;
    for v in variants {
        if v.doc.trim().eq_ignore_ascii_case("null") {
            continue;
        }
        let t = match &v.kind {
            Kind::Enum => Ty::Str,
            Kind::Object { fields } if fields.is_empty() => Ty::Value,
            Kind::Array { item } => match scalar_ty(item) {
                Some(t) => Ty::Vec(Box::new(t)),
                None => return Ty::Value,
            },
            _ => match scalar_ty(v) {
                Some(t) => t,
                None => return Ty::Value,
            },
        };
        match &common {
            None => common = Some(t),
            Some(c) if *c == t => {}
            Some(_) => return Ty::Value,
        }
    }
    common.unwrap_or(Ty::Value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(kind: Kind) -> Type {
        Type::new("", kind)
    }

    #[test]
    fn scalars_map_by_kind() {
        assert_eq!(scalar_ty(&t(Kind::Integer)), Some(Ty::I64));
        assert_eq!(scalar_ty(&t(Kind::Timestamp)), Some(Ty::I64));
        assert_eq!(scalar_ty(&t(Kind::YesNo)), Some(Ty::YesNo));
        assert_eq!(scalar_ty(&t(Kind::Any)), Some(Ty::Value));
        assert_eq!(scalar_ty(&t(Kind::Enum)), None);
        assert_eq!(scalar_ty(&t(Kind::File)), Some(Ty::Value));
        assert_eq!(param_scalar_ty(&t(Kind::File)), Some(Ty::File));
        assert_eq!(param_scalar_ty(&t(Kind::Integer)), Some(Ty::I64));
    }

    #[test]
    fn refs_map_to_ids_codes_or_value() {
        let r = |n: &str| scalar_ty(&t(Kind::Ref { name: n.to_owned() }));
        assert_eq!(r("user"), Some(Ty::I64));
        assert_eq!(r("catalog_product.id"), Some(Ty::I64));
        assert_eq!(r("sale_paysystem.ID"), Some(Ty::I64));
        assert_eq!(r("crm_currency.CURRENCY"), Some(Ty::Str));
        assert_eq!(r("crm_status"), Some(Ty::Str));
        assert_eq!(r("crm_multifield"), Some(Ty::Value));
        assert_eq!(r("lang_map"), Some(Ty::Value));
    }

    #[test]
    fn unions_collapse_only_when_all_variants_agree() {
        let null = Type::new("null", Kind::Any);
        let s = Type::new("string", Kind::String);
        let i = Type::new("integer", Kind::Integer);
        assert_eq!(
            scalar_ty(&t(Kind::Union {
                variants: vec![s.clone(), null.clone()]
            })),
            Some(Ty::Str)
        );
        assert_eq!(
            scalar_ty(&t(Kind::Union {
                variants: vec![s, i.clone()]
            })),
            Some(Ty::Value)
        );
        let ints = Type::new(
            "integer[]",
            Kind::Array {
                item: Box::new(i.clone()),
            },
        );
        assert_eq!(
            scalar_ty(&t(Kind::Union {
                variants: vec![i, ints]
            })),
            Some(Ty::Value)
        );
    }
}
