//! Query synonyms: the words people type mapped to the terms the lists use
//! (鞭炮 → 烟花爆竹, 电梯 → 特种设备). Loaded from `data/synonyms.toml` or a file
//! of the same shape.

use std::collections::{BTreeMap, HashMap};
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
    /// Ordered, so every walk over it (query expansion, document terms) is
    /// the same in every process: a `HashMap`'s random order decided which
    /// expansion claimed shared sub-words first.
    map: BTreeMap<String, Vec<String>>,
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
        let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
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

    /// The document terms of every synonym word found in `text` (folded),
    /// in the order their words appear, without repeats: the vocabulary of
    /// the lists that the text stands for (fireworks quality → 烟花爆竹, 质量).
    pub fn document_terms(&self, text: &str) -> Vec<String> {
        let folded = fold_mapped(text).text;
        let mut found: Vec<(usize, usize, &String)> = self
            .map
            .iter()
            .filter_map(|(word, terms)| {
                folded.find(word.as_str()).map(|at| (at, word.len(), terms))
            })
            .flat_map(|(at, len, terms)| terms.iter().map(move |t| (at, len, t)))
            .collect();
        // Earliest first; at one position the longest word first; then by term.
        found.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(b.2)));
        let mut out: Vec<String> = Vec::new();
        for (_, _, term) in found {
            if !out.contains(term) {
                out.push(term.clone());
            }
        }
        out
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
