//! From what a user typed to a tantivy query.
//!
//! A Chinese sentence handed to tantivy's QueryParser becomes one phrase and
//! finds nothing, and its syntax characters raise errors. So the query is
//! segmented with the index's own analyzer into optional terms, question and
//! function words are dropped, colloquial words are expanded through the
//! synonym list, and only quoted text becomes a (required) phrase.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;
use tantivy::Term;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};

use crate::index::{Filters, IndexFields};
use crate::tokenizer::{ChineseAnalyzer, Synonyms, fold, is_stopword};

static QUOTED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#""([^"]+)"|“([^”]+)”|「([^」]+)」"#).expect("valid quote regex"));

/// Weight of a term that came from a synonym rather than the query itself.
const SYNONYM_WEIGHT: f32 = 0.7;

/// The analysed query.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueryPlan {
    /// Optional terms with their weights.
    pub terms: BTreeMap<String, f32>,
    /// Required phrases: tokens with their character positions.
    pub phrases: Vec<Vec<(usize, String)>>,
}

impl QueryPlan {
    pub fn parse(query: &str, analyzer: &ChineseAnalyzer, synonyms: &Synonyms) -> QueryPlan {
        let mut plan = QueryPlan::default();
        let mut rest = String::new();
        let mut last = 0;
        for caps in QUOTED.captures_iter(query) {
            let whole = caps.get(0).expect("match");
            rest.push_str(&query[last..whole.start()]);
            rest.push(' ');
            last = whole.end();
            let inner = caps.iter().skip(1).flatten().next().map_or("", |m| m.as_str());
            let tokens = phrase_tokens(analyzer, inner);
            if !tokens.is_empty() {
                plan.phrases.push(tokens);
            }
        }
        rest.push_str(&query[last..]);
        plan.add_free_text(&rest, analyzer, synonyms);
        plan
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty() && self.phrases.is_empty()
    }

    fn add_free_text(&mut self, text: &str, analyzer: &ChineseAnalyzer, synonyms: &Synonyms) {
        let tokens = analyzer.tokens(text);
        for t in tokens.iter().filter(|t| !is_stopword(&t.text)) {
            self.terms.insert(t.text.clone(), 1.0);
        }
        let folded = fold(text);
        for (key, expansions) in synonyms.iter() {
            if !folded.contains(key) {
                continue;
            }
            for expansion in expansions {
                for t in analyzer.tokens(expansion).into_iter().filter(|t| !is_stopword(&t.text)) {
                    self.terms.entry(t.text).or_insert(SYNONYM_WEIGHT);
                }
            }
        }
    }

    /// The tantivy query: optional terms over the weighted fields, required
    /// phrases, and filters as required clauses.
    pub fn to_query(&self, fields: &IndexFields, filters: &Filters) -> Box<dyn Query> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let weighted = fields.weighted_text_fields();
        let optional: Vec<(Occur, Box<dyn Query>)> = self
            .terms
            .iter()
            .flat_map(|(term, weight)| {
                weighted.iter().map(move |&(field, boost)| (Occur::Should, boosted(term_query(field, term), boost * weight)))
            })
            .collect();
        if !optional.is_empty() {
            let occur = if self.phrases.is_empty() { Occur::Must } else { Occur::Should };
            clauses.push((occur, Box::new(BooleanQuery::new(optional))));
        }
        for phrase in &self.phrases {
            let alternatives: Vec<(Occur, Box<dyn Query>)> = [fields.matter, fields.text, fields.department, fields.context]
                .into_iter()
                .map(|field| (Occur::Should, phrase_query(field, phrase)))
                .collect();
            clauses.push((Occur::Must, Box::new(BooleanQuery::new(alternatives))));
        }
        clauses.extend(filter_clauses(fields, filters));
        Box::new(BooleanQuery::new(clauses))
    }
}

/// Phrase tokens: a non-overlapping cover of the phrase by the longest token
/// at each position, so phrase matching does not depend on sub-words.
fn phrase_tokens(analyzer: &ChineseAnalyzer, text: &str) -> Vec<(usize, String)> {
    let mut tokens = analyzer.tokens(text);
    tokens.sort_by_key(|t| (t.position, std::cmp::Reverse(t.text.chars().count())));
    let mut cover = Vec::new();
    let mut next_free = 0;
    for t in tokens {
        if t.position >= next_free {
            next_free = t.position + t.text.chars().filter(|c| c.is_alphanumeric()).count().max(1);
            cover.push((t.position, t.text));
        }
    }
    cover
}

fn term_query(field: Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(Term::from_field_text(field, text), IndexRecordOption::WithFreqs))
}

fn boosted(query: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    Box::new(BoostQuery::new(query, boost))
}

fn phrase_query(field: Field, tokens: &[(usize, String)]) -> Box<dyn Query> {
    match tokens {
        [(_, single)] => term_query(field, single),
        _ => {
            let first = tokens[0].0;
            let terms = tokens.iter().map(|(p, t)| (p - first, Term::from_field_text(field, t))).collect();
            Box::new(PhraseQuery::new_with_offset(terms))
        }
    }
}

fn filter_clauses(fields: &IndexFields, filters: &Filters) -> Vec<(Occur, Box<dyn Query>)> {
    let raw = |field: Field, value: String| -> (Occur, Box<dyn Query>) {
        let q = TermQuery::new(Term::from_field_text(field, &value), IndexRecordOption::Basic);
        (Occur::Must, Box::new(q))
    };
    let mut clauses = Vec::new();
    clauses.extend(filters.bureau_key().map(|v| raw(fields.bureau, v)));
    clauses.extend(filters.province_key().map(|v| raw(fields.province, v)));
    clauses.extend(filters.section.map(|s| raw(fields.section, s.as_str().to_string())));
    clauses.extend(filters.department_key().map(|v| raw(fields.department_key, v)));
    clauses
}
