//! An event handler's checks in one place, for any HTTP server: body size, content type, the
//! application token (looked up by `member_id` for an application installed on many portals),
//! the `ts` freshness window and duplicate suppression.
//!
//! ```
//! use b24_runtime::events::endpoint::{Endpoint, MemorySeen, Rejected};
//!
//! let endpoint = Endpoint::new("51856fefc120afa4b628cc82d3935cce").seen(MemorySeen::new(10_000));
//! // In the server's handler, with the request's Content-Type and body:
//! let body = b"event=ONAPPTEST&auth[application_token]=nope";
//! match endpoint.accept(Some("application/x-www-form-urlencoded"), body) {
//!     Ok(event) => println!("{}", event.event),
//!     // Answer `e.status()`: 413, 415, 401/403, 400 or 200 (a duplicate is not an error).
//!     Err(e) => assert_eq!(e.status(), 403),
//! }
//! ```

use super::{Event, EventError};
use crate::secret::Secret;
use std::collections::{HashSet, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Where the application token of a portal comes from.
pub trait AppTokens: Send + Sync {
    /// The token the portal `member_id` (when the event says) gave the application at install.
    fn application_token(&self, member_id: Option<&str>) -> Option<Secret>;
}

/// One application token for every portal (an application installed once, or a local app).
impl AppTokens for Secret {
    fn application_token(&self, _member_id: Option<&str>) -> Option<Secret> {
        Some(self.clone())
    }
}

/// Tokens by `member_id`, e.g. from the application's install table.
impl<F: Fn(Option<&str>) -> Option<Secret> + Send + Sync> AppTokens for F {
    fn application_token(&self, member_id: Option<&str>) -> Option<Secret> {
        self(member_id)
    }
}

/// Remembers the events already handled, by [`Endpoint::dedup_key`]. Back it with the
/// application's own store (a table with a unique key, Redis `SET NX` with a TTL) when it
/// runs in several processes.
pub trait Seen: Send + Sync {
    /// Records `key`; `false` when it was recorded before (a duplicate delivery).
    fn first_time(&self, key: &str) -> bool;
}

/// The last `capacity` keys, in memory (one process).
#[derive(Debug)]
pub struct MemorySeen {
    capacity: usize,
    keys: Mutex<(HashSet<String>, VecDeque<String>)>,
}

impl MemorySeen {
    pub fn new(capacity: usize) -> Self {
        MemorySeen {
            capacity: capacity.max(1),
            keys: Mutex::new((HashSet::new(), VecDeque::new())),
        }
    }
}

impl Seen for MemorySeen {
    fn first_time(&self, key: &str) -> bool {
        let mut g = self.keys.lock().unwrap_or_else(|p| p.into_inner());
        let (set, order) = &mut *g;
        if set.contains(key) {
            return false;
        }
        if order.len() == self.capacity {
            if let Some(old) = order.pop_front() {
                set.remove(&old);
            }
        }
        set.insert(key.to_owned());
        order.push_back(key.to_owned());
        true
    }
}

/// Why an event POST was not accepted.
#[derive(Debug, thiserror::Error)]
pub enum Rejected {
    #[error("the body is larger than {limit} bytes")]
    TooLarge { limit: usize },
    #[error("unsupported content type {0:?}: the portal posts form-encoded bodies (or JSON)")]
    ContentType(String),
    #[error("no application token is known for member_id {0:?}")]
    UnknownPortal(Option<String>),
    #[error(transparent)]
    Event(#[from] EventError),
    #[error("the event's ts ({ts}) is outside the accepted window of {window:?}")]
    Stale { ts: i64, window: Duration },
    #[error("the event has no ts, and the endpoint requires one")]
    NoTs,
    #[error("the event was handled before (key {0})")]
    Duplicate(String),
}

impl Rejected {
    /// The HTTP status to answer with. A duplicate is answered 200, so that the portal does not
    /// deliver it again.
    pub fn status(&self) -> u16 {
        match self {
            Rejected::TooLarge { .. } => 413,
            Rejected::ContentType(_) => 415,
            Rejected::UnknownPortal(_) | Rejected::Event(EventError::MissingToken) => 401,
            Rejected::Event(EventError::BadToken) => 403,
            Rejected::Duplicate(_) => 200,
            Rejected::Event(_) | Rejected::Stale { .. } | Rejected::NoTs => 400,
        }
    }
}

/// The checks of an event handler. Framework-free: give it the `Content-Type` header and the
/// body (read with the server's own size limit set at least to [`Endpoint::max_body`]).
pub struct Endpoint {
    tokens: Box<dyn AppTokens>,
    max_body: usize,
    window: Duration,
    require_ts: bool,
    seen: Option<Box<dyn Seen>>,
}

impl Endpoint {
    /// An endpoint for one application token. Defaults: bodies up to 1 MiB, `ts` within 15
    /// minutes of this machine's clock (when the event has one), no duplicate suppression.
    pub fn new(application_token: impl Into<Secret>) -> Self {
        Endpoint::with_tokens(application_token.into())
    }

    /// An endpoint looking the token up by the event's `auth[member_id]`.
    pub fn with_tokens(tokens: impl AppTokens + 'static) -> Self {
        Endpoint {
            tokens: Box::new(tokens),
            max_body: 1 << 20,
            window: Duration::from_secs(15 * 60),
            require_ts: false,
            seen: None,
        }
    }

    /// The largest body accepted.
    pub fn max_body(mut self, bytes: usize) -> Self {
        self.max_body = bytes;
        self
    }

    /// How far `ts` may be from this machine's clock (either way); `require` refuses events
    /// without `ts`.
    pub fn freshness(mut self, window: Duration, require: bool) -> Self {
        self.window = window;
        self.require_ts = require;
        self
    }

    /// Suppress duplicates through `seen`.
    pub fn seen(mut self, seen: impl Seen + 'static) -> Self {
        self.seen = Some(Box::new(seen));
        self
    }

    /// Checks one POST: size, content type, token (before the body is decoded), `ts`, and
    /// whether it was handled before.
    pub fn accept(&self, content_type: Option<&str>, body: &[u8]) -> Result<Event, Rejected> {
        if body.len() > self.max_body {
            return Err(Rejected::TooLarge {
                limit: self.max_body,
            });
        }
        let ct = content_type.unwrap_or("").to_ascii_lowercase();
        let ct_main = ct.split(';').next().unwrap_or("").trim();
        if !matches!(
            ct_main,
            "" | "application/x-www-form-urlencoded" | "application/json"
        ) {
            return Err(Rejected::ContentType(ct_main.to_owned()));
        }
        let member = raw_member_id(ct_main == "application/json", body);
        let Some(token) = self.tokens.application_token(member.as_deref()) else {
            return Err(Rejected::UnknownPortal(member));
        };
        let event = Event::parse_verified(content_type, body, token.expose())?;
        match event.ts {
            Some(ts) => {
                let now = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs() as i64);
                if ts.abs_diff(now) > self.window.as_secs() {
                    return Err(Rejected::Stale {
                        ts,
                        window: self.window,
                    });
                }
            }
            None if self.require_ts => return Err(Rejected::NoTs),
            None => {}
        }
        if let Some(seen) = &self.seen {
            let key = Endpoint::dedup_key(&event, body);
            if !seen.first_time(&key) {
                return Err(Rejected::Duplicate(key));
            }
        }
        Ok(event)
    }

    /// The key a delivery is recognised by: portal, event, handler, `ts` and a 64-bit FNV-1a
    /// hash of the body (stable across processes and versions, so it may be stored).
    pub fn dedup_key(event: &Event, body: &[u8]) -> String {
        let hash = body.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
        });
        format!(
            "{}:{}:{}:{}:{hash:016x}",
            event.auth.member_id.as_deref().unwrap_or(""),
            event.event,
            event.event_handler_id.unwrap_or(0),
            event.ts.unwrap_or(0),
        )
    }
}

/// `auth[member_id]` of a body, without building its tree.
fn raw_member_id(json: bool, body: &[u8]) -> Option<String> {
    if json {
        #[derive(serde::Deserialize)]
        struct Body {
            auth: Option<Auth>,
        }
        #[derive(serde::Deserialize)]
        struct Auth {
            member_id: Option<String>,
        }
        return serde_json::from_slice::<Body>(body)
            .ok()
            .and_then(|b| b.auth)
            .and_then(|a| a.member_id);
    }
    form_urlencoded::parse(body)
        .filter(|(k, _)| k == "auth[member_id]")
        .map(|(_, v)| v.into_owned())
        .last()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> i64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64)
    }

    fn body(member: &str, token: &str, ts: i64) -> String {
        format!(
            "event=ONCRMDEALADD&data[FIELDS][ID]=7&ts={ts}&auth[member_id]={member}\
             &auth[application_token]={token}"
        )
    }

    #[test]
    fn checks_in_order() {
        let e = Endpoint::new("tok").max_body(200).seen(MemorySeen::new(2));
        let form = Some("application/x-www-form-urlencoded");
        let ok = body("m1", "tok", now());
        assert_eq!(e.accept(form, ok.as_bytes()).unwrap().event, "ONCRMDEALADD");
        let dup = e.accept(form, ok.as_bytes()).unwrap_err();
        assert!(matches!(dup, Rejected::Duplicate(_)) && dup.status() == 200);
        let big = format!("{ok}&x={}", "y".repeat(300));
        assert_eq!(e.accept(form, big.as_bytes()).unwrap_err().status(), 413);
        assert_eq!(
            e.accept(Some("text/xml"), ok.as_bytes())
                .unwrap_err()
                .status(),
            415
        );
        let bad = body("m1", "nope", now());
        assert_eq!(e.accept(form, bad.as_bytes()).unwrap_err().status(), 403);
        let old = body("m1", "tok", now() - 3600);
        assert!(matches!(
            e.accept(form, old.as_bytes()),
            Err(Rejected::Stale { .. })
        ));
        let no_ts = "event=E&auth[application_token]=tok";
        assert!(e.accept(None, no_ts.as_bytes()).is_ok());
        let strict = Endpoint::new("tok").freshness(Duration::from_secs(60), true);
        assert!(matches!(
            strict.accept(None, no_ts.as_bytes()),
            Err(Rejected::NoTs)
        ));
    }

    #[test]
    fn tokens_by_member_id() {
        let e = Endpoint::with_tokens(|member: Option<&str>| match member {
            Some("m1") => Some(Secret::new("t1")),
            Some("m2") => Some(Secret::new("t2")),
            _ => None,
        });
        assert!(e.accept(None, body("m2", "t2", now()).as_bytes()).is_ok());
        // Portal m1's token does not open m2's events.
        assert_eq!(
            e.accept(None, body("m2", "t1", now()).as_bytes())
                .unwrap_err()
                .status(),
            403
        );
        assert!(matches!(
            e.accept(None, body("m9", "t1", now()).as_bytes()),
            Err(Rejected::UnknownPortal(Some(m))) if m == "m9"
        ));
    }

    #[test]
    fn memory_seen_forgets_the_oldest() {
        let s = MemorySeen::new(2);
        assert!(s.first_time("a") && s.first_time("b") && !s.first_time("a"));
        assert!(s.first_time("c"));
        assert!(s.first_time("a"), "a was the oldest and is forgotten");
    }
}
