//! A small in-memory Bitrix24 portal on 127.0.0.1 (wiremock), shared by the example and the
//! integration tests. It speaks the webhook URL form, answers `crm.deal.*`, `crm.company.get`
//! and `batch` (with `$result[…]` references and `halt`) the way the portal does, including its
//! quirks: numbers as strings, `[]` for empty objects, a `time` block on every answer. Started
//! with [`Portal::start_limited`] it enforces the request-intensity limit as the portal does: a
//! leaky bucket that answers `503 QUERY_LIMIT_EXCEEDED` (and does not count the refused call).
#![allow(dead_code)]

use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

pub const USER: &str = "1";
pub const CODE: &str = "portal-webhook-code-0042";
const PAGE: usize = 50;

/// One HTTP call the portal answered.
#[derive(Debug, Clone)]
pub struct HttpCall {
    pub method: String,
    /// Commands in a batch; 1 otherwise.
    pub commands: usize,
}

#[derive(Default)]
pub struct State {
    pub deals: BTreeMap<i64, Value>,
    pub companies: BTreeMap<i64, Value>,
    next_id: i64,
    pub calls: Vec<HttpCall>,
    bucket: Option<Bucket>,
    /// Calls refused with `503 QUERY_LIMIT_EXCEEDED`.
    pub refused: usize,
    /// `crm.deal.list` fails with `ERROR_CORE` for a page at this `start` (tests of a failing
    /// page in the middle of a list).
    pub fail_start: Option<i64>,
}

/// The portal's leaky bucket: every call adds one, `per_second` leak out, a call that would
/// overflow `burst` is refused.
struct Bucket {
    burst: f64,
    per_second: f64,
    level: f64,
    at: Instant,
}

impl Bucket {
    fn admit(&mut self) -> bool {
        let now = Instant::now();
        let leaked = now.duration_since(self.at).as_secs_f64() * self.per_second;
        self.level = (self.level - leaked).max(0.0);
        self.at = now;
        if self.level + 1.0 > self.burst {
            return false;
        }
        self.level += 1.0;
        true
    }
}

pub struct Portal {
    pub server: MockServer,
    pub state: Arc<Mutex<State>>,
}

type Failure = (u16, &'static str, String);
struct Answer {
    result: Value,
    total: Option<usize>,
    next: Option<usize>,
}

impl Portal {
    pub async fn start() -> Portal {
        Portal::start_with(State::default()).await
    }

    /// A portal enforcing a leaky bucket of `burst` calls at `per_second` (Bitrix24's standard
    /// plan: 50 at 2/s).
    pub async fn start_limited(burst: u32, per_second: f64) -> Portal {
        Portal::start_with(State {
            bucket: Some(Bucket {
                burst: f64::from(burst),
                per_second,
                level: 0.0,
                at: Instant::now(),
            }),
            ..State::default()
        })
        .await
    }

    async fn start_with(state: State) -> Portal {
        let server = MockServer::start().await;
        let state = Arc::new(Mutex::new(state));
        Mock::given(method("POST"))
            .and(path_regex(format!("^/rest/{USER}/{CODE}/[a-z0-9._]+$")))
            .respond_with(Handler(state.clone()))
            .mount(&server)
            .await;
        Portal { server, state }
    }

    pub fn webhook_url(&self) -> String {
        format!("{}/rest/{USER}/{CODE}/", self.server.uri())
    }

    /// Adds `n` deals (IDs continue from the last one).
    pub fn seed_deals(&self, n: usize) {
        let mut st = self.state.lock().unwrap();
        for i in 0..n {
            st.next_id += 1;
            let id = st.next_id;
            st.deals.insert(id, deal(id, &format!("Deal {i}"), None));
        }
    }

    pub fn add_company(&self, id: i64, title: &str) {
        let mut st = self.state.lock().unwrap();
        st.companies
            .insert(id, json!({"ID": id.to_string(), "TITLE": title}));
    }

    pub fn calls(&self) -> Vec<HttpCall> {
        self.state.lock().unwrap().calls.clone()
    }

    /// Calls answered so far, and how many of them were refused for the rate limit.
    pub fn answered(&self) -> (usize, usize) {
        let st = self.state.lock().unwrap();
        (st.calls.len(), st.refused)
    }
}

fn deal(id: i64, title: &str, company: Option<i64>) -> Value {
    json!({
        "ID": id.to_string(),
        "TITLE": title,
        "OPENED": "Y",
        "COMPANY_ID": company.map(|c| c.to_string()).unwrap_or_default(),
        "UF_CRM_1700000000": [],
    })
}

fn time_block() -> Value {
    json!({
        "start": 1757424671.509725, "finish": 1757424671.52, "duration": 0.0103,
        "processing": 0.01, "date_start": "2025-09-09T16:31:11+03:00",
        "date_finish": "2025-09-09T16:31:11+03:00", "operating_reset_at": 1757425271,
        "operating": 0.01
    })
}

fn int(v: Option<&Value>) -> Option<i64> {
    match v? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

struct Handler(Arc<Mutex<State>>);

impl Respond for Handler {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let method = req.url.path().rsplit('/').next().unwrap_or("").to_owned();
        let params: Value = match serde_json::from_slice(&req.body) {
            Ok(v @ Value::Object(_)) => v,
            _ => return ResponseTemplate::new(400).set_body_json(
                json!({"error": "INVALID_REQUEST", "error_description": "JSON object expected"}),
            ),
        };
        let mut st = self.0.lock().unwrap();
        if let Some(bucket) = &mut st.bucket {
            if !bucket.admit() {
                st.refused += 1;
                st.calls.push(HttpCall {
                    method,
                    commands: 0,
                });
                return ResponseTemplate::new(503).set_body_json(json!({
                    "error": "QUERY_LIMIT_EXCEEDED",
                    "error_description": "Too many requests"
                }));
            }
        }
        let commands = if method == "batch" {
            params["cmd"].as_object().map_or(0, Map::len)
        } else {
            1
        };
        st.calls.push(HttpCall {
            method: method.clone(),
            commands,
        });
        let answer = if method == "batch" {
            batch(&mut st, &params, &req.body)
        } else {
            dispatch(&mut st, &method, &params)
        };
        match answer {
            Ok(a) => {
                let mut body = json!({"result": a.result, "time": time_block()});
                if let Some(t) = a.total {
                    body["total"] = json!(t);
                }
                if let Some(n) = a.next {
                    body["next"] = json!(n);
                }
                ResponseTemplate::new(200).set_body_json(body)
            }
            Err((status, code, description)) => ResponseTemplate::new(status)
                .set_body_json(json!({"error": code, "error_description": description})),
        }
    }
}

fn dispatch(st: &mut State, method: &str, p: &Value) -> Result<Answer, Failure> {
    let one = |result| {
        Ok(Answer {
            result,
            total: None,
            next: None,
        })
    };
    match method {
        "crm.deal.add" => {
            let fields = p.get("fields").cloned().unwrap_or(json!({}));
            let Some(title) = fields.get("TITLE").and_then(Value::as_str) else {
                return Err((400, "ERROR_CORE", "TITLE is required".into()));
            };
            st.next_id += 1;
            let id = st.next_id;
            let d = deal(id, title, int(fields.get("COMPANY_ID")));
            st.deals.insert(id, d);
            one(json!(id))
        }
        "crm.deal.get" | "crm.company.get" => {
            let table = if method == "crm.deal.get" {
                &st.deals
            } else {
                &st.companies
            };
            match int(p.get("id")).and_then(|id| table.get(&id)) {
                Some(row) => one(row.clone()),
                None => Err((400, "", "Not found".into())),
            }
        }
        "crm.deal.list" => list(st, p),
        _ => Err((404, "ERROR_METHOD_NOT_FOUND", "Method not found!".into())),
    }
}

fn list(st: &State, p: &Value) -> Result<Answer, Failure> {
    let filter = p.get("filter").cloned().unwrap_or(json!({}));
    // An unresolved `$result[…]` reference arrives as text; PHP compares it as 0.
    let gt = filter
        .get(">ID")
        .map(|v| int(Some(v)).unwrap_or(0))
        .unwrap_or(i64::MIN);
    let desc = p["order"]["ID"]
        .as_str()
        .is_some_and(|o| o.eq_ignore_ascii_case("desc"));
    let start = int(p.get("start")).unwrap_or(0);
    if st.fail_start == Some(start) {
        return Err((500, "ERROR_CORE", format!("the page at {start} failed")));
    }
    let range = st.deals.range(gt.saturating_add(1)..).map(|(_, v)| v);
    let mut rows: Vec<&Value> = if start < 0 && !desc {
        // No counting, no cursor: the first page only (cheap for the fast traversal).
        range.take(PAGE).collect()
    } else {
        range.collect()
    };
    if desc {
        rows.reverse();
    }
    if start < 0 {
        let page: Vec<Value> = rows.into_iter().take(PAGE).cloned().collect();
        return Ok(Answer {
            result: Value::Array(page),
            total: None,
            next: None,
        });
    }
    let start = start as usize;
    let total = rows.len();
    let page: Vec<Value> = rows.into_iter().skip(start).take(PAGE).cloned().collect();
    let next = (start + PAGE < total).then_some(start + PAGE);
    Ok(Answer {
        result: Value::Array(page),
        total: Some(total),
        next,
    })
}

/// `$result[key][a][b]` in `s`, replaced from `done` (left as is when it does not resolve).
fn substitute(s: &str, done: &Map<String, Value>) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(pos) = rest.find("$result[") {
        out.push_str(&rest[..pos]);
        let tail = &rest[pos + "$result".len()..];
        let mut segs = Vec::new();
        let mut cur = tail;
        while let Some(inner) = cur.strip_prefix('[') {
            let Some(close) = inner.find(']') else { break };
            segs.push(&inner[..close]);
            cur = &inner[close + 1..];
        }
        let whole = &rest[pos..rest.len() - cur.len()];
        let mut v = segs.first().and_then(|k| done.get(*k));
        for seg in segs.iter().skip(1) {
            v = v.and_then(|x| match x {
                Value::Object(m) => m.get(*seg),
                Value::Array(a) => seg.parse::<usize>().ok().and_then(|i| a.get(i)),
                _ => None,
            });
        }
        match v {
            Some(Value::String(t)) => out.push_str(t),
            Some(Value::Number(n)) => out.push_str(&n.to_string()),
            _ => out.push_str(whole),
        }
        rest = cur;
    }
    out.push_str(rest);
    out
}

fn substitute_all(v: &mut Value, done: &Map<String, Value>) {
    match v {
        Value::String(s) if s.contains("$result[") => *s = substitute(s, done),
        Value::Array(a) => a.iter_mut().for_each(|x| substitute_all(x, done)),
        Value::Object(m) => m.values_mut().for_each(|x| substitute_all(x, done)),
        _ => {}
    }
}

fn or_empty(m: Map<String, Value>) -> Value {
    // PHP's json_encode: an empty array is `[]`, and keys "0", "1", … make a list.
    let mut numbered: Vec<(usize, Value)> = Vec::with_capacity(m.len());
    for (k, v) in &m {
        match k.parse::<usize>() {
            Ok(i) if i.to_string() == *k => numbered.push((i, v.clone())),
            _ => return Value::Object(m),
        }
    }
    numbered.sort_by_key(|(i, _)| *i);
    if numbered.iter().enumerate().all(|(i, (n, _))| i == *n) {
        Value::Array(numbered.into_iter().map(|(_, v)| v).collect())
    } else {
        Value::Object(m)
    }
}

fn batch(st: &mut State, p: &Value, body: &[u8]) -> Result<Answer, Failure> {
    let halt = int(p.get("halt")).unwrap_or(0) != 0;
    // The commands run in the order sent (read as an ordered object: serde_json's own map
    // may sort its keys).
    #[derive(serde::Deserialize)]
    struct Commands {
        cmd: b24_runtime::wire::Object,
    }
    let Some(cmd) = serde_json::from_slice::<Commands>(body).ok().map(|c| c.cmd) else {
        return Err((400, "INVALID_REQUEST", "cmd is required".into()));
    };
    if cmd.len() > PAGE {
        return Err((
            400,
            "ERROR_BATCH_LENGTH_EXCEEDED",
            "Max batch length exceeded".into(),
        ));
    }
    let (mut result, mut errors) = (Map::new(), Map::new());
    let (mut totals, mut nexts, mut times) = (Map::new(), Map::new(), Map::new());
    for (key, line) in &cmd {
        let line = line.as_str().unwrap_or("");
        let (method, query) = line.split_once('?').unwrap_or((line, ""));
        let answer = match b24_runtime::events::parse_php_form(query.as_bytes()) {
            Ok(mut params) => {
                substitute_all(&mut params, &result);
                dispatch(st, method, &params)
            }
            Err(e) => Err((400, "INVALID_REQUEST", e.to_string())),
        };
        match answer {
            Ok(a) => {
                result.insert(key.clone(), a.result);
                if let Some(t) = a.total {
                    totals.insert(key.clone(), json!(t));
                }
                if let Some(n) = a.next {
                    nexts.insert(key.clone(), json!(n));
                }
                times.insert(key.clone(), time_block());
            }
            Err((_, code, description)) => {
                errors.insert(
                    key.clone(),
                    json!({"error": code, "error_description": description}),
                );
                if halt {
                    break;
                }
            }
        }
    }
    Ok(Answer {
        result: json!({
            "result": or_empty(result),
            "result_error": or_empty(errors),
            "result_total": or_empty(totals),
            "result_next": or_empty(nexts),
            "result_time": or_empty(times),
        }),
        total: None,
        next: None,
    })
}
