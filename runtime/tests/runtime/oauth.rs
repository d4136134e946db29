//! OAuth: refresh on expired tokens, single-flight refresh, re-authorization.

use crate::common::*;
use b24_runtime::{AuthError, Client, Error, MemoryTokenStore, OAuth, Tokens};
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;
use wiremock::matchers::{body_partial_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

pub const CLIENT_SECRET: &str = "app-client-secret-xyz";
pub const OLD_ACCESS: &str = "old-access-token-111";
pub const OLD_REFRESH: &str = "old-refresh-token-222";
pub const NEW_ACCESS: &str = "new-access-token-333";
pub const NEW_REFRESH: &str = "new-refresh-token-444";

pub fn oauth_client(server: &MockServer, store: Arc<MemoryTokenStore>) -> Client {
    let mut tokens = Tokens::new(OLD_ACCESS, OLD_REFRESH);
    tokens.client_endpoint = Some(format!("{}/rest/", server.uri()));
    let mut oauth = OAuth::new("local.app.1", CLIENT_SECRET, tokens, store);
    oauth.token_url = format!("{}/oauth/token/", server.uri());
    Client::builder()
        .oauth(oauth)
        .no_rate_limit()
        .retry(fast_retry())
        .build()
        .unwrap()
}

/// The portal: the old token is expired, the new one works; the token endpoint trades the old
/// refresh token for the new pair (slowly, so that concurrent calls pile up behind it).
pub async fn mount_portal(server: &MockServer, expired_code: &str) {
    Mock::given(method("POST"))
        .and(path("/rest/crm.deal.get"))
        .and(body_partial_json(json!({"auth": OLD_ACCESS})))
        .respond_with(ResponseTemplate::new(401).set_body_json(v2_error(
            expired_code,
            "The access token provided has expired.",
        )))
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path("/rest/crm.deal.get"))
        .and(body_partial_json(json!({"auth": NEW_ACCESS})))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok(json!({"ID": "1"}))))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/oauth/token/"))
        .and(query_param("grant_type", "refresh_token"))
        .and(query_param("client_id", "local.app.1"))
        .and(query_param("client_secret", CLIENT_SECRET))
        .and(query_param("refresh_token", OLD_REFRESH))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({
                    "access_token": NEW_ACCESS,
                    "expires_in": 3600,
                    "scope": "crm",
                    "domain": "example.bitrix24.com",
                    "server_endpoint": "https://oauth.bitrix.info/rest/",
                    "status": "L",
                    "client_endpoint": format!("{}/rest/", server.uri()),
                    "member_id": "m1",
                    "user_id": 1,
                    "refresh_token": NEW_REFRESH
                }))
                .set_delay(Duration::from_millis(300)),
        )
        .mount(server)
        .await;
}

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
