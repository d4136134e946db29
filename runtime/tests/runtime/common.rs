//! Hand-written method types (what the generator emits, in miniature) and test helpers.

use b24_runtime::{wire, ApiError, Client, Method, RestVersion, RetryPolicy, SystemError};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Deal {
    #[serde(rename = "ID", default, deserialize_with = "wire::opt_i64")]
    pub id: Option<i64>,
    #[serde(rename = "TITLE", default, deserialize_with = "wire::opt_string")]
    pub title: Option<String>,
    #[serde(rename = "OPENED", default, deserialize_with = "wire::opt_yes_no")]
    pub opened: Option<wire::YesNo>,
    #[serde(rename = "COMPANY_ID", default, deserialize_with = "wire::opt_i64")]
    pub company_id: Option<i64>,
}

/// A method's error enum, as the generator emits it (the support macro writes the impls).
#[derive(Debug, Clone)]
pub enum DealError {
    NotFound(Box<ApiError>),
    /// The portal's empty code (`{"error": "", "error_description": "Not found"}`).
    Empty(Box<ApiError>),
    System(SystemError, Box<ApiError>),
    Other(Box<ApiError>),
}
b24_runtime::support::method_error!(DealError { NotFound = "NOT_FOUND", Empty = "", });

#[derive(Debug, Clone, Serialize)]
pub struct IdParams {
    pub id: i64,
}

pub struct DealGet;
impl Method for DealGet {
    const NAME: &'static str = "crm.deal.get";
    const REST_VERSION: RestVersion = RestVersion::V2;
    const READ_ONLY: bool = true;
    type Params = IdParams;
    type Result = Deal;
    type Error = DealError;
}
b24_runtime::support::call_surface!(IdParams => DealGet);

#[derive(Debug, Clone, Serialize)]
pub struct DealAddParams {
    pub fields: Value,
}

pub struct DealAdd;
impl Method for DealAdd {
    const NAME: &'static str = "crm.deal.add";
    const REST_VERSION: RestVersion = RestVersion::V2;
    const READ_ONLY: bool = false;
    type Params = DealAddParams;
    type Result = i64;
    type Error = DealError;
}
b24_runtime::support::call_surface!(DealAddParams => DealAdd);

#[derive(Debug, Clone, Default, Serialize)]
pub struct ListParams {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub select: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<i64>,
}

pub struct DealList;
impl Method for DealList {
    const NAME: &'static str = "crm.deal.list";
    const REST_VERSION: RestVersion = RestVersion::V2;
    const READ_ONLY: bool = true;
    type Params = ListParams;
    type Result = Vec<Deal>;
    type Error = DealError;
}
b24_runtime::support::call_surface!(ListParams => DealList);
b24_runtime::support::list_surface!(DealList, ListParams, Deal, [], fast "ID");

#[derive(Debug, Clone, Serialize)]
pub struct TaskAddParams {
    pub fields: Value,
}

#[derive(Debug, Clone, Deserialize)]
pub struct TaskAdded {
    pub item: Value,
}

pub struct TaskAdd;
impl Method for TaskAdd {
    const NAME: &'static str = "tasks.task.add";
    const REST_VERSION: RestVersion = RestVersion::V3;
    const READ_ONLY: bool = false;
    type Params = TaskAddParams;
    type Result = TaskAdded;
    type Error = DealError;
}
b24_runtime::support::call_surface!(TaskAddParams => TaskAdd);

/// `{"result": …, "time": {…}}` as the portal answers.
pub fn ok(result: Value) -> Value {
    json!({
        "result": result,
        "time": {
            "start": 1757424671.509725, "finish": 1757424672.203906,
            "duration": 0.694180965423584, "processing": 0.6726489067077637,
            "date_start": "2025-09-09T16:31:11+03:00", "date_finish": "2025-09-09T16:31:12+03:00",
            "operating_reset_at": 1757425271, "operating": 0.25
        }
    })
}

pub fn v2_error(code: &str, description: &str) -> Value {
    json!({"error": code, "error_description": description})
}

/// Fast retries for tests.
pub fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        max_retries: 3,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(50),
        limit_budget: Duration::from_secs(5),
        max_operating_wait: Duration::from_secs(5),
    }
}

pub const WEBHOOK_CODE: &str = "s3cr3twebhookcode";

/// A webhook client against `base` (e.g. a wiremock URI), no client-side rate limit.
pub fn webhook_client(base: &str) -> Client {
    Client::builder()
        .webhook(&format!("{base}/rest/7/{WEBHOOK_CODE}/"))
        .no_rate_limit()
        .retry(fast_retry())
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

/// The webhook path of `method`.
pub fn hook_path(method: &str) -> String {
    format!("/rest/7/{WEBHOOK_CODE}/{method}")
}

pub fn hook_path_v3(method: &str) -> String {
    format!("/rest/api/7/{WEBHOOK_CODE}/{method}")
}

/// A bare HTTP/1.1 server on 127.0.0.1 for connection-level misbehaviour. Connection `i` gets
/// `script[i]` (the last entry repeats): `None` reads the request and drops the connection
/// without answering; `Some(json)` answers 200 with that body and closes. Returns the base URL
/// and the number of connections accepted so far. The server task ends with the test runtime.
pub async fn raw_server(
    script: Vec<Option<String>>,
) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let i = seen.fetch_add(1, Ordering::SeqCst);
            let answer = script[i.min(script.len() - 1)].clone();
            tokio::spawn(async move {
                let _ = read_request(&mut sock).await;
                if let Some(body) = answer {
                    let resp = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{}",
                        body.len(),
                        body
                    );
                    let _ = sock.write_all(resp.as_bytes()).await;
                    let _ = sock.shutdown().await;
                }
                // Dropping `sock` closes the connection.
            });
        }
    });

    async fn read_request(sock: &mut tokio::net::TcpStream) -> std::io::Result<Vec<u8>> {
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        loop {
            let n = sock.read(&mut chunk).await?;
            if n == 0 {
                return Ok(buf);
            }
            buf.extend_from_slice(&chunk[..n]);
            if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
                let len = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse::<usize>().ok())
                    .unwrap_or(0);
                while buf.len() < end + 4 + len {
                    let n = sock.read(&mut chunk).await?;
                    if n == 0 {
                        break;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                }
                return Ok(buf);
            }
        }
    }

    (format!("http://{addr}"), count)
}
