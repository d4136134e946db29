//! Prose helpers: markdown → doc text, allowed values, defaults.

use crate::ir::{EnumValue, Lang, Text};
use regex::Regex;
use std::sync::LazyLock;

static LINK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\[([^\]]*)\]\(([^)\s]*)\)").expect("static regex"));
static ATTR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[ \t]*\{\.[a-z0-9-]+\}").expect("static regex"));
static BR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)<br\s*/?>").expect("static regex"));

/// Markdown of a cell or paragraph → doc text: relative links become their
/// text, `{#T}` becomes the target's name, YFM attributes and `<br>` go.
pub fn clean(md: &str) -> String {
    if md.is_empty() {
        return String::new();
    }
    let s = LINK.replace_all(md, |c: &regex::Captures| {
        let text = &c[1];
        let url = &c[2];
        if text == "{#T}" {
            let stem = url
                .rsplit('/')
                .next()
                .unwrap_or(url)
                .split(['#', '.'])
                .next()
                .unwrap_or("");
            return stem.to_string();
        }
        if url.starts_with("http://") || url.starts_with("https://") {
            return format!("[{text}]({url})");
        }
        text.to_string()
    });
    let s = if s.contains("{.") {
        ATTR.replace_all(&s, "")
    } else {
        s
    };
    let s = if s.contains('<') {
        BR.replace_all(&s, "\n")
    } else {
        s
    };
    let mut out = String::with_capacity(s.len());
    let mut blank = false;
    for line in s.lines() {
        let l = line.trim_end();
        if l.trim().is_empty() {
            blank = !out.is_empty();
            continue;
        }
        if blank {
            out.push_str("\n\n");
        } else if !out.is_empty() {
            out.push('\n');
        }
        blank = false;
        out.push_str(l);
    }
    out.trim().to_string()
}

static ENUM_PHRASE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(possible values|allowed values|acceptable values|available values|supported values|valid values|can take (the following )?values|values:|возможные значения|допустимые значения|доступные значения|может принимать (следующие )?значения|значения:)",
    )
    .expect("static regex")
});
static BULLET: LazyLock<Regex> = LazyLock::new(|| {
    // - `v` — text   |  - **v** — text  |  - v — text
    Regex::new(r"^\s*[-*+]\s+(?:`+([^`]+?)`+|\*\*([^*]+)\*\*|([A-Za-z0-9_.:+-]+))\s*(?:\(([^)]*)\)\s*)?(?:[—–-]|:)?\s*(.*)$")
        .expect("static regex")
});
static CODE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"`+([^`]+?)`+").expect("static regex"));

/// Allowed values after an enumeration phrase ("Possible values:" + bullets,
/// or inline code spans on the phrase's line).
static CODE_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^`([^`]+)`$").expect("static regex"));

pub fn enum_values(desc: &str, lang: Lang) -> Vec<EnumValue> {
    if !ENUM_PHRASE.is_match(desc) {
        return inline_yn(desc, lang);
    }
    let lines: Vec<&str> = desc.lines().collect();
    let Some(start) = lines.iter().position(|l| ENUM_PHRASE.is_match(l)) else {
        return inline_yn(desc, lang);
    };
    let mut out = Vec::new();
    let mut seen_bullet = false;
    for l in &lines[start + 1..] {
        let t = l.trim();
        if t.is_empty() {
            if seen_bullet {
                break;
            }
            continue;
        }
        let Some(c) = BULLET.captures(l) else {
            if seen_bullet && (l.starts_with("  ") || l.starts_with('\t')) {
                continue; // continuation of a bullet
            }
            // Values one per line without bullets: "Possible values:\n`STRING`\n`Y/N`".
            if let Some(v) = CODE_LINE.captures(t).map(|c| c[1].trim().to_owned()) {
                seen_bullet = true;
                if !v.is_empty() && v.len() <= 64 {
                    push_value(&mut out, &v, "", lang);
                }
                continue;
            }
            break;
        };
        seen_bullet = true;
        let value = c
            .get(1)
            .or_else(|| c.get(2))
            .or_else(|| c.get(3))
            .map(|m| m.as_str().trim())
            .unwrap_or("");
        let doc = c.get(5).map(|m| m.as_str().trim()).unwrap_or("");
        let doc = match c.get(4) {
            Some(p) if doc.is_empty() => p.as_str().trim(),
            _ => doc,
        };
        if value.is_empty() || value.len() > 64 {
            continue;
        }
        push_value(&mut out, value, doc, lang);
    }
    if out.is_empty() {
        // Inline: "Possible values: `a`, `b`".
        let line = lines[start];
        let m = ENUM_PHRASE.find(line).map(|m| m.end()).unwrap_or(0);
        for c in CODE.captures_iter(&line[m..]) {
            for v in c[1].split(['|', '/']) {
                let v = v.trim().trim_matches('\'').trim_matches('"');
                if !v.is_empty() && v.len() <= 64 {
                    push_value(&mut out, v, "", lang);
                }
            }
        }
    }
    if out.is_empty() {
        return inline_yn(desc, lang);
    }
    out
}

fn push_value(out: &mut Vec<EnumValue>, value: &str, doc: &str, lang: Lang) {
    if out.iter().any(|v| v.value == value) {
        return;
    }
    out.push(EnumValue {
        value: value.to_string(),
        doc: Text::new(lang, clean(doc)),
    });
}

static YN_INLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"`Y`\s*(?:/|\||or|или|,)\s*`N`|`Y\|N`|`Y/N`|\bY/N\b|'Y'\|'N'")
        .expect("static regex")
});

/// `Y|N`, `Y/N`, "`Y` or `N`" written inline.
fn inline_yn(desc: &str, lang: Lang) -> Vec<EnumValue> {
    if desc.contains('Y') && YN_INLINE.is_match(desc) {
        vec![
            EnumValue {
                value: "Y".into(),
                doc: Text::new(lang, String::new()),
            },
            EnumValue {
                value: "N".into(),
                doc: Text::new(lang, String::new()),
            },
        ]
    } else {
        Vec::new()
    }
}

static DEFAULT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:by default|default value(?: is)?|default is|defaults to|default:|default —|по умолчанию|значение по умолчанию)[\s:—–-]*(?:is\s+|—\s*|равно\s+|=\s*)?(`+([^`]+?)`+|(-?\d+(?:\.\d+)?)\b)")
        .expect("static regex")
});

/// The documented default, when the description states one as a value.
pub fn default_value(desc: &str) -> Option<String> {
    if !(desc.contains("efault") || desc.contains("умолчани")) {
        return None;
    }
    let c = DEFAULT.captures(desc)?;
    let v = c.get(2).or_else(|| c.get(3))?.as_str().trim();
    let v = v.trim_matches('\'').trim_matches('"');
    (!v.is_empty()).then(|| v.to_string())
}

static DEPRECATED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bdeprecated\b|\bobsolete\b|устарел|устаревш|не используется")
        .expect("static regex")
});

/// A field marked deprecated in its description.
pub fn is_deprecated(desc: &str) -> bool {
    DEPRECATED.is_match(desc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleans_links_attrs_and_blank_lines() {
        assert_eq!(
            clean("See [crm.item.add](../x.md) and [{#T}](./crm-deal-get.md).\n\n\n{.b24-info}Ok<br>[web](https://a.b)"),
            "See crm.item.add and crm-deal-get.\n\nOk\n[web](https://a.b)"
        );
    }

    #[test]
    fn values_from_bullets_and_inline() {
        let v = enum_values(
            "Flag. Possible values:\n- `Y` — yes\n- `N` — no\n\nBy default `N`",
            Lang::En,
        );
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].value, "Y");
        assert_eq!(v[0].doc.en.as_deref(), Some("yes"));
        let v = enum_values("Тип. Возможные значения: `base`, `extra`", Lang::Ru);
        let names: Vec<&str> = v.iter().map(|v| v.value.as_str()).collect();
        assert_eq!(names, ["base", "extra"]);
        assert_eq!(enum_values("Set - `'Y'|'N'`", Lang::En).len(), 2);
        assert!(enum_values("No values here\n- `a` — b", Lang::En).is_empty());
        let v = enum_values(
            "Shipment property type\nPossible values:\n`STRING`\n`Y/N`\n`NUMBER`\n ",
            Lang::En,
        );
        let names: Vec<&str> = v.iter().map(|v| v.value.as_str()).collect();
        assert_eq!(names, ["STRING", "Y/N", "NUMBER"]);
    }

    #[test]
    fn defaults() {
        assert_eq!(
            default_value("Flag.\n\nBy default `N`").as_deref(),
            Some("N")
        );
        assert_eq!(
            default_value("Default is 300 seconds").as_deref(),
            Some("300")
        );
        assert_eq!(default_value("По умолчанию — `Y`").as_deref(), Some("Y"));
        assert_eq!(default_value("By default — the first stage"), None);
    }
}
