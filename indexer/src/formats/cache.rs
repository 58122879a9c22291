//! Extracted text of original documents, kept by content hash.
//!
//! Reading a PDF (pdftotext, table geometry) or a large workbook costs far
//! more than the text pipeline after it, and a rebuild after `qsearch add`
//! would otherwise read every original again. The cache is keyed by the
//! SHA-256 of the document's bytes and [`EXTRACTION_VERSION`], so a changed
//! document or a changed reader never reuses an entry; entries are written
//! to a temporary file and renamed, and one that does not parse is read
//! again from the document. Documents that fail are not cached.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::{Extracted, Format, FormatError, extract};

/// Bump when a reader's output changes for the same bytes.
pub const EXTRACTION_VERSION: u32 = 1;

/// A directory of extracted documents.
#[derive(Debug, Clone)]
pub struct ExtractionCache {
    dir: PathBuf,
}

impl ExtractionCache {
    pub fn new(dir: impl Into<PathBuf>) -> ExtractionCache {
        ExtractionCache { dir: dir.into() }
    }

    /// [`extract`], from the cache when this document was read before.
    /// Plain text is decoded directly (reading it is as cheap as the cache).
    pub fn extract(&self, bytes: &[u8]) -> Result<Extracted, FormatError> {
        if Format::sniff(bytes) == Format::Text {
            return extract(bytes);
        }
        let path = self.path_of(bytes);
        if let Some(hit) = std::fs::read(&path)
            .ok()
            .and_then(|json| serde_json::from_slice::<Extracted>(&json).ok())
        {
            return Ok(hit);
        }
        let extracted = extract(bytes)?;
        // A cache that cannot be written only costs time.
        let _ = self.store(&path, &extracted);
        Ok(extracted)
    }

    fn path_of(&self, bytes: &[u8]) -> PathBuf {
        let mut hasher = Sha256::new();
        hasher.update(EXTRACTION_VERSION.to_le_bytes());
        hasher.update(bytes);
        self.dir
            .join(format!("{}.json", hex::encode(hasher.finalize())))
    }

    fn store(&self, path: &Path, extracted: &Extracted) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        let json = serde_json::to_vec(extracted).map_err(std::io::Error::other)?;
        let tmp = path.with_extension(format!("{}.tmp", std::process::id()));
        std::fs::write(&tmp, json)?;
        std::fs::rename(&tmp, path).inspect_err(|_| {
            let _ = std::fs::remove_file(&tmp);
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_is_read_once_and_a_damaged_entry_read_again() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ExtractionCache::new(dir.path());
        let page = "<html><body><h2>二、职责边界</h2><p>甲</p></body></html>".as_bytes();
        let first = cache.extract(page).unwrap();
        let entry = cache.path_of(page);
        assert!(entry.is_file());
        assert_eq!(cache.extract(page).unwrap(), first);
        std::fs::write(&entry, b"{not json").unwrap();
        assert_eq!(cache.extract(page).unwrap(), first);
        assert!(serde_json::from_slice::<Extracted>(&std::fs::read(&entry).unwrap()).is_ok());
    }
}
