//! Parameter / field tables → IR [`Field`]s, with nested fields from linked
//! sub-tables, name-linked headings and dotted names.

use super::text;
use super::types::{combine, tokens};
use super::Stats;
use crate::ir::{Field, Kind, Lang, Text, Type};
use crate::page::Page;
use crate::yfm::{Block, Table};
use regex::Regex;
use std::sync::LazyLock;

/// Where each piece of a parameter table's rows is.
#[derive(Debug, Clone, Copy)]
pub struct Columns {
    pub name: usize,
    pub ty: Option<usize>,
    pub desc: Option<usize>,
    pub default: Option<usize>,
    /// The Example column of older layouts (`Parameter | Example | Description | Revision`).
    pub example: Option<usize>,
}

const NAME_LABELS: &[&str] = &[
    "name",
    "parameter",
    "field",
    "value",
    "key",
    "title",
    "название",
    "параметр",
    "поле",
    "значение",
    "ключ",
];

/// The columns of a parameter/field table, or `None` for other tables.
pub fn columns(table: &Table) -> Option<Columns> {
    let Some(header) = &table.header else {
        // Headerless: data rows that start with a bold name.
        let first = table.rows.first()?;
        return first.cells[0].starts_with("**").then_some(Columns {
            name: 0,
            ty: None,
            desc: (first.cells.len() > 1).then_some(1),
            default: None,
            example: None,
        });
    };
    if !NAME_LABELS.contains(&crate::yfm::header_label(&header[0]).as_str()) {
        return None;
    }
    let find = |names: &[&str]| {
        header
            .iter()
            .enumerate()
            .skip(1)
            .find(|(_, h)| names.contains(&crate::yfm::header_label(h).as_str()))
            .map(|(i, _)| i)
    };
    let example = find(&["example", "пример"]);
    let desc = find(&["description", "описание"])
        .or((header.len() > 1).then_some(1))
        .filter(|d| Some(*d) != example);
    let ty = find(&["type", "тип"]);
    // A "Method | Description" or "Code | …" list is not a field table.
    let ty = ty.or_else(|| header[0].contains('`').then_some(0).map(|_| usize::MAX));
    Some(Columns {
        name: 0,
        ty: ty.filter(|t| *t != usize::MAX),
        desc,
        default: find(&[
            "default",
            "default value",
            "по умолчанию",
            "значение по умолчанию",
        ]),
        example,
    })
}

/// A parsed name cell.
#[derive(Debug, Clone, PartialEq)]
pub struct NameCell {
    pub name: String,
    pub required: bool,
    /// The rest of the cell (the type, when there is no type column).
    pub rest: String,
}

/// `**name***`, `**name**^*^`, `**NAME^*^**`, `**name****`, `` `name` ``…
pub fn name_cell(cell: &str) -> Option<NameCell> {
    let s = cell.trim().trim_start_matches("- ");
    let (mut name, mut rest) = if let Some(after) = s.strip_prefix("**") {
        let close = after.get(1..)?.find("**")? + 1;
        (after[..close].to_string(), after[close + 2..].to_string())
    } else if let Some(after) = s.strip_prefix('`') {
        let close = after.find('`')?;
        (after[..close].to_string(), after[close + 1..].to_string())
    } else {
        let line = s.lines().next().unwrap_or("");
        let end = line.find('[').unwrap_or(line.len());
        (line[..end].trim().to_string(), s[end..].to_string())
    };
    // `**DYNAMIC_***`: a wildcard, not a required marker.
    if name.ends_with('_') && rest.starts_with('*') && !rest.starts_with("**") {
        name.push('*');
        rest.remove(0);
    }
    let mut required = false;
    if name.contains("^*^") {
        name = name.replace("^*^", "");
        required = true;
    }
    let r = rest.trim_start();
    if r.starts_with("^*^") || (r.starts_with('*') && !r.starts_with("**")) || r.starts_with("***")
    {
        required = true;
    }
    let rest = rest
        .trim_start_matches(['*', '^', ','])
        .trim_start()
        .to_string();
    let mut name = name.replace('\\', "").trim().to_string();
    if let Some(p) = name.find(" (") {
        if name.ends_with(')') && !name[..p].contains(' ') {
            name.truncate(p); // `LANGUAGE_ID (LANG)`
        }
    }
    (!name.is_empty()).then_some(NameCell {
        name,
        required,
        rest,
    })
}

static ANCHOR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\]\((#[^)\s]+)\)").expect("static regex"));
/// A link to another page (`](crm-deal-get.md#deal)`, `](./object-fields.md)`).
static PAGE_LINK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\]\(([^)#\s:]+\.md)(#[^)\s]+)?\)").expect("static regex"));

/// A member of a named type (`catalog_product.id`, `crm_currency.CURRENCY`, lists of them): a
/// scalar, whatever its link points to.
fn member_ref(ty: &Type) -> bool {
    match &ty.kind {
        Kind::Ref { name } => name.contains('.'),
        Kind::Array { item } => member_ref(item),
        _ => false,
    }
}

/// The page (and anchor) a type cell links to, relative to the reference's root, when the
/// type is one another page may define: a named type (`deal`, `item`, `crm_multifield`) or an
/// object without fields. Links of scalar types (`[integer](../../data-types.md)`) say nothing.
///
/// A type cell linking only to the generic types page (`[object](../data-types.md)`) may name
/// the definition in its description instead: "[Description of task fields](./fields-rest-v3.md)"
/// (a page of fields; whether it is a method page is settled when the link is followed).
fn definition_link(page_rel: &str, type_md: &str, desc_md: &str, ty: &Type) -> Option<String> {
    let wants = match &ty.kind {
        Kind::Ref { .. } => true,
        Kind::Array { item } => matches!(item.kind, Kind::Ref { .. }) || wants_fields(ty),
        _ => wants_fields(ty),
    };
    if !wants {
        return None;
    }
    let from_type = PAGE_LINK
        .captures(type_md)
        .and_then(|c| resolve_link(page_rel, &c));
    let generic = from_type
        .as_deref()
        .is_none_or(|l| l.ends_with("data-types.md"));
    if !generic || matches!(ty.kind, Kind::Ref { .. }) {
        return from_type;
    }
    PAGE_LINK
        .captures_iter(desc_md)
        .filter(|c| {
            c[1].rsplit('/')
                .next()
                .is_some_and(|f| f.contains("fields"))
        })
        .find_map(|c| resolve_link(page_rel, &c))
        .or(from_type)
}

/// `page#anchor` of a link capture, relative to the reference's root.
fn resolve_link(page_rel: &str, caps: &regex::Captures<'_>) -> Option<String> {
    let dir = page_rel.rsplit_once('/').map_or("", |(d, _)| d);
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for seg in caps[1].split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                // A link above the reference's root names nothing we read.
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let anchor = caps.get(2).map_or("", |m| m.as_str());
    Some(format!("{}{anchor}", parts.join("/")))
}

/// Reads field tables of one page, following links.
pub struct FieldReader<'a> {
    pub page: &'a Page,
    pub stats: &'a mut Stats,
    visited: Vec<usize>,
}

impl<'a> FieldReader<'a> {
    pub fn new(page: &'a Page, stats: &'a mut Stats) -> Self {
        FieldReader {
            page,
            stats,
            visited: Vec::new(),
        }
    }

    fn lang(&self) -> Lang {
        self.page.lang
    }

    /// Fields of the table at block `idx`.
    pub fn table(&mut self, idx: usize, table: &Table, cols: Columns) -> Vec<Field> {
        if self.visited.contains(&idx) {
            return Vec::new();
        }
        self.visited.push(idx);
        let mut fields: Vec<Field> = Vec::new();
        for row in &table.rows {
            let Some(cell) = row.cells.get(cols.name) else {
                continue;
            };
            let Some(nc) = name_cell(cell) else {
                continue;
            };
            let desc_md = cols
                .desc
                .and_then(|d| row.cells.get(d))
                .map(String::as_str)
                .unwrap_or("");
            let type_md = match cols.ty.and_then(|t| row.cells.get(t)) {
                Some(t) => t.clone(),
                None => nc.rest.clone(),
            };
            let mut field = self.field(
                nc,
                &type_md,
                desc_md,
                cols.default.and_then(|d| row.cells.get(d)),
            );
            if let Some(cell) = cols.example.and_then(|e| row.cells.get(e)) {
                field.samples = samples(cell);
            }
            fields.push(field);
        }
        self.visited.pop();
        nest_dotted(fields)
    }

    fn field(
        &mut self,
        nc: NameCell,
        type_md: &str,
        desc_md: &str,
        default_cell: Option<&String>,
    ) -> Field {
        let lang = self.lang();
        let toks = tokens(type_md);
        let mut ty = combine(&toks);
        if !toks.is_empty() {
            self.stats.typed_rows += 1;
            if ty.kind != Kind::Any {
                self.stats.typed_resolved += 1;
            }
        }
        let values = text::enum_values(desc_md, lang);
        refine_scalar(&mut ty, &toks, &values);
        // Nested fields: an in-page link in the type or the description. A link in the
        // description of a scalar row (`string`: "the data goes to the field
        // [manager_user_data](#manager_user_data)") is a cross-reference, not its fields.
        // A member of a named type (`[catalog_product.id](#catalog_product)`) is that object's
        // id: the link names the object, not the row's fields.
        let member = member_ref(&ty);
        let link = ANCHOR
            .captures(type_md)
            .or_else(|| ANCHOR.captures(desc_md).filter(|_| !ty.kind.is_scalar()))
            .map(|c| c[1].to_string())
            .filter(|_| !member);
        if let Some(anchor) = link {
            match self.linked_fields(&anchor) {
                Some(children) => {
                    self.stats.links += 1;
                    self.stats.links_resolved += 1;
                    attach(&mut ty, children);
                }
                // A link from a scalar row to a prose section is a
                // cross-reference, not a sub-table link.
                None if self.points_at_prose(&anchor) && !wants_fields(&ty) => {}
                None => {
                    self.stats.links += 1;
                    self.stats.unresolved.push(anchor);
                }
            }
        } else if wants_fields(&ty) {
            if let Some(children) = self.named_fields(&nc.name) {
                attach(&mut ty, children);
            }
        }
        if ty.fields().is_none_or(|f| f.is_empty()) {
            ty.link = definition_link(&self.page.rel, type_md, desc_md, &ty);
        }
        let default = default_cell
            .map(|c| c.trim().trim_matches('`').to_string())
            .filter(|c| !c.is_empty() && c != "-" && c != "—")
            .or_else(|| text::default_value(desc_md));
        Field {
            name: nc.name,
            required: nc.required,
            ty,
            default,
            values,
            deprecated: text::is_deprecated(desc_md),
            doc: Text::new(lang, text::clean(desc_md)),
            from_example: false,
            literal: false,
            samples: Vec::new(),
        }
    }

    /// The anchor exists and is followed by something other than a table.
    fn points_at_prose(&self, anchor: &str) -> bool {
        self.page
            .anchor(anchor)
            .is_some_and(|h| self.page.table_after(h).is_none())
    }

    /// Fields of the field tables of blocks `from..to` (see [`super::tables`]): the main
    /// table, the group tables after it, the variant tables of its tabs; `None` without a field
    /// table.
    pub fn section(&mut self, from: usize, to: usize, under_heading: bool) -> Option<Vec<Field>> {
        use super::tables::{is_deprecated_group, merge_variants, section_tables};
        let tables = section_tables(self.page, from, to, under_heading);
        if tables.is_empty() {
            return None;
        }
        let several_tabs = tables.iter().filter(|t| t.tab.is_some()).count() > 1;
        let mut fields: Vec<Field> = Vec::new();
        let mut variants: Vec<(String, Vec<Field>)> = Vec::new();
        for (i, st) in tables.iter().enumerate() {
            let mut fs = self.table(st.idx, st.table, st.cols);
            match &st.tab {
                Some(tab) if several_tabs => {
                    self.stats.tables_variants += 1;
                    variants.push((tab.clone(), fs));
                    continue;
                }
                _ if i > 0 => self.stats.tables_continued += 1,
                _ => {}
            }
            if st.group.as_deref().is_some_and(is_deprecated_group) {
                fs.iter_mut().for_each(|f| f.deprecated = true);
            }
            // A name read already keeps its first reading.
            for f in fs {
                if !fields.iter().any(|o| o.name == f.name) {
                    fields.push(f);
                }
            }
        }
        for f in merge_variants(variants, self.lang()) {
            if !fields.iter().any(|o| o.name == f.name) {
                fields.push(f);
            }
        }
        Some(fields)
    }

    /// Fields of the table an anchor points to.
    fn linked_fields(&mut self, anchor: &str) -> Option<Vec<Field>> {
        let h = self.page.anchor(anchor)?;
        self.section(h + 1, self.page.blocks.len(), true)
    }

    /// A heading naming the parameter ("Parameter fields", "Объект result"): an H3+ inside
    /// the section, or an H2 of its own after the parameter section ("## Parameter fields"
    /// on `crm.requisite.add`, "## Параметры fields" on `sale.order.update`).
    fn named_fields(&mut self, name: &str) -> Option<Vec<Field>> {
        let n = name.to_lowercase();
        let forms = [
            format!("parameter {n}"),
            format!("{n} parameter"),
            format!("object {n}"),
            format!("{n} object"),
            format!("field {n}"),
            format!("параметр {n}"),
            format!("параметры {n}"),
            format!("объект {n}"),
            format!("поле {n}"),
        ];
        let h = self
            .page
            .headings()
            .find(|(_, level, text)| *level >= 2 && forms.contains(&text.trim().to_lowercase()))
            .map(|(i, _, _)| i)?;
        let (idx, _) = self.page.table_after(h)?;
        if self.visited.contains(&idx) {
            return None;
        }
        let fields = self.section(h + 1, self.page.blocks.len(), true)?;
        (!fields.is_empty()).then_some(fields)
    }
}

/// The values of an Example cell: its code spans split like type tokens (`` `chat29` or `256` ``,
/// `` `'Y'|'N'` ``), else its lines and the parts between "or"/"или"; placeholders (`-`, `...`)
/// are not values.
pub fn samples(cell: &str) -> Vec<String> {
    let spans = tokens(cell);
    let parts: Vec<String> = if spans.is_empty() {
        cell.lines()
            .flat_map(|l| l.split(" or ").flat_map(|p| p.split(" или ")))
            .map(|p| p.trim().to_string())
            .filter(|p| !matches!(p.as_str(), "or" | "или"))
            .collect()
    } else {
        spans
    };
    let mut out: Vec<String> = Vec::new();
    for p in parts {
        let placeholder = p.is_empty() || p.chars().all(|c| matches!(c, '-' | '—' | '.' | '…'));
        if !placeholder && !out.contains(&p) {
            out.push(p);
        }
    }
    out
}

/// Y/N chars and closed string sets.
fn refine_scalar(ty: &mut Type, toks: &[String], values: &[crate::ir::EnumValue]) {
    let is_yn = values.len() == 2
        && values.iter().any(|v| v.value == "Y")
        && values.iter().any(|v| v.value == "N");
    let char_tok = toks.iter().any(|t| t.eq_ignore_ascii_case("char"));
    match &ty.kind {
        Kind::String | Kind::Boolean if is_yn => ty.kind = Kind::YesNo,
        Kind::String if char_tok && (values.is_empty() || is_yn) => ty.kind = Kind::YesNo,
        Kind::String if !values.is_empty() && values.iter().all(|v| is_plain_value(&v.value)) => {
            ty.kind = Kind::Enum
        }
        _ => {}
    }
}

fn is_plain_value(v: &str) -> bool {
    !v.contains(' ') && v.len() <= 48
}

pub(crate) fn wants_fields(ty: &Type) -> bool {
    match &ty.kind {
        Kind::Object { fields } => fields.is_empty(),
        Kind::Array { item } => {
            matches!(item.kind, Kind::Any | Kind::Object { .. })
                && item.fields().is_none_or(|f| f.is_empty())
        }
        _ => false,
    }
}

/// Put children under a type: objects get them, arrays get an object item,
/// named types become objects that keep their token in `doc`.
pub fn attach(ty: &mut Type, children: Vec<Field>) {
    if children.is_empty() {
        return;
    }
    match &mut ty.kind {
        Kind::Object { fields } => *fields = children,
        Kind::Array { item } => attach(item, children),
        Kind::Union { variants } => {
            // The object form takes them; else the named form (`string |
            // sale_order_property_value_file_value`: the other forms stay).
            let object = variants
                .iter()
                .position(|v| matches!(v.kind, Kind::Object { .. } | Kind::Array { .. }))
                .or_else(|| {
                    variants
                        .iter()
                        .position(|v| matches!(v.kind, Kind::Ref { .. }))
                });
            match object {
                Some(i) => attach(&mut variants[i], children),
                None => ty.kind = Kind::Object { fields: children },
            }
        }
        _ => ty.kind = Kind::Object { fields: children },
    }
}

/// The field list an object/array type holds (created when missing).
fn children_mut(ty: &mut Type) -> &mut Vec<Field> {
    match ty.kind {
        Kind::Object { .. } => {}
        Kind::Array { ref mut item } => return children_mut(item),
        _ => ty.kind = Kind::Object { fields: Vec::new() },
    }
    match &mut ty.kind {
        Kind::Object { fields } => fields,
        _ => unreachable!("made an object above"),
    }
}

/// `data.FIELDS`, `result.events[].eventId`: move under their parents.
pub fn nest_dotted(fields: Vec<Field>) -> Vec<Field> {
    if !fields.iter().any(|f| f.name.contains('.')) {
        return fields;
    }
    let mut out: Vec<Field> = Vec::new();
    for f in fields {
        let path: Vec<String> = f
            .name
            .split('.')
            .map(|s| s.trim_end_matches("[]").to_string())
            .collect();
        if path.len() < 2 || path.iter().any(|s| s.is_empty()) {
            out.push(f);
            continue;
        }
        if let Err(f) = insert_path(&mut out, &path, Box::new(f)) {
            out.push(*f);
        }
    }
    out
}

/// Put `f` at `path` below `list`; gives it back when a parent is missing.
fn insert_path(
    list: &mut Vec<Field>,
    path: &[String],
    mut f: Box<Field>,
) -> Result<(), Box<Field>> {
    if path.len() == 1 {
        f.name = path[0].clone();
        match list.iter().position(|c| c.name == f.name) {
            Some(i) => list[i] = *f,
            None => list.push(*f),
        }
        return Ok(());
    }
    let Some(parent) = list.iter_mut().find(|p| p.name == path[0]) else {
        return Err(f);
    };
    // `edit` (a boolean) beside `edit.originator`: flat keys with a dot, not a nested object.
    if parent.ty.kind.is_scalar() {
        return Err(f);
    }
    insert_path(children_mut(&mut parent.ty), &path[1..], f)
}

/// Parameter tables of a range of blocks, top level only: the first field
/// table and its continuation tables not reached through links.
pub fn first_field_table(page: &Page, from: usize, to: usize) -> Option<(usize, &Table, Columns)> {
    page.blocks[from..to]
        .iter()
        .enumerate()
        .find_map(|(k, b)| match &b.block {
            Block::Table(t) => columns(t).map(|c| (from + k, t, c)),
            _ => None,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_cells() {
        let n = name_cell("**name***\n[`string`](x)").expect("name");
        assert_eq!((n.name.as_str(), n.required), ("name", true));
        assert_eq!(n.rest, "[`string`](x)");
        let n = name_cell("**templateId**^*^\n[`integer`](x)").expect("name");
        assert_eq!((n.name.as_str(), n.required), ("templateId", true));
        let n = name_cell("**CHAT_ID^*^**\n[`unknown`](x)").expect("name");
        assert_eq!((n.name.as_str(), n.required), ("CHAT_ID", true));
        let n = name_cell("**weight****\n[`double`](x)").expect("name");
        assert_eq!((n.name.as_str(), n.required), ("weight", false));
        let n = name_cell("**DYNAMIC_***").expect("name");
        assert_eq!((n.name.as_str(), n.required), ("DYNAMIC_*", false));
        let n = name_cell("**UF_CRM_...**").expect("name");
        assert_eq!(n.name, "UF_CRM_...");
        let n = name_cell("**time**[`time`](x)").expect("name");
        assert_eq!(n.rest, "[`time`](x)");
        let n = name_cell("**LANGUAGE_ID (LANG)**\n[`string`](x)").expect("name");
        assert_eq!(n.name, "LANGUAGE_ID");
        let n = name_cell("`dialogId`\n[`string`](x)").expect("name");
        assert_eq!(n.name, "dialogId");
        assert!(name_cell("").is_none());
    }

    fn field(name: &str, kind: Kind) -> Field {
        Field {
            name: name.into(),
            ty: Type::new("", kind),
            ..Field::default()
        }
    }

    #[test]
    fn dotted_names_nest() {
        let out = nest_dotted(vec![
            field("result", Kind::Object { fields: vec![] }),
            field(
                "result.events",
                Kind::Array {
                    item: Box::default(),
                },
            ),
            field("result.events[].eventId", Kind::Integer),
            field(
                "time",
                Kind::Ref {
                    name: "time".into(),
                },
            ),
            field("orphan.x", Kind::String),
        ]);
        let names: Vec<&str> = out.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["result", "time", "orphan.x"]);
        let events = &out[0].ty.fields().expect("object")[0];
        assert_eq!(events.name, "events");
        assert_eq!(events.ty.fields().expect("items")[0].name, "eventId");
    }
}
