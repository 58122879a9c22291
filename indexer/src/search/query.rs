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
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, Occur, PhraseQuery, Query,
    TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};

use crate::index::{Filters, IndexFields};
use crate::ranking::QueryParams;
use crate::tokenizer::{ChineseAnalyzer, Synonyms, fold, is_stopword};

static QUOTED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#""([^"]+)"|“([^”]+)”|「([^」]+)」"#).expect("valid quote regex"));

/// A query word with the sub-words inside it (烟花爆竹, 烟花, 爆竹): they
/// score as one alternative, so a word is not counted once per sub-word.
#[derive(Debug, Clone, PartialEq)]
pub struct TermGroup {
    pub terms: Vec<String>,
    pub weight: f32,
    /// The group came from a synonym's expansion, not from the query.
    pub from_synonym: bool,
}

/// Sub-words found in more than this share of the records are dropped from
/// their group: their IDF is near zero, so they barely change the ranking,
/// but scoring their long posting lists is most of a slow query's time
/// (监督 is in 64 % of the records of the 100× corpus).
pub const COMMON_SUBWORD_SHARE: f64 = 0.2;

/// The analysed query.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueryPlan {
    /// Optional term groups with their weights.
    pub groups: Vec<TermGroup>,
    /// Required phrases: tokens with their character positions.
    pub phrases: Vec<Vec<(usize, String)>>,
    /// The weights (`crate::ranking::QueryParams`): a synonym's terms weigh
    /// less than the query's own; a word carrying a number (第591号, 第57条,
    /// GB 10631) identifies a regulation, article or standard and pins down
    /// the rows citing it far better than an ordinary word; sub-words add a
    /// little beyond the best of their word.
    pub params: QueryParams,
}

impl QueryPlan {
    pub fn parse(query: &str, analyzer: &ChineseAnalyzer, synonyms: &Synonyms) -> QueryPlan {
        QueryPlan::parse_with(query, analyzer, synonyms, QueryParams::default())
    }

    /// [`QueryPlan::parse`] with other weights (`qsearch eval --ranking`).
    pub fn parse_with(
        query: &str,
        analyzer: &ChineseAnalyzer,
        synonyms: &Synonyms,
        params: QueryParams,
    ) -> QueryPlan {
        let mut plan = QueryPlan {
            params,
            ..QueryPlan::default()
        };
        let mut rest = String::new();
        let mut last = 0;
        for caps in QUOTED.captures_iter(query) {
            let whole = caps.get(0).expect("match");
            rest.push_str(&query[last..whole.start()]);
            rest.push(' ');
            last = whole.end();
            let inner = caps
                .iter()
                .skip(1)
                .flatten()
                .next()
                .map_or("", |m| m.as_str());
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
        self.groups.is_empty() && self.phrases.is_empty()
    }

    /// Drops the sub-words (every term of a group but its covering word)
    /// that `doc_freq` says are in more than [`COMMON_SUBWORD_SHARE`] of
    /// `num_docs` records. The covering word itself, what the user typed or
    /// its synonym, is always kept.
    pub fn drop_common_subwords(&mut self, doc_freq: impl Fn(&str) -> u64, num_docs: u64) {
        let limit = (num_docs as f64 * COMMON_SUBWORD_SHARE) as u64;
        for group in &mut self.groups {
            let mut position = 0;
            group.terms.retain(|term| {
                position += 1;
                position == 1 || doc_freq(term) <= limit
            });
        }
    }

    /// The identifiers the query cites (words with a number in them), each
    /// as its spellings: the covering word and its sub-words that keep the
    /// number (第591号, 591号, 591 — the PDF writes "第 591 号").
    pub fn identifiers(&self) -> Vec<Vec<&str>> {
        self.groups
            .iter()
            .filter(|g| !g.from_synonym && is_identifier(&g.terms[0]))
            .map(|g| {
                g.terms
                    .iter()
                    .map(String::as_str)
                    .filter(|t| is_identifier(t))
                    .collect()
            })
            .collect()
    }

    /// Every distinct term of the plan.
    pub fn terms(&self) -> Vec<&str> {
        let mut terms: Vec<&str> = self
            .groups
            .iter()
            .flat_map(|g| g.terms.iter().map(String::as_str))
            .collect();
        terms.sort_unstable();
        terms.dedup();
        terms
    }

    fn add_free_text(&mut self, text: &str, analyzer: &ChineseAnalyzer, synonyms: &Synonyms) {
        self.add_groups(analyzer, text, false);
        let folded = fold(text);
        for (key, expansions) in synonyms.iter() {
            if folded.contains(key) {
                for expansion in expansions {
                    self.add_groups(analyzer, expansion, true);
                }
            }
        }
    }

    /// Groups the tokens of `text` by the word that covers them; stop words
    /// are dropped and terms already in the plan are not added again.
    fn add_groups(&mut self, analyzer: &ChineseAnalyzer, text: &str, from_synonym: bool) {
        let weight = if from_synonym {
            self.params.synonym_weight
        } else {
            1.0
        };
        let mut tokens: Vec<_> = analyzer
            .tokens(text)
            .into_iter()
            .filter(|t| !is_stopword(&t.text))
            .collect();
        tokens.sort_by_key(|t| (t.offset_from, std::cmp::Reverse(t.offset_to)));
        let known: BTreeMap<String, ()> = self
            .terms()
            .into_iter()
            .map(|t| (t.to_string(), ()))
            .collect();
        let mut groups: Vec<(usize, TermGroup)> = Vec::new();
        for t in tokens {
            if known.contains_key(&t.text) {
                continue;
            }
            match groups.last_mut() {
                Some((end, group)) if t.offset_to <= *end => {
                    if !group.terms.contains(&t.text) {
                        group.terms.push(t.text);
                    }
                }
                _ => {
                    let weight = if is_identifier(&t.text) {
                        weight * self.params.identifier_weight
                    } else {
                        weight
                    };
                    groups.push((
                        t.offset_to,
                        TermGroup {
                            terms: vec![t.text],
                            weight,
                            from_synonym,
                        },
                    ))
                }
            }
        }
        self.groups.extend(groups.into_iter().map(|(_, g)| g));
    }

    /// The tantivy query: optional terms over the weighted fields, required
    /// phrases, and filters as required clauses.
    /// With `require_identifiers`, a record must contain every identifier
    /// (see [`super::identifiers`]); the requirement adds no score.
    pub fn to_query(
        &self,
        fields: &IndexFields,
        filters: &Filters,
        require_identifiers: bool,
    ) -> Box<dyn Query> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let weighted = fields.weighted_text_fields(&self.params.field_boosts);
        let optional: Vec<(Occur, Box<dyn Query>)> = self
            .groups
            .iter()
            .map(|group| {
                let alternatives: Vec<Box<dyn Query>> = group
                    .terms
                    .iter()
                    .map(|term| {
                        let fields: Vec<(Occur, Box<dyn Query>)> = weighted
                            .iter()
                            .map(|&(field, boost)| {
                                (
                                    Occur::Should,
                                    boosted(term_query(field, term), boost * group.weight),
                                )
                            })
                            .collect();
                        Box::new(BooleanQuery::new(fields)) as Box<dyn Query>
                    })
                    .collect();
                let best_of: Box<dyn Query> = Box::new(DisjunctionMaxQuery::with_tie_breaker(
                    alternatives,
                    self.params.subword_tie_breaker,
                ));
                (Occur::Should, best_of)
            })
            .collect();
        if !optional.is_empty() {
            let occur = if self.phrases.is_empty() {
                Occur::Must
            } else {
                Occur::Should
            };
            clauses.push((occur, Box::new(BooleanQuery::new(optional))));
        }
        for phrase in &self.phrases {
            let alternatives: Vec<(Occur, Box<dyn Query>)> = [
                fields.matter,
                fields.text,
                fields.department,
                fields.context,
            ]
            .into_iter()
            .map(|field| (Occur::Should, phrase_query(field, phrase)))
            .collect();
            clauses.push((Occur::Must, Box::new(BooleanQuery::new(alternatives))));
        }
        if require_identifiers {
            for spellings in self.identifiers() {
                let anywhere = super::identifiers::in_any_field(fields, &spellings);
                let filter = ConstScoreQuery::new(anywhere, 0.0);
                clauses.push((Occur::Must, Box::new(filter)));
            }
        }
        clauses.extend(filter_clauses(fields, filters));
        Box::new(BooleanQuery::new(clauses))
    }
}

/// The text the semantic half embeds for a query: traditional characters
/// simplified, and for a query in Latin script the document terms its
/// glossary words stand for appended (those it does not already contain).
/// A cross-lingual model matches "fireworks quality" to 烟花爆竹 only loosely;
/// the glossary that lets BM25 answer English questions says what the list
/// itself calls the thing.
pub fn embedding_text(query: &str, synonyms: &Synonyms) -> String {
    // The passages are simplified Chinese; so is the query the model sees.
    let query = &crate::tokenizer::simplified(query);
    // Chinese questions are embedded as typed: adding the expansions of
    // colloquial words measured worse on the dev set (natural nDCG 0.58 vs 0.62).
    if !query.chars().any(|c| c.is_ascii_alphabetic()) {
        return query.to_string();
    }
    let folded = fold(query);
    let missing: Vec<String> = synonyms
        .document_terms(query)
        .into_iter()
        .filter(|t| !folded.contains(t.as_str()))
        .collect();
    if missing.is_empty() {
        query.to_string()
    } else {
        format!("{query} {}", missing.join(" "))
    }
}

/// A token with a number in it: 第591号, 第57条, gb10631 (the analyzer writes
/// Chinese numerals as digits too).
fn is_identifier(token: &str) -> bool {
    token.chars().any(|c| c.is_ascii_digit())
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
            next_free = t.position
                + t.text
                    .chars()
                    .filter(|c| c.is_alphanumeric())
                    .count()
                    .max(1);
            cover.push((t.position, t.text));
        }
    }
    cover
}

fn term_query(field: Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::WithFreqs,
    ))
}

fn boosted(query: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    Box::new(BoostQuery::new(query, boost))
}

fn phrase_query(field: Field, tokens: &[(usize, String)]) -> Box<dyn Query> {
    match tokens {
        [(_, single)] => term_query(field, single),
        _ => {
            let first = tokens[0].0;
            let terms = tokens
                .iter()
                .map(|(p, t)| (p - first, Term::from_field_text(field, t)))
                .collect();
            Box::new(PhraseQuery::new_with_offset(terms))
        }
    }
}

fn filter_clauses(fields: &IndexFields, filters: &Filters) -> Vec<(Occur, Box<dyn Query>)> {
    let raw = |field: Field, value: String| -> (Occur, Box<dyn Query>) {
        let q = TermQuery::new(
            Term::from_field_text(field, &value),
            IndexRecordOption::Basic,
        );
        (Occur::Must, Box::new(q))
    };
    let mut clauses = Vec::new();
    clauses.extend(filters.bureau_key().map(|v| raw(fields.bureau, v)));
    clauses.extend(filters.province_key().map(|v| raw(fields.province, v)));
    clauses.extend(
        filters
            .section
            .map(|s| raw(fields.section, s.as_str().to_string())),
    );
    clauses.extend(
        filters
            .department_key()
            .map(|v| raw(fields.department_key, v)),
    );
    clauses
}
