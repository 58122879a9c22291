//! Progress reporting without a UI dependency: the CLI plugs in indicatif,
//! the server and tests plug in nothing.

/// Receives progress of long steps (indexing, embedding).
pub trait Progress: Sync {
    fn begin(&self, _stage: &str, _total: u64) {}
    fn advance(&self, _n: u64) {}
    fn end(&self) {}
    /// A one-line notice for the user (e.g. "building the index …").
    fn note(&self, _message: &str) {}
}

/// Reports nothing.
pub struct Silent;

impl Progress for Silent {}
