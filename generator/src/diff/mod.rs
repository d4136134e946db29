//! `b24gen diff`: what changed between two versions of the reference, and
//! what it breaks for users of the generated crate.
//!
//! [`diff`] compares two [`Ir`](crate::ir::Ir)s into [`Changes`]: a sorted
//! list of [`Change`]s, each classified major / minor / patch by its effect
//! on the generated Rust API (the table is in [`classify`]; what the emitter
//! makes of a documented type, name or scope is asked of [`rust_api`]), and the overall
//! [`Bump`] (the max). [`render_text`] writes it as a changelog grouped by
//! scope; [`changelog_section`] as a `CHANGELOG.md` section for the crate,
//! which [`update_changelog`] puts into the file.
//!
//! # What is compared
//!
//! * Methods by (name, REST version): the same name may exist in REST 2 and
//!   REST 3.0. What is left unpaired is paired in two more passes, each only
//!   where the key is unique among the leftovers of both sides: by (name
//!   without letter case, version) — Bitrix24 matches method names
//!   case-insensitively, so `disk.file.copyto` → `disk.file.copyTo` is one
//!   method, reported `renamed` (major: the generated Rust names follow the
//!   spelling) — then by name without letter case alone: a method that moved
//!   between REST 2 and REST 3.0 (`rest_version_changed`). The rest are
//!   `added` / `removed`. Events pair the same way by name, then by name
//!   without letter case.
//! * Per method: scopes, deprecation (+ named replacement), aliases,
//!   `paginated`, front-matter pagination note and rate limit, title /
//!   summary / description, params, the result type, the page's own error
//!   codes. Examples and source paths are not compared (they are not API).
//! * Events by name: scopes, deprecation, title / summary, payload fields.
//! * Fields (params, result fields, payload fields, nested to any depth):
//!   required, deprecated, default, description, resolved type, allowed
//!   values. Nested paths are dotted (`FIELDS.TITLE`); the item of an array
//!   adds `[]` (`items[].ID`, `[]` for an array result's item).
//! * Types by their resolved shape ([`type_label`]: kind, ref name, item
//!   type, union variants, nullability). Equal shapes of objects are compared
//!   field by field; a different shape is one `type_changed` (no recursion).
//!   A change of the written token alone (`int` → `integer`) is
//!   `type_doc_changed`.
//! * Error codes by code, page codes per method. The system-wide codes
//!   (`system: true`, the same on every method) are compared once, under the
//!   scope `(all methods)`, so a change there is one line, not 1,600.
//! * Texts compare with whitespace collapsed, EN and RU both: a change in
//!   either language is a `doc_changed`. The `text` of a change is the newest
//!   wording (English preferred).
//!
//! # Renames
//!
//! A field is reported renamed (`field_renamed`, with `path` = new name and
//! `from` = old) only when the evidence is clear: in one field list (the
//! params of one method, or the nested fields of one object) exactly one
//! field disappeared and exactly one appeared, both have the same resolved
//! type, and the same description (whitespace-collapsed) in every language
//! either side has, with at least one language. Otherwise it is a removal and
//! an addition. Any other difference of the renamed pair (required, type
//! token, values…) is reported on the new name. Methods, events and error
//! codes are never paired as renames.
//!
//! # `--json` layout (schema 1)
//!
//! ```text
//! { "schema": 1, "bump": "none"|"patch"|"minor"|"major",
//!   "counts": {major, minor, patch},
//!   "methods": {old, new, added, removed}, "events": {old, new, added, removed},
//!   "changes": [ { scope, item_kind: "system"|"method"|"event", item,
//!                  area: "item"|"params"|"result"|"payload"|"errors", path?,
//!                  change: "<tag>", …the tag's own keys…, bump, text? } ] }
//! ```
//!
//! Tags and their keys: `added`, `removed`, `renamed {from, rust_names_kept}`, `deprecated {replaced_by?}`,
//! `undeprecated`, `replacement_changed {old, new}`, `rest_version_changed
//! {old, new}`, `scopes_changed {old, new, crate_old,
//! crate_new}`, `alias_added {alias}`,
//! `alias_removed {alias}`, `paginated_changed {old, new}`,
//! `pagination_note_changed {old, new}`, `rate_limit_changed {old, new}`,
//! `doc_changed {part: title|summary|description|field|error|error_message}`,
//! `field_added {required, type, placeholder?}`, `field_removed {required,
//! type, placeholder?}`, `field_renamed {from, rust_name_kept}`,
//! `required_changed {old, new}`, `type_changed {old, new, rust_old,
//! rust_new}`, `type_doc_changed {old, new}`, `default_changed {old, new}`,
//! `value_doc_changed {value}`, `value_added {value, enum_type}`,
//! `value_removed {value, enum_type}`, `error_added {http_status?}`,
//! `error_removed {http_status?}`, `error_status_changed {old, new}`.
//! `changes` is sorted by scope, item kind, item, area, path, tag order; the
//! output of the same inputs is byte-identical.
mod changelog;
pub mod classify;
mod cli;
mod compare;
mod input;
mod model;
mod render;
pub mod rust_api;

pub use changelog::{write_changelog, ChangelogError, UNRELEASED};
pub use cli::{compare_sides, run, DiffArgs, DiffCliError};
pub use compare::{diff, type_label, ALL_METHODS, NO_SCOPE};
pub use input::{load_side, LoadError};
pub use model::{
    Area, Bump, Change, ChangeKind, Changes, Counts, DocPart, ItemKind, Tally, VersionError,
    DIFF_SCHEMA_VERSION,
};
pub use render::{brief, changelog_section, render_text, update_changelog};

/// `--json` output: pretty JSON with a final newline.
pub fn render_json(changes: &Changes) -> Result<String, serde_json::Error> {
    let mut s = serde_json::to_string_pretty(changes)?;
    s.push('\n');
    Ok(s)
}
