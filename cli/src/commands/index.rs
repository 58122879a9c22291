//! `qsearch index`: rebuild the index explicitly.

use std::process::ExitCode;
use std::time::Instant;

use qsearch::index::IndexStore;
use qsearch::paths::Paths;

use crate::progress::Bars;

pub fn run(paths: &Paths) -> anyhow::Result<ExitCode> {
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
    Ok(ExitCode::SUCCESS)
}
