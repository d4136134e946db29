//! `b24gen generate --changelog-from OLD`: the changes since the docs the
//! crate was last generated from, as the newest entry of `CHANGELOG.md`
//! beside the generated crate.
//!
//! `CHANGELOG.md` carries no DO-NOT-EDIT marker on purpose: it accumulates
//! one entry per release (the generator's stale-file sweep removes marked
//! files it did not write this run, and must keep this one), and an entry may
//! be reworded by hand. An entry whose `## {version}` heading is written
//! again is replaced, so re-running the same generation gives the same file.
use super::{compare_sides, render::update_changelog, Changes, LoadError};
use crate::ir::Ir;
use std::path::{Path, PathBuf};

/// Entry heading when no version is given.
pub const UNRELEASED: &str = "Unreleased";

#[derive(Debug, thiserror::Error)]
pub enum ChangelogError {
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Diff `old` against `new` (each doc folders or one IR file) and put the
/// entry for `version` into `out_dir/CHANGELOG.md`. Returns the changes.
pub fn write_changelog(
    out_dir: &Path,
    old: &[PathBuf],
    new: &[PathBuf],
    version: &str,
    read_docs: impl Fn(&[PathBuf]) -> Ir + Sync,
) -> Result<Changes, ChangelogError> {
    let changes = compare_sides(old, new, read_docs)?;
    let path = out_dir.join("CHANGELOG.md");
    let io = |source| ChangelogError::Io {
        path: path.clone(),
        source,
    };
    let existing = match std::fs::read_to_string(&path) {
        Ok(s) => Some(s),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(io(e)),
    };
    let section = super::changelog_section(&changes, version);
    let text = update_changelog(existing.as_deref(), &section);
    if existing.as_deref() != Some(text.as_str()) {
        std::fs::write(&path, text).map_err(io)?;
    }
    Ok(changes)
}
