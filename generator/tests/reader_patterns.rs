//! Page layouts the reader once dropped, on small hand-written pages:
//! - REST 3 error codes written as prose (one sub-heading per case, then
//!   ``Error code: `BITRIX_REST_V3_…` ``): they reach the IR, and `diff` classifies one added
//!   or removed like any other;
//! - a section holding several field tables (bold-titled groups, one table per tab).
use b24gen::diff::{diff, Area, Bump};
use b24gen::ir::{Field, Ir, Kind, Lang, Method};
use std::path::{Path, PathBuf};

/// Reads one page, written at `rel` under a fresh `api-reference/` folder.
fn read_one(test: &str, rel: &str, text: &str) -> Ir {
    let root: PathBuf = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("reader-patterns")
        .join(test)
        .join("api-reference");
    let _ = std::fs::remove_dir_all(&root);
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("a folder")).expect("create the folder");
    std::fs::write(&path, text).expect("write the page");
    b24gen::read_docs(&[root])
}

/// A REST 3 page with the given `### Possible Error Codes` body.
fn page(codes: &str) -> String {
    format!(
        "# Get a Result v 3.0 tasks.task.result.get\n\n\
         > Scope: [`task`](../scopes/permissions.md)\n\n\
         ## Method Parameters\n\n\
         #|\n|| **Name**\n`type` | **Description** ||\n|| **id***\n[`integer`](../data-types.md) | Result identifier ||\n|#\n\n\
         ## Response Handling\n\nHTTP status: **200**\n\n```json\n{{\"result\": {{\"item\": {{\"id\": 1}}}}}}\n```\n\n\
         ## Error Handling\n\nHTTP status: **400**, **403**\n\n\
         ```json\n{{\"error\": {{\"code\": \"BITRIX_REST_V3_EXCEPTION_ACCESSDENIEDEXCEPTION\", \"message\": \"Access denied\"}}}}\n```\n\n\
         ### Possible Error Codes\n\n{codes}\n\n## Continue Learning\n\n- [x](./x.md)\n"
    )
}

const ACCESS: &str =
    "#### Access Error\n\nError code: `BITRIX_REST_V3_EXCEPTION_ACCESSDENIEDEXCEPTION`\n\n\
    HTTP status: **403**\n\n#|\n|| **Field** | **Error Description** | **How to Fix** ||\n\
    || `id` | Access denied | Check the user's rights to read the task ||\n|#";
const NOT_FOUND: &str = "#### Object Not Found Error\n\n\
    Error Code: `BITRIX_REST_V3_EXCEPTION_ENTITYNOTFOUNDEXCEPTION`\n\n\
    #|\n|| **Field** | **Error Description** | **How to Fix** ||\n\
    || `id` | The result was not found | Pass the id of an existing result ||\n|#";

fn read(test: &str, codes: &str) -> Ir {
    read_one(
        test,
        "tasks/result/tasks-task-result-get-rest-v3.md",
        &page(codes),
    )
}

fn the_method(ir: &Ir) -> &Method {
    let m = &ir.methods[0];
    assert_eq!(
        (m.name.as_str(), m.rest_version),
        ("tasks.task.result.get", 3)
    );
    m
}

#[test]
fn prose_codes_reach_the_ir_with_case_status_message_and_causes() {
    let ir = read("both", &format!("{ACCESS}\n\n{NOT_FOUND}"));
    let own: Vec<_> = the_method(&ir)
        .errors
        .iter()
        .filter(|e| !e.system)
        .collect();
    let codes: Vec<&str> = own.iter().map(|e| e.code.as_str()).collect();
    assert_eq!(
        codes,
        [
            "BITRIX_REST_V3_EXCEPTION_ACCESSDENIEDEXCEPTION",
            "BITRIX_REST_V3_EXCEPTION_ENTITYNOTFOUNDEXCEPTION"
        ]
    );
    assert_eq!(own[0].http_status, Some(403));
    assert_eq!(own[0].message.as_deref(), Some("Access denied"));
    assert_eq!(
        own[0].doc.get(Lang::En),
        Some("Access Error\n\n- `id`: Access denied. Check the user's rights to read the task.")
    );
    assert_eq!(own[1].http_status, None);
    assert_eq!(
        own[1].doc.get(Lang::En),
        Some("Object Not Found Error\n\n- `id`: The result was not found. Pass the id of an existing result.")
    );
}

#[test]
fn diff_classifies_a_rest3_code_added_minor_and_removed_major() {
    let old = read("old", ACCESS);
    let new = read("new", &format!("{ACCESS}\n\n{NOT_FOUND}"));
    let c = diff(&old, &new);
    let errs: Vec<_> = c
        .changes
        .iter()
        .filter(|ch| ch.area == Area::Errors)
        .map(|ch| (ch.change.tag(), ch.path.as_str(), ch.bump, ch.item.as_str()))
        .collect();
    assert_eq!(
        errs,
        [(
            "error_added",
            "BITRIX_REST_V3_EXCEPTION_ENTITYNOTFOUNDEXCEPTION",
            Bump::Minor,
            "tasks.task.result.get (REST 3.0)"
        )]
    );
    assert_eq!(c.bump, Bump::Minor);

    let c = diff(&new, &old);
    let removed: Vec<_> = c
        .changes
        .iter()
        .filter(|ch| ch.area == Area::Errors)
        .map(|ch| (ch.change.tag(), ch.bump))
        .collect();
    assert_eq!(removed, [("error_removed", Bump::Major)]);
    assert_eq!(c.bump, Bump::Major);
}

const TABLE_HEAD: &str = "#|\n|| **Name**\n`type` | **Description** ||\n";

/// A page whose `fields` parameter links to a section with the given body.
fn fields_page(section: &str) -> String {
    format!(
        "# Add a Thing crm.thing.add\n\n> Scope: [`crm`](../scopes/permissions.md)\n\n\
         ## Method Parameters\n\n{TABLE_HEAD}|| **fields**\n[`object`](../data-types.md) | \
         [Fields](#parameter-fields) ||\n|#\n\n\
         ### Parameter fields {{#parameter-fields}}\n\n{section}\n\n\
         ## Response Handling\n\n```json\n{{\"result\": 1}}\n```\n"
    )
}

fn fields_of(ir: &Ir) -> &[Field] {
    let p = &ir.methods[0].params[0];
    assert_eq!(p.name, "fields");
    p.ty.fields().expect("fields is an object")
}

#[test]
fn group_tables_after_the_main_table_are_fields() {
    let section = format!(
        "{TABLE_HEAD}|| **TITLE***\n[`string`](x.md) | Title ||\n|#\n\n\
         **Import**\n\nAvailable with `IMPORT = Y`.\n\n\
         {TABLE_HEAD}|| **DATE_CREATE**\n[`datetime`](x.md) | Created ||\n|#\n\n\
         **Deprecated fields**\n\n\
         {TABLE_HEAD}|| **ADDRESS**\n[`string`](x.md) | Address ||\n|#\n\n\
         #|\n|| **Value** | **Meaning** ||\n|| `Y` | yes ||\n|#"
    );
    let ir = read_one(
        "groups",
        "crm/thing/crm-thing-add.md",
        &fields_page(&section),
    );
    let got: Vec<(&str, bool, bool)> = fields_of(&ir)
        .iter()
        .map(|f| (f.name.as_str(), f.required, f.deprecated))
        .collect();
    assert_eq!(
        got,
        [
            ("TITLE", true, false),
            ("DATE_CREATE", false, false),
            ("ADDRESS", false, true)
        ]
    );
}

#[test]
fn one_table_per_tab_is_variants_merged_as_optional_fields() {
    let section = format!(
        "{{% list tabs %}}\n\n- string\n\n    {}\n\n- integer\n\n    {}\n\n{{% endlist %}}",
        format!("{TABLE_HEAD}|| **DEFAULT_VALUE***\n[`string`](x.md) | Default ||\n|| **ROWS**\n[`integer`](x.md) | Rows ||\n|#")
            .replace('\n', "\n    "),
        format!("{TABLE_HEAD}|| **DEFAULT_VALUE**\n[`integer`](x.md) | Default ||\n|| **MIN**\n[`integer`](x.md) | Least ||\n|#")
            .replace('\n', "\n    "),
    );
    let ir = read_one(
        "variants",
        "crm/thing/crm-thing-add.md",
        &fields_page(&section),
    );
    let fs = fields_of(&ir);
    let names: Vec<&str> = fs.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["DEFAULT_VALUE", "ROWS", "MIN"]);
    assert!(fs.iter().all(|f| !f.required));
    let kinds: Vec<&str> = match &fs[0].ty.kind {
        Kind::Union { variants } => variants.iter().map(|v| v.kind.name()).collect(),
        other => panic!("DEFAULT_VALUE is {other:?}"),
    };
    assert_eq!(kinds, ["string", "integer"]);
    assert_eq!(
        fs[0].doc.get(Lang::En),
        Some("Default\n\nUsed by: `string`, `integer`.")
    );
    assert_eq!(fs[1].doc.get(Lang::En), Some("Rows\n\nUsed by: `string`."));
    assert_eq!(
        fs[2].doc.get(Lang::En),
        Some("Least\n\nUsed by: `integer`.")
    );
}

#[test]
fn result_tabs_of_alternative_results_are_a_union_result() {
    let tab = |t: &str| t.replace('\n', "\n    ");
    let page = format!(
        "# Update an Event calendar.event.update\n\n> Scope: [`calendar`](../scopes/permissions.md)\n\n\
         ## Method Parameters\n\n{TABLE_HEAD}|| **id***\n[`integer`](../data-types.md) | Event ||\n|#\n\n\
         ## Response Handling\n\n```json\n{{\"result\": 1246}}\n```\n\n### Returned Data\n\n\
         {{% list tabs %}}\n\n- Single Event\n\n    {}\n\n- Recurring Event\n\n    {}\n\n{{% endlist %}}\n\n\
         ## Error Handling\n\n```json\n{{\"error\": \"\", \"error_description\": \"x\"}}\n```\n",
        tab(&format!("{TABLE_HEAD}|| **result**\n[`integer`](x.md) | Event id ||\n|#")),
        tab(&format!(
            "{TABLE_HEAD}|| **result**\n[`object`](x.md) | Root ||\n\
             || **recEventId**\n[`integer`](x.md) | New series ||\n|| **id**\n[`integer`](x.md) | Old series ||\n|#"
        )),
    );
    let ir = read_one("result-tabs", "calendar/calendar-event-update.md", &page);
    let result = ir.methods[0].result.as_ref().expect("a result");
    let Kind::Union { variants } = &result.kind else {
        panic!("result is {result:?}")
    };
    let kinds: Vec<&str> = variants.iter().map(|v| v.kind.name()).collect();
    assert_eq!(kinds, ["integer", "object"]);
    let names: Vec<&str> = variants[1]
        .fields()
        .expect("an object")
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(names, ["recEventId", "id"]);
}

/// A REST 2 page with the given error section.
fn errors_page(title: &str, errors: &str) -> String {
    format!(
        "# {title}\n\n> Scope: [`crm`](../scopes/permissions.md)\n\n\
         ## Method Parameters\n\n{TABLE_HEAD}|| **id***\n[`integer`](x.md) | Identifier ||\n|#\n\n\
         ## Response Handling\n\n```json\n{{\"result\": true}}\n```\n\n\
         ## Error Handling\n\n{errors}\n"
    )
}

fn own_errors(ir: &Ir) -> Vec<(String, Option<u16>, Option<String>)> {
    ir.methods[0]
        .errors
        .iter()
        .filter(|e| !e.system)
        .map(|e| (e.code.clone(), e.http_status, e.message.clone()))
        .collect()
}

fn has_diagnostic(ir: &Ir, part: &str) -> bool {
    ir.diagnostics.iter().any(|d| d.message.contains(part))
}

#[test]
fn a_code_column_of_statuses_holds_statuses_and_the_example_shows_messages_are_codes() {
    let table = "#|\n|| **Code** | **Description** | **Value** ||\n\
        || `400` | `Invalid identifier.` | A wrong id ||\n\
        || `403` | `Access denied.` | No rights ||\n|#";
    let sent = format!(
        "```json\n{{\"error\": \"Invalid identifier.\", \"error_description\": \"A wrong id.\"}}\n```\n\n{table}"
    );
    let ir = read_one(
        "statuses-sent",
        "crm/thing/crm-thing-delete.md",
        &errors_page("Delete crm.thing.delete", &sent),
    );
    assert_eq!(
        own_errors(&ir),
        [
            ("Invalid identifier.".into(), Some(400), None),
            ("Access denied.".into(), Some(403), None)
        ]
    );
    assert!(has_diagnostic(&ir, "the Code column holds HTTP statuses"));

    // Without such an example the messages are sent with an empty code.
    let ir = read_one(
        "statuses",
        "crm/thing/crm-thing-delete.md",
        &errors_page("Delete crm.thing.delete", table),
    );
    assert_eq!(
        own_errors(&ir),
        [
            (String::new(), Some(400), Some("Invalid identifier.".into())),
            (String::new(), Some(403), Some("Access denied.".into()))
        ]
    );
}

#[test]
fn a_code_column_holding_message_texts() {
    let table = "#|\n|| **Code** | **Description** ||\n\
        || `ACCESS_DENIED` | No rights ||\n\
        || `Access denied! Application context required` | Call it from an application ||\n|#";
    let ir = read_one(
        "prose",
        "crm/thing/crm-thing-delete.md",
        &errors_page("Delete crm.thing.delete", table),
    );
    assert_eq!(
        own_errors(&ir),
        [
            ("ACCESS_DENIED".into(), None, None),
            (
                String::new(),
                None,
                Some("Access denied! Application context required".into())
            )
        ]
    );
    assert!(has_diagnostic(&ir, "the Code column holds message texts"));
}

#[test]
fn a_title_naming_another_method_yields_to_the_file_name_and_the_calls() {
    let page = errors_page(
        "Delete a Trigger ctrigger.delete",
        "```js\nBX24.callMethod('crm.thing.delete', {id: 1});\n```",
    )
    .replace(
        "## Response Handling",
        "## Code Examples\n\n```js\nBX24.callMethod('crm.thing.delete', {\"id\": 1});\n```\n\n## Response Handling",
    );
    let ir = read_one("title", "crm/thing/crm-thing-delete.md", &page);
    assert_eq!(ir.methods[0].name, "crm.thing.delete");
    let d = ir
        .diagnostics
        .iter()
        .find(|d| d.message.contains(b24gen::extract::TITLE_NAMES_ANOTHER))
        .expect("a diagnostic about the title");
    assert_eq!(d.line, Some(1));
    assert!(d.message.contains("`ctrigger.delete`"), "{}", d.message);
    assert!(d.message.contains("the file name and"), "{}", d.message);
}

#[test]
fn report_counts_the_patterns() {
    let root: PathBuf = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("reader-patterns")
        .join("report")
        .join("api-reference");
    let _ = std::fs::remove_dir_all(&root);
    let section = format!(
        "{TABLE_HEAD}|| **TITLE**\n[`string`](x.md) | Title ||\n|#\n\n\
         **Import**\n\n{TABLE_HEAD}|| **DATE_CREATE**\n[`datetime`](x.md) | Created ||\n|#"
    );
    let pages = [
        ("crm/thing/crm-thing-add.md", fields_page(&section)),
        (
            "tasks/result/tasks-task-result-get-rest-v3.md",
            page(&format!("{ACCESS}\n\n{NOT_FOUND}")),
        ),
    ];
    for (rel, text) in &pages {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("create the folder");
        std::fs::write(&path, text).expect("write the page");
    }
    let reading = b24gen::read(&[root]);
    let p = b24gen::report::Report::new(&reading).patterns;
    assert_eq!(
        (p.tables_continued, p.tables_variants),
        (1, 0),
        "group tables"
    );
    assert_eq!(
        (p.rest3_methods, p.rest3_codes, p.rest3_without_own_codes),
        (1, 2, 0)
    );
    assert_eq!((p.unknown_settled, p.unknown_left), (0, 0));
}
