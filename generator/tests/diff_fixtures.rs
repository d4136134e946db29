//! Fixture page pairs, one per change kind: `tests/diff-fixtures/<case>/{old,new}/`
//! (official checkout layout, pages written for these tests), read with the
//! real reader and diffed. Each case pins the exact changes and the verdict.
use b24gen::diff::{compare_sides, render_json, render_text, Area, Bump, Changes, ItemKind};
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/diff-fixtures")
}

fn run(case: &str) -> Changes {
    let dir = fixtures().join(case);
    compare_sides(&[dir.join("old")], &[dir.join("new")], b24gen::read_docs)
        .unwrap_or_else(|e| panic!("{case}: {e}"))
}

/// (case, [(item, area, path, change tag, bump)], overall bump)
type Expected = (
    &'static str,
    &'static [(&'static str, Area, &'static str, &'static str, Bump)],
    Bump,
);

const ADD: &str = "demo.widget.add";
use Area::{Errors, Item, Params, Payload, Result};
use Bump::{Major, Minor, Patch};

const CASES: &[Expected] = &[
    ("no-change", &[], Bump::None),
    (
        "method-added",
        &[("demo.widget.delete", Item, "", "added", Minor)],
        Minor,
    ),
    (
        "method-removed",
        &[("demo.widget.delete", Item, "", "removed", Major)],
        Major,
    ),
    (
        "method-renamed-case",
        &[
            ("demo.widget.addNew", Item, "", "renamed", Major),
            ("demo.widget.addNew", Item, "", "doc_changed", Patch),
        ],
        Major,
    ),
    (
        "method-deprecated",
        &[(ADD, Item, "", "deprecated", Minor)],
        Minor,
    ),
    (
        "scope-changed",
        &[(ADD, Item, "", "scopes_changed", Major)],
        Major,
    ),
    (
        "doc-only",
        &[
            (ADD, Item, "", "doc_changed", Patch),
            (ADD, Item, "", "doc_changed", Patch),
        ],
        Patch,
    ),
    (
        "param-added-required",
        &[(ADD, Params, "DASHBOARD_ID", "field_added", Major)],
        Major,
    ),
    (
        "param-added-optional",
        &[(ADD, Params, "POSITION", "field_added", Minor)],
        Minor,
    ),
    (
        "param-removed",
        &[(ADD, Params, "SIZE", "field_removed", Major)],
        Major,
    ),
    (
        "param-renamed",
        &[(ADD, Params, "COLOUR", "field_renamed", Major)],
        Major,
    ),
    (
        "param-required-changed",
        &[(ADD, Params, "COLOR", "required_changed", Major)],
        Major,
    ),
    (
        "param-type-changed",
        &[(ADD, Params, "SIZE", "type_changed", Major)],
        Major,
    ),
    (
        "param-doc-changed",
        &[(ADD, Params, "COLOR", "doc_changed", Patch)],
        Patch,
    ),
    (
        "result-field-added",
        &[(ADD, Result, "SORT", "field_added", Minor)],
        Minor,
    ),
    (
        "result-field-removed",
        &[(ADD, Result, "CREATED", "field_removed", Major)],
        Major,
    ),
    (
        "result-field-type-changed",
        &[(ADD, Result, "ID", "type_changed", Major)],
        Major,
    ),
    (
        "error-added",
        &[(ADD, Errors, "ERROR_SIZE_INVALID", "error_added", Minor)],
        Minor,
    ),
    (
        "error-removed",
        &[(ADD, Errors, "ERROR_NO_ACCESS", "error_removed", Major)],
        Major,
    ),
    (
        "system-error-added",
        &[(
            "system errors",
            Errors,
            "ERROR_WEBHOOK_DISABLED",
            "error_added",
            Patch,
        )],
        Patch,
    ),
    (
        "event-added",
        &[("ONDEMOWIDGETADD", Item, "", "added", Minor)],
        Minor,
    ),
    (
        "event-removed",
        &[("ONDEMOWIDGETADD", Item, "", "removed", Major)],
        Major,
    ),
    (
        "method-undeprecated",
        &[(ADD, Item, "", "undeprecated", Patch)],
        Patch,
    ),
    (
        "method-moved-to-rest3",
        &[(
            "demo.widget.add (REST 3.0)",
            Item,
            "",
            "rest_version_changed",
            Major,
        )],
        Major,
    ),
    (
        "method-alias-added",
        &[
            (ADD, Item, "", "alias_added", Patch),
            (ADD, Item, "", "doc_changed", Patch),
        ],
        Patch,
    ),
    (
        "result-paginated",
        &[(ADD, Item, "", "paginated_changed", Minor)],
        Minor,
    ),
    (
        "param-default-changed",
        &[
            (ADD, Params, "SIZE", "default_changed", Patch),
            (ADD, Params, "SIZE", "doc_changed", Patch),
        ],
        Patch,
    ),
    (
        "param-deprecated",
        &[
            (ADD, Params, "COLOR", "deprecated", Minor),
            (ADD, Params, "COLOR", "doc_changed", Patch),
        ],
        Minor,
    ),
    (
        "param-type-token-changed",
        &[(ADD, Params, "SIZE", "type_doc_changed", Patch)],
        Patch,
    ),
    (
        "enum-value-added",
        &[
            (ADD, Params, "MODE", "value_added", Minor),
            (ADD, Params, "MODE", "doc_changed", Patch),
        ],
        Minor,
    ),
    (
        "enum-value-removed",
        &[
            (ADD, Params, "MODE", "value_removed", Major),
            (ADD, Params, "MODE", "doc_changed", Patch),
        ],
        Major,
    ),
    (
        "param-nested-added",
        &[(ADD, Params, "OPTIONS.THEME", "field_added", Major)],
        Major,
    ),
    (
        "error-status-changed",
        &[(
            ADD,
            Errors,
            "ERROR_NO_ACCESS",
            "error_status_changed",
            Patch,
        )],
        Patch,
    ),
    (
        "event-renamed-case",
        &[
            ("OnDemoWidgetAdd", Item, "", "renamed", Major),
            ("OnDemoWidgetAdd", Item, "", "doc_changed", Patch),
        ],
        Major,
    ),
    (
        "replacement-changed",
        &[(ADD, Item, "", "replacement_changed", Patch)],
        Patch,
    ),
    (
        "rate-limit-changed",
        &[(ADD, Item, "", "rate_limit_changed", Patch)],
        Patch,
    ),
    (
        "pagination-note-changed",
        &[(ADD, Item, "", "pagination_note_changed", Patch)],
        Patch,
    ),
    (
        "event-field-added",
        &[(
            "ONDEMOWIDGETADD",
            Payload,
            "data.DASHBOARD_ID",
            "field_added",
            Minor,
        )],
        Minor,
    ),
];

#[test]
fn every_case_reports_its_changes_and_verdict() {
    let mut failures = Vec::new();
    for (case, expected, bump) in CASES {
        let c = run(case);
        let got: Vec<_> = c
            .changes
            .iter()
            .map(|c| {
                (
                    c.item.as_str(),
                    c.area,
                    c.path.as_str(),
                    c.change.tag(),
                    c.bump,
                )
            })
            .collect();
        if got != *expected || c.bump != *bump {
            failures.push(format!(
                "{case}: expected {expected:?} → {bump}\n   got {got:?} → {}",
                c.bump
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn every_fixture_folder_is_a_case() {
    let mut dirs: Vec<String> = std::fs::read_dir(fixtures())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    dirs.sort();
    let mut cases: Vec<String> = CASES.iter().map(|c| c.0.to_string()).collect();
    cases.sort();
    assert_eq!(dirs, cases);
}

#[test]
fn fixture_pages_read_cleanly() {
    // A fixture the reader only half understands would test the reader's
    // gaps, not the diff: every page must be in the IR without errors.
    for (case, ..) in CASES {
        for side in ["old", "new"] {
            let ir = b24gen::read_docs(&[fixtures().join(case).join(side)]);
            let errors: Vec<_> = ir
                .diagnostics
                .iter()
                .filter(|d| d.severity == b24gen::ir::Severity::Error)
                .collect();
            assert!(errors.is_empty(), "{case}/{side}: {errors:?}");
            assert!(!ir.methods.is_empty(), "{case}/{side}: no method read");
        }
    }
}

#[test]
fn deprecation_names_the_replacement_and_the_new_wording_is_used() {
    let c = run("method-deprecated");
    let json = render_json(&c).unwrap();
    assert!(
        json.contains("\"replaced_by\": \"demo.widget.create\""),
        "{json}"
    );

    let c = run("param-doc-changed");
    assert_eq!(
        c.changes[0].text.as_deref(),
        Some("Background color, for example `#ffcc00`")
    );
    let c = run("method-removed");
    assert_eq!(c.changes[0].text.as_deref(), Some("Remove a Widget"));
    assert_eq!(c.changes[0].item_kind, ItemKind::Method);
}

#[test]
fn saved_ir_file_gives_the_same_diff_as_the_docs() {
    let dir = fixtures().join("param-renamed");
    let ir = b24gen::read_docs(&[dir.join("old")]);
    let tmp = std::env::temp_dir().join(format!("b24gen-diff-ir-{}.json", std::process::id()));
    std::fs::write(&tmp, serde_json::to_string(&ir).unwrap()).unwrap();
    let from_file = compare_sides(
        std::slice::from_ref(&tmp),
        &[dir.join("new")],
        b24gen::read_docs,
    )
    .unwrap();
    std::fs::remove_file(&tmp).unwrap();
    assert_eq!(from_file, run("param-renamed"));
}

#[test]
fn changelog_of_all_cases() {
    let mut out = String::new();
    for (case, ..) in CASES {
        out.push_str(&format!("======== {case}\n"));
        out.push_str(&render_text(&run(case)));
    }
    insta::assert_snapshot!(out);
}

#[test]
fn the_cli_prints_the_changelog_or_json() {
    let dir = fixtures().join("param-added-required");
    let run_cli = |extra: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_b24gen"))
            .arg("diff")
            .arg("--old")
            .arg(dir.join("old"))
            .arg("--new")
            .arg(dir.join("new"))
            .args(extra)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let text = run_cli(&[]);
    assert!(text.contains("new required param `DASHBOARD_ID`"), "{text}");
    assert!(text.trim_end().ends_with("**major**"), "{text}");
    let json: serde_json::Value = serde_json::from_str(&run_cli(&["--json"])).unwrap();
    assert_eq!(json["bump"], "major");
    assert_eq!(json["changes"][0]["path"], "DASHBOARD_ID");

    // A missing side is a clear error, not a panic.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_b24gen"))
        .args(["diff", "--old", "no/such/dir", "--new"])
        .arg(dir.join("new"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no/such/dir: no such file or folder"), "{err}");
}

#[test]
fn generate_writes_the_changelog_entry_next_to_the_crate() {
    let case = fixtures().join("param-added-required");
    let runtime = Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime");
    let out = std::env::temp_dir().join(format!("b24gen-changelog-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let generate = |version: &str| {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_b24gen"))
            .arg("generate")
            .arg("--docs")
            .arg(case.join("new"))
            .arg("--out")
            .arg(&out)
            .arg("--runtime-path")
            .arg(&runtime)
            .arg("--workspace")
            .arg("--changelog-from")
            .arg(case.join("old"))
            .args(["--changelog-version", version])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        std::fs::read_to_string(out.join("CHANGELOG.md")).unwrap()
    };
    let first = generate("0.2.0");
    assert!(
        first.starts_with("# Changelog\n\n## 0.2.0\n\nSemver: **major**."),
        "{first}"
    );
    assert!(first.contains("- `demo.widget.add`: new required param `DASHBOARD_ID` (`integer`)"));
    // Same generation again: same file, not a second entry.
    assert_eq!(generate("0.2.0"), first);
    // A later version goes on top; the earlier entry stays.
    let second = generate("0.3.0");
    assert!(second.starts_with("# Changelog\n\n## 0.3.0\n"), "{second}");
    assert!(second.contains("\n## 0.2.0\n"));
    // A plain `generate` leaves the changelog alone (it is not a stale file).
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_b24gen"))
        .arg("generate")
        .arg("--docs")
        .arg(case.join("new"))
        .arg("--out")
        .arg(&out)
        .arg("--runtime-path")
        .arg(&runtime)
        .arg("--workspace")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        std::fs::read_to_string(out.join("CHANGELOG.md")).unwrap(),
        second
    );
    std::fs::remove_dir_all(&out).unwrap();
}
