//! The persisted search index: tantivy over records, in atomically swapped
//! generations, with the record list beside it.

mod build;
pub mod filters;
mod published;
pub mod schema;
pub mod store;

use std::collections::HashMap;
use std::io::BufRead;
use std::path::Path;
use std::sync::Arc;

use sha2::{Digest, Sha256};
use tantivy::directory::{Directory, FileHandle};
use tantivy::{Index, ReloadPolicy};

pub use filters::{FilterKeys, Filters, ResolvedFilters};
pub use schema::IndexFields;
pub use store::{FORMAT_VERSION, Generation, IndexStore, Live, Manifest};

use crate::departments::DepartmentTable;
use crate::error::{Error, Result};
use crate::record::Record;
use crate::tokenizer::{self, ChineseAnalyzer};

pub const RECORDS_FILE: &str = "records.jsonl";
/// The documents of a generation as they were read.
pub const SOURCES_DIR: &str = "sources";

/// The analyzer for a record set: matter names and department names join the
/// segmentation dictionary so they stay whole. Index and queries must use the
/// same one, so it is always derived from the records by this function.
pub fn analyzer_for(records: &[Record]) -> ChineseAnalyzer {
    let mut words: Vec<String> = records
        .iter()
        .filter(|r| r.section.is_table())
        .map(|r| r.matter().to_string())
        .filter(|m| (2..=16).contains(&m.chars().count()))
        .collect();
    words.extend(DepartmentTable::builtin().names().map(str::to_string));
    words.sort();
    words.dedup();
    ChineseAnalyzer::new(words)
}

/// An opened generation: the tantivy index and its records.
pub struct OpenIndex {
    pub index: Index,
    pub fields: IndexFields,
    pub records: Vec<Record>,
    pub analyzer: ChineseAnalyzer,
    pub generation: Generation,
    /// The generation's documents, mapped at open: they stay readable when
    /// a later build removes this generation while it is being served.
    sources: HashMap<String, Arc<dyn FileHandle>>,
}

impl OpenIndex {
    /// Opens a generation without writing to it (a read-only data directory
    /// works); damage is an [`Error::Damaged`] or a tantivy error that names
    /// the directory, while [`Error::is_environmental`] errors (permissions,
    /// resources) are reported as they are.
    pub fn open(generation: Generation) -> Result<OpenIndex> {
        let records = read_records(&generation)?;
        if records.len() != generation.manifest.record_count {
            return Err(damaged(
                &generation.dir,
                "record list does not match the manifest",
            ));
        }
        let index = Index::open(published::PublishedDirectory::open(&generation.dir)?)?;
        // Footer checksums catch bit rot that opening alone does not notice
        // (one read of the index files; ~1 MB here).
        let corrupted = index.validate_checksum()?;
        if !corrupted.is_empty() {
            let files: Vec<String> = corrupted.iter().map(|p| p.display().to_string()).collect();
            return Err(damaged(
                &generation.dir,
                &format!("checksum mismatch in {}", files.join(", ")),
            ));
        }
        let fields = IndexFields::from_schema(&index.schema())?;
        let analyzer = analyzer_for(&records);
        tokenizer::register(&index, &analyzer);
        // A manual reader: no thread watching meta.json, which would warn
        // every 500 ms once the generation is swapped out and deleted.
        let searcher_check = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?
            .searcher()
            .num_docs();
        if searcher_check as usize != records.len() {
            return Err(damaged(
                &generation.dir,
                "index document count does not match the records",
            ));
        }
        let sources = map_sources(&generation.dir, &records)?;
        Ok(OpenIndex {
            index,
            fields,
            records,
            analyzer,
            generation,
            sources,
        })
    }
}

/// Maps `sources/<file>` of every document that has records.
fn map_sources(dir: &Path, records: &[Record]) -> Result<HashMap<String, Arc<dyn FileHandle>>> {
    let sources_dir = dir.join(SOURCES_DIR);
    if !sources_dir.is_dir() {
        return Err(damaged(dir, &format!("{SOURCES_DIR}/ is missing")));
    }
    let mapped = published::PublishedDirectory::open(&sources_dir)?;
    let mut sources = HashMap::new();
    for record in records {
        let file = &record.source.file;
        if sources.contains_key(file) {
            continue;
        }
        let handle = crate::catalog::relative_name(file)
            .ok()
            .and_then(|name| mapped.get_file_handle(Path::new(&name)).ok())
            .ok_or_else(|| damaged(dir, &format!("{SOURCES_DIR}/{file} is missing")))?;
        sources.insert(file.clone(), handle);
    }
    Ok(sources)
}

impl OpenIndex {
    /// A document as it was when this generation was built (the lines its
    /// records cite), not as it is in the seeds now.
    pub fn source(&self, file: &str) -> Result<Vec<u8>> {
        let handle = self
            .sources
            .get(file)
            .ok_or_else(|| Error::Other(format!("{file:?} is not a document of this index")))?;
        let bytes = handle
            .read_bytes(0..handle.len())
            .map_err(|e| Error::io(self.generation.dir.join(SOURCES_DIR).join(file), e))?;
        Ok(bytes.as_slice().to_vec())
    }
}

fn damaged(dir: &Path, what: &str) -> Error {
    Error::Damaged {
        dir: dir.to_path_buf(),
        what: what.to_string(),
    }
}

/// The record list, checked against the manifest's checksum when it has one.
fn read_records(generation: &Generation) -> Result<Vec<Record>> {
    let dir = &generation.dir;
    let path = dir.join(RECORDS_FILE);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && dir.is_dir() => {
            return Err(damaged(dir, &format!("{RECORDS_FILE} is missing")));
        }
        Err(e) => return Err(Error::io(&path, e)),
    };
    if let Some(expected) = &generation.manifest.records_sha256
        && *expected != records_checksum(&bytes)
    {
        return Err(damaged(dir, &format!("{RECORDS_FILE} checksum mismatch")));
    }
    bytes
        .as_slice()
        .lines()
        .map(|line| {
            let line = line.map_err(|e| damaged(dir, &format!("bad record line: {e}")))?;
            serde_json::from_str(&line).map_err(|e| damaged(dir, &format!("bad record line: {e}")))
        })
        .collect()
}

/// Hex SHA-256 of a record list as stored.
pub(crate) fn records_checksum(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}
