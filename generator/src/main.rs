#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod mock_cli;
mod openapi_cli;

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

/// Bitrix24 REST reference → typed Rust client.
#[derive(Parser)]
#[command(name = "b24gen", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct Docs {
    /// A docs checkout (has `api-reference/`) or a folder of pages; repeatable.
    #[arg(long = "docs", default_value = "docs-src")]
    docs: Vec<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Write the method IR as JSON.
    Ir {
        #[command(flatten)]
        docs: Docs,
        /// Output file (default: stdout).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Generate the typed client crates (facade, core, events, one crate per scope).
    Generate {
        #[command(flatten)]
        docs: Docs,
        /// Read this IR JSON (from `b24gen ir`) instead of the docs.
        #[arg(long, value_name = "FILE")]
        ir: Option<PathBuf>,
        /// Output directory: the facade crate's root.
        #[arg(long, default_value = "generated-client")]
        out: PathBuf,
        /// Package name of the facade; the others are `<name>-<scope>`, `-core`, `-events`.
        #[arg(long, default_value = "bitrix24")]
        crate_name: String,
        /// Language of the generated rustdoc.
        #[arg(long, value_enum, default_value = "en")]
        doc_lang: DocLang,
        /// The `b24-runtime` crate directory (default: `runtime`).
        #[arg(long, value_name = "DIR")]
        runtime_path: Option<PathBuf>,
        /// Give the output a `[workspace]` of its own (generating outside this workspace).
        #[arg(long)]
        workspace: bool,
        /// Print how long each phase took.
        #[arg(long)]
        timings: bool,
        /// The docs the crate was last generated from (doc folders, or one IR
        /// file from `b24gen ir`): put what changed since, with the semver
        /// bump, as the newest entry of `<out>/CHANGELOG.md`.
        #[arg(long, num_args = 1.., value_name = "DIR|IR.json")]
        changelog_from: Vec<PathBuf>,
        /// Heading of that entry (default: `Unreleased`).
        #[arg(long, value_name = "VERSION", requires = "changelog_from")]
        changelog_version: Option<String>,
    },
    /// What changed between two versions of the docs, and the semver bump
    /// it means for the generated crate.
    Diff(b24gen::diff::DiffArgs),
    /// Serve a mock Bitrix24 portal built from the docs (on 127.0.0.1 unless told otherwise).
    Mock(mock_cli::MockArgs),
    /// Write the documented API as one OpenAPI 3.1 document.
    Openapi(openapi_cli::OpenapiArgs),
    /// Summarise what was read and what was not.
    Report {
        #[command(flatten)]
        docs: Docs,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
        /// The conformance suite's exception list, whose docs mistakes the report lists
        /// (default: `tests/conformance-exceptions.toml` when present).
        #[arg(long, value_name = "FILE")]
        exceptions: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum DocLang {
    En,
    Ru,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("b24gen: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Streams `value` as pretty JSON (plus a final newline) to `out` or stdout: the whole
/// reference's IR is some 40 MB, not worth building as one string first.
fn write_json(out: Option<&PathBuf>, value: &impl serde::Serialize) -> Result<(), String> {
    use std::io::Write;
    let (sink, name): (Box<dyn Write>, String) = match out {
        Some(p) => (
            Box::new(
                std::fs::File::create(p)
                    .map_err(|e| format!("cannot write {}: {e}", p.display()))?,
            ),
            p.display().to_string(),
        ),
        None => (Box::new(std::io::stdout().lock()), "stdout".to_owned()),
    };
    let mut w = std::io::BufWriter::with_capacity(1 << 20, sink);
    serde_json::to_writer_pretty(&mut w, value).map_err(|e| format!("cannot write {name}: {e}"))?;
    w.write_all(b"\n")
        .and_then(|()| w.flush())
        .map_err(|e| format!("cannot write {name}: {e}"))
}

fn write_out(out: Option<&PathBuf>, text: &str) -> Result<(), String> {
    match out {
        Some(p) => {
            std::fs::write(p, text).map_err(|e| format!("cannot write {}: {e}", p.display()))
        }
        None => {
            use std::io::Write;
            std::io::stdout()
                .write_all(text.as_bytes())
                .map_err(|e| format!("cannot write to stdout: {e}"))
        }
    }
}

fn run(cmd: Command) -> Result<(), String> {
    match cmd {
        Command::Mock(args) => mock_cli::run(args),
        Command::Openapi(args) => openapi_cli::run(args),
        Command::Ir { docs, out } => {
            let ir = b24gen::read_docs(&docs.docs);
            write_json(out.as_ref(), &ir)
        }
        Command::Generate {
            docs,
            ir,
            out,
            crate_name,
            doc_lang,
            runtime_path,
            workspace,
            timings,
            changelog_from,
            changelog_version,
        } => {
            use b24gen::emit::run::{run, GenerateArgs};
            // What the crate is generated from, for `--changelog-from`.
            let new_side = match &ir {
                Some(file) => vec![file.clone()],
                None => docs.docs.clone(),
            };
            let out_dir = out.clone();
            let lang = match doc_lang {
                DocLang::En => b24gen::ir::Lang::En,
                DocLang::Ru => b24gen::ir::Lang::Ru,
            };
            let r = run(&GenerateArgs {
                docs: docs.docs,
                ir,
                out,
                crate_name,
                lang,
                runtime_path,
                workspace,
            })?;
            if timings {
                for (phase, secs) in &r.phases {
                    eprintln!("{phase:>13}: {secs:.3} s");
                }
            }
            eprintln!(
                "generated {} methods, {} events in {} scope crates: {} files, {} KiB ({} written, {} unchanged, {} stale removed)",
                r.stats.methods,
                r.stats.events,
                r.stats.scope_crates,
                r.files,
                r.bytes / 1024,
                r.write.written,
                r.write.unchanged,
                r.write.removed
            );
            if !changelog_from.is_empty() {
                let version = changelog_version
                    .as_deref()
                    .unwrap_or(b24gen::diff::UNRELEASED);
                let c = b24gen::diff::write_changelog(
                    &out_dir,
                    &changelog_from,
                    &new_side,
                    version,
                    b24gen::read_docs,
                )
                .map_err(|e| e.to_string())?;
                eprintln!(
                    "CHANGELOG.md: {version}: {} breaking, {} additive, {} documentation changes: {} bump",
                    c.counts.major, c.counts.minor, c.counts.patch, c.bump
                );
            }
            Ok(())
        }
        Command::Diff(args) => {
            let text = b24gen::diff::run(&args, b24gen::read_docs).map_err(|e| e.to_string())?;
            write_out(None, &text)
        }
        Command::Report {
            docs,
            json,
            exceptions,
        } => {
            use b24gen::conformance::{load_exceptions, EXCEPTIONS_FILE};
            let mistakes = match exceptions {
                Some(path) => load_exceptions(&path)?,
                None if std::path::Path::new(EXCEPTIONS_FILE).is_file() => {
                    load_exceptions(std::path::Path::new(EXCEPTIONS_FILE))?
                }
                None => Vec::new(),
            };
            let reading = b24gen::read(&docs.docs);
            let report = b24gen::report::Report::new(&reading).with_docs_mistakes(mistakes);
            let text = if json {
                let mut s = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
                s.push('\n');
                s
            } else {
                report.render()
            };
            write_out(None, &text)
        }
    }
}
