//! Page layouts of older snapshots of the reference (as in
//! `history/en-2025-12-31`), on small hand-written pages: where the method's
//! name and its scope are found when the current layout's places are empty.
use b24gen::extract::{Extracted, PageKind};
use std::path::{Path, PathBuf};

/// A fresh `api-reference/` folder with the given pages.
fn checkout(test: &str, pages: &[(&str, &str)]) -> PathBuf {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("old-layouts")
        .join(test)
        .join("api-reference");
    let _ = std::fs::remove_dir_all(&root);
    for (rel, text) in pages {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().expect("page path has a folder"))
            .expect("create the fixture folder");
        std::fs::write(&path, text).expect("write the fixture page");
    }
    root
}

/// (name, scopes, REST version) of the method the page documents.
fn method(root: &Path, rel: &str) -> (String, Vec<String>, u8) {
    let r = b24gen::read_page(root, rel);
    assert_eq!(r.kind, PageKind::Method, "{rel}: {:#?}", r.diagnostics);
    match r.extracted {
        Extracted::Method(m) => (m.name, m.scopes, m.rest_version),
        _ => panic!("{rel} is not read as a method"),
    }
}

const BODY: &str = "
## Method Parameters

#|
|| **Name**
`type` | **Description** ||
|| **id***
[`integer`](../data-types.md) | Identifier ||
|#

## Response Handling

HTTP status: **200**

```json
{\"result\": true}
```
";

#[test]
fn name_in_a_note_heading_and_an_inline_bold_scope_line() {
    let page = format!(
        "# Adding a New Block to the Page\n\n\
         {{% note info \"landing.landing.addblock\" %}}\n\n\
         **Scope**: [`landing`](../scopes/permissions.md) | **Who can execute the method**: `administrator`\n\n\
         {{% endnote %}}\n{BODY}"
    );
    let root = checkout("note", &[("landing/landing-landing-add-block.md", &page)]);
    let (name, scopes, rest) = method(&root, "landing/landing-landing-add-block.md");
    assert_eq!(name, "landing.landing.addblock");
    // `administrator` is who may call it, not a scope.
    assert_eq!(scopes, ["landing"]);
    assert_eq!(rest, 2);
}

#[test]
fn execution_rights_instead_of_who_can_execute() {
    let page = format!(
        "# Get the list of roles landing.role.getList\n\n\
         {{% note info \"\" %}}\n\n\
         **Scope**: [`landing`](../scopes/permissions.md) | **Execution rights**: `administrator`\n\n\
         {{% endnote %}}\n{BODY}"
    );
    let root = checkout("rights", &[("landing/landing-role-get-list.md", &page)]);
    let (name, scopes, _) = method(&root, "landing/landing-role-get-list.md");
    assert_eq!(name, "landing.role.getList");
    assert_eq!(scopes, ["landing"]);
}

#[test]
fn scope_lines_from_a_local_include() {
    let page = format!(
        "# Add External Line telephony.externalLine.add\n\n\
         {{% include notitle [Scope](./_includes/scope-telephony-admin.md) %}}\n{BODY}"
    );
    let include = "> Scope: [`telephony`](../../scopes/permissions.md)\n>\n\
                   > Who can execute the method: administrator\n";
    let root = checkout(
        "include",
        &[
            ("telephony/telephony-external-line-add.md", &page),
            ("telephony/_includes/scope-telephony-admin.md", include),
        ],
    );
    let (name, scopes, _) = method(&root, "telephony/telephony-external-line-add.md");
    assert_eq!(name, "telephony.externalLine.add");
    assert_eq!(scopes, ["telephony"]);
}

#[test]
fn a_page_in_an_old_rest_v3_folder_is_rest_3() {
    let page = format!(
        "# Get Task tasks.task.get\n\n> Scope: [`task`](../../scopes/permissions.md)\n{BODY}"
    );
    let root = checkout(
        "rest-v3",
        &[
            ("rest-v3/tasks/tasks-task-get.md", page.as_str()),
            ("tasks/tasks-task-get.md", page.as_str()),
        ],
    );
    assert_eq!(method(&root, "rest-v3/tasks/tasks-task-get.md").2, 3);
    assert_eq!(method(&root, "tasks/tasks-task-get.md").2, 2);
}

#[test]
fn a_title_naming_another_method_yields_to_the_examples() {
    let call = |name: &str| {
        format!(
            "\n## Code Examples\n\n```js\nBX24.callMethod('{name}', {{}}, function(r) {{}});\n```\n"
        )
    };
    // The title's name is a typo: the file and the examples agree on another.
    let typo = format!(
        "# Get Status Fields sale.status.delete\n\n> Scope: [`sale`](../scopes/permissions.md)\n{BODY}{}",
        call("sale.status.getfields")
    );
    // The file name spells the name differently; the examples call the title's.
    let spelled = format!(
        "# Add Task to Favorites task.item.addtofavorite\n\n> Scope: [`task`](../scopes/permissions.md)\n\n\
         The method `task.item.addtofavourite` adds a task to Favorites.\n{BODY}{}",
        call("task.item.addtofavorite")
    );
    let root = checkout(
        "titles",
        &[
            ("sale/sale-status-get-fields.md", typo.as_str()),
            ("tasks/task-item-add-to-favourite.md", spelled.as_str()),
        ],
    );
    assert_eq!(
        method(&root, "sale/sale-status-get-fields.md").0,
        "sale.status.getfields"
    );
    assert_eq!(
        method(&root, "tasks/task-item-add-to-favourite.md").0,
        "task.item.addtofavorite"
    );
}

/// Not an old layout, but the same lines: a `Scope:` line names scopes by its
/// links (prose code spans are not scopes), a "Who can execute" line none.
#[test]
fn only_linked_code_spans_of_the_scope_line_are_scopes() {
    let page = format!(
        "# Add a Field Config userfieldconfig.add\n\n\
         > Scope: [`userfieldconfig`](../scopes/permissions.md), module scope from `moduleId` \
         (for example, [`crm`](../scopes/permissions.md))\n>\n\
         > Who can execute the method: an administrator; with the `scope` parameter, only the owner\n{BODY}"
    );
    let root = checkout("linked", &[("crm/userfieldconfig-add.md", &page)]);
    let (_, scopes, _) = method(&root, "crm/userfieldconfig-add.md");
    assert_eq!(scopes, ["crm", "userfieldconfig"]);
}
