//! The `b24gen diff` subcommand, minus the doc reader (passed in by `main`).
use super::{diff, load_side, render_json, render_text, Changes, LoadError};
use crate::ir::Ir;
use std::path::PathBuf;

/// `b24gen diff --old DIR... --new DIR... [--json]`
#[derive(clap::Args, Debug, Clone)]
pub struct DiffArgs {
    /// The older docs: doc folders (repeatable, e.g. the EN and RU
    /// checkouts) or one IR JSON file written by `b24gen ir`.
    #[arg(long, required = true, num_args = 1.., value_name = "DIR|IR.json")]
    pub old: Vec<PathBuf>,
    /// The newer docs, same forms as `--old`.
    #[arg(long, required = true, num_args = 1.., value_name = "DIR|IR.json")]
    pub new: Vec<PathBuf>,
    /// Print stable JSON for tools instead of the changelog.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum DiffCliError {
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error("cannot write JSON: {0}")]
    Json(#[from] serde_json::Error),
}

/// Load both sides (in parallel) and compare them.
pub fn compare_sides(
    old: &[PathBuf],
    new: &[PathBuf],
    read_docs: impl Fn(&[PathBuf]) -> Ir + Sync,
) -> Result<Changes, LoadError> {
    let (o, n) = rayon::join(
        || load_side("old", old, &read_docs),
        || load_side("new", new, &read_docs),
    );
    Ok(diff(&o?, &n?))
}

/// Run the subcommand: what to print on stdout.
pub fn run(
    args: &DiffArgs,
    read_docs: impl Fn(&[PathBuf]) -> Ir + Sync,
) -> Result<String, DiffCliError> {
    let changes = compare_sides(&args.old, &args.new, read_docs)?;
    Ok(if args.json {
        render_json(&changes)?
    } else {
        render_text(&changes)
    })
}
