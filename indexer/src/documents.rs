//! The corpus's documents: adding one (copied into the seeds directory
//! with a catalog entry guessed from its own text), listing them, removing
//! one. The index follows on its next open: it is keyed by a hash of the
//! seeds, and vectors by passage text, so only the new document's passages
//! are embedded.
//!
//! A document is checked before anything is written: one that cannot be
//! read (corrupt, encrypted, no text layer, unknown format) is refused with
//! the reason and leaves the corpus as it was.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::catalog::{self, Catalog, CatalogEntry, guess};
use crate::corpus::Corpus;
use crate::error::{Error, Result};
use crate::formats::{self, Format};
use crate::record::Level;

/// What the user said about a document; unset fields are guessed.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub name: Option<String>,
    pub issuer: Option<String>,
    pub place: Option<String>,
    pub province: Option<String>,
    pub city: Option<String>,
    pub county: Option<String>,
    pub level: Option<Level>,
}

/// A document read and ready to be added.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub source: PathBuf,
    pub bytes: Vec<u8>,
    pub format: Format,
    pub entry: CatalogEntry,
    /// Where the issuer came from: `部门名称`, `title`, `file name` or `--issuer`.
    pub issuer_from: &'static str,
    pub records: usize,
    pub warnings: Vec<String>,
    /// Texts of its table rows, to tell whether the corpus already has them.
    record_texts: Vec<String>,
}

impl Prepared {
    /// A catalogued document that already holds most of this one's records
    /// (the same list in another format, say): its name and the share of
    /// this document's table rows found in it.
    pub fn duplicate_of(&self, seeds_dir: &Path) -> Option<(String, f32)> {
        let corpus = Corpus::load(seeds_dir).ok()?;
        let mut by_file: std::collections::BTreeMap<&str, std::collections::HashSet<String>> =
            Default::default();
        for r in corpus.records.iter().filter(|r| r.section.is_table()) {
            by_file
                .entry(r.source.file.as_str())
                .or_default()
                .insert(crate::text::squash(r.text()));
        }
        let mine: Vec<String> = self
            .record_texts
            .iter()
            .map(|t| crate::text::squash(t))
            .collect();
        by_file
            .into_iter()
            .filter(|(file, _)| *file != self.entry.file)
            .map(|(file, texts)| {
                let shared = mine.iter().filter(|t| texts.contains(*t)).count();
                (file.to_string(), shared as f32 / mine.len().max(1) as f32)
            })
            .filter(|(_, share)| *share >= 0.8)
            .max_by(|a, b| a.1.total_cmp(&b.1))
    }
}

/// Reads a document and works out its catalog entry, writing nothing.
pub fn prepare(path: &Path, overrides: &Overrides) -> Result<Prepared> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let extracted = formats::extract(&bytes).map_err(|e| Error::Document {
        file: path.display().to_string(),
        message: e.to_string(),
    })?;
    let file = match &overrides.name {
        Some(name) => name.clone(),
        None => path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| Error::Other(format!("{} has no file name", path.display())))?,
    };
    catalog::relative_name(&file)
        .map_err(|why| Error::Other(format!("--save-as {file:?}: {why}")))?;
    let guessed = guess::guess(&file, &extracted.text);
    let issuer_from = if overrides.issuer.is_some() {
        "--issuer"
    } else {
        guessed.from
    };
    let issuer = overrides
        .issuer
        .clone()
        .unwrap_or_else(|| guessed.issuer.clone());
    let from_issuer = guess::guess(&file, &format!("{issuer}责任清单"));
    let pick = |given: &Option<String>, guessed: &Option<String>, again: &Option<String>| {
        given
            .clone()
            .or_else(|| guessed.clone())
            .or_else(|| again.clone())
    };
    let county = pick(&overrides.county, &from_issuer.county, &guessed.county);
    let city = pick(&overrides.city, &from_issuer.city, &guessed.city);
    let province = pick(
        &overrides.province,
        &from_issuer.province,
        &guessed.province,
    );
    let level = overrides.level.unwrap_or(if overrides.issuer.is_some() {
        from_issuer.level
    } else {
        guessed.level
    });
    let place = overrides.place.clone().unwrap_or_else(|| {
        county
            .clone()
            .or_else(|| city.clone())
            .or_else(|| province.clone())
            .unwrap_or_default()
    });
    let entry = CatalogEntry {
        file,
        issuer,
        place,
        province: province.unwrap_or_default(),
        city: city.unwrap_or_default(),
        county,
        level,
        encoding: None,
    };
    let mut corpus = Corpus::default();
    corpus.add_document(&entry, &bytes);
    if corpus.records.is_empty() {
        let why: Vec<String> = corpus.warnings.iter().map(|w| w.message.clone()).collect();
        return Err(Error::Document {
            file: path.display().to_string(),
            message: format!(
                "no records could be read from this {} document ({}); nothing added",
                extracted.format,
                why.join("; ")
            ),
        });
    }
    Ok(Prepared {
        source: path.to_path_buf(),
        format: extracted.format,
        records: corpus.records.len(),
        warnings: corpus.warnings.iter().map(ToString::to_string).collect(),
        // Table rows: prose is cut into blocks differently per format.
        record_texts: corpus
            .records
            .iter()
            .filter(|r| r.section.is_table())
            .map(|r| r.text().to_string())
            .collect(),
        bytes,
        entry,
        issuer_from,
    })
}

/// Copies a prepared document into the seeds directory and catalogues it.
/// A file of the same name is refused unless it holds the same bytes and is
/// already catalogued (then nothing changes).
pub fn add(seeds_dir: &Path, prepared: &Prepared) -> Result<Added> {
    let target = seeds_dir.join(&prepared.entry.file);
    let catalogued = Catalog::load(seeds_dir)
        .ok()
        .is_some_and(|c| c.entry(&prepared.entry.file).is_some());
    if let Ok(existing) = std::fs::read(&target) {
        if existing == prepared.bytes && catalogued {
            return Ok(Added::AlreadyPresent);
        }
        return Err(Error::Other(format!(
            "{} already exists in {}; remove it first (`qsearch remove {}`) or add this one under another name (--save-as NAME)",
            prepared.entry.file,
            seeds_dir.display(),
            prepared.entry.file
        )));
    }
    if catalogued {
        return Err(Error::Other(format!(
            "{} is catalogued but missing from {}; remove its entry first (`qsearch remove {}`)",
            prepared.entry.file,
            seeds_dir.display(),
            prepared.entry.file
        )));
    }
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    let tmp = seeds_dir.join(format!(".add-{}.tmp", std::process::id()));
    std::fs::write(&tmp, &prepared.bytes).map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, &target).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io(&target, e)
    })?;
    if let Err(e) = catalog::add_entry(seeds_dir, &prepared.entry) {
        let _ = std::fs::remove_file(&target);
        return Err(e);
    }
    Ok(Added::Added)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Added {
    Added,
    /// The same bytes under the same name were already in the corpus.
    AlreadyPresent,
}

/// One catalogued document, as `qsearch documents` lists it.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentInfo {
    pub file: String,
    pub format: String,
    pub issuer: String,
    pub place: String,
    pub level: Level,
    pub records: usize,
    pub warnings: usize,
    pub bytes: u64,
}

/// Every catalogued document with its format and record count.
pub fn list(seeds_dir: &Path) -> Result<Vec<DocumentInfo>> {
    let catalog = Catalog::load(seeds_dir)?;
    let corpus = Corpus::load(seeds_dir)?;
    let (entries, _) = catalog.checked();
    Ok(entries
        .iter()
        .map(|(entry, path)| {
            let bytes = std::fs::read(path).unwrap_or_default();
            DocumentInfo {
                file: entry.file.clone(),
                format: if bytes.is_empty() {
                    "missing".to_string()
                } else {
                    Format::sniff(&bytes).to_string()
                },
                issuer: entry.issuer.clone(),
                place: entry.place.clone(),
                level: entry.level,
                records: corpus
                    .records
                    .iter()
                    .filter(|r| r.source.file == entry.file)
                    .count(),
                warnings: corpus
                    .warnings
                    .iter()
                    .filter(|w| w.file == entry.file)
                    .count(),
                bytes: bytes.len() as u64,
            }
        })
        .collect())
}

/// Removes a document: its catalog entry and (unless `keep_file`) its file.
/// `name` is the catalogued file name or a prefix only it has.
pub fn remove(seeds_dir: &Path, name: &str, keep_file: bool) -> Result<CatalogEntry> {
    let catalog = Catalog::load(seeds_dir)?;
    let matches: Vec<&CatalogEntry> = match catalog.entry(name) {
        Some(entry) => vec![entry],
        None => catalog
            .documents
            .iter()
            .filter(|d| d.file.starts_with(name))
            .collect(),
    };
    let entry = match matches.as_slice() {
        [entry] => (*entry).clone(),
        [] => {
            return Err(Error::Other(format!(
                "no catalogued document is named {name:?} (`qsearch documents` lists them)"
            )));
        }
        several => {
            let names: Vec<&str> = several.iter().map(|d| d.file.as_str()).collect();
            return Err(Error::Other(format!(
                "{name:?} could be any of {}; give the whole name",
                names.join(", ")
            )));
        }
    };
    catalog::remove_entry(seeds_dir, &entry.file)?;
    if !keep_file && let Ok(path) = catalog.locate(&entry) {
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io(&path, e)),
        }
    }
    Ok(entry)
}
