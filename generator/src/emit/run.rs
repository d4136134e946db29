//! The `generate` command: read (docs or IR JSON) → plan → emit → write, with phase timings.

use std::path::{Component, Path, PathBuf};
use std::time::Instant;

use super::{emit_profiled, EmitOptions, WriteStats};
use crate::ir::{Ir, Lang};
use crate::rust::{PlanOptions, Stats};

/// Arguments of `b24gen generate`.
#[derive(Debug, Clone)]
pub struct GenerateArgs {
    pub docs: Vec<PathBuf>,
    /// Read this IR JSON instead of the docs.
    pub ir: Option<PathBuf>,
    pub out: PathBuf,
    pub crate_name: String,
    pub lang: Lang,
    /// The `b24-runtime` crate directory; default `runtime` (the workspace layout).
    pub runtime_path: Option<PathBuf>,
    /// Give the output a `[workspace]` of its own.
    pub workspace: bool,
}

/// What a run did.
#[derive(Debug, Clone, Default)]
pub struct GenerateReport {
    pub stats: Stats,
    pub files: usize,
    pub bytes: usize,
    pub write: WriteStats,
    /// (phase, seconds)
    pub phases: Vec<(&'static str, f64)>,
}

impl GenerateArgs {
    /// The command line the generated headers name (only what changes the output).
    pub fn command_line(&self) -> String {
        let mut c = String::from("b24gen generate");
        match &self.ir {
            Some(ir) => c.push_str(&format!(" --ir {}", ir.display())),
            None => {
                for d in &self.docs {
                    c.push_str(&format!(" --docs {}", d.display()));
                }
            }
        }
        c.push_str(&format!(
            " --out {} --crate-name {} --doc-lang {}",
            self.out.display(),
            self.crate_name,
            self.lang.as_str()
        ));
        if let Some(r) = &self.runtime_path {
            c.push_str(&format!(" --runtime-path {}", r.display()));
        }
        if self.workspace {
            c.push_str(" --workspace");
        }
        c
    }
}

/// A Cargo package name we accept.
fn valid_crate_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
}

/// Runs the whole command.
pub fn run(args: &GenerateArgs) -> Result<GenerateReport, String> {
    if !valid_crate_name(&args.crate_name) {
        return Err(format!(
            "invalid crate name {:?}: use ASCII letters, digits, '-' and '_', starting with a letter",
            args.crate_name
        ));
    }
    let mut report = GenerateReport::default();
    let start = Instant::now();
    let ir: Ir = match &args.ir {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            serde_json::from_str(&text)
                .map_err(|e| format!("{} is not IR JSON: {e}", path.display()))?
        }
        None => {
            for d in &args.docs {
                if !d.is_dir() {
                    return Err(format!("docs directory {} does not exist", d.display()));
                }
            }
            crate::read_docs(&args.docs)
        }
    };
    report.phases.push(("read", start.elapsed().as_secs_f64()));

    std::fs::create_dir_all(&args.out)
        .map_err(|e| format!("cannot create {}: {e}", args.out.display()))?;
    let runtime = args
        .runtime_path
        .clone()
        .unwrap_or_else(|| PathBuf::from("runtime"));
    let runtime_path = relative_to(&args.out, &runtime)?;

    let start = Instant::now();
    let plan = crate::rust::plan(
        &ir,
        &PlanOptions {
            crate_name: args.crate_name.clone(),
            lang: args.lang,
        },
    );
    report.phases.push(("plan", start.elapsed().as_secs_f64()));
    let start = Instant::now();
    let (output, profile) = emit_profiled(
        &plan,
        &EmitOptions {
            command: args.command_line(),
            runtime_path,
            workspace: args.workspace,
        },
    )
    .map_err(|e| e.to_string())?;
    report.phases.push(("emit", start.elapsed().as_secs_f64()));
    report.phases.push((" quote (cpu)", profile.tokens));
    report.phases.push((" syn (cpu)", profile.parse));
    report.phases.push((" print (cpu)", profile.print));
    let start = Instant::now();
    report.write = output
        .write(&args.out)
        .map_err(|e| format!("cannot write {}: {e}", args.out.display()))?;
    report.phases.push(("write", start.elapsed().as_secs_f64()));
    report.stats = plan.stats;
    report.files = output.len();
    report.bytes = output.bytes();
    Ok(report)
}

/// `to` as a path relative to the directory `from` (both must exist), `/`-separated.
pub fn relative_to(from: &Path, to: &Path) -> Result<String, String> {
    let from = from
        .canonicalize()
        .map_err(|e| format!("cannot resolve {}: {e}", from.display()))?;
    let to = to.canonicalize().map_err(|e| {
        format!(
            "cannot find the runtime crate at {} ({e}); pass --runtime-path",
            to.display()
        )
    })?;
    let f: Vec<Component<'_>> = from.components().collect();
    let t: Vec<Component<'_>> = to.components().collect();
    let common = f.iter().zip(&t).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_owned(); f.len() - common];
    parts.extend(
        t[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    Ok(if parts.is_empty() {
        ".".to_owned()
    } else {
        parts.join("/")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_names_are_checked() {
        assert!(valid_crate_name("bitrix24"));
        assert!(valid_crate_name("my-b24_client"));
        assert!(!valid_crate_name(""));
        assert!(!valid_crate_name("1x"));
        assert!(!valid_crate_name("a b"));
        assert!(!valid_crate_name("../x"));
    }

    #[test]
    fn relative_paths_climb_and_descend() {
        let base = std::env::temp_dir().join(format!("b24gen-rel-{}", std::process::id()));
        std::fs::create_dir_all(base.join("a/b")).unwrap();
        std::fs::create_dir_all(base.join("runtime")).unwrap();
        assert_eq!(
            relative_to(&base.join("a/b"), &base.join("runtime")).unwrap(),
            "../../runtime"
        );
        assert_eq!(
            relative_to(&base, &base.join("runtime")).unwrap(),
            "runtime"
        );
        assert!(relative_to(&base, &base.join("missing")).is_err());
        std::fs::remove_dir_all(&base).unwrap();
    }
}
