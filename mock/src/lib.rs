//! A Bitrix24 portal for tests, built from the b24gen IR.
//!
//! [`MockPortal`] serves every documented method on 127.0.0.1: REST 2 on webhook paths
//! (`/rest/{user}/{code}/{method}`) and OAuth paths (`/rest/{method}` with `auth=`), REST 3 on
//! `/rest/api/…`, with JSON or PHP-style form bodies. It checks requests against the IR,
//! answers with the documented examples (or values synthesized from the result type), keeps
//! state for the CRUD families, runs batches, enforces the portal's limits, issues and expires
//! OAuth tokens, injects faults on demand and POSTs events to the handlers bound with
//! `event.bind`. A control API under `/_mock/` (and the methods of [`MockPortal`]) resets it,
//! lists the recorded requests, sets faults and reads counters.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! use b24_mock::MockPortal;
//! use serde_json::json;
//!
//! let ir: b24_ir::Ir = serde_json::from_value(json!({
//!     "schema": 1, "events": [], "diagnostics": [],
//!     "methods": [{
//!         "name": "user.current", "scopes": ["user"], "rest_version": 2, "deprecated": false,
//!         "aliases": [], "title": {}, "summary": {}, "description": {}, "sources": [],
//!         "params": [], "paginated": false, "errors": [],
//!         "examples": {"requests": [], "responses": [], "errors": []}
//!     }]
//! }))?;
//! let portal = MockPortal::start(ir).await?;
//! let url = format!("{}user.current", portal.webhook_url());
//! assert!(url.starts_with("http://127.0.0.1:"));
//! assert_eq!(portal.counters().requests, 0);
//! # Ok(())
//! # }
//! ```
//!
//! Unknown keys: REST 2 ignores keys it does not know, and so does the mock by default; every
//! such key is recorded with the request and listed in the `X-Mock-Unknown-Keys` header.
//! [`Mode::Strict`] refuses them; [`Mode::Lenient`] refuses nothing (no required-param or type
//! checks either) and only reports.
//!
//! Answers are deterministic: the same requests in the same order get the same bodies, except
//! the `time` block, which carries the real clock unless [`MockBuilder::fixed_time`] is set.

mod answer;
mod batch;
mod catalog;
mod control;
mod events;
mod limits;
mod oauth;
mod params;
mod portal;
mod server;
mod store;
mod userfields;
mod validate;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use b24_ir::{Ir, Lang};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub use answer::ApiError;
pub use limits::Limits;
pub use oauth::{TokenPair, CLIENT_ID, CLIENT_SECRET};
pub use params::{php_form, to_php_form, BodyError};

/// The webhook user and code the mock accepts (`/rest/1/{WEBHOOK_CODE}/`).
pub const WEBHOOK_USER: &str = "1";
pub const WEBHOOK_CODE: &str = "mockwebhookcode";
/// `auth[member_id]` of events and token answers.
pub const MEMBER_ID: &str = "mock0000000000000000000000000000";
/// The header listing the keys of a request the docs do not know.
pub const UNKNOWN_KEYS_HEADER: &str = "x-mock-unknown-keys";

/// How requests are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// As the portal: required params and types checked, unknown keys ignored (REST 2) but
    /// recorded and reported; REST 3 refuses unknown `select` fields.
    #[default]
    Default,
    /// Also refuses unknown keys.
    Strict,
    /// Refuses nothing; only reports unknown keys.
    Lenient,
}

/// A fault to inject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fault {
    /// An HTTP status with the portal's error body for it (`INTERNAL_SERVER_ERROR` for 500…).
    Status { status: u16 },
    /// The connection closes before any answer.
    Drop,
    /// The answer comes after `ms` milliseconds.
    Slow { ms: u64 },
    /// A 200 answer whose body is not JSON.
    Malformed,
}

/// When a fault fires: on calls of `method` (any method when `None`), the next `times` of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultRule {
    #[serde(default)]
    pub method: Option<String>,
    pub fault: Fault,
    #[serde(default = "one")]
    pub times: u32,
}

fn one() -> u32 {
    1
}

impl FaultRule {
    /// `fault` on the next call of any method.
    pub fn once(fault: Fault) -> FaultRule {
        FaultRule {
            method: None,
            fault,
            times: 1,
        }
    }

    /// Only on calls of `method`.
    pub fn on(mut self, method: &str) -> FaultRule {
        self.method = Some(method.to_owned());
        self
    }

    /// The next `n` matching calls.
    pub fn times(mut self, n: u32) -> FaultRule {
        self.times = n;
        self
    }
}

/// One request the mock received.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recorded {
    /// 1, 2, … in arrival order.
    pub seq: u64,
    /// 2 or 3.
    pub rest_version: u8,
    /// As called (`crm.deal.add`); commands of a batch are recorded after the batch itself.
    pub method: String,
    /// `webhook`, `oauth` or `batch`.
    pub via: String,
    pub params: Map<String, Value>,
    /// Keys the docs do not know (`fields.FOO`).
    pub unknown_keys: Vec<String>,
    pub status: u16,
    /// The error code answered, if any.
    pub error: Option<String>,
}

/// What the mock has done since the last reset.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counters {
    /// HTTP requests to `/rest/` (a batch counts once).
    pub requests: u64,
    /// Method calls, batch commands included.
    pub calls: u64,
    /// Error answers (batch commands included).
    pub errors: u64,
    /// `QUERY_LIMIT_EXCEEDED` answers.
    pub limited: u64,
    /// `OPERATION_TIME_LIMIT` answers.
    pub operating_limited: u64,
    pub faults: u64,
    pub token_refreshes: u64,
    pub events_sent: u64,
    pub events_failed: u64,
    /// Rows in the CRUD tables.
    pub rows: u64,
}

/// A handler bound with `event.bind`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Binding {
    pub id: u64,
    /// Upper-cased, as `event.get` lists it.
    pub event: String,
    pub handler: String,
    pub auth_type: String,
    pub event_type: String,
}

/// One event POST the mock made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    pub event: String,
    pub handler: String,
    /// The form-encoded body sent.
    pub body: String,
    /// The handler's HTTP status, or the transport error.
    pub outcome: Result<u16, String>,
}

/// Options of a [`MockPortal`].
#[derive(Debug, Clone)]
pub struct MockBuilder {
    ir: Ir,
    addr: SocketAddr,
    mode: Mode,
    limits: Limits,
    lang: Lang,
    seed: u64,
    fixed_time: Option<f64>,
    token_lifetime_secs: i64,
    application_token: String,
    event_timeout: Duration,
    openapi: Option<Arc<serde_json::Value>>,
}

impl MockBuilder {
    /// The document REST 3's `rest.documentation.openapi` (and its alias `documentation`)
    /// answers with, as a portal does (`b24gen mock` passes the REST 3 part of
    /// `b24gen openapi`, in its OpenAPI 3.0 form). Without one, the method is unknown.
    pub fn openapi(mut self, doc: serde_json::Value) -> Self {
        self.openapi = Some(Arc::new(doc));
        self
    }
    /// Listen on `port` of 127.0.0.1 (0, the default: any free port).
    pub fn port(mut self, port: u16) -> Self {
        self.addr.set_port(port);
        self
    }
    /// Listen on `ip` instead of 127.0.0.1 (the CLI's `--bind`).
    pub fn bind(mut self, ip: IpAddr) -> Self {
        self.addr.set_ip(ip);
        self
    }
    pub fn mode(mut self, mode: Mode) -> Self {
        self.mode = mode;
        self
    }
    /// The leaky bucket (default [`Limits::Standard`]).
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }
    /// The language whose examples answer (default English).
    pub fn lang(mut self, lang: Lang) -> Self {
        self.lang = lang;
        self
    }
    /// Rows made per CRUD table beside the documented ones (default 0).
    pub fn seed(mut self, rows: u64) -> Self {
        self.seed = rows;
        self
    }
    /// Every `time` block says this unix time: answers become byte-identical across runs.
    pub fn fixed_time(mut self, unix: f64) -> Self {
        self.fixed_time = Some(unix);
        self
    }
    /// Lifetime of issued access tokens (default 3600 s).
    pub fn token_lifetime(mut self, secs: i64) -> Self {
        self.token_lifetime_secs = secs;
        self
    }
    /// `auth[application_token]` of the events the mock sends.
    pub fn application_token(mut self, token: impl Into<String>) -> Self {
        self.application_token = token.into();
        self
    }

    /// Binds the port and starts serving on the current tokio runtime.
    pub async fn start(self) -> std::io::Result<MockPortal> {
        let listener = tokio::net::TcpListener::bind(self.addr).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::new(self, addr));
        let task = tokio::spawn(server::serve(listener, shared.clone()));
        Ok(MockPortal { addr, shared, task })
    }
}

/// A running mock portal; stops when dropped.
pub struct MockPortal {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for MockPortal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockPortal")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl Drop for MockPortal {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl MockPortal {
    /// Options; [`MockBuilder::start`] starts it.
    pub fn builder(ir: Ir) -> MockBuilder {
        MockBuilder {
            ir,
            addr: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
            mode: Mode::Default,
            limits: Limits::Standard,
            lang: Lang::En,
            seed: 0,
            fixed_time: None,
            token_lifetime_secs: 3600,
            application_token: "mock-application-token".into(),
            event_timeout: Duration::from_secs(5),
            openapi: None,
        }
    }

    /// Starts a portal with the default options on a free port of 127.0.0.1.
    pub async fn start(ir: Ir) -> std::io::Result<MockPortal> {
        MockPortal::builder(ir).start().await
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
    /// `http://127.0.0.1:PORT/`.
    pub fn base_url(&self) -> String {
        format!("http://{}/", self.addr)
    }
    /// `http://127.0.0.1:PORT/rest/1/mockwebhookcode/`: what a client takes as its webhook.
    pub fn webhook_url(&self) -> String {
        format!("http://{}/rest/{WEBHOOK_USER}/{WEBHOOK_CODE}/", self.addr)
    }
    /// The OAuth token endpoint (`/oauth/token/`).
    pub fn token_url(&self) -> String {
        format!("http://{}/oauth/token/", self.addr)
    }
    /// `auth[application_token]` of the events this portal sends.
    pub fn application_token(&self) -> &str {
        &self.shared.opts.application_token
    }

    /// A fresh OAuth token pair for [`CLIENT_ID`].
    pub fn issue_tokens(&self) -> TokenPair {
        let now = self.shared.unix();
        self.shared.lock().tokens.issue(now)
    }
    /// Every access token issued so far expires now (the next call gets `expired_token`).
    pub fn expire_tokens(&self) {
        let now = self.shared.unix();
        self.shared.lock().tokens.expire_all(now);
    }

    /// Forgets state, recorded requests, counters, faults, limits, tokens and bindings.
    pub fn reset(&self) {
        self.shared.lock().reset();
    }
    /// The recorded requests, oldest first (at most the last 100,000).
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.lock().recorded.iter().cloned().collect()
    }
    pub fn counters(&self) -> Counters {
        self.shared.lock().counters()
    }
    pub fn inject(&self, rule: FaultRule) {
        self.shared.lock().faults.push(rule);
    }
    pub fn clear_faults(&self) {
        self.shared.lock().faults.clear();
    }
    /// Each call of `method` costs `secs` of operating time (the budget is 480 s per 10 min).
    pub fn set_operating_cost(&self, method: &str, secs: f64) {
        self.shared
            .lock()
            .operating
            .cost
            .insert(method.to_ascii_lowercase(), secs);
    }
    pub fn bindings(&self) -> Vec<Binding> {
        self.shared.lock().bindings.clone()
    }
    /// The event POSTs made so far (finished ones).
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.shared.lock().deliveries.clone()
    }
}

/// Everything the handlers share.
pub(crate) struct Shared {
    catalog: catalog::Catalog,
    opts: Opts,
    state: Mutex<State>,
    event_timeout: Duration,
}

pub(crate) struct Opts {
    mode: Mode,
    limits: Limits,
    lang: Lang,
    fixed_time: Option<f64>,
    application_token: String,
    /// `127.0.0.1:PORT`, the portal's domain.
    domain: String,
    /// What `rest.documentation.openapi` answers (REST 3).
    openapi: Option<Arc<serde_json::Value>>,
}

pub(crate) struct State {
    store: store::Store,
    recorded: std::collections::VecDeque<Recorded>,
    counters: Counters,
    faults: Vec<FaultRule>,
    buckets: limits::Buckets,
    operating: limits::Operating,
    tokens: oauth::Tokens,
    bindings: Vec<Binding>,
    next_binding: u64,
    deliveries: Vec<Delivery>,
    seq: u64,
}

/// Recorded requests kept at most (the oldest go first), so a long benchmark stays bounded.
const MAX_RECORDED: usize = 100_000;

impl State {
    fn reset(&mut self) {
        self.store.reset();
        self.recorded.clear();
        self.counters = Counters::default();
        self.faults.clear();
        self.buckets.reset();
        self.operating.reset();
        self.operating.cost.clear();
        self.tokens.reset();
        self.bindings.clear();
        self.deliveries.clear();
        self.seq = 0;
    }

    fn counters(&self) -> Counters {
        Counters {
            rows: self.store.rows() as u64,
            ..self.counters.clone()
        }
    }

    fn record(&mut self, mut r: Recorded) {
        self.seq += 1;
        r.seq = self.seq;
        if self.recorded.len() >= MAX_RECORDED {
            self.recorded.pop_front();
        }
        self.recorded.push_back(r);
    }

    /// The fault for a call of `method`, if a rule fires.
    fn fault_for(&mut self, method: &str) -> Option<Fault> {
        let i = self.faults.iter().position(|r| {
            r.times > 0
                && r.method
                    .as_deref()
                    .is_none_or(|m| m.eq_ignore_ascii_case(method))
        })?;
        let rule = &mut self.faults[i];
        rule.times -= 1;
        let fault = rule.fault.clone();
        if rule.times == 0 {
            self.faults.remove(i);
        }
        self.counters.faults += 1;
        Some(fault)
    }
}

impl Shared {
    fn new(b: MockBuilder, addr: SocketAddr) -> Shared {
        Shared {
            catalog: catalog::Catalog::new(b.ir),
            opts: Opts {
                mode: b.mode,
                limits: b.limits,
                lang: b.lang,
                fixed_time: b.fixed_time,
                application_token: b.application_token,
                domain: addr.to_string(),
                openapi: b.openapi,
            },
            state: Mutex::new(State {
                store: store::Store::new(b.seed),
                recorded: std::collections::VecDeque::new(),
                counters: Counters::default(),
                faults: Vec::new(),
                buckets: limits::Buckets::default(),
                operating: limits::Operating::default(),
                tokens: oauth::Tokens::new(b.token_lifetime_secs),
                bindings: Vec::new(),
                next_binding: 1,
                deliveries: Vec::new(),
                seq: 0,
            }),
            event_timeout: b.event_timeout,
        }
    }

    /// The state; a panic elsewhere while it was held does not make it unusable.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Unix time now (seconds, fractional), or the fixed time.
    fn now(&self) -> f64 {
        self.opts.fixed_time.unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs_f64())
                .unwrap_or_default()
        })
    }

    fn unix(&self) -> i64 {
        self.now() as i64
    }
}
