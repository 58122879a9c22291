//! `qsearch compare [MATTER]`: one matter side by side across bureaus, or
//! the list of matters when no matter is given.

use std::process::ExitCode;

use clap::Args;
use qsearch::compare::{self, Comparison};
use qsearch::paths::Paths;
use qsearch::{Engine, Mode};

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Matter, e.g. 烟花爆竹 or 危险化学品; omit to list all matters.
    matter: Vec<String>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(paths: &Paths, args: &CompareArgs) -> anyhow::Result<ExitCode> {
    let engine: Engine = super::open_engine(paths, Mode::Bm25, None)?;
    let matter = args.matter.join(" ");
    if matter.trim().is_empty() {
        let groups = engine.matters();
        if args.json {
            println!("{}", serde_json::to_string(&groups)?);
        } else {
            for g in &groups {
                let places: Vec<String> = g
                    .bureaus
                    .iter()
                    .map(|b| format!("{}:{}", b.place, b.matter))
                    .collect();
                println!("{}  —  {}", g.matter, places.join(", "));
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    // Names and synonyms need no model; load it only to match by meaning.
    let comparison = match engine.compare(&matter) {
        Ok(c) => c,
        Err(_) => {
            drop(engine);
            let engine = super::open_engine(paths, Mode::Hybrid, None)?;
            engine.compare(&matter)?
        }
    };
    if args.json {
        println!("{}", serde_json::to_string(&comparison)?);
    } else {
        print_table(&comparison);
    }
    Ok(ExitCode::SUCCESS)
}

fn print_table(c: &Comparison) {
    let header: Vec<String> = c
        .bureaus
        .iter()
        .map(|b| format!("{}:{}", b.place, b.matter))
        .collect();
    match c.matched_by {
        compare::MatchedBy::Name => {}
        compare::MatchedBy::Synonym => println!("（按同义词匹配 matched by synonym: {}）", c.query),
        compare::MatchedBy::Meaning => println!("（按语义匹配 matched by meaning: {}）", c.query),
    }
    println!("{}", header.join(" | "));
    if !c.missing_in.is_empty() {
        println!("无此事项 (no such matter): {}", c.missing_in.join(", "));
    }
    for row in &c.rows {
        let mark = if row.differs { "≠" } else { "=" };
        let name = if row.current_name != row.department {
            format!("{} (今 {})", row.department, row.current_name)
        } else {
            row.department.clone()
        };
        println!("\n{mark} {name}");
        for (bureau, cell) in c.bureaus.iter().zip(&row.cells) {
            match cell {
                Some(cell) => println!(
                    "    {}: {}  [{}:{}-{}]",
                    bureau.place, cell.duty, cell.file, cell.line_start, cell.line_end
                ),
                None => println!("    {}: —", bureau.place),
            }
        }
    }
}
