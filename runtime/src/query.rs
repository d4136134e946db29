//! PHP-style query strings (`fields[TITLE]=x&select[0]=ID`), as `batch` commands carry their
//! params (the portal reads them with `parse_str`).

use serde_json::Value;

/// Encodes a JSON object the way PHP's `http_build_query` does: nested keys in brackets, arrays
/// by index, `true`/`false` as `1`/`0`, `null` and empty containers left out.
pub(crate) fn build_query(params: &Value) -> String {
    let mut out = String::new();
    if let Value::Object(map) = params {
        for (k, v) in map {
            push(&mut out, &enc(k), v);
        }
    }
    out
}

fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn push(out: &mut String, key: &str, v: &Value) {
    let scalar = match v {
        Value::Null => return,
        Value::Bool(b) => (if *b { "1" } else { "0" }).to_owned(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => enc(s),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                push(out, &format!("{key}[{i}]"), item);
            }
            return;
        }
        Value::Object(map) => {
            for (k, item) in map {
                push(out, &format!("{key}[{}]", enc(k)), item);
            }
            return;
        }
    };
    if !out.is_empty() {
        out.push('&');
    }
    out.push_str(key);
    out.push('=');
    out.push_str(&scalar);
}

/// Parses a PHP-style form body into nested JSON (`a[b][]=1` → `{"a":{"b":["1"]}}`). Values stay
/// strings. Bracket keys that are all `[]` append to an array; other keys build objects.
pub(crate) fn parse_nested(body: &[u8]) -> Value {
    let mut root = Value::Object(Default::default());
    'pairs: for (k, v) in form_urlencoded::parse(body) {
        let (head, path) = split_key(&k);
        if head.is_empty() {
            continue;
        }
        let Some(map) = root.as_object_mut() else {
            break;
        };
        let mut slot = map.entry(head.to_owned()).or_insert(Value::Null);
        for seg in path {
            match step(slot, seg) {
                Some(next) => slot = next,
                None => continue 'pairs,
            }
        }
        *slot = Value::String(v.into_owned());
    }
    root
}

fn split_key(k: &str) -> (&str, Vec<&str>) {
    let Some(open) = k.find('[') else {
        return (k, vec![]);
    };
    let head = &k[..open];
    let mut segs = Vec::new();
    let mut rest = &k[open..];
    while let Some(stripped) = rest.strip_prefix('[') {
        let Some(close) = stripped.find(']') else {
            break;
        };
        segs.push(&stripped[..close]);
        rest = &stripped[close + 1..];
    }
    (head, segs)
}

fn step<'v>(slot: &'v mut Value, seg: &str) -> Option<&'v mut Value> {
    if seg.is_empty() {
        if !slot.is_array() {
            *slot = Value::Array(vec![]);
        }
        let a = slot.as_array_mut()?;
        a.push(Value::Null);
        a.last_mut()
    } else {
        if !slot.is_object() {
            *slot = Value::Object(Default::default());
        }
        Some(
            slot.as_object_mut()?
                .entry(seg.to_owned())
                .or_insert(Value::Null),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn builds_php_style_queries() {
        let q = build_query(&json!({
            "id": 5,
            "fields": {"TITLE": "A & B", "OPENED": "Y", "PHONE": [{"VALUE": "+1 555"}]},
            "flag": true, "none": null, "empty": [],
            "ref": "$result[deal][COMPANY_ID]"
        }));
        assert_eq!(
            q,
            "id=5&fields[TITLE]=A+%26+B&fields[OPENED]=Y&fields[PHONE][0][VALUE]=%2B1+555&flag=1\
             &ref=%24result%5Bdeal%5D%5BCOMPANY_ID%5D"
        );
    }

    #[test]
    fn parses_nested_forms() {
        let v = parse_nested(
            b"event=ONCRMDEALADD&data%5BFIELDS%5D%5BID%5D=6641&data[LIST][]=a&data[LIST][]=b\
              &auth[domain]=x.bitrix24.com&plain",
        );
        assert_eq!(
            v,
            json!({
                "event": "ONCRMDEALADD",
                "data": {"FIELDS": {"ID": "6641"}, "LIST": ["a", "b"]},
                "auth": {"domain": "x.bitrix24.com"},
                "plain": ""
            })
        );
    }

    #[test]
    fn round_trip_of_nested_objects() {
        let params =
            json!({"filter": {">ID": "10"}, "order": {"ID": "ASC"}, "select": ["ID", "TITLE"]});
        let back = parse_nested(build_query(&params).as_bytes());
        assert_eq!(
            back,
            json!({"filter": {">ID": "10"}, "order": {"ID": "ASC"}, "select": {"0": "ID", "1": "TITLE"}})
        );
    }
}
