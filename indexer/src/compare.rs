//! Comparing one matter across bureaus: the boundary tables' matters are
//! grouped by name (烟花爆竹安全监管 = 烟花爆竹监管), a request is matched to a
//! group by name, then by the list terms its words stand for (鞭炮 →
//! 烟花爆竹), then by meaning when the embedding model is loaded, and the
//! group becomes a departments × bureaus table.

use serde::{Deserialize, Serialize};

use crate::departments::DepartmentTable;
use crate::error::{Error, Result};
use crate::record::Record;
use crate::record::SectionKind;
use crate::tokenizer::Synonyms;

pub mod clause;
pub mod quantity;

/// One matter and the bureaus whose lists have it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatterGroup {
    pub matter: String,
    /// Per bureau: the matter name as that bureau writes it.
    pub bureaus: Vec<MatterInBureau>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatterInBureau {
    pub bureau: String,
    pub place: String,
    pub file: String,
    pub matter: String,
}

/// A department × bureau table for one matter.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    pub query: String,
    /// How the query found the matter: `name`, `synonym` or `meaning`.
    pub matched_by: MatchedBy,
    /// Column headers.
    pub bureaus: Vec<MatterInBureau>,
    /// Bureaus (place names) whose lists have no such matter.
    pub missing_in: Vec<String>,
    pub rows: Vec<ComparisonRow>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComparisonRow {
    pub department: String,
    pub current_name: String,
    /// One cell per column of `bureaus`; `None` where that bureau assigns nothing.
    pub cells: Vec<Option<ComparisonCell>>,
    /// True when some bureaus assign this department and others do not.
    pub differs: bool,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComparisonCell {
    pub duty: String,
    pub record_id: String,
    pub file: String,
    pub line_start: usize,
    pub line_end: usize,
}

/// How a compare request found its matter.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchedBy {
    /// The matter's name is like the query (containment or shared bigrams).
    Name,
    /// The name is like a list term the query's words stand for (鞭炮 → 烟花爆竹).
    Synonym,
    /// The embedding of the name is the nearest to the query's.
    Meaning,
}

/// Cosine between a query and a matter name, both embedded as queries, at
/// which the nearest matter is accepted. Below it the request is reported
/// as unknown rather than answered with an unrelated matter.
const SAME_MEANING: f32 = 0.88;

/// Generic words that name the kind of oversight, not the matter itself:
/// 烟花爆竹安全监管 and 烟花爆竹监管 are the same matter.
const GENERIC_SUFFIXES: [&str; 10] = [
    "安全监督管理",
    "监督管理",
    "安全监管",
    "安全管理",
    "监管工作",
    "监督检查",
    "监管",
    "管理",
    "工作",
    "监督",
];

/// Character-bigram Dice similarity at which two matter cores are one matter.
const SAME_MATTER: f32 = 0.6;

/// A matter name without its generic suffix.
pub fn matter_core(matter: &str) -> String {
    let mut core = crate::tokenizer::fold(&crate::text::squash(matter));
    let core_before = core.clone();
    for suffix in GENERIC_SUFFIXES {
        if let Some(stripped) = core.strip_suffix(suffix)
            && stripped.chars().count() >= 2
        {
            core = stripped.to_string();
            break;
        }
    }
    if core.is_empty() { core_before } else { core }
}

fn bigrams(s: &str) -> Vec<(char, char)> {
    let chars: Vec<char> = s.chars().collect();
    chars.windows(2).map(|w| (w[0], w[1])).collect()
}

/// Lexical similarity of two matter cores: containment counts as equal,
/// otherwise the Dice coefficient of character bigrams.
pub fn similarity(a: &str, b: &str) -> f32 {
    if a == b
        || (a.chars().count() >= 2 && b.contains(a))
        || (b.chars().count() >= 2 && a.contains(b))
    {
        return 1.0;
    }
    let (x, y) = (bigrams(a), bigrams(b));
    if x.is_empty() || y.is_empty() {
        return 0.0;
    }
    let common = x.iter().filter(|g| y.contains(g)).count();
    2.0 * common as f32 / (x.len() + y.len()) as f32
}

/// Whether two matter names are one matter (烟花爆竹安全监管, 烟花爆竹监管).
pub fn same_matter(a: &str, b: &str) -> bool {
    a == b || similarity(&matter_core(a), &matter_core(b)) >= SAME_MATTER
}

/// Embeds a text as a query vector; `None` when it cannot.
pub type EmbedQuery<'a> = &'a dyn Fn(&str) -> Option<Vec<f32>>;

/// What a comparison reads: the records, the synonym list, and the
/// embedding model when it is loaded (a pure function of these; the engine
/// supplies them).
pub struct Sources<'a> {
    pub records: &'a [Record],
    pub synonyms: &'a Synonyms,
    /// Embeds a text as a query; `None` without the model.
    pub embed: Option<EmbedQuery<'a>>,
}

/// The matters of all boundary tables, grouped across bureaus.
pub fn list_matters(records: &[Record]) -> Vec<MatterGroup> {
    let mut groups: Vec<(String, MatterGroup)> = Vec::new();
    for record in records
        .iter()
        .filter(|r| r.section == SectionKind::Boundary)
    {
        let core = matter_core(record.matter());
        let entry = MatterInBureau {
            bureau: record.bureau.name.clone(),
            place: record.bureau.place.clone(),
            file: record.source.file.clone(),
            matter: record.matter().to_string(),
        };
        match groups
            .iter_mut()
            .find(|(c, _)| similarity(c, &core) >= SAME_MATTER)
        {
            Some((_, group)) => {
                if !group
                    .bureaus
                    .iter()
                    .any(|b| b.file == entry.file && b.matter == entry.matter)
                {
                    group.bureaus.push(entry);
                }
            }
            None => groups.push((
                core,
                MatterGroup {
                    matter: record.matter().to_string(),
                    bureaus: vec![entry],
                },
            )),
        }
    }
    groups.into_iter().map(|(_, g)| g).collect()
}

/// Aligns one matter across bureaus: the best-matching matter group, one
/// row per canonical department, one column per bureau.
pub fn compare(sources: &Sources, matter: &str) -> Result<Comparison> {
    let groups = list_matters(sources.records);
    let Some((group, matched_by)) = find_group(sources, &groups, matter) else {
        let hint = if sources.embed.is_some() {
            ""
        } else {
            " (matching by meaning needs the embedding model)"
        };
        return Err(Error::Query(format!(
            "no boundary table has a matter like '{matter}'{hint}; `qsearch compare` lists them"
        )));
    };
    let mut columns: Vec<MatterInBureau> = Vec::new();
    for b in &group.bureaus {
        if !columns.iter().any(|c| c.file == b.file) {
            columns.push(b.clone());
        }
    }
    columns.sort_by(|a, b| a.file.cmp(&b.file));
    let table = DepartmentTable::builtin();
    let mut rows: Vec<ComparisonRow> = Vec::new();
    for record in sources
        .records
        .iter()
        .filter(|r| r.section == SectionKind::Boundary)
    {
        let Some(col) = columns.iter().position(|c| {
            c.file == record.source.file
                && group
                    .bureaus
                    .iter()
                    .any(|b| b.file == c.file && b.matter == record.matter())
        }) else {
            continue;
        };
        let Some(dept) = record.department() else {
            continue;
        };
        let name = if dept.canonical.is_empty() {
            JOINT.to_string()
        } else {
            dept.canonical.clone()
        };
        let row = match rows.iter().position(|r| r.department == name) {
            Some(i) => &mut rows[i],
            None => {
                let current_name = table.current_name(&name).to_string();
                rows.push(ComparisonRow {
                    department: name,
                    current_name,
                    cells: vec![None; columns.len()],
                    differs: false,
                });
                rows.last_mut().expect("just pushed")
            }
        };
        if row.cells[col].is_none() {
            row.cells[col] = Some(ComparisonCell {
                duty: shorten(record.text(), CELL_CHARS),
                record_id: record.id.clone(),
                file: record.source.file.clone(),
                line_start: record.source.line_start,
                line_end: record.source.line_end,
            });
        }
    }
    for row in &mut rows {
        row.differs = row.cells.iter().any(Option::is_none);
    }
    rows.sort_by_key(|r| std::cmp::Reverse(r.cells.iter().filter(|c| c.is_some()).count()));
    let mut missing_in: Vec<String> = Vec::new();
    for r in sources.records {
        if !columns.iter().any(|c| c.file == r.source.file) && !missing_in.contains(&r.bureau.place)
        {
            missing_in.push(r.bureau.place.clone());
        }
    }
    Ok(Comparison {
        query: matter.to_string(),
        matched_by,
        bureaus: columns,
        missing_in,
        rows,
    })
}

/// The group a request means: by name, then by the list terms of its
/// synonyms, then by meaning.
fn find_group<'g>(
    sources: &Sources,
    groups: &'g [MatterGroup],
    matter: &str,
) -> Option<(&'g MatterGroup, MatchedBy)> {
    if let Some(group) = by_name(groups, &matter_core(matter)) {
        return Some((group, MatchedBy::Name));
    }
    for term in sources.synonyms.document_terms(matter) {
        if let Some(group) = by_name(groups, &matter_core(&term)) {
            return Some((group, MatchedBy::Synonym));
        }
    }
    by_meaning(sources, groups, matter).map(|g| (g, MatchedBy::Meaning))
}

/// The group with the most similar name, if similar enough; ties go to the
/// group present in more bureaus.
fn by_name<'g>(groups: &'g [MatterGroup], wanted: &str) -> Option<&'g MatterGroup> {
    groups
        .iter()
        .map(|g| {
            let best = g
                .bureaus
                .iter()
                .map(|b| similarity(&matter_core(&b.matter), wanted))
                .fold(0.0, f32::max);
            (g, best)
        })
        .filter(|(_, s)| *s >= SAME_MATTER)
        .max_by(|a, b| {
            a.1.total_cmp(&b.1)
                .then(b.0.bureaus.len().cmp(&a.0.bureaus.len()))
        })
        .map(|(g, _)| g)
}

/// The group whose matter name is nearest in meaning, when the model is
/// loaded and the nearest is close enough.
fn by_meaning<'g>(
    sources: &Sources,
    groups: &'g [MatterGroup],
    matter: &str,
) -> Option<&'g MatterGroup> {
    let embed = sources.embed?;
    let query = embed(matter)?;
    let mut best: Option<(&MatterGroup, f32)> = None;
    let mut embedded: Vec<&str> = Vec::new();
    for group in groups {
        for name in &group.bureaus {
            // Bureaus often share a matter's name: embed each name once.
            if embedded.contains(&name.matter.as_str()) {
                continue;
            }
            embedded.push(&name.matter);
            let vector = embed(&name.matter)?;
            let cosine = crate::embed::vector_index::dot(&query, &vector);
            if best.is_none_or(|(_, b)| cosine > b) {
                best = Some((group, cosine));
            }
        }
    }
    best.filter(|(_, cosine)| *cosine >= SAME_MEANING)
        .map(|(g, _)| g)
}

/// Row name for a joint duty shared by several departments.
pub const JOINT: &str = "多部门联合";
const CELL_CHARS: usize = 40;

fn shorten(text: &str, chars: usize) -> String {
    let short: String = text.chars().take(chars).collect();
    if short.len() < text.len() {
        format!("{short}…")
    } else {
        short
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_generic_suffixes() {
        assert_eq!(matter_core("烟花爆竹安全监管"), "烟花爆竹");
        assert_eq!(matter_core("烟花爆竹监管"), "烟花爆竹");
        assert_eq!(matter_core("危险化学品安全管理"), "危险化学品");
    }

    #[test]
    fn similar_names_are_one_matter() {
        assert!(similarity("危险化学品", "危险化学品") >= SAME_MATTER);
        assert!(similarity("食品相关产品", "食品安全") < SAME_MATTER);
        assert!(same_matter("烟花爆竹安全监管", "烟花爆竹监管"));
        assert!(!same_matter("烟花爆竹安全监管", "医疗器械使用环节监管"));
    }
}
