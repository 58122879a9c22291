//! Vectors cached by content: the key is a hash of the model fingerprint and
//! the passage text, so a rebuild embeds only passages that changed.
//!
//! The file is append-only fixed-size entries (32-byte key, then the vector
//! as little-endian f32); a write cut short leaves a partial last entry,
//! which is ignored on load.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

const MAGIC: &[u8; 8] = b"QSVEC001";

pub type Key = [u8; 32];

pub struct VectorCache {
    path: PathBuf,
    dimensions: usize,
    entries: HashMap<Key, Vec<f32>>,
}

/// The cache key of a passage under a model.
pub fn key(fingerprint: &str, text: &str) -> Key {
    let mut h = Sha256::new();
    h.update(fingerprint.as_bytes());
    h.update([0]);
    h.update(text.as_bytes());
    h.finalize().into()
}

impl VectorCache {
    /// Loads the cache of one model, or starts an empty one.
    pub fn load(dir: &Path, fingerprint: &str, dimensions: usize) -> VectorCache {
        let name = hex::encode(&Sha256::digest(fingerprint.as_bytes())[..8]);
        let path = dir.join(format!("vectors-{name}.bin"));
        let entries = std::fs::read(&path)
            .map(|bytes| parse(&bytes, dimensions))
            .unwrap_or_default();
        VectorCache {
            path,
            dimensions,
            entries,
        }
    }

    pub fn get(&self, key: &Key) -> Option<&Vec<f32>> {
        self.entries.get(key)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Adds vectors and appends them to the file.
    pub fn insert_all(&mut self, new: Vec<(Key, Vec<f32>)>) -> Result<()> {
        if new.is_empty() {
            return Ok(());
        }
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        let fresh = !self.path.exists();
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .map_err(|e| Error::io(&self.path, e))?;
        let mut buf = Vec::new();
        if fresh {
            buf.extend_from_slice(MAGIC);
        }
        for (key, vector) in &new {
            buf.extend_from_slice(key);
            vector
                .iter()
                .for_each(|x| buf.extend_from_slice(&x.to_le_bytes()));
        }
        file.write_all(&buf).map_err(|e| Error::io(&self.path, e))?;
        self.entries.extend(new);
        Ok(())
    }

    pub fn dimensions(&self) -> usize {
        self.dimensions
    }
}

fn parse(bytes: &[u8], dimensions: usize) -> HashMap<Key, Vec<f32>> {
    let Some(body) = bytes.strip_prefix(MAGIC.as_slice()) else {
        return HashMap::new();
    };
    let entry = 32 + 4 * dimensions;
    body.chunks_exact(entry)
        .map(|chunk| {
            let key: Key = chunk[..32].try_into().expect("32-byte key");
            let vector = chunk[32..]
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect();
            (key, vector)
        })
        .collect()
}
