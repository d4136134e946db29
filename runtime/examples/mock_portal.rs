//! The runtime end to end against a loopback mock portal this program starts itself.
//!
//! ```sh
//! cargo run -p b24-runtime --example mock_portal
//! ```
//!
//! The method types below are what the generator emits for each documented method, by hand.

#[path = "support/portal.rs"]
mod portal;

use b24_runtime::batch::Batch;
use b24_runtime::list::FastList;
use b24_runtime::{wire, Client, Method, MethodError, RestVersion};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

#[derive(Debug, Deserialize)]
struct Deal {
    #[serde(rename = "ID", default, deserialize_with = "wire::opt_i64")]
    id: Option<i64>,
    #[serde(rename = "TITLE", default, deserialize_with = "wire::opt_string")]
    title: Option<String>,
    #[serde(rename = "OPENED", default, deserialize_with = "wire::opt_yes_no")]
    opened: Option<wire::YesNo>,
    #[serde(rename = "COMPANY_ID", default, deserialize_with = "wire::opt_i64")]
    company_id: Option<i64>,
}

#[derive(Debug)]
enum DealError {
    NotFound,
    Other(String),
}

impl MethodError for DealError {
    fn from_code(code: &str, _description: &str) -> Self {
        match code {
            "NOT_FOUND" => DealError::NotFound,
            other => DealError::Other(other.to_owned()),
        }
    }
    fn code(&self) -> &str {
        match self {
            DealError::NotFound => "NOT_FOUND",
            DealError::Other(c) => c,
        }
    }
}

#[derive(Serialize)]
struct DealAddParams {
    fields: Value,
}
struct DealAdd;
impl Method for DealAdd {
    const NAME: &'static str = "crm.deal.add";
    const REST_VERSION: RestVersion = RestVersion::V2;
    const READ_ONLY: bool = false;
    type Params = DealAddParams;
    type Result = i64;
    type Error = DealError;
}

#[derive(Serialize)]
struct DealGetParams {
    id: i64,
}
struct DealGet;
impl Method for DealGet {
    const NAME: &'static str = "crm.deal.get";
    const REST_VERSION: RestVersion = RestVersion::V2;
    const READ_ONLY: bool = true;
    type Params = DealGetParams;
    type Result = Deal;
    type Error = DealError;
}

#[derive(Serialize, Default)]
struct DealListParams {
    #[serde(skip_serializing_if = "Option::is_none")]
    filter: Option<Value>,
}
struct DealList;
impl Method for DealList {
    const NAME: &'static str = "crm.deal.list";
    const REST_VERSION: RestVersion = RestVersion::V2;
    const READ_ONLY: bool = true;
    type Params = DealListParams;
    type Result = Vec<Deal>;
    type Error = DealError;
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let portal = portal::Portal::start().await;
    portal.seed_deals(7_500);
    portal.add_company(10, "Acme Ltd");
    println!("mock portal at {}", portal.server.uri());

    let client = Client::builder().webhook(&portal.webhook_url()).build()?;
    println!("client: {client:?}");

    // A typed write and a typed read.
    let id = client
        .call::<DealAdd>(&DealAddParams {
            fields: json!({"TITLE": "Example deal", "COMPANY_ID": 10}),
        })
        .await?
        .result;
    let deal = client.call::<DealGet>(&DealGetParams { id }).await?;
    println!(
        "deal {id}: {:?}, opened: {:?}, operating {:?}s; unknown fields kept: {}",
        deal.result.title,
        deal.result.opened.map(bool::from),
        deal.time.as_ref().and_then(|t| t.operating),
        deal.raw_value()["UF_CRM_1700000000"]
    );

    // A typed error.
    match client.call::<DealGet>(&DealGetParams { id: 999_999 }).await {
        Err(e) => println!("missing deal: {e} → {:?}", e.method_error::<DealGet>()),
        Ok(_) => return Err("a missing deal was found".into()),
    }

    // A batch with a reference between commands.
    let mut batch = Batch::new();
    let d = batch.add_keyed::<DealGet>("deal", &DealGetParams { id })?;
    let company = batch.add_raw(
        "company",
        "crm.company.get",
        json!({"id": d.field("COMPANY_ID")}),
        true,
    )?;
    let results = client.batch(&batch).await?;
    println!(
        "batch: deal company {:?} is {}",
        results.get(&d)?.result.company_id,
        results.raw(&company)?.result["TITLE"]
    );

    // A list stream with its total.
    let mut rows = client.list::<DealList>(&DealListParams {
        filter: Some(json!({">ID": 7_400})),
    });
    let mut n = 0;
    while let Some(row) = rows.next().await {
        row?;
        n += 1;
    }
    println!("list: {n} rows of total {:?}", rows.total());

    // The fast traversal: every deal, 2,500 per HTTP call.
    let before = portal.calls().len();
    let all = client
        .fast_list::<DealList>(&DealListParams::default(), FastList::default())
        .collect_all()
        .await?;
    let first = all.first().and_then(|d| d.id);
    let last = all.last().and_then(|d| d.id);
    println!(
        "fast list: {} deals (IDs {first:?}..{last:?}) in {} HTTP calls",
        all.len(),
        portal.calls().len() - before
    );

    for (method, stats) in client.operating_all() {
        println!(
            "operating {method}: {:.2}s over {} answers",
            stats.operating, stats.calls
        );
    }
    Ok(())
}
