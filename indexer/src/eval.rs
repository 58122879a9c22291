//! Retrieval evaluation, exactly as `../shared/eval/README.md` defines it
//! (nDCG@k, Recall@k, MRR@k, department accuracy@1, abstention on questions
//! the lists do not cover, wrong abstention on those they do), so
//! `qsearch eval` and the reference `score.py` give the same numbers on the
//! same results.

use std::collections::{BTreeMap, HashSet};
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::engine::SearchResponse;

/// One judged query.
#[derive(Debug, Clone, Deserialize)]
pub struct Judgment {
    pub id: String,
    pub query: String,
    pub kind: String,
    pub relevant: Vec<GoldSpan>,
    #[serde(default)]
    pub answer_departments: Option<Vec<String>>,
    /// `false` for a question no passage of the documents answers.
    #[serde(default = "covered_by_default")]
    pub covered: bool,
}

fn covered_by_default() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize)]
pub struct GoldSpan {
    pub file: String,
    pub lines: [usize; 2],
    pub grade: u8,
}

/// Metrics of one query; each only where the judgment defines it: ranking
/// metrics for covered queries, `dept` and `abstain_wrongly` for those that
/// name departments, `abstain` for uncovered ones.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct QueryScore {
    pub ndcg: Option<f64>,
    pub recall: Option<f64>,
    pub mrr: Option<f64>,
    pub dept: Option<f64>,
    pub abstain: Option<f64>,
    pub abstain_wrongly: Option<f64>,
}

/// Averages per query kind, plus "ALL"; a metric no query defines is `None`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct KindSummary {
    pub n: usize,
    pub ndcg: Option<f64>,
    pub recall: Option<f64>,
    pub mrr: Option<f64>,
    pub dept: Option<f64>,
    pub dept_n: usize,
    pub abstain: Option<f64>,
    pub abstain_wrongly: Option<f64>,
}

pub fn parse_judgments(text: &str) -> Result<Vec<Judgment>, String> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| serde_json::from_str(l).map_err(|e| format!("line {}: {e}", i + 1)))
        .collect()
}

/// The evaluator's department canonicalisation (part of the metric).
static ALIASES: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
    [
        ("质量技术监督|质监", "质监局"),
        ("安全生产监督管理|安监", "安监局"),
        ("工商行政管理|工商", "工商局"),
        ("市场监督管理|市场监管", "市场监管局"),
        ("食品药品监督管理|食药监|食药", "食药局"),
        ("卫生和计划生育|卫计|卫生健康|卫健|卫生局", "卫计委"),
        ("公安|交警|派出所", "公安局"),
        ("环境保护|环保|生态环境", "环保局"),
        ("交通运输|交通", "交通局"),
        ("农业委|农委|农牧|农业农村|农业", "农业局"),
        ("商务", "商务局"),
        ("发展和改革|发改", "发改局"),
        ("住房和城乡建设|住建", "住建局"),
        ("经济和信息化|经信|工业和信息化|工信", "经信委"),
        ("应急管理", "安监局"),
    ]
    .into_iter()
    .map(|(p, s)| (Regex::new(p).expect("valid alias regex"), s))
    .collect()
});

static PARENS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[（(].*?[)）]").expect("valid regex"));
static LEVEL_PREFIX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(省|市|县|区)").expect("valid regex"));

pub fn canon(name: &str) -> String {
    let mut n = PARENS.replace_all(name, "").trim().to_string();
    if !n.starts_with("市场") {
        n = LEVEL_PREFIX.replace(&n, "").into_owned();
    }
    ALIASES
        .iter()
        .find(|(re, _)| re.is_match(&n))
        .map_or(n, |(_, short)| short.to_string())
}

/// Whether a response names any department.
fn names_department(response: &SearchResponse) -> bool {
    response
        .answer
        .as_ref()
        .is_some_and(|a| !a.departments.is_empty())
}

/// Scores one query's result at cut-off `k`.
pub fn score_query(judgment: &Judgment, response: &SearchResponse, k: usize) -> QueryScore {
    if !judgment.covered {
        return QueryScore {
            abstain: Some(if names_department(response) { 0.0 } else { 1.0 }),
            ..QueryScore::default()
        };
    }
    let gold = &judgment.relevant;
    let mut used = HashSet::new();
    let grades: Vec<u8> = response
        .hits
        .iter()
        .take(k)
        .map(|h| credited_grade(h, gold, &mut used))
        .collect();
    let gain = |g: u8| f64::from((1u32 << g) - 1);
    let dcg: f64 = grades
        .iter()
        .enumerate()
        .map(|(i, &g)| gain(g) / ((i + 2) as f64).log2())
        .sum();
    let mut ideal: Vec<u8> = gold.iter().map(|g| g.grade).collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let idcg: f64 = ideal
        .iter()
        .take(k)
        .enumerate()
        .map(|(i, &g)| gain(g) / ((i + 2) as f64).log2())
        .sum();
    let n2 = gold.iter().filter(|g| g.grade == 2).count();
    let found2 = grades.iter().filter(|&&g| g == 2).count();
    let recall = if n2 > 0 {
        found2 as f64 / n2.min(k) as f64
    } else if gold.is_empty() {
        1.0
    } else {
        0.0
    };
    let mrr = grades
        .iter()
        .position(|&g| g == 2)
        .map_or(0.0, |i| 1.0 / (i + 1) as f64);
    let wanted = judgment
        .answer_departments
        .as_ref()
        .filter(|w| !w.is_empty());
    let dept = wanted.map(|wanted| {
        let top = response.answer.as_ref().and_then(|a| a.departments.first());
        let names: HashSet<String> = top
            .map(|d| {
                [&d.name, &d.as_written, &d.current_name]
                    .into_iter()
                    .map(|n| canon(n))
                    .filter(|n| !n.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        let wanted: HashSet<String> = wanted.iter().map(|w| canon(w)).collect();
        if names.intersection(&wanted).next().is_some() {
            1.0
        } else {
            0.0
        }
    });
    let abstain_wrongly = wanted.map(|_| if names_department(response) { 0.0 } else { 1.0 });
    QueryScore {
        ndcg: Some(if idcg > 0.0 { dcg / idcg } else { 0.0 }),
        recall: Some(recall),
        mrr: Some(mrr),
        dept,
        abstain: None,
        abstain_wrongly,
    }
}

fn credited_grade(hit: &crate::search::Hit, gold: &[GoldSpan], used: &mut HashSet<usize>) -> u8 {
    let (a, b) = (hit.source.line_start as i64, hit.source.line_end as i64);
    let mut best = (0, None);
    for (i, g) in gold.iter().enumerate() {
        if used.contains(&i) || g.file != hit.source.file {
            continue;
        }
        let (ga, gb) = (g.lines[0] as i64, g.lines[1] as i64);
        let glen = gb - ga + 1;
        let overlap = b.min(gb) - a.max(ga) + 1;
        if overlap * 2 < glen || (b - a + 1) > 20.max(4 * glen) {
            continue;
        }
        if g.grade > best.0 {
            best = (g.grade, Some(i));
        }
    }
    if let Some(i) = best.1 {
        used.insert(i);
    }
    best.0
}

/// Averages per kind, with an "ALL" row; each metric over the queries
/// that define it.
pub fn summarize(scores: &[(String, QueryScore)]) -> BTreeMap<String, KindSummary> {
    let mut groups: BTreeMap<String, Vec<QueryScore>> = BTreeMap::new();
    for (kind, s) in scores {
        groups.entry(kind.clone()).or_default().push(*s);
        groups.entry("ALL".to_string()).or_default().push(*s);
    }
    let mean = |values: Vec<f64>| {
        (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
    };
    groups
        .into_iter()
        .map(|(kind, ss)| {
            let metric =
                |f: fn(&QueryScore) -> Option<f64>| mean(ss.iter().filter_map(f).collect());
            let summary = KindSummary {
                n: ss.len(),
                ndcg: metric(|s| s.ndcg),
                recall: metric(|s| s.recall),
                mrr: metric(|s| s.mrr),
                dept: metric(|s| s.dept),
                dept_n: ss.iter().filter(|s| s.dept.is_some()).count(),
                abstain: metric(|s| s.abstain),
                abstain_wrongly: metric(|s| s.abstain_wrongly),
            };
            (kind, summary)
        })
        .collect()
}

/// The table `qsearch eval` prints (same layout as score.py).
pub fn format_table(summary: &BTreeMap<String, KindSummary>, k: usize) -> String {
    let mut out = format!(
        "{:<12}{:>4}{:>12}{:>12}{:>12}{:>12}{:>12}\n",
        "kind",
        "n",
        format!("ndcg@{k}"),
        format!("recall@{k}"),
        format!("mrr@{k}"),
        "dept@1",
        "abstain"
    );
    let mut kinds: Vec<&String> = summary.keys().collect();
    kinds.sort_by_key(|k| (k.as_str() == "ALL", k.as_str()));
    let cell = |v: Option<f64>| v.map_or("nan".to_string(), |v| format!("{:.3}", v + 0.0));
    for kind in kinds {
        let s = &summary[kind];
        out.push_str(&format!(
            "{:<12}{:>4}{:>12}{:>12}{:>12}{:>12}{:>12}\n",
            kind,
            s.n,
            cell(s.ndcg),
            cell(s.recall),
            cell(s.mrr),
            cell(s.dept),
            cell(s.abstain)
        ));
    }
    out
}
