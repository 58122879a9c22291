//! Table header rows: where a table starts and where its columns are.
//!
//! A header row is one to three lines of short texts side by side, most of
//! them known column names (序号, 管理事项, 相关部门 …, see
//! [`Column::from_header`]). A name too long for its column wraps, so the
//! words of a candidate row are stacked by horizontal overlap before they
//! are read; a name with a space inside (`序  号`) is two words side by side
//! and is joined again when together they make a known name. A few unknown
//! names are allowed: publishers word their headings freely, and the
//! columns' positions matter here more than their names.

use crate::read::Column;

use super::geometry::{Line, Word, median};

/// The header row of a table, as found on a page.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    pub cells: Vec<HeaderCell>,
    /// How many lines of the page the header takes.
    pub lines: usize,
    pub top: f64,
    pub bottom: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HeaderCell {
    pub text: String,
    pub x0: f64,
    pub x1: f64,
    pub column: Option<Column>,
    /// How many lines the text is on.
    lines: usize,
}

impl HeaderCell {
    pub fn centre(&self) -> f64 {
        (self.x0 + self.x1) / 2.0
    }
}

impl Header {
    /// Is `other` this header again (repeated after a page break)?
    pub fn is_repeated_by(&self, other: &Header) -> bool {
        self.cells.len() == other.cells.len()
            && self.cells.iter().zip(&other.cells).all(|(a, b)| {
                squash(&a.text) == squash(&b.text)
                    || (a.centre() - b.centre()).abs() <= (a.x1 - a.x0).max(b.x1 - b.x0)
            })
    }
}

/// Longest header cell text, in characters.
const MAX_CELL_CHARS: usize = 16;
/// Most lines a header row's text wraps to.
const MAX_LINES: usize = 3;

/// The header row starting at `lines[0]`, if there is one.
pub fn detect(lines: &[Line]) -> Option<Header> {
    let mut best: Option<(usize, Header)> = None;
    for k in 1..=MAX_LINES.min(lines.len()) {
        if !contiguous(&lines[..k]) {
            break;
        }
        let Some((known, cells)) = read_cells(&lines[..k]) else {
            continue;
        };
        if best.as_ref().is_none_or(|(b, _)| known > *b) {
            let header = Header {
                cells,
                lines: k,
                top: lines[..k]
                    .iter()
                    .map(|l| l.y0)
                    .fold(f64::INFINITY, f64::min),
                bottom: lines[..k]
                    .iter()
                    .map(|l| l.y1)
                    .fold(f64::NEG_INFINITY, f64::max),
            };
            best = Some((known, header));
        }
    }
    best.map(|(_, h)| h)
}

/// Lines close enough to be one wrapped row.
fn contiguous(lines: &[Line]) -> bool {
    let h = median(lines.iter().map(Line::height).collect()).max(1.0);
    lines
        .windows(2)
        .all(|w| w[1].y0 - w[0].y1 <= 0.6 * h && w[1].y0 > w[0].y0)
}

/// The cells of a candidate header and how many are known column names;
/// `None` when the lines are not a header.
fn read_cells(lines: &[Line]) -> Option<(usize, Vec<HeaderCell>)> {
    let h = median(lines.iter().map(Line::height).collect()).max(1.0);
    let stacks = stacks(lines);
    let cells = best_partition(&stacks, h)?;
    let known = cells.iter().filter(|c| c.column.is_some()).count();
    let unknown = cells.len() - known;
    // A wrapped name must be a known one: text of two lines stacked that
    // makes no name is a heading or a paragraph above a header, not a cell.
    let valid = known >= 3
        && known >= unknown
        && cells.iter().all(|c| {
            c.text.chars().count() <= MAX_CELL_CHARS && (c.column.is_some() || c.lines == 1)
        });
    valid.then_some((known, cells))
}

/// Words grouped by horizontal overlap: each group is one column's text,
/// however many lines it wraps to, read top to bottom.
fn stacks(lines: &[Line]) -> Vec<HeaderCell> {
    let mut words: Vec<(usize, &Word)> = lines
        .iter()
        .enumerate()
        .flat_map(|(i, l)| l.words.iter().map(move |w| (i, w)))
        .collect();
    words.sort_by(|a, b| a.1.x0.total_cmp(&b.1.x0));
    let mut groups: Vec<Vec<(usize, &Word)>> = Vec::new();
    let mut reach = f64::NEG_INFINITY;
    for (i, w) in words {
        match groups.last_mut() {
            Some(g) if w.x0 < reach => {
                g.push((i, w));
                reach = reach.max(w.x1);
            }
            _ => {
                groups.push(vec![(i, w)]);
                reach = w.x1;
            }
        }
    }
    groups
        .into_iter()
        .map(|mut g| {
            g.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.x0.total_cmp(&b.1.x0)));
            let text: String = g.iter().map(|(_, w)| w.text.trim()).collect();
            let mut rows: Vec<usize> = g.iter().map(|(i, _)| *i).collect();
            rows.dedup();
            HeaderCell {
                lines: rows.len(),
                column: Column::from_header(&text),
                x0: g.iter().map(|(_, w)| w.x0).fold(f64::INFINITY, f64::min),
                x1: g
                    .iter()
                    .map(|(_, w)| w.x1)
                    .fold(f64::NEG_INFINITY, f64::max),
                text,
            }
        })
        .collect()
}

/// Joins neighbouring stacks into cells so that as many cells as possible
/// are known column names (fewest cells on a tie).
fn best_partition(stacks: &[HeaderCell], h: f64) -> Option<Vec<HeaderCell>> {
    const MAX_JOIN: usize = 4;
    let n = stacks.len();
    // best[i]: (known, cells) for stacks[..i]
    let mut best: Vec<Option<(usize, usize, usize)>> = vec![None; n + 1];
    best[0] = Some((0, 0, 0));
    for end in 1..=n {
        for start in end.saturating_sub(MAX_JOIN)..end {
            let Some((known, cells, _)) = best[start] else {
                continue;
            };
            let Some(cell) = joined(&stacks[start..end], h) else {
                continue;
            };
            let candidate = (known + usize::from(cell.column.is_some()), cells + 1, start);
            let better = match best[end] {
                None => true,
                Some((k, c, _)) => candidate.0 > k || (candidate.0 == k && candidate.1 < c),
            };
            if better {
                best[end] = Some(candidate);
            }
        }
    }
    let mut cells = Vec::new();
    let mut end = n;
    while end > 0 {
        let (_, _, start) = best[end]?;
        cells.push(joined(&stacks[start..end], h)?);
        end = start;
    }
    cells.reverse();
    Some(cells)
}

/// Stacks read as one cell: a single stack always, several only when they
/// are close together and make a known name.
fn joined(stacks: &[HeaderCell], h: f64) -> Option<HeaderCell> {
    if let [only] = stacks {
        return Some(only.clone());
    }
    let close = stacks.windows(2).all(|w| w[1].x0 - w[0].x1 <= 1.6 * h);
    let text: String = stacks.iter().map(|s| s.text.as_str()).collect();
    let column = Column::from_header(&text);
    (close && column.is_some()).then(|| HeaderCell {
        lines: stacks.iter().map(|s| s.lines).max().unwrap_or(1),
        text,
        x0: stacks.first().map_or(0.0, |s| s.x0),
        x1: stacks.last().map_or(0.0, |s| s.x1),
        column,
    })
}

fn squash(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::pdf::geometry::lines_of;

    fn w(x0: f64, y0: f64, text: &str) -> Word {
        Word {
            x0,
            y0,
            x1: x0 + 10.0 * text.chars().count() as f64,
            y1: y0 + 13.0,
            text: text.into(),
        }
    }

    #[test]
    fn one_line_header() {
        let lines = lines_of(vec![
            w(63.8, 130.3, "序号"),
            w(110.5, 130.3, "管理事项"),
            w(187.0, 130.3, "相关部门"),
            w(337.3, 130.3, "职责分工"),
            w(535.7, 130.3, "相关依据"),
            w(703.1, 130.3, "案例"),
            w(175.6, 145.2, "质监局"),
        ]);
        let header = detect(&lines).expect("a header");
        assert_eq!(header.lines, 1);
        let texts: Vec<&str> = header.cells.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "序号",
                "管理事项",
                "相关部门",
                "职责分工",
                "相关依据",
                "案例"
            ]
        );
    }

    #[test]
    fn wrapped_and_spaced_names() {
        // 追责依据及追责情形 wraps in its column; 序 号 is spaced out; the
        // one-line names are centred between the two lines.
        let lines = lines_of(vec![
            w(60.0, 137.0, "序"),
            w(80.0, 137.0, "号"),
            w(120.0, 137.0, "主要职责"),
            w(220.0, 137.0, "具体责任事项"),
            w(400.0, 130.0, "追责依据及追"),
            w(410.0, 144.3, "责情形"),
        ]);
        let header = detect(&lines).expect("a header");
        let texts: Vec<&str> = header.cells.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(
            texts,
            ["序号", "主要职责", "具体责任事项", "追责依据及追责情形"]
        );
    }

    #[test]
    fn prose_is_not_a_header() {
        let lines = lines_of(vec![w(60.0, 100.0, "负责全市质量技术监督工作")]);
        assert!(detect(&lines).is_none());
        let lines = lines_of(vec![
            w(60.0, 100.0, "序号"),
            w(120.0, 100.0, "甲"),
            w(220.0, 100.0, "乙"),
            w(320.0, 100.0, "丙"),
        ]);
        assert!(detect(&lines).is_none());
    }
}
