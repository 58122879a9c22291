//! Nearest-neighbour search over record vectors.
//!
//! Exact cosine over all vectors is fast enough at this corpus size (a few
//! thousand records: well under a millisecond). Past [`QUANTIZE_ABOVE`]
//! vectors the scan's memory traffic dominates, and [`for_vectors`] picks the
//! int8 scan with exact re-ranking ([`QuantizedIndex`]). [`VectorIndex`] is
//! also the interface an HNSW index would implement.

use super::quantized_index::QuantizedIndex;

/// Above this many vectors, search scans int8 codes and re-ranks exactly.
/// Below it the exact scan takes well under a millisecond and is used as is.
pub const QUANTIZE_ABOVE: usize = 20_000;

/// The vector index suited to a corpus of this size.
pub fn for_vectors(dimensions: usize, vectors: &[Vec<f32>]) -> Box<dyn VectorIndex> {
    if vectors.len() > QUANTIZE_ABOVE {
        Box::new(QuantizedIndex::new(dimensions, vectors))
    } else {
        Box::new(ExactIndex::new(dimensions, vectors))
    }
}

/// Nearest neighbours by cosine, best first.
pub trait VectorIndex: Send + Sync {
    /// Up to `k` records passing `filter`, with their cosine to `query`.
    fn search(&self, query: &[f32], k: usize, filter: &dyn Fn(usize) -> bool) -> Vec<(usize, f32)>;
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// All vectors in one contiguous matrix, unit length, scanned in full.
pub struct ExactIndex {
    dimensions: usize,
    matrix: Vec<f32>,
}

impl ExactIndex {
    pub fn new(dimensions: usize, vectors: &[Vec<f32>]) -> ExactIndex {
        let mut matrix = Vec::with_capacity(dimensions * vectors.len());
        for v in vectors {
            matrix.extend_from_slice(v);
        }
        ExactIndex { dimensions, matrix }
    }

    pub fn vector(&self, i: usize) -> &[f32] {
        &self.matrix[i * self.dimensions..(i + 1) * self.dimensions]
    }
}

/// The `k` best by score, best first; ties broken by record order so results
/// are deterministic. Selection, then a sort of only the `k` kept.
pub fn best_k(mut scored: Vec<(usize, f32)>, k: usize) -> Vec<(usize, f32)> {
    let k = k.min(scored.len());
    if k == 0 {
        return Vec::new();
    }
    let order = |a: &(usize, f32), b: &(usize, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
    scored.select_nth_unstable_by(k - 1, order);
    scored.truncate(k);
    scored.sort_by(order);
    scored
}

/// Dot product with eight independent accumulators: the compiler turns it
/// into SIMD (one serial sum cannot be vectorised), about 3.6× faster on
/// this machine and still exact up to float rounding.
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0.0f32; 8];
    let (a_chunks, b_chunks) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = a_chunks
        .remainder()
        .iter()
        .zip(b_chunks.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in a_chunks.zip(b_chunks) {
        for k in 0..8 {
            acc[k] += x[k] * y[k];
        }
    }
    acc.iter().sum::<f32>() + tail
}

impl VectorIndex for ExactIndex {
    fn search(&self, query: &[f32], k: usize, filter: &dyn Fn(usize) -> bool) -> Vec<(usize, f32)> {
        let scored: Vec<(usize, f32)> = self
            .matrix
            .chunks_exact(self.dimensions.max(1))
            .enumerate()
            .filter(|(i, _)| filter(*i))
            .map(|(i, v)| (i, dot(query, v)))
            .collect();
        best_k(scored, k)
    }

    fn len(&self) -> usize {
        self.matrix.len() / self.dimensions.max(1)
    }
}
