//! The semantic half: embeddings of every record, and the query side.
//!
//! Flow: ensure a model (provision.rs) → load it (embedder.rs) → vectors for
//! every record from the content-keyed cache, embedding only what is missing
//! (cache.rs) → a cosine index: exact (vector_index.rs), or int8 with exact
//! re-ranking for large corpora (quantized_index.rs).

pub mod cache;
pub mod config;
pub mod embedder;
pub mod provision;
pub mod quantized_index;
pub mod vector_index;

use std::path::Path;

pub use config::{DEFAULT_MODEL, ModelConfig, ModelDir};
pub use embedder::Embedder;
pub use quantized_index::QuantizedIndex;
pub use vector_index::{ExactIndex, VectorIndex};

use crate::error::Result;
use crate::progress::Progress;
use crate::record::Record;

/// Passages per embedding batch.
const BATCH: usize = 16;

/// A loaded model with the vectors of one record set.
pub struct Semantic {
    pub embedder: Embedder,
    pub index: Box<dyn VectorIndex>,
    /// Records embedded in this run (0 when every vector came from the cache).
    pub embedded_now: usize,
}

impl Semantic {
    /// Loads a model and the vectors of `records`, embedding the ones the
    /// cache lacks. A missing model is provisioned only when the caller
    /// hands over a `fetch_script` to run; otherwise it is an error.
    pub fn load(
        records: &[Record],
        models: &Path,
        model: &str,
        cache_dir: &Path,
        fetch_script: Option<&Path>,
        sessions: usize,
        progress: &dyn Progress,
    ) -> Result<Semantic> {
        let (model_dir, runtime) = provision::ensure_model(models, model, fetch_script, progress)?;
        let embedder = Embedder::load(&model_dir, &runtime, sessions)?;
        let (vectors, embedded_now) = vectors_for(records, &embedder, cache_dir, progress)?;
        let index = vector_index::for_vectors(embedder.config.dimensions, &vectors);
        Ok(Semantic {
            embedder,
            index,
            embedded_now,
        })
    }

    pub fn model_name(&self) -> &str {
        &self.embedder.config.name
    }
}

/// Vectors of the records in order; missing ones are embedded and cached.
/// Processes that share the cache take turns: a second one waits for the
/// first, then embeds only what is still missing. A cache that cannot be
/// written (read-only or full disk) costs a note, not the semantic half.
fn vectors_for(
    records: &[Record],
    embedder: &Embedder,
    cache_dir: &Path,
    progress: &dyn Progress,
) -> Result<(Vec<Vec<f32>>, usize)> {
    let dims = embedder.config.dimensions;
    let mut cache = cache::VectorCache::load(cache_dir, &embedder.fingerprint, dims);
    let texts: Vec<String> = records.iter().map(Record::contextual_text).collect();
    let keys: Vec<cache::Key> = texts
        .iter()
        .map(|t| cache::key(&embedder.fingerprint, t))
        .collect();
    let missing_of = |cache: &cache::VectorCache| {
        let mut seen = std::collections::HashSet::new();
        let mut missing: Vec<usize> = (0..records.len())
            .filter(|&i| cache.get(&keys[i]).is_none() && seen.insert(keys[i]))
            .collect();
        // Batches of similar length waste little work on padding.
        missing.sort_by_key(|&i| texts[i].chars().count());
        missing
    };
    let mut missing = missing_of(&cache);
    // Held until the vectors are written (the end of this function).
    let lock = if missing.is_empty() {
        None
    } else {
        cache.lock()
    };
    if lock.is_some() {
        cache.reload();
        missing = missing_of(&cache);
    }
    if cache.dropped() > 0 {
        progress.note(&format!(
            "{}: {} damaged vectors dropped; embedding them again",
            cache.path().display(),
            cache.dropped()
        ));
    }
    if !missing.is_empty() {
        let mut unsaved = None;
        progress.begin("embedding", missing.len() as u64);
        for chunk in missing.chunks(BATCH * 4) {
            let batch: Vec<String> = chunk.iter().map(|&i| texts[i].clone()).collect();
            let vectors = embedder.embed_passages(&batch, BATCH)?;
            if let Err(e) = cache.insert_all(chunk.iter().map(|&i| keys[i]).zip(vectors).collect())
            {
                unsaved.get_or_insert(e);
            }
            progress.advance(chunk.len() as u64);
        }
        progress.end();
        if let Some(e) = unsaved {
            progress.note(&format!(
                "vectors not saved to the cache ({e}); they are embedded again next time"
            ));
        }
    }
    let vectors = keys
        .iter()
        .map(|k| cache.get(k).cloned().unwrap_or_else(|| vec![0.0; dims]))
        .collect();
    Ok((vectors, missing.len()))
}
