//! An application's event handler behind axum, checked by the runtime's framework-free
//! `Endpoint` (body size, content type, application token, `ts` window, duplicates), receiving
//! the events of a mock portal built from the docs.
//!
//! ```sh
//! cargo run -p b24gen --example events_endpoint
//! ```
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use b24_mock::{Limits, MockPortal};
use b24_runtime::events::endpoint::{Endpoint, MemorySeen};
use b24_runtime::events::Event;
use b24_runtime::Client;
use serde_json::json;

struct App {
    endpoint: Endpoint,
    handled: Mutex<Vec<Event>>,
}

/// The handler: every check is the endpoint's; the status it answers is the rejection's.
async fn on_event(State(app): State<Arc<App>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let ct = headers.get("content-type").and_then(|v| v.to_str().ok());
    match app.endpoint.accept(ct, &body) {
        Ok(event) => {
            app.handled
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(event);
            StatusCode::OK
        }
        Err(rejected) => {
            eprintln!("event refused: {rejected}");
            StatusCode::from_u16(rejected.status()).unwrap_or(StatusCode::BAD_REQUEST)
        }
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut ir = b24gen::read_docs(&["docs-src".into()]);
    // docs-src/ has no page for `event.bind`: add it as its page describes it.
    let param = |name: &str| {
        json!({"name": name, "required": true, "type": {"doc": "string", "kind": "string"},
            "deprecated": false, "doc": {}})
    };
    ir.methods.push(serde_json::from_value(json!({
        "name": "event.bind", "scopes": [], "rest_version": 2, "deprecated": false,
        "aliases": [], "title": {}, "summary": {}, "description": {}, "sources": [],
        "params": [param("event"), param("handler")], "paginated": false, "errors": [],
        "examples": {"requests": [], "responses": [], "errors": []}
    }))?);
    let portal = MockPortal::builder(ir).limits(Limits::Off).start().await?;

    // The token the portal gave the application at install (the mock's, here).
    let app = Arc::new(App {
        endpoint: Endpoint::new(portal.application_token()).seen(MemorySeen::new(10_000)),
        handled: Mutex::new(Vec::new()),
    });
    let router = axum::Router::new()
        .route("/b24/events", post(on_event))
        // The server's own limit, above the endpoint's (1 MiB), so the endpoint answers 413.
        .layer(DefaultBodyLimit::max(2 << 20))
        .with_state(app.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let handler = format!("http://{}/b24/events", listener.local_addr()?);
    let server = tokio::spawn(async move { axum::serve(listener, router).await });

    let client = Client::builder().webhook(&portal.webhook_url()).build()?;
    client
        .call_raw(
            "event.bind",
            &json!({"event": "onCrmDealAdd", "handler": handler}),
        )
        .await?;
    let id = client
        .call_raw("crm.deal.add", &json!({"fields": {"TITLE": "Evented"}}))
        .await?
        .result;

    // The portal posts the event; wait for the handler to have it (at most 2 s).
    for _ in 0..100 {
        if !app
            .handled
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_empty()
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let handled = app
        .handled
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    assert_eq!(handled.len(), 1, "one event handled");
    assert_eq!(handled[0].data["FIELDS"]["ID"], id.to_string());

    // The same delivery again (a retry by the portal) is answered 200 and not handled twice;
    // a forged one (another token) is refused.
    let http = reqwest::Client::new();
    let delivered = portal.deliveries()[0].body.clone();
    let form = "application/x-www-form-urlencoded";
    let again = http
        .post(&handler)
        .header("content-type", form)
        .body(delivered.clone())
        .send()
        .await?;
    assert_eq!(again.status().as_u16(), 200);
    let forged = delivered.replace(portal.application_token(), "forged-token");
    let refused = http
        .post(&handler)
        .header("content-type", form)
        .body(forged)
        .send()
        .await?;
    assert_eq!(refused.status().as_u16(), 403);
    assert_eq!(
        app.handled.lock().unwrap_or_else(|p| p.into_inner()).len(),
        1
    );

    server.abort();
    println!(
        "{} handled for deal {id}; the repeated delivery and the forged one were not",
        handled[0].event
    );
    Ok(())
}
