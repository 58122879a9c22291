//! Issue 2 acceptance: every seed parses into line-anchored records.

use std::collections::{BTreeSet, HashMap};

use qsearch::departments::DepartmentTable;
use qsearch::text::squash;
use qsearch::{Fields, LineSpan, Record, SectionKind};
use qsearch_tests::{corpus, seed_file, seed_lines};

fn records_of<'a>(prefix: &str, kind: SectionKind) -> Vec<&'a Record> {
    corpus()
        .records
        .iter()
        .filter(|r| r.source.file.starts_with(prefix) && r.section == kind)
        .collect()
}

#[test]
fn boundary_pairs_match_the_reference_table() {
    let fixture = include_str!("fixtures/boundaries.tsv");
    let departments = DepartmentTable::builtin();
    let mut misses = Vec::new();
    let mut total = 0;
    for line in fixture.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (prefix, matter, dept, start, end) = (cols[0], cols[1], cols[2], cols[3], cols[4]);
        let reference = LineSpan::new(start.parse().unwrap(), end.parse().unwrap());
        let canonical = departments
            .canonical(dept)
            .map(str::to_string)
            .unwrap_or_default();
        total += 1;
        let found = records_of(prefix, SectionKind::Boundary)
            .into_iter()
            .any(|r| match &r.fields {
                Fields::Boundary {
                    matter: m,
                    department,
                    ..
                } => {
                    squash(m) == squash(matter)
                        && (department.canonical == canonical
                            || squash(&department.as_written) == squash(dept))
                        && r.source.span().overlaps(reference)
                }
                _ => false,
            });
        if !found {
            misses.push(format!("{prefix} {matter} {dept} {start}-{end}"));
        }
    }
    println!(
        "boundary pairs recovered: {}/{total}; misses: {misses:#?}",
        total - misses.len()
    );
    assert_eq!(total, 173);
    assert!(misses.len() <= 3, "{} misses: {misses:#?}", misses.len());
}

#[test]
fn record_counts_match_formats_md() {
    // (file, main duties, work items, boundary pairs, boundary matters, services, supervision subsections)
    let expected = [
        ("000", 10, 38, 72, 15, 4, 16),
        ("001", 11, 67, 47, 9, 3, 8),
        ("002", 8, 43, 23, 5, 5, 10),
        ("003", 11, 33, 31, 6, 6, 12),
        ("004", 0, 0, 0, 0, 0, 20),
    ];
    for (prefix, main_duties, work_items, pairs, matters, services, subsections) in expected {
        let duties = records_of(prefix, SectionKind::Duties);
        let distinct = |rs: &[&Record], f: fn(&Record) -> String| {
            rs.iter().map(|r| f(r)).collect::<BTreeSet<_>>().len()
        };
        assert_eq!(
            distinct(&duties, |r| squash(r.matter())),
            main_duties,
            "{prefix} main duties"
        );
        let with_items = duties.iter().filter(
            |r| matches!(&r.fields, Fields::Duty { work_item, .. } if !work_item.is_empty()),
        );
        assert_eq!(with_items.count(), work_items, "{prefix} work items");
        let boundary = records_of(prefix, SectionKind::Boundary);
        assert_eq!(boundary.len(), pairs, "{prefix} boundary pairs");
        assert_eq!(
            distinct(&boundary, |r| squash(r.matter())),
            matters,
            "{prefix} boundary matters"
        );
        assert_eq!(
            records_of(prefix, SectionKind::PublicService).len(),
            services,
            "{prefix} services"
        );
        let supervision = records_of(prefix, SectionKind::Supervision);
        assert_eq!(
            distinct(&supervision, |r| squash(r.matter())),
            subsections,
            "{prefix} subsections"
        );
    }
    assert!(
        !records_of("002", SectionKind::Accountability).is_empty(),
        "002 accountability section"
    );
}

#[test]
fn personal_contact_data_never_reaches_a_record() {
    let contact = seed_lines(&seed_file("001"), 14, 15);
    let secrets: Vec<&str> = contact
        .lines()
        .filter_map(|l| l.split(['：', ':']).nth(1))
        .map(str::trim)
        .collect();
    assert_eq!(
        secrets.len(),
        2,
        "001:14-15 holds a mobile number and an e-mail"
    );
    for record in &corpus().records {
        let json = serde_json::to_string(record).unwrap();
        for secret in &secrets {
            assert!(!json.contains(secret), "{} leaks personal data", record.id);
        }
    }
    let hotline = corpus()
        .records
        .iter()
        .any(|r| r.contextual_text().contains("12365"));
    assert!(
        hotline,
        "the 12365 hotline is public service information and stays"
    );
}

#[test]
fn every_record_is_anchored_in_its_source_lines() {
    let mut files: HashMap<&str, Vec<String>> = HashMap::new();
    for record in &corpus().records {
        let lines = files.entry(&record.source.file).or_insert_with(|| {
            let text =
                std::fs::read_to_string(qsearch_tests::seeds_dir().join(&record.source.file))
                    .unwrap();
            text.split('\n').map(str::to_string).collect()
        });
        let span = record.source.span();
        assert!(
            span.start >= 1 && span.end <= lines.len(),
            "{} span out of file",
            record.id
        );
        let source = squash(&lines[span.start - 1..span.end].join(""));
        if let Some(dept) = record.department() {
            // A page break may separate a name from its bracketed suffix.
            for piece in squash(&dept.as_written).split('（') {
                assert!(
                    source.contains(piece),
                    "{}: department {} not in its lines",
                    record.id,
                    dept.as_written
                );
            }
        }
        let head: String = squash(record.text()).chars().take(8).collect();
        assert!(
            source.contains(&head),
            "{}: text start {head:?} not in lines {}-{}",
            record.id,
            span.start,
            span.end
        );
    }
}

#[test]
fn record_text_is_clean() {
    for record in &corpus().records {
        for text in [
            record.text(),
            record.matter(),
            record.basis(),
            record.case(),
            record.unit(),
        ] {
            assert_clean(&record.id, text);
        }
    }
}

fn assert_clean(id: &str, text: &str) {
    assert!(
        !text.contains("<p>") && !text.contains("</p>"),
        "{id} keeps markup"
    );
    assert!(!text.contains('\t'), "{id} keeps tabs");
    let chars: Vec<char> = text.chars().collect();
    for w in chars.windows(3) {
        let cjk = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
        assert!(
            !(cjk(w[0]) && w[1] == ' ' && cjk(w[2])),
            "{id}: space between CJK in {text:?}"
        );
    }
}

#[test]
fn ids_are_unique_and_stable() {
    let ids: BTreeSet<&str> = corpus().records.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids.len(), corpus().records.len());
    let again = qsearch::Corpus::load(&qsearch_tests::seeds_dir()).unwrap();
    let same: Vec<&str> = again.records.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        same,
        corpus()
            .records
            .iter()
            .map(|r| r.id.as_str())
            .collect::<Vec<_>>()
    );
}
