//! The persisted search index: tantivy over records, in atomically swapped
//! generations, with the record list beside it.

mod build;
pub mod filters;
pub mod schema;
pub mod store;

use std::io::BufRead;
use std::path::Path;

use tantivy::Index;

pub use filters::{FilterKeys, Filters};
pub use schema::IndexFields;
pub use store::{Generation, IndexStore, Manifest};

use crate::departments::DepartmentTable;
use crate::error::{Error, Result};
use crate::record::Record;
use crate::tokenizer::{self, ChineseAnalyzer};

pub const RECORDS_FILE: &str = "records.jsonl";

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
}

impl OpenIndex {
    /// Opens a generation; any damage is an error that names the directory.
    pub fn open(generation: Generation) -> Result<OpenIndex> {
        let records = read_records(&generation.dir)?;
        if records.len() != generation.manifest.record_count {
            return Err(damaged(
                &generation.dir,
                "record list does not match the manifest",
            ));
        }
        let index = Index::open_in_dir(&generation.dir)?;
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
        let searcher_check = index.reader()?.searcher().num_docs();
        if searcher_check as usize != records.len() {
            return Err(damaged(
                &generation.dir,
                "index document count does not match the records",
            ));
        }
        Ok(OpenIndex {
            index,
            fields,
            records,
            analyzer,
            generation,
        })
    }
}

fn damaged(dir: &Path, what: &str) -> Error {
    Error::Other(format!("index at {} is damaged: {what}", dir.display()))
}

fn read_records(dir: &Path) -> Result<Vec<Record>> {
    let path = dir.join(RECORDS_FILE);
    let file = std::fs::File::open(&path).map_err(|e| Error::io(&path, e))?;
    std::io::BufReader::new(file)
        .lines()
        .map(|line| {
            let line = line.map_err(|e| Error::io(&path, e))?;
            serde_json::from_str(&line).map_err(|e| damaged(dir, &format!("bad record line: {e}")))
        })
        .collect()
}
