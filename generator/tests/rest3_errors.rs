//! REST 3 pages document their own error codes as prose (one sub-heading per
//! case, then ``Error code: `BITRIX_REST_V3_…` ``): read from a page, the codes
//! reach the IR, and `diff` classifies one added or removed like any other.
use b24gen::diff::{diff, Area, Bump};
use b24gen::ir::{Ir, Lang, Method};
use std::path::{Path, PathBuf};

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
    let root: PathBuf = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("rest3-errors")
        .join(test)
        .join("api-reference");
    let _ = std::fs::remove_dir_all(&root);
    let path = root.join("tasks/result/tasks-task-result-get-rest-v3.md");
    std::fs::create_dir_all(path.parent().expect("a folder")).expect("create the folder");
    std::fs::write(&path, page(codes)).expect("write the page");
    b24gen::read_docs(&[root])
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
