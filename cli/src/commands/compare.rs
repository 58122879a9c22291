//! `qsearch compare [TEXT]`: any clause or topic side by side across
//! bureaus — per bureau the best passages of every section with their
//! citations and numbers, differences marked, the bureaus with nothing named
//! — and, when the text names a boundary matter, that matter's departments
//! table first. `--matter` compares a boundary matter only (by meaning too);
//! no text lists the matters.

use std::process::ExitCode;

use clap::Args;
use owo_colors::{OwoColorize, Stream};
use qsearch::compare::clause::ClauseComparison;
use qsearch::compare::{self, Comparison};
use qsearch::paths::Paths;
use qsearch::{Engine, Mode};

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Clause or topic, e.g. 特种设备, "检验检测机构 监督检查" or 烟花爆竹; omit to list the boundary matters.
    text: Vec<String>,
    /// Only the boundary matter's departments table (matched by name, synonym, then meaning).
    #[arg(long)]
    matter: bool,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(paths: &Paths, args: &CompareArgs) -> anyhow::Result<ExitCode> {
    let matter = args.text.join(" ");
    // A clause is matched by meaning too (检验机构 for 检验检测机构), so it
    // loads the model; listing matters and matching names need none.
    let clause = !args.matter && !matter.trim().is_empty();
    let mode = if clause { Mode::Hybrid } else { Mode::Bm25 };
    let engine: Engine = super::open_engine(paths, mode, None)?;
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
    if clause {
        let clause = engine.compare_text(&matter)?;
        if args.json {
            println!("{}", serde_json::to_string(&clause)?);
        } else {
            if let Some(table) = &clause.matter {
                print_table(table);
                println!();
            }
            print_clause(&clause);
        }
        let nothing = clause.rows.is_empty() && clause.matter.is_none();
        return Ok(if nothing {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        });
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

/// The clause view: one block per section, one entry per bureau with its
/// passages, numbers and citations; `≠` marks what differs.
fn print_clause(c: &ClauseComparison) {
    let title = format!(
        "条款比较 clause compare: {}  (按 {} 匹配)",
        c.query,
        c.concepts.join("、")
    );
    println!("{}", title.if_supports_color(Stream::Stdout, |s| s.bold()));
    if c.missing_in.len() == c.bureaus.len() {
        println!(
            "各清单均无相关内容 (no list has anything on it): {}",
            c.missing_in.join(", ")
        );
        return;
    }
    if !c.missing_in.is_empty() {
        println!("无相关内容 (nothing on it): {}", c.missing_in.join(", "));
    }
    for row in &c.rows {
        let differs: Vec<&str> = row.differences.iter().map(|d| d.aspect.label()).collect();
        let mark = if differs.is_empty() {
            String::new()
        } else {
            format!("  ≠ {}", differs.join("、"))
        };
        println!("\n【{}】{mark}", row.label);
        for (bureau, cell) in c.bureaus.iter().zip(&row.cells) {
            if cell.passages.is_empty() {
                let why = if cell.has_section {
                    "无"
                } else {
                    "无此章节"
                };
                println!("  {}: — ({why})", bureau.place);
                continue;
            }
            let mark = if cell.differs { "≠ " } else { "" };
            for (n, p) in cell.passages.iter().enumerate() {
                let head = if n == 0 {
                    format!("{mark}{}:", bureau.place)
                } else {
                    " ".repeat(bureau.place.chars().count() * 2 + 1)
                };
                let text: String = p.text.chars().take(90).collect();
                let more = if text.len() < p.text.len() { "…" } else { "" };
                let dept = p
                    .department
                    .as_deref()
                    .map(|d| format!("[{d}] "))
                    .unwrap_or_default();
                let matter: String = p.matter.chars().take(24).collect();
                let cut = if matter.len() < p.matter.len() {
                    "…"
                } else {
                    ""
                };
                let added = p
                    .added_for
                    .map(|a| format!("（同一制度中的{}）", a.label()))
                    .unwrap_or_default();
                println!("  {head} {added}{dept}{matter}{cut}：{text}{more}");
                println!(
                    "      [{}:{}-{} {}]",
                    p.file, p.line_start, p.line_end, p.record_id
                );
                if !p.quantities.is_empty() {
                    let numbers: Vec<String> = p
                        .quantities
                        .iter()
                        .map(|q| {
                            let s = format!("{} {}（{}）", q.kind.label(), q.normalised, q.text);
                            if q.differs {
                                format!("≠{s}")
                                    .if_supports_color(Stream::Stdout, |s| s.yellow())
                                    .to_string()
                            } else {
                                s
                            }
                        })
                        .collect();
                    println!("      数字: {}", numbers.join("; "));
                }
            }
        }
    }
}
