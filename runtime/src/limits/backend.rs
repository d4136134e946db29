//! The limiter backend: what a call waits on before it is sent, and where operating-time pauses
//! are shared. [`LocalLimiter`] (one in-process bucket per [`Client`](crate::Client)) is the
//! default; `RedisLimiter` (feature `redis`) shares one bucket among processes.

use super::RateLimit;
use futures_util::future::BoxFuture;
use governor::DefaultDirectRateLimiter;
use std::fmt;
use std::num::NonZeroU32;
use std::time::SystemTime;

/// What [`LimiterBackend::acquire`] decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Acquired {
    /// One request may be sent now.
    Go,
    /// Another worker saw `OPERATION_TIME_LIMIT` for this method: nothing may be sent before
    /// this time (no request was counted against the bucket).
    PausedUntil(SystemTime),
    /// The shared bucket's queue is longer than the backend may wait (`SharedLimit::max_wait`):
    /// nothing was reserved, the call fails at once (retryable) instead of queueing this long.
    Busy(std::time::Duration),
}

/// A client-side limiter. Implementations must not wait on anything that can hang: a backend
/// that depends on a service bounds its calls with a timeout and falls back.
pub trait LimiterBackend: Send + Sync + fmt::Debug {
    /// Waits until one request to `method` may go (or says it is paused).
    fn acquire<'a>(&'a self, method: &'a str) -> BoxFuture<'a, Acquired>;

    /// Tells the other workers that `method` is paused until `until` (`OPERATION_TIME_LIMIT`).
    /// The calling client pauses itself already; the local backend has nobody to tell.
    fn publish_pause<'a>(&'a self, method: &'a str, until: SystemTime) -> BoxFuture<'a, ()> {
        let _ = (method, until);
        Box::pin(async {})
    }
}

/// The in-process leaky bucket (GCRA, via governor).
pub struct LocalLimiter {
    limit: RateLimit,
    bucket: DefaultDirectRateLimiter,
}

impl LocalLimiter {
    /// A full bucket (`limit.burst` requests may go at once).
    pub fn new(limit: RateLimit) -> Result<LocalLimiter, String> {
        Ok(LocalLimiter {
            limit,
            bucket: limit.limiter()?,
        })
    }

    /// An empty bucket: the first request waits one interval. For a fallback that takes over
    /// from a shared bucket that was probably full.
    pub fn drained(limit: RateLimit) -> Result<LocalLimiter, String> {
        let l = LocalLimiter::new(limit)?;
        if let Some(n) = NonZeroU32::new(limit.burst) {
            // Conforms by construction (a fresh bucket holds exactly `burst`).
            let _ = l.bucket.check_n(n);
        }
        Ok(l)
    }

    pub fn limit(&self) -> RateLimit {
        self.limit
    }

    /// Waits for one request.
    pub async fn until_ready(&self) {
        self.bucket.until_ready().await
    }
}

impl fmt::Debug for LocalLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalLimiter")
            .field("limit", &self.limit)
            .finish()
    }
}

impl LimiterBackend for LocalLimiter {
    fn acquire<'a>(&'a self, _method: &'a str) -> BoxFuture<'a, Acquired> {
        Box::pin(async {
            self.bucket.until_ready().await;
            Acquired::Go
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    #[tokio::test]
    async fn local_bucket_full_and_drained() {
        let full = LocalLimiter::new(RateLimit::new(5, 20.0)).unwrap();
        let t = Instant::now();
        for _ in 0..5 {
            assert_eq!(full.acquire("m").await, Acquired::Go);
        }
        assert!(
            t.elapsed() < Duration::from_millis(40),
            "a full burst goes at once"
        );

        let drained = LocalLimiter::drained(RateLimit::new(5, 20.0)).unwrap();
        let t = Instant::now();
        drained.acquire("m").await;
        drained.acquire("m").await;
        // Two requests from an empty bucket at 20/s: at least ~2 intervals.
        assert!(
            t.elapsed() >= Duration::from_millis(90),
            "{:?}",
            t.elapsed()
        );
    }
}
