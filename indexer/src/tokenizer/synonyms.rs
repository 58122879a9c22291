//! Query synonyms: the words people type mapped to the terms the lists use
//! (鞭炮 → 烟花爆竹, 电梯 → 特种设备). Loaded from `data/synonyms.toml` or a file
//! of the same shape.

use std::collections::HashMap;
use std::path::Path;
use std::sync::LazyLock;

use serde::Deserialize;

use super::fold::fold_mapped;

const BUILTIN: &str = include_str!("../../data/synonyms.toml");

static BUILTIN_SYNONYMS: LazyLock<Synonyms> =
    LazyLock::new(|| Synonyms::parse(BUILTIN).expect("data/synonyms.toml is valid"));

/// Errors loading a synonyms file.
#[derive(Debug, thiserror::Error)]
pub enum SynonymsError {
    #[error("cannot read synonyms file {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("invalid synonyms file: {0}")]
    Parse(#[from] toml::de::Error),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    /// Document term → the colloquial words that mean it.
    #[serde(default)]
    terms: HashMap<String, Vec<String>>,
    /// Document term → English words that mean it, so English questions
    /// reach the Chinese text in keyword mode too.
    #[serde(default)]
    english: HashMap<String, Vec<String>>,
}

/// Colloquial word → document terms. All words folded (simplified, lower
/// case), like the tokens they are looked up with.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Synonyms {
    map: HashMap<String, Vec<String>>,
}

impl Synonyms {
    /// The shipped `data/synonyms.toml`.
    pub fn builtin() -> Self {
        BUILTIN_SYNONYMS.clone()
    }

    /// Loads a synonyms file: a `[terms]` table whose keys are document terms
    /// and whose values list the words that should find them.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, SynonymsError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| SynonymsError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Self::parse(&text)
    }

    /// Parses the TOML text of a synonyms file.
    pub fn parse(text: &str) -> Result<Self, SynonymsError> {
        let file: File = toml::from_str(text)?;
        let mut map: HashMap<String, Vec<String>> = HashMap::new();
        let mut terms: Vec<_> = file.terms.into_iter().chain(file.english).collect();
        // Deterministic order of the expansions of a word in several groups.
        terms.sort();
        for (term, words) in terms {
            let term = fold_mapped(term.trim()).text;
            if term.is_empty() {
                continue;
            }
            for word in words {
                let word = fold_mapped(word.trim()).text;
                if word.is_empty() || word == term {
                    continue;
                }
                let entry = map.entry(word).or_default();
                if !entry.contains(&term) {
                    entry.push(term.clone());
                }
            }
        }
        Ok(Synonyms { map })
    }

    /// The document terms `token` stands for; empty when it has none. The
    /// token itself is not included.
    pub fn expand(&self, token: &str) -> &[String] {
        match self.map.get(token) {
            Some(terms) => terms,
            None => match self.map.get(&fold_mapped(token).text) {
                Some(terms) => terms,
                None => &[],
            },
        }
    }

    /// Every colloquial word with its document terms.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.map.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }

    /// Number of colloquial words.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}
