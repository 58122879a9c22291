//! 部门职责 in encoding C: columns 序号, 主要职责, 具体工作事项, 责任股室, 备注.
//!
//! A main duty spans several work items. In the PDF text its pieces come in
//! vertical order, roughly: the work items above the middle of the row, the
//! row number, the main-duty text (always right after its number), the work
//! items below the middle, and the unit, which floats to the middle of the
//! items it is merged over. So:
//!
//! 1. Lines become paragraphs: inside a block a line continues the paragraph
//!    of the line before unless that one ended with a space (the export's
//!    paragraph end) or held several cells. Cells sharing a line are split
//!    and keep their column order (number, main duty, work item, unit).
//! 2. Paragraphs get a role: a number in sequence is 序号; a short name
//!    ending in 股/室/… is the unit; the paragraph right after a number is
//!    the main duty; any other paragraph wrapped at the narrow main-duty
//!    width continues the main duty a page break cut (the two column widths
//!    are measured, not assumed); everything else is a work item.
//! 3. Paragraphs become rows: a main duty's row ends at the first unit after
//!    its main-duty text; work items before the next number belong to the
//!    next row. Each work item takes the unit floating nearest to it.

use super::layout::{
    CellText, Counter, blocks, compact, ends_paragraph, has_clause_punctuation, is_header,
    join_fragments, nearest_row, pieces, row_of, small_number, union, width,
};
use crate::read::{Column, Line, Row, Table, Warning};
use crate::record::{LineSpan, SectionKind};

/// Unit cells (责任股室) end in one of these office words.
const UNIT_SUFFIXES: [&str; 7] = ["股", "室", "科", "队", "中心", "窗口", "办"];
/// A unit name is short.
const MAX_UNIT_CHARS: usize = 12;
/// Two column widths (in half-width units) must differ at least this much to
/// be told apart.
const MIN_COLUMN_GAP: usize = 8;

/// Reads the duties table.
pub(super) fn read(lines: &[Line], warnings: &mut Vec<Warning>) -> Table {
    let pieces = paragraphs(lines, warnings);
    let narrow = narrow_limit(&pieces);
    let groups = group(pieces, narrow);
    let mut table = Table::new(SectionKind::Duties);
    for g in &groups {
        table.rows.extend(g.rows(warnings));
    }
    if table.rows.is_empty() && lines.iter().any(|l| !l.is_blank()) {
        let line = lines.iter().find(|l| !l.is_blank()).map_or(0, |l| l.number);
        warnings.push(Warning::new(
            line,
            "duties table (encoding C): no main duty found",
        ));
    }
    table
}

/// What a line-level piece or paragraph is known to be before grouping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hint {
    /// Nothing known: decided by position and width.
    None,
    /// First of several text cells on one line: the main-duty column.
    Main,
    /// A later text cell on a shared line: the work-item column.
    Item,
    /// The last cell of a shared line, shaped like a unit name.
    Unit,
}

/// A paragraph of one cell.
#[derive(Debug)]
struct Para<'a> {
    text: CellText<'a>,
    hint: Hint,
    /// Printed widths of the lines that were wrapped (all but the last).
    wrapped_widths: Vec<usize>,
}

#[derive(Debug)]
enum Piece<'a> {
    /// A row number (序号) and its line.
    Number(&'a str, usize),
    Text(Para<'a>),
}

/// One cell found on a physical line.
enum LineCell<'a> {
    Number(&'a str),
    Text(&'a str, Hint),
}

/// Step 1: the section's paragraphs and row numbers in reading order.
fn paragraphs<'a>(lines: &[Line<'a>], warnings: &mut Vec<Warning>) -> Vec<Piece<'a>> {
    let mut numbers = Counter::default();
    let mut out: Vec<Piece<'a>> = Vec::new();
    for block in blocks(lines) {
        // The paragraph the next line continues, if any.
        let mut open: Option<usize> = None;
        for line in block {
            if is_header(line.text) {
                open = None;
                continue;
            }
            let cells = line_cells(line.text, &mut numbers);
            let shared = cells.len() > 1;
            // The paragraph this line's last text went to.
            let mut touched = None;
            for (i, cell) in cells.into_iter().enumerate() {
                let (text, hint) = match cell {
                    LineCell::Number(n) => {
                        out.push(Piece::Number(n, line.number));
                        touched = None;
                        continue;
                    }
                    LineCell::Text(text, hint) => (text, hint),
                };
                if i == 0
                    && hint != Hint::Unit
                    && let Some(at) = open
                    && let Some(Piece::Text(para)) = out.get_mut(at)
                {
                    if let Some(previous) = para.text.texts().last() {
                        para.wrapped_widths.push(width(previous));
                    }
                    para.text.push(line.number, text);
                    touched = Some(at);
                } else if hint == Hint::None && small_number(text).is_some() {
                    warnings.push(Warning::new(
                        line.number,
                        format!("row number {text} out of sequence"),
                    ));
                } else {
                    let text = CellText::of(line.number, text);
                    out.push(Piece::Text(Para {
                        text,
                        hint,
                        wrapped_widths: Vec::new(),
                    }));
                    touched = Some(out.len() - 1);
                }
            }
            open = touched.filter(|_| !shared && !ends_paragraph(line.text));
        }
    }
    out
}

/// Splits a physical line into its cells: a row number in sequence at either
/// end, then text cells in column order, the last one a unit if it looks like
/// one.
fn line_cells<'a>(text: &'a str, numbers: &mut Counter) -> Vec<LineCell<'a>> {
    let ranges = pieces(text);
    let mut inner = &ranges[..];
    let mut lead = None;
    let mut tail = None;
    if let Some((first, rest)) = inner.split_first()
        && let Some(n) = small_number(&text[first.clone()])
        && numbers.try_take(n)
    {
        lead = Some(&text[first.clone()]);
        inner = rest;
    }
    if let Some((last, rest)) = inner.split_last()
        && let Some(n) = small_number(&text[last.clone()])
        && numbers.try_take(n)
    {
        tail = Some(&text[last.clone()]);
        inner = rest;
    }
    let mut texts = join_fragments(text, inner);
    let unit = if texts.len() + usize::from(lead.is_some()) + usize::from(tail.is_some()) > 1
        && texts.last().is_some_and(|t| is_unit(t))
    {
        texts.pop()
    } else {
        None
    };
    let several = texts.len() > 1;
    let mut cells: Vec<LineCell> = lead.map(LineCell::Number).into_iter().collect();
    for (i, t) in texts.into_iter().enumerate() {
        let hint = match (several, i) {
            (false, _) => Hint::None,
            (true, 0) => Hint::Main,
            (true, _) => Hint::Item,
        };
        cells.push(LineCell::Text(t, hint));
    }
    cells.extend(unit.map(|u| LineCell::Text(u, Hint::Unit)));
    cells.extend(tail.map(LineCell::Number));
    cells
}

/// A 责任股室 name: short, no clause punctuation, ends in an office word
/// (before an optional bracketed addition such as `（打假办公室）`).
fn is_unit(text: &str) -> bool {
    let c = compact(text);
    let base = c.split(['（', '(']).next().unwrap_or("");
    (2..=MAX_UNIT_CHARS).contains(&c.chars().count())
        && !has_clause_punctuation(&c)
        && UNIT_SUFFIXES.iter().any(|s| base.ends_with(s))
}

/// A bracketed addition to the unit above it, wrapped into its own paragraph.
fn is_unit_addition(text: &str) -> bool {
    let c = compact(text);
    (c.starts_with('（') || c.starts_with('('))
        && (c.ends_with('）') || c.ends_with(')'))
        && c.chars().count() <= MAX_UNIT_CHARS
}

/// The widest wrapped line of the narrow (main-duty) column: the middle of
/// the largest gap between the widths of wrapped lines. `None` when the
/// widths do not form two clusters.
fn narrow_limit(pieces: &[Piece]) -> Option<usize> {
    let mut widths: Vec<usize> = pieces
        .iter()
        .filter_map(|p| match p {
            Piece::Text(para) => Some(para.wrapped_widths.iter().copied()),
            Piece::Number(..) => None,
        })
        .flatten()
        .collect();
    widths.sort_unstable();
    widths.dedup();
    let (low, high) = widths
        .windows(2)
        .map(|w| (w[0], w[1]))
        .max_by_key(|(low, high)| high - low)?;
    (high - low >= MIN_COLUMN_GAP).then_some((low + high) / 2)
}

/// The role of a paragraph once its neighbours are known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Main,
    Item,
    Unit,
    UnitAddition,
}

/// Step 2: the role of a paragraph from its hint, shape and position.
fn role(
    para: &Para,
    after_number: bool,
    after_unit: bool,
    group: &Group,
    narrow: Option<usize>,
) -> Role {
    let text = para.text.compact();
    let is_narrow = !para.wrapped_widths.is_empty()
        && narrow.is_some_and(|n| para.wrapped_widths.iter().all(|w| *w <= n));
    match para.hint {
        Hint::Unit => Role::Unit,
        Hint::Main => Role::Main,
        Hint::Item => Role::Item,
        Hint::None if para.text.line_count() == 1 && is_unit(&text) => Role::Unit,
        Hint::None if after_unit && is_unit_addition(&text) => Role::UnitAddition,
        Hint::None
            if after_number
                && group.main.is_empty()
                && (para.text.line_count() == 1 || is_narrow) =>
        {
            Role::Main
        }
        Hint::None if is_narrow => Role::Main,
        Hint::None => Role::Item,
    }
}

/// One main duty with its work items and units.
#[derive(Debug, Default)]
struct Group<'a> {
    number: Option<(&'a str, usize)>,
    main: CellText<'a>,
    items: Vec<CellText<'a>>,
    /// Units with the number of work items seen before each.
    units: Vec<(usize, CellText<'a>)>,
    /// A unit came after the main-duty text: the row is complete.
    closed: bool,
}

/// Step 3: assigns paragraphs to main duties.
fn group<'a>(pieces: Vec<Piece<'a>>, narrow: Option<usize>) -> Vec<Group<'a>> {
    let mut groups = vec![Group::default()];
    let mut after_number = false;
    let mut after_unit = false;
    for piece in pieces {
        let Some(current) = groups.last() else { break };
        let para = match piece {
            Piece::Number(n, line) => {
                if current.number.is_some() || current.closed {
                    groups.push(Group::default());
                }
                if let Some(g) = groups.last_mut() {
                    g.number = Some((n, line));
                }
                after_number = true;
                after_unit = false;
                continue;
            }
            Piece::Text(para) => para,
        };
        let role = role(&para, after_number, after_unit, current, narrow);
        if role == Role::Item && current.closed {
            groups.push(Group::default());
        }
        let Some(g) = groups.last_mut() else { break };
        match role {
            Role::Main => g.main.append(para.text),
            Role::Item => g.items.push(para.text),
            Role::Unit => {
                g.units.push((g.items.len(), para.text));
                g.closed = !g.main.is_empty();
            }
            Role::UnitAddition => match g.units.last_mut() {
                Some((_, unit)) => unit.append(para.text),
                None => g.items.push(para.text),
            },
        }
        after_number = false;
        after_unit = matches!(role, Role::Unit | Role::UnitAddition);
    }
    groups
}

impl<'a> Group<'a> {
    fn is_empty(&self) -> bool {
        self.number.is_none()
            && self.main.is_empty()
            && self.items.is_empty()
            && self.units.is_empty()
    }

    fn first_line(&self) -> usize {
        [
            self.number.map(|(_, l)| l),
            self.main.first_line(),
            self.items.first().and_then(CellText::first_line),
        ]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(0)
    }

    /// One row per work item. 序号, 主要职责 and the unit are merged cells:
    /// their text goes on every row they span, their span on the one row
    /// nearest to where they float.
    fn rows(&self, warnings: &mut Vec<Warning>) -> Vec<Row> {
        if self.is_empty() {
            return Vec::new();
        }
        let line = self.first_line();
        if self.number.is_none() {
            warnings.push(Warning::new(line, "main duty without a row number"));
        }
        if self.main.is_empty() {
            warnings.push(Warning::new(line, "row without main-duty text"));
        }
        let number = self
            .number
            .map(|(n, l)| CellText::of(l, n))
            .unwrap_or_default();
        let row_spans: Vec<Option<LineSpan>> = match self.items.len() {
            0 => vec![None],
            _ => self.items.iter().map(CellText::span).collect(),
        };
        let head_row =
            nearest_row(&row_spans, union([number.span(), self.main.span()])).unwrap_or(0);
        let unit_of: Vec<Option<usize>> = (0..row_spans.len())
            .map(|i| nearest_unit(i, &self.units))
            .collect();
        let unit_rows: Vec<Option<usize>> = self
            .units
            .iter()
            .enumerate()
            .map(|(u, (_, unit))| {
                let spans: Vec<_> = row_spans
                    .iter()
                    .zip(&unit_of)
                    .map(|(s, of)| s.filter(|_| *of == Some(u)))
                    .collect();
                nearest_row(&spans, unit.span())
                    .or_else(|| unit_of.iter().position(|of| *of == Some(u)))
            })
            .collect();
        (0..row_spans.len())
            .map(|i| {
                row_of([
                    (Column::Number, number.merged_cell(i == head_row)),
                    (Column::MainDuty, self.main.merged_cell(i == head_row)),
                    (Column::WorkItem, self.items.get(i).and_then(CellText::cell)),
                    (
                        Column::Unit,
                        unit_of[i]
                            .and_then(|u| self.units[u].1.merged_cell(unit_rows[u] == Some(i))),
                    ),
                ])
            })
            .collect()
    }
}

/// The unit of work item `item`: the one floating closest to the item's
/// middle (a merged unit cell is centred on the items it covers).
fn nearest_unit(item: usize, units: &[(usize, CellText)]) -> Option<usize> {
    let middle = 2 * item + 1;
    units
        .iter()
        .enumerate()
        .min_by_key(|(_, (position, _))| (2 * position).abs_diff(middle))
        .map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_go_to_the_items_around_them() {
        let units = vec![
            (2, CellText::of(1, "质量监督股")),
            (4, CellText::of(2, "稽查股")),
        ];
        let picked: Vec<_> = (0..4).map(|i| nearest_unit(i, &units)).collect();
        assert_eq!(picked, vec![Some(0), Some(0), Some(0), Some(1)]);
    }

    #[test]
    fn recognises_units() {
        assert!(is_unit("质量监督股"));
        assert!(is_unit("相关股室"));
        assert!(!is_unit("统一管理本辖区计量工作。"));
        assert!(is_unit_addition("（打假办公\n室）"));
    }
}
