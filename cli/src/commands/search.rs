//! Search (the default command): `qsearch [OPTIONS] QUERY`.

use std::process::ExitCode;

use clap::Args;
use qsearch::index::Filters;
use qsearch::paths::Paths;
use qsearch::{Engine, Mode, SearchRequest, SectionKind};

use super::records::parse_section;
use crate::render;

#[derive(Debug, Clone, Args)]
pub struct SearchArgs {
    /// Question or keywords, e.g. 烟花爆竹 or 谁负责烟花爆竹的质量. Quote words to require a phrase.
    pub query: Vec<String>,
    #[command(flatten)]
    pub options: SearchOptions,
}

/// Options shared by search, batch and eval.
#[derive(Debug, Clone, Args)]
pub struct SearchOptions {
    /// Print JSON instead of text.
    #[arg(long, global = true)]
    pub json: bool,
    /// bm25 (keywords), semantic (meaning) or hybrid (both, fused).
    #[arg(long, value_parser = parse_mode, default_value = "hybrid", global = true)]
    pub mode: Mode,
    /// Number of hits.
    #[arg(long, default_value_t = 10, global = true)]
    pub limit: usize,
    /// Only this bureau (name, place such as 常德市, or file prefix such as 001).
    #[arg(long, global = true)]
    pub bureau: Option<String>,
    /// Only this province (河北, 湖南省 …).
    #[arg(long, global = true)]
    pub province: Option<String>,
    /// Only this section: duties, boundary, public_service, supervision, accountability.
    #[arg(long, value_parser = parse_section, global = true)]
    pub section: Option<SectionKind>,
    /// Only rows assigning this department (质监局, 市公安局, 市场监督管理局 …).
    #[arg(long, global = true)]
    pub department: Option<String>,
    /// Embedding model: a name under the models directory (me5-small, m3e-small) or a model directory [env: QSEARCH_MODEL].
    #[arg(long, global = true)]
    pub model: Option<String>,
    /// Show how each hit was ranked (BM25 and vector ranks, fused score).
    #[arg(long, global = true)]
    pub explain: bool,
}

pub fn parse_mode(s: &str) -> Result<Mode, String> {
    Mode::parse(s).ok_or_else(|| format!("unknown mode '{s}': use bm25, semantic or hybrid"))
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
        }
    }
}

pub fn run(paths: &Paths, args: &SearchArgs) -> anyhow::Result<ExitCode> {
    let query = args.query.join(" ");
    if query.trim().is_empty() {
        anyhow::bail!("no query given; try: qsearch \"烟花爆竹\" or qsearch --help");
    }
    let engine = super::open_engine(paths, args.options.mode, args.options.model.as_deref())?;
    search_and_print(&engine, &args.options.request(&query), args.options.json)
}

pub fn search_and_print(
    engine: &Engine,
    request: &SearchRequest,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let response = engine.search(request)?;
    if json {
        println!("{}", serde_json::to_string(&response)?);
    } else {
        render::print_response(&response, request.explain);
    }
    Ok(ExitCode::SUCCESS)
}
