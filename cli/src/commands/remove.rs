//! `qsearch remove NAME…`: take documents out of the corpus.

use std::process::ExitCode;

use clap::Args;
use qsearch::paths::Paths;

#[derive(Debug, Args)]
pub struct RemoveArgs {
    /// Catalogued file names (or a prefix only one of them has), as `qsearch documents` lists them.
    #[arg(required = true, value_name = "NAME")]
    names: Vec<String>,
    /// Keep the file in the seeds directory; only drop its catalog entry.
    #[arg(long)]
    keep_file: bool,
    /// Keyword index only: do not load the model after the rebuild.
    #[arg(long)]
    no_embed: bool,
    #[command(flatten)]
    model: super::search::ModelArg,
}

pub fn run(paths: &Paths, args: &RemoveArgs) -> anyhow::Result<ExitCode> {
    let mut failed = false;
    let mut removed = 0;
    for name in &args.names {
        match qsearch::documents::remove(&paths.seeds, name, args.keep_file) {
            Ok(entry) => {
                removed += 1;
                println!("removed {} ({})", entry.file, entry.issuer);
            }
            Err(e) => {
                eprintln!("qsearch: error: {e}");
                failed = true;
            }
        }
    }
    if removed > 0 {
        super::index::rebuild(paths, !args.no_embed, args.model.name.as_deref())?;
    }
    Ok(if failed {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}
