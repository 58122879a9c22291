//! Comparing any clause or topic across bureaus: for every loaded list, the
//! passages of each section (duties, boundary rows, services, supervision
//! rules, accountability) that carry the clause's content, side by side with
//! their citations; differences marked — departments, the numbers they
//! state (frequencies, deadlines, amounts …), present vs absent — and the
//! bureaus that say nothing on it named.
//!
//! A pure function of the records, the analysed clause and the candidates
//! retrieval found (the engine runs a keyword search per bureau and section
//! for them).

use serde::{Deserialize, Serialize};

use super::Comparison;
use super::quantity::{self, Quantity, QuantityKind};
use crate::answer::Question;
use crate::record::{Record, SectionKind};

/// Share of the clause's weighted content words a passage must carry.
pub const MIN_COVERAGE: f32 = 0.6;

/// A passage the words carry less of is still kept when words and meaning
/// together support the clause this much (`(coverage + relatedness) / 2`,
/// as the who-answer weighs them): 检验机构 for 检验检测机构.
pub const MIN_SUPPORT: f32 = 0.5;
/// Passages kept per bureau and section, best first.
pub const PER_SECTION: usize = 2;
/// Passage text shown, in characters.
const PASSAGE_CHARS: usize = 400;

/// A clause compared across bureaus (`qsearch compare TEXT`, `GET
/// /api/compare?text=`).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClauseComparison {
    pub query: String,
    /// The clause's content words the passages are matched on.
    pub concepts: Vec<String>,
    /// The boundary matter's departments × bureaus table, when the text
    /// names one (by name or synonym).
    pub matter: Option<Comparison>,
    /// One column per loaded list.
    pub bureaus: Vec<ClauseBureau>,
    /// Places whose lists have nothing on the clause.
    pub missing_in: Vec<String>,
    /// One row per section some list has a passage in.
    pub rows: Vec<ClauseRow>,
}

/// A column: one bureau's list.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClauseBureau {
    pub bureau: String,
    pub place: String,
    pub file: String,
    /// Passages found in this list (0: nothing on the clause).
    pub passages: usize,
}

/// One section across bureaus.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClauseRow {
    pub section: SectionKind,
    /// The section's Chinese name (部门职责 …).
    pub label: String,
    /// One cell per column of `bureaus`.
    pub cells: Vec<ClauseCell>,
    /// What differs between the bureaus in this section.
    pub differences: Vec<Difference>,
}

/// One bureau's passages of one section.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClauseCell {
    /// Best first; empty when the section says nothing on the clause.
    pub passages: Vec<Passage>,
    /// False when the bureau's list has no such section at all.
    pub has_section: bool,
    /// Something in this cell differs from another bureau's.
    pub differs: bool,
}

/// A passage matching the clause, with its citation.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Passage {
    pub record_id: String,
    pub matter: String,
    /// The passage (cut at 400 characters with …).
    pub text: String,
    /// The department a boundary row assigns (canonical name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// Share of the clause's content the passage carries, 0–1.
    pub coverage: f32,
    pub file: String,
    pub line_start: usize,
    pub line_end: usize,
    /// Numbers with units stated in the whole passage.
    pub quantities: Vec<Quantity>,
    /// Shown for its numbers: it belongs to the same rule (matter) as a
    /// passage of this cell, and states this aspect (how often, how soon,
    /// how much) that another bureau's passages state and this cell's did
    /// not — the number a comparison is about sits one block further on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub added_for: Option<Aspect>,
}

/// How the bureaus differ in one section.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Aspect {
    /// Some lists have passages, others (with the section) none.
    Presence,
    /// Boundary rows assign different departments.
    Departments,
    Frequency,
    Deadline,
    Amount,
    Ratio,
    Count,
}

impl Aspect {
    pub fn label(self) -> &'static str {
        match self {
            Aspect::Presence => "有无",
            Aspect::Departments => "部门",
            Aspect::Frequency => "频次",
            Aspect::Deadline => "时限",
            Aspect::Amount => "金额",
            Aspect::Ratio => "比例",
            Aspect::Count => "数量",
        }
    }

    fn of(kind: QuantityKind) -> Aspect {
        match kind {
            QuantityKind::Frequency => Aspect::Frequency,
            QuantityKind::Deadline => Aspect::Deadline,
            QuantityKind::Amount => Aspect::Amount,
            QuantityKind::Ratio => Aspect::Ratio,
            QuantityKind::Count => Aspect::Count,
        }
    }
}

/// One difference: what each bureau states.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Difference {
    pub aspect: Aspect,
    /// One entry per column: the values it states (empty: none).
    pub values: Vec<Vec<String>>,
}

/// Compares a clause: `candidates` are record indices retrieval found for
/// it (any order, any bureau), with their cosine to the clause when the
/// vector half found them; each is kept when it carries at least
/// [`MIN_COVERAGE`] of the clause, or words and meaning together reach
/// [`MIN_SUPPORT`]; best [`PER_SECTION`] per bureau and section (ties:
/// passages stating numbers first, then candidate order).
pub fn compare_clause(
    records: &[Record],
    question: &Question,
    query: &str,
    candidates: &[(usize, Option<f32>)],
    matter: Option<Comparison>,
) -> ClauseComparison {
    let mut bureaus: Vec<ClauseBureau> = Vec::new();
    let mut sections: Vec<(String, SectionKind)> = Vec::new();
    for r in records {
        if !bureaus.iter().any(|b| b.file == r.source.file) {
            bureaus.push(ClauseBureau {
                bureau: r.bureau.name.clone(),
                place: r.bureau.place.clone(),
                file: r.source.file.clone(),
                passages: 0,
            });
        }
        let key = (r.source.file.clone(), r.section);
        if !sections.contains(&key) {
            sections.push(key);
        }
    }
    bureaus.sort_by(|a, b| a.file.cmp(&b.file));

    let params = crate::ranking::AnswerParams::default();
    let mut scored: Vec<(usize, usize, f32)> = Vec::new();
    for (order, &(i, cosine)) in candidates.iter().enumerate() {
        if scored.iter().any(|&(j, _, _)| j == i) {
            continue;
        }
        let Some(record) = records.get(i) else {
            continue;
        };
        let coverage = question.coverage(&crate::answer::subject_text(record));
        let support = cosine.map_or(0.0, |c| {
            (coverage + crate::answer::relatedness(c, &params)) / 2.0
        });
        if coverage >= MIN_COVERAGE || support >= MIN_SUPPORT {
            scored.push((i, order, coverage));
        }
    }
    // Best coverage first; among equals, a passage stating numbers (how
    // often, how soon, how much) before one that does not — that is what a
    // comparison compares — then retrieval order.
    let states = |i: usize| !quantity::extract(records[i].text()).is_empty();
    scored.sort_by(|a, b| {
        b.2.total_cmp(&a.2)
            .then(states(b.0).cmp(&states(a.0)))
            .then(a.1.cmp(&b.1))
    });

    let mut rows: Vec<ClauseRow> = Vec::new();
    for section in SectionKind::ALL {
        let cells: Vec<ClauseCell> = bureaus
            .iter()
            .map(|b| ClauseCell {
                passages: scored
                    .iter()
                    .filter(|&&(i, _, _)| {
                        records[i].source.file == b.file && records[i].section == section
                    })
                    .take(PER_SECTION)
                    .map(|&(i, _, coverage)| passage(&records[i], coverage))
                    .collect(),
                has_section: sections.contains(&(b.file.clone(), section)),
                differs: false,
            })
            .collect();
        if cells.iter().all(|c| c.passages.is_empty()) {
            continue;
        }
        let mut cells = cells;
        complete_numbers(records, question, &mut cells, section);
        let mut row = ClauseRow {
            section,
            label: section.label().to_string(),
            cells,
            differences: Vec::new(),
        };
        mark_differences(&mut row);
        rows.push(row);
    }
    for (col, b) in bureaus.iter_mut().enumerate() {
        b.passages = rows.iter().map(|r| r.cells[col].passages.len()).sum();
    }
    let missing_in = bureaus
        .iter()
        .filter(|b| b.passages == 0)
        .map(|b| b.place.clone())
        .collect();
    ClauseComparison {
        query: query.to_string(),
        concepts: question.concepts.iter().map(|c| c.word.clone()).collect(),
        matter,
        bureaus,
        missing_in,
        rows,
    }
}

fn passage(record: &Record, coverage: f32) -> Passage {
    let text = record.text();
    let shown: String = text.chars().take(PASSAGE_CHARS).collect();
    let shown = if shown.len() < text.len() {
        format!("{shown}…")
    } else {
        shown
    };
    Passage {
        record_id: record.id.clone(),
        matter: record.matter().to_string(),
        text: shown,
        department: record.department().map(|d| {
            if d.canonical.is_empty() {
                d.as_written.clone()
            } else {
                d.canonical.clone()
            }
        }),
        coverage: (coverage * 1000.0).round() / 1000.0,
        file: record.source.file.clone(),
        line_start: record.source.line_start,
        line_end: record.source.line_end,
        quantities: quantity::extract(text),
        added_for: None,
    }
}

/// The quantity kinds a comparison is about. Head counts (两名以上执法人员)
/// are procedure every list repeats, not a difference between rules.
fn compared(kind: QuantityKind) -> bool {
    kind != QuantityKind::Count
}

/// Where some bureaus' passages state how often, how soon or how much and
/// another's do not, that bureau's same rule (the matter of a passage
/// shown) may state it in another block: the first such block, in document
/// order, carrying at least half of [`MIN_COVERAGE`], joins the cell,
/// marked with the aspect it was added for.
fn complete_numbers(
    records: &[Record],
    question: &Question,
    cells: &mut [ClauseCell],
    section: SectionKind,
) {
    let stated = |cell: &ClauseCell, kind: QuantityKind| {
        cell.passages
            .iter()
            .any(|p| p.quantities.iter().any(|q| q.kind == kind))
    };
    let kinds: Vec<QuantityKind> = cells
        .iter()
        .flat_map(|c| {
            c.passages
                .iter()
                .flat_map(|p| p.quantities.iter().map(|q| q.kind))
        })
        .filter(|&k| compared(k))
        .fold(Vec::new(), |mut kinds, k| {
            if !kinds.contains(&k) {
                kinds.push(k);
            }
            kinds
        });
    for kind in kinds {
        for cell in cells.iter_mut() {
            if cell.passages.is_empty() || stated(cell, kind) {
                continue;
            }
            let file = cell.passages[0].file.clone();
            let matters: Vec<String> = cell.passages.iter().map(|p| p.matter.clone()).collect();
            let shown: Vec<String> = cell.passages.iter().map(|p| p.record_id.clone()).collect();
            // The block still has to be about the clause, if less fully
            // than a passage found for itself.
            let found = records.iter().find_map(|r| {
                let candidate = r.source.file == file
                    && r.section == section
                    && matters.iter().any(|m| m == r.matter())
                    && !shown.contains(&r.id)
                    && quantity::extract(r.text()).iter().any(|q| q.kind == kind);
                let coverage = candidate
                    .then(|| question.coverage(&crate::answer::subject_text(r)))
                    .filter(|&c| c >= MIN_COVERAGE / 2.0)?;
                Some((r, coverage))
            });
            if let Some((record, coverage)) = found {
                let mut added = passage(record, coverage);
                added.added_for = Some(Aspect::of(kind));
                cell.passages.push(added);
            }
        }
    }
}

/// Presence, departments and numbers that differ between the row's cells.
fn mark_differences(row: &mut ClauseRow) {
    let present: Vec<bool> = row.cells.iter().map(|c| !c.passages.is_empty()).collect();
    let comparable = row.cells.iter().filter(|c| c.has_section).count();
    let with = present.iter().filter(|p| **p).count();
    if with < comparable {
        row.differences.push(Difference {
            aspect: Aspect::Presence,
            values: row
                .cells
                .iter()
                .map(|c| match (c.passages.is_empty(), c.has_section) {
                    (false, _) => vec!["有".to_string()],
                    (true, true) => vec!["无".to_string()],
                    (true, false) => vec!["无此章节".to_string()],
                })
                .collect(),
        });
    }
    // Departments of boundary rows.
    let departments: Vec<Vec<String>> = row
        .cells
        .iter()
        .map(|c| {
            let mut d: Vec<String> = c
                .passages
                .iter()
                .filter_map(|p| p.department.clone())
                .collect();
            d.sort();
            d.dedup();
            d
        })
        .collect();
    if differ(&departments) {
        mark_cells(row, &departments);
        row.differences.push(Difference {
            aspect: Aspect::Departments,
            values: departments,
        });
    }
    // Numbers, kind by kind.
    let mut kinds: Vec<QuantityKind> = row
        .cells
        .iter()
        .flat_map(|c| &c.passages)
        .flat_map(|p| &p.quantities)
        .map(|q| q.kind)
        .collect();
    kinds.sort();
    kinds.dedup();
    for kind in kinds {
        let values: Vec<Vec<String>> = row
            .cells
            .iter()
            .map(|c| {
                let mut v: Vec<String> = c
                    .passages
                    .iter()
                    .flat_map(|p| &p.quantities)
                    .filter(|q| q.kind == kind)
                    .map(|q| q.normalised.clone())
                    .collect();
                v.sort();
                v.dedup();
                v
            })
            .collect();
        if !differ(&values) {
            continue;
        }
        // A number differs where some other bureau stating this kind does
        // not state it.
        for (col, cell) in row.cells.iter_mut().enumerate() {
            for q in cell
                .passages
                .iter_mut()
                .flat_map(|p| &mut p.quantities)
                .filter(|q| q.kind == kind)
            {
                q.differs = values
                    .iter()
                    .enumerate()
                    .any(|(other, v)| other != col && !v.is_empty() && !v.contains(&q.normalised));
                cell.differs |= q.differs;
            }
        }
        row.differences.push(Difference {
            aspect: Aspect::of(kind),
            values,
        });
    }
}

/// Two or more bureaus state something, and not all the same.
fn differ(values: &[Vec<String>]) -> bool {
    let stated: Vec<&Vec<String>> = values.iter().filter(|v| !v.is_empty()).collect();
    stated.len() >= 2 && stated.iter().any(|v| *v != stated[0])
}

fn mark_cells(row: &mut ClauseRow, values: &[Vec<String>]) {
    for (col, cell) in row.cells.iter_mut().enumerate() {
        let mine = &values[col];
        if !mine.is_empty()
            && values
                .iter()
                .enumerate()
                .any(|(o, v)| o != col && !v.is_empty() && v != mine)
        {
            cell.differs = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{Bureau, Fields, Level, Source};
    use crate::tokenizer::{ChineseAnalyzer, Synonyms};

    fn record(file: &str, place: &str, section: SectionKind, heading: &str, text: &str) -> Record {
        let fields = match section {
            SectionKind::Duties => Fields::Duty {
                main_duty: heading.into(),
                work_item: text.into(),
                unit: String::new(),
                basis: String::new(),
                remark: String::new(),
            },
            _ => Fields::Prose {
                heading_path: vec![heading.into()],
                text: text.into(),
            },
        };
        Record {
            id: format!("{file}-{}-1-2", section.as_str()),
            bureau: Bureau {
                name: format!("{place}质量技术监督局"),
                place: place.into(),
                province: "河北省".into(),
                city: place.into(),
                county: None,
                level: Level::City,
            },
            section,
            fields,
            source: Source {
                file: format!("{file}.txt"),
                line_start: 1,
                line_end: 2,
                place: None,
            },
            inherited: Vec::new(),
        }
    }

    #[test]
    fn numbers_that_differ_are_marked_and_silent_lists_named() {
        let records = vec![
            record(
                "a",
                "甲市",
                SectionKind::Supervision,
                "电梯监督检查",
                "对电梯使用单位每年不少于1次。",
            ),
            record(
                "b",
                "乙市",
                SectionKind::Supervision,
                "电梯监督检查",
                "对电梯使用单位每年不少于2次。",
            ),
            record(
                "b",
                "乙市",
                SectionKind::Duties,
                "负责计量",
                "组织仲裁检定。",
            ),
            record(
                "c",
                "丙市",
                SectionKind::Supervision,
                "计量监督",
                "计量器具每年检定。",
            ),
        ];
        let analyzer = ChineseAnalyzer::default();
        let df = |t: &str| {
            records
                .iter()
                .filter(|r| r.contextual_text().contains(t))
                .count() as u64
        };
        let question = Question::analyse("电梯", &analyzer, &Synonyms::builtin(), &df, 4);
        let candidates = [(0, None), (1, None), (2, None), (3, None)];
        let c = compare_clause(&records, &question, "电梯", &candidates, None);
        assert_eq!(c.bureaus.len(), 3);
        assert_eq!(c.missing_in, ["丙市"]);
        assert_eq!(
            c.rows.len(),
            1,
            "only supervision carries 电梯: {:?}",
            c.rows
        );
        let row = &c.rows[0];
        assert_eq!(row.section, SectionKind::Supervision);
        let frequency = row
            .differences
            .iter()
            .find(|d| d.aspect == Aspect::Frequency)
            .expect("frequencies differ");
        assert_eq!(frequency.values[0], ["≥1次/年"]);
        assert_eq!(frequency.values[1], ["≥2次/年"]);
        assert!(frequency.values[2].is_empty());
        assert!(row.cells[0].differs && row.cells[1].differs);
        assert!(row.cells[0].passages[0].quantities[0].differs);
        // 丙市 has a supervision section that says nothing on it.
        let presence = row
            .differences
            .iter()
            .find(|d| d.aspect == Aspect::Presence);
        assert_eq!(presence.expect("presence").values[2], ["无"]);
    }
}
