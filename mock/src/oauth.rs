//! OAuth 2.0 of the mock's one application: access tokens that expire, refresh tokens good for
//! one refresh, and the token endpoint's answers.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::{json, Value};

/// The mock application's credentials.
pub const CLIENT_ID: &str = "local.mock.client";
pub const CLIENT_SECRET: &str = "mock-client-secret";

/// A token pair the mock issued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenPair {
    pub access_token: String,
    pub refresh_token: String,
    /// Unix time the access token expires.
    pub expires: i64,
    pub expires_in: i64,
}

#[derive(Debug, Default)]
pub(crate) struct Tokens {
    /// access token → expires (unix).
    access: HashMap<String, i64>,
    refresh: HashMap<String, ()>,
    issued: u64,
    pub lifetime_secs: i64,
}

/// Why a token was refused.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Refused {
    Expired,
    Invalid,
}

impl Tokens {
    pub fn new(lifetime_secs: i64) -> Tokens {
        Tokens {
            lifetime_secs,
            ..Tokens::default()
        }
    }

    pub fn issue(&mut self, now: i64) -> TokenPair {
        self.issued += 1;
        let n = self.issued;
        // Deterministic, distinct, and obviously not real.
        let access_token = format!("mock-access-{n:08}");
        let refresh_token = format!("mock-refresh-{n:08}");
        let expires = now + self.lifetime_secs;
        self.access.insert(access_token.clone(), expires);
        self.refresh.insert(refresh_token.clone(), ());
        TokenPair {
            access_token,
            refresh_token,
            expires,
            expires_in: self.lifetime_secs,
        }
    }

    pub fn check(&self, token: &str, now: i64) -> Result<(), Refused> {
        match self.access.get(token) {
            None => Err(Refused::Invalid),
            Some(&exp) if now >= exp => Err(Refused::Expired),
            Some(_) => Ok(()),
        }
    }

    /// Every access token expires now.
    pub fn expire_all(&mut self, now: i64) {
        for exp in self.access.values_mut() {
            *exp = now;
        }
    }

    pub fn reset(&mut self) {
        self.access.clear();
        self.refresh.clear();
    }

    /// The token endpoint (`/oauth/token/`): (HTTP status, answer).
    pub fn endpoint(
        &mut self,
        q: &serde_json::Map<String, Value>,
        now: i64,
        portal: &str,
    ) -> (u16, Value) {
        let get = |k: &str| q.get(k).and_then(Value::as_str).unwrap_or_default();
        let err = |code: &str, d: &str| json!({"error": code, "error_description": d});
        if get("grant_type") != "refresh_token" {
            return (
                400,
                err("invalid_request", "grant_type must be refresh_token"),
            );
        }
        if get("client_id") != CLIENT_ID || get("client_secret") != CLIENT_SECRET {
            return (401, err("invalid_client", "Invalid client credentials"));
        }
        if self.refresh.remove(get("refresh_token")).is_none() {
            return (400, err("invalid_grant", "Invalid refresh token"));
        }
        let pair = self.issue(now);
        (
            200,
            json!({
                "access_token": pair.access_token,
                "refresh_token": pair.refresh_token,
                "expires": pair.expires,
                "expires_in": pair.expires_in,
                "scope": "app",
                "domain": portal,
                "server_endpoint": format!("http://{portal}/oauth/"),
                "client_endpoint": format!("http://{portal}/rest/"),
                "member_id": crate::MEMBER_ID,
                "user_id": 1,
                "status": "L",
            }),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refresh_rotates_and_expiry_is_reported() {
        let mut t = Tokens::new(3600);
        let p = t.issue(100);
        assert_eq!(t.check(&p.access_token, 200), Ok(()));
        assert_eq!(t.check(&p.access_token, 3700), Err(Refused::Expired));
        assert_eq!(t.check("nope", 200), Err(Refused::Invalid));
        let mut q = serde_json::Map::new();
        for (k, v) in [
            ("grant_type", "refresh_token"),
            ("client_id", CLIENT_ID),
            ("client_secret", CLIENT_SECRET),
            ("refresh_token", p.refresh_token.as_str()),
        ] {
            q.insert(k.into(), v.into());
        }
        let (status, body) = t.endpoint(&q, 3700, "127.0.0.1:1");
        assert_eq!(status, 200);
        let fresh = body["access_token"].as_str().unwrap_or_default().to_owned();
        assert_eq!(t.check(&fresh, 3701), Ok(()));
        // A refresh token is good for one refresh.
        assert_eq!(t.endpoint(&q, 3702, "127.0.0.1:1").0, 400);
    }
}
