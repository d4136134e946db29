//! User fields on the mock portal, over HTTP through the runtime's client: declared with
//! `crm.deal.userfield.add`, carried by deal rows, listed by `crm.deal.fields`, and the same
//! deals through `crm.item.*` (entityTypeId 2) with camelCase names.

mod common;

use b24_mock::Limits;
use common::{client, portal};
use serde_json::{json, Value};

#[tokio::test]
async fn a_user_field_is_declared_carried_and_listed() {
    let p = portal(Limits::Off).await;
    let c = client(&p);
    let call = |method: &'static str, params: Value| {
        let c = c.clone();
        async move {
            c.call_raw(method, &params)
                .await
                .unwrap_or_else(|e| panic!("{method}: {e}"))
        }
    };

    // Declared: the name gets the entity's prefix, the row its defaults and labels.
    let colour = call(
        "crm.deal.userfield.add",
        json!({"fields": {"FIELD_NAME": "1720019876534", "USER_TYPE_ID": "string", "LABEL": "Colour"}}),
    )
    .await
    .result;
    let colour = colour.as_i64().expect("the new field's id");
    call(
        "crm.deal.userfield.add",
        json!({"fields": {"FIELD_NAME": "uf_tags", "USER_TYPE_ID": "enumeration", "MULTIPLE": "Y",
            "LIST": [{"VALUE": "red"}, {"VALUE": "blue"}]}}),
    )
    .await;
    let got = call("crm.deal.userfield.get", json!({"id": colour}))
        .await
        .result;
    assert_eq!(got["FIELD_NAME"], "UF_CRM_1720019876534");
    assert_eq!(got["ENTITY_ID"], "CRM_DEAL");
    assert_eq!(got["EDIT_FORM_LABEL"], "Colour");
    assert_eq!(got["MULTIPLE"], "N");
    let all = call(
        "crm.deal.userfield.list",
        json!({"filter": {"USER_TYPE_ID": "enumeration"}}),
    )
    .await
    .result;
    assert_eq!(all[0]["FIELD_NAME"], "UF_CRM_TAGS");
    assert_eq!(all[0]["LIST"][1]["ID"], "2");
    let twice = c
        .call_raw(
            "crm.deal.userfield.add",
            &json!({"fields": {"FIELD_NAME": "UF_CRM_TAGS", "USER_TYPE_ID": "string"}}),
        )
        .await
        .expect_err("the name is taken");
    assert!(twice.to_string().contains("already exists"), "{twice}");
    call(
        "crm.deal.userfield.update",
        json!({"id": colour, "fields": {"FIELD_NAME": "UF_CRM_OTHER", "EDIT_FORM_LABEL": "Color"}}),
    )
    .await;
    let got = call("crm.deal.userfield.get", json!({"id": colour}))
        .await
        .result;
    assert_eq!(got["FIELD_NAME"], "UF_CRM_1720019876534", "the name stays");
    assert_eq!(got["EDIT_FORM_LABEL"], "Color");

    // Rows carry it: a value set by add and update comes back; unset ones are empty.
    let deal = call(
        "crm.deal.add",
        json!({"fields": {"TITLE": "Painted", "UF_CRM_1720019876534": "blue"}}),
    )
    .await
    .result;
    let deal = deal.as_i64().expect("a deal id");
    let row = call("crm.deal.get", json!({"id": deal})).await.result;
    assert_eq!(row["UF_CRM_1720019876534"], "blue");
    assert_eq!(row["UF_CRM_TAGS"], json!([]));
    let doc = call("crm.deal.get", json!({"id": 410})).await.result;
    assert_eq!(doc["UF_CRM_1720019876534"], Value::Null);
    call(
        "crm.deal.update",
        json!({"id": deal, "fields": {"UF_CRM_TAGS": ["1", "2"]}}),
    )
    .await;

    // select: `UF_*` the single user fields, `*` none, a name that one; none means both.
    let list = |select: Value| {
        let call = &call;
        async move {
            call(
                "crm.deal.list",
                json!({"filter": {"ID": deal}, "select": select}),
            )
            .await
            .result[0]
                .clone()
        }
    };
    let uf = list(json!(["UF_*"])).await;
    // The docs' example field (from `crm.deal.userfield.list`) is declared too.
    assert_eq!(
        uf,
        json!({"ID": deal.to_string(), "UF_CRM_1720019876534": "blue", "UF_CRM_1713790573": null})
    );
    let star = list(json!(["*"])).await;
    assert!(star.get("UF_CRM_1720019876534").is_none(), "{star}");
    assert_eq!(star["TITLE"], "Painted");
    let named = list(json!(["UF_CRM_TAGS"])).await;
    assert_eq!(named["UF_CRM_TAGS"], json!(["1", "2"]));
    let default = call("crm.deal.list", json!({"filter": {"ID": deal}}))
        .await
        .result[0]
        .clone();
    assert_eq!(default["UF_CRM_1720019876534"], "blue");
    assert_eq!(default["TITLE"], "Painted");

    // `crm.deal.fields` lists it beside the documented fields.
    let fields = call("crm.deal.fields", json!({})).await.result;
    assert!(fields["ID"].is_object());
    let f = &fields["UF_CRM_1720019876534"];
    assert_eq!(f["type"], "string");
    assert_eq!(f["isDynamic"], true);
    assert_eq!(f["formLabel"], "Color");
    assert_eq!(fields["UF_CRM_TAGS"]["isMultiple"], true);

    // The same deals through crm.item, camelCased as crm/universal/index.md says.
    let item = call("crm.item.get", json!({"entityTypeId": 2, "id": deal}))
        .await
        .result;
    assert_eq!(item["item"]["id"], deal);
    assert_eq!(item["item"]["title"], "Painted");
    assert_eq!(item["item"]["ufCrm_1720019876534"], "blue");
    // No entity number after `UF_CRM_`: the simplified conversion.
    assert_eq!(item["item"]["ufCrm_TAGS"], json!(["1", "2"]));
    let original = call(
        "crm.item.get",
        json!({"entityTypeId": 2, "id": deal, "useOriginalUfNames": "Y"}),
    )
    .await
    .result;
    assert_eq!(original["item"]["UF_CRM_1720019876534"], "blue");
    let items = call(
        "crm.item.list",
        json!({"entityTypeId": 2, "filter": {"ufCrm_1720019876534": "blue"}, "select": ["id", "ufCrm_1720019876534"]}),
    )
    .await
    .result;
    assert_eq!(
        items["items"],
        json!([{"id": deal, "ufCrm_1720019876534": "blue"}])
    );
    let added = call(
        "crm.item.add",
        json!({"entityTypeId": 2, "fields": {"title": "Via item", "ufCrm_1720019876534": "red"}}),
    )
    .await
    .result;
    let via_item = added["item"]["id"].as_i64().expect("item.id");
    let row = call("crm.deal.get", json!({"id": via_item})).await.result;
    assert_eq!(row["TITLE"], "Via item");
    assert_eq!(row["UF_CRM_1720019876534"], "red");
    let item_fields = call("crm.item.fields", json!({"entityTypeId": 2}))
        .await
        .result;
    let f = &item_fields["fields"]["ufCrm_1720019876534"];
    assert_eq!(f["upperName"], "UF_CRM_1720019876534");
    assert_eq!(f["type"], "string");

    // Deleted: no longer listed, no longer carried.
    call("crm.deal.userfield.delete", json!({"id": colour})).await;
    let fields = call("crm.deal.fields", json!({})).await.result;
    assert!(fields.get("UF_CRM_1720019876534").is_none());
    let doc = call("crm.deal.get", json!({"id": 410})).await.result;
    assert!(doc.get("UF_CRM_1720019876534").is_none(), "{doc}");
}
