//! Reading order: the lines of every page, in turn, become paragraphs or
//! go into the table that is open.
//!
//! A table opens at a header row ([`header::detect`]) and takes the lines
//! below it for as long as they fit its columns: no word runs across a
//! column boundary, the line is not a section heading, and it is not far
//! below the table's last line. At a page break the table stays open; the
//! new page's repeat of the caption (`部门名称：…`) and of the header row
//! is skipped. Everything else is prose: a line continues the paragraph
//! above when that one ran to the right margin and this one neither starts
//! a list item or numbered heading nor is indented.

use crate::formats::{Layout, Place};
use crate::read::sections::heading_kind;

use super::geometry::{Line, Page, join_wrapped, median, starts_list_item};
use super::grid::{self, Segment, TableWords};
use super::header::{self, Header};

/// The layout of a document's pages (running headers already removed).
pub fn layout(pages: &[Page]) -> Layout {
    let mut walker = Walker::default();
    for page in pages {
        walker.page(page);
    }
    walker.finish()
}

#[derive(Default)]
struct Walker {
    layout: Layout,
    prose: Prose,
    table: Option<OpenTable>,
}

/// A table being read.
struct OpenTable {
    words: TableWords,
    /// Lines just above the header (a caption); repeated above the header
    /// on later pages, where they are skipped.
    preamble: Vec<String>,
    /// Page and bottom of the last line taken.
    last: (u32, f64),
}

impl Walker {
    fn page(&mut self, page: &Page) {
        let lines = &page.lines;
        let h = median(lines.iter().map(Line::height).collect()).max(1.0);
        let margins = Margins::of(page, h);
        let mut i = 0;
        if let Some(open) = &self.table {
            while i < lines.len().min(3) && open.preamble.contains(&squash(&lines[i].text())) {
                i += 1;
            }
        }
        while i < lines.len() {
            if let Some(found) = header::detect(&lines[i..]) {
                let repeated = self
                    .table
                    .as_ref()
                    .is_some_and(|t| t.words.header.is_repeated_by(&found));
                i += found.lines;
                if repeated {
                    continue;
                }
                self.close_table();
                self.open_table(found, page, &lines[..i]);
                continue;
            }
            let line = &lines[i];
            if let Some(open) = self.table.as_mut() {
                if open.fits(line, page.number, h) {
                    open.take(line, page.number);
                    i += 1;
                    continue;
                }
                self.close_table();
            }
            let place = Place::page(page.number);
            if let Some(done) = self.prose.push(line, place, &margins) {
                self.layout.paragraph(done.0, done.1);
            }
            i += 1;
        }
    }

    fn open_table(&mut self, header: Header, page: &Page, above: &[Line]) {
        if let Some((text, place)) = self.prose.flush() {
            self.layout.paragraph(text, place);
        }
        let preamble = caption_lines(&header, above);
        self.table = Some(OpenTable {
            last: (page.number, header.bottom),
            words: TableWords {
                header,
                header_page: page.number,
                segments: Vec::new(),
            },
            preamble,
        });
    }

    fn close_table(&mut self) {
        if let Some(open) = self.table.take() {
            self.layout.table(grid::build(&open.words));
        }
    }

    fn finish(mut self) -> Layout {
        self.close_table();
        if let Some((text, place)) = self.prose.flush() {
            self.layout.paragraph(text, place);
        }
        self.layout
    }
}

/// The lines directly above a header (no more than two, each less than
/// two line heights above the next — a table row's padding apart): a
/// caption such as `部门名称：…`.
fn caption_lines(header: &Header, above: &[Line]) -> Vec<String> {
    let before = &above[..above.len().saturating_sub(header.lines)];
    let mut out = Vec::new();
    let mut top = header.top;
    for line in before.iter().rev().take(2) {
        if top - line.y1 > 2.0 * line.height() {
            break;
        }
        out.push(squash(&line.text()));
        top = line.y0;
    }
    out
}

impl OpenTable {
    /// Does the line belong to the table?
    fn fits(&self, line: &Line, page: u32, h: f64) -> bool {
        if heading_kind(&line.text()).is_some() {
            return false;
        }
        if self.last.0 == page && line.y0 - self.last.1 > 2.5 * h {
            return false;
        }
        let centres: Vec<f64> = self.words.header.cells.iter().map(|c| c.centre()).collect();
        let crosses = line.words.iter().any(|w| {
            centres
                .windows(2)
                .any(|pair| w.x0 < pair[0] && w.x1 > pair[1])
        });
        !crosses
    }

    fn take(&mut self, line: &Line, page: u32) {
        let new_segment = self.words.segments.last().is_none_or(|s| s.page != page);
        if new_segment {
            let continued = !self.words.segments.is_empty() || self.words.header_page != page;
            self.words.segments.push(Segment {
                page,
                continued,
                words: Vec::new(),
            });
        }
        if let Some(segment) = self.words.segments.last_mut() {
            segment.words.extend(line.words.iter().cloned());
        }
        self.last = (page, line.y1);
    }
}

/// Where the text column of a page is.
struct Margins {
    left: f64,
    right: f64,
    h: f64,
}

impl Margins {
    /// Left: the leftmost line. Right: as far from the page's right edge
    /// as the left margin is from its left (word processors' margins are
    /// symmetric), or the rightmost line if that is further.
    fn of(page: &Page, h: f64) -> Margins {
        let left = page
            .lines
            .iter()
            .map(|l| l.x0)
            .fold(f64::INFINITY, f64::min);
        let rightmost = page.lines.iter().map(|l| l.x1).fold(0.0, f64::max);
        let left = if left.is_finite() { left } else { 0.0 };
        let symmetric = if page.width > 2.0 * left {
            page.width - left
        } else {
            rightmost
        };
        Margins {
            left,
            right: symmetric.max(rightmost.min(page.width)),
            h,
        }
    }
}

/// The paragraph being read.
#[derive(Default)]
struct Prose {
    text: String,
    place: Option<Place>,
    /// Did the last line run to the right margin? Its height and bottom.
    last: Option<LastLine>,
}

#[derive(Clone, Copy)]
struct LastLine {
    full: bool,
    height: f64,
    bottom: f64,
    page: Option<u32>,
}

impl Prose {
    /// Adds a line; returns the paragraph it ended, if any.
    fn push(&mut self, line: &Line, place: Place, margins: &Margins) -> Option<(String, Place)> {
        let text = line.text();
        let joins = self.last.is_some_and(|last| {
            let same_page = last.page == place.page;
            last.full
                && !starts_list_item(&text)
                && heading_kind(&text).is_none()
                && heading_kind(&self.text).is_none()
                && (line.height() - last.height).abs() <= 0.2 * line.height().max(last.height)
                && line.x0 <= margins.left + margins.h
                && (!same_page || line.y0 - last.bottom <= 0.8 * margins.h)
        });
        let done = if joins {
            join_wrapped(&mut self.text, &text);
            None
        } else {
            let done = self.flush();
            self.text = text.trim().to_string();
            self.place = Some(place.clone());
            done
        };
        self.last = Some(LastLine {
            full: line.x1 >= margins.right - 1.5 * line.height(),
            height: line.height(),
            bottom: line.y1,
            page: place.page,
        });
        done
    }

    fn flush(&mut self) -> Option<(String, Place)> {
        self.last = None;
        let text = std::mem::take(&mut self.text);
        let place = self.place.take()?;
        (!text.trim().is_empty()).then_some((text, place))
    }
}

fn squash(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}
