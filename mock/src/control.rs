//! The control API under `/_mock/`: reset, recorded requests, faults, counters, tokens,
//! operating-time costs, bindings and deliveries, as JSON.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::Response;
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::server::json_response;
use crate::{FaultRule, Shared};

pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/_mock/reset", post(reset))
        .route("/_mock/requests", get(requests))
        .route("/_mock/counters", get(counters))
        .route(
            "/_mock/faults",
            post(add_fault).delete(clear_faults).get(faults),
        )
        .route("/_mock/tokens", post(issue_tokens))
        .route("/_mock/tokens/expire", post(expire_tokens))
        .route("/_mock/operating", post(operating))
        .route("/_mock/bindings", get(bindings))
        .route("/_mock/deliveries", get(deliveries))
}

fn ok(v: Value) -> Response<Body> {
    json_response(200, &v, &[])
}

fn bad(msg: String) -> Response<Body> {
    json_response(
        400,
        &json!({"error": "BAD_CONTROL_REQUEST", "error_description": msg}),
        &[],
    )
}

fn to_value<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

async fn reset(State(s): State<Arc<Shared>>) -> Response<Body> {
    s.lock().reset();
    ok(json!({"reset": true}))
}

async fn requests(State(s): State<Arc<Shared>>) -> Response<Body> {
    ok(to_value(&s.lock().recorded))
}

async fn counters(State(s): State<Arc<Shared>>) -> Response<Body> {
    ok(to_value(&s.lock().counters()))
}

async fn faults(State(s): State<Arc<Shared>>) -> Response<Body> {
    ok(to_value(&s.lock().faults))
}

/// Body: a [`FaultRule`], e.g. `{"method": "crm.deal.get", "fault": {"kind": "status", "status": 500}, "times": 2}`.
async fn add_fault(State(s): State<Arc<Shared>>, body: Bytes) -> Response<Body> {
    match serde_json::from_slice::<FaultRule>(&body) {
        Ok(rule) => {
            s.lock().faults.push(rule);
            ok(json!({"added": true}))
        }
        Err(e) => bad(format!("a fault rule is {{\"method\"?, \"fault\": {{\"kind\": \"status\"|\"drop\"|\"slow\"|\"malformed\", …}}, \"times\"?}}: {e}")),
    }
}

async fn clear_faults(State(s): State<Arc<Shared>>) -> Response<Body> {
    s.lock().faults.clear();
    ok(json!({"cleared": true}))
}

async fn issue_tokens(State(s): State<Arc<Shared>>) -> Response<Body> {
    let now = s.unix();
    let pair = s.lock().tokens.issue(now);
    ok(to_value(&pair))
}

async fn expire_tokens(State(s): State<Arc<Shared>>) -> Response<Body> {
    let now = s.unix();
    s.lock().tokens.expire_all(now);
    ok(json!({"expired": true}))
}

#[derive(Deserialize)]
struct Cost {
    method: String,
    seconds: f64,
}

/// Body: `{"method": "crm.deal.list", "seconds": 100}`: each call costs that much operating time.
async fn operating(State(s): State<Arc<Shared>>, body: Bytes) -> Response<Body> {
    match serde_json::from_slice::<Cost>(&body) {
        Ok(c) => {
            s.lock()
                .operating
                .cost
                .insert(c.method.to_ascii_lowercase(), c.seconds);
            ok(json!({"set": true}))
        }
        Err(e) => bad(format!(
            "expected {{\"method\": \"…\", \"seconds\": N}}: {e}"
        )),
    }
}

async fn bindings(State(s): State<Arc<Shared>>) -> Response<Body> {
    ok(to_value(&s.lock().bindings))
}

async fn deliveries(State(s): State<Arc<Shared>>) -> Response<Body> {
    ok(to_value(&s.lock().deliveries))
}
