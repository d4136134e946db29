//! JSON equality modulo what the generated params types legitimately normalise (see the module
//! docs of [`conformance`](super)).

use serde_json::{Map, Value};

use crate::wire::{Date, DateTime};

/// Where two JSON values differ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub path: String,
    pub message: String,
}

/// `Ok` when `back` (the re-encoded params) says the same as `example`.
pub fn same_json(example: &Value, back: &Value) -> Result<(), Difference> {
    walk(example, back, "")
}

fn child(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 60 {
        let cut: String = s.chars().take(57).collect();
        format!("{cut}…")
    } else {
        s
    }
}

fn walk(a: &Value, b: &Value, path: &str) -> Result<(), Difference> {
    let differ = |message: String| {
        Err(Difference {
            path: path.to_owned(),
            message,
        })
    };
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => objects(x, y, path),
        (Value::Array(x), Value::Array(y)) => {
            if x.len() != y.len() {
                return differ(format!("{} items, re-encoded {}", x.len(), y.len()));
            }
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                walk(p, q, &format!("{path}[{i}]"))?;
            }
            Ok(())
        }
        _ if scalar_eq(a, b) => Ok(()),
        _ => differ(format!("{} re-encoded as {}", short(a), short(b))),
    }
}

fn objects(x: &Map<String, Value>, y: &Map<String, Value>, path: &str) -> Result<(), Difference> {
    for (k, v) in x {
        match y.get(k) {
            Some(w) => walk(v, w, &child(path, k))?,
            None if v.is_null() => {}
            None => {
                return Err(Difference {
                    path: child(path, k),
                    message: format!("{} dropped when re-encoded", short(v)),
                })
            }
        }
    }
    match y.keys().find(|k| !x.contains_key(*k)) {
        Some(k) => Err(Difference {
            path: child(path, k),
            message: format!("re-encoding added {}", short(&y[k])),
        }),
        None => Ok(()),
    }
}

fn number_of(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => {
            let t = s.trim();
            if t.is_empty() {
                return None;
            }
            t.parse::<f64>().ok().filter(|f| f.is_finite())
        }
        _ => None,
    }
}

fn scalar_eq(a: &Value, b: &Value) -> bool {
    if a == b {
        return true;
    }
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(p), Some(q)) => p == q,
            _ => x.as_f64() == y.as_f64(),
        },
        (Value::Number(_), Value::String(_)) | (Value::String(_), Value::Number(_)) => {
            matches!((number_of(a), number_of(b)), (Some(p), Some(q)) if p == q)
        }
        (Value::String(x), Value::String(y)) => {
            if is_number(x) || is_number(y) {
                return false;
            }
            // Two spellings of one date or datetime; or a datetime a date field keeps the date of.
            let same_instant =
                matches!((DateTime::parse(x), DateTime::parse(y)), (Ok(p), Ok(q)) if p == q);
            let date_of = y.len() == 10
                && matches!((Date::parse(x), Date::parse(y)), (Ok(p), Ok(q)) if p == q);
            same_instant || date_of
        }
        _ => false,
    }
}

fn is_number(s: &str) -> bool {
    s.trim().parse::<f64>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn same(a: Value, b: Value) -> bool {
        same_json(&a, &b).is_ok()
    }

    #[test]
    fn key_order_and_number_formatting_do_not_matter() {
        assert!(same(
            json!({"a": 1, "b": [1, 2.5]}),
            json!({"b": [1.0, 2.5], "a": 1.0})
        ));
        assert!(same(json!({"ID": "5"}), json!({"ID": 5})));
        assert!(same(json!({"X": 1.5}), json!({"X": "1.5"})));
        assert!(same(json!({"X": null}), json!({})));
        assert!(same(
            json!({"D": "2024-05-01T10:00:00+0300"}),
            json!({"D": "2024-05-01T10:00:00+03:00"})
        ));
        assert!(same(
            json!({"D": "2024-05-01T10:00:00+03:00"}),
            json!({"D": "2024-05-01"})
        ));
        assert!(!same(
            json!({"D": "2024-05-02T10:00:00"}),
            json!({"D": "2024-05-01"})
        ));
    }

    #[test]
    fn differences_are_located() {
        let d = same_json(&json!({"f": {"A": "Y"}}), &json!({"f": {"A": true}})).unwrap_err();
        assert_eq!(d.path, "f.A");
        assert!(
            d.message.contains("\"Y\" re-encoded as true"),
            "{}",
            d.message
        );
        let d = same_json(&json!({"a": [1, 2]}), &json!({"a": [1, 3]})).unwrap_err();
        assert_eq!(d.path, "a[1]");
        let d = same_json(&json!({"a": ""}), &json!({})).unwrap_err();
        assert!(d.message.contains("dropped"));
        let d = same_json(&json!({}), &json!({"b": 0})).unwrap_err();
        assert_eq!(
            (d.path.as_str(), d.message.as_str()),
            ("b", "re-encoding added 0")
        );
        assert!(!same(json!([1]), json!([1, 1])));
        assert!(!same(json!({"a": "5x"}), json!({"a": 5})));
        assert!(!same(json!({"a": ""}), json!({"a": 0})));
        assert!(!same(json!({"a": true}), json!({"a": 1})));
        // Numeric strings are numbers, not unix-time datetimes.
        assert!(!same(json!({"a": "1"}), json!({"a": "01"})));
    }
}
