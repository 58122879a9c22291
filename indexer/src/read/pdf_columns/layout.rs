//! Line-level helpers shared by the three section readers of encoding C:
//! blocks, the pieces several cells leave on one physical line, bracket
//! balance (which rejoins text split by a page break) and cell text with
//! its line span.

use std::ops::Range;

use crate::read::{Cell, Column, Line, Row};
use crate::record::LineSpan;

/// Opening and closing brackets whose balance tells whether a cell is complete.
const BRACKETS: [(char, char); 7] = [
    ('（', '）'),
    ('(', ')'),
    ('《', '》'),
    ('〔', '〕'),
    ('[', ']'),
    ('【', '】'),
    ('“', '”'),
];

/// Every table of the lists has at least this many columns.
const MIN_HEADER_WORDS: usize = 3;

/// Punctuation that ends a clause; names (departments, matters, units) never hold it.
const CLAUSE_PUNCTUATION: [char; 8] = ['，', '。', '；', '：', '！', '？', ',', ';'];

/// Splits a section into blocks: runs of lines that hold text. Whitespace-only
/// lines separate blocks, and page breaks are nothing but long runs of them,
/// so they disappear here.
pub(super) fn blocks<'a>(lines: &[Line<'a>]) -> Vec<Vec<Line<'a>>> {
    let mut out = Vec::new();
    let mut current = Vec::new();
    for line in lines {
        if line.is_blank() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
        } else {
            current.push(*line);
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// The PDF export ends the last line of every paragraph with a space, while a
/// line wrapped at the column edge ends with the last character that fit.
pub(super) fn ends_paragraph(text: &str) -> bool {
    text.ends_with(char::is_whitespace)
}

/// Text with all whitespace removed, for comparisons and shape tests.
pub(super) fn compact(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Printed width in half-width units: the column a wrapped line came from is
/// recognisable by how wide its full lines are.
pub(super) fn width(text: &str) -> usize {
    text.trim()
        .chars()
        .map(|c| if c.is_ascii() { 1 } else { 2 })
        .sum()
}

/// True for a short name: no clause punctuation.
pub(super) fn has_clause_punctuation(text: &str) -> bool {
    text.contains(CLAUSE_PUNCTUATION)
}

/// True for CJK ideographs (the characters names are made of).
pub(super) fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}')
}

/// A header line (序号 管理事项 …): several pieces, each naming a column.
/// Headers repeat after page breaks and are skipped wherever they occur. One
/// piece is not enough: `承办…` names a column but also starts a duty line.
pub(super) fn is_header(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    words.len() >= MIN_HEADER_WORDS && words.iter().all(|w| Column::from_header(w).is_some())
}

/// Byte ranges of the whitespace-separated pieces of a line.
pub(super) fn pieces(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            if let Some(s) = start.take() {
                out.push(s..i);
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        out.push(s..text.len());
    }
    out
}

/// Regroups pieces into cells. Cells sharing a line are separated by single
/// spaces, but spaces also occur inside one cell: justified text spaces out
/// every character (`安 全 技 术`), numbers are set off (`第 591 号`,
/// `12365 质量…`), and a bracket or quote may be open across a space
/// (`“3.15 国际…”`). Such fragments stay with their neighbour; the raw text
/// between them, spaces included, is kept for the shared cleaner.
pub(super) fn join_fragments<'a>(text: &'a str, pieces: &[Range<usize>]) -> Vec<&'a str> {
    join_fragment_ranges(text, pieces)
        .into_iter()
        .map(|r| &text[r])
        .collect()
}

/// [`join_fragments`] as byte ranges of `text`.
pub(super) fn join_fragment_ranges(text: &str, pieces: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut joined: Vec<Range<usize>> = Vec::new();
    for piece in pieces {
        match joined.last_mut() {
            Some(last)
                if is_fragment(&text[last.clone()])
                    || is_fragment(&text[piece.clone()])
                    || !open_brackets(&text[last.clone()]).is_empty() =>
            {
                last.end = piece.end;
            }
            _ => joined.push(piece.clone()),
        }
    }
    joined
}

/// A piece too small to be a cell of its own: one character or pure ASCII.
fn is_fragment(piece: &str) -> bool {
    piece.chars().count() == 1 || piece.is_ascii()
}

/// Brackets opened in `text` and not closed, innermost last. A closer that
/// does not match the innermost opener is a typo in the source (`条件》`
/// without `《`) and is ignored.
pub(super) fn open_brackets(text: &str) -> Vec<char> {
    let mut stack = Vec::new();
    push_brackets(&mut stack, text);
    stack
}

/// Continues a bracket stack with more text of the same cell.
pub(super) fn push_brackets(stack: &mut Vec<char>, text: &str) {
    for c in text.chars() {
        if let Some(&(open, _)) = BRACKETS.iter().find(|(open, _)| *open == c) {
            stack.push(open);
        } else if let Some(&(open, _)) = BRACKETS.iter().find(|(_, close)| *close == c)
            && stack.last() == Some(&open)
        {
            stack.pop();
        }
    }
}

/// The opener matching the first closer in `text` that closes nothing inside
/// `text`: the sign that the text continues a cell a page break cut open.
pub(super) fn first_unmatched_closer(text: &str) -> Option<char> {
    let mut stack = Vec::new();
    for c in text.chars() {
        if let Some(&(open, _)) = BRACKETS.iter().find(|(open, _)| *open == c) {
            stack.push(open);
        } else if let Some(&(open, _)) = BRACKETS.iter().find(|(_, close)| *close == c) {
            if stack.last() == Some(&open) {
                stack.pop();
            } else {
                return Some(open);
            }
        }
    }
    None
}

/// A row number or matter number: one or two ASCII digits.
pub(super) fn small_number(piece: &str) -> Option<u32> {
    let digits = !piece.is_empty() && piece.len() <= 2 && piece.bytes().all(|b| b.is_ascii_digit());
    if digits { piece.parse().ok() } else { None }
}

/// Row numbers count up by one. Checking that keeps a stray number inside a
/// cell (`第 5 条`) from being taken for a row number.
#[derive(Debug, Default)]
pub(super) struct Counter {
    last: Option<u32>,
}

impl Counter {
    /// Whether `n` is the next number (any positive number comes first).
    pub(super) fn accepts(&self, n: u32) -> bool {
        match self.last {
            None => n >= 1,
            Some(last) => n == last + 1,
        }
    }

    pub(super) fn take(&mut self, n: u32) {
        self.last = Some(n);
    }

    /// Takes `n` if it is the next number.
    pub(super) fn try_take(&mut self, n: u32) -> bool {
        let ok = self.accepts(n);
        if ok {
            self.take(n);
        }
        ok
    }
}

/// The text of one cell as it is collected: pieces of raw text with the line
/// each came from, in reading order.
#[derive(Debug, Clone, Default)]
pub(super) struct CellText<'a> {
    parts: Vec<(usize, &'a str)>,
}

impl<'a> CellText<'a> {
    pub(super) fn of(line: usize, text: &'a str) -> Self {
        let mut cell = CellText::default();
        cell.push(line, text);
        cell
    }

    /// Adds a piece; surrounding whitespace is dropped, empty pieces ignored.
    pub(super) fn push(&mut self, line: usize, text: &'a str) {
        let text = text.trim();
        if !text.is_empty() {
            self.parts.push((line, text));
        }
    }

    pub(super) fn append(&mut self, other: CellText<'a>) {
        self.parts.extend(other.parts);
    }

    pub(super) fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    pub(super) fn line_count(&self) -> usize {
        self.parts.len()
    }

    pub(super) fn first_line(&self) -> Option<usize> {
        self.parts.first().map(|(line, _)| *line)
    }

    /// The pieces' texts, in order.
    pub(super) fn texts(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.parts.iter().map(|(_, t)| *t)
    }

    pub(super) fn compact(&self) -> String {
        self.texts().map(compact).collect()
    }

    /// Lines from the first to the last piece.
    pub(super) fn span(&self) -> Option<LineSpan> {
        let first = self.parts.iter().map(|(l, _)| *l).min()?;
        let last = self.parts.iter().map(|(l, _)| *l).max()?;
        Some(LineSpan::new(first, last))
    }

    /// The cell: pieces joined with '\n' (the shared cleaner joins the
    /// wraps), `None` when nothing was collected.
    pub(super) fn cell(&self) -> Option<Cell> {
        let span = self.span()?;
        let text = self.texts().collect::<Vec<_>>().join("\n");
        Some(Cell {
            text,
            span: Some(span),
        })
    }

    /// The cell of a merged cell on one of the rows it spans: the text on
    /// every row, the span only on the row that cites it (`cites`).
    pub(super) fn merged_cell(&self, cites: bool) -> Option<Cell> {
        let cell = self.cell()?;
        Some(if cites {
            cell
        } else {
            Cell { span: None, ..cell }
        })
    }
}

/// A row from its cells; absent cells are left out.
pub(super) fn row_of(cells: impl IntoIterator<Item = (Column, Option<Cell>)>) -> Row {
    let mut row = Row::default();
    for (column, cell) in cells {
        if let Some(cell) = cell {
            row.set(column, cell);
        }
    }
    row
}

/// The row that cites a floating merged cell: the one whose span is nearest
/// to the cell's (overlapping counts as distance 0; ties go to the earlier
/// row). A record's span then grows by the floating cell's lines only,
/// never by the distance to the top of its group.
pub(super) fn nearest_row(row_spans: &[Option<LineSpan>], cell: Option<LineSpan>) -> Option<usize> {
    let cell = cell?;
    row_spans
        .iter()
        .enumerate()
        .filter_map(|(i, span)| span.map(|s| (i, distance(s, cell))))
        .min_by_key(|&(_, d)| d)
        .map(|(i, _)| i)
}

/// Lines between two spans, 0 when they overlap.
fn distance(a: LineSpan, b: LineSpan) -> usize {
    if a.overlaps(b) {
        0
    } else {
        a.start.abs_diff(b.end).min(b.start.abs_diff(a.end))
    }
}

/// The union of optional spans.
pub(super) fn union(spans: impl IntoIterator<Item = Option<LineSpan>>) -> Option<LineSpan> {
    spans.into_iter().flatten().reduce(LineSpan::union)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_fragments_but_not_cells() {
        let line = "7 承担本辖区食品包装材料、容器、 对食品相关产品 质量监督股";
        assert_eq!(join_fragments(line, &pieces(line)[1..]).len(), 3);
        let spaced = "安 全 技 术 条 件 》";
        assert_eq!(join_fragments(spaced, &pieces(spaced)), vec![spaced]);
        let quoted = "“3.15 国际消费者权益日”活动 组织开展宣传咨询活动";
        assert_eq!(
            join_fragments(quoted, &pieces(quoted)),
            vec!["“3.15 国际消费者权益日”活动", "组织开展宣传咨询活动"]
        );
    }

    #[test]
    fn finds_closers_of_text_cut_by_a_page_break() {
        assert_eq!(open_brackets("全技术监察规程》（TSG"), vec!['（']);
        assert_eq!(
            first_unmatched_closer("R0009-2009）3.气瓶充装站"),
            Some('（')
        );
        assert_eq!(first_unmatched_closer("〔2009〕62 号)"), Some('('));
        assert_eq!(first_unmatched_closer("（打击侵权）"), None);
    }

    #[test]
    fn floating_cells_go_to_the_nearest_row() {
        let rows = [
            Some(LineSpan::new(264, 270)),
            Some(LineSpan::new(274, 300)),
            None,
        ];
        assert_eq!(nearest_row(&rows, Some(LineSpan::line(272))), Some(0));
        assert_eq!(nearest_row(&rows, Some(LineSpan::new(283, 284))), Some(1));
        assert_eq!(nearest_row(&rows, None), None);
    }

    #[test]
    fn headers_need_several_column_names() {
        assert!(is_header("序号 管理事项 相关部门 职责分工 相关依据 案例 "));
        assert!(!is_header("承办市质量技术监督局和当地政"));
    }

    #[test]
    fn counter_skips_numbers_out_of_sequence() {
        let mut c = Counter::default();
        assert!(c.try_take(1));
        assert!(!c.try_take(5));
        assert!(c.try_take(2));
    }
}
