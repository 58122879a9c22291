//! Who-answers: which department is responsible, decided on what the
//! question is about, and said to be unknown when the lists are silent.
//!
//! The answer is a pure function of the question, the candidate pool (the
//! first `fusion.candidates` fused candidates, whatever page of hits is
//! shown) and the weights of [`crate::ranking::AnswerParams`]:
//!
//! 1. **Coverage.** Each candidate is scored by the share of the question's
//!    content ([`Question`]: its concepts, IDF-weighted; function words by
//!    the segmenter's part of speech are none) that its own text carries.
//!    A fireworks row that shares only 手续 with 离婚手续去哪里办 carries a
//!    small share, because 离婚 — a word no record has — weighs most.
//! 2. **Verdict.** The best candidate's coverage, or its coverage of what
//!    the question is about if that is lower — the concepts without the
//!    words after the ones asking who (办理 of 结婚登记要去哪个单位办理 says
//!    what the office would do, and nearly every list does some 办理) — is
//!    the confidence: at least
//!    `covered` → `covered`; at least `uncertain` → `uncertain` (the
//!    departments are named as candidates, not as the answer); below →
//!    `not_covered`, with the nearest matters the lists do cover.
//! 3. **Department.** Among the candidates that cover the question about as
//!    well as the best, boundary rows weigh most (they exist to say who does
//!    what), then duty items (the issuing bureau's own work), then prose.
//!    When boundary rows split a matter between departments, the department
//!    whose duty carries the aspect asked about (质量, 运输 …) wins, and the
//!    others are listed as also involved.
//! 4. **Cases.** A boundary matter's case (事例) is the list's own account of
//!    a situation: its words count toward the matter's coverage, and when it
//!    carries more of the question than any duty of the matter, the
//!    department acting in its clause about what is asked (the clause of
//!    the question that asks who: 管道问题归哪个部门查) is credited as a
//!    boundary row — 质监部门立即对…塑料管道…进行检测, not 向卫生局反映.

mod question;

mod vocabulary;

pub use question::{Concept, Question, idf};
pub use vocabulary::{Vocabulary, vocabulary};

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::departments::DepartmentTable;
use crate::ranking::AnswerParams;
use crate::record::{Fields, Record, SectionKind, Source};
use crate::tokenizer::fold;

/// Phrases that make a query a who-question (after traditional → simplified
/// folding and lower-casing).
static WHO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"谁|哪个部门|哪些部门|哪个单位|哪个机构|哪个局|哪家|找哪|去哪|向哪|由哪|归哪|哪里投诉|什么部门|是.{1,12}还是.{1,12}(管|负责|监管|查)|\bwho\b|\bwhom\b|which (department|bureau|agency|authority|office)")
        .expect("valid who regex")
});

/// Whether the lists say who handles what the question asks about.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Coverage {
    /// A passage carries what the question is about and names who does it.
    Covered,
    /// Related passages exist, but none carries enough of the question:
    /// their departments are candidates, not the answer.
    Uncertain,
    /// The lists do not speak to the question.
    NotCovered,
}

impl Coverage {
    pub fn as_str(self) -> &'static str {
        match self {
            Coverage::Covered => "covered",
            Coverage::Uncertain => "uncertain",
            Coverage::NotCovered => "not_covered",
        }
    }
}

/// The answer to a who-question.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    /// The query asks who is responsible (or `qsearch who` was used): front
    /// ends show the answer then; other searches carry it for the record.
    pub asked: bool,
    /// Places of the loaded lists, for saying which lists were consulted.
    pub lists: Vec<String>,
    /// Whether the lists answer it; `departments` is empty unless `covered`.
    pub coverage: Coverage,
    /// Share of the question's content the best passage carries (0–1).
    pub confidence: f32,
    /// Why: which passage of which list decided, and what it lacks.
    pub reason: String,
    /// What was asked about: the best evidence's matter plus the aspect.
    pub topic: String,
    /// The responsible department(s); empty unless `coverage` is `covered`.
    pub departments: Vec<AnswerDepartment>,
    /// Other departments the same matter involves.
    pub also_involved: Vec<AnswerDepartment>,
    /// When `uncertain`: departments of the related passages, as candidates.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub candidates: Vec<AnswerDepartment>,
    /// When not `covered`: the closest matters the lists do cover.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nearest_matters: Vec<NearMatter>,
    /// Question words no candidate passage carries.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unmatched: Vec<String>,
    /// The question's concepts and how much of each the best passage carries.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub concepts: Vec<ConceptMatch>,
    /// Cosine of the best passage to the question; absent without the
    /// semantic half.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closeness: Option<f32>,
}

/// One concept of the question, as the best passage carries it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConceptMatch {
    pub word: String,
    /// Its IDF weight.
    pub weight: f32,
    /// Whether any record of the lists contains it.
    pub known: bool,
    /// Share of it the best passage carries (0–1).
    pub credit: f32,
}

/// A matter the lists cover, offered when they do not cover the question.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NearMatter {
    pub matter: String,
    pub place: String,
    pub section: String,
    pub source: Source,
    /// Share of the question it carries.
    pub coverage: f32,
}

/// One department in an answer.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnswerDepartment {
    /// Canonical short name (质监局).
    pub name: String,
    /// As the best evidence writes it (市质监局).
    pub as_written: String,
    /// The department holding the duty since the 2018 reform.
    pub current_name: String,
    /// Places of the bureaus whose lists assign it, strongest evidence first.
    pub bureaus: Vec<String>,
    /// Ranks (in the candidate pool; the same as hit ranks on the page) of
    /// the passages that support it.
    pub evidence: Vec<usize>,
    /// Where the strongest of them is.
    pub source: Source,
    /// Query words its duty text matches (质量, 运输 …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aspect: Option<String>,
    /// Offices and phone numbers from duty and service rows.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub offices: Vec<String>,
    /// The clause of a boundary case (事例, folded) in which it acts on what
    /// is asked, when a case credited it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<String>,
    #[serde(skip)]
    score: f32,
    /// One of its boundary duties excludes the aspect asked about.
    #[serde(skip)]
    excludes_aspect: bool,
}

/// One candidate of the pool: its fused rank (1-based) and record.
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'r> {
    pub rank: usize,
    pub record: &'r Record,
    /// The record's [`subject_text`], made once per index by the caller.
    pub subject: &'r str,
    /// The record's [`case_text`], made once per index by the caller.
    pub case: &'r str,
    /// Cosine to the query, when the vector half found it.
    pub cosine: Option<f32>,
}

/// True when the query asks who is responsible.
pub fn is_who_question(query: &str) -> bool {
    WHO.is_match(&fold(query))
}

/// Byte offset in `query` where the words asking who begin (由哪个部门 of
/// 保健食品广告由哪个部门审查).
pub fn who_frame_start(query: &str) -> Option<usize> {
    crate::tokenizer::find_folded(query, &WHO)
}

/// The text a record's coverage is judged on: what it is about, what it
/// says and where its list is from, without the department's name (质量技术监督局 would otherwise carry
/// 质量 for every row of that department).
pub fn subject_text(record: &Record) -> String {
    let text = match &record.fields {
        Fields::Duty {
            main_duty,
            work_item,
            ..
        } => format!("{main_duty} {work_item}"),
        Fields::Boundary { matter, duty, .. } => format!("{matter} {duty}"),
        Fields::Service {
            service, content, ..
        } => format!("{service} {content}"),
        Fields::Prose { heading_path, text } => format!("{} {text}", heading_path.join(" ")),
    };
    // Where the list is from is part of what its rows say: 临沂市 in a
    // question is carried by 临沂's rows, not missing from all of them.
    let b = &record.bureau;
    let place = [&b.place, &b.city, &b.province]
        .into_iter()
        .chain(b.county.as_ref())
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(" ");
    fold(&format!("{text} | {place}"))
}

/// A boundary row's case (事例), folded: the list's own account of a
/// situation in the row's matter, which a question describing a situation
/// is judged on too. Empty for other records.
pub fn case_text(record: &Record) -> String {
    match &record.fields {
        Fields::Boundary { case, .. } => fold(case),
        _ => String::new(),
    }
}

/// A cosine on the 0–1 scale of relatedness.
pub fn relatedness(cosine: f32, p: &AnswerParams) -> f32 {
    ((cosine - p.unrelated_cosine) / (p.related_cosine - p.unrelated_cosine)).clamp(0.0, 1.0)
}

/// For each candidate, the candidates of its matter in the same list: the
/// rows of one boundary matter (how it is split), the items of one main
/// duty, one service; prose stands alone (its headings are whole chapters).
fn matter_groups(pool: &[Candidate]) -> Vec<Vec<usize>> {
    let key = |c: &Candidate| -> Option<(String, SectionKind, String)> {
        let r = c.record;
        match r.section {
            SectionKind::Boundary | SectionKind::Duties | SectionKind::PublicService => {
                Some((r.source.file.clone(), r.section, r.matter().to_string()))
            }
            _ => None,
        }
    };
    let keys: Vec<_> = pool.iter().map(key).collect();
    (0..pool.len())
        .map(|i| match &keys[i] {
            Some(k) => (0..pool.len())
                .filter(|&j| keys[j].as_ref() == Some(k))
                .collect(),
            None => vec![i],
        })
        .collect()
}

/// Builds the answer from the question and the candidate pool (best first).
pub fn answer(question: &Question, pool: &[Candidate], p: &AnswerParams) -> Answer {
    let has_semantic = pool.iter().any(|c| c.cosine.is_some());
    let matters = matter_groups(pool);
    // A passage's support: how much of the question its matter (the rows of
    // one boundary matter, or one main duty, of one list) carries by words,
    // and how close its meaning is.
    let support = |words: f32, cosine: Option<f32>| match cosine {
        Some(cosine) => (words + relatedness(cosine, p)) / 2.0,
        None if has_semantic => words / 2.0,
        None => words,
    };
    // A matter's coverage counts its case (事例) too: the list's own account
    // of a situation carries a question describing one. Computed once per
    // matter: its rows share the value (and usually inherit one case).
    // Which matter and row answer is judged on all the question's words;
    // whether it is covered, also on what it is about (`about`: its words
    // but the action asked for).
    let mut coverage: Vec<f32> = vec![0.0; pool.len()];
    let mut about: Vec<f32> = vec![0.0; pool.len()];
    for i in 0..pool.len() {
        let first = matters[i][0];
        if first < i {
            coverage[i] = coverage[first];
            about[i] = about[first];
            continue;
        }
        let mut texts: Vec<&str> = matters[i].iter().map(|&j| pool[j].subject).collect();
        for &j in &matters[i] {
            if !pool[j].case.is_empty() && !texts.contains(&pool[j].case) {
                texts.push(pool[j].case);
            }
        }
        let cosine = matters[i]
            .iter()
            .filter_map(|&j| pool[j].cosine)
            .reduce(f32::max);
        let text = texts.join(" | ");
        coverage[i] = support(question.coverage(&text), cosine);
        about[i] = support(question.topic_coverage(&text), cosine);
    }
    // Within a matter, each row by itself: the row that carries the aspect
    // asked about is the one whose department answers.
    let row_support: Vec<f32> = (0..pool.len())
        .map(|i| support(question.coverage(pool[i].subject), pool[i].cosine))
        .collect();
    let best = (0..pool.len()).fold(None, |best: Option<usize>, i| match best {
        Some(b) if coverage[b] >= coverage[i] => Some(b),
        _ => Some(i),
    });
    // The weaker of the two: a question is covered when the best matter
    // carries both what it is about and the question as a whole
    // (身份证 is in the lists, 补办 of 身份证丢了去哪里补办 is not).
    let confidence = best.map_or(0.0, |b| about[b].min(coverage[b]));
    let concepts: Vec<ConceptMatch> = question
        .concepts
        .iter()
        .map(|c| ConceptMatch {
            word: c.word.clone(),
            weight: c.weight,
            known: c.known,
            credit: best.map_or(0.0, |b| {
                c.credit(pool[b].subject).max(c.credit(pool[b].case))
            }),
        })
        .collect();
    let closeness = best.and_then(|b| pool[b].cosine);
    let (covered, uncertain) = if has_semantic {
        (p.covered, p.uncertain)
    } else {
        (p.covered_by_words, p.uncertain_by_words)
    };
    let verdict = if confidence >= covered {
        Coverage::Covered
    } else if confidence >= uncertain {
        Coverage::Uncertain
    } else {
        Coverage::NotCovered
    };
    let unmatched: Vec<String> = question
        .concepts
        .iter()
        .filter(|c| {
            pool.iter().all(|candidate| {
                c.credit(candidate.subject) == 0.0 && c.credit(candidate.case) == 0.0
            })
        })
        .map(|c| c.word.clone())
        .collect();
    let best_coverage = best.map_or(0.0, |b| coverage[b]);
    let evidence: Vec<(Candidate, f32)> = (0..pool.len())
        .filter(|&i| coverage[i] >= uncertain && coverage[i] >= p.evidence_band * best_coverage)
        .map(|i| (pool[i], row_support[i]))
        .collect();
    let split_matter = best
        .filter(|&b| pool[b].record.section == SectionKind::Boundary)
        .map(|b| pool[b].record.matter());
    let ranked = rank_departments(question, &evidence, split_matter, &support, p);
    let (departments, also_involved) = split_answer(ranked, p.co_answer_ratio);
    let topic = topic(&departments, &evidence);
    let reason = reason(verdict, confidence, best.map(|b| pool[b]), &unmatched);
    let nearest_matters = match verdict {
        Coverage::Covered => Vec::new(),
        _ => nearest(pool, &coverage, p.nearest),
    };
    // Only a covered question names departments; an uncertain one offers
    // them as candidates; an uncovered one names none.
    let (departments, also_involved, candidates, topic) = match verdict {
        Coverage::Covered => (departments, also_involved, Vec::new(), topic),
        Coverage::Uncertain => {
            let candidates = departments.into_iter().chain(also_involved).collect();
            (Vec::new(), Vec::new(), candidates, topic)
        }
        Coverage::NotCovered => (Vec::new(), Vec::new(), Vec::new(), String::new()),
    };
    Answer {
        asked: false,
        lists: Vec::new(),
        coverage: verdict,
        confidence,
        reason,
        topic,
        departments,
        also_involved,
        candidates,
        nearest_matters,
        unmatched,
        closeness,
        concepts,
    }
}

/// Departments scored over the evidence, best first.
fn rank_departments(
    question: &Question,
    evidence: &[(Candidate, f32)],
    split_matter: Option<&str>,
    support: &dyn Fn(f32, Option<f32>) -> f32,
    p: &AnswerParams,
) -> Vec<AnswerDepartment> {
    let table = DepartmentTable::builtin();
    let aspect_terms = aspect_terms(question, split_matter);
    let mut by_name: HashMap<String, AnswerDepartment> = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    // Each case is credited once, with its best-ranked row: the rows of a
    // matter share (inherit) it.
    let mut cases_credited: Vec<(&str, &str)> = Vec::new();
    for &(candidate, row_coverage) in evidence {
        let record = candidate.record;
        let duty = fold(record.text());
        let mut credits: Vec<Credit> = responsible(record, table, question, p)
            .into_iter()
            .map(|(name, as_written, weight)| Credit {
                name,
                as_written,
                weight,
                coverage: row_coverage,
                text: &duty,
                case: None,
            })
            .collect();
        // When the matter's case carries more of the question than any of
        // its duties, the department acting in the clause that carries most
        // is credited as a boundary row would be: the list says who acted
        // in that situation (质监部门…对…塑料管道…进行检测).
        let case_key = (record.source.file.as_str(), candidate.case);
        let case_actor = if candidate.case.is_empty() || cases_credited.contains(&case_key) {
            None
        } else {
            cases_credited.push(case_key);
            let duties_carry = evidence
                .iter()
                .filter(|(c, _)| {
                    c.record.source.file == record.source.file
                        && c.record.matter() == record.matter()
                })
                .map(|(c, _)| question.coverage(c.subject))
                .fold(0.0, f32::max);
            case_actor(candidate.case, table, question)
                .filter(|(_, _, words, _)| *words > duties_carry)
        };
        if let Some((name, written, words, clause)) = case_actor {
            credits.push(Credit {
                name: name.to_string(),
                as_written: written.to_string(),
                weight: p.boundary_weight,
                coverage: support(words, candidate.cosine),
                text: clause,
                case: Some(clause),
            });
        }
        for credit in credits {
            let Credit {
                name,
                as_written,
                mut weight,
                coverage,
                text,
                case,
            } = credit;
            let (matched, excluded) = match_aspect(text, &aspect_terms);
            let outside_split = split_matter.is_some_and(|m| {
                record.section != SectionKind::Boundary
                    || !crate::compare::same_matter(record.matter(), m)
            });
            if outside_split {
                weight *= p.outside_split_weight;
            }
            let aspect_bonus = aspect_bonus(record, matched.len(), excluded, aspect_terms.len(), p);
            let score = weight * aspect_bonus * coverage / (candidate.rank as f32).sqrt();
            let entry = by_name.entry(name.clone()).or_insert_with(|| {
                order.push(name.clone());
                AnswerDepartment {
                    current_name: table.current_name(&name).to_string(),
                    name: name.clone(),
                    as_written: as_written.clone(),
                    bureaus: Vec::new(),
                    evidence: Vec::new(),
                    source: record.source.clone(),
                    aspect: None,
                    offices: Vec::new(),
                    case: None,
                    score: 0.0,
                    excludes_aspect: false,
                }
            });
            entry.score += score;
            entry.excludes_aspect |= record.section == SectionKind::Boundary && excluded > 0;
            entry.evidence.push(candidate.rank);
            if !entry.bureaus.contains(&record.bureau.place) {
                entry.bureaus.push(record.bureau.place.clone());
            }
            if let Some(case) = case
                && entry.case.is_none()
            {
                entry.case = Some(case.to_string());
            }
            if entry.aspect.is_none() && !matched.is_empty() && aspect_bonus > 1.0 {
                entry.aspect = Some(matched.join("、"));
            }
            if let Some(office) = office_of(record)
                && !entry.offices.contains(&office)
            {
                entry.offices.push(office);
            }
        }
    }
    let mut ranked: Vec<AnswerDepartment> = order
        .into_iter()
        .filter_map(|n| by_name.remove(&n))
        .collect();
    // Stable: equal scores keep the order of first evidence.
    ranked.sort_by(|a, b| b.score.total_cmp(&a.score));
    ranked
}

/// One piece of evidence for a department: a record's own assignment, or
/// the actor of its matter's case.
struct Credit<'t> {
    name: String,
    as_written: String,
    weight: f32,
    /// How much of the question the evidence supports (0–1).
    coverage: f32,
    /// The text the asked aspect is looked for in: the duty or the clause.
    text: &'t str,
    /// The case's clause, when the credit comes from a case.
    case: Option<&'t str>,
}

/// The answer's departments (the best, and those close to it that do not
/// exclude the aspect) and the others involved.
fn split_answer(
    ranked: Vec<AnswerDepartment>,
    co_answer_ratio: f32,
) -> (Vec<AnswerDepartment>, Vec<AnswerDepartment>) {
    let Some(best) = ranked.first().map(|d| d.score) else {
        return (Vec::new(), Vec::new());
    };
    let (departments, also): (Vec<_>, Vec<_>) = ranked
        .into_iter()
        .enumerate()
        .partition(|(i, d)| *i == 0 || (d.score >= co_answer_ratio * best && !d.excludes_aspect));
    (
        departments.into_iter().map(|(_, d)| d).collect(),
        also.into_iter().map(|(_, d)| d).collect(),
    )
}

/// Why the verdict is what it is, in one sentence.
fn reason(
    verdict: Coverage,
    confidence: f32,
    best: Option<Candidate>,
    unmatched: &[String],
) -> String {
    let lacking = if unmatched.is_empty() {
        String::new()
    } else {
        format!("; no passage mentions {}", unmatched.join("、"))
    };
    match best {
        Some(c) => {
            let r = c.record;
            format!(
                "{}: the best passage, {} {} 「{}」 ({}:{}-{}), supports the question at {:.0}% (its matter's words and meaning){lacking}",
                verdict.as_str(),
                r.bureau.place,
                r.section.label(),
                r.matter(),
                r.source.file,
                r.source.line_start,
                r.source.line_end,
                confidence * 100.0
            )
        }
        None => format!("{}: no passage found{lacking}", verdict.as_str()),
    }
}

/// The closest distinct matters of the pool, by coverage.
fn nearest(pool: &[Candidate], coverage: &[f32], count: usize) -> Vec<NearMatter> {
    let mut order: Vec<usize> = (0..pool.len()).filter(|&i| coverage[i] > 0.0).collect();
    order.sort_by(|&a, &b| coverage[b].total_cmp(&coverage[a]).then(a.cmp(&b)));
    let mut out: Vec<NearMatter> = Vec::new();
    for i in order {
        let r = pool[i].record;
        if r.matter().is_empty() || out.iter().any(|m| m.matter == r.matter()) {
            continue;
        }
        out.push(NearMatter {
            matter: r.matter().to_string(),
            place: r.bureau.place.clone(),
            section: r.section.as_str().to_string(),
            source: r.source.clone(),
            coverage: coverage[i],
        });
        if out.len() == count {
            break;
        }
    }
    out
}

/// The forms of the question's concepts that say which aspect of a matter
/// is asked about: those not already in the split matter's name, since
/// the duty text uses the list's words, not the asker's.
fn aspect_terms(question: &Question, split_matter: Option<&str>) -> Vec<String> {
    let matter = split_matter.map(fold).unwrap_or_default();
    let mut terms: Vec<String> = question
        .concepts
        .iter()
        .flat_map(|c| c.forms.iter())
        .filter(|t| !t.is_ascii() && !matter.contains(t.as_str()))
        .cloned()
        .collect();
    terms.sort();
    terms.dedup();
    terms
}

/// How a record's aspect match scales its evidence. The aspect decides
/// between departments that split one matter in a boundary table; duty
/// items of the issuer do not compete. A duty that excludes the aspect
/// ("安装、使用之外的环节") counts against its department.
fn aspect_bonus(
    record: &Record,
    matched: usize,
    excluded: usize,
    aspect_terms: usize,
    p: &AnswerParams,
) -> f32 {
    if aspect_terms == 0 || record.section != SectionKind::Boundary {
        return 1.0;
    }
    let net = matched as f32 - p.exclusion_penalty * excluded as f32;
    (1.0 + net / aspect_terms as f32).max(0.1)
}

/// The aspect terms a duty text assigns, and how many it only mentions to
/// exclude (within a clause, before 之外/以外, or between 除 and 外).
fn match_aspect<'t>(text: &str, terms: &'t [String]) -> (Vec<&'t str>, usize) {
    let mut assigned = String::new();
    let mut excluded = String::new();
    for clause in text.split(['，', ',', '。', '；', ';', '：', ':']) {
        match exclusion_split(clause) {
            Some((negated, rest)) => {
                excluded.push_str(negated);
                assigned.push_str(rest);
            }
            None => assigned.push_str(clause),
        }
        assigned.push('|');
        excluded.push('|');
    }
    let matched: Vec<&str> = terms
        .iter()
        .filter(|t| assigned.contains(t.as_str()))
        .map(String::as_str)
        .collect();
    let only_excluded = terms
        .iter()
        .filter(|t| excluded.contains(t.as_str()) && !assigned.contains(t.as_str()))
        .count();
    (matched, only_excluded)
}

/// Splits a clause into its excluded words and the rest, if it excludes any.
fn exclusion_split(clause: &str) -> Option<(&str, &str)> {
    if let Some(at) = vocabulary()
        .exclusion_markers
        .iter()
        .filter_map(|m| clause.find(m.as_str()))
        .min()
    {
        let start = clause[..at].rfind('除').map_or(0, |p| p + '除'.len_utf8());
        return Some((&clause[start..at], &clause[at..]));
    }
    let start = clause.find('除')?;
    let end = start + clause[start..].find('外')?;
    Some((&clause[start..end], &clause[end..]))
}

/// The department a clause of a duty text assigns itself to, when it begins
/// with a department's name and a duty verb.
fn clause_owner<'t>(clause: &str, table: &'t DepartmentTable) -> Option<(&'t str, String)> {
    let clause = clause.trim_start_matches(|c: char| c.is_whitespace() || c.is_ascii_digit());
    let (start, end, name) = table.find_mentions(clause).into_iter().next()?;
    (start == 0
        && vocabulary()
            .owning_verbs
            .iter()
            .any(|v| clause[end..].starts_with(v.as_str())))
    .then(|| (name, clause[..end].to_string()))
}

/// A boundary row whose cell holds several departments' duties ("商务局负责
/// 拟订…，市场监管局负责餐饮服务食品安全…"): the department owning the clause
/// that carries most of the question, if another than the row's own.
fn clause_department(
    duty: &str,
    own: &str,
    table: &DepartmentTable,
    question: &Question,
) -> Option<(String, String)> {
    let mut best: Option<(f32, Option<(&str, String)>)> = None;
    for clause in duty.split(['，', ',', '。', '；', ';']) {
        let coverage = question.coverage(&fold(clause));
        if coverage > 0.0 && best.as_ref().is_none_or(|(c, _)| coverage > *c) {
            best = Some((coverage, clause_owner(clause, table)));
        }
    }
    match best? {
        (_, Some((name, written))) if name != own => Some((name.to_string(), written)),
        _ => None,
    }
}

/// Who a record says is responsible, with the evidence weight.
fn responsible(
    record: &Record,
    table: &DepartmentTable,
    question: &Question,
    p: &AnswerParams,
) -> Vec<(String, String, f32)> {
    match &record.fields {
        Fields::Boundary {
            department, duty, ..
        } if department.canonical.is_empty() => {
            // A joint duty: every department its text names shares it.
            let mentions = table.find_mentions(duty);
            let share = p.boundary_weight / mentions.len().max(1) as f32;
            mentions
                .into_iter()
                .map(|(s, e, name)| (name.to_string(), duty[s..e].to_string(), share))
                .collect()
        }
        Fields::Boundary {
            department, duty, ..
        } => {
            if let Some((name, written)) =
                clause_department(duty, &department.canonical, table, question)
            {
                return vec![(name, written, p.boundary_weight)];
            }
            vec![(
                department.canonical.clone(),
                department.as_written.clone(),
                p.boundary_weight,
            )]
        }
        _ => {
            let issuer = table.resolve(&record.bureau.name, record.bureau.level);
            // Duties, services and the bureau's supervision matters all say
            // what the issuing bureau itself does; accountability rules do not.
            let weight = if record.section == SectionKind::Accountability {
                p.other_weight
            } else {
                p.duty_weight
            };
            vec![(issuer.canonical, record.bureau.name.clone(), weight)]
        }
    }
}

/// The clause of a case (folded) that carries most of the question among
/// those with an acting department, that department (as canonical and as
/// written), the clause's coverage and the clause. The actor is the first
/// department a clause names that is not addressed (向卫生局反映, 通报质监局);
/// a clause naming none tells what happened, not who acted.
fn case_actor<'c>(
    case: &'c str,
    table: &'static DepartmentTable,
    question: &Question,
) -> Option<(&'static str, &'c str, f32, &'c str)> {
    let mut best: Option<((f32, f32), &'static str, &'c str, &'c str)> = None;
    for clause in case.split(['。', '；', ';', '，', ',']) {
        let acting = table
            .find_mentions(clause)
            .into_iter()
            .find(|&(start, _, _)| {
                let before = &clause[..start];
                !vocabulary()
                    .recipient_markers
                    .iter()
                    .any(|m| before.ends_with(m.as_str()))
            });
        let Some((start, end, name)) = acting else {
            continue;
        };
        // What the asker wants handled decides between clauses; the
        // circumstances they tell only break ties.
        let key = (question.asked_coverage(clause), question.coverage(clause));
        if key.1 > 0.0 && best.is_none_or(|(k, ..)| key > k) {
            best = Some((key, name, &clause[start..end], clause));
        }
    }
    best.map(|((_, words), name, written, clause)| (name, written, words, clause))
}

/// The office and phone of duty and service rows (计量科 82188052).
fn office_of(record: &Record) -> Option<String> {
    match &record.fields {
        Fields::Service { unit, phone, .. } if !unit.is_empty() => {
            Some(format!("{unit} {phone}").trim().to_string())
        }
        Fields::Duty { unit, .. } if !unit.is_empty() => Some(unit.clone()),
        _ => None,
    }
}

fn topic(departments: &[AnswerDepartment], evidence: &[(Candidate, f32)]) -> String {
    let best = departments.first();
    let matter = best
        .and_then(|d| d.evidence.first())
        .and_then(|rank| evidence.iter().find(|(c, _)| c.rank == *rank))
        .map(|(c, _)| c.record.matter().to_string())
        .unwrap_or_default();
    match best.and_then(|d| d.aspect.clone()) {
        Some(aspect) if !matter.contains(&aspect) => format!("{matter}（{aspect}）"),
        _ => matter,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_who_questions() {
        for q in [
            "谁负责烟花爆竹的质量",
            "电梯困人找谁",
            "煙花爆竹品質誰監管",
            "鞭炮质量归哪个部门管",
            "Who regulates fireworks quality",
            "Which department manages X",
        ] {
            assert!(is_who_question(q), "{q}");
        }
        for q in ["烟花爆竹", "计量器具型式批准", "世界计量日有什么活动"] {
            assert!(!is_who_question(q), "{q}");
        }
    }

    /// The question analysed as if every word were in 10 of 1000 records.
    fn question(query: &str) -> Question {
        let analyzer = crate::tokenizer::ChineseAnalyzer::default();
        let synonyms = crate::tokenizer::Synonyms::builtin();
        Question::analyse(query, &analyzer, &synonyms, &|_| 10, 1000)
    }

    fn terms(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn words_before_zhiwai_are_excluded_not_assigned() {
        let aspect = terms(&["安装", "使用", "环节"]);
        let (matched, excluded) =
            match_aspect("对两工地上述设备安装、使用之外的环节依法进行监管", &aspect);
        assert_eq!(matched, ["环节"]);
        assert_eq!(excluded, 2);
        let (matched, excluded) = match_aspect("对两工地上述设备安装、使用环节监管", &aspect);
        assert_eq!(matched, ["安装", "使用", "环节"]);
        assert_eq!(excluded, 0);
    }

    #[test]
    fn chu_wai_excludes_and_other_clauses_still_assign() {
        let aspect = terms(&["运输", "储存"]);
        let (matched, excluded) = match_aspect("除运输外的监管；负责储存", &aspect);
        assert_eq!(matched, ["储存"]);
        assert_eq!(excluded, 1);
        // Mentioned both ways: assigned wins.
        let (matched, excluded) = match_aspect("除运输外的监管；负责运输许可", &aspect);
        assert_eq!(matched, ["运输"]);
        assert_eq!(excluded, 0);
    }

    #[test]
    fn a_case_credits_the_department_acting_on_what_is_asked() {
        let question = question("体检数据和实际情况不符，医疗器械由谁做计量检定");
        let table = DepartmentTable::builtin();
        // 卫生局 is addressed (向…反映), 质监局 acts on what is asked.
        let case = fold(
            "某人向卫生局反映某医疗机构体检数据与患者实际情况严重不符，卫生局将有关情况通报质监局，由质监局对涉事医疗器械进行计量检定。",
        );
        let (name, written, words, clause) = case_actor(&case, table, &question).expect("an actor");
        assert_eq!((name, written), ("质监局", "质监局"), "{clause}");
        assert!(words > 0.0 && clause.contains("计量检定"));
        // A case naming only addressed departments names no actor.
        let case = fold("某人向卫生局反映体检数据不符");
        assert_eq!(case_actor(&case, table, &question), None);
    }

    #[test]
    fn a_clause_naming_another_department_credits_that_department() {
        let question = question("餐馆食品安全出了问题找谁");
        let table = DepartmentTable::builtin();
        let duty = "商务局负责拟订促进餐饮服务和酒类流通发展规划和政策，市场监管局负责餐饮服务食品安全和酒类食品安全的监督管理。";
        let owner = clause_department(duty, "商务局", table, &question);
        assert_eq!(owner.map(|(name, _)| name).as_deref(), Some("市场监管局"));
        // The row's own clause carrying the question keeps the row's department.
        let duty = "负责餐饮服务食品安全监督管理，市场监管局负责酒类流通";
        assert_eq!(clause_department(duty, "食药局", table, &question), None);
    }
}
