//! The encoding-C reader on the real seed 003: every boundary pair of the
//! reference table with its exact duty span, the duty and service counts of
//! FORMATS.md, and no panic on arbitrary slices of the file.

use qsearch::read::{Column, Line, Row, Table, Warning, numbered_lines, pdf_columns};
use qsearch::record::{LineSpan, SectionKind};

const SEED: &str = include_str!("../../seeds/003_ad4f7b96456d1062.txt");
const REFERENCE: &str = include_str!("../../tests/fixtures/boundaries.tsv");

/// Section bodies of 003 (1-based, inclusive; headings excluded).
const DUTIES: (usize, usize) = (11, 241);
const BOUNDARY: (usize, usize) = (244, 602);
const SERVICES: (usize, usize) = (604, 661);

fn lines() -> Vec<Line<'static>> {
    numbered_lines(SEED)
}

fn read(kind: SectionKind, (first, last): (usize, usize)) -> (Table, Vec<Warning>) {
    let lines = lines();
    let mut warnings = Vec::new();
    let mut table = pdf_columns::read_table(kind, &lines[first - 1..last], &mut warnings);
    table.carry_down_merged_cells();
    (table, warnings)
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn span(row: &Row, column: Column) -> Option<LineSpan> {
    row.cell(column).and_then(|c| c.span)
}

#[test]
fn recovers_all_boundary_pairs_of_003_with_their_duty_spans() {
    let (table, warnings) = read(SectionKind::Boundary, BOUNDARY);
    println!("warnings: {warnings:#?}");
    let mut misses = Vec::new();
    let mut exact = 0;
    let mut total = 0;
    for line in REFERENCE.lines().skip(1).filter(|l| l.starts_with("003\t")) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (matter, department, start, end, duty) = (cols[1], cols[2], cols[3], cols[4], cols[5]);
        let reference = LineSpan::new(start.parse().unwrap(), end.parse().unwrap());
        total += 1;
        let found = table.rows.iter().find(|row| {
            squash(row.text(Column::Matter)) == squash(matter)
                && squash(row.text(Column::Department)) == squash(department)
                && span(row, Column::Duty).is_some_and(|s| s.overlaps(reference))
        });
        match found {
            Some(row) => {
                assert!(
                    squash(row.text(Column::Duty)).starts_with(&squash(duty)),
                    "{matter} {department}: duty {:?}",
                    row.text(Column::Duty)
                );
                exact += usize::from(span(row, Column::Duty) == Some(reference));
            }
            None => misses.push(format!("{matter} {department} {start}-{end}")),
        }
    }
    println!(
        "boundary pairs recovered: {}/{total} ({exact} with the exact span); misses: {misses:#?}",
        total - misses.len()
    );
    assert_eq!(total, 31);
    assert!(misses.is_empty(), "{} misses: {misses:#?}", misses.len());
    assert_eq!(exact, total, "every duty span is exact");
    assert_eq!(table.rows.len(), 31, "no extra rows");
    assert!(warnings.is_empty(), "{warnings:#?}");
}

#[test]
fn boundary_rows_carry_matter_and_basis_on_every_row() {
    let (table, _) = read(SectionKind::Boundary, BOUNDARY);
    let matters: Vec<String> = table
        .rows
        .iter()
        .map(|r| squash(r.text(Column::Matter)))
        .collect();
    assert!(matters.iter().all(|m| !m.is_empty()));
    let mut distinct = matters.clone();
    distinct.dedup();
    assert_eq!(distinct.len(), 6);
    assert!(
        table
            .rows
            .iter()
            .all(|r| squash(r.text(Column::Basis)).contains('《'))
    );
    assert!(table.rows.iter().all(|r| r.text(Column::Case).is_empty()));
    // The basis of 工业气体充装 is rejoined across a page break and three departments.
    let gas = table
        .rows
        .iter()
        .find(|r| squash(r.text(Column::Matter)) == "工业气体充装")
        .unwrap();
    assert!(squash(gas.text(Column::Basis)).ends_with("《气瓶充装许可规则》（TSGR4001-2006）"));
    // A floating merged cell is cited by exactly one row of its matter.
    let cited = table
        .rows
        .iter()
        .filter(|r| span(r, Column::Matter).is_some())
        .count();
    assert_eq!(cited, 6);
}

#[test]
fn reads_11_main_duties_and_33_work_items() {
    let (table, warnings) = read(SectionKind::Duties, DUTIES);
    println!("warnings: {warnings:#?}");
    for row in &table.rows {
        println!(
            "{:>2} | {} | {} | {}",
            row.text(Column::Number),
            squash(row.text(Column::MainDuty))
                .chars()
                .take(12)
                .collect::<String>(),
            squash(row.text(Column::WorkItem))
                .chars()
                .take(20)
                .collect::<String>(),
            squash(row.text(Column::Unit)),
        );
    }
    let mut main_duties: Vec<String> = table
        .rows
        .iter()
        .map(|r| squash(r.text(Column::MainDuty)))
        .collect();
    main_duties.dedup();
    assert!(main_duties.iter().all(|m| !m.is_empty()));
    assert_eq!(main_duties.len(), 11);
    let items = table
        .rows
        .iter()
        .filter(|r| !r.text(Column::WorkItem).trim().is_empty())
        .count();
    assert_eq!(items, 33);
    let mut numbers: Vec<&str> = table.rows.iter().map(|r| r.text(Column::Number)).collect();
    numbers.dedup();
    let expected: Vec<String> = (1..=11).map(|n| n.to_string()).collect();
    assert_eq!(numbers, expected);
    assert!(table.rows.iter().all(|r| !r.text(Column::Unit).is_empty()));
    // Main duty 7 shares line 162 with its number, first work item and unit,
    // and continues after the page break.
    let seventh = table
        .rows
        .iter()
        .find(|r| r.text(Column::Number) == "7")
        .unwrap();
    assert_eq!(
        squash(seventh.text(Column::MainDuty)),
        "承担本辖区食品包装材料、容器、食品生产经营工具等食品相关产品生产加工监督管理责任"
    );
    assert_eq!(
        squash(seventh.text(Column::WorkItem)),
        "对食品相关产品的质量安全进行监督管理"
    );
    assert_eq!(squash(seventh.text(Column::Unit)), "质量监督股");
    let eleventh = table
        .rows
        .iter()
        .find(|r| r.text(Column::Number) == "11")
        .unwrap();
    assert_eq!(
        squash(eleventh.text(Column::MainDuty)),
        "承办市质量技术监督局和当地政府交办的其他事项"
    );
    assert!(warnings.is_empty(), "{warnings:#?}");
}

#[test]
fn reads_6_public_services_with_unit_and_phone() {
    let (table, warnings) = read(SectionKind::PublicService, SERVICES);
    assert_eq!(table.rows.len(), 6);
    for row in &table.rows {
        let phone = row.text(Column::Phone);
        assert!(
            phone.len() == 7 && phone.bytes().all(|b| b.is_ascii_digit()),
            "{row:?}"
        );
        assert!(!row.text(Column::Unit).trim().is_empty(), "{row:?}");
        assert!(!row.text(Column::Service).trim().is_empty(), "{row:?}");
        assert!(!row.text(Column::Content).trim().is_empty(), "{row:?}");
    }
    let code = &table.rows[2];
    assert_eq!(squash(code.text(Column::Service)), "组织机构代码服务");
    assert_eq!(squash(code.text(Column::Unit)), "行政服务中心代码窗口");
    assert_eq!(span(code, Column::Content), Some(LineSpan::new(618, 622)));
    let hotline = &table.rows[5];
    assert_eq!(
        squash(hotline.text(Column::Service)),
        "12365质量申诉举报咨询"
    );
    assert_eq!(squash(hotline.text(Column::Unit)), "办公室");
    assert!(warnings.is_empty(), "{warnings:#?}");
}

#[test]
fn other_kinds_give_an_empty_table_and_a_warning() {
    let lines = lines();
    let mut warnings = Vec::new();
    let table = pdf_columns::read_table(SectionKind::Supervision, &lines[661..700], &mut warnings);
    assert!(table.rows.is_empty());
    assert_eq!(warnings.len(), 1);
}

/// Every span a reader reports lies inside the lines it was given.
fn assert_spans_inside(table: &Table, lines: &[Line]) {
    let (Some(first), Some(last)) = (lines.first(), lines.last()) else {
        return;
    };
    for row in &table.rows {
        for (column, cell) in &row.cells {
            if let Some(s) = cell.span {
                assert!(
                    s.start >= first.number && s.end <= last.number,
                    "{column:?} {s:?} outside {}..{}",
                    first.number,
                    last.number
                );
            }
        }
    }
}

#[test]
fn never_panics_on_slices_and_garbage() {
    let lines = lines();
    let kinds = [
        SectionKind::Duties,
        SectionKind::Boundary,
        SectionKind::PublicService,
        SectionKind::Accountability,
    ];
    let mut windows: Vec<Vec<Line>> = (0..lines.len())
        .step_by(37)
        .map(|s| lines[s..(s + 50).min(lines.len())].to_vec())
        .collect();
    // Lines cut in the middle (at a character boundary) and odd shapes.
    windows.push(
        lines[244..602]
            .iter()
            .map(|l| {
                let cut = l
                    .text
                    .char_indices()
                    .nth(l.text.chars().count() / 2)
                    .map_or(0, |(i, _)| i);
                Line {
                    number: l.number,
                    text: &l.text[..cut],
                }
            })
            .collect(),
    );
    let garbage = [
        "",
        " ",
        "1",
        "1 2 3 4 5 6 7 8 9 10",
        "（（（（",
        "）》〕",
        "99 局",
        "质监局（",
        "1.《",
        "12345678",
        "2 3 7600365",
        "\t\t",
    ];
    windows.push(
        garbage
            .iter()
            .enumerate()
            .map(|(i, t)| Line {
                number: i + 1,
                text: t,
            })
            .collect(),
    );
    windows.push(Vec::new());
    for window in &windows {
        for kind in kinds {
            let mut warnings = Vec::new();
            let table = pdf_columns::read_table(kind, window, &mut warnings);
            assert_spans_inside(&table, window);
        }
    }
}
