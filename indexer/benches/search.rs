//! Query latency over the benchmark query list (`benches/queries.txt`, ≥ 200
//! queries): BM25, hybrid (query embedding included), and embedding
//! throughput. Hybrid and embedding need the model under `data/models`
//! (`scripts/fetch-model.sh`); without it they are skipped with a message.
//! p50/p99 come from `benches/scale.rs`; criterion reports the mean per
//! query (throughput in queries/s).
//!
//! `cargo bench -p qsearch-indexer --bench search`

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use qsearch::embed::{DEFAULT_MODEL, ModelDir, provision};
use qsearch::engine::EngineOptions;
use qsearch::paths::Paths;
use qsearch::progress::Silent;
use qsearch::{Engine, Mode, Record, SearchRequest};

fn project() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn queries() -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/queries.txt");
    std::fs::read_to_string(&path)
        .expect("benches/queries.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// A private data dir (index, vector cache) in `target/`, reused across runs.
fn paths() -> Paths {
    let seeds = std::env::var_os("QSEARCH_BENCH_SEEDS")
        .map(PathBuf::from)
        .unwrap_or_else(|| project().join("seeds"));
    let data = project().join("target/bench-data/search");
    Paths::resolve(Some(seeds), Some(data), Some(project().join("data/models")))
}

fn model_ready(paths: &Paths) -> Result<(), String> {
    ModelDir::open(&provision::model_path(&paths.models, DEFAULT_MODEL))
        .map_err(|e| e.to_string())?;
    provision::runtime_library(&paths.models)
        .map(|_| ())
        .ok_or_else(|| "no ONNX Runtime".to_string())
}

fn run_all(engine: &Engine, queries: &[String], mode: Mode) -> usize {
    queries
        .iter()
        .map(|q| {
            engine
                .search(&SearchRequest::new(q.as_str()).mode(mode).limit(10))
                .map_or(0, |r| r.hits.len())
        })
        .sum()
}

fn bench(c: &mut Criterion) {
    let queries = queries();
    let paths = paths();
    let bm25 = Engine::open_with(
        &paths,
        &EngineOptions {
            semantic: false,
            model: DEFAULT_MODEL.into(),
            fetch_script: None,
            embed_sessions: 1,
        },
        &Silent,
    )
    .expect("engine opens");
    let mut group = c.benchmark_group("search");
    group.sample_size(20);
    group.throughput(Throughput::Elements(queries.len() as u64));
    group.bench_function("bm25/queries", |b| {
        b.iter(|| run_all(&bm25, black_box(&queries), Mode::Bm25))
    });
    drop(bm25);
    match model_ready(&paths) {
        Err(e) => eprintln!(
            "search bench: model {DEFAULT_MODEL} unavailable ({e}); skipping hybrid and embedding benches"
        ),
        Ok(()) => {
            let engine = Engine::open_with(
                &paths,
                &EngineOptions {
                    semantic: true,
                    model: DEFAULT_MODEL.into(),
                    fetch_script: None,
                    embed_sessions: 1,
                },
                &Silent,
            )
            .expect("engine opens");
            group.sample_size(10);
            group.bench_function("hybrid/queries", |b| {
                b.iter(|| run_all(&engine, black_box(&queries), Mode::Hybrid))
            });
            let semantic = engine.semantic().expect("model loaded");
            group.bench_function("embed/query", |b| {
                b.iter(|| {
                    queries
                        .iter()
                        .map(|q| semantic.embedder.embed_query(q).map_or(0, |v| v.len()))
                        .sum::<usize>()
                })
            });
            let passages: Vec<String> = engine
                .records()
                .iter()
                .step_by(14)
                .take(64)
                .map(Record::contextual_text)
                .collect();
            group.throughput(Throughput::Elements(passages.len() as u64));
            group.bench_function("embed/passages", |b| {
                b.iter(|| {
                    semantic
                        .embedder
                        .embed_passages(black_box(&passages), 16)
                        .expect("embeds")
                        .len()
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
