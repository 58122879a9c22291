//! `qsearch bench-corpus N --out DIR`: a synthetic N× corpus for benchmarks
//! (see `qsearch::bench_corpus` and docs/PERFORMANCE.md).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Args;
use qsearch::bench_corpus::{self, DEFAULT_SEED};
use qsearch::paths::Paths;

#[derive(Debug, Args)]
pub struct BenchCorpusArgs {
    /// How many times the seeds: 1 writes the seeds themselves, 100 ≈ 35 MB.
    n: usize,
    /// Directory to write the documents and catalog.toml into (new, empty, or
    /// written by an earlier bench-corpus run).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Generator seed; the same seed writes the same bytes.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    seed: u64,
}

pub fn run(paths: &Paths, args: &BenchCorpusArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let report = bench_corpus::generate(&paths.seeds, args.n, &args.out, args.seed)?;
    eprintln!(
        "qsearch: wrote {} documents ({:.1} MB; {} shuffled, {} kept unshuffled) to {} in {:.2?}",
        report.documents,
        report.bytes as f64 / 1e6,
        report.shuffled,
        report.shuffle_rejected,
        args.out.display(),
        started.elapsed()
    );
    Ok(ExitCode::SUCCESS)
}
