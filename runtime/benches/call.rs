//! One call through the client vs the same call with bare reqwest + serde_json, against one
//! loopback HTTP/1.1 keep-alive server (a minimal hand-written one, so that the server's own cost
//! is small and the client's overhead shows). Target: client ≤ 1.10 × raw.
//!
//! ```sh
//! cargo bench -p b24-runtime --bench call
//! ```
//! Prints criterion's figures, then a paired measurement (`median ratio client/raw = …`) that
//! alternates the two, which holds up when other work shares the machine.

use b24_runtime::{wire, Client, Method, RestVersion};
use criterion::{criterion_group, Criterion};
use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const CODE: &str = "benchwebhookcode";

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Deal {
    #[serde(rename = "ID", default, deserialize_with = "wire::opt_i64")]
    id: Option<i64>,
    #[serde(rename = "TITLE", default, deserialize_with = "wire::opt_string")]
    title: Option<String>,
    #[serde(rename = "TYPE_ID", default, deserialize_with = "wire::opt_string")]
    type_id: Option<String>,
    #[serde(rename = "STAGE_ID", default, deserialize_with = "wire::opt_string")]
    stage_id: Option<String>,
    #[serde(rename = "PROBABILITY", default, deserialize_with = "wire::opt_i64")]
    probability: Option<i64>,
    #[serde(rename = "CURRENCY_ID", default, deserialize_with = "wire::opt_string")]
    currency_id: Option<String>,
    #[serde(rename = "OPPORTUNITY", default, deserialize_with = "wire::opt_f64")]
    opportunity: Option<f64>,
    #[serde(
        rename = "IS_MANUAL_OPPORTUNITY",
        default,
        deserialize_with = "wire::opt_yes_no"
    )]
    manual: Option<wire::YesNo>,
    #[serde(rename = "COMPANY_ID", default, deserialize_with = "wire::opt_i64")]
    company_id: Option<i64>,
    #[serde(rename = "CONTACT_ID", default, deserialize_with = "wire::opt_i64")]
    contact_id: Option<i64>,
    #[serde(rename = "BEGINDATE", default, deserialize_with = "wire::opt_date")]
    begin: Option<wire::Date>,
    #[serde(rename = "CLOSEDATE", default, deserialize_with = "wire::opt_date")]
    close: Option<wire::Date>,
    #[serde(rename = "OPENED", default, deserialize_with = "wire::opt_yes_no")]
    opened: Option<wire::YesNo>,
    #[serde(rename = "CLOSED", default, deserialize_with = "wire::opt_yes_no")]
    closed: Option<wire::YesNo>,
    #[serde(rename = "COMMENTS", default, deserialize_with = "wire::opt_string")]
    comments: Option<String>,
    #[serde(rename = "ASSIGNED_BY_ID", default, deserialize_with = "wire::opt_i64")]
    assigned_by: Option<i64>,
    #[serde(
        rename = "DATE_CREATE",
        default,
        deserialize_with = "wire::opt_datetime"
    )]
    created: Option<wire::DateTime>,
    #[serde(
        rename = "DATE_MODIFY",
        default,
        deserialize_with = "wire::opt_datetime"
    )]
    modified: Option<wire::DateTime>,
}

const BODY: &str = r#"{"result":{"ID":"1234","TITLE":"Deal #1234","TYPE_ID":"SALE","STAGE_ID":"NEW","PROBABILITY":"","CURRENCY_ID":"USD","OPPORTUNITY":"15000.00","IS_MANUAL_OPPORTUNITY":"N","TAX_VALUE":"0.00","LEAD_ID":null,"COMPANY_ID":"12","CONTACT_ID":"5","QUOTE_ID":null,"BEGINDATE":"2024-05-01T03:00:00+03:00","CLOSEDATE":"2024-05-08T03:00:00+03:00","OPENED":"Y","CLOSED":"N","COMMENTS":"","ASSIGNED_BY_ID":"1","CREATED_BY_ID":"1","MODIFY_BY_ID":"1","DATE_CREATE":"2024-05-01T10:00:00+03:00","DATE_MODIFY":"2024-05-02T11:30:00+03:00","SOURCE_ID":"CALL","SOURCE_DESCRIPTION":null,"ADDITIONAL_INFO":null,"LOCATION_ID":null,"ORIGINATOR_ID":null,"ORIGIN_ID":null,"UTM_SOURCE":null,"UF_CRM_1700000000":[]},"time":{"start":1757424671.509725,"finish":1757424672.203906,"duration":0.694180965423584,"processing":0.6726489067077637,"date_start":"2025-09-09T16:31:11+03:00","date_finish":"2025-09-09T16:31:12+03:00","operating_reset_at":1757425271,"operating":0.6726338863372803}}"#;

#[derive(Serialize)]
struct IdParams {
    id: i64,
}

struct DealGet;
impl Method for DealGet {
    const NAME: &'static str = "crm.deal.get";
    const REST_VERSION: RestVersion = RestVersion::V2;
    const READ_ONLY: bool = true;
    type Params = IdParams;
    type Result = Deal;
    type Error = Box<b24_runtime::ApiError>;
}

/// What a hand-written integration would decode.
#[derive(Deserialize)]
#[allow(dead_code)]
struct RawAnswer {
    result: Deal,
}

/// A keep-alive HTTP/1.1 server on 127.0.0.1 answering every request with `BODY`; runs on its
/// own thread until the process ends.
fn start_server() -> String {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("server runtime");
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            tx.send(listener.local_addr().expect("addr"))
                .expect("send addr");
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                BODY.len()
            );
            let answer: &'static [u8] =
                Box::leak(format!("{head}{BODY}").into_bytes().into_boxed_slice());
            loop {
                let Ok((mut sock, _)) = listener.accept().await else {
                    return;
                };
                let _ = sock.set_nodelay(true);
                tokio::spawn(async move {
                    let mut buf = Vec::with_capacity(4096);
                    let mut chunk = [0u8; 4096];
                    loop {
                        // One request: headers, then content-length bytes.
                        let end = loop {
                            if let Some(e) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                                break e;
                            }
                            match sock.read(&mut chunk).await {
                                Ok(0) | Err(_) => return,
                                Ok(n) => buf.extend_from_slice(&chunk[..n]),
                            }
                        };
                        let len = String::from_utf8_lossy(&buf[..end])
                            .to_ascii_lowercase()
                            .lines()
                            .find_map(|l| {
                                l.strip_prefix("content-length:")
                                    .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                            })
                            .unwrap_or(0);
                        while buf.len() < end + 4 + len {
                            match sock.read(&mut chunk).await {
                                Ok(0) | Err(_) => return,
                                Ok(n) => buf.extend_from_slice(&chunk[..n]),
                            }
                        }
                        buf.drain(..end + 4 + len);
                        if sock.write_all(answer).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
    });
    let addr = rx.recv().expect("server address");
    format!("http://{addr}")
}

fn bench(c: &mut Criterion) {
    let base = start_server();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");

    let client = Client::builder()
        .webhook(&format!("{base}/rest/1/{CODE}/"))
        .no_rate_limit()
        .build()
        .expect("client");
    let http = reqwest::Client::builder().build().expect("reqwest");
    let url = format!("{base}/rest/1/{CODE}/crm.deal.get");

    // Both must work before timing.
    rt.block_on(async {
        let r = client
            .call::<DealGet>(&IdParams { id: 1234 })
            .await
            .expect("client call");
        assert_eq!(r.result.id, Some(1234));
    });

    let mut g = c.benchmark_group("call");
    g.measurement_time(Duration::from_secs(8));
    g.bench_function("raw_reqwest_serde_json", |b| {
        b.to_async(&rt).iter(|| async {
            let body = serde_json::to_vec(&IdParams { id: 1234 }).expect("params");
            let resp = http
                .post(&url)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .expect("send");
            let bytes = resp.bytes().await.expect("body");
            let a: RawAnswer = serde_json::from_slice(&bytes).expect("decode");
            std::hint::black_box(a)
        })
    });
    g.bench_function("client_call", |b| {
        b.to_async(&rt).iter(|| async {
            let r = client
                .call::<DealGet>(&IdParams { id: 1234 })
                .await
                .expect("call");
            std::hint::black_box(r)
        })
    });
    g.finish();
}

criterion_group!(benches, bench);

/// Alternates blocks of 50 raw calls and 50 client calls, 400 times, and gives the median of
/// the per-block ratios: robust against other load on the machine, which shifts both sides of
/// a pair alike.
fn paired() {
    let base = start_server();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let client = Client::builder()
        .webhook(&format!("{base}/rest/1/{CODE}/"))
        .no_rate_limit()
        .build()
        .expect("client");
    let http = reqwest::Client::builder().build().expect("reqwest");
    let url = format!("{base}/rest/1/{CODE}/crm.deal.get");
    let n = 50;
    let (raw, ours, ratios) = rt.block_on(async {
        let (mut raw, mut ours, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
        for round in 0..420 {
            let start = Instant::now();
            for _ in 0..n {
                let body = serde_json::to_vec(&IdParams { id: 1234 }).expect("params");
                let resp = http
                    .post(&url)
                    .header("content-type", "application/json")
                    .body(body)
                    .send()
                    .await
                    .expect("send");
                let bytes = resp.bytes().await.expect("body");
                let a: RawAnswer = serde_json::from_slice(&bytes).expect("decode");
                std::hint::black_box(a);
            }
            let a = start.elapsed().as_secs_f64() / n as f64;
            let start = Instant::now();
            for _ in 0..n {
                let r = client
                    .call::<DealGet>(&IdParams { id: 1234 })
                    .await
                    .expect("call");
                std::hint::black_box(r);
            }
            let b = start.elapsed().as_secs_f64() / n as f64;
            if round >= 20 {
                raw.push(a);
                ours.push(b);
                ratios.push(b / a);
            }
        }
        (raw, ours, ratios)
    });
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    println!(
        "paired: raw {:.1} µs, client {:.1} µs (medians); median ratio client/raw = {:.3} (target ≤ 1.10)",
        median(raw) * 1e6,
        median(ours) * 1e6,
        median(ratios)
    );
}

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    if std::env::args().any(|a| a == "--bench") {
        paired();
    }
}
