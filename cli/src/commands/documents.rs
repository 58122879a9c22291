//! `qsearch documents`: the catalogued documents, their formats and what
//! was read from them.

use std::io::Write;
use std::process::ExitCode;

use clap::Args;
use qsearch::paths::Paths;

#[derive(Debug, Args)]
pub struct DocumentsArgs {
    /// One JSON object per line.
    #[arg(long)]
    json: bool,
}

pub fn run(paths: &Paths, args: &DocumentsArgs) -> anyhow::Result<ExitCode> {
    let documents = qsearch::documents::list(&paths.seeds)?;
    let mut out = std::io::stdout().lock();
    if !args.json {
        let _ = writeln!(
            out,
            "{:<36} {:<7} {:>7} {:>8}  {:<10} issuer",
            "file", "format", "records", "warnings", "place"
        );
    }
    for d in &documents {
        let written = if args.json {
            writeln!(out, "{}", serde_json::to_string(d)?)
        } else {
            writeln!(
                out,
                "{:<36} {:<7} {:>7} {:>8}  {:<10} {}",
                d.file, d.format, d.records, d.warnings, d.place, d.issuer
            )
        };
        if written.is_err() {
            break;
        }
    }
    Ok(ExitCode::SUCCESS)
}
