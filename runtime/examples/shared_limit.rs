//! Four workers, one portal, one rate limit: the bucket shared through Redis.
//!
//! ```sh
//! cargo run -p b24-runtime --features redis --example shared_limit
//! REDIS_URL=redis://127.0.0.1:6379/ cargo run -p b24-runtime --features redis --example shared_limit
//! ```
//!
//! Without `REDIS_URL` the example starts a throwaway `redis-server` on a free loopback port.
//! The portal is a loopback mock with a leaky bucket (burst 50 at 20/s, ten times the standard
//! plan's rate to keep the run short); each worker is its own `Client`, as a separate process
//! would be.

#[path = "support/portal.rs"]
mod portal;
#[path = "../tests/support/redis_server.rs"]
mod redis_server;

use b24_runtime::limits::SharedLimit;
use b24_runtime::{Client, RateLimit};
use serde_json::json;
use std::time::Instant;

const WORKERS: usize = 4;
const PAGES: usize = 100;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (_server, redis_url) = match std::env::var("REDIS_URL") {
        Ok(url) => (None, url),
        Err(_) => {
            let server = redis_server::start()?;
            let url = server.url();
            (Some(server), url)
        }
    };
    let portal = portal::Portal::start_limited(50, 20.0).await;
    portal.seed_deals(PAGES * 50);
    let started = Instant::now();

    let mut workers = Vec::new();
    for worker in 0..WORKERS {
        // What each worker process does: the portal's limit, shared with every other worker
        // that calls this portal with these credentials.
        let client = Client::builder()
            .webhook(&portal.webhook_url())
            .rate_limit(RateLimit::new(50, 20.0))
            .shared_limit(SharedLimit::redis(&redis_url).workers(WORKERS as u32))
            .build()?;
        workers.push(tokio::spawn(async move {
            let mut rows = 0;
            for page in (worker..PAGES).step_by(WORKERS) {
                let params = json!({"start": page * 50});
                rows += client
                    .call_raw("crm.deal.list", &params)
                    .await
                    .map_err(|e| e.to_string())?
                    .result
                    .as_array()
                    .map_or(0, Vec::len);
            }
            Ok::<_, String>(rows)
        }));
    }
    let mut rows = 0;
    for w in workers {
        rows += w.await??;
    }
    let (answers, refused) = portal.answered();
    println!(
        "{WORKERS} workers: {rows} rows in {:.1} s, {answers} answers, {refused} of them 503",
        started.elapsed().as_secs_f64()
    );
    if rows != PAGES * 50 {
        return Err(format!("{rows} rows, {} expected", PAGES * 50).into());
    }
    Ok(())
}
