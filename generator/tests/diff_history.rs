//! The diff on real history: the English reference as of 2025-12-31
//! (`history/en-2025-12-31`) against the current one (`en`).
//!
//! What the reference really gained and lost was established by hand from
//! the page files of both snapshots (titles, `{% note info "name" %}`
//! headings, intro sentences, paths, and a search of every old page for each
//! new name):
//! * removed: exactly the 6 methods in [`REMOVED`] — their pages are gone and
//!   no page of the current reference mentions them;
//! * added: 190 methods — the diff's list minus [`READER_GAPS`];
//! * events added: exactly the 7 in [`EVENTS_ADDED`].
//!
//! [`READER_GAPS`] are entries the diff reports only because the reader does
//! not yet take in some older page layouts (the methods existed in the old
//! snapshot) or takes in a page that is not a REST method. Each gap is
//! asserted to be still there, so when the reader learns the layout this
//! test says which entry to drop (and the snapshot shows the list change).
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

/// Why a name is reported as added although it is not a new REST method.
const READER_GAPS: &[(&str, &[&str])] = &[
    (
        // Old layout: name in `{% note info "landing.landing.addblock" %}`,
        // scope on an inline `**Scope**: … | **Who can execute the method**:` line.
        "old page names its method in a `{% note info \"…\" %}` heading",
        &[
            "landing.landing.addblock",
            "landing.landing.copyblock",
            "landing.landing.deleteblock",
            "landing.landing.downblock",
            "landing.landing.favoriteBlock",
            "landing.landing.hideblock",
            "landing.landing.markdeletedblock",
            "landing.landing.markundeletedblock",
            "landing.landing.moveblock",
            "landing.landing.showblock",
            "landing.landing.unFavoriteBlock",
            "landing.landing.upblock",
            "placement.list",
            "placement.unbind",
        ],
    ),
    (
        "old page has its scope on an inline `**Scope**: … | **Execution rights**:` line",
        &[
            "landing.role.getList",
            "landing.role.getRights",
            "landing.role.setAccessCodes",
            "landing.role.setRights",
        ],
    ),
    (
        // `{% include notitle [Scope telephony admin](./_includes/scope-telephony-admin.md) %}`
        "old page takes its `> Scope:` lines from an include in a local `_includes/` folder",
        &[
            "telephony.call.attachTranscription",
            "telephony.externalCall.attachRecord",
            "telephony.externalCall.finish",
            "telephony.externalCall.hide",
            "telephony.externalCall.register",
            "telephony.externalCall.searchCrmEntities",
            "telephony.externalCall.show",
            "telephony.externalLine.add",
            "telephony.externalLine.delete",
            "telephony.externalLine.get",
            "telephony.externalLine.update",
            "voximplant.callback.start",
            "voximplant.infocall.startwithsound",
            "voximplant.infocall.startwithtext",
            "voximplant.line.get",
            "voximplant.line.outgoing.get",
            "voximplant.line.outgoing.set",
            "voximplant.line.outgoing.sip.set",
            "voximplant.sip.add",
            "voximplant.sip.connector.status",
            "voximplant.sip.delete",
            "voximplant.sip.get",
            "voximplant.sip.status",
            "voximplant.sip.update",
            "voximplant.statistic.get",
            "voximplant.tts.voices.get",
            "voximplant.url.get",
            "voximplant.user.activatePhone",
            "voximplant.user.deactivatePhone",
            "voximplant.user.get",
        ],
    ),
    (
        // `rest-v3/tasks/*.md`, marked by the `/rest/api/` call note, not by
        // "This method belongs to REST 3.0".
        "old REST 3.0 page (under `rest-v3/`) read as REST 2",
        &[
            "tasks.task.add (REST 3.0)",
            "tasks.task.delete (REST 3.0)",
            "tasks.task.get (REST 3.0)",
            "tasks.task.update (REST 3.0)",
        ],
    ),
    (
        "old page's title names another method (`sale.status.delete`); file, URL and examples say sale.status.getfields",
        &["sale.status.getFields"],
    ),
];

/// Reported as moved REST 2 → 3.0 only because the old `rest-v3/` pages are
/// read as REST 2; they were REST 3.0 in both snapshots.
const READER_GAP_MOVES: &[&str] = &[
    "tasks.task.access.get (REST 3.0)",
    "tasks.task.chat.message.send (REST 3.0)",
    "tasks.task.file.attach (REST 3.0)",
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

    let gaps: Vec<&str> = READER_GAPS
        .iter()
        .flat_map(|g| g.1.iter().copied())
        .collect();
    let still: Vec<&&str> = gaps.iter().filter(|g| added.contains(g)).collect();
    let fixed: Vec<&&str> = gaps.iter().filter(|g| !added.contains(g)).collect();
    assert!(
        fixed.is_empty(),
        "reader gaps fixed: drop {fixed:?} from READER_GAPS and review the snapshot"
    );
    let real: Vec<&str> = added
        .iter()
        .copied()
        .filter(|a| !gaps.contains(a))
        .collect();
    assert_eq!(still.len(), gaps.len());
    assert_eq!(real.len(), REALLY_ADDED, "real additions: {real:#?}");
    for name in ADDED_SAMPLE {
        assert!(real.contains(name), "{name} is new since 2025-12-31");
    }

    let moved: Vec<String> = c
        .changes
        .iter()
        .filter_map(|c| match &c.change {
            ChangeKind::RestVersionChanged { .. } => Some(c.item.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(moved, READER_GAP_MOVES);

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
