//! Vectors cached by content: the key is a hash of the model fingerprint and
//! the passage text, so a rebuild embeds only passages that changed.
//!
//! The file is an 8-byte magic, then fixed-size entries: a 32-byte key, the
//! vector as little-endian f32, and a CRC-32 of both. Loading keeps every
//! entry whose checksum holds and whose values are finite, and drops the
//! rest (a damaged header, a bit flip, a partial last entry after a full
//! disk): those passages are embedded again. A file that had anything to
//! drop is rewritten whole (temporary file, then rename) on the next insert;
//! a clean one is appended to. Writers hold `vectors-….lock`, so processes
//! that share a data directory neither interleave their appends nor embed
//! the same passages twice (the second waits, then finds them cached).

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

const MAGIC: &[u8; 8] = b"QSVEC002";
const CRC_BYTES: usize = 4;

pub type Key = [u8; 32];

pub struct VectorCache {
    path: PathBuf,
    dimensions: usize,
    entries: HashMap<Key, Vec<f32>>,
    /// The file as loaded holds nothing but good entries, and is this long.
    clean_len: Option<u64>,
    /// Entries dropped on load (bad checksum, non-finite values, cut short).
    dropped: usize,
}

/// The cache key of a passage under a model.
pub fn key(fingerprint: &str, text: &str) -> Key {
    let mut h = Sha256::new();
    h.update(fingerprint.as_bytes());
    h.update([0]);
    h.update(text.as_bytes());
    h.finalize().into()
}

/// Held while a process embeds into and writes one cache file.
pub struct CacheLock(#[allow(dead_code)] std::fs::File);

impl VectorCache {
    /// Loads the cache of one model, or starts an empty one. Never fails:
    /// what cannot be read is embedded again.
    pub fn load(dir: &Path, fingerprint: &str, dimensions: usize) -> VectorCache {
        let name = hex::encode(&Sha256::digest(fingerprint.as_bytes())[..8]);
        let mut cache = VectorCache {
            path: dir.join(format!("vectors-{name}.bin")),
            dimensions,
            entries: HashMap::new(),
            clean_len: None,
            dropped: 0,
        };
        cache.reload();
        cache
    }

    /// Reads the file again (after waiting for another writer).
    pub fn reload(&mut self) {
        let bytes = match std::fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(_) => {
                self.entries.clear();
                self.clean_len = None;
                return;
            }
        };
        let parsed = parse(&bytes, self.dimensions);
        self.dropped = parsed.dropped;
        self.clean_len = (parsed.dropped == 0 && parsed.header_ok).then_some(bytes.len() as u64);
        self.entries = parsed.entries;
        if parsed.dropped > 0 || !parsed.header_ok {
            tracing::warn!(
                "{}: {} damaged entries dropped{}; they are embedded again",
                self.path.display(),
                parsed.dropped,
                if parsed.header_ok {
                    ""
                } else {
                    " (bad header)"
                }
            );
        }
    }

    /// Waits for other processes writing this cache; `None` where no lock
    /// can be taken (a read-only data directory, no file locks).
    pub fn lock(&self) -> Option<CacheLock> {
        let dir = self.path.parent()?;
        std::fs::create_dir_all(dir).ok()?;
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(self.path.with_extension("lock"))
            .ok()?;
        file.lock().ok()?;
        Some(CacheLock(file))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Entries dropped as damaged when the file was last read.
    pub fn dropped(&self) -> usize {
        self.dropped
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

    /// Adds vectors and writes them to the file: appended to a clean file,
    /// else the whole cache rewritten. Vectors of the wrong length or with
    /// non-finite values are refused (an error after the others are added).
    /// The vectors stay in memory even if the write fails.
    pub fn insert_all(&mut self, new: Vec<(Key, Vec<f32>)>) -> Result<()> {
        let total = new.len();
        let new: Vec<(Key, Vec<f32>)> = new
            .into_iter()
            .filter(|(_, v)| v.len() == self.dimensions && v.iter().all(|x| x.is_finite()))
            .collect();
        let refused = total - new.len();
        if !new.is_empty() {
            let mut buf = Vec::with_capacity(new.len() * self.entry_len());
            new.iter().for_each(|(k, v)| encode(&mut buf, k, v));
            self.entries.extend(new);
            self.write(&buf)?;
        }
        if refused > 0 {
            return Err(Error::Model(format!(
                "{refused} embeddings were not {}-dimensional finite vectors; not cached",
                self.dimensions
            )));
        }
        Ok(())
    }

    fn entry_len(&self) -> usize {
        32 + 4 * self.dimensions + CRC_BYTES
    }

    fn write(&mut self, appended: &[u8]) -> Result<()> {
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        let mut on_disk = std::fs::metadata(&self.path).map(|m| m.len()).ok();
        if on_disk.is_some() && on_disk != self.clean_len {
            // Written by another process since we read it, or damaged: take
            // in what it holds, so that neither append nor rewrite loses it.
            self.merge_file();
            on_disk = std::fs::metadata(&self.path).map(|m| m.len()).ok();
        }
        match (self.clean_len, on_disk) {
            (Some(clean), Some(len)) if clean == len => {
                let mut file = std::fs::OpenOptions::new()
                    .append(true)
                    .open(&self.path)
                    .map_err(|e| Error::io(&self.path, e))?;
                match file.write_all(appended).and_then(|()| file.flush()) {
                    Ok(()) => {
                        self.clean_len = Some(len + appended.len() as u64);
                        Ok(())
                    }
                    Err(e) => {
                        // A partial entry may end the file now: cut it off,
                        // or rewrite the file next time.
                        self.clean_len = file.set_len(len).ok().map(|()| len);
                        Err(Error::io(&self.path, e))
                    }
                }
            }
            _ => self.rewrite(),
        }
    }

    /// Adds the good entries of the file as it is now to those in memory.
    fn merge_file(&mut self) {
        let Ok(bytes) = std::fs::read(&self.path) else {
            self.clean_len = None;
            return;
        };
        let parsed = parse(&bytes, self.dimensions);
        self.clean_len = (parsed.dropped == 0 && parsed.header_ok).then_some(bytes.len() as u64);
        for (key, vector) in parsed.entries {
            self.entries.entry(key).or_insert(vector);
        }
    }

    /// Writes every entry to a temporary file and renames it over the cache.
    fn rewrite(&mut self) -> Result<()> {
        let mut buf = Vec::with_capacity(MAGIC.len() + self.entries.len() * self.entry_len());
        buf.extend_from_slice(MAGIC);
        let mut keys: Vec<&Key> = self.entries.keys().collect();
        keys.sort();
        for k in keys {
            encode(&mut buf, k, &self.entries[k]);
        }
        let tmp = self
            .path
            .with_extension(format!("tmp-{}", std::process::id()));
        let written = std::fs::write(&tmp, &buf)
            .and_then(|()| std::fs::rename(&tmp, &self.path))
            .map_err(|e| Error::io(&self.path, e));
        match written {
            Ok(()) => {
                self.clean_len = Some(buf.len() as u64);
                Ok(())
            }
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                self.clean_len = None;
                Err(e)
            }
        }
    }

    pub fn dimensions(&self) -> usize {
        self.dimensions
    }
}

fn encode(buf: &mut Vec<u8>, key: &Key, vector: &[f32]) {
    let start = buf.len();
    buf.extend_from_slice(key);
    vector
        .iter()
        .for_each(|x| buf.extend_from_slice(&x.to_le_bytes()));
    let crc = crc32fast::hash(&buf[start..]);
    buf.extend_from_slice(&crc.to_le_bytes());
}

struct Parsed {
    entries: HashMap<Key, Vec<f32>>,
    header_ok: bool,
    dropped: usize,
}

fn parse(bytes: &[u8], dimensions: usize) -> Parsed {
    let Some(body) = bytes.strip_prefix(MAGIC.as_slice()) else {
        return Parsed {
            entries: HashMap::new(),
            header_ok: false,
            dropped: 0,
        };
    };
    let entry = 32 + 4 * dimensions + CRC_BYTES;
    let chunks = body.chunks_exact(entry);
    let mut dropped = usize::from(!chunks.remainder().is_empty());
    let mut entries = HashMap::new();
    for chunk in chunks {
        let (data, crc) = chunk.split_at(entry - CRC_BYTES);
        let crc = u32::from_le_bytes(crc.try_into().expect("4-byte checksum"));
        let vector: Vec<f32> = data[32..]
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        if crc32fast::hash(data) != crc || !vector.iter().all(|x| x.is_finite()) {
            dropped += 1;
            continue;
        }
        let key: Key = data[..32].try_into().expect("32-byte key");
        entries.insert(key, vector);
    }
    Parsed {
        entries,
        header_ok: true,
        dropped,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIMS: usize = 4;

    fn entries(n: u8) -> Vec<(Key, Vec<f32>)> {
        (0..n)
            .map(|i| ([i; 32], vec![f32::from(i), 0.5, -0.25, 1.0]))
            .collect()
    }

    fn written(n: u8) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let mut cache = VectorCache::load(dir.path(), "fp", DIMS);
        cache.insert_all(entries(n)).unwrap();
        let path = cache.path().to_path_buf();
        (dir, path)
    }

    fn entry_len() -> usize {
        32 + 4 * DIMS + CRC_BYTES
    }

    #[test]
    fn entries_round_trip_and_appends_keep_the_file_clean() {
        let (dir, path) = written(3);
        let mut cache = VectorCache::load(dir.path(), "fp", DIMS);
        assert_eq!(cache.len(), 3);
        assert_eq!(cache.get(&[2; 32]).unwrap(), &vec![2.0, 0.5, -0.25, 1.0]);
        cache.insert_all(vec![([9; 32], vec![1.0; DIMS])]).unwrap();
        let len = std::fs::metadata(&path).unwrap().len() as usize;
        assert_eq!(len, MAGIC.len() + 4 * entry_len());
        let again = VectorCache::load(dir.path(), "fp", DIMS);
        assert_eq!((again.len(), again.dropped()), (4, 0));
    }

    /// Finding 5: a damaged header, an empty file or a partial last entry
    /// must not make every start embed and append again.
    #[test]
    fn a_damaged_file_recovers_on_the_next_insert() {
        type Damage = fn(&Path);
        let damages: [(&str, Damage); 3] = [
            ("bad header", |p| {
                let mut b = std::fs::read(p).unwrap();
                b[0] = b'X';
                std::fs::write(p, b).unwrap();
            }),
            ("empty file", |p| std::fs::write(p, b"").unwrap()),
            ("partial last entry", |p| {
                let len = std::fs::metadata(p).unwrap().len();
                let f = std::fs::OpenOptions::new().write(true).open(p).unwrap();
                f.set_len(len - 10).unwrap();
            }),
        ];
        for (what, damage) in damages {
            let (dir, path) = written(3);
            damage(&path);
            let mut cache = VectorCache::load(dir.path(), "fp", DIMS);
            let lost: Vec<_> = entries(3)
                .into_iter()
                .filter(|(k, _)| cache.get(k).is_none())
                .collect();
            assert!(!lost.is_empty(), "{what}: nothing lost?");
            cache.insert_all(lost).unwrap();
            let len = std::fs::metadata(&path).unwrap().len() as usize;
            assert_eq!(
                len,
                MAGIC.len() + 3 * entry_len(),
                "{what}: file not repaired"
            );
            let again = VectorCache::load(dir.path(), "fp", DIMS);
            assert_eq!((again.len(), again.dropped()), (3, 0), "{what}");
        }
    }

    /// Finding 6: one flipped bit in a stored vector is caught by the
    /// checksum; that entry alone is dropped (and embedded again).
    #[test]
    fn a_flipped_bit_drops_only_its_entry() {
        let (dir, path) = written(3);
        let mut bytes = std::fs::read(&path).unwrap();
        let offset = MAGIC.len() + entry_len() + 32 + 3; // entry 1, first value's exponent
        bytes[offset] ^= 0x40;
        std::fs::write(&path, bytes).unwrap();
        let cache = VectorCache::load(dir.path(), "fp", DIMS);
        assert_eq!((cache.len(), cache.dropped()), (2, 1));
        assert!(cache.get(&[1; 32]).is_none());
        assert!(cache.get(&[0; 32]).is_some() && cache.get(&[2; 32]).is_some());
    }

    #[test]
    fn non_finite_or_wrong_length_vectors_are_not_cached() {
        let dir = tempfile::tempdir().unwrap();
        let mut cache = VectorCache::load(dir.path(), "fp", DIMS);
        let result = cache.insert_all(vec![
            ([1; 32], vec![f32::NAN, 0.0, 0.0, 0.0]),
            ([2; 32], vec![f32::INFINITY, 0.0, 0.0, 0.0]),
            ([3; 32], vec![1.0; DIMS + 1]),
            ([4; 32], vec![1.0; DIMS]),
        ]);
        assert!(result.is_err());
        let again = VectorCache::load(dir.path(), "fp", DIMS);
        assert_eq!((again.len(), again.dropped()), (1, 0));
        assert!(again.get(&[4; 32]).is_some());
    }

    /// Finding 18: writers that share the file, one after the other with
    /// stale views of it, leave a file that loads without loss.
    #[test]
    fn two_writers_with_stale_views_do_not_corrupt_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut a = VectorCache::load(dir.path(), "fp", DIMS);
        let mut b = VectorCache::load(dir.path(), "fp", DIMS);
        let lock = a.lock().expect("lock");
        a.insert_all(entries(2)).unwrap();
        drop(lock);
        let _lock = b.lock().expect("lock");
        b.insert_all(vec![([7; 32], vec![1.0; DIMS])]).unwrap();
        let merged = VectorCache::load(dir.path(), "fp", DIMS);
        assert_eq!((merged.len(), merged.dropped()), (3, 0));
    }
}
