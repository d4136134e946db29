use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use b24gen::emit::{self, EmitOptions};
use b24gen::ir::{Ir, Lang};
use b24gen::rust::PlanOptions;
use clap::{Parser, Subcommand, ValueEnum};

/// Bitrix24 REST reference → typed Rust client.
#[derive(Parser)]
#[command(name = "b24gen", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum DocLang {
    En,
    Ru,
}

#[derive(Subcommand)]
enum Command {
    /// Generate the typed client crate(s) from the docs (or from an IR JSON file).
    Generate {
        /// IR JSON written by `b24gen ir` (instead of reading docs).
        #[arg(long, value_name = "FILE")]
        ir: PathBuf,
        /// Output directory (the facade crate's root).
        #[arg(long, default_value = "generated-client")]
        out: PathBuf,
        /// Package name of the facade crate; the others are `<name>-<scope>`, `-core`, `-events`.
        #[arg(long, default_value = "bitrix24")]
        crate_name: String,
        /// Language of the rustdoc text.
        #[arg(long, value_enum, default_value = "en")]
        doc_lang: DocLang,
        /// The `b24-runtime` crate directory (default: `runtime` in the current directory).
        #[arg(long, value_name = "DIR")]
        runtime_path: Option<PathBuf>,
        /// Give the generated facade a `[workspace]` of its own (for output outside this workspace).
        #[arg(long)]
        workspace: bool,
        /// Print the time each phase took to stderr.
        #[arg(long)]
        timings: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Generate {
            ir,
            out,
            crate_name,
            doc_lang,
            runtime_path,
            workspace,
            timings,
        } => {
            let mut command = format!("b24gen generate --ir {}", ir.display());
            let load = |t: &mut Vec<(&'static str, f64)>| -> Result<Ir, String> {
                let start = Instant::now();
                let text = std::fs::read_to_string(&ir)
                    .map_err(|e| format!("cannot read {}: {e}", ir.display()))?;
                let parsed = serde_json::from_str(&text)
                    .map_err(|e| format!("{} is not IR JSON: {e}", ir.display()))?;
                t.push(("read IR", start.elapsed().as_secs_f64()));
                Ok(parsed)
            };
            let mut phases = Vec::new();
            let result = load(&mut phases).and_then(|ir| {
                generate(
                    &ir,
                    &mut command,
                    GenerateArgs {
                        out: &out,
                        crate_name: &crate_name,
                        lang: match doc_lang {
                            DocLang::En => Lang::En,
                            DocLang::Ru => Lang::Ru,
                        },
                        runtime_path: runtime_path.as_deref(),
                        workspace,
                    },
                    &mut phases,
                )
            });
            if timings {
                for (name, secs) in &phases {
                    eprintln!("{name:>10}: {:.3} s", secs);
                }
            }
            match result {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("b24gen generate: {e}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

struct GenerateArgs<'a> {
    out: &'a Path,
    crate_name: &'a str,
    lang: Lang,
    runtime_path: Option<&'a Path>,
    workspace: bool,
}

fn generate(
    ir: &Ir,
    command: &mut String,
    args: GenerateArgs<'_>,
    phases: &mut Vec<(&'static str, f64)>,
) -> Result<(), String> {
    command.push_str(&format!(
        " --out {} --crate-name {} --doc-lang {}",
        args.out.display(),
        args.crate_name,
        args.lang.as_str()
    ));
    if let Some(r) = args.runtime_path {
        command.push_str(&format!(" --runtime-path {}", r.display()));
    }
    if args.workspace {
        command.push_str(" --workspace");
    }
    if args.crate_name.is_empty()
        || !args
            .crate_name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        || args.crate_name.starts_with(|c: char| c.is_ascii_digit())
    {
        return Err(format!("invalid crate name {:?}", args.crate_name));
    }
    std::fs::create_dir_all(args.out)
        .map_err(|e| format!("cannot create {}: {e}", args.out.display()))?;
    let runtime = args.runtime_path.unwrap_or(Path::new("runtime"));
    let runtime_path = relative_to(args.out, runtime)?;

    let start = Instant::now();
    let plan_options = PlanOptions {
        crate_name: args.crate_name.to_owned(),
        lang: args.lang,
    };
    let plan = b24gen::rust::plan(ir, &plan_options);
    phases.push(("plan", start.elapsed().as_secs_f64()));
    let start = Instant::now();
    let output = emit::emit(
        &plan,
        &EmitOptions {
            command: command.clone(),
            runtime_path,
            workspace: args.workspace,
        },
    )
    .map_err(|e| e.to_string())?;
    phases.push(("emit", start.elapsed().as_secs_f64()));
    let start = Instant::now();
    let stats = output
        .write(args.out)
        .map_err(|e| format!("cannot write {}: {e}", args.out.display()))?;
    phases.push(("write", start.elapsed().as_secs_f64()));
    eprintln!(
        "generated {} methods, {} events in {} scope crates: {} files ({} KiB), {} written, {} unchanged, {} stale removed",
        plan.stats.methods,
        plan.stats.events,
        plan.stats.scope_crates,
        output.len(),
        output.bytes() / 1024,
        stats.written,
        stats.unchanged,
        stats.removed
    );
    Ok(())
}

/// `to` as a path relative to the directory `from` (both must exist), `/`-separated.
fn relative_to(from: &Path, to: &Path) -> Result<String, String> {
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
