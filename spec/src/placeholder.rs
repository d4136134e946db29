//! The placeholder-key grammar: how the docs write a family of keys in a table row
//! (`UF_CRM_...`, `UF_CRM_xxx`, `propertyN`, `PROPERTY_PropertyId`, `<field_code>`), and which
//! wire keys such a row stands for.
//!
//! The generator does not make such rows fields (params that have them take any key through
//! `extra`); the conformance harness checks request keys against them with [`matches_pattern`].

/// The placeholder row of a filter's operator keys: any documented key behind an operator prefix
/// (`>=DATE_CREATE`, `!ID`, `%TITLE`, `@ENTITY_TYPE_ID`), Bitrix24's filter syntax.
pub const FILTER_OPERATOR_KEYS: &str = "<operator><field>";

/// True when `name` is a placeholder or prose rather than a literal wire key: `UF_CRM_...`,
/// `DYNAMIC_*`, `<field_code>`, `{COMMAND_ID}`, `UF_CRM_xxx`, names with spaces or non-ASCII
/// letters. Such rows document a family of keys; they never become struct fields.
pub fn is_placeholder(name: &str) -> bool {
    let n = name.trim();
    if n.is_empty() {
        return true;
    }
    if n.contains("...")
        || n.contains(['*', '…', '{', '}', '[', ']', '<', '>', '.', '/', '\\', '|'])
        || n.chars().any(|c| c.is_whitespace() || !c.is_ascii())
    {
        // `<`/`>` are real filter prefixes only at the start followed by a letter (`>ID`,
        // `<=DATE`); `<field_code>` closes with `>`.
        let filter_prefixed = {
            let body = n.trim_start_matches(['<', '>', '=', '!', '%', '@', '~']);
            !body.is_empty()
                && body.len() < n.len()
                && body
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        };
        if !filter_prefixed {
            return true;
        }
    }
    x_run(n).is_some() || numbered_placeholder(n).is_some()
}

/// `UF_CRM_xxx`, `PROPERTY_XXX`, `xxx`: the closing run of `x` that stands for a code.
fn x_run(name: &str) -> Option<&str> {
    let last = name.rsplit('_').next().unwrap_or(name);
    (last.len() >= 3 && last.chars().all(|c| c == 'x' || c == 'X')).then_some(last)
}

/// The literal text the keys of a placeholder row begin with: `UF_CRM_` for `UF_CRM_...` or
/// `UF_CRM_xxx`, `property` for `propertyN`, `` for `<field_code>`; `None` when the name has no
/// wildcard to cut at (prose).
pub fn placeholder_prefix(name: &str) -> Option<&str> {
    if let Some(p) = numbered_placeholder(name) {
        return Some(p);
    }
    let cut = ["...", "…", "<", "*", "{", "["]
        .iter()
        .filter_map(|w| name.find(w))
        .min();
    match cut {
        Some(i) => Some(&name[..i]),
        None => x_run(name).map(|last| &name[..name.len() - last.len()]),
    }
}

/// `propertyN`, `fieldN`, `PROPERTY_N`, `PROPERTY_PropertyId`: a name whose end stands for a
/// number; the prefix before it.
pub fn numbered_placeholder(name: &str) -> Option<&str> {
    if let Some(p) = name.strip_suffix('N') {
        // `fieldN` (after a lower-case letter), `PROPERTY_N` (after `_`).
        if p.ends_with(|c: char| c.is_ascii_lowercase() || c == '_') {
            return Some(p);
        }
    }
    // `PROPERTY_PropertyId`: a camel-case `…Id` segment after an upper-case prefix.
    let (prefix, last) = name.rsplit_once('_')?;
    let camel = last.len() > 2
        && last.ends_with("Id")
        && last.starts_with(|c: char| c.is_ascii_uppercase())
        && last.chars().any(|c| c.is_ascii_lowercase());
    (camel && !prefix.is_empty() && !prefix.chars().any(|c| c.is_ascii_lowercase()))
        .then(|| &name[..prefix.len() + 1])
}

/// Whether `key` is one the placeholder row `pattern` stands for: the pattern's text before its
/// first wildcard ([`placeholder_prefix`]) must begin the key (ASCII case-insensitively); an empty
/// prefix matches any key; a pattern without a wildcard matches only itself. `propertyN`,
/// `PROPERTY_N`, `PROPERTY_PropertyId`: the prefix, then digits.
pub fn matches_pattern(pattern: &str, key: &str) -> bool {
    let p = pattern.trim();
    let starts = |prefix: &str| {
        key.len() >= prefix.len()
            && key.is_char_boundary(prefix.len())
            && key[..prefix.len()].eq_ignore_ascii_case(prefix)
    };
    if let Some(prefix) = numbered_placeholder(p) {
        return key.len() > prefix.len()
            && starts(prefix)
            && key[prefix.len()..].bytes().all(|b| b.is_ascii_digit());
    }
    match placeholder_prefix(p) {
        Some(prefix) => starts(prefix),
        None => p == key,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_the_keys_they_stand_for() {
        assert!(matches_pattern("UF_CRM_...", "uf_crm_1700"));
        assert!(matches_pattern("UF_CRM_xxx", "UF_CRM_12"));
        assert!(matches_pattern("propertyN", "property12"));
        assert!(!matches_pattern("propertyN", "property"));
        assert!(!matches_pattern("propertyN", "propertyX"));
        assert!(matches_pattern("PROPERTY_PropertyId", "PROPERTY_44"));
        assert!(matches_pattern("<field_code>", "ANYTHING"));
        assert!(matches_pattern("TITLE", "TITLE"));
        assert!(!matches_pattern("TITLE", "NAME"));
        assert!(is_placeholder(FILTER_OPERATOR_KEYS));
        assert!(!is_placeholder(">ID"), "a filter key is not a placeholder");
        assert_eq!(placeholder_prefix("UF_CRM_xxx"), Some("UF_CRM_"));
        assert_eq!(placeholder_prefix("TITLE"), None);
    }
}
