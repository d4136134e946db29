//! The client: typed and raw calls.

mod builder;
mod call;
mod exec;

pub use builder::{BuildError, ClientBuilder};
pub use call::Call;

use crate::auth::AuthState;
use crate::error::Error;
use crate::limits::{LimiterBackend, OperatingStats, OperatingTracker, RetryPolicy};
use crate::method::{Method, Request, RestVersion};
use crate::response::{self, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// A Bitrix24 REST client. Cheap to clone (shares one connection pool, limiter and token state).
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub http: reqwest::Client,
    pub auth: AuthState,
    pub limiter: Option<Arc<dyn LimiterBackend>>,
    pub operating: OperatingTracker,
    pub retry: RetryPolicy,
    pub timeout: Duration,
    pub auto_idempotency: bool,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("auth", &self.inner.auth)
            .field("rate_limited", &self.inner.limiter.is_some())
            .field("retry", &self.inner.retry)
            .field("timeout", &self.inner.timeout)
            .finish_non_exhaustive()
    }
}

/// Per-call options.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct CallOptions {
    /// REST 3: the `Idempotency-Key` header (1–255 printable ASCII). Makes the call safe to
    /// retry after a 5xx or a transport error.
    pub idempotency_key: Option<String>,
    /// Overrides the client's timeout.
    pub timeout: Option<Duration>,
    /// Raw calls only: the REST version (V2 by default).
    pub version: Option<RestVersion>,
    /// Raw calls only: the method only reads (safe to retry). `false` by default.
    pub read_only: Option<bool>,
}

impl CallOptions {
    /// No options: the client's settings.
    pub fn new() -> Self {
        Self::default()
    }
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }
    pub fn version(mut self, version: RestVersion) -> Self {
        self.version = Some(version);
        self
    }
    pub fn read_only(mut self, read_only: bool) -> Self {
        self.read_only = Some(read_only);
        self
    }
}

/// One HTTP call as the executor sees it.
pub(crate) struct Spec<'a> {
    pub method: &'a str,
    pub version: RestVersion,
    pub read_only: bool,
    /// The params as a serialized JSON object.
    pub body: bytes::Bytes,
    pub idempotency_key: Option<String>,
    pub timeout: Duration,
}

/// Serializes params, which must be a JSON object (`null`/unit becomes `{}`).
pub(crate) fn params_body<P: Serialize + ?Sized>(
    method: &str,
    params: &P,
) -> Result<Vec<u8>, Error> {
    let body = serde_json::to_vec(params)
        .map_err(|e| Error::invalid(method, format!("cannot serialize the params: {e}")))?;
    match body.first() {
        Some(b'{') => Ok(body),
        _ if body == b"null" => Ok(b"{}".to_vec()),
        _ => Err(Error::invalid(
            method,
            "the params must serialize to a JSON object",
        )),
    }
}

/// Params as an ordered JSON object (for batch commands and for setting `start`, `filter`,
/// `order`).
pub(crate) fn params_object<P: Serialize + ?Sized>(
    method: &str,
    params: &P,
) -> Result<crate::params::RawObject, Error> {
    let body = params_body(method, params)?;
    serde_json::from_slice(&body)
        .map_err(|e| Error::invalid(method, format!("cannot read the params back: {e}")))
}

impl Client {
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A webhook client with the default settings.
    pub fn webhook(url: &str) -> Result<Client, BuildError> {
        ClientBuilder::default().webhook(url).build()
    }

    pub(crate) fn call_spec<'a>(
        &self,
        method: &'a str,
        version: RestVersion,
        read_only: bool,
        body: Vec<u8>,
        opts: &CallOptions,
    ) -> Spec<'a> {
        let idempotency_key = match version {
            RestVersion::V3 => opts.idempotency_key.clone().or_else(|| {
                (self.inner.auto_idempotency && !read_only)
                    .then(|| uuid::Uuid::new_v4().to_string())
            }),
            RestVersion::V2 => None,
        };
        Spec {
            method,
            version,
            read_only,
            body: body.into(),
            idempotency_key,
            timeout: opts.timeout.unwrap_or(self.inner.timeout),
        }
    }

    /// Calls the method of `params`: the same as `params.send(&client)`.
    ///
    /// ```no_run
    /// # async fn f<P: b24_runtime::Request>(client: b24_runtime::Client, params: P) {
    /// let answer = client.send(&params).await;
    /// # }
    /// ```
    pub fn send<'a, P: Request>(&'a self, params: &'a P) -> Call<'a, P::Method> {
        Call::new(self, params)
    }

    /// Calls method `M` (when the method type is at hand rather than its params).
    pub async fn call<M: Method>(
        &self,
        params: &M::Params,
    ) -> Result<Response<M::Result>, Error<M::Error>> {
        self.call_with::<M>(params, &CallOptions::default()).await
    }

    /// Calls method `M` with options (Idempotency-Key, timeout).
    pub async fn call_with<M: Method>(
        &self,
        params: &M::Params,
        opts: &CallOptions,
    ) -> Result<Response<M::Result>, Error<M::Error>> {
        let body = params_body(M::NAME, params).map_err(Error::typed::<M>)?;
        self.call_body(M::NAME, M::REST_VERSION, M::READ_ONLY, body, opts)
            .await
            .map_err(Error::typed::<M>)
    }

    /// Calls a method by name with JSON params (REST 2, treated as a write unless
    /// `opts.read_only`).
    pub async fn call_raw(&self, method: &str, params: &Value) -> Result<Response<Value>, Error> {
        self.call_raw_with(method, params, &CallOptions::default())
            .await
    }

    pub async fn call_raw_with(
        &self,
        method: &str,
        params: &Value,
        opts: &CallOptions,
    ) -> Result<Response<Value>, Error> {
        let body = params_body(method, params)?;
        let version = opts.version.unwrap_or(RestVersion::V2);
        let read_only = opts.read_only.unwrap_or(false);
        self.call_body(method, version, read_only, body, opts).await
    }

    /// A call with serialized params, decoded as `T`.
    pub(crate) async fn call_body<T: DeserializeOwned>(
        &self,
        method: &str,
        version: RestVersion,
        read_only: bool,
        body: Vec<u8>,
        opts: &CallOptions,
    ) -> Result<Response<T>, Error> {
        let call = self.call_spec(method, version, read_only, body, opts);
        let answer = self.execute::<T>(call).await?;
        let env = answer.env;
        let result = env.result.ok_or_else(|| Error::Decode {
            method: method.to_owned(),
            path: "result".into(),
            message: "the answer has no `result`".into(),
            status: answer.status,
        })?;
        Ok(Response::from_body(
            result,
            env.time,
            response::cursor(env.total),
            response::cursor(env.next),
            answer.body,
        ))
    }

    /// Operating time the portal reported for `method`.
    pub fn operating(&self, method: &str) -> Option<OperatingStats> {
        self.inner.operating.get(method)
    }

    /// Operating time of every method seen, by name.
    pub fn operating_all(&self) -> Vec<(String, OperatingStats)> {
        self.inner.operating.all()
    }

    /// The OAuth token pair in use (`None` for a webhook). After a refresh whose save failed
    /// ([`AuthError::Store`](crate::AuthError::Store)) this is the only copy of the new pair
    /// until the store takes it.
    pub fn tokens(&self) -> Option<crate::auth::Tokens> {
        self.inner.auth.tokens()
    }
}
