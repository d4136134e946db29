//! Helpers shared by the emitter tests.
#![allow(dead_code)]

pub mod harness;

use std::path::{Path, PathBuf};
use std::process::Command;

use b24gen::emit::{self, EmitOptions, Output};
use b24gen::ir::{Ir, Lang};
use b24gen::rust::{PlanOptions, Stats};

/// The workspace root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("generator/ has a parent")
        .to_path_buf()
}

/// The workspace's target directory (where generated crates under test go).
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|p| {
            if p.is_absolute() {
                p
            } else {
                workspace().join(p)
            }
        })
        .unwrap_or_else(|| workspace().join("target"))
}

/// The hand-written IR fixture with the shapes the docs-src pages lack.
pub fn fixture_ir() -> Ir {
    let path = workspace().join("generator/tests/fixtures/emit-ir.json");
    let text = std::fs::read_to_string(&path).expect("fixture exists");
    serde_json::from_str(&text).expect("fixture is IR JSON")
}

/// The docs-src pages read into the IR.
pub fn docs_src_ir() -> Ir {
    b24gen::read_docs(&[workspace().join("docs-src")])
}

/// Where the real corpus is, if present (`$B24_DOCS` or `../shared/b24-docs`). Under `CI=true`
/// absence is a failure.
pub fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("B24_DOCS")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("../shared/b24-docs"));
    if dir.join("en").is_dir() && dir.join("ru").is_dir() {
        return Some(dir);
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("the docs corpus is missing at {}", dir.display());
    }
    None
}

/// Emits `ir` in memory with the committed client's settings.
pub fn emit_ir(ir: &Ir, command: &str, runtime_path: &str, workspace: bool) -> (Output, Stats) {
    emit::generate(
        ir,
        &PlanOptions {
            crate_name: "bitrix24".into(),
            lang: Lang::En,
        },
        &EmitOptions {
            command: command.into(),
            runtime_path: runtime_path.into(),
            workspace,
        },
    )
    .expect("emission succeeds")
}

/// Writes `out` to `dir` as a standalone workspace with our lock file.
pub fn write_standalone(out: &Output, dir: &Path) {
    out.write(dir).expect("write generated crate");
    std::fs::copy(workspace().join("Cargo.lock"), dir.join("Cargo.lock")).expect("copy lock");
}

/// Runs `cargo check` in `dir` with warnings denied; panics with the output on failure.
pub fn cargo_check(dir: &Path, args: &[&str]) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(dir)
        .arg("check")
        .arg("--offline")
        .arg("--quiet")
        .args(args)
        .env("RUSTFLAGS", "-D warnings")
        .env("CARGO_TARGET_DIR", target_dir().join("emit-tests/target"))
        .env_remove("CARGO_BUILD_TARGET_DIR")
        .output()
        .expect("run cargo");
    assert!(
        output.status.success(),
        "cargo check {args:?} in {} failed:\n{}",
        dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Runs `cargo run --example NAME` in `dir` with warnings denied; panics with the output on
/// failure, returns stdout.
pub fn cargo_run_example(dir: &Path, example: &str, args: &[&str]) -> String {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(dir)
        .args(["run", "--offline", "--quiet", "--example", example])
        .args(args)
        .env("RUSTFLAGS", "-D warnings")
        .env("CARGO_TARGET_DIR", target_dir().join("emit-tests/target"))
        .env_remove("CARGO_BUILD_TARGET_DIR")
        .output()
        .expect("run cargo");
    assert!(
        output.status.success(),
        "cargo run --example {example} in {} failed:\n{}\n{}",
        dir.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Counts the emitted method impls and `Event` variants in an output.
pub fn count_emitted(out: &Output) -> (usize, usize) {
    let methods = out
        .files()
        .values()
        .map(|t| t.matches("const NAME: &'static str = ").count())
        .sum();
    let events = out
        .files()
        .iter()
        .filter(|(p, _)| {
            let shared = format!("events/src/{}.rs", b24gen::rust::plan::SHARED_MODULE);
            p.starts_with("events/src/") && *p != "events/src/lib.rs" && **p != shared
        })
        .count();
    (methods, events)
}
