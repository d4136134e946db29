//! Limits, OAuth expiry and faults, against the runtime's own retry and refresh logic.

mod common;

use std::sync::Arc;
use std::time::Duration;

use b24_mock::{Fault, FaultRule, Limits, MockPortal, CLIENT_ID, CLIENT_SECRET};
use b24_runtime::{CallOptions, Client, MemoryTokenStore, OAuth, Tokens};
use common::{client, fast_retry, portal};
use serde_json::{json, Value};

#[tokio::test]
async fn a_client_with_its_limiter_off_still_gets_every_row() {
    // A small bucket so that the test is quick: burst 5, 50 per second.
    let p = MockPortal::builder(common::ir())
        .limits(Limits::Custom {
            burst: 5.0,
            per_sec: 50.0,
        })
        .seed(149)
        .start()
        .await
        .expect("start");
    let c = client(&p);
    let calls = (0..3u64)
        .flat_map(|_| (0..150u64).step_by(50))
        .map(|start| {
            let c = c.clone();
            async move { c.call_raw("crm.deal.list", &json!({"start": start})).await }
        });
    let pages = futures_join(calls).await;
    let mut rows = 0;
    for page in pages {
        let page = page.expect("every page arrives despite QUERY_LIMIT_EXCEEDED");
        rows += page.result.as_array().map_or(0, Vec::len);
    }
    assert_eq!(rows, 3 * 150);
    let n = p.counters();
    assert!(n.limited > 0, "the bucket overflowed: {n:?}");
    assert_eq!(n.requests, 9 + n.limited);
}

/// Runs the futures concurrently, results in order.
async fn futures_join<F: std::future::Future + Send + 'static>(
    fs: impl Iterator<Item = F>,
) -> Vec<F::Output>
where
    F::Output: Send + 'static,
{
    let handles: Vec<_> = fs.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.expect("task"));
    }
    out
}

#[tokio::test]
async fn the_standard_bucket_answers_query_limit_exceeded() {
    let p = portal(Limits::Standard).await;
    let http = common::http();
    let url = format!("{}user.current", p.webhook_url());
    let mut statuses = Vec::new();
    for _ in 0..52 {
        statuses.push(
            http.post(&url)
                .send()
                .await
                .expect("send")
                .status()
                .as_u16(),
        );
    }
    assert!(statuses[..50].iter().all(|&s| s == 200));
    let r = http.post(&url).send().await.expect("send");
    assert_eq!(r.status(), 503);
    let body: Value = r.json().await.expect("json");
    assert_eq!(body["error"], "QUERY_LIMIT_EXCEEDED");
    let p = portal(Limits::Enterprise).await;
    let url = format!("{}user.current", p.webhook_url());
    for _ in 0..250 {
        assert_eq!(http.post(&url).send().await.expect("send").status(), 200);
    }
    assert_eq!(http.post(&url).send().await.expect("send").status(), 503);
}

#[tokio::test]
async fn operating_time_limit_with_its_reset_time() {
    let p = portal(Limits::Off).await;
    p.set_operating_cost("crm.deal.list", 250.0);
    let c = client(&p);
    let first = c
        .call_raw("crm.deal.list", &json!({}))
        .await
        .expect("first");
    c.call_raw("crm.deal.list", &json!({}))
        .await
        .expect("second");
    let reset = first
        .time
        .as_ref()
        .and_then(|t| t.operating_reset_at)
        .expect("operating_reset_at");
    let http = common::http();
    let r = http
        .post(format!("{}crm.deal.list", p.webhook_url()))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 429);
    let body: Value = r.json().await.expect("json");
    assert_eq!(body["error"], "OPERATION_TIME_LIMIT");
    assert_eq!(body["operating_reset_at"].as_f64(), Some(reset));
    // Other methods are not blocked.
    c.call_raw("crm.deal.get", &json!({"id": 410}))
        .await
        .expect("another method");
    // The runtime, told not to wait that long, fails at once with the code.
    let e = c
        .call_raw("crm.deal.list", &json!({}))
        .await
        .expect_err("blocked");
    assert!(e.to_string().contains("OPERATION_TIME_LIMIT"), "{e}");
}

#[tokio::test]
async fn oauth_tokens_expire_and_the_runtime_refreshes_them() {
    let p = MockPortal::builder(common::ir())
        .limits(Limits::Off)
        .start()
        .await
        .expect("start");
    let pair = p.issue_tokens();
    let store = Arc::new(MemoryTokenStore::new());
    let mut tokens = Tokens::new(pair.access_token.as_str(), pair.refresh_token.as_str());
    tokens.expires_at = Some(pair.expires);
    let mut oauth = OAuth::new(CLIENT_ID, CLIENT_SECRET, tokens, store.clone());
    oauth.token_url = p.token_url();
    oauth.portal = Some(p.base_url());
    let c = Client::builder()
        .oauth(oauth)
        .no_rate_limit()
        .retry(fast_retry())
        .build()
        .expect("client");
    c.call_raw("crm.deal.get", &json!({"id": 410}))
        .await
        .expect("with a fresh token");

    p.expire_tokens();
    let http = common::http();
    let r = http
        .post(format!("{}rest/user.current", p.base_url()))
        .json(&json!({"auth": pair.access_token}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 401);
    assert_eq!(
        r.json::<Value>().await.expect("json")["error"],
        "expired_token"
    );

    // The runtime gets expired_token, refreshes at the token endpoint and retries.
    c.call_raw("crm.deal.get", &json!({"id": 410}))
        .await
        .expect("after a refresh");
    assert_eq!(p.counters().token_refreshes, 1);
    let saved = store.latest().expect("the new tokens were saved");
    assert_ne!(saved.refresh_token.expose(), pair.refresh_token);
    let r = http
        .post(format!("{}rest/user.current", p.base_url()))
        .send()
        .await
        .expect("send");
    assert_eq!(
        r.json::<Value>().await.expect("json")["error"],
        "NO_AUTH_FOUND"
    );
}

fn read_only() -> CallOptions {
    CallOptions::default().read_only(true)
}

#[tokio::test]
async fn each_fault_and_the_retry_it_calls_for() {
    let p = portal(Limits::Off).await;
    let c = client(&p);
    let (params, opts) = (json!({"id": 410}), read_only());
    let get = || c.call_raw_with("crm.deal.get", &params, &opts);

    // 5xx: a read is retried and succeeds.
    p.inject(FaultRule::once(Fault::Status { status: 500 }).on("crm.deal.get"));
    get().await.expect("retried after a 500");
    assert_eq!(p.counters().faults, 1);

    // More 5xx than retries: the error comes through.
    p.inject(FaultRule::once(Fault::Status { status: 500 }).times(4));
    let e = get().await.expect_err("four 500s");
    assert!(e.to_string().contains("INTERNAL_SERVER_ERROR"), "{e}");
    assert_eq!(p.counters().faults, 5, "the first call and three retries");
    // A 503 overload block is not retried.
    p.inject(FaultRule::once(Fault::Status { status: 503 }));
    let e = get().await.expect_err("overload");
    assert!(e.to_string().contains("OVERLOAD_LIMIT"), "{e}");

    // A dropped connection: a transport error, retried for a read.
    p.inject(FaultRule::once(Fault::Drop));
    get().await.expect("retried after a dropped connection");
    p.inject(FaultRule::once(Fault::Drop));
    let e = c
        .call_raw("crm.deal.add", &json!({"fields": {"TITLE": "x"}}))
        .await
        .expect_err("a write is not retried");
    assert!(e.to_string().contains("transport"), "{e}");

    // Malformed JSON: a decode error naming the method.
    p.inject(FaultRule::once(Fault::Malformed));
    let e = c
        .call_raw("crm.deal.add", &json!({"fields": {"TITLE": "x"}}))
        .await
        .expect_err("not JSON");
    assert!(e.to_string().contains("crm.deal.add"), "{e}");

    // A slow answer: past the call's timeout it is a timeout.
    p.inject(FaultRule::once(Fault::Slow { ms: 400 }));
    let opts = CallOptions::default().timeout(Duration::from_millis(100));
    let e = c
        .call_raw_with("crm.deal.add", &json!({"fields": {"TITLE": "x"}}), &opts)
        .await
        .expect_err("slow");
    assert!(e.to_string().contains("timed out"), "{e}");
    p.inject(FaultRule::once(Fault::Slow { ms: 50 }));
    get().await.expect("a slow answer within the timeout");

    assert_eq!(p.counters().faults, 1 + 4 + 1 + 2 + 1 + 2);
}

#[tokio::test]
async fn the_control_api() {
    let p = portal(Limits::Off).await;
    let http = common::http();
    let ctl = |path: &str| format!("{}_mock/{path}", p.base_url());
    let rule =
        json!({"method": "crm.deal.get", "fault": {"kind": "status", "status": 500}, "times": 1});
    assert_eq!(
        http.post(ctl("faults"))
            .json(&rule)
            .send()
            .await
            .expect("send")
            .status(),
        200
    );
    let bad = http
        .post(ctl("faults"))
        .json(&json!({"fault": "boom"}))
        .send()
        .await
        .expect("send");
    assert_eq!(bad.status(), 400);
    let r = http
        .post(format!("{}crm.deal.get", p.webhook_url()))
        .json(&json!({"id": 410}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 500);
    let counters: Value = http
        .get(ctl("counters"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(
        (counters["requests"].as_u64(), counters["faults"].as_u64()),
        (Some(1), Some(1))
    );
    let recorded: Value = http
        .get(ctl("requests"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(recorded[0]["method"], "crm.deal.get");
    assert_eq!(recorded[0]["error"], "INTERNAL_SERVER_ERROR");
    let tokens: Value = http
        .post(ctl("tokens"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert!(tokens["access_token"].is_string());
    http.post(ctl("reset")).send().await.expect("send");
    assert_eq!(p.counters().requests, 0);
    assert!(p.requests().is_empty());
}
