//! Bitrix24's limits: the request-intensity leaky bucket (client side) and the per-method
//! operating-time budget (tracked from each answer's `time` block).
//!
//! The bucket sits behind [`LimiterBackend`]: [`LocalLimiter`] per client by default, or
//! `RedisLimiter` (feature `redis`) shared by every process calling one portal.

mod backend;
#[cfg(feature = "redis")]
mod shared;

pub use backend::{Acquired, LimiterBackend, LocalLimiter};
#[cfg(feature = "redis")]
pub(crate) use shared::portal_host;
#[cfg(feature = "redis")]
pub use shared::{RedisLimiter, SharedLimit};

use crate::response::Time;
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A leaky bucket: `burst` requests at once, refilled at `per_second`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    pub burst: u32,
    pub per_second: f64,
}

impl RateLimit {
    /// Standard plans: burst 50, 2 requests per second.
    pub const STANDARD: RateLimit = RateLimit {
        burst: 50,
        per_second: 2.0,
    };
    /// Enterprise plans: burst 250, 5 requests per second.
    pub const ENTERPRISE: RateLimit = RateLimit {
        burst: 250,
        per_second: 5.0,
    };

    pub fn new(burst: u32, per_second: f64) -> Self {
        RateLimit { burst, per_second }
    }

    pub(crate) fn limiter(&self) -> Result<DefaultDirectRateLimiter, String> {
        let burst = NonZeroU32::new(self.burst).ok_or("rate limit burst must be at least 1")?;
        if !(self.per_second.is_finite() && self.per_second > 0.0) {
            return Err("rate limit per_second must be a positive number".into());
        }
        // `try_`: 1/1e-300 is finite but no Duration.
        let period = Duration::try_from_secs_f64(1.0 / self.per_second)
            .map_err(|_| "rate limit per_second is too small")?;
        let quota = Quota::with_period(period)
            .ok_or("rate limit period too small")?
            .allow_burst(burst);
        Ok(RateLimiter::direct(quota))
    }
}

impl Default for RateLimit {
    fn default() -> Self {
        RateLimit::STANDARD
    }
}

/// What the portal says about one method's operating time.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OperatingStats {
    /// Seconds accumulated in the current window (`time.operating` of the latest answer).
    pub operating: f64,
    /// Unix time part of the budget is released (`time.operating_reset_at`).
    pub operating_reset_at: Option<f64>,
    /// Answers seen for this method.
    pub calls: u64,
    /// Set after `OPERATION_TIME_LIMIT`: calls of this method wait until then.
    pub blocked_until: Option<SystemTime>,
}

/// Per-method operating time.
#[derive(Debug, Default)]
pub(crate) struct OperatingTracker {
    methods: Mutex<HashMap<String, OperatingStats>>,
    /// Whether any method may be blocked (skips the lookup on every call otherwise).
    any_blocked: AtomicBool,
}

/// The longest `OPERATION_TIME_LIMIT` pause believed: the limit's window is 10 minutes, so a
/// later `operating_reset_at` (a skewed or hostile answer) holds a method no longer than this,
/// here and in Redis.
pub const MAX_OPERATING_PAUSE: Duration = Duration::from_secs(600);

/// How long an `OPERATION_TIME_LIMIT` holds a method, on the portal's own clock:
/// `operating_reset_at − portal_now` (its `time.finish`; the local clock when the answer has
/// none), at most [`MAX_OPERATING_PAUSE`]. `None` when that is not a positive finite number.
pub(crate) fn operating_pause(reset_at: f64, portal_now: Option<f64>) -> Option<Duration> {
    let now = portal_now
        .filter(|t| t.is_finite() && *t > 0.0)
        .unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0.0, |d| d.as_secs_f64())
        });
    let secs = reset_at - now;
    if !(secs.is_finite() && secs > 0.0) {
        return None;
    }
    Some(Duration::from_secs_f64(
        secs.min(MAX_OPERATING_PAUSE.as_secs_f64()),
    ))
}

/// `until`, or now + [`MAX_OPERATING_PAUSE`] when it is later than that (a pause another worker
/// published, read back from a shared store).
pub(crate) fn clamp_pause(until: SystemTime) -> SystemTime {
    let latest = SystemTime::now() + MAX_OPERATING_PAUSE;
    until.min(latest)
}

impl OperatingTracker {
    fn with<R>(&self, f: impl FnOnce(&mut HashMap<String, OperatingStats>) -> R) -> R {
        match self.methods.lock() {
            Ok(mut g) => f(&mut g),
            Err(p) => f(&mut p.into_inner()),
        }
    }

    fn entry<'m>(
        map: &'m mut HashMap<String, OperatingStats>,
        method: &str,
    ) -> &'m mut OperatingStats {
        if !map.contains_key(method) {
            map.insert(method.to_owned(), OperatingStats::default());
        }
        map.get_mut(method).expect("inserted above")
    }

    pub fn record(&self, method: &str, time: &Time) {
        if time.operating.is_none() && time.operating_reset_at.is_none() {
            return;
        }
        self.with(|m| {
            let s = Self::entry(m, method);
            s.calls += 1;
            if let Some(op) = time.operating {
                s.operating = op;
            }
            if time.operating_reset_at.is_some() {
                s.operating_reset_at = time.operating_reset_at;
            }
        });
    }

    /// Blocks `method` until `until`.
    pub fn block(&self, method: &str, until: SystemTime) {
        self.any_blocked.store(true, Ordering::Release);
        self.with(|m| Self::entry(m, method).blocked_until = Some(until));
    }

    /// Until when `method` is blocked (clears a block that has passed).
    pub fn blocked_until(&self, method: &str) -> Option<SystemTime> {
        if !self.any_blocked.load(Ordering::Acquire) {
            return None;
        }
        self.with(|m| {
            let s = m.get_mut(method)?;
            match s.blocked_until {
                Some(t) if t > SystemTime::now() => Some(t),
                Some(_) => {
                    s.blocked_until = None;
                    None
                }
                None => None,
            }
        })
    }

    pub fn get(&self, method: &str) -> Option<OperatingStats> {
        self.with(|m| m.get(method).cloned())
    }

    pub fn all(&self) -> Vec<(String, OperatingStats)> {
        let mut v: Vec<_> = self.with(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect());
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    }
}

/// How the client retries.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Retries of a read (or idempotent REST 3) call after a 5xx or a transport error.
    pub max_retries: u32,
    /// First backoff; doubles each time, with jitter.
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// Total time spent backing off `QUERY_LIMIT_EXCEEDED` before giving up.
    pub limit_budget: Duration,
    /// The longest wait for an `OPERATION_TIME_LIMIT` block; longer blocks fail at once.
    pub max_operating_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            limit_budget: Duration::from_secs(60),
            max_operating_wait: Duration::from_secs(600),
        }
    }
}

impl RetryPolicy {
    /// Backoff before retry number `attempt` (0-based): `base·2^attempt`, capped, with jitter in
    /// `[½, 1]` of that.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let exp = self
            .base_delay
            .saturating_mul(1u32.checked_shl(attempt.min(20)).unwrap_or(u32::MAX))
            .min(self.max_delay);
        let half = exp / 2;
        half + half.mul_f64(fastrand::f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_and_validation() {
        assert_eq!(RateLimit::default(), RateLimit::new(50, 2.0));
        assert_eq!(RateLimit::ENTERPRISE, RateLimit::new(250, 5.0));
        assert!(RateLimit::new(0, 2.0).limiter().is_err());
        assert!(RateLimit::new(5, 0.0).limiter().is_err());
        // Finite but absurd: errors, not panics.
        for per_second in [1e-300, f64::MIN_POSITIVE, 5e-324, 1e300, f64::MAX, f64::NAN] {
            assert!(
                RateLimit::new(1, per_second).limiter().is_err(),
                "{per_second}"
            );
        }
        let l = RateLimit::new(3, 0.001).limiter().unwrap();
        for _ in 0..3 {
            assert!(l.check().is_ok());
        }
        assert!(l.check().is_err(), "the 4th request must wait");
    }

    #[test]
    fn backoff_grows_with_jitter_and_cap() {
        let p = RetryPolicy {
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(1000),
            ..RetryPolicy::default()
        };
        for _ in 0..50 {
            let d0 = p.backoff(0);
            assert!(d0 >= Duration::from_millis(50) && d0 <= Duration::from_millis(100));
            let d3 = p.backoff(3);
            assert!(d3 >= Duration::from_millis(400) && d3 <= Duration::from_millis(800));
            assert!(p.backoff(30) <= Duration::from_millis(1000));
        }
    }

    #[test]
    fn tracker_records_and_blocks() {
        let t = OperatingTracker::default();
        t.record(
            "crm.deal.list",
            &Time {
                operating: Some(1.5),
                operating_reset_at: Some(1.0e9),
                ..Time::default()
            },
        );
        let s = t.get("crm.deal.list").unwrap();
        assert_eq!((s.operating, s.calls), (1.5, 1));
        assert!(t.get("crm.deal.get").is_none());
        t.block("crm.deal.list", SystemTime::now() + Duration::from_secs(60));
        assert!(t.blocked_until("crm.deal.list").is_some());
        t.block("crm.deal.list", SystemTime::now() - Duration::from_secs(1));
        assert!(t.blocked_until("crm.deal.list").is_none());
        assert_eq!(t.all().len(), 1);
    }

    #[test]
    fn operating_pauses_use_the_portal_clock_and_are_capped() {
        let ms = |d: Option<Duration>| d.map(|d| d.as_millis());
        // The portal's clock far from ours: 0.5 s by its clock.
        let finish = 1.9e9;
        assert_eq!(ms(operating_pause(finish + 0.5, Some(finish))), Some(500));
        assert_eq!(ms(operating_pause(1e20, Some(finish))), Some(600_000));
        assert_eq!(ms(operating_pause(f64::MAX, None)), Some(600_000));
        assert_eq!(operating_pause(finish - 5.0, Some(finish)), None);
        assert_eq!(operating_pause(f64::INFINITY, Some(finish)), None);
        assert_eq!(operating_pause(f64::NAN, None), None);
        let far = SystemTime::now() + Duration::from_secs(86_400 * 365);
        assert!(clamp_pause(far) <= SystemTime::now() + MAX_OPERATING_PAUSE);
        let near = SystemTime::now() + Duration::from_secs(1);
        assert_eq!(clamp_pause(near), near);
    }
}
