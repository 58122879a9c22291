//! The layout every original format is read into, and its rendering as
//! text the readers understand (encoding E).
//!
//! A format reader only knows its container: where paragraphs and table
//! cells are, which cells are merged, where each came from. It fills a
//! [`Layout`]. [`Layout::render`] then writes one line per paragraph and one
//! tab-separated line per table row, and remembers the [`Place`] of every
//! line. Section splitting, header recognition, merged-cell carry-down,
//! prose grouping and records are the text pipeline's, unchanged, so a Word
//! table and an HTML export of the same list cannot be read differently.

use super::Place;
use crate::read::Column;

/// A document as paragraphs and tables, in reading order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Layout {
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Paragraph(Paragraph),
    Table(Grid),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraph {
    pub text: String,
    pub place: Place,
}

/// A table as a grid with merges resolved: every row has a cell for every
/// column, and a cell a merge covers says which way it is covered.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grid {
    pub rows: Vec<GridRow>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GridRow {
    pub cells: Vec<GridCell>,
    pub place: Place,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GridCell {
    /// A cell of its own (or the first of a merged region): its paragraphs.
    Text(Vec<String>),
    /// Covered by the cell to its left (Word `gridSpan`, HTML `colspan`).
    SpannedFromLeft,
    /// Covered by the cell above it (Word `vMerge`, HTML `rowspan`).
    SpannedFromAbove,
}

impl GridCell {
    pub fn text(text: impl Into<String>) -> GridCell {
        GridCell::Text(vec![text.into()])
    }

    fn is_blank(&self) -> bool {
        match self {
            GridCell::Text(paragraphs) => paragraphs.iter().all(|p| p.trim().is_empty()),
            _ => true,
        }
    }
}

impl Layout {
    pub fn paragraph(&mut self, text: impl Into<String>, place: Place) {
        let text = one_line(&text.into());
        if !text.trim().is_empty() {
            self.blocks
                .push(Block::Paragraph(Paragraph { text, place }));
        }
    }

    pub fn table(&mut self, grid: Grid) {
        if !grid.rows.is_empty() {
            self.blocks.push(Block::Table(grid));
        }
    }

    /// The text the readers see, with the place of each of its lines
    /// (`places[n - 1]` is the place of line `n`).
    pub fn render(&self) -> Rendered {
        let mut out = Rendered::default();
        for block in &self.blocks {
            match block {
                Block::Paragraph(p) => out.push(&p.text, &p.place),
                Block::Table(grid) => render_grid(grid, &mut out),
            }
        }
        out
    }
}

/// Extracted text and where each line came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rendered {
    pub text: String,
    pub places: Vec<Place>,
}

impl Rendered {
    fn push(&mut self, line: &str, place: &Place) {
        if !self.places.is_empty() {
            self.text.push('\n');
        }
        self.text.push_str(line);
        self.places.push(place.clone());
    }
}

/// Rows become tab-separated lines. A row with text only in its first cell
/// (a caption such as `部门名称：…` merged across the table, or a heading a
/// workbook keeps in a row) becomes a line of its own. A cell covered from
/// above is left empty in the columns whose merged value the table model
/// carries down (序号, 事项, 依据 …) and repeats the text above in the
/// others (a department merged over two duty rows belongs to both).
fn render_grid(grid: &Grid, out: &mut Rendered) {
    let mut columns: Option<Vec<Option<Column>>> = None;
    let mut above: Vec<String> = Vec::new();
    for row in &grid.rows {
        let texts: Vec<String> = row
            .cells
            .iter()
            .enumerate()
            .map(|(i, cell)| match cell {
                GridCell::Text(paragraphs) => cell_text(paragraphs),
                GridCell::SpannedFromLeft => String::new(),
                GridCell::SpannedFromAbove => {
                    let carried_by_table = columns
                        .as_ref()
                        .and_then(|c| c.get(i).copied().flatten())
                        .is_none_or(Column::is_merged_down);
                    if carried_by_table {
                        String::new()
                    } else {
                        above.get(i).cloned().unwrap_or_default()
                    }
                }
            })
            .collect();
        let filled = row.cells.iter().filter(|c| !c.is_blank()).count();
        let first_only = filled == 1 && !row.cells[0].is_blank();
        if row.cells.len() < 2 || first_only {
            out.push(texts.first().map_or("", String::as_str), &row.place);
        } else if filled > 0 {
            if let Some(header) = Column::header_row(texts.iter().map(String::as_str)) {
                columns = Some(header.into_iter().map(Some).collect());
            }
            out.push(&texts.join("\t"), &row.place);
        }
        if above.len() < texts.len() {
            above.resize(texts.len(), String::new());
        }
        for (i, text) in texts.into_iter().enumerate() {
            if matches!(row.cells[i], GridCell::Text(_)) {
                above[i] = text;
            }
        }
    }
}

/// One cell's paragraphs as encoding B writes them (`<p>…</p>` each), so
/// list items inside a cell keep their breaks.
fn cell_text(paragraphs: &[String]) -> String {
    let paragraphs: Vec<String> = paragraphs
        .iter()
        .map(|p| one_line(p))
        .filter(|p| !p.trim().is_empty())
        .collect();
    match paragraphs.len() {
        0 => String::new(),
        1 => paragraphs.into_iter().next().unwrap_or_default(),
        _ => paragraphs.iter().map(|p| format!("<p>{p}</p>")).collect(),
    }
}

/// Tabs and line breaks inside a paragraph would split cells and lines.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\t' | '\u{a0}' => ' ',
            '\r' | '\n' | '\u{b}' | '\u{c}' => ' ',
            c => c,
        })
        .collect::<String>()
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: Vec<GridCell>, n: u32) -> GridRow {
        GridRow {
            cells,
            place: Place::table_row(1, n),
        }
    }

    #[test]
    fn renders_captions_headers_and_merged_cells() {
        use GridCell::*;
        let grid = Grid {
            rows: vec![
                row(
                    vec![
                        GridCell::text("部门名称：某局"),
                        SpannedFromLeft,
                        SpannedFromLeft,
                        SpannedFromLeft,
                    ],
                    1,
                ),
                row(
                    ["序号", "管理事项", "相关部门", "职责分工"]
                        .map(GridCell::text)
                        .to_vec(),
                    2,
                ),
                row(
                    vec![
                        GridCell::text("1"),
                        GridCell::text("烟花爆竹"),
                        GridCell::text("质监局"),
                        Text(vec!["（1）负责质量".into(), "（2）负责标准".into()]),
                    ],
                    3,
                ),
                row(
                    vec![
                        SpannedFromAbove,
                        SpannedFromAbove,
                        GridCell::text("公安局"),
                        GridCell::text("负责运输"),
                    ],
                    4,
                ),
                row(
                    vec![
                        SpannedFromAbove,
                        SpannedFromAbove,
                        SpannedFromAbove,
                        GridCell::text("负责燃放"),
                    ],
                    5,
                ),
            ],
        };
        let mut layout = Layout::default();
        layout.paragraph("二、职责边界", Place::paragraph(1));
        layout.table(grid);
        let rendered = layout.render();
        let lines: Vec<&str> = rendered.text.lines().collect();
        assert_eq!(
            lines,
            [
                "二、职责边界",
                "部门名称：某局",
                "序号\t管理事项\t相关部门\t职责分工",
                "1\t烟花爆竹\t质监局\t<p>（1）负责质量</p><p>（2）负责标准</p>",
                "\t\t公安局\t负责运输",
                "\t\t公安局\t负责燃放",
            ]
        );
        assert_eq!(rendered.places.len(), lines.len());
        assert_eq!(rendered.places[4], Place::table_row(1, 4));
    }
}
