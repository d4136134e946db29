//! Batches against the loopback portal.

use crate::common::*;
use crate::portal::Portal;
use b24_runtime::batch::Batch;
use b24_runtime::{Client, Error};
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
async fn batch_with_a_failing_command() {
    let portal = Portal::start().await;
    portal.seed_deals(2);
    let client = client(&portal);

    let mut batch = Batch::new();
    let first = batch.add_keyed("first", &IdParams { id: 1 }).unwrap();
    let missing = batch.add_keyed("missing", &IdParams { id: 999 }).unwrap();
    let second = batch.add_keyed("second", &IdParams { id: 2 }).unwrap();
    let results = client.batch(&batch).await.unwrap();

    assert_eq!(results.get(&first).unwrap().result.id, Some(1));
    assert_eq!(results.get(&second).unwrap().result.id, Some(2));
    assert!(
        results.get(&first).unwrap().time.is_some(),
        "per-command time kept"
    );
    let err = results.get(&missing).unwrap_err();
    let api = err.api().expect("the command's API error");
    assert_eq!(
        (
            api.code.as_str(),
            api.method.as_str(),
            api.description.as_str()
        ),
        ("", "crm.deal.get", "Not found")
    );
    // Typed straight from the handle: the method's own enum (the portal's empty code).
    assert!(
        matches!(&err, Error::Api(DealError::Empty(e)) if e.description == "Not found"),
        "{err:?}"
    );
    assert_eq!(results.errors().len(), 1);
    assert_eq!(
        results.keys().collect::<Vec<_>>(),
        ["first", "missing", "second"]
    );
    assert_eq!(results.http_calls(), 1);

    // With halt, the commands after the failure do not run.
    batch.halt(true);
    let results = client.batch(&batch).await.unwrap();
    assert!(results.get(&first).is_ok());
    assert_eq!(results.get(&missing).unwrap_err().code(), Some(""));
    match results.get(&second).unwrap_err() {
        Error::Skipped { key, reason, .. } => {
            assert_eq!(key, "second");
            assert!(reason.contains("halt"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn references_between_commands() {
    let portal = Portal::start().await;
    portal.add_company(10, "Acme");
    let client = client(&portal);

    let mut batch = Batch::new();
    let add = batch
        .add_keyed(
            "add",
            &DealAddParams {
                fields: json!({"TITLE": "With company", "COMPANY_ID": 10}),
            },
        )
        .unwrap();
    let deal = batch.add_keyed("deal", &IdParams { id: 0 }).unwrap();
    batch.set_param(&deal, &["id"], add.result()).unwrap();
    let company = batch
        .add_raw(
            "company",
            "crm.company.get",
            json!({"id": deal.field("COMPANY_ID")}),
            true,
        )
        .unwrap();
    let results = client.batch(&batch).await.unwrap();

    let id = results.get(&add).unwrap().result;
    let d = results.get(&deal).unwrap().result;
    assert_eq!(d.id, Some(id));
    assert_eq!(d.company_id, Some(10));
    assert_eq!(results.raw(&company).unwrap().result["TITLE"], "Acme");
}

#[tokio::test]
async fn a_120_command_batch_is_split_in_three() {
    let portal = Portal::start().await;
    portal.seed_deals(120);
    let client = client(&portal);

    let mut batch = Batch::new();
    let handles: Vec<_> = (1..=119)
        .map(|id| batch.add(&IdParams { id }).unwrap())
        .collect();
    // Command 120 (third call) refers to command 1 (first call): resolved on the client.
    let h = batch
        .add_raw(
            "cross",
            "crm.deal.get",
            json!({"id": handles[0].field("ID")}),
            true,
        )
        .unwrap();
    let results = client.batch(&batch).await.unwrap();

    for (i, h) in handles.iter().enumerate() {
        assert_eq!(results.get(h).unwrap().result.id, Some(i as i64 + 1));
    }
    assert_eq!(results.raw(&h).unwrap().result["ID"], "1");
    let calls = portal.calls();
    let sizes: Vec<usize> = calls.iter().map(|c| c.commands).collect();
    assert!(calls.iter().all(|c| c.method == "batch"));
    assert_eq!(batch.len(), 120);
    assert_eq!(sizes, [50, 50, 20]);
    assert_eq!(results.http_calls(), 3);
}

#[tokio::test]
async fn string_keys_stay_strings() {
    let portal = Portal::start().await;
    portal.seed_deals(3);
    let client = client(&portal);
    // "0", "1", "2" come back as a JSON list (PHP); "007" stays a key.
    let mut batch = Batch::new();
    let hs: Vec<_> = (0..3)
        .map(|i| {
            batch
                .add_keyed(i.to_string(), &IdParams { id: i + 1 })
                .unwrap()
        })
        .collect();
    let results = client.batch(&batch).await.unwrap();
    for (i, h) in hs.iter().enumerate() {
        assert_eq!(h.key(), i.to_string());
        assert_eq!(results.get(h).unwrap().result.id, Some(i as i64 + 1));
    }
    let mut batch = Batch::new();
    let a = batch.add_keyed("007", &IdParams { id: 3 }).unwrap();
    let b = batch.add_keyed("deal one", &IdParams { id: 1 }).unwrap();
    let results = client.batch(&batch).await.unwrap();
    assert_eq!(results.get(&a).unwrap().result.id, Some(3));
    assert_eq!(results.get(&b).unwrap().result.id, Some(1));
    assert!(results.raw_by_key("7").is_none());
}

#[tokio::test]
async fn rest3_methods_are_refused() {
    let mut batch = Batch::new();
    let err = batch.add(&TaskAddParams { fields: json!({}) }).unwrap_err();
    assert!(matches!(err, Error::Invalid { .. }), "{err:?}");
}

#[tokio::test]
async fn mixed_typed_results_and_errors_decode_from_the_answer() {
    let portal = Portal::start().await;
    portal.seed_deals(60);
    let client = client(&portal);

    let mut batch = Batch::new();
    let deal = batch.add_keyed("deal", &IdParams { id: 7 }).unwrap();
    let page = batch
        .add_keyed(
            "page",
            &ListParams {
                start: Some(50),
                ..ListParams::default()
            },
        )
        .unwrap();
    let missing = batch.add_keyed("missing", &IdParams { id: 999 }).unwrap();
    let added = batch
        .add_keyed(
            "added",
            &DealAddParams {
                fields: json!({"TITLE": "New"}),
            },
        )
        .unwrap();
    let rejected = batch
        .add_keyed("rejected", &DealAddParams { fields: json!({}) })
        .unwrap();
    let unknown = batch
        .add_raw("unknown", "crm.nothing.get", json!({}), true)
        .unwrap();
    let results = client.batch(&batch).await.unwrap();

    // Each result typed as its own method's `Result`, with its cursors and its wire text.
    let d = results.get(&deal).unwrap();
    assert_eq!(
        (d.result.id, d.result.opened),
        (Some(7), Some(b24_runtime::wire::YesNo::Y))
    );
    let raw: serde_json::Value = serde_json::from_str(d.raw().unwrap().get()).unwrap();
    assert_eq!(
        raw["UF_CRM_1700000000"],
        json!([]),
        "fields the type lacks stay in raw"
    );
    let p = results.get(&page).unwrap();
    assert_eq!(p.result.len(), 10);
    assert_eq!((p.total, p.next), (Some(60), None));
    assert_eq!(p.result[0].id, Some(51));
    assert_eq!(results.get(&added).unwrap().result, 61);
    // Errors typed as each method's enum.
    assert!(matches!(
        results.get(&missing),
        Err(Error::Api(DealError::Empty(_)))
    ));
    match results.get(&rejected) {
        Err(Error::Api(DealError::Other(e))) => {
            assert_eq!(
                (e.code.as_str(), e.method.as_str()),
                ("ERROR_CORE", "crm.deal.add")
            )
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        results.raw(&unknown).unwrap_err().code(),
        Some("ERROR_METHOD_NOT_FOUND")
    );
    assert_eq!(results.errors().len(), 3);
    // The raw JSON of a command agrees with its typed result.
    assert_eq!(results.raw(&deal).unwrap().result["ID"], "7");
}

#[tokio::test]
async fn a_result_that_does_not_fit_names_the_command_path() {
    let portal = Portal::start().await;
    portal.seed_deals(1);
    portal
        .state
        .lock()
        .unwrap()
        .deals
        .insert(2, json!({"ID": "2", "COMPANY_ID": "not a number"}));
    let client = client(&portal);
    let mut batch = Batch::new();
    let good = batch.add_keyed("good", &IdParams { id: 1 }).unwrap();
    let bad = batch.add_keyed("bad", &IdParams { id: 2 }).unwrap();
    let results = client.batch(&batch).await.unwrap();
    assert!(results.get(&good).is_ok());
    match results.get(&bad) {
        Err(Error::Decode { method, path, .. }) => {
            assert_eq!(method, "crm.deal.get");
            assert_eq!(path, "result.result.bad.COMPANY_ID");
        }
        other => panic!("{other:?}"),
    }
}

/// Key order carries meaning in params (`order`) and in a batch (commands run in the order
/// sent): both survive without `serde_json/preserve_order`.
#[tokio::test]
async fn params_and_commands_keep_their_order_on_the_wire() {
    use b24_runtime::wire;
    use bitrix24::crm::deal::list;
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(hook_path("batch")))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(ok(json!({"result": [], "result_error": []}))),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(hook_path("crm.deal.list")))
        .respond_with(ResponseTemplate::new(200).set_body_json(ok(json!([]))))
        .mount(&server)
        .await;
    let client = webhook_client(&server.uri());
    let order = wire::object([("DATE_CREATE", "DESC"), ("ID", "ASC")]);
    let params = list::Params::new().order(order.clone());
    params.send(&client).await.unwrap();

    let mut batch = Batch::new();
    for i in [2, 10, 1] {
        batch.add_keyed(format!("k{i}"), &params).unwrap();
    }
    let _ = client.batch(&batch).await.unwrap();

    let bodies: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| String::from_utf8_lossy(&r.body).into_owned())
        .collect();
    assert_eq!(bodies[0], r#"{"order":{"DATE_CREATE":"DESC","ID":"ASC"}}"#);
    let query = "crm.deal.list?order[DATE_CREATE]=DESC&order[ID]=ASC";
    assert_eq!(
        bodies[1],
        format!(r#"{{"halt":0,"cmd":{{"k2":"{query}","k10":"{query}","k1":"{query}"}}}}"#)
    );
}

/// A batch of 60 writes whose second HTTP call fails: after a timeout (it was sent) its 10
/// commands are of unknown outcome, not "not executed"; after an error answer refusing the call
/// they are skipped.
#[tokio::test]
async fn a_later_chunk_that_timed_out_has_an_unknown_outcome() {
    use wiremock::matchers::path;
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let first: serde_json::Map<String, serde_json::Value> =
        (0..50).map(|i| (format!("c{i}"), json!(i + 1))).collect();
    let answer = json!({"result": {"result": first, "result_error": [], "result_total": [],
        "result_next": [], "result_time": []}});
    for (second, unknown) in [
        (
            ResponseTemplate::new(200)
                .set_body_json(json!({"result": {}}))
                .set_delay(std::time::Duration::from_secs(2)),
            true,
        ),
        (
            ResponseTemplate::new(400)
                .set_body_json(json!({"error": "ERROR_BATCH_LENGTH_EXCEEDED",
                "error_description": "Max batch length exceeded"})),
            false,
        ),
    ] {
        let server = MockServer::start().await;
        Mock::given(path(hook_path("batch")))
            .respond_with(ResponseTemplate::new(200).set_body_json(answer.clone()))
            .up_to_n_times(1)
            .with_priority(1)
            .mount(&server)
            .await;
        Mock::given(path(hook_path("batch")))
            .respond_with(second)
            .with_priority(2)
            .mount(&server)
            .await;
        let client = Client::builder()
            .webhook(&format!("{}/rest/7/{WEBHOOK_CODE}/", server.uri()))
            .no_rate_limit()
            .retry(fast_retry())
            .timeout(std::time::Duration::from_millis(300))
            .build()
            .unwrap();
        let mut batch = Batch::new();
        for i in 0..60 {
            batch
                .add_raw(
                    format!("c{i}"),
                    "crm.deal.add",
                    json!({"fields": {"TITLE": format!("D{i}")}}),
                    false,
                )
                .unwrap();
        }
        let results = client.batch(&batch).await.unwrap();
        assert_eq!(results.http_calls(), 2);
        assert_eq!(
            results.raw_by_key("c49").unwrap().unwrap().result,
            json!(50)
        );
        for i in 50..60 {
            let err = results.raw_by_key(&format!("c{i}")).unwrap().unwrap_err();
            match (&err, unknown) {
                (Error::Unknown { key, reason, .. }, true) => {
                    assert_eq!(key, &format!("c{i}"));
                    assert!(reason.contains("timed out"), "{reason}");
                    assert!(err.to_string().contains("may or may not have run"), "{err}");
                }
                (Error::Skipped { reason, .. }, false) => {
                    assert!(reason.contains("ERROR_BATCH_LENGTH_EXCEEDED"), "{reason}")
                }
                (other, _) => panic!("{unknown}: {other:?}"),
            }
        }
        // The write batch was sent once per chunk: not repeated after the timeout.
        assert_eq!(
            server.received_requests().await.unwrap_or_default().len(),
            2
        );
    }
}
