//! The fast ID-ordered traversal: `>ID` filter, ID order, `start=-1`, 50 chained pages per
//! HTTP call through a batch. Each page is read twice from the answer's bytes, never through
//! `serde_json::Value`: once for its IDs only (to check the order and chain the next call), once
//! into the method's typed `result`.

use super::{ListStream, PAGE_SIZE, UNKNOWN};
use crate::batch::{Batch, BatchResults, Handle, RawCommand};
use crate::client::{params_object, Client};
use crate::error::Error;
use crate::method::{FastListed, Listed, Method, Paginated, RestVersion};
use crate::params::RawObject;
use crate::wire::Object;
use futures_util::stream::{self, StreamExt};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use std::borrow::Cow;
use std::fmt;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

impl Client {
    /// Fast ID-ordered traversal of list method `M`.
    pub fn fast_list<M: FastListed>(&self, params: &M::Params) -> ListStream<M::Row, M::Error> {
        self.fast_list_with::<M, _, _>(params, FastList::for_method::<M>(), M::rows)
    }

    /// Fast ID-ordered traversal with explicit options, taking the rows out of each page's
    /// result with `rows`, which must return every row of the page (a page of fewer than 50
    /// ends the traversal).
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

    pub(super) fn of<M: Listed>(id_field: &str) -> Self {
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
    /// The params but `filter`, in order, as JSON text.
    params: RawObject,
    /// `filter` without `>ID`, in order.
    filter: Object,
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
            None => Object::new(),
            Some(raw) if raw.get() == "null" => Object::new(),
            Some(raw) => serde_json::from_str::<Object>(raw.get())
                .map_err(|_| Error::invalid(M::NAME, "the filter must be an object"))?,
        };
        let last_id = match filter.remove(&gt) {
            Some(v) => lenient_id(&v).ok_or_else(|| {
                Error::invalid(M::NAME, format!("filter {gt} must be an integer"))
            })?,
            None => 0,
        };
        let invalid = |e: serde_json::Error| Error::invalid(M::NAME, e.to_string());
        params.set_json("filter", &filter).map_err(invalid)?;
        let order: Object = [(opts.id_field.clone(), "ASC")].into_iter().collect();
        params.set_json("order", &order).map_err(invalid)?;
        params.set_json("start", &-1).map_err(invalid)?;
        Ok(FastState {
            client,
            method: M::NAME,
            read_only: M::READ_ONLY,
            params,
            filter,
            opts,
            last_id,
            done: false,
        })
    }

    fn page_params(&self, gt: Value) -> Result<RawObject, Error> {
        let mut filter = self.filter.clone();
        filter.insert(format!(">{}", self.opts.id_field), gt);
        let mut p = self.params.clone();
        p.set_json("filter", &filter)
            .map_err(|e| Error::invalid(self.method, e.to_string()))?;
        Ok(p)
    }

    /// `$result[key][items…][49][ID]`.
    fn last_row_ref(&self, h: &Handle<RawCommand>) -> Value {
        let mut r = h.result();
        for seg in &self.opts.items_path {
            r = r.field(seg);
        }
        r.index(PAGE_SIZE - 1).field(&self.opts.id_field).into()
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
            let added = self.page_params(gt).and_then(|p| {
                batch.add_object_raw(format!("p{i}"), self.method, p, self.read_only)
            });
            match added {
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
        let last = handles.len() - 1;
        for (i, h) in handles.iter().enumerate() {
            match self.take_page::<M, T, F>(&results, h, rows, i == 0 || i == last) {
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
    ///
    /// The first and the last page of each call are also read for their IDs (a pass that builds
    /// nothing): they must continue after the last ID, ascending, which shows that the portal
    /// applied the `>ID` filter and the order (a portal that did not would fail it on the first
    /// page of every call), and the last one gives the next call's `>ID`. The pages between are
    /// chained by the portal itself (`$result[…][49][ID]`) and only decoded; a short one (by its
    /// typed rows) ends the traversal before the pages its reference could not feed.
    fn take_page<M, T, F>(
        &mut self,
        results: &BatchResults,
        h: &Handle<RawCommand>,
        rows: &mut F,
        check: bool,
    ) -> Result<(Vec<T>, bool), Error>
    where
        M: Method,
        F: FnMut(M::Result) -> Vec<T>,
    {
        let page = results.done(h.key())?;
        if !check {
            let rows = rows(page.decode(h.key())?);
            let full = rows.len() == PAGE_SIZE;
            return Ok((rows, full));
        }
        let path = format!("result.result.{}", h.key());
        let decode_error = |path: String, message: String| Error::Decode {
            method: self.method.to_owned(),
            path,
            message,
            status: page.status,
        };
        let mut ids = Vec::with_capacity(PAGE_SIZE);
        let found = page_ids(
            page.raw,
            &self.opts.items_path,
            &self.opts.id_field,
            &mut ids,
        )
        .map_err(|e| decode_error(path.clone(), e.to_string()))?;
        if !found {
            return Err(decode_error(path, "the page has no list of rows".into()));
        }
        let ids = ids
            .into_iter()
            .enumerate()
            .map(|(i, id)| {
                id.ok_or_else(|| {
                    decode_error(
                        format!("{path}[{i}].{}", self.opts.id_field),
                        "a row without an integer ID".into(),
                    )
                })
            })
            .collect::<Result<Vec<i64>, Error>>()?;
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
                    status: page.status,
                });
            }
            prev = id;
        }
        let full = ids.len() == PAGE_SIZE;
        if let Some(&last) = ids.last() {
            self.last_id = last;
        }
        let rows = rows(page.decode(h.key())?);
        if rows.len() != ids.len() {
            return Err(decode_error(
                path,
                format!(
                    "{} rows on the wire, {} taken out of the result",
                    ids.len(),
                    rows.len()
                ),
            ));
        }
        Ok((rows, full))
    }
}

/// The IDs of the rows of one page, read from its JSON text without building anything else:
/// `path` leads to the list of rows, `id` names the ID field (a number or a numeric string;
/// anything else is `None`). `false` when `path` does not lead to a list.
fn page_ids(
    raw: &[u8],
    path: &[String],
    id: &str,
    out: &mut Vec<Option<i64>>,
) -> Result<bool, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_slice(raw);
    let found = PathSeed { path, id, out }.deserialize(&mut de)?;
    de.end()?;
    Ok(found)
}

/// Walks `path`, then reads the rows' IDs.
struct PathSeed<'a> {
    path: &'a [String],
    id: &'a str,
    out: &'a mut Vec<Option<i64>>,
}

impl<'de> DeserializeSeed<'de> for PathSeed<'_> {
    type Value = bool;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for PathSeed<'_> {
    type Value = bool;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a page of rows")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        if !self.path.is_empty() {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            return Ok(false);
        }
        while let Some(id) = seq.next_element_seed(RowId(self.id))? {
            self.out.push(id);
        }
        Ok(true)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        let Some((first, rest)) = self.path.split_first() else {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            return Ok(false);
        };
        let mut found = false;
        let mut next = Some(PathSeed {
            path: rest,
            id: self.id,
            out: self.out,
        });
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            match next.take() {
                Some(seed) if key == first.as_str() => found = map.next_value_seed(seed)?,
                other => {
                    next = other;
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(found)
    }
    fn visit_unit<E: de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<bool, E> {
        Ok(false)
    }
}

/// The ID of one row (`None`: not an object, no ID, or not an integer).
struct RowId<'a>(&'a str);

impl<'de> DeserializeSeed<'de> for RowId<'_> {
    type Value = Option<i64>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<i64>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for RowId<'_> {
    type Value = Option<i64>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a row")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<i64>, A::Error> {
        let mut id = None;
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            if key == self.0 {
                id = map.next_value::<LenientId>()?.0;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(id)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Option<i64>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Option<i64>, E> {
        Ok(None)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Option<i64>, E> {
        Ok(None)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Option<i64>, E> {
        Ok(None)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Option<i64>, E> {
        Ok(None)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Option<i64>, E> {
        Ok(None)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Option<i64>, E> {
        Ok(None)
    }
}

/// An ID sent as a number or a numeric string (`"12"`, `" 12 "`).
struct LenientId(Option<i64>);

impl<'de> de::Deserialize<'de> for LenientId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'v> Visitor<'v> for V {
            type Value = LenientId;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an ID")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<LenientId, E> {
                Ok(LenientId(Some(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<LenientId, E> {
                Ok(LenientId(i64::try_from(v).ok()))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<LenientId, E> {
                Ok(LenientId(None))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<LenientId, E> {
                Ok(LenientId(v.trim().parse().ok()))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<LenientId, E> {
                Ok(LenientId(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<LenientId, E> {
                Ok(LenientId(None))
            }
            fn visit_seq<A: SeqAccess<'v>>(self, mut seq: A) -> Result<LenientId, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(LenientId(None))
            }
            fn visit_map<A: MapAccess<'v>>(self, mut map: A) -> Result<LenientId, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(LenientId(None))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::page_ids;

    fn ids(raw: &str, path: &[&str]) -> Option<Vec<Option<i64>>> {
        let path: Vec<String> = path.iter().map(|s| (*s).to_owned()).collect();
        let mut out = Vec::new();
        page_ids(raw.as_bytes(), &path, "ID", &mut out)
            .unwrap()
            .then_some(out)
    }

    #[test]
    fn reads_only_the_ids() {
        let page = r#"[{"TITLE":"a \"q\"","ID":"7","X":{"ID":1}},{"ID":8},{"ID":"x"},[],{"id":9}]"#;
        assert_eq!(
            ids(page, &[]),
            Some(vec![Some(7), Some(8), None, None, None])
        );
        let nested = r#"{"total":2,"items":[{"ID":3}],"other":[{"ID":4}]}"#;
        assert_eq!(ids(nested, &["items"]), Some(vec![Some(3)]));
        assert_eq!(ids(nested, &["nope"]), None);
        assert_eq!(ids(r#"[]"#, &["items"]), None);
        assert_eq!(ids(r#""""#, &[]), None);
        let mut out = Vec::new();
        assert!(page_ids(b"[{\"ID\":1}", &[], "ID", &mut out).is_err());
    }
}
