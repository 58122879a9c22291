//! Department names, resolved through one data table.
//!
//! The lists write one department many ways (质监局, 市质监局, 质量技术监督局,
//! 质监部门 …), and most of the departments were renamed or merged by the 2018
//! institutional reform, so a citizen asking today needs both the name in the
//! list and the name of the department that holds the duty now. All of that
//! knowledge lives in `data/departments.toml`, embedded at compile time so the
//! binary needs nothing at run time; this module only reads and applies it.

use std::collections::HashMap;
use std::sync::LazyLock;

use serde::Deserialize;

use crate::record::{Department, Level};

/// The table shipped with the binary.
const BUILTIN_TOML: &str = include_str!("../data/departments.toml");

/// One-character level prefixes: 省质监局, 市质监局, 县质监局, 区质监局.
const LEVEL_PREFIXES: [char; 4] = ['省', '市', '县', '区'];

/// Separator used when one cell names several departments jointly.
const JOINT_SEPARATOR: &str = "、";

/// Error in a department table: the builtin one is checked by the unit tests.
#[derive(Debug, thiserror::Error)]
pub enum TableError {
    #[error("department table is not valid TOML: {0}")]
    Parse(#[from] toml::de::Error),
    #[error("department table lists {0:?} twice")]
    Duplicate(String),
    #[error("department table: current_by_alias key {0:?} is not an alias of its department")]
    UnknownAlias(String),
}

/// One `[[department]]` of the TOML file; see the file's header for the fields.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    canonical: String,
    current: String,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    abbreviations: Vec<String>,
    #[serde(default)]
    english: Vec<String>,
    #[serde(default)]
    current_by_alias: HashMap<String, String>,
    #[serde(default)]
    note: Option<String>,
}

impl Entry {
    /// Every Chinese name of the entry, canonical first.
    fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.canonical.as_str())
            .chain(self.aliases.iter().map(String::as_str))
            .chain(self.abbreviations.iter().map(String::as_str))
    }

    /// The present-day holder of the duty, for the name actually written.
    fn current_for(&self, written: &str) -> &str {
        self.current_by_alias.get(written).unwrap_or(&self.current)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTable {
    #[serde(default)]
    ignore: Vec<String>,
    department: Vec<Entry>,
}

/// What a name in the lookup map stands for.
#[derive(Debug, Clone, Copy)]
enum Target {
    Entry(usize),
    /// A phrase that contains a department stem but names none (个体工商户).
    Ignore,
}

/// A name found by [`DepartmentTable::lookup`] or in running text.
#[derive(Debug, Clone, Copy)]
struct Hit<'t> {
    entry: usize,
    /// The table's spelling that matched, for `current_by_alias`.
    name: &'t str,
    /// The level prefix written in front of it, if any.
    prefix: Option<char>,
}

/// The department table: every known spelling → canonical short name and
/// post-2018 name.
#[derive(Debug)]
pub struct DepartmentTable {
    entries: Vec<Entry>,
    by_name: HashMap<String, Target>,
    /// Longest key of `by_name`, in chars: bounds the scan of running text.
    max_chars: usize,
    /// English phrases, normalised by [`normalize_english`], with their entry.
    english: Vec<(String, usize)>,
}

static BUILTIN: LazyLock<DepartmentTable> = LazyLock::new(|| {
    DepartmentTable::from_toml(BUILTIN_TOML).expect("indexer/data/departments.toml is valid")
});

impl DepartmentTable {
    /// The table embedded from `indexer/data/departments.toml`.
    pub fn builtin() -> &'static DepartmentTable {
        &BUILTIN
    }

    /// Parses and checks a table: a name may belong to one department only,
    /// otherwise resolution would depend on file order.
    ///
    /// # Errors
    /// Invalid TOML, a name listed twice, or a `current_by_alias` key that is
    /// not one of its department's aliases.
    pub fn from_toml(text: &str) -> Result<Self, TableError> {
        let raw: RawTable = toml::from_str(text)?;
        let mut by_name = HashMap::new();
        let mut english = Vec::new();
        for (i, entry) in raw.department.iter().enumerate() {
            for name in entry.names() {
                if by_name.insert(name.to_string(), Target::Entry(i)).is_some() {
                    return Err(TableError::Duplicate(name.to_string()));
                }
            }
            if let Some(key) = entry
                .current_by_alias
                .keys()
                .find(|k| !entry.aliases.contains(k))
            {
                return Err(TableError::UnknownAlias(key.clone()));
            }
            english.extend(entry.english.iter().map(|k| (normalize_english(k), i)));
        }
        for phrase in &raw.ignore {
            if by_name.insert(phrase.clone(), Target::Ignore).is_some() {
                return Err(TableError::Duplicate(phrase.clone()));
            }
        }
        let max_chars = by_name.keys().map(|k| k.chars().count()).max().unwrap_or(0);
        Ok(DepartmentTable {
            entries: raw.department,
            by_name,
            max_chars,
            english,
        })
    }

    /// Number of departments (canonical names).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Resolves a department cell of a boundary table. Never fails: an unknown
    /// name keeps its own (prefix-stripped) spelling as canonical and current.
    ///
    /// `issuer_level` decides what a prefix means: in a county or district list
    /// `市X局` is the city above (`upper_level`), in a city list it is the
    /// issuer's own level; `省X局` is above everyone but a province.
    pub fn resolve(&self, as_written: &str, issuer_level: Level) -> Department {
        let compact: String = as_written.chars().filter(|c| !c.is_whitespace()).collect();
        let department = |canonical: String, current: String, upper_level| Department {
            as_written: as_written.to_string(),
            canonical,
            current,
            upper_level,
        };
        if let Some(hit) = self.lookup(&compact) {
            let entry = &self.entries[hit.entry];
            return department(
                entry.canonical.clone(),
                entry.current_for(hit.name).to_string(),
                is_upper(hit.prefix, issuer_level),
            );
        }
        // A joint cell, 市公安局、市安监局、市质监局、市工商局等部门: keep every
        // department, joined, rather than pretend one of them is responsible.
        let mentions = self.mentions(&compact);
        if mentions.len() >= 2 {
            let mut canonical: Vec<&str> = Vec::new();
            let mut current: Vec<&str> = Vec::new();
            for m in &mentions {
                let entry = &self.entries[m.hit.entry];
                push_unique(&mut canonical, &entry.canonical);
                push_unique(&mut current, entry.current_for(m.hit.name));
            }
            return department(
                canonical.join(JOINT_SEPARATOR),
                current.join(JOINT_SEPARATOR),
                mentions
                    .iter()
                    .any(|m| is_upper(m.hit.prefix, issuer_level)),
            );
        }
        let (prefix, name) = split_level_prefix(&compact)
            .map_or((None, compact.as_str()), |(p, rest)| (Some(p), rest));
        department(
            name.to_string(),
            name.to_string(),
            is_upper(prefix, issuer_level),
        )
    }

    /// The canonical name of any spelling (市质监局, 质量技术监督局, 质监 …), for
    /// matching questions and answers; `None` when the table does not know it.
    pub fn canonical(&self, name: &str) -> Option<&str> {
        let compact: String = name.chars().filter(|c| !c.is_whitespace()).collect();
        self.lookup(&compact)
            .map(|hit| self.entries[hit.entry].canonical.as_str())
    }

    /// The department holding the duty today (any spelling is accepted);
    /// unknown names are their own.
    pub fn current_name<'a>(&'a self, canonical: &'a str) -> &'a str {
        self.lookup(canonical)
            .map_or(canonical, |hit| self.entries[hit.entry].current.as_str())
    }

    /// The table's remark on what the reform did to a department, if any.
    pub fn note(&self, canonical: &str) -> Option<&str> {
        self.lookup(canonical)
            .and_then(|hit| self.entries[hit.entry].note.as_deref())
    }

    /// Every canonical name, alias and abbreviation, for the tokenizer's dictionary.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().flat_map(Entry::names)
    }

    /// Department names in running text, leftmost and longest first, as byte
    /// ranges (including a level prefix written right before the name, 市质监局)
    /// with the canonical name.
    pub fn find_mentions(&self, text: &str) -> Vec<(usize, usize, &str)> {
        self.mentions(text)
            .into_iter()
            .map(|m| (m.start, m.end, self.entries[m.hit.entry].canonical.as_str()))
            .collect()
    }

    /// Canonical names whose English keywords occur in `text` as whole words;
    /// a longer phrase hides the shorter ones it contains ("industry and
    /// commerce bureau" is 工商局, not 商务局). In order of appearance.
    pub fn english_matches(&self, text: &str) -> Vec<&str> {
        let text = normalize_english(text);
        let mut found: Vec<(usize, usize, usize)> = Vec::new();
        for (keyword, entry) in &self.english {
            found.extend(
                text.match_indices(keyword.as_str())
                    .map(|(at, k)| (at, at + k.len(), *entry)),
            );
        }
        found.sort_by_key(|&(start, end, _)| (std::cmp::Reverse(end - start), start));
        let mut kept: Vec<(usize, usize, usize)> = Vec::new();
        for (start, end, entry) in found {
            // Spans share their padding spaces, so overlap means overlapping words.
            let overlaps = kept
                .iter()
                .any(|&(s, e, _)| start + 1 < e && s + 1 < end && (s, e) != (start, end));
            if !overlaps {
                kept.push((start, end, entry));
            }
        }
        kept.sort_by_key(|&(start, _, _)| start);
        let mut names = Vec::new();
        for (_, _, entry) in kept {
            push_unique(&mut names, self.entries[entry].canonical.as_str());
        }
        names
    }

    /// The department a whole name denotes: exact spelling, then without a
    /// parenthesised suffix (公安局（交警大队）), then without a level prefix,
    /// then without a place name (常德市质量技术监督局).
    fn lookup(&self, name: &str) -> Option<Hit<'_>> {
        if let Some(hit) = self.exact(name) {
            return Some(hit);
        }
        if let Some(open) = name.find(['（', '(']).filter(|&p| p > 0)
            && let Some(hit) = self.lookup(&name[..open])
        {
            return Some(hit);
        }
        if let Some((prefix, rest)) = split_level_prefix(name)
            && let Some(hit) = self.lookup(rest)
        {
            return Some(Hit {
                prefix: Some(prefix),
                ..hit
            });
        }
        let mut previous = None;
        for (at, c) in name.char_indices() {
            if let Some(p) = previous.filter(|p| LEVEL_PREFIXES.contains(p))
                && let Some(hit) = self.exact(&name[at..])
                && self.is_place(&name[..at])
            {
                return Some(Hit {
                    prefix: Some(p),
                    ..hit
                });
            }
            previous = Some(c);
        }
        None
    }

    /// A place name in front of a department (常德市, 石家庄市鹿泉区), as
    /// opposed to another department (市质监局、市工商局).
    fn is_place(&self, text: &str) -> bool {
        text.chars().all(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
            && self.mentions(text).is_empty()
    }

    fn exact(&self, name: &str) -> Option<Hit<'_>> {
        match self.by_name.get_key_value(name) {
            Some((key, Target::Entry(entry))) => Some(Hit {
                entry: *entry,
                name: key,
                prefix: None,
            }),
            _ => None,
        }
    }

    /// Leftmost-longest scan of running text over every name and ignore phrase.
    fn mentions(&self, text: &str) -> Vec<Mention<'_>> {
        let bounds: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| i)
            .chain([text.len()])
            .collect();
        let chars = bounds.len() - 1;
        let mut out: Vec<Mention<'_>> = Vec::new();
        let mut i = 0;
        while i < chars {
            let longest = (1..=self.max_chars.min(chars - i)).rev().find_map(|len| {
                let (key, target) = self
                    .by_name
                    .get_key_value(&text[bounds[i]..bounds[i + len]])?;
                Some((len, key.as_str(), *target))
            });
            match longest {
                Some((len, name, Target::Entry(entry))) => {
                    let consumed = out.last().map_or(0, |m| m.end);
                    let before = (i > 0 && bounds[i - 1] >= consumed)
                        .then(|| text[bounds[i - 1]..bounds[i]].chars().next())
                        .flatten()
                        .filter(|c| LEVEL_PREFIXES.contains(c));
                    let start = if before.is_some() {
                        bounds[i - 1]
                    } else {
                        bounds[i]
                    };
                    out.push(Mention {
                        start,
                        end: bounds[i + len],
                        hit: Hit {
                            entry,
                            name,
                            prefix: before,
                        },
                    });
                    i += len;
                }
                Some((len, _, Target::Ignore)) => i += len,
                None => i += 1,
            }
        }
        out
    }
}

/// A department name in running text.
#[derive(Debug)]
struct Mention<'t> {
    start: usize,
    end: usize,
    hit: Hit<'t>,
}

/// Splits 市 off 市质监局, but not off 市场监管局, 县级…, 区域….
fn split_level_prefix(name: &str) -> Option<(char, &str)> {
    let mut chars = name.chars();
    let first = chars.next().filter(|c| LEVEL_PREFIXES.contains(c))?;
    let rest = chars.as_str();
    let keeps_prefix =
        rest.starts_with('级') || name.starts_with("市场") || name.starts_with("区域");
    (rest.chars().count() >= 2 && !keeps_prefix).then_some((first, rest))
}

/// Whether a prefix names a level above the issuer.
fn is_upper(prefix: Option<char>, issuer: Level) -> bool {
    match prefix {
        Some('省') => issuer != Level::Province,
        Some('市') => issuer.is_below_city(),
        _ => false,
    }
}

/// Lower-case words separated and surrounded by single spaces, with a plural
/// `s` dropped, so that keywords match whole words only ("aic" not in "mosaic").
fn normalize_english(text: &str) -> String {
    let lower = text.to_lowercase();
    let mut out = String::from(" ");
    for word in lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let word = match word.strip_suffix('s') {
            Some(stem) if word.len() > 3 && !word.ends_with("ss") => stem,
            _ => word,
        };
        out.push_str(word);
        out.push(' ');
    }
    out
}

fn push_unique<'a>(list: &mut Vec<&'a str>, item: &'a str) {
    if !list.contains(&item) {
        list.push(item);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_table_parses() {
        let table = DepartmentTable::builtin();
        assert!(table.len() > 30);
        assert!(table.names().any(|n| n == "质量技术监督局"));
    }

    #[test]
    fn duplicate_names_are_rejected() {
        let toml = r#"
            [[department]]
            canonical = "甲局"
            current = "甲局"
            aliases = ["乙局"]
            [[department]]
            canonical = "乙局"
            current = "乙局"
        "#;
        assert!(
            matches!(DepartmentTable::from_toml(toml), Err(TableError::Duplicate(n)) if n == "乙局")
        );
    }

    #[test]
    fn level_prefix_is_not_split_inside_names() {
        assert_eq!(split_level_prefix("市质监局"), Some(('市', "质监局")));
        assert_eq!(split_level_prefix("市场监管局"), None);
        assert_eq!(split_level_prefix("县级质监部门"), None);
        assert_eq!(split_level_prefix("市局"), None);
    }

    #[test]
    fn place_names_and_suffixes_are_stripped() {
        let table = DepartmentTable::builtin();
        let d = table.resolve("常德市质量技术监督局", Level::County);
        assert_eq!((d.canonical.as_str(), d.upper_level), ("质监局", true));
        let d = table.resolve("衡水市市场监督管理局", Level::City);
        assert_eq!((d.canonical.as_str(), d.upper_level), ("市场监管局", false));
        let d = table.resolve("质监局（打假工作领导小组\n办公室）", Level::District);
        assert_eq!(d.canonical, "质监局");
        let d = table.resolve("市质监局、市工商局", Level::County);
        assert_eq!(
            (d.canonical.as_str(), d.upper_level),
            ("质监局、工商局", true)
        );
    }

    #[test]
    fn unknown_names_keep_their_spelling() {
        let d = DepartmentTable::builtin().resolve("市气象 局", Level::County);
        assert_eq!(
            (d.canonical.as_str(), d.current.as_str(), d.upper_level),
            ("气象局", "气象局", true)
        );
        assert_eq!(d.as_written, "市气象 局");
    }

    #[test]
    fn alias_specific_successor() {
        let d = DepartmentTable::builtin().resolve("公安消防部门", Level::City);
        assert_eq!(
            (d.canonical.as_str(), d.current.as_str()),
            ("公安局", "消防救援机构")
        );
    }

    #[test]
    fn ignore_phrases_hide_stems() {
        let table = DepartmentTable::builtin();
        assert!(table.find_mentions("个体工商户的营业执照").is_empty());
        assert_eq!(table.find_mentions("报工商部门").len(), 1);
    }

    #[test]
    fn english_keywords_match_whole_words() {
        let table = DepartmentTable::builtin();
        assert_eq!(
            table.english_matches("the Industry and Commerce Bureau"),
            vec!["工商局"]
        );
        assert!(table.english_matches("a mosaic").is_empty());
        assert_eq!(
            table.english_matches("Police or quality supervision?"),
            vec!["公安局", "质监局"]
        );
    }
}
