//! Limits: QUERY_LIMIT_EXCEEDED backoff, OPERATION_TIME_LIMIT waits, the client-side bucket.

use crate::common::*;
use b24_runtime::{Client, RateLimit, RetryPolicy};
use serde_json::json;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn count(server: &MockServer, p: &str) -> usize {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path() == p)
        .count()
}

fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
}

#[tokio::test]
async fn query_limit_exceeded_then_success() {
    let server = MockServer::start().await;
    Mock::given(path(hook_path("crm.deal.add")))
        .respond_with(
            ResponseTemplate::new(503)
                .set_body_json(v2_error("QUERY_LIMIT_EXCEEDED", "Too many requests")),
        )
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path(hook_path("crm.deal.add")))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok(json!(77))))
        .with_priority(2)
        .mount(&server)
        .await;
    let client = webhook_client(&server.uri());
    // Even a write: the portal did not run a call it refused for the limit.
    let resp = client
        .call::<DealAdd>(&DealAddParams {
            fields: json!({"TITLE": "x"}),
        })
        .await
        .unwrap();
    assert_eq!(resp.result, 77);
    assert_eq!(count(&server, &hook_path("crm.deal.add")).await, 3);
}

#[tokio::test]
async fn query_limit_backoff_stops_at_the_budget() {
    let server = MockServer::start().await;
    Mock::given(path(hook_path("crm.deal.get")))
        .respond_with(
            ResponseTemplate::new(503)
                .set_body_json(v2_error("QUERY_LIMIT_EXCEEDED", "Too many requests")),
        )
        .mount(&server)
        .await;
    let client = Client::builder()
        .webhook(&format!("{}/rest/7/{WEBHOOK_CODE}/", server.uri()))
        .no_rate_limit()
        .retry(RetryPolicy {
            base_delay: Duration::from_millis(40),
            max_delay: Duration::from_secs(1),
            limit_budget: Duration::from_millis(300),
            ..fast_retry()
        })
        .build()
        .unwrap();
    let err = client
        .call::<DealGet>(&IdParams { id: 1 })
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("QUERY_LIMIT_EXCEEDED"));
    assert!(err.is_retryable());
    let n = count(&server, &hook_path("crm.deal.get")).await;
    // Backoffs of 20–40, 40–80, 80–160, 160–320 ms: three or four fit in 300 ms.
    assert!((4..=5).contains(&n), "{n} requests");
}

#[tokio::test]
async fn operation_time_limit_waits_until_reset() {
    let server = MockServer::start().await;
    // 2 to 3 s ahead: room for the other call to finish before it, even on a busy machine.
    let reset_at = unix_now().floor() + 3.0;
    Mock::given(path(hook_path("crm.deal.list")))
        .respond_with(ResponseTemplate::new(429).set_body_json(json!({
            "error": "OPERATION_TIME_LIMIT",
            "error_description": "Method is blocked due to operation time limit.",
            "time": {"operating_reset_at": reset_at, "operating": 480.5}
        })))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path(hook_path("crm.deal.list")))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok(json!([{"ID": "1"}]))))
        .with_priority(2)
        .mount(&server)
        .await;
    Mock::given(path(hook_path("crm.deal.get")))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok(json!({"ID": "2"}))))
        .mount(&server)
        .await;
    let client = webhook_client(&server.uri());

    let blocked = {
        let client = client.clone();
        tokio::spawn(async move { client.call::<DealList>(&ListParams::default()).await })
    };
    // Wait until the 429 has been seen.
    for _ in 0..100 {
        if client
            .operating("crm.deal.list")
            .and_then(|s| s.blocked_until)
            .is_some()
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let stats = client.operating("crm.deal.list").unwrap();
    assert_eq!(stats.operating, 480.5);
    assert_eq!(stats.operating_reset_at, Some(reset_at));
    assert!(stats.blocked_until.is_some());

    // Other methods are not held back.
    client.call::<DealGet>(&IdParams { id: 2 }).await.unwrap();
    assert!(
        unix_now() < reset_at,
        "crm.deal.get must not wait for crm.deal.list's reset"
    );

    let resp = blocked.await.unwrap().unwrap();
    assert_eq!(resp.result.len(), 1);
    assert!(unix_now() >= reset_at, "retried before operating_reset_at");
    assert_eq!(count(&server, &hook_path("crm.deal.list")).await, 2);
}

#[tokio::test]
async fn operation_time_limit_beyond_the_allowed_wait_fails_fast() {
    let server = MockServer::start().await;
    Mock::given(path(hook_path("crm.deal.list")))
        .respond_with(ResponseTemplate::new(429).set_body_json(json!({
            "error": "OPERATION_TIME_LIMIT",
            "error_description": "Method is blocked due to operation time limit.",
            "time": {"operating_reset_at": unix_now() + 3600.0, "operating": 480.5}
        })))
        .mount(&server)
        .await;
    let client = webhook_client(&server.uri());
    let err = client
        .call::<DealList>(&ListParams::default())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("OPERATION_TIME_LIMIT"));
    assert!(err.is_retryable());
    // The method stays blocked: the next call fails without a request.
    let err = client
        .call::<DealList>(&ListParams::default())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("OPERATION_TIME_LIMIT"));
    assert_eq!(count(&server, &hook_path("crm.deal.list")).await, 1);
}

#[tokio::test]
async fn client_side_bucket_spaces_requests() {
    let server = MockServer::start().await;
    Mock::given(path(hook_path("crm.deal.get")))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok(json!({"ID": "1"}))))
        .mount(&server)
        .await;
    // Burst 2, then 5 per second: 5 calls need at least 3 refills of 200 ms.
    let client = Client::builder()
        .webhook(&format!("{}/rest/7/{WEBHOOK_CODE}/", server.uri()))
        .rate_limit(RateLimit::new(2, 5.0))
        .build()
        .unwrap();
    let started = Instant::now();
    for _ in 0..5 {
        client.call::<DealGet>(&IdParams { id: 1 }).await.unwrap();
    }
    assert!(
        started.elapsed() >= Duration::from_millis(550),
        "{:?}",
        started.elapsed()
    );
}

/// `operating_reset_at` is read against the portal's own clock (`time.finish`): a portal a day
/// ahead of this machine pauses the method 0.4 s, not a day.
#[tokio::test]
async fn operation_time_limit_pause_is_on_the_portal_clock() {
    let server = MockServer::start().await;
    let portal_now = unix_now() + 86_400.0;
    Mock::given(path(hook_path("crm.deal.list")))
        .respond_with(ResponseTemplate::new(429).set_body_json(json!({
            "error": "OPERATION_TIME_LIMIT",
            "error_description": "Method is blocked due to operation time limit.",
            "time": {"finish": portal_now, "operating_reset_at": portal_now + 0.4}
        })))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path(hook_path("crm.deal.list")))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok(json!([{"ID": "1"}]))))
        .with_priority(2)
        .mount(&server)
        .await;
    let client = Client::builder()
        .webhook(&format!("{}/rest/7/{WEBHOOK_CODE}/", server.uri()))
        .no_rate_limit()
        .retry(RetryPolicy {
            max_operating_wait: Duration::from_secs(5),
            ..fast_retry()
        })
        .build()
        .unwrap();
    let t = Instant::now();
    let rows = client
        .call::<DealList>(&ListParams::default())
        .await
        .unwrap();
    assert_eq!(rows.result.len(), 1);
    let took = t.elapsed();
    assert!(
        took >= Duration::from_millis(350) && took < Duration::from_secs(3),
        "{took:?}"
    );
}

/// `operating_reset_at: 1e20` (any finite number passes the lenient decoder) neither panics nor
/// blocks the method for longer than the limit's 10-minute window.
#[tokio::test]
async fn operation_time_limit_absurd_reset_is_capped() {
    let server = MockServer::start().await;
    Mock::given(path(hook_path("crm.deal.list")))
        .respond_with(ResponseTemplate::new(429).set_body_json(json!({
            "error": "OPERATION_TIME_LIMIT",
            "error_description": "Method is blocked due to operation time limit.",
            "time": {"operating_reset_at": 1e20}
        })))
        .mount(&server)
        .await;
    let client = Client::builder()
        .webhook(&format!("{}/rest/7/{WEBHOOK_CODE}/", server.uri()))
        .no_rate_limit()
        .retry(RetryPolicy {
            max_operating_wait: Duration::from_secs(1),
            ..fast_retry()
        })
        .build()
        .unwrap();
    let err = client
        .call::<DealList>(&ListParams::default())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("OPERATION_TIME_LIMIT"));
    let until = client
        .operating("crm.deal.list")
        .and_then(|s| s.blocked_until)
        .expect("blocked");
    let cap = SystemTime::now() + b24_runtime::limits::MAX_OPERATING_PAUSE;
    assert!(until <= cap, "{until:?}");
    assert!(until + Duration::from_secs(5) > cap, "{until:?}");
}

#[test]
fn absurd_rate_limits_are_build_errors() {
    for per_second in [1e-300, 5e-324, 1e300, f64::INFINITY, -1.0] {
        let built = Client::builder()
            .webhook("https://x.bitrix24.com/rest/1/abc/")
            .rate_limit(RateLimit::new(1, per_second))
            .build();
        assert!(built.is_err(), "{per_second}");
    }
}
