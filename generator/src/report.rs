//! `b24gen report`: what was read and what was not.

use crate::extract::PageKind;
use crate::ir::{Field, Lang, Method, Severity};
use crate::Reading;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// lang → kind → pages.
    pub pages: BTreeMap<String, BTreeMap<PageKind, u64>>,
    pub methods: u64,
    pub distinct_method_names: u64,
    pub events: u64,
    pub methods_with_en_and_ru: u64,
    pub en_only_methods: Vec<String>,
    pub ru_only_methods: Vec<String>,
    pub param_rows_typed: u64,
    pub param_rows_resolved: u64,
    pub subtable_links: u64,
    pub subtable_links_resolved: u64,
    /// `page#anchor` of every in-page link that found no table.
    pub unresolved_links: Vec<String>,
    pub examples_parsed: u64,
    pub examples_cleaned: u64,
    pub examples_failed: u64,
    pub en_ru_disagreements: u64,
    /// Parameters only a request example shows (added as optional, `from_example`).
    pub params_from_examples: u64,
    /// Keys of request examples that misspell a documented parameter.
    pub request_example_typos: u64,
    /// Objects the docs leave unstructured (emitted as untyped JSON).
    pub unstructured_objects: u64,
    /// Other values the emitted client keeps as untyped JSON.
    pub untyped_values: u64,
    /// Both, by cause, most frequent first.
    pub untyped_by_cause: Vec<(String, u64)>,
    /// Type cells linking to a definition on another page, and how many were read.
    pub page_links: u64,
    pub page_links_resolved: u64,
    /// List rows and items given the entity type of their family's `get`.
    pub family_rows: u64,
    pub diagnostics: BTreeMap<Severity, u64>,
    /// The most frequent diagnostics (message with names blanked, count).
    pub top_diagnostics: Vec<(String, u64)>,
    /// Docs mistakes the conformance suite found (its reviewed exception list), to report
    /// upstream.
    pub docs_mistakes: Vec<crate::conformance::Exception>,
    /// The page layouts that were once dropped or left untyped (issue 15), so a docs release
    /// shows at a glance what is still unread.
    pub patterns: Patterns,
}

/// Counts of the reader's hard layouts: what was read, and what is still unread.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Patterns {
    /// 1. Field tables read after a section's main table (bold-titled groups).
    pub tables_continued: u64,
    /// 1. Field tables read as variants (one per tab).
    pub tables_variants: u64,
    /// 2. Rows typed `unknown` that the Example column or a call example settled.
    pub unknown_settled: u64,
    /// 2. Rows typed `unknown` still untyped.
    pub unknown_left: u64,
    /// 3. Union types in params / results (at any depth).
    pub unions_in_params: u64,
    pub unions_in_results: u64,
    /// 3. Unions without a common Rust type, by what the client makes of them: enums, the
    ///    one type of a single wire form, or `serde_json::Value` where no alternative has a
    ///    known form (keys such as `params enum integer|string`, `params value`).
    pub unions_emitted: BTreeMap<String, u64>,
    /// 3. Result sections giving alternative results in tabs (read as a union `result`).
    pub result_tabs: u64,
    /// 4. Error tables whose Code column holds message texts / HTTP statuses.
    pub code_column_messages: u64,
    pub code_column_statuses: u64,
    /// 5. Pages whose H1 names another method than the one read.
    pub title_names_another: u64,
    /// 6. REST 3 methods, their own error codes, and those with none but the system-wide.
    pub rest3_methods: u64,
    pub rest3_codes: u64,
    pub rest3_without_own_codes: u64,
}

impl Patterns {
    fn new(r: &Reading) -> Patterns {
        let ir = &r.ir;
        let count = |part: &str| {
            ir.diagnostics
                .iter()
                .filter(|d| d.message.contains(part))
                .count() as u64
        };
        let mut p = Patterns {
            tables_continued: r.stats.tables_continued,
            tables_variants: r.stats.tables_variants,
            result_tabs: r.stats.result_tabs,
            unknown_settled: count(crate::refine::unknown::SETTLED),
            code_column_messages: count(crate::extract::CODE_COLUMN_MESSAGES),
            code_column_statuses: count(crate::extract::CODE_COLUMN_STATUSES),
            title_names_another: count(crate::extract::TITLE_NAMES_ANOTHER),
            ..Patterns::default()
        };
        for m in &ir.methods {
            let (left, unions) = walk(&m.params);
            p.unknown_left += left;
            p.unions_in_params += unions;
            if let Some(r) = &m.result {
                let (left, unions) = walk_type(r);
                p.unknown_left += left;
                p.unions_in_results += unions;
            }
            if m.rest_version == 3 {
                let own = m.errors.iter().filter(|e| !e.system).count() as u64;
                p.rest3_methods += 1;
                p.rest3_codes += own;
                p.rest3_without_own_codes += u64::from(own == 0);
            }
        }
        p
    }
}

/// (rows typed `unknown` still `any`, unions) in fields at any depth.
fn walk(fields: &[Field]) -> (u64, u64) {
    fields.iter().fold((0, 0), |(l, u), f| {
        let (l2, u2) = walk_type(&f.ty);
        (l + l2, u + u2)
    })
}

fn walk_type(t: &crate::ir::Type) -> (u64, u64) {
    use crate::ir::Kind;
    let here = match &t.kind {
        Kind::Any if t.doc.trim().eq_ignore_ascii_case("unknown") => (1, 0),
        Kind::Union { variants } => variants.iter().fold((0, 1), |(l, u), v| {
            let (l2, u2) = walk_type(v);
            (l + l2, u + u2)
        }),
        Kind::Array { item } => walk_type(item),
        _ => (0, 0),
    };
    let (l, u) = t.fields().map_or((0, 0), |fs| match &t.kind {
        crate::ir::Kind::Object { .. } => walk(fs),
        _ => (0, 0),
    });
    (here.0 + l, here.1 + u)
}

/// Fields (at any depth) only a request example shows.
fn from_examples(fields: &[Field]) -> u64 {
    fields
        .iter()
        .map(|f| u64::from(f.from_example) + f.ty.fields().map_or(0, from_examples))
        .sum()
}

fn has_lang(m: &Method, lang: Lang) -> bool {
    let p = format!("{}:", lang.as_str());
    m.sources.iter().any(|s| s.starts_with(&p))
}

/// A message with its specifics (`names`, numbers) blanked, for grouping.
fn shape(message: &str) -> String {
    let mut out = String::new();
    let mut in_code = false;
    for c in message.chars() {
        if c == '`' {
            if !in_code {
                out.push_str("`…`");
            }
            in_code = !in_code;
            continue;
        }
        if !in_code {
            out.push(if c.is_ascii_digit() { '#' } else { c });
        }
    }
    out
}

impl Report {
    pub fn new(r: &Reading) -> Report {
        let mut pages: BTreeMap<String, BTreeMap<PageKind, u64>> = BTreeMap::new();
        for p in &r.pages {
            *pages
                .entry(p.lang.as_str().to_string())
                .or_default()
                .entry(p.kind)
                .or_default() += 1;
        }
        let ir = &r.ir;
        let mut names: Vec<&str> = ir.methods.iter().map(|m| m.name.as_str()).collect();
        names.dedup();
        let en_only = ir
            .methods
            .iter()
            .filter(|m| has_lang(m, Lang::En) && !has_lang(m, Lang::Ru))
            .map(|m| m.name.clone())
            .collect();
        let ru_only = ir
            .methods
            .iter()
            .filter(|m| has_lang(m, Lang::Ru) && !has_lang(m, Lang::En))
            .map(|m| m.name.clone())
            .collect();
        let both = ir
            .methods
            .iter()
            .filter(|m| {
                let t = |lang| m.title.get(lang).is_some() || m.summary.get(lang).is_some();
                t(Lang::En) && t(Lang::Ru)
            })
            .count() as u64;
        let mut diagnostics: BTreeMap<Severity, u64> = BTreeMap::new();
        let mut shapes: BTreeMap<String, u64> = BTreeMap::new();
        let mut disagreements = 0;
        let mut typos = 0;
        for d in &ir.diagnostics {
            if d.message.contains(crate::refine::requests::TYPO) {
                typos += 1;
            }
            *diagnostics.entry(d.severity).or_default() += 1;
            *shapes.entry(shape(&d.message)).or_default() += 1;
            if d.message.contains("differ") || d.message.contains("only in this language") {
                disagreements += 1;
            }
        }
        let mut top: Vec<(String, u64)> = shapes.into_iter().collect();
        top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        top.truncate(15);
        let s = &r.stats;
        let plan = crate::rust::plan(
            ir,
            &crate::rust::PlanOptions {
                crate_name: "bitrix24".into(),
                lang: crate::ir::Lang::En,
            },
        );
        let (unstructured, untyped, causes) = crate::emit::emitted_untyped(&plan);
        let emitted = &plan.stats;
        Report {
            pages,
            methods: ir.methods.len() as u64,
            distinct_method_names: names.len() as u64,
            events: ir.events.len() as u64,
            methods_with_en_and_ru: both,
            en_only_methods: en_only,
            ru_only_methods: ru_only,
            param_rows_typed: s.typed_rows,
            param_rows_resolved: s.typed_resolved,
            subtable_links: s.links,
            subtable_links_resolved: s.links_resolved,
            unresolved_links: {
                let mut v: Vec<String> = r
                    .unresolved_links
                    .iter()
                    .map(|(p, a)| format!("{p}{a}"))
                    .collect();
                v.sort();
                v
            },
            examples_parsed: s.examples_parsed,
            examples_cleaned: s.examples_cleaned,
            examples_failed: s.examples_failed,
            en_ru_disagreements: disagreements,
            params_from_examples: ir.methods.iter().map(|m| from_examples(&m.params)).sum(),
            request_example_typos: typos,
            unstructured_objects: unstructured as u64,
            untyped_values: untyped as u64,
            untyped_by_cause: {
                let mut v: Vec<(String, u64)> =
                    causes.iter().map(|(k, n)| (k.clone(), *n as u64)).collect();
                v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                v
            },
            page_links: r.page_links.followed,
            page_links_resolved: r.page_links.resolved,
            family_rows: r.family_rows as u64,
            diagnostics,
            top_diagnostics: top,
            docs_mistakes: Vec::new(),
            patterns: Patterns {
                unions_emitted: emitted
                    .unions
                    .iter()
                    .map(|(k, n)| (k.clone(), *n as u64))
                    .collect(),
                ..Patterns::new(r)
            },
        }
    }

    /// Adds the docs mistakes of the conformance suite's exception list.
    pub fn with_docs_mistakes(mut self, list: Vec<crate::conformance::Exception>) -> Report {
        self.docs_mistakes = list;
        self
    }

    /// Human-readable text.
    pub fn render(&self) -> String {
        let pct = |a: u64, b: u64| {
            if b == 0 {
                100.0
            } else {
                a as f64 * 100.0 / b as f64
            }
        };
        let mut o = String::new();
        for (lang, kinds) in &self.pages {
            let parts: Vec<String> = kinds.iter().map(|(k, n)| format!("{k:?} {n}")).collect();
            let _ = writeln!(o, "pages {lang}: {}", parts.join(", ").to_lowercase());
        }
        let _ = writeln!(
            o,
            "methods: {} ({} distinct names), events: {}",
            self.methods, self.distinct_method_names, self.events
        );
        let _ = writeln!(
            o,
            "methods with EN and RU text: {}",
            self.methods_with_en_and_ru
        );
        let _ = writeln!(
            o,
            "EN-only methods: {} {:?}",
            self.en_only_methods.len(),
            self.en_only_methods.iter().take(10).collect::<Vec<_>>()
        );
        let _ = writeln!(
            o,
            "RU-only methods: {} {:?}",
            self.ru_only_methods.len(),
            self.ru_only_methods.iter().take(10).collect::<Vec<_>>()
        );
        let _ = writeln!(
            o,
            "parameter rows typed: {}, resolved to a kind other than any: {} ({:.1} %)",
            self.param_rows_typed,
            self.param_rows_resolved,
            pct(self.param_rows_resolved, self.param_rows_typed)
        );
        let _ = writeln!(
            o,
            "sub-table links: {}, resolved: {} ({:.1} %)",
            self.subtable_links,
            self.subtable_links_resolved,
            pct(self.subtable_links_resolved, self.subtable_links)
        );
        let _ = writeln!(
            o,
            "examples parsed: {} ({} after clean-up), not parsed: {}",
            self.examples_parsed, self.examples_cleaned, self.examples_failed
        );
        let _ = writeln!(o, "EN/RU disagreements: {}", self.en_ru_disagreements);
        let _ = writeln!(
            o,
            "request examples: {} parameters only there (added as optional), {} keys misspelling a documented one",
            self.params_from_examples, self.request_example_typos
        );
        let _ = writeln!(
            o,
            "types defined on other pages: {} links, {} read ({:.1} %); {} list rows and items typed as their family's `get`",
            self.page_links,
            self.page_links_resolved,
            pct(self.page_links_resolved, self.page_links),
            self.family_rows
        );
        let _ = writeln!(
            o,
            "emitted as untyped JSON: {} unstructured objects, {} other values ({} in all), by cause:",
            self.unstructured_objects,
            self.untyped_values,
            self.unstructured_objects + self.untyped_values
        );
        for (cause, n) in &self.untyped_by_cause {
            let _ = writeln!(o, "  {n:>7}  {cause}");
        }
        let sev: Vec<String> = self
            .diagnostics
            .iter()
            .map(|(k, n)| format!("{k:?} {n}").to_lowercase())
            .collect();
        let _ = writeln!(o, "diagnostics: {}", sev.join(", "));
        let _ = writeln!(o, "most frequent diagnostics:");
        for (m, n) in &self.top_diagnostics {
            let _ = writeln!(o, "  {n:6}  {m}");
        }
        let p = &self.patterns;
        let _ = writeln!(o, "hard layouts (read / still unread):");
        let _ = writeln!(
            o,
            "  1 sections of several tables: {} group tables, {} variant tables read",
            p.tables_continued, p.tables_variants
        );
        let _ = writeln!(
            o,
            "  2 rows typed `unknown`: {} settled by samples or calls, {} still untyped",
            p.unknown_settled, p.unknown_left
        );
        let _ = writeln!(
            o,
            "  3 unions: {} in params, {} in results; result sections of alternative tabs: {}",
            p.unions_in_params, p.unions_in_results, p.result_tabs
        );
        for dir in ["params", "received"] {
            let sum = |what: &str| -> u64 {
                let prefix = format!("{dir} {what}");
                p.unions_emitted
                    .iter()
                    .filter(|(k, _)| k.starts_with(&prefix))
                    .map(|(_, n)| n)
                    .sum()
            };
            let _ = writeln!(
                o,
                "    {dir}: {} emitted as enums, {} as the type of their one form, {} kept as untyped JSON",
                sum("enum"),
                sum("single"),
                sum("value")
            );
        }
        for (k, n) in &p.unions_emitted {
            let _ = writeln!(o, "      {n:5}  {k}");
        }
        let _ = writeln!(
            o,
            "  4 error tables with a Code column of message texts: {}, of HTTP statuses: {}",
            p.code_column_messages, p.code_column_statuses
        );
        let _ = writeln!(
            o,
            "  5 titles naming another method: {}",
            p.title_names_another
        );
        let _ = writeln!(
            o,
            "  6 REST 3 methods: {}, own error codes read: {}, with system codes only: {}",
            p.rest3_methods, p.rest3_codes, p.rest3_without_own_codes
        );
        let _ = writeln!(
            o,
            "docs mistakes found by the conformance suite: {}",
            self.docs_mistakes.len()
        );
        for e in &self.docs_mistakes {
            let _ = writeln!(
                o,
                "  {} [{} {}] {}",
                e.place(),
                e.kind.as_str(),
                e.name,
                e.reason
            );
        }
        o
    }
}
