//! Reader for encoding C (003): PDF text in which every table column was
//! wrapped to its own width and the columns were then interleaved.
//!
//! What the text looks like:
//! - each cell's text is wrapped to its column (≈12–14 characters for names,
//!   duties and bases, ≈25 for work items); the last line of a paragraph
//!   ends with a space, a wrapped line does not;
//! - blocks of lines are separated by blank lines, and a page break is just
//!   a run of 8–19 whitespace-only lines, so it splits a cell into two blocks
//!   with other cells in between;
//! - a vertically merged cell (a row number, a matter label, a unit, a
//!   basis) floats to the vertical middle of the rows it spans, so its
//!   position does not say which rows it belongs to;
//! - several cells may share a physical line, separated by single spaces.
//!
//! The strategy therefore never relies on a cell's position alone. Each
//! section has a column that is always present and always comes first in
//! its row — the department in the boundary table, the row number in the
//! duties and services tables — and the reader classifies blocks or
//! paragraphs by their shape (what they start with, how wide their wrapped
//! lines are, whether they close a bracket left open) and hangs every other
//! cell on that spine. Merged cells are assigned by order (matter labels in
//! numeric order) or by nearness (units). The details are in the section
//! modules: [`duties`], [`boundary`], [`services`]; the shared line
//! helpers are in [`layout`].
//!
//! Nothing here panics on unexpected input: what cannot be placed becomes a
//! [`Warning`] with its line number.

mod boundary;
mod duties;
mod layout;
mod services;

use super::{Line, Table, Warning};
use crate::record::SectionKind;

/// Reads one table section (the heading line not included) into the shared
/// table model. Supported: duties, boundaries and public services; any other
/// kind gives an empty table and a warning.
pub fn read_table(kind: SectionKind, lines: &[Line], warnings: &mut Vec<Warning>) -> Table {
    match kind {
        SectionKind::Duties => duties::read(lines, warnings),
        SectionKind::Boundary => boundary::read(lines, warnings),
        SectionKind::PublicService => services::read(lines, warnings),
        SectionKind::Supervision | SectionKind::Accountability => {
            let line = lines.first().map_or(0, |l| l.number);
            warnings.push(Warning::new(
                line,
                format!("pdf_columns: {} is not a table section", kind.as_str()),
            ));
            Table::new(kind)
        }
    }
}
