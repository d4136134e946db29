//! The whole reference through the mock portal: for every method whose docs give a request
//! example (EN and RU), the example is sent through the runtime's client to a `b24-mock` portal
//! built from the same IR, and the answer is decoded into that method's generated `Output` by the
//! conformance harness (the same generated crate and registry the conformance suite builds).
//!
//! Prints one line per method that was not answered or whose answer does not decode, with the
//! reason, and `mock <lang>: answered and decoded N/M methods`.

mod common;

use std::collections::BTreeMap;

use b24_mock::{Limits, MockPortal};
use b24_runtime::{CallOptions, Client, RestVersion, RetryPolicy};
use b24gen::conformance::{cases, Case, CaseKind};
use b24gen::ir::Lang;
use common::harness::{self, prepare};
use serde_json::{Map, Value};

/// One method's first request example in one language.
struct Sent<'a> {
    lang: &'static str,
    name: &'a str,
    rest_version: u8,
    /// The answer, as the client received it, or why there is none.
    answer: Result<Value, String>,
}

/// Sends `requests` (method → (REST version, params)) to a fresh portal state each.
async fn send_all<'a>(
    ir: &b24gen::ir::Ir,
    lang: Lang,
    requests: &BTreeMap<(&'a str, u8), Value>,
) -> Vec<(&'a str, u8, Result<Value, String>)> {
    let portal = MockPortal::builder(ir.clone())
        .limits(Limits::Off)
        .lang(lang)
        .start()
        .await
        .expect("the mock starts");
    let client = Client::builder()
        .webhook(&portal.webhook_url())
        .no_rate_limit()
        .retry(RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        })
        .build()
        .expect("a client for the mock");
    let mut out = Vec::new();
    for (&(name, version), params) in requests {
        // Each method on the portal as it starts: a documented `delete` does not take away
        // the record a documented `get` names.
        portal.reset();
        let opts = CallOptions::default().version(if version == 3 {
            RestVersion::V3
        } else {
            RestVersion::V2
        });
        let answer = client
            .call_raw_with(name, params, &opts)
            .await
            .map_err(|e| e.to_string())
            .map(|r| {
                let mut body = Map::new();
                body.insert("result".into(), r.result);
                if let Some(t) = &r.time {
                    body.insert(
                        "time".into(),
                        serde_json::to_value(t).unwrap_or(Value::Null),
                    );
                }
                if let Some(t) = r.total {
                    body.insert("total".into(), t.into());
                }
                if let Some(n) = r.next {
                    body.insert("next".into(), n.into());
                }
                Value::Object(body)
            });
        out.push((name, version, answer));
    }
    out
}

#[test]
fn every_documented_request_is_answered_in_the_documented_shape() {
    let Some(docs) =
        b24gen::corpus_or_skip("every_documented_request_is_answered_in_the_documented_shape")
    else {
        return;
    };
    let ir = b24gen::read_docs(&[docs.join("en"), docs.join("ru")]);
    let all = cases(&ir);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let mut sent: Vec<Sent<'_>> = Vec::new();
    for (lang, ir_lang) in [("en", Lang::En), ("ru", Lang::Ru)] {
        let mut requests: BTreeMap<(&str, u8), Value> = BTreeMap::new();
        for c in all
            .iter()
            .filter(|c| c.kind == CaseKind::Request && c.lang == lang)
        {
            requests
                .entry((c.name, c.rest_version))
                .or_insert_with(|| c.json.clone().into_owned());
        }
        for (name, rest_version, answer) in rt.block_on(send_all(&ir, ir_lang, &requests)) {
            sent.push(Sent {
                lang,
                name,
                rest_version,
                answer,
            });
        }
    }

    // Decode every answer through the generated registry.
    let (base, harness) = prepare(&ir);
    let input: Vec<Case> = sent
        .iter()
        .enumerate()
        .filter_map(|(id, s)| {
            s.answer.as_ref().ok().map(|json| Case {
                id,
                kind: CaseKind::Response,
                name: s.name.to_owned(),
                rest_version: s.rest_version,
                json: json.clone(),
            })
        })
        .collect();
    let outcomes = harness::run(&harness, &base, "mock", &input);
    let mismatch: BTreeMap<usize, String> = outcomes
        .into_iter()
        .filter_map(|o| {
            o.mismatch.map(|m| {
                (
                    o.id,
                    format!("at {} (into {}): {}", m.path, m.expected, m.message),
                )
            })
        })
        .collect();

    let mut tally: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (id, s) in sent.iter().enumerate() {
        let t = tally.entry(s.lang).or_default();
        t.1 += 1;
        let reason = match &s.answer {
            Err(e) => Some(format!("not answered: {e}")),
            Ok(_) => mismatch.get(&id).map(|m| format!("does not decode {m}")),
        };
        match reason {
            None => t.0 += 1,
            Some(r) => println!("MOCK {} {} (REST {}): {r}", s.lang, s.name, s.rest_version),
        }
    }
    for (lang, (ok, total)) in &tally {
        println!("mock {lang}: answered and decoded {ok}/{total} methods");
    }
    for lang in ["en", "ru"] {
        let (ok, total) = tally.get(lang).copied().unwrap_or_default();
        assert!(
            total >= 1500,
            "{lang}: only {total} methods with a request example"
        );
        let r = ok as f64 / total as f64;
        assert!(
            r >= 0.99,
            "{lang}: {:.2} % of the methods answered and decoded",
            r * 100.0
        );
    }
}

/// The README shows the mock example CI runs, verbatim.
#[test]
fn the_readme_shows_the_mock_example() {
    let root = common::workspace();
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let example = std::fs::read_to_string(root.join("generator/examples/mock_quickstart.rs"))
        .expect("the mock example");
    assert!(
        readme.contains(&format!("```rust\n{example}```")),
        "README.md's mock example differs from generator/examples/mock_quickstart.rs"
    );
}
