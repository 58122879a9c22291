//! Encoding B (002): HTML export, one tab-separated line per table row.
//!
//! A leading empty cell marks a sub-row of the matter above. After each page
//! break the header repeats and so does the matter name, with its basis and
//! case copied: such rows join the matter they repeat, duplicates are dropped,
//! and a case cut mid-word at the break is rejoined to the row it started in.

use super::{Cell, Column, Line, Row, Table, Warning};
use crate::record::{LineSpan, SectionKind};
use crate::text;

/// Reads one table section of encoding B.
pub fn read_table(kind: SectionKind, lines: &[Line], warnings: &mut Vec<Warning>) -> Table {
    let mut table = Table::new(kind);
    let mut columns: Option<Vec<Column>> = None;
    for line in lines.iter().filter(|l| !l.is_blank()) {
        let cells: Vec<&str> = line.text.split('\t').collect();
        if let Some(header) = Column::header_row(cells.iter().copied()) {
            columns = Some(header);
            continue;
        }
        if cells.len() < 2 {
            if !line.text.trim_start().starts_with('注') && !Column::is_caption(line.text) {
                warnings.push(Warning::new(
                    line.number,
                    "text line inside a table section, not a row; skipped",
                ));
            }
            continue;
        }
        let Some(columns) = &columns else {
            warnings.push(Warning::new(
                line.number,
                "table row before any header row; skipped",
            ));
            continue;
        };
        if cells.len() > columns.len() {
            warnings.push(Warning::new(
                line.number,
                format!(
                    "row has {} cells, header has {}",
                    cells.len(),
                    columns.len()
                ),
            ));
        }
        let mut row = Row::default();
        for (column, cell) in columns.iter().zip(cells) {
            row.set(*column, Cell::new(cell, LineSpan::line(line.number)));
        }
        merge_repeated_matter(&mut table, &mut row);
        table.rows.push(row);
    }
    table
}

/// A row repeating the matter of the row group above it after a page break:
/// drop its copies of basis and case, or finish the case the break cut.
fn merge_repeated_matter(table: &mut Table, row: &mut Row) {
    let matter = text::squash(row.text(Column::Matter));
    if matter.is_empty() {
        return;
    }
    let Some(first_of_matter) = table
        .rows
        .iter()
        .rposition(|r| !r.text(Column::Matter).is_empty())
        .filter(|&i| text::squash(table.rows[i].text(Column::Matter)) == matter)
    else {
        return;
    };
    for column in [Column::Basis, Column::Case] {
        let this = row.text(column).trim().to_string();
        if this.is_empty() {
            continue;
        }
        let above = table.rows[first_of_matter].text(column).trim().to_string();
        if text::squash(&above) == text::squash(&this) {
            row.set(column, Cell::default());
        } else if column == Column::Case && !above.is_empty() && !text::ends_sentence(&above) {
            let cut = table.rows[first_of_matter]
                .cell(column)
                .and_then(|c| c.span);
            let joined = format!("{above}{this}");
            let span = cut.map(|s| s.union(row.cell(column).and_then(|c| c.span).unwrap_or(s)));
            table.rows[first_of_matter].set(column, Cell { text: joined, span });
            row.set(column, Cell::default());
        }
    }
}
