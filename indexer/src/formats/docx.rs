//! Word documents (`.docx`): the body's paragraphs and tables, read from
//! `word/document.xml` with `quick-xml`.
//!
//! Tables keep Word's merges: `gridSpan` (a cell over several grid columns)
//! and `vMerge` (a cell continued from the row above) become
//! [`GridCell::SpannedFromLeft`] / [`GridCell::SpannedFromAbove`], so the
//! shared table model sees the same merged cells the text exports have.
//! Automatic numbering (`numPr`) is written out as Word shows it (`一、`,
//! `（一）`, `1.`) from `word/numbering.xml`, because section and
//! subsection headings are often numbered that way rather than typed.
//! Running headers and footers live in other parts and are not read.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::numbering::Numbering;
use super::{Format, FormatError, Grid, GridCell, GridRow, Layout, Place, open_zip, zip_part};

/// Reads a `.docx` into a layout.
pub fn read(bytes: &[u8]) -> Result<(Layout, Vec<(usize, String)>), FormatError> {
    let mut archive = open_zip(bytes, Format::Docx)?;
    let document = zip_part(&mut archive, "word/document.xml", Format::Docx)?.ok_or_else(|| {
        FormatError::corrupt(
            Format::Docx,
            "no word/document.xml part (not a Word document)",
        )
    })?;
    let numbering = match zip_part(&mut archive, "word/numbering.xml", Format::Docx)? {
        Some(xml) => Numbering::parse(&xml).map_err(|e| FormatError::corrupt(Format::Docx, e))?,
        None => Numbering::default(),
    };
    let mut reader = BodyReader {
        numbering,
        ..BodyReader::default()
    };
    reader
        .read(&document)
        .map_err(|e| FormatError::corrupt(Format::Docx, format!("word/document.xml: {e}")))?;
    Ok((reader.layout, reader.warnings))
}

/// A table being read: its rows so far and the row and cell in progress.
#[derive(Default)]
struct TableState {
    grid: Grid,
    row: Vec<GridCell>,
    cell: Vec<String>,
    span: usize,
    merge: Merge,
    number: u32,
}

#[derive(Default, Clone, Copy, PartialEq, Eq)]
enum Merge {
    #[default]
    None,
    Restart,
    Continue,
}

#[derive(Default)]
struct BodyReader {
    layout: Layout,
    warnings: Vec<(usize, String)>,
    numbering: Numbering,
    /// Tables being read, innermost last (a nested table's text joins the
    /// cell that holds it).
    tables: Vec<TableState>,
    tables_seen: u32,
    paragraphs_seen: u32,
    paragraph: String,
    /// (numId, ilvl) of the paragraph in progress.
    number: (Option<String>, usize),
    in_text: bool,
    in_deleted: bool,
}

impl BodyReader {
    fn read(&mut self, xml: &[u8]) -> Result<(), quick_xml::Error> {
        let mut reader = Reader::from_reader(xml);
        let mut buf = Vec::new();
        loop {
            match reader.read_event_into(&mut buf)? {
                Event::Start(e) => self.start(&e, false),
                Event::Empty(e) => self.start(&e, true),
                Event::End(e) => self.end(e.local_name().as_ref()),
                Event::Text(t) if self.in_text && !self.in_deleted => {
                    self.paragraph.push_str(&t.xml10_content());
                }
                Event::GeneralRef(r) if self.in_text && !self.in_deleted => {
                    if let Some(c) = resolve_entity(&r) {
                        self.paragraph.push(c);
                    }
                }
                Event::Eof => break,
                _ => {}
            }
            buf.clear();
        }
        Ok(())
    }

    fn start(&mut self, e: &BytesStart, empty: bool) {
        match e.local_name().as_ref() {
            "tbl" if !empty => self.tables.push(TableState::default()),
            "tr" if !empty => {
                if let Some(t) = self.tables.last_mut() {
                    t.row.clear();
                }
            }
            "gridBefore" => {
                if let Some(t) = self.tables.last_mut() {
                    let n = val(e).and_then(|v| v.parse().ok()).unwrap_or(0usize);
                    t.row
                        .extend((0..n.min(64)).map(|_| GridCell::Text(Vec::new())));
                }
            }
            "tc" if !empty => {
                if let Some(t) = self.tables.last_mut() {
                    t.cell.clear();
                    t.span = 1;
                    t.merge = Merge::None;
                }
            }
            "gridSpan" => {
                if let Some(t) = self.tables.last_mut() {
                    t.span = val(e)
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(1usize)
                        .clamp(1, 64);
                }
            }
            "vMerge" => {
                if let Some(t) = self.tables.last_mut() {
                    t.merge = match val(e).as_deref() {
                        Some("restart") => Merge::Restart,
                        _ => Merge::Continue,
                    };
                }
            }
            "p" if !empty => {
                self.paragraph.clear();
                self.number = (None, 0);
            }
            "numId" => self.number.0 = val(e),
            "ilvl" => self.number.1 = val(e).and_then(|v| v.parse().ok()).unwrap_or(0),
            "t" if !empty => self.in_text = true,
            "delText" if !empty => self.in_deleted = true,
            "tab" if !self.in_deleted => self.paragraph.push(' '),
            "br" | "cr" => self.paragraph.push('\n'),
            _ => {}
        }
    }

    fn end(&mut self, name: &str) {
        match name {
            "t" => self.in_text = false,
            "delText" => self.in_deleted = false,
            "p" => self.end_paragraph(),
            "tc" => {
                if let Some(t) = self.tables.last_mut() {
                    let first = match t.merge {
                        Merge::Continue => GridCell::SpannedFromAbove,
                        _ => GridCell::Text(std::mem::take(&mut t.cell)),
                    };
                    t.row.push(first);
                    let rest = if t.merge == Merge::Continue {
                        GridCell::SpannedFromAbove
                    } else {
                        GridCell::SpannedFromLeft
                    };
                    t.row.extend((1..t.span).map(|_| rest.clone()));
                }
            }
            "tr" => {
                if let Some(t) = self.tables.last_mut() {
                    let place = Place::table_row(t.number, t.grid.rows.len() as u32 + 1);
                    let cells = std::mem::take(&mut t.row);
                    t.grid.rows.push(GridRow { cells, place });
                }
            }
            "tbl" => self.end_table(),
            _ => {}
        }
    }

    fn end_paragraph(&mut self) {
        let mut text = std::mem::take(&mut self.paragraph);
        if let (Some(id), level) = &self.number
            && let Some(label) = self.numbering.next_label(id, *level)
            && !text.trim().is_empty()
        {
            text.insert_str(0, &label);
        }
        if let Some(t) = self.tables.last_mut() {
            // Line breaks inside a cell paragraph separate list items too.
            t.cell.extend(text.split('\n').map(str::to_string));
        } else if !text.trim().is_empty() {
            self.paragraphs_seen += 1;
            for line in text.split('\n') {
                self.layout
                    .paragraph(line, Place::paragraph(self.paragraphs_seen));
            }
        }
    }

    fn end_table(&mut self) {
        let Some(mut table) = self.tables.pop() else {
            return;
        };
        if let Some(outer) = self.tables.last_mut() {
            // A nested table: its text stays in the outer cell, row by row.
            for row in table.grid.rows {
                let texts: Vec<String> = row
                    .cells
                    .into_iter()
                    .filter_map(|c| match c {
                        GridCell::Text(p) => Some(p.join(" ")),
                        _ => None,
                    })
                    .collect();
                outer.cell.push(texts.join(" "));
            }
            return;
        }
        self.tables_seen += 1;
        table.number = self.tables_seen;
        let width = table
            .grid
            .rows
            .iter()
            .map(|r| r.cells.len())
            .max()
            .unwrap_or(0);
        for (i, row) in table.grid.rows.iter_mut().enumerate() {
            row.place = Place::table_row(table.number, i as u32 + 1);
            row.cells.resize(width, GridCell::Text(Vec::new()));
        }
        self.layout.table(table.grid);
    }
}

/// The `w:val` attribute.
fn val(e: &BytesStart) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == "val")
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

/// XML's predefined entities and numeric character references.
pub(crate) fn resolve_entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => {
            let code = name.strip_prefix('#')?;
            let value = match code.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => code.parse().ok()?,
            };
            char::from_u32(value)
        }
    }
}
