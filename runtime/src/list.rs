//! List traversal.
//!
//! - [`Client::list`]: any list method, by `start` offsets; `total` is exposed once the first
//!   page is in. The pages after the first go 50 to an HTTP call through a batch (100,000 rows
//!   take 41 calls), read in order; the first error ends the stream. Offsets are positions:
//!   rows added or deleted while the list is read make later pages skip or repeat rows. The
//!   stream notices it where the portal's `total` changes between pages
//!   ([`ListStream::total_changed`], with a warning); for a full export of a method that has it,
//!   prefer the ID traversal (`fast`), which keeps the filter and neither skips nor repeats.
//! - [`Client::pages`] / [`Client::list_paged`]: page by page, one HTTP call each, following
//!   `next` (for callers who want every page's cursors, or one call at a time).
//! - [`Client::fast_list`]: for methods that filter and order by ID. Orders by ID ascending,
//!   filters `>ID`, sends `start=-1` (no counting), and chains 50 page requests per HTTP call
//!   through a batch (`>ID` = `$result[previous page][49][ID]`), so 2,500 rows come per call:
//!   100,000 rows take about 40 calls. It stops at the first page shorter than 50.
//!
//! Only list methods can be listed: `pages` takes a [`Paginated`] method, `list` a [`Listed`] one
//! (it knows where the rows are), `fast_list` a [`FastListed`] one (its rows have an ID the portal
//! filters and orders by). The generated params of such methods have `stream`, `pages` and `fast`
//! themselves, returning the lazy [`Rows`] and [`Pages`]:
//!
//! ```no_run
//! # use b24_runtime::{Client, Listed, Request};
//! # async fn f<P>(client: Client, params: P) -> Result<(), Box<dyn std::error::Error>>
//! # where P: Request, P::Method: Listed, <P::Method as Listed>::Row: std::fmt::Debug {
//! use futures_util::StreamExt;
//! let mut rows = client.list::<P::Method>(&params);
//! while let Some(row) = rows.next().await {
//!     println!("{:?}", row?);
//! }
//! # Ok(()) }
//! ```
//!
//! With the generated client, `crm.deal.list` has rows to stream:
//!
//! ```no_run
//! # async fn f(client: b24_runtime::Client) -> Result<(), Box<dyn std::error::Error>> {
//! use bitrix24::crm::deal::list;
//! let deals = list::Params::new().stream(&client).collect_all().await?;
//! # Ok(()) }
//! ```
//!
//! and `crm.deal.get` has not: listing it does not compile.
//!
//! ```compile_fail
//! # async fn f(client: b24_runtime::Client) -> Result<(), Box<dyn std::error::Error>> {
//! use bitrix24::crm::deal::get;
//! let deals = get::Params::new(1).stream(&client).collect_all().await?;
//! # Ok(()) }
//! ```
//!
//! ```compile_fail
//! # fn f(client: b24_runtime::Client) {
//! use bitrix24::crm::deal::get;
//! let pages = client.pages::<get::CrmDealGet>(&get::Params::new(1));
//! # }
//! ```

mod fast;
mod packed;

pub use fast::FastList;

use crate::client::{params_object, CallOptions, Client};
use crate::error::{ApiError, Error};
use crate::method::{FastListed, Listed, Method, MethodError, Paginated};
use crate::params::RawObject;
use crate::response::Response;
use futures_core::Stream;
use futures_util::stream::{self, StreamExt};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

/// Rows per page of a classic list method.
pub const PAGE_SIZE: usize = 50;

const UNKNOWN: u64 = u64::MAX;
/// Set on the stored `total` once a page's `total` differed from an earlier page's.
const CHANGED: u64 = 1 << 62;

/// Stores a page's `total`, marking the list as changed when an earlier page said otherwise:
/// offsets planned from the first `total` then skip or repeat rows.
pub(crate) fn record_total(cell: &AtomicU64, method: &str, total: u64) {
    let total = total.min(CHANGED - 1);
    let prev = cell.load(Ordering::Acquire);
    let known = prev != UNKNOWN;
    let changed = known && (prev & CHANGED != 0 || prev & !CHANGED != total);
    if known && prev & !CHANGED != total {
        tracing::warn!(
            method,
            was = prev & !CHANGED,
            now = total,
            "the list changed while it was read by offsets: rows may be skipped or repeated"
        );
    }
    cell.store(total | if changed { CHANGED } else { 0 }, Ordering::Release);
}

fn load_total(cell: &AtomicU64) -> (Option<u64>, bool) {
    match cell.load(Ordering::Acquire) {
        UNKNOWN => (None, false),
        n => (Some(n & !CHANGED), n & CHANGED != 0),
    }
}

type BoxStream<T> = Pin<Box<dyn Stream<Item = T> + Send>>;

/// A stream with the list's `total` (known after the first page; never for the fast mode).
/// Its errors carry the method's error enum `E`.
pub struct ListStream<T, E: MethodError = Box<ApiError>> {
    inner: BoxStream<Result<T, Error<E>>>,
    total: Arc<AtomicU64>,
}

impl<T, E: MethodError> ListStream<T, E> {
    /// `total` of the latest page, once the first is in.
    pub fn total(&self) -> Option<u64> {
        load_total(&self.total).0
    }

    /// Whether `total` changed between pages: rows were added or removed while the list was
    /// read by offsets, so some may have been skipped or read twice (a warning is logged too).
    /// Read again, or use the ID traversal (`fast`), which neither skips nor repeats.
    pub fn total_changed(&self) -> bool {
        load_total(&self.total).1
    }

    /// Reads the whole stream; stops at the first error.
    pub async fn collect_all(mut self) -> Result<Vec<T>, Error<E>> {
        let mut out = Vec::new();
        while let Some(item) = self.inner.next().await {
            out.push(item?);
        }
        Ok(out)
    }

    /// The same stream with its errors sorted into method `M`'s enum.
    fn typed<M: Method>(self) -> ListStream<T, M::Error>
    where
        T: 'static,
        E: 'static,
    {
        ListStream {
            inner: Box::pin(self.inner.map(|r| r.map_err(Error::typed::<M>))),
            total: self.total,
        }
    }
}

impl<T, E: MethodError> Stream for ListStream<T, E> {
    type Item = Result<T, Error<E>>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

/// How [`Rows`] traverses the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// By offsets, the pages after the first in batches.
    Offset,
    /// By offsets, one page per HTTP call.
    Paged,
    /// The fast traversal, by this ID field.
    Fast(&'static str),
}

/// The rows of a list method, made by the generated params' `stream(&client)` (page by page
/// through `start`) or `fast(&client)` (the fast ID-ordered traversal). Nothing is sent before
/// the first poll.
#[must_use = "streams do nothing unless polled"]
pub struct Rows<M: Listed> {
    client: Client,
    pending: Option<(Box<M::Params>, Mode)>,
    inner: Option<ListStream<M::Row, M::Error>>,
}

impl<M: Listed> Rows<M> {
    /// Every row, by `start` offsets: the first page alone, the rest 50 pages to an HTTP call.
    pub fn offset(client: &Client, params: M::Params) -> Self {
        Rows {
            client: client.clone(),
            pending: Some((Box::new(params), Mode::Offset)),
            inner: None,
        }
    }

    /// Every row, page by page through `start`/`next`, one HTTP call per page.
    pub fn paged(client: &Client, params: M::Params) -> Self {
        Rows {
            client: client.clone(),
            pending: Some((Box::new(params), Mode::Paged)),
            inner: None,
        }
    }

    /// Every row, by the fast ID-ordered traversal.
    pub fn fast(client: &Client, params: M::Params) -> Self
    where
        M: FastListed,
    {
        Rows {
            client: client.clone(),
            pending: Some((Box::new(params), Mode::Fast(M::ID))),
            inner: None,
        }
    }

    /// `total` of the latest page, once the first is in (never for the fast traversal).
    pub fn total(&self) -> Option<u64> {
        self.inner.as_ref().and_then(ListStream::total)
    }

    /// Whether `total` changed between pages of an offset traversal ([`ListStream::total_changed`]):
    /// rows may have been skipped or repeated.
    pub fn total_changed(&self) -> bool {
        self.inner.as_ref().is_some_and(ListStream::total_changed)
    }

    /// Reads every row; stops at the first error.
    pub async fn collect_all(mut self) -> Result<Vec<M::Row>, Error<M::Error>> {
        let mut out = Vec::new();
        while let Some(row) = self.next().await {
            out.push(row?);
        }
        Ok(out)
    }
}

impl<M: Listed> Stream for Rows<M> {
    type Item = Result<M::Row, Error<M::Error>>;
    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if let Some((params, mode)) = this.pending.take() {
            this.inner = Some(match mode {
                Mode::Offset => this.client.list::<M>(&params),
                Mode::Paged => this.client.list_paged::<M>(&params),
                Mode::Fast(id) => {
                    this.client
                        .fast_list_with::<M, _, _>(&params, FastList::of::<M>(id), M::rows)
                }
            });
        }
        match &mut this.inner {
            Some(s) => Pin::new(s).poll_next(cx),
            None => Poll::Ready(None),
        }
    }
}

/// The pages of a list method, made by the generated params' `pages(&client)`. Nothing is sent
/// before the first poll.
#[must_use = "streams do nothing unless polled"]
pub struct Pages<M: Paginated> {
    client: Client,
    pending: Option<Box<M::Params>>,
    inner: Option<ListStream<Response<M::Result>, M::Error>>,
}

impl<M: Paginated> Pages<M> {
    /// Every page, following `next`.
    pub fn new(client: &Client, params: M::Params) -> Self {
        Pages {
            client: client.clone(),
            pending: Some(Box::new(params)),
            inner: None,
        }
    }

    /// `total` of the latest page, once the first is in.
    pub fn total(&self) -> Option<u64> {
        self.inner.as_ref().and_then(ListStream::total)
    }

    /// Whether `total` changed between pages ([`ListStream::total_changed`]).
    pub fn total_changed(&self) -> bool {
        self.inner.as_ref().is_some_and(ListStream::total_changed)
    }
}

impl<M: Paginated> Stream for Pages<M> {
    type Item = Result<Response<M::Result>, Error<M::Error>>;
    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if let Some(params) = this.pending.take() {
            this.inner = Some(this.client.pages::<M>(&params));
        }
        match &mut this.inner {
            Some(s) => Pin::new(s).poll_next(cx),
            None => Poll::Ready(None),
        }
    }
}

struct PageState {
    client: Client,
    params: Result<RawObject, Error>,
    start: Option<u64>,
    total: Arc<AtomicU64>,
}

impl Client {
    /// Every page of list method `M`, following `next`.
    pub fn pages<M: Paginated>(
        &self,
        params: &M::Params,
    ) -> ListStream<Response<M::Result>, M::Error> {
        self.pages_untyped::<M>(params).typed::<M>()
    }

    fn pages_untyped<M: Method>(&self, params: &M::Params) -> ListStream<Response<M::Result>> {
        let total = Arc::new(AtomicU64::new(UNKNOWN));
        let params = params_object(M::NAME, params);
        let first = params
            .as_ref()
            .ok()
            .and_then(|p| p.get("start"))
            .and_then(|raw| serde_json::from_str::<u64>(raw.get()).ok())
            .unwrap_or(0);
        let state = PageState {
            client: self.clone(),
            params,
            start: Some(first),
            total: total.clone(),
        };
        let inner = stream::unfold(state, |mut st| async move {
            let start = st.start?;
            let mut params = match &st.params {
                Ok(p) => p.clone(),
                Err(_) => {
                    st.start = None;
                    let e = std::mem::replace(&mut st.params, Ok(RawObject::default()));
                    return e.err().map(|e| (Err(e), st));
                }
            };
            let body = match params
                .set_json("start", &start)
                .and_then(|()| serde_json::to_vec(&params))
            {
                Ok(b) => b,
                Err(e) => {
                    st.start = None;
                    return Some((Err(Error::invalid(M::NAME, e.to_string())), st));
                }
            };
            let page = st
                .client
                .call_body::<M::Result>(
                    M::NAME,
                    M::REST_VERSION,
                    M::READ_ONLY,
                    body,
                    &CallOptions::default(),
                )
                .await;
            match &page {
                Ok(resp) => {
                    if let Some(t) = resp.total {
                        record_total(&st.total, M::NAME, t);
                    }
                    // A `next` that does not move forward would loop: stop.
                    st.start = resp.next.filter(|n| *n > start);
                }
                Err(_) => st.start = None,
            }
            Some((page, st))
        });
        ListStream {
            inner: Box::pin(inner),
            total,
        }
    }

    /// Every row of list method `M`.
    pub fn list<M: Listed>(&self, params: &M::Params) -> ListStream<M::Row, M::Error> {
        self.list_with::<M, _, _>(params, M::rows)
    }

    /// Every row of list method `M`, taking the rows out of each page's result with `rows`
    /// (for results the generator could not read rows from). The pages after the first go 50 to
    /// a batch once `total` is known.
    pub fn list_with<M, T, F>(&self, params: &M::Params, rows: F) -> ListStream<T, M::Error>
    where
        M: Paginated,
        T: Send + 'static,
        F: FnMut(M::Result) -> Vec<T> + Send + 'static,
    {
        self.packed_list::<M, T, F>(params, rows).typed::<M>()
    }

    /// Every row of list method `M`, one HTTP call per page.
    pub fn list_paged<M: Listed>(&self, params: &M::Params) -> ListStream<M::Row, M::Error> {
        self.list_paged_with::<M, _, _>(params, M::rows)
    }

    /// Every row of list method `M`, one HTTP call per page, taking the rows out of each page's
    /// result with `rows`.
    pub fn list_paged_with<M, T, F>(
        &self,
        params: &M::Params,
        mut rows: F,
    ) -> ListStream<T, M::Error>
    where
        M: Paginated,
        T: Send + 'static,
        F: FnMut(M::Result) -> Vec<T> + Send + 'static,
    {
        let pages = self.pages_untyped::<M>(params);
        let total = pages.total.clone();
        let inner = pages.inner.flat_map(move |page| {
            stream::iter(match page {
                Ok(resp) => rows(resp.result).into_iter().map(Ok).collect::<Vec<_>>(),
                Err(e) => vec![Err(e)],
            })
        });
        ListStream {
            inner: Box::pin(inner),
            total,
        }
        .typed::<M>()
    }
}
