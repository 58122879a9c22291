//! A table's words → a [`Grid`] of rows and cells.
//!
//! A PDF keeps no table: only words at positions (the ruling lines are
//! paths pdftotext does not report). The rows are rebuilt from what any
//! word processor's table layout guarantees, measured on the table itself
//! rather than assumed, so other fonts, sizes, paddings and widths work
//! alike:
//!
//! - **Columns** are the header cells. Between two header centres the
//!   right column's left-aligned text starts at one x, just right of the
//!   border; the boundary is in the gap before it (or, for centred or
//!   sparse text, in the widest gap the words leave). A word belongs to the
//!   column its centre is in.
//! - **Cells**: within a column the lines of one cell follow at the line
//!   pitch; between two cells there is also padding and border, so the gap
//!   is larger. The threshold is the first clear jump above the smallest
//!   gaps of the table. Runs of closer lines are *blocks*: one cell's text
//!   (or the part of it on one page).
//! - **Rows**: a cell of its own is top-aligned, so rows start where the
//!   *anchor* columns start blocks — the columns with a block in (nearly)
//!   every row whose tops coincide with other columns' tops (相关部门,
//!   职责分工). A block of an anchor column never straddles a row top.
//!   Columns with a block in every row that is placed otherwise (centred)
//!   go to the row their middle is in, and may raise its top.
//! - **Merged cells** (a matter over its departments) hold their text once,
//!   top-aligned or vertically centred in the rows they span. The *group*
//!   column (the leftmost merged one: 管理事项, or 序号) is solved as a
//!   partition of each page's rows into consecutive groups, each holding
//!   one of its blocks at its top or centre (dynamic programming); the text
//!   goes to the group's first row, the rows below are covered from above.
//!   Other merged columns (依据, 案例) go to the first row of the group
//!   their text is in.
//! - **Page breaks**: the rows a page starts with may belong to the group
//!   begun on the page before; their merged text continues that cell. The
//!   first row continues the row the break cut when its label column (the
//!   shortest per-row column: 相关部门, 序号) is empty, or when the label
//!   itself was cut (see [`is_cut`]); its text is appended to the cells
//!   above. Merged text cut at the foot of a page (its last line as wide as
//!   the column allows) is continued by the first block of that column on
//!   the next.

use crate::formats::{Grid, GridCell, GridRow, Place};
use crate::read::Column;

use super::geometry::{Line, Word, join_wrapped, lines_of, median, starts_list_item};
use super::header::Header;

/// The words of one table, page by page, below its header.
#[derive(Debug, Clone)]
pub struct TableWords {
    pub header: Header,
    pub header_page: u32,
    pub segments: Vec<Segment>,
}

/// The part of a table on one page.
#[derive(Debug, Clone)]
pub struct Segment {
    pub page: u32,
    /// The table began on an earlier page.
    pub continued: bool,
    pub words: Vec<Word>,
}

/// Bigger tables than this are not solved for merged groups (the dynamic
/// programme is cubic in the rows of a page); their merged text goes to
/// the row it starts in.
const MAX_ROWS_SOLVED: usize = 80;
const MAX_GROUP_BLOCKS_SOLVED: usize = 60;

/// Builds the grid: the header row, then one row per table row.
pub fn build(table: &TableWords) -> Grid {
    let n = table.header.cells.len();
    let bounds = column_bounds(&table.header, table.segments.iter().flat_map(|s| &s.words));
    let columns: Vec<Vec<Vec<Line>>> = table
        .segments
        .iter()
        .map(|s| column_lines(&s.words, &bounds.at, n))
        .collect();
    let right = text_right_limits(&columns, &bounds, n);
    let all_lines = || columns.iter().flatten().flatten();
    let h = median(all_lines().map(Line::height).collect()).max(1.0);
    let metrics = Metrics::new(h, cell_gap(&columns, h));
    let blocks: Vec<Vec<Vec<Block>>> = columns
        .into_iter()
        .map(|cols| {
            cols.into_iter()
                .map(|lines| blocks_of(lines, metrics.gap))
                .collect()
        })
        .collect();
    let mut roles = Roles::of(&table.header, &blocks, &metrics, right);
    roles.centred = merged_cells_centred(&blocks, &roles, &metrics);

    let mut rows: Vec<OutRow> = Vec::new();
    let mut end = PageEnd::default();
    for (segment, blocks) in table.segments.iter().zip(blocks) {
        end = place_segment(segment, blocks, &roles, &metrics, &end, &mut rows);
    }

    let mut grid = Grid::default();
    grid.rows.push(GridRow {
        cells: table
            .header
            .cells
            .iter()
            .map(|c| GridCell::text(c.text.clone()))
            .collect(),
        place: Place::page(table.header_page),
    });
    grid.rows
        .extend(rows.into_iter().map(OutRow::into_grid_row));
    grid
}

/// Sizes every decision is made with.
#[derive(Debug, Clone, Copy)]
struct Metrics {
    /// Median line height.
    h: f64,
    /// Largest gap between two lines of one cell.
    gap: f64,
    /// Two tops this close are the same top (the same row, the same font).
    tight: f64,
    /// Two tops this close belong to one row (fonts differ in ascent).
    loose: f64,
}

impl Metrics {
    fn new(h: f64, gap: f64) -> Metrics {
        Metrics {
            h,
            gap,
            tight: (0.05 * h).max(0.6),
            loose: 0.3 * h,
        }
    }
}

// ---------------------------------------------------------------- columns

/// Where the columns are: the x boundaries between neighbours (`n - 1`),
/// and where the text of each column after the first starts, when it is
/// left-aligned.
#[derive(Debug, Clone)]
struct ColumnBounds {
    at: Vec<f64>,
    edges: Vec<Option<f64>>,
}

/// Between two header centres, the right column's text is left-aligned:
/// many words start at the same x, just right of the border. The boundary
/// is in the gap before that edge. A column without such an edge (centred
/// or sparse text) is split at the widest gap the words leave.
fn column_bounds<'a>(
    header: &Header,
    words: impl Iterator<Item = &'a Word> + Clone,
) -> ColumnBounds {
    let (at, edges) = header
        .cells
        .windows(2)
        .map(|pair| {
            let (lo, hi) = (pair[0].centre(), pair[1].centre());
            let inside: Vec<&Word> = words
                .clone()
                .filter(|w| !(w.x0 <= lo && w.x1 >= hi))
                .filter(|w| w.x1 > lo && w.x0 < hi)
                .collect();
            if let Some(edge) = left_edge(&inside, lo, hi) {
                let reach = inside
                    .iter()
                    .filter(|w| w.x1 <= edge + 0.25)
                    .map(|w| w.x1)
                    .fold(lo, f64::max);
                return ((reach.min(edge) + edge) / 2.0, Some(edge));
            }
            let mut covered: Vec<(f64, f64)> = inside
                .iter()
                .map(|w| (w.x0.max(lo), w.x1.min(hi)))
                .collect();
            covered.sort_by(|a, b| a.0.total_cmp(&b.0));
            let at = widest_gap(lo, hi, &covered).unwrap_or_else(|| {
                if pair[0].x1 < pair[1].x0 {
                    (pair[0].x1 + pair[1].x0) / 2.0
                } else {
                    (lo + hi) / 2.0
                }
            });
            (at, None)
        })
        .unzip();
    ColumnBounds { at, edges }
}

/// How far each column's text may run: up to the next column's text edge
/// less the padding on both sides of their border (the narrowest gap any
/// column leaves before the next one's edge); the last column's, and one
/// before an unaligned column, to its longest line.
fn text_right_limits(columns: &[Vec<Vec<Line>>], bounds: &ColumnBounds, n: usize) -> Vec<f64> {
    let longest: Vec<f64> = (0..n)
        .map(|c| {
            columns
                .iter()
                .flat_map(|s| &s[c])
                .map(|l| l.x1)
                .fold(f64::NEG_INFINITY, f64::max)
        })
        .collect();
    let padding = bounds
        .edges
        .iter()
        .enumerate()
        .filter_map(|(c, edge)| edge.map(|e| e - longest[c]))
        .filter(|gap| gap.is_finite() && *gap >= 0.0)
        .fold(f64::INFINITY, f64::min);
    (0..n)
        .map(|c| match bounds.edges.get(c).copied().flatten() {
            Some(edge) if padding.is_finite() => edge - padding,
            _ => longest[c],
        })
        .collect()
}

/// The x where most words starting between `lo` and `hi` start, when that
/// is a clear majority of them (at least three).
fn left_edge(words: &[&Word], lo: f64, hi: f64) -> Option<f64> {
    let starts: Vec<f64> = words
        .iter()
        .map(|w| w.x0)
        .filter(|&x| x > lo && x < hi)
        .collect();
    let mut buckets: std::collections::BTreeMap<i64, (usize, f64)> = Default::default();
    for &x in &starts {
        let entry = buckets.entry((x * 2.0).round() as i64).or_insert((0, x));
        entry.0 += 1;
        entry.1 = entry.1.min(x);
    }
    let (count, x) = buckets.values().copied().max_by_key(|&(n, _)| n)?;
    (count >= 3 && count * 10 >= starts.len() * 3).then_some(x)
}

/// The middle of the widest stretch of `lo..hi` no interval covers.
fn widest_gap(lo: f64, hi: f64, covered: &[(f64, f64)]) -> Option<f64> {
    let mut best: Option<(f64, f64)> = None;
    let mut reach = lo;
    let mut consider = |from: f64, to: f64| {
        if to - from > best.map_or(0.5, |(a, b)| b - a) {
            best = Some((from, to));
        }
    };
    for &(a, b) in covered {
        if a > reach {
            consider(reach, a);
        }
        reach = reach.max(b);
    }
    if hi > reach {
        consider(reach, hi);
    }
    best.map(|(a, b)| (a + b) / 2.0)
}

/// Each column's lines (words assigned by their centre), top to bottom.
fn column_lines(words: &[Word], bounds: &[f64], n: usize) -> Vec<Vec<Line>> {
    let mut per_column: Vec<Vec<Word>> = vec![Vec::new(); n];
    for w in words {
        let column = bounds.iter().filter(|&&b| w.centre_x() > b).count();
        if let Some(c) = per_column.get_mut(column) {
            c.push(w.clone());
        }
    }
    per_column.into_iter().map(lines_of).collect()
}

// ----------------------------------------------------------------- blocks

/// The gap between two lines of one cell, measured: gaps cluster at the
/// leading (lines of a cell) and a little above it (cell padding and
/// border); the threshold is the middle of the first clear jump.
fn cell_gap(columns: &[Vec<Vec<Line>>], h: f64) -> f64 {
    let mut gaps: Vec<f64> = columns
        .iter()
        .flatten()
        .flat_map(|lines| lines.windows(2).map(|w| w[1].y0 - w[0].y1))
        .filter(|&g| g > -0.3 * h && g < 0.5 * h)
        .collect();
    if gaps.is_empty() {
        return 0.25 * h;
    }
    gaps.sort_by(f64::total_cmp);
    let start = gaps.len() / 10;
    let jump = (0.015 * h).max(0.2);
    for pair in gaps[start..].windows(2) {
        if pair[1] - pair[0] >= jump {
            return (pair[0] + pair[1]) / 2.0;
        }
    }
    gaps[gaps.len() - 1] + jump
}

/// Consecutive lines of one column closer than a cell gap.
#[derive(Debug, Clone)]
struct Block {
    lines: Vec<Line>,
    top: f64,
    bottom: f64,
}

impl Block {
    fn centre(&self) -> f64 {
        (self.top + self.bottom) / 2.0
    }

    /// The cell text: wrapped lines joined, a new paragraph where a line
    /// starts a list item.
    fn paragraphs(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for line in &self.lines {
            let text = line.text();
            match out.last_mut() {
                Some(last) if !starts_list_item(&text) => join_wrapped(last, &text),
                _ => out.push(text.trim().to_string()),
            }
        }
        out
    }
}

fn blocks_of(lines: Vec<Line>, gap: f64) -> Vec<Block> {
    let mut blocks: Vec<Block> = Vec::new();
    for line in lines {
        match blocks.last_mut() {
            Some(b) if line.y0 - b.bottom <= gap => {
                b.bottom = b.bottom.max(line.y1);
                b.lines.push(line);
            }
            _ => blocks.push(Block {
                top: line.y0,
                bottom: line.y1,
                lines: vec![line],
            }),
        }
    }
    blocks
}

// ------------------------------------------------------------------ roles

/// What each column is, judged from the whole table.
#[derive(Debug, Clone)]
struct Roles {
    /// Columns with a top-aligned cell in (nearly) every row.
    anchor: Vec<bool>,
    /// Other columns with a cell in (nearly) every row, set elsewhere than
    /// at its top (vertically centred): a block belongs to the row its
    /// middle is in.
    per_row: Vec<bool>,
    /// The merged column whose cells define the row groups.
    group: Option<usize>,
    /// The anchor column that is empty in a row a page break cut.
    label: Option<usize>,
    /// Are merged cells vertically centred (rather than top-aligned)?
    centred: bool,
    /// How far each column's text may run: a line reaching it was wrapped
    /// (its text goes on below).
    right: Vec<f64>,
}

impl Roles {
    fn of(header: &Header, blocks: &[Vec<Vec<Block>>], m: &Metrics, right: Vec<f64>) -> Roles {
        let n = header.cells.len();
        let count = |c: usize| blocks.iter().map(|s| s[c].len()).sum::<usize>();
        let counts: Vec<usize> = (0..n).map(count).collect();
        let most = counts.iter().copied().max().unwrap_or(0);
        let coinciding = coinciding_tops(blocks, n, m.tight);
        let mut anchor: Vec<bool> = (0..n)
            .map(|c| counts[c] > 0 && counts[c] * 10 >= most * 6 && coinciding[c] * 2 >= counts[c])
            .collect();
        if !anchor.contains(&true)
            && let Some(c) = (0..n).max_by_key(|&c| (counts[c], std::cmp::Reverse(c)))
        {
            anchor[c] = true;
        }
        let first_anchor = anchor.iter().position(|&a| a).unwrap_or(n);
        let kind = |c: usize| header.cells[c].column;
        let keyed = |c: usize| {
            matches!(
                kind(c),
                Some(Column::Matter | Column::MainDuty | Column::Service)
            )
        };
        let rows = (0..n)
            .filter(|&c| anchor[c])
            .map(|c| counts[c])
            .max()
            .unwrap_or(0);
        let per_row: Vec<bool> = (0..n)
            .map(|c| !anchor[c] && !keyed(c) && counts[c] > 0 && counts[c] * 10 >= rows * 8)
            .collect();
        let group = (0..first_anchor)
            .filter(|&c| counts[c] > 0 && !per_row[c])
            .max_by_key(|&c| (keyed(c), counts[c], std::cmp::Reverse(c)));
        let mean_lines = |c: usize| {
            let (lines, blocks_n) = blocks
                .iter()
                .flat_map(|s| &s[c])
                .fold((0, 0), |(l, b), x| (l + x.lines.len(), b + 1));
            lines as f64 / blocks_n.max(1) as f64
        };
        let label = (0..n)
            .filter(|&c| anchor[c] || per_row[c])
            .min_by(|&a, &b| {
                let labelled = |c: usize| {
                    matches!(
                        kind(c),
                        Some(Column::Number | Column::Department | Column::Unit)
                    )
                };
                labelled(b)
                    .cmp(&labelled(a))
                    .then(mean_lines(a).total_cmp(&mean_lines(b)))
                    .then(a.cmp(&b))
            });
        Roles {
            anchor,
            per_row,
            group,
            label,
            centred: false,
            right,
        }
    }
}

/// For each column, how many of its blocks start where a block of another
/// column starts too (within `tight`), over all pages.
fn coinciding_tops(blocks: &[Vec<Vec<Block>>], n: usize, tight: f64) -> Vec<usize> {
    let mut hits = vec![0; n];
    for segment in blocks {
        let mut tops: Vec<(f64, usize)> = segment
            .iter()
            .enumerate()
            .flat_map(|(c, column)| column.iter().map(move |b| (b.top, c)))
            .collect();
        tops.sort_by(|a, b| a.0.total_cmp(&b.0));
        for (i, &(top, c)) in tops.iter().enumerate() {
            let near = |&&(t, o): &&(f64, usize)| (t - top).abs() <= tight && o != c;
            let before = tops[..i].iter().rev().take_while(|(t, _)| top - t <= tight);
            let after = tops[i + 1..].iter().take_while(|(t, _)| t - top <= tight);
            if before.chain(after).any(|x| near(&x)) {
                hits[c] += 1;
            }
        }
    }
    hits
}

/// Are the group column's cells centred? Yes when a fair share of its
/// blocks start where no row starts: those cannot be top-aligned. The
/// answer breaks ties between reading a block as the top of a group and
/// as the centre of a longer one.
fn merged_cells_centred(blocks: &[Vec<Vec<Block>>], roles: &Roles, m: &Metrics) -> bool {
    let Some(g) = roles.group else {
        return false;
    };
    let (mut floating, mut all) = (0, 0);
    for segment in blocks {
        let tops = row_tops(segment, roles, m);
        for b in &segment[g] {
            all += 1;
            if tops.iter().all(|t| (t - b.top).abs() > 2.0 * m.tight) {
                floating += 1;
            }
        }
    }
    floating > 0 && floating * 5 >= all
}

// ------------------------------------------------------------------- rows

/// A row being built: each column's paragraphs.
#[derive(Debug, Clone)]
struct OutRow {
    page: u32,
    cells: Vec<Vec<String>>,
    /// Columns covered by a merged cell of a row above.
    covered: Vec<bool>,
}

impl OutRow {
    fn new(page: u32, n: usize) -> OutRow {
        OutRow {
            page,
            cells: vec![Vec::new(); n],
            covered: vec![false; n],
        }
    }

    fn into_grid_row(self) -> GridRow {
        let cells = self
            .cells
            .into_iter()
            .zip(self.covered)
            .map(|(paragraphs, covered)| {
                if paragraphs.is_empty() && covered {
                    GridCell::SpannedFromAbove
                } else {
                    GridCell::Text(paragraphs)
                }
            })
            .collect();
        GridRow {
            cells,
            place: Place::page(self.page),
        }
    }
}

/// Where a block's text goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    /// A row of this page.
    Row(usize),
    /// The cell above in the same column (text a page break cut).
    Above,
}

/// Rows of one page, appended to `out`.
fn place_segment(
    segment: &Segment,
    blocks: Vec<Vec<Block>>,
    roles: &Roles,
    m: &Metrics,
    before: &PageEnd,
    out: &mut Vec<OutRow>,
) -> PageEnd {
    let n = blocks.len();
    let mut tops = row_tops(&blocks, roles, m);
    raise_row_tops(&mut tops, &blocks, roles, m);
    if tops.is_empty() {
        // No anchor text on this page: everything continues the row above.
        for (c, column) in blocks.iter().enumerate() {
            for b in column {
                append_above(out, c, b.paragraphs(), roles.anchor[c]);
            }
        }
        return PageEnd::of(&blocks, roles, m);
    }
    let row_of = |y: f64| tops.iter().rposition(|&t| t <= y + m.loose).unwrap_or(0);
    let bottoms = row_bottoms(&tops, &blocks, &row_of);
    let cut = segment.continued
        && out
            .last()
            .is_some_and(|above| is_cut(above, before, &blocks, &tops, roles, m, &row_of));
    let groups = roles.group.and_then(|g| {
        solve_groups(
            &blocks[g],
            &tops,
            &bottoms,
            Carry {
                continued: segment.continued,
                cut,
                text_cut: segment.continued && before.wrapped.get(g).copied().unwrap_or(false),
            },
            roles.centred,
            m,
        )
    });

    let fixed = |b: &Block| tops.iter().position(|&t| (t - b.top).abs() <= m.tight);
    let target = |c: usize, i: usize, b: &Block| -> Target {
        if b.top < tops[0] - m.loose {
            return if segment.continued {
                Target::Above
            } else {
                Target::Row(0)
            };
        }
        if roles.anchor[c] {
            return Target::Row(row_of(b.top));
        }
        if roles.per_row[c] {
            return Target::Row(row_of(b.centre()));
        }
        let Some(groups) = &groups else {
            return Target::Row(fixed(b).unwrap_or_else(|| row_of(b.top)));
        };
        if Some(c) == roles.group {
            return groups
                .block_target
                .get(i)
                .copied()
                .unwrap_or(Target::Row(row_of(b.top)));
        }
        match fixed(b) {
            Some(r) if groups.is_carried(r) => Target::Above,
            Some(r) => Target::Row(r),
            None => groups.target_of_row(row_of(b.centre())),
        }
    };
    let targets: Vec<Vec<Target>> = blocks
        .iter()
        .enumerate()
        .map(|(c, column)| {
            column
                .iter()
                .enumerate()
                .map(|(i, b)| target(c, i, b))
                .collect()
        })
        .collect();

    let mut rows: Vec<OutRow> = (0..tops.len())
        .map(|_| OutRow::new(segment.page, n))
        .collect();
    if let (Some(g), Some(groups)) = (roles.group, &groups) {
        for (r, row) in rows.iter_mut().enumerate() {
            row.covered[g] = groups.covered_from_above(r);
        }
    }
    let mut above: Vec<(usize, Vec<String>)> = Vec::new();
    for (c, column) in blocks.iter().enumerate() {
        for (b, target) in column.iter().zip(&targets[c]) {
            match *target {
                Target::Row(r) => append(&mut rows[r].cells[c], b.paragraphs()),
                Target::Above => above.push((c, b.paragraphs())),
            }
        }
    }
    for (c, paragraphs) in above {
        append_above(out, c, paragraphs, roles.anchor[c]);
    }

    let end = PageEnd::of(&blocks, roles, m);
    let mut rows = rows.into_iter();
    if cut && let Some(first) = rows.next() {
        for (c, paragraphs) in first.cells.into_iter().enumerate() {
            append_above(out, c, paragraphs, roles.anchor[c]);
        }
    }
    out.extend(rows);
    end
}

/// How a page's part of the table ended: for each column, whether its
/// last text ran to the page's last line, and whether that line was as
/// wide as the column (wrapped: the text goes on on the next page).
#[derive(Debug, Clone, Default)]
struct PageEnd {
    reached: Vec<bool>,
    wrapped: Vec<bool>,
}

impl PageEnd {
    fn of(blocks: &[Vec<Block>], roles: &Roles, m: &Metrics) -> PageEnd {
        let bottom = blocks
            .iter()
            .flatten()
            .map(|b| b.bottom)
            .fold(f64::NEG_INFINITY, f64::max);
        let last = |c: usize| {
            blocks[c]
                .iter()
                .max_by(|a, b| a.top.total_cmp(&b.top))
                .filter(|b| b.bottom >= bottom - m.loose)
        };
        let reached = (0..blocks.len()).map(|c| last(c).is_some()).collect();
        // Wrapped: not room for one more character. A line that ends a
        // sentence ends its text, however wide it is.
        let wrapped = (0..blocks.len())
            .map(|c| {
                last(c).and_then(|b| b.lines.last()).is_some_and(|l| {
                    let right = roles.right.get(c).copied().unwrap_or(f64::INFINITY);
                    right - l.x1 < 0.97 * l.em().unwrap_or(m.h / 1.3) && !ends_sentence(&l.text())
                })
            })
            .collect();
        PageEnd { reached, wrapped }
    }
}

/// Does the page's first row go on with the row the page break cut
/// (`above`)? A cut row goes on at the very top of the page and has
/// nothing in its label column — or the break cut the label too: the
/// label ran to the last line of the page before, and so did other cells,
/// wrapped there (or this row has nothing but the rest of the label), and
/// this row has text only where that row had. A row that starts lower
/// (below merged text only) is a row of its own.
fn is_cut(
    above: &OutRow,
    before: &PageEnd,
    blocks: &[Vec<Block>],
    tops: &[f64],
    roles: &Roles,
    m: &Metrics,
    row_of: &impl Fn(f64) -> usize,
) -> bool {
    let Some(label) = roles.label else {
        return false;
    };
    let page_top = blocks
        .iter()
        .flatten()
        .map(|b| b.top)
        .fold(f64::INFINITY, f64::min);
    let at_top = tops.first().is_some_and(|&t| t <= page_top + m.loose);
    if !at_top {
        return false;
    }
    let in_first_row = |c: usize| {
        blocks[c].iter().any(|b| {
            let y = if roles.per_row[c] { b.centre() } else { b.top };
            row_of(y) == 0
        })
    };
    if !in_first_row(label) {
        return true;
    }
    let rows_columns = |c: &usize| roles.anchor[*c] || roles.per_row[*c];
    let continues_above = (0..blocks.len())
        .filter(rows_columns)
        .all(|c| !in_first_row(c) || !above.cells[c].is_empty());
    let wrapped = |c: usize| before.wrapped.get(c).copied().unwrap_or(false);
    // (The label's own wrapping says little: a name breaks before a
    // bracket that may not end a line, well short of the column's edge.)
    let reached = |c: usize| before.reached.get(c).copied().unwrap_or(false);
    let others: Vec<usize> = (0..blocks.len())
        .filter(rows_columns)
        .filter(|&c| c != label && reached(c))
        .collect();
    let others_cut = !others.is_empty() && others.iter().all(|&c| wrapped(c));
    let label_only = (0..blocks.len())
        .filter(rows_columns)
        .all(|c| c == label || !in_first_row(c));
    continues_above && reached(label) && (others_cut || label_only)
}

/// Tops of the rows of one page: where anchor blocks start, one top per
/// cluster, unless an anchor block runs across it.
fn row_tops(blocks: &[Vec<Block>], roles: &Roles, m: &Metrics) -> Vec<f64> {
    let anchors: Vec<&Block> = blocks
        .iter()
        .enumerate()
        .filter(|(c, _)| roles.anchor[*c])
        .flat_map(|(_, column)| column)
        .collect();
    let mut starts: Vec<f64> = anchors.iter().map(|b| b.top).collect();
    starts.sort_by(f64::total_cmp);
    let mut tops: Vec<f64> = Vec::new();
    for y in starts {
        if tops.last().is_none_or(|&t| y - t > m.loose) {
            tops.push(y);
        }
    }
    // Drop a top an anchor block runs across: sweep the tops upwards with
    // the lowest bottom of the blocks that began well above.
    let mut by_top: Vec<&Block> = anchors;
    by_top.sort_by(|a, b| a.top.total_cmp(&b.top));
    let mut began = by_top.iter().peekable();
    let mut reach = f64::NEG_INFINITY;
    tops.retain(|&y| {
        while let Some(b) = began.next_if(|b| b.top < y - m.loose) {
            reach = reach.max(b.bottom);
        }
        reach <= y + m.loose
    });
    tops
}

/// Where cells are centred in their rows, a row's top is that of its
/// tallest cell, which need not be in an anchor column: a per-row block
/// starting above its row's top raises it.
fn raise_row_tops(tops: &mut [f64], blocks: &[Vec<Block>], roles: &Roles, m: &Metrics) {
    let anchored = tops.to_vec();
    for (c, column) in blocks.iter().enumerate() {
        if !roles.per_row[c] {
            continue;
        }
        for b in column {
            let Some(r) = anchored.iter().rposition(|&t| t <= b.centre() + m.loose) else {
                continue;
            };
            let floor = if r == 0 {
                f64::NEG_INFINITY
            } else {
                anchored[r - 1]
            };
            if b.top < tops[r] && b.top > floor {
                tops[r] = b.top;
            }
        }
    }
}

/// The bottom of each row's text: the lowest line of the blocks that start
/// in it, in any column (a merged cell taller than its rows' other cells
/// stretches the last of them).
fn row_bottoms(tops: &[f64], blocks: &[Vec<Block>], row_of: &impl Fn(f64) -> usize) -> Vec<f64> {
    let mut bottoms: Vec<f64> = tops.to_vec();
    for b in blocks.iter().flatten() {
        if let Some(bottom) = bottoms.get_mut(row_of(b.top)) {
            *bottom = bottom.max(b.bottom);
        }
    }
    bottoms
}

fn append(cell: &mut Vec<String>, paragraphs: Vec<String>) {
    for p in paragraphs {
        let joins = cell
            .last()
            .is_some_and(|last| !ends_sentence(last) && !starts_list_item(&p));
        match cell.last_mut() {
            Some(last) if joins => join_wrapped(last, &p),
            _ => cell.push(p),
        }
    }
}

/// Text a page break cut off: it continues the cell above in its column
/// (for an anchor column the last row's; for a merged one the nearest row
/// above that has text there).
fn append_above(out: &mut [OutRow], c: usize, paragraphs: Vec<String>, anchor: bool) {
    if paragraphs.is_empty() {
        return;
    }
    let row = if anchor {
        out.len().checked_sub(1)
    } else {
        out.iter()
            .rposition(|r| !r.cells[c].is_empty())
            .or(out.len().checked_sub(1))
    };
    if let Some(r) = row {
        append(&mut out[r].cells[c], paragraphs);
    }
}

fn ends_sentence(text: &str) -> bool {
    text.trim_end()
        .ends_with(['。', '；', ';', '！', '？', '!', '?'])
}

// ----------------------------------------------------------------- groups

/// The rows of a page partitioned into the merged cells of the group
/// column.
#[derive(Debug, Clone)]
struct Groups {
    /// First row of each group, in order, and whether the group continues
    /// one from the page before (only the first can).
    starts: Vec<(usize, bool)>,
    /// Where each of the group column's blocks goes.
    block_target: Vec<Target>,
}

impl Groups {
    fn group_of_row(&self, r: usize) -> Option<(usize, bool)> {
        self.starts.iter().rev().find(|(s, _)| *s <= r).copied()
    }

    fn is_carried(&self, r: usize) -> bool {
        self.group_of_row(r).is_some_and(|(_, carried)| carried)
    }

    /// A merged cell's text goes to the first row of the group it is in;
    /// in the group a page starts with, to the cell on the page before.
    fn target_of_row(&self, r: usize) -> Target {
        match self.group_of_row(r) {
            Some((_, true)) => Target::Above,
            Some((s, false)) => Target::Row(s),
            None => Target::Row(r),
        }
    }

    fn covered_from_above(&self, r: usize) -> bool {
        self.group_of_row(r)
            .is_some_and(|(s, carried)| carried || s < r)
    }
}

/// How a page's rows continue the page before.
#[derive(Debug, Clone, Copy)]
struct Carry {
    /// The table began on an earlier page: the rows before the first group
    /// may belong to a group begun there.
    continued: bool,
    /// The first row goes on with the row the page break cut: it belongs to
    /// that group, and so does merged text in it.
    cut: bool,
    /// The group column's text on the page before ran to its last line,
    /// wrapped: the first block here is the rest of it.
    text_cut: bool,
}

/// Partitions the rows into consecutive groups, one per block of the group
/// column, each block at the top or the vertical centre of its rows.
/// Rows before the first block may continue a group from the page before
/// (`continued`); any other group without a block (an empty merged cell)
/// costs a penalty. `None` when the page is too big to solve or no
/// partition contains every block.
fn solve_groups(
    blocks: &[Block],
    tops: &[f64],
    bottoms: &[f64],
    carry: Carry,
    centred: bool,
    m: &Metrics,
) -> Option<Groups> {
    let rows = tops.len();
    let continued = carry.continued;
    // Blocks in a cut first row continue the cell above.
    let first = usize::from(carry.cut).min(rows);
    let mut carried = match tops.get(first) {
        Some(&t) if first > 0 => blocks.iter().take_while(|b| b.top < t - m.loose).count(),
        _ => 0,
    };
    if carry.text_cut && carried == 0 && !blocks.is_empty() {
        carried = 1;
    }
    let (above, blocks) = blocks.split_at(carried);
    let k = blocks.len();
    if rows == 0 || rows > MAX_ROWS_SOLVED || k > MAX_GROUP_BLOCKS_SOLVED {
        return None;
    }
    if k == 0 || first >= rows {
        return Some(Groups {
            starts: vec![(0, continued)],
            block_target: vec![Target::Above; carried + k],
        });
    }
    let penalty = 2.0 * m.h;
    let bias = 0.1 * m.h;
    let unlikely = 0.5 * m.h;
    let next_top = |b: usize| tops.get(b + 1).copied().unwrap_or(f64::INFINITY);
    let cost = |j: usize, a: usize, b: usize| -> Option<f64> {
        let block = &blocks[j];
        let contained = tops[a] - m.loose <= block.top && block.bottom <= next_top(b) + m.loose;
        if !contained {
            return None;
        }
        let bottom = bottoms[a..=b].iter().copied().fold(block.bottom, f64::max);
        let top = (block.top - tops[a]).abs();
        let centre = (block.centre() - (tops[a] + bottom) / 2.0).abs();
        // Where merged cells are centred, one at the top of its rows is a
        // single row, or a group a page break split (the part on each page
        // is laid out from its top); anywhere else a block at a row's top
        // is that by chance.
        let split = b + 1 == rows || (a == 0 && continued);
        Some(if !centred {
            top.min(centre + bias)
        } else if a == b || split {
            top.min(centre)
        } else {
            (top + unlikely).min(centre)
        })
    };
    // best[j][r]: blocks ..j placed, rows ..r decided: (cost, r before, a)
    let mut best: Vec<Vec<Option<(f64, usize, usize)>>> = vec![vec![None; rows + 1]; k + 1];
    best[0][0] = Some((0.0, 0, 0));
    for j in 0..k {
        let next_block_top = blocks.get(j + 1).map_or(f64::INFINITY, |b| b.top);
        for r in 0..rows {
            let Some((so_far, _, _)) = best[j][r] else {
                continue;
            };
            for a in r.max(first)..rows {
                if tops[a] > blocks[j].top + m.loose {
                    break;
                }
                let skipped = if a == r || (j == 0 && r == 0 && continued) {
                    0.0
                } else {
                    penalty
                };
                for b in a..rows {
                    if tops[b] > next_block_top + m.loose {
                        break;
                    }
                    let Some(c) = cost(j, a, b) else {
                        continue;
                    };
                    let total = so_far + skipped + c;
                    let slot = &mut best[j + 1][b + 1];
                    if slot.is_none_or(|(t, _, _)| total < t) {
                        *slot = Some((total, r, a));
                    }
                }
            }
        }
    }
    let (_, end) = (1..=rows)
        .filter_map(|r| {
            let (t, _, _) = best[k][r]?;
            Some((t + if r < rows { penalty } else { 0.0 }, r))
        })
        .min_by(|a, b| a.0.total_cmp(&b.0))?;

    let mut starts: Vec<(usize, bool)> = Vec::new();
    if end < rows {
        starts.push((end, false));
    }
    let mut block_target = vec![Target::Row(0); k];
    let mut r = end;
    for j in (0..k).rev() {
        let (_, from, a) = best[j + 1][r]?;
        block_target[j] = Target::Row(a);
        starts.push((a, false));
        if a > from {
            starts.push((from, j == 0 && from == 0 && continued));
        }
        r = from;
    }
    starts.reverse();
    let mut targets = vec![Target::Above; above.len()];
    targets.extend(block_target);
    Some(Groups {
        starts,
        block_target: targets,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::Layout;
    use crate::formats::pdf::geometry::lines_of;
    use crate::formats::pdf::header;

    /// A synthetic cell: its lines and the rows it spans.
    struct Cell {
        lines: Vec<String>,
        span: usize,
    }

    fn cell(text: &str, span: usize) -> Option<Cell> {
        Some(Cell {
            lines: text
                .split('|')
                .filter(|l| !l.is_empty())
                .map(String::from)
                .collect(),
            span,
        })
    }

    /// How the synthetic word processor sets text.
    struct Style {
        /// Baseline to baseline.
        pitch: f64,
        /// Height of a line's box.
        height: f64,
        /// Extra space between rows (padding and border).
        row_gap: f64,
        /// Merged cells vertically centred (else top-aligned).
        centred: bool,
        /// Every cell vertically centred in its row.
        all_centred: bool,
        char_width: f64,
    }

    const LIBREOFFICE: Style = Style {
        pitch: 14.35,
        height: 13.0,
        row_gap: 0.5,
        centred: true,
        all_centred: false,
        char_width: 10.0,
    };

    const HEADER: [&str; 6] = [
        "序号",
        "管理事项",
        "相关部门",
        "职责分工",
        "相关依据",
        "案例",
    ];
    const WIDTHS: [f64; 6] = [34.0, 79.0, 73.0, 226.0, 170.0, 144.0];

    fn word(x0: f64, y0: f64, text: &str, style: &Style) -> Word {
        let round = |v: f64| (v * 10.0).round() / 10.0;
        Word {
            x0: round(x0),
            y0: round(y0),
            x1: round(x0 + style.char_width * text.chars().count() as f64),
            y1: round(y0 + style.height),
            text: text.to_string(),
        }
    }

    /// Lays the table out as a word processor would: the header at y = 100,
    /// rows as tall as their tallest cell (a merged cell taller than its
    /// rows stretches the last), cells top-aligned, merged ones centred or
    /// top-aligned, column 0 centred horizontally.
    fn lay_out(rows: &[Vec<Option<Cell>>], style: &Style) -> (Vec<Word>, Vec<Word>) {
        let lefts: Vec<f64> = WIDTHS
            .iter()
            .scan(56.8, |x, w| {
                let left = *x;
                *x += w;
                Some(left)
            })
            .collect();
        let x_of = |c: usize, text: &str| {
            let width = style.char_width * text.chars().count() as f64;
            if c == 0 {
                lefts[c] + (WIDTHS[c] - width) / 2.0
            } else {
                lefts[c] + 5.4
            }
        };
        let header: Vec<Word> = HEADER
            .iter()
            .enumerate()
            .map(|(c, h)| {
                let width = style.char_width * h.chars().count() as f64;
                word(lefts[c] + (WIDTHS[c] - width) / 2.0, 100.0, h, style)
            })
            .collect();
        let text_height = |n: usize| n.max(1) as f64 * style.pitch;
        let mut heights: Vec<f64> = rows
            .iter()
            .map(|r| {
                r.iter()
                    .flatten()
                    .filter(|c| c.span == 1)
                    .map(|c| text_height(c.lines.len()))
                    .fold(style.pitch, f64::max)
            })
            .collect();
        for (r, row) in rows.iter().enumerate() {
            for c in row.iter().flatten().filter(|c| c.span > 1) {
                let last = r + c.span - 1;
                let have: f64 =
                    heights[r..=last].iter().sum::<f64>() + (c.span - 1) as f64 * style.row_gap;
                let need = text_height(c.lines.len());
                if need > have {
                    heights[last] += need - have;
                }
            }
        }
        let mut tops = vec![100.0 + style.pitch + style.row_gap];
        for h in &heights {
            let next = tops[tops.len() - 1] + h + style.row_gap;
            tops.push(next);
        }
        let mut body = Vec::new();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let Some(cell) = cell else { continue };
                let last = r + cell.span - 1;
                let region = tops[last] + heights[last] - tops[r];
                let start = if (cell.span > 1 && style.centred) || style.all_centred {
                    tops[r] + (region - text_height(cell.lines.len())) / 2.0
                } else {
                    tops[r]
                };
                for (k, line) in cell.lines.iter().enumerate() {
                    body.push(word(
                        x_of(c, line),
                        start + k as f64 * style.pitch,
                        line,
                        style,
                    ));
                }
            }
        }
        (header, body)
    }

    fn table(header: Vec<Word>, segments: Vec<(u32, Vec<Word>)>) -> TableWords {
        let header = header::detect(&lines_of(header)).expect("a header row");
        TableWords {
            header,
            header_page: 1,
            segments: segments
                .into_iter()
                .enumerate()
                .map(|(i, (page, words))| Segment {
                    page,
                    continued: i > 0,
                    words,
                })
                .collect(),
        }
    }

    fn rendered(table: &TableWords) -> Vec<String> {
        let mut layout = Layout::default();
        layout.table(build(table));
        layout.render().text.lines().map(String::from).collect()
    }

    /// Three matters: one of three departments, one of one, one of four
    /// whose case is taller than its rows; the last has no number.
    fn boundary_rows() -> Vec<Vec<Option<Cell>>> {
        vec![
            vec![
                cell("1", 3),
                cell("产品质量|安全监管", 3),
                cell("质监局", 1),
                cell("负责生产领域产品质量|监督管理。", 1),
                cell("《产品质量法》", 3),
                cell("某商场在售儿童玩具|经检验不合格。", 3),
            ],
            vec![
                None,
                None,
                cell("市场监管局", 1),
                cell("负责流通领域商品质量|的监督管理，依法查处|违法行为。", 1),
                None,
                None,
            ],
            vec![
                None,
                None,
                cell("公安局（交警|大队）", 1),
                cell("负责打击犯罪。", 1),
                None,
                None,
            ],
            vec![
                cell("2", 1),
                cell("特种设备监管", 1),
                cell("质监局", 1),
                cell("（1）负责安全监察；|（2）负责检验检测。", 1),
                cell("1.《特种设备安全法》；|2.《条例》。", 1),
                cell("", 1),
            ],
            vec![
                cell("", 4),
                cell("油气输送管道|监管", 4),
                cell("发改局", 1),
                cell("负责管道保护。", 1),
                cell("《石油天然气管道|保护法》", 4),
                cell("甲|乙|丙|丁|戊|己|庚|辛|壬|癸|子|丑|寅|卯|辰|巳", 4),
            ],
            vec![
                None,
                None,
                cell("公安局", 1),
                cell("负责打孔盗油|案件。", 1),
                None,
                None,
            ],
            vec![
                None,
                None,
                cell("规划局", 1),
                cell("负责规划。", 1),
                None,
                None,
            ],
            vec![
                None,
                None,
                cell("安监局", 1),
                cell("负责综合监管。", 1),
                None,
                None,
            ],
        ]
    }

    const EXPECTED: [&str; 9] = [
        "序号\t管理事项\t相关部门\t职责分工\t相关依据\t案例",
        "1\t产品质量安全监管\t质监局\t负责生产领域产品质量监督管理。\t《产品质量法》\t某商场在售儿童玩具经检验不合格。",
        "\t\t市场监管局\t负责流通领域商品质量的监督管理，依法查处违法行为。\t\t",
        "\t\t公安局（交警大队）\t负责打击犯罪。\t\t",
        "2\t特种设备监管\t质监局\t<p>（1）负责安全监察；</p><p>（2）负责检验检测。</p>\t<p>1.《特种设备安全法》；</p><p>2.《条例》。</p>\t",
        "\t油气输送管道监管\t发改局\t负责管道保护。\t《石油天然气管道保护法》\t甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳",
        "\t\t公安局\t负责打孔盗油案件。\t\t",
        "\t\t规划局\t负责规划。\t\t",
        "\t\t安监局\t负责综合监管。\t\t",
    ];

    #[test]
    fn centred_merged_cells_go_to_the_first_row_of_their_group() {
        let (header, body) = lay_out(&boundary_rows(), &LIBREOFFICE);
        assert_eq!(rendered(&table(header, vec![(1, body)])), EXPECTED);
    }

    #[test]
    fn top_aligned_merged_cells_and_other_metrics() {
        // 12 pt text with more leading and roomier cells, merged cells at
        // the top of their rows.
        let style = Style {
            pitch: 18.2,
            height: 15.6,
            row_gap: 4.0,
            centred: false,
            all_centred: false,
            char_width: 10.0,
        };
        let (header, body) = lay_out(&boundary_rows(), &style);
        assert_eq!(rendered(&table(header, vec![(1, body)])), EXPECTED);
    }

    /// Cuts the laid-out words at `y` into two pages; the second page's
    /// text starts at the same height as the first page's table did.
    fn page_break(body: Vec<Word>, y: f64) -> Vec<(u32, Vec<Word>)> {
        let (first, second): (Vec<Word>, Vec<Word>) = body.into_iter().partition(|w| w.y0 < y);
        let top = second.iter().map(|w| w.y0).fold(f64::INFINITY, f64::min);
        let shift = top - 114.85;
        let second = second
            .into_iter()
            .map(|w| Word {
                y0: w.y0 - shift,
                y1: w.y1 - shift,
                ..w
            })
            .collect();
        vec![(1, first), (2, second)]
    }

    #[test]
    fn a_row_cut_by_a_page_break_is_joined_again() {
        let style = Style {
            centred: false,
            ..LIBREOFFICE
        };
        let (header, body) = lay_out(&boundary_rows(), &style);
        // Inside 市场监管局's duty, between its second and third line.
        let second_row = body
            .iter()
            .find(|w| w.text == "市场监管局")
            .map_or(0.0, |w| w.y0);
        let segments = page_break(body, second_row + 2.0 * style.pitch - 1.0);
        let lines = rendered(&table(header, segments));
        assert_eq!(lines, EXPECTED);
    }

    #[test]
    fn a_page_starting_with_a_new_row_keeps_it() {
        let style = Style {
            centred: false,
            ..LIBREOFFICE
        };
        let (header, body) = lay_out(&boundary_rows(), &style);
        let third_row = body
            .iter()
            .find(|w| w.text == "公安局（交警")
            .map_or(0.0, |w| w.y0);
        let lines = rendered(&table(header, page_break(body, third_row - 0.5)));
        assert_eq!(lines, EXPECTED);
    }

    #[test]
    fn every_cell_centred_in_its_row() {
        let style = Style {
            all_centred: true,
            ..LIBREOFFICE
        };
        let (header, body) = lay_out(&boundary_rows(), &style);
        assert_eq!(rendered(&table(header, vec![(1, body)])), EXPECTED);
    }

    #[test]
    fn a_label_cut_by_a_page_break_is_joined_again() {
        let style = Style {
            centred: false,
            ..LIBREOFFICE
        };
        let (header, body) = lay_out(&boundary_rows(), &style);
        // Between 公安局（交警 and 大队）: the next page starts with the rest
        // of the department's name and nothing else.
        let third_row = body
            .iter()
            .find(|w| w.text == "公安局（交警")
            .map_or(0.0, |w| w.y0);
        let lines = rendered(&table(header, page_break(body, third_row + 1.0)));
        assert_eq!(lines, EXPECTED);
    }

    #[test]
    fn a_long_table_on_one_tall_page_stays_fast() {
        // 480 rows in one segment: no step may be quadratic in the blocks
        // of a page, and the group solver gives way on pages this long.
        let rows: Vec<Vec<Option<Cell>>> = (0..60).flat_map(|_| boundary_rows()).collect();
        let (header, body) = lay_out(&rows, &LIBREOFFICE);
        let started = std::time::Instant::now();
        let lines = rendered(&table(header, vec![(1, body)]));
        assert_eq!(lines.len(), 1 + 60 * 8);
        assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
    }

    #[test]
    fn cell_gap_is_measured() {
        let gap = |pitch: f64, row_gap: f64| {
            let style = Style {
                pitch,
                row_gap,
                ..LIBREOFFICE
            };
            let (header, body) = lay_out(&boundary_rows(), &style);
            let t = table(header, vec![(1, body)]);
            let bounds = column_bounds(&t.header, t.segments[0].words.iter());
            let columns = vec![column_lines(&t.segments[0].words, &bounds.at, 6)];
            cell_gap(&columns, 13.0)
        };
        let leading = 14.35 - 13.0;
        let g = gap(14.35, 0.5);
        assert!(g > leading && g < leading + 0.5, "{g}");
        let g = gap(14.35, 3.0);
        assert!(g > leading && g < leading + 3.0, "{g}");
    }

    #[test]
    fn nothing_panics_on_odd_tables() {
        let (header, body) = lay_out(&boundary_rows(), &LIBREOFFICE);
        // No body, a body of one word, words far outside the columns,
        // overlapping words.
        for segments in [
            vec![],
            vec![(1, vec![])],
            vec![(1, body[..1].to_vec())],
            vec![(
                1,
                vec![
                    word(-500.0, 150.0, "外", &LIBREOFFICE),
                    word(5000.0, 150.0, "外", &LIBREOFFICE),
                ],
            )],
            vec![(
                1,
                body.iter().cloned().chain(body.iter().cloned()).collect(),
            )],
            vec![(2, body.clone()), (3, body.clone())],
        ] {
            let t = table(header.clone(), segments);
            let grid = build(&t);
            assert!(grid.rows.iter().all(|r| r.cells.len() == 6));
        }
    }
}
