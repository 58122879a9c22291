//! Search (the default command): `qsearch [OPTIONS] QUERY`.

use std::process::ExitCode;

use clap::Args;
use qsearch::index::Filters;
use qsearch::paths::Paths;
use qsearch::{Engine, Mode, SearchRequest, SectionKind};

use crate::render;

#[derive(Debug, Clone, Args)]
pub struct SearchArgs {
    /// Question or keywords, e.g. 烟花爆竹 or 谁负责烟花爆竹的质量. Quote words to require a phrase.
    pub query: Vec<String>,
    #[command(flatten)]
    pub options: SearchOptions,
}

/// Options of the commands that search (search, who, batch, eval), defined
/// once here and flattened into each; other commands do not take them.
#[derive(Debug, Clone, Args)]
pub struct SearchOptions {
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// bm25 (keywords), semantic (meaning) or hybrid (both, fused).
    #[arg(long, default_value = "hybrid")]
    pub mode: Mode,
    /// Number of hits.
    #[arg(long, default_value_t = qsearch::engine::DEFAULT_LIMIT)]
    pub limit: usize,
    /// Only this bureau (name, place such as 常德市, or file prefix such as 001).
    #[arg(long)]
    pub bureau: Option<String>,
    /// Only this province (河北, 湖南省 …).
    #[arg(long)]
    pub province: Option<String>,
    /// Only this section: duties, boundary, public_service, supervision, accountability.
    #[arg(long)]
    pub section: Option<SectionKind>,
    /// Only rows assigning this department (质监局, 市公安局, 市场监督管理局 …).
    #[arg(long)]
    pub department: Option<String>,
    #[command(flatten)]
    pub model: ModelArg,
    /// Show how each hit was ranked (BM25 and vector ranks, fused score).
    #[arg(long)]
    pub explain: bool,
}

/// The embedding model, for every command that loads it.
#[derive(Debug, Clone, Default, Args)]
pub struct ModelArg {
    /// Embedding model: a name under the models directory (me5-small, m3e-small) or a model directory.
    #[arg(long = "model", env = "QSEARCH_MODEL", value_name = "MODEL")]
    pub name: Option<String>,
}

impl SearchOptions {
    pub fn request(&self, query: &str) -> SearchRequest {
        SearchRequest {
            query: query.to_string(),
            mode: self.mode,
            limit: self.limit,
            filters: Filters {
                bureau: self.bureau.clone(),
                province: self.province.clone(),
                section: self.section,
                department: self.department.clone(),
            },
            explain: self.explain,
            deadline: None,
        }
    }
}

pub fn run(paths: &Paths, args: &SearchArgs) -> anyhow::Result<ExitCode> {
    let query = args.query.join(" ");
    if query.trim().is_empty() {
        anyhow::bail!("no query given; try: qsearch \"烟花爆竹\" or qsearch --help");
    }
    let engine = super::open_engine(paths, args.options.mode, args.options.model.name.as_deref())?;
    search_and_print(&engine, &args.options.request(&query), args.options.json)
}

pub fn search_and_print(
    engine: &Engine,
    request: &SearchRequest,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let response = engine.search(request)?;
    print(&response, request.explain, json)
}

/// Prints a response; the exit code says whether anything was found, as
/// grep's does: 0 hits found, 1 none (errors are 2, in `main`).
pub fn print(
    response: &qsearch::SearchResponse,
    explain: bool,
    json: bool,
) -> anyhow::Result<ExitCode> {
    if json {
        println!("{}", serde_json::to_string(response)?);
    } else {
        render::print_response(response, explain);
    }
    Ok(if response.hits.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
