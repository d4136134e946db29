//! The result of a diff: a sorted list of [`Change`]s, each with its semver
//! impact, plus the overall [`Bump`]. Everything here serializes to the stable
//! `b24gen diff --json` layout (see the module docs of [`crate::diff`]).
use serde::{Deserialize, Serialize};
use std::fmt;

/// Version of the `--json` layout; bump on incompatible change.
pub const DIFF_SCHEMA_VERSION: u32 = 1;

/// The semver impact of a change on the generated crate. Ordered, so the
/// overall bump is the `max` of the changes' bumps.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Bump {
    /// Nothing changed.
    #[default]
    None,
    /// Docs only: the generated API is the same, its rustdoc differs.
    Patch,
    /// Additive: code that compiled against the old crate still compiles.
    Minor,
    /// Breaking: some code that compiled against the old crate may not.
    Major,
}

impl Bump {
    pub fn as_str(self) -> &'static str {
        match self {
            Bump::None => "none",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }

    /// The version after this bump, by Cargo's rules: below 1.0.0 the
    /// leftmost non-zero component is the "major" one (`0.3.1` + major =
    /// `0.4.0`, + minor = `0.3.2`). Pre-release and build suffixes are dropped.
    pub fn apply(self, version: &str) -> Result<String, VersionError> {
        let core = version.split(['-', '+']).next().unwrap_or_default().trim();
        let parts: Vec<&str> = core.split('.').collect();
        let [a, b, c] = parts.as_slice() else {
            return Err(VersionError(version.to_string()));
        };
        let num = |s: &str| {
            s.parse::<u64>()
                .map_err(|_| VersionError(version.to_string()))
        };
        let (mut x, mut y, mut z) = (num(a)?, num(b)?, num(c)?);
        // Below 1.0.0 Cargo treats the leftmost non-zero component as major.
        let level = match (self, x, y) {
            (Bump::None, ..) => return Ok(format!("{x}.{y}.{z}")),
            (_, 0, 0) => 2,
            (Bump::Major, 0, _) => 1,
            (Bump::Minor | Bump::Patch, 0, _) => 2,
            (Bump::Major, ..) => 0,
            (Bump::Minor, ..) => 1,
            (Bump::Patch, ..) => 2,
        };
        match level {
            0 => (x, y, z) = (x + 1, 0, 0),
            1 => (y, z) = (y + 1, 0),
            _ => z += 1,
        }
        Ok(format!("{x}.{y}.{z}"))
    }
}

impl fmt::Display for Bump {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A version string that is not `MAJOR.MINOR.PATCH`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a MAJOR.MINOR.PATCH version: {0:?}")]
pub struct VersionError(pub String);

/// Everything that changed between two IRs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Changes {
    /// [`DIFF_SCHEMA_VERSION`].
    pub schema: u32,
    /// The bump to apply to the generated crate: the max over `changes`.
    pub bump: Bump,
    pub counts: Counts,
    pub methods: Tally,
    pub events: Tally,
    /// Sorted by scope, item kind, item, area, path, change (see [`Change::sort_key`]).
    pub changes: Vec<Change>,
}

/// How many changes of each impact.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub major: usize,
    pub minor: usize,
    pub patch: usize,
}

/// Sizes of the two sides and what was added or removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub old: usize,
    pub new: usize,
    pub added: usize,
    pub removed: usize,
}

/// What a change is attached to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemKind {
    /// The system-wide error codes every method can return.
    System,
    Method,
    Event,
}

/// Which part of a method or event a change is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Area {
    /// The method or event itself (name, scope, deprecation, texts…).
    Item,
    Params,
    Result,
    Payload,
    Errors,
}

impl Area {
    /// Singular noun for prose ("param `X`").
    pub fn noun(self) -> &'static str {
        match self {
            Area::Item => "",
            Area::Params => "param",
            Area::Result => "result field",
            Area::Payload => "payload field",
            Area::Errors => "error code",
        }
    }
}

/// Which text of the docs changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocPart {
    Title,
    Summary,
    Description,
    /// A param's / field's description.
    Field,
    /// An error code's meaning.
    Error,
    /// The `error_description` text of an error code.
    ErrorMessage,
}

/// One change. `scope` / `item_kind` / `item` say which method or event,
/// `area` + `path` where in it, `change` what happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// Permission scope(s) of the item (newest side), comma-joined;
    /// `(no scope)` when the docs give none, `(all methods)` for system errors.
    pub scope: String,
    pub item_kind: ItemKind,
    /// Method or event name (REST 3.0 methods: `name (REST 3.0)`).
    pub item: String,
    pub area: Area,
    /// Dotted path of the field inside `area` (`FIELDS.TITLE`, `items[].ID`,
    /// `[]` for the item of an array result), or the error code; empty when
    /// the change is about the area root.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub path: String,
    #[serde(flatten)]
    pub change: ChangeKind,
    pub bump: Bump,
    /// The docs' wording about what changed, from the newest side that has
    /// it (English preferred): the new description of an added or changed
    /// thing, the last one of a removed thing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// What happened. Serialized flat into [`Change`] with the tag `change`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum ChangeKind {
    /// A method or event appeared.
    Added,
    /// A method or event disappeared.
    Removed,
    /// A method or event whose name changed only in letter case; `from` is
    /// the old name. Bitrix24 matches method names case-insensitively, so
    /// the wire call is the same, but the generated Rust names follow the
    /// documented spelling.
    Renamed {
        from: String,
        /// The generated Rust names (type, module path, event variant) stay the same.
        rust_names_kept: bool,
    },
    Deprecated {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        replaced_by: Option<String>,
    },
    Undeprecated,
    /// Still deprecated, the named replacement changed.
    ReplacementChanged {
        old: Option<String>,
        new: Option<String>,
    },
    /// The same name moved between REST 2 and REST 3.0.
    RestVersionChanged {
        old: u8,
        new: u8,
    },
    ScopesChanged {
        old: Vec<String>,
        new: Vec<String>,
        /// The scope crate the method is generated into, before and after
        /// (events: empty, they all live in the events crate).
        crate_old: String,
        crate_new: String,
    },
    AliasAdded {
        alias: String,
    },
    AliasRemoved {
        alias: String,
    },
    /// The response gained or lost `total`/`next`.
    PaginatedChanged {
        old: bool,
        new: bool,
    },
    /// The front-matter `pagination:` note.
    PaginationNoteChanged {
        old: Option<String>,
        new: Option<String>,
    },
    RateLimitChanged {
        old: Option<f64>,
        new: Option<f64>,
    },
    /// A docs text changed; `text` has the new wording.
    DocChanged {
        part: DocPart,
    },
    FieldAdded {
        required: bool,
        #[serde(rename = "type")]
        ty: String,
        /// A placeholder row (`UF_CRM_...`, `<field_code>`), not a struct field.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        placeholder: bool,
    },
    FieldRemoved {
        required: bool,
        #[serde(rename = "type")]
        ty: String,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        placeholder: bool,
    },
    /// `path` is the new name; see [`crate::diff`] for when a rename is assumed.
    FieldRenamed {
        from: String,
        /// The generated field name is the same (`ID` → `id`): only the wire name changed.
        rust_name_kept: bool,
    },
    RequiredChanged {
        old: bool,
        new: bool,
    },
    /// The resolved type changed; `rust_old` / `rust_new` are the generated
    /// Rust types (`struct`, `enum`, `i64`, `Vec<String>`…), which may agree.
    TypeChanged {
        old: String,
        new: String,
        rust_old: String,
        rust_new: String,
    },
    /// Only the type token as written changed; same resolved type.
    TypeDocChanged {
        old: String,
        new: String,
    },
    DefaultChanged {
        old: Option<String>,
        new: Option<String>,
    },
    /// The meaning of one allowed value changed; `text` has the new wording.
    ValueDocChanged {
        value: String,
    },
    /// An allowed value appeared; `enum_type` when the field's generated
    /// type is an enum (a variant appears), else the values are docs only.
    ValueAdded {
        value: String,
        enum_type: bool,
    },
    ValueRemoved {
        value: String,
        enum_type: bool,
    },
    /// `path` is the code (`""` for the docs' "Empty value" errors).
    ErrorAdded {
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        http_status: Vec<u16>,
    },
    ErrorRemoved {
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        http_status: Vec<u16>,
    },
    ErrorStatusChanged {
        old: Vec<u16>,
        new: Vec<u16>,
    },
}

impl ChangeKind {
    /// Position among the kinds at the same path: what a reader wants
    /// first (existence, then shape, then docs).
    pub fn order(&self) -> u8 {
        match self {
            ChangeKind::Removed => 0,
            ChangeKind::Added => 1,
            ChangeKind::Renamed { .. } => 1,
            ChangeKind::RestVersionChanged { .. } => 2,
            ChangeKind::ScopesChanged { .. } => 3,
            ChangeKind::Deprecated { .. } => 4,
            ChangeKind::Undeprecated => 5,
            ChangeKind::ReplacementChanged { .. } => 6,
            ChangeKind::AliasRemoved { .. } => 7,
            ChangeKind::AliasAdded { .. } => 8,
            ChangeKind::PaginatedChanged { .. } => 9,
            ChangeKind::PaginationNoteChanged { .. } => 10,
            ChangeKind::RateLimitChanged { .. } => 11,
            ChangeKind::FieldRemoved { .. } => 12,
            ChangeKind::FieldRenamed { .. } => 13,
            ChangeKind::FieldAdded { .. } => 14,
            ChangeKind::ErrorRemoved { .. } => 15,
            ChangeKind::ErrorAdded { .. } => 16,
            ChangeKind::ErrorStatusChanged { .. } => 17,
            ChangeKind::RequiredChanged { .. } => 18,
            ChangeKind::TypeChanged { .. } => 19,
            ChangeKind::TypeDocChanged { .. } => 20,
            ChangeKind::DefaultChanged { .. } => 21,
            ChangeKind::ValueRemoved { .. } => 22,
            ChangeKind::ValueAdded { .. } => 23,
            ChangeKind::ValueDocChanged { .. } => 24,
            ChangeKind::DocChanged { part } => 30 + *part as u8,
        }
    }

    /// The tag as written in JSON (`field_added`…).
    pub fn tag(&self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Renamed { .. } => "renamed",
            ChangeKind::Removed => "removed",
            ChangeKind::Deprecated { .. } => "deprecated",
            ChangeKind::Undeprecated => "undeprecated",
            ChangeKind::ReplacementChanged { .. } => "replacement_changed",
            ChangeKind::RestVersionChanged { .. } => "rest_version_changed",
            ChangeKind::ScopesChanged { .. } => "scopes_changed",
            ChangeKind::AliasAdded { .. } => "alias_added",
            ChangeKind::AliasRemoved { .. } => "alias_removed",
            ChangeKind::PaginatedChanged { .. } => "paginated_changed",
            ChangeKind::PaginationNoteChanged { .. } => "pagination_note_changed",
            ChangeKind::RateLimitChanged { .. } => "rate_limit_changed",
            ChangeKind::DocChanged { .. } => "doc_changed",
            ChangeKind::FieldAdded { .. } => "field_added",
            ChangeKind::FieldRemoved { .. } => "field_removed",
            ChangeKind::FieldRenamed { .. } => "field_renamed",
            ChangeKind::RequiredChanged { .. } => "required_changed",
            ChangeKind::TypeChanged { .. } => "type_changed",
            ChangeKind::TypeDocChanged { .. } => "type_doc_changed",
            ChangeKind::DefaultChanged { .. } => "default_changed",
            ChangeKind::ValueDocChanged { .. } => "value_doc_changed",
            ChangeKind::ValueAdded { .. } => "value_added",
            ChangeKind::ValueRemoved { .. } => "value_removed",
            ChangeKind::ErrorAdded { .. } => "error_added",
            ChangeKind::ErrorRemoved { .. } => "error_removed",
            ChangeKind::ErrorStatusChanged { .. } => "error_status_changed",
        }
    }
}

impl Change {
    /// The order of `Changes::changes`. The last component (the change's
    /// JSON) only breaks ties between changes of the same kind at the same
    /// path (two values added to one enum), so the order is total.
    pub fn sort_key(&self) -> (String, ItemKind, String, Area, String, u8, String) {
        (
            self.scope.clone(),
            self.item_kind,
            self.item.clone(),
            self.area,
            self.path.clone(),
            self.change.order(),
            serde_json::to_string(&self.change).unwrap_or_default(),
        )
    }
}

impl Changes {
    /// Names of the methods that appeared (REST 3.0 ones as `name (REST 3.0)`), sorted.
    pub fn methods_added(&self) -> Vec<&str> {
        self.items_with(ItemKind::Method, |c| matches!(c, ChangeKind::Added))
    }
    /// Names of the methods that disappeared, sorted.
    pub fn methods_removed(&self) -> Vec<&str> {
        self.items_with(ItemKind::Method, |c| matches!(c, ChangeKind::Removed))
    }
    pub fn events_added(&self) -> Vec<&str> {
        self.items_with(ItemKind::Event, |c| matches!(c, ChangeKind::Added))
    }
    pub fn events_removed(&self) -> Vec<&str> {
        self.items_with(ItemKind::Event, |c| matches!(c, ChangeKind::Removed))
    }

    fn items_with(&self, kind: ItemKind, pred: impl Fn(&ChangeKind) -> bool) -> Vec<&str> {
        let mut names: Vec<&str> = self
            .changes
            .iter()
            .filter(|c| c.item_kind == kind && c.area == Area::Item && pred(&c.change))
            .map(|c| c.item.as_str())
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    }

    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}
