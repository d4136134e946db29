//! OAuth: refresh on expired tokens and ahead of expiry, single-flight refresh, re-authorization.

use crate::common::*;
use crate::oauth_portal::*;
use b24_runtime::{AuthError, Error, MemoryTokenStore};
use serde_json::json;
use std::sync::Arc;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn token_requests(server: &MockServer) -> usize {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path() == "/oauth/token/")
        .count()
}

#[tokio::test]
async fn expired_token_is_refreshed_and_the_call_repeated() {
    let server = MockServer::start().await;
    mount_portal(&server, "expired_token").await;
    let store = Arc::new(MemoryTokenStore::new());
    let client = oauth_client(&server, store.clone());

    let resp = client.call::<DealGet>(&IdParams { id: 1 }).await.unwrap();
    assert_eq!(resp.result.id, Some(1));
    assert_eq!(token_requests(&server).await, 1);
    assert_eq!(store.saves(), 1);
    let saved = store.latest().unwrap();
    assert_eq!(saved.access_token.expose(), NEW_ACCESS);
    assert_eq!(saved.refresh_token.expose(), NEW_REFRESH);
    assert_eq!(saved.member_id.as_deref(), Some("m1"));
    assert!(saved.expires_at.is_some());

    // The next call uses the new token straight away.
    client.call::<DealGet>(&IdParams { id: 1 }).await.unwrap();
    assert_eq!(token_requests(&server).await, 1);
    let portal_calls = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == "/rest/crm.deal.get")
        .count();
    assert_eq!(portal_calls, 3, "expired, repeated, next");
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Calls to the method, and how many of them carried the old access token.
async fn deal_calls(server: &MockServer) -> (usize, usize) {
    let requests = server.received_requests().await.unwrap_or_default();
    let calls: Vec<_> = requests
        .iter()
        .filter(|r| r.url.path() == "/rest/crm.deal.get")
        .collect();
    let with_old = calls
        .iter()
        .filter(|r| String::from_utf8_lossy(&r.body).contains(OLD_ACCESS))
        .count();
    (calls.len(), with_old)
}

#[tokio::test]
async fn a_token_about_to_expire_is_refreshed_before_the_call() {
    let server = MockServer::start().await;
    mount_portal(&server, "expired_token").await;
    let store = Arc::new(MemoryTokenStore::new());
    let client = oauth_client_expiring(&server, store.clone(), Some(unix_now() + 20));

    let resp = client.call::<DealGet>(&IdParams { id: 1 }).await.unwrap();
    assert_eq!(resp.result.id, Some(1));
    assert_eq!(token_requests(&server).await, 1);
    assert_eq!(store.saves(), 1);
    // The portal never saw the dying token: one call, with the new one.
    assert_eq!(deal_calls(&server).await, (1, 0));
    // The new token's expiry (an hour) is far: no second refresh.
    client.call::<DealGet>(&IdParams { id: 1 }).await.unwrap();
    assert_eq!(token_requests(&server).await, 1);
}

#[tokio::test]
async fn a_token_with_time_left_is_used_as_is() {
    let server = MockServer::start().await;
    mount_portal(&server, "expired_token").await;
    let store = Arc::new(MemoryTokenStore::new());
    let client = oauth_client_expiring(&server, store.clone(), Some(unix_now() + 1800));
    client.call::<DealGet>(&IdParams { id: 1 }).await.unwrap();
    // Sent with the old token first (the portal here says it expired early), then refreshed.
    assert_eq!(deal_calls(&server).await, (2, 1));
    assert_eq!(token_requests(&server).await, 1);
}

#[tokio::test]
async fn a_failed_refresh_ahead_still_makes_the_call() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/rest/crm.deal.get"))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok(json!({"ID": "1"}))))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/oauth/token/"))
        .respond_with(ResponseTemplate::new(502).set_body_string("bad gateway"))
        .mount(&server)
        .await;
    let store = Arc::new(MemoryTokenStore::new());
    let client = oauth_client_expiring(&server, store.clone(), Some(unix_now() + 20));
    let resp = client.call::<DealGet>(&IdParams { id: 1 }).await.unwrap();
    assert_eq!(resp.result.id, Some(1));
    assert_eq!(token_requests(&server).await, 1);
    assert_eq!(store.saves(), 0);
    assert_eq!(deal_calls(&server).await, (1, 1));
}

#[tokio::test]
async fn invalid_token_is_refreshed_too() {
    let server = MockServer::start().await;
    mount_portal(&server, "invalid_token").await;
    let store = Arc::new(MemoryTokenStore::new());
    let client = oauth_client(&server, store.clone());
    client.call::<DealGet>(&IdParams { id: 1 }).await.unwrap();
    assert_eq!(store.saves(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_concurrent_calls_cause_one_refresh() {
    let server = MockServer::start().await;
    mount_portal(&server, "expired_token").await;
    let store = Arc::new(MemoryTokenStore::new());
    let client = oauth_client(&server, store.clone());

    let calls = (0..50).map(|i| {
        let client = client.clone();
        tokio::spawn(async move { client.call::<DealGet>(&IdParams { id: i }).await })
    });
    let results = futures_util::future::join_all(calls).await;
    for r in results {
        assert_eq!(r.unwrap().unwrap().result.id, Some(1));
    }
    assert_eq!(token_requests(&server).await, 1, "exactly one refresh");
    assert_eq!(store.saves(), 1);
}

#[tokio::test]
async fn invalid_grant_asks_for_reauthorization() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/rest/crm.deal.get"))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(v2_error("expired_token", "expired")),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/oauth/token/"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "error": "invalid_grant",
            "error_description": "Invalid refresh token"
        })))
        .mount(&server)
        .await;
    let store = Arc::new(MemoryTokenStore::new());
    let client = oauth_client(&server, store.clone());
    let err = client
        .call::<DealGet>(&IdParams { id: 1 })
        .await
        .unwrap_err();
    match &err {
        Error::Auth {
            kind: AuthError::ReAuthorize { code, .. },
            method,
        } => {
            assert_eq!(code, "invalid_grant");
            assert_eq!(method, "crm.deal.get");
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("re-authorize"), "{err}");
    assert!(!err.is_retryable());
    assert_eq!(store.saves(), 0);
    let shown = format!("{err} {err:?}");
    for s in [CLIENT_SECRET, OLD_REFRESH, OLD_ACCESS] {
        assert!(!shown.contains(s), "{shown}");
    }
}

#[tokio::test]
async fn still_expired_after_refresh_is_returned_not_looped() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/rest/crm.deal.get"))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(v2_error("expired_token", "expired")),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/oauth/token/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": NEW_ACCESS, "refresh_token": NEW_REFRESH, "expires_in": 3600
        })))
        .mount(&server)
        .await;
    let client = oauth_client(&server, Arc::new(MemoryTokenStore::new()));
    let err = client
        .call::<DealGet>(&IdParams { id: 1 })
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("expired_token"));
    assert_eq!(token_requests(&server).await, 1);
}

/// A store that refuses its first `fail` saves.
struct FlakyStore {
    inner: MemoryTokenStore,
    fail: std::sync::atomic::AtomicUsize,
}

impl b24_runtime::TokenStore for FlakyStore {
    fn save<'a>(
        &'a self,
        tokens: &'a b24_runtime::Tokens,
    ) -> b24_runtime::auth::BoxFuture<'a, Result<(), b24_runtime::auth::StoreError>> {
        Box::pin(async move {
            let left = self.fail.load(std::sync::atomic::Ordering::SeqCst);
            if left > 0 {
                self.fail
                    .store(left - 1, std::sync::atomic::Ordering::SeqCst);
                return Err("database is down".into());
            }
            self.inner.save(tokens).await
        })
    }
}

/// The store fails every save of one refresh: the call reports it, but the new pair (whose
/// refresh token spent the old, single-use one) stays in use and is saved before the next call.
#[tokio::test]
async fn a_failed_token_save_keeps_the_new_pair() {
    let server = MockServer::start().await;
    // Single-use refresh tokens: a second refresh with the old one is refused.
    Mock::given(method("GET"))
        .and(path("/oauth/token/"))
        .respond_with(ResponseTemplate::new(400).set_body_json(
            json!({"error": "invalid_grant", "error_description": "refresh token spent"}),
        ))
        .with_priority(10)
        .mount(&server)
        .await;
    mount_portal(&server, "expired_token").await;
    let store = Arc::new(FlakyStore {
        inner: MemoryTokenStore::new(),
        fail: 3.into(),
    });
    let mut tokens = b24_runtime::Tokens::new(OLD_ACCESS, OLD_REFRESH);
    tokens.client_endpoint = Some(format!("{}/rest/", server.uri()));
    let mut oauth = b24_runtime::OAuth::new("local.app.1", CLIENT_SECRET, tokens, store.clone());
    oauth.token_url = format!("{}/oauth/token/", server.uri());
    let client = b24_runtime::Client::builder()
        .oauth(oauth)
        .no_rate_limit()
        .retry(fast_retry())
        .build()
        .unwrap();

    let err = client
        .call::<DealGet>(&IdParams { id: 1 })
        .await
        .unwrap_err();
    match &err {
        Error::Auth {
            kind: AuthError::Store(m),
            ..
        } => assert!(
            m.contains("database is down") && m.contains("kept in memory"),
            "{m}"
        ),
        other => panic!("{other:?}"),
    }
    assert!(!err.to_string().contains(NEW_REFRESH), "{err}");
    let kept = client.tokens().expect("OAuth tokens");
    assert_eq!(kept.refresh_token.expose(), NEW_REFRESH);
    assert!(store.inner.latest().is_none());

    // The store is back: the next call saves the pair first, then succeeds with it.
    let resp = client.call::<DealGet>(&IdParams { id: 1 }).await.unwrap();
    assert_eq!(resp.result.id, Some(1));
    assert_eq!(
        token_requests(&server).await,
        1,
        "one refresh, never a second"
    );
    let saved = store.inner.latest().expect("saved on the next call");
    assert_eq!(saved.refresh_token.expose(), NEW_REFRESH);
    assert_eq!(store.inner.saves(), 1);
}
