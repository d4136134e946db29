//! Hostile requests over HTTP: the mock answers them with an error and keeps serving.

mod common;

use b24_mock::Limits;
use common::{client, http, portal};
use serde_json::{json, Value};

/// A million nesting levels (2 MB, under axum's body limit) in a form body, in a query string
/// and in a batch command: each is a 400 naming the key, and the portal answers the next call.
#[tokio::test]
async fn a_million_nesting_levels_is_an_error_and_the_portal_keeps_serving() {
    let p = portal(Limits::Off).await;
    let http = http();
    let url = format!("{}crm.deal.add", p.webhook_url());
    let deep = format!("fields{}=1", "[]".repeat(1_000_000));
    assert!(deep.len() > 2_000_000);

    let r = http
        .post(&url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(deep.clone())
        .send()
        .await
        .expect("the mock answers");
    assert_eq!(r.status().as_u16(), 400);
    let v: Value = r.json().await.expect("a JSON error");
    assert_eq!(v["error"], "ERROR_ARGUMENT");
    let d = v["error_description"].as_str().unwrap_or_default();
    assert!(d.contains("`fields[…]` nests deeper than 64 levels"), "{d}");

    // 65 levels in the query string (a million would pass hyper's header limit first).
    let q = format!("{url}?id{}=1", "[]".repeat(65));
    let r = http.post(&q).send().await.expect("the mock answers");
    assert_eq!(r.status().as_u16(), 400);

    let batch = json!({"cmd": {"a": format!("crm.deal.get?{deep}"), "b": "crm.deal.get?id=1"}});
    let r = http
        .post(format!("{}batch", p.webhook_url()))
        .json(&batch)
        .send()
        .await
        .expect("the mock answers");
    let v: Value = r.json().await.expect("a JSON batch answer");
    assert_eq!(
        v["result"]["result_error"]["a"]["error"], "ERROR_ARGUMENT",
        "{v}"
    );

    let c = client(&p);
    let added = c
        .call_raw("crm.deal.add", &json!({"fields": {"TITLE": "after"}}))
        .await
        .expect("the portal still serves");
    assert!(
        added.result.as_i64().is_some_and(|id| id > 0),
        "{:?}",
        added.result
    );
}
