//! Search (the default command).

use std::process::ExitCode;

use clap::Args;
use qsearch::paths::Paths;

#[derive(Debug, Clone, Args)]
pub struct SearchArgs {
    /// Question or keywords, e.g. 烟花爆竹 or 谁负责烟花爆竹的质量.
    query: Vec<String>,
}

pub fn run(_paths: &Paths, args: &SearchArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("search is not built yet (query: {})", args.query.join(" "))
}
