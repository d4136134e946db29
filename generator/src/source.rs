//! Finding pages, detecting their language and expanding `{% include %}`.
//!
//! A docs directory is either an official checkout (it has `api-reference/`;
//! pages are the `.md` files under it, fragments in `_include(s)/` folders are
//! only read through includes) or a plain folder of pages (`.md` / `.txt`).

use crate::ir::{Diagnostic, Lang, Severity};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

/// A page found on disk, not read yet.
#[derive(Debug, Clone)]
pub struct PageFile {
    pub path: PathBuf,
    /// Path relative to `api-reference/` (checkouts) or to the folder (plain).
    pub rel: String,
    /// From an official checkout (paths pair EN with RU).
    pub checkout: bool,
}

/// One source line after include expansion, with where it came from.
#[derive(Debug, Clone, Copy)]
pub struct Line {
    /// Byte range in [`Expanded::text`].
    pub start: u32,
    pub end: u32,
    /// Index into [`Expanded::files`].
    pub file: u32,
    /// 1-based line in that file.
    pub line: u32,
}

/// A page's text with every include expanded, line by line (one buffer,
/// so expansion allocates per page, not per line).
#[derive(Debug, Clone, Default)]
pub struct Expanded {
    pub text: String,
    pub lines: Vec<Line>,
    /// `files[0]` is the page itself, then the included files.
    pub files: Vec<PathBuf>,
}

impl Expanded {
    /// Lines of a plain text, all from `files[0]`.
    pub fn from_text(text: &str) -> Expanded {
        let mut e = Expanded {
            text: String::with_capacity(text.len() + 1),
            lines: Vec::new(),
            files: vec![PathBuf::new()],
        };
        for (i, l) in text.lines().enumerate() {
            e.push(l, 0, i as u32 + 1);
        }
        e
    }

    fn push(&mut self, line: &str, file: u32, lineno: u32) {
        let start = self.text.len() as u32;
        self.text.push_str(line);
        let end = self.text.len() as u32;
        self.text.push('\n');
        self.lines.push(Line {
            start,
            end,
            file,
            line: lineno,
        });
    }

    /// The text of line `idx` (without its newline).
    pub fn line_text(&self, idx: usize) -> &str {
        self.lines
            .get(idx)
            .map(|l| &self.text[l.start as usize..l.end as usize])
            .unwrap_or("")
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Line number in the page itself (`None` for lines from an include).
    pub fn page_line(&self, idx: usize) -> Option<u32> {
        self.lines
            .get(idx)
            .and_then(|l| (l.file == 0).then_some(l.line))
    }
}

/// Find the pages of every directory, sorted by path.
pub fn discover(dirs: &[PathBuf], diags: &mut Vec<Diagnostic>) -> Vec<PageFile> {
    let mut out = Vec::new();
    for dir in dirs {
        let api = dir.join("api-reference");
        let (root, checkout) = if api.is_dir() {
            (api, true)
        } else {
            (dir.clone(), false)
        };
        if !root.is_dir() {
            diags.push(Diagnostic {
                page: dir.display().to_string(),
                line: None,
                severity: Severity::Error,
                message: "docs directory not found".into(),
            });
            continue;
        }
        let mut files = Vec::new();
        walk(&root, &mut files, diags);
        files.sort();
        for path in files {
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            let is_page = ext == "md" || (!checkout && ext == "txt");
            if !is_page {
                continue;
            }
            let rel = path
                .strip_prefix(&root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            if is_fragment(&rel) {
                continue;
            }
            if !checkout && rel.eq_ignore_ascii_case("readme.md") {
                continue;
            }
            out.push(PageFile {
                path,
                rel,
                checkout,
            });
        }
    }
    out
}

fn is_fragment(rel: &str) -> bool {
    rel.split('/')
        .any(|seg| seg == "_include" || seg == "_includes")
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>, diags: &mut Vec<Diagnostic>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            diags.push(Diagnostic {
                page: dir.display().to_string(),
                line: None,
                severity: Severity::Error,
                message: format!("cannot list directory: {e}"),
            });
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        match entry.file_type() {
            Ok(t) if t.is_dir() => walk(&path, out, diags),
            Ok(_) => out.push(path),
            Err(_) => {}
        }
    }
}

/// Detect the language of a page from its prose (code fences skipped).
pub fn detect_lang(text: &str) -> Lang {
    let mut fences = crate::fence::Tracker::default();
    let (mut cyr, mut lat) = (0usize, 0usize);
    for line in text.lines() {
        if fences.line(line) != crate::fence::Line::Text {
            continue;
        }
        // Bytes, not chars: a letter of U+0400..=U+04FF is the one UTF-8 sequence led by
        // 0xD0..=0xD3.
        for &b in line.as_bytes() {
            if (0xD0..=0xD3).contains(&b) {
                cyr += 1;
            } else if b.is_ascii_alphabetic() {
                lat += 1;
            }
        }
        if cyr >= 20 {
            return Lang::Ru;
        }
    }
    if cyr >= 20 || (cyr > 0 && cyr * 10 >= lat) {
        Lang::Ru
    } else {
        Lang::En
    }
}

/// Shared cache of include files (the system-errors fragment is included by
/// ~1,500 pages per language).
#[derive(Debug, Default, Clone)]
pub struct IncludeCache {
    files: Arc<RwLock<HashMap<PathBuf, Option<Arc<str>>>>>,
}

impl IncludeCache {
    fn get(&self, path: &Path) -> Option<Arc<str>> {
        if let Ok(map) = self.files.read() {
            if let Some(hit) = map.get(path) {
                return hit.clone();
            }
        }
        let text = std::fs::read_to_string(path)
            .ok()
            .map(|t| Arc::<str>::from(normalize(&t)));
        if let Ok(mut map) = self.files.write() {
            map.insert(path.to_path_buf(), text.clone());
        }
        text
    }
}

/// Normalise line endings and NBSP so later stages see one form.
pub fn normalize(text: &str) -> String {
    let t = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut s = if t.contains('\r') {
        t.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        t.to_string()
    };
    if s.contains('\u{a0}') {
        s = s.replace('\u{a0}', " ");
    }
    s
}

const MAX_INCLUDE_DEPTH: usize = 8;

/// Expand `{% include [..](path) %}` (and `{% include notitle [..](path) %}`)
/// recursively; paths are relative to the including file.
pub fn expand(
    text: &str,
    page: &Path,
    cache: &IncludeCache,
    page_id: &str,
    diags: &mut Vec<Diagnostic>,
) -> Expanded {
    let mut out = Expanded {
        text: String::with_capacity(text.len() + 64),
        lines: Vec::new(),
        files: vec![page.to_path_buf()],
    };
    expand_into(text, page, 0, 0, cache, page_id, diags, &mut out);
    out
}

#[allow(clippy::too_many_arguments)]
fn expand_into(
    text: &str,
    file: &Path,
    file_idx: u32,
    depth: usize,
    cache: &IncludeCache,
    page_id: &str,
    diags: &mut Vec<Diagnostic>,
    out: &mut Expanded,
) {
    for (i, raw) in text.lines().enumerate() {
        let lineno = i as u32 + 1;
        if let Some((target, notitle)) = parse_include(raw) {
            let base = file.parent().unwrap_or(Path::new("."));
            let path = resolve_path(base, &target);
            let report = |diags: &mut Vec<Diagnostic>, msg: String| {
                diags.push(Diagnostic {
                    page: page_id.to_string(),
                    line: (file_idx == 0).then_some(lineno),
                    severity: Severity::Warning,
                    message: msg,
                })
            };
            if depth >= MAX_INCLUDE_DEPTH {
                report(diags, format!("include nested too deep: {target}"));
                continue;
            }
            match cache.get(&path) {
                Some(body) => {
                    let idx = out.files.len() as u32;
                    out.files.push(path.clone());
                    let body: &str = if notitle { strip_title(&body) } else { &body };
                    // Indentation of the directive applies to the included lines
                    // (includes inside list items / tabs).
                    let indent = &raw[..raw.len() - raw.trim_start().len()];
                    if indent.is_empty() {
                        expand_into(body, &path, idx, depth + 1, cache, page_id, diags, out);
                    } else {
                        let indented: String = body
                            .lines()
                            .map(|l| {
                                if l.is_empty() {
                                    "\n".to_string()
                                } else {
                                    format!("{indent}{l}\n")
                                }
                            })
                            .collect();
                        expand_into(&indented, &path, idx, depth + 1, cache, page_id, diags, out);
                    }
                }
                None => report(diags, format!("include not found: {target}")),
            }
            continue;
        }
        out.push(raw, file_idx, lineno);
    }
}

/// The text without its first heading line (`notitle`).
fn strip_title(body: &str) -> &str {
    let trimmed = body.trim_start_matches('\n');
    if trimmed.starts_with('#') && !trimmed.starts_with("#|") {
        match trimmed.find('\n') {
            Some(i) => &trimmed[i + 1..],
            None => "",
        }
    } else {
        body
    }
}

/// `{% include [title](path) %}` → (path, notitle).
fn parse_include(line: &str) -> Option<(String, bool)> {
    let t = line.trim();
    let rest = t.strip_prefix("{%")?.trim_start();
    let rest = rest.strip_prefix("include")?;
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let rest = rest.trim_start();
    let (notitle, rest) = match rest.strip_prefix("notitle") {
        Some(r) => (true, r.trim_start()),
        None => (false, rest),
    };
    let open = rest.find("](")?;
    let after = &rest[open + 2..];
    let close = after.find(')')?;
    let target = after[..close].trim();
    let target = target.split('#').next().unwrap_or(target);
    Some((target.to_string(), notitle))
}

/// Join a relative path lexically (so `./../x` works without the file existing).
pub fn resolve_path(base: &Path, rel: &str) -> PathBuf {
    let mut out = base.to_path_buf();
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            s => out.push(s),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn include_directive_forms() {
        assert_eq!(
            parse_include("{% include [Note](../../_includes/required.md) %}"),
            Some(("../../_includes/required.md".into(), false))
        );
        assert_eq!(
            parse_include("  {% include notitle [x](./../a.md) %}"),
            Some(("./../a.md".into(), true))
        );
        assert_eq!(parse_include("{% includes [x](a.md) %}"), None);
        assert_eq!(parse_include("text {% include [x](a.md) %}"), None);
    }

    #[test]
    fn path_resolution_is_lexical() {
        let p = resolve_path(Path::new("/d/api/crm/deals"), "./../../../_includes/x.md");
        assert_eq!(p, PathBuf::from("/d/_includes/x.md"));
    }

    #[test]
    fn language_from_prose_not_code() {
        assert_eq!(detect_lang("# Title\nThe method `x` does y."), Lang::En);
        assert_eq!(
            detect_lang("# Заголовок\nМетод `x` делает что-то полезное."),
            Lang::Ru
        );
        assert_eq!(
            detect_lang("# Title\nText.\n```\n// комментарий на русском языке тут длинный\n```\n"),
            Lang::En
        );
    }

    #[test]
    fn expands_nested_includes_with_origins() {
        let dir = std::env::temp_dir().join(format!("b24gen-src-{}", std::process::id()));
        let inc = dir.join("_includes");
        std::fs::create_dir_all(&inc).unwrap();
        std::fs::write(inc.join("a.md"), "# A title\nA1\n{% include [b](b.md) %}\n").unwrap();
        std::fs::write(inc.join("b.md"), "B1\n").unwrap();
        let page = dir.join("page.md");
        let text =
            "P1\n{% include notitle [a](_includes/a.md) %}\n{% include [m](missing.md) %}\nP2";
        let mut diags = Vec::new();
        let e = expand(
            text,
            &page,
            &IncludeCache::default(),
            "en:page.md",
            &mut diags,
        );
        let lines: Vec<&str> = (0..e.len()).map(|i| e.line_text(i)).collect();
        assert_eq!(lines, ["P1", "A1", "B1", "P2"]);
        assert_eq!(e.page_line(3), Some(4));
        assert_eq!(e.page_line(1), None);
        assert_eq!(diags.len(), 1);
        assert!(diags[0].message.contains("missing.md"));
        assert_eq!(diags[0].line, Some(3));
        std::fs::remove_dir_all(&dir).ok();
    }
}
