//! Readers: seed text → sections → tables and prose blocks.
//!
//! Each encoding has a reader that only knows how cells and rows look in that
//! encoding; everything else (section splitting, prose grouping, merged
//! cells, records) is shared.

pub mod encoding;
pub mod pdf_columns;
pub mod prose;
pub mod sections;
pub mod tab_cells;
pub mod table;
pub mod tsv;

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::record::{LineSpan, SectionKind};
pub use table::{Cell, Column, ProseBlock, Row, Table};

/// One line of a seed file with its 1-based number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line<'a> {
    pub number: usize,
    pub text: &'a str,
}

impl<'a> Line<'a> {
    pub fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }
}

/// Splits text into numbered lines exactly as `sed -n` counts them.
pub fn numbered_lines(text: &str) -> Vec<Line<'_>> {
    text.split('\n')
        .enumerate()
        .map(|(i, t)| Line {
            number: i + 1,
            text: t.strip_suffix('\r').unwrap_or(t),
        })
        .collect()
}

/// How a document encodes its tables (see `seeds/FORMATS.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Encoding {
    /// A: one tab-prefixed line per table cell (Word export).
    #[serde(rename = "tab_cells", alias = "A")]
    TabCells,
    /// B: one TSV line per row, cells may hold `<p>` markup (HTML export).
    #[serde(rename = "tsv", alias = "B")]
    Tsv,
    /// C: PDF text with table columns wrapped into interleaved short lines.
    #[serde(rename = "pdf_columns", alias = "C")]
    PdfColumns,
    /// D: numbered prose only.
    #[serde(rename = "prose", alias = "D")]
    Prose,
    /// E: extracted from an original document (Word, Excel, web page, PDF)
    /// by `crate::formats`: one line per paragraph, one tab-separated line
    /// per table row.
    #[serde(rename = "extracted", alias = "E")]
    Extracted,
}

impl Encoding {
    pub fn letter(self) -> char {
        match self {
            Encoding::TabCells => 'A',
            Encoding::Tsv => 'B',
            Encoding::PdfColumns => 'C',
            Encoding::Prose => 'D',
            Encoding::Extracted => 'E',
        }
    }

    /// The name a catalog's `encoding` key uses.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::TabCells => "tab_cells",
            Encoding::Tsv => "tsv",
            Encoding::PdfColumns => "pdf_columns",
            Encoding::Prose => "prose",
            Encoding::Extracted => "extracted",
        }
    }

    fn read_table(self, kind: SectionKind, lines: &[Line], warnings: &mut Vec<Warning>) -> Table {
        match self {
            Encoding::TabCells => tab_cells::read_table(kind, lines, warnings),
            Encoding::Tsv | Encoding::Extracted => tsv::read_table(kind, lines, warnings),
            Encoding::PdfColumns => pdf_columns::read_table(kind, lines, warnings),
            Encoding::Prose => {
                let line = lines.first().map_or(0, |l| l.number);
                warnings.push(Warning::new(
                    line,
                    "a table section in a prose-only document; read as prose",
                ));
                Table::new(kind)
            }
        }
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.letter(), self.name())
    }
}

/// Something a reader could not make sense of. Reported, never fatal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    pub line: usize,
    pub message: String,
}

impl Warning {
    pub fn new(line: usize, message: impl Into<String>) -> Self {
        Warning {
            line,
            message: message.into(),
        }
    }
}

/// The body of a section after reading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SectionBody {
    Table(Table),
    Prose(Vec<ProseBlock>),
}

/// A top-level section of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadSection {
    pub kind: SectionKind,
    pub title: String,
    pub heading: LineSpan,
    pub body: SectionBody,
}

/// A whole document read into the intermediate model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadDocument {
    pub sections: Vec<ReadSection>,
    pub warnings: Vec<Warning>,
}

/// Reads one document: splits it into sections, then reads each section's
/// table with the encoding's reader and each prose section with the shared
/// prose reader. Never panics; what cannot be read becomes a warning.
pub fn read_document(text: &str, encoding: Encoding) -> ReadDocument {
    let lines = numbered_lines(text);
    let mut warnings = Vec::new();
    let found = sections::split(&lines, encoding);
    if found.is_empty() {
        warnings.push(Warning::new(1, "no section heading found (部门职责, 职责边界, 公共服务事项, 事中事后监管制度, 责任追究机制)"));
    }
    let sections = found
        .into_iter()
        .map(|s| {
            let body_lines = &lines[s.body.clone()];
            let body = if s.kind.is_table() && encoding != Encoding::Prose {
                let mut table = encoding.read_table(s.kind, body_lines, &mut warnings);
                table.carry_down_merged_cells();
                SectionBody::Table(table)
            } else {
                SectionBody::Prose(prose::read_blocks(body_lines, encoding, &mut warnings))
            };
            ReadSection {
                kind: s.kind,
                title: s.title,
                heading: s.heading,
                body,
            }
        })
        .collect();
    ReadDocument { sections, warnings }
}
