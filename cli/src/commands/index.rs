//! `qsearch index`: rebuild the index explicitly.

use std::process::ExitCode;
use std::time::Instant;

use clap::Args;
use qsearch::index::IndexStore;
use qsearch::paths::Paths;

use crate::progress::Bars;

#[derive(Debug, Args)]
pub struct IndexArgs {
    /// Keyword index only: skip the embedding vectors.
    #[arg(long)]
    no_embed: bool,
    #[command(flatten)]
    model: super::search::ModelArg,
}

pub fn run(paths: &Paths, args: &IndexArgs) -> anyhow::Result<ExitCode> {
    rebuild(paths, !args.no_embed, args.model.name.as_deref())?;
    Ok(ExitCode::SUCCESS)
}

/// Builds the index of the seeds as they are now (reusing a current one)
/// and, with `embed`, the vectors of passages not in the cache yet.
pub fn rebuild(paths: &Paths, embed: bool, model: Option<&str>) -> anyhow::Result<()> {
    let started = Instant::now();
    let store = IndexStore::new(paths.index_root());
    let generation = store.build(&paths.seeds, &Bars::default())?;
    for w in &generation.manifest.warnings {
        eprintln!("qsearch: warning: {w}");
    }
    eprintln!(
        "qsearch: indexed {} records from {} in {:.2?} → {}",
        generation.manifest.record_count,
        paths.seeds.display(),
        started.elapsed(),
        generation.dir.display()
    );
    if embed {
        let started = Instant::now();
        let mut options = super::engine_options();
        if let Some(model) = model {
            options.model = model.to_string();
        }
        let engine = qsearch::Engine::open_with(paths, &options, &Bars::default())?;
        match engine.semantic() {
            Some(s) => eprintln!(
                "qsearch: vectors for {} records with {} ready in {:.2?} ({} embedded now, the rest from the cache)",
                engine.records().len(),
                s.model_name(),
                started.elapsed(),
                s.embedded_now
            ),
            None => engine
                .health()
                .notices
                .iter()
                .for_each(|n| eprintln!("qsearch: {n}")),
        }
    }
    Ok(())
}
