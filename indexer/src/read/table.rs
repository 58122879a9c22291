//! The intermediate table model all four readers produce.
//!
//! Readers only have to recognise cells and rows in their own encoding; they
//! never build records. [`Table::carry_down_merged_cells`] and
//! `crate::extract` are shared, so the four encodings cannot drift apart in
//! how merged cells, spans or ids are treated.

use crate::record::{LineSpan, SectionKind};

/// A logical column, identified by its header text rather than its position,
/// because the same section has different column layouts in different lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    Number,
    MainDuty,
    WorkItem,
    Unit,
    Basis,
    Remark,
    Matter,
    Department,
    Duty,
    Case,
    Service,
    Content,
    Phone,
}

impl Column {
    /// Maps a header cell (whitespace ignored) to its column.
    pub fn from_header(header: &str) -> Option<Column> {
        let h: String = header.chars().filter(|c| !c.is_whitespace()).collect();
        let column = match h.as_str() {
            "序号" => Column::Number,
            "主要职责" => Column::MainDuty,
            "具体工作事项" | "具体责任事项" => Column::WorkItem,
            "责任科室" | "责任股室" => Column::Unit,
            "法律依据" | "相关依据" | "追责依据及追责情形" => Column::Basis,
            "备注" => Column::Remark,
            "管理事项" => Column::Matter,
            "相关部门" => Column::Department,
            "职责分工" | "职责分工及协调配合机制" => Column::Duty,
            "案例" | "事例" => Column::Case,
            "服务事项" => Column::Service,
            "主要内容" => Column::Content,
            "联系电话" => Column::Phone,
            _ if h.starts_with("承办") => Column::Unit,
            _ => return None,
        };
        Some(column)
    }

    /// The columns of a header row, when every cell of the row is a known
    /// header; page-break repeats of the header are recognised the same way.
    pub fn header_row<'a>(cells: impl IntoIterator<Item = &'a str>) -> Option<Vec<Column>> {
        let columns: Option<Vec<Column>> = cells.into_iter().map(Column::from_header).collect();
        columns.filter(|c| c.len() >= 3)
    }

    /// Columns whose cell is merged vertically across a matter's sub-rows:
    /// only the first sub-row carries them.
    pub fn is_merged_down(self) -> bool {
        matches!(
            self,
            Column::Number | Column::MainDuty | Column::Matter | Column::Basis | Column::Case
        )
    }

    /// The column that tells a new logical row from a sub-row.
    fn is_row_key(self) -> bool {
        matches!(
            self,
            Column::Number | Column::MainDuty | Column::Matter | Column::Service
        )
    }
}

/// One cell: text as read (not yet cleaned) and the lines it came from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Cell {
    pub text: String,
    /// `None` for an empty cell, or one whose value was carried down.
    pub span: Option<LineSpan>,
}

impl Cell {
    pub fn new(text: impl Into<String>, span: LineSpan) -> Self {
        Cell {
            text: text.into(),
            span: Some(span),
        }
    }

    pub fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }
}

/// One table row, cells keyed by column.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Row {
    pub cells: Vec<(Column, Cell)>,
}

impl Row {
    pub fn cell(&self, column: Column) -> Option<&Cell> {
        self.cells
            .iter()
            .find(|(c, _)| *c == column)
            .map(|(_, cell)| cell)
    }

    /// Text of a column, empty when absent.
    pub fn text(&self, column: Column) -> &str {
        self.cell(column).map(|c| c.text.as_str()).unwrap_or("")
    }

    pub fn set(&mut self, column: Column, cell: Cell) {
        match self.cells.iter_mut().find(|(c, _)| *c == column) {
            Some((_, existing)) => *existing = cell,
            None => self.cells.push((column, cell)),
        }
    }

    /// Lines covered by the row's own (not carried-down) cells.
    pub fn span(&self) -> Option<LineSpan> {
        self.cells
            .iter()
            .filter_map(|(_, c)| c.span)
            .reduce(LineSpan::union)
    }

    /// Lines of the listed columns only, for a record that cites a part of a row.
    pub fn span_of(&self, columns: &[Column]) -> Option<LineSpan> {
        self.cells
            .iter()
            .filter(|(c, cell)| columns.contains(c) && !cell.is_blank())
            .filter_map(|(_, cell)| cell.span)
            .reduce(LineSpan::union)
    }

    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(|(_, c)| c.is_blank())
    }

    fn starts_new_entry(&self) -> bool {
        self.cells
            .iter()
            .any(|(c, cell)| c.is_row_key() && !cell.is_blank())
    }
}

/// A table of one section, header rows already removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub kind: SectionKind,
    pub rows: Vec<Row>,
}

impl Table {
    pub fn new(kind: SectionKind) -> Self {
        Table {
            kind,
            rows: Vec::new(),
        }
    }

    /// Fills vertically merged cells (序号, 主要职责, 管理事项, 依据, 案例) of
    /// sub-rows from the row above. The carried cell keeps no span, so a
    /// sub-row's provenance stays its own lines.
    pub fn carry_down_merged_cells(&mut self) {
        let mut previous: Option<Row> = None;
        for row in &mut self.rows {
            if let Some(prev) = &previous
                && !row.starts_new_entry()
            {
                for (column, cell) in &prev.cells {
                    let missing = row.cell(*column).is_none_or(Cell::is_blank);
                    if column.is_merged_down() && missing {
                        row.set(
                            *column,
                            Cell {
                                text: cell.text.clone(),
                                span: None,
                            },
                        );
                    }
                }
            }
            previous = Some(row.clone());
        }
    }
}

/// One group of prose under its headings, ready to become a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProseBlock {
    /// Subsection heading first, then inner headings.
    pub heading_path: Vec<String>,
    pub text: String,
    pub span: LineSpan,
}
