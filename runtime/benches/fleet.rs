//! 503 rate and wall time of 1, 4 and 8 worker processes fetching 200 pages from one loopback
//! portal with Bitrix24's standard limit (burst 50 at 2/s), each worker with its own bucket and
//! with the bucket shared through a real `redis-server`.
//!
//! ```sh
//! cargo bench -p b24-runtime --bench fleet          # full scale: ~75 s per run at best
//! B24_FLEET_RATE=20 cargo bench -p b24-runtime --bench fleet   # ten times faster portal
//! ```

#[path = "../tests/support/fleet.rs"]
mod fleet;
#[path = "../examples/support/portal.rs"]
mod portal;
#[path = "../tests/support/redis_server.rs"]
mod redis_server;

use b24_runtime::RateLimit;
use fleet::{check_rows, optimal, Fleet};
use std::time::{Duration, Instant};

const PAGES: usize = 200;

fn main() {
    fleet::worker_main();
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let per_second: f64 = std::env::var("B24_FLEET_RATE")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(2.0);
    let limit = RateLimit::new(50, per_second);
    let redis = match redis_server::start() {
        Ok(r) => r,
        Err(why) => {
            println!("fleet bench: skipped: {why}");
            return;
        }
    };
    let rt = tokio::runtime::Runtime::new().expect("a tokio runtime");
    println!(
        "{PAGES} pages, portal burst {} at {}/s: optimal {:.1} s",
        limit.burst,
        limit.per_second,
        optimal(PAGES, limit).as_secs_f64()
    );
    println!("workers  limiter  answers  503s  503 rate  wall time");
    for workers in [1usize, 4, 8] {
        for shared in [false, true] {
            let (answers, refused, took) = rt.block_on(async {
                let portal = portal::Portal::start_limited(limit.burst, limit.per_second).await;
                portal.seed_deals(PAGES * fleet::PAGE);
                let fleet = Fleet {
                    portal: portal.webhook_url(),
                    redis: shared.then(|| redis.url()),
                    workers,
                    pages: PAGES,
                    limit,
                };
                // Each run its own bucket key's worth of quiet: a fresh portal, an idle bucket.
                let _ = redis.command(&["FLUSHALL"]);
                let t = Instant::now();
                let mut ids = tokio::task::spawn_blocking(move || {
                    fleet.run_processes(Duration::from_secs(1800))
                })
                .await
                .expect("the workers")
                .expect("every worker");
                let took = t.elapsed();
                check_rows(&mut ids, PAGES).expect("every row once");
                let (answers, refused) = portal.answered();
                (answers, refused, took)
            });
            println!(
                "{workers:>7}  {:<7}  {answers:>7}  {refused:>4}  {:>7.1} %  {:>7.1} s",
                if shared { "shared" } else { "local" },
                100.0 * refused as f64 / answers as f64,
                took.as_secs_f64()
            );
        }
    }
}
