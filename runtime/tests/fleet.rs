//! The shared rate limit against a real `redis-server` and a loopback portal with a leaky
//! bucket: workers as tasks and as separate processes, Redis killed and restarted mid-run, and
//! `OPERATION_TIME_LIMIT` pauses seen by every worker.
//!
//! A plain `main` (harness = false): the binary is also the worker process it starts. The portal
//! here leaks at 20/s (burst 50) rather than the standard plan's 2/s, to keep the run short; the
//! full-scale figures come from `cargo bench -p b24-runtime --bench fleet`.

#[path = "support/fleet.rs"]
mod fleet;
#[path = "../examples/support/portal.rs"]
mod portal;
#[path = "support/redis_server.rs"]
mod redis_server;

use b24_runtime::limits::{RedisLimiter, SharedLimit};
use b24_runtime::{Client, RateLimit};
use fleet::{check_rows, optimal, Fleet};
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The portal's limit in these tests: the standard burst, ten times the standard rate.
const LIMIT: RateLimit = RateLimit {
    burst: 50,
    per_second: 20.0,
};
const PAGES: usize = 200;

fn main() {
    fleet::worker_main();
    let _ = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::WARN)
        .with_writer(std::io::stderr)
        .try_init();
    let mut redis = match redis_server::start() {
        Ok(r) => r,
        Err(why) => {
            println!("fleet: skipped: {why}");
            return;
        }
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    type Test<'a> = &'a dyn Fn(&mut redis_server::RedisServer);
    let tests: [(&str, Test); 7] = [
        ("tasks_share_one_bucket", &|r| {
            rt.block_on(tasks_share_one_bucket(r))
        }),
        ("processes_share_one_bucket", &|r| {
            rt.block_on(processes_share_one_bucket(r))
        }),
        ("redis_killed_then_restarted", &|r| {
            rt.block_on(redis_killed_then_restarted(r))
        }),
        ("frozen_redis_falls_back_within_timeout", &|r| {
            rt.block_on(frozen_redis_falls_back_within_timeout(r))
        }),
        ("operating_pause_is_shared", &|r| {
            rt.block_on(operating_pause_is_shared(r))
        }),
        ("shared_pauses_are_capped", &|r| {
            rt.block_on(shared_pauses_are_capped(r))
        }),
        ("cancelled_and_long_waits_give_their_slot_back", &|r| {
            rt.block_on(cancelled_and_long_waits_give_their_slot_back(r))
        }),
    ];
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    for (name, test) in tests {
        if !filter.is_empty() && !filter.iter().any(|f| name.contains(f.as_str())) {
            continue;
        }
        println!("test {name} ...");
        // A fresh bucket: wiremock hands out its servers' ports again, and the previous test's
        // bucket (same host, same webhook) is still draining.
        redis.command(&["FLUSHALL"]).expect("FLUSHALL");
        let t = Instant::now();
        test(&mut redis);
        println!("test {name} ... ok ({:.1} s)", t.elapsed().as_secs_f64());
    }
}

/// ≤ 1 % of answers 503, within 5 % of the optimal time, every row once.
fn check_run(what: &str, portal: &portal::Portal, ids: Result<Vec<i64>, String>, took: Duration) {
    let mut ids = ids.unwrap_or_else(|e| panic!("{what}: {e}"));
    check_rows(&mut ids, PAGES).unwrap_or_else(|e| panic!("{what}: {e}"));
    let (answers, refused) = portal.answered();
    let best = optimal(PAGES, LIMIT);
    println!(
        "  {what}: {answers} answers, {refused} of them 503 ({:.2} %), {:.2} s (optimal {:.2} s)",
        100.0 * refused as f64 / answers as f64,
        took.as_secs_f64(),
        best.as_secs_f64()
    );
    assert!(
        refused * 100 <= answers,
        "{what}: {refused} of {answers} answers were 503"
    );
    assert!(
        took.as_secs_f64() <= best.as_secs_f64() * 1.05,
        "{what}: {took:?}, optimal {best:?}"
    );
}

async fn limited_portal() -> portal::Portal {
    let portal = portal::Portal::start_limited(LIMIT.burst, LIMIT.per_second).await;
    portal.seed_deals(PAGES * fleet::PAGE);
    portal
}

fn fleet_of(portal: &portal::Portal, redis: &redis_server::RedisServer, workers: usize) -> Fleet {
    Fleet {
        portal: portal.webhook_url(),
        redis: Some(redis.url()),
        workers,
        pages: PAGES,
        limit: LIMIT,
    }
}

async fn tasks_share_one_bucket(redis: &mut redis_server::RedisServer) {
    let portal = limited_portal().await;
    let fleet = fleet_of(&portal, redis, 4);
    let t = Instant::now();
    let ids = fleet.run_tasks().await;
    check_run("4 tasks", &portal, ids, t.elapsed());

    // The bucket's key expires: it lives about as long as it holds requests (+1 s).
    let key = RedisLimiter::new(
        &SharedLimit::redis(redis.url()),
        LIMIT,
        &portal_host(&portal.webhook_url()),
        &format!("webhook:{}:{}", portal::USER, portal::CODE),
    )
    .expect("a limiter")
    .bucket_key()
    .to_owned();
    let ttl = redis.pttl(&key);
    assert!((1..=4_000).contains(&ttl), "PTTL {key} = {ttl}");
    assert!(
        !key.contains(portal::CODE),
        "the webhook code is not in {key}"
    );
}

fn portal_host(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split('/').next().unwrap_or("").to_owned()
}

async fn processes_share_one_bucket(redis: &mut redis_server::RedisServer) {
    let portal = limited_portal().await;
    let fleet = fleet_of(&portal, redis, 4);
    let t = Instant::now();
    let ids = tokio::task::block_in_place(|| fleet.run_processes(Duration::from_secs(60)));
    check_run("4 processes", &portal, ids, t.elapsed());
}

async fn redis_killed_then_restarted(redis: &mut redis_server::RedisServer) {
    // More pages than the others: time to fall back and to share again.
    const RUN_PAGES: usize = 300;
    let portal = portal::Portal::start_limited(LIMIT.burst, LIMIT.per_second).await;
    portal.seed_deals(RUN_PAGES * fleet::PAGE);
    let fleet = Fleet {
        pages: RUN_PAGES,
        ..fleet_of(&portal, redis, 4)
    };
    // The limiters themselves, to see whether they share.
    let limiters: Vec<Arc<RedisLimiter>> = (0..4)
        .map(|_| {
            Arc::new(
                RedisLimiter::new(
                    &SharedLimit::redis(redis.url())
                        .workers(4)
                        .timeout(Duration::from_millis(200))
                        .retry_after(Duration::from_millis(300)),
                    LIMIT,
                    "fleet",
                    "kill-test",
                )
                .expect("a limiter"),
            )
        })
        .collect();
    let started = Instant::now();
    let handles: Vec<_> = limiters
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let fleet = fleet.clone();
            let client = Client::builder()
                .webhook(&fleet.portal)
                .limiter(l.clone())
                .timeout(Duration::from_secs(10))
                .build()
                .expect("a client");
            tokio::spawn(async move { fleet.work(&client, i).await })
        })
        .collect();

    tokio::time::sleep(Duration::from_secs(3)).await;
    assert!(limiters.iter().all(|l| l.is_shared()), "sharing before");
    redis.kill();
    let killed = Instant::now();
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(
        limiters.iter().all(|l| !l.is_shared()),
        "every worker fell back within 2 s of the kill"
    );
    let (answers_before, _) = portal.answered();
    tokio::task::block_in_place(|| redis.restart());
    let restarted = Instant::now();
    // A probe every 300 ms; the first one after the restart may still see the failed connection.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(
        limiters.iter().all(|l| l.is_shared()),
        "every worker shares again within 2 s of the restart"
    );
    // The bucket is in the new server again.
    let ttl = redis.pttl(limiters[0].bucket_key());
    assert!(ttl > 0, "the restarted Redis holds the bucket (PTTL {ttl})");

    let mut ids = Vec::new();
    for h in handles {
        let done = tokio::time::timeout(Duration::from_secs(60), h)
            .await
            .expect("no worker hangs");
        ids.extend(done.expect("a worker task").expect("every page"));
    }
    check_rows(&mut ids, RUN_PAGES).expect("no row lost");
    let (answers, refused) = portal.answered();
    println!(
        "  kill after 3 s, down {:.1} s, restarted: {answers} answers ({answers_before} before \
         the restart), {refused} of them 503, {:.2} s (optimal {:.2} s)",
        restarted.duration_since(killed).as_secs_f64(),
        started.elapsed().as_secs_f64(),
        optimal(RUN_PAGES, LIMIT).as_secs_f64()
    );
    // The fallback buckets start empty, and the restarted Redis' bucket starts full for the
    // clients coming back: the portal sees hardly more than its rate throughout.
    assert!(
        refused * 50 <= answers,
        "{refused} of {answers} answers 503"
    );
}

async fn frozen_redis_falls_back_within_timeout(redis: &mut redis_server::RedisServer) {
    let timeout = Duration::from_millis(200);
    let limiter = RedisLimiter::new(
        &SharedLimit::redis(redis.url())
            .workers(4)
            .timeout(timeout)
            .retry_after(Duration::from_millis(300)),
        LIMIT,
        "frozen",
        "test",
    )
    .expect("a limiter");
    use b24_runtime::limits::{Acquired, LimiterBackend};
    assert_eq!(limiter.acquire("m").await, Acquired::Go);
    assert!(limiter.is_shared());
    redis.freeze(true);
    let t = Instant::now();
    assert_eq!(limiter.acquire("m").await, Acquired::Go);
    let took = t.elapsed();
    // The Redis timeout, then one interval of the empty fallback bucket (5/s): not a hang.
    assert!(
        took >= timeout && took < timeout + Duration::from_millis(600),
        "{took:?}"
    );
    assert!(!limiter.is_shared());
    redis.freeze(false);
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(limiter.acquire("m").await, Acquired::Go);
    assert!(limiter.is_shared(), "shared again once Redis answers");
}

async fn operating_pause_is_shared(redis: &mut redis_server::RedisServer) {
    let server = MockServer::start().await;
    let hook = "/rest/1/pause-test-code/crm.deal.get";
    let reset_at = SystemTime::now() + Duration::from_millis(1500);
    let reset_secs = reset_at
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_secs_f64();
    Mock::given(path(hook))
        .respond_with(ResponseTemplate::new(429).set_body_json(json!({
            "error": "OPERATION_TIME_LIMIT",
            "error_description": "Method is blocked due to operation time limit.",
            "time": {"operating_reset_at": reset_secs, "operating": 480.5}
        })))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path(hook))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"result": {"ID": "2"}})))
        .with_priority(2)
        .mount(&server)
        .await;
    let client = || {
        Client::builder()
            .webhook(&format!("{}/rest/1/pause-test-code/", server.uri()))
            .rate_limit(LIMIT)
            .shared_limit(SharedLimit::redis(redis.url()))
            .timeout(Duration::from_secs(5))
            .build()
            .expect("a client")
    };
    let (a, b) = (client(), client());
    let first = tokio::spawn(async move {
        a.call_raw_with(
            "crm.deal.get",
            &json!({"id": 2}),
            &b24_runtime::CallOptions::default().read_only(true),
        )
        .await
    });
    // Worker B starts once A has been told about the limit.
    let deadline = Instant::now() + Duration::from_secs(5);
    while server
        .received_requests()
        .await
        .unwrap_or_default()
        .is_empty()
    {
        assert!(Instant::now() < deadline, "worker A called");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let second = b
        .call_raw_with(
            "crm.deal.get",
            &json!({"id": 2}),
            &b24_runtime::CallOptions::default().read_only(true),
        )
        .await;
    let after = SystemTime::now();
    assert!(second.is_ok(), "{second:?}");
    assert!(first.await.expect("worker A").is_ok());
    assert!(after >= reset_at, "worker B waited for A's pause");
    assert_eq!(
        server.received_requests().await.unwrap_or_default().len(),
        3,
        "B sent nothing into the pause: A's refused call, then one call each"
    );
}

/// A pause a year long, published or found in Redis, holds a method at most the limit's window
/// (10 minutes): in the key's TTL and in what `acquire` answers.
async fn shared_pauses_are_capped(redis: &mut redis_server::RedisServer) {
    use b24_runtime::limits::{Acquired, LimiterBackend, MAX_OPERATING_PAUSE};
    let limiter = RedisLimiter::new(&SharedLimit::redis(redis.url()), LIMIT, "capped", "test")
        .expect("a limiter");
    let year = Duration::from_secs(365 * 86_400);
    limiter
        .publish_pause("crm.deal.list", SystemTime::now() + year)
        .await;
    let key = format!("{}:pause:crm.deal.list", limiter.bucket_key());
    let ttl = redis.pttl(&key);
    assert!(ttl > 590_000 && ttl <= 600_000, "PTTL {ttl}");
    let latest = SystemTime::now() + MAX_OPERATING_PAUSE;
    match limiter.acquire("crm.deal.list").await {
        Acquired::PausedUntil(t) => assert!(t <= latest + Duration::from_secs(1), "{t:?}"),
        other => panic!("{other:?}"),
    }
    // Written by something else, far beyond any window (unix ms of the year 5138).
    let key = format!("{}:pause:crm.deal.get", limiter.bucket_key());
    redis
        .command(&["SET", &key, "99999999999999"])
        .expect("SET");
    match limiter.acquire("crm.deal.get").await {
        Acquired::PausedUntil(t) => assert!(t <= latest + Duration::from_secs(1), "{t:?}"),
        other => panic!("{other:?}"),
    }
}

/// A call cancelled while it waits for its slot gives the slot back (five cancelled waits do
/// not push the next call 1.2 s out), and a queue longer than `max_wait` fails at once without
/// reserving anything.
async fn cancelled_and_long_waits_give_their_slot_back(redis: &mut redis_server::RedisServer) {
    use b24_runtime::limits::{Acquired, LimiterBackend};
    // One request per 200 ms, no burst.
    let limit = RateLimit::new(1, 5.0);
    let shared = SharedLimit::redis(redis.url()).headroom(0);
    let l = RedisLimiter::new(
        &shared.clone().max_wait(Duration::from_millis(500)),
        limit,
        "cancel",
        "t",
    )
    .expect("a limiter");
    assert_eq!(l.acquire("m").await, Acquired::Go);
    for _ in 0..5 {
        let cancelled = tokio::time::timeout(Duration::from_millis(20), l.acquire("m")).await;
        assert!(cancelled.is_err(), "the call waits for its slot");
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
    let t = Instant::now();
    assert_eq!(l.acquire("m").await, Acquired::Go);
    let took = t.elapsed();
    assert!(took < Duration::from_millis(400), "{took:?}");

    let l = RedisLimiter::new(
        &shared.max_wait(Duration::from_millis(50)),
        limit,
        "busy",
        "t",
    )
    .expect("a limiter");
    assert_eq!(l.acquire("m").await, Acquired::Go);
    for _ in 0..3 {
        match l.acquire("m").await {
            // Still one interval: the refused calls reserved nothing.
            Acquired::Busy(queue) => assert!(queue <= Duration::from_millis(210), "{queue:?}"),
            other => panic!("{other:?}"),
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
