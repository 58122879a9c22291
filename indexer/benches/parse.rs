//! Parse throughput (MB/s): seed bytes → read document → records, per
//! encoding and for the whole corpus. Set `QSEARCH_BENCH_SEEDS` to a
//! `qsearch bench-corpus` directory to measure a larger corpus.
//!
//! `cargo bench -p qsearch-indexer --bench parse`

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use qsearch::Corpus;
use qsearch::catalog::{Catalog, CatalogEntry};
use qsearch::read::{self, Encoding};

fn seeds() -> PathBuf {
    std::env::var_os("QSEARCH_BENCH_SEEDS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../seeds"))
}

fn documents() -> Vec<(CatalogEntry, Vec<u8>)> {
    let catalog = Catalog::load(&seeds()).expect("catalog loads");
    catalog
        .documents
        .iter()
        .map(|e| {
            (
                e.clone(),
                std::fs::read(catalog.path_of(e)).expect("readable"),
            )
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let docs = documents();
    let mut group = c.benchmark_group("parse");
    group.sample_size(20);
    // One document of each encoding: the reader alone (read_document).
    for encoding in [
        Encoding::TabCells,
        Encoding::Tsv,
        Encoding::PdfColumns,
        Encoding::Prose,
    ] {
        let Some((_, bytes)) = docs.iter().find(|(e, _)| e.encoding == Some(encoding)) else {
            continue;
        };
        let text = String::from_utf8_lossy(bytes).into_owned();
        group.throughput(Throughput::Bytes(text.len() as u64));
        let name = format!("read_document/{}", encoding.letter());
        group.bench_function(name, |b| {
            b.iter(|| {
                read::read_document(black_box(&text), encoding)
                    .sections
                    .len()
            })
        });
    }
    // The stages around the readers, over the whole corpus: encoding detection
    // (done for every document, also when declared) and record extraction.
    let texts: Vec<(CatalogEntry, String)> = docs
        .iter()
        .map(|(e, b)| (e.clone(), String::from_utf8_lossy(b).into_owned()))
        .collect();
    let bytes: usize = docs.iter().map(|(_, b)| b.len()).sum();
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("detect_encoding", |b| {
        b.iter(|| {
            texts
                .iter()
                .map(|(_, t)| {
                    read::encoding::detect(&read::numbered_lines(black_box(t))).letter() as u32
                })
                .sum::<u32>()
        })
    });
    let read: Vec<(CatalogEntry, read::ReadDocument)> = texts
        .iter()
        .map(|(e, t)| {
            (
                e.clone(),
                read::read_document(t, e.encoding.unwrap_or(Encoding::Prose)),
            )
        })
        .collect();
    group.bench_function("extract_records", |b| {
        b.iter(|| {
            read.iter()
                .map(|(e, doc)| {
                    qsearch::extract::records(black_box(doc), &e.file, &e.bureau()).len()
                })
                .sum::<usize>()
        })
    });
    // The whole corpus: UTF-8 check, encoding detection, reading and extraction.
    group.bench_function("corpus", |b| {
        b.iter(|| {
            let mut corpus = Corpus::default();
            for (entry, bytes) in &docs {
                corpus.add_document(entry, black_box(bytes));
            }
            corpus.records.len()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
