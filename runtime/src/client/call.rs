//! [`Call`]: one typed call, ready to be awaited.

use super::{CallOptions, Client};
use crate::error::Error;
use crate::method::{Method, Request};
use crate::response::Response;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::Duration;

/// One call of method `M`, made by `params.send(&client)` or [`Client::send`]. Awaiting it sends
/// the request; options can be set before.
///
/// ```no_run
/// # async fn f<P: b24_runtime::Request>(client: b24_runtime::Client, params: P) {
/// use std::time::Duration;
/// let answer = client.send(&params).timeout(Duration::from_secs(5)).await;
/// # }
/// ```
///
/// The future is built when awaited, so a generated crate's thousand `send` methods cost no
/// code until one is used.
#[must_use = "a call does nothing until it is awaited"]
pub struct Call<'a, M: Method> {
    client: &'a Client,
    params: &'a M::Params,
    opts: CallOptions,
}

impl<'a, M: Method> Call<'a, M> {
    /// A call of `M` with `params`.
    pub fn new(client: &'a Client, params: &'a M::Params) -> Self
    where
        M::Params: Request<Method = M>,
    {
        Call {
            client,
            params,
            opts: CallOptions::default(),
        }
    }

    /// All options at once.
    pub fn options(mut self, opts: CallOptions) -> Self {
        self.opts = opts;
        self
    }

    /// REST 3: the `Idempotency-Key` header, which makes a write safe to retry.
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.opts.idempotency_key = Some(key.into());
        self
    }

    /// Overrides the client's timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.opts.timeout = Some(timeout);
        self
    }
}

impl<'a, M: Method> IntoFuture for Call<'a, M> {
    type Output = Result<Response<M::Result>, Error<M::Error>>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move { self.client.call_with::<M>(self.params, &self.opts).await })
    }
}
