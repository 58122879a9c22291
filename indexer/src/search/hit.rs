//! The hit: one ranked passage as `qsearch --json`, the HTTP API and
//! `qsearch batch` return it (the evaluation reads these names).

use serde::{Deserialize, Serialize};

use crate::extract::MAX_FIELD_CHARS;
use crate::record::{Record, Source};
use crate::search::snippet::Snippet;

/// Retrieval mode.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Bm25,
    Semantic,
    #[default]
    Hybrid,
}

impl std::str::FromStr for Mode {
    type Err = crate::record::UnknownValue;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Mode::parse(s.trim()).ok_or_else(|| crate::record::UnknownValue {
            what: "mode",
            value: s.to_string(),
            possible: Mode::ALL.iter().map(|m| m.as_str()).collect(),
        })
    }
}

impl Mode {
    pub fn parse(s: &str) -> Option<Mode> {
        match s.to_ascii_lowercase().as_str() {
            "bm25" | "keyword" => Some(Mode::Bm25),
            "semantic" | "vector" => Some(Mode::Semantic),
            "hybrid" => Some(Mode::Hybrid),
            _ => None,
        }
    }

    pub const ALL: [Mode; 3] = [Mode::Bm25, Mode::Semantic, Mode::Hybrid];

    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Bm25 => "bm25",
            Mode::Semantic => "semantic",
            Mode::Hybrid => "hybrid",
        }
    }
}

/// How a hit got its rank (`--explain`).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Explain {
    pub bm25_rank: Option<usize>,
    pub bm25_score: Option<f32>,
    pub vector_rank: Option<usize>,
    pub cosine: Option<f32>,
    pub fused_score: f32,
}

/// One ranked passage.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    pub rank: usize,
    pub score: f32,
    pub id: String,
    /// Issuing bureau's full name.
    pub bureau: String,
    /// Short place label of the bureau (鹿泉区, 常德市 …).
    pub place: String,
    pub section: String,
    pub matter: String,
    /// Department as written (boundary rows), else the responsible office.
    pub department: Option<String>,
    pub department_canonical: Option<String>,
    pub department_current: Option<String>,
    /// Public-service phone number, where the row has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    pub text: String,
    /// The best matching fragment, with the matched words as ranges.
    pub snippet: Snippet,
    pub source: Source,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explain: Option<Explain>,
    /// Canonical names of the laws, regulations and standards the record
    /// cites (`laws.rs`); omitted when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub laws: Vec<String>,
}

impl Hit {
    pub fn new(rank: usize, score: f32, record: &Record, snippet: Snippet) -> Hit {
        let dept = record.department();
        let department = match dept {
            Some(d) => Some(d.as_written.clone()),
            None => Some(record.unit().to_string()).filter(|u| !u.is_empty()),
        };
        Hit {
            rank,
            score,
            id: record.id.clone(),
            bureau: record.bureau.name.clone(),
            place: record.bureau.place.clone(),
            section: record.section.as_str().to_string(),
            matter: bounded(record.matter()),
            department,
            department_canonical: dept.map(|d| d.canonical.clone()),
            department_current: dept.map(|d| d.current.clone()),
            phone: match &record.fields {
                crate::record::Fields::Service { phone, .. } if !phone.is_empty() => {
                    Some(phone.clone())
                }
                _ => None,
            },
            text: bounded(record.text()),
            snippet,
            source: record.source.clone(),
            explain: None,
            laws: Vec::new(),
        }
    }
}

/// A field as a hit shows it: at most [`MAX_FIELD_CHARS`] characters.
/// Records are cut to that when they are read (with a warning), so this only
/// keeps a response bounded whatever record it is given.
fn bounded(text: &str) -> String {
    crate::text::prefix_chars(text, MAX_FIELD_CHARS).to_string()
}
