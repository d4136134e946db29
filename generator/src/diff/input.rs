//! One side of a diff: doc folders, or one IR JSON file written by `b24gen ir`.
use crate::ir::{Ir, SCHEMA_VERSION};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("no path given for the {0} side")]
    Empty(&'static str),
    #[error("{0}: no such file or folder")]
    Missing(PathBuf),
    #[error("{0}: an IR file must be the only path of its side")]
    MixedFile(PathBuf),
    #[error("{path}: cannot read: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: not an IR file written by `b24gen ir`: {source}")]
    Json {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("{path}: IR schema {found}, this b24gen reads schema {expected}: regenerate it with `b24gen ir`")]
    Schema {
        path: PathBuf,
        found: u32,
        expected: u32,
    },
}

/// Load one side of a diff. `side` ("old"/"new") is only for messages.
/// A single path that is a file is an IR JSON file; otherwise every path is
/// a folder handed to `read_docs`.
pub fn load_side(
    side: &'static str,
    paths: &[PathBuf],
    read_docs: impl FnOnce(&[PathBuf]) -> Ir,
) -> Result<Ir, LoadError> {
    let first = paths.first().ok_or(LoadError::Empty(side))?;
    for p in paths {
        if !p.exists() {
            return Err(LoadError::Missing(p.clone()));
        }
        if p.is_file() && paths.len() > 1 {
            return Err(LoadError::MixedFile(p.clone()));
        }
    }
    if first.is_file() {
        return read_ir_file(first);
    }
    Ok(read_docs(paths))
}

/// Read an IR JSON file, checking its schema version.
pub fn read_ir_file(path: &Path) -> Result<Ir, LoadError> {
    let text = std::fs::read_to_string(path).map_err(|source| LoadError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    // Check the version first: an IR of another schema may not parse at all.
    #[derive(serde::Deserialize)]
    struct Head {
        schema: u32,
    }
    let json_err = |source| LoadError::Json {
        path: path.to_path_buf(),
        source,
    };
    let head: Head = serde_json::from_str(&text).map_err(json_err)?;
    if head.schema != SCHEMA_VERSION {
        return Err(LoadError::Schema {
            path: path.to_path_buf(),
            found: head.schema,
            expected: SCHEMA_VERSION,
        });
    }
    serde_json::from_str(&text).map_err(json_err)
}
