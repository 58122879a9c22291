//! Embedding throughput of the Rust embedder on a passages file (one passage
//! per line), for comparison with `scripts/embed_python.py` on the same file,
//! model and thread count. With `--dump FILE` it first writes the corpus's
//! passages (as they are embedded at index time), sorted by length.
//!
//! cargo run --release -p qsearch-indexer --example embed_throughput -- [--dump FILE] FILE

use std::time::Instant;

use qsearch::embed::{Embedder, provision};
use qsearch::paths::Paths;
use qsearch::progress::Silent;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let paths = Paths::resolve(None, None, None);
    if args.first().map(String::as_str) == Some("--dump") {
        let out = args.get(1).ok_or("--dump needs a file")?.clone();
        let corpus = qsearch::Corpus::load(&paths.seeds)?;
        let mut passages: Vec<String> = corpus
            .records
            .iter()
            .map(|r| r.contextual_text().replace('\n', " "))
            .collect();
        passages.sort_by_key(|p| p.chars().count());
        std::fs::write(&out, passages.join("\n") + "\n")?;
        args.drain(..2);
    }
    let file = args
        .first()
        .ok_or("usage: embed_throughput [--dump FILE] FILE")?;
    let passages: Vec<String> = std::fs::read_to_string(file)?
        .lines()
        .map(str::to_string)
        .collect();
    let model =
        std::env::var("QSEARCH_MODEL").unwrap_or_else(|_| qsearch::embed::DEFAULT_MODEL.into());
    let (dir, runtime) = provision::ensure_model(&paths.models, &model, None, &Silent)?;
    let started = Instant::now();
    let embedder = Embedder::load(&dir, &runtime, 1)?;
    let load = started.elapsed();
    let started = Instant::now();
    let vectors = embedder.embed_passages(&passages, 16)?;
    let secs = started.elapsed().as_secs_f64();
    let query_started = Instant::now();
    for _ in 0..20 {
        embedder.embed_query("谁负责烟花爆竹的质量监督")?;
    }
    let per_query = query_started.elapsed().as_secs_f64() / 20.0;
    println!(
        "{{\"model\": \"{}\", \"passages\": {}, \"seconds\": {secs:.2}, \"passages_per_second\": {:.1}, \"load_seconds\": {:.2}, \"query_ms\": {:.1}}}",
        embedder.config.name,
        vectors.len(),
        vectors.len() as f64 / secs,
        load.as_secs_f64(),
        per_query * 1000.0
    );
    Ok(())
}
