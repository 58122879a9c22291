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

/// Weights of evidence by section: boundary rows assign a matter between
/// departments; duty, service and supervision items are the issuer's own
/// work; accountability prose only mentions it.
const BOUNDARY_WEIGHT: f32 = 3.0;
const DUTY_WEIGHT: f32 = 1.0;
const OTHER_WEIGHT: f32 = 0.3;
/// Words nearly every duty uses (监管, 负责, 环节 …): they name no aspect,
/// and matching them would favour long duty texts.
const GENERIC_DUTY_WORDS: [&str; 14] = [
    "监管",
    "监督",
    "管理",
    "监督管理",
    "负责",
    "承担",
    "环节",
    "工作",
    "问题",
    "部门",
    "单位",
    "依法",
    "进行",
    "有关",
];

/// Factor on evidence outside the split matter when the best hit is a
/// boundary row.
const OUTSIDE_SPLIT_WEIGHT: f32 = 0.3;
/// An aspect a duty explicitly excludes weighs this many times an aspect it
/// matches: saying "not this" is stronger evidence than saying nothing.
const EXCLUSION_PENALTY: f32 = 2.0;
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
    /// One of its boundary duties excludes the aspect asked about.
    #[serde(skip)]
    excludes_aspect: bool,
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
    // A boundary row at the top of the ranking means the question is about
    // a matter split between departments: that split decides, and the rest
    // (the issuing bureau's general duties — every list here is a 质监局
    // list — and rows of other matters) counts less.
    let split_matter = records
        .first()
        .filter(|r| r.section == SectionKind::Boundary)
        .map(|r| r.matter());
    let mut by_name: HashMap<String, AnswerDepartment> = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    for (hit, record) in hits.iter().zip(records) {
        let (matched, excluded) = match_aspect(&fold(record.text()), &aspect_terms);
        for (name, as_written, mut weight) in responsible(record, table) {
            let outside_split = split_matter.is_some_and(|m| {
                record.section != SectionKind::Boundary
                    || !crate::compare::same_matter(record.matter(), m)
            });
            if outside_split {
                weight *= OUTSIDE_SPLIT_WEIGHT;
            }
            let aspect_bonus = aspect_bonus(record, matched.len(), excluded, aspect_terms.len());
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
                    excludes_aspect: false,
                }
            });
            entry.score += score;
            entry.excludes_aspect |= record.section == SectionKind::Boundary && excluded > 0;
            entry.evidence.push(hit.rank);
            if !entry.bureaus.contains(&record.bureau.place) {
                entry.bureaus.push(record.bureau.place.clone());
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
    ranked.sort_by(|a, b| b.score.total_cmp(&a.score));
    let best = ranked.first()?.score;
    let (departments, also_involved): (Vec<_>, Vec<_>) = ranked
        .into_iter()
        .enumerate()
        .partition(|(i, d)| *i == 0 || (d.score >= CO_ANSWER_RATIO * best && !d.excludes_aspect));
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
        .filter(|t| {
            t.chars().count() >= 2
                && !is_stopword(t)
                && !GENERIC_DUTY_WORDS.contains(&t.as_str())
                && !matters.contains(t.as_str())
        })
        .collect();
    terms.sort();
    terms.dedup();
    terms
}

/// How a record's aspect match scales its evidence. The aspect decides
/// between departments that split one matter in a boundary table; duty
/// items of the issuer do not compete. A duty that excludes the aspect
/// ("安装、使用之外的环节") counts against its department.
fn aspect_bonus(record: &Record, matched: usize, excluded: usize, aspect_terms: usize) -> f32 {
    if aspect_terms == 0 || record.section != SectionKind::Boundary {
        return 1.0;
    }
    let net = matched as f32 - EXCLUSION_PENALTY * excluded as f32;
    (1.0 + net / aspect_terms as f32).max(0.1)
}

/// Markers after which a clause's preceding words are excluded, not
/// assigned: "安装、使用之外的环节" is every stage except installation and use.
const EXCLUSION_MARKERS: [&str; 2] = ["之外", "以外"];

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
    if let Some(at) = EXCLUSION_MARKERS
        .iter()
        .filter_map(|m| clause.find(m))
        .min()
    {
        let start = clause[..at].rfind('除').map_or(0, |p| p + '除'.len_utf8());
        return Some((&clause[start..at], &clause[at..]));
    }
    let start = clause.find('除')?;
    let end = start + clause[start..].find('外')?;
    Some((&clause[start..end], &clause[end..]))
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
            // Duties, services and the bureau's supervision matters all say
            // what the issuing bureau itself does; accountability rules do not.
            let weight = if record.section == SectionKind::Accountability {
                OTHER_WEIGHT
            } else {
                DUTY_WEIGHT
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
}
