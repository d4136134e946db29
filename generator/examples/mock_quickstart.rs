//! A mock Bitrix24 portal built from the docs, used the way a test uses it.
//!
//! ```sh
//! cargo run -p b24gen --example mock_quickstart
//! ```
use b24_mock::{Limits, MockPortal};
use b24_runtime::Client;
use serde_json::json;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The IR of the docs (or `b24gen ir --out ir.json` read with serde_json).
    let ir = b24gen::read_docs(&["docs-src".into()]);
    // On 127.0.0.1, a free port; stops when `portal` is dropped.
    let portal = MockPortal::builder(ir).limits(Limits::Off).start().await?;
    let client = Client::builder().webhook(&portal.webhook_url()).build()?;

    let added = client
        .call_raw("crm.deal.add", &json!({"fields": {"TITLE": "Mocked"}}))
        .await?;
    let found = client
        .call_raw("crm.deal.list", &json!({"filter": {"TITLE": "Mocked"}}))
        .await?;
    assert_eq!(found.total, Some(1));
    // As on a real portal: `add` answers the id as a number, lists carry it as a string.
    assert_eq!(found.result[0]["ID"], added.result.to_string());

    // What the portal saw, for assertions.
    let seen: Vec<String> = portal.requests().into_iter().map(|r| r.method).collect();
    assert_eq!(seen, ["crm.deal.add", "crm.deal.list"]);
    println!("deal {} added and found again", added.result);
    Ok(())
}
