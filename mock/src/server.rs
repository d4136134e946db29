//! The HTTP side: routes, and a hyper accept loop around the axum router so that a fault can
//! close a connection without answering.

use std::sync::Arc;

use axum::body::{Body as AxumBody, Bytes};
use axum::extract::State as AxState;
use axum::http::{header, HeaderMap, HeaderValue, Request, Response, StatusCode, Uri};
use axum::routing::{any, get, post};
use axum::Router;
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tower::ServiceExt;

use crate::portal::{handle, Body, Reply, Via};
use crate::{control, events, params, Shared, UNKNOWN_KEYS_HEADER};

/// Marks a response the connection is dropped for instead.
#[derive(Debug, Clone, Copy)]
struct DropConnection;

/// The error that makes hyper close the connection.
#[derive(Debug)]
struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by an injected fault")
    }
}

impl std::error::Error for Dropped {}

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/rest/{*path}", any(rest))
        .route("/oauth/token", any(token))
        .route("/oauth/token/", any(token))
        .merge(control::routes())
        .route("/_mock/health", get(|| async { "ok" }))
        .route("/_mock/noop", post(|| async { "ok" }))
        .with_state(shared)
}

/// Accepts connections until the task is aborted (which drops every connection task too).
pub(crate) async fn serve(listener: tokio::net::TcpListener, shared: Arc<Shared>) {
    let app = router(shared);
    let mut conns = tokio::task::JoinSet::new();
    loop {
        let stream = match listener.accept().await {
            Ok((s, _)) => s,
            Err(e) => {
                tracing::warn!("accept failed: {e}");
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        conns.spawn(async move {
            let svc = hyper::service::service_fn(move |req: Request<hyper::body::Incoming>| {
                let app = app.clone();
                async move {
                    let resp = match app.oneshot(req).await {
                        Ok(r) => r,
                        Err(never) => match never {},
                    };
                    if resp.extensions().get::<DropConnection>().is_some() {
                        Err(Dropped)
                    } else {
                        Ok(resp)
                    }
                }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), svc)
                .await;
        });
        while conns.try_join_next().is_some() {}
    }
}

async fn rest(
    AxState(shared): AxState<Arc<Shared>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response<AxumBody> {
    let path = uri.path().strip_prefix("/rest/").unwrap_or_default();
    let mut segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let version = if segs.first() == Some(&"api") {
        segs.remove(0);
        3
    } else {
        2
    };
    let (via, method) = match segs.as_slice() {
        [user, code, method] => (
            Via::Webhook {
                user: (*user).to_owned(),
                code: (*code).to_owned(),
            },
            (*method).to_owned(),
        ),
        [method] => (Via::OAuth, (*method).to_owned()),
        _ => {
            let e = crate::ApiError::v2(404, "ERROR_METHOD_NOT_FOUND", "Method not found!")
                .shaped(version);
            return json_response(404, &e.body(), &[]);
        }
    };
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let p = match params::read(ct, uri.query(), &body) {
        Ok(p) => p,
        Err(e) => {
            let e = crate::ApiError::v2(400, "ERROR_ARGUMENT", e.to_string()).shaped(version);
            return json_response(400, &e.body(), &[]);
        }
    };
    let reply = {
        let shared = shared.clone();
        // The call holds the state's lock: off the async worker, so that a slow call does not
        // stall other connections.
        match tokio::task::spawn_blocking(move || handle(&shared, version, via, &method, p)).await {
            Ok(r) => r,
            Err(e) => {
                let e =
                    crate::ApiError::v2(500, "INTERNAL_SERVER_ERROR", format!("mock failure: {e}"));
                return json_response(500, &e.body(), &[]);
            }
        }
    };
    respond(shared, reply).await
}

async fn respond(shared: Arc<Shared>, reply: Reply) -> Response<AxumBody> {
    let Reply {
        status,
        body,
        unknown,
        drop,
        delay_ms,
        outbox,
    } = reply;
    if !outbox.is_empty() {
        let shared = shared.clone();
        tokio::spawn(async move { events::deliver(&shared, outbox).await });
    }
    if drop {
        let mut r = Response::new(AxumBody::empty());
        r.extensions_mut().insert(DropConnection);
        return r;
    }
    if delay_ms > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(delay_ms)).await;
    }
    match body {
        Body::Json(v) => json_response(status, &v, &unknown),
        Body::Raw(s) => {
            let mut r = Response::new(AxumBody::from(s));
            *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json; charset=utf-8"),
            );
            r
        }
    }
}

pub(crate) fn json_response(status: u16, v: &Value, unknown: &[String]) -> Response<AxumBody> {
    let bytes = serde_json::to_vec(v).unwrap_or_default();
    let mut r = Response::new(AxumBody::from(bytes));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    if !unknown.is_empty() {
        if let Ok(h) = HeaderValue::from_str(&unknown.join(", ")) {
            r.headers_mut().insert(UNKNOWN_KEYS_HEADER, h);
        }
    }
    r
}

/// `/oauth/token/`: the refresh grant, from the query string or a form body.
async fn token(
    AxState(shared): AxState<Arc<Shared>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response<AxumBody> {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let q = params::read(ct, uri.query(), &body).unwrap_or_default();
    let now = shared.unix();
    let (status, v) = {
        let mut st = shared.lock();
        let (status, v) = st.tokens.endpoint(&q, now, &shared.opts.domain);
        if status == 200 {
            st.counters.token_refreshes += 1;
        }
        (status, v)
    };
    json_response(status, &v, &[])
}
