//! 职责边界 in encoding C: columns 序号, 管理事项, 相关部门, 职责分工, 相关依据, 案例.
//!
//! The department column is the spine: every (matter, department) pair is a
//! block that starts with the department's name. The merged cells (序号 +
//! 管理事项, 相关依据) float to the vertical middle of the matter, so their
//! position says little; the reader therefore
//!
//! 1. classifies each block by its first line: a matter label `N 名称`
//!    (numbers in sequence), a basis (`《…` or `1.《…`, or text closing a
//!    bracket the matter's basis left open — the rest of a basis cut by a
//!    page break), a wrapped `（…）` addition to the last department's name,
//!    a department (name ending 局/委/社/办/中心/大队, with its duty inline
//!    or on the following lines), or else the continuation of the last
//!    department's duty (after a page break or a floating cell);
//! 2. starts a new matter at the home bureau (the table's first department)
//!    or when a department repeats inside the current matter;
//! 3. gives the matters their labels in numeric order, and puts each
//!    merged cell's text on every row of its matter.

use std::sync::LazyLock;

use regex::Regex;

use super::layout::{
    CellText, Counter, blocks, compact, first_unmatched_closer, has_clause_punctuation, is_han,
    is_header, nearest_row, open_brackets, pieces, push_brackets, row_of, small_number, union,
    width,
};
use crate::read::{Column, Line, Row, Table, Warning};
use crate::record::{LineSpan, SectionKind};

/// Department names end in one of these.
const DEPARTMENT_SUFFIXES: [&str; 6] = ["局", "委", "社", "办", "中心", "大队"];
/// Longest department name (without its bracketed addition), in characters.
const MAX_NAME_CHARS: usize = 10;
/// A name standing alone on its line may be misread (商局务); it still
/// counts if it is this short and holds 局.
const MAX_MISREAD_NAME_CHARS: usize = 6;
/// Lines of the department column are narrower than this (half-width units).
const MAX_NAME_LINE_WIDTH: usize = 16;
/// Matter names are short.
const MAX_MATTER_WIDTH: usize = 40;

/// Reads the boundary table.
pub(super) fn read(lines: &[Line], warnings: &mut Vec<Warning>) -> Table {
    let mut reader = Reader::default();
    for block in blocks(lines) {
        let block: Vec<Line> = block.into_iter().filter(|l| !is_header(l.text)).collect();
        reader.block(&block, warnings);
    }
    reader.into_table(warnings)
}

/// One department's part of a matter.
#[derive(Debug, Default)]
struct Department<'a> {
    name: CellText<'a>,
    duty: CellText<'a>,
}

impl Department<'_> {
    /// The name without its bracketed addition, for telling matters apart.
    fn base(&self) -> String {
        base_name(&self.name.compact()).to_string()
    }
}

/// One matter (管理事项): its departments and its basis.
#[derive(Debug, Default)]
struct Matter<'a> {
    departments: Vec<Department<'a>>,
    basis: CellText<'a>,
    /// Brackets the basis left open: a later block closing one continues it.
    basis_open: Vec<char>,
}

impl Matter<'_> {
    /// One row per department. The label and the basis are merged cells:
    /// their text goes on every row, their span on the row nearest to
    /// where they float.
    fn rows(&self, label: Option<&Label>, warnings: &mut Vec<Warning>) -> Vec<Row> {
        let row_spans: Vec<Option<LineSpan>> = self
            .departments
            .iter()
            .map(|d| union([d.name.span(), d.duty.span()]))
            .collect();
        let label_row =
            label.and_then(|l| nearest_row(&row_spans, union([l.number.span(), l.name.span()])));
        let basis_row = nearest_row(&row_spans, self.basis.span());
        let mut rows = Vec::new();
        for (j, department) in self.departments.iter().enumerate() {
            if department.duty.is_empty() {
                let line = department.name.first_line().unwrap_or(0);
                warnings.push(Warning::new(
                    line,
                    "boundary table (encoding C): department without duty text",
                ));
            }
            let cites_label = label_row == Some(j);
            let cells = [
                (
                    Column::Number,
                    label.and_then(|l| l.number.merged_cell(cites_label)),
                ),
                (
                    Column::Matter,
                    label.and_then(|l| l.name.merged_cell(cites_label)),
                ),
                (Column::Department, department.name.cell()),
                (Column::Duty, department.duty.cell()),
                (Column::Basis, self.basis.merged_cell(basis_row == Some(j))),
            ];
            rows.push(row_of(cells));
        }
        rows
    }
}

/// A matter label: number and name.
#[derive(Debug)]
struct Label<'a> {
    number: CellText<'a>,
    name: CellText<'a>,
}

#[derive(Debug, Default)]
struct Reader<'a> {
    matters: Vec<Matter<'a>>,
    labels: Vec<Label<'a>>,
    label_numbers: Counter,
    /// The first department of the table: the issuing bureau itself.
    home: Option<String>,
}

impl<'a> Reader<'a> {
    /// Step 1: classifies one block and files it.
    fn block(&mut self, block: &[Line<'a>], warnings: &mut Vec<Warning>) {
        let Some(first) = block.first() else { return };
        if self.label(block) {
            return;
        }
        if starts_basis(first.text) || self.closes_basis(block) {
            self.basis(block);
            return;
        }
        if self.name_addition(block) {
            return;
        }
        match department_name_end(first.text) {
            Some(name_end) => self.department(block, name_end),
            None => self.continuation(block, warnings),
        }
    }

    /// A matter label block: `N 名称`, or `N` with the name on the next lines.
    fn label(&mut self, block: &[Line<'a>]) -> bool {
        let Some(first) = block.first() else {
            return false;
        };
        let trimmed = first.text.trim();
        let (number, rest) = trimmed
            .split_once(char::is_whitespace)
            .unwrap_or((trimmed, ""));
        let Some(n) = small_number(number) else {
            return false;
        };
        let mut name = CellText::default();
        name.push(first.number, rest);
        for line in &block[1..] {
            name.push(line.number, line.text);
        }
        let is_name = name
            .texts()
            .all(|t| !has_clause_punctuation(t) && width(t) <= MAX_MATTER_WIDTH)
            && !name.compact().starts_with(['《', '（', '(', '〔']);
        if !is_name || !self.label_numbers.try_take(n) {
            return false;
        }
        self.labels.push(Label {
            number: CellText::of(first.number, number),
            name,
        });
        true
    }

    /// Whether the block continues the current matter's basis: its first
    /// unmatched closer closes the basis's innermost open bracket (and not
    /// one the last duty left open).
    fn closes_basis(&self, block: &[Line]) -> bool {
        let Some(matter) = self.matters.last() else {
            return false;
        };
        let Some(&open) = matter.basis_open.last() else {
            return false;
        };
        let text: String = block.iter().map(|l| compact(l.text)).collect();
        let duty_open = matter
            .departments
            .last()
            .map(|d| open_brackets(&d.duty.compact()))
            .unwrap_or_default();
        first_unmatched_closer(&text) == Some(open) && !duty_open.contains(&open)
    }

    fn basis(&mut self, block: &[Line<'a>]) {
        let matter = self.current_matter();
        for line in block {
            matter.basis.push(line.number, line.text);
            push_brackets(&mut matter.basis_open, &compact(line.text));
        }
    }

    /// A `（…）` block in the department column's width: the rest of a name
    /// a page break separated from it (商务局 … （打击侵犯…办公室）).
    fn name_addition(&mut self, block: &[Line<'a>]) -> bool {
        let text: String = block.iter().map(|l| compact(l.text)).collect();
        let shaped = text.starts_with(['（', '('])
            && text.ends_with(['）', ')'])
            && block
                .iter()
                .all(|l| width(&compact(l.text)) <= MAX_NAME_LINE_WIDTH);
        let Some(department) = self
            .matters
            .last_mut()
            .and_then(|m| m.departments.last_mut())
        else {
            return false;
        };
        if !shaped || department.name.compact().contains(['（', '(']) {
            return false;
        }
        for line in block {
            department.name.push(line.number, line.text);
        }
        true
    }

    /// A department block: its name (with a bracketed addition wrapped onto
    /// the next lines), then its duty, inline or below.
    fn department(&mut self, block: &[Line<'a>], name_end: usize) {
        let Some((first, rest)) = block.split_first() else {
            return;
        };
        let mut department = Department {
            name: CellText::of(first.number, &first.text[..name_end]),
            ..Default::default()
        };
        let mut open = open_brackets(&first.text[..name_end]);
        let mut rest = rest;
        while !open.is_empty()
            && let Some((line, more)) = rest.split_first()
            && width(&compact(line.text)) <= MAX_NAME_LINE_WIDTH
        {
            department.name.push(line.number, line.text);
            push_brackets(&mut open, &compact(line.text));
            rest = more;
        }
        self.start_department(department);
        self.duty_line(first.number, &first.text[name_end..]);
        for line in rest {
            self.duty_line(line.number, line.text);
        }
    }

    /// Step 2: a new matter starts at the home bureau or at a department the
    /// current matter already has.
    fn start_department(&mut self, department: Department<'a>) {
        let base = department.base();
        let home = self.home.get_or_insert_with(|| base.clone());
        let new_matter = match self.matters.last() {
            None => true,
            Some(m) => {
                (*home == base && !m.departments.is_empty())
                    || m.departments.iter().any(|d| d.base() == base)
            }
        };
        if new_matter {
            self.matters.push(Matter::default());
        }
        self.current_matter().departments.push(department);
    }

    /// Text that belongs to no new cell: more of the last department's duty.
    fn continuation(&mut self, block: &[Line<'a>], warnings: &mut Vec<Warning>) {
        if self.matters.last().is_none_or(|m| m.departments.is_empty()) {
            let line = block.first().map_or(0, |l| l.number);
            warnings.push(Warning::new(
                line,
                "boundary table (encoding C): text before any department; skipped",
            ));
            return;
        }
        for line in block {
            self.duty_line(line.number, line.text);
        }
    }

    /// Adds a line to the last department's duty, taking off a matter label
    /// that shares the line (`负责气瓶充装许可 4 工业气体充装`).
    fn duty_line(&mut self, number: usize, text: &'a str) {
        let mut duty = text;
        if let Some(c) = INLINE_LABEL.captures(text)
            && let (Some(n), Some(name)) = (c.name("number"), c.name("name"))
            && let Some(value) = small_number(n.as_str())
            && self.label_numbers.try_take(value)
        {
            self.labels.push(Label {
                number: CellText::of(number, n.as_str()),
                name: CellText::of(number, name.as_str()),
            });
            duty = c.name("duty").map_or("", |d| d.as_str());
        }
        if let Some(department) = self
            .matters
            .last_mut()
            .and_then(|m| m.departments.last_mut())
        {
            department.duty.push(number, duty);
        }
    }

    fn current_matter(&mut self) -> &mut Matter<'a> {
        if self.matters.is_empty() {
            self.matters.push(Matter::default());
        }
        let last = self.matters.len() - 1;
        &mut self.matters[last]
    }

    /// Step 3: one row per (matter, department), the matters labelled in
    /// numeric order.
    fn into_table(self, warnings: &mut Vec<Warning>) -> Table {
        let mut table = Table::new(SectionKind::Boundary);
        if self.labels.len() != self.matters.len() {
            let line = self
                .matters
                .iter()
                .flat_map(|m| m.departments.first())
                .find_map(|d| d.name.first_line());
            warnings.push(Warning::new(
                line.unwrap_or(0),
                format!(
                    "boundary table (encoding C): {} matter labels for {} matters",
                    self.labels.len(),
                    self.matters.len()
                ),
            ));
        }
        for (i, matter) in self.matters.iter().enumerate() {
            let label = self.labels.get(i);
            if matter.departments.is_empty() {
                let line = matter.basis.first_line().unwrap_or(0);
                warnings.push(Warning::new(
                    line,
                    "boundary table (encoding C): matter without departments",
                ));
            }
            table.rows.extend(matter.rows(label, warnings));
        }
        table
    }
}

/// A matter label at the end of a line: `… 4 工业气体充装`.
static INLINE_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:(?P<duty>.*?)\s+)?(?P<number>\d{1,2})\s+(?P<name>\p{Han}{2}[^\s，。；：]*)\s*$",
    )
    .expect("valid regex")
});

/// A basis cell starts with a title in 《》, possibly numbered (`1.《…`).
fn starts_basis(text: &str) -> bool {
    let c = compact(text);
    let unnumbered = c.trim_start_matches(|ch: char| ch.is_ascii_digit());
    let unnumbered = if unnumbered.len() < c.len() {
        unnumbered
            .strip_prefix(['.', '．', '、'])
            .unwrap_or(c.as_str())
    } else {
        unnumbered
    };
    unnumbered.starts_with('《')
}

/// The name before its bracketed addition: 质监局（打假…） → 质监局.
fn base_name(name: &str) -> &str {
    name.split(['（', '(']).next().unwrap_or(name)
}

/// Where a department name at the start of a line ends (byte offset), if
/// the line starts with one: a short run of ideographs ending in a
/// department word, with an optional bracketed addition. A name standing
/// alone may be misread (商局务 for 商务局); a short one holding 局 counts.
fn department_name_end(text: &str) -> Option<usize> {
    let ranges = pieces(text);
    let first = ranges.first()?;
    let piece = &text[first.clone()];
    let base = base_name(piece);
    let chars = base.chars().count();
    if !(2..=MAX_NAME_CHARS).contains(&chars) || !base.chars().all(is_han) {
        return None;
    }
    let named = DEPARTMENT_SUFFIXES.iter().any(|s| base.ends_with(s));
    let misread = ranges.len() == 1 && chars <= MAX_MISREAD_NAME_CHARS && base.contains('局');
    (named || misread).then_some(first.end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_department_names() {
        assert_eq!(
            department_name_end("安监局 负责危险化学品安全监督"),
            Some("安监局".len())
        );
        assert_eq!(department_name_end("质监局（打"), Some("质监局（打".len()));
        assert_eq!(department_name_end("商局务 "), Some("商局务".len()));
        assert_eq!(department_name_end("可证、危险化学品安全使"), None);
    }

    #[test]
    fn finds_basis_starts() {
        assert!(starts_basis("《危险化学品安全管理条"));
        assert!(starts_basis("1.《河北省特种设备安全监"));
        assert!(!starts_basis("〔2009〕62 号)"));
    }

    #[test]
    fn splits_inline_labels() {
        let c = INLINE_LABEL
            .captures("负责气瓶充装许可 4 工业气体充装 ")
            .expect("label");
        assert_eq!(c.name("duty").map(|m| m.as_str()), Some("负责气瓶充装许可"));
        assert_eq!(c.name("name").map(|m| m.as_str()), Some("工业气体充装"));
        assert!(INLINE_LABEL.captures("国务院令第 591 号 ").is_none());
    }
}
