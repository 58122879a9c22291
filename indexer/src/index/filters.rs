//! Result filters (--bureau, --province, --section, --department).
//!
//! One function, [`FilterKeys::of`], says which filter values match a record;
//! the index stores those keys and the vector search checks the same keys, so
//! both halves of hybrid search filter identically.

use serde::{Deserialize, Serialize};

use crate::departments::DepartmentTable;
use crate::record::{Record, SectionKind};

/// Filters of a search request; `None` means no filter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filters {
    pub bureau: Option<String>,
    pub province: Option<String>,
    pub section: Option<SectionKind>,
    pub department: Option<String>,
}

/// The keys a record answers to, per filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilterKeys {
    pub bureau: Vec<String>,
    pub province: Vec<String>,
    pub section: String,
    pub department: Vec<String>,
}

impl FilterKeys {
    pub fn of(record: &Record) -> FilterKeys {
        let b = &record.bureau;
        let stem = record
            .source
            .file
            .split(['_', '.'])
            .next()
            .unwrap_or_default();
        let mut bureau = vec![
            b.name.clone(),
            b.place.clone(),
            b.city.clone(),
            stem.to_string(),
            record.source.file.clone(),
        ];
        bureau.extend(b.county.clone());
        let province = vec![
            b.province.clone(),
            b.province.trim_end_matches('省').to_string(),
        ];
        let department = record
            .department()
            .map(|d| vec![d.as_written.clone(), d.canonical.clone(), d.current.clone()])
            .unwrap_or_default();
        FilterKeys {
            bureau: normalized(bureau),
            province: normalized(province),
            section: record.section.as_str().to_string(),
            department: normalized(department),
        }
    }
}

impl Filters {
    pub fn is_empty(&self) -> bool {
        self == &Filters::default()
    }

    /// The key a user's filter value is looked up by: department variants map
    /// to their canonical name, so `--department 市质监局` works.
    pub fn bureau_key(&self) -> Option<String> {
        self.bureau.as_deref().map(normalize)
    }

    pub fn province_key(&self) -> Option<String> {
        self.province.as_deref().map(normalize)
    }

    pub fn department_key(&self) -> Option<String> {
        self.department.as_deref().map(|d| {
            let table = DepartmentTable::builtin();
            normalize(table.canonical(d).unwrap_or(d))
        })
    }

    /// The same decision the index makes, for the vector half. Normalises
    /// the filter values on every call; a search resolves them once
    /// ([`Filters::resolve`]) and checks every candidate against that.
    pub fn matches(&self, keys: &FilterKeys) -> bool {
        self.resolve().matches(keys)
    }

    /// The filter values normalised once, to check many records against.
    pub fn resolve(&self) -> ResolvedFilters {
        ResolvedFilters {
            bureau: self.bureau_key(),
            province: self.province_key(),
            section: self.section,
            department: self.department_key(),
        }
    }
}

/// [`Filters`] with their values normalised (and departments resolved):
/// checking a record is then only comparisons.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResolvedFilters {
    bureau: Option<String>,
    province: Option<String>,
    section: Option<SectionKind>,
    department: Option<String>,
}

impl ResolvedFilters {
    pub fn is_empty(&self) -> bool {
        self == &ResolvedFilters::default()
    }

    pub fn matches(&self, keys: &FilterKeys) -> bool {
        let has = |wanted: &Option<String>, values: &[String]| {
            wanted.as_ref().is_none_or(|w| values.contains(w))
        };
        has(&self.bureau, &keys.bureau)
            && has(&self.province, &keys.province)
            && self.section.is_none_or(|s| s.as_str() == keys.section)
            && has(&self.department, &keys.department)
    }
}

fn normalize(value: &str) -> String {
    crate::tokenizer::fold(&crate::text::squash(value))
}

fn normalized(values: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = values
        .iter()
        .filter(|v| !v.is_empty())
        .map(|v| normalize(v))
        .collect();
    out.sort();
    out.dedup();
    out
}
