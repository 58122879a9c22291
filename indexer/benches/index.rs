//! BM25 index build time: parse + tantivy index + record list of a seeds
//! directory into a fresh generation (what `qsearch index --no-embed` does).
//! Set `QSEARCH_BENCH_SEEDS` to a `qsearch bench-corpus` directory to
//! measure a larger corpus.
//!
//! `cargo bench -p qsearch-indexer --bench index`

use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use qsearch::index::IndexStore;
use qsearch::progress::Silent;

fn seeds() -> PathBuf {
    std::env::var_os("QSEARCH_BENCH_SEEDS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../seeds"))
}

fn bench(c: &mut Criterion) {
    let seeds = seeds();
    let bytes: u64 = std::fs::read_dir(&seeds)
        .expect("seeds dir")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".txt"))
        .filter_map(|e| e.metadata().ok())
        .map(|m| m.len())
        .sum();
    let dir = tempfile::tempdir().expect("temp dir");
    let store = IndexStore::new(dir.path().join("index"));
    let mut group = c.benchmark_group("index");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(bytes));
    group.bench_function("bm25_build", |b| {
        b.iter(|| {
            store
                .build(&seeds, &Silent)
                .expect("index builds")
                .manifest
                .record_count
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
