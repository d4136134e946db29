//! Offset traversal with the pages after the first packed into batches: once the first page
//! gives `total`, the pages at `next`, `next + 50`, … up to `total` go 50 to an HTTP call
//! (`batch` with `halt`), read in order, each decoded straight from the answer's bytes. 100,000
//! rows take 41 calls instead of 2,000.
//!
//! Rows are yielded in the pages' order; the first error ends the stream. When `total` changes
//! between pages (rows added or removed meanwhile), the latest one is exposed and plans the next
//! call, and the stream says so (`total_changed`, and a warning): offsets then skip or repeat
//! rows; a page without `next` ends the list. Without `total` (or for REST 3 methods, which
//! cannot run in a batch) the pages are read one by one.

use super::{ListStream, PAGE_SIZE, UNKNOWN};
use crate::batch::{Batch, MAX_COMMANDS};
use crate::client::{params_object, CallOptions, Client};
use crate::error::Error;
use crate::method::{Method, RestVersion};
use crate::params::RawObject;
use crate::response::Response;
use futures_util::stream::{self, StreamExt};
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

struct State<F> {
    client: Client,
    params: RawObject,
    /// `start` of the next page; `None` once the list is done (or failed).
    cursor: Option<u64>,
    /// Rows per page, as the first page showed (`next - start`).
    step: u64,
    /// Whether the pages after the first go in batches.
    packed: bool,
    first: bool,
    total: Arc<AtomicU64>,
    rows: F,
}

impl Client {
    /// Every row of list method `M`, the pages after the first packed into batches.
    pub(super) fn packed_list<M, T, F>(&self, params: &M::Params, rows: F) -> ListStream<T>
    where
        M: Method,
        T: Send + 'static,
        F: FnMut(M::Result) -> Vec<T> + Send + 'static,
    {
        let total = Arc::new(AtomicU64::new(UNKNOWN));
        let params = match params_object(M::NAME, params) {
            Ok(p) => p,
            Err(e) => {
                return ListStream {
                    inner: Box::pin(stream::once(async move { Err(e) })),
                    total,
                }
            }
        };
        let start = params
            .get("start")
            .and_then(|raw| serde_json::from_str::<u64>(raw.get()).ok())
            .unwrap_or(0);
        let state = State {
            client: self.clone(),
            params,
            cursor: Some(start),
            step: PAGE_SIZE as u64,
            packed: M::REST_VERSION == RestVersion::V2,
            first: true,
            total: total.clone(),
            rows,
        };
        let inner = stream::unfold(state, |mut st| async move {
            st.cursor?;
            let items = if st.first || !st.packed {
                st.single::<M, T>().await
            } else {
                st.batch::<M, T>().await
            };
            Some((stream::iter(items), st))
        })
        .flatten();
        ListStream {
            inner: Box::pin(inner),
            total,
        }
    }
}

impl<F> State<F> {
    fn page_params(&self, start: u64) -> Result<RawObject, Error> {
        let mut p = self.params.clone();
        p.set_json("start", &start)
            .map_err(|e| Error::invalid("list", e.to_string()))?;
        Ok(p)
    }

    /// Takes a page in: its rows, its `total`, where the next one starts.
    fn take<M, T>(&mut self, start: u64, page: Response<M::Result>) -> Vec<Result<T, Error>>
    where
        M: Method,
        F: FnMut(M::Result) -> Vec<T>,
    {
        match page.total {
            Some(t) => super::record_total(&self.total, M::NAME, t),
            // Nothing to plan the batches with.
            None if self.first => self.packed = false,
            None => {}
        }
        // A `next` that does not move forward would loop: stop.
        self.cursor = page.next.filter(|n| *n > start);
        if self.first {
            if let Some(n) = self.cursor {
                self.step = n - start;
            }
            self.first = false;
        }
        (self.rows)(page.result).into_iter().map(Ok).collect()
    }

    /// One page by itself.
    async fn single<M, T>(&mut self) -> Vec<Result<T, Error>>
    where
        M: Method,
        F: FnMut(M::Result) -> Vec<T>,
    {
        let Some(start) = self.cursor else {
            return vec![];
        };
        let body = self.page_params(start).and_then(|p| {
            serde_json::to_vec(&p).map_err(|e| Error::invalid("list", e.to_string()))
        });
        let page = match body {
            Ok(body) => {
                self.client
                    .call_body::<M::Result>(
                        M::NAME,
                        M::REST_VERSION,
                        M::READ_ONLY,
                        body,
                        &CallOptions::default(),
                    )
                    .await
            }
            Err(e) => Err(e),
        };
        match page {
            Ok(page) => self.take::<M, T>(start, page),
            Err(e) => {
                self.cursor = None;
                vec![Err(e)]
            }
        }
    }

    /// Up to 50 pages in one batch, from the cursor to the latest `total`.
    async fn batch<M, T>(&mut self) -> Vec<Result<T, Error>>
    where
        M: Method,
        F: FnMut(M::Result) -> Vec<T>,
    {
        let Some(cursor) = self.cursor else {
            return vec![];
        };
        let total = super::load_total(&self.total).0.unwrap_or(0);
        // At least the page `next` points at, even when `total` says the list ended.
        let starts: Vec<u64> = std::iter::successors(Some(cursor), |s| s.checked_add(self.step))
            .take_while(|s| *s == cursor || *s < total)
            .take(MAX_COMMANDS)
            .collect();
        let mut batch = Batch::new();
        batch.halt(true);
        let mut keys = Vec::with_capacity(starts.len());
        for (i, &start) in starts.iter().enumerate() {
            let added = self
                .page_params(start)
                .and_then(|p| batch.add_object::<M>(format!("p{i}"), p));
            match added {
                Ok(h) => keys.push((h.key().to_owned(), start)),
                Err(e) => {
                    self.cursor = None;
                    return vec![Err(e)];
                }
            }
        }
        let results = match self.client.batch(&batch).await {
            Ok(r) => r,
            Err(e) => {
                self.cursor = None;
                return vec![Err(e)];
            }
        };
        let mut out = Vec::new();
        for (key, start) in keys {
            match results.decode::<M::Result>(&key) {
                Ok(page) => {
                    out.extend(self.take::<M, T>(start, page));
                    match self.cursor {
                        // The pages planned after this one were meant to follow it.
                        Some(next) if next == start + self.step => {}
                        // The list ended (or `next` jumped): the rest of this batch is moot;
                        // a jump is followed from the next call.
                        _ => break,
                    }
                }
                Err(e) => {
                    self.cursor = None;
                    out.push(Err(e));
                    break;
                }
            }
        }
        out
    }
}
