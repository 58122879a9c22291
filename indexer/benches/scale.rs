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
use qsearch::embed::{ExactIndex, ModelDir, QuantizedIndex, VectorIndex};
use qsearch::engine::EngineOptions;
use qsearch::index::IndexStore;
use qsearch::paths::Paths;
use qsearch::progress::Silent;
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

/// Resets the peak RSS (VmHWM) to the current RSS, so the next reading
/// covers only what follows (Linux ≥ 4.0; ignored elsewhere).
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
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

/// Latency percentiles over `reps` passes of the query list (after one
/// warm-up pass), queries with hits, errors, and the five slowest queries by
/// their median.
fn time_queries(
    engine: &Engine,
    queries: &[String],
    mode: Mode,
    reps: usize,
) -> (Value, usize, usize, Value) {
    let run = |q: &String| engine.search(&SearchRequest::new(q.as_str()).mode(mode).limit(10));
    for q in queries {
        let _ = run(q); // warm-up: page cache, lazy statics
    }
    let mut per_query: Vec<Vec<Duration>> = vec![Vec::with_capacity(reps); queries.len()];
    let (mut with_hits, mut errors) = (0, 0);
    for rep in 0..reps {
        for (i, q) in queries.iter().enumerate() {
            let started = Instant::now();
            let result = run(q);
            per_query[i].push(started.elapsed());
            if rep == 0 {
                match result {
                    Ok(r) if !r.hits.is_empty() => with_hits += 1,
                    Ok(_) => {}
                    Err(_) => errors += 1,
                }
            }
        }
    }
    let mut medians: Vec<(Duration, &String)> = per_query
        .iter_mut()
        .zip(queries)
        .map(|(samples, q)| {
            samples.sort();
            (samples[samples.len() / 2], q)
        })
        .collect();
    medians.sort_by_key(|m| std::cmp::Reverse(m.0));
    let slowest: Vec<Value> = medians
        .iter()
        .take(5)
        .map(|(d, q)| json!({"query": q, "median_ms": ms(*d)}))
        .collect();
    let samples: Vec<Duration> = per_query.into_iter().flatten().collect();
    (
        percentiles(samples),
        with_hits,
        errors,
        Value::Array(slowest),
    )
}

/// Times k-nearest search over `vectors` for every query with the library's
/// two indexes: the exact scan ([`ExactIndex`], `vector_exact`) and the int8
/// scan re-ranked by exact cosine ([`QuantizedIndex`], `vector_int8_rerank`,
/// with its recall@k against the exact scan).
fn vector_search(vectors: &[Vec<f32>], queries: &[Vec<f32>], k: usize) -> Vec<(String, Value)> {
    let dims = vectors.first().map_or(0, Vec::len);
    let exact = ExactIndex::new(dims, vectors);
    let quantized = QuantizedIndex::new(dims, vectors);
    let ids = |index: &dyn VectorIndex, q: &[f32]| -> Vec<usize> {
        index
            .search(q, k, &|_| true)
            .into_iter()
            .map(|(i, _)| i)
            .collect()
    };
    let exact_results: Vec<Vec<usize>> = queries.iter().map(|q| ids(&exact, q)).collect();
    let time = |index: &dyn VectorIndex| -> (Value, f64) {
        for q in queries.iter().take(5) {
            std::hint::black_box(ids(index, q));
        }
        let mut found = 0usize;
        let samples = queries
            .iter()
            .zip(&exact_results)
            .map(|(q, want)| {
                let started = Instant::now();
                let got = std::hint::black_box(ids(index, q));
                let took = started.elapsed();
                found += got.iter().filter(|i| want.contains(i)).count();
                took
            })
            .collect();
        let recall = found as f64 / exact_results.iter().map(Vec::len).sum::<usize>().max(1) as f64;
        (percentiles(samples), round3(recall))
    };
    let (exact_time, _) = time(&exact);
    let (int8_time, int8_recall) = time(&quantized);
    vec![
        ("vector_exact".into(), exact_time),
        ("vector_int8_rerank".into(), int8_time),
        ("vector_int8_rerank_recall".into(), json!(int8_recall)),
        ("vector_bytes_f32".into(), json!(dims * vectors.len() * 4)),
        (
            "vector_bytes_int8".into(),
            json!(quantized.quantized_bytes()),
        ),
    ]
}

/// Where a BM25 request spends its time, per stage (p50/p99 over the query
/// list): query analysis, the tantivy top-10 collection alone, collection plus
/// reading `record_idx` from the doc store (`bm25::search`), and the whole
/// `Engine::search` (which adds snippets, hits and who-answers).
fn bm25_breakdown(engine: &Engine, queries: &[String], reps: usize) -> Value {
    use qsearch::index::Filters;
    use qsearch::search::bm25;
    use tantivy::collector::TopDocs;
    let open = engine.index();
    let reader = open.index.reader().expect("reader");
    let searcher = reader.searcher();
    let mut stages: [Vec<Duration>; 5] = Default::default();
    let mut same_top10 = 0usize;
    let mut compared = 0usize;
    for _ in 0..reps {
        for q in queries {
            let t0 = Instant::now();
            let plan = engine.plan(q);
            let query =
                (!plan.is_empty()).then(|| plan.to_query(&open.fields, &Filters::default(), false));
            let t1 = Instant::now();
            if let Some(query) = &query {
                let top = TopDocs::with_limit(10).order_by_score();
                std::hint::black_box(searcher.search(query.as_ref(), &top).expect("search"));
            }
            let t2 = Instant::now();
            if let Some(query) = &query {
                std::hint::black_box(bm25::search(&searcher, query.as_ref(), 10).expect("search"));
            }
            let t3 = Instant::now();
            let _ = std::hint::black_box(
                engine.search(&SearchRequest::new(q.as_str()).mode(Mode::Bm25).limit(10)),
            );
            let t4 = Instant::now();
            // The same optional terms as one flat disjunction of boosted term
            // queries (what to_query builds inside its single Must clause):
            // tantivy can prune it with block-max WAND.
            let flat = flat_query(&plan, &open.fields);
            let t5 = Instant::now();
            let flat_top = flat.as_ref().map(|f| {
                let top = TopDocs::with_limit(10).order_by_score();
                std::hint::black_box(searcher.search(f.as_ref(), &top).expect("search"))
            });
            let t6 = Instant::now();
            if let (Some(query), Some(flat_top)) = (&query, flat_top) {
                let top = TopDocs::with_limit(10).order_by_score();
                let nested = searcher.search(query.as_ref(), &top).expect("search");
                let ids = |v: &[(f32, tantivy::DocAddress)]| {
                    v.iter().map(|(_, a)| *a).collect::<Vec<_>>()
                };
                compared += 1;
                same_top10 += usize::from(ids(&nested) == ids(&flat_top));
            }
            stages[4].push(t6 - t5);
            stages[0].push(t1 - t0);
            stages[1].push(t2 - t1);
            stages[2].push(t3 - t2);
            stages[3].push(t4 - t3);
        }
    }
    let [analyse, collect, collect_fetch, whole, flat] = stages;
    json!({"analyse": percentiles(analyse), "collect_top10": percentiles(collect),
           "bm25_search_top10": percentiles(collect_fetch), "engine_search": percentiles(whole),
           "collect_top10_flat_query": percentiles(flat),
           "flat_query_same_top10_as_nested": round3(same_top10 as f64 / compared.max(1) as f64)})
}

/// The plan's terms as one Should-only boolean query of boosted term
/// queries (`None` when the plan has phrases). Not score-equivalent to
/// `to_query` (which takes the best sub-word of each group and nests the
/// groups in a Must clause), but tantivy prunes this shape with block-max
/// WAND, so it bounds what a prunable query shape would cost.
fn flat_query(
    plan: &qsearch::search::QueryPlan,
    fields: &qsearch::index::IndexFields,
) -> Option<Box<dyn tantivy::query::Query>> {
    use tantivy::Term;
    use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
    use tantivy::schema::IndexRecordOption;
    if !plan.phrases.is_empty() || plan.groups.is_empty() {
        return None;
    }
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for group in &plan.groups {
        for term in &group.terms {
            for (field, boost) in
                fields.weighted_text_fields(&qsearch::ranking::FieldBoosts::default())
            {
                let q = TermQuery::new(
                    Term::from_field_text(field, term),
                    IndexRecordOption::WithFreqs,
                );
                clauses.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(q), boost * group.weight)),
                ));
            }
        }
    }
    Some(Box::new(BooleanQuery::new(clauses)))
}

/// For each of the slowest queries: its terms and, per term, the share of
/// records whose text or department field holds it (what makes a query
/// expensive: terms in most records must all be scored).
fn slowest_terms(engine: &Engine, slowest: &Value) -> Value {
    let open = engine.index();
    let searcher = open.index.reader().expect("reader").searcher();
    let n = searcher.num_docs().max(1) as f64;
    let queries = slowest.as_array().map(Vec::as_slice).unwrap_or_default();
    let out: Vec<Value> = queries
        .iter()
        .filter_map(|q| q["query"].as_str())
        .map(|q| {
            let plan = engine.plan(q);
            let terms: Vec<Value> = plan
                .terms()
                .into_iter()
                .map(|t| {
                    let df = [open.fields.text, open.fields.department, open.fields.matter]
                        .into_iter()
                        .map(|f| {
                            searcher
                                .doc_freq(&tantivy::Term::from_field_text(f, t))
                                .unwrap_or(0)
                        })
                        .max()
                        .unwrap_or(0);
                    json!([t, round3(df as f64 / n)])
                })
                .collect();
            json!({"query": q, "terms": terms})
        })
        .collect();
    Value::Array(out)
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
    reset_peak_rss();
    let paths = Paths::resolve(
        Some(o.seeds.clone()),
        Some(o.work.clone()),
        Some(o.models.clone()),
    );
    let started = Instant::now();
    let bm25_options = EngineOptions {
        semantic: false,
        model: o.model.clone(),
        fetch_script: None,
        embed_sessions: 1,
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

    let (bm25, with_hits, errors, slowest) = time_queries(&engine, &queries, Mode::Bm25, o.reps);
    out.insert("bm25".into(), bm25);
    out.insert(
        "bm25_slowest_terms".into(),
        slowest_terms(&engine, &slowest),
    );
    out.insert("bm25_slowest".into(), slowest);
    out.insert("bm25_queries_with_hits".into(), json!(with_hits));
    out.insert("bm25_query_errors".into(), json!(errors));
    out.insert(
        "bm25_breakdown".into(),
        bm25_breakdown(&engine, &queries, o.reps),
    );
    out.insert("peak_rss_serving_bm25_mb".into(), json!(peak_rss_mb()));
    let all_records: Vec<Record> = engine.records().to_vec();
    drop(engine);

    // Vector search over one synthetic unit vector per record: the library's
    // ExactIndex, and two candidate replacements measured against it.
    let dims = 384;
    let mut rng = XorShift::new(7);
    let vectors: Vec<Vec<f32>> = (0..all_records.len())
        .map(|_| random_unit(&mut rng, dims))
        .collect();
    let qs: Vec<Vec<f32>> = (0..o.vector_queries)
        .map(|_| random_unit(&mut rng, dims))
        .collect();
    for (name, value) in vector_search(&vectors, &qs, 50) {
        out.insert(name, value);
    }
    drop(vectors);

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
                reset_peak_rss();
                let started = Instant::now();
                let options = EngineOptions {
                    semantic: true,
                    model: o.model.clone(),
                    fetch_script: None,
                    embed_sessions: 1,
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
                    let (hybrid, with_hits, errors, slowest) =
                        time_queries(&engine, &queries, Mode::Hybrid, o.reps.min(3));
                    out.insert("hybrid".into(), hybrid);
                    out.insert("hybrid_slowest".into(), slowest);
                    out.insert("hybrid_queries_with_hits".into(), json!(with_hits));
                    out.insert("hybrid_query_errors".into(), json!(errors));
                    let mut query_vectors = Vec::new();
                    let samples: Vec<Duration> = queries
                        .iter()
                        .map(|q| {
                            let started = Instant::now();
                            let v = semantic.embedder.embed_query(q);
                            let took = started.elapsed();
                            query_vectors.extend(v.ok());
                            took
                        })
                        .collect();
                    out.insert("query_embedding".into(), percentiles(samples));
                    if !o.synthetic_vectors {
                        // The same vector-search comparison on the real record and query vectors.
                        let fingerprint = model.fingerprint();
                        let cache =
                            VectorCache::load(&cache_dir, &fingerprint, model.config.dimensions);
                        let real: Vec<Vec<f32>> = all_records
                            .iter()
                            .filter_map(|r| {
                                cache
                                    .get(&cache::key(&fingerprint, &r.contextual_text()))
                                    .cloned()
                            })
                            .collect();
                        for (name, value) in vector_search(&real, &query_vectors, 50) {
                            out.insert(format!("real_{name}"), value);
                        }
                    }
                }
                out.insert("peak_rss_serving_hybrid_mb".into(), json!(peak_rss_mb()));
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
                    // The same passages in batches of similar length (less padding).
                    let mut by_length = texts.clone();
                    by_length.sort_by_key(|t| t.chars().count());
                    let started = Instant::now();
                    semantic
                        .embedder
                        .embed_passages(&by_length, 16)
                        .expect("embedding works");
                    let sorted_rate = texts.len() as f64 / started.elapsed().as_secs_f64();
                    out.insert("embed_passages_sorted_s".into(), json!(round3(sorted_rate)));
                    out.insert("embed_sample".into(), json!(texts.len()));
                    out.insert("embed_passages_s".into(), json!(round3(rate)));
                    let unique: std::collections::HashSet<String> =
                        all_records.iter().map(Record::contextual_text).collect();
                    out.insert("unique_passages".into(), json!(unique.len()));
                    out.insert(
                        "embed_unique_estimate_s".into(),
                        json!(round3(unique.len() as f64 / sorted_rate.max(rate))),
                    );
                    out.insert(
                        "embed_all_estimate_s".into(),
                        json!(round3(all_records.len() as f64 / rate)),
                    );
                }
                out.insert("peak_rss_after_embedding_mb".into(), json!(peak_rss_mb()));
            }
        }
    }
    out.insert("peak_rss_mb".into(), json!(peak_rss_mb()));
    println!("{}", Value::Object(out));
}
