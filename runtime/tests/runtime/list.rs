//! List traversal against the loopback portal.

use crate::common::*;
use crate::portal::Portal;
use b24_runtime::Client;
use futures_util::StreamExt;
use serde_json::json;

fn client(portal: &Portal) -> Client {
    Client::builder()
        .webhook(&portal.webhook_url())
        .no_rate_limit()
        .retry(fast_retry())
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_list_over_three_pages() {
    let portal = Portal::start().await;
    portal.seed_deals(120);
    let client = client(&portal);

    let mut stream = client.list::<DealList>(&ListParams::default());
    assert_eq!(stream.total(), None);
    let mut ids = Vec::new();
    while let Some(deal) = stream.next().await {
        ids.push(deal.unwrap().id.unwrap());
        assert_eq!(stream.total(), Some(120));
    }
    assert_eq!(ids, (1..=120).collect::<Vec<_>>());
    let calls = portal.calls();
    assert_eq!(calls.len(), 3);
    assert!(calls.iter().all(|c| c.method == "crm.deal.list"));

    // Pages expose the cursors.
    let pages = client
        .pages::<DealList>(&ListParams::default())
        .collect_all()
        .await
        .unwrap();
    let cursors: Vec<_> = pages.iter().map(|p| (p.result.len(), p.next)).collect();
    assert_eq!(cursors, [(50, Some(50)), (50, Some(100)), (20, None)]);
}

#[tokio::test]
async fn a_list_stops_at_the_first_error() {
    let portal = Portal::start().await;
    let client = client(&portal);
    // Unknown method: the first page fails, the stream ends.
    let items = client
        .list::<BadList>(&ListParams::default())
        .collect::<Vec<_>>()
        .await;
    assert_eq!(items.len(), 1);
    assert_eq!(
        items[0].as_ref().unwrap_err().code(),
        Some("ERROR_METHOD_NOT_FOUND")
    );
}

pub struct BadList;
impl b24_runtime::Method for BadList {
    const NAME: &'static str = "crm.nothing.list";
    const REST_VERSION: b24_runtime::RestVersion = b24_runtime::RestVersion::V2;
    const READ_ONLY: bool = true;
    type Params = ListParams;
    type Result = Vec<Deal>;
    type Error = DealError;
}
impl b24_runtime::Paginated for BadList {}
impl b24_runtime::Listed for BadList {
    type Row = Deal;
    const ROWS: &'static [&'static str] = &[];
    fn rows(result: Vec<Deal>) -> Vec<Deal> {
        result
    }
}

#[tokio::test]
async fn fast_traversal_of_100000_rows() {
    let portal = Portal::start().await;
    portal.seed_deals(100_000);
    let client = client(&portal);

    let deals = client
        .fast_list::<DealList>(&ListParams::default())
        .collect_all()
        .await
        .unwrap();
    assert_eq!(deals.len(), 100_000);
    assert!(deals.iter().zip(1..).all(|(d, id)| d.id == Some(id)));
    let calls = portal.calls();
    assert!(calls
        .iter()
        .all(|c| c.method == "batch" && c.commands <= 50));
    // 2,500 rows per call; one more call finds the end.
    assert!((40..=41).contains(&calls.len()), "{} calls", calls.len());
}

#[tokio::test]
async fn fast_traversal_keeps_the_filter_and_starts_after_an_id() {
    let portal = Portal::start().await;
    portal.seed_deals(5_555);
    let client = client(&portal);
    let params = ListParams {
        filter: Some(json!({">ID": 1000})),
        order: Some(json!({"TITLE": "DESC"})),
        ..ListParams::default()
    };
    let deals = client
        .fast_list::<DealList>(&params)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(deals.len(), 4_555);
    assert_eq!(deals.first().unwrap().id, Some(1001));
    assert_eq!(deals.last().unwrap().id, Some(5555));
    // 4,555 rows: 2 calls of 2,500.
    assert_eq!(portal.calls().len(), 2);
}
