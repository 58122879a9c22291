//! `qsearch laws [NAME]`: the legal-basis index — every law, regulation,
//! rule and standard the lists cite, with how many duties of each bureau
//! cite it; with a name (title, variant, decree number or standard code),
//! every duty citing that instrument, grouped by bureau, with the articles
//! and file:lines.

use std::process::ExitCode;

use clap::Args;
use qsearch::Mode;
use qsearch::laws::{Instrument, Kind, LookupError};
use qsearch::paths::Paths;

#[derive(Debug, Args)]
pub struct LawsArgs {
    /// Instrument: title (with or without 中华人民共和国), decree number
    /// (国务院令第455号) or standard code (GB/T 14308); omit to list all.
    name: Vec<String>,
    /// Only instruments of this kind (listing): law, regulation, rule, standard or document.
    #[arg(long, value_parser = parse_kind)]
    kind: Option<Kind>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

fn parse_kind(s: &str) -> Result<Kind, String> {
    [
        Kind::Law,
        Kind::Regulation,
        Kind::Rule,
        Kind::Standard,
        Kind::Document,
    ]
    .into_iter()
    .find(|k| k.as_str() == s || k.label() == s)
    .ok_or_else(|| format!("unknown kind '{s}': use law, regulation, rule, standard or document"))
}

pub fn run(paths: &Paths, args: &LawsArgs) -> anyhow::Result<ExitCode> {
    let engine = super::open_engine(paths, Mode::Bm25, None)?;
    let laws = engine.laws();
    let name = args.name.join(" ");
    if name.trim().is_empty() {
        let listed: Vec<&Instrument> = laws
            .instruments
            .iter()
            .filter(|i| args.kind.is_none_or(|k| i.kind == k))
            .collect();
        if args.json {
            let summaries: Vec<_> = listed.iter().map(|i| i.summary()).collect();
            println!(
                "{}",
                serde_json::json!({
                    "instruments": summaries,
                    "not_laws": laws.not_laws,
                })
            );
        } else {
            for i in &listed {
                let counts: Vec<String> = i
                    .bureaus
                    .iter()
                    .map(|b| format!("{} {}", b.place, b.records.len()))
                    .collect();
                let also = if i.decrees.is_empty() && i.standards.iter().all(|s| *s == i.name) {
                    String::new()
                } else {
                    let mut ids = i.decrees.clone();
                    ids.extend(i.standards.iter().filter(|s| **s != i.name).cloned());
                    format!(" ({})", ids.join("，"))
                };
                println!(
                    "{:>4}  {}{}  [{}]  —  {}",
                    i.citing,
                    i.name,
                    also,
                    i.kind.label(),
                    counts.join(" · ")
                );
            }
            println!(
                "\n{} 部法规/标准 (instruments); 不计为法规的表单/证书/文书 (not laws): {}",
                listed.len(),
                laws.not_laws.len()
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    match laws.find(&name) {
        Ok(instrument) => {
            if args.json {
                println!("{}", serde_json::to_string(instrument)?);
            } else {
                print_instrument(instrument);
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(LookupError::NotFound(_)) => {
            eprintln!("qsearch: 找不到法规 “{name}” (no law, decree or standard named '{name}')");
            Ok(ExitCode::from(1))
        }
        Err(LookupError::Ambiguous(names)) => {
            eprintln!(
                "qsearch: “{name}” 匹配多部法规 (several instruments match '{name}'): {}",
                names.join("，")
            );
            Ok(ExitCode::from(1))
        }
    }
}

fn print_instrument(i: &Instrument) {
    println!("{}  [{}]", i.name, i.kind.label());
    if i.variants.len() > 1 || i.variants.first() != Some(&i.name) {
        println!("  写法 (as written): {}", i.variants.join(" / "));
    }
    if !i.decrees.is_empty() {
        println!("  令号 (decree): {}", i.decrees.join("，"));
    }
    if !i.standards.is_empty() {
        println!("  标准号 (standard): {}", i.standards.join("，"));
    }
    println!(
        "  {} 条记录引用，{} 个局 (records citing it, bureaus)",
        i.citing,
        i.bureaus.len()
    );
    for b in &i.bureaus {
        println!("\n{} ({}) — {}", b.place, b.bureau, b.records.len());
        for r in &b.records {
            let articles = if r.articles.is_empty() {
                String::new()
            } else {
                format!("  {}", r.articles.join("、"))
            };
            let inherited = if r.inherited {
                " (依据沿用上一行)"
            } else {
                ""
            };
            println!(
                "  [{}] {}: {}{}{}  [{}:{}-{}]",
                r.section.label(),
                r.matter,
                short(&r.text, 60),
                articles,
                inherited,
                r.file,
                r.line_start,
                r.line_end
            );
        }
    }
}

fn short(s: &str, n: usize) -> String {
    let mut out: String = s.chars().take(n).collect();
    if s.chars().count() > n {
        out.push('…');
    }
    out
}
