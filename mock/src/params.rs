//! Request parameters as the portal reads them: the query string and the body (JSON, or
//! form-encoded with PHP-style keys such as `fields[TITLE]=…`), merged into one JSON object.

use b24_spec::php::{MAX_INPUT_NESTING_LEVEL, MAX_INPUT_VARS};
use serde_json::{Map, Value};

/// Why a body could not be read.
#[derive(Debug, thiserror::Error)]
pub enum BodyError {
    #[error("the JSON body does not parse: {0}")]
    Json(String),
    #[error("the JSON body is not an object")]
    NotAnObject,
    /// More than PHP's `max_input_nesting_level` bracket levels in one key.
    #[error("the key `{0}[…]` nests deeper than {max} levels", max = MAX_INPUT_NESTING_LEVEL)]
    TooDeep(String),
    /// More than PHP's `max_input_vars` pairs.
    #[error("more than {max} key=value pairs", max = MAX_INPUT_VARS)]
    TooManyPairs,
}

/// The parameters of one call: `query` first, the body's keys over them.
pub fn read(
    content_type: Option<&str>,
    query: Option<&str>,
    body: &[u8],
) -> Result<Map<String, Value>, BodyError> {
    let mut out = match query {
        Some(q) if !q.is_empty() => php_form(q.as_bytes())?,
        _ => Map::new(),
    };
    let is_json = content_type.is_some_and(|c| c.to_ascii_lowercase().contains("json"));
    let trimmed = body.iter().all(|b| b.is_ascii_whitespace());
    if trimmed {
        return Ok(out);
    }
    let body = if is_json || (content_type.is_none() && body.first() == Some(&b'{')) {
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(o)) => o,
            Ok(_) => return Err(BodyError::NotAnObject),
            Err(e) => return Err(BodyError::Json(e.to_string())),
        }
    } else {
        php_form(body)?
    };
    for (k, v) in body {
        out.insert(k, v);
    }
    Ok(out)
}

/// Parses `a[b][]=1&c=2` the way PHP fills `$_REQUEST`: `{"a": {"b": ["1"]}, "c": "2"}`.
/// Values are strings; `[]` appends; a later duplicate key wins. A key deeper than 64 levels or
/// more than 1000 pairs (PHP's defaults) is an error: a tree a million levels deep would
/// overflow the stack when dropped.
pub fn php_form(body: &[u8]) -> Result<Map<String, Value>, BodyError> {
    let mut root = Value::Object(Map::new());
    for (n, (key, value)) in form_urlencoded::parse(body).enumerate() {
        if n >= MAX_INPUT_VARS {
            return Err(BodyError::TooManyPairs);
        }
        let Some((head, path)) = split_key(&key) else {
            let head = key.split('[').next().unwrap_or_default();
            return Err(BodyError::TooDeep(head.chars().take(40).collect()));
        };
        if head.is_empty() {
            continue;
        }
        let mut slot = &mut root;
        for seg in std::iter::once(Some(head)).chain(path) {
            slot = step(slot, seg);
        }
        *slot = Value::String(value.into_owned());
    }
    Ok(match root {
        Value::Object(o) => o,
        _ => Map::new(),
    })
}

/// `fields[TITLE][]` → (`fields`, [Some("TITLE"), None]); `None` past 64 levels (found without
/// reading the rest of the key).
fn split_key(key: &str) -> Option<(String, Vec<Option<String>>)> {
    let Some(open) = key.find('[') else {
        return Some((key.to_owned(), Vec::new()));
    };
    let head = key[..open].to_owned();
    let mut path = Vec::new();
    let mut rest = &key[open..];
    while let Some(r) = rest.strip_prefix('[') {
        let Some(close) = r.find(']') else {
            // PHP keeps an unclosed bracket as part of the name.
            return Some((key.to_owned(), Vec::new()));
        };
        if path.len() == MAX_INPUT_NESTING_LEVEL {
            return None;
        }
        let seg = &r[..close];
        path.push(if seg.is_empty() {
            None
        } else {
            Some(seg.to_owned())
        });
        rest = &r[close + 1..];
    }
    Some((head, path))
}

/// One step down `slot` by `seg` (`None` = append), making containers as needed.
fn step(slot: &mut Value, seg: Option<String>) -> &mut Value {
    match seg {
        None => {
            if !slot.is_array() {
                *slot = Value::Array(Vec::new());
            }
            let Value::Array(a) = slot else {
                unreachable!("made an array above")
            };
            a.push(Value::Null);
            let n = a.len() - 1;
            &mut a[n]
        }
        Some(k) => {
            if let Value::Array(a) = slot {
                // `a[]=x&a[5]=y`: PHP arrays are maps; keep the items under their indexes.
                let m: Map<String, Value> = std::mem::take(a)
                    .into_iter()
                    .enumerate()
                    .map(|(i, v)| (i.to_string(), v))
                    .collect();
                *slot = Value::Object(m);
            }
            if !slot.is_object() {
                *slot = Value::Object(Map::new());
            }
            let Value::Object(m) = slot else {
                unreachable!("made an object above")
            };
            m.entry(k).or_insert(Value::Null)
        }
    }
}

/// Encodes a JSON object as PHP-style form pairs (`data[FIELDS][ID]=5`), for event payloads.
pub fn to_php_form(v: &Map<String, Value>) -> String {
    let mut ser = form_urlencoded::Serializer::new(String::new());
    fn walk(ser: &mut form_urlencoded::Serializer<String>, key: &str, v: &Value) {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    walk(ser, &format!("{key}[{k}]"), v);
                }
            }
            Value::Array(a) => {
                for (i, v) in a.iter().enumerate() {
                    walk(ser, &format!("{key}[{i}]"), v);
                }
            }
            Value::Null => {
                ser.append_pair(key, "");
            }
            Value::String(s) => {
                ser.append_pair(key, s);
            }
            other => {
                ser.append_pair(key, &other.to_string());
            }
        }
    }
    for (k, v) in v {
        walk(&mut ser, k, v);
    }
    ser.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn php_keys_nest() {
        let m = php_form(
            b"fields[TITLE]=Deal&fields[PHONE][0][VALUE]=1&select[]=ID&select[]=TITLE&id=5",
        )
        .unwrap();
        assert_eq!(
            Value::Object(m),
            json!({"fields": {"TITLE": "Deal", "PHONE": {"0": {"VALUE": "1"}}}, "select": ["ID", "TITLE"], "id": "5"})
        );
    }

    #[test]
    fn body_over_query_and_json() {
        let m = read(Some("application/json"), Some("id=1&x=2"), br#"{"id": 7}"#).unwrap();
        assert_eq!(Value::Object(m), json!({"id": 7, "x": "2"}));
        assert!(read(Some("application/json"), None, b"{nope").is_err());
        assert!(read(Some("application/json"), None, b"[1]").is_err());
    }

    #[test]
    fn form_round_trip() {
        let v = json!({"event": "ONCRMDEALADD", "data": {"FIELDS": {"ID": 5}}, "auth": {"application_token": "t"}});
        let Value::Object(m) = &v else { unreachable!() };
        let s = to_php_form(m);
        assert_eq!(
            s,
            "event=ONCRMDEALADD&data%5BFIELDS%5D%5BID%5D=5&auth%5Bapplication_token%5D=t"
        );
        assert_eq!(
            Value::Object(php_form(s.as_bytes()).unwrap()),
            json!({"event": "ONCRMDEALADD", "data": {"FIELDS": {"ID": "5"}}, "auth": {"application_token": "t"}})
        );
    }

    #[test]
    fn nesting_and_pairs_are_bounded() {
        let ok = format!("a{}=1", "[]".repeat(64));
        assert!(php_form(ok.as_bytes()).is_ok());
        let deep = format!("id=1&fields{}=1", "[x]".repeat(65));
        let e = php_form(deep.as_bytes()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the key `fields[…]` nests deeper than 64 levels"
        );
        let e = read(None, Some(&deep), b"").unwrap_err();
        assert!(matches!(e, BodyError::TooDeep(_)));
        let pairs: String = (0..1001).map(|i| format!("k{i}=1&")).collect();
        assert!(matches!(
            php_form(pairs.as_bytes()),
            Err(BodyError::TooManyPairs)
        ));
    }
}
