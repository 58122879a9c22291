//! Index generations on disk and the atomic swap between them.
//!
//! Layout under the index root:
//! ```text
//! CURRENT            name of the live generation (replaced by rename)
//! gen-<hash>/        tantivy files, records.jsonl, manifest.json, vectors
//! tmp-<pid>-<nanos>/ a build in progress
//! ```
//! A build writes a complete generation into a `tmp-` directory, renames it
//! to `gen-<hash>` and only then rewrites `CURRENT`. A build killed at any
//! point leaves `CURRENT` naming the previous, complete generation.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::build;
use crate::catalog::Catalog;
use crate::corpus::{Corpus, FileWarning};
use crate::error::{Error, Result};
use crate::progress::Progress;

/// Bump when parsing, records or the schema change, so old indexes rebuild.
pub const FORMAT_VERSION: u32 = 1;

const CURRENT: &str = "CURRENT";
pub const MANIFEST: &str = "manifest.json";

/// What a generation was built from.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub format_version: u32,
    pub corpus_hash: String,
    pub record_count: usize,
    pub warnings: Vec<FileWarning>,
}

/// A complete index generation on disk.
#[derive(Debug, Clone)]
pub struct Generation {
    pub dir: PathBuf,
    pub manifest: Manifest,
}

/// The index root of a data directory.
#[derive(Debug, Clone)]
pub struct IndexStore {
    root: PathBuf,
}

impl IndexStore {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        IndexStore { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The live generation, if `CURRENT` names a complete one.
    pub fn current(&self) -> Option<Generation> {
        let name = std::fs::read_to_string(self.root.join(CURRENT)).ok()?;
        let dir = self.root.join(name.trim());
        let manifest = std::fs::read(dir.join(MANIFEST)).ok()?;
        let manifest: Manifest = serde_json::from_slice(&manifest).ok()?;
        Some(Generation { dir, manifest })
    }

    /// The live generation when it matches the seeds, else a fresh build.
    /// Returns whether a build happened.
    pub fn open_or_build(
        &self,
        seeds: &Path,
        progress: &dyn Progress,
    ) -> Result<(Generation, bool)> {
        let hash = corpus_hash(seeds)?;
        if let Some(current) = self.current()
            && current.manifest.corpus_hash == hash
            && current.manifest.format_version == FORMAT_VERSION
        {
            return Ok((current, false));
        }
        progress.note("building the search index from the seeds (first use or seeds changed) …");
        Ok((self.build_with_hash(seeds, hash, progress)?, true))
    }

    /// Rebuilds unconditionally and swaps the new generation in.
    pub fn build(&self, seeds: &Path, progress: &dyn Progress) -> Result<Generation> {
        let hash = corpus_hash(seeds)?;
        self.build_with_hash(seeds, hash, progress)
    }

    fn build_with_hash(
        &self,
        seeds: &Path,
        hash: String,
        progress: &dyn Progress,
    ) -> Result<Generation> {
        std::fs::create_dir_all(&self.root).map_err(|e| Error::io(&self.root, e))?;
        self.remove_abandoned_builds();
        let corpus = Corpus::load(seeds)?;
        let manifest = Manifest {
            format_version: FORMAT_VERSION,
            corpus_hash: hash.clone(),
            record_count: corpus.records.len(),
            warnings: corpus.warnings.clone(),
        };
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let tmp = self
            .root
            .join(format!("tmp-{}-{nanos}", std::process::id()));
        build::write_generation(&tmp, &corpus.records, &manifest, progress)?;
        let name = format!("gen-{}", &hash[..16]);
        let dir = self.root.join(&name);
        if dir.exists() {
            remove_dir(&dir);
        }
        std::fs::rename(&tmp, &dir).map_err(|e| Error::io(&dir, e))?;
        self.point_current_at(&name)?;
        self.remove_old_generations(&name);
        Ok(Generation { dir, manifest })
    }

    /// Replaces `CURRENT` atomically (write a temporary file, then rename).
    fn point_current_at(&self, name: &str) -> Result<()> {
        let tmp = self.root.join(format!("{CURRENT}.{}", std::process::id()));
        std::fs::write(&tmp, name).map_err(|e| Error::io(&tmp, e))?;
        std::fs::rename(&tmp, self.root.join(CURRENT)).map_err(|e| Error::io(&self.root, e))
    }

    fn remove_old_generations(&self, keep: &str) {
        for entry in self.entries() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with("gen-") && name != keep {
                remove_dir(&entry.path());
            }
        }
    }

    /// `tmp-` directories of builds whose process is gone.
    fn remove_abandoned_builds(&self) {
        for entry in self.entries() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(pid) = name.strip_prefix("tmp-").and_then(|r| r.split('-').next()) else {
                continue;
            };
            if !Path::new("/proc").join(pid).exists() || pid == std::process::id().to_string() {
                remove_dir(&entry.path());
            }
        }
    }

    fn entries(&self) -> Vec<std::fs::DirEntry> {
        std::fs::read_dir(&self.root)
            .map(|d| d.filter_map(|e| e.ok()).collect())
            .unwrap_or_default()
    }
}

fn remove_dir(dir: &Path) {
    if let Err(e) = std::fs::remove_dir_all(dir) {
        tracing::warn!("could not remove {}: {e}", dir.display());
    }
}

/// Hash of everything an index is built from: the catalog, every catalogued
/// document, the format version and the sources of the program itself (a
/// new parser or tokenizer must not keep serving an index the old one built).
pub fn corpus_hash(seeds: &Path) -> Result<String> {
    let catalog = Catalog::load(seeds)?;
    let mut hasher = Sha256::new();
    hasher.update(FORMAT_VERSION.to_le_bytes());
    hasher.update(build_identity().as_bytes());
    let catalog_path = seeds.join(crate::catalog::CATALOG_FILE);
    hasher.update(std::fs::read(&catalog_path).map_err(|e| Error::io(&catalog_path, e))?);
    for entry in &catalog.documents {
        hasher.update(entry.file.as_bytes());
        // A missing file is a warning at build time, not an error here.
        hasher.update(std::fs::read(catalog.path_of(entry)).unwrap_or_default());
    }
    for file in catalog.uncatalogued_files() {
        hasher.update(file.as_bytes());
    }
    Ok(hex::encode(hasher.finalize()))
}

/// Fingerprint of the sources that shape an index (parsers, tokenizer,
/// data tables), computed at build time by `build.rs`: every binary built
/// from the same sources shares one index.
fn build_identity() -> &'static str {
    env!("QSEARCH_SOURCE_HASH")
}
