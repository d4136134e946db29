//! User fields (`UF_CRM_…`, `UF_USR_…`) as a portal keeps them: `<entity>.userfield.add`
//! declares one (the name completed with the entity's prefix, as the `userfield.add` pages
//! say), rows of the entity carry it, `<entity>.fields` and `crm.item.fields` list it.
//!
//! `crm.item.*` names fields in camelCase. The mock follows `crm/universal/index.md` ("Field
//! Naming Conventions"): `ASSIGNED_BY_ID` → `assignedById`; a user field whose tail after
//! `UF_CRM_` and the entity number is only digits or only letters converts regularly
//! (`UF_CRM_3_1747309727` → `ufCrm3_1747309727`, `UF_CRM_3_DIGIT` → `ufCrm3Digit`), any other
//! (letters and digits mixed, or no entity number: `UF_CRM_1720019876534`) keeps its tail and
//! only the prefix becomes `ufCrm_` (`ufCrm_1720019876534`). The docs' table has no name
//! without an entity number but letters: the mock reads its rule ("follow `UF_CRM_` and the
//! object number") as needing the number, so `UF_CRM_TAGS` → `ufCrm_TAGS`.
//! `useOriginalUfNames=Y` keeps the `UF_…` names. The renamed standard fields
//! (`DATE_CREATE` → `createdTime`…) are the few in `ITEM_NAMES`.
//!
//! `crm.item.*` with `entityTypeId` 1, 2, 3, 4 or 7 reads and writes the table of
//! `crm.lead.*`, `crm.deal.*`… (when the IR has that family), as on a portal.

use serde_json::{Map, Value};

use crate::answer::ApiError;

/// An entity that has user fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Entity {
    /// Its REST 2 family (`crm.deal`); the fields' family is `<prefix>.userfield`.
    pub prefix: &'static str,
    /// `ENTITY_ID` of its fields.
    pub entity_id: &'static str,
    /// `entityTypeId` in `crm.item.*`, when it has one.
    pub type_id: Option<i64>,
    /// What every field name starts with.
    pub uf_prefix: &'static str,
}

const ENTITIES: [Entity; 8] = [
    Entity {
        prefix: "crm.lead",
        entity_id: "CRM_LEAD",
        type_id: Some(1),
        uf_prefix: "UF_CRM_",
    },
    Entity {
        prefix: "crm.deal",
        entity_id: "CRM_DEAL",
        type_id: Some(2),
        uf_prefix: "UF_CRM_",
    },
    Entity {
        prefix: "crm.contact",
        entity_id: "CRM_CONTACT",
        type_id: Some(3),
        uf_prefix: "UF_CRM_",
    },
    Entity {
        prefix: "crm.company",
        entity_id: "CRM_COMPANY",
        type_id: Some(4),
        uf_prefix: "UF_CRM_",
    },
    Entity {
        prefix: "crm.quote",
        entity_id: "CRM_QUOTE",
        type_id: Some(7),
        uf_prefix: "UF_CRM_",
    },
    Entity {
        prefix: "crm.requisite",
        entity_id: "CRM_REQUISITE",
        type_id: None,
        uf_prefix: "UF_CRM_",
    },
    Entity {
        prefix: "crm.invoice",
        entity_id: "CRM_INVOICE",
        type_id: None,
        uf_prefix: "UF_CRM_",
    },
    Entity {
        prefix: "user",
        entity_id: "USER",
        type_id: None,
        uf_prefix: "UF_USR_",
    },
];

/// The entity whose family is `prefix` (`crm.deal`).
pub(crate) fn entity(prefix: &str) -> Option<Entity> {
    ENTITIES.into_iter().find(|e| e.prefix == prefix)
}

/// The entity whose fields' family is `prefix` (`crm.deal.userfield`).
pub(crate) fn of_userfields(prefix: &str) -> Option<Entity> {
    entity(prefix.strip_suffix(".userfield")?)
}

/// The entity of a `crm.item` `entityTypeId`.
pub(crate) fn of_type(type_id: i64) -> Option<Entity> {
    ENTITIES.into_iter().find(|e| e.type_id == Some(type_id))
}

/// One declared field, as the rows use it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Declared {
    pub name: String,
    pub multiple: bool,
    /// The `userfield.list` row.
    pub row: Map<String, Value>,
}

impl Declared {
    pub fn of(row: &Map<String, Value>) -> Option<Declared> {
        let name = row.get("FIELD_NAME")?.as_str()?.to_owned();
        Some(Declared {
            name,
            multiple: yes(row.get("MULTIPLE")),
            row: row.clone(),
        })
    }

    /// The value a row has before one is set.
    pub fn empty(&self) -> Value {
        if self.multiple {
            Value::Array(Vec::new())
        } else {
            Value::Null
        }
    }

    /// Its entry in `<entity>.fields` (`crm.item.fields` adds `upperName`).
    pub fn describe(&self, item: bool) -> Value {
        let mut d = Map::new();
        let get = |k: &str| self.row.get(k).cloned().unwrap_or(Value::Null);
        d.insert("type".into(), get("USER_TYPE_ID"));
        d.insert(
            "isRequired".into(),
            Value::Bool(yes(self.row.get("MANDATORY"))),
        );
        d.insert("isReadOnly".into(), Value::Bool(false));
        d.insert("isImmutable".into(), Value::Bool(false));
        d.insert("isMultiple".into(), Value::Bool(self.multiple));
        d.insert("isDynamic".into(), Value::Bool(true));
        d.insert("title".into(), self.name.clone().into());
        d.insert("listLabel".into(), get("LIST_COLUMN_LABEL"));
        d.insert("formLabel".into(), get("EDIT_FORM_LABEL"));
        d.insert("filterLabel".into(), get("LIST_FILTER_LABEL"));
        if let Some(s) = self.row.get("SETTINGS") {
            d.insert("settings".into(), s.clone());
        }
        if let Some(Value::Array(list)) = self.row.get("LIST") {
            d.insert("items".into(), Value::Array(list.clone()));
        }
        if item {
            d.insert("upperName".into(), self.name.clone().into());
        }
        Value::Object(d)
    }
}

fn yes(v: Option<&Value>) -> bool {
    match v {
        Some(Value::String(s)) => s.eq_ignore_ascii_case("Y"),
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_i64() == Some(1),
        _ => false,
    }
}

/// `MANAGER_NOTE`, `UF_MANAGER_NOTE`, `UF_CRM_MANAGER_NOTE` → `UF_CRM_MANAGER_NOTE` (upper-cased,
/// at most 50 characters of `A-Z`, `0-9`, `_`), as the `userfield.add` pages describe.
pub(crate) fn full_name(e: Entity, name: &str) -> Result<String, ApiError> {
    let name = name.trim().to_ascii_uppercase();
    if name.is_empty() {
        return Err(ApiError::v2(
            400,
            "",
            "The 'FIELD_NAME' field is not found.",
        ));
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
    {
        return Err(ApiError::v2(
            400,
            "ERROR_CORE",
            "Field name contains invalid characters. Allowed characters are: A-Z, 0-9 and _.",
        ));
    }
    let full = if name.starts_with(e.uf_prefix) {
        name
    } else if let Some(rest) = name.strip_prefix("UF_") {
        format!("{}{rest}", e.uf_prefix)
    } else {
        format!("{}{name}", e.uf_prefix)
    };
    if full.len() > 50 {
        return Err(ApiError::v2(
            400,
            "ERROR_CORE",
            "Field name is too long (more than 50 characters).",
        ));
    }
    Ok(full)
}

/// The `fields` of a `userfield.add` completed as the portal stores them: the full name, the
/// entity, defaults, labels from `LABEL`, ids for the items of a `LIST`.
pub(crate) fn new_field(
    e: Entity,
    mut fields: Map<String, Value>,
    existing: &[Declared],
) -> Result<Map<String, Value>, ApiError> {
    let text = |v: Option<&Value>| match v {
        Some(Value::String(s)) => s.clone(),
        _ => String::new(),
    };
    let name = full_name(e, &text(fields.get("FIELD_NAME")))?;
    if text(fields.get("USER_TYPE_ID")).trim().is_empty() {
        return Err(ApiError::v2(
            400,
            "",
            "The 'USER_TYPE_ID' field is not found.",
        ));
    }
    if existing.iter().any(|d| d.name == name) {
        return Err(ApiError::v2(
            400,
            "ERROR_CORE",
            format!(
                "The field {name} for the {} object already exists.",
                e.entity_id
            ),
        ));
    }
    fields.insert("FIELD_NAME".into(), name.into());
    fields.insert("ENTITY_ID".into(), e.entity_id.into());
    for (k, v) in [
        ("XML_ID", Value::Null),
        ("SORT", "100".into()),
        ("MULTIPLE", "N".into()),
        ("MANDATORY", "N".into()),
        ("SHOW_FILTER", "N".into()),
        ("SHOW_IN_LIST", "Y".into()),
        ("EDIT_IN_LIST", "Y".into()),
        ("IS_SEARCHABLE", "N".into()),
    ] {
        fields.entry(k).or_insert(v);
    }
    if let Some(label) = fields.remove("LABEL") {
        for k in ["EDIT_FORM_LABEL", "LIST_COLUMN_LABEL", "LIST_FILTER_LABEL"] {
            fields.entry(k).or_insert_with(|| label.clone());
        }
    }
    if let Some(Value::Array(list)) = fields.get_mut("LIST") {
        for (i, item) in list.iter_mut().enumerate() {
            if let Value::Object(o) = item {
                o.entry("ID").or_insert_with(|| (i + 1).to_string().into());
            }
        }
    }
    Ok(fields)
}

/// Fields an `update` of a user field cannot change.
pub(crate) fn immutable(k: &str) -> bool {
    ["FIELD_NAME", "ENTITY_ID", "USER_TYPE_ID", "MULTIPLE"]
        .iter()
        .any(|f| f.eq_ignore_ascii_case(k))
}

/// crm.item names of fields whose `crm.<entity>` name is not its camelCase.
const ITEM_NAMES: [(&str, &str); 5] = [
    ("DATE_CREATE", "createdTime"),
    ("DATE_MODIFY", "updatedTime"),
    ("CREATED_BY_ID", "createdBy"),
    ("MODIFY_BY_ID", "updatedBy"),
    ("MOVED_BY_ID", "movedBy"),
];

/// A `crm.<entity>` field name as `crm.item` writes it.
pub(crate) fn camel(name: &str, original_uf: bool) -> String {
    if let Some((_, c)) = ITEM_NAMES.iter().find(|(u, _)| *u == name) {
        return (*c).to_owned();
    }
    if let Some(tail) = name.strip_prefix("UF_CRM_") {
        if original_uf {
            return name.to_owned();
        }
        return uf_camel(tail);
    }
    if name.starts_with("UF_") && original_uf {
        return name.to_owned();
    }
    let mut out = String::new();
    for (i, part) in name.split('_').filter(|p| !p.is_empty()).enumerate() {
        let lower = part.to_ascii_lowercase();
        if i == 0 {
            out.push_str(&lower);
        } else {
            let mut c = lower.chars();
            if let Some(f) = c.next() {
                out.push(f.to_ascii_uppercase());
                out.push_str(c.as_str());
            }
        }
    }
    out
}

/// The tail after `UF_CRM_`: `3_1747309727` → `ufCrm3_1747309727`, `3_DIGIT` → `ufCrm3Digit`,
/// anything else → `ufCrm_` + the tail unchanged.
fn uf_camel(tail: &str) -> String {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let letters = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_uppercase());
    if let Some((num, rest)) = tail.split_once('_').filter(|(n, _)| digits(n)) {
        let parts: Vec<&str> = rest.split('_').collect();
        if parts.iter().all(|p| digits(p)) {
            return format!("ufCrm{num}_{}", parts.join("_"));
        }
        if parts.iter().all(|p| letters(p)) {
            let mut out = format!("ufCrm{num}");
            for p in parts {
                out.push_str(&p[..1]);
                out.push_str(&p[1..].to_ascii_lowercase());
            }
            return out;
        }
    }
    format!("ufCrm_{tail}")
}

/// A `crm.item` field name as `crm.<entity>` writes it: a declared user field by its
/// camelCase, the known renames, then `camelCase` → `CAMEL_CASE`.
pub(crate) fn upper(name: &str, declared: &[Declared]) -> String {
    if let Some(d) = declared
        .iter()
        .find(|d| d.name == name || camel(&d.name, false) == name)
    {
        return d.name.clone();
    }
    if let Some((u, _)) = ITEM_NAMES.iter().find(|(_, c)| *c == name) {
        return (*u).to_owned();
    }
    if let Some(tail) = name.strip_prefix("ufCrm_") {
        return format!("UF_CRM_{tail}");
    }
    if name.starts_with("UF_") || name == "*" {
        return name.to_owned();
    }
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_convert_as_the_crm_item_docs_say() {
        // The table of `crm/universal/index.md`.
        for (up, cc) in [
            ("UF_CRM_3_DIGIT", "ufCrm3Digit"),
            ("UF_CRM_3_1747309727", "ufCrm3_1747309727"),
            ("UF_CRM_3_DIGIT10", "ufCrm_3_DIGIT10"),
            ("UF_CRM_3_DIGIT_10", "ufCrm_3_DIGIT_10"),
            ("UF_CRM_1747309879", "ufCrm_1747309879"),
            ("UF_CRM_10_5186744711", "ufCrm10_5186744711"),
            ("ASSIGNED_BY_ID", "assignedById"),
            ("DATE_CREATE", "createdTime"),
        ] {
            assert_eq!(camel(up, false), cc, "{up}");
        }
        assert_eq!(camel("UF_CRM_3_DIGIT", true), "UF_CRM_3_DIGIT");
        assert_eq!(upper("assignedById", &[]), "ASSIGNED_BY_ID");
        assert_eq!(upper("ufCrm_1747309879", &[]), "UF_CRM_1747309879");
        assert_eq!(upper("createdTime", &[]), "DATE_CREATE");
        let d = Declared {
            name: "UF_CRM_3_DIGIT".into(),
            multiple: false,
            row: Map::new(),
        };
        assert_eq!(upper("ufCrm3Digit", &[d]), "UF_CRM_3_DIGIT");
    }

    #[test]
    fn field_names_get_the_entity_prefix() {
        let deal = entity("crm.deal").expect("deal");
        for (given, full) in [
            ("manager_note", "UF_CRM_MANAGER_NOTE"),
            ("UF_MANAGER_NOTE", "UF_CRM_MANAGER_NOTE"),
            ("UF_CRM_MANAGER_NOTE", "UF_CRM_MANAGER_NOTE"),
        ] {
            assert_eq!(full_name(deal, given).ok().as_deref(), Some(full));
        }
        assert!(full_name(deal, "bad-name").is_err());
        assert!(full_name(deal, &"X".repeat(44)).is_err());
        let user = entity("user").expect("user");
        assert_eq!(
            full_name(user, "DEALS").ok().as_deref(),
            Some("UF_USR_DEALS")
        );
    }
}
