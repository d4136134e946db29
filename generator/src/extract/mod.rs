//! One page → IR: classify it (method, event, other), then read its
//! metadata, parameters, result, errors and examples.

mod errors;
pub use errors::{CODE_COLUMN_MESSAGES, CODE_COLUMN_STATUSES};
pub mod fields;
pub mod json;
pub mod tables;
pub mod text;
pub mod types;

use crate::ir::{
    Diagnostic, Event, Example, Examples, Field, Kind, Lang, Method, OneOf, Severity, Text,
};
use crate::page::Page;
use crate::yfm::Block;
use fields::FieldReader;
use regex::Regex;
use serde::Serialize;
use std::sync::LazyLock;

/// What a page is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PageKind {
    Method,
    Event,
    Index,
    Other,
}

/// Counters for `report`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Stats {
    /// Parameter rows whose page gives a type.
    pub typed_rows: u64,
    /// … of which resolve to a kind other than `any`.
    pub typed_resolved: u64,
    /// In-page sub-table links followed.
    pub links: u64,
    pub links_resolved: u64,
    #[serde(skip)]
    pub unresolved: Vec<String>,
    pub examples_parsed: u64,
    pub examples_cleaned: u64,
    pub examples_failed: u64,
    /// Field tables read after a section's main table (bold-titled groups, same columns).
    pub tables_continued: u64,
    /// Field tables read as variants (one per tab, merged as optional fields).
    pub tables_variants: u64,
    /// Result sections whose tabs give alternative results (read as a union `result`).
    pub result_tabs: u64,
}

impl Stats {
    pub fn add(&mut self, o: &Stats) {
        self.typed_rows += o.typed_rows;
        self.typed_resolved += o.typed_resolved;
        self.links += o.links;
        self.links_resolved += o.links_resolved;
        self.examples_parsed += o.examples_parsed;
        self.examples_cleaned += o.examples_cleaned;
        self.examples_failed += o.examples_failed;
        self.tables_continued += o.tables_continued;
        self.tables_variants += o.tables_variants;
        self.result_tabs += o.result_tabs;
    }
}

/// What one page contributed.
#[derive(Debug)]
pub enum Extracted {
    Method(Box<Method>),
    Event(Box<Event>),
    Skipped,
}

#[derive(Debug)]
pub struct PageResult {
    pub id: String,
    pub rel: String,
    pub lang: Lang,
    pub checkout: bool,
    pub kind: PageKind,
    pub extracted: Extracted,
    pub stats: Stats,
    pub diagnostics: Vec<Diagnostic>,
}

/// The H2 sections a page is cut into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sec {
    Intro,
    Params,
    Response,
    Errors,
    Examples,
    Handler,
    Other,
}

fn section_kind(title: &str) -> Sec {
    let t = title.trim().to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| t.contains(w));
    // `ошибк` (ошибка, ошибки) and `ошибок` (genitive plural: "Обработка ошибок").
    if has(&["error", "ошибк", "ошибок"]) {
        Sec::Errors
    } else if has(&["handler receives", "получает обработчик"]) {
        Sec::Handler
    } else if has(&[
        "response",
        "returned data",
        "ответ",
        "возвращаемые данные",
        "результат",
    ]) {
        Sec::Response
    } else if has(&["example", "пример"]) {
        Sec::Examples
    } else if has(&["parameter", "параметр"]) {
        Sec::Params
    } else {
        Sec::Other
    }
}

static METHOD_NAME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[a-z][a-zA-Z0-9_]*(\.[a-zA-Z0-9_]+)+$").expect("static regex"));
static EVENT_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(on[A-Z][A-Za-z0-9_]*|On[A-Z][A-Za-z0-9_]*|ON[A-Z0-9_]{3,}|[A-Z][A-Z0-9_]*(\.[A-Z0-9_]+){2,})$")
        .expect("static regex")
});
static INTRO_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:method|метод)\s+`([a-zA-Z0-9_.]+)`").expect("static regex")
});
static CALL_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?:callMethod|call|method:)\s*\(?\s*['"]([a-zA-Z0-9_.]+)['"]"#)
        .expect("static regex")
});
static ALIAS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:old method|старый метод)\s+`([a-zA-Z0-9_.]+)`\s*[—–-]\s*(?:an? )?(?:alias|алиас|псевдоним)")
        .expect("static regex")
});
static MD_LINK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\[`?([^\]`]+)`?\]\(([^)\s]+)\)").expect("static regex"));

/// `crm.deal.add` / `crm-deal-add.md` / `sale.order.getFields` in one form.
pub fn norm_name(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    let mut prev_lower = false;
    for c in s.chars() {
        if c.is_ascii_uppercase() && prev_lower {
            out.push('-');
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        match c {
            '.' | '_' => out.push('-'),
            c => out.push(c.to_ascii_lowercase()),
        }
    }
    out
}

fn stem(rel: &str) -> String {
    let base = rel.rsplit('/').next().unwrap_or(rel);
    let base = base
        .strip_suffix(".md")
        .or_else(|| base.strip_suffix(".txt"))
        .unwrap_or(base);
    base.strip_suffix("-rest-v3").unwrap_or(base).to_string()
}

fn clean_token(t: &str) -> &str {
    t.trim_matches(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.' || c == '*'))
}

/// Read one page.
pub fn extract(page: &Page) -> PageResult {
    let mut stats = Stats::default();
    let mut diagnostics = page.diagnostics.clone();
    let (kind, extracted) = classify_and_read(page, &mut stats, &mut diagnostics);
    PageResult {
        id: page.id.clone(),
        rel: page.rel.clone(),
        lang: page.lang,
        checkout: page.checkout,
        kind,
        extracted,
        stats,
        diagnostics,
    }
}

/// Overview pages (`index.md`) are never methods or events: they are
/// recorded without parsing them (a sixth of the corpus).
pub fn overview(file: &crate::source::PageFile) -> Option<PageResult> {
    let base = file.rel.rsplit('/').next().unwrap_or(&file.rel);
    if base != "index.md" || !file.checkout {
        return None;
    }
    let text = std::fs::read_to_string(&file.path).ok()?;
    let lang = crate::source::detect_lang(&text);
    let id = format!("{}:{}", lang.as_str(), file.rel);
    Some(PageResult {
        diagnostics: vec![Diagnostic {
            page: id.clone(),
            line: None,
            severity: Severity::Info,
            message: "not in the IR: overview (index) page".into(),
        }],
        id,
        rel: file.rel.clone(),
        lang,
        checkout: file.checkout,
        kind: PageKind::Index,
        extracted: Extracted::Skipped,
        stats: Stats::default(),
    })
}

/// The page's access lines: `> Scope: …` / `> Who can execute …` quotes, and
/// the older bold form `**Scope**: … | **Who can execute the method**: …`,
/// from the page or from any file it includes (older pages take them from a
/// local `_includes/scope-*.md`).
fn quote_lines(page: &Page) -> Vec<&str> {
    let e = &page.expanded;
    (0..e.len())
        .map(|i| e.line_text(i))
        .filter(|t| is_access_line(t))
        .collect()
}

fn is_access_line(line: &str) -> bool {
    let t = line.trim_start();
    if t.starts_with('>') {
        return true;
    }
    let Some(bold) = t.strip_prefix("**") else {
        return false;
    };
    let label = bold
        .get(..bold.len().min(24))
        .unwrap_or(bold)
        .to_lowercase();
    ["scope", "область", "who can", "кто может"]
        .iter()
        .any(|w| label.starts_with(w))
}

fn classify_and_read(
    page: &Page,
    stats: &mut Stats,
    diags: &mut Vec<Diagnostic>,
) -> (PageKind, Extracted) {
    let skip = |diags: &mut Vec<Diagnostic>, kind: PageKind, why: &str| {
        diags.push(Diagnostic {
            page: page.id.clone(),
            line: None,
            severity: Severity::Info,
            message: format!("not in the IR: {why}"),
        });
        (kind, Extracted::Skipped)
    };
    let base = page.rel.rsplit('/').next().unwrap_or(&page.rel);
    if base == "index.md" {
        return skip(diags, PageKind::Index, "overview (index) page");
    }
    let quotes = quote_lines(page);
    let lower_quotes: Vec<String> = quotes.iter().map(|q| q.to_lowercase()).collect();
    let subscribe = lower_quotes
        .iter()
        .any(|q| q.contains("who can subscribe") || q.contains("кто может подписаться"));
    let execute = lower_quotes
        .iter()
        .any(|q| q.contains("who can execute") || q.contains("кто может выполнять"));
    let scope_line = lower_quotes.iter().any(|q| q.contains("scope"));
    let title = page.title().map(|(t, _)| t).unwrap_or("");
    let title_tokens: Vec<&str> = title.split_whitespace().map(clean_token).collect();

    let event_token = title_tokens.iter().rev().find(|t| EVENT_NAME.is_match(t));
    let title_says_event = {
        let t = title.to_lowercase();
        t.contains("event") || t.contains("событи")
    };
    // Widget UI events (`callCardBeforeClose`) are JS callbacks, not webhooks.
    let ui_event = page.rel.starts_with("widgets/");
    if !ui_event
        && (subscribe
            || (event_token.is_some() && (page.rel.contains("/events/") || title_says_event)))
    {
        return match read_event(page, event_token.copied(), stats, diags) {
            Some(e) => (PageKind::Event, Extracted::Event(Box::new(e))),
            None => skip(diags, PageKind::Event, "event page without an event name"),
        };
    }

    let front_name = page.front.as_ref().and_then(|f| f.method.clone());
    let file_stem = stem(&page.rel);
    let Some(name) = front_name.or_else(|| method_name(page, &title_tokens, &file_stem)) else {
        return skip(
            diags,
            PageKind::Other,
            "no REST method name in the title or intro",
        );
    };
    if !(execute || scope_line || page.front.is_some()) {
        return skip(
            diags,
            PageKind::Other,
            &format!("names `{name}` but has no `Scope` / `Who can execute` line"),
        );
    }
    if page
        .front
        .as_ref()
        .and_then(|f| f.method.as_ref())
        .is_none()
    {
        if let Some(message) = name_conflict(page, &title_tokens, &file_stem, &name) {
            diags.push(Diagnostic {
                page: page.id.clone(),
                line: page.title().and_then(|(_, h1)| page.line(h1)),
                severity: Severity::Warning,
                message,
            });
        }
    }
    let m = read_method(page, name, stats, diags);
    (PageKind::Method, Extracted::Method(Box::new(m)))
}

/// What a diagnostic about a title naming another method says (`report` counts them).
pub const TITLE_NAMES_ANOTHER: &str = "the title names another method";

/// When the page's H1 names a method other than the one read (decided by the file name and
/// the examples' calls, see [`method_name`]): the evidence, for a diagnostic.
fn name_conflict(
    page: &Page,
    title_tokens: &[&str],
    file_stem: &str,
    name: &str,
) -> Option<String> {
    let in_title: Vec<&str> = title_tokens
        .iter()
        .copied()
        .filter(|t| METHOD_NAME.is_match(t))
        .collect();
    // Method names are case-insensitive: `landing.repowidget.getlist` is `getList`.
    if in_title.is_empty() || in_title.iter().any(|t| t.eq_ignore_ascii_case(name)) {
        return None;
    }
    let calls = page
        .blocks
        .iter()
        .filter_map(|b| match &b.block {
            Block::Code { text, .. } => Some(text),
            _ => None,
        })
        .flat_map(|t| CALL_NAME.captures_iter(t).map(|c| c[1].to_string()))
        .filter(|c| c == name)
        .count();
    let compact = |n: &str| norm_name(n).replace('-', "");
    let mut evidence = Vec::new();
    if compact(file_stem) == compact(name) {
        evidence.push("the file name".to_string());
    }
    if calls > 0 {
        evidence.push(format!("{calls} example call(s)"));
    }
    if evidence.is_empty() {
        evidence.push("the intro".to_string());
    }
    let titled: Vec<String> = in_title.iter().map(|t| format!("`{t}`")).collect();
    Some(format!(
        "{TITLE_NAMES_ANOTHER} ({}) than {} (`{name}`); read as `{name}`",
        titled.join(", "),
        evidence.join(" and ")
    ))
}

/// The method a page documents (FORMAT-NOTES §9.1).
fn method_name(page: &Page, title_tokens: &[&str], file_stem: &str) -> Option<String> {
    let stem_n = norm_name(file_stem);
    let from_title: Vec<&str> = title_tokens
        .iter()
        .copied()
        .filter(|t| METHOD_NAME.is_match(t))
        .collect();
    if let Some(t) = from_title.iter().find(|t| norm_name(t) == stem_n) {
        return Some(t.to_string());
    }
    // Intro sentence, an example call or an older page's
    // `{% note info "landing.landing.addblock" %}` heading, confirmed by the
    // file name.
    let mut others: Vec<String> = Vec::new();
    for b in &page.blocks {
        match &b.block {
            Block::NoteStart { title, .. } if METHOD_NAME.is_match(title.trim()) => {
                others.push(title.trim().to_string())
            }
            Block::Text(t) => others.extend(INTRO_NAME.captures_iter(t).map(|c| c[1].to_string())),
            Block::Code { text, .. } => {
                others.extend(CALL_NAME.captures_iter(text).map(|c| c[1].to_string()))
            }
            _ => {}
        }
    }
    // REST names are dotted lower-camel (`crm.deal.add`) or one lower-case
    // word (`methods`); `BX24.placement.call` or `CallCardClose` are JS SDK
    // commands.
    let rest_like =
        |n: &&String| METHOD_NAME.is_match(n) || n.chars().all(|c| c.is_ascii_lowercase());
    if let Some(n) = others
        .iter()
        .filter(rest_like)
        .find(|n| norm_name(n) == stem_n)
    {
        return Some(n.clone());
    }
    // Word breaks aside: `landing-landing-add-block.md` documents
    // `landing.landing.addblock` (the title first, then the rest).
    let compact = |n: &str| norm_name(n).replace('-', "");
    let stem_c = stem_n.replace('-', "");
    if let Some(t) = from_title.iter().find(|t| compact(t) == stem_c) {
        return Some(t.to_string());
    }
    // A title name the examples call wins over a spelling of the file name
    // (`task.item.addtofavorite` in `task-item-add-to-favourite.md`); one they
    // never call is a typo (`sale.status.delete` titling sale.status.getfields).
    if let Some(t) = from_title
        .iter()
        .rev()
        .find(|t| others.iter().any(|o| o == *t))
    {
        return Some(t.to_string());
    }
    if let Some(n) = others
        .iter()
        .filter(rest_like)
        .find(|n| compact(n) == stem_c)
    {
        return Some(n.clone());
    }
    if let Some(t) = from_title.last() {
        return Some(t.to_string());
    }
    // Single-word methods (`methods`, `scope`, `profile`): the title ends with the file name.
    let last = title_tokens.last().copied().unwrap_or("");
    (!last.is_empty() && last == file_stem && last.chars().all(|c| c.is_ascii_lowercase()))
        .then(|| last.to_string())
}

/// Block ranges of the H2 sections: (kind, heading block, end).
fn sections(page: &Page) -> Vec<(Sec, usize, usize)> {
    let mut out: Vec<(Sec, usize, usize)> = Vec::new();
    let mut cur = (Sec::Intro, 0usize);
    let mut parent_kind = Sec::Intro;
    for (i, b) in page.blocks.iter().enumerate() {
        if let Block::Heading { level, text, .. } = &b.block {
            // H2 starts a section; an H1 after the title (a typo for H2) too.
            let starts =
                *level == 2 || (*level == 1 && i > 0 && page.title().map(|t| t.1) != Some(i));
            // Old layout: `### Possible error codes` under "Response on error".
            let sub_errors = *level >= 3
                && section_kind(text) == Sec::Errors
                && parent_kind != Sec::Errors
                && text.to_lowercase().contains("code");
            if starts || sub_errors {
                out.push((cur.0, cur.1, i));
                let k = section_kind(text);
                cur = (k, i);
                if starts {
                    parent_kind = k;
                }
            }
        }
    }
    out.push((cur.0, cur.1, page.blocks.len()));
    out
}

fn scopes(page: &Page) -> Vec<String> {
    let mut out = Vec::new();
    for q in quote_lines(page) {
        // `**Scope**: `crm` | **Who can execute the method**: `any user``:
        // only a part labelled "Scope" names scopes (a "Who can execute" line
        // may mention a `scope` parameter).
        for part in q.split(" | ") {
            let label = part
                .trim_start_matches(|c: char| c == '>' || c == '*' || c.is_whitespace())
                .to_lowercase();
            if label.starts_with("scope") || label.starts_with("область") {
                scope_tokens(part, &mut out);
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The scopes of one `Scope:` part: the code spans of its links to the
/// scopes page when it has links (`module scope from `moduleId`` is prose),
/// else all its code spans.
fn scope_tokens(part: &str, out: &mut Vec<String>) {
    let mut linked = Vec::new();
    let mut rest = part;
    while let Some(i) = rest.find("](") {
        if let Some(j) = rest[..i].rfind('[') {
            linked.extend(types::tokens(&rest[j + 1..i]));
        }
        rest = &rest[i + 2..];
    }
    let tokens = if linked.is_empty() {
        types::tokens(part)
    } else {
        linked
    };
    for tok in tokens {
        for s in tok.split(',') {
            let s = s.trim();
            let s = if s == "базовый" { "basic" } else { s };
            if !s.is_empty() && !s.contains(' ') {
                out.push(s.to_string());
            }
        }
    }
}

const DEPRECATION_TITLES: &[&str] = &[
    "deprecated",
    "устарев",
    "halted",
    "discontinued",
    "остановлено",
];

/// (deprecated, replacement method).
fn deprecation(page: &Page) -> (bool, Option<String>) {
    let mut deprecated = page.rel.contains("outdated/") || page.rel.contains("deprecated/");
    let mut replacement = None;
    let mut in_note = false;
    for b in &page.blocks {
        match &b.block {
            Block::NoteStart { title, .. } => {
                let t = title.to_lowercase();
                in_note = DEPRECATION_TITLES.iter().any(|w| t.contains(w));
                deprecated |= in_note;
            }
            Block::NoteEnd => in_note = false,
            Block::Text(t) => {
                let lt = t.to_lowercase();
                if lt.contains("development of this method has been halted")
                    || lt.contains("развитие метода остановлено")
                {
                    deprecated = true;
                    in_note = true;
                }
                if in_note && replacement.is_none() {
                    replacement = MD_LINK
                        .captures_iter(t)
                        .map(|c| c[1].trim().to_string())
                        .find(|n| METHOD_NAME.is_match(n));
                }
            }
            Block::Heading { level: 2, .. } => in_note = false,
            _ => {}
        }
    }
    if let Some(f) = &page.front {
        if let Some(d) = f.deprecated {
            deprecated = d;
        }
    }
    (deprecated, replacement)
}

/// Title without the method name; first paragraph; the rest of the intro.
fn intro(page: &Page, name: &str) -> (String, String, String) {
    let (title, h1) = page.title().unwrap_or(("", 0));
    let title = title
        .split_whitespace()
        .filter(|t| clean_token(t) != name)
        .collect::<Vec<_>>()
        .join(" ");
    let mut paras = Vec::new();
    let mut in_note = 0u32;
    for b in page.blocks.iter().skip(h1 + 1) {
        match &b.block {
            Block::Heading { level, .. } if *level <= 2 => break,
            Block::NoteStart { .. } => in_note += 1,
            Block::NoteEnd => in_note = in_note.saturating_sub(1),
            Block::Text(t) if in_note == 0 && !t.trim_start().starts_with('>') => {
                paras.push(text::clean(t))
            }
            _ => {}
        }
    }
    let summary = paras.first().cloned().unwrap_or_default();
    let description = paras
        .iter()
        .skip(1)
        .cloned()
        .collect::<Vec<_>>()
        .join("\n\n");
    (title.trim().to_string(), summary, description)
}

fn read_method(
    page: &Page,
    name: String,
    stats: &mut Stats,
    diags: &mut Vec<Diagnostic>,
) -> Method {
    let lang = page.lang;
    let secs = sections(page);
    let (deprecated, replaced_by) = deprecation(page);
    let (title, summary, description) = intro(page, &name);
    // Older snapshots kept REST 3.0 pages in a `rest-v3/` folder.
    let rest3 = page.rel.ends_with("-rest-v3.md")
        || page.rel.starts_with("rest-v3/")
        || page.rel.contains("/rest-v3/")
        || page.blocks.iter().any(|b| match &b.block {
            Block::Text(t) => {
                t.contains("belongs to REST 3.0") || t.contains("относится к REST 3.0")
            }
            _ => false,
        });
    let mut aliases: Vec<String> = page
        .blocks
        .iter()
        .filter_map(|b| match &b.block {
            Block::Text(t) => Some(t),
            _ => None,
        })
        .flat_map(|t| {
            ALIAS
                .captures_iter(t)
                .map(|c| c[1].to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    let mut reader = FieldReader::new(page, stats);

    // Parameters: the params section's top table; older pages put it in the intro.
    let params_sec = secs
        .iter()
        .find(|s| s.0 == Sec::Params)
        .or_else(|| secs.iter().find(|s| s.0 == Sec::Intro));
    let mut params = Vec::new();
    let mut one_of = Vec::new();
    if let Some(&(_, from, to)) = params_sec {
        match call_variants(page, from, to, &mut reader) {
            Some((fields, sets)) => {
                params = fields;
                one_of.push(OneOf { sets });
            }
            None => params = reader.section(from, to, false).unwrap_or_default(),
        }
    }

    // Result: the returned-data table of the response section.
    let mut result = None;
    let mut paginated = false;
    if let Some(&(_, from, to)) = secs.iter().find(|s| s.0 == Sec::Response) {
        if let Some((r, p)) = tabbed_result(page, from, to, &mut reader) {
            result = Some(r);
            paginated = p;
        } else if let Some((idx, t, cols)) = fields::first_field_table(page, from, to) {
            let rows = reader.table(idx, t, cols);
            let (r, p) = result_from_rows(rows);
            result = r;
            paginated = p;
        }
    }
    let examples = examples(page, &name, &secs, reader.stats, diags);
    if let Some(v) = examples.responses.first().and_then(|e| e.json.as_object()) {
        paginated |= v.contains_key("total") || v.contains_key("next");
        if let Some(rj) = v.get("result") {
            let unstructured = match &result {
                None => true,
                Some(t) => match &t.kind {
                    Kind::Any => true,
                    Kind::Object { fields } => fields.is_empty(),
                    Kind::Array { item } => item.kind == Kind::Any,
                    _ => false,
                },
            };
            if unstructured {
                let mut inferred = json::infer_type(rj);
                if let Some(t) = &result {
                    inferred.doc.clone_from(&t.doc);
                    if t.kind == Kind::Any && !t.doc.is_empty() {
                        inferred = t.clone();
                    }
                }
                result = Some(inferred);
            }
        }
    }
    let mut errors = errors::read(page, &secs_of(&secs, Sec::Errors), &examples.errors, diags);
    errors::messages_from_examples(&mut errors, &examples.errors);

    let mut scopes = scopes(page);
    let mut rate = None;
    let mut pagination = None;
    if let Some(f) = &page.front {
        if let Some(s) = &f.scope {
            scopes = s.to_vec();
        }
        aliases.extend(f.aliases.iter().cloned());
        rate = f.rate_limit_per_sec;
        pagination = f.pagination.as_ref().map(yaml_scalar);
        if let Some(p) = f.params.as_ref() {
            let props = crate::frontmatter::schema_fields(p, lang);
            if !props.is_empty() {
                params = props;
            }
        }
        if let Some(r) = f.returns.as_ref() {
            let ty = crate::frontmatter::schema_type(r, lang);
            result = Some(match result.take() {
                Some(body)
                    if ty.fields().is_none_or(|f| f.is_empty())
                        && body.fields().is_some()
                        && ty.kind.name() == body.kind.name() =>
                {
                    body
                }
                _ => ty,
            });
        }
    }
    aliases.sort();
    aliases.dedup();
    Method {
        name,
        scopes,
        rest_version: if rest3 { 3 } else { 2 },
        deprecated,
        replaced_by,
        aliases,
        rate_limit_per_sec: rate,
        pagination,
        title: Text::new(lang, title),
        summary: Text::new(lang, summary),
        description: Text::new(lang, description),
        sources: vec![page.id.clone()],
        params,
        one_of,
        result,
        paginated,
        errors,
        examples,
    }
}

static CALL_VARIANTS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:ways|options|variants) (?:to|of|for) call|вариант\w* вызова")
        .expect("static regex")
});
static NUMBERED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\d+[.)] ").expect("static regex"));

/// A parameter section of call variants: "There are three ways to call the method." (or
/// numbered sub-headings), then under each sub-heading a table holding one complete set
/// (`vote.AttachedVote.*`). The fields of all variants (first reading kept), required only
/// where every variant requires them, and per variant the params it requires beyond those.
/// `None` for any other layout (a sub-heading without a table is a child table's or prose).
fn call_variants(
    page: &Page,
    from: usize,
    to: usize,
    reader: &mut FieldReader<'_>,
) -> Option<(Vec<Field>, Vec<Vec<String>>)> {
    let to = to.min(page.blocks.len());
    let heads: Vec<(usize, &str)> = (from + 1..to)
        .filter_map(|i| match &page.blocks[i].block {
            Block::Heading { level, text, .. } if *level >= 3 => Some((i, text.as_str())),
            _ => None,
        })
        .collect();
    let first = heads.first()?.0;
    if heads.len() < 2 {
        return None;
    }
    let announced = page.blocks[from + 1..first]
        .iter()
        .any(|b| matches!(&b.block, Block::Text(t) if CALL_VARIANTS.is_match(t)));
    let numbered = heads.iter().all(|(_, t)| NUMBERED.is_match(t.trim()));
    if !announced && !numbered {
        return None;
    }
    let mut variants: Vec<Vec<Field>> = Vec::new();
    for (k, &(h, _)) in heads.iter().enumerate() {
        let end = heads.get(k + 1).map_or(to, |n| n.0);
        match reader.section(h + 1, end, true) {
            Some(fs) if !fs.is_empty() => variants.push(fs),
            _ => return None,
        }
    }
    let mut merged: Vec<Field> = Vec::new();
    for f in variants.iter().flatten() {
        if !merged.iter().any(|m| m.name == f.name) {
            merged.push(f.clone());
        }
    }
    let required_by_all = |name: &str| {
        variants
            .iter()
            .all(|fs| fs.iter().any(|f| f.name == name && f.required))
    };
    for m in &mut merged {
        m.required = required_by_all(&m.name);
    }
    let sets = variants
        .iter()
        .map(|fs| {
            fs.iter()
                .filter(|f| f.required && !required_by_all(&f.name))
                .map(|f| f.name.clone())
                .collect()
        })
        .collect();
    Some((merged, sets))
}

fn yaml_scalar(v: &serde_yaml::Value) -> String {
    match v {
        serde_yaml::Value::String(s) => s.clone(),
        other => serde_yaml::to_string(other)
            .unwrap_or_default()
            .trim()
            .to_string(),
    }
}

fn secs_of(secs: &[(Sec, usize, usize)], k: Sec) -> Vec<(usize, usize)> {
    secs.iter()
        .filter(|s| s.0 == k)
        .map(|s| (s.1, s.2))
        .collect()
}

/// A result section whose field tables all sit in tabs of alternative results
/// (`calendar.event.update`: "Single Event" answers an id, "Recurring Event" an object) → a union
/// of the tabs' results, and paginated. The tabs' objects merge into one object (each field
/// optional, its docs naming the tabs that have it), as variant tables of a section do.
fn tabbed_result(
    page: &Page,
    from: usize,
    to: usize,
    reader: &mut FieldReader<'_>,
) -> Option<(crate::ir::Type, bool)> {
    let tables = tables::section_tables(page, from, to, false);
    let mut tabs: Vec<&str> = tables.iter().filter_map(|t| t.tab.as_deref()).collect();
    tabs.dedup();
    if tabs.len() < 2 || tables.iter().any(|t| t.tab.is_none()) {
        return None;
    }
    reader.stats.result_tabs += 1;
    let mut paginated = false;
    let mut alternatives: Vec<crate::ir::Type> = Vec::new();
    let mut objects: Vec<(String, Vec<Field>)> = Vec::new();
    for st in &tables {
        let rows = reader.table(st.idx, st.table, st.cols);
        let (r, p) = result_from_rows(rows);
        paginated |= p;
        match r {
            Some(crate::ir::Type {
                kind: Kind::Object { fields },
                ..
            }) if !fields.is_empty() => {
                objects.push((st.tab.clone().unwrap_or_default(), fields));
            }
            Some(t) if !alternatives.iter().any(|a| a.kind == t.kind) => alternatives.push(t),
            _ => {}
        }
    }
    if !objects.is_empty() {
        let fields = tables::merge_variants(objects, page.lang);
        alternatives.push(crate::ir::Type::new("object", Kind::Object { fields }));
    }
    let ty = match alternatives.len() {
        0 => return None,
        1 => alternatives.remove(0),
        _ => {
            let doc: Vec<&str> = alternatives.iter().map(|a| a.doc.as_str()).collect();
            let mut ty = crate::ir::Type::new(
                doc.join(" | "),
                Kind::Union {
                    variants: Vec::new(),
                },
            );
            ty.nullable = alternatives.iter().any(|a| a.nullable);
            ty.kind = Kind::Union {
                variants: alternatives,
            };
            ty
        }
    };
    Some((ty, paginated))
}

/// The top returned-data rows → (type of `result`, paginated).
fn result_from_rows(rows: Vec<Field>) -> (Option<crate::ir::Type>, bool) {
    let paginated = rows.iter().any(|f| f.name == "total" || f.name == "next");
    let meta = |n: &str| matches!(n, "time" | "total" | "next");
    match rows.iter().position(|f| f.name == "result") {
        Some(i) => {
            let mut rest = rows;
            let mut result = rest.remove(i);
            let siblings: Vec<Field> = rest.into_iter().filter(|f| !meta(&f.name)).collect();
            // Rows after a `result` without fields of its own are its fields. That holds for a
            // scalar `result` too: pages type the root loosely (`result` `boolean`, then `task`
            // `boolean` for `{"result": {"task": true}}`).
            let bare = match &result.ty.kind {
                Kind::Object { fields } => fields.is_empty(),
                Kind::Array { item } => item.fields().is_none_or(|f| f.is_empty()),
                Kind::Ref { .. } | Kind::Union { .. } => false,
                _ => true,
            };
            if bare && !siblings.is_empty() {
                fields::attach(&mut result.ty, siblings);
            }
            (Some(result.ty), paginated)
        }
        None => {
            let fields: Vec<Field> = rows.into_iter().filter(|f| !meta(&f.name)).collect();
            if fields.is_empty() {
                (None, paginated)
            } else {
                let ty = crate::ir::Type::new("object", Kind::Object { fields });
                (Some(ty), paginated)
            }
        }
    }
}

/// Request, response and error examples.
fn examples(
    page: &Page,
    name: &str,
    secs: &[(Sec, usize, usize)],
    stats: &mut Stats,
    diags: &mut Vec<Diagnostic>,
) -> Examples {
    let mut ex = Examples::default();
    for &(sec, from, to) in secs {
        let mut tab = String::new();
        // Under a heading with an explicit anchor (`### Structure department {#st_department}`,
        // which a type links to), a JSON block without `result` shows that type, not a response.
        let mut type_sample = false;
        for (i, b) in page.blocks[from..to].iter().enumerate() {
            let idx = from + i;
            match &b.block {
                Block::Heading { level, anchor, .. } => {
                    type_sample = *level >= 3 && anchor.is_some()
                }
                Block::Tab(t) => tab = t.to_lowercase(),
                Block::Code { lang, text } => match sec {
                    Sec::Response | Sec::Errors => {
                        let l = lang.to_lowercase();
                        if !(l.is_empty()
                            || l.starts_with("json")
                            || l == "js"
                            || l == "javascript")
                        {
                            continue;
                        }
                        match json::parse_tolerant(text) {
                            Some((v, cleaned)) => {
                                stats.examples_parsed += 1;
                                stats.examples_cleaned += cleaned as u64;
                                if sec == Sec::Response && type_sample && v.get("result").is_none()
                                {
                                    continue;
                                }
                                let is_err = v.get("error").is_some() && v.get("result").is_none();
                                let e = example(
                                    page,
                                    idx,
                                    if is_err { "error" } else { "response" },
                                    v,
                                    cleaned,
                                );
                                if is_err {
                                    ex.errors.push(e)
                                } else {
                                    ex.responses.push(e)
                                }
                            }
                            None => {
                                stats.examples_failed += 1;
                                diags.push(Diagnostic {
                                    page: page.id.clone(),
                                    line: page.line(idx),
                                    severity: Severity::Warning,
                                    message: "response example is not JSON even after clean-up"
                                        .into(),
                                });
                            }
                        }
                    }
                    _ => {
                        if let Some((source, body)) = request_body(lang, &tab, text, name) {
                            match json::parse_tolerant(&body) {
                                Some((mut v, cleaned)) if v.is_object() => {
                                    stats.examples_parsed += 1;
                                    stats.examples_cleaned += cleaned as u64;
                                    if let Some(o) = v.as_object_mut() {
                                        o.remove("auth");
                                    }
                                    if !ex.requests.iter().any(|e| e.json == v) {
                                        ex.requests.push(example(page, idx, source, v, cleaned));
                                    }
                                }
                                _ => stats.examples_failed += 1,
                            }
                        }
                    }
                },
                _ => {}
            }
        }
    }
    ex
}

fn request_body(lang: &str, tab: &str, code: &str, name: &str) -> Option<(&'static str, String)> {
    let l = lang.to_lowercase();
    if code.contains("curl ") || l == "bash" || l == "sh" || tab.starts_with("curl") {
        return json::curl_body(code).map(|b| ("curl", b));
    }
    let src = if l == "php" || tab.starts_with("php") {
        "php"
    } else if matches!(
        l.as_str(),
        "js" | "javascript" | "ts" | "typescript" | "html"
    ) || tab.contains("js")
    {
        "js"
    } else {
        return None;
    };
    json::call_params(code, name).map(|b| (src, b))
}

fn example(
    page: &Page,
    idx: usize,
    source: &str,
    json: serde_json::Value,
    cleaned: bool,
) -> Example {
    Example {
        page: page.id.clone(),
        line: page.line(idx),
        source: source.to_string(),
        json,
        cleaned,
    }
}

fn event_name_from_file(rel: &str) -> String {
    let s = stem(rel);
    let mut out = String::new();
    for (i, part) in s.split('-').enumerate() {
        let mut c = part.chars();
        if let Some(f) = c.next() {
            if i == 0 {
                out.push(f);
            } else {
                out.extend(f.to_uppercase());
            }
            out.push_str(c.as_str());
        }
    }
    out
}

fn read_event(
    page: &Page,
    title_token: Option<&str>,
    stats: &mut Stats,
    diags: &mut Vec<Diagnostic>,
) -> Option<Event> {
    let lang = page.lang;
    let secs = sections(page);
    let mut examples = Vec::new();
    let mut payload: Vec<Field> = Vec::new();
    let mut reader = FieldReader::new(page, stats);
    for &(sec, from, to) in &secs {
        if !matches!(sec, Sec::Handler | Sec::Params) {
            continue;
        }
        if payload.is_empty() {
            if let Some((idx, t, cols)) = fields::first_field_table(page, from, to) {
                payload = reader.table(idx, t, cols);
            }
        }
        for (i, b) in page.blocks[from..to].iter().enumerate() {
            if let Block::Code { text, .. } = &b.block {
                match json::parse_tolerant(text) {
                    Some((v, cleaned)) if v.is_object() => {
                        reader.stats.examples_parsed += 1;
                        examples.push(example(page, from + i, "payload", v, cleaned));
                    }
                    Some(_) => {}
                    None => {
                        reader.stats.examples_failed += 1;
                        diags.push(Diagnostic {
                            page: page.id.clone(),
                            line: page.line(from + i),
                            severity: Severity::Warning,
                            message: "event payload example is not JSON even after clean-up".into(),
                        });
                    }
                }
            }
        }
    }
    let name = title_token
        .map(str::to_string)
        .or_else(|| {
            examples.iter().find_map(|e| {
                e.json
                    .get("event")
                    .and_then(|v| v.as_str())
                    .map(str::to_string)
            })
        })
        .unwrap_or_else(|| event_name_from_file(&page.rel));
    if name.is_empty() {
        return None;
    }
    let (deprecated, _) = deprecation(page);
    let (title, summary, _) = intro(page, &name);
    Some(Event {
        name,
        scopes: scopes(page),
        deprecated,
        title: Text::new(lang, title),
        summary: Text::new(lang, summary),
        sources: vec![page.id.clone()],
        payload,
        examples,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_normalise_like_file_names() {
        assert_eq!(norm_name("sale.order.getFields"), "sale-order-get-fields");
        assert_eq!(norm_name("crm-deal-add"), "crm-deal-add");
        assert_eq!(norm_name("crm.deal.add"), norm_name("crm-deal-add"));
        assert_eq!(stem("tasks/tasks-task-get-rest-v3.md"), "tasks-task-get");
        assert_eq!(
            event_name_from_file("a/on-booking-update.md"),
            "onBookingUpdate"
        );
    }

    #[test]
    fn section_kinds() {
        assert_eq!(section_kind("Method Parameters"), Sec::Params);
        assert_eq!(section_kind("Параметры метода"), Sec::Params);
        assert_eq!(section_kind("Response Handling"), Sec::Response);
        assert_eq!(section_kind("Ответ в случае успеха"), Sec::Response);
        assert_eq!(section_kind("Response on error"), Sec::Errors);
        assert_eq!(section_kind("Error Handling  "), Sec::Errors);
        assert_eq!(section_kind("Обработка ошибок"), Sec::Errors);
        assert_eq!(section_kind("Code Examples"), Sec::Examples);
        assert_eq!(section_kind("What the Handler Receives"), Sec::Handler);
        assert_eq!(section_kind("Continue Learning"), Sec::Other);
    }
}
