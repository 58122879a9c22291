//! Reciprocal Rank Fusion (Cormack, Clarke & Büttcher, SIGIR 2009): each
//! list contributes 1 / (k + rank) per document; scores of different scales
//! (BM25, cosine) never need calibrating against each other.

use std::collections::HashMap;

use super::hit::Explain;
use crate::ranking::FusionParams;

/// Raises the fused score of the candidates that satisfy `preferred` among
/// the first [`PRIOR_WINDOW`], then re-sorts. Used for who-questions, which
/// boundary tables exist to answer.
pub fn with_prior(
    mut fused: Vec<Fused>,
    preferred: impl Fn(usize) -> bool,
    p: &FusionParams,
) -> Vec<Fused> {
    for f in fused.iter_mut().take(p.prior_window) {
        if preferred(f.record) {
            f.explain.fused_score *= 1.0 + p.prior_boost;
        }
    }
    sort_fused(&mut fused);
    fused
}

/// Raises the fused score of the first [`PRIOR_WINDOW`] candidates by
/// `1 + COVERAGE_BOOST × coverage(record)`, then re-sorts.
pub fn with_coverage(
    mut fused: Vec<Fused>,
    coverage: impl Fn(usize) -> f32,
    p: &FusionParams,
) -> Vec<Fused> {
    for f in fused.iter_mut().take(p.prior_window) {
        f.explain.fused_score *= 1.0 + p.coverage_boost * coverage(f.record).clamp(0.0, 1.0);
    }
    sort_fused(&mut fused);
    fused
}

/// A fused candidate with how it was ranked in each list.
#[derive(Debug, Clone, PartialEq)]
pub struct Fused {
    pub record: usize,
    pub explain: Explain,
}

/// Fuses a BM25 list and a vector list (each best first) into one ranking;
/// ties are broken by record order so results are deterministic.
pub fn fuse(bm25: &[(usize, f32)], vector: &[(usize, f32)], rrf_k: f32) -> Vec<Fused> {
    let mut by_record: HashMap<usize, Explain> = HashMap::new();
    for (rank, &(record, score)) in bm25.iter().enumerate() {
        let e = by_record.entry(record).or_default();
        e.bm25_rank = Some(rank + 1);
        e.bm25_score = Some(score);
        e.fused_score += 1.0 / (rrf_k + (rank + 1) as f32);
    }
    for (rank, &(record, cosine)) in vector.iter().enumerate() {
        let e = by_record.entry(record).or_default();
        e.vector_rank = Some(rank + 1);
        e.cosine = Some(cosine);
        e.fused_score += 1.0 / (rrf_k + (rank + 1) as f32);
    }
    let mut fused: Vec<Fused> = by_record
        .into_iter()
        .map(|(record, explain)| Fused { record, explain })
        .collect();
    sort_fused(&mut fused);
    fused
}

/// Best fused score first; ties broken by record order so results are
/// deterministic.
fn sort_fused(fused: &mut [Fused]) {
    fused.sort_by(|a, b| {
        b.explain
            .fused_score
            .total_cmp(&a.explain.fused_score)
            .then(a.record.cmp(&b.record))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_in_both_lists_beats_one_in_a_single_list() {
        let fused = fuse(&[(1, 9.0), (2, 5.0)], &[(2, 0.9), (3, 0.8)], 60.0);
        assert_eq!(fused[0].record, 2);
        assert_eq!(fused[0].explain.bm25_rank, Some(2));
        assert_eq!(fused[0].explain.vector_rank, Some(1));
    }

    #[test]
    fn the_prior_reorders_close_candidates_but_not_distant_ones() {
        // Record 5 is second in both lists: a close second to 1, so the
        // prior lifts it. Record 9 is found by one list only, far down.
        let bm25 = [(1, 9.0), (5, 8.0), (2, 7.0), (3, 6.0)];
        let vector = [(1, 0.9), (5, 0.8), (3, 0.7), (2, 0.6), (9, 0.5)];
        let preferred = |r: usize| r == 5 || r == 9;
        let fused = with_prior(
            fuse(&bm25, &vector, 60.0),
            preferred,
            &FusionParams::default(),
        );
        let order: Vec<usize> = fused.iter().map(|f| f.record).collect();
        assert_eq!(order[0], 5);
        assert_eq!(*order.last().unwrap(), 9);
    }

    #[test]
    fn coverage_reorders_the_window_only() {
        let bm25: Vec<(usize, f32)> = (0..30).map(|i| (i, 30.0 - i as f32)).collect();
        // Record 3 carries the whole query, record 25 too but is outside the window.
        let fused = with_coverage(
            fuse(&bm25, &[], 60.0),
            |r| if r == 3 || r == 25 { 1.0 } else { 0.0 },
            &FusionParams::default(),
        );
        let order: Vec<usize> = fused.iter().map(|f| f.record).collect();
        assert_eq!(order[0], 3);
        assert_eq!(order[25], 25);
    }

    #[test]
    fn ties_break_by_record_order() {
        let fused = fuse(&[(7, 1.0)], &[(3, 0.5)], 60.0);
        assert_eq!(
            fused.iter().map(|f| f.record).collect::<Vec<_>>(),
            vec![3, 7]
        );
    }
}
