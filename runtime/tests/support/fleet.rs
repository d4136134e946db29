//! Workers that fetch list pages from one loopback portal, as tasks or as processes (the test or
//! bench binary runs itself again with `B24_FLEET_*` set), with or without the shared limit.
#![allow(dead_code)]

use b24_runtime::limits::SharedLimit;
use b24_runtime::{wire, Client, Method, RateLimit, RestVersion, RetryPolicy};
use serde::{Deserialize, Serialize};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Rows per page of `crm.deal.list`.
pub const PAGE: usize = 50;

#[derive(Debug, Deserialize)]
pub struct Row {
    #[serde(rename = "ID", default, deserialize_with = "wire::opt_i64")]
    pub id: Option<i64>,
}

#[derive(Serialize)]
pub struct PageParams {
    pub start: usize,
}

pub struct DealPage;
impl Method for DealPage {
    const NAME: &'static str = "crm.deal.list";
    const REST_VERSION: RestVersion = RestVersion::V2;
    const READ_ONLY: bool = true;
    type Params = PageParams;
    type Result = Vec<Row>;
    type Error = Box<b24_runtime::ApiError>;
}

/// One fleet: `workers` clients fetching `pages` pages between them.
#[derive(Debug, Clone)]
pub struct Fleet {
    pub portal: String,
    /// The shared limit's Redis; `None`: each worker has its own bucket.
    pub redis: Option<String>,
    pub workers: usize,
    pub pages: usize,
    /// The portal's limit (each client is configured with it, as an integrator would).
    pub limit: RateLimit,
}

impl Fleet {
    /// The client of one worker.
    pub fn client(&self) -> Client {
        let mut b = Client::builder()
            .webhook(&self.portal)
            .rate_limit(self.limit)
            .timeout(Duration::from_secs(10))
            .retry(RetryPolicy {
                limit_budget: Duration::from_secs(600),
                ..RetryPolicy::default()
            });
        if let Some(url) = &self.redis {
            b = b.shared_limit(SharedLimit::redis(url).workers(self.workers as u32));
        }
        b.build().expect("a fleet client")
    }

    /// Worker `index` fetches pages `index`, `index + workers`, …; the IDs it got.
    pub async fn work(&self, client: &Client, index: usize) -> Result<Vec<i64>, String> {
        let mut ids = Vec::new();
        for page in (index..self.pages).step_by(self.workers) {
            let resp = client
                .call::<DealPage>(&PageParams { start: page * PAGE })
                .await
                .map_err(|e| format!("worker {index}, page {page}: {e}"))?;
            ids.extend(resp.result.iter().filter_map(|r| r.id));
        }
        Ok(ids)
    }

    /// Every worker in its own task with its own client; all IDs.
    pub async fn run_tasks(&self) -> Result<Vec<i64>, String> {
        let handles: Vec<_> = (0..self.workers)
            .map(|i| {
                let fleet = self.clone();
                tokio::spawn(async move {
                    let client = fleet.client();
                    fleet.work(&client, i).await
                })
            })
            .collect();
        let mut ids = Vec::new();
        for h in handles {
            ids.extend(h.await.map_err(|e| e.to_string())??);
        }
        Ok(ids)
    }

    /// Every worker in its own process (this executable run again); all IDs. A worker still
    /// running after `deadline` is killed and reported.
    pub fn run_processes(&self, deadline: Duration) -> Result<Vec<i64>, String> {
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        let children: Vec<Child> = (0..self.workers)
            .map(|i| {
                Command::new(&exe)
                    .env("B24_FLEET_WORKER", i.to_string())
                    .env("B24_FLEET_WORKERS", self.workers.to_string())
                    .env("B24_FLEET_PORTAL", &self.portal)
                    .env("B24_FLEET_REDIS", self.redis.as_deref().unwrap_or(""))
                    .env("B24_FLEET_PAGES", self.pages.to_string())
                    .env("B24_FLEET_BURST", self.limit.burst.to_string())
                    .env("B24_FLEET_RATE", self.limit.per_second.to_string())
                    .stdout(Stdio::piped())
                    .spawn()
                    .map_err(|e| format!("worker {i}: {e}"))
            })
            .collect::<Result<_, _>>()?;
        let until = Instant::now() + deadline;
        // Read each worker's output as it comes (a full pipe would block it).
        let mut children = children;
        let readers: Vec<_> = children
            .iter_mut()
            .map(|c| c.stdout.take())
            .map(|out| {
                std::thread::spawn(move || {
                    let out = out?;
                    let mut rows = None;
                    for line in BufReader::new(out).lines().map_while(Result::ok) {
                        if let Some(list) = line.strip_prefix("ROWS ") {
                            rows = Some(
                                list.split(',')
                                    .filter_map(|x| x.parse().ok())
                                    .collect::<Vec<i64>>(),
                            );
                        }
                    }
                    rows
                })
            })
            .collect();
        let mut ids = Vec::new();
        let mut failed = Vec::new();
        for (i, (mut child, reader)) in children.into_iter().zip(readers).enumerate() {
            let status = loop {
                match child.try_wait() {
                    Ok(Some(s)) => break Some(s),
                    Ok(None) if Instant::now() < until => {
                        std::thread::sleep(Duration::from_millis(10))
                    }
                    _ => {
                        let _ = child.kill();
                        let _ = child.wait();
                        break None;
                    }
                }
            };
            let rows = reader.join().ok().flatten();
            match (status, rows) {
                (Some(s), Some(r)) if s.success() => ids.extend(r),
                (None, _) => failed.push(format!("worker {i} still running after {deadline:?}")),
                (Some(s), _) => failed.push(format!("worker {i} failed: {s}")),
            }
        }
        if failed.is_empty() {
            Ok(ids)
        } else {
            Err(failed.join("; "))
        }
    }
}

/// In a worker process (`B24_FLEET_WORKER` set): does its share, prints `ROWS id,id,…`, and
/// exits. Returns only in the parent.
pub fn worker_main() {
    let Ok(index) = std::env::var("B24_FLEET_WORKER") else {
        return;
    };
    let var = |k: &str| std::env::var(k).unwrap_or_else(|_| panic!("{k} is set for a worker"));
    let num = |k: &str| -> f64 { var(k).parse().unwrap_or_else(|_| panic!("{k} is a number")) };
    let redis = var("B24_FLEET_REDIS");
    let fleet = Fleet {
        portal: var("B24_FLEET_PORTAL"),
        redis: (!redis.is_empty()).then_some(redis),
        workers: num("B24_FLEET_WORKERS") as usize,
        pages: num("B24_FLEET_PAGES") as usize,
        limit: RateLimit::new(num("B24_FLEET_BURST") as u32, num("B24_FLEET_RATE")),
    };
    let index: usize = index.parse().expect("B24_FLEET_WORKER is an index");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let out = rt.block_on(async {
        let client = fleet.client();
        fleet.work(&client, index).await
    });
    match out {
        Ok(ids) => {
            let list: Vec<String> = ids.iter().map(i64::to_string).collect();
            println!("ROWS {}", list.join(","));
            std::process::exit(0);
        }
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}

/// The least time `pages` calls can take against a bucket of `limit` that starts full.
pub fn optimal(pages: usize, limit: RateLimit) -> Duration {
    let queued = pages.saturating_sub(limit.burst as usize);
    Duration::from_secs_f64(queued as f64 / limit.per_second)
}

/// Every page's rows exactly once (IDs 1..=pages·PAGE).
pub fn check_rows(ids: &mut Vec<i64>, pages: usize) -> Result<(), String> {
    ids.sort_unstable();
    let want: Vec<i64> = (1..=(pages * PAGE) as i64).collect();
    if *ids == want {
        Ok(())
    } else {
        let dupes = ids.windows(2).filter(|w| w[0] == w[1]).count();
        Err(format!(
            "{} rows, {} wanted, {dupes} repeated",
            ids.len(),
            want.len()
        ))
    }
}
