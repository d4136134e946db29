//! `batch`: up to 50 commands in one request, with `$result[…]` references to earlier
//! answers, `halt`, and the `result_error` map.

use serde_json::{Map, Value};

use crate::answer::{time_block, ApiError};
use crate::params::php_form;
use crate::portal::{call, Outcome, Success};
use crate::{events, Recorded, Shared, State};

/// The portal's cap on commands per batch.
pub const MAX_COMMANDS: usize = 50;

/// Runs a batch; its answer is one [`Success`] whose result is the batch's maps.
pub(crate) fn run(
    shared: &Shared,
    st: &mut State,
    version: u8,
    params: &Map<String, Value>,
    now: i64,
    outbox: &mut Vec<events::Outgoing>,
) -> Outcome {
    st.counters.calls += 1;
    let fail = |e: ApiError| Outcome {
        answer: Err(e),
        unknown: Vec::new(),
    };
    let halt = params.get("halt").is_some_and(truthy);
    let (commands, keyed): (Vec<(String, String)>, bool) = match params.get("cmd") {
        Some(Value::Object(c)) => (c.iter().map(|(k, v)| (k.clone(), text(v))).collect(), true),
        Some(Value::Array(c)) => (
            c.iter()
                .enumerate()
                .map(|(i, v)| (i.to_string(), text(v)))
                .collect(),
            false,
        ),
        _ => {
            st.counters.errors += 1;
            return fail(ApiError::v2(
                400,
                "ERROR_ARGUMENT",
                "Parameter `cmd` is required",
            ));
        }
    };
    if commands.len() > MAX_COMMANDS {
        st.counters.errors += 1;
        return fail(ApiError::v2(
            400,
            "ERROR_BATCH_LENGTH_EXCEEDED",
            "Max batch length exceeded",
        ));
    }
    let mut done = Done::default();
    for (key, command) in commands {
        let (method, query) = command.split_once('?').unwrap_or((command.as_str(), ""));
        let (mut p, unreadable) = match php_form(query.as_bytes()) {
            Ok(p) => (p, None),
            Err(e) => (Default::default(), Some(e)),
        };
        for v in p.values_mut() {
            resolve(v, &done);
        }
        let start = shared.now();
        let outcome = if let Some(e) = unreadable {
            st.counters.calls += 1;
            st.counters.errors += 1;
            fail(ApiError::v2(400, "ERROR_ARGUMENT", e.to_string()))
        } else if method.eq_ignore_ascii_case("batch") {
            st.counters.calls += 1;
            st.counters.errors += 1;
            fail(ApiError::v2(
                405,
                "ERROR_BATCH_METHOD_NOT_ALLOWED",
                "Method is not allowed for batch usage",
            ))
        } else {
            call(shared, st, version, method, &p, now, outbox)
        };
        st.record(Recorded {
            seq: 0,
            rest_version: version,
            method: method.to_owned(),
            via: "batch".into(),
            params: p,
            unknown_keys: outcome.unknown.clone(),
            status: outcome.answer.as_ref().map_or_else(|e| e.status, |_| 200),
            error: outcome.answer.as_ref().err().map(|e| e.code.clone()),
        });
        let finish = shared.now().max(start);
        match outcome.answer {
            Ok(s) => {
                done.time.insert(
                    key.clone(),
                    time_block(start, finish, s.operating.0, Some(s.operating.1)),
                );
                if let Some(t) = s.total {
                    done.total.insert(key.clone(), t.into());
                }
                if let Some(n) = s.next {
                    done.next.insert(key.clone(), n.into());
                }
                done.result.insert(key, s.result);
            }
            Err(e) => {
                let mut body = e.body();
                if let Value::Object(o) = &mut body {
                    o.remove("operating_reset_at");
                }
                done.error.insert(key, body);
                if halt {
                    break;
                }
            }
        }
    }
    let mut result = Map::new();
    result.insert("result".into(), php_map(done.result, keyed));
    result.insert("result_error".into(), php_map(done.error, keyed));
    result.insert("result_total".into(), php_map(done.total, keyed));
    result.insert("result_next".into(), php_map(done.next, keyed));
    result.insert("result_time".into(), php_map(done.time, keyed));
    Outcome {
        answer: Ok(Success {
            result: Value::Object(result),
            total: None,
            next: None,
            operating: (0.0, now + crate::limits::OPERATING_WINDOW_SECS),
        }),
        unknown: Vec::new(),
    }
}

/// The maps of a batch's answer so far.
#[derive(Default)]
struct Done {
    result: Map<String, Value>,
    error: Map<String, Value>,
    total: Map<String, Value>,
    next: Map<String, Value>,
    time: Map<String, Value>,
}

/// A PHP array as JSON: `[]` when empty, a list for a list of commands, else an object.
fn php_map(m: Map<String, Value>, keyed: bool) -> Value {
    if m.is_empty() {
        return Value::Array(Vec::new());
    }
    if keyed {
        return Value::Object(m);
    }
    let dense = m.keys().enumerate().all(|(i, k)| k == &i.to_string());
    if dense {
        Value::Array(m.into_iter().map(|(_, v)| v).collect())
    } else {
        Value::Object(m)
    }
}

fn truthy(v: &Value) -> bool {
    match v {
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => matches!(s.as_str(), "1" | "Y" | "y" | "true"),
        _ => false,
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Replaces `$result[key][a]…`, `$result_total[key]` and `$result_next[key]` in `v`'s strings
/// with what the earlier commands answered; a string that is exactly one reference takes the
/// value itself (an object or a list stays one).
fn resolve(v: &mut Value, done: &Done) {
    match v {
        Value::String(s) => {
            if !s.contains("$result") {
                return;
            }
            if let Some((value, len)) = reference(s, done) {
                if len == s.len() {
                    *v = value;
                    return;
                }
            }
            let mut out = String::new();
            let mut rest = s.as_str();
            while let Some(i) = rest.find("$result") {
                out.push_str(&rest[..i]);
                match reference(&rest[i..], done) {
                    Some((value, len)) => {
                        out.push_str(&text(&value));
                        rest = &rest[i + len..];
                    }
                    None => {
                        out.push_str("$result");
                        rest = &rest[i + "$result".len()..];
                    }
                }
            }
            out.push_str(rest);
            *s = out;
        }
        Value::Array(a) => a.iter_mut().for_each(|x| resolve(x, done)),
        Value::Object(o) => o.values_mut().for_each(|x| resolve(x, done)),
        _ => {}
    }
}

/// The reference at the start of `s`: its value and its length. A reference to a command that
/// did not answer is `null`.
fn reference(s: &str, done: &Done) -> Option<(Value, usize)> {
    let (map, mut rest) = if let Some(r) = s.strip_prefix("$result_total") {
        (&done.total, r)
    } else if let Some(r) = s.strip_prefix("$result_next") {
        (&done.next, r)
    } else {
        (&done.result, s.strip_prefix("$result")?)
    };
    let mut path = Vec::new();
    while let Some(r) = rest.strip_prefix('[') {
        let close = r.find(']')?;
        path.push(&r[..close]);
        rest = &r[close + 1..];
    }
    let (key, tail) = path.split_first()?;
    let mut cur = map.get(*key).cloned().unwrap_or(Value::Null);
    for seg in tail {
        cur = match &cur {
            Value::Object(o) => o.get(*seg).cloned().unwrap_or(Value::Null),
            Value::Array(a) => seg
                .parse::<usize>()
                .ok()
                .and_then(|i| a.get(i).cloned())
                .unwrap_or(Value::Null),
            _ => Value::Null,
        };
    }
    Some((cur, s.len() - rest.len()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn references_resolve() {
        let mut done = Done::default();
        done.result
            .insert("deal".into(), json!({"ID": "7", "ITEMS": [{"ID": 3}]}));
        done.total.insert("list".into(), json!(120));
        let mut v = json!({"id": "$result[deal][ID]", "x": "a-$result[deal][ITEMS][0][ID]-b", "t": "$result_total[list]", "all": "$result[deal]"});
        resolve(&mut v, &done);
        assert_eq!(
            v,
            json!({"id": "7", "x": "a-3-b", "t": 120, "all": {"ID": "7", "ITEMS": [{"ID": 3}]}})
        );
    }

    #[test]
    fn php_maps() {
        assert_eq!(php_map(Map::new(), true), json!([]));
        let mut m = Map::new();
        m.insert("0".into(), json!(1));
        m.insert("1".into(), json!(2));
        assert_eq!(php_map(m, false), json!([1, 2]));
    }
}
