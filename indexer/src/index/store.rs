//! Index generations on disk and the atomic swap between them.
//!
//! Layout under the index root:
//! ```text
//! CURRENT            name of the live generation (replaced by rename)
//! gen-<hash>/        tantivy files, records.jsonl, manifest.json, sources/
//! tmp-<pid>-<nanos>/ a build in progress, or a damaged generation being retired
//! .build.lock        locked (flock) by the one process building
//! ```
//! A build writes a complete generation into a `tmp-` directory, renames it
//! to `gen-<hash>` and only then rewrites `CURRENT`. A build killed at any
//! point leaves `CURRENT` naming the previous, complete generation.
//!
//! - Nothing writes a generation after its rename. A complete generation of
//!   the same seeds is reused, never deleted or rebuilt in place; only a
//!   damaged one is replaced, after being renamed out of the way (readers
//!   that mapped its files keep them).
//! - Builders hold `.build.lock`: a second process waits, then finds the
//!   first one's generation and reuses it. Where the file system has no
//!   locks, the rename still decides: a builder that finds its target
//!   complete discards its own build.
//! - A failed build removes its `tmp-` directory; `tmp-` directories found
//!   while holding the lock belong to builds that died, and are removed.
//! - Older generations are removed after a successful swap; processes that
//!   opened one keep its mapped files, and a process that finds its
//!   generation gone looks at `CURRENT` again.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{OpenIndex, build};
use crate::catalog::Catalog;
use crate::corpus::{Corpus, FileWarning};
use crate::error::{Error, Result};
use crate::formats::ExtractionCache;
use crate::progress::Progress;

/// Bump when parsing, records or the schema change, so old indexes rebuild.
pub const FORMAT_VERSION: u32 = 2;

const CURRENT: &str = "CURRENT";
const BUILD_LOCK: &str = ".build.lock";
/// Extracted text of original documents, by content (`formats::cache`),
/// shared by every generation.
const EXTRACTED_DIR: &str = "extracted";
pub const MANIFEST: &str = "manifest.json";

/// What a generation was built from.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub format_version: u32,
    pub corpus_hash: String,
    pub record_count: usize,
    pub warnings: Vec<FileWarning>,
    /// SHA-256 of `records.jsonl` (absent in generations written before it
    /// was recorded; those are checked by parsing only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub records_sha256: Option<String>,
}

/// A complete index generation on disk.
#[derive(Debug, Clone)]
pub struct Generation {
    pub dir: PathBuf,
    pub manifest: Manifest,
}

impl Generation {
    /// The directory name, `gen-<hash>`.
    pub fn name(&self) -> String {
        self.dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    /// Built from seeds with this hash by this format.
    fn matches(&self, hash: &str) -> bool {
        self.manifest.corpus_hash == hash && self.manifest.format_version == FORMAT_VERSION
    }
}

/// An opened generation, with notices for every response (e.g. that it is
/// an older generation because the rebuild failed).
pub struct Live {
    pub open: OpenIndex,
    pub notices: Vec<String>,
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
        self.generation(name.trim())
    }

    fn generation(&self, name: &str) -> Option<Generation> {
        if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
            return None;
        }
        let dir = self.root.join(name);
        let manifest = std::fs::read(dir.join(MANIFEST)).ok()?;
        let manifest: Manifest = serde_json::from_slice(&manifest).ok()?;
        Some(Generation { dir, manifest })
    }

    /// The generation of these seeds, if a complete one is on disk.
    fn complete(&self, hash: &str) -> Option<Generation> {
        self.generation(&generation_name(hash))
            .filter(|g| g.matches(hash))
    }

    /// Opens the generation of the seeds for searching: the live one when it
    /// matches, else one built now. A damaged generation is rebuilt once. If
    /// the seeds changed and the build fails (disk full, read-only data
    /// directory), the previous generation still answers, with a notice.
    pub fn open_live(&self, seeds: &Path, progress: &dyn Progress) -> Result<Live> {
        let mut attempts = 0;
        loop {
            attempts += 1;
            let hash = corpus_hash(seeds)?;
            let (generation, built) = match self.open_or_build_hash(seeds, &hash, progress) {
                Ok(found) => found,
                Err(e) => return self.previous_after(e),
            };
            match OpenIndex::open(generation.clone()) {
                Ok(open) => {
                    return Ok(Live {
                        open,
                        notices: Vec::new(),
                    });
                }
                // Swapped out by another process between finding and opening
                // it: look at CURRENT again.
                Err(_) if attempts < 3 && !generation.dir.join(MANIFEST).is_file() => continue,
                // Rebuilding cannot fix permissions or exhausted resources.
                Err(e) if built || e.is_environmental() => return Err(e),
                Err(_) => {
                    let rebuilt = self.build(seeds, progress)?;
                    return Ok(Live {
                        open: OpenIndex::open(rebuilt)?,
                        notices: Vec::new(),
                    });
                }
            }
        }
    }

    /// After a failed build: the previous generation, if it is intact.
    fn previous_after(&self, error: Error) -> Result<Live> {
        let Some(previous) = self
            .current()
            .filter(|g| g.manifest.format_version == FORMAT_VERSION)
        else {
            return Err(error);
        };
        let name = previous.name();
        match OpenIndex::open(previous) {
            Ok(open) => Ok(Live {
                open,
                notices: vec![format!(
                    "the index is out of date (the seeds or the program changed) and could not be rebuilt: {error}; answering from the previous index {name}, which does not include the changes"
                )],
            }),
            Err(_) => Err(error),
        }
    }

    /// The live generation when it matches the seeds, else a complete one of
    /// the same seeds, else a fresh build. Returns whether a build happened.
    pub fn open_or_build(
        &self,
        seeds: &Path,
        progress: &dyn Progress,
    ) -> Result<(Generation, bool)> {
        let hash = corpus_hash(seeds)?;
        self.open_or_build_hash(seeds, &hash, progress)
    }

    fn open_or_build_hash(
        &self,
        seeds: &Path,
        hash: &str,
        progress: &dyn Progress,
    ) -> Result<(Generation, bool)> {
        if let Some(current) = self.current()
            && current.matches(hash)
        {
            return Ok((current, false));
        }
        if let Some(existing) = self.complete(hash) {
            // Built already (by another process, or a swap cut short).
            self.adopt(&existing);
            return Ok((existing, false));
        }
        std::fs::create_dir_all(&self.root).map_err(|e| Error::io(&self.root, e))?;
        let lock = BuildLock::acquire(&self.root, progress)?;
        if let Some(existing) = self.complete(hash) {
            self.point_current_at(&existing.name())?;
            return Ok((existing, false));
        }
        progress.note("building the search index from the seeds (first use or seeds changed) …");
        Ok((self.build_locked(&lock, seeds, hash, progress)?, true))
    }

    /// Makes a complete generation live, if the data directory can be
    /// written; a read-only one keeps serving it as it is.
    fn adopt(&self, generation: &Generation) {
        let adopted = BuildLock::try_acquire(&self.root)
            .and_then(|_lock| self.point_current_at(&generation.name()));
        if let Err(e) = adopted {
            tracing::debug!("{} not made current: {e}", generation.name());
        }
    }

    /// Builds the seeds' generation and makes it live (`qsearch index`). A
    /// complete generation of the same seeds is verified and reused; only a
    /// damaged one is rebuilt.
    pub fn build(&self, seeds: &Path, progress: &dyn Progress) -> Result<Generation> {
        let hash = corpus_hash(seeds)?;
        std::fs::create_dir_all(&self.root).map_err(|e| Error::io(&self.root, e))?;
        let lock = BuildLock::acquire(&self.root, progress)?;
        if let Some(existing) = self.complete(&hash) {
            match OpenIndex::open(existing.clone()) {
                Ok(_) => {
                    let name = existing.name();
                    self.remove_abandoned_builds(&lock);
                    self.point_current_at(&name)?;
                    self.remove_old_generations(&name);
                    return Ok(existing);
                }
                Err(e) if e.is_environmental() => return Err(e),
                Err(e) => progress.note(&format!("{e}; rebuilding")),
            }
        }
        self.build_locked(&lock, seeds, &hash, progress)
    }

    /// Writes a generation into `tmp-…`, renames it into place and makes it
    /// live. The caller holds the build lock.
    fn build_locked(
        &self,
        lock: &BuildLock,
        seeds: &Path,
        hash: &str,
        progress: &dyn Progress,
    ) -> Result<Generation> {
        self.remove_abandoned_builds(lock);
        let cache = ExtractionCache::new(self.root.join(EXTRACTED_DIR));
        let corpus = Corpus::load_for_build(seeds, cache)?;
        let manifest = Manifest {
            format_version: FORMAT_VERSION,
            corpus_hash: hash.to_string(),
            record_count: corpus.records.len(),
            warnings: corpus.warnings.clone(),
            records_sha256: None,
        };
        let tmp = ScratchDir::new(&self.root);
        let manifest = build::write_generation(&tmp.0, &corpus, &manifest, progress)?;
        let name = generation_name(hash);
        let dir = self.root.join(&name);
        if dir.exists() {
            // Damaged or incomplete (a complete one would have been reused):
            // moved aside first, so the rename below cannot fail on it.
            let retired = ScratchDir::new(&self.root);
            std::fs::rename(&dir, &retired.0).map_err(|e| Error::io(&dir, e))?;
        }
        if let Err(e) = std::fs::rename(&tmp.0, &dir) {
            // Without working locks another builder may have won the race.
            return match self.complete(hash) {
                Some(theirs) => {
                    self.point_current_at(&name)?;
                    Ok(theirs)
                }
                None => Err(Error::io(&dir, e)),
            };
        }
        self.point_current_at(&name)?;
        self.remove_old_generations(&name);
        Ok(Generation { dir, manifest })
    }

    /// Replaces `CURRENT` atomically (write a temporary file, then rename).
    fn point_current_at(&self, name: &str) -> Result<()> {
        let current = self.root.join(CURRENT);
        if std::fs::read_to_string(&current).is_ok_and(|n| n.trim() == name) {
            return Ok(());
        }
        let tmp = self.root.join(format!("{CURRENT}.{}", std::process::id()));
        let written = std::fs::write(&tmp, name)
            .map_err(|e| Error::io(&tmp, e))
            .and_then(|()| std::fs::rename(&tmp, &current).map_err(|e| Error::io(&current, e)));
        if written.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        written
    }

    fn remove_old_generations(&self, keep: &str) {
        for entry in self.entries() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with("gen-") && name != keep {
                remove_dir(&entry.path());
            }
        }
    }

    /// What builds that died left behind: `tmp-` directories and `CURRENT.`
    /// files. With the lock held every one is abandoned; without working
    /// locks, only those of processes that are gone.
    fn remove_abandoned_builds(&self, lock: &BuildLock) {
        let me = std::process::id().to_string();
        for entry in self.entries() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let pid = if let Some(rest) = name.strip_prefix("tmp-") {
                rest.split('-').next().unwrap_or_default()
            } else if let Some(pid) = name.strip_prefix("CURRENT.") {
                pid
            } else {
                continue;
            };
            if lock.held() || pid == me || !Path::new("/proc").join(pid).exists() {
                let path = entry.path();
                if path.is_dir() {
                    remove_dir(&path);
                } else {
                    let _ = std::fs::remove_file(&path);
                }
            }
        }
    }

    fn entries(&self) -> Vec<std::fs::DirEntry> {
        std::fs::read_dir(&self.root)
            .map(|d| d.filter_map(|e| e.ok()).collect())
            .unwrap_or_default()
    }
}

fn generation_name(hash: &str) -> String {
    format!("gen-{}", &hash[..16.min(hash.len())])
}

fn remove_dir(dir: &Path) {
    if let Err(e) = std::fs::remove_dir_all(dir)
        && e.kind() != std::io::ErrorKind::NotFound
    {
        tracing::warn!("could not remove {}: {e}", dir.display());
    }
}

/// A `tmp-<pid>-<nanos>` directory that is removed when dropped, unless it
/// was renamed away first (a finished build).
struct ScratchDir(PathBuf);

impl ScratchDir {
    fn new(root: &Path) -> ScratchDir {
        static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        ScratchDir(root.join(format!("tmp-{}-{nanos}{n}", std::process::id())))
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        if self.0.exists() {
            remove_dir(&self.0);
        }
    }
}

/// The exclusive lock of the builders of one index root, released when
/// dropped or when the process dies. `None` where the file system has no
/// locks.
struct BuildLock(Option<std::fs::File>);

impl BuildLock {
    /// Waits for the lock (a note says so when another process holds it).
    fn acquire(root: &Path, progress: &dyn Progress) -> Result<BuildLock> {
        let (file, path) = open_lock_file(root)?;
        match file.try_lock() {
            Ok(()) => Ok(BuildLock(Some(file))),
            Err(std::fs::TryLockError::WouldBlock) => {
                progress.note("another qsearch process is building the index; waiting for it …");
                match file.lock() {
                    Ok(()) => Ok(BuildLock(Some(file))),
                    Err(e) => unlocked(&path, e),
                }
            }
            Err(std::fs::TryLockError::Error(e)) => unlocked(&path, e),
        }
    }

    /// The lock if it is free now.
    fn try_acquire(root: &Path) -> Result<BuildLock> {
        let (file, path) = open_lock_file(root)?;
        match file.try_lock() {
            Ok(()) => Ok(BuildLock(Some(file))),
            Err(std::fs::TryLockError::WouldBlock) => Err(Error::Other(format!(
                "{} is held by another process",
                path.display()
            ))),
            Err(std::fs::TryLockError::Error(e)) => unlocked(&path, e),
        }
    }

    fn held(&self) -> bool {
        self.0.is_some()
    }
}

fn open_lock_file(root: &Path) -> Result<(std::fs::File, PathBuf)> {
    let path = root.join(BUILD_LOCK);
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(|e| Error::io(&path, e))?;
    Ok((file, path))
}

/// A file system without locks builds unlocked (the rename still decides);
/// any other failure is an error.
fn unlocked(path: &Path, e: std::io::Error) -> Result<BuildLock> {
    if e.kind() == std::io::ErrorKind::Unsupported {
        tracing::warn!(
            "{}: no file locks here ({e}); building unlocked",
            path.display()
        );
        Ok(BuildLock(None))
    } else {
        Err(Error::io(path, e))
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
    // Only the files a build reads: a refused entry (outside the seeds
    // directory) is never read, here either.
    for (entry, path) in catalog.checked().0 {
        hasher.update(entry.file.as_bytes());
        // A missing file is a warning at build time, not an error here.
        hasher.update(std::fs::read(path).unwrap_or_default());
    }
    for file in catalog.uncatalogued_files() {
        hasher.update(file.as_bytes());
    }
    Ok(hex::encode(hasher.finalize()))
}

/// A cheap identity of the seeds as files: name, length and modification
/// time of the catalog, of every document it accepts, and the names of the
/// uncatalogued ones. While it stays the same, [`corpus_hash`] needs no
/// recomputing (the server's `/healthz` checks it on every call).
pub fn seeds_signature(seeds: &Path) -> Vec<(String, u64, Option<std::time::SystemTime>)> {
    let stat = |name: String, path: &Path| {
        let meta = std::fs::metadata(path).ok();
        let len = meta.as_ref().map_or(0, |m| m.len());
        (name, len, meta.and_then(|m| m.modified().ok()))
    };
    let catalog_path = seeds.join(crate::catalog::CATALOG_FILE);
    let mut signature = vec![stat(
        crate::catalog::CATALOG_FILE.to_string(),
        &catalog_path,
    )];
    if let Ok(catalog) = Catalog::load(seeds) {
        for (entry, path) in catalog.checked().0 {
            signature.push(stat(entry.file, &path));
        }
        for file in catalog.uncatalogued_files() {
            signature.push((file, 0, None));
        }
    }
    signature
}

/// Fingerprint of the sources that shape an index (parsers, tokenizer,
/// data tables), computed at build time by `build.rs`: every binary built
/// from the same sources shares one index.
fn build_identity() -> &'static str {
    env!("QSEARCH_SOURCE_HASH")
}
