//! `qsearch records`: the parsed records, for inspection and pipelines.

use std::io::Write;
use std::process::ExitCode;

use clap::Args;
use qsearch::SectionKind;
use qsearch::paths::Paths;

#[derive(Debug, Args)]
pub struct RecordsArgs {
    /// Only records of this seed file (name or prefix, e.g. 000).
    #[arg(long)]
    file: Option<String>,
    /// Only this section kind: duties, boundary, public_service, supervision, accountability.
    #[arg(long)]
    section: Option<SectionKind>,
    /// One JSON object per line.
    #[arg(long)]
    json: bool,
}

pub fn run(paths: &Paths, args: &RecordsArgs) -> anyhow::Result<ExitCode> {
    let corpus = super::load_corpus(paths)?;
    let mut out = std::io::stdout().lock();
    let selected = corpus.records.iter().filter(|r| {
        args.file
            .as_deref()
            .is_none_or(|f| r.source.file.starts_with(f))
            && args.section.is_none_or(|s| r.section == s)
    });
    for record in selected {
        let written = if args.json {
            writeln!(out, "{}", serde_json::to_string(record)?)
        } else {
            writeln!(
                out,
                "{}:{}-{}  [{}] {}  {}",
                record.source.file,
                record.source.line_start,
                record.source.line_end,
                record.section.label(),
                record.matter(),
                record.text().replace('\n', " ")
            )
        };
        if written.is_err() {
            break; // closed pipe (`| head`): stop quietly
        }
    }
    Ok(ExitCode::SUCCESS)
}
