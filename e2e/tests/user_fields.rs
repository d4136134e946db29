//! A portal's custom field (`UF_CRM_…`), set on the mock portal through a typed
//! `crm.deal.add` and read back from a typed `crm.deal.get` and a typed `crm.deal.list` row: the
//! key the docs do not list lands in the result's `extra`, read with `get_as`.

use b24_mock::{Limits, MockPortal};
use b24_runtime::Client;
use bitrix24::crm::deal::{add, get, list};

const FIELD: &str = "UF_CRM_1720019876534";

#[tokio::test]
async fn a_custom_field_round_trips_through_typed_calls() -> Result<(), Box<dyn std::error::Error>>
{
    let docs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs-src");
    let portal = MockPortal::builder(b24gen::read_docs(&[docs]))
        .limits(Limits::Off)
        .start()
        .await?;
    let client = Client::builder().webhook(&portal.webhook_url()).build()?;

    let fields = add::Fields::new().title("Painted").extra(FIELD, 42);
    let id = *add::Params::new(fields).send(&client).await?.result;

    let deal = get::Params::new(id).send(&client).await?.result;
    assert_eq!(deal.title.as_deref(), Some("Painted"));
    assert_eq!(deal.extra.get_as::<i64>(FIELD)?, Some(42));
    assert!(
        deal.extra.keys().all(|k| k.starts_with("UF_")),
        "{:?}",
        deal.extra
    );

    let rows = list::Params::new()
        .filter(b24_runtime::wire::object([("ID", id)]))
        .select(vec!["ID".to_owned(), "TITLE".to_owned(), "UF_*".to_owned()])
        .send(&client)
        .await?
        .result;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].id, Some(id));
    assert_eq!(rows[0].extra.get_as::<i64>(FIELD)?, Some(42));
    // A key the row does not carry reads as absent, not as an error.
    assert_eq!(rows[0].extra.get_as::<String>("UF_CRM_MISSING")?, None);
    Ok(())
}
