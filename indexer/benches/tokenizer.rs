//! Tokenizer throughput over the seed documents (`seeds/*.txt`, concatenated).
//!
//! `cargo bench -p qsearch-indexer --bench tokenizer -- --quick`

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use qsearch::tokenizer::ChineseAnalyzer;

fn seeds() -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../seeds");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|ext| ext == "txt"))
        .collect();
    paths.sort();
    let mut text = String::new();
    for path in paths {
        text.push_str(&std::fs::read_to_string(&path).expect("seed is UTF-8 text"));
        text.push('\n');
    }
    text
}

fn bench(c: &mut Criterion) {
    let text = seeds();
    let analyzer = ChineseAnalyzer::new(std::iter::empty());
    let mut group = c.benchmark_group("tokenizer");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.sample_size(10);
    group.bench_function("tokens/seeds", |b| {
        b.iter(|| analyzer.tokens(black_box(&text)).len())
    });
    group.bench_function("fold/seeds", |b| {
        b.iter(|| qsearch::tokenizer::fold(black_box(&text)).len())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
