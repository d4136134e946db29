//! The diff on real history: the English reference as of 2025-12-31
//! (`history/en-2025-12-31`) against the current one (`en`). The lists of
//! methods and events that appeared, disappeared or were respelled are
//! pinned with insta; a sample of them was checked by hand against the page
//! files (see the asserts).
use b24gen::diff::{compare_sides, Area, Bump, ChangeKind, ItemKind};
use std::path::{Path, PathBuf};

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

    let renamed: Vec<String> = c
        .changes
        .iter()
        .filter(|c| c.area == Area::Item && c.item_kind != ItemKind::System)
        .filter_map(|c| match &c.change {
            ChangeKind::Renamed { from } => Some(format!("{from} -> {}", c.item)),
            _ => None,
        })
        .collect();
    let moved: Vec<String> = c
        .changes
        .iter()
        .filter_map(|c| match &c.change {
            ChangeKind::RestVersionChanged { old, new } => {
                Some(format!("{} ({old} -> {new})", c.item))
            }
            _ => None,
        })
        .collect();

    // Checked by hand against the page files of both snapshots.
    let added = c.methods_added();
    let removed = c.methods_removed();
    for name in [
        "crm.quote.contact.add",
        "crm.tracking.trace.add",
        "im.notify.get",
    ] {
        assert!(added.contains(&name), "{name} is new since 2025-12-31");
    }
    for name in [
        "catalog.catalog.add",
        "ai.prompt.register",
        "crm.livefeedmessage.add",
    ] {
        assert!(removed.contains(&name), "{name} is gone since 2025-12-31");
    }
    assert!(renamed.contains(&"disk.file.copyto -> disk.file.copyTo".to_string()));
    assert!(
        !added.contains(&"disk.file.copyTo"),
        "a respelling is not an addition"
    );
    assert_eq!(c.bump, Bump::Major);
    assert_eq!(c.methods.added, added.len());
    assert_eq!(c.methods.removed, removed.len());

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
