//! PHP-style query strings (`fields[TITLE]=x&select[0]=ID`), as `batch` commands carry their
//! params (the portal reads them with `parse_str`).

use crate::params::RawObject;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use std::fmt;

/// Encodes params the way PHP's `http_build_query` does: nested keys in brackets, arrays by
/// index, `true`/`false` as `1`/`0`, `null` and empty containers left out; read from the JSON
/// text in its order. Strings holding a `$result` reference go through `resolve` (which may
/// replace them by any value).
pub(crate) fn build_query(
    params: &RawObject,
    resolve: &mut dyn FnMut(&str) -> Result<Value, String>,
) -> Result<String, String> {
    let mut out = String::new();
    for (k, v) in params.iter() {
        let mut de = serde_json::Deserializer::from_str(v.get());
        let seed = Pairs {
            out: &mut out,
            key: enc(k),
            resolve: &mut *resolve,
        };
        match seed.deserialize(&mut de) {
            Ok(Ok(())) => {}
            Ok(Err(reason)) => return Err(reason),
            Err(e) => return Err(format!("cannot read the params: {e}")),
        }
    }
    Ok(out)
}

/// Writes the pairs of one value under `key`; `Ok(Err(_))` when a reference did not resolve.
struct Pairs<'a> {
    out: &'a mut String,
    key: String,
    resolve: &'a mut dyn FnMut(&str) -> Result<Value, String>,
}

impl Pairs<'_> {
    fn scalar(self, text: &str) -> Result<(), String> {
        if !self.out.is_empty() {
            self.out.push('&');
        }
        self.out.push_str(&self.key);
        self.out.push('=');
        self.out.push_str(text);
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for Pairs<'_> {
    type Value = Result<(), String>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Pairs<'_> {
    type Value = Result<(), String>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Ok(()))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(self.scalar(if v { "1" } else { "0" }))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(self.scalar(&v.to_string()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(self.scalar(&v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(self.scalar(&Value::from(v).to_string()))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        if v.contains("$result") {
            return Ok(match (self.resolve)(v) {
                Ok(value) => {
                    push(self.out, &self.key, &value);
                    Ok(())
                }
                Err(reason) => Err(reason),
            });
        }
        Ok(self.scalar(&enc(v)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut i = 0usize;
        let mut failed = None;
        loop {
            let seed = Pairs {
                out: &mut *self.out,
                key: format!("{}[{i}]", self.key),
                resolve: &mut *self.resolve,
            };
            match seq.next_element_seed(seed)? {
                None => break,
                Some(Err(reason)) if failed.is_none() => failed = Some(reason),
                Some(_) => {}
            }
            i += 1;
        }
        Ok(failed.map_or(Ok(()), Err))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut failed = None;
        while let Some(k) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            let seed = Pairs {
                out: &mut *self.out,
                key: format!("{}[{}]", self.key, enc(&k)),
                resolve: &mut *self.resolve,
            };
            if let Err(reason) = map.next_value_seed(seed)? {
                failed.get_or_insert(reason);
            }
        }
        Ok(failed.map_or(Ok(()), Err))
    }
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
///
/// Bounded as PHP bounds `$_REQUEST`: a key nesting deeper than
/// [`MAX_INPUT_NESTING_LEVEL`](b24_spec::php::MAX_INPUT_NESTING_LEVEL) levels or more than
/// [`MAX_INPUT_VARS`](b24_spec::php::MAX_INPUT_VARS) pairs is an error (a tree a million levels
/// deep would overflow the stack when dropped or printed).
pub(crate) fn parse_nested(body: &[u8]) -> Result<Value, String> {
    use b24_spec::php::{MAX_INPUT_NESTING_LEVEL, MAX_INPUT_VARS};
    let mut root = Value::Object(Default::default());
    'pairs: for (n, (k, v)) in form_urlencoded::parse(body).enumerate() {
        if n >= MAX_INPUT_VARS {
            return Err(format!("more than {MAX_INPUT_VARS} key=value pairs"));
        }
        let Some((head, path)) = split_key(&k, MAX_INPUT_NESTING_LEVEL) else {
            let head = k.split('[').next().unwrap_or_default();
            let head: String = head.chars().take(40).collect();
            return Err(format!(
                "the key `{head}[…]` nests deeper than {MAX_INPUT_NESTING_LEVEL} levels"
            ));
        };
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
    Ok(root)
}

/// `a[b][c]` → (`a`, [`b`, `c`]); `None` when it has more than `max_depth` bracket levels
/// (found without reading the rest of the key).
fn split_key(k: &str, max_depth: usize) -> Option<(&str, Vec<&str>)> {
    let Some(open) = k.find('[') else {
        return Some((k, vec![]));
    };
    let head = &k[..open];
    let mut segs = Vec::new();
    let mut rest = &k[open..];
    while let Some(stripped) = rest.strip_prefix('[') {
        let Some(close) = stripped.find(']') else {
            break;
        };
        if segs.len() == max_depth {
            return None;
        }
        segs.push(&stripped[..close]);
        rest = &stripped[close + 1..];
    }
    Some((head, segs))
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

    fn query(json: &str) -> String {
        let params: RawObject = serde_json::from_str(json).unwrap();
        build_query(&params, &mut |s| Ok(Value::String(s.to_owned()))).unwrap()
    }

    #[test]
    fn builds_php_style_queries() {
        let q = query(
            r#"{"id": 5,
            "fields": {"TITLE": "A & B", "OPENED": "Y", "PHONE": [{"VALUE": "+1 555"}]},
            "flag": true, "none": null, "empty": [], "x": 1.5,
            "ref": "$result[deal][COMPANY_ID]"}"#,
        );
        assert_eq!(
            q,
            "id=5&fields[TITLE]=A+%26+B&fields[OPENED]=Y&fields[PHONE][0][VALUE]=%2B1+555&flag=1\
             &x=1.5&ref=%24result%5Bdeal%5D%5BCOMPANY_ID%5D"
        );
        // Keys in the order of the text, whatever serde_json's map order.
        assert_eq!(
            query(r#"{"order": {"Z": "DESC", "A": "ASC"}}"#),
            "order[Z]=DESC&order[A]=ASC"
        );
    }

    #[test]
    fn references_go_through_resolve() {
        let params: RawObject =
            serde_json::from_str(r#"{"a": ["$result[x]", "$result[bad]"], "b": "$result[y]"}"#)
                .unwrap();
        let mut resolve = |s: &str| match s {
            "$result[x]" => Ok(json!({"k": 1})),
            "$result[y]" => Ok(json!(7)),
            _ => Err(format!("{s} does not resolve")),
        };
        assert_eq!(
            build_query(&params, &mut resolve).unwrap_err(),
            "$result[bad] does not resolve"
        );
        let params: RawObject =
            serde_json::from_str(r#"{"a": ["$result[x]"], "b": "$result[y]"}"#).unwrap();
        assert_eq!(build_query(&params, &mut resolve).unwrap(), "a[0][k]=1&b=7");
    }

    #[test]
    fn parses_nested_forms() {
        let v = parse_nested(
            b"event=ONCRMDEALADD&data%5BFIELDS%5D%5BID%5D=6641&data[LIST][]=a&data[LIST][]=b\
              &auth[domain]=x.bitrix24.com&plain",
        )
        .unwrap();
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
        let q = query(
            r#"{"filter": {">ID": "10"}, "order": {"ID": "ASC"}, "select": ["ID", "TITLE"]}"#,
        );
        let back = parse_nested(q.as_bytes()).unwrap();
        assert_eq!(
            back,
            json!({"filter": {">ID": "10"}, "order": {"ID": "ASC"}, "select": {"0": "ID", "1": "TITLE"}})
        );
    }

    #[test]
    fn nesting_and_pairs_are_bounded() {
        // 64 levels, as PHP's max_input_nesting_level allows; 65 is an error naming the key.
        let ok = format!("a{}=1", "[]".repeat(64));
        let v = parse_nested(ok.as_bytes()).unwrap();
        let mut depth = 0;
        let mut cur = &v["a"];
        while let Value::Array(items) = cur {
            depth += 1;
            cur = &items[0];
        }
        assert_eq!((depth, cur), (64, &json!("1")));
        let deep = format!("a{}=1", "[x]".repeat(65));
        let e = parse_nested(deep.as_bytes()).unwrap_err();
        assert!(e.contains("`a[…]`") && e.contains("64"), "{e}");
        // A million levels: refused without building anything (and without overflowing).
        let huge = format!("x=1&a{}=1", "[]".repeat(1_000_000));
        assert!(parse_nested(huge.as_bytes()).is_err());
        let pairs: String = (0..1001).map(|i| format!("k{i}=1&")).collect();
        assert!(parse_nested(pairs.as_bytes())
            .unwrap_err()
            .contains("1000 key=value pairs"));
        assert!(parse_nested(&pairs.as_bytes()[..pairs.len() - 8]).is_ok());
    }
}
