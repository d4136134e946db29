//! A small IR for the mock's tests (method names, params and answer shapes as the docs give
//! them), and clients of the runtime pointed at a mock.

#![allow(dead_code)]

use std::time::Duration;

use b24_ir::Ir;
use b24_mock::{Limits, MockPortal};
use b24_runtime::{Client, RetryPolicy};
use serde_json::{json, Value};

fn param(name: &str, kind: &str, required: bool) -> Value {
    json!({"name": name, "required": required, "type": {"doc": kind, "kind": kind}, "deprecated": false, "doc": {}})
}

fn method(
    name: &str,
    version: u8,
    params: Vec<Value>,
    response: Option<Value>,
    errors: Vec<Value>,
) -> Value {
    let responses: Vec<Value> = response
        .into_iter()
        .map(|json| json!({"page": format!("en:{name}.md"), "source": "response", "json": json, "cleaned": false}))
        .collect();
    json!({
        "name": name, "scopes": ["crm"], "rest_version": version, "deprecated": false, "aliases": [],
        "title": {}, "summary": {}, "description": {}, "sources": [], "params": params,
        "paginated": false, "errors": errors,
        "examples": {"requests": [], "responses": responses, "errors": []}
    })
}

/// crm.deal.*, crm.item.*, event.*, REST 3 `call.followup.field.get` and `tasks.task.*`, and
/// `onCrmDealAdd`.
pub fn ir() -> Ir {
    let id_error = json!({"code": "", "http_status": 400, "message": "ID is not defined or invalid.", "doc": {}, "system": false});
    let not_found =
        json!({"code": "", "http_status": 400, "message": "Not found", "doc": {}, "system": false});
    let deal = json!({"ID": "410", "TITLE": "New Deal #1", "STAGE_ID": "PREPARATION", "OPPORTUNITY": "1000.00"});
    let object = |name: &str, required| json!({"name": name, "required": required, "type": {"doc": "object", "kind": "object", "fields": []}, "deprecated": false, "doc": {}});
    let methods = vec![
        method(
            "crm.deal.add",
            2,
            vec![object("fields", true)],
            Some(json!({"result": 394})),
            vec![],
        ),
        method(
            "crm.deal.get",
            2,
            vec![param("id", "integer", true)],
            Some(json!({"result": deal})),
            vec![id_error.clone(), not_found.clone()],
        ),
        method(
            "crm.deal.list",
            2,
            vec![
                object("filter", false),
                object("order", false),
                param("select", "any", false),
                param("start", "integer", false),
            ],
            Some(json!({"result": [deal], "total": 1})),
            vec![],
        ),
        method(
            "crm.deal.update",
            2,
            vec![param("id", "integer", true), object("fields", true)],
            Some(json!({"result": true})),
            vec![id_error.clone(), not_found.clone()],
        ),
        method(
            "crm.deal.delete",
            2,
            vec![param("id", "integer", true)],
            Some(json!({"result": true})),
            vec![id_error, not_found],
        ),
        method(
            "crm.item.add",
            2,
            vec![
                param("entityTypeId", "integer", true),
                object("fields", true),
            ],
            Some(json!({"result": {"item": {"id": 342, "title": "x"}}})),
            vec![],
        ),
        method(
            "crm.item.get",
            2,
            vec![
                param("entityTypeId", "integer", true),
                param("id", "integer", true),
            ],
            Some(json!({"result": {"item": {"id": 342, "title": "x"}}})),
            vec![],
        ),
        method(
            "crm.item.list",
            2,
            vec![
                param("entityTypeId", "integer", true),
                object("filter", false),
                param("select", "any", false),
            ],
            Some(json!({"result": {"items": [{"id": 342, "title": "x"}]}, "total": 1})),
            vec![],
        ),
        method(
            "event.bind",
            2,
            vec![
                param("event", "string", true),
                param("handler", "string", true),
            ],
            Some(json!({"result": true})),
            vec![],
        ),
        method(
            "event.unbind",
            2,
            vec![
                param("event", "string", true),
                param("handler", "string", true),
            ],
            Some(json!({"result": {"count": 1}})),
            vec![],
        ),
        method("event.get", 2, vec![], Some(json!({"result": []})), vec![]),
        method("user.current", 2, vec![], None, vec![]),
        method(
            "call.followup.field.get",
            3,
            vec![param("name", "string", true), param("select", "any", false)],
            Some(json!({"result": {"item": {"name": "callId"}}})),
            vec![],
        ),
    ];
    let mut user = methods[11].clone();
    user["result"] = json!({"doc": "object", "kind": "object", "fields": [
        {"name": "ID", "required": false, "type": {"doc": "integer", "kind": "integer"}, "deprecated": false, "doc": {}},
        {"name": "NAME", "required": false, "type": {"doc": "string", "kind": "string"}, "deprecated": false, "doc": {}}
    ]});
    let mut methods = methods;
    methods[11] = user;
    let mut followup = methods[12].clone();
    followup["result"] = json!({"doc": "object", "kind": "object", "fields": [
        {"name": "item", "required": false, "type": {"doc": "object", "kind": "object", "fields": [
            {"name": "name", "required": false, "type": {"doc": "string", "kind": "string"}, "deprecated": false, "doc": {}},
            {"name": "type", "required": false, "type": {"doc": "string", "kind": "string"}, "deprecated": false, "doc": {}}
        ]}, "deprecated": false, "doc": {}}
    ]});
    methods[12] = followup;
    // REST 3 `tasks.task.*`, beside nothing of REST 2: a CRUD family of its own.
    let task = json!({"id": 3835, "title": "title", "status": "pending", "responsibleId": 1,
        "responsible": {"name": "Alex", "email": "mail@bitrix.com"}});
    let array = |name: &str| json!({"name": name, "required": false, "type": {"doc": "array", "kind": "array", "item": {"doc": "any", "kind": "any"}}, "deprecated": false, "doc": {}});
    methods.extend([
        method(
            "tasks.task.add",
            3,
            vec![object("fields", true)],
            Some(json!({"result": {"item": task}})),
            vec![],
        ),
        method(
            "tasks.task.get",
            3,
            vec![param("id", "integer", true), array("select")],
            Some(json!({"result": {"item": task}})),
            vec![],
        ),
        method(
            "tasks.task.list",
            3,
            vec![
                array("select"),
                array("filter"),
                object("order", false),
                object("pagination", false),
            ],
            Some(json!({"result": {"items": [{"id": 3835, "title": "title"}]}})),
            vec![],
        ),
        method(
            "tasks.task.update",
            3,
            vec![param("id", "integer", true), object("fields", true)],
            Some(json!({"result": {"result": true}})),
            vec![],
        ),
        method(
            "tasks.task.delete",
            3,
            vec![param("id", "integer", true)],
            Some(json!({"result": {"result": true}})),
            vec![],
        ),
    ]);
    // User fields of deals, and the `fields` methods that list them.
    let uf = json!({"ID": "5815", "ENTITY_ID": "CRM_DEAL", "FIELD_NAME": "UF_CRM_1713790573",
        "USER_TYPE_ID": "string", "MULTIPLE": "N", "MANDATORY": "N"});
    let describe = |title: &str| {
        json!({"type": "integer", "isRequired": false, "isReadOnly": true,
        "isImmutable": false, "isMultiple": false, "isDynamic": false, "title": title})
    };
    methods.extend([
        method(
            "crm.deal.userfield.add",
            2,
            vec![object("fields", true)],
            Some(json!({"result": 6997})),
            vec![],
        ),
        method(
            "crm.deal.userfield.get",
            2,
            vec![param("id", "integer", true)],
            Some(json!({"result": uf})),
            vec![],
        ),
        method(
            "crm.deal.userfield.list",
            2,
            vec![object("filter", false), object("order", false)],
            Some(json!({"result": [uf]})),
            vec![],
        ),
        method(
            "crm.deal.userfield.update",
            2,
            vec![param("id", "integer", true), object("fields", true)],
            Some(json!({"result": true})),
            vec![],
        ),
        method(
            "crm.deal.userfield.delete",
            2,
            vec![param("id", "integer", true)],
            Some(json!({"result": true})),
            vec![],
        ),
        method(
            "crm.deal.fields",
            2,
            vec![],
            Some(json!({"result": {"ID": describe("ID")}})),
            vec![],
        ),
        method(
            "crm.item.fields",
            2,
            vec![
                param("entityTypeId", "integer", true),
                param("useOriginalUfNames", "string", false),
            ],
            Some(json!({"result": {"fields": {"id": describe("ID")}}})),
            vec![],
        ),
    ]);
    let ir = json!({
        "schema": 1,
        "methods": methods,
        "events": [{"name": "onCrmDealAdd", "scopes": ["crm"], "deprecated": false, "title": {}, "summary": {}, "sources": [], "payload": [], "examples": []}],
        "diagnostics": []
    });
    serde_json::from_value(ir).expect("the test IR parses")
}

/// A portal on the test IR with the given bucket.
pub async fn portal(limits: Limits) -> MockPortal {
    MockPortal::builder(ir())
        .limits(limits)
        .start()
        .await
        .expect("the mock starts")
}

/// Quick retries, so that fault and limit tests take milliseconds.
pub fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        max_retries: 3,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(50),
        limit_budget: Duration::from_secs(30),
        max_operating_wait: Duration::ZERO,
    }
}

/// A plain reqwest client (the runtime's reqwest features bring a TLS provider: no setup).
pub fn http() -> reqwest::Client {
    reqwest::Client::new()
}

/// A webhook client of `portal` with its own limiter off.
pub fn client(portal: &MockPortal) -> Client {
    Client::builder()
        .webhook(&portal.webhook_url())
        .no_rate_limit()
        .retry(fast_retry())
        .build()
        .expect("a client for the mock")
}
