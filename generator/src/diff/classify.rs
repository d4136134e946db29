//! The semver impact of each change on the generated crate.
//!
//! The generated crate (issue 3) has: a module and a Cargo feature per scope;
//! per method a params struct with the required params in `new(…)` and the
//! optional ones as `Option` fields with setters; a result type with a struct
//! per documented object; a `#[non_exhaustive]` error enum of the documented
//! codes (+ system codes + `Other`); an enum per documented value set with an
//! `Unknown(String)` variant; `#[deprecated]` on deprecated items; per event
//! a payload struct and a variant in the all-events enum. Against that:
//!
//! | change | bump | why |
//! |---|---|---|
//! | method / event removed | major | its type disappears |
//! | method / event added | minor | new type, new enum variant (non-exhaustive) |
//! | method / event renamed (letter case only) | major | the wire name is the same, the generated Rust names change |
//! | deprecated | minor | adds `#[deprecated]` (Cargo's semver guide: minor) |
//! | no longer deprecated, replacement renamed | patch | warning text only |
//! | REST version changed | major | `REST_VERSION` and the endpoint change |
//! | scopes changed | major | the module path and the feature gate change |
//! | alias removed / added | major / minor | an alias is a name users can call |
//! | paginated gained or lost | major | the result type gains / loses `total`/`next` |
//! | pagination note, rate limit | patch | docs only |
//! | param removed, renamed | major | the setter or `new(…)` argument goes |
//! | required param added | major | `new(…)` gains an argument |
//! | optional param added | minor | a new setter |
//! | result / payload field added | minor | a new field read from the response |
//! | result / payload field removed, renamed | major | the field goes |
//! | required ↔ optional, either way, any area | major | `new(…)` arguments change, or `T` ↔ `Option<T>` |
//! | resolved type changed (kind, nullability, ref name, item type) | major | the Rust type changes |
//! | type token only (`int` → `integer`, same kind) | patch | same Rust type |
//! | default value changed | patch | server behaviour, not the Rust API |
//! | enum value added / removed (field of kind `enum`) | minor / major | variant added to / removed from the generated enum |
//! | value added / removed on a non-enum field | patch | documented values only, no Rust type |
//! | error code added | minor | a variant in a `#[non_exhaustive]` enum |
//! | error code removed | **major** | the variant disappears: `match` arms and `==` comparisons naming it stop compiling (the server may well still send the code; it then arrives as `Other`) |
//! | error HTTP status / message / meaning changed | patch | docs only |
//! | any text (title, summary, description, field, value, error) | patch | rustdoc only |
//!
//! System-wide error codes are compared once for the whole reference, not per
//! method, and follow the same rules.
use super::model::{Area, Bump, ChangeKind};

/// The bump of `change` made in `area`.
pub fn classify(area: Area, change: &ChangeKind) -> Bump {
    use ChangeKind as C;
    match change {
        C::Removed | C::Renamed { .. } => Bump::Major,
        C::Added => Bump::Minor,
        C::Deprecated { .. } => Bump::Minor,
        C::Undeprecated | C::ReplacementChanged { .. } => Bump::Patch,
        C::RestVersionChanged { .. } | C::ScopesChanged { .. } => Bump::Major,
        C::AliasRemoved { .. } => Bump::Major,
        C::AliasAdded { .. } => Bump::Minor,
        C::PaginatedChanged { .. } => Bump::Major,
        C::PaginationNoteChanged { .. } | C::RateLimitChanged { .. } => Bump::Patch,
        C::FieldRemoved { .. } | C::FieldRenamed { .. } => Bump::Major,
        C::FieldAdded { required, .. } => {
            if area == Area::Params && *required {
                Bump::Major
            } else {
                Bump::Minor
            }
        }
        C::RequiredChanged { .. } | C::TypeChanged { .. } => Bump::Major,
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
        let req = ChangeKind::FieldAdded {
            required: true,
            ty: "string".into(),
        };
        let opt = ChangeKind::FieldAdded {
            required: false,
            ty: "string".into(),
        };
        assert_eq!(classify(Area::Params, &req), Bump::Major);
        assert_eq!(classify(Area::Params, &opt), Bump::Minor);
        assert_eq!(classify(Area::Result, &req), Bump::Minor);
        assert_eq!(classify(Area::Payload, &req), Bump::Minor);
    }

    #[test]
    fn values_matter_only_on_enums() {
        let v = |enum_type| ChangeKind::ValueRemoved {
            value: "X".into(),
            enum_type,
        };
        assert_eq!(classify(Area::Params, &v(true)), Bump::Major);
        assert_eq!(classify(Area::Params, &v(false)), Bump::Patch);
        let a = ChangeKind::ValueAdded {
            value: "X".into(),
            enum_type: true,
        };
        assert_eq!(classify(Area::Result, &a), Bump::Minor);
    }
}
