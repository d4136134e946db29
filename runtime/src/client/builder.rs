//! Building a [`Client`].

use super::{Client, Inner};
use crate::auth::{AuthState, OAuth, Webhook};
#[cfg(feature = "redis")]
use crate::limits::{portal_host, RedisLimiter, SharedLimit};
use crate::limits::{LimiterBackend, LocalLimiter, OperatingTracker, RateLimit, RetryPolicy};
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
    limiter: Option<Arc<dyn LimiterBackend>>,
    #[cfg(feature = "redis")]
    shared: Option<SharedLimit>,
}

impl AuthConfig {
    /// The portal host and the auth identity a shared bucket is keyed by.
    #[cfg(feature = "redis")]
    fn limit_key(&self) -> (String, String) {
        match self {
            AuthConfig::Webhook(w) => (
                portal_host(&w.portal),
                format!("webhook:{}:{}", w.user_id, w.code.expose()),
            ),
            AuthConfig::OAuth(o) => {
                let endpoint = o
                    .tokens
                    .client_endpoint
                    .as_deref()
                    .filter(|e| !e.is_empty());
                let portal = endpoint.or(o.portal.as_deref()).unwrap_or_default();
                (portal_host(portal), format!("oauth:{}", o.client_id))
            }
        }
    }
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
            limiter: None,
            #[cfg(feature = "redis")]
            shared: None,
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

    /// Share the rate limit ([`rate_limit`](Self::rate_limit), the portal's plan) through Redis
    /// with every process that calls the same portal with the same credentials: queue workers,
    /// several pods. Without it each client has its own bucket, and N processes send N times
    /// the portal's rate. `OPERATION_TIME_LIMIT` pauses are shared too. When Redis is away,
    /// each client falls back to a local bucket at [`SharedLimit::workers`]' share of the rate.
    ///
    /// ```no_run
    /// use b24_runtime::limits::SharedLimit;
    /// use b24_runtime::{Client, RateLimit};
    ///
    /// # fn main() -> Result<(), b24_runtime::client::BuildError> {
    /// let client = Client::builder()
    ///     .webhook("https://example.bitrix24.com/rest/1/abc123/")
    ///     .rate_limit(RateLimit::STANDARD)
    ///     .shared_limit(SharedLimit::redis("redis://127.0.0.1:6379/").workers(8))
    ///     .build()?;
    /// # let _ = client;
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(feature = "redis")]
    pub fn shared_limit(mut self, shared: SharedLimit) -> Self {
        self.shared = Some(shared);
        self
    }

    /// A limiter of your own instead of the client-side bucket (it replaces
    /// [`rate_limit`](Self::rate_limit) and `shared_limit`).
    pub fn limiter(mut self, limiter: Arc<dyn LimiterBackend>) -> Self {
        self.limiter = Some(limiter);
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

    /// Use this reqwest client (its own timeouts and TLS settings apply). Build it with
    /// `.redirect(reqwest::redirect::Policy::none())`: the client refuses the redirects it sees,
    /// but one that reqwest followed already is out of its sight.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    pub fn build(self) -> Result<Client, BuildError> {
        #[cfg(feature = "redis")]
        let limit_key = match (&self.shared, &self.auth) {
            (Some(_), Some(Ok(a))) => Some(a.limit_key()),
            _ => None,
        };
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
        let mut limiter: Option<Arc<dyn LimiterBackend>> = match self.rate_limit {
            Some(l) => Some(Arc::new(LocalLimiter::new(l).map_err(BuildError)?)),
            None => None,
        };
        #[cfg(feature = "redis")]
        if let (Some(shared), Some((host, identity))) = (&self.shared, &limit_key) {
            let limit = self.rate_limit.ok_or_else(|| {
                BuildError("shared_limit needs a rate limit (not no_rate_limit)".into())
            })?;
            let redis = RedisLimiter::new(shared, limit, host, identity).map_err(BuildError)?;
            limiter = Some(Arc::new(redis));
        }
        if let Some(custom) = self.limiter {
            limiter = Some(custom);
        }
        let http = match self.http {
            Some(h) => h,
            None => {
                // reqwest's `rustls` feature brings its provider (aws-lc-rs); a process default
                // the application installed wins. Nothing process-wide is installed here.
                // No redirects: a 3xx is an error (`Error::Redirect`), never a GET without the
                // params or the body re-sent to another host.
                let mut b = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none());
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
