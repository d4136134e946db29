//! b24gen: reads the Bitrix24 REST reference (EN + RU) into a method IR and
//! emits a typed Rust client from it.
//!
//! Pipeline, one module per stage:
//! [`source`] (find pages, language, includes) → [`yfm`] (YFM directives and
//! `#|…|#` tables) → [`page`] (sections, anchors) → [`extract`] (page → IR)
//! → [`merge`] (EN + RU) → [`refine`] (what the examples settle) → [`ir`]; [`report`]
//! summarises a reading;
//! [`diff`] compares two readings. Then [`rust`] (names and Rust types over the IR) →
//! [`emit`] (the client crates); [`conformance`] keeps the books of the suite that checks
//! the docs' examples against them.
pub mod conformance;
pub mod diff;
pub mod emit;
pub mod extract;
pub mod fence;
pub mod frontmatter;
pub mod ir;
pub mod link;
pub mod merge;
pub mod openapi;
pub mod page;
pub mod refine;
pub mod report;
pub mod rust;
pub mod source;
pub mod yfm;

use extract::{PageKind, Stats};
use ir::{Ir, Lang};
use rayon::prelude::*;
use std::path::PathBuf;

/// One page's fate, for `report`.
#[derive(Debug, Clone)]
pub struct PageSummary {
    pub id: String,
    pub lang: Lang,
    pub kind: PageKind,
}

/// The IR plus what `report` needs to know about the reading.
#[derive(Debug, Default)]
pub struct Reading {
    pub ir: Ir,
    pub stats: Stats,
    pub pages: Vec<PageSummary>,
    /// (page, anchor) of in-page links that found no table.
    pub unresolved_links: Vec<(String, String)>,
    /// Types defined on other pages (see [`link`]).
    pub page_links: link::LinkStats,
    /// List rows and items given the entity type of their family's `get`.
    pub family_rows: usize,
}

/// Read one page file on its own (no EN/RU merge), e.g. for snapshots.
/// `root` is the folder its relative path starts from.
pub fn read_page(root: &std::path::Path, rel: &str) -> extract::PageResult {
    let file = source::PageFile {
        path: root.join(rel),
        rel: rel.to_string(),
        checkout: root.ends_with("api-reference"),
    };
    read_one(&file, &source::IncludeCache::default())
}

fn read_one(file: &source::PageFile, cache: &source::IncludeCache) -> extract::PageResult {
    match page::Page::read(file, cache) {
        Ok(p) => extract::extract(&p),
        Err(d) => extract::PageResult {
            id: d.page.clone(),
            rel: file.rel.clone(),
            lang: Lang::En,
            checkout: file.checkout,
            kind: PageKind::Other,
            extracted: extract::Extracted::Skipped,
            stats: Stats::default(),
            diagnostics: vec![d],
        },
    }
}

/// Where the real corpus is: `$B24_DOCS`, else `../shared/b24-docs` beside
/// the workspace. `None` when absent.
pub fn corpus_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("B24_DOCS") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/b24-docs"),
    };
    dir.join("en").is_dir().then_some(dir)
}

/// For corpus tests: the corpus, or `None` after printing that the test is
/// skipped. Under `CI=true` a missing corpus is a failure (panics).
pub fn corpus_or_skip(test: &str) -> Option<PathBuf> {
    match corpus_dir() {
        Some(d) => Some(d),
        None if std::env::var("CI").as_deref() == Ok("true") => {
            panic!(
                "{test}: the docs corpus is missing (../shared/b24-docs or $B24_DOCS) and CI=true"
            )
        }
        None => {
            println!("skipped: {test}: no docs corpus at ../shared/b24-docs or $B24_DOCS");
            None
        }
    }
}

/// Read doc trees (official checkouts or plain folders of pages) into the IR.
pub fn read_docs(dirs: &[PathBuf]) -> Ir {
    read(dirs).ir
}

/// Read doc trees, keeping the counters `report` prints.
pub fn read(dirs: &[PathBuf]) -> Reading {
    let mut diagnostics = Vec::new();
    let files = source::discover(dirs, &mut diagnostics);
    let cache = source::IncludeCache::default();
    let mut results: Vec<extract::PageResult> = files
        .par_iter()
        .map(|f| extract::overview(f).unwrap_or_else(|| read_one(f, &cache)))
        .collect();
    let page_links = link::resolve(&files, &mut results);
    let mut stats = Stats::default();
    let mut pages = Vec::with_capacity(results.len());
    let mut unresolved_links = Vec::new();
    for r in &results {
        stats.add(&r.stats);
        pages.push(PageSummary {
            id: r.id.clone(),
            lang: r.lang,
            kind: r.kind,
        });
        for a in &r.stats.unresolved {
            unresolved_links.push((r.id.clone(), a.clone()));
        }
    }
    let (mut methods, mut events, merge_diags) = merge::merge(results);
    let family_rows = link::families(&mut methods);
    let refined: Vec<Vec<ir::Diagnostic>> = methods.par_iter_mut().map(refine::method).collect();
    diagnostics.extend(refined.into_iter().flatten());
    events.iter_mut().for_each(refine::event);
    diagnostics.extend(merge_diags);
    diagnostics.sort();
    diagnostics.dedup();
    Reading {
        ir: Ir {
            schema: ir::SCHEMA_VERSION,
            methods,
            events,
            diagnostics,
        },
        stats,
        pages,
        unresolved_links,
        page_links,
        family_rows,
    }
}
