//! Every ranking and answer weight in one place, with today's values as the
//! defaults. `qsearch eval --ranking FILE` loads a TOML file of the same
//! shape (any field may be left out) to try other values without
//! recompiling; the engine uses the defaults unless told otherwise.
//!
//! | field | default | what it does |
//! |---|---|---|
//! | `fusion.rrf_k` | 60 | RRF constant: larger flattens the rank curve |
//! | `fusion.candidates` | 50 | candidates each half contributes; also the answer's pool |
//! | `fusion.prior_boost` | 0.2 | who-questions: boundary rows' fused score × (1 + this) |
//! | `fusion.prior_window` | 20 | only this many top candidates are nudged (prior and coverage) |
//! | `fusion.coverage_boost` | 0.5 | fused score × (1 + this × the question's coverage) |
//! | `query.synonym_weight` | 0.7 | weight of a term a synonym added, against the query's own |
//! | `query.identifier_weight` | 3.0 | weight of a word carrying a number (第591号, GB 10631) |
//! | `query.subword_tie_breaker` | 0.2 | share sub-word matches add beyond the best of their word |
//! | `query.field_boosts.*` | matter 3.0, department 2.5, text 2.0, context 1.2, basis 1.0, case 0.5, inherited 0.3 | BM25 boost of each indexed field |
//! | `answer.covered` | 0.40 | support from which the lists answer (words and meaning) |
//! | `answer.uncertain` | 0.30 | support from which departments are named as candidates |
//! | `answer.covered_by_words` | 0.60 | the same without the model (words only) |
//! | `answer.uncertain_by_words` | 0.40 | the same without the model |
//! | `answer.unrelated_cosine` | 0.85 | cosine mapped to relatedness 0 (me5-small) |
//! | `answer.related_cosine` | 0.95 | cosine mapped to relatedness 1 (me5-small) |
//! | `answer.evidence_band` | 0.8 | candidates within this share of the best support are evidence |
//! | `answer.boundary_weight` | 3.0 | evidence weight of a boundary row |
//! | `answer.duty_weight` | 1.0 | evidence weight of a duty, service or supervision item |
//! | `answer.other_weight` | 0.3 | evidence weight of accountability prose |
//! | `answer.outside_split_weight` | 0.3 | factor on evidence outside the best boundary matter |
//! | `answer.exclusion_penalty` | 2.0 | an excluded aspect (之外) counts this many matches against |
//! | `answer.co_answer_ratio` | 0.75 | a department this close to the best joins the answer |
//! | `answer.nearest` | 3 | nearest matters offered when the lists do not cover a question |

use serde::{Deserialize, Serialize};

/// All tunables of ranking and answering.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RankingParams {
    pub query: QueryParams,
    pub fusion: FusionParams,
    pub answer: AnswerParams,
}

/// How the keyword query weighs the words of a question.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct QueryParams {
    pub synonym_weight: f32,
    pub identifier_weight: f32,
    pub subword_tie_breaker: f32,
    pub field_boosts: FieldBoosts,
}

impl Default for QueryParams {
    fn default() -> Self {
        QueryParams {
            synonym_weight: 0.7,
            identifier_weight: 3.0,
            subword_tie_breaker: 0.2,
            field_boosts: FieldBoosts::default(),
        }
    }
}

/// BM25 boosts of the indexed fields: a record's matter and department
/// name what it is about, its text says it, its context and basis frame it,
/// a case and text inherited from a merged cell only illustrate it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FieldBoosts {
    pub matter: f32,
    pub department: f32,
    pub text: f32,
    pub context: f32,
    pub basis: f32,
    pub case: f32,
    pub inherited: f32,
}

impl Default for FieldBoosts {
    fn default() -> Self {
        FieldBoosts {
            matter: 3.0,
            department: 2.5,
            text: 2.0,
            context: 1.2,
            basis: 1.0,
            case: 0.5,
            inherited: 0.3,
        }
    }
}

/// Fusion of the keyword and vector halves, and the priors on it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FusionParams {
    pub rrf_k: f32,
    pub candidates: usize,
    pub prior_boost: f32,
    pub prior_window: usize,
    pub coverage_boost: f32,
}

impl Default for FusionParams {
    fn default() -> Self {
        FusionParams {
            rrf_k: 60.0,
            candidates: 50,
            prior_boost: 0.2,
            prior_window: 20,
            coverage_boost: 0.5,
        }
    }
}

/// The who-answer's thresholds and evidence weights.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AnswerParams {
    pub covered: f32,
    pub uncertain: f32,
    pub covered_by_words: f32,
    pub uncertain_by_words: f32,
    pub unrelated_cosine: f32,
    pub related_cosine: f32,
    pub evidence_band: f32,
    pub boundary_weight: f32,
    pub duty_weight: f32,
    pub other_weight: f32,
    pub outside_split_weight: f32,
    pub exclusion_penalty: f32,
    pub co_answer_ratio: f32,
    pub nearest: usize,
}

impl Default for AnswerParams {
    fn default() -> Self {
        AnswerParams {
            covered: 0.4,
            uncertain: 0.3,
            covered_by_words: 0.6,
            uncertain_by_words: 0.4,
            unrelated_cosine: 0.85,
            related_cosine: 0.95,
            evidence_band: 0.8,
            boundary_weight: 3.0,
            duty_weight: 1.0,
            other_weight: 0.3,
            outside_split_weight: 0.3,
            exclusion_penalty: 2.0,
            co_answer_ratio: 0.75,
            nearest: 3,
        }
    }
}

impl RankingParams {
    /// Parses a TOML file of the same shape; absent fields keep defaults.
    pub fn from_toml(text: &str) -> Result<RankingParams, toml::de::Error> {
        toml::from_str(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partial_file_keeps_the_other_defaults() {
        let p = RankingParams::from_toml("[answer]\ncovered = 0.5\n").unwrap();
        assert_eq!(p.answer.covered, 0.5);
        assert_eq!(p.answer.uncertain, AnswerParams::default().uncertain);
        assert_eq!(p.fusion, FusionParams::default());
        assert_eq!(p.query, QueryParams::default());
        assert!(RankingParams::from_toml("[answer]\ncoverd = 0.5\n").is_err());
    }
}
