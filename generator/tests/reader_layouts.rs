//! Layouts of issue 20 (part 4) on the real pages that have them, each page read alone from
//! the corpus (skipped when the corpus is absent, a failure under `CI=true`):
//! - a child table under a top-level heading of its own ("## Parameter fields" after
//!   "## Method Parameters") instead of inside the parameter section;
//! - a parameter section of alternative sets ("There are three ways to call the method", a
//!   sub-heading and a complete table each): every set read, recorded in `Method::one_of`;
//! - two or more starred params of which one is required ("At least one of the parameters
//!   must be specified: `IBLOCK_ID` or `IBLOCK_CODE`"): optional, recorded in `one_of`.

mod common;

use b24gen::ir::{Field, Ir, Method, OneOf};
use std::path::{Path, PathBuf};

/// The corpus page `lang/api-reference/rel`, copied unmodified under a fresh folder of its own
/// and read; `None` (printed as skipped) without a corpus.
fn read_page(test: &str, lang: &str, rel: &str) -> Option<Ir> {
    let Some(docs) = common::corpus() else {
        println!("skipped: no docs corpus");
        return None;
    };
    let text = std::fs::read_to_string(docs.join(lang).join("api-reference").join(rel))
        .unwrap_or_else(|e| panic!("{lang}/{rel}: {e}"));
    let root: PathBuf = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("reader-layouts")
        .join(test)
        .join(lang)
        .join("api-reference");
    let _ = std::fs::remove_dir_all(&root);
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("a folder")).expect("create the folder");
    std::fs::write(&path, text).expect("write the page");
    Some(b24gen::read_docs(&[root]))
}

fn method<'a>(ir: &'a Ir, name: &str) -> &'a Method {
    ir.methods
        .iter()
        .find(|m| m.name == name)
        .unwrap_or_else(|| panic!("{name} is read"))
}

fn param<'a>(m: &'a Method, name: &str) -> &'a Field {
    m.params
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("{}: no param {name}", m.name))
}

fn child_names(f: &Field) -> Vec<(&str, bool)> {
    f.ty.fields()
        .unwrap_or_default()
        .iter()
        .map(|c| (c.name.as_str(), c.required))
        .collect()
}

#[test]
fn a_child_table_under_its_own_h2_heading_is_the_params_fields() {
    // EN: "## Method Parameters" (`fields*`, an object) then "## Parameter fields".
    let Some(ir) = read_page(
        "requisite",
        "en",
        "crm/requisites/universal/crm-requisite-add.md",
    ) else {
        return;
    };
    let fields = child_names(param(method(&ir, "crm.requisite.add"), "fields"));
    assert!(fields.len() > 20, "{fields:?}");
    assert_eq!(
        fields[..4],
        [
            ("ENTITY_TYPE_ID", true),
            ("ENTITY_ID", true),
            ("PRESET_ID", true),
            ("NAME", true)
        ]
    );
    // RU: "## Параметры fields {#fields}" with no link from the `fields` row.
    let Some(ir) = read_page("order", "ru", "sale/order/sale-order-update.md") else {
        return;
    };
    let fields = child_names(param(method(&ir, "sale.order.update"), "fields"));
    assert!(
        fields.iter().any(|(n, _)| *n == "statusId"),
        "sale.order.update fields: {fields:?}"
    );
}

fn sets(groups: &[&[&str]]) -> OneOf {
    OneOf {
        sets: groups
            .iter()
            .map(|g| g.iter().map(|n| (*n).to_owned()).collect())
            .collect(),
    }
}

#[test]
fn call_variants_are_read_as_alternative_sets() {
    for lang in ["en", "ru"] {
        let Some(ir) = read_page("variants", lang, "vote/vote.attachedvote.vote.md") else {
            return;
        };
        let m = method(&ir, "vote.AttachedVote.vote");
        let params: Vec<(&str, bool)> = m
            .params
            .iter()
            .map(|p| (p.name.as_str(), p.required))
            .collect();
        // `ballot` is in every variant; the rest names the poll one of three ways.
        assert_eq!(
            params,
            [
                ("attachId", false),
                ("ballot", true),
                ("moduleId", false),
                ("entityType", false),
                ("entityId", false),
                ("signedAttachId", false)
            ],
            "{lang}"
        );
        assert_eq!(
            m.one_of,
            [sets(&[
                &["attachId"],
                &["moduleId", "entityType", "entityId"],
                &["signedAttachId"]
            ])],
            "{lang}"
        );
    }
}

#[test]
fn starred_params_of_which_one_is_required_are_a_one_of() {
    let Some(ir) = read_page("one-of", "en", "lists/elements/lists-element-get.md") else {
        return;
    };
    let m = method(&ir, "lists.element.get");
    for name in ["IBLOCK_ID", "IBLOCK_CODE"] {
        assert!(!param(m, name).required, "{name} alone is not required");
    }
    assert_eq!(
        m.one_of,
        [
            sets(&[&["IBLOCK_ID"], &["IBLOCK_CODE"]]),
            sets(&[&["ELEMENT_ID"], &["ELEMENT_CODE"]])
        ]
    );
}
