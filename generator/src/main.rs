#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{Args, Parser, Subcommand};
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
    /// Summarise what was read and what was not.
    Report {
        #[command(flatten)]
        docs: Docs,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
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
        Command::Ir { docs, out } => {
            let ir = b24gen::read_docs(&docs.docs);
            let mut json = serde_json::to_string_pretty(&ir).map_err(|e| e.to_string())?;
            json.push('\n');
            write_out(out.as_ref(), &json)
        }
        Command::Report { docs, json } => {
            let reading = b24gen::read(&docs.docs);
            let report = b24gen::report::Report::new(&reading);
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
