//! Where things live: seeds, the data directory (index, vectors) and models.
//!
//! Defaults sit inside the project so `qsearch "烟花爆竹"` works from a fresh
//! checkout with no set-up; every path can be overridden by a flag or an
//! environment variable.

use std::path::{Path, PathBuf};

/// Environment variables that override the defaults.
pub const SEEDS_ENV: &str = "QSEARCH_SEEDS";
pub const DATA_DIR_ENV: &str = "QSEARCH_DATA_DIR";
pub const MODEL_DIR_ENV: &str = "QSEARCH_MODEL_DIR";

/// The project directory this binary was built from.
fn project_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    pub seeds: PathBuf,
    pub data: PathBuf,
    pub models: PathBuf,
}

impl Paths {
    /// Resolves paths: explicit value, then environment, then `./seeds` when
    /// run inside a checkout, then the project the binary was built from.
    pub fn resolve(
        seeds: Option<PathBuf>,
        data: Option<PathBuf>,
        models: Option<PathBuf>,
    ) -> Paths {
        let from_env = |name: &str| {
            std::env::var_os(name)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        let seeds = seeds
            .or_else(|| from_env(SEEDS_ENV))
            .unwrap_or_else(default_seeds);
        let data = data
            .or_else(|| from_env(DATA_DIR_ENV))
            .unwrap_or_else(|| project_dir().join("data"));
        let models = models
            .or_else(|| from_env(MODEL_DIR_ENV))
            .unwrap_or_else(|| data.join("models"));
        Paths {
            seeds,
            data,
            models,
        }
    }

    /// The directory holding the live index and its vectors.
    pub fn index_root(&self) -> PathBuf {
        self.data.join("index")
    }
}

fn default_seeds() -> PathBuf {
    let local = PathBuf::from("seeds");
    if local.join(crate::catalog::CATALOG_FILE).is_file() {
        local
    } else {
        project_dir().join("seeds")
    }
}
