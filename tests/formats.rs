//! Issue 13 acceptance: the lists as publishers issue them — Word, Excel,
//! web pages (GBK) and PDF — read into the same records as the text
//! exports, cited by page, sheet, table and row; `qsearch add` / `remove`;
//! broken documents refused with one clear error.
//!
//! The fixtures under `tests/fixtures/formats/` are the five seeds rendered
//! by `scripts/make-fixtures.py` the way publishers lay them out (merged
//! cells, captions, repeated header rows, varied column headings).

mod harness;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use qsearch::departments::DepartmentTable;
use qsearch::text::squash;
use qsearch::{Corpus, Fields, Record, SectionKind};

use harness::{binary, copy_seeds, project_dir};

const FORMATS: [&str; 4] = ["docx", "xlsx", "html", "pdf"];

fn fixture_dir(format: &str) -> PathBuf {
    project_dir().join("tests/fixtures/formats").join(format)
}

/// The seed prefix (000 …) of each fixture file, by its issuer.
fn prefixes(dir: &Path) -> BTreeMap<String, String> {
    let seeds = qsearch::catalog::Catalog::load(&project_dir().join("seeds")).unwrap();
    let fixtures = qsearch::catalog::Catalog::load(dir).unwrap();
    fixtures
        .documents
        .iter()
        .map(|f| {
            let seed = seeds
                .documents
                .iter()
                .find(|s| s.issuer == f.issuer)
                .unwrap_or_else(|| panic!("no seed issued by {}", f.issuer));
            (f.file.clone(), seed.file[..3].to_string())
        })
        .collect()
}

/// (prefix, matter, canonical department) of every boundary record.
fn pairs(
    records: &[Record],
    prefix_of: impl Fn(&str) -> String,
) -> BTreeSet<(String, String, String)> {
    records
        .iter()
        .filter_map(|r| match &r.fields {
            Fields::Boundary {
                matter, department, ..
            } => Some((
                prefix_of(&r.source.file),
                squash(matter),
                department.canonical.clone(),
            )),
            _ => None,
        })
        .collect()
}

/// Per file and section kind: how many distinct matters (duties' main
/// duties, boundary matters, services, prose subsections) were read.
fn section_counts(
    records: &[Record],
    prefix_of: impl Fn(&str) -> String,
) -> BTreeMap<(String, SectionKind), usize> {
    let mut matters: BTreeMap<(String, SectionKind), BTreeSet<String>> = BTreeMap::new();
    for r in records {
        matters
            .entry((prefix_of(&r.source.file), r.section))
            .or_default()
            .insert(squash(r.matter()));
    }
    matters.into_iter().map(|(k, v)| (k, v.len())).collect()
}

fn load(format: &str) -> Corpus {
    Corpus::load(&fixture_dir(format)).unwrap_or_else(|e| panic!("{format} fixtures: {e}"))
}

#[test]
fn every_format_yields_the_reference_boundary_pairs() {
    let departments = DepartmentTable::builtin();
    let reference: BTreeSet<(String, String, String)> = include_str!("fixtures/boundaries.tsv")
        .lines()
        .skip(1)
        .filter_map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            let canonical = departments.canonical(cols[2])?.to_string();
            Some((cols[0].to_string(), squash(cols[1]), canonical))
        })
        .collect();
    assert!(
        reference.len() >= 170,
        "reference pairs: {}",
        reference.len()
    );
    let mut failures = Vec::new();
    for format in FORMATS {
        let corpus = load(format);
        let prefix = prefixes(&fixture_dir(format));
        let found = pairs(&corpus.records, |f| prefix[f].clone());
        let recovered = reference.intersection(&found).count();
        let missing: Vec<_> = reference.difference(&found).take(5).collect();
        println!(
            "{format}: {recovered}/{} reference pairs; missing {missing:?}",
            reference.len()
        );
        if recovered < 170 {
            failures.push(format!("{format}: {recovered} pairs; missing {missing:?}"));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn every_format_has_the_text_versions_sections() {
    let text = Corpus::load(&project_dir().join("seeds")).unwrap();
    let expected = section_counts(&text.records, |f| f[..3].to_string());
    let mut failures = Vec::new();
    for format in FORMATS {
        let corpus = load(format);
        let prefix = prefixes(&fixture_dir(format));
        let counts = section_counts(&corpus.records, |f| prefix[f].clone());
        for (key, want) in &expected {
            // Table sections must match exactly; prose subsections are
            // counted by their headings, which the fixtures keep.
            let got = counts.get(key).copied().unwrap_or(0);
            let prose = matches!(key.1, SectionKind::Accountability);
            if got != *want && !prose {
                failures.push(format!(
                    "{format} {} {:?}: {got}, text {want}",
                    key.0, key.1
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// The text of a fixture's cited place, read back from the original file
/// with the format's own tools, not with qsearch's readers.
fn cited_text(format: &str, path: &Path, record: &Record) -> String {
    let place = record
        .source
        .place
        .as_ref()
        .expect("an original document's record has a place");
    match format {
        "docx" => {
            let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
            let mut xml = String::new();
            zip.by_name("word/document.xml")
                .unwrap()
                .read_to_string(&mut xml)
                .unwrap();
            let table = elements(&xml, "w:tbl")[place.table.unwrap() as usize - 1];
            docx_text(elements(table, "w:tr")[place.row.unwrap() as usize - 1])
        }
        "xlsx" => {
            use calamine::Reader;
            let mut book: calamine::Xlsx<_> = calamine::open_workbook(path).unwrap();
            let range = book.worksheet_range(place.sheet.as_ref().unwrap()).unwrap();
            let row = place.row.unwrap() - 1;
            (0..=range.end().unwrap().1)
                .filter_map(|c| range.get_value((row, c)).map(|v| v.to_string()))
                .collect::<Vec<_>>()
                .join(" ")
        }
        "html" => {
            let bytes = std::fs::read(path).unwrap();
            let (text, _, _) = encoding_rs::GBK.decode(&bytes);
            let page = scraper::Html::parse_document(&text);
            let tables = scraper::Selector::parse("table").unwrap();
            let rows = scraper::Selector::parse("tr").unwrap();
            let table = page
                .select(&tables)
                .nth(place.table.unwrap() as usize - 1)
                .unwrap();
            let row = table
                .select(&rows)
                .nth(place.row.unwrap() as usize - 1)
                .unwrap();
            row.text().collect::<String>()
        }
        "pdf" => {
            let page = place.page.unwrap().to_string();
            let out = Command::new("pdftotext")
                .args(["-f", &page, "-l", &page, "-enc", "UTF-8"])
                .arg(path)
                .arg("-")
                .output()
                .expect("pdftotext (poppler-utils) is installed by scripts/test.sh");
            String::from_utf8_lossy(&out.stdout).into_owned()
        }
        _ => unreachable!(),
    }
}

/// The pieces of `xml` from each `<tag>` or `<tag …>` start to the next
/// (not `<tagPr>`): one per element, enough for the fixtures' flat tables.
fn elements<'a>(xml: &'a str, tag: &str) -> Vec<&'a str> {
    let open = format!("<{tag}");
    let starts: Vec<usize> = xml
        .match_indices(&open)
        .map(|(i, _)| i)
        .filter(|&i| matches!(xml.as_bytes().get(i + open.len()), Some(b'>' | b' ')))
        .collect();
    starts
        .iter()
        .enumerate()
        .map(|(n, &i)| &xml[i..starts.get(n + 1).copied().unwrap_or(xml.len())])
        .collect()
}

/// The text runs (`<w:t>` / `<w:t xml:space="preserve">`) of a piece of
/// WordprocessingML, entities left as they are (the fixtures have none in
/// the sampled cells' first words).
fn docx_text(xml: &str) -> String {
    elements(xml, "w:t")
        .into_iter()
        .filter_map(|piece| {
            let start = piece.find('>')? + 1;
            let end = piece.find("</w:t>")?;
            (start <= end).then(|| &piece[start..end])
        })
        .collect()
}

#[test]
fn citations_point_at_the_cell_they_came_from() {
    let mut failures = Vec::new();
    for format in FORMATS {
        let dir = fixture_dir(format);
        let corpus = load(format);
        let boundary: Vec<&Record> = corpus
            .records
            .iter()
            .filter(|r| r.section == SectionKind::Boundary)
            .collect();
        assert!(
            boundary.len() > 150,
            "{format}: {} boundary records",
            boundary.len()
        );
        let mut checked = 0;
        for record in boundary.iter().step_by(9) {
            let Fields::Boundary {
                department, duty, ..
            } = &record.fields
            else {
                continue;
            };
            let cited = squash(&cited_text(format, &dir.join(&record.source.file), record));
            let duty_head: String = squash(duty).chars().take(8).collect();
            let dept = squash(&department.as_written);
            if !cited.contains(&duty_head) || !cited.contains(&dept) {
                failures.push(format!(
                    "{format} {}: cited text lacks {dept:?} / {duty_head:?}: {}",
                    record.source.citation(),
                    cited.chars().take(60).collect::<String>()
                ));
            }
            checked += 1;
        }
        assert!(checked >= 15, "{format}: only {checked} citations checked");
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

fn qsearch(seeds: &Path, data: &Path, args: &[&str]) -> std::process::Output {
    Command::new(binary())
        .args(args)
        .arg("--seeds")
        .arg(seeds)
        .arg("--data-dir")
        .arg(data)
        .env("NO_COLOR", "1")
        .output()
        .expect("run qsearch")
}

fn cited_files(output: &std::process::Output) -> Vec<String> {
    let body: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "JSON output ({e}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    });
    body["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["source"]["file"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn add_cites_the_new_document_and_remove_takes_it_out() {
    let root = tempfile::tempdir().unwrap();
    let (seeds, data) = (root.path().join("seeds"), root.path().join("data"));
    copy_seeds(&seeds);
    let docx = fixture_dir("docx").join("鹿泉区质监局责任清单.docx");
    let added = qsearch(
        &seeds,
        &data,
        &["add", docx.to_str().unwrap(), "--no-embed"],
    );
    let stdout = String::from_utf8_lossy(&added.stdout);
    assert!(
        added.status.success(),
        "add: {stdout} {}",
        String::from_utf8_lossy(&added.stderr)
    );
    assert!(
        stdout.contains("石家庄市鹿泉区质量技术监督局"),
        "the guessed issuer is shown: {stdout}"
    );
    assert!(seeds.join("鹿泉区质监局责任清单.docx").is_file());
    // The same list is in the seeds as a text export: the user is told.
    let stderr = String::from_utf8_lossy(&added.stderr);
    assert!(
        stderr.contains("already in 000_46b018933c634a31.txt"),
        "a duplicate list is pointed out: {stderr}"
    );

    let query = [
        "--mode",
        "bm25",
        "--json",
        "--limit",
        "20",
        "谁负责烟花爆竹的质量",
    ];
    let found = qsearch(&seeds, &data, &query);
    let files = cited_files(&found);
    assert!(
        files.iter().any(|f| f == "鹿泉区质监局责任清单.docx"),
        "the added document is cited: {files:?}"
    );
    let listed = qsearch(&seeds, &data, &["documents"]);
    assert!(String::from_utf8_lossy(&listed.stdout).contains("鹿泉区质监局责任清单.docx"));

    let removed = qsearch(
        &seeds,
        &data,
        &["remove", "鹿泉区质监局责任清单.docx", "--no-embed"],
    );
    assert!(
        removed.status.success(),
        "{}",
        String::from_utf8_lossy(&removed.stderr)
    );
    assert!(!seeds.join("鹿泉区质监局责任清单.docx").exists());
    let files = cited_files(&qsearch(&seeds, &data, &query));
    assert!(!files.is_empty() && files.iter().all(|f| f != "鹿泉区质监局责任清单.docx"));
}

#[test]
fn broken_documents_are_refused_with_one_clear_error_and_the_index_keeps_serving() {
    let root = tempfile::tempdir().unwrap();
    let (seeds, data) = (root.path().join("seeds"), root.path().join("data"));
    copy_seeds(&seeds);
    let broken = fixture_dir("broken");
    for (file, reason) in [
        ("损坏.docx", "corrupt"),
        ("加密.pdf", "encrypted"),
        ("扫描件.pdf", "no text layer"),
        ("截断.pdf", "pdf"),
        ("未知格式.bin", "unsupported format"),
    ] {
        let out = qsearch(
            &seeds,
            &data,
            &["add", broken.join(file).to_str().unwrap(), "--no-embed"],
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        let errors: Vec<&str> = stderr.lines().filter(|l| l.contains("error")).collect();
        assert_eq!(out.status.code(), Some(2), "{file}: {stderr}");
        assert_eq!(errors.len(), 1, "{file}: one error line: {stderr}");
        assert!(
            errors[0].contains(file) && errors[0].contains(reason),
            "{file}: {stderr}"
        );
        assert!(!seeds.join(file).exists(), "{file} was not copied");
    }
    let files = cited_files(&qsearch(
        &seeds,
        &data,
        &["--mode", "bm25", "--json", "烟花爆竹"],
    ));
    assert!(!files.is_empty(), "the index still serves");

    // Dropped in by hand with a catalog entry, a broken file is one warning
    // and the rest of the corpus indexes.
    let corpus = Corpus::load(&broken).unwrap();
    for file in ["损坏.docx", "加密.pdf", "扫描件.pdf"] {
        let warnings: Vec<_> = corpus.warnings.iter().filter(|w| w.file == file).collect();
        assert_eq!(warnings.len(), 1, "{file}: {warnings:?}");
    }
}

/// Damaged originals — cut short anywhere, or with bytes overwritten — give
/// text or a reason, never a panic (the readers' own invariant).
#[test]
fn damaged_originals_never_panic_a_reader() {
    let mut state = 0x9e37_79b9_u32;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        state as usize
    };
    for format in ["docx", "xlsx", "html"] {
        let dir = fixture_dir(format);
        let catalog = qsearch::catalog::Catalog::load(&dir).unwrap();
        let bytes = std::fs::read(dir.join(&catalog.documents[0].file)).unwrap();
        for _ in 0..40 {
            let mut damaged = bytes[..next() % bytes.len()].to_vec();
            for _ in 0..next() % 8 {
                if !damaged.is_empty() {
                    let at = next() % damaged.len();
                    damaged[at] = next() as u8;
                }
            }
            let result = std::panic::catch_unwind(|| qsearch::formats::extract(&damaged));
            assert!(
                result.is_ok(),
                "{format}: a reader panicked on {} damaged bytes",
                damaged.len()
            );
        }
    }
}
