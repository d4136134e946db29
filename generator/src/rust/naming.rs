//! Rust identifiers from wire names, always compilable.
//!
//! The docs name things in every style: `DIALOG_ID`, `getFields`, `UF_CRM_...`, `<field_code>`,
//! `DYNAMIC_*`, `~RRULE_DESCRIPTION`, Cyrillic (`UF_CRM_ххх`, `<код_поля>`), digits first (`1c`),
//! Rust keywords (`type`, `move`, `self`). The rules:
//!
//! 1. Cyrillic letters are transliterated (ISO 9-like, `х` → `kh`); other non-ASCII characters and
//!    punctuation separate words.
//! 2. Words split at separators, at lower→upper case changes (`getFields` → `get`, `fields`) and
//!    at the end of an upper-case run (`HTMLParser` → `html`, `parser`).
//! 3. `snake` joins lower-case words with `_`; `camel` capitalises each word.
//! 4. An identifier that would start with a digit gets a prefix (`n` for snake, `N` for camel,
//!    `V` for enum values); an empty one becomes a fallback word.
//! 5. Keywords become raw identifiers (`r#type`) or, where Rust forbids that (`self`, `super`,
//!    `crate`, `Self`), get a trailing `_`.
//! 6. Clashes inside one namespace (after case conversion: `ID` and `id`, `getFields` and
//!    `get_fields`) get `_2`, `_3`… (snake) or `2`, `3`… (camel), first come first served, in the
//!    IR's order, so the outcome is stable.

use std::collections::BTreeSet;

/// Keywords of Rust 2021 (strict and reserved), plus `gen` (reserved in 2024).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super", "_"];

/// Type names the generated code uses unqualified (prelude and derives); a generated type must
/// not shadow them.
pub const RESERVED_TYPES: &[&str] = &[
    "Box",
    "Clone",
    "Copy",
    "Debug",
    "Default",
    "Deserialize",
    "Drop",
    "Eq",
    "Err",
    "Fn",
    "FnMut",
    "FnOnce",
    "From",
    "Into",
    "IntoIterator",
    "Iterator",
    "None",
    "Ok",
    "Option",
    "Ord",
    "PartialEq",
    "PartialOrd",
    "Result",
    "Self",
    "Send",
    "Serialize",
    "Sized",
    "Some",
    "String",
    "Sync",
    "ToOwned",
    "ToString",
    "Vec",
];

/// Lower-case Cyrillic → Latin.
fn translit(c: char) -> Option<&'static str> {
    let lower = c.to_lowercase().next().unwrap_or(c);
    Some(match lower {
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' => "g",
        'д' => "d",
        'е' | 'ё' | 'э' => "e",
        'ж' => "zh",
        'з' => "z",
        'и' | 'і' => "i",
        'й' | 'ы' => "y",
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
        'х' => "kh",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "shch",
        'ъ' | 'ь' => "",
        'ю' => "yu",
        'я' => "ya",
        _ => return None,
    })
}

/// Splits a wire name into lower-case ASCII words (rules 1 and 2).
pub fn words(name: &str) -> Vec<String> {
    // First pass: ASCII-fy, keeping case (transliterated Cyrillic counts as lower case, upper-case
    // Cyrillic as upper) and turning everything else into a separator.
    let mut chars: Vec<char> = Vec::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            chars.push(c);
        } else if let Some(t) = translit(c) {
            let upper = c.is_uppercase();
            for (i, tc) in t.chars().enumerate() {
                chars.push(if upper && i == 0 {
                    tc.to_ascii_uppercase()
                } else {
                    tc
                });
            }
        } else {
            chars.push(' ');
        }
    }
    let mut out = Vec::new();
    let mut cur = String::new();
    for i in 0..chars.len() {
        let c = chars[i];
        if c == ' ' {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if !cur.is_empty() && c.is_ascii_uppercase() {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            if prev.is_ascii_lowercase() || (prev.is_ascii_uppercase() && next_lower) {
                out.push(std::mem::take(&mut cur));
            } else if prev.is_ascii_digit() && next_lower {
                // `2Fa` style: a capitalised word after digits.
                out.push(std::mem::take(&mut cur));
            }
        }
        cur.push(c.to_ascii_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn is_keyword(s: &str) -> bool {
    KEYWORDS.contains(&s)
}

/// Makes a keyword usable (rule 5).
fn escape_keyword(s: String) -> String {
    if NOT_RAW.contains(&s.as_str()) {
        format!("{s}_")
    } else if is_keyword(&s) {
        format!("r#{s}")
    } else {
        s
    }
}

/// `snake_case` identifier for fields, functions and modules.
pub fn snake(name: &str, fallback: &str) -> String {
    let w = words(name);
    let mut s = if w.is_empty() {
        fallback.to_owned()
    } else {
        w.join("_")
    };
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, 'n');
    }
    escape_keyword(s)
}

/// `CamelCase` identifier for types and variants; `digit_prefix` goes before a leading digit.
pub fn camel(name: &str, fallback: &str, digit_prefix: &str) -> String {
    let mut s = String::new();
    for w in words(name) {
        let mut cs = w.chars();
        if let Some(f) = cs.next() {
            s.push(f.to_ascii_uppercase());
            s.extend(cs);
        }
    }
    if s.is_empty() {
        s = fallback.to_owned();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert_str(0, digit_prefix);
    }
    escape_keyword(s)
}

/// The identifier without a `r#` prefix (what serde and file names see).
pub fn unraw(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

/// Which suffix style a namespace uses for clashes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `name_2`
    Snake,
    /// `Name2`
    Camel,
}

/// One Rust namespace (fields of a struct, items of a module, variants of an enum…): hands out
/// unique identifiers (rule 6).
#[derive(Debug, Clone)]
pub struct Namespace {
    used: BTreeSet<String>,
    style: Style,
}

impl Namespace {
    pub fn new(style: Style) -> Self {
        Namespace {
            used: BTreeSet::new(),
            style,
        }
    }

    /// A namespace where `reserved` are already taken.
    pub fn with_reserved(style: Style, reserved: &[&str]) -> Self {
        let mut ns = Namespace::new(style);
        for r in reserved {
            ns.used.insert((*r).to_owned());
        }
        ns
    }

    pub fn is_used(&self, ident: &str) -> bool {
        self.used.contains(unraw(ident))
    }

    /// Claims `base` or, when taken, the first free suffixed form.
    pub fn claim(&mut self, base: &str) -> String {
        let key = unraw(base).to_owned();
        if self.used.insert(key.clone()) {
            return base.to_owned();
        }
        let stem = key.trim_end_matches('_');
        for n in 2.. {
            let candidate = match self.style {
                Style::Snake => format!("{stem}_{n}"),
                Style::Camel => format!("{stem}{n}"),
            };
            if self.used.insert(candidate.clone()) {
                return candidate;
            }
        }
        unreachable!("an unbounded counter always finds a free name")
    }
}

pub use b24_spec::placeholder::{is_placeholder, numbered_placeholder, placeholder_prefix};

/// A row documenting a family of keys ([`is_placeholder`]); a key a request example sends
/// (`gpsN`) is a literal key whatever it looks like.
pub fn is_placeholder_field(f: &crate::ir::Field) -> bool {
    !f.from_example && !f.literal && is_placeholder(&f.name)
}

/// Wire segments of a method name → module idents (`im.dialog.read` → `im`, `dialog`, `read`).
pub fn module_segments(method: &str) -> Vec<String> {
    method
        .split('.')
        .filter(|s| !s.is_empty())
        .map(|s| snake(s, "method"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_on_case_and_separators() {
        assert_eq!(words("getFields"), ["get", "fields"]);
        assert_eq!(words("DIALOG_ID"), ["dialog", "id"]);
        assert_eq!(words("HTMLParser"), ["html", "parser"]);
        assert_eq!(words("UF_CRM_..."), ["uf", "crm"]);
        assert_eq!(words("<field_code>"), ["field", "code"]);
        assert_eq!(words("b2e"), ["b2e"]);
        assert_eq!(words("sign.b2e"), ["sign", "b2e"]);
        assert_eq!(words("ONIMBOTJOINCHAT"), ["onimbotjoinchat"]);
        assert_eq!(words("onCrmDealAdd"), ["on", "crm", "deal", "add"]);
        assert_eq!(words("—"), Vec::<String>::new());
    }

    #[test]
    fn cyrillic_is_transliterated() {
        assert_eq!(words("UF_CRM_ххх"), ["uf", "crm", "khkhkh"]);
        assert_eq!(snake("<код_поля>", "x"), "kod_polya");
        assert_eq!(camel("базовый", "X", "N"), "Bazovyy");
        assert_eq!(snake("Щука", "x"), "shchuka");
    }

    #[test]
    fn snake_handles_keywords_digits_and_empties() {
        assert_eq!(snake("type", "f"), "r#type");
        assert_eq!(snake("TYPE", "f"), "r#type");
        assert_eq!(snake("self", "f"), "self_");
        assert_eq!(snake("super", "f"), "super_");
        assert_eq!(snake("crate", "f"), "crate_");
        assert_eq!(snake("async", "f"), "r#async");
        assert_eq!(snake("1c", "f"), "n1c");
        assert_eq!(snake("123", "f"), "n123");
        assert_eq!(snake("*", "field"), "field");
        assert_eq!(snake("~RRULE_DESCRIPTION", "f"), "rrule_description");
        assert_eq!(snake("=DELETED", "f"), "deleted");
        assert_eq!(snake("DYNAMIC_*", "f"), "dynamic");
    }

    #[test]
    fn camel_handles_keywords_digits_and_empties() {
        assert_eq!(camel("im.dialog.read", "M", "N"), "ImDialogRead");
        assert_eq!(camel("self", "T", "N"), "Self_");
        assert_eq!(camel("1", "V", "V"), "V1");
        assert_eq!(camel("", "Empty", "V"), "Empty");
        assert_eq!(camel("ACCESS_DENIED", "E", "Code"), "AccessDenied");
        assert_eq!(camel("100", "E", "Code"), "Code100");
        assert_eq!(camel("CATALOG.PRICE.ON.ADD", "E", "N"), "CatalogPriceOnAdd");
    }

    #[test]
    fn every_generated_ident_is_a_valid_rust_ident() {
        let samples = [
            "type",
            "Self",
            "self",
            "1c",
            "UF_CRM_...",
            "<field_code>",
            "DYNAMIC_*",
            "ЯБЛОКО",
            "a-b",
            "__",
            "_",
            "",
            "x y z",
            "9",
            "fn",
            "r#type",
            "crate",
            "ñandú",
            "日本",
        ];
        for s in samples {
            for id in [snake(s, "fallback"), camel(s, "Fallback", "N")] {
                let parsed: Result<syn::Ident, _> = syn::parse_str(&id);
                assert!(parsed.is_ok(), "{s:?} -> {id:?} is not an identifier");
            }
        }
    }

    #[test]
    fn namespace_resolves_clashes_after_case_conversion() {
        let mut ns = Namespace::new(Style::Snake);
        assert_eq!(ns.claim(&snake("ID", "f")), "id");
        assert_eq!(ns.claim(&snake("id", "f")), "id_2");
        assert_eq!(ns.claim(&snake("Id", "f")), "id_3");
        assert_eq!(ns.claim(&snake("getFields", "f")), "get_fields");
        assert_eq!(ns.claim(&snake("get_fields", "f")), "get_fields_2");
        assert_eq!(ns.claim("r#type"), "r#type");
        assert_eq!(ns.claim("r#type"), "type_2");
        let mut types = Namespace::with_reserved(Style::Camel, RESERVED_TYPES);
        assert_eq!(types.claim(&camel("string", "T", "N")), "String2");
        assert_eq!(types.claim(&camel("fields", "T", "N")), "Fields");
        assert_eq!(types.claim(&camel("FIELDS", "T", "N")), "Fields2");
    }

    #[test]
    fn placeholders_are_recognised() {
        for p in [
            "UF_CRM_...",
            "DYNAMIC_*",
            "<field_code>",
            "<код_поля>",
            "{COMMAND_ID}",
            "UF_CRM_xxx",
            "UF_CRM_ххх",
            "Settings for all OFDs",
            "LANGUAGE_ID (LANG)",
            "data.FIELDS",
            "",
            "propertyN",
            "fieldN",
            "PROPERTY_N",
            "PROPERTY_PropertyId",
        ] {
            assert!(is_placeholder(p), "{p:?}");
        }
        assert_eq!(numbered_placeholder("propertyN"), Some("property"));
        assert_eq!(
            numbered_placeholder("PROPERTY_PropertyId"),
            Some("PROPERTY_")
        );
        for real in [
            "ID",
            "DIALOG_ID",
            "=DELETED",
            "~RRULE_DESCRIPTION",
            ">ID",
            "<=DATE",
            "max",
            "MIN",
            "DOMAIN",
            "userId",
            "ENTITY_ID",
            "PARENT_Id",
        ] {
            assert!(!is_placeholder(real), "{real:?}");
        }
        for (p, prefix) in [
            ("UF_CRM_...", Some("UF_CRM_")),
            ("UF_CRM_xxx", Some("UF_CRM_")),
            ("propertyN", Some("property")),
            ("<field_code>", Some("")),
            ("any field", None),
        ] {
            assert_eq!(placeholder_prefix(p), prefix, "{p:?}");
        }
    }

    #[test]
    fn module_segments_follow_the_method_name() {
        assert_eq!(module_segments("im.dialog.read"), ["im", "dialog", "read"]);
        assert_eq!(
            module_segments("sale.order.getFields"),
            ["sale", "order", "get_fields"]
        );
        assert_eq!(module_segments("crm.type.add"), ["crm", "r#type", "add"]);
    }
}
