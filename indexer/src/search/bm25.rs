//! The keyword half: BM25 over the tantivy index.

use tantivy::collector::TopDocs;
use tantivy::query::Query;
use tantivy::schema::Value;
use tantivy::{Searcher, TantivyDocument};

use crate::error::Result;
use crate::index::IndexFields;

/// One BM25 candidate: record index and score, best first.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scored {
    pub record: usize,
    pub score: f32,
}

/// Runs a query and returns up to `limit` candidates, best first; ties are
/// broken by record order so results are deterministic.
pub fn search(
    searcher: &Searcher,
    fields: &IndexFields,
    query: &dyn Query,
    limit: usize,
) -> Result<Vec<Scored>> {
    let top = searcher.search(query, &TopDocs::with_limit(limit.max(1)).order_by_score())?;
    let mut out = Vec::with_capacity(top.len());
    for (score, address) in top {
        let doc: TantivyDocument = searcher.doc(address)?;
        if let Some(idx) = doc.get_first(fields.record_idx).and_then(|v| v.as_u64()) {
            out.push(Scored {
                record: idx as usize,
                score,
            });
        }
    }
    out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.record.cmp(&b.record)));
    Ok(out)
}
