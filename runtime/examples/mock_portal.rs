//! The generated client (the committed `generated-client/`, its `crm.deal.*` methods) end to end
//! against a loopback mock portal this program starts itself.
//!
//! ```sh
//! cargo run -p b24-runtime --example mock_portal
//! ```
//!
//! The part between the `README` markers is the README's "Use the client" section, word for
//! word (a test keeps the two the same); CI runs this example.

#[path = "support/portal.rs"]
mod portal;

// README: begin
use bitrix24::crm::deal::{add, get, list};
use bitrix24::runtime::batch::Batch;
use bitrix24::runtime::{wire, Client, Error};
use futures_util::StreamExt;

async fn use_the_client(webhook: &str) -> Result<(), Box<dyn std::error::Error>> {
    // A client for an inbound webhook (OAuth: `Client::builder().oauth(…)`).
    let client = Client::webhook(webhook)?;

    // A typed call: the params know their method, the answer is typed.
    let fields = add::Fields::new()
        .title("Example deal")
        .extra("COMPANY_ID", 10);
    let id = *add::Params::new(fields).send(&client).await?.result;
    let deal = get::Params::new(id).send(&client).await?;
    println!(
        "deal {id}: {:?}, opened: {:?}",
        deal.result.title, deal.result.opened
    );

    // The method's own errors are matched directly, next to transport, limit and auth errors.
    match get::Params::new(999_999).send(&client).await {
        Err(Error::Api(get::Error::Empty(e))) => println!("no such deal: {}", e.description),
        Err(Error::Api(get::Error::System(kind, _))) => println!("the portal is busy: {kind:?}"),
        Err(e) => return Err(e.into()),
        Ok(_) => return Err("a missing deal was found".into()),
    }

    // Every row of a list, page by page, with the total once the first page is in.
    let filter = wire::object([(">ID", 7_400)]);
    let mut rows = list::Params::new().filter(filter).stream(&client);
    let mut n = 0;
    while let Some(row) = rows.next().await {
        row?;
        n += 1;
    }
    println!("list: {n} rows of {:?}", rows.total());

    // Every deal by the fast traversal: ordered by ID, 2,500 rows per HTTP call.
    let all = list::Params::new().fast(&client).collect_all().await?;
    println!("fast list: {} deals", all.len());

    // A batch: typed commands, a reference between them, typed results and errors back.
    let mut batch = Batch::new();
    let first = batch.add(&get::Params::new(id))?;
    let missing = batch.add(&get::Params::new(999_999))?;
    let results = client.batch(&batch).await?;
    println!("batch: {:?}", results.get(&first)?.result.title);
    if let Err(Error::Api(get::Error::Empty(e))) = results.get(&missing) {
        println!("batch: the second deal: {}", e.description);
    }
    Ok(())
}
// README: end

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let portal = portal::Portal::start().await;
    portal.seed_deals(7_500);
    portal.add_company(10, "Acme Ltd");
    println!("mock portal at {}", portal.server.uri());

    use_the_client(&portal.webhook_url()).await?;

    // Below: what the README leaves out — raw calls by name, references between commands,
    // the HTTP calls each traversal made, and the operating time the portal reported.
    let client = Client::webhook(&portal.webhook_url())?;
    let fields = add::Fields::new()
        .title("Referenced")
        .extra("COMPANY_ID", 10);
    let id = *add::Params::new(fields).send(&client).await?.result;
    let mut batch = Batch::new();
    let deal = batch.add_keyed("deal", &get::Params::new(id))?;
    let company = batch.add_raw(
        "company",
        "crm.company.get",
        serde_json::json!({"id": deal.field("COMPANY_ID")}),
        true,
    )?;
    let results = client.batch(&batch).await?;
    println!(
        "batch reference: the deal's company {:?} is {}",
        results.get(&deal)?.result.company_id,
        results.raw(&company)?.result["TITLE"]
    );
    let raw = client
        .call_raw("crm.deal.get", &serde_json::json!({"id": 1}))
        .await?;
    println!(
        "raw call: {} (fields the docs do not list are kept: {})",
        raw.result["TITLE"], raw.result["UF_CRM_1700000000"]
    );
    match client
        .call_raw("crm.nothing.list", &serde_json::json!({}))
        .await
    {
        Err(Error::Api(e)) => println!("raw error: {e} (retryable: {})", e.is_retryable()),
        Err(e) => return Err(e.into()),
        Ok(_) => return Err("an unknown method answered".into()),
    }
    let before = portal.calls().len();
    let all = list::Params::new().fast(&client).collect_all().await?;
    println!(
        "fast list: {} deals (IDs {:?}..{:?}) in {} HTTP calls",
        all.len(),
        all.first().and_then(|d| d.id),
        all.last().and_then(|d| d.id),
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
