//! A model directory and its `qsearch-model.toml`.
//!
//! Any BERT-style model works: an ONNX file, the four tokenizer files, and a
//! small config naming pooling and the query/passage prefixes. That is what
//! makes the model pluggable (bge-small-zh, multilingual-e5, m3e …).

use std::path::{Path, PathBuf};

use serde::Deserialize;

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

    /// Identifies the model's vectors: name, dimensions, prefixes and the
    /// ONNX file's size, so a different model never reuses cached vectors.
    pub fn fingerprint(&self) -> String {
        let size = std::fs::metadata(self.dir.join("model.onnx"))
            .map(|m| m.len())
            .unwrap_or(0);
        let c = &self.config;
        format!(
            "{}|{}|{}|{}|{}|{}",
            c.name, c.dimensions, c.pooling, c.query_prefix, c.passage_prefix, size
        )
    }

    pub fn read(&self, file: &str) -> Result<Vec<u8>> {
        let path = self.dir.join(file);
        std::fs::read(&path).map_err(|e| Error::io(&path, e))
    }
}
