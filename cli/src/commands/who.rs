//! `qsearch who QUERY`: who is responsible, with evidence from each bureau.

use std::process::ExitCode;

use clap::Args;
use qsearch::paths::Paths;

use super::search::SearchOptions;

#[derive(Debug, Args)]
pub struct WhoArgs {
    /// What you want to know about, e.g. 烟花爆竹质量 or 电梯困人.
    query: Vec<String>,
    #[command(flatten)]
    options: SearchOptions,
}

pub fn run(paths: &Paths, args: &WhoArgs) -> anyhow::Result<ExitCode> {
    let query = args.query.join(" ");
    let engine = super::open_engine(paths, args.options.mode, args.options.model.name.as_deref())?;
    let response = engine.who(&args.options.request(&query))?;
    super::search::print(&response, args.options.explain, args.options.json)
}
