//! An event delivered to a real handler on 127.0.0.1 and verified with the runtime's parser.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::HeaderMap;
use axum::routing::post;
use b24_mock::Limits;
use b24_runtime::events::Event;
use common::{client, portal};
use serde_json::json;

#[tokio::test]
async fn a_deal_add_posts_the_event_to_the_bound_handler() {
    let p = portal(Limits::Off).await;
    let c = client(&p);

    // The integrator's handler: parses and verifies with the runtime, as an application would.
    let got: Arc<Mutex<Vec<Result<Event, String>>>> = Arc::default();
    let sink = got.clone();
    let token = p.application_token().to_owned();
    let app = axum::Router::new().route(
        "/handler",
        post(move |headers: HeaderMap, body: Bytes| {
            let sink = sink.clone();
            let token = token.clone();
            async move {
                let ct = headers.get("content-type").and_then(|v| v.to_str().ok());
                let parsed = Event::parse_verified(ct, &body, &token).map_err(|e| e.to_string());
                sink.lock().unwrap_or_else(|e| e.into_inner()).push(parsed);
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let handler = format!("http://{}/handler", listener.local_addr().expect("addr"));
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    c.call_raw(
        "event.bind",
        &json!({"event": "onCrmDealAdd", "handler": handler}),
    )
    .await
    .expect("bind");
    let bound = c
        .call_raw("event.get", &json!({}))
        .await
        .expect("event.get");
    assert_eq!(bound.result[0]["event"], "ONCRMDEALADD");
    assert_eq!(bound.result[0]["handler"], handler.as_str());

    let id = c
        .call_raw("crm.deal.add", &json!({"fields": {"TITLE": "Evented"}}))
        .await
        .expect("add")
        .result
        .as_i64()
        .expect("id");
    // Not bound: no event for updates.
    c.call_raw(
        "crm.deal.update",
        &json!({"id": id, "fields": {"TITLE": "x"}}),
    )
    .await
    .expect("update");

    let mut waited = 0;
    while got.lock().unwrap_or_else(|e| e.into_inner()).is_empty() && waited < 100 {
        tokio::time::sleep(Duration::from_millis(20)).await;
        waited += 1;
    }
    let events = got.lock().unwrap_or_else(|e| e.into_inner()).clone();
    assert_eq!(events.len(), 1, "{events:?}");
    let e = events[0].as_ref().expect("parsed and verified");
    assert_eq!(e.event, "onCrmDealAdd");
    assert_eq!(e.data["FIELDS"]["ID"], id.to_string());
    assert_eq!(
        e.auth.domain.as_deref(),
        Some(p.addr().to_string().as_str())
    );
    assert_eq!(p.counters().events_sent, 1);

    // A wrong token does not verify.
    let d = &p.deliveries()[0];
    assert!(Event::parse_verified(None, d.body.as_bytes(), "another-token").is_err());

    let un = c
        .call_raw(
            "event.unbind",
            &json!({"event": "ONCRMDEALADD", "handler": handler}),
        )
        .await
        .expect("unbind");
    assert_eq!(un.result["count"], 1);
    c.call_raw("crm.deal.add", &json!({"fields": {"TITLE": "Quiet"}}))
        .await
        .expect("add");
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(got.lock().unwrap_or_else(|e| e.into_inner()).len(), 1);
    server.abort();
}
