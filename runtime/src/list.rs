//! List traversal.
//!
//! - [`Client::pages`] / [`Client::list`]: any list method, page by page through `start`/`next`;
//!   `total` is exposed once the first page is in.
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

use crate::batch::{Batch, BatchResults, Handle, RawCommand};
use crate::client::{params_object, CallOptions, Client};
use crate::error::{ApiError, Error};
use crate::method::{FastListed, Listed, Method, MethodError, Paginated, RestVersion};
use crate::response::{self, Response};
use futures_core::Stream;
use futures_util::stream::{self, StreamExt};
use serde_json::{Map, Value};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

/// Rows per page of a classic list method.
pub const PAGE_SIZE: usize = 50;

const UNKNOWN: u64 = u64::MAX;

type BoxStream<T> = Pin<Box<dyn Stream<Item = T> + Send>>;

/// A stream with the list's `total` (known after the first page; never for the fast mode).
/// Its errors carry the method's error enum `E`.
pub struct ListStream<T, E: MethodError = Box<ApiError>> {
    inner: BoxStream<Result<T, Error<E>>>,
    total: Arc<AtomicU64>,
}

impl<T, E: MethodError> ListStream<T, E> {
    /// `total` of the first page, once it is in.
    pub fn total(&self) -> Option<u64> {
        match self.total.load(Ordering::Acquire) {
            UNKNOWN => None,
            n => Some(n),
        }
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
    Offset,
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
    /// Every row, page by page through `start`/`next`.
    pub fn offset(client: &Client, params: M::Params) -> Self {
        Rows {
            client: client.clone(),
            pending: Some((Box::new(params), Mode::Offset)),
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

    /// `total` of the first page, once it is in (never for the fast traversal).
    pub fn total(&self) -> Option<u64> {
        self.inner.as_ref().and_then(ListStream::total)
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

    /// `total` of the first page, once it is in.
    pub fn total(&self) -> Option<u64> {
        self.inner.as_ref().and_then(ListStream::total)
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
    params: Result<Map<String, Value>, Error>,
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
            .and_then(Value::as_u64)
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
                    let e = std::mem::replace(&mut st.params, Ok(Map::new()));
                    return e.err().map(|e| (Err(e), st));
                }
            };
            params.insert("start".into(), Value::from(start));
            let body = match serde_json::to_vec(&params) {
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
                        st.total.store(t, Ordering::Release);
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
    /// (for results the generator could not read rows from).
    pub fn list_with<M, T, F>(&self, params: &M::Params, mut rows: F) -> ListStream<T, M::Error>
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

    /// Fast ID-ordered traversal of list method `M`.
    pub fn fast_list<M: FastListed>(&self, params: &M::Params) -> ListStream<M::Row, M::Error> {
        self.fast_list_with::<M, _, _>(params, FastList::for_method::<M>(), M::rows)
    }

    /// Fast ID-ordered traversal with explicit options, taking the rows out of each page's
    /// result with `rows`.
    pub fn fast_list_with<M, T, F>(
        &self,
        params: &M::Params,
        opts: FastList,
        rows: F,
    ) -> ListStream<T, M::Error>
    where
        M: Paginated,
        T: Send + 'static,
        F: FnMut(M::Result) -> Vec<T> + Send + 'static,
    {
        let total = Arc::new(AtomicU64::new(UNKNOWN));
        let state = match FastState::new::<M>(self.clone(), params, opts) {
            Ok(s) => s,
            Err(e) => {
                return ListStream {
                    inner: Box::pin(stream::once(async move { Err(e) })),
                    total,
                }
                .typed::<M>()
            }
        };
        let inner = stream::unfold((state, rows), |(mut st, mut rows)| async move {
            if st.done {
                return None;
            }
            let items = st.next_call::<M, T, F>(&mut rows).await;
            Some((stream::iter(items), (st, rows)))
        })
        .flatten();
        ListStream {
            inner: Box::pin(inner),
            total,
        }
        .typed::<M>()
    }
}

/// Options of the fast ID-ordered traversal.
#[derive(Debug, Clone)]
pub struct FastList {
    /// The ID field of the rows and of `filter`/`order` (`ID`; `id` for `crm.item.list`).
    pub id_field: String,
    /// Where the rows are in `result` (empty: `result` is the list; `["items"]` for
    /// `crm.item.list`).
    pub items_path: Vec<String>,
    /// Page requests per HTTP call (at most 50).
    pub pages_per_call: usize,
}

impl Default for FastList {
    fn default() -> Self {
        FastList {
            id_field: "ID".into(),
            items_path: vec![],
            pages_per_call: crate::batch::MAX_COMMANDS,
        }
    }
}

impl FastList {
    /// The options of a generated list method: its ID field and where its rows are.
    pub fn for_method<M: FastListed>() -> Self {
        Self::of::<M>(M::ID)
    }

    fn of<M: Listed>(id_field: &str) -> Self {
        FastList {
            id_field: id_field.to_owned(),
            items_path: M::ROWS.iter().map(|s| (*s).to_owned()).collect(),
            pages_per_call: crate::batch::MAX_COMMANDS,
        }
    }

    pub fn id_field(mut self, field: impl Into<String>) -> Self {
        self.id_field = field.into();
        self
    }
    pub fn items_path<S: Into<String>>(mut self, path: impl IntoIterator<Item = S>) -> Self {
        self.items_path = path.into_iter().map(Into::into).collect();
        self
    }
    pub fn pages_per_call(mut self, n: usize) -> Self {
        self.pages_per_call = n;
        self
    }
}

struct FastState {
    client: Client,
    method: &'static str,
    read_only: bool,
    params: Map<String, Value>,
    opts: FastList,
    last_id: i64,
    done: bool,
}

fn lenient_id(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

impl FastState {
    fn new<M: Method>(client: Client, params: &M::Params, opts: FastList) -> Result<Self, Error> {
        if M::REST_VERSION == RestVersion::V3 {
            return Err(Error::invalid(
                M::NAME,
                "the fast traversal uses batch, which is REST 2 only",
            ));
        }
        if opts.pages_per_call == 0 || opts.pages_per_call > crate::batch::MAX_COMMANDS {
            return Err(Error::invalid(M::NAME, "pages_per_call must be 1..=50"));
        }
        let mut params = params_object(M::NAME, params)?;
        let gt = format!(">{}", opts.id_field);
        let mut filter = match params.remove("filter") {
            Some(Value::Object(f)) => f,
            None | Some(Value::Null) => Map::new(),
            Some(_) => return Err(Error::invalid(M::NAME, "the filter must be an object")),
        };
        let last_id = match filter.shift_remove(&gt) {
            Some(v) => lenient_id(&v).ok_or_else(|| {
                Error::invalid(M::NAME, format!("filter {gt} must be an integer"))
            })?,
            None => 0,
        };
        params.insert("filter".into(), Value::Object(filter));
        let mut order = Map::new();
        order.insert(opts.id_field.clone(), Value::from("ASC"));
        params.insert("order".into(), Value::Object(order));
        params.insert("start".into(), Value::from(-1));
        Ok(FastState {
            client,
            method: M::NAME,
            read_only: M::READ_ONLY,
            params,
            opts,
            last_id,
            done: false,
        })
    }

    fn page_params(&self, gt: Value) -> Value {
        let mut p = self.params.clone();
        if let Some(Value::Object(f)) = p.get_mut("filter") {
            f.insert(format!(">{}", self.opts.id_field), gt);
        }
        Value::Object(p)
    }

    /// `$result[key][items…][49][ID]`.
    fn last_row_ref(&self, h: &Handle<RawCommand>) -> Value {
        let mut r = h.result();
        for seg in &self.opts.items_path {
            r = r.field(seg);
        }
        r.index(PAGE_SIZE - 1).field(&self.opts.id_field).into()
    }

    fn rows_of<'v>(&self, result: &'v Value) -> Option<&'v Vec<Value>> {
        let mut v = result;
        for seg in &self.opts.items_path {
            v = v.get(seg)?;
        }
        match v {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    /// One HTTP call: up to `pages_per_call` chained pages.
    async fn next_call<M, T, F>(&mut self, rows: &mut F) -> Vec<Result<T, Error>>
    where
        M: Method,
        F: FnMut(M::Result) -> Vec<T>,
    {
        let mut batch = Batch::new();
        let mut handles = Vec::with_capacity(self.opts.pages_per_call);
        for i in 0..self.opts.pages_per_call {
            let gt = match handles.last() {
                None => Value::from(self.last_id),
                Some(prev) => self.last_row_ref(prev),
            };
            match batch.add_raw(
                format!("p{i}"),
                self.method,
                self.page_params(gt),
                self.read_only,
            ) {
                Ok(h) => handles.push(h),
                Err(e) => {
                    self.done = true;
                    return vec![Err(e)];
                }
            }
        }
        let results = match self.client.batch(&batch).await {
            Ok(r) => r,
            Err(e) => {
                self.done = true;
                return vec![Err(e)];
            }
        };
        let mut out = Vec::new();
        for h in &handles {
            match self.take_page::<M, T, F>(&results, h, rows) {
                Ok((items, full)) => {
                    out.extend(items.into_iter().map(Ok));
                    if !full {
                        self.done = true;
                        return out;
                    }
                }
                Err(e) => {
                    self.done = true;
                    out.push(Err(e));
                    return out;
                }
            }
        }
        out
    }

    /// A page's rows, and whether it was full (so the next one is meaningful).
    fn take_page<M, T, F>(
        &mut self,
        results: &BatchResults,
        h: &Handle<RawCommand>,
        rows: &mut F,
    ) -> Result<(Vec<T>, bool), Error>
    where
        M: Method,
        F: FnMut(M::Result) -> Vec<T>,
    {
        let resp = results.raw(h)?;
        let path = format!("result.result.{}", h.key());
        let Some(page) = self.rows_of(&resp.result) else {
            return Err(Error::Decode {
                method: self.method.to_owned(),
                path,
                message: "the page has no list of rows".into(),
                status: 200,
            });
        };
        let mut ids = Vec::with_capacity(page.len());
        for (i, row) in page.iter().enumerate() {
            let id = row.get(&self.opts.id_field).and_then(lenient_id);
            match id {
                Some(id) => ids.push(id),
                None => {
                    return Err(Error::Decode {
                        method: self.method.to_owned(),
                        path: format!("{path}[{i}].{}", self.opts.id_field),
                        message: "a row without an integer ID".into(),
                        status: 200,
                    })
                }
            }
        }
        // Rows must continue after the last ID, ascending. Pages after a short page are never
        // read (their reference did not resolve); anything else out of order means the portal
        // did not apply the filter or order, and silently stopping would lose rows.
        let mut prev = self.last_id;
        for (i, &id) in ids.iter().enumerate() {
            if id <= prev {
                return Err(Error::Decode {
                    method: self.method.to_owned(),
                    path: format!("{path}[{i}].{}", self.opts.id_field),
                    message: format!(
                        "ID {id} does not follow {prev}: the `>{}` filter or the order was not applied",
                        self.opts.id_field
                    ),
                    status: 200,
                });
            }
            prev = id;
        }
        let full = ids.len() == PAGE_SIZE;
        if let Some(&last) = ids.last() {
            self.last_id = last;
        }
        let typed: M::Result = match resp.raw() {
            Some(raw) => response::decode(raw, &path, self.method, 200)?,
            None => serde_json::from_value(resp.result).map_err(|e| Error::Decode {
                method: self.method.to_owned(),
                path: path.clone(),
                message: e.to_string(),
                status: 200,
            })?,
        };
        Ok((rows(typed), full))
    }
}
