//! `qsearch stats`: records per bureau and section kind.

use std::collections::BTreeMap;
use std::process::ExitCode;

use qsearch::SectionKind;
use qsearch::paths::Paths;

pub fn run(paths: &Paths) -> anyhow::Result<ExitCode> {
    let corpus = super::load_corpus(paths)?;
    let mut counts: BTreeMap<(String, String), BTreeMap<SectionKind, usize>> = BTreeMap::new();
    for r in &corpus.records {
        *counts
            .entry((r.source.file.clone(), r.bureau.name.clone()))
            .or_default()
            .entry(r.section)
            .or_default() += 1;
    }
    print!("{:<28} {:<16}", "file", "bureau");
    for kind in SectionKind::ALL {
        print!(" {:>8}", kind.label());
    }
    println!(" {:>6}", "total");
    for ((file, bureau), by_kind) in &counts {
        print!("{:<28} {:<16}", file, bureau);
        for kind in SectionKind::ALL {
            print!(" {:>12}", by_kind.get(&kind).copied().unwrap_or(0));
        }
        println!(" {:>6}", by_kind.values().sum::<usize>());
    }
    println!(
        "{} records, {} warnings",
        corpus.records.len(),
        corpus.warnings.len()
    );
    Ok(ExitCode::SUCCESS)
}
