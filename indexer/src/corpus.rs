//! Loading the whole corpus: catalog → files → read documents → records.
//!
//! Nothing in one file can stop the others: unreadable, binary or
//! non-UTF-8 input becomes a warning naming the file and line.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::catalog::{Catalog, CatalogEntry};
use crate::error::Result;
use crate::extract;
use crate::formats::{self, ExtractionCache};
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
    /// Document names in record ids so far, file by file (ids are unique
    /// across documents only if these are).
    id_stems: HashMap<String, String>,
    /// The bytes of every document as read, when loaded for an index build
    /// (a generation keeps them, so cited lines match the index).
    /// For an original document (Word, PDF …) this is the extracted text
    /// the record lines refer to; for a text export, its decoded text.
    pub sources: Vec<(String, Vec<u8>)>,
    keep_sources: bool,
    /// Where extracted originals are kept between builds, if anywhere.
    extraction_cache: Option<ExtractionCache>,
}

impl Corpus {
    /// Reads every catalogued document of a seeds directory.
    pub fn load(seeds_dir: &Path) -> Result<Corpus> {
        Corpus::load_inner(seeds_dir, false, None)
    }

    /// [`Corpus::load`] for an index build: each document's text kept in
    /// `sources`, originals (Word, PDF …) read through `cache` so that only
    /// new or changed ones are extracted again.
    pub fn load_for_build(seeds_dir: &Path, cache: ExtractionCache) -> Result<Corpus> {
        Corpus::load_inner(seeds_dir, true, Some(cache))
    }

    fn load_inner(
        seeds_dir: &Path,
        keep_sources: bool,
        extraction_cache: Option<ExtractionCache>,
    ) -> Result<Corpus> {
        let catalog = Catalog::load(seeds_dir)?;
        let mut corpus = Corpus {
            keep_sources,
            extraction_cache,
            ..Corpus::default()
        };
        for file in catalog.uncatalogued_files() {
            corpus.warn(&file, 1, "file has no entry in seeds/catalog.toml; not indexed (add an entry naming its issuer)");
        }
        let (entries, refused) = catalog.checked();
        corpus.warnings.extend(refused);
        for (entry, path) in &entries {
            match std::fs::read(path) {
                Ok(bytes) => corpus.add_document_bytes(entry, bytes),
                Err(e) => corpus.warn(&entry.file, 0, format!("cannot read file: {e}")),
            }
        }
        Ok(corpus)
    }

    /// Reads one document's bytes into records, keeping every problem as a warning.
    pub fn add_document(&mut self, entry: &CatalogEntry, bytes: &[u8]) {
        self.add_with(entry, |cache| match cache {
            Some(cache) => cache.extract(bytes),
            None => formats::extract(bytes),
        });
    }

    /// [`Corpus::add_document`] taking the bytes: valid UTF-8 text becomes
    /// the document's text without a copy (a 50 MB export is read once).
    pub fn add_document_bytes(&mut self, entry: &CatalogEntry, bytes: Vec<u8>) {
        if formats::Format::sniff(&bytes) == formats::Format::Text {
            self.add_with(entry, |_| Ok(formats::text::decode_owned(bytes)));
        } else {
            self.add_document(entry, &bytes);
        }
    }

    fn add_with(
        &mut self,
        entry: &CatalogEntry,
        extract: impl FnOnce(
            Option<&ExtractionCache>,
        ) -> Result<formats::Extracted, formats::FormatError>,
    ) {
        let stem = extract::id_stem(&entry.file);
        if let Some(other) = self.id_stems.get(&stem)
            && *other != entry.file
        {
            // `a` and `a.txt`, or `a~b.txt` and `a/b.txt`: the same ids.
            self.warn(
                &entry.file,
                1,
                format!(
                    "its record ids would be those of {other}; file skipped (rename one of them)"
                ),
            );
            return;
        }
        self.id_stems.insert(stem, entry.file.clone());
        let extracted = match extract(self.extraction_cache.as_ref()) {
            Ok(extracted) => extracted,
            Err(e) => {
                self.warn(&entry.file, 0, format!("{e}; file skipped"));
                return;
            }
        };
        for (line, message) in &extracted.warnings {
            self.warn(&entry.file, *line, message.clone());
        }
        let text = extracted.text.as_str();
        let encoding = if extracted.is_layout() {
            Encoding::Extracted
        } else {
            self.choose_encoding(entry, text)
        };
        let doc = read::read_document(text, encoding);
        for w in &doc.warnings {
            self.warn(&entry.file, w.line, w.message.clone());
        }
        let mut records = extract::records(&doc, &entry.file, &entry.bureau());
        for record in &mut records {
            record.source.place = extracted
                .places
                .get(record.source.line_start.wrapping_sub(1))
                .cloned();
            for (field, chars) in extract::cap_fields(record) {
                self.warn(
                    &entry.file,
                    record.source.line_start,
                    format!(
                        "record {} (lines {}-{}) truncated: its {field} has {chars} characters, only the first {} are indexed",
                        record.id,
                        record.source.line_start,
                        record.source.line_end,
                        extract::MAX_FIELD_CHARS
                    ),
                );
            }
        }
        if records.is_empty() {
            self.warn(
                &entry.file,
                1,
                "no records could be read from this document",
            );
        }
        self.records.extend(records);
        if self.keep_sources {
            self.sources
                .push((entry.file.clone(), extracted.text.into_bytes()));
        }
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
