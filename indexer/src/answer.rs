//! Who-answers: which department is responsible, from the evidence in the
//! ranked hits.
//!
//! Boundary rows weigh most (they exist to say who does what), then duty
//! items (the issuing bureau's own work), then prose. When boundary rows
//! split a matter between departments, the department whose duty mentions
//! the aspect asked about (质量, 运输, 安全生产 …) wins, and the others are
//! listed as also involved rather than named as the answer.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::departments::DepartmentTable;
use crate::record::{Fields, Record, SectionKind};
use crate::search::Hit;
use crate::tokenizer::{ChineseAnalyzer, Synonyms, fold, is_stopword};

/// Phrases that make a query a who-question (after traditional → simplified
/// folding and lower-casing).
static WHO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"谁|哪个部门|哪些部门|哪个单位|哪个机构|哪个局|哪家|找哪|去哪|向哪|由哪|归哪|哪里投诉|什么部门|是.{1,12}还是.{1,12}(管|负责|监管|查)|\bwho\b|\bwhom\b|which (department|bureau|agency|authority|office)")
        .expect("valid who regex")
});

/// Weights of evidence by section.
const BOUNDARY_WEIGHT: f32 = 3.0;
const DUTY_WEIGHT: f32 = 1.0;
const OTHER_WEIGHT: f32 = 0.3;
/// A department joins the answer when its evidence is this close to the best.
const CO_ANSWER_RATIO: f32 = 0.75;

/// The answer to a who-question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    /// What was asked about: the best evidence's matter plus the aspect.
    pub topic: String,
    pub departments: Vec<AnswerDepartment>,
    pub also_involved: Vec<AnswerDepartment>,
}

/// One department in an answer.
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
    /// Ranks of the hits that support it.
    pub evidence: Vec<usize>,
    /// Query words its duty text matches (质量, 运输 …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aspect: Option<String>,
    /// Offices and phone numbers from duty and service rows.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub offices: Vec<String>,
    #[serde(skip)]
    score: f32,
}

/// True when the query asks who is responsible.
pub fn is_who_question(query: &str) -> bool {
    WHO.is_match(&fold(query))
}

/// Builds the answer from ranked hits; `None` when no hit names anyone.
pub fn answer(
    query: &str,
    hits: &[Hit],
    records: &[&Record],
    analyzer: &ChineseAnalyzer,
    synonyms: &Synonyms,
) -> Option<Answer> {
    let aspect_terms = aspect_terms(query, records, analyzer, synonyms);
    let table = DepartmentTable::builtin();
    let mut by_name: HashMap<String, AnswerDepartment> = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    for (hit, record) in hits.iter().zip(records) {
        for (name, as_written, weight) in responsible(record, table) {
            let matched: Vec<&str> = aspect_terms
                .iter()
                .filter(|t| fold(record.text()).contains(t.as_str()))
                .map(String::as_str)
                .collect();
            // The aspect decides between departments that split one matter
            // in a boundary table; duty items of the issuer do not compete.
            let aspect_bonus = if aspect_terms.is_empty() || record.section != SectionKind::Boundary
            {
                1.0
            } else {
                1.0 + matched.len() as f32 / aspect_terms.len() as f32
            };
            let score = weight * aspect_bonus / (hit.rank as f32);
            let entry = by_name.entry(name.clone()).or_insert_with(|| {
                order.push(name.clone());
                AnswerDepartment {
                    current_name: table.current_name(&name).to_string(),
                    name: name.clone(),
                    as_written: as_written.clone(),
                    bureaus: Vec::new(),
                    evidence: Vec::new(),
                    aspect: None,
                    offices: Vec::new(),
                    score: 0.0,
                }
            });
            entry.score += score;
            entry.evidence.push(hit.rank);
            if !entry.bureaus.contains(&record.bureau.place) {
                entry.bureaus.push(record.bureau.place.clone());
            }
            if entry.aspect.is_none() && !matched.is_empty() {
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
    ranked.sort_by(|a, b| b.score.total_cmp(&a.score));
    let best = ranked.first()?.score;
    let (departments, also_involved): (Vec<_>, Vec<_>) = ranked
        .into_iter()
        .enumerate()
        .partition(|(i, d)| *i == 0 || d.score >= CO_ANSWER_RATIO * best);
    let departments: Vec<AnswerDepartment> = departments.into_iter().map(|(_, d)| d).collect();
    let topic = topic(hits, records, &departments);
    Some(Answer {
        topic,
        departments,
        also_involved: also_involved.into_iter().map(|(_, d)| d).collect(),
    })
}

/// Query words that say which aspect of a matter is asked about: what is
/// left after question words and the words of the matched matter names,
/// with the document terms their synonyms give (餐馆 → 餐饮), since the
/// duty text uses the list's words, not the asker's.
fn aspect_terms(
    query: &str,
    records: &[&Record],
    analyzer: &ChineseAnalyzer,
    synonyms: &Synonyms,
) -> Vec<String> {
    // The matter of the best boundary row says what the query is about; the
    // words left are the aspect. Duty and prose headings are too broad.
    let matters: String = records
        .iter()
        .filter(|r| r.section == SectionKind::Boundary)
        .take(1)
        .map(|r| fold(r.matter()))
        .collect();
    let mut terms: Vec<String> = analyzer
        .tokens(query)
        .into_iter()
        .map(|t| t.text)
        .chain(synonyms.document_terms(query))
        .filter(|t| t.chars().count() >= 2 && !is_stopword(t) && !matters.contains(t.as_str()))
        .collect();
    terms.sort();
    terms.dedup();
    terms
}

/// Who a record says is responsible, with the evidence weight.
fn responsible(record: &Record, table: &DepartmentTable) -> Vec<(String, String, f32)> {
    match &record.fields {
        Fields::Boundary {
            department, duty, ..
        } if department.canonical.is_empty() => {
            // A joint duty: every department its text names shares it.
            let mentions = table.find_mentions(duty);
            let share = BOUNDARY_WEIGHT / mentions.len().max(1) as f32;
            mentions
                .into_iter()
                .map(|(s, e, name)| (name.to_string(), duty[s..e].to_string(), share))
                .collect()
        }
        Fields::Boundary { department, .. } => {
            vec![(
                department.canonical.clone(),
                department.as_written.clone(),
                BOUNDARY_WEIGHT,
            )]
        }
        _ => {
            let issuer = table.resolve(&record.bureau.name, record.bureau.level);
            let weight = if record.section == SectionKind::Duties
                || record.section == SectionKind::PublicService
            {
                DUTY_WEIGHT
            } else {
                OTHER_WEIGHT
            };
            vec![(issuer.canonical, record.bureau.name.clone(), weight)]
        }
    }
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

fn topic(hits: &[Hit], records: &[&Record], departments: &[AnswerDepartment]) -> String {
    let best = departments.first();
    let evidence = best
        .and_then(|d| d.evidence.first())
        .and_then(|rank| hits.iter().position(|h| h.rank == *rank));
    let matter = evidence
        .map(|i| records[i].matter().to_string())
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
}
