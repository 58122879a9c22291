//! Web pages (`.html`): headings, paragraphs and `<table>`s with `rowspan`
//! and `colspan`, parsed with `scraper` (html5ever, as browsers parse).
//!
//! Chinese government sites still serve GB2312/GBK pages, so the charset
//! comes from a byte order mark, then `<meta charset>` or the
//! `http-equiv` content type, decoded with `encoding_rs` (GB2312 is read as
//! GBK, as browsers do); a page that declares nothing is UTF-8 when valid,
//! else GB18030.

use ego_tree::NodeRef;
use encoding_rs::{Encoding, GB18030, UTF_8};
use scraper::{ElementRef, Html, Node};

use super::{FormatError, Grid, GridCell, GridRow, Layout, Place};

/// More rows or columns than this in one table is not a responsibility list.
const MAX_SPAN: usize = 1000;

/// Reads a web page into a layout.
pub fn read(bytes: &[u8]) -> Result<(Layout, Vec<(usize, String)>), FormatError> {
    let (text, warnings) = decode(bytes);
    let document = Html::parse_document(&text);
    let mut walker = Walker::default();
    walker.walk(document.tree.root());
    walker.flush();
    Ok((walker.layout, warnings))
}

/// The page's text in UTF-8, and a warning when bytes did not decode.
fn decode(bytes: &[u8]) -> (String, Vec<(usize, String)>) {
    let declared = Encoding::for_bom(bytes)
        .map(|(e, _)| e)
        .or_else(|| declared_charset(bytes));
    let encoding = declared.unwrap_or_else(|| {
        if std::str::from_utf8(bytes).is_ok() {
            UTF_8
        } else {
            GB18030
        }
    });
    let (text, used, had_errors) = encoding.decode(bytes);
    let mut warnings = Vec::new();
    if had_errors {
        warnings.push((
            0,
            format!(
                "bytes not valid in the page's charset ({}); replaced with U+FFFD",
                used.name()
            ),
        ));
    }
    (text.into_owned(), warnings)
}

/// `<meta charset="gbk">` or `<meta http-equiv="Content-Type"
/// content="text/html; charset=gb2312">` in the first bytes (ASCII).
fn declared_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).to_ascii_lowercase();
    let at = head.find("charset")?;
    let rest = head[at + "charset".len()..].trim_start();
    let rest = rest.strip_prefix('=')?.trim_start();
    let label: String = rest
        .trim_start_matches(['"', '\''])
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
        .collect();
    Encoding::for_label(label.as_bytes())
}

#[derive(Default)]
struct Walker {
    layout: Layout,
    paragraph: String,
    paragraphs: u32,
    tables: u32,
}

impl Walker {
    fn walk(&mut self, node: NodeRef<Node>) {
        for child in node.children() {
            match child.value() {
                Node::Text(text) => self.paragraph.push_str(text),
                Node::Element(element) => {
                    let name = element.name();
                    if matches!(name, "script" | "style" | "head" | "noscript" | "template") {
                        continue;
                    }
                    if name == "table" {
                        self.flush();
                        if let Some(table) = ElementRef::wrap(child) {
                            self.table(table);
                        }
                        continue;
                    }
                    if name == "br" {
                        self.flush();
                        continue;
                    }
                    let block = is_block(name);
                    if block {
                        self.flush();
                    }
                    self.walk(child);
                    if block {
                        self.flush();
                    }
                }
                _ => {}
            }
        }
    }

    fn flush(&mut self) {
        let text = std::mem::take(&mut self.paragraph);
        if !text.trim().is_empty() {
            self.paragraphs += 1;
            self.layout
                .paragraph(collapse(&text), Place::paragraph(self.paragraphs));
        }
    }

    /// A table with its spans resolved on an occupancy grid, as browsers lay
    /// them out.
    fn table(&mut self, table: ElementRef) {
        self.tables += 1;
        let number = self.tables;
        let mut grid: Vec<Vec<Option<GridCell>>> = Vec::new();
        let rows = table_rows(table);
        for (r, row) in rows.iter().enumerate() {
            if grid.len() <= r {
                grid.resize_with(r + 1, Vec::new);
            }
            let mut c = 0;
            for cell in row_cells(*row) {
                while grid[r].get(c).is_some_and(Option::is_some) {
                    c += 1;
                }
                let rowspan = span(cell, "rowspan").min(rows.len().saturating_sub(r).max(1));
                let colspan = span(cell, "colspan");
                for dr in 0..rowspan {
                    for dc in 0..colspan {
                        let (rr, cc) = (r + dr, c + dc);
                        if grid.len() <= rr {
                            grid.resize_with(rr + 1, Vec::new);
                        }
                        if grid[rr].len() <= cc {
                            grid[rr].resize(cc + 1, None);
                        }
                        grid[rr][cc] = Some(match (dr, dc) {
                            (0, 0) => GridCell::Text(cell_paragraphs(cell)),
                            (0, _) => GridCell::SpannedFromLeft,
                            _ => GridCell::SpannedFromAbove,
                        });
                    }
                }
                c += colspan;
            }
        }
        let width = grid.iter().map(Vec::len).max().unwrap_or(0);
        let rows = grid
            .into_iter()
            .enumerate()
            .map(|(r, cells)| {
                let mut cells: Vec<GridCell> = cells
                    .into_iter()
                    .map(|c| c.unwrap_or(GridCell::Text(Vec::new())))
                    .collect();
                cells.resize(width, GridCell::Text(Vec::new()));
                GridRow {
                    cells,
                    place: Place::table_row(number, r as u32 + 1),
                }
            })
            .collect();
        self.layout.table(Grid { rows });
    }
}

/// The rows of a table itself (through thead/tbody/tfoot), not of tables
/// nested in its cells.
fn table_rows(table: ElementRef) -> Vec<ElementRef> {
    let mut rows = Vec::new();
    for child in table.children().filter_map(ElementRef::wrap) {
        match child.value().name() {
            "tr" => rows.push(child),
            "thead" | "tbody" | "tfoot" => rows.extend(
                child
                    .children()
                    .filter_map(ElementRef::wrap)
                    .filter(|e| e.value().name() == "tr"),
            ),
            _ => {}
        }
    }
    rows
}

fn row_cells(row: ElementRef) -> impl Iterator<Item = ElementRef> {
    row.children()
        .filter_map(ElementRef::wrap)
        .filter(|e| matches!(e.value().name(), "td" | "th"))
}

fn span(cell: ElementRef, attribute: &str) -> usize {
    cell.value()
        .attr(attribute)
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(1)
        .clamp(1, MAX_SPAN)
}

/// A cell's text, one entry per paragraph (`<p>`, `<div>`, `<br>` …).
fn cell_paragraphs(cell: ElementRef) -> Vec<String> {
    let mut walker = Walker::default();
    walker.walk(*cell);
    walker.flush();
    walker
        .layout
        .blocks
        .into_iter()
        .map(|b| match b {
            super::Block::Paragraph(p) => p.text,
            super::Block::Table(grid) => grid
                .rows
                .iter()
                .flat_map(|r| r.cells.iter())
                .filter_map(|c| match c {
                    GridCell::Text(p) => Some(p.join(" ")),
                    _ => None,
                })
                .collect::<Vec<_>>()
                .join(" "),
        })
        .collect()
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "li"
            | "ul"
            | "ol"
            | "section"
            | "article"
            | "header"
            | "footer"
            | "blockquote"
            | "pre"
            | "dt"
            | "dd"
            | "tr"
            | "caption"
            | "body"
            | "center"
    )
}

/// HTML whitespace runs are one space; no-break spaces are spaces.
fn collapse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() || c == '\u{a0}' {
            space = true;
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_gbk_tables_with_spans() {
        let page = r#"<html><head><meta charset="gb2312"></head><body>
            <h2>二、职责边界</h2>
            <table border="1">
              <tr><td colspan="3">部门名称：某局</td></tr>
              <tr><th>序号</th><th>管理事项</th><th>相关部门</th><th>职责分工</th></tr>
              <tr><td rowspan="2">1</td><td rowspan="2">烟花&nbsp;爆竹</td><td>质监局</td><td><p>负责质量</p><p>（2）标准</p></td></tr>
              <tr><td>公安局</td><td>负责运输</td></tr>
            </table><p>注：以上</p></body></html>"#;
        let (bytes, _, _) = encoding_rs::GBK.encode(page);
        let (layout, warnings) = read(&bytes).unwrap();
        assert!(warnings.is_empty());
        let text = layout.render().text;
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines,
            [
                "二、职责边界",
                "部门名称：某局",
                "序号\t管理事项\t相关部门\t职责分工",
                "1\t烟花 爆竹\t质监局\t<p>负责质量</p><p>（2）标准</p>",
                "\t\t公安局\t负责运输",
                "注：以上",
            ]
        );
    }
}
