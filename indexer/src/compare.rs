//! Comparing one matter across bureaus (issue 4): stub until implemented.

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::search::Engine;

/// One matter and the bureaus whose lists have it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatterGroup {
    pub matter: String,
    /// Per bureau: the matter name as that bureau writes it.
    pub bureaus: Vec<MatterInBureau>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatterInBureau {
    pub bureau: String,
    pub place: String,
    pub file: String,
    pub matter: String,
}

/// A department × bureau table for one matter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    pub query: String,
    /// Column headers.
    pub bureaus: Vec<MatterInBureau>,
    /// Bureaus (place names) whose lists have no such matter.
    pub missing_in: Vec<String>,
    pub rows: Vec<ComparisonRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComparisonRow {
    pub department: String,
    pub current_name: String,
    /// One cell per column of `bureaus`; `None` where that bureau assigns nothing.
    pub cells: Vec<Option<ComparisonCell>>,
    /// True when some bureaus assign this department and others do not.
    pub differs: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComparisonCell {
    pub duty: String,
    pub record_id: String,
    pub file: String,
    pub line_start: usize,
    pub line_end: usize,
}

/// The matters of all boundary tables, grouped across bureaus.
pub fn list_matters(_engine: &Engine) -> Vec<MatterGroup> {
    Vec::new()
}

/// Aligns one matter across bureaus.
pub fn compare(_engine: &Engine, matter: &str) -> Result<Comparison> {
    Ok(Comparison { query: matter.to_string(), bureaus: Vec::new(), missing_in: Vec::new(), rows: Vec::new() })
}
