//! Encoding A (000, 001): Word export, one tab-prefixed line per table cell.
//!
//! Lines without a tab continue the current cell, blank lines included, and
//! blank lines also fall between cells of one row, so rows are rebuilt by
//! counting cells against the header's column count. A cell line with a space
//! before its tab (` \t酒类食品流通管理`) marks a row that lost its first cell:
//! the reader resynchronises there instead of shifting every later row.

use super::{Cell, Column, Line, Row, Table, Warning};
use crate::record::{LineSpan, SectionKind};

/// A cell as found in the text, before rows are known.
struct RawCell<'a> {
    lines: Vec<&'a str>,
    first: usize,
    last_nonblank: usize,
    /// The cell starts a row whose first column is missing.
    resync: bool,
}

impl RawCell<'_> {
    fn text(&self) -> String {
        self.lines.join("\n").trim().to_string()
    }

    fn to_cell(&self) -> Cell {
        Cell::new(self.text(), LineSpan::new(self.first, self.last_nonblank))
    }
}

/// Reads one table section of encoding A.
pub fn read_table(kind: SectionKind, lines: &[Line], warnings: &mut Vec<Warning>) -> Table {
    let cells = collect_cells(lines);
    let mut table = Table::new(kind);
    let Some((columns, body_start)) = find_header(&cells) else {
        let line = lines.first().map_or(0, |l| l.number);
        warnings.push(Warning::new(
            line,
            "no table header (序号 …) found in this section",
        ));
        return table;
    };
    let mut pending: Vec<&RawCell> = Vec::new();
    for cell in &cells[body_start..] {
        if cell.resync && !pending.is_empty() {
            warnings.push(Warning::new(
                cell.first,
                "row cut short before this line; resynchronised on the next row",
            ));
            push_row(&mut table, &columns, std::mem::take(&mut pending), 0);
        }
        pending.push(cell);
        let offset = usize::from(pending[0].resync);
        if pending.len() + offset == columns.len() {
            push_row(&mut table, &columns, std::mem::take(&mut pending), offset);
        }
    }
    if !pending.is_empty() {
        let offset = usize::from(pending[0].resync);
        warnings.push(Warning::new(
            pending[0].first,
            "last row of the table is incomplete",
        ));
        push_row(&mut table, &columns, pending, offset);
    }
    table
}

/// Groups lines into cells: a tab-prefixed line opens a cell, other lines
/// continue it. Text before the first cell (部门名称 …) belongs to no cell.
fn collect_cells<'a>(lines: &[Line<'a>]) -> Vec<RawCell<'a>> {
    let mut cells: Vec<RawCell<'a>> = Vec::new();
    for line in lines {
        let unindented = line.text.trim_start_matches(' ');
        if let Some(content) = unindented.strip_prefix('\t') {
            cells.push(RawCell {
                lines: vec![content],
                first: line.number,
                last_nonblank: line.number,
                resync: unindented.len() != line.text.len(),
            });
        } else if let Some(cell) = cells.last_mut() {
            cell.lines.push(line.text);
            if !line.is_blank() {
                cell.last_nonblank = line.number;
            }
        }
    }
    cells
}

/// The header's columns and the index of the first body cell.
fn find_header(cells: &[RawCell]) -> Option<(Vec<Column>, usize)> {
    let start = cells
        .iter()
        .position(|c| Column::from_header(&c.text()) == Some(Column::Number))?;
    let len = cells[start..]
        .iter()
        .take_while(|c| Column::from_header(&c.text()).is_some())
        .count();
    let texts: Vec<String> = cells[start..start + len]
        .iter()
        .map(RawCell::text)
        .collect();
    let columns = Column::header_row(texts.iter().map(String::as_str))?;
    Some((columns, start + len))
}

/// Turns a row's cells into a [`Row`], dropping repeated page-break headers.
fn push_row(table: &mut Table, columns: &[Column], cells: Vec<&RawCell>, offset: usize) {
    let texts: Vec<String> = cells.iter().map(|c| c.text()).collect();
    if Column::header_row(texts.iter().map(String::as_str)).is_some() {
        return;
    }
    let mut row = Row::default();
    for (column, cell) in columns.iter().skip(offset).zip(cells) {
        row.set(*column, cell.to_cell());
    }
    if !row.is_blank() {
        table.rows.push(row);
    }
}
