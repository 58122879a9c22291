//! One module per subcommand.

pub mod add;
pub mod batch;
pub mod bench_corpus;
pub mod compare;
pub mod documents;
pub mod eval;
pub mod index;
pub mod laws;
pub mod model;
pub mod records;
pub mod remove;
pub mod search;
pub mod serve;
pub mod stats;
pub mod who;

use qsearch::engine::EngineOptions;
use qsearch::paths::Paths;
use qsearch::{Corpus, Engine, Mode};

use crate::progress::Bars;

/// Loads the corpus and prints its warnings to stderr (they never stop the run).
pub fn load_corpus(paths: &Paths) -> anyhow::Result<Corpus> {
    let corpus = Corpus::load(&paths.seeds)?;
    for w in &corpus.warnings {
        eprintln!("qsearch: warning: {w}");
    }
    Ok(corpus)
}

/// Opens the engine, building the index on first use; the embedding model is
/// loaded only when the mode needs it.
pub fn open_engine(paths: &Paths, mode: Mode, model: Option<&str>) -> anyhow::Result<Engine> {
    let mut options = engine_options();
    options.semantic = mode != Mode::Bm25;
    if let Some(model) = model {
        options.model = model.to_string();
    }
    Ok(Engine::open_with(paths, &options, &Bars::default())?)
}

/// Engine options of the CLI: unlike the library's defaults, a missing
/// model is provisioned on first use by the project's fetch script (the
/// README's one-command set-up).
pub fn engine_options() -> EngineOptions {
    EngineOptions {
        fetch_script: Some(qsearch::embed::provision::fetch_script()),
        ..EngineOptions::default()
    }
}
