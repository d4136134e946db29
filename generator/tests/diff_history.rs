//! The diff on real history: the English reference as of 2025-12-31
//! (`history/en-2025-12-31`) against the current one (`en`).
//!
//! What the reference really gained and lost was established by hand from
//! the page files of both snapshots (titles, `{% note info "name" %}`
//! headings, intro sentences, paths, and a search of every old page for each
//! new name):
//! * removed: exactly the 6 methods in [`REMOVED`] — their pages are gone and
//!   no page of the current reference mentions them;
//! * added: exactly 190 methods (a sample in [`ADDED_SAMPLE`]; methods of
//!   the old snapshot's older layouts, [`OLD_LAYOUTS`], are not among them);
//! * events added: exactly the 7 in [`EVENTS_ADDED`].
use b24gen::diff::{compare_sides, Bump, ChangeKind, ItemKind};
use std::path::{Path, PathBuf};

/// Removed since 2025-12-31, checked by hand.
const REMOVED: &[&str] = &[
    "ai.prompt.register",
    "ai.prompt.unregister",
    "catalog.catalog.add",
    "catalog.catalog.delete",
    "catalog.catalog.update",
    "crm.livefeedmessage.add",
];

/// Number of methods really added since 2025-12-31, counted by hand.
const REALLY_ADDED: usize = 190;

/// A sample of the real additions, each checked against both page trees.
const ADDED_SAMPLE: &[&str] = &[
    "crm.quote.contact.add",
    "crm.tracking.trace.add",
    "im.notify",
    "im.notify.get",
    "imbot.v2.Bot.register",
    "mail.mailbox.get (REST 3.0)",
    "humanresources.node.add (REST 3.0)",
    "tasks.task.list (REST 3.0)",
    "tasks.task.pin",
    "disk.file.search",
    "crm.activity.call.getTranscript",
];

const EVENTS_ADDED: &[&str] = &[
    "OnSignB2eDocumentStatusChanged",
    "OnSignB2eMemberStatusChanged",
    "OnSignHcmLinkB2eDocumentSigned",
    "onCrmTypeUserFieldAdd",
    "onCrmTypeUserFieldDelete",
    "onCrmTypeUserFieldSetEnumValues",
    "onCrmTypeUserFieldUpdate",
];

/// Methods of the old snapshot in its older layouts, which a reader that
/// missed them would report as added: the name in a `{% note info "…" %}`
/// heading with an inline `**Scope**: … | **Who can execute the method**:`
/// line, `**Execution rights**` instead, `> Scope:` lines from a local
/// `_includes/scope-*.md`, REST 3.0 pages in an old `rest-v3/` folder, and a
/// title naming another method (`sale.status.delete` on getfields' page).
const OLD_LAYOUTS: &[&str] = &[
    "landing.landing.addblock",
    "landing.landing.favoriteBlock",
    "placement.list",
    "landing.role.getList",
    "telephony.externalLine.add",
    "voximplant.sip.add",
    "tasks.task.get (REST 3.0)",
    "sale.status.getFields",
];

/// `$B24_DOCS`, else `../shared/b24-docs` from the workspace root.
fn corpus() -> Option<PathBuf> {
    let dir = match std::env::var_os("B24_DOCS") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/b24-docs"),
    };
    if dir.join("en").is_dir() && dir.join("history/en-2025-12-31").is_dir() {
        return Some(dir);
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("the docs corpus is missing at {}", dir.display());
    }
    println!("skipped: no docs corpus with history at {}", dir.display());
    None
}

#[test]
fn real_history_added_and_removed_methods() {
    let Some(root) = corpus() else { return };
    let old = [root.join("history/en-2025-12-31")];
    let new = [root.join("en")];
    let c = compare_sides(&old, &new, b24gen::read_docs).unwrap();

    let added = c.methods_added();
    let removed = c.methods_removed();
    assert_eq!(removed, REMOVED, "removed methods");
    assert_eq!(c.methods.removed, REMOVED.len());
    assert_eq!(c.methods.added, added.len());

    assert_eq!(added.len(), REALLY_ADDED, "real additions: {added:#?}");
    for name in OLD_LAYOUTS {
        assert!(!added.contains(name), "{name} was in the old snapshot");
    }
    for name in ADDED_SAMPLE {
        assert!(added.contains(name), "{name} is new since 2025-12-31");
    }

    let moved: Vec<String> = c
        .changes
        .iter()
        .filter_map(|c| match &c.change {
            ChangeKind::RestVersionChanged { .. } => Some(c.item.clone()),
            _ => None,
        })
        .collect();
    // The old `rest-v3/` pages were REST 3.0 already: nothing moved.
    assert!(moved.is_empty(), "moved between REST versions: {moved:?}");

    // Respelled (letter case only): the same method, never an addition.
    let renamed: Vec<String> = c
        .changes
        .iter()
        .filter(|c| c.item_kind == ItemKind::Method)
        .filter_map(|c| match &c.change {
            ChangeKind::Renamed { from, .. } => Some(format!("{from} -> {}", c.item)),
            _ => None,
        })
        .collect();
    for r in [
        "disk.file.copyto -> disk.file.copyTo",
        "sale.order.getfields -> sale.order.getFields",
        "task.elapseditem.isactionallowed -> task.elapseditem.isActionAllowed",
    ] {
        assert!(renamed.iter().any(|x| x == r), "{r} in {renamed:#?}");
    }
    assert!(!added.contains(&"disk.file.copyTo"));

    assert_eq!(c.events_added(), EVENTS_ADDED);
    assert_eq!(c.bump, Bump::Major);

    insta::assert_json_snapshot!(serde_json::json!({
        "methods": c.methods,
        "methods_added": added,
        "methods_removed": removed,
        "methods_renamed": renamed,
        "methods_moved_between_rest_versions": moved,
        "events": c.events,
        "events_added": c.events_added(),
        "events_removed": c.events_removed(),
    }));
}
