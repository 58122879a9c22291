//! Reliability findings (`../shared/reliability/README.md`) turned into
//! tests: concurrent builders and readers, read-only and full disks,
//! record ids across documents, catalog entries outside the seeds, the
//! embedding model's configuration, a damaged vector cache, a huge
//! document, the server across a generation swap and at shutdown. (The
//! server's HTTP limits, findings 12 and 14, are in `server.rs`.)
//!
//! The model tests need the provisioned model (`QSEARCH_MODEL_DIR` or
//! `data/models`).
//!
//! The process tests drive the real binary (`target/debug/qsearch`, or
//! `$QSEARCH_BIN`); build it first with `cargo build -p qsearch-cli`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use qsearch::engine::EngineOptions;
use qsearch::index::Filters;
use qsearch::index::IndexStore;
use qsearch::paths::Paths;
use qsearch::progress::Silent;
use qsearch::{Corpus, Engine, Mode, SearchRequest};
use qsearch_tests::seeds_dir;

mod harness;

use harness::{Notes, binary, bm25, copy_seeds, paths};

fn append_catalog(seeds: &Path, entry: &str) {
    let path = seeds.join("catalog.toml");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str(entry);
    std::fs::write(path, text).unwrap();
}

/// A catalog entry for `file` (TOML basic string).
fn entry_for(file: &str, issuer: &str, place: &str, encoding: &str) -> String {
    format!(
        "\n[[document]]\nfile = {file:?}\nissuer = \"{issuer}\"\nplace = \"{place}\"\nprovince = \"山东省\"\ncity = \"临沂市\"\nlevel = \"city\"\nencoding = \"{encoding}\"\n"
    )
}

/// Edits one seed so its corpus hash changes.
fn change_seeds(seeds: &Path) {
    let path = seeds.join(qsearch_tests::seed_file("001"));
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("烟花爆竹生产企业"));
    std::fs::write(
        &path,
        text.replace("烟花爆竹生产企业", "烟花爆竹生产经营企业"),
    )
    .unwrap();
}

/// `qsearch <args> --seeds S --data-dir D`.
fn qsearch(args: &[&str], seeds: &Path, data: &Path) -> Command {
    let mut command = Command::new(binary());
    command
        .args(args)
        .arg("--seeds")
        .arg(seeds)
        .arg("--data-dir")
        .arg(data)
        .env_remove("QSEARCH_SEEDS")
        .env_remove("QSEARCH_DATA_DIR")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| !l.contains("warning: 00"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn index_entries(root: &Path) -> BTreeSet<String> {
    std::fs::read_dir(root)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect()
}

fn assert_one_generation_nothing_left(root: &Path, context: &str) -> String {
    let entries = index_entries(root);
    let generations: Vec<&String> = entries.iter().filter(|n| n.starts_with("gen-")).collect();
    let leftovers: Vec<&String> = entries
        .iter()
        .filter(|n| n.starts_with("tmp-") || n.starts_with("CURRENT."))
        .collect();
    assert_eq!(generations.len(), 1, "{context}: {entries:?}");
    assert!(leftovers.is_empty(), "{context}: left behind {leftovers:?}");
    let current = std::fs::read_to_string(root.join("CURRENT")).unwrap();
    assert_eq!(current.trim(), generations[0], "{context}");
    current.trim().to_string()
}

/// Every file under `dir` with its length and modification time.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, (u64, std::time::SystemTime)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().filter_map(|e| e.ok()) {
            let meta = entry.metadata().unwrap();
            if meta.is_dir() {
                stack.push(entry.path());
            }
            out.insert(entry.path(), (meta.len(), meta.modified().unwrap()));
        }
    }
    out
}

/// Finding 1: `qsearch index` of unchanged seeds deleted the live
/// generation and wrote it again, under the feet of every reader.
#[test]
fn rebuilding_unchanged_seeds_keeps_the_live_generation() {
    let tmp = tempfile::tempdir().unwrap();
    let (seeds, data) = (tmp.path().join("seeds"), tmp.path().join("data"));
    copy_seeds(&seeds);
    let engine = Engine::open_with(&paths(&seeds, &data), &bm25(), &Silent).unwrap();
    let root = data.join("index");
    let live = IndexStore::new(&root).current().unwrap();
    // A file of our own in the live generation: gone if it is replaced.
    std::fs::write(live.dir.join("marker"), "still here").unwrap();
    for run in 0..2 {
        let out = qsearch(&["index", "--no-embed"], &seeds, &data)
            .output()
            .unwrap();
        assert!(out.status.success(), "run {run}: {}", stderr(&out));
        assert!(
            live.dir.join("marker").is_file(),
            "run {run}: the live generation was replaced"
        );
        assert_eq!(
            assert_one_generation_nothing_left(&root, "after index"),
            live.name()
        );
    }
    let hits = engine
        .search(&SearchRequest::new("烟花爆竹").mode(Mode::Bm25))
        .unwrap();
    assert!(!hits.hits.is_empty());
}

/// Finding 1: concurrent first use and concurrent `qsearch index` on one
/// fresh data directory: every process answers, one generation results.
#[test]
fn concurrent_first_use_and_index_all_succeed() {
    let tmp = tempfile::tempdir().unwrap();
    let seeds = tmp.path().join("seeds");
    copy_seeds(&seeds);
    for round in 0..3 {
        let data = tmp.path().join(format!("data-{round}"));
        let children: Vec<(bool, std::process::Child)> = (0..4)
            .map(|i| {
                let search = i % 2 == 0;
                let args: &[&str] = if search {
                    &["烟花爆竹", "--mode", "bm25", "--json", "--limit", "3"]
                } else {
                    &["index", "--no-embed"]
                };
                (search, qsearch(args, &seeds, &data).spawn().unwrap())
            })
            .collect();
        for (i, (search, child)) in children.into_iter().enumerate() {
            let out = child.wait_with_output().unwrap();
            let context = format!("round {round}, process {i}");
            assert!(out.status.success(), "{context}: {}", stderr(&out));
            if search {
                let json: serde_json::Value = serde_json::from_slice(&out.stdout)
                    .unwrap_or_else(|e| panic!("{context}: {e}"));
                assert_eq!(json["hits"].as_array().unwrap().len(), 3, "{context}");
            }
        }
        assert_one_generation_nothing_left(&data.join("index"), &format!("round {round}"));
    }
}

/// Finding 1: searches while `qsearch index` rebuilds the same seeds never
/// fail and never rebuild.
#[test]
fn searches_during_index_neither_fail_nor_rebuild() {
    let tmp = tempfile::tempdir().unwrap();
    let (seeds, data) = (tmp.path().join("seeds"), tmp.path().join("data"));
    copy_seeds(&seeds);
    drop(Engine::open_with(&paths(&seeds, &data), &bm25(), &Silent).unwrap());
    let done = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|scope| {
        let indexer = scope.spawn(|| {
            for run in 0..6 {
                let out = qsearch(&["index", "--no-embed"], &seeds, &data)
                    .output()
                    .unwrap();
                assert!(out.status.success(), "index run {run}: {}", stderr(&out));
            }
            done.store(true, std::sync::atomic::Ordering::SeqCst);
        });
        let mut searches = 0;
        while !done.load(std::sync::atomic::Ordering::SeqCst) || searches == 0 {
            let notes = Notes::default();
            let engine = Engine::open_with(&paths(&seeds, &data), &bm25(), &notes)
                .unwrap_or_else(|e| panic!("search {searches}: open: {e}"));
            let r = engine
                .search(&SearchRequest::new("烟花爆竹").mode(Mode::Bm25))
                .unwrap();
            assert!(!r.hits.is_empty(), "search {searches}");
            assert!(
                notes.all().is_empty(),
                "search {searches}: {:?}",
                notes.all()
            );
            searches += 1;
        }
        indexer.join().unwrap();
    });
    assert_one_generation_nothing_left(&data.join("index"), "after the runs");
}

/// Finding 8: a complete, current index must open on a read-only data
/// directory. Tests run as root here, where permissions do not stop writes,
/// so the test checks the cause: opening and searching write nothing (the
/// lock tantivy's reader took created `.tantivy-meta.lock`).
#[test]
fn a_current_index_opens_and_searches_without_writing() {
    let tmp = tempfile::tempdir().unwrap();
    let (seeds, data) = (tmp.path().join("seeds"), tmp.path().join("data"));
    copy_seeds(&seeds);
    drop(Engine::open_with(&paths(&seeds, &data), &bm25(), &Silent).unwrap());
    let before = snapshot(&data);
    let live = IndexStore::new(data.join("index")).current().unwrap();
    assert!(
        !live.dir.join(".tantivy-meta.lock").exists(),
        "opening the index created tantivy's lock file"
    );
    let engine = Engine::open_with(&paths(&seeds, &data), &bm25(), &Silent).unwrap();
    let r = engine
        .search(&SearchRequest::new("烟花爆竹").mode(Mode::Bm25))
        .unwrap();
    assert!(!r.hits.is_empty());
    let out = qsearch(
        &["烟花爆竹", "--mode", "bm25", "--limit", "1"],
        &seeds,
        &data,
    )
    .output()
    .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        snapshot(&data),
        before,
        "opening the index wrote to the data dir"
    );
}

/// Finding 9: a rebuild that fails (here the file size limit: writes fail
/// with EFBIG, as they fail with ENOSPC on a full disk) must leave searches
/// answering from the previous, intact generation, with a warning, and
/// remove what it wrote.
#[test]
fn a_failed_rebuild_falls_back_to_the_previous_generation() {
    let tmp = tempfile::tempdir().unwrap();
    let (seeds, data) = (tmp.path().join("seeds"), tmp.path().join("data"));
    copy_seeds(&seeds);
    drop(Engine::open_with(&paths(&seeds, &data), &bm25(), &Silent).unwrap());
    let root = data.join("index");
    let previous = assert_one_generation_nothing_left(&root, "first build");
    change_seeds(&seeds);
    // `trap '' XFSZ` makes oversized writes fail instead of killing the process.
    let limited = |args: &str| {
        Command::new("bash")
            .arg("-c")
            .arg(format!(
                "trap '' XFSZ; ulimit -f 64; exec \"$0\" {args} --seeds \"$1\" --data-dir \"$2\""
            ))
            .arg(binary())
            .arg(&seeds)
            .arg(&data)
            .env_remove("QSEARCH_SEEDS")
            .env_remove("QSEARCH_DATA_DIR")
            .output()
            .unwrap()
    };
    let out = limited("index --no-embed");
    assert!(!out.status.success(), "the limited build succeeded?");
    assert_eq!(
        assert_one_generation_nothing_left(&root, "failed index"),
        previous
    );

    let out = limited("烟花爆竹 --mode bm25 --json --limit 3");
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["hits"].as_array().unwrap().len(), 3);
    let warnings = json["warnings"].to_string();
    assert!(
        warnings.contains("could not be rebuilt") && warnings.contains(&previous),
        "{warnings}"
    );
    assert_eq!(
        assert_one_generation_nothing_left(&root, "failed search"),
        previous
    );

    // Once writes work again, the next search builds the changed seeds.
    let notes = Notes::default();
    let engine = Engine::open_with(&paths(&seeds, &data), &bm25(), &notes).unwrap();
    assert!(engine.health().notices.is_empty(), "{:?}", engine.health());
    assert_ne!(
        assert_one_generation_nothing_left(&root, "rebuilt"),
        previous
    );
}

/// Finding 9: builds that died (any process id, even one now in use) leave
/// `tmp-` directories; the next build removes them.
#[test]
fn leftovers_of_crashed_builds_are_removed() {
    let tmp = tempfile::tempdir().unwrap();
    let (seeds, data) = (tmp.path().join("seeds"), tmp.path().join("data"));
    copy_seeds(&seeds);
    drop(Engine::open_with(&paths(&seeds, &data), &bm25(), &Silent).unwrap());
    let root = data.join("index");
    // pid 1 is always alive: the old check kept these for ever.
    for stale in ["tmp-1-12345", "tmp-999999999-1"] {
        std::fs::create_dir_all(root.join(stale)).unwrap();
        std::fs::write(root.join(stale).join("meta.json"), "{}").unwrap();
    }
    std::fs::write(root.join("CURRENT.1"), "gen-x").unwrap();
    change_seeds(&seeds);
    drop(Engine::open_with(&paths(&seeds, &data), &bm25(), &Silent).unwrap());
    assert_one_generation_nothing_left(&root, "after the build");
}

/// Finding 3: a revised edition `002_revised_2019.txt` beside
/// `002_57c….txt` got the same record ids, so the who-answer was built from
/// the other document.
#[test]
fn record_ids_are_unique_across_documents_with_one_number() {
    let tmp = tempfile::tempdir().unwrap();
    let (seeds, data) = (tmp.path().join("seeds"), tmp.path().join("data"));
    copy_seeds(&seeds);
    let original = qsearch_tests::seed_file("002");
    let text = std::fs::read_to_string(seeds.join(&original)).unwrap();
    assert!(text.contains("市质监局"));
    std::fs::write(
        seeds.join("002_revised_2019.txt"),
        text.replace("市质监局", "市市场监管局"),
    )
    .unwrap();
    append_catalog(
        &seeds,
        &entry_for(
            "002_revised_2019.txt",
            "临沂市市场监督管理局",
            "临沂市(2019修订)",
            "tsv",
        ),
    );
    let corpus = Corpus::load(&seeds).unwrap();
    let ids: BTreeSet<&str> = corpus.records.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids.len(), corpus.records.len(), "record ids collide");
    for r in &corpus.records {
        let stem = r.source.file.trim_end_matches(".txt");
        assert!(
            r.id.starts_with(&format!("{stem}-")),
            "{} of {}",
            r.id,
            r.source.file
        );
    }

    let engine = Engine::open_with(&paths(&seeds, &data), &bm25(), &Silent).unwrap();
    let mut request = SearchRequest::new("临沂市谁负责烟花爆竹的质量")
        .mode(Mode::Bm25)
        .limit(3);
    request.filters = Filters {
        bureau: Some("临沂市(2019修订)".into()),
        ..Filters::default()
    };
    let r = engine.who(&request).unwrap();
    assert!(!r.hits.is_empty());
    for hit in &r.hits {
        assert_eq!(
            engine.record(&hit.id).unwrap().source.file,
            "002_revised_2019.txt"
        );
    }
    let answer = r.answer.expect("an answer");
    let written: Vec<&str> = answer
        .departments
        .iter()
        .map(|d| d.as_written.as_str())
        .collect();
    assert!(
        written.iter().all(|w| !w.contains("质监局")),
        "the answer cites the other document's departments: {written:?}"
    );
}

/// Finding 3: the same file catalogued twice is read once, with a warning
/// that points at the second entry.
#[test]
fn a_file_catalogued_twice_is_read_once_with_a_warning() {
    let tmp = tempfile::tempdir().unwrap();
    let seeds = tmp.path().join("seeds");
    copy_seeds(&seeds);
    let before = Corpus::load(&seeds).unwrap().records.len();
    let file = qsearch_tests::seed_file("002");
    append_catalog(
        &seeds,
        &entry_for(
            &format!("./{file}"),
            "临沂市质量技术监督局",
            "临沂市",
            "tsv",
        ),
    );
    let corpus = Corpus::load(&seeds).unwrap();
    assert_eq!(corpus.records.len(), before);
    let ids: BTreeSet<&str> = corpus.records.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids.len(), corpus.records.len());
    let line = std::fs::read_to_string(seeds.join("catalog.toml"))
        .unwrap()
        .lines()
        .position(|l| l.contains(&format!("./{file}")))
        .unwrap()
        + 1;
    let warning = corpus
        .warnings
        .iter()
        .find(|w| w.message.contains("already catalogued"))
        .unwrap_or_else(|| panic!("no warning: {:?}", corpus.warnings));
    assert_eq!(
        (warning.file.as_str(), warning.line),
        ("catalog.toml", line)
    );
    assert!(warning.message.contains(&file), "{warning}");
}

/// Finding 11: catalog entries naming files outside the seeds directory (an
/// absolute path, `..`, a symbolic link leading out) are refused with a
/// warning naming the entry; the rest still indexes.
#[test]
fn catalog_entries_outside_the_seeds_directory_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let seeds = tmp.path().join("seeds");
    copy_seeds(&seeds);
    let before = Corpus::load(&seeds).unwrap().records.len();
    std::fs::write(tmp.path().join("outside.txt"), "一、部门职责\n（一）秘密\n").unwrap();
    std::os::unix::fs::symlink(tmp.path().join("outside.txt"), seeds.join("link.txt")).unwrap();
    let outside = tmp.path().join("outside.txt").display().to_string();
    let refused = [
        outside.as_str(),
        "../outside.txt",
        "link.txt",
        "/etc/passwd",
    ];
    for file in refused {
        append_catalog(
            &seeds,
            &entry_for(file, "测试县质量技术监督局", "测试县", "prose"),
        );
    }
    let corpus = Corpus::load(&seeds).unwrap();
    assert_eq!(
        corpus.records.len(),
        before,
        "the other documents still index"
    );
    for r in &corpus.records {
        assert!(
            !refused.contains(&r.source.file.as_str()),
            "{} indexed",
            r.source.file
        );
    }
    for file in refused {
        assert!(
            corpus.warnings.iter().any(|w| w.file == "catalog.toml"
                && w.line > 0
                && w.message.contains(&format!("{file:?}"))
                && w.message.contains("seeds directory")),
            "no warning for {file}: {:?}",
            corpus.warnings
        );
    }
    // The index hash does not read them either: editing one changes nothing.
    let hash = qsearch::index::store::corpus_hash(&seeds).unwrap();
    std::fs::write(tmp.path().join("outside.txt"), "changed").unwrap();
    assert_eq!(qsearch::index::store::corpus_hash(&seeds).unwrap(), hash);
}

/// Finding 16: one NUL byte dropped the whole document; now it is removed
/// with a warning and the document indexes.
#[test]
fn a_stray_nul_byte_keeps_the_document() {
    let tmp = tempfile::tempdir().unwrap();
    let seeds = tmp.path().join("seeds");
    copy_seeds(&seeds);
    let before = Corpus::load(&seeds).unwrap();
    let file = qsearch_tests::seed_file("004");
    let path = seeds.join(&file);
    let mut bytes = std::fs::read(&path).unwrap();
    let at = bytes.iter().position(|&b| b == b'\n').unwrap();
    bytes.insert(at, 0);
    std::fs::write(&path, bytes).unwrap();
    let corpus = Corpus::load(&seeds).unwrap();
    let count = |c: &Corpus| c.records.iter().filter(|r| r.source.file == file).count();
    assert_eq!(count(&corpus), count(&before));
    assert!(
        corpus
            .warnings
            .iter()
            .any(|w| w.file == file && w.line == 1 && w.message.contains("NUL")),
        "{:?}",
        corpus.warnings
    );
}

/// Finding 7: `dimensions` in qsearch-model.toml unlike the model's output
/// panicked; now semantic search is unavailable with a notice saying why.
#[test]
fn wrong_dimensions_in_the_model_config_are_a_notice_not_a_panic() {
    let models = Paths::resolve(None, None, None).models;
    let model = models.join(qsearch::embed::DEFAULT_MODEL);
    assert!(
        model.is_dir(),
        "{} is missing: run scripts/fetch-model.sh or set QSEARCH_MODEL_DIR",
        model.display()
    );
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("models");
    let me5 = copy.join(qsearch::embed::DEFAULT_MODEL);
    std::fs::create_dir_all(&me5).unwrap();
    for entry in std::fs::read_dir(&model).unwrap().filter_map(|e| e.ok()) {
        let name = entry.file_name();
        if name == "qsearch-model.toml" {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            assert!(text.contains("dimensions = 384"), "{text}");
            std::fs::write(
                me5.join(&name),
                text.replace("dimensions = 384", "dimensions = 256"),
            )
            .unwrap();
        } else {
            std::os::unix::fs::symlink(entry.path(), me5.join(&name)).unwrap();
        }
    }
    for other in std::fs::read_dir(&models).unwrap().filter_map(|e| e.ok()) {
        if other.file_name() != qsearch::embed::DEFAULT_MODEL {
            std::os::unix::fs::symlink(other.path(), copy.join(other.file_name())).unwrap();
        }
    }
    let seeds = tmp.path().join("seeds");
    copy_seeds(&seeds);
    let p = Paths::resolve(Some(seeds), Some(tmp.path().join("data")), Some(copy));
    let engine = std::panic::catch_unwind(|| {
        Engine::open_with(&p, &EngineOptions::default(), &Silent).expect("engine opens")
    })
    .expect("no panic");
    assert!(engine.semantic().is_none());
    let notices = engine.health().notices.join(" ");
    assert!(
        notices.contains("384-dimensional") && notices.contains("dimensions = 256"),
        "{notices}"
    );
    let r = engine
        .search(&SearchRequest::new("烟花爆竹").mode(Mode::Hybrid))
        .expect("answers in BM25 mode");
    assert_eq!(r.mode, Mode::Bm25);
    assert!(!r.hits.is_empty());
}

/// Finding 4: after a seed file changed, the server showed the new file's
/// lines for the old index's records, and `/healthz` still said ok. The
/// cited lines now come from the index generation, and `/healthz` says
/// `stale`.
#[test]
fn the_server_cites_the_indexed_lines_and_reports_changed_seeds() {
    use qsearch_server::{AppState, Limits};
    let tmp = tempfile::tempdir().unwrap();
    let (seeds, data) = (tmp.path().join("seeds"), tmp.path().join("data"));
    copy_seeds(&seeds);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let addr = runtime.block_on(async {
        let state = AppState::open(paths(&seeds, &data), bm25(), Limits::default())
            .await
            .unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(qsearch_server::serve_on(
            listener,
            state,
            std::future::pending(),
        ));
        addr
    });
    let json = |target: &str| {
        let reply = harness::get(addr, target);
        assert_eq!(reply.status, 200, "{target}: {}", reply.text());
        reply.json()
    };
    let health = json("/healthz");
    assert_eq!(
        (health["status"].as_str(), health["seeds_changed"].as_bool()),
        (Some("ok"), Some(false))
    );

    let hit = json("/api/search?q=%E7%83%9F%E8%8A%B1%E7%88%86%E7%AB%B9&mode=bm25&limit=1")["hits"]
        [0]
    .clone();
    let (id, file) = (
        hit["id"].as_str().unwrap(),
        hit["source"]["file"].as_str().unwrap(),
    );
    let record = format!("/api/records/{}", harness::enc(id));
    let before = json(&record)["lines"].clone();
    assert!(before.to_string().contains("烟花爆竹"), "{before}");

    // Two lines more at the top: every line of the file moves down.
    let path = seeds.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("修订说明\n（2024年）\n{text}")).unwrap();
    assert_eq!(
        json(&record)["lines"],
        before,
        "the lines must be the indexed ones"
    );
    let health = json("/healthz");
    assert_eq!(
        (health["status"].as_str(), health["seeds_changed"].as_bool()),
        (Some("stale"), Some(true)),
        "{health}"
    );
    assert!(
        health["index"]["notices"]
            .to_string()
            .contains("seeds changed"),
        "{health}"
    );
    // `qsearch index` now builds the changed seeds and removes the served
    // generation: its documents stay readable to the server.
    let served = IndexStore::new(data.join("index")).current().unwrap().dir;
    let out = qsearch(&["index", "--no-embed"], &seeds, &data)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!served.exists(), "the served generation was kept?");
    assert_eq!(json(&record)["lines"], before);
    let after = json("/api/search?q=%E7%83%9F%E8%8A%B1%E7%88%86%E7%AB%B9&mode=bm25&limit=1");
    assert_eq!(after["hits"][0]["id"], hit["id"], "searches still answer");
}

/// `server_seeds_change.sh`, last part (finding 13): once `qsearch index`
/// swapped generations, the running `qsearch serve` logged a tantivy WARN
/// ("Failed to open meta file") every 500 ms. It must keep answering and
/// log nothing of the kind; the test watches three of those intervals.
#[test]
fn a_server_whose_generation_was_swapped_out_keeps_answering_quietly() {
    use std::io::{BufRead, BufReader};
    let tmp = tempfile::tempdir().unwrap();
    let (seeds, data) = (tmp.path().join("seeds"), tmp.path().join("data"));
    copy_seeds(&seeds);
    let log = tmp.path().join("serve.log");
    let mut serve = qsearch(
        &["serve", "--keyword-only", "--bind", "127.0.0.1:0"],
        &seeds,
        &data,
    );
    serve.stderr(std::fs::File::create(&log).unwrap());
    let mut child = serve.spawn().unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr: std::net::SocketAddr = match line
        .trim()
        .strip_prefix("qsearch: listening on http://")
        .and_then(|a| a.parse().ok())
    {
        Some(addr) => addr,
        None => {
            let _ = child.kill();
            panic!("no address: {line:?}");
        }
    };
    let search = "/api/search?q=%E7%83%9F%E8%8A%B1%E7%88%86%E7%AB%B9&mode=bm25&limit=1";
    assert_eq!(harness::get(addr, search).status, 200);
    change_seeds(&seeds);
    let out = qsearch(&["index", "--no-embed"], &seeds, &data)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    std::thread::sleep(std::time::Duration::from_millis(1600));
    let reply = harness::get(addr, search);
    let health = harness::get(addr, "/healthz");
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let status = child.wait().unwrap();
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.json()["hits"].as_array().map(Vec::len), Some(1));
    assert_eq!(health.json()["seeds_changed"], true);
    assert!(status.success(), "{status:?}");
    let log = std::fs::read_to_string(&log).unwrap();
    let noisy: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("meta file") || (l.contains("WARN") && l.contains("tantivy")))
        .collect();
    assert!(noisy.is_empty(), "{}", noisy.join("\n"));
}

/// Finding 12: a client that never finishes its request held the graceful
/// shutdown open for ever; now the server stops after its grace period.
/// (The minute below only keeps a regression from hanging the test run.)
#[test]
fn shutdown_is_not_held_open_by_an_unfinished_request() {
    use qsearch_server::{AppState, Limits};
    use std::io::Write;
    let tmp = tempfile::tempdir().unwrap();
    let (seeds, data) = (tmp.path().join("seeds"), tmp.path().join("data"));
    copy_seeds(&seeds);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let (addr, server) = runtime.block_on(async {
        let state = AppState::open(paths(&seeds, &data), bm25(), Limits::default())
            .await
            .unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let shutdown = async move {
            let _ = stopped.await;
        };
        let server = tokio::spawn(qsearch_server::serve_on(listener, state, shutdown));
        (addr, server)
    });
    assert_eq!(harness::get(addr, "/healthz").status, 200);
    let mut slow = std::net::TcpStream::connect(addr).unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    // The server has the partial request before shutdown begins.
    std::thread::sleep(std::time::Duration::from_millis(200));
    stop.send(()).unwrap();
    let finished = runtime
        .block_on(async { tokio::time::timeout(std::time::Duration::from_secs(60), server).await });
    let served = finished.expect("the server is still waiting for the unfinished request");
    served.unwrap().unwrap();
    drop(slow);
}

/// Finding 10: one 50 MB document made `index` take 2.1 GB and a search
/// return 52 MB. Now every text field of a record is cut to
/// `extract::MAX_FIELD_CHARS` with a warning naming the file, the line and
/// the record, and a hit's text and snippet stay small whatever the record.
#[test]
fn a_huge_document_is_truncated_with_a_warning_and_its_hits_stay_small() {
    use qsearch::extract::MAX_FIELD_CHARS;
    let tmp = tempfile::tempdir().unwrap();
    let (seeds, data) = (tmp.path().join("seeds"), tmp.path().join("data"));
    copy_seeds(&seeds);
    let file = "005_huge.txt";
    let huge_line = "烟花爆竹质量监督".repeat(150_000); // 1.2 M characters, 3.6 MB
    std::fs::write(
        seeds.join(file),
        format!("测试县质量技术监督局责任清单\n\n{huge_line}\n"),
    )
    .unwrap();
    append_catalog(
        &seeds,
        "\n[[document]]\nfile = \"005_huge.txt\"\nissuer = \"测试县质量技术监督局\"\nplace = \"测试县\"\nprovince = \"河北省\"\ncity = \"测试市\"\ncounty = \"测试县\"\nlevel = \"county\"\n",
    );

    let corpus = Corpus::load(&seeds).unwrap();
    let huge: Vec<_> = corpus
        .records
        .iter()
        .filter(|r| r.source.file == file)
        .collect();
    assert!(!huge.is_empty(), "the document is still indexed");
    for record in &huge {
        let mut fields = record.fields.clone();
        for (name, text) in fields.texts_mut() {
            assert!(
                text.chars().count() <= MAX_FIELD_CHARS,
                "{name} of {}",
                record.id
            );
        }
    }
    let cut = huge
        .iter()
        .find(|r| {
            r.text().chars().count() == MAX_FIELD_CHARS && r.text().contains("烟花爆竹质量监督")
        })
        .unwrap_or_else(|| panic!("no record keeps the start of the long line: {huge:?}"));
    let warning = corpus
        .warnings
        .iter()
        .find(|w| w.file == file && w.message.contains("truncated"))
        .unwrap_or_else(|| panic!("no truncation warning: {:?}", corpus.warnings));
    assert_eq!(warning.line, cut.source.line_start, "{warning}");
    assert!(
        warning.message.contains(&cut.id)
            && warning.message.contains("characters")
            && warning.message.contains(&MAX_FIELD_CHARS.to_string()),
        "{warning}"
    );
    // Other documents are untouched.
    assert!(
        !corpus
            .warnings
            .iter()
            .any(|w| w.file != file && w.message.contains("truncated")),
        "{:?}",
        corpus.warnings
    );

    let engine = Engine::open_with(&paths(&seeds, &data), &bm25(), &Silent).unwrap();
    let mut request = SearchRequest::new("烟花爆竹质量监督")
        .mode(Mode::Bm25)
        .limit(100);
    request.filters = Filters {
        bureau: Some("测试县质量技术监督局".into()),
        ..Filters::default()
    };
    let response = engine.search(&request).unwrap();
    let hit = response
        .hits
        .iter()
        .find(|h| h.source.file == file)
        .unwrap_or_else(|| panic!("the huge document is not found: {:?}", response.hits));
    assert!(hit.text.chars().count() <= MAX_FIELD_CHARS);
    assert!(
        hit.snippet.text.len() < 4096,
        "snippet of {} bytes",
        hit.snippet.text.len()
    );
    let json = serde_json::to_string(&response).unwrap();
    assert!(
        json.len() < 100 * 1024,
        "a response of {} bytes for a {} byte document",
        json.len(),
        huge_line.len()
    );
}

/// `vector_cache.sh` (findings 5 and 6) end to end, with the real model on a
/// one-document corpus: a damaged header, an empty file, a cut last entry
/// (what a full disk leaves) or one flipped bit used to make every start
/// embed and append again, and the flipped bit put its row at #1 of every
/// semantic query with a "cosine" of 1e36. Now each damage costs one
/// re-embedding of what was lost, the file is repaired to its old size, the
/// next start embeds nothing, and no score is beyond a cosine's range.
#[test]
fn a_damaged_vector_cache_is_repaired_once_and_never_served() {
    let models = Paths::resolve(None, None, None).models;
    assert!(
        models.join(qsearch::embed::DEFAULT_MODEL).is_dir(),
        "{} is missing: run scripts/fetch-model.sh or set QSEARCH_MODEL_DIR",
        models.display()
    );
    let tmp = tempfile::tempdir().unwrap();
    let (seeds, data) = (tmp.path().join("seeds"), tmp.path().join("data"));
    std::fs::create_dir_all(&seeds).unwrap();
    let file = qsearch_tests::seed_file("004");
    std::fs::copy(seeds_dir().join(&file), seeds.join(&file)).unwrap();
    std::fs::write(
        seeds.join("catalog.toml"),
        format!("[[document]]\nfile = \"{file}\"\nissuer = \"衡水市市场监督管理局\"\nplace = \"衡水市\"\nprovince = \"河北省\"\ncity = \"衡水市\"\nlevel = \"city\"\nencoding = \"prose\"\n"),
    )
    .unwrap();
    let paths = Paths::resolve(Some(seeds), Some(data.clone()), Some(models));
    let open = || Engine::open_with(&paths, &EngineOptions::default(), &Silent).unwrap();
    let embedded_now = |engine: &Engine| {
        engine
            .semantic()
            .unwrap_or_else(|| panic!("no semantic search: {:?}", engine.health().notices))
            .embedded_now
    };

    let engine = open();
    let records = engine.records().len();
    assert_eq!(embedded_now(&engine), records);
    drop(engine);
    let cache: Vec<PathBuf> = std::fs::read_dir(data.join("embeddings"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "bin"))
        .collect();
    assert_eq!(cache.len(), 1, "{cache:?}");
    let cache = &cache[0];
    let good = std::fs::read(cache).unwrap();
    let entry = (good.len() - 8) / records;
    assert_eq!(entry * records + 8, good.len(), "fixed-size entries");

    type Damage = fn(&mut Vec<u8>, usize);
    let damages: [(&str, Damage, Option<usize>); 4] = [
        ("damaged header", |b, _| b[0] ^= 0xff, None),
        ("empty file", |b, _| b.clear(), None),
        (
            "partial last entry",
            |b, _| b.truncate(b.len() - 100),
            Some(1),
        ),
        // The first value's exponent byte in entry 10: a huge "cosine".
        (
            "one flipped bit",
            |b, entry| b[8 + 10 * entry + 32 + 3] ^= 0x40,
            Some(1),
        ),
    ];
    for (what, damage, lost) in damages {
        let mut bytes = good.clone();
        damage(&mut bytes, entry);
        std::fs::write(cache, &bytes).unwrap();
        let engine = open();
        let now = embedded_now(&engine);
        match lost {
            Some(lost) => assert_eq!(now, lost, "{what}: re-embedded"),
            None => assert!(now > 0 && now <= records, "{what}: re-embedded {now}"),
        }
        for query in ["烟花爆竹", "电梯安全", "Who checks elevators?"] {
            let r = engine
                .search(&SearchRequest::new(query).mode(Mode::Semantic))
                .unwrap();
            assert_eq!(r.mode, Mode::Semantic);
            for hit in &r.hits {
                assert!(
                    hit.score.is_finite() && hit.score.abs() <= 1.0 + 1e-4,
                    "{what}: {query}: {} scored {}",
                    hit.id,
                    hit.score
                );
            }
        }
        drop(engine);
        assert_eq!(
            std::fs::metadata(cache).unwrap().len() as usize,
            good.len(),
            "{what}: the file is repaired, not appended to"
        );
        assert_eq!(
            embedded_now(&open()),
            0,
            "{what}: the next start embeds again"
        );
    }
}
