//! Typed batches: up to 50 commands per HTTP call (larger batches are split), `$result[key]…`
//! references between commands, `halt`, each command's result or error kept under its key.
//!
//! ```no_run
//! # use b24_runtime::{batch::Batch, Client, Request};
//! # async fn f<P: Request, Q: Request>(client: Client, deal_get: P, company_get: Q) -> Result<(), Box<dyn std::error::Error>> {
//! let mut batch = Batch::new();
//! let deal = batch.add_keyed("deal", &deal_get)?;
//! let company = batch.add_keyed("company", &company_get)?;
//! // The company's id comes from the deal, on the portal side.
//! batch.set_param(&company, &["id"], deal.field("COMPANY_ID"))?;
//! let results = client.batch(&batch).await?;
//! // Typed: the deal method's `Output`, or its error enum.
//! let deal = results.get(&deal)?.result;
//! # Ok(()) }
//! ```

use crate::client::{params_object, CallOptions, Client};
use crate::error::{ApiError, Error};
use crate::method::{Method, Request, RestVersion};
use crate::params::RawObject;
use crate::query::build_query;
use crate::response::{self, Response, Time};
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::Value;
use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;

/// Commands per HTTP call (the portal's limit).
pub const MAX_COMMANDS: usize = 50;

/// Marker for commands added by name ([`Batch::add_raw`]).
pub struct RawCommand;

/// A command in a batch: its key, and the method it calls (for typed results).
pub struct Handle<M> {
    key: String,
    _m: PhantomData<fn() -> M>,
}

impl<M> Clone for Handle<M> {
    fn clone(&self) -> Self {
        Handle {
            key: self.key.clone(),
            _m: PhantomData,
        }
    }
}

impl<M> fmt::Debug for Handle<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Handle({:?})", self.key)
    }
}

impl<M> Handle<M> {
    pub fn key(&self) -> &str {
        &self.key
    }
    /// `$result[key]`: this command's result, for another command's params.
    pub fn result(&self) -> Ref {
        Ref(format!("$result[{}]", self.key))
    }
    /// `$result[key][name]`.
    pub fn field(&self, name: impl fmt::Display) -> Ref {
        self.result().field(name)
    }
    /// `$result_total[key]`.
    pub fn total(&self) -> Ref {
        Ref(format!("$result_total[{}]", self.key))
    }
    /// `$result_next[key]`.
    pub fn next(&self) -> Ref {
        Ref(format!("$result_next[{}]", self.key))
    }
}

/// A reference to an earlier command's result (`$result[deal][COMPANY_ID]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ref(String);

impl Ref {
    /// One level down: `…[name]`.
    pub fn field(mut self, name: impl fmt::Display) -> Ref {
        use fmt::Write;
        let _ = write!(self.0, "[{name}]");
        self
    }
    /// An array element: `…[i]`.
    pub fn index(self, i: usize) -> Ref {
        self.field(i)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Ref {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<Ref> for Value {
    fn from(r: Ref) -> Value {
        Value::String(r.0)
    }
}

impl Serialize for Ref {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

struct Command {
    key: String,
    method: String,
    read_only: bool,
    /// In order, values as JSON text.
    params: RawObject,
}

/// A batch under construction. Commands run in the order added.
#[derive(Default)]
pub struct Batch {
    commands: Vec<Command>,
    index: HashMap<String, usize>,
    halt: bool,
    next_auto: usize,
}

impl Batch {
    pub fn new() -> Self {
        Batch::default()
    }

    /// Stop at the first failing command (the rest are reported as not executed).
    pub fn halt(&mut self, on: bool) -> &mut Self {
        self.halt = on;
        self
    }

    pub fn len(&self) -> usize {
        self.commands.len()
    }

    pub fn is_empty(&self) -> bool {
        self.commands.is_empty()
    }

    /// Adds the call of `params`'s method under a generated key (`c0`, `c1`, …).
    pub fn add<P: Request>(&mut self, params: &P) -> Result<Handle<P::Method>, Error> {
        let key = self.auto_key();
        self.add_keyed(key, params)
    }

    /// Adds the call of `params`'s method under `key` (any string without `[` `]`; it stays a
    /// string).
    pub fn add_keyed<P: Request>(
        &mut self,
        key: impl Into<String>,
        params: &P,
    ) -> Result<Handle<P::Method>, Error> {
        self.add_method::<P::Method>(key, params)
    }

    /// Adds method `M` under `key`, when the method type is at hand rather than its params.
    pub fn add_method<M: Method>(
        &mut self,
        key: impl Into<String>,
        params: &M::Params,
    ) -> Result<Handle<M>, Error> {
        if M::REST_VERSION == RestVersion::V3 {
            return Err(Error::invalid(
                M::NAME,
                "REST 3 methods cannot run in a batch; call them directly",
            ));
        }
        let params = params_object(M::NAME, params)?;
        self.push(key.into(), M::NAME, M::READ_ONLY, params)
    }

    /// Adds a command by method name (treated as a write unless `read_only`).
    pub fn add_raw(
        &mut self,
        key: impl Into<String>,
        method: &str,
        params: Value,
        read_only: bool,
    ) -> Result<Handle<RawCommand>, Error> {
        let params = params_object(method, &params)?;
        self.push(key.into(), method, read_only, params)
    }

    /// Adds method `M` with params already made into an object (list paging sets `start`).
    pub(crate) fn add_object<M: Method>(
        &mut self,
        key: impl Into<String>,
        params: RawObject,
    ) -> Result<Handle<M>, Error> {
        self.push(key.into(), M::NAME, M::READ_ONLY, params)
    }

    /// Adds a command by method name with params already made into an object.
    pub(crate) fn add_object_raw(
        &mut self,
        key: impl Into<String>,
        method: &str,
        params: RawObject,
        read_only: bool,
    ) -> Result<Handle<RawCommand>, Error> {
        self.push(key.into(), method, read_only, params)
    }

    /// Sets one param of a command (e.g. to a [`Ref`]), creating objects along `path`.
    pub fn set_param<M>(
        &mut self,
        handle: &Handle<M>,
        path: &[&str],
        value: impl Into<Value>,
    ) -> Result<(), Error> {
        let Some(&i) = self.index.get(&handle.key) else {
            return Err(Error::invalid(
                "batch",
                format!("no command `{}`", handle.key),
            ));
        };
        let cmd = &mut self.commands[i];
        if path.is_empty() {
            return Err(Error::invalid(
                &cmd.method,
                "set_param needs a non-empty path",
            ));
        }
        cmd.params
            .set_path(path, &value.into())
            .map_err(|e| Error::invalid(&cmd.method, format!("set_param: {e}")))
    }

    fn auto_key(&mut self) -> String {
        loop {
            let k = format!("c{}", self.next_auto);
            self.next_auto += 1;
            if !self.index.contains_key(&k) {
                return k;
            }
        }
    }

    fn push<M>(
        &mut self,
        key: String,
        method: &str,
        read_only: bool,
        params: RawObject,
    ) -> Result<Handle<M>, Error> {
        if key.is_empty() || key.contains(['[', ']']) {
            return Err(Error::invalid(
                method,
                format!("batch key {key:?} must be non-empty and without brackets"),
            ));
        }
        if self.index.contains_key(&key) {
            return Err(Error::invalid(
                method,
                format!("duplicate batch key {key:?}"),
            ));
        }
        self.index.insert(key.clone(), self.commands.len());
        self.commands.push(Command {
            key: key.clone(),
            method: method.to_owned(),
            read_only,
            params,
        });
        Ok(Handle {
            key,
            _m: PhantomData,
        })
    }
}

#[derive(Debug, Clone)]
enum Outcome {
    Done {
        method: String,
        /// The command's `result`: a slice of the batch answer (shared, not copied).
        raw: bytes::Bytes,
        total: Option<u64>,
        next: Option<u64>,
        time: Option<Time>,
        status: u16,
    },
    Failed(ApiError),
    NotRun {
        method: String,
        reason: String,
    },
    /// Sent in a batch call that failed after it went out: it may have run.
    Unknown {
        method: String,
        reason: String,
    },
}

/// The results of a batch, by key.
#[derive(Debug, Default)]
pub struct BatchResults {
    outcomes: HashMap<String, Outcome>,
    order: Vec<String>,
    http_calls: usize,
    times: Vec<Time>,
}

impl BatchResults {
    /// Command `handle`'s typed result, or its error.
    /// The typed result of a command, or its typed error (`Error::Api(<method>::Error::…)`).
    pub fn get<M: Method>(
        &self,
        handle: &Handle<M>,
    ) -> Result<Response<M::Result>, Error<M::Error>> {
        self.decode(&handle.key).map_err(Error::typed::<M>)
    }

    /// A command's result as JSON, by handle.
    pub fn raw<M>(&self, handle: &Handle<M>) -> Result<Response<Value>, Error> {
        self.decode(&handle.key)
    }

    /// A command's result as JSON, by key (`None`: no such key).
    pub fn raw_by_key(&self, key: &str) -> Option<Result<Response<Value>, Error>> {
        self.outcomes.contains_key(key).then(|| self.decode(key))
    }

    /// Keys in the order the commands were added.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.order.iter().map(String::as_str)
    }

    pub fn is_ok(&self, key: &str) -> bool {
        matches!(self.outcomes.get(key), Some(Outcome::Done { .. }))
    }

    /// The commands that failed, in order.
    pub fn errors(&self) -> Vec<(&str, &ApiError)> {
        self.order
            .iter()
            .filter_map(|k| match self.outcomes.get(k) {
                Some(Outcome::Failed(e)) => Some((k.as_str(), e)),
                _ => None,
            })
            .collect()
    }

    /// HTTP calls the batch took.
    pub fn http_calls(&self) -> usize {
        self.http_calls
    }

    /// The `time` blocks of those calls.
    pub fn times(&self) -> &[Time] {
        &self.times
    }

    /// A command's result, decoded as `T` straight from the answer's bytes.
    pub(crate) fn decode<T: serde::de::DeserializeOwned>(
        &self,
        key: &str,
    ) -> Result<Response<T>, Error> {
        let done = self.done(key)?;
        Ok(Response::from_slice(
            done.decode(key)?,
            done.time.clone(),
            done.total,
            done.next,
            done.raw.clone(),
        ))
    }

    /// A command that ran, or its error.
    pub(crate) fn done(&self, key: &str) -> Result<Done<'_>, Error> {
        match self.outcomes.get(key) {
            None => Err(Error::invalid("batch", format!("no command `{key}`"))),
            Some(Outcome::Failed(e)) => Err(Error::Api(Box::new(e.clone()))),
            Some(Outcome::NotRun { method, reason }) => Err(Error::Skipped {
                method: method.clone(),
                key: key.to_owned(),
                reason: reason.clone(),
            }),
            Some(Outcome::Unknown { method, reason }) => Err(Error::Unknown {
                method: method.clone(),
                key: key.to_owned(),
                reason: reason.clone(),
            }),
            Some(Outcome::Done {
                method,
                raw,
                total,
                next,
                time,
                status,
            }) => Ok(Done {
                method,
                raw,
                total: *total,
                next: *next,
                time,
                status: *status,
            }),
        }
    }

    fn not_run(&mut self, cmd: &Command, reason: impl Into<String>) {
        self.set(
            &cmd.key,
            Outcome::NotRun {
                method: cmd.method.clone(),
                reason: reason.into(),
            },
        );
    }

    fn set(&mut self, key: &str, outcome: Outcome) {
        if self.outcomes.insert(key.to_owned(), outcome).is_none() {
            self.order.push(key.to_owned());
        }
    }

    /// A string with references to commands of earlier HTTP calls, those replaced by their
    /// values (the portal only resolves references within one call; others are left as they
    /// are).
    fn resolve_str(&self, s: &str) -> Result<Value, String> {
        let refs = find_refs(s);
        let mut out = String::new();
        let mut last = 0;
        for r in &refs {
            let Some(outcome) = self.outcomes.get(r.key) else {
                continue; // same HTTP call (the portal resolves it) or unknown
            };
            let value = match outcome {
                Outcome::Done {
                    raw, total, next, ..
                } => match r.kind {
                    RefKind::Result => {
                        let found = walk(raw, &r.path).ok_or_else(|| {
                            format!("reference {} does not resolve", &s[r.start..r.end])
                        })?;
                        serde_json::from_str(found.get())
                            .map_err(|e| format!("cannot read `{}`: {e}", r.key))?
                    }
                    RefKind::Total => total.map(Value::from).unwrap_or(Value::Null),
                    RefKind::Next => next.map(Value::from).unwrap_or(Value::Null),
                },
                _ => return Err(format!("it references command `{}`, which failed", r.key)),
            };
            if r.start == 0 && r.end == s.len() {
                return Ok(value);
            }
            out.push_str(&s[last..r.start]);
            match value {
                Value::String(t) => out.push_str(&t),
                other => out.push_str(&other.to_string()),
            }
            last = r.end;
        }
        out.push_str(&s[last..]);
        Ok(Value::String(out))
    }
}

/// A command that ran: its `result` as JSON text and its cursors.
pub(crate) struct Done<'a> {
    pub method: &'a str,
    pub raw: &'a bytes::Bytes,
    pub total: Option<u64>,
    pub next: Option<u64>,
    pub time: &'a Option<Time>,
    pub status: u16,
}

impl Done<'_> {
    /// The result as `T`; a decode error names `result.result.<key>…`.
    pub fn decode<T: serde::de::DeserializeOwned>(&self, key: &str) -> Result<T, Error> {
        response::decode(
            self.raw,
            &format!("result.result.{key}"),
            self.method,
            self.status,
        )
    }
}

/// `path` inside the JSON text `raw`, level by level through borrowed [`RawValue`]s (nothing
/// but the value found is built).
fn walk<'v>(raw: &'v [u8], path: &[&str]) -> Option<&'v RawValue> {
    let mut v: &RawValue = serde_json::from_slice(raw).ok()?;
    for seg in path {
        let level: Keyed<&RawValue> = serde_json::from_str(v.get()).ok()?;
        v = level.get(seg)?;
    }
    Some(v)
}

#[derive(Debug, PartialEq)]
enum RefKind {
    Result,
    Total,
    Next,
}

#[derive(Debug)]
struct FoundRef<'s> {
    start: usize,
    end: usize,
    kind: RefKind,
    key: &'s str,
    path: Vec<&'s str>,
}

/// `$result[key][a][b]`, `$result_total[key]`, `$result_next[key]` occurrences in `s`.
fn find_refs(s: &str) -> Vec<FoundRef<'_>> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(pos) = s[from..].find("$result") {
        let start = from + pos;
        let after = &s[start + "$result".len()..];
        let (kind, rest) = if let Some(r) = after.strip_prefix("_total") {
            (RefKind::Total, r)
        } else if let Some(r) = after.strip_prefix("_next") {
            (RefKind::Next, r)
        } else {
            (RefKind::Result, after)
        };
        let mut segs = Vec::new();
        let mut cur = rest;
        while let Some(inner) = cur.strip_prefix('[') {
            let Some(close) = inner.find(']') else {
                break;
            };
            segs.push(&inner[..close]);
            cur = &inner[close + 1..];
        }
        let end = s.len() - cur.len();
        if let Some((key, path)) = segs.split_first() {
            found.push(FoundRef {
                start,
                end,
                kind,
                key,
                path: path.to_vec(),
            });
        }
        from = end.max(start + 1);
    }
    found
}

/// `result.result` and friends: an object by key, or (PHP's sequential keys) an array, of `V`
/// (borrowed [`RawValue`]s, or [`Span`]s).
#[derive(Default)]
enum Keyed<V> {
    #[default]
    Empty,
    Map(HashMap<String, V>),
    List(Vec<V>),
}

impl<V: Copy> Keyed<V> {
    fn get(&self, key: &str) -> Option<V> {
        match self {
            Keyed::Empty => None,
            Keyed::Map(m) => m.get(key).copied(),
            Keyed::List(l) => l.get(key.parse::<usize>().ok()?).copied(),
        }
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Keyed<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Vis<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for Vis<V> {
            type Value = Keyed<V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object or array of command results")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Keyed::Empty)
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(Keyed::Empty)
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
                Ok(Keyed::Empty)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut m = HashMap::new();
                while let Some((k, v)) = map.next_entry::<String, V>()? {
                    m.insert(k, v);
                }
                Ok(Keyed::Map(m))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut l = Vec::new();
                while let Some(v) = seq.next_element::<V>()? {
                    l.push(v);
                }
                Ok(Keyed::List(l))
            }
        }
        d.deserialize_any(Vis(PhantomData))
    }
}

/// Where a JSON value is in the text being read (address and length): the envelope of a batch
/// answer is read once, its commands' values are then sliced out of the answer's bytes.
/// Reading one needs a deserializer that lends its input (serde_json's from a slice).
#[derive(Clone, Copy)]
struct Span {
    addr: usize,
    len: usize,
}

impl<'de> Deserialize<'de> for Span {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = <&'de RawValue>::deserialize(d)?;
        Ok(Span {
            addr: raw.get().as_ptr() as usize,
            len: raw.get().len(),
        })
    }
}

impl Span {
    /// The value, as a slice of `body` (the text it was read from; `None` otherwise).
    fn of(self, body: &bytes::Bytes) -> Option<bytes::Bytes> {
        let offset = self.addr.checked_sub(body.as_ptr() as usize)?;
        let end = offset.checked_add(self.len)?;
        (end <= body.len()).then(|| body.slice(offset..end))
    }
}

/// `result` of a batch answer.
#[derive(Deserialize)]
#[serde(bound(deserialize = "V: Deserialize<'de>"))]
struct BatchBody<V> {
    #[serde(default)]
    result: Keyed<V>,
    #[serde(default)]
    result_error: Keyed<V>,
    #[serde(default)]
    result_total: Keyed<V>,
    #[serde(default)]
    result_next: Keyed<V>,
    #[serde(default)]
    result_time: Keyed<V>,
}

#[derive(Deserialize)]
struct CommandError {
    #[serde(default)]
    error: Value,
    #[serde(default, deserialize_with = "crate::wire::opt_string")]
    error_description: Option<String>,
}

fn lenient_u64(raw: Option<bytes::Bytes>) -> Option<u64> {
    #[derive(Deserialize)]
    struct N(#[serde(deserialize_with = "crate::wire::opt_i64")] Option<i64>);
    raw.and_then(|r| serde_json::from_slice::<N>(&r).ok())
        .and_then(|n| response::cursor(n.0))
}

/// The body of one batch call: the commands in the order they run.
#[derive(Serialize)]
struct BatchRequest<'a> {
    halt: u8,
    cmd: Commands<'a>,
}

struct Commands<'a>(&'a [(&'a str, String)]);

impl Serialize for Commands<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// One HTTP call's worth of outcomes: `b` was read from the whole answer `body`.
fn parse_chunk(
    sent: &[&Command],
    status: u16,
    body: &bytes::Bytes,
    b: &BatchBody<Span>,
    halt: bool,
) -> Result<Vec<(String, Outcome)>, Error> {
    let slice = |keyed: &Keyed<Span>, key: &str| -> Result<Option<bytes::Bytes>, Error> {
        match keyed.get(key) {
            None => Ok(None),
            Some(span) => span.of(body).map(Some).ok_or_else(|| Error::Decode {
                method: "batch".into(),
                path: format!("result.result.{key}"),
                message: "the answer was not read in place".into(),
                status,
            }),
        }
    };
    let mut out = Vec::with_capacity(sent.len());
    for cmd in sent {
        let time =
            slice(&b.result_time, &cmd.key)?.and_then(|r| serde_json::from_slice::<Time>(&r).ok());
        let outcome = if let Some(err) = slice(&b.result_error, &cmd.key)? {
            let e: CommandError = serde_json::from_slice(&err).unwrap_or(CommandError {
                error: Value::Null,
                error_description: None,
            });
            let (code, description) = match e.error {
                Value::String(c) => (c, e.error_description.unwrap_or_default()),
                Value::Object(o) => (
                    o.get("code")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned(),
                    o.get("message")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned(),
                ),
                other => (other.to_string(), e.error_description.unwrap_or_default()),
            };
            Outcome::Failed(ApiError {
                method: cmd.method.clone(),
                status,
                code,
                description,
                validation: vec![],
                time,
            })
        } else if let Some(raw) = slice(&b.result, &cmd.key)? {
            Outcome::Done {
                method: cmd.method.clone(),
                raw,
                total: lenient_u64(slice(&b.result_total, &cmd.key)?),
                next: lenient_u64(slice(&b.result_next, &cmd.key)?),
                time,
                status,
            }
        } else {
            Outcome::NotRun {
                method: cmd.method.clone(),
                reason: if halt {
                    "halted after an earlier error".into()
                } else {
                    "the batch answer has no result for it".into()
                },
            }
        };
        out.push((cmd.key.clone(), outcome));
    }
    Ok(out)
}

/// Whether the commands of a batch call that ended in `e` may have run: it was sent and no
/// answer says it was refused as a whole (a timeout, a dropped connection, an unreadable or
/// non-JSON answer, a 5xx).
fn may_have_run(e: &Error) -> bool {
    match e {
        Error::Transport { source, .. } => !source.is_connect(),
        Error::Timeout { .. } | Error::Decode { .. } | Error::Http { .. } => true,
        Error::Api(api) => api.status >= 500,
        _ => false,
    }
}

impl Client {
    /// Runs a batch: [`MAX_COMMANDS`] commands per HTTP call, in order. References to commands
    /// of earlier HTTP calls are resolved on the client. With `halt`, the first failure stops
    /// the rest. An error of the first HTTP call fails the whole batch. A later one marks the
    /// commands it carried [`Error::Unknown`] when the call may have reached the portal (a
    /// timeout, a dropped connection, a 5xx: do not run those writes again without checking)
    /// or [`Error::Skipped`] when it did not, and the commands after it `Skipped`.
    pub async fn batch(&self, batch: &Batch) -> Result<BatchResults, Error> {
        let mut results = BatchResults::default();
        let mut stop: Option<String> = None;
        for (ci, chunk) in batch.commands.chunks(MAX_COMMANDS).enumerate() {
            if let Some(reason) = &stop {
                for cmd in chunk {
                    results.not_run(cmd, reason.clone());
                }
                continue;
            }
            let mut cmds: Vec<(&str, String)> = Vec::with_capacity(chunk.len());
            let mut sent: Vec<&Command> = Vec::with_capacity(chunk.len());
            for cmd in chunk {
                match build_query(&cmd.params, &mut |s| results.resolve_str(s)) {
                    Ok(q) => {
                        cmds.push((&cmd.key, format!("{}?{q}", cmd.method)));
                        sent.push(cmd);
                    }
                    Err(reason) => results.not_run(cmd, reason),
                }
            }
            if sent.is_empty() {
                continue;
            }
            let body = BatchRequest {
                halt: u8::from(batch.halt),
                cmd: Commands(&cmds),
            };
            let body = serde_json::to_vec(&body)
                .map_err(|e| Error::invalid("batch", format!("cannot serialize the batch: {e}")))?;
            let read_only = sent.iter().all(|c| c.read_only);
            let call = self.call_spec(
                "batch",
                RestVersion::V2,
                read_only,
                body,
                &CallOptions::default(),
            );
            // One pass over the answer: the envelope, and where each command's values are; those
            // are then sliced out of the answer's bytes and decoded only when asked for.
            let answer = match self.execute::<BatchBody<Span>>(call).await {
                Ok(a) => match &a.env.result {
                    Some(b) => parse_chunk(&sent, a.status, &a.body, b, batch.halt)
                        .map(|o| (o, a.env.time)),
                    None => Err(Error::Decode {
                        method: "batch".into(),
                        path: "result".into(),
                        message: "the answer has no `result`".into(),
                        status: a.status,
                    }),
                },
                Err(e) => Err(e),
            };
            results.http_calls += 1;
            match answer {
                Ok((outcomes, time)) => {
                    if let Some(t) = time {
                        results.times.push(t);
                    }
                    let mut failed = false;
                    for (key, outcome) in outcomes {
                        match &outcome {
                            Outcome::Done {
                                method,
                                time: Some(t),
                                ..
                            } => self.inner.operating.record(method, t),
                            Outcome::Failed(_) => failed = true,
                            _ => {}
                        }
                        results.set(&key, outcome);
                    }
                    if failed && batch.halt {
                        stop = Some("halted after an earlier error".into());
                    }
                }
                Err(e) if ci == 0 => return Err(e),
                Err(e) => {
                    let reason = format!("the batch call failed: {e}");
                    let may_have_run = may_have_run(&e);
                    for cmd in &sent {
                        if may_have_run {
                            results.set(
                                &cmd.key,
                                Outcome::Unknown {
                                    method: cmd.method.clone(),
                                    reason: reason.clone(),
                                },
                            );
                        } else {
                            results.not_run(cmd, reason.clone());
                        }
                    }
                    stop = Some(format!("an earlier batch call failed: {e}"));
                }
            }
        }
        Ok(results)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_references() {
        let refs = find_refs("$result[deal][COMPANY_ID]");
        assert_eq!(refs.len(), 1);
        assert_eq!(
            (refs[0].key, refs[0].path.clone()),
            ("deal", vec!["COMPANY_ID"])
        );
        assert_eq!((refs[0].start, refs[0].end), (0, 25));
        let refs = find_refs("a $result_total[x] b $result_next[y] $result[z][0][ID]");
        let kinds: Vec<_> = refs.iter().map(|r| (&r.kind, r.key)).collect();
        assert_eq!(
            kinds,
            vec![
                (&RefKind::Total, "x"),
                (&RefKind::Next, "y"),
                (&RefKind::Result, "z")
            ]
        );
        assert!(find_refs("$result without brackets").is_empty());
    }

    #[test]
    fn resolves_cross_call_references() {
        let mut r = BatchResults::default();
        r.set(
            "deal",
            Outcome::Done {
                method: "crm.deal.get".into(),
                raw: bytes::Bytes::from_static(br#"{"COMPANY_ID":"12","ROWS":[{"ID":7}]}"#),
                total: Some(3),
                next: None,
                time: None,
                status: 200,
            },
        );
        r.set(
            "bad",
            Outcome::NotRun {
                method: "m".into(),
                reason: "x".into(),
            },
        );
        let params: RawObject = serde_json::from_str(
            r#"{"id": "$result[deal][COMPANY_ID]", "row": "$result[deal][ROWS][0][ID]",
                "text": "total=$result_total[deal]!", "same_call": "$result[other][ID]"}"#,
        )
        .unwrap();
        assert_eq!(
            build_query(&params, &mut |s| r.resolve_str(s)).unwrap(),
            "id=12&row=7&text=total%3D3%21&same_call=%24result%5Bother%5D%5BID%5D"
        );
        assert_eq!(
            r.resolve_str("$result[deal][ROWS][0]").unwrap(),
            json!({"ID": 7})
        );
        assert!(r.resolve_str("$result[deal][NOPE]").is_err());
        assert!(r
            .resolve_str("$result[bad]")
            .unwrap_err()
            .contains("failed"));
    }

    #[test]
    fn keys_are_checked() {
        let mut b = Batch::new();
        assert!(b.add_raw("a", "m", json!({}), true).is_ok());
        assert!(b.add_raw("a", "m", json!({}), true).is_err());
        assert!(b.add_raw("x[1]", "m", json!({}), true).is_err());
        assert!(b.add_raw("", "m", json!({}), true).is_err());
        assert!(b.add_raw("y", "m", json!([1]), true).is_err());
        let h = b.add_raw("c0", "m", json!({}), true).unwrap();
        b.set_param(&h, &["fields", "COMPANY_ID"], h.field("X"))
            .unwrap();
        assert_eq!(
            serde_json::to_value(&b.commands[1].params).unwrap(),
            json!({"fields": {"COMPANY_ID": "$result[c0][X]"}})
        );
        // Auto keys skip taken ones.
        assert_eq!(b.auto_key(), "c1");
    }
}
