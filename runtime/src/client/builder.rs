//! Building a [`Client`].

use super::{Client, Inner};
use crate::auth::{AuthState, OAuth, Webhook};
use crate::limits::{OperatingTracker, RateLimit, RetryPolicy};
use std::sync::Arc;
use std::time::Duration;

/// A client that cannot be built as configured.
#[derive(Debug, thiserror::Error)]
#[error("cannot build the Bitrix24 client: {0}")]
pub struct BuildError(String);

enum AuthConfig {
    Webhook(Webhook),
    OAuth(Box<OAuth>),
}

/// Builder for [`Client`]. Defaults: standard rate limit (burst 50, 2/s), 30 s timeout per
/// request (connecting included), [`RetryPolicy::default`], no automatic Idempotency-Key.
pub struct ClientBuilder {
    auth: Option<Result<AuthConfig, String>>,
    rate_limit: Option<RateLimit>,
    retry: RetryPolicy,
    timeout: Duration,
    connect_timeout: Option<Duration>,
    auto_idempotency: bool,
    user_agent: Option<String>,
    http: Option<reqwest::Client>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            auth: None,
            rate_limit: Some(RateLimit::STANDARD),
            retry: RetryPolicy::default(),
            timeout: Duration::from_secs(30),
            connect_timeout: None,
            auto_idempotency: false,
            user_agent: None,
            http: None,
        }
    }
}

impl ClientBuilder {
    /// Authenticate with an inbound webhook URL (`https://portal/rest/{user_id}/{code}/`).
    pub fn webhook(mut self, url: &str) -> Self {
        self.auth = Some(Webhook::parse(url).map(AuthConfig::Webhook));
        self
    }

    /// Authenticate as an OAuth application.
    pub fn oauth(mut self, oauth: OAuth) -> Self {
        self.auth = Some(Ok(AuthConfig::OAuth(Box::new(oauth))));
        self
    }

    /// The client-side leaky bucket ([`RateLimit::STANDARD`] by default).
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limit = Some(limit);
        self
    }

    /// No client-side rate limit (the portal's limit still applies).
    pub fn no_rate_limit(mut self) -> Self {
        self.rate_limit = None;
        self
    }

    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Per-request timeout (30 s by default).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// A separate limit for connecting (the per-request timeout covers connecting already).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Send a generated Idempotency-Key with every REST 3 write that has none (which also makes
    /// those writes safe to retry).
    pub fn auto_idempotency(mut self, on: bool) -> Self {
        self.auto_idempotency = on;
        self
    }

    /// A `User-Agent` header (none by default).
    pub fn user_agent(mut self, ua: impl Into<String>) -> Self {
        self.user_agent = Some(ua.into());
        self
    }

    /// Use this reqwest client (its own timeouts and TLS settings apply).
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    pub fn build(self) -> Result<Client, BuildError> {
        let auth = match self.auth {
            None => {
                return Err(BuildError(
                    "no authentication: call .webhook() or .oauth()".into(),
                ))
            }
            Some(Err(e)) => return Err(BuildError(e)),
            Some(Ok(AuthConfig::Webhook(w))) => AuthState::webhook(&w),
            Some(Ok(AuthConfig::OAuth(o))) => AuthState::oauth(*o).map_err(BuildError)?,
        };
        let limiter = self
            .rate_limit
            .map(|l| l.limiter())
            .transpose()
            .map_err(BuildError)?;
        let http = match self.http {
            Some(h) => h,
            None => {
                // reqwest's `rustls` feature brings its provider (aws-lc-rs); a process default
                // the application installed wins. Nothing process-wide is installed here.
                let mut b = reqwest::Client::builder();
                if let Some(ua) = self.user_agent {
                    b = b.user_agent(ua);
                }
                if let Some(t) = self.connect_timeout {
                    b = b.connect_timeout(t);
                }
                b.build()
                    .map_err(|e| BuildError(e.without_url().to_string()))?
            }
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                auth,
                limiter,
                operating: OperatingTracker::default(),
                retry: self.retry,
                timeout: self.timeout,
                auto_idempotency: self.auto_idempotency,
            }),
        })
    }
}
