//! `qsearch add FILE…`: add documents in any supported format to the
//! corpus, with a catalog entry guessed from each document and shown.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use qsearch::documents::{self, Added, Overrides};
use qsearch::paths::Paths;
use qsearch::record::Level;

#[derive(Debug, Args)]
pub struct AddArgs {
    /// Documents to add: text, .docx, .xlsx, .html or .pdf (.doc/.xls with LibreOffice), recognised by content.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Issuing bureau [default: from the document's 部门名称 line or title, else its file name].
    #[arg(long)]
    issuer: Option<String>,
    /// The place people name the list by [default: county, else city, else province of the issuer].
    #[arg(long)]
    place: Option<String>,
    /// Province (河北省 …) [default: from the issuer's name].
    #[arg(long)]
    province: Option<String>,
    /// City (石家庄市 …) [default: from the issuer's name].
    #[arg(long)]
    city: Option<String>,
    /// County or district (鹿泉区, 威县 …) [default: from the issuer's name].
    #[arg(long)]
    county: Option<String>,
    /// Level of the issuer: province, city, county or district [default: from the issuer's name].
    #[arg(long)]
    level: Option<Level>,
    /// Name of the copy in the seeds directory [default: the file's name]; one FILE only.
    #[arg(long, value_name = "NAME")]
    save_as: Option<String>,
    /// Keyword index only: do not embed the new passages now.
    #[arg(long)]
    no_embed: bool,
    #[command(flatten)]
    model: super::search::ModelArg,
}

pub fn run(paths: &Paths, args: &AddArgs) -> anyhow::Result<ExitCode> {
    if args.save_as.is_some() && args.files.len() > 1 {
        anyhow::bail!("--save-as names one document; add the files one at a time");
    }
    let overrides = Overrides {
        name: args.save_as.clone(),
        issuer: args.issuer.clone(),
        place: args.place.clone(),
        province: args.province.clone(),
        city: args.city.clone(),
        county: args.county.clone(),
        level: args.level,
    };
    let mut failed = 0;
    let mut added = 0;
    for file in &args.files {
        let prepared = match documents::prepare(file, &overrides) {
            Ok(prepared) => prepared,
            Err(e) => {
                eprintln!("qsearch: error: {e}");
                failed += 1;
                continue;
            }
        };
        for w in &prepared.warnings {
            eprintln!("qsearch: warning: {w}");
        }
        if let Some((other, share)) = prepared.duplicate_of(&paths.seeds) {
            eprintln!(
                "qsearch: warning: {:.0}% of {}'s table rows are already in {other} (the same list in another format?); both will be searched and cited",
                share * 100.0,
                prepared.entry.file
            );
        }
        match documents::add(&paths.seeds, &prepared) {
            Ok(Added::AlreadyPresent) => {
                eprintln!(
                    "qsearch: {} is already in the corpus (same content); nothing to do",
                    prepared.entry.file
                );
            }
            Ok(Added::Added) => {
                added += 1;
                let e = &prepared.entry;
                let unknown = |v: &str| {
                    if v.is_empty() {
                        "(unknown)".to_string()
                    } else {
                        v.to_string()
                    }
                };
                println!(
                    "added {} ({}, {} records) as {}",
                    prepared.source.display(),
                    prepared.format,
                    prepared.records,
                    paths.seeds.join(&e.file).display()
                );
                println!("  issuer   {}  (from {})", e.issuer, prepared.issuer_from);
                println!("  place    {}", unknown(&e.place));
                println!("  province {}", unknown(&e.province));
                println!("  city     {}", unknown(&e.city));
                println!("  county   {}", unknown(e.county.as_deref().unwrap_or("")));
                println!("  level    {}", e.level.name());
            }
            Err(e) => {
                eprintln!("qsearch: error: {e}; not added");
                failed += 1;
            }
        }
    }
    if added > 0 {
        println!(
            "correct any of these with `qsearch remove NAME` and `qsearch add` with --issuer/--place/--province/--city/--county/--level, or edit {}",
            paths.seeds.join(qsearch::catalog::CATALOG_FILE).display()
        );
        super::index::rebuild(paths, !args.no_embed, args.model.name.as_deref())?;
    }
    Ok(if failed > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}
