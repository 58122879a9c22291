//! Loading the whole corpus: catalog → files → read documents → records.
//!
//! Nothing in one file can stop the others: unreadable, binary or
//! non-UTF-8 input becomes a warning naming the file and line.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::catalog::{Catalog, CatalogEntry};
use crate::error::Result;
use crate::extract;
use crate::read::{self, Encoding, encoding};
use crate::record::Record;

/// A problem found in one file, reported with its place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileWarning {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for FileWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

/// All records of a seeds directory, with what could not be read.
#[derive(Debug, Clone, Default)]
pub struct Corpus {
    pub records: Vec<Record>,
    pub warnings: Vec<FileWarning>,
}

impl Corpus {
    /// Reads every catalogued document of a seeds directory.
    pub fn load(seeds_dir: &Path) -> Result<Corpus> {
        let catalog = Catalog::load(seeds_dir)?;
        let mut corpus = Corpus::default();
        for file in catalog.uncatalogued_files() {
            corpus.warn(&file, 1, "file has no entry in seeds/catalog.toml; not indexed (add an entry naming its issuer)");
        }
        for entry in &catalog.documents {
            match std::fs::read(catalog.path_of(entry)) {
                Ok(bytes) => corpus.add_document(entry, &bytes),
                Err(e) => corpus.warn(&entry.file, 0, format!("cannot read file: {e}")),
            }
        }
        Ok(corpus)
    }

    /// Reads one document's bytes into records, keeping every problem as a warning.
    pub fn add_document(&mut self, entry: &CatalogEntry, bytes: &[u8]) {
        if bytes.contains(&0) {
            let line = 1 + bytes
                .iter()
                .take_while(|&&b| b != 0)
                .filter(|&&b| b == b'\n')
                .count();
            self.warn(&entry.file, line, "binary data (NUL byte); file skipped");
            return;
        }
        let text = match std::str::from_utf8(bytes) {
            Ok(text) => std::borrow::Cow::Borrowed(text),
            Err(e) => {
                let line = 1 + bytes[..e.valid_up_to()]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count();
                self.warn(
                    &entry.file,
                    line,
                    "not valid UTF-8; invalid bytes replaced with U+FFFD",
                );
                String::from_utf8_lossy(bytes)
            }
        };
        let encoding = self.choose_encoding(entry, &text);
        let doc = read::read_document(&text, encoding);
        for w in &doc.warnings {
            self.warn(&entry.file, w.line, w.message.clone());
        }
        let records = extract::records(&doc, &entry.file, &entry.bureau());
        if records.is_empty() {
            self.warn(
                &entry.file,
                1,
                "no records could be read from this document",
            );
        }
        self.records.extend(records);
    }

    /// The declared encoding wins, but a disagreeing detection is reported.
    fn choose_encoding(&mut self, entry: &CatalogEntry, text: &str) -> Encoding {
        let detected = encoding::detect(&read::numbered_lines(text));
        match entry.encoding {
            Some(declared) if declared != detected => {
                self.warn(&entry.file, 1, format!("catalog declares encoding {declared} but the text looks like {detected}; using the declared one"));
                declared
            }
            Some(declared) => declared,
            None => detected,
        }
    }

    fn warn(&mut self, file: &str, line: usize, message: impl Into<String>) {
        self.warnings.push(FileWarning {
            file: file.to_string(),
            line,
            message: message.into(),
        });
    }
}
