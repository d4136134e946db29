//! List traversal against the loopback portal.

use crate::common::*;
use crate::portal::Portal;
use b24_runtime::list::Rows;
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
    // The first page alone, the two others in one batch.
    assert_eq!(calls_of(&portal), ["crm.deal.list×1", "batch×2"]);

    // Page by page: one call each.
    portal.state.lock().unwrap().calls.clear();
    let deals = client
        .list_paged::<DealList>(&ListParams::default())
        .collect_all()
        .await
        .unwrap();
    assert_eq!(deals.len(), 120);
    assert_eq!(calls_of(&portal), ["crm.deal.list×1"; 3]);

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

/// The calls the portal answered, as `method×commands`.
fn calls_of(portal: &Portal) -> Vec<String> {
    portal
        .calls()
        .into_iter()
        .map(|c| format!("{}×{}", c.method, c.commands))
        .collect()
}

fn ids(deals: &[Deal]) -> Vec<i64> {
    deals.iter().map(|d| d.id.unwrap()).collect()
}

#[tokio::test]
async fn a_packed_list_keeps_the_order_and_exposes_total() {
    let portal = Portal::start().await;
    portal.seed_deals(5_555);
    let client = client(&portal);
    let params = ListParams {
        filter: Some(json!({">ID": 5})),
        ..ListParams::default()
    };
    let mut rows = params.clone().stream(&client);
    let mut got = Vec::new();
    while let Some(deal) = rows.next().await {
        got.push(deal.unwrap());
        assert_eq!(rows.total(), Some(5_550));
    }
    assert_eq!(ids(&got), (6..=5_555).collect::<Vec<_>>());
    // 111 pages: the first alone, then 50, 50 and 10 to a batch.
    assert_eq!(
        calls_of(&portal),
        ["crm.deal.list×1", "batch×50", "batch×50", "batch×10"]
    );
    // Page by page gives the same rows.
    let paged = Rows::<DealList>::paged(&client, params)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(ids(&paged), ids(&got));
}

#[tokio::test]
async fn a_failing_page_in_the_middle_ends_the_packed_list() {
    let portal = Portal::start().await;
    portal.seed_deals(5_555);
    portal.state.lock().unwrap().fail_start = Some(2_500);
    let client = client(&portal);
    let items = client
        .list::<DealList>(&ListParams::default())
        .collect::<Vec<_>>()
        .await;
    // Pages 0..=2450 (2,500 rows) in order, then the error, then nothing.
    let (rows, errors): (Vec<_>, Vec<_>) = items.into_iter().partition(Result::is_ok);
    let rows: Vec<Deal> = rows.into_iter().map(Result::unwrap).collect();
    assert_eq!(ids(&rows), (1..=2_500).collect::<Vec<_>>());
    assert_eq!(errors.len(), 1);
    let err = errors.into_iter().next().unwrap().unwrap_err();
    assert_eq!(err.code(), Some("ERROR_CORE"), "{err:?}");
    assert!(err.to_string().contains("2500"), "{err}");
    // The failing page was the last of the first batch; nothing was asked after it.
    assert_eq!(calls_of(&portal), ["crm.deal.list×1", "batch×50"]);
}

#[tokio::test]
async fn a_packed_list_follows_a_growing_total() {
    let portal = Portal::start().await;
    portal.seed_deals(120);
    let client = client(&portal);
    let mut rows = client.list::<DealList>(&ListParams::default());
    let mut got = Vec::new();
    while let Some(deal) = rows.next().await {
        got.push(deal.unwrap());
        if got.len() == 1 {
            // Between the first page and the others, 100 deals are added.
            assert_eq!(rows.total(), Some(120));
            portal.seed_deals(100);
        }
    }
    assert_eq!(ids(&got), (1..=220).collect::<Vec<_>>());
    assert_eq!(rows.total(), Some(220));
    assert!(
        rows.total_changed(),
        "120 then 220 rows: the stream says the list moved"
    );
    // The first batch was planned for 120 rows (2 pages); its last page said more follow.
    assert_eq!(calls_of(&portal), ["crm.deal.list×1", "batch×2", "batch×2"]);
}

#[tokio::test]
async fn a_packed_list_stops_where_a_shrinking_total_ends() {
    let portal = Portal::start().await;
    portal.seed_deals(200);
    let client = client(&portal);
    let mut rows = client.list::<DealList>(&ListParams::default());
    let mut got = Vec::new();
    while let Some(deal) = rows.next().await {
        got.push(deal.unwrap());
        if got.len() == 1 {
            // 60 deals go: the last planned page comes back empty, and is not waited for.
            let mut st = portal.state.lock().unwrap();
            for id in 141..=200 {
                st.deals.remove(&id);
            }
        }
    }
    assert_eq!(ids(&got), (1..=140).collect::<Vec<_>>());
    assert_eq!(rows.total(), Some(140));
    assert!(rows.total_changed());
    assert_eq!(calls_of(&portal), ["crm.deal.list×1", "batch×3"]);
}

/// Rows with the portal's quirks (numbers as strings, `Y`/`N`, `""`/`[]`/`null` for empty).
fn quirky_rows() -> Vec<serde_json::Value> {
    (1..=130)
        .map(|id| match id % 5 {
            0 => json!({"ID": id.to_string(), "TITLE": "", "OPENED": "N", "COMPANY_ID": []}),
            1 => json!({"ID": id, "TITLE": 42, "OPENED": "Y", "COMPANY_ID": "7"}),
            2 => json!({"ID": id.to_string(), "OPENED": null, "COMPANY_ID": null, "UF": {"a": [1]}}),
            3 => json!({"ID": id.to_string(), "TITLE": "été \"q\"", "OPENED": false, "COMPANY_ID": ""}),
            _ => json!({"ID": id.to_string(), "TITLE": "Deal", "OPENED": "Y", "COMPANY_ID": 12}),
        })
        .collect()
}

#[tokio::test]
async fn quirky_rows_decode_the_same_on_every_path() {
    let portal = Portal::start().await;
    {
        let mut st = portal.state.lock().unwrap();
        for (i, row) in quirky_rows().into_iter().enumerate() {
            st.deals.insert(i as i64 + 1, row);
        }
    }
    let client = client(&portal);
    // The old path: the rows through `serde_json::Value`.
    let expected: Vec<Deal> =
        serde_json::from_value(serde_json::Value::Array(quirky_rows())).unwrap();
    assert_eq!(expected[1].id, Some(2));
    assert_eq!(expected[1].opened, None);
    assert_eq!(expected[0].title.as_deref(), Some("42"));

    let listed = client
        .list::<DealList>(&ListParams::default())
        .collect_all()
        .await
        .unwrap();
    assert_eq!(listed, expected, "list");
    let paged = client
        .list_paged::<DealList>(&ListParams::default())
        .collect_all()
        .await
        .unwrap();
    assert_eq!(paged, expected, "page by page");
    let fast = client
        .fast_list::<DealList>(&ListParams::default())
        .collect_all()
        .await
        .unwrap();
    assert_eq!(fast, expected, "fast");

    // The generated crate's row type too.
    use bitrix24::crm::deal::list;
    let generated = list::Params::new()
        .stream(&client)
        .collect_all()
        .await
        .unwrap();
    let old: Vec<list::Item> =
        serde_json::from_value(serde_json::Value::Array(quirky_rows())).unwrap();
    assert_eq!(format!("{generated:?}"), format!("{old:?}"));
}

/// Rows deleted before the offset reached them shift the rest: deals 51..=60 are skipped, and
/// the stream says the list changed; a list that did not change says so too.
#[tokio::test]
async fn an_offset_list_detects_rows_moving_under_it() {
    let portal = Portal::start().await;
    portal.seed_deals(120);
    let client = client(&portal);
    let mut rows = client.list::<DealList>(&ListParams::default());
    let mut got = Vec::new();
    while let Some(deal) = rows.next().await {
        got.push(deal.unwrap());
        if got.len() == 1 {
            let mut st = portal.state.lock().unwrap();
            for id in 1..=10 {
                st.deals.remove(&id);
            }
        }
    }
    // 1..=50 were read before the deletion; the offset 50 then pointed at deal 61.
    assert_eq!(got.len(), 110);
    assert!(!ids(&got).contains(&55), "deals 51..=60 were skipped");
    assert!(rows.total_changed());

    let mut rows = client.list::<DealList>(&ListParams::default());
    while let Some(deal) = rows.next().await {
        deal.unwrap();
    }
    assert_eq!(rows.total(), Some(110));
    assert!(!rows.total_changed());
}
