//! `qsearch batch`: many queries, one index load. Reads JSON lines
//! `{"id", "query"}` on stdin, prints one result object per line with `id`.

use std::io::{BufRead, Write};
use std::process::ExitCode;

use clap::Args;
use qsearch::paths::Paths;
use serde::Deserialize;

use super::search::SearchOptions;

#[derive(Debug, Args)]
pub struct BatchArgs {
    #[command(flatten)]
    options: SearchOptions,
}

#[derive(Deserialize)]
struct BatchQuery {
    id: serde_json::Value,
    query: String,
}

pub fn run(paths: &Paths, args: &BatchArgs) -> anyhow::Result<ExitCode> {
    let engine = super::open_engine(paths, args.options.mode, args.options.model.name.as_deref())?;
    let mut out = std::io::stdout().lock();
    let mut failed = false;
    for (n, line) in std::io::stdin().lock().lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let object = match serde_json::from_str::<BatchQuery>(&line) {
            Ok(q) => match engine.search(&args.options.request(&q.query)) {
                Ok(response) => {
                    let mut value = serde_json::to_value(&response)?;
                    value["id"] = q.id;
                    value
                }
                Err(e) => serde_json::json!({"id": q.id, "error": e.to_string()}),
            },
            Err(e) => {
                failed = true;
                eprintln!(
                    "qsearch: stdin line {}: not a {{\"id\", \"query\"}} object: {e}",
                    n + 1
                );
                continue;
            }
        };
        writeln!(out, "{object}")?;
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
