//! Where a line of extracted text was in the original document.
//!
//! Text exports are cited by line; originals by what a reader of the
//! original can find: the page of a PDF, the sheet and row of a workbook,
//! the table and row or the paragraph of a Word document or web page.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A place in an original document. Fields that do not apply are `None`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Place {
    /// 1-based page of a PDF.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// Worksheet name of a workbook.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// 1-based table of a Word document or web page, in document order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<u32>,
    /// 1-based row: of the table, or of the sheet as Excel numbers it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row: Option<u32>,
    /// 1-based paragraph outside tables, in document order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paragraph: Option<u32>,
}

impl Place {
    pub fn page(page: u32) -> Place {
        Place {
            page: Some(page),
            ..Place::default()
        }
    }

    pub fn table_row(table: u32, row: u32) -> Place {
        Place {
            table: Some(table),
            row: Some(row),
            ..Place::default()
        }
    }

    pub fn sheet_row(sheet: &str, row: u32) -> Place {
        Place {
            sheet: Some(sheet.to_string()),
            row: Some(row),
            ..Place::default()
        }
    }

    pub fn paragraph(paragraph: u32) -> Place {
        Place {
            paragraph: Some(paragraph),
            ..Place::default()
        }
    }
}

/// As a Chinese reader cites it: `第12页`, `工作表「职责边界」第5行`,
/// `表3 第5行`, `第7段`.
impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<String> = Vec::new();
        if let Some(page) = self.page {
            parts.push(format!("第{page}页"));
        }
        if let Some(table) = self.table {
            parts.push(format!("表{table}"));
        }
        match (&self.sheet, self.row) {
            (Some(sheet), Some(row)) => parts.push(format!("工作表「{sheet}」第{row}行")),
            (Some(sheet), None) => parts.push(format!("工作表「{sheet}」")),
            (None, Some(row)) => parts.push(format!("第{row}行")),
            (None, None) => {}
        }
        if let Some(paragraph) = self.paragraph {
            parts.push(format!("第{paragraph}段"));
        }
        f.write_str(&parts.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cites_as_a_reader_of_the_original_would() {
        assert_eq!(Place::page(12).to_string(), "第12页");
        assert_eq!(Place::table_row(3, 5).to_string(), "表3 第5行");
        assert_eq!(
            Place::sheet_row("职责边界", 5).to_string(),
            "工作表「职责边界」第5行"
        );
        assert_eq!(Place::paragraph(7).to_string(), "第7段");
    }
}
