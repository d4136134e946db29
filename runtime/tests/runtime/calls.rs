//! Single calls: webhook, raw, errors, retries, timeouts, connection drops, Idempotency-Key.

use crate::common::*;
use b24_runtime::{CallOptions, Client, Error, RestVersion};
use serde_json::json;
use std::sync::atomic::Ordering;
use std::time::Duration;
use wiremock::matchers::{body_json, header, header_exists, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn requests_to(server: &MockServer, p: &str) -> Vec<wiremock::Request> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.url.path() == p)
        .collect()
}

#[tokio::test]
async fn webhook_typed_call_keeps_time_raw_and_operating() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(hook_path("crm.deal.get")))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({"id": 5})))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok(json!({
            "ID": "5", "TITLE": "Deal #5", "OPENED": "Y", "COMPANY_ID": "",
            "UF_CRM_CUSTOM": "kept"
        }))))
        .mount(&server)
        .await;
    let client = webhook_client(&server.uri());

    let resp = client.call::<DealGet>(&IdParams { id: 5 }).await.unwrap();
    assert_eq!(resp.result.id, Some(5));
    assert_eq!(resp.result.title.as_deref(), Some("Deal #5"));
    assert_eq!(resp.result.opened, Some(b24_runtime::wire::YesNo::Y));
    assert_eq!(resp.result.company_id, None);
    // Fields the type does not know are still there.
    assert_eq!(resp.raw_value()["UF_CRM_CUSTOM"], "kept");
    let time = resp.time.expect("time block kept");
    assert_eq!(time.operating, Some(0.25));
    assert_eq!(time.operating_reset_at, Some(1757425271.0));
    let stats = client.operating("crm.deal.get").expect("tracked");
    assert_eq!((stats.operating, stats.calls), (0.25, 1));
    assert!(client.operating("crm.deal.add").is_none());
}

#[tokio::test]
async fn raw_call_by_name() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(hook_path("user.current")))
        .and(body_json(json!({"lang": "en"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok(json!({"ID": "1", "NAME": "A"}))))
        .mount(&server)
        .await;
    let client = webhook_client(&server.uri());
    let resp = client
        .call_raw("user.current", &json!({"lang": "en"}))
        .await
        .unwrap();
    assert_eq!(resp.result["NAME"], "A");
    assert!(resp.time.is_some());
    let err = client
        .call_raw("user.current", &json!([1, 2]))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Invalid { .. }), "{err:?}");
}

#[tokio::test]
async fn api_error_is_typed_and_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(hook_path("crm.deal.get")))
        .respond_with(ResponseTemplate::new(400).set_body_json(v2_error("NOT_FOUND", "Not found")))
        .mount(&server)
        .await;
    let client = webhook_client(&server.uri());
    let err = client
        .call::<DealGet>(&IdParams { id: 9 })
        .await
        .unwrap_err();
    let api = err.api().expect("an API error");
    assert_eq!((api.code.as_str(), api.status), ("NOT_FOUND", 400));
    assert_eq!(api.method, "crm.deal.get");
    assert!(matches!(err, Error::Api(DealError::NotFound(_))), "{err:?}");
    assert!(!err.is_retryable());
    assert!(err.to_string().contains("crm.deal.get"));
    assert_eq!(
        requests_to(&server, &hook_path("crm.deal.get")).await.len(),
        1
    );
}

#[tokio::test]
async fn malformed_json_is_a_decode_error_with_path() {
    let server = MockServer::start().await;
    Mock::given(path(hook_path("crm.deal.get")))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(r#"{"result": {"ID": "#, "application/json"),
        )
        .mount(&server)
        .await;
    Mock::given(path(hook_path("crm.deal.list")))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(ok(json!([{"ID": "1"}, {"ID": "one"}]))),
        )
        .mount(&server)
        .await;
    let client = webhook_client(&server.uri());

    let err = client
        .call::<DealGet>(&IdParams { id: 1 })
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Decode { method, status: 200, .. } if method == "crm.deal.get"),
        "{err:?}"
    );
    assert!(!err.is_retryable());
    // Malformed JSON is not retried even for a read.
    assert_eq!(
        requests_to(&server, &hook_path("crm.deal.get")).await.len(),
        1
    );

    let err = client
        .call::<DealList>(&ListParams::default())
        .await
        .unwrap_err();
    match &err {
        Error::Decode { path, message, .. } => {
            assert_eq!(path, "result[1].ID");
            assert!(message.contains("one"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn server_error_on_write_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(path(hook_path("crm.deal.add")))
        .respond_with(
            ResponseTemplate::new(500).set_body_json(v2_error("INTERNAL_SERVER_ERROR", "boom")),
        )
        .mount(&server)
        .await;
    let client = webhook_client(&server.uri());
    let err = client
        .call::<DealAdd>(&DealAddParams {
            fields: json!({"TITLE": "x"}),
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("INTERNAL_SERVER_ERROR"));
    assert!(err.is_retryable(), "retryable in principle…");
    assert_eq!(
        requests_to(&server, &hook_path("crm.deal.add")).await.len(),
        1,
        "…but a write is never repeated silently"
    );
}

#[tokio::test]
async fn server_error_on_read_is_retried() {
    let server = MockServer::start().await;
    Mock::given(path(hook_path("crm.deal.get")))
        .respond_with(
            ResponseTemplate::new(500).set_body_json(v2_error("INTERNAL_SERVER_ERROR", "boom")),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path(hook_path("crm.deal.get")))
        .respond_with(ResponseTemplate::new(502).set_body_string("<html>bad gateway</html>"))
        .up_to_n_times(1)
        .with_priority(2)
        .mount(&server)
        .await;
    Mock::given(path(hook_path("crm.deal.get")))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok(json!({"ID": "3"}))))
        .with_priority(3)
        .mount(&server)
        .await;
    let client = webhook_client(&server.uri());
    let resp = client.call::<DealGet>(&IdParams { id: 3 }).await.unwrap();
    assert_eq!(resp.result.id, Some(3));
    assert_eq!(
        requests_to(&server, &hook_path("crm.deal.get")).await.len(),
        3
    );
}

#[tokio::test]
async fn retries_are_bounded() {
    let server = MockServer::start().await;
    Mock::given(path(hook_path("crm.deal.get")))
        .respond_with(ResponseTemplate::new(503).set_body_string("unavailable"))
        .mount(&server)
        .await;
    let client = webhook_client(&server.uri());
    let err = client
        .call::<DealGet>(&IdParams { id: 3 })
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Http { status: 503, .. }), "{err:?}");
    // 1 try + max_retries (3).
    assert_eq!(
        requests_to(&server, &hook_path("crm.deal.get")).await.len(),
        4
    );
}

#[tokio::test]
async fn timeout() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(ok(json!(1)))
                .set_delay(Duration::from_secs(3)),
        )
        .mount(&server)
        .await;
    let client = webhook_client(&server.uri());
    let opts = CallOptions::default().timeout(Duration::from_millis(150));
    let err = client
        .call_with::<DealAdd>(&DealAddParams { fields: json!({}) }, &opts)
        .await
        .unwrap_err();
    match &err {
        Error::Timeout { method, after } => {
            assert_eq!(method, "crm.deal.add");
            assert_eq!(*after, Duration::from_millis(150));
        }
        other => panic!("{other:?}"),
    }
    assert!(err.is_retryable());
    assert_eq!(
        requests_to(&server, &hook_path("crm.deal.add")).await.len(),
        1
    );

    // A read that times out is retried (then gives up with the same error).
    let err = client
        .call_with::<DealGet>(&IdParams { id: 1 }, &opts)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert_eq!(
        requests_to(&server, &hook_path("crm.deal.get")).await.len(),
        4
    );
}

#[tokio::test]
async fn dropped_connection() {
    let good = ok(json!({"ID": "8"})).to_string();
    // Write: the connection drops once; the client reports it and does not repeat the write.
    let (base, conns) = raw_server(vec![None, Some(good.clone())]).await;
    let client = webhook_client(&base);
    let err = client
        .call::<DealAdd>(&DealAddParams { fields: json!({}) })
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(err.is_retryable());
    assert_eq!(conns.load(Ordering::SeqCst), 1);

    // Read: the drop is retried on a new connection, which answers.
    let (base, conns) = raw_server(vec![None, Some(good)]).await;
    let client = webhook_client(&base);
    let resp = client.call::<DealGet>(&IdParams { id: 8 }).await.unwrap();
    assert_eq!(resp.result.id, Some(8));
    assert_eq!(conns.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn connection_refused_is_transport_without_url() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let client = webhook_client(&base);
    let err = client
        .call::<DealAdd>(&DealAddParams { fields: json!({}) })
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(WEBHOOK_CODE), "{shown}");
}

#[tokio::test]
async fn idempotency_key_rest3() {
    let server = MockServer::start().await;
    let v3 = hook_path_v3("tasks.task.add");
    // First answer 500, then success: with a key the write is safe to repeat.
    Mock::given(method("POST"))
        .and(path(v3.as_str()))
        .and(header("Idempotency-Key", "key-42"))
        .respond_with(ResponseTemplate::new(500).set_body_json(json!({
            "error": {"code": "INTERNAL_SERVER_ERROR", "message": "try again"}
        })))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(v3.as_str()))
        .and(header_exists("Idempotency-Key"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(ok(json!({"item": {"id": 42}})))
                .insert_header("Idempotent-Replayed", "true"),
        )
        .with_priority(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(v3.as_str()))
        .respond_with(ResponseTemplate::new(500).set_body_json(json!({
            "error": {"code": "INTERNAL_SERVER_ERROR", "message": "no key"}
        })))
        .with_priority(3)
        .mount(&server)
        .await;

    let client = webhook_client(&server.uri());
    let params = TaskAddParams {
        fields: json!({"title": "Report"}),
    };
    let opts = CallOptions::default().idempotency_key("key-42");
    let resp = client.call_with::<TaskAdd>(&params, &opts).await.unwrap();
    assert_eq!(resp.result.item["id"], 42);
    let sent = requests_to(&server, &v3).await;
    assert_eq!(sent.len(), 2);
    for r in &sent {
        assert_eq!(r.headers.get("Idempotency-Key").unwrap(), "key-42");
    }

    // Without a key the REST 3 write is not repeated after a 500, and the REST 3 error
    // format is decoded.
    let err = client.call::<TaskAdd>(&params).await.unwrap_err();
    let api = err.api().unwrap();
    assert_eq!(
        (api.code.as_str(), api.description.as_str(), api.status),
        ("INTERNAL_SERVER_ERROR", "no key", 500)
    );
    assert_eq!(requests_to(&server, &v3).await.len(), 3);

    // With auto keys, every REST 3 write carries a fresh UUID key.
    let auto = Client::builder()
        .webhook(&format!("{}/rest/7/{WEBHOOK_CODE}/", server.uri()))
        .no_rate_limit()
        .retry(fast_retry())
        .auto_idempotency(true)
        .build()
        .unwrap();
    auto.call::<TaskAdd>(&params).await.unwrap();
    let last = requests_to(&server, &v3).await.pop().unwrap();
    let key = last
        .headers
        .get("Idempotency-Key")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(key.len(), 36, "{key}");
    // REST 2 calls never carry the header.
    Mock::given(path(hook_path("crm.deal.add")))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok(json!(1))))
        .mount(&server)
        .await;
    auto.call::<DealAdd>(&DealAddParams { fields: json!({}) })
        .await
        .unwrap();
    let v2 = requests_to(&server, &hook_path("crm.deal.add")).await;
    assert!(v2[0].headers.get("Idempotency-Key").is_none());

    let bad = CallOptions::default().idempotency_key("ключ");
    let err = client
        .call_with::<TaskAdd>(&params, &bad)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Invalid { .. }), "{err:?}");
}

#[tokio::test]
async fn rest3_validation_errors() {
    let server = MockServer::start().await;
    Mock::given(path(hook_path_v3("tasks.task.get")))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": {
            "code": "BITRIX_REST_V3_EXCEPTION_VALIDATION_REQUESTVALIDATIONEXCEPTION",
            "message": "Error validating request object",
            "validation": [{"message": "Required field `id` is not specified", "field": "id"}]
        }})))
        .mount(&server)
        .await;
    let client = webhook_client(&server.uri());
    let opts = CallOptions::default()
        .version(RestVersion::V3)
        .read_only(true);
    let err = client
        .call_raw_with("tasks.task.get", &json!({}), &opts)
        .await
        .unwrap_err();
    let api = err.api().unwrap();
    assert_eq!(api.validation.len(), 1);
    assert_eq!(api.validation[0].field.as_deref(), Some("id"));
    assert!(err.to_string().contains("Required field `id`"));
}

#[test]
fn the_error_macro_sorts_codes_and_keeps_the_answer() {
    use b24_runtime::{ApiError, MethodError, SystemError};
    let answer = |code: &str| Box::new(ApiError::new("crm.deal.get", 400, code, "said the portal"));
    let e = DealError::from_api(answer("NOT_FOUND"));
    assert!(matches!(&e, DealError::NotFound(a) if a.description == "said the portal"));
    assert_eq!(
        (e.code(), e.description()),
        ("NOT_FOUND", "said the portal")
    );
    assert_eq!(
        e.to_string(),
        "crm.deal.get: API error NOT_FOUND: said the portal (HTTP 400)"
    );
    let e = DealError::from_api(answer("QUERY_LIMIT_EXCEEDED"));
    assert!(matches!(
        e,
        DealError::System(SystemError::QueryLimitExceeded, _)
    ));
    let e = DealError::from_api(answer("SOMETHING_ELSE"));
    assert!(matches!(&e, DealError::Other(a) if a.code == "SOMETHING_ELSE"));
    assert_eq!(e.into_api().code, "SOMETHING_ELSE");
}

/// A 301/302/307/308 is an error naming the status and where it pointed; nothing is sent there
/// (a 302 would have turned the POST into a GET without its filter, a 307 re-sent the body).
#[tokio::test]
async fn redirects_are_errors_not_followed() {
    let elsewhere = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200).set_body_json(ok(json!([{"ID": "1"}]))))
        .mount(&elsewhere)
        .await;
    for status in [301u16, 302, 307, 308] {
        let server = MockServer::start().await;
        let target = format!(
            "{}/rest/7/{WEBHOOK_CODE}/crm.deal.list?auth=tok",
            elsewhere.uri()
        );
        Mock::given(path(hook_path("crm.deal.list")))
            .respond_with(ResponseTemplate::new(status).insert_header("Location", target.as_str()))
            .mount(&server)
            .await;
        let client = webhook_client(&server.uri());
        let err = client
            .call::<DealList>(&ListParams::default())
            .await
            .unwrap_err();
        let shown = err.to_string();
        match &err {
            b24_runtime::Error::Redirect {
                status: s,
                location,
                ..
            } => {
                assert_eq!(*s, status);
                assert_eq!(
                    location,
                    &format!("{}/rest/7/***/crm.deal.list", elsewhere.uri())
                );
            }
            other => panic!("{status}: {other:?}"),
        }
        assert!(
            shown.contains(&format!("HTTP {status} redirect")),
            "{shown}"
        );
        assert!(
            !shown.contains(WEBHOOK_CODE) && !shown.contains("tok"),
            "{shown}"
        );
        assert!(!err.is_retryable());
        // A read is retried on transport errors; a redirect is answered once.
        assert_eq!(
            server.received_requests().await.unwrap_or_default().len(),
            1
        );
    }
    assert!(elsewhere
        .received_requests()
        .await
        .unwrap_or_default()
        .is_empty());
}
