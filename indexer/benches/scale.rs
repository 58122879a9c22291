//! Cost of every stage at one corpus size, as one JSON line: parse and
//! tokenizer throughput, index build and size, BM25 / hybrid query latency
//! percentiles, embedding throughput, exact vector search over synthetic
//! vectors, peak RSS. `scripts/bench-scale.sh` runs it at 1×, 10× and 100×.
//!
//! ```text
//! cargo bench -p qsearch-indexer --bench scale -- --seeds DIR --work DIR \
//!     [--queries FILE] [--reps 5] [--rebuild] [--hybrid] [--synthetic-vectors] \
//!     [--embed-sample 256] [--vector-queries 200] [--model me5-small] [--models DIR]
//! ```
//!
//! A plain program (`harness = false`, no criterion): criterion reports
//! means, and the targets are about p50/p99 over a query list.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use qsearch::bench_corpus::XorShift;
use qsearch::catalog::Catalog;
use qsearch::embed::cache::{self, VectorCache};
use qsearch::embed::provision;
use qsearch::embed::{ExactIndex, ModelDir, VectorIndex};
use qsearch::index::IndexStore;
use qsearch::paths::Paths;
use qsearch::progress::Silent;
use qsearch::search::EngineOptions;
use qsearch::tokenizer::ChineseAnalyzer;
use qsearch::{Corpus, Engine, Mode, Record, SearchRequest};
use serde_json::{Value, json};

struct Options {
    seeds: PathBuf,
    work: PathBuf,
    queries: PathBuf,
    models: PathBuf,
    model: String,
    reps: usize,
    rebuild: bool,
    hybrid: bool,
    synthetic_vectors: bool,
    embed_sample: usize,
    vector_queries: usize,
}

fn project() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn options() -> Options {
    let mut o = Options {
        seeds: project().join("seeds"),
        work: std::env::temp_dir().join("qsearch-scale"),
        queries: Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/queries.txt"),
        models: project().join("data/models"),
        model: qsearch::embed::DEFAULT_MODEL.to_string(),
        reps: 5,
        rebuild: false,
        hybrid: false,
        synthetic_vectors: false,
        embed_sample: 0,
        vector_queries: 200,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| panic!("{arg} needs a value"));
        match arg.as_str() {
            "--seeds" => o.seeds = value().into(),
            "--work" => o.work = value().into(),
            "--queries" => o.queries = value().into(),
            "--models" => o.models = value().into(),
            "--model" => o.model = value(),
            "--reps" => o.reps = value().parse().expect("--reps N"),
            "--embed-sample" => o.embed_sample = value().parse().expect("--embed-sample N"),
            "--vector-queries" => o.vector_queries = value().parse().expect("--vector-queries N"),
            "--rebuild" => o.rebuild = true,
            "--hybrid" => o.hybrid = true,
            "--synthetic-vectors" => o.synthetic_vectors = true,
            // `cargo bench` passes --bench to every bench binary.
            "--bench" => {}
            other => eprintln!("scale: ignoring argument {other}"),
        }
    }
    o
}

/// Queries of a query file: non-empty lines not starting with `#`.
fn read_queries(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// p50/p90/p99/max/mean in milliseconds.
fn percentiles(mut samples: Vec<Duration>) -> Value {
    if samples.is_empty() {
        return Value::Null;
    }
    samples.sort();
    let at = |q: f64| {
        let i = ((q * samples.len() as f64).ceil() as usize).clamp(1, samples.len()) - 1;
        ms(samples[i])
    };
    let mean = samples.iter().sum::<Duration>().as_secs_f64() * 1e3 / samples.len() as f64;
    json!({"n": samples.len(), "p50_ms": at(0.5), "p90_ms": at(0.9), "p99_ms": at(0.99),
           "max_ms": ms(*samples.last().expect("non-empty")), "mean_ms": round3(mean)})
}

fn ms(d: Duration) -> f64 {
    round3(d.as_secs_f64() * 1e3)
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Peak resident set size of this process so far, in MB.
fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| round3(kb / 1024.0))
}

fn dir_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| match e.metadata() {
                    Ok(m) if m.is_dir() => dir_size(&e.path()),
                    Ok(m) => m.len(),
                    Err(_) => 0,
                })
                .sum()
        })
        .unwrap_or(0)
}

/// The catalogued documents of a seeds directory, read into memory.
fn documents(seeds: &Path) -> Vec<(qsearch::catalog::CatalogEntry, Vec<u8>)> {
    let catalog = Catalog::load(seeds).expect("catalog loads");
    catalog
        .documents
        .iter()
        .map(|e| {
            (
                e.clone(),
                std::fs::read(catalog.path_of(e)).expect("document readable"),
            )
        })
        .collect()
}

fn model_available(o: &Options) -> Result<ModelDir, String> {
    let dir = provision::model_path(&o.models, &o.model);
    let model = ModelDir::open(&dir).map_err(|e| e.to_string())?;
    provision::runtime_library(&o.models)
        .ok_or_else(|| format!("no ONNX Runtime under {}", o.models.display()))?;
    Ok(model)
}

fn random_unit(rng: &mut XorShift, dims: usize) -> Vec<f32> {
    let mut v: Vec<f32> = (0..dims)
        .map(|_| (rng.next_u64() >> 40) as f32 / (1u64 << 24) as f32 - 0.5)
        .collect();
    qsearch::embed::embedder::normalize(&mut v);
    v
}

/// Fills the vector cache with random unit vectors for every record it
/// lacks, so a hybrid engine opens without embedding the whole corpus.
fn fill_synthetic_vectors(records: &[Record], model: &ModelDir, cache_dir: &Path) -> usize {
    let fingerprint = model.fingerprint();
    let dims = model.config.dimensions;
    let mut cache = VectorCache::load(cache_dir, &fingerprint, dims);
    let mut rng = XorShift::new(42);
    let mut seen = std::collections::HashSet::new();
    let missing: Vec<(cache::Key, Vec<f32>)> = records
        .iter()
        .map(|r| cache::key(&fingerprint, &r.contextual_text()))
        .filter(|k| cache.get(k).is_none() && seen.insert(*k))
        .map(|k| (k, random_unit(&mut rng, dims)))
        .collect();
    let n = missing.len();
    cache.insert_all(missing).expect("vector cache writable");
    n
}

fn time_queries(
    engine: &Engine,
    queries: &[String],
    mode: Mode,
    reps: usize,
) -> (Value, usize, usize) {
    let run = |q: &String| engine.search(&SearchRequest::new(q.as_str()).mode(mode).limit(10));
    for q in queries {
        let _ = run(q); // warm-up: page cache, lazy statics
    }
    let mut samples = Vec::with_capacity(queries.len() * reps);
    let (mut with_hits, mut errors) = (0, 0);
    for rep in 0..reps {
        for q in queries {
            let started = Instant::now();
            let result = run(q);
            samples.push(started.elapsed());
            if rep == 0 {
                match result {
                    Ok(r) if !r.hits.is_empty() => with_hits += 1,
                    Ok(_) => {}
                    Err(_) => errors += 1,
                }
            }
        }
    }
    (percentiles(samples), with_hits, errors)
}

fn main() {
    let o = options();
    std::fs::create_dir_all(&o.work).expect("work dir");
    let queries = read_queries(&o.queries);
    let mut out = serde_json::Map::new();
    out.insert("seeds".into(), json!(o.seeds.display().to_string()));
    out.insert("queries".into(), json!(queries.len()));

    // Parse: bytes in memory → records, the reader and extraction only.
    let docs = documents(&o.seeds);
    let bytes: usize = docs.iter().map(|(_, b)| b.len()).sum();
    let parse_reps = if bytes > 20_000_000 { 1 } else { 3 };
    let mut best = Duration::MAX;
    let mut records = 0;
    for _ in 0..parse_reps {
        let started = Instant::now();
        let mut corpus = Corpus::default();
        for (entry, b) in &docs {
            corpus.add_document(entry, b);
        }
        best = best.min(started.elapsed());
        records = corpus.records.len();
    }
    out.insert("documents".into(), json!(docs.len()));
    out.insert("bytes".into(), json!(bytes));
    out.insert("records".into(), json!(records));
    out.insert("parse_s".into(), json!(round3(best.as_secs_f64())));
    out.insert(
        "parse_mb_s".into(),
        json!(round3(bytes as f64 / 1e6 / best.as_secs_f64())),
    );

    // Tokenizer throughput over the same text.
    let text: String = docs
        .iter()
        .map(|(_, b)| String::from_utf8_lossy(b))
        .collect();
    let analyzer = ChineseAnalyzer::new(std::iter::empty());
    let started = Instant::now();
    let tokens = analyzer.tokens(&text).len();
    let took = started.elapsed();
    out.insert("tokens".into(), json!(tokens));
    out.insert(
        "tokenize_mb_s".into(),
        json!(round3(text.len() as f64 / 1e6 / took.as_secs_f64())),
    );
    drop(text);
    drop(docs);

    // In-process rebuild (parse + BM25 index + records.jsonl) into its own root.
    if o.rebuild {
        let root = o.work.join("rebuild-index");
        let started = Instant::now();
        IndexStore::new(&root)
            .build(&o.seeds, &Silent)
            .expect("index builds");
        out.insert(
            "build_in_process_s".into(),
            json!(round3(started.elapsed().as_secs_f64())),
        );
        let _ = std::fs::remove_dir_all(&root);
    }

    // Open (building when the CLI has not) and measure the index on disk.
    let paths = Paths::resolve(
        Some(o.seeds.clone()),
        Some(o.work.clone()),
        Some(o.models.clone()),
    );
    let started = Instant::now();
    let bm25_options = EngineOptions {
        semantic: false,
        model: o.model.clone(),
    };
    let engine = Engine::open_with(&paths, &bm25_options, &Silent).expect("engine opens");
    out.insert(
        "open_bm25_s".into(),
        json!(round3(started.elapsed().as_secs_f64())),
    );
    let generation = engine.index().generation.dir.clone();
    let records_file = std::fs::metadata(generation.join("records.jsonl")).map_or(0, |m| m.len());
    let total = dir_size(&generation);
    out.insert("index_bytes".into(), json!(total));
    out.insert(
        "index_tantivy_bytes".into(),
        json!(total.saturating_sub(records_file)),
    );
    out.insert("index_records_jsonl_bytes".into(), json!(records_file));

    let (bm25, with_hits, errors) = time_queries(&engine, &queries, Mode::Bm25, o.reps);
    out.insert("bm25".into(), bm25);
    out.insert("bm25_queries_with_hits".into(), json!(with_hits));
    out.insert("bm25_query_errors".into(), json!(errors));
    out.insert("peak_rss_bm25_mb".into(), json!(peak_rss_mb()));
    let all_records: Vec<Record> = engine.records().to_vec();
    drop(engine);

    // Exact cosine over one synthetic unit vector per record (the library's ExactIndex).
    let dims = 384;
    let mut rng = XorShift::new(7);
    let vectors: Vec<Vec<f32>> = (0..all_records.len())
        .map(|_| random_unit(&mut rng, dims))
        .collect();
    let index = ExactIndex::new(dims, &vectors);
    drop(vectors);
    let qs: Vec<Vec<f32>> = (0..o.vector_queries)
        .map(|_| random_unit(&mut rng, dims))
        .collect();
    for q in qs.iter().take(10) {
        std::hint::black_box(index.search(q, 50, &|_| true));
    }
    let samples: Vec<Duration> = qs
        .iter()
        .map(|q| {
            let started = Instant::now();
            std::hint::black_box(index.search(q, 50, &|_| true));
            started.elapsed()
        })
        .collect();
    out.insert("vector_exact".into(), percentiles(samples));
    drop(index);

    if o.hybrid || o.embed_sample > 0 {
        match model_available(&o) {
            Err(e) => {
                eprintln!(
                    "scale: model {} unavailable ({e}); skipping hybrid and embedding",
                    o.model
                );
                out.insert("hybrid_skipped".into(), json!(e));
            }
            Ok(model) => {
                let cache_dir = paths.data.join("embeddings");
                if o.synthetic_vectors {
                    let n = fill_synthetic_vectors(&all_records, &model, &cache_dir);
                    out.insert("synthetic_vectors".into(), json!(n));
                }
                let started = Instant::now();
                let options = EngineOptions {
                    semantic: true,
                    model: o.model.clone(),
                };
                let engine = Engine::open_with(&paths, &options, &Silent).expect("engine opens");
                let open = started.elapsed();
                out.insert("open_hybrid_s".into(), json!(round3(open.as_secs_f64())));
                let semantic = engine.semantic().expect("model loads");
                out.insert("model".into(), json!(semantic.model_name()));
                out.insert("embedded_at_open".into(), json!(semantic.embedded_now));
                if semantic.embedded_now > 0 {
                    out.insert(
                        "embed_at_open_passages_s".into(),
                        json!(round3(semantic.embedded_now as f64 / open.as_secs_f64())),
                    );
                }
                if o.hybrid {
                    let (hybrid, with_hits, errors) =
                        time_queries(&engine, &queries, Mode::Hybrid, o.reps.min(3));
                    out.insert("hybrid".into(), hybrid);
                    out.insert("hybrid_queries_with_hits".into(), json!(with_hits));
                    out.insert("hybrid_query_errors".into(), json!(errors));
                    let samples: Vec<Duration> = queries
                        .iter()
                        .map(|q| {
                            let started = Instant::now();
                            let _ = semantic.embedder.embed_query(q);
                            started.elapsed()
                        })
                        .collect();
                    out.insert("query_embedding".into(), percentiles(samples));
                }
                if let Some(step) = all_records.len().checked_div(o.embed_sample) {
                    // Every k-th record, so the sample spans all sections and lengths.
                    let step = step.max(1);
                    let texts: Vec<String> = all_records
                        .iter()
                        .step_by(step)
                        .take(o.embed_sample)
                        .map(Record::contextual_text)
                        .collect();
                    let started = Instant::now();
                    semantic
                        .embedder
                        .embed_passages(&texts, 16)
                        .expect("embedding works");
                    let took = started.elapsed().as_secs_f64();
                    let rate = texts.len() as f64 / took;
                    out.insert("embed_sample".into(), json!(texts.len()));
                    out.insert("embed_passages_s".into(), json!(round3(rate)));
                    out.insert(
                        "embed_all_estimate_s".into(),
                        json!(round3(all_records.len() as f64 / rate)),
                    );
                }
                out.insert("peak_rss_hybrid_mb".into(), json!(peak_rss_mb()));
            }
        }
    }
    out.insert("peak_rss_mb".into(), json!(peak_rss_mb()));
    println!("{}", Value::Object(out));
}
