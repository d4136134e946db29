//! List traversal end to end: per mode (`fast_list`, `list`, page by page), the HTTP calls, the
//! client's CPU seconds (getrusage), wall time and peak RSS (VmHWM), against a loopback portal
//! serving N deals (`ID`, `TITLE`) in a separate process, so that the server's CPU is not the
//! client's.
//!
//! ```sh
//! cargo bench -p b24-runtime --bench lists
//! B24_LISTS_ROWS=100000 cargo bench -p b24-runtime --bench lists   # one size only
//! ```
//!
//! The binary plays three roles (chosen by `B24_LISTS_ROLE`): without it, it is the driver: it
//! starts itself as the server, then once per mode as a client, and prints one line per run.
//! Each client is a fresh process, so VmHWM is that mode's own peak.
//!
//! Figures of 2026-12-02 (2 cores shared with other builds; median of 5 runs, client CPU):
//!
//! | mode, rows        | f672d48                  | packed batches, no `Value` |
//! |-------------------|--------------------------|----------------------------|
//! | fast 100,000      | 41 calls, 0.086 s, 8 MB  | 41 calls, 0.037 s, 8 MB    |
//! | list 100,000      | 2000 calls, 0.092 s      | 41 calls, 0.037 s, 8 MB    |
//! | pages 100,000     | 2000 calls, 0.088 s      | 2000 calls, 0.091 s        |
//! | fast 1,000,000    | 401 calls, 0.85 s, 8 MB  | 401 calls, 0.39 s, 8 MB    |
//! | list 1,000,000    | 20000 calls, 1.16 s      | 401 calls, 0.33 s, 8 MB    |

use bitrix24::crm::deal::list;
use futures_util::StreamExt;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Instant;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const CODE: &str = "listsbenchcode";
const ROLE: &str = "B24_LISTS_ROLE";
const PAGE: usize = 50;

fn main() {
    match std::env::var(ROLE).as_deref() {
        Ok("server") => server(),
        Ok("client") => client(),
        _ => driver(),
    }
}

// ---------------------------------------------------------------------------------------------
// Driver

fn driver() {
    let exe = std::env::current_exe().expect("current exe");
    let sizes: Vec<usize> = match std::env::var("B24_LISTS_ROWS") {
        Ok(n) => vec![n.parse().expect("B24_LISTS_ROWS is a number")],
        Err(_) => vec![100_000, 1_000_000],
    };
    // Each mode runs this many times (a fresh process each); the line printed is the run of
    // median CPU, with the lowest CPU beside it (the machine is shared: CPU seconds are less
    // sensitive to other load than wall time, but not immune).
    let repeat: usize = std::env::var("B24_LISTS_REPEAT")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5)
        .max(1);
    println!("{repeat} runs per mode; the run of median client CPU, and the lowest CPU");
    println!(
        "{:<8} {:>9} {:>6} {:>8} {:>8} {:>9} {:>9}",
        "mode", "rows", "calls", "cpu_s", "wall_s", "peak_MB", "min_cpu_s"
    );
    for rows in sizes {
        let mut server = Command::new(&exe)
            .env(ROLE, "server")
            .env("B24_LISTS_N", rows.to_string())
            .stdout(Stdio::piped())
            .stdin(Stdio::piped())
            .spawn()
            .expect("start the server");
        let mut line = String::new();
        BufReader::new(server.stdout.take().expect("server stdout"))
            .read_line(&mut line)
            .expect("server address");
        let url = format!("http://{}/rest/1/{CODE}/", line.trim());
        // Page by page takes 20,000 calls for a million rows: only at the small size.
        let modes: &[&str] = if rows <= 100_000 {
            &["fast", "list", "pages"]
        } else {
            &["fast", "list"]
        };
        for mode in modes {
            let mut runs: Vec<(f64, String)> = (0..repeat)
                .map(|_| {
                    let out = Command::new(&exe)
                        .env(ROLE, "client")
                        .env("B24_LISTS_URL", &url)
                        .env("B24_LISTS_MODE", mode)
                        .env("B24_LISTS_N", rows.to_string())
                        .output()
                        .expect("run a client");
                    if !out.status.success() {
                        eprintln!("{}", String::from_utf8_lossy(&out.stderr));
                        panic!("the {mode} client failed");
                    }
                    let line = String::from_utf8_lossy(&out.stdout).trim_end().to_owned();
                    let cpu = line
                        .split_whitespace()
                        .nth(3)
                        .and_then(|c| c.parse().ok())
                        .unwrap_or(f64::NAN);
                    (cpu, line)
                })
                .collect();
            runs.sort_by(|a, b| a.0.total_cmp(&b.0));
            println!("{} {:>9.3}", runs[runs.len() / 2].1, runs[0].0);
        }
        // Closing its stdin ends the server.
        drop(server.stdin.take());
        let _ = server.wait();
    }
}

// ---------------------------------------------------------------------------------------------
// Client

fn cpu_seconds() -> f64 {
    // SAFETY: getrusage writes into the zeroed struct it is given.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) };
    let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    tv(ru.ru_utime) + tv(ru.ru_stime)
}

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn client() {
    let url = std::env::var("B24_LISTS_URL").expect("B24_LISTS_URL");
    let mode = std::env::var("B24_LISTS_MODE").expect("B24_LISTS_MODE");
    let expected: usize = std::env::var("B24_LISTS_N")
        .expect("B24_LISTS_N")
        .parse()
        .expect("a number");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async move {
        let client = b24_runtime::Client::builder()
            .webhook(&url)
            .no_rate_limit()
            .build()
            .expect("client");
        let calls_before = server_calls(&client).await;
        let params = list::Params::new().select(vec!["ID".to_owned(), "TITLE".to_owned()]);
        let cpu0 = cpu_seconds();
        let t0 = Instant::now();
        let mut rows = 0usize;
        let mut bytes = 0usize;
        let mut last = 0i64;
        match mode.as_str() {
            "fast" | "list" => {
                let mut stream = if mode == "fast" {
                    params.fast(&client)
                } else {
                    params.stream(&client)
                };
                while let Some(row) = stream.next().await {
                    let row = row.expect("a row");
                    let id = row.id.expect("an ID");
                    assert!(id > last, "rows out of order: {id} after {last}");
                    last = id;
                    bytes += row.title.map_or(0, |t| t.len());
                    rows += 1;
                }
            }
            "pages" => {
                let mut pages = params.pages(&client);
                while let Some(page) = pages.next().await {
                    for row in page.expect("a page").result {
                        let id = row.id.expect("an ID");
                        assert!(id > last, "rows out of order: {id} after {last}");
                        last = id;
                        bytes += row.title.map_or(0, |t| t.len());
                        rows += 1;
                    }
                }
            }
            other => panic!("unknown mode {other}"),
        }
        let wall = t0.elapsed().as_secs_f64();
        let cpu = cpu_seconds() - cpu0;
        assert_eq!(rows, expected, "rows traversed");
        assert!(bytes > 0);
        let calls = server_calls(&client).await - calls_before;
        let rss = peak_rss_mb();
        println!("{mode:<8} {rows:>9} {calls:>6} {cpu:>8.3} {wall:>8.3} {rss:>9.1}");
    });
}

async fn server_calls(client: &b24_runtime::Client) -> u64 {
    let r = client
        .call_raw("bench.calls", &json!({}))
        .await
        .expect("bench.calls");
    r.result.as_u64().expect("a count")
}

// ---------------------------------------------------------------------------------------------
// Server: a minimal keep-alive HTTP/1.1 portal answering `crm.deal.list` (by offset, or with
// `start=-1` after `>ID`) and `batch` of such commands with `$result[key][49][ID]` references.

fn server() {
    let n: i64 = std::env::var("B24_LISTS_N")
        .expect("B24_LISTS_N")
        .parse()
        .expect("a number");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("server runtime");
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        println!("{}", listener.local_addr().expect("addr"));
        // The driver closes our stdin to stop us.
        std::thread::spawn(|| {
            let mut s = String::new();
            let _ = std::io::stdin().read_line(&mut s);
            std::process::exit(0);
        });
        let calls = std::rc::Rc::new(std::cell::Cell::new(0u64));
        let local = tokio::task::LocalSet::new();
        local
            .run_until(async move {
                loop {
                    let Ok((sock, _)) = listener.accept().await else {
                        return;
                    };
                    let _ = sock.set_nodelay(true);
                    tokio::task::spawn_local(connection(sock, n, calls.clone()));
                }
            })
            .await;
    });
}

async fn connection(
    mut sock: tokio::net::TcpStream,
    n: i64,
    calls: std::rc::Rc<std::cell::Cell<u64>>,
) {
    let mut buf = Vec::with_capacity(8192);
    let mut chunk = vec![0u8; 65536];
    loop {
        let end = loop {
            if let Some(e) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break e;
            }
            match sock.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(k) => buf.extend_from_slice(&chunk[..k]),
            }
        };
        let head = String::from_utf8_lossy(&buf[..end]).into_owned();
        let len = head
            .to_ascii_lowercase()
            .lines()
            .find_map(|l| {
                l.strip_prefix("content-length:")
                    .map(|v| v.trim().to_owned())
            })
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(0);
        while buf.len() < end + 4 + len {
            match sock.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(k) => buf.extend_from_slice(&chunk[..k]),
            }
        }
        let body: Vec<u8> = buf[end + 4..end + 4 + len].to_vec();
        buf.drain(..end + 4 + len);
        let path = head.split_whitespace().nth(1).unwrap_or("").to_owned();
        let method = path.rsplit('/').next().unwrap_or("");
        let answer = match method {
            "bench.calls" => format!(r#"{{"result":{},"time":{TIME}}}"#, calls.get()),
            "crm.deal.list" => {
                calls.set(calls.get() + 1);
                let p: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                let gt = p["filter"][">ID"]
                    .as_i64()
                    .or_else(|| p["filter"][">ID"].as_str().and_then(|s| s.parse().ok()))
                    .unwrap_or(0);
                let start = p["start"].as_i64().unwrap_or(0);
                let page = Page::of(n, gt, start);
                let mut s = String::from(r#"{"result":"#);
                page.rows_json(&mut s);
                page.cursors(&mut s);
                s.push_str(&format!(r#","time":{TIME}}}"#));
                s
            }
            "batch" => {
                calls.set(calls.get() + 1);
                batch(n, &body)
            }
            _ => format!(
                r#"{{"error":"ERROR_METHOD_NOT_FOUND","error_description":"Method not found!","time":{TIME}}}"#
            ),
        };
        let reply = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{answer}",
            answer.len()
        );
        if sock.write_all(reply.as_bytes()).await.is_err() {
            return;
        }
    }
}

const TIME: &str = r#"{"start":1757424671.509725,"finish":1757424671.5203906,"duration":0.0106,"processing":0.0101,"date_start":"2025-09-09T16:31:11+03:00","date_finish":"2025-09-09T16:31:11+03:00","operating_reset_at":1757425271,"operating":0}"#;

/// One page of deals `> gt`, from offset `start` (`-1`: no counting, offset 0).
struct Page {
    first: i64,
    last: i64,
    total: Option<i64>,
    next: Option<i64>,
}

impl Page {
    fn of(n: i64, gt: i64, start: i64) -> Page {
        let matching = (n - gt.max(0)).max(0);
        let offset = start.max(0);
        let first = gt.max(0) + offset + 1;
        let last = (first + PAGE as i64 - 1).min(n);
        let counted = start >= 0;
        Page {
            first,
            last,
            total: counted.then_some(matching),
            next: (counted && offset + (PAGE as i64) < matching).then_some(offset + PAGE as i64),
        }
    }

    fn len(&self) -> usize {
        (self.last - self.first + 1).max(0) as usize
    }

    fn rows_json(&self, s: &mut String) {
        use std::fmt::Write;
        s.push('[');
        for id in self.first..=self.last {
            if id > self.first {
                s.push(',');
            }
            // About 126 bytes a row, as a real deal with `ID` and `TITLE` selected.
            let _ = write!(
                s,
                r#"{{"ID":"{id}","TITLE":"Deal #{id}: annual service contract, renewal with the extended warranty, on-site"}}"#
            );
        }
        s.push(']');
    }

    fn cursors(&self, s: &mut String) {
        if let Some(t) = self.total {
            s.push_str(&format!(r#","total":{t}"#));
        }
        if let Some(x) = self.next {
            s.push_str(&format!(r#","next":{x}"#));
        }
    }
}

fn batch(n: i64, body: &[u8]) -> String {
    let mut done: HashMap<String, Page> = HashMap::new();
    let mut result = String::from("{");
    let mut errors = String::from("{");
    let mut totals = String::from("{");
    let mut nexts = String::from("{");
    let mut times = String::from("{");
    // In the order sent (serde_json's own map may sort its keys).
    #[derive(serde::Deserialize)]
    struct Commands {
        cmd: b24_runtime::wire::Object,
    }
    if let Ok(Commands { cmd }) = serde_json::from_slice::<Commands>(body) {
        for (key, c) in &cmd {
            let c = c.as_str().unwrap_or("");
            let (method, query) = c.split_once('?').unwrap_or((c, ""));
            let mut gt = Ok(0i64);
            let mut start = 0i64;
            for (k, v) in form_urlencoded::parse(query.as_bytes()) {
                match &*k {
                    "filter[>ID]" => gt = resolve(&done, &v),
                    "start" => start = v.parse().unwrap_or(0),
                    _ => {}
                }
            }
            let sep = |s: &mut String| {
                if s.len() > 1 {
                    s.push(',');
                }
            };
            let gt = match (method, gt) {
                ("crm.deal.list", Ok(gt)) => gt,
                (_, res) => {
                    sep(&mut errors);
                    let what = match res {
                        Err(e) => e,
                        Ok(_) => "Method not found!".to_owned(),
                    };
                    errors.push_str(&format!(
                        r#""{key}":{{"error":"","error_description":{}}}"#,
                        json!(what)
                    ));
                    continue;
                }
            };
            let page = Page::of(n, gt, start);
            sep(&mut result);
            result.push_str(&format!(r#""{key}":"#));
            page.rows_json(&mut result);
            if let Some(t) = page.total {
                sep(&mut totals);
                totals.push_str(&format!(r#""{key}":{t}"#));
            }
            if let Some(x) = page.next {
                sep(&mut nexts);
                nexts.push_str(&format!(r#""{key}":{x}"#));
            }
            sep(&mut times);
            times.push_str(&format!(r#""{key}":{TIME}"#));
            done.insert(key.clone(), page);
        }
    }
    // PHP sends an empty array for an empty map.
    let close = |mut s: String| {
        if s.len() == 1 {
            "[]".to_owned()
        } else {
            s.push('}');
            s
        }
    };
    format!(
        r#"{{"result":{{"result":{},"result_error":{},"result_total":{},"result_next":{},"result_time":{}}},"time":{TIME}}}"#,
        close(result),
        close(errors),
        close(totals),
        close(nexts),
        close(times)
    )
}

/// `$result[key][i][ID]` against the pages already answered in this batch, or a number.
fn resolve(done: &HashMap<String, Page>, v: &str) -> Result<i64, String> {
    let Some(rest) = v.strip_prefix("$result[") else {
        return v.parse().map_err(|_| format!("bad ID {v}"));
    };
    let parts: Vec<&str> = rest.trim_end_matches(']').split("][").collect::<Vec<_>>();
    let (Some(key), Some(index)) = (parts.first(), parts.get(1)) else {
        return Err(format!("bad reference {v}"));
    };
    let page = done.get(*key).ok_or_else(|| format!("no command {key}"))?;
    let i: usize = index.parse().map_err(|_| format!("bad index in {v}"))?;
    if i < page.len() {
        Ok(page.first + i as i64)
    } else {
        Err(format!("reference {v} does not resolve"))
    }
}
