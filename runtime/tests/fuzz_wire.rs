//! Fuzzing the wire decoders on mutated response examples (stable toolchain, no extra crates):
//! the JSON examples of docs-src/ are mutated — values swapped for the forms portals send
//! (`""`, `"Y"`, `"0"`, dates in several spellings, huge and negative numbers, nested lists),
//! keys dropped, bytes flipped and cut — and every leaf goes through each lenient decoder of
//! [`b24_runtime::wire`] and the `Date`/`DateTime`/`YesNo` types. A decoder may refuse a value
//! (an error naming what it expected), never panic.
//!
//! Budget: `FUZZ_CASES` (default 20,000); `scripts/fuzz.sh` runs the reader's harness long.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use b24_runtime::wire;
use serde_json::Value;

/// `rng.usize(..n)`, and 0 for an empty range (the cases replay from their seed: fastrand's
/// generator is seedable and stable).
fn below(rng: &mut fastrand::Rng, n: usize) -> usize {
    rng.usize(..n.max(1))
}

const FORMS: &[&str] = &[
    "\"\"",
    "\"Y\"",
    "\"N\"",
    "\"0\"",
    "\"1\"",
    "\"-1\"",
    "\"1.5\"",
    "\"1e400\"",
    "\"abc\"",
    "\"2024-05-01\"",
    "\"01.05.2024\"",
    "\"01.05.2024 10:00:00\"",
    "\"2024-05-01T10:00:00+03:00\"",
    "\"2024-05-01T25:61:61+99:99\"",
    "\"9999999999-99-99\"",
    "\"\\u00a0\"",
    "\"true\"",
    "\"false\"",
    "0",
    "-1",
    "1.5",
    "1e308",
    "-1e308",
    "18446744073709551615",
    "-9223372036854775808",
    "9223372036854775807",
    "1714557600",
    "99999999999999999",
    "true",
    "false",
    "null",
    "[]",
    "{}",
    "[[[[[[[[1]]]]]]]]",
    "{\"a\":{\"b\":{\"c\":[]}}}",
];

fn mutate_value(v: &mut Value, rng: &mut fastrand::Rng) {
    match v {
        Value::Object(o) if !o.is_empty() => {
            let k = below(rng, o.len());
            match below(rng, 4) {
                0 => {
                    if let Some(key) = o.keys().nth(k).cloned() {
                        o.remove(&key);
                    }
                }
                _ => {
                    if let Some((_, child)) = o.iter_mut().nth(k) {
                        mutate_value(child, rng);
                    }
                }
            }
        }
        Value::Array(a) if !a.is_empty() => {
            let k = below(rng, a.len());
            mutate_value(&mut a[k], rng);
        }
        _ => {
            let form = FORMS[below(rng, FORMS.len())];
            *v = serde_json::from_str(form).unwrap_or(Value::Null);
        }
    }
}

/// Every decoder on one value: errors are fine, panics are not.
fn decode_all(v: &Value) {
    let _ = wire::opt_i64(v.clone());
    let _ = wire::opt_f64(v.clone());
    let _ = wire::opt_unix_time(v.clone());
    let _ = wire::opt_bool(v.clone());
    let _ = wire::opt_string(v.clone());
    let _ = wire::opt_yes_no(v.clone());
    let _ = wire::opt_date(v.clone());
    let _ = wire::opt_datetime(v.clone());
    let _ = wire::opt_value(v.clone());
    let _ = wire::i64(v.clone());
    let _ = wire::f64(v.clone());
    let _ = wire::bool(v.clone());
    let _ = wire::string(v.clone());
    let _ = wire::opt_vec::<_, i64>(v.clone());
    let _ = serde_json::from_value::<wire::Date>(v.clone());
    let _ = serde_json::from_value::<wire::DateTime>(v.clone());
    let _ = serde_json::from_value::<wire::YesNo>(v.clone());
}

fn leaves<'a>(v: &'a Value, out: &mut Vec<&'a Value>) {
    out.push(v);
    match v {
        Value::Object(o) => o.values().for_each(|c| leaves(c, out)),
        Value::Array(a) => a.iter().for_each(|c| leaves(c, out)),
        _ => {}
    }
}

/// The ```json blocks of docs-src/ that parse.
fn seeds() -> Vec<Value> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs-src");
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(&dir) else {
        return out;
    };
    let mut paths: Vec<_> = rd.flatten().map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        let Ok(text) = std::fs::read_to_string(&p) else {
            continue;
        };
        for block in text.split("```json").skip(1) {
            let body = block.split("```").next().unwrap_or("");
            if let Ok(v) = serde_json::from_str::<Value>(body) {
                out.push(v);
            }
        }
    }
    out
}

#[test]
fn mutated_response_examples_never_panic_the_wire_decoders() {
    let cases: usize = std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(20_000);
    let seeds = seeds();
    assert!(!seeds.is_empty(), "no JSON examples in docs-src/");
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let mut failures = Vec::new();
    for case in 0..cases {
        let mut rng =
            fastrand::Rng::with_seed(15 ^ (case as u64).wrapping_mul(0x2545_F491_4F6C_DD1D));
        let mut v = seeds[below(&mut rng, seeds.len())].clone();
        for _ in 0..1 + below(&mut rng, 4) {
            mutate_value(&mut v, &mut rng);
        }
        let mut bytes = serde_json::to_vec(&v).unwrap_or_default();
        if below(&mut rng, 4) == 0 && !bytes.is_empty() {
            let i = below(&mut rng, bytes.len());
            bytes[i] ^= 1 << below(&mut rng, 8);
            bytes.truncate(i + below(&mut rng, bytes.len() - i + 1));
        }
        let r = catch_unwind(AssertUnwindSafe(|| {
            let mut all = Vec::new();
            leaves(&v, &mut all);
            all.into_iter().for_each(decode_all);
            if let Ok(parsed) = serde_json::from_slice::<Value>(&bytes) {
                decode_all(&parsed);
            }
        }));
        if r.is_err() {
            failures.push(format!("case {case}: {v}"));
        }
    }
    std::panic::set_hook(hook);
    println!("fuzz_wire: {cases} cases, {} panics", failures.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Key shapes a hostile or broken event body may carry.
const EVENT_KEYS: &[&str] = &[
    "event",
    "auth[application_token]",
    "auth[application_token][]",
    "auth[member_id]",
    "auth",
    "data",
    "data[FIELDS][ID]",
    "data[FIELDS][]",
    "data[",
    "data]",
    "data[[]]",
    "[x]",
    "ts",
    "event_handler_id",
    "%ZZ",
    "a%5Bb%5D%5Bc",
];

fn event_key(rng: &mut fastrand::Rng) -> String {
    match below(rng, 6) {
        // Around PHP's nesting limit, and far beyond it.
        0 => format!("data{}", "[]".repeat([63, 64, 65, 5000][below(rng, 4)])),
        _ => EVENT_KEYS[below(rng, EVENT_KEYS.len())].to_owned(),
    }
}

/// Event POST bodies (form and JSON) with pairs added, keys swapped for hostile shapes, values
/// swapped for the wire forms, bytes flipped and cut: every parser answers, none panics.
#[test]
fn mutated_event_bodies_never_panic_the_event_parsers() {
    use b24_runtime::events::endpoint::{Endpoint, MemorySeen};
    use b24_runtime::events::{verified_payload, Event};
    let cases: usize = std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(20_000)
        / 4;
    let form = "event=ONCRMDEALADD&event_handler_id=185&data%5BFIELDS%5D%5BID%5D=6641\
        &ts=1735374081&auth%5Bmember_id%5D=m1&auth%5Bapplication_token%5D=tok";
    let endpoint = Endpoint::new("tok").seen(MemorySeen::new(64));
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let (mut failures, mut accepted) = (Vec::new(), 0usize);
    for case in 0..cases {
        let mut rng =
            fastrand::Rng::with_seed(21 ^ (case as u64).wrapping_mul(0x2545_F491_4F6C_DD1D));
        let mut pairs: Vec<(String, String)> = form_urlencoded::parse(form.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        for _ in 0..1 + below(&mut rng, 4) {
            let i = below(&mut rng, pairs.len());
            match below(&mut rng, 4) {
                0 => pairs[i].0 = event_key(&mut rng),
                1 => pairs[i].1 = FORMS[below(&mut rng, FORMS.len())].trim_matches('"').into(),
                2 => pairs.push((event_key(&mut rng), "x".into())),
                _ => {
                    pairs.remove(i);
                }
            }
            if pairs.is_empty() {
                pairs.push(("event".into(), "E".into()));
            }
        }
        let json = below(&mut rng, 4) == 0;
        let mut body = if json {
            let tree = b24_runtime::events::parse_php_form(
                form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(&pairs)
                    .finish()
                    .as_bytes(),
            )
            .unwrap_or(Value::Null);
            serde_json::to_vec(&tree).unwrap_or_default()
        } else {
            form_urlencoded::Serializer::new(String::new())
                .extend_pairs(&pairs)
                .finish()
                .into_bytes()
        };
        if below(&mut rng, 4) == 0 && !body.is_empty() {
            let i = below(&mut rng, body.len());
            body[i] ^= 1 << below(&mut rng, 8);
            body.truncate(i + below(&mut rng, body.len() - i + 1));
        }
        let ct = json.then_some("application/json");
        let r = catch_unwind(AssertUnwindSafe(|| {
            if let Ok(e) = Event::parse(ct, &body) {
                let _ = format!("{e:?}");
                let _ = e.data_as::<Value>();
                let _ = e.tokens();
            }
            let _ = Event::parse_verified(ct, &body, "tok");
            let _ = verified_payload(ct, &body, "tok");
            endpoint.accept(ct, &body).is_ok()
        }));
        match r {
            Ok(ok) => accepted += usize::from(ok),
            Err(_) => failures.push(format!("case {case}: {}", String::from_utf8_lossy(&body))),
        }
    }
    std::panic::set_hook(hook);
    println!(
        "fuzz_wire events: {cases} cases, {accepted} accepted by the endpoint, {} panics",
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Batch answers (the envelope and its `result_*` maps) mutated like the response examples,
/// served by a loopback server to `Client::batch`: each command's result or error is read,
/// nothing panics.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mutated_batch_answers_never_panic_the_batch_reader() {
    use futures_util::FutureExt;
    use std::sync::{Arc, Mutex};
    let cases: usize = std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(20_000)
        / 20;
    let seed = serde_json::json!({
        "result": {
            "result": {"a": {"ID": "1", "TITLE": "x"}, "b": [{"ID": "2"}, {"ID": "3"}]},
            "result_error": {"c": {"error": "NOT_FOUND", "error_description": "Not found"}},
            "result_total": {"b": 2},
            "result_next": {"b": 50},
            "result_time": {"a": {"start": 1.0, "finish": 1.1, "operating": 0.1,
                "operating_reset_at": 1714557600}}
        },
        "time": {"start": 1.0, "finish": 1.2, "operating_reset_at": 1714557600}
    });
    let answer: Arc<Mutex<Vec<u8>>> = Arc::default();
    let server = wiremock::MockServer::start().await;
    let served = answer.clone();
    wiremock::Mock::given(wiremock::matchers::any())
        .respond_with(move |_: &wiremock::Request| {
            let body = served.lock().unwrap_or_else(|p| p.into_inner()).clone();
            wiremock::ResponseTemplate::new(200)
                .insert_header("content-type", "application/json")
                .set_body_bytes(body)
        })
        .mount(&server)
        .await;
    let client = b24_runtime::Client::builder()
        .webhook(&format!("{}/rest/1/code/", server.uri()))
        .no_rate_limit()
        .retry(b24_runtime::RetryPolicy {
            max_retries: 0,
            ..b24_runtime::RetryPolicy::default()
        })
        .build()
        .expect("a client");
    let mut batch = b24_runtime::batch::Batch::new();
    for (key, method) in [
        ("a", "crm.deal.get"),
        ("b", "crm.deal.list"),
        ("c", "crm.deal.get"),
    ] {
        batch
            .add_raw(key, method, serde_json::json!({"id": 1}), true)
            .expect("a command");
    }
    batch
        .add_raw(
            "d",
            "crm.deal.get",
            serde_json::json!({"id": "$result[a][ID]"}),
            true,
        )
        .expect("a reference");
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let (mut failures, mut answered) = (Vec::new(), 0usize);
    for case in 0..cases {
        let mut rng =
            fastrand::Rng::with_seed(33 ^ (case as u64).wrapping_mul(0x2545_F491_4F6C_DD1D));
        let mut v = seed.clone();
        for _ in 0..1 + below(&mut rng, 4) {
            mutate_value(&mut v, &mut rng);
        }
        let mut bytes = serde_json::to_vec(&v).unwrap_or_default();
        if below(&mut rng, 4) == 0 && !bytes.is_empty() {
            let i = below(&mut rng, bytes.len());
            bytes[i] ^= 1 << below(&mut rng, 8);
            bytes.truncate(i + below(&mut rng, bytes.len() - i + 1));
        }
        *answer.lock().unwrap_or_else(|p| p.into_inner()) = bytes.clone();
        let run = AssertUnwindSafe(async {
            match client.batch(&batch).await {
                Ok(results) => {
                    for key in ["a", "b", "c", "d"] {
                        if let Some(r) = results.raw_by_key(key) {
                            let _ = r.map(|resp| format!("{:?}", resp.raw()));
                        }
                    }
                    let _ = results.errors();
                    true
                }
                Err(e) => {
                    let _ = e.to_string();
                    false
                }
            }
        })
        .catch_unwind()
        .await;
        match run {
            Ok(ok) => answered += usize::from(ok),
            Err(_) => failures.push(format!("case {case}: {}", String::from_utf8_lossy(&bytes))),
        }
    }
    std::panic::set_hook(hook);
    println!(
        "fuzz_wire batch: {cases} cases, {answered} read as batch results, {} panics",
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
