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

impl PageFile {
    /// The folder includes may read from: the docs directory (for a checkout, the parent of
    /// `api-reference/`, whose pages include `../../_includes/…`), else the page's folder tree.
    pub fn root(&self) -> PathBuf {
        let depth =
            self.rel.split('/').filter(|s| !s.is_empty()).count() + usize::from(self.checkout);
        self.path
            .ancestors()
            .nth(depth)
            .map(Path::to_path_buf)
            .unwrap_or_default()
    }
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

/// The largest file an include reads (the corpus' largest fragment is 35 KB).
pub const MAX_INCLUDE_BYTES: u64 = 1 << 20;
/// The most text a page may expand to through its includes (the corpus' largest page is 104 KB):
/// includes of includes, each a few times, multiply.
pub const MAX_EXPANDED_BYTES: usize = 8 << 20;
/// The most includes a page may expand (the corpus' pages have a few dozen): empty fragments
/// included many times over cost time without adding bytes.
pub const MAX_INCLUDES: usize = 4096;

impl IncludeCache {
    /// The normalised text of `path`, read once. `Err` says why it was not read.
    fn get(&self, path: &Path) -> Result<Arc<str>, String> {
        if let Ok(map) = self.files.read() {
            if let Some(hit) = map.get(path) {
                return hit.clone().ok_or_else(|| "include not found".to_string());
            }
        }
        let text = read_bounded(path, MAX_INCLUDE_BYTES)?.map(|t| Arc::<str>::from(normalize(&t)));
        if let Ok(mut map) = self.files.write() {
            map.insert(path.to_path_buf(), text.clone());
        }
        text.ok_or_else(|| "include not found".to_string())
    }
}

/// A regular file's text, at most `limit` bytes (no devices, FIFOs or directories); `Ok(None)`
/// when it does not exist.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Option<String>, String> {
    use std::io::Read;
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(_) => return Ok(None),
    };
    if !meta.is_file() {
        return Err("not a regular file".into());
    }
    if meta.len() > limit {
        return Err(format!("larger than {limit} bytes"));
    }
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > limit {
        return Err(format!("larger than {limit} bytes"));
    }
    Ok(Some(match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    }))
}

/// Where an include may be read from: a relative target inside `root` (`..` may climb no higher
/// than it, symbolic links may not lead out of it).
fn confine(root: &Path, base: &Path, target: &str) -> Result<PathBuf, String> {
    if target.is_empty() {
        return Err("no path".into());
    }
    if target.starts_with('/') || target.contains('\\') || target.contains(':') {
        return Err("the path is not relative".into());
    }
    let path = resolve_path(base, target);
    let root_lex = resolve_path(root, ".");
    if !path.starts_with(&root_lex) {
        return Err("it leaves the docs directory".into());
    }
    // Symbolic links: the real path must stay inside the real root too.
    if let (Ok(real), Ok(real_root)) = (path.canonicalize(), root.canonicalize()) {
        if !real.starts_with(&real_root) {
            return Err("it leaves the docs directory".into());
        }
    }
    Ok(path)
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
/// recursively; paths are relative to the including file and stay inside `root`.
/// A page growing past [`MAX_EXPANDED_BYTES`] fails as a whole (`Err`, an error diagnostic).
pub fn expand(
    text: &str,
    page: &Path,
    root: &Path,
    cache: &IncludeCache,
    page_id: &str,
    diags: &mut Vec<Diagnostic>,
) -> Result<Expanded, Diagnostic> {
    let mut out = Expanded {
        text: String::with_capacity(text.len() + 64),
        lines: Vec::new(),
        files: vec![page.to_path_buf()],
    };
    let mut cx = Cx {
        root,
        cache,
        page_id,
        diags,
        page_line: 0,
    };
    expand_into(text, page, 0, 0, &mut cx, &mut out)?;
    Ok(out)
}

struct Cx<'a> {
    root: &'a Path,
    cache: &'a IncludeCache,
    page_id: &'a str,
    diags: &'a mut Vec<Diagnostic>,
    /// The line of the page whose include is being expanded (diagnostics name it).
    page_line: u32,
}

fn expand_into(
    text: &str,
    file: &Path,
    file_idx: u32,
    depth: usize,
    cx: &mut Cx<'_>,
    out: &mut Expanded,
) -> Result<(), Diagnostic> {
    for (i, raw) in text.lines().enumerate() {
        let lineno = i as u32 + 1;
        if file_idx == 0 {
            cx.page_line = lineno;
        }
        let line = Some(cx.page_line);
        let too_big = if out.text.len() + raw.len() > MAX_EXPANDED_BYTES {
            Some(format!("more than {MAX_EXPANDED_BYTES} bytes"))
        } else if out.files.len() > MAX_INCLUDES {
            Some(format!("more than {MAX_INCLUDES} includes"))
        } else {
            None
        };
        if let Some(what) = too_big {
            return Err(Diagnostic {
                page: cx.page_id.to_string(),
                line,
                severity: Severity::Error,
                message: format!("the page expands to {what} through its includes; not read"),
            });
        }
        if let Some((target, notitle)) = parse_include(raw) {
            let base = file.parent().unwrap_or(Path::new("."));
            let page_id = cx.page_id;
            let report = |diags: &mut Vec<Diagnostic>, msg: String| {
                diags.push(Diagnostic {
                    page: page_id.to_string(),
                    line,
                    severity: Severity::Warning,
                    message: msg,
                })
            };
            if depth >= MAX_INCLUDE_DEPTH {
                report(cx.diags, format!("include nested too deep: {target}"));
                continue;
            }
            let body = confine(cx.root, base, &target)
                .and_then(|path| cx.cache.get(&path).map(|body| (path, body)));
            match body {
                Ok((path, body)) => {
                    let idx = out.files.len() as u32;
                    out.files.push(path.clone());
                    let body: &str = if notitle { strip_title(&body) } else { &body };
                    // Indentation of the directive applies to the included lines
                    // (includes inside list items / tabs).
                    let indent = &raw[..raw.len() - raw.trim_start().len()];
                    if indent.is_empty() {
                        expand_into(body, &path, idx, depth + 1, cx, out)?;
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
                        expand_into(&indented, &path, idx, depth + 1, cx, out)?;
                    }
                }
                Err(why) if why == "include not found" => {
                    report(cx.diags, format!("include not found: {target}"))
                }
                Err(why) => report(cx.diags, format!("include refused: {target}: {why}")),
            }
            continue;
        }
        out.push(raw, file_idx, lineno);
    }
    Ok(())
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
            &dir,
            &IncludeCache::default(),
            "en:page.md",
            &mut diags,
        )
        .unwrap();
        let lines: Vec<&str> = (0..e.len()).map(|i| e.line_text(i)).collect();
        assert_eq!(lines, ["P1", "A1", "B1", "P2"]);
        assert_eq!(e.page_line(3), Some(4));
        assert_eq!(e.page_line(1), None);
        assert_eq!(diags.len(), 1);
        assert!(diags[0].message.contains("missing.md"));
        assert_eq!(diags[0].line, Some(3));
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn page_roots() {
        let f = |path: &str, rel: &str, checkout| {
            PageFile {
                path: path.into(),
                rel: rel.into(),
                checkout,
            }
            .root()
        };
        assert_eq!(
            f("/d/en/api-reference/crm/x.md", "crm/x.md", true),
            PathBuf::from("/d/en")
        );
        assert_eq!(
            f("/d/src/crm/x.md", "crm/x.md", false),
            PathBuf::from("/d/src")
        );
    }

    /// Includes may not leave the docs directory (`..`, absolute paths, symbolic links), read
    /// devices, or grow a page without bound; each is a diagnostic and the rest goes on.
    #[test]
    fn hostile_includes_are_refused() {
        let dir = std::env::temp_dir().join(format!("b24gen-hostile-{}", std::process::id()));
        let root = dir.join("docs");
        std::fs::create_dir_all(root.join("api")).unwrap();
        std::fs::write(dir.join("secret.md"), "SECRET\n").unwrap();
        std::fs::write(root.join("ok.md"), "OK\n").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(dir.join("secret.md"), root.join("link.md")).unwrap();
        let page = root.join("api/page.md");
        let text = "P1\n\
            {% include [x](../../secret.md) %}\n\
            {% include [x](/etc/passwd) %}\n\
            {% include [x](../../../../../../../../dev/zero) %}\n\
            {% include [x](../link.md) %}\n\
            {% include [x](..) %}\n\
            {% include [x](../ok.md) %}\n\
            P2";
        let mut diags = Vec::new();
        let e = expand(
            text,
            &page,
            &root,
            &IncludeCache::default(),
            "en:page.md",
            &mut diags,
        )
        .unwrap();
        let lines: Vec<&str> = (0..e.len()).map(|i| e.line_text(i)).collect();
        assert_eq!(lines, ["P1", "OK", "P2"]);
        let messages: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
        let expected = if cfg!(unix) { 5 } else { 4 };
        assert_eq!(messages.len(), expected, "{messages:?}");
        assert!(
            messages[0].contains("leaves the docs directory"),
            "{messages:?}"
        );
        assert!(messages[1].contains("not relative"), "{messages:?}");
        assert!(
            messages[2].contains("leaves the docs directory"),
            "{messages:?}"
        );
        assert!(
            messages.iter().any(|m| m.contains("not a regular file")),
            "{messages:?}"
        );

        // A fragment including another four times, six deep: 4^6 copies of 4 KB is 16 MB.
        std::fs::write(root.join("f6.md"), format!("{}\n", "x".repeat(4 << 10))).unwrap();
        for i in (0..6).rev() {
            let next = format!("{{% include [x](f{}.md) %}}\n", i + 1);
            std::fs::write(root.join(format!("f{i}.md")), next.repeat(4)).unwrap();
        }
        let mut diags = Vec::new();
        let err = expand(
            "{% include [x](../f0.md) %}\n",
            &page,
            &root,
            &IncludeCache::default(),
            "en:page.md",
            &mut diags,
        )
        .unwrap_err();
        assert!(
            err.message.contains("more than 8388608 bytes"),
            "{}",
            err.message
        );
        assert_eq!(err.line, Some(1));
        // The same with empty fragments: bounded by the number of includes.
        std::fs::write(root.join("f6.md"), "").unwrap();
        let err = expand(
            "{% include [x](../f0.md) %}\n",
            &page,
            &root,
            &IncludeCache::default(),
            "en:page.md",
            &mut diags,
        )
        .unwrap_err();
        assert!(
            err.message.contains("more than 4096 includes"),
            "{}",
            err.message
        );
        std::fs::remove_dir_all(&dir).ok();
    }
}
