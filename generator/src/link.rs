//! Types defined on other pages: the stage between `extract` and `merge` that follows the
//! links `extract` kept in [`Type::link`] and reads the definitions they point to.
//!
//! A type cell such as ``[`deal[]`](crm-deal-get.md#deal)``, ``[`item`](./object-fields.md)``
//! or ``[`crm_multifield`](../data-types.md#crm_multifield)`` names a structure another page
//! defines. The definition is the field-table section found there:
//!
//! 1. at the link's anchor (`#deal`), when it has one;
//! 2. else under a heading whose anchor or text is the type's name (`### crm_currency`);
//! 3. else, on a page that is not a method page (a page of fields such as
//!    `crm/universal/object-fields.md` or `tasks/fields-rest-v3.md`), the page's first field
//!    table, followed by the tables of the other sections no in-page link reaches (the per-entity
//!    tables of `object-fields.md`: every field stays optional, and its doc names the section it
//!    comes from).
//!
//! A member of a named type (`catalog_product.id`, `crm_currency.CURRENCY`) is a scalar and is
//! not followed, nor is a type whose page says nothing at the anchor (`crm_status` is a row of
//! the data-types table, not a structure). Definitions may link further; links are followed up
//! to [`MAX_DEPTH`] deep, each `(language, page#anchor, name)` read once.
//!
//! [`families`] then gives the rows of a family's other methods the entity type of its `get`
//! (`crm.lead.list` rows are "the fields of the lead": the fields `crm.lead.get` answers).

use std::collections::{HashMap, HashSet};

use crate::extract::fields::{attach, columns, FieldReader};
use crate::extract::{Extracted, PageKind, PageResult, Stats};
use crate::ir::{Field, Kind, Lang, Method, Text, Type};
use crate::page::Page;
use crate::source::{IncludeCache, PageFile};
use crate::yfm::Block;

/// How many linked definitions deep a type is followed.
pub const MAX_DEPTH: usize = 4;

/// Counts for `report`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LinkStats {
    /// Type cells linking to a definition on another page.
    pub followed: u64,
    /// Of those, the ones whose definition was read.
    pub resolved: u64,
}

/// Follows the links of every page's types (see the module docs).
pub fn resolve(files: &[PageFile], results: &mut [PageResult]) -> LinkStats {
    let mut linker = Linker::new(files, results);
    for r in results.iter_mut() {
        let lang = r.lang;
        match &mut r.extracted {
            Extracted::Method(m) => {
                for p in &mut m.params {
                    linker.visit(&mut p.ty, lang, 0);
                }
                if let Some(t) = &mut m.result {
                    linker.visit(t, lang, 0);
                }
            }
            Extracted::Event(e) => {
                for p in &mut e.payload {
                    linker.visit(&mut p.ty, lang, 0);
                }
            }
            Extracted::Skipped => {}
        }
    }
    linker.stats
}

struct Linker<'f> {
    /// (language, path relative to the reference's root) → the file.
    files: HashMap<(Lang, &'f str), &'f PageFile>,
    /// Pages that are methods or events (their tables are their own, not shared definitions).
    method_pages: HashSet<(Lang, String)>,
    cache: IncludeCache,
    pages: HashMap<(Lang, String), Option<Page>>,
    memo: HashMap<(Lang, String, String), Option<Vec<Field>>>,
    stats: LinkStats,
}

impl<'f> Linker<'f> {
    fn new(files: &'f [PageFile], results: &[PageResult]) -> Self {
        let mut by_path = HashMap::new();
        let mut method_pages = HashSet::new();
        // `read` keeps the order of `files` in its results.
        for (f, r) in files.iter().zip(results) {
            by_path.insert((r.lang, f.rel.as_str()), f);
            if matches!(r.kind, PageKind::Method | PageKind::Event) {
                method_pages.insert((r.lang, f.rel.clone()));
            }
        }
        Linker {
            files: by_path,
            method_pages,
            cache: IncludeCache::default(),
            pages: HashMap::new(),
            memo: HashMap::new(),
            stats: LinkStats::default(),
        }
    }

    fn visit(&mut self, ty: &mut Type, lang: Lang, depth: usize) {
        if ty.fields().is_none_or(|f| f.is_empty()) {
            if let Some(link) = ty.link.clone() {
                let name = type_name(ty);
                // A member (`catalog_product.id`) or a type the data-types pages define as an
                // identifier or a code (`user`, `crm_currency`: "the currency's code") is a
                // scalar, whatever its link points to. (The list is `rust::types::ref_scalar`'s;
                // it belongs in `b24-spec` with the rest of the vocabulary.)
                let scalar = matches!(&ty.kind, Kind::Ref { .. } | Kind::Array { .. })
                    && crate::rust::types::ref_scalar(&name).is_some();
                // A union (`string | sale_order_property_value_file_value`) keeps its forms.
                let scalar = scalar || matches!(ty.kind, Kind::Union { .. });
                if !name.contains('.') && !scalar {
                    self.stats.followed += 1;
                    if let Some(fields) = self.definition(lang, &link, &name, depth) {
                        self.stats.resolved += 1;
                        // Its own links were followed when it was read (a cycle stays cut).
                        attach(ty, fields);
                        mark_items(ty, &link);
                        return;
                    }
                }
            }
        }
        match &mut ty.kind {
            Kind::Object { fields } => {
                for f in fields {
                    self.visit(&mut f.ty, lang, depth);
                }
            }
            Kind::Array { item } => self.visit(item, lang, depth),
            Kind::Union { variants } => {
                for v in variants {
                    self.visit(v, lang, depth);
                }
            }
            _ => {}
        }
    }

    /// The fields `link` defines for the type named `name`, links inside followed.
    fn definition(
        &mut self,
        lang: Lang,
        link: &str,
        name: &str,
        depth: usize,
    ) -> Option<Vec<Field>> {
        if depth >= MAX_DEPTH {
            return None;
        }
        let key = (lang, link.to_owned(), name.to_owned());
        if let Some(hit) = self.memo.get(&key) {
            return hit.clone();
        }
        // A cycle reads as "not defined" until the first reading is done.
        self.memo.insert(key.clone(), None);
        let mut fields = self.read_definition(lang, link, name)?;
        for f in &mut fields {
            self.visit(&mut f.ty, lang, depth + 1);
        }
        let fields = (!fields.is_empty()).then_some(fields);
        self.memo.insert(key, fields.clone());
        fields
    }

    fn read_definition(&mut self, lang: Lang, link: &str, name: &str) -> Option<Vec<Field>> {
        let (path, anchor) = match link.split_once('#') {
            Some((p, a)) => (p, Some(a)),
            None => (link, None),
        };
        let method_page = self.method_pages.contains(&(lang, path.to_owned()));
        let page = self.page(lang, path)?;
        let mut stats = Stats::default();
        let mut reader = FieldReader::new(page, &mut stats);
        if let Some(a) = anchor {
            let h = page.anchor(a)?;
            return reader.section(h + 1, page.blocks.len(), true);
        }
        let lower = name.to_lowercase();
        let named = page.headings().find(|(i, _, text)| {
            text.trim().to_lowercase() == lower || page.anchor(&lower) == Some(*i)
        });
        if let Some((h, _, _)) = named {
            return reader.section(h + 1, page.blocks.len(), true);
        }
        if method_page || path.ends_with("data-types.md") {
            return None;
        }
        whole_page(page, &mut reader)
    }

    fn page(&mut self, lang: Lang, path: &str) -> Option<&Page> {
        let key = (lang, path.to_owned());
        if !self.pages.contains_key(&key) {
            let page = self
                .files
                .get(&(lang, path))
                .and_then(|f| Page::read(f, &self.cache).ok());
            self.pages.insert(key.clone(), page);
        }
        self.pages.get(&key).and_then(Option::as_ref)
    }
}

/// The items of a linked list carry the link too (the struct is the item's).
fn mark_items(ty: &mut Type, link: &str) {
    if let Kind::Array { item } = &mut ty.kind {
        if item.link.is_none() {
            item.link = Some(link.to_owned());
            if item.doc.is_empty() {
                item.doc = ty.doc.trim_end_matches("[]").to_owned();
            }
        }
        mark_items(item, link);
    }
}

/// The name a type is known by: the ref's name, else its token (`deal[]` → `deal`).
fn type_name(ty: &Type) -> String {
    match &ty.kind {
        Kind::Ref { name } => name.clone(),
        Kind::Array { item } => type_name(item),
        _ => ty.doc.trim_end_matches("[]").to_owned(),
    }
}

/// A page of fields read whole: its first field table's section, then the sections no in-page
/// link reaches, their fields' docs prefixed with the section's heading.
fn whole_page(page: &Page, reader: &mut FieldReader<'_>) -> Option<Vec<Field>> {
    let len = page.blocks.len();
    let first = page
        .blocks
        .iter()
        .position(|b| matches!(&b.block, Block::Table(t) if columns(t).is_some()))?;
    let mut fields = reader.section(first, len, false)?;
    let linked = in_page_targets(page);
    let headings: Vec<(usize, String)> = page
        .headings()
        .filter(|(i, _, _)| *i > first)
        .map(|(i, _, t)| (i, t.trim().to_owned()))
        .collect();
    for (h, heading) in headings {
        if linked.contains(&h) || page.table_after(h).is_none() {
            continue;
        }
        let Some(more) = reader.section(h + 1, len, true) else {
            continue;
        };
        for mut f in more {
            if let Some(o) = fields.iter_mut().find(|o| o.name == f.name) {
                // Sections typing one key two ways (`phone`: a string here, a list of
                // multifields there): the key is kept, untyped.
                if o.ty.kind.name() != f.ty.kind.name() {
                    o.ty = Type::new("", Kind::Any);
                }
                continue;
            }
            prefix_doc(&mut f.doc, &heading);
            f.required = false;
            fields.push(f);
        }
    }
    Some(fields)
}

/// Heading blocks an in-page link (`](#user)`) of the page's tables points to.
fn in_page_targets(page: &Page) -> HashSet<usize> {
    let mut out = HashSet::new();
    for b in &page.blocks {
        let Block::Table(t) = &b.block else { continue };
        for row in &t.rows {
            for cell in &row.cells {
                let mut rest = cell.as_str();
                while let Some(i) = rest.find("](#") {
                    let tail = &rest[i + 3..];
                    let end = tail.find(')').unwrap_or(tail.len());
                    if let Some(h) = page.anchor(&tail[..end]) {
                        out.insert(h);
                    }
                    rest = &tail[end..];
                }
            }
        }
    }
    out
}

fn prefix_doc(doc: &mut Text, heading: &str) {
    for t in [&mut doc.en, &mut doc.ru].into_iter().flatten() {
        *t = format!("{heading}: {t}");
    }
}

/// The entity a family's `get` answers: its `result` when that is an object of fields, or the
/// fields of its `item` (REST 3, `crm.item.get`).
fn entity_of(get: &Method) -> Option<&Type> {
    let result = get.result.as_ref()?;
    let fields = result.fields()?;
    if matches!(result.kind, Kind::Array { .. }) {
        return None;
    }
    match fields {
        [f] if f.name == "item" => {
            f.ty.fields()
                .is_some_and(|x| !x.is_empty())
                .then_some(&f.ty)
        }
        fs if fs.len() > 1 => Some(result),
        _ => None,
    }
}

/// An object (or any value) the docs leave without fields.
fn untyped(ty: &Type) -> bool {
    match &ty.kind {
        Kind::Any => true,
        Kind::Object { fields } => fields.is_empty(),
        _ => false,
    }
}

/// Rows the docs call the entity's fields take the entity type of the family's `get`: a
/// `list` whose rows are untyped objects (`crm.lead.list`: "an array of objects with the
/// fields of the lead"), and an untyped `item`/`items` of the family's other methods (REST 3
/// `tasks.task.list`). Returns how many types were filled in.
pub fn families(methods: &mut [Method]) -> usize {
    let mut entities: HashMap<(String, u8), Type> = HashMap::new();
    for m in methods.iter() {
        if let Some(family) = m.name.strip_suffix(".get") {
            if let Some(t) = entity_of(m) {
                let mut t = t.clone();
                t.nullable = false;
                entities.insert((family.to_owned(), m.rest_version), t);
            }
        }
    }
    let mut filled = 0;
    for m in methods.iter_mut() {
        let Some((family, verb)) = m.name.rsplit_once('.') else {
            continue;
        };
        if verb == "get" {
            continue;
        }
        let Some(entity) = entities.get(&(family.to_owned(), m.rest_version)) else {
            continue;
        };
        let Some(result) = &mut m.result else {
            continue;
        };
        filled += fill(result, entity, verb.starts_with("list"));
    }
    filled
}

fn fill(result: &mut Type, entity: &Type, list: bool) -> usize {
    let with_fields = |doc: &str| {
        let mut t = entity.clone();
        t.doc = doc.to_owned();
        t
    };
    match &mut result.kind {
        Kind::Array { item } if list && untyped(item) => {
            **item = with_fields(&item.doc);
            1
        }
        Kind::Object { fields } => {
            let mut n = 0;
            for f in fields {
                if f.name == "item" && untyped(&f.ty) {
                    f.ty = with_fields(&f.ty.doc);
                    n += 1;
                } else if let (Kind::Array { item }, "items") = (&mut f.ty.kind, f.name.as_str()) {
                    if untyped(item) {
                        **item = with_fields(&item.doc);
                        n += 1;
                    }
                }
            }
            n
        }
        _ => 0,
    }
}
