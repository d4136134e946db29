//! The rate limit shared through Redis (feature `redis`): one GCRA bucket per portal and auth
//! identity for every process and machine that calls it, and the operating-time pauses beside it.
//!
//! The bucket is `gcra.lua`, run atomically by Redis with EVALSHA (loaded again after a
//! restart); time comes from Redis' `TIME`, never from the workers' clocks. Each call reserves
//! its slot in one round trip and sleeps locally until then. When Redis is unreachable or slower
//! than [`SharedLimit::timeout`], the client falls back to a local bucket at 1/[`workers`] of the
//! rate, logs it once, and tries Redis again every [`retry_after`](SharedLimit::retry_after).
//!
//! [`workers`]: SharedLimit::workers

use super::backend::{Acquired, LimiterBackend, LocalLimiter};
use super::RateLimit;
use futures_util::future::BoxFuture;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use sha2::{Digest, Sha256};
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How a client shares its rate limit through Redis; see
/// [`ClientBuilder::shared_limit`](crate::ClientBuilder::shared_limit). `Debug` shows the Redis
/// URL without its user and password.
#[derive(Clone)]
pub struct SharedLimit {
    url: String,
    workers: u32,
    timeout: Duration,
    retry_after: Duration,
    headroom: u32,
    key_prefix: String,
    max_wait: Duration,
}

impl SharedLimit {
    /// A Redis at `url` (`redis://host:port/db`, `redis://:password@host/`, `unix:///path`).
    pub fn redis(url: impl Into<String>) -> SharedLimit {
        SharedLimit {
            url: url.into(),
            workers: 4,
            timeout: Duration::from_millis(250),
            retry_after: Duration::from_secs(1),
            headroom: 2,
            key_prefix: "b24:limit".into(),
            max_wait: Duration::from_secs(60),
        }
    }

    /// The longest a call waits for its slot in the shared bucket (60 s by default). A longer
    /// queue (many workers, a small rate) fails the call with a retryable `QUERY_LIMIT_EXCEEDED`
    /// at once and reserves nothing.
    pub fn max_wait(mut self, wait: Duration) -> Self {
        self.max_wait = wait;
        self
    }

    /// How many workers share the limit (4 by default). While Redis is unreachable each takes
    /// `1/n` of the rate and of the burst, so that together they stay within the portal's limit.
    pub fn workers(mut self, n: u32) -> Self {
        self.workers = n.max(1);
        self
    }

    /// The longest a Redis round trip may take before the client falls back (250 ms by
    /// default; connecting included).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How often a client in fallback tries Redis again (every second by default).
    pub fn retry_after(mut self, every: Duration) -> Self {
        self.retry_after = every;
        self
    }

    /// Requests of the burst kept in reserve (2 by default): with many workers, a request
    /// reaches the portal a few milliseconds earlier or later than its slot, and a bucket kept
    /// exactly at the portal's burst would be refused for that. Costs `headroom` intervals once.
    pub fn headroom(mut self, requests: u32) -> Self {
        self.headroom = requests;
        self
    }

    /// The prefix of the Redis keys (`b24:limit` by default).
    pub fn key_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.key_prefix = prefix.into();
        self
    }
}

impl fmt::Debug for SharedLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedLimit")
            .field("url", &redacted_url(&self.url))
            .field("workers", &self.workers)
            .field("timeout", &self.timeout)
            .field("retry_after", &self.retry_after)
            .field("headroom", &self.headroom)
            .field("key_prefix", &self.key_prefix)
            .field("max_wait", &self.max_wait)
            .finish()
    }
}

/// `redis://user:password@host:6379/0` → `redis://***@host:6379/0` (also the query, where
/// `password=` may be given).
fn redacted_url(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let rest = rest.split('?').next().unwrap_or(rest);
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let host = match authority.rsplit_once('@') {
        Some((_, host)) => format!("***@{host}"),
        None => authority.to_owned(),
    };
    let query = if url.contains('?') { "?***" } else { "" };
    if scheme.is_empty() {
        format!("{host}{path}{query}")
    } else {
        format!("{scheme}://{host}{path}{query}")
    }
}

/// The portal host of a webhook or REST endpoint URL (`https://x.bitrix24.com/rest/…` →
/// `x.bitrix24.com`), lowercase.
pub(crate) fn portal_host(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    // `user:pass@host` never appears in a portal URL, but never put it in a key either.
    let host = host.rsplit('@').next().unwrap_or(host);
    host.to_ascii_lowercase()
}

/// The key part naming an auth identity: its SHA-256, never the identity (a webhook code is a
/// password).
fn identity_hash(identity: &str) -> String {
    let digest = Sha256::new()
        .chain_update(b"b24-runtime shared limit\0")
        .chain_update(identity.as_bytes())
        .finalize();
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// The shared bucket of one portal and auth identity.
pub struct RedisLimiter {
    client: redis::Client,
    /// Made on first use: the connection manager needs the tokio runtime, `build()` does not.
    conn: OnceLock<ConnectionManager>,
    script: redis::Script,
    /// `give_back.lua`: returns a reservation that will not be used.
    give_back: redis::Script,
    bucket_key: String,
    /// `{bucket_key}:pause:` + method.
    pause_prefix: String,
    interval_us: u64,
    burst: u32,
    timeout: Duration,
    retry_after: Duration,
    max_wait: Duration,
    fallback_limit: RateLimit,
    /// The local bucket while Redis is away (made empty on each fallback).
    fallback: Mutex<Option<Arc<LocalLimiter>>>,
    /// Sharing through Redis (false while falling back).
    shared: AtomicBool,
    /// Milliseconds since `epoch` before which a client in fallback does not try Redis.
    probe_at: AtomicU64,
    epoch: Instant,
}

impl RedisLimiter {
    /// The bucket of `limit` shared by every client of portal `host` with auth `identity`.
    pub fn new(
        config: &SharedLimit,
        limit: RateLimit,
        host: &str,
        identity: &str,
    ) -> Result<RedisLimiter, String> {
        // Validates burst and rate the same way as the local bucket.
        limit.limiter()?;
        let client = redis::Client::open(config.url.as_str())
            .map_err(|e| format!("the shared limit's Redis URL: {e}"))?;
        let burst = limit.burst.saturating_sub(config.headroom).max(1);
        let fallback_limit = RateLimit {
            burst: (limit.burst / config.workers).max(1),
            per_second: limit.per_second / f64::from(config.workers),
        };
        fallback_limit.limiter()?;
        // Hash tag `{…}`: the bucket and its pauses live in one Redis Cluster slot.
        let bucket_key = format!(
            "{}:{{{}:{}}}",
            config.key_prefix,
            host,
            identity_hash(identity)
        );
        Ok(RedisLimiter {
            client,
            conn: OnceLock::new(),
            script: redis::Script::new(include_str!("gcra.lua")),
            give_back: redis::Script::new(include_str!("give_back.lua")),
            pause_prefix: format!("{bucket_key}:pause:"),
            bucket_key,
            interval_us: (1e6 / limit.per_second).ceil() as u64,
            burst,
            timeout: config.timeout,
            retry_after: config.retry_after,
            max_wait: config.max_wait,
            fallback_limit,
            fallback: Mutex::new(None),
            shared: AtomicBool::new(true),
            probe_at: AtomicU64::new(0),
            epoch: Instant::now(),
        })
    }

    /// Whether the last Redis round trip worked (false while falling back).
    pub fn is_shared(&self) -> bool {
        self.shared.load(Ordering::Acquire)
    }

    /// The Redis key of the bucket (`b24:limit:{host:hash}`).
    pub fn bucket_key(&self) -> &str {
        &self.bucket_key
    }

    fn connection(&self) -> redis::RedisResult<ConnectionManager> {
        if let Some(c) = self.conn.get() {
            return Ok(c.clone());
        }
        // Reconnects with no backoff of its own: the fallback paces the attempts.
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(self.timeout))
            .set_response_timeout(Some(self.timeout))
            .set_number_of_retries(0);
        let made = ConnectionManager::new_lazy_with_config(self.client.clone(), config)?;
        // Two first calls at once: one manager wins, the other is dropped unused.
        Ok(self.conn.get_or_init(|| made).clone())
    }

    fn now_ms(&self) -> u64 {
        self.epoch.elapsed().as_millis() as u64
    }

    /// Whether this call should go to Redis: always while sharing; in fallback, one call per
    /// `retry_after` probes.
    fn may_try(&self) -> bool {
        if self.is_shared() {
            return true;
        }
        let now = self.now_ms();
        let at = self.probe_at.load(Ordering::Acquire);
        now >= at
            && self
                .probe_at
                .compare_exchange(
                    at,
                    now + self.retry_after.as_millis() as u64,
                    Ordering::AcqRel,
                    Ordering::Acquire,
                )
                .is_ok()
    }

    fn mark_up(&self) {
        if !self.shared.swap(true, Ordering::AcqRel) {
            tracing::info!(key = %self.bucket_key, "Redis is back: the rate limit is shared again");
        }
    }

    fn mark_down(&self, why: &str) {
        self.probe_at.store(
            self.now_ms() + self.retry_after.as_millis() as u64,
            Ordering::Release,
        );
        if self.shared.swap(false, Ordering::AcqRel) {
            // A fresh, empty bucket: the shared one was probably full.
            if let Ok(local) = LocalLimiter::drained(self.fallback_limit) {
                let mut slot = self.fallback.lock().unwrap_or_else(|p| p.into_inner());
                *slot = Some(Arc::new(local));
            }
            tracing::warn!(
                key = %self.bucket_key,
                error = why,
                burst = self.fallback_limit.burst,
                per_second = self.fallback_limit.per_second,
                "Redis unavailable: falling back to a local bucket until it is back"
            );
        }
    }

    async fn fallback_acquire(&self) {
        let local = {
            let mut slot = self.fallback.lock().unwrap_or_else(|p| p.into_inner());
            match &*slot {
                Some(l) => l.clone(),
                None => {
                    // `mark_down` makes it; the limit was validated in `new`, so this is only
                    // a guard.
                    let Ok(l) = LocalLimiter::drained(self.fallback_limit) else {
                        return;
                    };
                    let l = Arc::new(l);
                    *slot = Some(l.clone());
                    l
                }
            }
        };
        local.until_ready().await;
    }

    /// One reservation: `(wait_us, paused_until_ms)`.
    async fn reserve(&self, method: &str) -> Result<(u64, u64), String> {
        let mut conn = self.connection().map_err(|e| e.to_string())?;
        let mut call = self.script.key(&self.bucket_key);
        call.key(format!("{}{method}", self.pause_prefix))
            .arg(self.interval_us)
            .arg(self.burst)
            .arg(unix_ms(SystemTime::now()))
            .arg(u8::from(!self.is_shared()));
        match tokio::time::timeout(self.timeout, call.invoke_async::<(i64, i64)>(&mut conn)).await {
            Ok(Ok((wait, paused))) => Ok((wait.max(0) as u64, paused.max(0) as u64)),
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err(format!("no answer within {:?}", self.timeout)),
        }
    }

    async fn acquire_inner(&self, method: &str) -> Acquired {
        if self.may_try() {
            match self.reserve(method).await {
                Ok((_, paused)) if paused > 0 => {
                    self.mark_up();
                    // Whatever another worker (or anything else) wrote there, at most the
                    // limit's window from now.
                    let until = UNIX_EPOCH + Duration::from_millis(paused);
                    return Acquired::PausedUntil(super::clamp_pause(until));
                }
                Ok((wait, _)) => {
                    self.mark_up();
                    let wait = Duration::from_micros(wait);
                    if wait > self.max_wait {
                        self.give_back();
                        return Acquired::Busy(wait);
                    }
                    if !wait.is_zero() {
                        // Dropped while sleeping (the call was cancelled): the slot goes back.
                        let held = Held(Some(self));
                        tokio::time::sleep(wait).await;
                        held.keep();
                    }
                    return Acquired::Go;
                }
                Err(e) => self.mark_down(&e),
            }
        }
        self.fallback_acquire().await;
        Acquired::Go
    }

    async fn publish_inner(&self, method: &str, until: SystemTime) {
        let until = super::clamp_pause(until);
        let Ok(ttl) = until.duration_since(SystemTime::now()) else {
            return;
        };
        if !self.is_shared() {
            return;
        }
        let mut conn = match self.connection() {
            Ok(c) => c,
            Err(e) => return self.mark_down(&e.to_string()),
        };
        let mut cmd = redis::cmd("SET");
        cmd.arg(format!("{}{method}", self.pause_prefix))
            .arg(unix_ms(until))
            .arg("PX")
            .arg((ttl.as_millis() as u64).max(1));
        match tokio::time::timeout(self.timeout, cmd.query_async::<()>(&mut conn)).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => self.mark_down(&e.to_string()),
            Err(_) => self.mark_down(&format!("no answer within {:?}", self.timeout)),
        }
    }
}

impl RedisLimiter {
    /// Returns one reservation, in the background (from `Drop` too): the bucket's TAT moves one
    /// interval earlier. Best effort: when Redis does not answer, the slot is lost as before.
    fn give_back(&self) {
        let (Some(conn), Ok(rt)) = (self.conn.get(), tokio::runtime::Handle::try_current()) else {
            return;
        };
        let mut conn = conn.clone();
        let (script, key) = (self.give_back.clone(), self.bucket_key.clone());
        let (interval, timeout) = (self.interval_us, self.timeout);
        rt.spawn(async move {
            let mut call = script.key(&key);
            call.arg(interval);
            let _ = tokio::time::timeout(timeout, call.invoke_async::<i64>(&mut conn)).await;
        });
    }
}

/// A reservation being waited for: given back when dropped before [`Held::keep`].
struct Held<'a>(Option<&'a RedisLimiter>);

impl Held<'_> {
    fn keep(mut self) {
        self.0 = None;
    }
}

impl Drop for Held<'_> {
    fn drop(&mut self) {
        if let Some(l) = self.0.take() {
            l.give_back();
        }
    }
}

fn unix_ms(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

impl fmt::Debug for RedisLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisLimiter")
            .field("key", &self.bucket_key)
            .field("interval_us", &self.interval_us)
            .field("burst", &self.burst)
            .field("shared", &self.is_shared())
            .finish_non_exhaustive()
    }
}

impl LimiterBackend for RedisLimiter {
    fn acquire<'a>(&'a self, method: &'a str) -> BoxFuture<'a, Acquired> {
        Box::pin(self.acquire_inner(method))
    }

    fn publish_pause<'a>(&'a self, method: &'a str, until: SystemTime) -> BoxFuture<'a, ()> {
        Box::pin(self.publish_inner(method, until))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_and_keys() {
        assert_eq!(
            portal_host("https://Example.Bitrix24.com/rest/1/code/"),
            "example.bitrix24.com"
        );
        assert_eq!(portal_host("http://127.0.0.1:8080/rest/"), "127.0.0.1:8080");
        assert_eq!(portal_host("x.bitrix24.de"), "x.bitrix24.de");
        let l = RedisLimiter::new(
            &SharedLimit::redis("redis://127.0.0.1:1/"),
            RateLimit::STANDARD,
            "x.bitrix24.com",
            "webhook:1:s3cr3t",
        )
        .unwrap();
        let key = l.bucket_key();
        assert!(key.starts_with("b24:limit:{x.bitrix24.com:"), "{key}");
        assert!(!key.contains("s3cr3t"), "{key}");
        assert_eq!(key.len(), "b24:limit:{x.bitrix24.com:}".len() + 32);
        assert_ne!(identity_hash("webhook:1:a"), identity_hash("webhook:1:b"));
        assert_eq!((l.burst, l.interval_us), (48, 500_000));
        assert_eq!(l.fallback_limit, RateLimit::new(12, 0.5));
    }

    #[test]
    fn debug_hides_the_redis_password() {
        let l = SharedLimit::redis("redis://worker:s3cr3t-pw@10.0.0.5:6379/2?password=s3cr3t-q");
        let d = format!("{l:?}");
        assert!(!d.contains("s3cr3t"), "{d}");
        assert!(d.contains("redis://***@10.0.0.5:6379/2?***"), "{d}");
        let d = format!("{:?}", SharedLimit::redis("redis://127.0.0.1/"));
        assert!(d.contains("\"redis://127.0.0.1/\""), "{d}");
        let d = format!("{:?}", SharedLimit::redis("unix:///run/redis.sock"));
        assert!(d.contains("unix:///run/redis.sock"), "{d}");
    }

    #[test]
    fn bad_configuration_is_an_error() {
        let cfg = SharedLimit::redis("redis://127.0.0.1/");
        assert!(RedisLimiter::new(&cfg, RateLimit::new(0, 2.0), "h", "i").is_err());
        assert!(RedisLimiter::new(&cfg, RateLimit::new(5, -1.0), "h", "i").is_err());
        let bad = SharedLimit::redis("http://127.0.0.1/");
        let err = RedisLimiter::new(&bad, RateLimit::STANDARD, "h", "i").unwrap_err();
        assert!(err.contains("Redis URL"), "{err}");
    }

    #[tokio::test]
    async fn unreachable_redis_falls_back_without_hanging() {
        // Port 1 on loopback: connection refused at once.
        let l = RedisLimiter::new(
            &SharedLimit::redis("redis://127.0.0.1:1/").workers(2),
            RateLimit::new(10, 50.0),
            "h",
            "i",
        )
        .unwrap();
        let t = Instant::now();
        for _ in 0..3 {
            assert_eq!(l.acquire("m").await, Acquired::Go);
        }
        assert!(!l.is_shared());
        // Empty fallback bucket at 25/s: three requests take ~120 ms, far below a hang.
        let took = t.elapsed();
        assert!(
            took >= Duration::from_millis(100) && took < Duration::from_secs(2),
            "{took:?}"
        );
        // Publishing a pause while Redis is away is a no-op, not a wait.
        let t = Instant::now();
        l.publish_pause("m", SystemTime::now() + Duration::from_secs(5))
            .await;
        assert!(t.elapsed() < Duration::from_millis(50));
    }
}
