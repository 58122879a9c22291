//! 公共服务事项 in encoding C: columns 序号, 服务事项, 主要内容,
//! 承办股室（单位）, 联系电话.
//!
//! A row starts at a line beginning with the next row number. A whole row
//! may sit on one line (`1 服务 内容 单位 7600365`); otherwise the service
//! name follows the number, the content is wrapped below it, and the row
//! ends at the phone number (7–8 digits at the right of a line). The unit
//! precedes the phone: on the phone's line, or, when the phone stands
//! alone, in the block just before it.

use std::ops::Range;

use super::layout::{CellText, Counter, is_header, join_fragment_ranges, pieces, small_number};
use crate::read::{Column, Line, Row, Table, Warning};
use crate::record::SectionKind;

/// Reads the public-services table.
pub(super) fn read(lines: &[Line], warnings: &mut Vec<Warning>) -> Table {
    let mut table = Table::new(SectionKind::PublicService);
    let starts = row_starts(lines);
    let first_start = starts.first().copied().unwrap_or(lines.len());
    if let Some(stray) = lines[..first_start]
        .iter()
        .find(|l| !l.is_blank() && !is_header(l.text))
    {
        warnings.push(Warning::new(
            stray.number,
            "public services (encoding C): text before the first numbered row; skipped",
        ));
    }
    for (k, &start) in starts.iter().enumerate() {
        let end = starts.get(k + 1).copied().unwrap_or(lines.len());
        table.rows.push(read_row(&lines[start..end], warnings));
    }
    table
}

/// Indices of the lines that open a row: they start with the next number.
fn row_starts(lines: &[Line]) -> Vec<usize> {
    let mut numbers = Counter::default();
    let mut starts = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let first = pieces(line.text).into_iter().next();
        let opens = !is_header(line.text)
            && first
                .and_then(|r| small_number(&line.text[r]))
                .is_some_and(|n| numbers.try_take(n));
        if opens {
            starts.push(i);
        }
    }
    starts
}

/// A phone number cell: 7 or 8 digits.
fn is_phone(piece: &str) -> bool {
    (7..=8).contains(&piece.len()) && piece.bytes().all(|b| b.is_ascii_digit())
}

/// One row from its lines (the first starts with the row number).
fn read_row(lines: &[Line], warnings: &mut Vec<Warning>) -> Row {
    let mut row = Row::default();
    let Some((head, body)) = lines.split_first() else {
        return row;
    };
    let ranges = pieces(head.text);
    let Some((number, rest)) = ranges.split_first() else {
        return row;
    };
    set(
        &mut row,
        Column::Number,
        &CellText::of(head.number, &head.text[number.clone()]),
    );
    match rest.split_last() {
        Some((last, middle)) if is_phone(&head.text[last.clone()]) => {
            one_line_row(&mut row, head, middle, warnings);
            set(
                &mut row,
                Column::Phone,
                &CellText::of(head.number, &head.text[last.clone()]),
            );
            if let Some(extra) = body.iter().find(|l| !l.is_blank()) {
                warnings.push(Warning::new(
                    extra.number,
                    "public services (encoding C): text after a complete row; skipped",
                ));
            }
        }
        _ => {
            let service = rest.first().map_or("", |r| &head.text[r.start..]);
            wrapped_row(&mut row, CellText::of(head.number, service), body, warnings);
        }
    }
    row
}

/// A row on one line: service, content and unit between number and phone.
/// The service name may hold spaces (`“3.15 国际…”活动`, `12365 质量…`),
/// the unit is the last cell, the content the cells between.
fn one_line_row(row: &mut Row, head: &Line, middle: &[Range<usize>], warnings: &mut Vec<Warning>) {
    let mut cells = join_fragment_ranges(head.text, middle);
    let unit = if cells.len() >= 2 { cells.pop() } else { None };
    let mut cells = cells.into_iter();
    let service = cells.next();
    let content = cells.reduce(|a, b| a.start..b.end);
    for (column, range) in [
        (Column::Service, service),
        (Column::Content, content),
        (Column::Unit, unit),
    ] {
        match range {
            Some(r) => set(row, column, &CellText::of(head.number, &head.text[r])),
            None => warnings.push(Warning::new(
                head.number,
                format!("public services (encoding C): no {column:?} cell"),
            )),
        }
    }
}

/// A row wrapped over several lines and blocks.
fn wrapped_row<'a>(
    row: &mut Row,
    mut service: CellText<'a>,
    body: &[Line<'a>],
    warnings: &mut Vec<Warning>,
) {
    let text_lines: Vec<&Line> = body.iter().filter(|l| !l.is_blank()).collect();
    let phone_at = body.iter().rposition(|l| {
        pieces(l.text)
            .last()
            .is_some_and(|r| is_phone(&l.text[r.clone()]))
    });
    let Some(phone_at) = phone_at else {
        let line = text_lines.first().map_or(0, |l| l.number);
        warnings.push(Warning::new(
            line,
            "public services (encoding C): row without a phone number",
        ));
        set(row, Column::Service, &service);
        set(row, Column::Content, &cell_of(&text_lines));
        return;
    };
    let phone_line = &body[phone_at];
    let phone_range = pieces(phone_line.text).pop().unwrap_or_default();
    let mut unit = CellText::default();
    let unit_start = block_start(body, phone_at);
    for line in &body[unit_start..phone_at] {
        unit.push(line.number, line.text);
    }
    unit.push(phone_line.number, &phone_line.text[..phone_range.start]);
    let mut content_end = unit_start;
    if unit.is_empty() {
        // The phone stands alone: the unit is the block before it.
        if let Some(end) = body[..unit_start].iter().rposition(|l| !l.is_blank()) {
            content_end = block_start(body, end);
            for line in &body[content_end..=end] {
                unit.push(line.number, line.text);
            }
        }
    }
    let mut content: Vec<&Line> = body[..content_end]
        .iter()
        .filter(|l| !l.is_blank())
        .collect();
    if service.is_empty() && !content.is_empty() {
        let first = content.remove(0);
        service.push(first.number, first.text);
    }
    if let Some(extra) = body[phone_at + 1..].iter().find(|l| !l.is_blank()) {
        warnings.push(Warning::new(
            extra.number,
            "public services (encoding C): text after the phone number; skipped",
        ));
    }
    set(row, Column::Service, &service);
    set(row, Column::Content, &cell_of(&content));
    set(row, Column::Unit, &unit);
    set(
        row,
        Column::Phone,
        &CellText::of(phone_line.number, &phone_line.text[phone_range]),
    );
}

/// Index of the first line of the block holding `at`.
fn block_start(lines: &[Line], at: usize) -> usize {
    lines[..at]
        .iter()
        .rposition(|l| l.is_blank())
        .map_or(0, |blank| blank + 1)
}

fn cell_of<'a>(lines: &[&Line<'a>]) -> CellText<'a> {
    let mut cell = CellText::default();
    for line in lines {
        cell.push(line.number, line.text);
    }
    cell
}

fn set(row: &mut Row, column: Column, text: &CellText) {
    if let Some(cell) = text.cell() {
        row.set(column, cell);
    }
}
