//! One module per subcommand.

pub mod records;
pub mod search;
pub mod stats;

use qsearch::Corpus;
use qsearch::paths::Paths;

/// Loads the corpus and prints its warnings to stderr (they never stop the run).
pub fn load_corpus(paths: &Paths) -> anyhow::Result<Corpus> {
    let corpus = Corpus::load(&paths.seeds)?;
    for w in &corpus.warnings {
        eprintln!("qsearch: warning: {w}");
    }
    Ok(corpus)
}
