//! Rustdoc text from the docs' markdown.
//!
//! The docs' prose is CommonMark plus YFM leftovers; rustdoc reads CommonMark too, with three
//! traps this module removes: fenced blocks without a language (or tagged `rust`) would become
//! doctests, lines indented by four spaces would become indented (Rust) code blocks, and relative
//! `.md` links point nowhere once the text lives in a crate. Links are made absolute against the
//! official site when the page's path is known and reduced to their text otherwise.

use std::sync::OnceLock;

use proc_macro2::TokenStream;
use quote::quote;
use regex::Regex;

use crate::ir::{Lang, Text};

/// Official site of the reference per language.
pub fn site(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "https://apidocs.bitrix24.com/api-reference/",
        Lang::Ru => "https://apidocs.bitrix24.ru/api-reference/",
    }
}

/// The page path (relative to `api-reference/`) of `sources` in `lang`, else in the other
/// language, with the language it was found in.
pub fn page_of(sources: &[String], lang: Lang) -> Option<(Lang, &str)> {
    let find = |l: Lang| {
        let prefix = format!("{}:", l.as_str());
        sources
            .iter()
            .find_map(|s| s.strip_prefix(&prefix))
            .map(|p| (l, p.trim_start_matches("api-reference/")))
            // Only pages of the official tree have a page on the site: markdown under a section
            // folder (`crm/deals/crm-deal-add.md`); docs-src pages are flat or `.txt`.
            .filter(|(_, p)| p.ends_with(".md") && p.contains('/'))
    };
    let other = match lang {
        Lang::En => Lang::Ru,
        Lang::Ru => Lang::En,
    };
    find(lang).or_else(|| find(other))
}

/// The official URL of a page (`chats/messages/im-dialog-read.md`).
pub fn page_url(lang: Lang, page: &str) -> String {
    let html = page.strip_suffix(".md").unwrap_or(page);
    format!("{}{html}.html", site(lang))
}

/// Context for turning relative links absolute.
#[derive(Clone, Copy)]
pub struct LinkBase<'a> {
    pub lang: Lang,
    /// Page path relative to `api-reference/`, when known.
    pub page: Option<&'a str>,
}

fn link_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"\[([^\]\n]*)\]\(([^)\s]*)\)").expect("static regex"))
}

fn attr_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"\s*\{[.#][A-Za-z0-9_-]+\}").expect("static regex"))
}

/// Resolves `target` (relative to the page) to an official URL.
fn resolve(base: LinkBase<'_>, target: &str) -> Option<String> {
    if target.starts_with("http://") || target.starts_with("https://") {
        return Some(target.to_owned());
    }
    let page = base.page?;
    let (path, anchor) = match target.split_once('#') {
        Some((p, a)) => (p, Some(a)),
        None => (target, None),
    };
    let resolved = if path.is_empty() {
        page.to_owned()
    } else if let Some(abs) = path.strip_prefix("/api-reference/") {
        abs.to_owned()
    } else {
        let mut parts: Vec<&str> = page.split('/').collect();
        parts.pop();
        for seg in path.split('/') {
            match seg {
                "" | "." => {}
                ".." => {
                    parts.pop()?;
                }
                s => parts.push(s),
            }
        }
        parts.join("/")
    };
    let path = resolved
        .strip_suffix(".md")
        .or_else(|| resolved.strip_suffix(".html"))
        .unwrap_or(&resolved);
    let mut url = format!("{}{path}.html", site(base.lang));
    if let Some(a) = anchor.filter(|a| !a.is_empty()) {
        url.push('#');
        url.push_str(a);
    }
    Some(url)
}

/// Makes docs markdown safe and self-contained for rustdoc (see the module docs).
pub fn clean_markdown(text: &str, base: LinkBase<'_>) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::with_capacity(text.len());
    let mut fence: Option<String> = None;
    for raw in text.split('\n') {
        let line = raw.trim_end().replace('\t', "    ");
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if let Some(marker) = &fence {
            if crate::fence::closes(marker, trimmed) {
                fence = None;
                out.push_str(&" ".repeat(indent.min(3)));
                out.push_str(trimmed);
            } else {
                out.push_str(&line);
            }
            out.push('\n');
            continue;
        }
        if let Some(marker) = crate::fence::open(trimmed) {
            let marker = marker.to_owned();
            let info = trimmed[marker.len()..].trim();
            // Only a real opening fence (no closing marker on the same line).
            if !info.contains(marker.as_str()) {
                let lang = info.split_whitespace().next().unwrap_or("");
                let lang = match lang.to_ascii_lowercase().as_str() {
                    "" | "rust" | "rs" | "ignore" | "should_panic" | "no_run" | "compile_fail" => {
                        "text"
                    }
                    _ => lang,
                };
                out.push_str(&" ".repeat(indent.min(3)));
                out.push_str(&marker);
                out.push_str(lang);
                out.push('\n');
                fence = Some(marker);
                continue;
            }
        }
        let body = attr_re().replace_all(trimmed, "");
        let body = link_re().replace_all(&body, |c: &regex::Captures<'_>| {
            let label = &c[1];
            let target = &c[2];
            let label = if label.contains("{#T}") || label.trim().is_empty() {
                let stem = target.split('#').next().unwrap_or("");
                let stem = stem.rsplit('/').next().unwrap_or(stem);
                stem.trim_end_matches(".md").to_owned()
            } else {
                label.to_owned()
            };
            match resolve(base, target) {
                Some(url) => format!("[{label}]({url})"),
                None => label,
            }
        });
        out.push_str(&" ".repeat(indent.min(3)));
        out.push_str(&body);
        out.push('\n');
    }
    if let Some(marker) = fence {
        out.push_str(&marker);
        out.push('\n');
    }
    // Collapse runs of blank lines and trim the ends.
    let mut collapsed = String::with_capacity(out.len());
    let mut blank = 0;
    for line in out.trim().split('\n') {
        if line.trim().is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
        }
        collapsed.push_str(line);
        collapsed.push('\n');
    }
    collapsed.trim_end().to_owned()
}

/// The first paragraph on one line (for lists).
pub fn first_paragraph(text: &str) -> String {
    let para = text.split("\n\n").next().unwrap_or("");
    let mut s = String::new();
    for line in para.lines() {
        let l = line.trim();
        if crate::fence::open(l).is_some() {
            break;
        }
        if !s.is_empty() {
            s.push(' ');
        }
        s.push_str(l);
    }
    s
}

/// Text in `lang` (falling back to the other language), cleaned.
pub fn text(t: &Text, base: LinkBase<'_>) -> Option<String> {
    t.prefer(base.lang)
        .map(|s| clean_markdown(s, base))
        .filter(|s| !s.is_empty())
}

/// The doc texts of one file being emitted.
///
/// Doc text does not go through quote/syn/prettyplease: an attribute carries a short placeholder
/// (`\u{E000}<n>`) and [`DocTable::expand`] puts the lines in after printing. This keeps the
/// long prose out of the token trees (about 40 % of the output) and is byte-identical to
/// printing one `#[doc]` per line. One table per file, passed to whatever emits its items.
#[derive(Debug, Default)]
pub struct DocTable {
    texts: std::cell::RefCell<Vec<String>>,
}

/// The placeholder prefix (a private-use character never found in the docs' text).
const PLACEHOLDER: char = '\u{E000}';

impl DocTable {
    fn placeholder(&self, doc: &str) -> String {
        let doc = doc.replace(PLACEHOLDER, "");
        let mut d = self.texts.borrow_mut();
        d.push(doc);
        format!(" {PLACEHOLDER}{}", d.len() - 1)
    }

    /// An outer doc attribute (printed as `///` lines).
    pub fn outer(&self, doc: &str) -> TokenStream {
        let p = self.placeholder(doc);
        quote!(#[doc = #p])
    }

    /// An inner doc attribute (printed as `//!` lines).
    pub fn inner(&self, doc: &str) -> TokenStream {
        let p = self.placeholder(doc);
        quote!(#![doc = #p])
    }

    /// Every text the table holds, in order (to compare two items' docs).
    pub fn texts(&self) -> Vec<String> {
        self.texts.borrow().clone()
    }

    /// Replaces the placeholder lines of the printed file with the doc lines they stand for.
    pub fn expand(&self, printed: &str) -> String {
        let docs = self.texts.borrow();
        let mut out =
            String::with_capacity(printed.len() + docs.iter().map(String::len).sum::<usize>() * 2);
        for line in printed.split_inclusive('\n') {
            let trimmed = line.trim_start();
            let indent = &line[..line.len() - trimmed.len()];
            let found = ["/// ", "//! "].iter().find_map(|p| {
                let rest = trimmed.strip_prefix(p)?.strip_prefix(PLACEHOLDER)?;
                let n: usize = rest.trim_end().parse().ok()?;
                Some((&p[..3], docs.get(n)?))
            });
            match found {
                Some((prefix, text)) => {
                    for l in text.split('\n') {
                        out.push_str(indent);
                        out.push_str(prefix);
                        if !l.is_empty() {
                            out.push(' ');
                            out.push_str(l);
                        }
                        out.push('\n');
                    }
                }
                None => out.push_str(line),
            }
        }
        out
    }
}

/// A string for inline code: backticks inside become quotes.
pub fn code(s: &str) -> String {
    format!("`{}`", s.replace('`', "'").replace(['\n', '\r'], " "))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: LinkBase<'static> = LinkBase {
        lang: Lang::En,
        page: Some("crm/deals/crm-deal-add.md"),
    };

    #[test]
    fn fences_never_become_doctests() {
        let s = clean_markdown(
            "a\n```\nlet x = 1;\n```\n```rust\nx\n```\n```json\n{}\n```",
            BASE,
        );
        assert_eq!(
            s,
            "a\n```text\nlet x = 1;\n```\n```text\nx\n```\n```json\n{}\n```"
        );
    }

    #[test]
    fn indentation_is_capped_below_a_code_block() {
        let s = clean_markdown("- a\n        - b\n\tc", BASE);
        assert_eq!(s, "- a\n   - b\n   c");
    }

    #[test]
    fn links_become_absolute_or_text() {
        let s = clean_markdown(
            "[fields](#fields), [x](../../data-types.md), [{#T}](./crm-deal-get.md) [y](https://e.x/)",
            BASE,
        );
        assert_eq!(
            s,
            "[fields](https://apidocs.bitrix24.com/api-reference/crm/deals/crm-deal-add.html#fields), \
             [x](https://apidocs.bitrix24.com/api-reference/data-types.html), \
             [crm-deal-get](https://apidocs.bitrix24.com/api-reference/crm/deals/crm-deal-get.html) [y](https://e.x/)"
        );
        let nopage = LinkBase {
            lang: Lang::Ru,
            page: None,
        };
        assert_eq!(
            clean_markdown("see [x](../a.md) {#anchor}", nopage),
            "see x"
        );
    }

    #[test]
    fn doc_placeholders_expand_to_indented_lines() {
        let docs = DocTable::default();
        let a = docs.outer("first\n\nthird");
        let b = docs.inner("crate");
        let file: syn::File = syn::parse2(quote! { #b mod m { #a pub struct S; } }).unwrap();
        let printed = prettyplease::unparse(&file);
        assert_eq!(
            docs.expand(&printed),
            "//! crate\nmod m {\n    /// first\n    ///\n    /// third\n    pub struct S;\n}\n"
        );
    }

    #[test]
    fn page_urls_follow_the_language() {
        let src = vec!["ru:chats/a.md".to_owned(), "en:chats/a.md".to_owned()];
        assert_eq!(page_of(&src, Lang::En), Some((Lang::En, "chats/a.md")));
        assert_eq!(
            page_url(Lang::Ru, "chats/a.md"),
            "https://apidocs.bitrix24.ru/api-reference/chats/a.html"
        );
        assert_eq!(page_of(&["docs-src/x.txt".to_owned()], Lang::En), None);
    }
}
