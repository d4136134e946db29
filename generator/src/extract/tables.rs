//! A section that holds several field tables.
//!
//! After its main table a section may go on with more tables of the same columns:
//! - **groups**: a bold-titled paragraph, then a table ("Fields for connections with external
//!   data sources", "Import", "Deprecated fields" of `crm.contact.add`); their rows are fields
//!   like the main table's, deprecated when the title says so;
//! - **variants**: one table per tab of a `{% list tabs %}` (userfield `SETTINGS`: one tab per
//!   `USER_TYPE_ID`); every variant's fields become optional fields, their docs naming the
//!   variants that use them, a field typed differently by variants a union of those types.
//!
//! A section ends at the next heading; a table with other columns (a list of values) is not a
//! continuation.

use crate::ir::{Field, Kind, Lang, Type};
use crate::page::Page;
use crate::yfm::{header_label, Block, Table};

use super::fields::{columns, Columns};

/// One field table of a section.
pub struct SectionTable<'p> {
    pub idx: usize,
    pub table: &'p Table,
    pub cols: Columns,
    /// The tab the table sits in (`string`, `date|datetime`).
    pub tab: Option<String>,
    /// The bold title of the paragraph before it (`Deprecated fields`).
    pub group: Option<String>,
}

/// The field tables of blocks `from..to`: the first field table (before any heading when
/// `under_heading`, as the table a heading introduces), then the tables after it with the same
/// columns, up to the next heading.
pub fn section_tables(
    page: &Page,
    from: usize,
    to: usize,
    under_heading: bool,
) -> Vec<SectionTable<'_>> {
    let mut out: Vec<SectionTable> = Vec::new();
    let mut labels: Option<Vec<String>> = None;
    let mut tab: Option<String> = None;
    let mut group: Option<String> = None;
    let to = to.min(page.blocks.len());
    for (k, b) in page.blocks[from.min(to)..to].iter().enumerate() {
        let idx = from + k;
        match &b.block {
            Block::Heading { .. } if labels.is_some() || under_heading => break,
            Block::Heading { .. } => group = None,
            Block::TabsStart | Block::TabsEnd => tab = None,
            Block::Tab(t) => {
                tab = Some(t.trim().to_string());
                group = None;
            }
            Block::Text(t) => {
                if let Some(title) = bold_title(t) {
                    group = Some(title);
                }
            }
            Block::Table(t) => {
                let Some(cols) = columns(t) else { continue };
                match &labels {
                    None => labels = Some(header_labels(t)),
                    Some(l) if t.header.is_some() && *l == header_labels(t) => {}
                    Some(_) => continue,
                }
                out.push(SectionTable {
                    idx,
                    table: t,
                    cols,
                    tab: tab.clone(),
                    group: group.take(),
                });
                // Only a table with a header can be continued (a headerless list of bold
                // names could be anything).
                if t.header.is_none() {
                    break;
                }
            }
            _ => {}
        }
    }
    out
}

fn header_labels(t: &Table) -> Vec<String> {
    t.header
        .as_ref()
        .map(|h| h.iter().map(|c| header_label(c)).collect())
        .unwrap_or_default()
}

/// `**Import**` alone in its paragraph → `Import`.
fn bold_title(text: &str) -> Option<String> {
    let t = text.trim();
    let inner = t.strip_prefix("**")?.strip_suffix("**")?.trim();
    (!inner.is_empty() && !inner.contains("**") && !inner.contains('\n'))
        .then(|| inner.trim_end_matches(':').trim().to_string())
}

/// A group title that says its fields are deprecated.
pub fn is_deprecated_group(title: &str) -> bool {
    let t = title.to_lowercase();
    t.contains("deprecated") || t.contains("устаревш") || t.contains("outdated")
}

/// The fields of variant tables (`(tab, fields)`): each field once, optional, its doc naming
/// the variants that use it; a field typed differently by variants takes the union of their
/// types.
pub fn merge_variants(variants: Vec<(String, Vec<Field>)>, lang: Lang) -> Vec<Field> {
    // (field, the variants that have it, each variant's doc)
    let mut merged: Vec<(Field, Vec<String>, Vec<String>)> = Vec::new();
    for (tab, fields) in variants {
        for f in fields {
            let doc = f.doc.get(lang).unwrap_or_default().to_string();
            match merged.iter_mut().find(|(m, _, _)| m.name == f.name) {
                Some((m, tabs, docs)) => {
                    add_type(&mut m.ty, f.ty);
                    m.deprecated &= f.deprecated;
                    m.values.extend(
                        f.values
                            .into_iter()
                            .filter(|v| !m.values.iter().any(|o| o.value == v.value))
                            .collect::<Vec<_>>(),
                    );
                    tabs.push(tab.clone());
                    docs.push(doc);
                }
                None => merged.push((f, vec![tab.clone()], vec![doc])),
            }
        }
    }
    merged
        .into_iter()
        .map(|(mut f, tabs, docs)| {
            f.required = false;
            f.doc.set(lang, variant_doc(&tabs, &docs, lang));
            f
        })
        .collect()
}

/// `t` also takes `other`'s type (a union when they differ; an untyped variant adds nothing).
fn add_type(t: &mut Type, other: Type) {
    // One reading of the same value: a string and a closed set of strings, a boolean and a
    // Y/N flag (the API takes either) keep the first variant's.
    let same = |a: &Type, b: &Type| {
        a.kind == b.kind
            || matches!(
                (&a.kind, &b.kind),
                (Kind::String | Kind::Enum, Kind::String | Kind::Enum)
                    | (Kind::Boolean | Kind::YesNo, Kind::Boolean | Kind::YesNo)
            )
    };
    if matches!((&t.kind, &other.kind), (Kind::Enum, Kind::String)) {
        t.kind = Kind::String;
    }
    if same(t, &other) || other.kind == Kind::Any {
        t.nullable |= other.nullable;
        return;
    }
    if t.kind == Kind::Any {
        let nullable = t.nullable || other.nullable;
        *t = other;
        t.nullable = nullable;
        return;
    }
    if let Kind::Union { variants } = &mut t.kind {
        if !variants.iter().any(|v| same(v, &other)) {
            t.doc = format!("{} | {}", t.doc, other.doc);
            variants.push(other);
        }
        return;
    }
    let first = std::mem::take(t);
    let doc = format!("{} | {}", first.doc, other.doc);
    let nullable = first.nullable || other.nullable;
    *t = Type::new(
        doc,
        Kind::Union {
            variants: vec![first, other],
        },
    );
    t.nullable = nullable;
}

fn variant_doc(tabs: &[String], docs: &[String], lang: Lang) -> String {
    let used = match lang {
        Lang::En => "Used by",
        Lang::Ru => "Используется для",
    };
    let list: Vec<String> = tabs.iter().map(|t| format!("`{t}`")).collect();
    let first = docs.first().map(String::as_str).unwrap_or_default();
    if docs.iter().all(|d| d == first) {
        if first.is_empty() {
            format!("{used}: {}.", list.join(", "))
        } else {
            format!("{first}\n\n{used}: {}.", list.join(", "))
        }
    } else {
        tabs.iter()
            .zip(docs)
            .map(|(t, d)| {
                format!(
                    "- `{t}`: {}",
                    d.split_whitespace().collect::<Vec<_>>().join(" ")
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}
