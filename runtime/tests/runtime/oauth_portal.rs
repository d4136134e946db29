//! The OAuth portal the OAuth and the logging tests share: an expired old token, a working new
//! one, and a token endpoint that trades the old refresh token for the new pair.

use crate::common::*;
use b24_runtime::{Client, MemoryTokenStore, OAuth, Tokens};
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
    oauth_client_expiring(server, store, None)
}

/// A client whose old access token expires at `expires_at` (Unix seconds), when given.
pub fn oauth_client_expiring(
    server: &MockServer,
    store: Arc<MemoryTokenStore>,
    expires_at: Option<i64>,
) -> Client {
    let mut tokens = Tokens::new(OLD_ACCESS, OLD_REFRESH);
    tokens.expires_at = expires_at;
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
