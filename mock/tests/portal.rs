//! The mock through the runtime's client: CRUD, lists, batch, validation, unknown keys, REST 3.

mod common;

use b24_mock::{Limits, MockPortal, Mode, UNKNOWN_KEYS_HEADER};
use common::{client, portal};
use serde_json::{json, Value};

#[tokio::test]
async fn crud_round_trip() {
    let p = portal(Limits::Off).await;
    let c = client(&p);
    // The documented record is there from the start.
    let doc = c
        .call_raw("crm.deal.get", &json!({"id": 410}))
        .await
        .expect("get 410");
    assert_eq!(doc.result["TITLE"], "New Deal #1");

    let a = c
        .call_raw(
            "crm.deal.add",
            &json!({"fields": {"TITLE": "First", "OPPORTUNITY": 10}}),
        )
        .await
        .expect("add");
    let b = c
        .call_raw("crm.deal.add", &json!({"fields": {"TITLE": "Second"}}))
        .await
        .expect("add");
    let (a, b) = (
        a.result.as_i64().expect("an id"),
        b.result.as_i64().expect("an id"),
    );
    assert!(b > a && a > 410, "ids increase: {a}, {b}");

    let got = c
        .call_raw("crm.deal.get", &json!({"ID": a}))
        .await
        .expect("get");
    assert_eq!(got.result["TITLE"], "First");
    assert!(got.time.is_some(), "a time block");

    c.call_raw(
        "crm.deal.update",
        &json!({"id": a, "fields": {"TITLE": "Renamed"}}),
    )
    .await
    .expect("update");
    let got = c
        .call_raw("crm.deal.get", &json!({"id": a}))
        .await
        .expect("get");
    assert_eq!(got.result["TITLE"], "Renamed");
    assert_eq!(got.result["OPPORTUNITY"], 10);

    c.call_raw("crm.deal.delete", &json!({"id": b}))
        .await
        .expect("delete");
    let gone = c
        .call_raw("crm.deal.get", &json!({"id": b}))
        .await
        .expect_err("deleted");
    assert!(gone.to_string().contains("Not found"), "{gone}");
}

#[tokio::test]
async fn crm_items_are_kept_per_entity_type() {
    let p = portal(Limits::Off).await;
    let c = client(&p);
    let added = c
        .call_raw(
            "crm.item.add",
            &json!({"entityTypeId": 128, "fields": {"title": "Smart"}}),
        )
        .await
        .expect("add");
    let id = added.result["item"]["id"].as_i64().expect("item.id");
    let got = c
        .call_raw("crm.item.get", &json!({"entityTypeId": 128, "id": id}))
        .await
        .expect("get");
    assert_eq!(got.result["item"]["title"], "Smart");
    // Another entity type has its own table.
    assert!(c
        .call_raw("crm.item.get", &json!({"entityTypeId": 2, "id": id}))
        .await
        .is_err());
    let list = c
        .call_raw(
            "crm.item.list",
            &json!({"entityTypeId": 128, "filter": {"title": "Smart"}}),
        )
        .await
        .expect("list");
    assert_eq!(list.result["items"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn lists_filter_order_select_and_page_by_50() {
    let p = MockPortal::builder(common::ir())
        .limits(Limits::Off)
        .seed(119)
        .start()
        .await
        .expect("start");
    let c = client(&p);
    // 1 documented row + 119 seeded.
    let first = c
        .call_raw(
            "crm.deal.list",
            &json!({"order": {"ID": "DESC"}, "select": ["TITLE"]}),
        )
        .await
        .expect("list");
    assert_eq!(first.total, Some(120));
    assert_eq!(first.next, Some(50));
    let rows = first.result.as_array().expect("rows");
    assert_eq!(rows.len(), 50);
    assert_eq!(rows[0]["ID"], "529");
    assert_eq!(
        rows[0].as_object().map(|o| o.len()),
        Some(2),
        "ID and the selected TITLE: {}",
        rows[0]
    );
    let last = c
        .call_raw("crm.deal.list", &json!({"start": 100}))
        .await
        .expect("page 3");
    assert_eq!(last.result.as_array().map(Vec::len), Some(20));
    assert_eq!(last.next, None);

    let ranged = c
        .call_raw(
            "crm.deal.list",
            &json!({"filter": {">=ID": 500, "<ID": 510, "!ID": 505}}),
        )
        .await
        .expect("filter");
    assert_eq!(ranged.total, Some(9));
    let none = c
        .call_raw("crm.deal.list", &json!({"filter": {"STAGE_ID": "WON"}}))
        .await
        .expect("filter");
    assert_eq!(none.total, Some(0));
}

#[tokio::test]
async fn batch_references_halt_and_cap() {
    let p = portal(Limits::Off).await;
    let c = client(&p);
    let r = c
        .call_raw(
            "batch",
            &json!({"halt": 0, "cmd": {
                "add": "crm.deal.add?fields[TITLE]=Batched",
                "get": "crm.deal.get?id=$result[add]",
                "bad": "crm.deal.get?id=999999",
                "after": "crm.deal.list?filter[TITLE]=$result[get][TITLE]"
            }}),
        )
        .await
        .expect("batch");
    let out = &r.result;
    assert_eq!(out["result"]["get"]["TITLE"], "Batched");
    assert_eq!(out["result_total"]["after"], 1);
    assert_eq!(out["result_error"]["bad"]["error_description"], "Not found");

    let halted = c
        .call_raw("batch", &json!({"halt": 1, "cmd": {"bad": "crm.deal.get?id=999999", "never": "crm.deal.add?fields[TITLE]=x"}}))
        .await
        .expect("batch");
    assert!(
        halted.result["result"].get("never").is_none(),
        "{}",
        halted.result
    );

    let cmd: serde_json::Map<String, Value> = (0..51)
        .map(|i| (format!("c{i}"), json!("user.current")))
        .collect();
    let e = c
        .call_raw("batch", &json!({"cmd": cmd}))
        .await
        .expect_err("51 commands");
    assert!(e.to_string().contains("ERROR_BATCH_LENGTH_EXCEEDED"), "{e}");
}

#[tokio::test]
async fn validation_unknown_keys_and_modes() {
    let p = portal(Limits::Off).await;
    let c = client(&p);
    let e = c
        .call_raw("crm.deal.get", &json!({}))
        .await
        .expect_err("no id");
    assert!(
        e.to_string().contains("ID is not defined or invalid."),
        "{e}"
    );
    let e = c
        .call_raw("crm.deal.get", &json!({"id": "abc"}))
        .await
        .expect_err("id not a number");
    assert!(
        e.to_string().contains("ID is not defined or invalid."),
        "{e}"
    );

    // REST 2 ignores unknown keys, the mock reports them.
    let http = common::http();
    let r = http
        .post(format!("{}crm.deal.add", p.webhook_url()))
        .json(&json!({"fields": {"TITLE": "x"}, "FOO": 1}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()
            .get(UNKNOWN_KEYS_HEADER)
            .and_then(|v| v.to_str().ok()),
        Some("FOO")
    );
    let rec = p.requests();
    assert_eq!(
        rec.last().map(|r| r.unknown_keys.clone()),
        Some(vec!["FOO".to_owned()])
    );

    // Form bodies with PHP keys.
    let r = http
        .post(format!("{}crm.deal.add", p.webhook_url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("fields[TITLE]=From+a+form")
        .send()
        .await
        .expect("send");
    let id = r.json::<Value>().await.expect("json")["result"]
        .as_i64()
        .expect("id");
    let got = c
        .call_raw("crm.deal.get", &json!({"id": id}))
        .await
        .expect("get");
    assert_eq!(got.result["TITLE"], "From a form");

    let strict = MockPortal::builder(common::ir())
        .mode(Mode::Strict)
        .limits(Limits::Off)
        .start()
        .await
        .expect("start");
    let e = client(&strict)
        .call_raw("crm.deal.add", &json!({"fields": {}, "FOO": 1}))
        .await
        .expect_err("strict");
    assert!(e.to_string().contains("FOO"), "{e}");
    let lenient = MockPortal::builder(common::ir())
        .mode(Mode::Lenient)
        .limits(Limits::Off)
        .start()
        .await
        .expect("start");
    let ok = client(&lenient)
        .call_raw("crm.deal.update", &json!({"id": 410, "FOO": 1}))
        .await;
    assert!(ok.is_ok(), "lenient refuses nothing: {ok:?}");

    // No example: synthesized from the result type.
    let me = c
        .call_raw("user.current", &json!({}))
        .await
        .expect("user.current");
    assert_eq!(me.result, json!({"ID": 1, "NAME": "string 1"}));
    let e = c
        .call_raw("no.such.method", &json!({}))
        .await
        .expect_err("unknown method");
    assert!(e.to_string().contains("ERROR_METHOD_NOT_FOUND"), "{e}");
}

#[tokio::test]
async fn rest3_answers_its_validation_errors() {
    let p = portal(Limits::Off).await;
    let http = common::http();
    let url = format!(
        "{}rest/api/1/{}/call.followup.field.get",
        p.base_url(),
        b24_mock::WEBHOOK_CODE
    );
    let send = |body: Value| http.post(&url).json(&body).send();
    let r = send(json!({})).await.expect("send");
    assert_eq!(r.status(), 400);
    let body: Value = r.json().await.expect("json");
    assert_eq!(
        body["error"]["code"],
        "BITRIX_REST_V3_EXCEPTION_VALIDATION_REQUESTVALIDATIONEXCEPTION"
    );
    assert_eq!(body["error"]["validation"][0]["field"], "name");
    let body: Value = send(json!({"name": "callId", "select": ["name", "nope"]}))
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(
        body["error"]["code"],
        "BITRIX_REST_V3_EXCEPTION_UNKNOWNDTOPROPERTYEXCEPTION"
    );
    let body: Value = send(json!({"name": "callId", "select": ["name"]}))
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(body["result"]["item"]["name"], "callId");
    assert!(body["time"]["start"].is_number());
}

#[tokio::test]
async fn answers_are_deterministic() {
    let run = || async {
        let p = MockPortal::builder(common::ir())
            .limits(Limits::Off)
            .fixed_time(1_700_000_000.0)
            .start()
            .await
            .expect("start");
        let http = common::http();
        let mut bodies = Vec::new();
        for (m, body) in [
            ("crm.deal.add", json!({"fields": {"TITLE": "a"}})),
            ("crm.deal.list", json!({})),
            ("user.current", json!({})),
        ] {
            let r = http
                .post(format!("{}{m}", p.webhook_url()))
                .json(&body)
                .send()
                .await
                .expect("send");
            bodies.push(r.text().await.expect("body"));
        }
        bodies
    };
    assert_eq!(run().await, run().await);
}

/// POSTs `body` to the REST 3 webhook path of `method`; (status, JSON body).
async fn rest3(p: &MockPortal, method: &str, body: Value) -> (u16, Value) {
    let url = format!(
        "{}rest/api/1/{}/{method}",
        p.base_url(),
        b24_mock::WEBHOOK_CODE
    );
    let r = common::http()
        .post(&url)
        .json(&body)
        .send()
        .await
        .expect("send");
    let status = r.status().as_u16();
    (status, r.json().await.expect("a JSON body"))
}

#[tokio::test]
async fn rest3_tasks_keep_state() {
    let p = portal(Limits::Off).await;
    let (s, added) = rest3(
        &p,
        "tasks.task.add",
        json!({"fields": {"title": "Write the report", "creatorId": 1, "responsibleId": 7}}),
    )
    .await;
    assert_eq!(s, 200, "{added}");
    let id = added["result"]["item"]["id"].as_i64().expect("item.id");
    assert!(id > 3835, "a new id after the documented task: {id}");
    assert_eq!(added["result"]["item"]["title"], "Write the report");

    // `get` answers the added task, not the docs' example.
    let (_, got) = rest3(&p, "tasks.task.get", json!({"id": id})).await;
    assert_eq!(got["result"]["item"]["title"], "Write the report");
    assert_eq!(got["result"]["item"]["responsibleId"], 7);
    let (_, some) = rest3(
        &p,
        "tasks.task.get",
        json!({"id": 3835, "select": ["responsible.name"]}),
    )
    .await;
    assert_eq!(
        some["result"]["item"],
        json!({"id": 3835, "responsible": {"name": "Alex"}})
    );

    let (_, upd) = rest3(
        &p,
        "tasks.task.update",
        json!({"id": id, "fields": {"status": "completed"}}),
    )
    .await;
    assert_eq!(upd["result"]["result"], true);
    let (_, got) = rest3(&p, "tasks.task.get", json!({"id": id})).await;
    assert_eq!(got["result"]["item"]["status"], "completed");
    assert_eq!(got["result"]["item"]["title"], "Write the report");

    // Lists: conditions, `or` groups, order, pagination; only the id without `select`.
    let (_, list) = rest3(&p, "tasks.task.list", json!({})).await;
    assert_eq!(list["result"]["items"], json!([{"id": 3835}, {"id": id}]));
    let (_, list) = rest3(
        &p,
        "tasks.task.list",
        json!({"select": ["title"], "filter": [["status", "=", "completed"]]}),
    )
    .await;
    assert_eq!(
        list["result"]["items"],
        json!([{"id": id, "title": "Write the report"}])
    );
    let (_, list) = rest3(
        &p,
        "tasks.task.list",
        json!({"filter": [{"logic": "or", "conditions": [["id", [3835]], ["id", ">=", id]]}],
               "order": {"id": "DESC"}, "pagination": {"page": 2, "limit": 1}}),
    )
    .await;
    assert_eq!(list["result"]["items"], json!([{"id": 3835}]));
    let (s, bad) = rest3(
        &p,
        "tasks.task.list",
        json!({"filter": [["id", "like", 1]]}),
    )
    .await;
    assert_eq!(s, 400);
    assert_eq!(
        bad["error"]["code"],
        "BITRIX_REST_V3_EXCEPTION_UNKNOWNFILTEROPERATOREXCEPTION"
    );

    let (_, del) = rest3(&p, "tasks.task.delete", json!({"id": id})).await;
    assert_eq!(del["result"]["result"], true);
    let (s, gone) = rest3(&p, "tasks.task.get", json!({"id": id})).await;
    assert_eq!(s, 400);
    assert_eq!(
        gone["error"]["code"],
        "BITRIX_REST_V3_EXCEPTION_ENTITYNOTFOUNDEXCEPTION"
    );
    assert!(
        gone["error"].get("error_description").is_none(),
        "the REST 3 shape: {gone}"
    );
}
