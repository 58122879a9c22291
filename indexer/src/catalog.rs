//! The seed catalog (`seeds/catalog.toml`): the issuer of each document and
//! its encoding. Documents are data: adding one needs no code change.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::read::Encoding;
use crate::record::{Bureau, Level};

pub const CATALOG_FILE: &str = "catalog.toml";

/// One catalog entry.
#[derive(Debug, Clone, Deserialize)]
pub struct CatalogEntry {
    pub file: String,
    pub issuer: String,
    pub place: String,
    pub province: String,
    pub city: String,
    #[serde(default)]
    pub county: Option<String>,
    pub level: Level,
    /// Declared encoding; detected when absent.
    #[serde(default)]
    pub encoding: Option<Encoding>,
}

impl CatalogEntry {
    pub fn bureau(&self) -> Bureau {
        Bureau {
            name: self.issuer.clone(),
            place: self.place.clone(),
            province: self.province.clone(),
            city: self.city.clone(),
            county: self.county.clone(),
            level: self.level,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Catalog {
    #[serde(rename = "document", default)]
    pub documents: Vec<CatalogEntry>,
    #[serde(skip)]
    pub dir: PathBuf,
}

impl Catalog {
    /// Loads `catalog.toml` from a seeds directory.
    pub fn load(seeds_dir: &Path) -> Result<Catalog> {
        let path = seeds_dir.join(CATALOG_FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        let mut catalog: Catalog = toml::from_str(&text).map_err(|e| Error::Catalog {
            path: path.clone(),
            message: e.to_string(),
        })?;
        catalog.dir = seeds_dir.to_path_buf();
        Ok(catalog)
    }

    pub fn path_of(&self, entry: &CatalogEntry) -> PathBuf {
        self.dir.join(&entry.file)
    }

    /// `.txt` files in the seeds directory that have no catalog entry.
    pub fn uncatalogued_files(&self) -> Vec<String> {
        let Ok(dir) = std::fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let mut files: Vec<String> = dir
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|name| {
                name.ends_with(".txt") && !self.documents.iter().any(|d| &d.file == name)
            })
            .collect();
        files.sort();
        files
    }

    pub fn entry(&self, file: &str) -> Option<&CatalogEntry> {
        self.documents.iter().find(|d| d.file == file)
    }
}
