//! The generated crates compile without warnings: the fixture (hard names and shapes), a
//! regeneration of docs-src byte-compared, and the whole real corpus (EN + RU) with every feature
//! and with `crm`, `im`, `task` alone.

mod common;

use b24gen::emit::run::{run, GenerateArgs};
use b24gen::ir::Lang;
use common::{
    cargo_check, cargo_run_example, corpus, count_emitted, emit_ir, fixture_ir, target_dir,
    workspace, write_standalone,
};

#[test]
fn fixture_crate_checks_without_warnings() {
    let dir = target_dir().join("emit-tests/fixture");
    let runtime = workspace().join("runtime");
    let (out, _) = emit_ir(
        &fixture_ir(),
        "b24gen generate (test)",
        &runtime.to_string_lossy(),
        true,
    );
    write_standalone(&out, &dir);
    cargo_check(&dir, &["--all-features"]);
    cargo_check(&dir, &["--no-default-features", "--features", "crm"]);
}

#[test]
fn fixture_crate_behaves_on_the_wire() {
    // A separate directory: the example is not a generated file.
    let dir = target_dir().join("emit-tests/fixture-usage");
    let runtime = workspace().join("runtime");
    let (out, _) = emit_ir(
        &fixture_ir(),
        "b24gen generate (test)",
        &runtime.to_string_lossy(),
        true,
    );
    write_standalone(&out, &dir);
    std::fs::create_dir_all(dir.join("examples")).unwrap();
    std::fs::copy(
        workspace().join("generator/tests/fixtures/usage/main.rs"),
        dir.join("examples/usage.rs"),
    )
    .unwrap();
    let stdout = cargo_run_example(&dir, "usage", &["--all-features"]);
    assert!(stdout.contains("usage ok"), "{stdout}");
}

#[test]
fn generate_twice_writes_the_same_bytes() {
    let base = target_dir().join("emit-tests/twice");
    let _ = std::fs::remove_dir_all(&base);
    let args = |out: &str| GenerateArgs {
        docs: vec![workspace().join("docs-src")],
        ir: None,
        out: base.join(out),
        crate_name: "bitrix24".into(),
        lang: Lang::En,
        runtime_path: Some(workspace().join("runtime")),
        workspace: true,
    };
    let a = run(&args("a")).expect("first run");
    let second = run(&args("a")).expect("second run");
    assert_eq!(second.write.written, 0, "nothing changes on a second run");
    assert_eq!(second.write.unchanged, a.files);
    run(&args("b")).expect("other dir");
    for entry in walk(&base.join("a")) {
        let rel = entry.strip_prefix(base.join("a")).unwrap();
        let other = std::fs::read(base.join("b").join(rel)).expect("same file set");
        let mine = std::fs::read(&entry).unwrap();
        // Only the header's `--out` differs.
        let strip = |b: &[u8]| String::from_utf8_lossy(b).replace("twice/a", "twice/b");
        assert_eq!(
            strip(&mine),
            String::from_utf8_lossy(&other),
            "{}",
            rel.display()
        );
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

#[test]
fn corpus_crate_checks_with_all_and_single_features() {
    let Some(docs) = corpus() else {
        println!("skipped: the docs corpus is not at ../shared/b24-docs (set B24_DOCS)");
        return;
    };
    let ir = b24gen::read_docs(&[docs.join("en"), docs.join("ru")]);
    let runtime = workspace().join("runtime");
    let (out, stats) = emit_ir(
        &ir,
        "b24gen generate (corpus test)",
        &runtime.to_string_lossy(),
        true,
    );
    assert_eq!(count_emitted(&out), (ir.methods.len(), ir.events.len()));
    assert_eq!(stats.methods, ir.methods.len());
    let dir = target_dir().join("emit-tests/corpus");
    write_standalone(&out, &dir);
    cargo_check(&dir, &["--all-features"]);
    for feature in ["crm", "im", "task"] {
        cargo_check(&dir, &["--no-default-features", "--features", feature]);
    }
}
