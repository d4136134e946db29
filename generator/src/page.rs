//! One page: front-matter, blocks, sections and anchors.

use crate::ir::{Diagnostic, Lang, Severity};
use crate::source::{self, Expanded, IncludeCache, PageFile};
use crate::yfm::{self, Block, Spanned, Table};
use serde::Deserialize;
use std::collections::HashMap;

/// The largest page file read.
const MAX_PAGE_BYTES: u64 = 16 << 20;

/// YAML front-matter of the older pages.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct FrontMatter {
    pub method: Option<String>,
    #[serde(default)]
    pub scope: Option<OneOrMany>,
    #[serde(default)]
    pub deprecated: Option<bool>,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub rate_limit_per_sec: Option<f64>,
    #[serde(default, deserialize_with = "bounded_yaml")]
    pub pagination: Option<serde_yaml::Value>,
    #[serde(default, deserialize_with = "bounded_json")]
    pub params: Option<serde_json::Value>,
    #[serde(default, deserialize_with = "bounded_json")]
    pub returns: Option<serde_json::Value>,
}

/// The most nodes one front-matter value may expand to, YAML aliases included (the docs' have
/// a few dozen; "billion laughs" has 10^9).
const MAX_FRONT_MATTER_NODES: usize = 100_000;

fn bounded_json<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<serde_json::Value>, D::Error> {
    let mut budget = MAX_FRONT_MATTER_NODES;
    let v = serde::de::DeserializeSeed::deserialize(Budget(&mut budget), d)?;
    Ok((!v.is_null()).then_some(v))
}

fn bounded_yaml<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<serde_yaml::Value>, D::Error> {
    use serde::de::Error;
    match bounded_json(d)? {
        Some(v) => serde_yaml::to_value(v).map(Some).map_err(D::Error::custom),
        None => Ok(None),
    }
}

/// Builds a JSON value, failing once it has more than its budget of nodes.
struct Budget<'b>(&'b mut usize);

impl Budget<'_> {
    fn take<E: serde::de::Error>(&mut self) -> Result<(), E> {
        if *self.0 == 0 {
            return Err(E::custom(format!(
                "a value expands to more than {MAX_FRONT_MATTER_NODES} nodes (YAML aliases?)"
            )));
        }
        *self.0 -= 1;
        Ok(())
    }
}

impl<'de> serde::de::DeserializeSeed<'de> for Budget<'_> {
    type Value = serde_json::Value;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Budget<'_> {
    type Value = serde_json::Value;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a YAML value")
    }
    fn visit_bool<E: serde::de::Error>(mut self, v: bool) -> Result<Self::Value, E> {
        self.take()?;
        Ok(v.into())
    }
    fn visit_i64<E: serde::de::Error>(mut self, v: i64) -> Result<Self::Value, E> {
        self.take()?;
        Ok(v.into())
    }
    fn visit_u64<E: serde::de::Error>(mut self, v: u64) -> Result<Self::Value, E> {
        self.take()?;
        Ok(v.into())
    }
    fn visit_f64<E: serde::de::Error>(mut self, v: f64) -> Result<Self::Value, E> {
        self.take()?;
        Ok(serde_json::Number::from_f64(v).map_or(serde_json::Value::Null, Into::into))
    }
    fn visit_str<E: serde::de::Error>(mut self, v: &str) -> Result<Self::Value, E> {
        self.take()?;
        Ok(v.into())
    }
    fn visit_string<E: serde::de::Error>(mut self, v: String) -> Result<Self::Value, E> {
        self.take()?;
        Ok(v.into())
    }
    fn visit_unit<E: serde::de::Error>(mut self) -> Result<Self::Value, E> {
        self.take()?;
        Ok(serde_json::Value::Null)
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        self.visit_unit()
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(
        mut self,
        mut seq: A,
    ) -> Result<Self::Value, A::Error> {
        self.take()?;
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(Budget(&mut *self.0))? {
            out.push(v);
        }
        Ok(serde_json::Value::Array(out))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(
        mut self,
        mut map: A,
    ) -> Result<Self::Value, A::Error> {
        self.take()?;
        let mut out = serde_json::Map::new();
        while let Some(k) = map.next_key::<String>()? {
            let v = map.next_value_seed(Budget(&mut *self.0))?;
            out.insert(k, v);
        }
        Ok(serde_json::Value::Object(out))
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub fn to_vec(&self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => s
                .split(',')
                .map(|x| x.trim().to_string())
                .filter(|x| !x.is_empty())
                .collect(),
            OneOrMany::Many(v) => v.clone(),
        }
    }
}

/// A read page.
#[derive(Debug)]
pub struct Page {
    /// `en:crm/deals/crm-deal-add.md`.
    pub id: String,
    pub rel: String,
    pub lang: Lang,
    /// From an official checkout.
    pub checkout: bool,
    pub front: Option<FrontMatter>,
    pub blocks: Vec<Spanned>,
    pub expanded: Expanded,
    /// anchor id → index of its heading block.
    anchors: HashMap<String, usize>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Page {
    /// Read, expand and parse one page file.
    pub fn read(file: &PageFile, cache: &IncludeCache) -> Result<Page, Diagnostic> {
        let fail = |message: String| Diagnostic {
            page: file.rel.clone(),
            line: None,
            severity: Severity::Error,
            message,
        };
        // A regular file of at most 16 MB (the corpus' largest page is 104 KB): a symbolic
        // link to a device is not read.
        let text = source::read_bounded(&file.path, MAX_PAGE_BYTES)
            .map_err(|e| fail(format!("cannot read page: {e}")))?
            .ok_or_else(|| fail("cannot read page: not found".into()))?;
        Page::parse(file, &text, cache)
    }

    /// Parse a page from its text; `Err` when its includes expand it past
    /// [`source::MAX_EXPANDED_BYTES`].
    pub fn parse(file: &PageFile, text: &str, cache: &IncludeCache) -> Result<Page, Diagnostic> {
        let text = source::normalize(text);
        let lang = source::detect_lang(&text);
        let id = format!("{}:{}", lang.as_str(), file.rel);
        let mut diagnostics = Vec::new();
        let (front, body) = split_front_matter(&text, &id, &mut diagnostics);
        let expanded = source::expand(
            &body,
            &file.path,
            &file.root(),
            cache,
            &id,
            &mut diagnostics,
        )?;
        let (blocks, problems) = yfm::parse(&expanded);
        for p in problems {
            diagnostics.push(Diagnostic {
                page: id.clone(),
                line: expanded.page_line(p.line),
                severity: Severity::Warning,
                message: p.message,
            });
        }
        let mut page = Page {
            id,
            rel: file.rel.clone(),
            lang,
            checkout: file.checkout,
            front,
            blocks,
            expanded,
            anchors: HashMap::new(),
            diagnostics,
        };
        page.index_anchors();
        Ok(page)
    }

    fn index_anchors(&mut self) {
        // Explicit ids win over auto-slugs; the first occurrence wins.
        for (i, b) in self.blocks.iter().enumerate() {
            if let Block::Heading {
                anchor: Some(a), ..
            } = &b.block
            {
                self.anchors.entry(a.clone()).or_insert(i);
            }
        }
        for (i, b) in self.blocks.iter().enumerate() {
            if let Block::Heading { text, .. } = &b.block {
                self.anchors.entry(slug(text)).or_insert(i);
            }
        }
    }

    /// Line number in the page file of block `idx` (None inside includes).
    pub fn line(&self, idx: usize) -> Option<u32> {
        self.blocks
            .get(idx)
            .and_then(|b| self.expanded.page_line(b.line))
    }

    /// Line in the page of an expanded-line index.
    pub fn line_at(&self, expanded_idx: usize) -> Option<u32> {
        self.expanded.page_line(expanded_idx)
    }

    /// The file an expanded line came from.
    pub fn origin_file(&self, expanded_idx: usize) -> Option<&std::path::Path> {
        let l = self.expanded.lines.get(expanded_idx)?;
        self.expanded
            .files
            .get(l.file as usize)
            .map(|p| p.as_path())
    }

    /// The first H1: (text, block index).
    pub fn title(&self) -> Option<(&str, usize)> {
        self.blocks
            .iter()
            .enumerate()
            .find_map(|(i, b)| match &b.block {
                Block::Heading { level: 1, text, .. } => Some((text.as_str(), i)),
                _ => None,
            })
    }

    /// The heading block an in-page anchor points to.
    pub fn anchor(&self, id: &str) -> Option<usize> {
        let id = id.trim_start_matches('#');
        if let Some(i) = self.anchors.get(id) {
            return Some(*i);
        }
        // EN pages keep RU transliterated slugs (`#parametr-fields` for
        // "Parameter fields"): match on what follows the first word.
        let (_, rest) = id.split_once('-')?;
        let suffix = format!("-{rest}");
        let mut hits = self
            .anchors
            .iter()
            .filter(|(k, _)| k.ends_with(&suffix))
            .map(|(_, v)| *v)
            .collect::<Vec<_>>();
        if hits.is_empty() {
            // "FIELDS Parameter" for `#parametr-fields`: the same words in
            // another order.
            let want: Vec<&str> = rest.split('-').collect();
            hits = self
                .anchors
                .iter()
                .filter(|(k, _)| {
                    let words: Vec<&str> = k.split('-').collect();
                    words.len() == want.len() + 1 && want.iter().all(|w| words.contains(w))
                })
                .map(|(_, v)| *v)
                .collect();
        }
        hits.sort_unstable();
        hits.dedup();
        (hits.len() == 1).then(|| hits[0])
    }

    /// The first table after heading block `h`, before the next heading.
    pub fn table_after(&self, h: usize) -> Option<(usize, &Table)> {
        for (i, b) in self.blocks.iter().enumerate().skip(h + 1) {
            match &b.block {
                Block::Table(t) => return Some((i, t)),
                Block::Heading { .. } => return None,
                _ => {}
            }
        }
        None
    }

    /// Heading blocks (index, level, text).
    pub fn headings(&self) -> impl Iterator<Item = (usize, u8, &str)> {
        self.blocks
            .iter()
            .enumerate()
            .filter_map(|(i, b)| match &b.block {
                Block::Heading { level, text, .. } => Some((i, *level, text.as_str())),
                _ => None,
            })
    }
}

/// The largest front-matter read (the docs' are a few hundred bytes).
const MAX_FRONT_MATTER_BYTES: usize = 16 << 10;
/// Split `---\nyaml\n---` off the top; the front-matter lines are kept as blank
/// lines so line numbers stay true.
fn split_front_matter(
    text: &str,
    id: &str,
    diags: &mut Vec<Diagnostic>,
) -> (Option<FrontMatter>, String) {
    if !text.starts_with("---\n") {
        return (None, text.to_string());
    }
    let lines: Vec<&str> = text.lines().collect();
    let Some(end) = lines.iter().skip(1).position(|l| l.trim() == "---") else {
        diags.push(Diagnostic {
            page: id.to_string(),
            line: Some(1),
            severity: Severity::Warning,
            message: "front-matter `---` never closed; read as text".into(),
        });
        return (None, text.to_string());
    };
    let end = end + 1;
    let yaml = lines[1..end].join("\n");
    // Bounded in size here, in expanded nodes by `bounded_json` (serde_yaml's own limit is on
    // alias jumps, not on the nodes they copy).
    let bound = if yaml.len() > MAX_FRONT_MATTER_BYTES {
        Some(format!(
            "front-matter is larger than {MAX_FRONT_MATTER_BYTES} bytes; not read"
        ))
    } else {
        None
    };
    let parsed = match bound {
        Some(message) => {
            diags.push(Diagnostic {
                page: id.to_string(),
                line: Some(1),
                severity: Severity::Warning,
                message,
            });
            None
        }
        None => Some(serde_yaml::from_str::<FrontMatter>(&yaml)),
    };
    let front = match parsed {
        None => None,
        Some(Ok(f)) => Some(f),
        Some(Err(e)) => {
            diags.push(Diagnostic {
                page: id.to_string(),
                line: Some(2 + e.location().map(|l| l.line() as u32).unwrap_or(0)),
                severity: Severity::Warning,
                message: format!("front-matter is not valid YAML: {e}"),
            });
            None
        }
    };
    let mut body = String::with_capacity(text.len());
    let mut stray_done = false;
    for (i, l) in lines.iter().enumerate() {
        if i <= end {
            body.push('\n');
            continue;
        }
        // A second stray `---` right after the front-matter (seed 001).
        if !stray_done && l.trim() == "---" {
            stray_done = true;
            body.push('\n');
            continue;
        }
        if !l.trim().is_empty() {
            stray_done = true;
        }
        body.push_str(l);
        body.push('\n');
    }
    (front, body)
}

/// The auto-slug of a heading: lower-case, Cyrillic transliterated, words
/// joined by `-`.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in text.chars().flat_map(|c| c.to_lowercase()) {
        let piece: &str = match c {
            'а' => "a",
            'б' => "b",
            'в' => "v",
            'г' => "g",
            'д' => "d",
            'е' | 'ё' | 'э' => "e",
            'ж' => "zh",
            'з' => "z",
            'и' | 'й' => "i",
            'к' => "k",
            'л' => "l",
            'м' => "m",
            'н' => "n",
            'о' => "o",
            'п' => "p",
            'р' => "r",
            'с' => "s",
            'т' => "t",
            'у' => "u",
            'ф' => "f",
            'х' => "h",
            'ц' => "c",
            'ч' => "ch",
            'ш' => "sh",
            'щ' => "sch",
            'ъ' | 'ь' => "",
            'ы' => "y",
            'ю' => "yu",
            'я' => "ya",
            c if c.is_ascii_alphanumeric() || c == '_' => {
                if dash && !out.is_empty() {
                    out.push('-');
                }
                dash = false;
                out.push(c);
                continue;
            }
            _ => {
                dash = true;
                continue;
            }
        };
        if dash && !out.is_empty() {
            out.push('-');
        }
        dash = false;
        out.push_str(piece);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_transliterate_cyrillic() {
        assert_eq!(slug("Parameter fields"), "parameter-fields");
        assert_eq!(slug("Параметр fields"), "parametr-fields");
        assert_eq!(slug("Объект result"), "obekt-result");
    }

    #[test]
    fn front_matter_and_stray_rule() {
        let mut d = Vec::new();
        let (f, body) = split_front_matter(
            "---\nmethod: a.b\nscope: im\nrate_limit_per_sec: 2\n---\n\n---\n# T\n",
            "x",
            &mut d,
        );
        let f = f.expect("front-matter");
        assert_eq!(f.method.as_deref(), Some("a.b"));
        assert_eq!(f.rate_limit_per_sec, Some(2.0));
        assert!(d.is_empty());
        assert_eq!(body.lines().nth(7), Some("# T"));
        assert!(!body.contains("---"));
    }

    #[test]
    fn broken_front_matter_is_a_diagnostic() {
        let mut d = Vec::new();
        let (f, _) = split_front_matter("---\nmethod: [a\n---\n# T\n", "x", &mut d);
        assert!(f.is_none());
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("YAML"));
    }

    #[test]
    fn anchors_explicit_slug_and_transliterated() {
        let file = PageFile {
            path: "/nonexistent/p.md".into(),
            rel: "p.md".into(),
            checkout: false,
        };
        let p = Page::parse(
            &file,
            "# T a.b\n\n### Parameter fields\n\n#|\n|| **a** | b ||\n|#\n\n### X {#x}\n\ntext\n",
            &IncludeCache::default(),
        )
        .unwrap();
        let h = p.anchor("#parametr-fields").expect("resolved");
        assert!(p.table_after(h).is_some());
        let x = p.anchor("x").expect("explicit");
        assert!(p.table_after(x).is_none());
        assert_eq!(p.anchor("parameter-fields"), Some(h));
    }

    /// "Billion laughs": nine aliases of nine aliases… would expand to 9^9 nodes in `params`.
    #[test]
    fn yaml_alias_expansion_is_bounded() {
        let mut yaml = String::from("---\nmethod: x.y\nlol0: &a0 [\"lol\"]\n");
        for i in 1..10 {
            let refs = vec![format!("*a{}", i - 1); 9].join(", ");
            yaml.push_str(&format!("lol{i}: &a{i} [{refs}]\n"));
        }
        yaml.push_str("params: {type: object, properties: {p: *a9}}\n---\n# T\n");
        let t = std::time::Instant::now();
        let mut d = Vec::new();
        let (f, _) = split_front_matter(&yaml, "x", &mut d);
        assert!(f.is_none(), "{f:?}");
        let m = &d[0].message;
        assert!(
            m.contains("more than 100000 nodes") || m.contains("repetition limit"),
            "{m}"
        );
        // Under serde_yaml's repetition limit (4,680 alias jumps), 8.2 million nodes: 8 aliases
        // of 8, four levels, over a list of 2,000.
        let mut yaml = format!("---\nlol0: &a0 [{}]\n", vec!["x"; 2000].join(","));
        for i in 1..5 {
            let refs = vec![format!("*a{}", i - 1); 8].join(", ");
            yaml.push_str(&format!("lol{i}: &a{i} [{refs}]\n"));
        }
        yaml.push_str("params: {p: *a4}\n---\n");
        let mut d = Vec::new();
        let (f, _) = split_front_matter(&yaml, "x", &mut d);
        assert!(f.is_none() && d.len() == 1, "{d:?}");
        assert!(d[0].message.contains("more than 100000 nodes"), "{d:?}");
        let big = format!("---\nmethod: x\nk: \"{}\"\n---\n", "y".repeat(20_000));
        let mut d = Vec::new();
        assert!(split_front_matter(&big, "x", &mut d).0.is_none());
        assert!(d[0].message.contains("larger than"), "{}", d[0].message);
        // A front-matter with a few aliases still reads.
        let ok = "---\nmethod: x.y\nbase: &b {type: string}\nparams: {type: object, properties: {p: *b}}\n---\n";
        let mut d = Vec::new();
        assert!(split_front_matter(ok, "x", &mut d).0.is_some(), "{d:?}");
        assert!(t.elapsed() < std::time::Duration::from_secs(5));
    }
}
