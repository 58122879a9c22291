//! Excel workbooks (`.xlsx`), read with `calamine`: every sheet in order,
//! each as one grid with its merged regions resolved.
//!
//! A region's top-left cell holds the text; cells to its right are
//! [`GridCell::SpannedFromLeft`], cells below [`GridCell::SpannedFromAbove`],
//! as a Word table's would be. Rows are cited as Excel numbers them, with
//! the sheet's name.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, XlsxError};

use super::{Format, FormatError, Grid, GridCell, GridRow, Layout, Place};

/// A sheet larger than this is refused rather than read into memory.
const MAX_CELLS: usize = 4_000_000;

/// Reads a workbook into a layout, one table per sheet.
pub fn read(bytes: &[u8]) -> Result<(Layout, Vec<(usize, String)>), FormatError> {
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(error)?;
    let mut layout = Layout::default();
    let mut warnings = Vec::new();
    for name in workbook.sheet_names() {
        let range = match workbook.worksheet_range(&name) {
            Ok(range) => range,
            Err(e) => {
                warnings.push((
                    0,
                    format!("sheet {name:?} could not be read ({e}); skipped"),
                ));
                continue;
            }
        };
        let (height, width) = range.get_size();
        if height.saturating_mul(width) > MAX_CELLS {
            return Err(FormatError::TooLarge {
                format: Format::Xlsx,
                what: format!("sheet {name:?} has {height} × {width} cells"),
            });
        }
        let Some((top, left)) = range.start() else {
            continue;
        };
        let mut rows: Vec<GridRow> = (0..height)
            .map(|r| GridRow {
                cells: (0..width)
                    .map(|c| match range.get((r, c)) {
                        Some(data) => GridCell::Text(paragraphs(data)),
                        None => GridCell::Text(Vec::new()),
                    })
                    .collect(),
                place: Place::sheet_row(&name, top + r as u32 + 1),
            })
            .collect();
        let merged = match workbook.merge_cells_by_sheet_name(&name) {
            Ok(merged) => merged,
            Err(e) => {
                warnings.push((
                    0,
                    format!("merged cells of sheet {name:?} unreadable ({e}); read unmerged"),
                ));
                Vec::new()
            }
        };
        for region in merged {
            cover(&mut rows, region.start, region.end, (top, left));
        }
        layout.table(Grid { rows });
    }
    Ok((layout, warnings))
}

/// Marks the cells a merged region covers, all but its top-left one.
fn cover(rows: &mut [GridRow], start: (u32, u32), end: (u32, u32), origin: (u32, u32)) {
    for r in start.0..=end.0 {
        for c in start.1..=end.1 {
            if (r, c) == start || r < origin.0 || c < origin.1 {
                continue;
            }
            let (i, j) = ((r - origin.0) as usize, (c - origin.1) as usize);
            if let Some(cell) = rows.get_mut(i).and_then(|row| row.cells.get_mut(j)) {
                *cell = if r == start.0 {
                    GridCell::SpannedFromLeft
                } else {
                    GridCell::SpannedFromAbove
                };
            }
        }
    }
}

/// A cell's value as text; line breaks (Alt+Enter) separate paragraphs.
fn paragraphs(data: &Data) -> Vec<String> {
    let text = match data {
        Data::Empty => return Vec::new(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Error(_) => return Vec::new(),
        other => other.to_string(),
    };
    text.split('\n').map(str::to_string).collect()
}

fn error(e: XlsxError) -> FormatError {
    match e {
        XlsxError::Password => FormatError::Encrypted {
            what: "the workbook",
        },
        other => FormatError::corrupt(Format::Xlsx, other),
    }
}
