//! Errors that stop an operation. Problems inside a document are not errors:
//! they are [`crate::read::Warning`]s and the rest of the corpus still indexes.

use std::path::PathBuf;

/// The library's error type; every variant says what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error(
        "seed catalog {path} is invalid: {message} (fix the TOML; see seeds/catalog.toml for the format)"
    )]
    Catalog { path: PathBuf, message: String },

    #[error("search index error: {0} (run `qsearch index` to rebuild it)")]
    Index(#[from] tantivy::TantivyError),

    #[error("query error: {0}")]
    Query(String),

    #[error("embedding model unavailable: {0}")]
    Model(String),

    #[error("{0}")]
    Other(String),
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
