//! The keyword half: BM25 over the tantivy index.

use tantivy::Searcher;
use tantivy::collector::TopDocs;
use tantivy::query::Query;

use crate::error::Result;
use crate::index::schema::RecordIds;

/// One BM25 candidate: record index and score, best first.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scored {
    pub record: usize,
    pub score: f32,
}

/// Runs a query and returns up to `limit` candidates, best first; ties are
/// broken by record order so results are deterministic.
pub fn search(searcher: &Searcher, query: &dyn Query, limit: usize) -> Result<Vec<Scored>> {
    let top = searcher.search(query, &TopDocs::with_limit(limit.max(1)).order_by_score())?;
    // The record index comes from the fast field: no stored document is
    // loaded (or decompressed) per hit.
    let mut ids = RecordIds::new(searcher);
    let mut out = Vec::with_capacity(top.len());
    for (score, address) in top {
        if let Some(record) = ids.of(address)? {
            out.push(Scored { record, score });
        }
    }
    out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.record.cmp(&b.record)));
    Ok(out)
}
