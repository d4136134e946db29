//! The portal's limits: the request-intensity leaky bucket per client, and the per-method
//! operating-time budget (480 s of processing per 10 minutes).

use std::collections::HashMap;
use std::time::Instant;

/// Leaky-bucket presets (burst, drain per second).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Limits {
    /// No request-intensity limit.
    Off,
    /// Burst 50, drained at 2 per second (the standard plans).
    Standard,
    /// Burst 250, drained at 5 per second (Enterprise).
    Enterprise,
    /// Any other bucket.
    Custom { burst: f64, per_sec: f64 },
}

impl Limits {
    fn bucket(self) -> Option<(f64, f64)> {
        match self {
            Limits::Off => None,
            Limits::Standard => Some((50.0, 2.0)),
            Limits::Enterprise => Some((250.0, 5.0)),
            Limits::Custom { burst, per_sec } => Some((burst, per_sec)),
        }
    }
}

/// The operating-time window and budget of a method.
pub const OPERATING_WINDOW_SECS: i64 = 600;
pub const OPERATING_BUDGET_SECS: f64 = 480.0;

#[derive(Debug, Default)]
pub(crate) struct Buckets {
    levels: HashMap<String, (f64, Option<Instant>)>,
}

impl Buckets {
    /// Takes one request from `client`'s bucket; false when it is full.
    pub fn take(&mut self, limits: Limits, client: &str, now: Instant) -> bool {
        let Some((burst, rate)) = limits.bucket() else {
            return true;
        };
        let (level, last) = self.levels.entry(client.to_owned()).or_insert((0.0, None));
        if let Some(last) = last {
            *level = (*level - rate * now.duration_since(*last).as_secs_f64()).max(0.0);
        }
        *last = Some(now);
        if *level + 1.0 > burst {
            return false;
        }
        *level += 1.0;
        true
    }

    pub fn reset(&mut self) {
        self.levels.clear();
    }
}

/// Operating time spent per method in the current window.
#[derive(Debug, Default)]
pub(crate) struct Operating {
    /// method → (window start, seconds spent).
    spent: HashMap<String, (i64, f64)>,
    /// Simulated processing seconds per call, by method (lower-cased).
    pub cost: HashMap<String, f64>,
}

impl Operating {
    /// Before a call: `Err(reset_at)` when the method's budget is spent.
    pub fn check(&mut self, method: &str, now: i64) -> Result<(), i64> {
        let e = self.window(method, now);
        if e.1 >= OPERATING_BUDGET_SECS {
            Err(e.0 + OPERATING_WINDOW_SECS)
        } else {
            Ok(())
        }
    }

    /// After a call: books its cost; (spent in the window, reset time).
    pub fn book(&mut self, method: &str, now: i64) -> (f64, i64) {
        let cost = self.cost.get(method).copied().unwrap_or(0.0);
        let e = self.window(method, now);
        e.1 += cost;
        (e.1, e.0 + OPERATING_WINDOW_SECS)
    }

    fn window(&mut self, method: &str, now: i64) -> &mut (i64, f64) {
        let e = self.spent.entry(method.to_owned()).or_insert((now, 0.0));
        if now >= e.0 + OPERATING_WINDOW_SECS {
            *e = (now, 0.0);
        }
        e
    }

    pub fn reset(&mut self) {
        self.spent.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn bucket_bursts_then_drains() {
        let mut b = Buckets::default();
        let t0 = Instant::now();
        for _ in 0..50 {
            assert!(b.take(Limits::Standard, "c", t0));
        }
        assert!(!b.take(Limits::Standard, "c", t0));
        assert!(b.take(Limits::Standard, "other", t0));
        // Two per second drain.
        assert!(b.take(Limits::Standard, "c", t0 + Duration::from_millis(600)));
        assert!(!b.take(Limits::Standard, "c", t0 + Duration::from_millis(600)));
        assert!(b.take(Limits::Off, "c", t0));
    }

    #[test]
    fn operating_budget_resets_with_the_window() {
        let mut o = Operating::default();
        o.cost.insert("m".into(), 300.0);
        assert!(o.check("m", 1000).is_ok());
        o.book("m", 1000);
        assert!(o.check("m", 1001).is_ok());
        assert_eq!(o.book("m", 1001), (600.0, 1600));
        assert_eq!(o.check("m", 1002), Err(1600));
        assert!(o.check("m", 1600).is_ok());
    }
}
