//! Tests that run pdftotext. They fail, with a message saying so, where
//! poppler-utils is not installed: the reader cannot work without it.

use super::*;
use crate::formats::Format;

/// `testdata/boundary-sample.pdf`: a six-page list written by Word-style
/// markup (python-docx, the styling of `scripts/make-fixtures.py`:
/// landscape A4, caption and header rows repeated on every page, merged
/// cells vertically centred, `第 N 页共 M 页` footers) and converted with
/// LibreOffice. Its text is drawn from a small set of characters so that
/// the embedded fonts stay small. The boundary table has seven matters of
/// 1–6 departments; the fifth has no number, the fourth has a duty of two
/// list items, groups and rows run across page breaks.
const SAMPLE: &[u8] = include_bytes!("../testdata/boundary-sample.pdf");

/// (matter, department) of every row of the sample's boundary table.
const SAMPLE_PAIRS: [(&str, &str); 23] = [
    ("产品质量安全监管", "交通局"),
    ("产品质量安全监管", "公安局"),
    ("检验检测机构监督管理", "质监局"),
    ("危险品生产安全管理", "安监局"),
    ("危险品生产安全管理", "环保局（执法大队）"),
    ("危险品生产安全管理", "卫计局"),
    ("危险品生产安全管理", "质监局"),
    ("特种设备安全监管", "环保局（执法大队）"),
    ("特种设备安全监管", "质监局"),
    ("特种设备安全监管", "卫计局"),
    ("特种设备安全监管", "公安局"),
    ("特种设备安全监管", "市场监管局"),
    ("特种设备安全监管", "安监局"),
    ("计量器具监督管理", "安监局"),
    ("计量器具监督管理", "市场监管局"),
    ("计量器具监督管理", "商务局"),
    ("食品相关产品质量安全监管", "卫计局"),
    ("食品相关产品质量安全监管", "商务局"),
    ("工业产品许可监管", "卫计局"),
    ("工业产品许可监管", "交通局"),
    ("工业产品许可监管", "市场监管局"),
    ("工业产品许可监管", "公安局"),
    ("工业产品许可监管", "环保局（执法大队）"),
];

fn require_pdftotext() {
    let works = Command::new(PDFTOTEXT)
        .arg("-v")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    assert!(
        works,
        "pdftotext is not installed: the PDF reader needs it ({HINT})"
    );
}

fn rendered(bytes: &[u8]) -> (Vec<String>, Vec<crate::formats::Place>) {
    require_pdftotext();
    let (layout, warnings) = read(bytes).expect("a readable PDF");
    assert!(warnings.is_empty(), "{warnings:?}");
    let r = layout.render();
    (r.text.lines().map(String::from).collect(), r.places)
}

/// The (matter, department) pairs of the boundary section as the text
/// pipeline reads them: columns by header name, an empty matter cell
/// carries the one above down.
fn boundary_pairs(lines: &[String]) -> Vec<(String, String)> {
    let mut inside = false;
    let mut columns: Option<(usize, usize)> = None;
    let mut matter = String::new();
    let mut pairs = Vec::new();
    for line in lines {
        if crate::read::sections::heading_kind(line).is_some() {
            inside = line.contains("边界");
            continue;
        }
        let cells: Vec<&str> = line.split('\t').collect();
        if !inside || cells.len() < 3 {
            continue;
        }
        if let (Some(m), Some(d)) = (
            cells.iter().position(|c| *c == "管理事项"),
            cells.iter().position(|c| *c == "相关部门"),
        ) {
            columns = Some((m, d));
            continue;
        }
        let Some((m, d)) = columns else { continue };
        if let Some(text) = cells.get(m).filter(|t| !t.is_empty()) {
            matter = text.to_string();
        }
        if let Some(dept) = cells.get(d).filter(|t| !t.is_empty()) {
            pairs.push((matter.clone(), dept.to_string()));
        }
    }
    pairs
}

#[test]
fn sample_gives_every_boundary_pair_in_order() {
    let (lines, _) = rendered(SAMPLE);
    let want: Vec<(String, String)> = SAMPLE_PAIRS
        .iter()
        .map(|&(m, d)| (m.to_string(), d.to_string()))
        .collect();
    assert_eq!(boundary_pairs(&lines), want, "{lines:#?}");
}

#[test]
fn sample_merged_cells_are_on_the_first_row_of_their_matter_only() {
    let (lines, _) = rendered(SAMPLE);
    let rows: Vec<Vec<&str>> = lines
        .iter()
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .filter(|c| c.len() == 6 && c[2] != "相关部门")
        .collect();
    assert_eq!(rows.len(), SAMPLE_PAIRS.len());
    let mut previous = "";
    for (row, (matter, dept)) in rows.iter().zip(SAMPLE_PAIRS) {
        let first = matter != previous;
        assert_eq!(row[1], if first { matter } else { "" }, "{row:?}");
        assert_eq!(row[2], dept, "{row:?}");
        assert!(!row[3].is_empty(), "every row has its duty: {row:?}");
        if !first {
            assert!(row[0].is_empty() && row[4].is_empty(), "{row:?}");
        }
        previous = matter;
    }
    // Numbers 1–7, the fifth matter unnumbered.
    let numbers: Vec<&str> = rows
        .iter()
        .map(|r| r[0])
        .filter(|n| !n.is_empty())
        .collect();
    assert_eq!(numbers, ["1", "2", "3", "4", "6", "7"]);
    // A duty of two list items keeps them apart.
    assert!(
        rows.iter()
            .any(|r| r[3].starts_with("<p>（1）") && r[3].contains("</p><p>（2）"))
    );
}

#[test]
fn sample_prose_headings_captions_and_places() {
    let (lines, places) = rendered(SAMPLE);
    assert_eq!(lines.len(), places.len());
    assert!(
        places
            .iter()
            .all(|p| p.page.is_some_and(|n| (1..=6).contains(&n)))
    );
    // No running header or page number left.
    assert!(
        !lines
            .iter()
            .any(|l| l == "某某区质量技术监督局" || l.contains("页共"))
    );
    assert_eq!(lines[0], "某某区质量技术监督局责任清单");
    assert_eq!(lines[1], "一、部门职责");
    // A paragraph wrapped over three lines is one line; the list item
    // after it is a paragraph of its own.
    assert!(lines[2].chars().count() > 140, "{}", lines[2]);
    assert!(lines[3].starts_with("（一）"));
    let at = |text: &str| lines.iter().position(|l| l == text);
    let boundary = at("二、职责边界").expect("boundary heading");
    assert_eq!(places[boundary].page, Some(2));
    // The caption once, not again on every page.
    let captions = lines.iter().filter(|l| l.starts_with("部门名称：")).count();
    assert_eq!(captions, 1);
    let services = at("三、公共服务事项").expect("services heading");
    assert_eq!(
        lines[services + 1],
        "序号\t服务事项\t主要内容\t承办机构\t联系电话"
    );
    let service_rows: Vec<&String> = lines[services + 2..].iter().collect();
    assert_eq!(service_rows.len(), 3);
    for (i, row) in service_rows.iter().enumerate() {
        let cells: Vec<&str> = row.split('\t').collect();
        assert_eq!(cells[0], (i + 1).to_string());
        assert_eq!(cells[3], ["质监局", "公安局", "安监局"][i]);
        assert_eq!(cells[4], "8218");
    }
}

#[test]
fn damaged_bytes_are_corrupt() {
    require_pdftotext();
    for bytes in [
        &b""[..],
        b"%PDF-1.4\n",
        b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n%%EOF",
    ] {
        assert!(
            matches!(
                read(bytes),
                Err(FormatError::Corrupt {
                    format: Format::Pdf,
                    ..
                })
            ),
            "{:?}",
            String::from_utf8_lossy(bytes)
        );
    }
    let cut = &SAMPLE[..SAMPLE.len() * 4 / 10];
    let err = read(cut).expect_err("a PDF cut short");
    assert!(err.to_string().contains("truncated"), "{err}");
}

#[test]
fn truncated_at_any_length_never_panics() {
    require_pdftotext();
    for tenth in 1..10 {
        let cut = &SAMPLE[..SAMPLE.len() * tenth / 10];
        let _ = read(cut);
    }
}

/// A valid one-page PDF that draws nothing: what a scan without OCR is to
/// the text layer.
fn blank_pdf() -> Vec<u8> {
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend(format!("{} 0 obj\n{body}\nendobj\n", i + 1).bytes());
    }
    let xref = pdf.len();
    pdf.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).bytes());
    for offset in offsets {
        pdf.extend(format!("{offset:010} 00000 n \n").bytes());
    }
    pdf.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .bytes(),
    );
    pdf
}

#[test]
fn no_text_layer() {
    require_pdftotext();
    assert_eq!(read(&blank_pdf()), Err(FormatError::NoTextLayer));
}

#[test]
fn missing_pdftotext_is_named() {
    let file = TempPdf::write(SAMPLE).expect("temp file");
    let err = run_pdftotext("qsearch-no-such-pdftotext", file.path())
        .err()
        .expect("no such program");
    assert_eq!(
        err,
        FormatError::ToolMissing {
            tool: TOOL,
            format: Format::Pdf,
            hint: HINT,
        }
    );
    assert!(err.to_string().contains("poppler-utils"));
}

#[test]
fn temporary_copy_is_removed() {
    let file = TempPdf::write(b"%PDF-1.4").expect("temp file");
    let path = file.path().to_path_buf();
    assert!(path.exists());
    drop(file);
    assert!(!path.exists());
}

#[test]
fn tool_outcomes_are_judged() {
    let ok = || {
        Command::new("true")
            .status()
            .map_or(Outcome::Failed("no `true`".into()), Outcome::Exited)
    };
    let failed = || {
        Command::new("false")
            .status()
            .map_or(Outcome::Failed("no `false`".into()), Outcome::Exited)
    };
    assert_eq!(
        judge(
            &failed(),
            "Command Line Error: Incorrect password\n",
            0,
            false,
            None
        ),
        Err(FormatError::Encrypted { what: "the PDF" })
    );
    assert!(matches!(
        judge(&ok(), "", MAX_PAGES, true, None),
        Err(FormatError::TooLarge { .. })
    ));
    assert!(matches!(
        judge(&failed(), "Syntax Error: Couldn't read xref table\n", 0, false, None),
        Err(FormatError::Corrupt { reason, .. }) if reason.contains("xref")
    ));
    assert!(matches!(
        judge(&ok(), "", 0, false, None),
        Err(FormatError::Corrupt { .. })
    ));
    assert!(matches!(
        judge(&Outcome::TimedOut, "", 3, false, None),
        Err(FormatError::Corrupt { .. })
    ));
    let warned =
        judge(&ok(), "Syntax Error (123): bad object\n", 2, false, None).expect("damaged but read");
    assert_eq!(warned.len(), 1);
    assert_eq!(judge(&ok(), "", 2, false, None), Ok(vec![]));
}

mod garbage {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        /// Bytes that start like a PDF and are anything after: an error
        /// or a layout, never a panic or a hang.
        #[test]
        fn never_panics(tail in proptest::collection::vec(any::<u8>(), 0..2048)) {
            require_pdftotext();
            let mut bytes = b"%PDF-1.7\n".to_vec();
            bytes.extend(tail);
            let _ = read(&bytes);
        }

        /// The sample with a stretch of its bytes overwritten.
        #[test]
        fn damaged_sample_never_panics(at in 0..SAMPLE.len(), junk in proptest::collection::vec(any::<u8>(), 1..512)) {
            require_pdftotext();
            let mut bytes = SAMPLE.to_vec();
            let end = (at + junk.len()).min(bytes.len());
            bytes[at..end].copy_from_slice(&junk[..end - at]);
            let _ = read(&bytes);
        }
    }
}

/// Prints the rendered text of the PDF named by `QSEARCH_PDF`:
/// `QSEARCH_PDF=x.pdf cargo test -p qsearch-indexer --lib formats::pdf::tests::print -- --ignored --nocapture`
#[test]
#[ignore]
fn print_rendered() {
    let Ok(path) = std::env::var("QSEARCH_PDF") else {
        return;
    };
    let bytes = std::fs::read(&path).expect("QSEARCH_PDF readable");
    let started = std::time::Instant::now();
    let (layout, warnings) = read(&bytes).expect("readable PDF");
    let rendered = layout.render();
    eprintln!("read in {:?}; warnings: {warnings:?}", started.elapsed());
    for (line, place) in rendered.text.lines().zip(&rendered.places) {
        println!("{place}\t{line}");
    }
}
