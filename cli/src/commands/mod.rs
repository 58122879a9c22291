//! One module per subcommand.

pub mod batch;
pub mod eval;
pub mod index;
pub mod records;
pub mod search;
pub mod stats;

use qsearch::paths::Paths;
use qsearch::{Corpus, Engine};

use crate::progress::Bars;

/// Loads the corpus and prints its warnings to stderr (they never stop the run).
pub fn load_corpus(paths: &Paths) -> anyhow::Result<Corpus> {
    let corpus = Corpus::load(&paths.seeds)?;
    for w in &corpus.warnings {
        eprintln!("qsearch: warning: {w}");
    }
    Ok(corpus)
}

/// Opens the engine, building the index on first use.
pub fn open_engine(paths: &Paths) -> anyhow::Result<Engine> {
    Ok(Engine::open(paths, &Bars::default())?)
}
