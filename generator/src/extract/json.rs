//! Tolerant JSON: examples as the docs write them (comments, `...`, trailing
//! commas, JS object literals) and request bodies out of cURL / BX24 calls.

use crate::ir::{Field, Kind, Type};
use serde_json::Value;

/// Parse strictly, then after clean-up. Returns (value, cleaned).
pub fn parse_tolerant(src: &str) -> Option<(Value, bool)> {
    let src = src.trim();
    if src.is_empty() {
        return None;
    }
    if let Ok(v) = serde_json::from_str::<Value>(src) {
        return Some((v, false));
    }
    let cleaned = clean_json(src);
    serde_json::from_str::<Value>(&cleaned)
        .ok()
        .map(|v| (v, true))
}

/// Remove `//`, `/* */` and line `#` comments, `...`/`…` placeholders and
/// trailing commas; turn single-quoted strings into double-quoted ones and
/// quote bare object keys. Strings are left alone.
pub fn clean_json(src: &str) -> String {
    let chars: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '"' | '\'' => {
                let (s, next) = read_string(&chars, i);
                out.push_str(&s);
                i = next;
            }
            '/' if chars.get(i + 1) == Some(&'/') => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '/' if chars.get(i + 1) == Some(&'*') => {
                i += 2;
                while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                    i += 1;
                }
                i += 2;
            }
            '#' if line_start(&out) => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '.' if chars.get(i + 1) == Some(&'.') && chars.get(i + 2) == Some(&'.') => {
                i += 3;
                while chars.get(i) == Some(&'.') {
                    i += 1;
                }
                drop_separator(&chars, &mut i);
            }
            '…' => {
                i += 1;
                drop_separator(&chars, &mut i);
            }
            c if c.is_alphabetic() || c == '_' || c == '$' => {
                let start = i;
                while i < chars.len()
                    && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '$')
                {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                let mut j = i;
                while j < chars.len() && chars[j].is_whitespace() {
                    j += 1;
                }
                let is_key = chars.get(j) == Some(&':') && prev_significant(&out, &['{', ',']);
                if is_key {
                    out.push('"');
                    out.push_str(&word);
                    out.push('"');
                } else {
                    out.push_str(&word);
                }
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    remove_trailing_commas(&out)
}

/// After a placeholder, drop a `,` that would dangle.
fn drop_separator(chars: &[char], i: &mut usize) {
    let mut j = *i;
    while j < chars.len() && chars[j].is_whitespace() {
        j += 1;
    }
    if chars.get(j) == Some(&',') {
        *i = j + 1;
    }
}

fn line_start(out: &str) -> bool {
    out.rsplit('\n')
        .next()
        .map(|l| l.trim().is_empty())
        .unwrap_or(true)
}

fn prev_significant(out: &str, set: &[char]) -> bool {
    out.chars()
        .rev()
        .find(|c| !c.is_whitespace())
        .map(|c| set.contains(&c))
        .unwrap_or(false)
}

/// Read a string literal starting at `chars[i]`, returned JSON-quoted.
fn read_string(chars: &[char], i: usize) -> (String, usize) {
    let q = chars[i];
    let mut s = String::from('"');
    let mut k = i + 1;
    while k < chars.len() {
        let c = chars[k];
        if c == '\\' {
            match chars.get(k + 1) {
                Some('\'') if q == '\'' => s.push('\''),
                Some(n @ ('"' | '\\' | '/' | 'b' | 'f' | 'n' | 'r' | 't' | 'u')) => {
                    s.push('\\');
                    s.push(*n);
                }
                Some(n) => {
                    // Invalid JSON escape (`Bitrix\Main`): keep the backslash.
                    s.push_str("\\\\");
                    s.push(*n);
                }
                None => {}
            }
            k += 2;
            continue;
        }
        if c == q {
            s.push('"');
            return (s, k + 1);
        }
        match c {
            '"' => s.push_str("\\\""),
            '\n' => s.push_str("\\n"),
            c => s.push(c),
        }
        k += 1;
    }
    s.push('"');
    (s, k)
}

fn remove_trailing_commas(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut in_str = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if in_str {
            out.push(c);
            if c == '\\' {
                if let Some(n) = chars.get(i + 1) {
                    out.push(*n);
                }
                i += 2;
                continue;
            }
            if c == '"' {
                in_str = false;
            }
            i += 1;
            continue;
        }
        if c == '"' {
            in_str = true;
        }
        if c == ',' {
            let mut j = i + 1;
            while j < chars.len() && chars[j].is_whitespace() {
                j += 1;
            }
            if matches!(chars.get(j), Some('}') | Some(']')) {
                i += 1;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

/// The JSON body of a `curl … -d '{…}'` command (shell splices replaced by a
/// string), without the OAuth `auth` key.
pub fn curl_body(code: &str) -> Option<String> {
    let pos = ["-d '", "--data '", "--data-raw '", "-d'"]
        .iter()
        .find_map(|p| code.find(p).map(|i| i + p.len()))?;
    let rest = &code[pos..];
    let mut body = String::new();
    let mut k = 0;
    let b = rest.as_bytes();
    while k < b.len() {
        // `'"$(date …)"'` closes the quote, splices a shell value, reopens.
        if rest[k..].starts_with("'\"") {
            if let Some(end) = rest[k + 2..].find("\"'") {
                body.push_str("shell-value");
                k += 2 + end + 2;
                continue;
            }
        }
        if b[k] == b'\'' {
            break;
        }
        let ch = rest[k..].chars().next()?;
        body.push(ch);
        k += ch.len_utf8();
    }
    Some(body)
}

/// The parameter object of `callMethod('name', {…})` / `call('name', […])` /
/// `method: 'name', params: {…}` in JS or PHP code.
pub fn call_params(code: &str, method: &str) -> Option<String> {
    let quoted = [format!("'{method}'"), format!("\"{method}\"")];
    let at = quoted.iter().find_map(|q| code.find(q.as_str()))?;
    let after = &code[at..];
    let open = after.find(['{', '['])?;
    // The object must follow the name closely (a comma, maybe `params:`).
    let between = &after[..open];
    if between.len() > 40 || between.contains(';') || between.contains(')') {
        return None;
    }
    let (close_ch, open_ch) = if after.as_bytes()[open] == b'{' {
        ('}', '{')
    } else {
        (']', '[')
    };
    let mut depth = 0i32;
    let mut in_str: Option<char> = None;
    let mut prev = ' ';
    for (k, c) in after[open..].char_indices() {
        if let Some(q) = in_str {
            if c == q && prev != '\\' {
                in_str = None;
            }
        } else if c == '\'' || c == '"' {
            in_str = Some(c);
        } else if c == open_ch || c == '{' || c == '[' {
            depth += 1;
        } else if c == close_ch || c == '}' || c == ']' {
            depth -= 1;
            if depth == 0 {
                let lit = &after[open..open + k + 1];
                return Some(php_to_js(lit));
            }
        }
        prev = c;
    }
    None
}

/// PHP arrays `['A' => 1]` → JS-ish `{'A': 1}`; JS is returned unchanged.
fn php_to_js(lit: &str) -> String {
    if !lit.contains("=>") {
        return lit.to_string();
    }
    lit.replace("=>", ":").replace('[', "{").replace(']', "}")
}

/// The shape of a JSON value as an IR type (for results the tables leave
/// unstructured).
pub fn infer_type(v: &Value) -> Type {
    let kind = match v {
        Value::Null => Kind::Any,
        Value::Bool(_) => Kind::Boolean,
        Value::Number(n) if n.is_i64() || n.is_u64() => Kind::Integer,
        Value::Number(_) => Kind::Double,
        Value::String(_) => Kind::String,
        Value::Array(items) => Kind::Array {
            item: Box::new(items.first().map(infer_type).unwrap_or_default()),
        },
        Value::Object(map) => Kind::Object {
            fields: map
                .iter()
                .map(|(k, v)| Field {
                    name: k.clone(),
                    ty: infer_type(v),
                    ..Field::default()
                })
                .collect(),
        },
    };
    Type {
        nullable: v.is_null(),
        ..Type::new("", kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tolerant_parse() {
        let (v, cleaned) = parse_tolerant(
            "{\n  \"result\": true //if set|removed\n, \"a\": [1, 2, ...],\n \"b\": {\"c\": 1,},\n}",
        )
        .expect("parses");
        assert!(cleaned);
        assert_eq!(v, json!({"result": true, "a": [1, 2], "b": {"c": 1}}));
        assert_eq!(parse_tolerant("{\"a\": 1}"), Some((json!({"a": 1}), false)));
        assert!(parse_tolerant("{ {").is_none());
    }

    #[test]
    fn js_literals() {
        let (v, _) = parse_tolerant("{ DIALOG_ID: 'chat74', ACTION: 'Y', n: 1, s: 'it\\'s' }")
            .expect("parses");
        assert_eq!(
            v,
            json!({"DIALOG_ID": "chat74", "ACTION": "Y", "n": 1, "s": "it's"})
        );
        let (v, _) = parse_tolerant("{\"p\": \"Bitrix\\Main\\Type\"}").expect("bad escape kept");
        assert_eq!(v, json!({"p": "Bitrix\\Main\\Type"}));
    }

    #[test]
    fn curl_and_calls() {
        let code = "curl -X POST \\\n -d '{\"A\":1,\"D\":\"'\"$(date --iso)\"'\",\"auth\":\"x\"}' \\\n https://x/rest/a.b";
        assert_eq!(
            curl_body(code).as_deref(),
            Some("{\"A\":1,\"D\":\"shell-value\",\"auth\":\"x\"}")
        );
        let js = "BX24.callMethod(\n 'im.recent.unread',\n {\n DIALOG_ID: 'chat74',\n ACTION: 'Y'\n },\n res => {})";
        let lit = call_params(js, "im.recent.unread").expect("found");
        let (v, _) = parse_tolerant(&lit).expect("parses");
        assert_eq!(v, json!({"DIALOG_ID": "chat74", "ACTION": "Y"}));
        let php = "->call('a.b', ['ID' => 5, 'X' => 'y'])";
        let (v, _) = parse_tolerant(&call_params(php, "a.b").expect("php")).expect("parses");
        assert_eq!(v, json!({"ID": 5, "X": "y"}));
    }

    #[test]
    fn infers_shapes() {
        let t = infer_type(&json!({"ID": 1, "L": [{"a": "x"}], "f": 1.5}));
        let f = t.fields().expect("object");
        assert_eq!(f[0].ty.kind, Kind::Integer);
        assert_eq!(f[1].ty.fields().map(|f| f.len()), Some(1));
        assert_eq!(f[2].ty.kind, Kind::Double);
    }
}
