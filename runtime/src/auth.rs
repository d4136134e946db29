//! Authentication: inbound webhooks and OAuth applications (with single-flight token refresh).

use crate::error::{AuthError, Error};
use crate::method::RestVersion;
use crate::secret::Secret;
use crate::wire;
use serde::Deserialize;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The default OAuth token endpoint.
pub const DEFAULT_TOKEN_URL: &str = "https://oauth.bitrix.info/oauth/token/";

/// A boxed future (for the object-safe [`TokenStore`]).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;
/// Any error a token store reports.
pub type StoreError = Box<dyn std::error::Error + Send + Sync>;

/// An OAuth token pair and what the token endpoint says about it.
#[derive(Clone, Debug, Default)]
pub struct Tokens {
    pub access_token: Secret,
    pub refresh_token: Secret,
    /// Unix time the access token expires, when known.
    pub expires_at: Option<i64>,
    /// `https://portal.bitrix24.com/rest/`: where REST calls go.
    pub client_endpoint: Option<String>,
    pub server_endpoint: Option<String>,
    pub domain: Option<String>,
    pub member_id: Option<String>,
    pub scope: Option<String>,
    pub user_id: Option<i64>,
}

impl Tokens {
    pub fn new(access_token: impl Into<Secret>, refresh_token: impl Into<Secret>) -> Self {
        Tokens {
            access_token: access_token.into(),
            refresh_token: refresh_token.into(),
            ..Tokens::default()
        }
    }
}

/// Where refreshed tokens go (a database, a file…). Called once per refresh, before the new
/// access token is used.
pub trait TokenStore: Send + Sync {
    fn save<'a>(&'a self, tokens: &'a Tokens) -> BoxFuture<'a, Result<(), StoreError>>;
}

/// A [`TokenStore`] that keeps the latest pair in memory.
#[derive(Default, Debug)]
pub struct MemoryTokenStore {
    latest: std::sync::Mutex<Option<Tokens>>,
    saves: std::sync::atomic::AtomicUsize,
}

impl MemoryTokenStore {
    pub fn new() -> Self {
        Self::default()
    }
    /// The last saved pair.
    pub fn latest(&self) -> Option<Tokens> {
        self.latest.lock().ok().and_then(|g| g.clone())
    }
    /// How many times tokens were saved.
    pub fn saves(&self) -> usize {
        self.saves.load(std::sync::atomic::Ordering::SeqCst)
    }
}

impl TokenStore for MemoryTokenStore {
    fn save<'a>(&'a self, tokens: &'a Tokens) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let mut g = self
                .latest
                .lock()
                .map_err(|_| "token store lock poisoned")?;
            *g = Some(tokens.clone());
            self.saves.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Ok(())
        })
    }
}

/// An OAuth application's credentials.
#[derive(Clone)]
pub struct OAuth {
    pub client_id: String,
    pub client_secret: Secret,
    pub tokens: Tokens,
    /// Token endpoint (default [`DEFAULT_TOKEN_URL`]).
    pub token_url: String,
    /// Used when `tokens.client_endpoint` is empty: the portal address (`https://x.bitrix24.com`).
    pub portal: Option<String>,
    pub store: Arc<dyn TokenStore>,
}

impl OAuth {
    pub fn new(
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
        tokens: Tokens,
        store: Arc<dyn TokenStore>,
    ) -> Self {
        OAuth {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            tokens,
            token_url: DEFAULT_TOKEN_URL.to_owned(),
            portal: None,
            store,
        }
    }
}

impl fmt::Debug for OAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("tokens", &self.tokens)
            .field("token_url", &self.token_url)
            .field("portal", &self.portal)
            .finish_non_exhaustive()
    }
}

/// `https://` anywhere; `http://` only to a loopback address (a test portal on this machine):
/// elsewhere it would send the webhook code or the tokens in clear.
pub(crate) fn check_scheme(url: &str, what: &str) -> Result<(), String> {
    let url = url.trim();
    let rest = match url.get(..7) {
        Some(scheme) if scheme.eq_ignore_ascii_case("http://") => &url[7..],
        _ => return Ok(()),
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or(authority);
    let host = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host.split(':').next().unwrap_or(""),
    };
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    if loopback {
        Ok(())
    } else {
        Err(format!(
            "{what} is http:// to {host}: the credentials would travel in clear; use https:// \
             (http:// is accepted for loopback addresses only)"
        ))
    }
}

/// A parsed inbound webhook URL (`https://portal/rest/{user_id}/{code}/`).
#[derive(Clone)]
pub struct Webhook {
    pub portal: String,
    pub user_id: String,
    pub code: Secret,
}

impl Webhook {
    /// Parses `https://portal.bitrix24.com/rest/1/abc123/` (the trailing `/` is optional).
    pub fn parse(url: &str) -> Result<Webhook, String> {
        let t = url.trim().trim_end_matches('/');
        let (portal, rest) = t
            .rsplit_once("/rest/")
            .ok_or("a webhook URL looks like https://portal/rest/{user_id}/{code}/")?;
        let mut parts = rest.split('/');
        let (user_id, code) = match (parts.next(), parts.next(), parts.next()) {
            (Some(u), Some(c), None) if !u.is_empty() && !c.is_empty() => (u, c),
            _ => return Err("a webhook URL ends with /rest/{user_id}/{code}/".into()),
        };
        if !(portal.starts_with("https://") || portal.starts_with("http://")) {
            return Err("a webhook URL starts with https://".into());
        }
        check_scheme(portal, "the webhook URL")?;
        Ok(Webhook {
            portal: portal.to_owned(),
            user_id: user_id.to_owned(),
            code: Secret::new(code),
        })
    }
}

impl fmt::Debug for Webhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Webhook")
            .field("portal", &self.portal)
            .field("user_id", &self.user_id)
            .field("code", &self.code)
            .finish()
    }
}

/// What a call needs from the credentials, taken once per attempt.
pub(crate) struct Snapshot {
    pub generation: u64,
    v2: Arc<str>,
    v3: Arc<str>,
    access: Option<Secret>,
    /// Unix time the access token expires, when known (OAuth).
    expires_at: Option<i64>,
}

/// An OAuth access token this close to its `expires_at` is refreshed before the call instead of
/// after the portal rejects it (a round trip saved, and no write sent with a dying token).
pub(crate) const REFRESH_AHEAD_SECS: i64 = 60;

impl Snapshot {
    /// The access token expires within [`REFRESH_AHEAD_SECS`] (or has expired).
    pub fn expires_soon(&self) -> bool {
        self.expires_at
            .is_some_and(|t| unix_now().saturating_add(REFRESH_AHEAD_SECS) >= t)
    }

    /// `{base}{method}`.
    pub fn url(&self, version: RestVersion, method: &str) -> String {
        let base = match version {
            RestVersion::V2 => &self.v2,
            RestVersion::V3 => &self.v3,
        };
        let mut s = String::with_capacity(base.len() + method.len());
        s.push_str(base);
        s.push_str(method);
        s
    }

    /// The JSON body, with `"auth"` spliced in for OAuth. `params` is a serialized JSON object.
    pub fn body(&self, params: &bytes::Bytes) -> bytes::Bytes {
        let Some(token) = &self.access else {
            return params.clone();
        };
        let token = serde_json::to_string(token.expose()).unwrap_or_default();
        let mut out = Vec::with_capacity(params.len() + token.len() + 10);
        out.extend_from_slice(b"{\"auth\":");
        out.extend_from_slice(token.as_bytes());
        let inner = &params[1..];
        if inner.first() != Some(&b'}') {
            out.push(b',');
        }
        out.extend_from_slice(inner);
        out.into()
    }
}

struct Current {
    generation: u64,
    tokens: Tokens,
    v2: Arc<str>,
    v3: Arc<str>,
}

pub(crate) struct OAuthState {
    client_id: String,
    client_secret: Secret,
    token_url: String,
    portal: Option<String>,
    store: Arc<dyn TokenStore>,
    current: RwLock<Arc<Current>>,
    refresh_lock: tokio::sync::Mutex<()>,
    /// The generation whose pair the store has not taken yet (0: none). The pair is in use
    /// already: its refresh token spent the old one, so it is never dropped for a failed save.
    unsaved: std::sync::atomic::AtomicU64,
}

/// Saves of one refreshed pair before the refresh reports the store's error; the pair is saved
/// again before each later call until the store takes it.
const SAVE_ATTEMPTS: u32 = 3;

pub(crate) enum AuthState {
    Webhook { v2: Arc<str>, v3: Arc<str> },
    OAuth(OAuthState),
}

impl fmt::Debug for AuthState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuthState::Webhook { .. } => f.write_str("Webhook"),
            AuthState::OAuth(o) => f
                .debug_struct("OAuth")
                .field("client_id", &o.client_id)
                .finish_non_exhaustive(),
        }
    }
}

fn bases(endpoint: &str) -> (Arc<str>, Arc<str>) {
    let mut v2 = endpoint.trim_end_matches('/').to_owned();
    if !v2.ends_with("/rest") {
        v2.push_str("/rest");
    }
    let v3 = format!("{v2}/api/");
    v2.push('/');
    (v2.into(), v3.into())
}

impl AuthState {
    pub fn webhook(w: &Webhook) -> AuthState {
        let portal = w.portal.trim_end_matches('/');
        let tail = format!("{}/{}/", w.user_id, w.code.expose());
        AuthState::Webhook {
            v2: format!("{portal}/rest/{tail}").into(),
            v3: format!("{portal}/rest/api/{tail}").into(),
        }
    }

    pub fn oauth(o: OAuth) -> Result<AuthState, String> {
        check_scheme(&o.token_url, "the OAuth token URL")?;
        let state = OAuthState {
            client_id: o.client_id,
            client_secret: o.client_secret,
            token_url: o.token_url,
            portal: o.portal,
            store: o.store,
            current: RwLock::new(Arc::new(Current {
                generation: 0,
                tokens: Tokens::default(),
                v2: "".into(),
                v3: "".into(),
            })),
            refresh_lock: tokio::sync::Mutex::new(()),
            unsaved: std::sync::atomic::AtomicU64::new(0),
        };
        let current = state.make_current(0, o.tokens)?;
        if let Ok(mut g) = state.current.write() {
            *g = Arc::new(current);
        }
        Ok(AuthState::OAuth(state))
    }

    pub fn snapshot(&self) -> Snapshot {
        match self {
            AuthState::Webhook { v2, v3 } => Snapshot {
                generation: 0,
                v2: v2.clone(),
                v3: v3.clone(),
                access: None,
                expires_at: None,
            },
            AuthState::OAuth(o) => {
                let c = o.current();
                Snapshot {
                    generation: c.generation,
                    v2: c.v2.clone(),
                    v3: c.v3.clone(),
                    access: Some(c.tokens.access_token.clone()),
                    expires_at: c.tokens.expires_at,
                }
            }
        }
    }

    pub fn is_oauth(&self) -> bool {
        matches!(self, AuthState::OAuth(_))
    }

    /// Saves a refreshed pair the store refused before (a no-op when there is none); a failure
    /// is logged, the pair stays in use.
    pub async fn save_pending(&self) {
        if let AuthState::OAuth(o) = self {
            if o.unsaved.load(std::sync::atomic::Ordering::Acquire) != 0 {
                let _guard = o.refresh_lock.lock().await;
                if let Err(e) = o.save_current().await {
                    tracing::warn!(error = %e, "the token store still refuses the refreshed tokens");
                }
            }
        }
    }

    /// The current token pair (OAuth), e.g. to save it yourself when the store fails.
    pub fn tokens(&self) -> Option<Tokens> {
        match self {
            AuthState::OAuth(o) => Some(o.current().tokens.clone()),
            AuthState::Webhook { .. } => None,
        }
    }

    /// Refreshes the tokens unless another call already did since `seen_generation`.
    pub async fn refresh(
        &self,
        http: &reqwest::Client,
        timeout: Duration,
        seen_generation: u64,
        method: &str,
    ) -> Result<(), Error> {
        match self {
            AuthState::Webhook { .. } => Ok(()),
            AuthState::OAuth(o) => o.refresh(http, timeout, seen_generation, method).await,
        }
    }
}

#[derive(Deserialize)]
struct TokenAnswer {
    #[serde(default, deserialize_with = "wire::opt_string")]
    access_token: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    refresh_token: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_i64")]
    expires_in: Option<i64>,
    #[serde(default, deserialize_with = "wire::opt_i64")]
    expires: Option<i64>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    client_endpoint: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    server_endpoint: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    domain: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    member_id: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    scope: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_i64")]
    user_id: Option<i64>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    error: Option<String>,
    #[serde(default, deserialize_with = "wire::opt_string")]
    error_description: Option<String>,
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

impl OAuthState {
    fn current(&self) -> Arc<Current> {
        match self.current.read() {
            Ok(g) => g.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn make_current(&self, generation: u64, tokens: Tokens) -> Result<Current, String> {
        let endpoint = match (&tokens.client_endpoint, &self.portal) {
            (Some(e), _) if !e.is_empty() => e.clone(),
            (_, Some(p)) => p.clone(),
            _ => return Err("OAuth needs tokens.client_endpoint or a portal address".into()),
        };
        check_scheme(&endpoint, "the portal's REST endpoint")?;
        let (v2, v3) = bases(&endpoint);
        Ok(Current {
            generation,
            tokens,
            v2,
            v3,
        })
    }

    async fn refresh(
        &self,
        http: &reqwest::Client,
        timeout: Duration,
        seen_generation: u64,
        method: &str,
    ) -> Result<(), Error> {
        let _guard = self.refresh_lock.lock().await;
        let current = self.current();
        if current.generation != seen_generation {
            // Another call refreshed while this one waited.
            return Ok(());
        }
        tracing::info!(method, "refreshing the OAuth access token");
        let fail = |kind| Error::Auth {
            method: method.to_owned(),
            kind,
        };
        let query = [
            ("grant_type", "refresh_token"),
            ("client_id", self.client_id.as_str()),
            ("client_secret", self.client_secret.expose()),
            ("refresh_token", current.tokens.refresh_token.expose()),
        ];
        let mut url = self.token_url.clone();
        url.push(if url.contains('?') { '&' } else { '?' });
        url.push_str(
            &form_urlencoded::Serializer::new(String::new())
                .extend_pairs(query)
                .finish(),
        );
        let resp = http
            .get(url)
            .timeout(timeout)
            .send()
            .await
            .map_err(|e| Error::transport(method, e, timeout))?;
        let status = resp.status().as_u16();
        let body = resp
            .bytes()
            .await
            .map_err(|e| Error::transport(method, e, timeout))?;
        let answer: TokenAnswer = serde_json::from_slice(&body).map_err(|e| {
            fail(AuthError::RefreshFailed(format!(
                "HTTP {status}, not a token answer: {e}"
            )))
        })?;
        if let Some(code) = answer.error {
            let description = answer.error_description.unwrap_or_default();
            return Err(fail(match code.as_str() {
                "invalid_grant" | "invalid_client" | "invalid_request" | "NO_AUTH_FOUND" => {
                    AuthError::ReAuthorize { code, description }
                }
                _ => AuthError::RefreshFailed(format!("{code}: {description}")),
            }));
        }
        let (Some(access), Some(refresh)) = (answer.access_token, answer.refresh_token) else {
            return Err(fail(AuthError::RefreshFailed(format!(
                "HTTP {status}: the answer has no access_token/refresh_token"
            ))));
        };
        let old = &current.tokens;
        let tokens = Tokens {
            access_token: Secret::new(access),
            refresh_token: Secret::new(refresh),
            expires_at: answer
                .expires
                .or(answer.expires_in.map(|s| unix_now().saturating_add(s))),
            client_endpoint: answer.client_endpoint.or(old.client_endpoint.clone()),
            server_endpoint: answer.server_endpoint.or(old.server_endpoint.clone()),
            domain: answer.domain.or(old.domain.clone()),
            member_id: answer.member_id.or(old.member_id.clone()),
            scope: answer.scope.or(old.scope.clone()),
            user_id: answer.user_id.or(old.user_id),
        };
        let generation = current.generation + 1;
        let next = self
            .make_current(generation, tokens)
            .map_err(|e| fail(AuthError::RefreshFailed(e)))?;
        // In use before it is saved: the old refresh token is spent, so this pair is the only
        // one that works, whatever the store says.
        match self.current.write() {
            Ok(mut g) => *g = Arc::new(next),
            Err(poisoned) => *poisoned.into_inner() = Arc::new(next),
        }
        self.unsaved
            .store(generation, std::sync::atomic::Ordering::Release);
        self.save_current().await.map_err(|e| {
            fail(AuthError::Store(format!(
                "{e} (after {SAVE_ATTEMPTS} attempts; the new tokens are in use and kept in \
                 memory, saved again before the next call, and readable with Client::tokens)"
            )))
        })
    }

    /// Saves the current pair, a few times over with a short pause; clears `unsaved` once the
    /// store took it. Called with `refresh_lock` held.
    async fn save_current(&self) -> Result<(), StoreError> {
        use std::sync::atomic::Ordering;
        let current = self.current();
        let mut delay = Duration::from_millis(20);
        let mut last = None;
        for attempt in 0..SAVE_ATTEMPTS {
            if attempt > 0 {
                tokio::time::sleep(delay).await;
                delay *= 4;
            }
            match self.store.save(&current.tokens).await {
                Ok(()) => {
                    let _ = self.unsaved.compare_exchange(
                        current.generation,
                        0,
                        Ordering::AcqRel,
                        Ordering::Acquire,
                    );
                    return Ok(());
                }
                Err(e) => {
                    tracing::warn!(error = %e, attempt, "the token store failed to save");
                    last = Some(e);
                }
            }
        }
        Err(last.unwrap_or_else(|| "the token store failed".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhook_urls() {
        let w = Webhook::parse("https://x.bitrix24.com/rest/1/abc123/").unwrap();
        assert_eq!(
            (w.portal.as_str(), w.user_id.as_str()),
            ("https://x.bitrix24.com", "1")
        );
        assert_eq!(w.code.expose(), "abc123");
        assert!(!format!("{w:?}").contains("abc123"));
        let s = AuthState::webhook(&w).snapshot();
        assert_eq!(
            s.url(RestVersion::V2, "crm.deal.get"),
            "https://x.bitrix24.com/rest/1/abc123/crm.deal.get"
        );
        assert_eq!(
            s.url(RestVersion::V3, "tasks.task.get"),
            "https://x.bitrix24.com/rest/api/1/abc123/tasks.task.get"
        );
        assert_eq!(
            &s.body(&bytes::Bytes::from_static(b"{\"id\":1}"))[..],
            b"{\"id\":1}"
        );
        assert!(Webhook::parse("https://x.bitrix24.com/rest/1/").is_err());
        assert!(Webhook::parse("x.bitrix24.com/rest/1/abc/").is_err());
        assert!(Webhook::parse("https://x.bitrix24.com/1/abc/").is_err());
    }

    #[test]
    fn cleartext_only_to_loopback() {
        for ok in [
            "https://x.bitrix24.com/rest/1/abc/",
            "http://127.0.0.1:8080/rest/1/abc/",
            "http://127.5.0.1/rest/1/abc/",
            "http://localhost:3000/rest/1/abc/",
            "http://[::1]:3000/rest/1/abc/",
        ] {
            assert!(Webhook::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://x.bitrix24.com/rest/1/abc/",
            "http://10.0.0.5/rest/1/abc/",
            "http://127.0.0.1.evil.com/rest/1/abc/",
            "http://localhost.evil.com/rest/1/abc/",
            "http://127.0.0.1@evil.com/rest/1/abc/",
        ] {
            let e = Webhook::parse(bad).unwrap_err();
            assert!(e.contains("in clear"), "{bad}: {e}");
        }
        let mut t = Tokens::new("a", "r");
        t.client_endpoint = Some("HTTP://x.bitrix24.com/rest/".into());
        let o = OAuth::new("app", "sec", t.clone(), Arc::new(MemoryTokenStore::new()));
        assert!(AuthState::oauth(o).unwrap_err().contains("in clear"));
        t.client_endpoint = Some("https://x.bitrix24.com/rest/".into());
        let mut o = OAuth::new("app", "sec", t, Arc::new(MemoryTokenStore::new()));
        o.token_url = "http://oauth.example.com/oauth/token/".into();
        assert!(AuthState::oauth(o).unwrap_err().contains("token URL"));
    }

    #[test]
    fn oauth_bases_and_auth_in_body() {
        let mut t = Tokens::new("acc\"ess", "ref");
        t.client_endpoint = Some("https://x.bitrix24.com/rest/".into());
        let o = OAuth::new("app", "sec", t, Arc::new(MemoryTokenStore::new()));
        let s = AuthState::oauth(o).unwrap().snapshot();
        assert_eq!(
            s.url(RestVersion::V2, "crm.deal.get"),
            "https://x.bitrix24.com/rest/crm.deal.get"
        );
        assert_eq!(
            s.url(RestVersion::V3, "tasks.task.get"),
            "https://x.bitrix24.com/rest/api/tasks.task.get"
        );
        assert_eq!(
            String::from_utf8(s.body(&bytes::Bytes::from_static(b"{\"id\":1}")).to_vec()).unwrap(),
            r#"{"auth":"acc\"ess","id":1}"#
        );
        assert_eq!(
            String::from_utf8(s.body(&bytes::Bytes::from_static(b"{}")).to_vec()).unwrap(),
            r#"{"auth":"acc\"ess"}"#
        );
        let o = OAuth::new(
            "app",
            "sec",
            Tokens::new("a", "r"),
            Arc::new(MemoryTokenStore::new()),
        );
        assert!(AuthState::oauth(o).is_err());
    }

    #[test]
    fn debug_hides_secrets() {
        let mut t = Tokens::new("ACCESS-1", "REFRESH-1");
        t.client_endpoint = Some("https://x/rest/".into());
        let o = OAuth::new("app", "SECRET-1", t, Arc::new(MemoryTokenStore::new()));
        let d = format!("{o:?}");
        for s in ["ACCESS-1", "REFRESH-1", "SECRET-1"] {
            assert!(!d.contains(s), "{d}");
        }
    }
}
