//! The language-neutral method IR of b24gen (crate `b24-ir`).
//!
//! This is the contract between the doc readers (`source` → `yfm` → `page` →
//! `extract` → `merge`) and everything downstream (`rust`, `emit`, `diff`,
//! `report`). It carries no Rust naming: identifiers are the wire names the
//! docs use. All collections are ordered (`Vec` in document order, or sorted
//! where noted), so serializing an [`Ir`] is byte-identical across runs.
//!
//! # JSON schema (what `b24gen ir` writes)
//!
//! ```text
//! {
//!   "schema": 1,
//!   "methods": [Method],        // sorted by name
//!   "events": [Event],          // sorted by name
//!   "diagnostics": [Diagnostic] // sorted by page, line, message
//! }
//! Method = { name, scopes[], rest_version (2|3), deprecated, replaced_by?, aliases[],
//!            rate_limit_per_sec?, pagination?, title{en?,ru?}, summary{en?,ru?},
//!            description{en?,ru?}, sources[], params[Field], result Type?, paginated,
//!            errors[ErrorCode], examples{requests[], responses[], errors[]} }
//! Event  = { name, scopes[], deprecated, title, summary, sources[], payload[Field],
//!            examples[] }
//! Field  = { name, required, type Type, default?, values[EnumValue], deprecated, doc{en?,ru?},
//!            from_example, literal (both only when true: the key is only in a request example;
//!            a placeholder-looking name an example sends as is) }
//! Type   = { doc: "token as written", kind: "string"|"integer"|…, nullable,
//!            fields[] (kind=object), item Type (kind=array), name (kind=ref),
//!            variants[] (kind=union), link? (the page#anchor defining it, when another page) }
//! ErrorCode = { code ("" for "Empty value" rows), http_status?, message?, doc{en?,ru?}, system }
//! Example   = { page, lang, source ("curl"|"js"|"php"|"response"|…), json, cleaned, line? }
//! Diagnostic = { page, line?, severity, message }
//! ```
use serde::{Deserialize, Serialize};

/// Version of the IR JSON layout; bump on incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// The whole reference, read and merged.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Ir {
    pub schema: u32,
    /// Methods sorted by name.
    pub methods: Vec<Method>,
    /// Events sorted by name.
    pub events: Vec<Event>,
    /// Everything the readers could not take in, sorted by page, line, message.
    pub diagnostics: Vec<Diagnostic>,
}

/// A language of the docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    En,
    Ru,
}

impl Lang {
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ru => "ru",
        }
    }
}

/// Text in both languages (either may be missing).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Text {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ru: Option<String>,
}

impl Text {
    pub fn new(lang: Lang, text: impl Into<String>) -> Self {
        let mut t = Text::default();
        t.set(lang, text.into());
        t
    }
    pub fn get(&self, lang: Lang) -> Option<&str> {
        match lang {
            Lang::En => self.en.as_deref(),
            Lang::Ru => self.ru.as_deref(),
        }
    }
    /// The text in `lang`, else in the other language.
    pub fn prefer(&self, lang: Lang) -> Option<&str> {
        self.get(lang).or(match lang {
            Lang::En => self.ru.as_deref(),
            Lang::Ru => self.en.as_deref(),
        })
    }
    pub fn set(&mut self, lang: Lang, text: String) {
        let slot = match lang {
            Lang::En => &mut self.en,
            Lang::Ru => &mut self.ru,
        };
        *slot = if text.is_empty() { None } else { Some(text) };
    }
    /// Fill the languages missing here from `other`.
    pub fn fill_from(&mut self, other: &Text) {
        if self.en.is_none() {
            self.en.clone_from(&other.en);
        }
        if self.ru.is_none() {
            self.ru.clone_from(&other.ru);
        }
    }
    pub fn is_empty(&self) -> bool {
        self.en.is_none() && self.ru.is_none()
    }
}

/// One REST method.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Method {
    /// Wire name, e.g. `crm.deal.add`.
    pub name: String,
    /// Permission scopes (`crm`, `im`…), sorted, deduplicated; `basic` for RU `базовый`.
    pub scopes: Vec<String>,
    /// 2, or 3 for REST 3.0 (`/rest/api/`) methods.
    pub rest_version: u8,
    pub deprecated: bool,
    /// The method the deprecation note points to, when it names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaced_by: Option<String>,
    pub aliases: Vec<String>,
    /// From front-matter only (the pages never state it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit_per_sec: Option<f64>,
    /// From front-matter (`pagination:`), verbatim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pagination: Option<String>,
    /// Page title (H1) without the method name.
    pub title: Text,
    /// First paragraph of the page body.
    pub summary: Text,
    /// The rest of the introduction, up to the first section.
    pub description: Text,
    /// Relative page paths, prefixed by language: `en:crm/deals/crm-deal-add.md`.
    pub sources: Vec<String>,
    pub params: Vec<Field>,
    /// Alternatives among the params: a call passes one of the sets of each entry. Read from
    /// a note ("At least one of the parameters must be specified: `IBLOCK_ID` or
    /// `IBLOCK_CODE`": sets `[["IBLOCK_ID"], ["IBLOCK_CODE"]]`) or from a parameter section of
    /// call variants, one table each ("There are three ways to call the method": the params
    /// each variant requires beyond the common ones). The params named are optional in
    /// `params`. Empty when the docs give none; IR files from before the field read as empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub one_of: Vec<OneOf>,
    /// The type of `result` in the response; `None` when the docs say nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<Type>,
    /// The response carries `total` (and maybe `next`): a paginated list.
    pub paginated: bool,
    /// Page codes first (document order), then the system-wide ones.
    pub errors: Vec<ErrorCode>,
    pub examples: Examples,
}

/// Parameter sets of which a call passes one (see [`Method::one_of`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OneOf {
    /// Each set: the wire names of the params that alternative requires.
    pub sets: Vec<Vec<String>>,
}

/// One event a handler can receive.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// As written in the docs, e.g. `onCrmDealAdd`, `CATALOG.PRICE.ON.ADD`.
    pub name: String,
    pub scopes: Vec<String>,
    pub deprecated: bool,
    pub title: Text,
    pub summary: Text,
    pub sources: Vec<String>,
    /// Fields of the POSTed payload (`event`, `data`, `ts`, `auth`…).
    pub payload: Vec<Field>,
    pub examples: Vec<Example>,
}

/// A parameter, a result field or a payload field.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Field {
    /// Wire name verbatim, placeholders kept (`UF_CRM_...`, `<field_code>`).
    pub name: String,
    pub required: bool,
    #[serde(rename = "type")]
    pub ty: Type,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// Documented allowed values (for any kind; for strings the kind is `enum`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<EnumValue>,
    pub deprecated: bool,
    pub doc: Text,
    /// Not in the page's table: a request example sends it (see `refine::requests`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub from_example: bool,
    /// The name is a literal key although it reads as a placeholder (`gpsN`, like `propertyN`):
    /// a request example sends it as is.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub literal: bool,
    /// The values an older layout's Example column gives (`chat29`, `256`, `'Y'`), as written;
    /// `refine` settles an `unknown` type from them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub samples: Vec<String>,
}

/// One allowed value and what it means.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnumValue {
    pub value: String,
    pub doc: Text,
}

/// A type: the token as the docs write it plus what it resolves to.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Type {
    /// As written, e.g. `crm_status`, `integer[]`, `string | null`; empty when absent.
    pub doc: String,
    #[serde(flatten)]
    pub kind: Kind,
    /// `null` was one of the alternatives.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub nullable: bool,
    /// Where the docs define this type when another page does (`crm/deals/crm-deal-get.md#deal`,
    /// `crm/universal/object-fields.md`): the link of its type cell, relative to the reference's
    /// root. The fields read there are already in `kind`; the link names the shared definition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

/// What a type resolves to.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Kind {
    String,
    Integer,
    Double,
    Boolean,
    /// `char` holding `Y`/`N`.
    YesNo,
    Date,
    Datetime,
    Timestamp,
    File,
    /// A closed set of string values; the values are on the [`Field`].
    Enum,
    Object {
        #[serde(default)]
        fields: Vec<Field>,
    },
    Array {
        item: Box<Type>,
    },
    /// A named type of the docs' vocabulary (`user`, `crm_status`, `catalog_product.id`).
    Ref {
        name: String,
    },
    Union {
        variants: Vec<Type>,
    },
    #[default]
    Any,
}

impl Kind {
    pub fn name(&self) -> &'static str {
        match self {
            Kind::String => "string",
            Kind::Integer => "integer",
            Kind::Double => "double",
            Kind::Boolean => "boolean",
            Kind::YesNo => "yes_no",
            Kind::Date => "date",
            Kind::Datetime => "datetime",
            Kind::Timestamp => "timestamp",
            Kind::File => "file",
            Kind::Enum => "enum",
            Kind::Object { .. } => "object",
            Kind::Array { .. } => "array",
            Kind::Ref { .. } => "ref",
            Kind::Union { .. } => "union",
            Kind::Any => "any",
        }
    }
}

impl Kind {
    /// One plain value: no nested fields, no items, no named vocabulary type.
    pub fn is_scalar(&self) -> bool {
        matches!(
            self,
            Kind::String
                | Kind::Integer
                | Kind::Double
                | Kind::Boolean
                | Kind::YesNo
                | Kind::Date
                | Kind::Datetime
                | Kind::Timestamp
                | Kind::Enum
        )
    }
}

impl Type {
    pub fn new(doc: impl Into<String>, kind: Kind) -> Self {
        Type {
            doc: doc.into(),
            kind,
            nullable: false,
            link: None,
        }
    }
    /// Nested fields when this is an object (or an array of objects).
    pub fn fields(&self) -> Option<&[Field]> {
        match &self.kind {
            Kind::Object { fields } => Some(fields),
            Kind::Array { item } => item.fields(),
            _ => None,
        }
    }
}

/// One documented error.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorCode {
    /// `ACCESS_DENIED`, `100`…; empty for the docs' "Empty value" rows.
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    /// The `error_description` text the API sends, when the page gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// What the error means.
    pub doc: Text,
    /// From `_includes/system-errors.md` (any method can return it).
    pub system: bool,
}

/// JSON examples of one method.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Examples {
    pub requests: Vec<Example>,
    pub responses: Vec<Example>,
    pub errors: Vec<Example>,
}

/// One JSON example taken from a page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Example {
    /// `en:crm/deals/crm-deal-add.md`.
    pub page: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// Where it came from: `curl`, `js`, `php`, `response`, `error`, `payload`.
    pub source: String,
    /// The parsed value.
    pub json: serde_json::Value,
    /// It parsed only after the tolerant clean-up (comments, `...`, trailing commas…).
    pub cleaned: bool,
}

/// Something a reader could not take in.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Diagnostic {
    /// `en:crm/deals/crm-deal-add.md` or a plain path for docs-src pages.
    pub page: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    pub severity: Severity,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The page (or part of it) was left out of the IR.
    Error,
    /// Taken in, but something was guessed or dropped.
    Warning,
    /// Worth knowing (e.g. EN/RU disagreement).
    Info,
}
