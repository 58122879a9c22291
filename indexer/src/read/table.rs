//! The intermediate table model all four readers produce.
//!
//! Readers only have to recognise cells and rows in their own encoding; they
//! never build records. [`Table::carry_down_merged_cells`] and
//! `crate::extract` are shared, so the four encodings cannot drift apart in
//! how merged cells, spans or ids are treated.

use std::collections::HashMap;
use std::sync::LazyLock;

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

/// The column headings and captions of `data/columns.toml`.
#[derive(Debug, serde::Deserialize)]
struct Headings {
    number: Vec<String>,
    main_duty: Vec<String>,
    work_item: Vec<String>,
    unit: Vec<String>,
    unit_prefixes: Vec<String>,
    basis: Vec<String>,
    remark: Vec<String>,
    matter: Vec<String>,
    department: Vec<String>,
    duty: Vec<String>,
    case: Vec<String>,
    service: Vec<String>,
    content: Vec<String>,
    phone: Vec<String>,
    captions: Vec<String>,
}

static HEADINGS: LazyLock<(HashMap<String, Column>, Headings)> = LazyLock::new(|| {
    let headings: Headings =
        toml::from_str(include_str!("../../data/columns.toml")).expect("valid data/columns.toml");
    let lists = [
        (Column::Number, &headings.number),
        (Column::MainDuty, &headings.main_duty),
        (Column::WorkItem, &headings.work_item),
        (Column::Unit, &headings.unit),
        (Column::Basis, &headings.basis),
        (Column::Remark, &headings.remark),
        (Column::Matter, &headings.matter),
        (Column::Department, &headings.department),
        (Column::Duty, &headings.duty),
        (Column::Case, &headings.case),
        (Column::Service, &headings.service),
        (Column::Content, &headings.content),
        (Column::Phone, &headings.phone),
    ];
    let mut by_heading = HashMap::new();
    for (column, names) in lists {
        for name in names {
            let previous = by_heading.insert(name.clone(), column);
            assert!(
                previous.is_none(),
                "{name} is listed under two columns in data/columns.toml"
            );
        }
    }
    (by_heading, headings)
});

impl Column {
    /// Maps a header cell (whitespace ignored) to its column, by the
    /// headings of `data/columns.toml`.
    pub fn from_header(header: &str) -> Option<Column> {
        let h: String = header.chars().filter(|c| !c.is_whitespace()).collect();
        let (by_heading, headings) = &*HEADINGS;
        by_heading.get(&h).copied().or_else(|| {
            headings
                .unit_prefixes
                .iter()
                .any(|p| h.starts_with(p.as_str()))
                .then_some(Column::Unit)
        })
    }

    /// A caption row's label (`部门名称：…`), which names the issuer and is
    /// not part of the table.
    pub fn is_caption(line: &str) -> bool {
        let line = line.trim();
        let Some((label, _)) = line.split_once(['：', ':']) else {
            return false;
        };
        let label: String = label.chars().filter(|c| !c.is_whitespace()).collect();
        HEADINGS.1.captions.contains(&label)
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
