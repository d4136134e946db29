//! The conformance harness: a binary built on the generated crates (feature `full`, with
//! `--cfg b24_conformance` and the runtime's `conformance` feature) that runs cases through
//! their registries. Shared by the conformance
//! suite and the mock's whole-corpus test, which build it in the same place.

use std::path::{Path, PathBuf};
use std::process::Command;

use b24gen::ir::Ir;

use super::{emit_ir, target_dir, workspace};

pub const HARNESS: &str = "b24-conformance-harness";

/// Writes `text` to `path` unless it already holds exactly that (keeps cargo's fingerprints).
fn write_if_changed(path: &Path, text: &str) {
    if std::fs::read_to_string(path).ok().as_deref() == Some(text) {
        return;
    }
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// The harness workspace around the generated crate: `harness/` and the workspace manifest.
pub fn write_harness(base: &Path) {
    write_if_changed(
        &base.join("Cargo.toml"),
        "# Written by generator/tests/conformance.rs.\n[workspace]\nresolver = \"2\"\n\
         members = [\"harness\", \"bitrix24\", \"bitrix24/events\", \"bitrix24/scopes/*\"]\n\n\
         # The harness runs a few thousand decodes: no optimisation or debug info needed.\n\
         [profile.dev]\ndebug = false\n",
    );
    write_if_changed(
        &base.join("harness/Cargo.toml"),
        &format!(
            "[package]\nname = \"{HARNESS}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [dependencies]\nbitrix24 = {{ path = \"../bitrix24\", features = [\"full\"] }}\n\
             b24-runtime = {{ path = {runtime:?}, features = [\"conformance\"] }}\n",
            runtime = workspace().join("runtime").display().to_string()
        ),
    );
    write_if_changed(
        &base.join("harness/src/main.rs"),
        "fn main() -> std::process::ExitCode {\n    bitrix24::__conformance::main()\n}\n",
    );
    if !base.join("Cargo.lock").exists() {
        std::fs::copy(workspace().join("Cargo.lock"), base.join("Cargo.lock")).unwrap();
    }
}

pub fn build_harness(base: &Path) -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let target = base.join("target");
    let output = Command::new(cargo)
        .current_dir(base)
        .args(["build", "--offline", "--quiet", "-p", HARNESS])
        .env("CARGO_TARGET_DIR", &target)
        // The registries are behind a cfg, not a feature (see `b24gen::emit::conformance`).
        .env("RUSTFLAGS", "--cfg b24_conformance")
        .env_remove("CARGO_BUILD_TARGET_DIR")
        .output()
        .expect("run cargo");
    assert!(
        output.status.success(),
        "building the conformance harness failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    target.join("debug").join(HARNESS)
}

/// Generates `ir` into `target/conformance/bitrix24`, writes the harness beside it and builds
/// it: (the harness workspace, the harness binary). Unchanged files are not rewritten, so a
/// second caller with the same IR finds the build done.
pub fn prepare(ir: &Ir) -> (PathBuf, PathBuf) {
    let base = target_dir().join("conformance");
    let runtime = workspace().join("runtime");
    let (out, _) = emit_ir(
        ir,
        "b24gen generate (conformance test)",
        &runtime.to_string_lossy(),
        false,
    );
    out.write(&base.join("bitrix24"))
        .expect("write the generated crates");
    write_harness(&base);
    let harness = build_harness(&base);
    (base, harness)
}

/// Runs the built `harness` on `cases` (written to `base/<name>-cases.json`) and reads its
/// verdicts back.
pub fn run(
    harness: &Path,
    base: &Path,
    name: &str,
    cases: &[b24gen::conformance::Case],
) -> Vec<b24gen::conformance::Outcome> {
    let input = base.join(format!("{name}-cases.json"));
    std::fs::write(&input, serde_json::to_vec(cases).expect("cases JSON")).expect("write cases");
    let output = base.join(format!("{name}-outcomes.json"));
    let run = Command::new(harness)
        .arg(&input)
        .arg(&output)
        .output()
        .expect("run the harness");
    assert!(
        run.status.success(),
        "the harness failed:\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    serde_json::from_slice(&std::fs::read(&output).expect("read outcomes")).expect("outcomes JSON")
}
