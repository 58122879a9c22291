//! Where things live: seeds, the data directory (index, vectors) and models.
//!
//! Defaults sit inside the project so `qsearch "烟花爆竹"` works from a fresh
//! checkout with no set-up. The library reads no environment: the front
//! ends map flags and the variables below to explicit paths.

use std::path::{Path, PathBuf};

/// Environment variables the front ends read for the paths (the CLI's
/// `--seeds`, `--data-dir`, `--model-dir`).
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
    /// Resolves paths: the given value, else `./seeds` when run inside a
    /// checkout, else the project the binary was built from; models default
    /// to `DATA/models`.
    pub fn resolve(
        seeds: Option<PathBuf>,
        data: Option<PathBuf>,
        models: Option<PathBuf>,
    ) -> Paths {
        let seeds = seeds.unwrap_or_else(default_seeds);
        let data = data.unwrap_or_else(|| project_dir().join("data"));
        let models = models.unwrap_or_else(|| data.join("models"));
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
