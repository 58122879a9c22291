//! `qsearch eval FILE.jsonl`: retrieval quality against judged queries.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use qsearch::eval;
use qsearch::paths::Paths;

use super::search::SearchOptions;

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Judgments, e.g. ../shared/eval/dev.jsonl.
    file: PathBuf,
    /// Also write the raw results (as `qsearch batch --json` prints them) here.
    #[arg(long)]
    results: Option<PathBuf>,
    /// Print each query's metrics.
    #[arg(long)]
    per_query: bool,
    /// Ranking and answer weights to try (TOML shaped like qsearch::ranking::RankingParams; absent fields keep their defaults).
    #[arg(long, value_name = "FILE")]
    ranking: Option<PathBuf>,
    #[command(flatten)]
    options: SearchOptions,
}

const K: usize = 10;

pub fn run(paths: &Paths, args: &EvalArgs) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(&args.file)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", args.file.display()))?;
    let judgments = eval::parse_judgments(&text)
        .map_err(|e| anyhow::anyhow!("{}: {e}", args.file.display()))?;
    let mut engine =
        super::open_engine(paths, args.options.mode, args.options.model.name.as_deref())?;
    if let Some(path) = &args.ranking {
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
        let ranking = qsearch::ranking::RankingParams::from_toml(&text)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        engine.set_ranking(ranking);
    }
    let mut scores = Vec::new();
    let mut raw = String::new();
    let mut mode = args.options.mode;
    for j in &judgments {
        let response = engine.search(&args.options.request(&j.query))?;
        mode = response.mode;
        let score = eval::score_query(j, &response, K);
        if args.per_query {
            let cell = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.3}"));
            let verdict = response
                .answer
                .as_ref()
                .map_or("-", |a| a.coverage.as_str());
            println!(
                "{:<6} {:<11} ndcg {} recall {} mrr {} dept {} abstain {} {verdict}  {}",
                j.id,
                j.kind,
                cell(score.ndcg),
                cell(score.recall),
                cell(score.mrr),
                cell(score.dept),
                cell(score.abstain),
                j.query
            );
        }
        let mut value = serde_json::to_value(&response)?;
        value["id"] = serde_json::Value::String(j.id.clone());
        raw.push_str(&value.to_string());
        raw.push('\n');
        scores.push((j.kind.clone(), score));
    }
    if let Some(path) = &args.results {
        std::fs::write(path, raw)?;
    }
    let summary = eval::summarize(&scores);
    if args.options.json {
        println!("{}", serde_json::json!({"mode": mode, "summary": summary}));
    } else {
        println!("mode: {}", mode.as_str());
        print!("{}", eval::format_table(&summary, K));
    }
    Ok(ExitCode::SUCCESS)
}
