//! A model directory and its `qsearch-model.toml`.
//!
//! Any BERT-style model works: an ONNX file, the four tokenizer files, and a
//! small config naming pooling and the query/passage prefixes. That is what
//! makes the model pluggable (bge-small-zh, multilingual-e5, m3e …).

use std::path::{Path, PathBuf};

use std::io::Read;

use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

pub const MODEL_CONFIG: &str = "qsearch-model.toml";
pub const MODEL_FILES: [&str; 5] = [
    "model.onnx",
    "tokenizer.json",
    "config.json",
    "special_tokens_map.json",
    "tokenizer_config.json",
];

/// The default model: MIT-licensed, cross-lingual (see README for the choice).
pub const DEFAULT_MODEL: &str = "me5-small";

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ModelConfig {
    pub name: String,
    pub dimensions: usize,
    #[serde(default = "mean")]
    pub pooling: String,
    #[serde(default = "yes")]
    pub normalize: bool,
    #[serde(default)]
    pub query_prefix: String,
    #[serde(default)]
    pub passage_prefix: String,
    #[serde(default = "max_length")]
    pub max_length: usize,
    #[serde(default)]
    pub license: String,
}

fn mean() -> String {
    "mean".into()
}
fn yes() -> bool {
    true
}
fn max_length() -> usize {
    512
}

/// A model directory whose files are all present.
#[derive(Debug, Clone)]
pub struct ModelDir {
    pub dir: PathBuf,
    pub config: ModelConfig,
}

impl ModelDir {
    /// Checks the directory is complete and reads its config.
    pub fn open(dir: &Path) -> Result<ModelDir> {
        let missing: Vec<&str> = MODEL_FILES
            .iter()
            .chain([&MODEL_CONFIG])
            .copied()
            .filter(|f| !dir.join(f).is_file())
            .collect();
        if !missing.is_empty() {
            return Err(Error::Model(format!(
                "{} lacks {}",
                dir.display(),
                missing.join(", ")
            )));
        }
        let path = dir.join(MODEL_CONFIG);
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        let config: ModelConfig =
            toml::from_str(&text).map_err(|e| Error::Model(format!("{}: {e}", path.display())))?;
        Ok(ModelDir {
            dir: dir.to_path_buf(),
            config,
        })
    }

    /// Identifies the model's vectors: name, dimensions, pooling,
    /// normalisation, maximum length, prefixes
    /// and a SHA-256 of the contents of every model file (`model.onnx` and
    /// the tokenizer files; ~60 ms for the default model's 80 MB), so a
    /// different model, or a damaged file of the same size, never reuses
    /// cached vectors.
    pub fn fingerprint(&self) -> String {
        let mut hasher = Sha256::new();
        for file in MODEL_FILES {
            hasher.update(file.as_bytes());
            match std::fs::File::open(self.dir.join(file)) {
                Ok(mut f) => {
                    let mut buf = vec![0u8; 1 << 20];
                    loop {
                        match f.read(&mut buf) {
                            Ok(0) => break,
                            Ok(n) => hasher.update(&buf[..n]),
                            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                            Err(_) => {
                                hasher.update(b"\0unreadable");
                                break;
                            }
                        }
                    }
                }
                Err(_) => hasher.update(b"\0missing"),
            }
        }
        let contents = hex::encode(&hasher.finalize()[..16]);
        let c = &self.config;
        format!(
            "{}|{}|{}|{}|{}|{}|{}|{}",
            c.name,
            c.dimensions,
            c.pooling,
            c.normalize,
            c.max_length,
            c.query_prefix,
            c.passage_prefix,
            contents
        )
    }

    pub fn read(&self, file: &str) -> Result<Vec<u8>> {
        let path = self.dir.join(file);
        std::fs::read(&path).map_err(|e| Error::io(&path, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model_dir(onnx: &[u8]) -> (tempfile::TempDir, ModelDir) {
        let dir = tempfile::tempdir().unwrap();
        for file in MODEL_FILES {
            std::fs::write(dir.path().join(file), b"{}").unwrap();
        }
        std::fs::write(dir.path().join("model.onnx"), onnx).unwrap();
        std::fs::write(
            dir.path().join(MODEL_CONFIG),
            "name = \"m\"\ndimensions = 4\n",
        )
        .unwrap();
        let model = ModelDir::open(dir.path()).unwrap();
        (dir, model)
    }

    /// Finding 19: a different model (or a damaged file) of the same size
    /// must not reuse the cached vectors.
    #[test]
    fn the_fingerprint_follows_the_model_contents_not_its_size() {
        let (_a, a) = model_dir(b"model weights A");
        let (_b, b) = model_dir(b"model weights B");
        let (_c, c) = model_dir(b"model weights A");
        assert_ne!(a.fingerprint(), b.fingerprint());
        assert_eq!(a.fingerprint(), c.fingerprint());
        std::fs::write(a.dir.join("tokenizer.json"), b"[]").unwrap();
        assert_ne!(a.fingerprint(), c.fingerprint(), "tokenizer change");
    }
}
