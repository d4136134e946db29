//! The committed generated client (`generated-client/`) on the runtime: the call surface as a
//! user meets it, against the loopback portal.

use crate::portal::Portal;
use bitrix24::crm::deal::{add, get, list};
use bitrix24::runtime::batch::Batch;
use bitrix24::runtime::{wire, Client, Error};

fn client(portal: &Portal) -> Client {
    Client::builder()
        .webhook(&portal.webhook_url())
        .no_rate_limit()
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_typed_error_is_matched_without_naming_the_method_type() {
    let portal = Portal::start().await;
    let client = client(&portal);
    match get::Params::new(404).send(&client).await {
        Err(Error::Api(get::Error::Empty(e))) => {
            assert_eq!((e.description.as_str(), e.status), ("Not found", 400));
        }
        other => panic!("expected the documented empty-code error, got {other:?}"),
    }
}

#[tokio::test]
async fn send_stream_fast_and_batch_through_the_generated_params() {
    let portal = Portal::start().await;
    portal.seed_deals(120);
    let client = client(&portal);
    let fields = add::Fields::new().title("T").extra("COMPANY_ID", 7);
    let id = *add::Params::new(fields).send(&client).await.unwrap().result;
    assert_eq!(id, 121);
    let deal = get::Params::new(id)
        .send(&client)
        .timeout(std::time::Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(deal.result.company_id, Some(7));

    let mut rows = list::Params::new()
        .filter(wire::object([(">ID", 20)]))
        .stream(&client);
    assert_eq!(rows.total(), None, "nothing is sent before the first poll");
    let mut ids = Vec::new();
    while let Some(row) = futures_util::StreamExt::next(&mut rows).await {
        ids.push(row.unwrap().id.unwrap());
    }
    assert_eq!(ids, (21..=121).collect::<Vec<_>>());
    assert_eq!(rows.total(), Some(101));

    let all = list::Params::new()
        .fast(&client)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(all.len(), 121);
    let pages: Vec<_> =
        futures_util::StreamExt::collect::<Vec<_>>(list::Params::new().pages(&client)).await;
    assert_eq!(pages.len(), 3);

    let mut batch = Batch::new();
    let first = batch.add(&get::Params::new(1)).unwrap();
    let missing = batch.add(&get::Params::new(999)).unwrap();
    let results = client.batch(&batch).await.unwrap();
    assert_eq!(results.get(&first).unwrap().result.id, Some(1));
    assert!(matches!(
        results.get(&missing),
        Err(Error::Api(get::Error::Empty(_)))
    ));
}

#[test]
fn the_readme_shows_the_example_word_for_word() {
    let readme = include_str!("../../../README.md");
    let example = include_str!("../../examples/mock_portal.rs");
    let (Some(b), Some(e)) = (
        example.find("// README: begin\n"),
        example.find("// README: end"),
    ) else {
        panic!("the example lost its README markers");
    };
    let snippet = &example[b + "// README: begin\n".len()..e];
    assert!(
        readme.contains(&format!("```rust\n{snippet}```")),
        "README.md's \"Use the client\" block differs from runtime/examples/mock_portal.rs"
    );
}

/// The generated event payloads keep credentials in `Secret` (redacted in `Debug`), and
/// `Event::from_verified` checks the application token before decoding.
#[test]
fn generated_event_payloads_redact_and_verify() {
    use bitrix24::events::Event;
    let body = "event=ONCRMDEALADD&data[FIELDS][ID]=6641&ts=1735374081\
        &auth[access_token]=ACCESS-s6p6ecl&auth[domain]=x.bitrix24.com\
        &auth[application_token]=APP-51856fef";
    let e = Event::from_verified(None, body.as_bytes(), "APP-51856fef").expect("verified");
    let shown = format!("{e:?}");
    assert!(
        !shown.contains("ACCESS-s6p6ecl") && !shown.contains("APP-51856fef"),
        "{shown}"
    );
    match &e {
        Event::OnCrmDealAdd(p) => {
            let auth = p.auth.as_ref().expect("auth");
            assert_eq!(
                auth.access_token.as_ref().map(|s| s.expose()),
                Some("ACCESS-s6p6ecl")
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        Event::from_verified(None, body.as_bytes(), "APP-other"),
        Err(b24_runtime::events::EventError::BadToken)
    ));
}
