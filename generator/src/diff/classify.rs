//! The semver impact of each change on the generated crates.
//!
//! What `b24gen generate` makes (see `crate::rust`): a crate per scope (the
//! method's *home* scope, [`home_scope`](crate::rust::plan::home_scope)) with
//! a module path and a type per method name; per method a `Params` struct —
//! required params in `new(…)`, optional ones `Option` fields with setters —
//! an `Output` (a struct per documented object, `Vec` for lists,
//! `serde_json::Value` where the docs are silent), a `#[non_exhaustive]`
//! error enum of the page's own codes (system-wide codes are the runtime's
//! `SystemError`), `impl Paginated` when the response carries `total`; an
//! enum with `Unknown(String)` per documented value set; `#[deprecated]` on
//! deprecated methods and fields; received fields (results, payloads) are all
//! `Option`; per event a payload struct and a variant of the `#[non_exhaustive]`
//! all-events enum. Type questions are answered by [`super::rust_api`], which
//! mirrors the planner. Against that:
//!
//! | change | bump | why |
//! |---|---|---|
//! | method / event removed | major | its type / variant disappears |
//! | method / event added | minor | new type, new variant of a non-exhaustive enum |
//! | method / event respelled (letter case only) | major, patch if the Rust names stay | the wire name is the same; the generated type / module / variant names follow the spelling |
//! | deprecated (method, event, field) | minor | adds `#[deprecated]` (Cargo's semver guide: minor) |
//! | no longer deprecated, replacement renamed | patch | warning text only |
//! | REST version changed | major | `REST_VERSION` and the endpoint change |
//! | method's home scope crate changed | major | the crate, module path and feature change; other scope-list changes are patch |
//! | alias added / removed | patch | aliases only appear in rustdoc |
//! | paginated gained / lost | minor / major | `impl Paginated` added / removed |
//! | pagination note, rate limit | patch | docs only |
//! | param removed | major | the setter or `new(…)` argument goes |
//! | param renamed | major, patch if the Rust field name stays (`ID` → `id`) | |
//! | required param added | major | `new(…)` gains an argument |
//! | optional param added | minor | a new setter (*) |
//! | result / payload field added | minor | a new field read from the response (*) |
//! | result / payload field removed, renamed | major | the field goes |
//! | placeholder row (`UF_CRM_...`) added / removed | patch | not a struct field |
//! | param required ↔ optional | major | `new(…)` arguments change, `T` ↔ `Option<T>` |
//! | result / payload field required ↔ optional | patch | received fields are always `Option` |
//! | resolved type changed | major if the generated Rust type changes, else patch (`integer` → `timestamp`: both `i64`) | |
//! | type token only (`int` → `integer`) | patch | same Rust type |
//! | default value changed | patch | server behaviour, not the Rust API |
//! | value added / removed on a field typed as a generated enum | minor / major | variant added (*) / removed |
//! | value added / removed on any other field | patch | documented values only |
//! | page error code added | minor | a variant of a `#[non_exhaustive]` enum |
//! | page error code removed | **major** | the variant disappears: `match` arms and `==` comparisons naming it stop compiling (the server may still send the code; it then arrives as `Other`) |
//! | system-wide error code added / removed | patch | not in the generated crates (the runtime's `SystemError`) |
//! | error HTTP status / message / meaning changed | patch | docs only |
//! | any text (title, summary, description, field, value, error) | patch | rustdoc only |
//!
//! (*) Minor because the generated structs (params, nested objects, results,
//! payloads) and value enums are `#[non_exhaustive]`: users build params
//! with `new(…)` and setters and match value enums with a wildcard arm, so
//! a new field or variant cannot break code written against them.
use super::model::{Area, Bump, ChangeKind, ItemKind};

/// The bump of `change` made in `area` of an item of kind `item`.
pub fn classify(item: ItemKind, area: Area, change: &ChangeKind) -> Bump {
    use ChangeKind as C;
    let major_if = |breaking: bool| if breaking { Bump::Major } else { Bump::Patch };
    match change {
        // System codes live in the runtime's `SystemError`, not in the crate.
        C::ErrorAdded { .. } | C::ErrorRemoved { .. } if item == ItemKind::System => Bump::Patch,
        C::Removed => Bump::Major,
        C::Renamed {
            rust_names_kept, ..
        } => major_if(!rust_names_kept),
        C::Added => Bump::Minor,
        C::Deprecated { .. } => Bump::Minor,
        C::Undeprecated | C::ReplacementChanged { .. } => Bump::Patch,
        C::RestVersionChanged { .. } => Bump::Major,
        C::ScopesChanged {
            crate_old,
            crate_new,
            ..
        } => major_if(crate_old != crate_new),
        C::AliasRemoved { .. } | C::AliasAdded { .. } => Bump::Patch,
        C::PaginatedChanged { new, .. } => {
            if *new {
                Bump::Minor
            } else {
                Bump::Major
            }
        }
        C::PaginationNoteChanged { .. } | C::RateLimitChanged { .. } => Bump::Patch,
        C::FieldRemoved { placeholder, .. } => major_if(!placeholder),
        C::FieldRenamed { rust_name_kept, .. } => major_if(!rust_name_kept),
        C::FieldAdded {
            required,
            placeholder,
            ..
        } => {
            if *placeholder {
                Bump::Patch
            } else if area == Area::Params && *required {
                Bump::Major
            } else {
                Bump::Minor
            }
        }
        C::RequiredChanged { .. } => major_if(area == Area::Params),
        C::TypeChanged {
            rust_old, rust_new, ..
        } => major_if(rust_old != rust_new),
        C::TypeDocChanged { .. } | C::DefaultChanged { .. } => Bump::Patch,
        C::ValueAdded { enum_type, .. } => {
            if *enum_type {
                Bump::Minor
            } else {
                Bump::Patch
            }
        }
        C::ValueRemoved { enum_type, .. } => {
            if *enum_type {
                Bump::Major
            } else {
                Bump::Patch
            }
        }
        C::ErrorAdded { .. } => Bump::Minor,
        C::ErrorRemoved { .. } => Bump::Major,
        C::ErrorStatusChanged { .. } | C::DocChanged { .. } | C::ValueDocChanged { .. } => {
            Bump::Patch
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_param_added_is_major_only_in_params() {
        let added = |required, placeholder| ChangeKind::FieldAdded {
            required,
            ty: "string".into(),
            placeholder,
        };
        let m = ItemKind::Method;
        assert_eq!(classify(m, Area::Params, &added(true, false)), Bump::Major);
        assert_eq!(classify(m, Area::Params, &added(false, false)), Bump::Minor);
        assert_eq!(classify(m, Area::Params, &added(true, true)), Bump::Patch);
        assert_eq!(classify(m, Area::Result, &added(true, false)), Bump::Minor);
        assert_eq!(
            classify(ItemKind::Event, Area::Payload, &added(true, false)),
            Bump::Minor
        );
    }

    #[test]
    fn type_changes_break_only_when_the_rust_type_changes() {
        let t = |rust_old: &str, rust_new: &str| ChangeKind::TypeChanged {
            old: "integer".into(),
            new: "timestamp".into(),
            rust_old: rust_old.into(),
            rust_new: rust_new.into(),
        };
        assert_eq!(
            classify(ItemKind::Method, Area::Params, &t("i64", "i64")),
            Bump::Patch
        );
        assert_eq!(
            classify(ItemKind::Method, Area::Params, &t("i64", "String")),
            Bump::Major
        );
    }

    #[test]
    fn system_errors_are_the_runtime_s() {
        let e = ChangeKind::ErrorRemoved {
            http_status: vec![],
        };
        assert_eq!(classify(ItemKind::System, Area::Errors, &e), Bump::Patch);
        assert_eq!(classify(ItemKind::Method, Area::Errors, &e), Bump::Major);
    }

    #[test]
    fn values_matter_only_on_enums() {
        let v = |enum_type| ChangeKind::ValueRemoved {
            value: "X".into(),
            enum_type,
        };
        let m = ItemKind::Method;
        assert_eq!(classify(m, Area::Params, &v(true)), Bump::Major);
        assert_eq!(classify(m, Area::Params, &v(false)), Bump::Patch);
        let a = ChangeKind::ValueAdded {
            value: "X".into(),
            enum_type: true,
        };
        assert_eq!(classify(m, Area::Result, &a), Bump::Minor);
    }
}
