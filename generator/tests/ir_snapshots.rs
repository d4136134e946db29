//! insta snapshots of the IR of every page in docs-src/, one by one and merged.

use b24gen::extract::{Extracted, PageKind};
use b24gen::ir::{Diagnostic, Event, Method};
use serde::Serialize;
use std::path::PathBuf;

fn docs_src() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs-src")
}

#[derive(Serialize)]
struct PageSnapshot {
    kind: PageKind,
    method: Option<Method>,
    event: Option<Event>,
    diagnostics: Vec<Diagnostic>,
}

fn pages() -> Vec<String> {
    let mut out = Vec::new();
    let root = docs_src();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir)
            .expect("docs-src readable")
            .flatten()
        {
            let p = e.path();
            let rel = p
                .strip_prefix(&root)
                .expect("under root")
                .to_string_lossy()
                .replace('\\', "/");
            if p.is_dir() {
                if !rel.starts_with('_') {
                    stack.push(p);
                }
            } else if rel.ends_with(".md") || rel.ends_with(".txt") {
                out.push(rel);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_docs_src_page() {
    let pages = pages();
    assert!(
        pages.len() >= 10,
        "docs-src holds the seeds and fixtures: {pages:?}"
    );
    for rel in pages {
        let r = b24gen::read_page(&docs_src(), &rel);
        let (method, event) = match r.extracted {
            Extracted::Method(m) => (Some(*m), None),
            Extracted::Event(e) => (None, Some(*e)),
            Extracted::Skipped => (None, None),
        };
        let snap = PageSnapshot {
            kind: r.kind,
            method,
            event,
            diagnostics: r.diagnostics,
        };
        let name = rel.replace(['/', '.'], "_");
        insta::assert_json_snapshot!(name, snap);
    }
}

#[test]
fn merged_docs_src() {
    let ir = b24gen::read_docs(&[docs_src()]);
    let names: Vec<(&str, u8)> = ir
        .methods
        .iter()
        .map(|m| (m.name.as_str(), m.rest_version))
        .collect();
    assert_eq!(
        names,
        [
            ("crm.deal.add", 2),
            ("crm.deal.get", 2),
            ("crm.deal.list", 2),
            ("crm.deal.update", 2),
            ("im.dialog.read", 2),
            ("im.dialog.unread", 2),
            ("im.recent.unread", 2),
            ("tasks.task.get", 3)
        ]
    );
    assert_eq!(ir.events.len(), 1);
    insta::assert_json_snapshot!("docs_src_ir", ir);
}

/// `crm-deal-update.md`: a table and its request examples that disagree; the examples settle it.
#[test]
fn request_examples_settle_the_table() {
    use b24gen::ir::{Kind, Severity};
    let ir = b24gen::read_docs(&[docs_src()]);
    let m = ir
        .methods
        .iter()
        .find(|m| m.name == "crm.deal.update")
        .expect("the fixture is read");
    let fields = m.params[1].ty.fields().expect("fields is an object");
    let get = |n: &str| {
        fields
            .iter()
            .find(|f| f.name == n)
            .unwrap_or_else(|| panic!("{n}"))
    };
    // Marked required, left out by the first example.
    assert!(m.params[0].required && m.params[1].required && !get("TITLE").required);
    // Documented `boolean`, sent as "Y"; documented `integer`, sent as a list.
    assert_eq!(get("IS_MANUAL_OPPORTUNITY").ty.kind, Kind::YesNo);
    assert!(
        matches!(&get("CONTACT_IDS").ty.kind, Kind::Array { item } if item.kind == Kind::Integer)
    );
    // Values one per line.
    let values: Vec<&str> = get("SOURCE_ID")
        .values
        .iter()
        .map(|v| v.value.as_str())
        .collect();
    assert_eq!(values, ["CALL", "EMAIL", "WEB"]);
    // A name like `fieldN` that the example sends as is.
    assert!(get("gpsN").literal);
    // Only in the example: an optional string; the typo is not a parameter.
    let comments = get("COMMENTS");
    assert!(comments.from_example && !comments.required && comments.ty.kind == Kind::String);
    assert!(fields.iter().all(|f| f.name != "IS_RECCURING"));
    assert!(ir
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Warning
            && d.message.contains("`IS_RECCURING`")
            && d.line.is_some()));
    // A link in a scalar row's description is a cross-reference.
    let options = m.params[2].ty.fields().expect("params is an object");
    assert_eq!(options[0].ty.kind, Kind::YesNo);
}

#[test]
fn reading_is_deterministic() {
    let a = serde_json::to_string(&b24gen::read_docs(&[docs_src()])).expect("json");
    let b = serde_json::to_string(&b24gen::read_docs(&[docs_src()])).expect("json");
    assert_eq!(a, b);
}

#[test]
fn front_matter_wins_over_the_body() {
    let ir = b24gen::read_docs(&[docs_src()]);
    let m = ir
        .methods
        .iter()
        .find(|m| m.name == "im.dialog.unread")
        .expect("seed method");
    assert_eq!(m.rate_limit_per_sec, Some(2.0));
    assert_eq!(m.pagination.as_deref(), Some("unknown"));
    // The EN body says `true`; the RU front-matter says an object.
    assert_eq!(m.result.as_ref().map(|t| t.kind.name()), Some("object"));
    assert_eq!(m.sources.len(), 2);
}

#[test]
fn bad_input_gives_diagnostics_not_panics() {
    let dir = std::env::temp_dir().join(format!("b24gen-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let pages: &[(&str, &[u8])] = &[
        ("a.md", b"---\nmethod: [broken\n---\n# T x.y\n"),
        ("b.md", b"# Only a title\n#|\n|| **a** | unclosed\n"),
        ("c.md", b"\xff\xfe\x00 not utf8 # x.y\n{% if build == 'dev' %}\n"),
        ("d.md", b"# A method a.b.c\n> Scope: [`crm`](x)\n#|\n|| **Name** | **Description** ||\n|| **p***\n[`object`](#nowhere) | see [below](#nowhere) ||\n|#\n```json\n{ {\n```\n"),
        ("e.md", b""),
    ];
    for (name, body) in pages {
        std::fs::write(dir.join(name), body).expect("write");
    }
    let reading = b24gen::read(std::slice::from_ref(&dir));
    let diag_pages: Vec<&str> = reading
        .ir
        .diagnostics
        .iter()
        .map(|d| d.page.as_str())
        .collect();
    for (name, _) in pages {
        let in_ir = reading
            .ir
            .methods
            .iter()
            .any(|m| m.sources.iter().any(|s| s.ends_with(name)));
        let named = diag_pages.iter().any(|p| p.ends_with(name));
        assert!(
            in_ir || named,
            "{name} is neither in the IR nor in a diagnostic"
        );
    }
    assert!(reading
        .ir
        .diagnostics
        .iter()
        .any(|d| d.page.ends_with("a.md") && d.message.contains("YAML")));
    assert!(reading
        .ir
        .diagnostics
        .iter()
        .any(|d| d.page.ends_with("b.md") && d.message.contains("never closed")));
    std::fs::remove_dir_all(&dir).ok();
}
