//! Identifiers in a query — a decree, article or standard number (第591号,
//! 第57条, GB 10631) — restrict the results to the rows that cite them.
//!
//! Someone who types a regulation's number wants the rows that cite that
//! regulation. As an optional term the number is outvoted by common words
//! (国务院 in a hundred rows), and embeddings cannot tell one number from
//! another, so both halves would surface rows that never mention it. When
//! some record carries the identifier, it becomes a filter for both halves;
//! when none does, the query runs unrestricted.

use std::collections::HashSet;

use tantivy::collector::DocSetCollector;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{Searcher, Term};

use super::QueryPlan;
use crate::error::Result;
use crate::index::IndexFields;

/// The records containing every identifier of the plan, in any searched
/// field; `None` when the plan has no identifier or no record has them all.
pub fn records_citing(
    searcher: &Searcher,
    fields: &IndexFields,
    plan: &QueryPlan,
) -> Result<Option<HashSet<usize>>> {
    let identifiers = plan.identifiers();
    if identifiers.is_empty() {
        return Ok(None);
    }
    let required: Vec<(Occur, Box<dyn Query>)> = identifiers
        .iter()
        .map(|spellings| (Occur::Must, in_any_field(fields, spellings)))
        .collect();
    let addresses = searcher.search(&BooleanQuery::new(required), &DocSetCollector)?;
    let mut ids = crate::index::schema::RecordIds::new(searcher);
    let mut records = HashSet::with_capacity(addresses.len());
    for address in addresses {
        if let Some(idx) = ids.of(address)? {
            records.insert(idx);
        }
    }
    Ok((!records.is_empty()).then_some(records))
}

/// Any of the spellings in any searched field.
pub(crate) fn in_any_field(fields: &IndexFields, spellings: &[&str]) -> Box<dyn Query> {
    let alternatives: Vec<(Occur, Box<dyn Query>)> = spellings
        .iter()
        .flat_map(|token| fields.searched_fields().map(|field| (field, *token)))
        .map(|(field, token)| {
            let term = TermQuery::new(
                Term::from_field_text(field, token),
                IndexRecordOption::Basic,
            );
            (Occur::Should, Box::new(term) as Box<dyn Query>)
        })
        .collect();
    Box::new(BooleanQuery::new(alternatives))
}
