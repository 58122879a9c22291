//! What this program is: version, git revision, index format and default
//! model, for `qsearch --version` and `/healthz`.

use serde::Serialize;

/// Facts about the build, fixed at compile time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BuildInfo {
    pub version: &'static str,
    /// `git rev-parse --short HEAD` at build time, or "unknown".
    pub git_revision: &'static str,
    /// Version of the on-disk index layout; a change rebuilds indexes.
    pub index_format: u32,
    /// Hash of the sources that decide what an index holds.
    pub source_hash: &'static str,
    /// The embedding model used unless another is asked for.
    pub default_model: &'static str,
}

/// This program's build facts.
pub fn build_info() -> BuildInfo {
    BuildInfo {
        version: env!("CARGO_PKG_VERSION"),
        git_revision: env!("QSEARCH_GIT_REVISION"),
        index_format: crate::index::FORMAT_VERSION,
        source_hash: env!("QSEARCH_SOURCE_HASH"),
        default_model: crate::embed::DEFAULT_MODEL,
    }
}

impl std::fmt::Display for BuildInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} (git {}, index format {}, sources {}, default model {})",
            self.version,
            self.git_revision,
            self.index_format,
            self.source_hash,
            self.default_model
        )
    }
}
