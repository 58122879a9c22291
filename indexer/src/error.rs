//! Errors that stop an operation. Problems inside a document are not errors:
//! they are [`crate::read::Warning`]s and the rest of the corpus still indexes.

use std::path::PathBuf;

/// The library's error type; every variant says what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading, writing, renaming or locking `path` failed. The OS error is
    /// part of the message, not a `source()`, so error chains print it once.
    #[error("{path}: {error}")]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },

    #[error(
        "seed catalog {path} is invalid: {message} (fix the TOML; see seeds/catalog.toml for the format)"
    )]
    Catalog { path: PathBuf, message: String },

    /// The rebuild hint only where a rebuild can help (not for permissions,
    /// a full disk or a lock).
    #[error("search index error: {0}{hint}", hint = rebuild_hint(.0))]
    Index(tantivy::TantivyError),

    /// A generation whose files do not hold together; rebuilding fixes it.
    #[error("index at {dir} is damaged: {what}")]
    Damaged { dir: PathBuf, what: String },

    /// A document that cannot be read (corrupt, encrypted, no text layer,
    /// unsupported format); the message says why and what to do.
    #[error("{file}: {message}")]
    Document { file: String, message: String },

    #[error("query error: {0}")]
    Query(String),

    #[error("embedding model unavailable: {0}")]
    Model(String),

    /// The request's deadline passed before the search finished; the rest
    /// of its work was abandoned.
    #[error("deadline exceeded during {0}")]
    Deadline(&'static str),

    #[error("{0}")]
    Other(String),
}

impl Error {
    /// A stable, machine-readable name of the kind of error (the HTTP error
    /// body's `code`); messages may change, codes do not.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Io { .. } => "io",
            Error::Catalog { .. } => "invalid_catalog",
            Error::Index(_) => "index",
            Error::Damaged { .. } => "damaged_index",
            Error::Document { .. } => "unreadable_document",
            Error::Query(_) => "invalid_query",
            Error::Model(_) => "model_unavailable",
            Error::Deadline(_) => "timeout",
            Error::Other(_) => "internal",
        }
    }

    pub fn io(path: impl Into<PathBuf>, error: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            error,
        }
    }
}

impl From<tantivy::TantivyError> for Error {
    fn from(e: tantivy::TantivyError) -> Self {
        Error::Index(e)
    }
}

fn rebuild_hint(e: &tantivy::TantivyError) -> &'static str {
    if environmental_tantivy(e) {
        ""
    } else {
        " (run `qsearch index` to rebuild it)"
    }
}

impl Error {
    /// Whether the cause lies in the environment (permissions, a read-only
    /// or full disk, too many open files, a lock held elsewhere) rather than
    /// in the data: rebuilding an index does not help, and must not be tried
    /// in place of reporting it.
    pub fn is_environmental(&self) -> bool {
        match self {
            Error::Io { error, .. } => environmental_io(error),
            Error::Index(e) => environmental_tantivy(e),
            _ => false,
        }
    }
}

fn environmental_tantivy(e: &tantivy::TantivyError) -> bool {
    use tantivy::TantivyError as T;
    use tantivy::directory::error::{OpenDirectoryError, OpenReadError};
    match e {
        T::LockFailure(..) => true,
        T::IoError(io) => environmental_io(io),
        T::OpenReadError(OpenReadError::IoError { io_error, .. }) => environmental_io(io_error),
        T::OpenDirectoryError(OpenDirectoryError::IoError { io_error, .. }) => {
            environmental_io(io_error)
        }
        _ => false,
    }
}

fn environmental_io(e: &std::io::Error) -> bool {
    use std::io::ErrorKind as K;
    matches!(
        e.kind(),
        K::PermissionDenied
            | K::ReadOnlyFilesystem
            | K::StorageFull
            | K::QuotaExceeded
            | K::OutOfMemory
            | K::ResourceBusy
            | K::WouldBlock
            | K::Interrupted
            | K::TimedOut
    ) || matches!(e.raw_os_error(), Some(EMFILE | ENFILE))
}

/// Too many open files (process / system); Linux and the BSDs agree.
const EMFILE: i32 = 24;
const ENFILE: i32 = 23;

pub type Result<T, E = Error> = std::result::Result<T, E>;
