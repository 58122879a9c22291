//! Robustness: no input makes a reader or the query path panic.
//!
//! Property tests over every reader (each [`Encoding`], plus detection and
//! the whole `Corpus::add_document` path) with empty, binary, truncated,
//! mutated and giant-line input, and over the query path (`QueryPlan::parse`,
//! `to_query` and a real BM25 [`Engine`]) with arbitrary strings, tantivy
//! syntax, emoji and overlong queries: the answer is a validation error or
//! hits, never a panic.
//!
//! Case counts are bounded so the suite stays well under 30 s in a debug
//! build; `PROPTEST_CASES=N` raises every target to N cases, e.g. for the
//! long runs recorded in docs/PERFORMANCE.md:
//!
//! ```text
//! PROPTEST_CASES=200000 cargo test --release -p qsearch-indexer --test robustness readers
//! ```

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::test_runner::{TestCaseError, TestRunner};
use qsearch::catalog::CatalogEntry;
use qsearch::engine::EngineOptions;
use qsearch::index::Filters;
use qsearch::paths::Paths;
use qsearch::progress::Silent;
use qsearch::read::{self, Encoding};
use qsearch::record::Level;
use qsearch::search::QueryPlan;
use qsearch::tokenizer::Synonyms;
use qsearch::{Corpus, Engine, Mode, SearchRequest, SectionKind};

const ENCODINGS: [Encoding; 4] = [
    Encoding::TabCells,
    Encoding::Tsv,
    Encoding::PdfColumns,
    Encoding::Prose,
];

fn seeds_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../seeds")
}

/// The seed texts, read once.
fn seeds() -> &'static [String] {
    static SEEDS: OnceLock<Vec<String>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let mut files: Vec<PathBuf> = std::fs::read_dir(seeds_dir())
            .expect("seeds dir")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "txt"))
            .collect();
        files.sort();
        files
            .iter()
            .map(|p| std::fs::read_to_string(p).expect("seed is UTF-8"))
            .collect()
    })
}

/// `PROPTEST_CASES` when set, else the bounded default of this target.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Runs a property: `cases(default)` cases, or, with `QSEARCH_FUZZ_SECS=S`,
/// rounds of 1000 fresh random cases until S seconds have passed (the long
/// runs of docs/PERFORMANCE.md). A failure is shrunk and reported with the
/// minimal input; a panic inside the property counts as a failure.
fn fuzz<S>(
    name: &str,
    default: u32,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) where
    S: Strategy,
    S::Value: std::fmt::Debug,
{
    let budget = std::env::var("QSEARCH_FUZZ_SECS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok());
    let round = |cases: u32| {
        let config = ProptestConfig {
            cases,
            failure_persistence: None,
            ..ProptestConfig::default()
        };
        let mut runner = TestRunner::new(config);
        if let Err(e) = runner.run(&strategy, &test) {
            panic!("{name}: {e}");
        }
    };
    let started = std::time::Instant::now();
    let Some(secs) = budget else {
        round(cases(default));
        return;
    };
    let mut total = 0u64;
    while started.elapsed().as_secs() < secs {
        round(1000);
        total += 1000;
    }
    eprintln!(
        "fuzz {name}: {total} cases in {:.0?}, no failure",
        started.elapsed()
    );
}

fn entry(encoding: Option<Encoding>) -> CatalogEntry {
    CatalogEntry {
        file: "fuzz_0000.txt".into(),
        issuer: "测试市质量技术监督局".into(),
        place: "测试市".into(),
        province: "测试省".into(),
        city: "测试市".into(),
        county: None,
        level: Level::City,
        encoding,
    }
}

/// Reads `text` with every encoding and checks what can be checked without
/// knowing the answer: no panic, and every record's span inside the text.
fn read_everything(text: &str) {
    let lines = read::numbered_lines(text).len();
    let _ = read::encoding::detect(&read::numbered_lines(text));
    for encoding in ENCODINGS {
        let doc = read::read_document(text, encoding);
        for s in &doc.sections {
            assert!(
                s.heading.start >= 1 && s.heading.end <= lines,
                "{encoding:?}: heading span {:?} outside 1..={lines}",
                s.heading
            );
        }
    }
    for encoding in ENCODINGS.map(Some).into_iter().chain([None]) {
        let mut corpus = Corpus::default();
        corpus.add_document(&entry(encoding), text.as_bytes());
        check_records(&corpus, lines, encoding);
    }
}

fn check_records(corpus: &Corpus, lines: usize, encoding: Option<Encoding>) {
    let mut ids = std::collections::HashSet::new();
    for r in &corpus.records {
        let s = &r.source;
        assert!(
            s.line_start >= 1 && s.line_start <= s.line_end && s.line_end <= lines,
            "{encoding:?}: record {} spans {}-{} outside 1..={lines}",
            r.id,
            s.line_start,
            s.line_end
        );
        assert!(
            ids.insert(r.id.clone()),
            "{encoding:?}: duplicate record id {}",
            r.id
        );
    }
}

/// Bytes through the same path as a file: NUL check, lossy UTF-8, reading.
fn read_bytes(bytes: &[u8]) {
    for encoding in ENCODINGS.map(Some).into_iter().chain([None]) {
        let mut corpus = Corpus::default();
        corpus.add_document(&entry(encoding), bytes);
        let text = String::from_utf8_lossy(bytes);
        check_records(&corpus, read::numbered_lines(&text).len(), encoding);
    }
}

/// Pieces that matter to the readers: cell and row separators, headings,
/// header cells, numbering, markup.
const STRUCTURE: &[&str] = &[
    "\t",
    "\n",
    "\r\n",
    " ",
    " \t",
    "\n\n",
    "\t\t",
    "一、部门职责",
    "二、与相关部门的职责边界登记表",
    "三、公共服务事项",
    "四、事中事后监督管理制度",
    "五、责任追究机制",
    "一、",
    "（一）",
    "1.",
    "1、",
    "①",
    "序号",
    "\t序号\n\t主要职责\n\t具体工作事项\n\t责任科室\n\t备注\n",
    "序号\t管理事项\t相关部门\t职责分工\t案例",
    "管理事项",
    "相关部门",
    "职责分工",
    "<p>",
    "</p>",
    "市质监局",
    "\t1\n",
    "12",
    "。",
    "；",
    "第一条",
    "\u{feff}",
    "\u{fffd}",
    "\u{200b}",
    "𠀀",
    "😀",
];

#[derive(Debug, Clone)]
enum Mutation {
    Delete { at: usize, len: usize },
    Duplicate { at: usize, len: usize },
    Insert { at: usize, piece: usize },
    InsertText { at: usize, text: String },
    Truncate { at: usize },
    SwapLines { a: usize, b: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 0usize..400).prop_map(|(at, len)| Mutation::Delete { at, len }),
        (any::<usize>(), 0usize..400).prop_map(|(at, len)| Mutation::Duplicate { at, len }),
        (any::<usize>(), 0..STRUCTURE.len()).prop_map(|(at, piece)| Mutation::Insert { at, piece }),
        (any::<usize>(), ".{0,20}").prop_map(|(at, text)| Mutation::InsertText { at, text }),
        any::<usize>().prop_map(|at| Mutation::Truncate { at }),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines { a, b }),
    ]
}

/// The char boundary at or before a position taken modulo the length.
fn boundary(text: &str, at: usize) -> usize {
    if text.is_empty() {
        return 0;
    }
    let mut i = at % (text.len() + 1);
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn apply(text: &mut String, m: &Mutation) {
    match m {
        Mutation::Delete { at, len } => {
            let a = boundary(text, *at);
            let b = boundary(text, a + len);
            if b >= a {
                text.replace_range(a..b, "");
            }
        }
        Mutation::Duplicate { at, len } => {
            let a = boundary(text, *at);
            let b = boundary(text, a + len);
            if b >= a {
                let copy = text[a..b].to_string();
                text.insert_str(b, &copy);
            }
        }
        Mutation::Insert { at, piece } => {
            let a = boundary(text, *at);
            text.insert_str(a, STRUCTURE[*piece]);
        }
        Mutation::InsertText { at, text: t } => {
            let a = boundary(text, *at);
            text.insert_str(a, t);
        }
        Mutation::Truncate { at } => {
            let a = boundary(text, *at);
            text.truncate(a);
        }
        Mutation::SwapLines { a, b } => {
            let mut lines: Vec<&str> = text.split('\n').collect();
            let n = lines.len();
            lines.swap(a % n, b % n);
            *text = lines.join("\n");
        }
    }
}

/// A window of a seed (so the readers get past their headers), mutated.
fn mutated_seed() -> impl Strategy<Value = String> {
    (
        0..5usize,
        any::<usize>(),
        200usize..20_000,
        prop::collection::vec(mutation(), 0..12),
    )
        .prop_map(|(seed, start, len, mutations)| {
            let full = &seeds()[seed % seeds().len()];
            // Half the time the whole document from its start, so sections are seen.
            let a = if start % 2 == 0 {
                0
            } else {
                boundary(full, start)
            };
            let b = boundary(full, a + len);
            let mut text = full[a..b.max(a)].to_string();
            for m in &mutations {
                apply(&mut text, m);
            }
            text
        })
}

/// Text made of structural pieces and random characters only.
fn structural_soup() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            3 => (0..STRUCTURE.len()).prop_map(|i| STRUCTURE[i].to_string()),
            1 => ".{0,8}",
            1 => "[0-9一二三四五六、（）()\t \n]{1,6}",
        ],
        0..200,
    )
    .prop_map(|pieces| pieces.concat())
}

#[test]
fn readers_survive_mutated_seeds() {
    fuzz(
        "readers_survive_mutated_seeds",
        48,
        mutated_seed(),
        |text| {
            read_everything(&text);
            Ok(())
        },
    );
}

#[test]
fn readers_survive_structural_soup() {
    fuzz(
        "readers_survive_structural_soup",
        256,
        structural_soup(),
        |text| {
            read_everything(&text);
            Ok(())
        },
    );
}

#[test]
fn readers_survive_arbitrary_strings() {
    fuzz(
        "readers_survive_arbitrary_strings",
        256,
        any::<String>(),
        |text| {
            read_everything(&text);
            Ok(())
        },
    );
}

#[test]
fn readers_survive_random_bytes() {
    let bytes = prop::collection::vec(any::<u8>(), 0..4096);
    fuzz("readers_survive_random_bytes", 256, bytes, |bytes| {
        read_bytes(&bytes);
        Ok(())
    });
}

#[test]
fn readers_survive_truncated_bytes() {
    fuzz(
        "readers_survive_truncated_bytes",
        256,
        (0..5usize, any::<usize>()),
        |(seed, cut)| {
            // Cut anywhere, also inside a multi-byte character.
            let full = seeds()[seed].as_bytes();
            let end = cut % (full.len() + 1);
            read_bytes(&full[..end.min(30_000)]);
            Ok(())
        },
    );
}

#[test]
fn readers_survive_edge_cases() {
    let giant_cell = format!(
        "一、部门职责\n\t序号\n\t主要职责\n\t具体工作事项\n\t{}\n",
        "质".repeat(200_000)
    );
    let many_tabs = format!(
        "一、部门职责\n序号\t管理事项\t相关部门\n{}\n",
        "\t".repeat(50_000)
    );
    let many_lines = "\n".repeat(100_000);
    let cases: Vec<String> = vec![
        String::new(),
        "\n".into(),
        "\r".into(),
        "\t".into(),
        " \t".into(),
        "一、部门职责".into(),
        "一、部门职责\n".into(),
        "一、部门职责\n\t序号".into(),
        "一、部门职责\n\t序号\n\t主要职责\n\t具体工作事项\n".into(),
        "二、部门职责边界\n序号\t管理事项\n\t\t\t\t\n".into(),
        "二、部门职责边界\n管理事项\t相关部门\t职责分工\n\t\t\n\t市质监局\t\n".into(),
        "三、公共服务事项\n序号\t服务事项\t主要内容\t承办机构\t联系电话\n1\n".into(),
        "四、事中事后监管制度\n一、\n（一）\n1.\n①\n".into(),
        "五、责任追究机制\n（一）".into(),
        "x".repeat(1_000_000),
        giant_cell,
        many_tabs,
        many_lines,
        "\u{feff}一、部门职责\r\n\t序号\r\n".into(),
    ];
    for text in &cases {
        read_everything(text);
    }
    read_bytes(&[0]);
    read_bytes(&[0xff, 0xfe, b'\t', 0xe4, 0xb8]);
    read_bytes(&[0xe4, 0xb8, 0xad, b'\n', 0xe4]);
}

/// A BM25 engine over the seeds, in a private data directory.
fn engine() -> &'static Engine {
    static ENGINE: OnceLock<(tempfile::TempDir, Engine)> = OnceLock::new();
    &ENGINE
        .get_or_init(|| {
            let data = tempfile::tempdir().expect("temp dir");
            let paths = Paths::resolve(
                Some(seeds_dir()),
                Some(data.path().to_path_buf()),
                Some(data.path().join("models")),
            );
            let options = EngineOptions {
                semantic: false,
                model: "none".into(),
                fetch_script: None,
                embed_sessions: 1,
            };
            let engine = Engine::open_with(&paths, &options, &Silent).expect("engine opens");
            (data, engine)
        })
        .1
}

/// Query syntax of tantivy, Lucene and the query plan, Chinese punctuation.
const QUERY_PIECES: &[&str] = &[
    "AND",
    "OR",
    "NOT",
    "(",
    ")",
    ":",
    "\"",
    "*",
    "?",
    "~",
    "^",
    "[",
    "]",
    "{",
    "}",
    "\\",
    "+",
    "-",
    "!",
    "/",
    "&&",
    "||",
    "“",
    "”",
    "「",
    "」",
    "field:",
    "matter:\"",
    "TO",
    "IN",
    " ",
    "\t",
    "\n",
    "烟花爆竹",
    "谁管",
    "哪个部门",
    "质监局",
    "市",
    "的",
    "和",
    "😀",
    "👩‍👩‍👧",
    "\u{0}",
    "\u{200b}",
    "\u{feff}",
    "\u{fffd}",
    "𠀀",
    "ｆｕｌｌｗｉｄｔｈ",
    "煙花爆竹",
    "%",
    "'",
    "''",
    "\"\"",
    "“”",
    "「」",
    "a",
    "1",
    "12365",
];

fn query_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::collection::vec(
            prop_oneof![
                3 => (0..QUERY_PIECES.len()).prop_map(|i| QUERY_PIECES[i].to_string()),
                1 => ".{0,6}",
            ],
            0..40,
        )
        .prop_map(|p| p.concat()),
        1 => any::<String>(),
        1 => ".{200,1000}",
        1 => (0..QUERY_PIECES.len(), 1usize..600).prop_map(|(i, n)| QUERY_PIECES[i].repeat(n)),
    ]
}

fn filters() -> impl Strategy<Value = Filters> {
    let value = || {
        prop::option::of(prop_oneof![
            Just("000".to_string()),
            Just("河北".to_string()),
            Just("质监局".to_string()),
            Just(String::new()),
            ".{0,10}",
        ])
    };
    (
        value(),
        value(),
        prop::option::of(prop::sample::select(SectionKind::ALL.to_vec())),
        value(),
    )
        .prop_map(|(bureau, province, section, department)| Filters {
            bureau,
            province,
            section,
            department,
        })
}

#[test]
fn query_plan_never_panics() {
    fuzz(
        "query_plan_never_panics",
        256,
        (query_text(), filters()),
        |(query, filters)| {
            let open = engine().index();
            let plan = QueryPlan::parse(&query, &open.analyzer, &Synonyms::builtin());
            if !plan.is_empty() {
                let _ = plan.to_query(&open.fields, &filters, true);
            }
            Ok(())
        },
    );
}

#[test]
fn search_answers_or_rejects() {
    let request = (
        query_text(),
        filters(),
        prop_oneof![Just(0usize), 1usize..=100, Just(101), Just(usize::MAX)],
        prop::sample::select(vec![Mode::Bm25, Mode::Hybrid, Mode::Semantic]),
        any::<bool>(),
    );
    fuzz(
        "search_answers_or_rejects",
        256,
        request,
        |(query, filters, limit, mode, explain)| {
            let engine = engine();
            let mut request = SearchRequest::new(query).mode(mode).limit(limit);
            request.filters = filters;
            request.explain = explain;
            let valid = Engine::validate(&request).is_ok();
            match engine.search(&request) {
                Ok(response) => {
                    prop_assert!(valid, "an invalid request was answered");
                    prop_assert!(response.hits.len() <= limit);
                    for hit in &response.hits {
                        prop_assert!(
                            engine.record(&hit.id).is_some(),
                            "hit {} is no record",
                            hit.id
                        );
                    }
                }
                Err(e) => prop_assert!(!e.to_string().is_empty()),
            }
            if valid {
                let _ = engine.who(&request);
            }
            Ok(())
        },
    );
}

#[test]
fn search_edge_cases() {
    let engine = engine();
    let long = "烟".repeat(1000);
    let at_limit = "烟".repeat(qsearch::engine::MAX_QUERY_CHARS);
    let queries: Vec<&str> = vec![
        "",
        " ",
        "\n",
        "\u{0}",
        "AND",
        "OR",
        "NOT",
        "(",
        ")",
        ":",
        "\"",
        "\"\"",
        "*",
        "* AND (",
        "matter:烟花",
        "烟花爆竹 AND (",
        "\"烟花",
        "烟花\"",
        "“烟花",
        "「",
        "」",
        "“”",
        "😀",
        "😀 烟花爆竹",
        "\\",
        "~2",
        "^3",
        "[a TO b]",
        "烟花爆竹 谁管?",
        &long,
        &at_limit,
        "的",
        "的的的的",
        "哪个部门",
        "谁管",
        "ＡＮＤ",
        "煙花爆竹",
        "FIREWORKS",
        "1",
        "12365",
    ];
    for q in queries {
        for mode in [Mode::Bm25, Mode::Hybrid, Mode::Semantic] {
            let request = SearchRequest::new(q).mode(mode);
            let result = engine.search(&request);
            if q.trim().is_empty() || q.chars().count() > qsearch::engine::MAX_QUERY_CHARS {
                assert!(result.is_err(), "{q:?} should be rejected");
            } else {
                assert!(result.is_ok(), "{q:?}: {:?}", result.err());
            }
            let _ = engine.who(&request);
        }
    }
    let hits = engine
        .search(&SearchRequest::new("烟花爆竹"))
        .expect("search");
    assert!(!hits.hits.is_empty());
}
