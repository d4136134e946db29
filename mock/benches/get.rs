//! Requests per second the mock serves on loopback for a simple `crm.deal.get`.
//!
//! `cargo bench -p b24-mock --bench get` prints one line per client: plain keep-alive HTTP
//! (what the mock itself can take) and the runtime's client (what a test sees), each with 1 and
//! 32 requests in flight. Seconds per figure: `B24_MOCK_BENCH_SECS` (default 3).

#[path = "../tests/common/mod.rs"]
mod common;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use b24_mock::Limits;
use serde_json::json;

async fn measure<F, Fut>(label: &str, in_flight: usize, secs: f64, call: F)
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let call = Arc::new(call);
    let done = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let until = Instant::now() + Duration::from_secs_f64(secs);
    let start = Instant::now();
    let tasks: Vec<_> = (0..in_flight)
        .map(|_| {
            let (call, done, failed) = (call.clone(), done.clone(), failed.clone());
            tokio::spawn(async move {
                while Instant::now() < until {
                    if call().await {
                        done.fetch_add(1, Ordering::Relaxed);
                    } else {
                        failed.fetch_add(1, Ordering::Relaxed);
                    }
                }
            })
        })
        .collect();
    for t in tasks {
        let _ = t.await;
    }
    let elapsed = start.elapsed().as_secs_f64();
    let n = done.load(Ordering::Relaxed);
    println!(
        "{label:<28} in flight {in_flight:>3}: {:>8.0} req/s ({n} answers, {} failed, {elapsed:.1} s)",
        n as f64 / elapsed,
        failed.load(Ordering::Relaxed)
    );
}

fn main() {
    let secs: f64 = std::env::var("B24_MOCK_BENCH_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3.0);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    rt.block_on(async move {
        let portal = common::portal(Limits::Off).await;
        let url = format!("{}crm.deal.get", portal.webhook_url());
        let http = common::http();
        for in_flight in [1, 32] {
            let (http, url) = (http.clone(), url.clone());
            measure("plain HTTP crm.deal.get", in_flight, secs, move || {
                let req = http.post(&url).json(&json!({"id": 410}));
                async move {
                    match req.send().await {
                        Ok(r) => r.status() == 200 && r.bytes().await.is_ok(),
                        Err(_) => false,
                    }
                }
            })
            .await;
        }
        let client = common::client(&portal);
        for in_flight in [1, 32] {
            let client = client.clone();
            measure("runtime client crm.deal.get", in_flight, secs, move || {
                let client = client.clone();
                async move {
                    client
                        .call_raw("crm.deal.get", &json!({"id": 410}))
                        .await
                        .is_ok()
                }
            })
            .await;
        }
        // Every request was recorded; the cap keeps memory bounded.
        let n = portal.counters();
        println!(
            "mock counters: {} requests, {} errors",
            n.requests, n.errors
        );
    });
}
