//! `qsearch serve`: the HTTP API and web page (the `qsearch-server` crate).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use qsearch::engine::EngineOptions;
use qsearch::paths::Paths;
use qsearch_server::Config;
use qsearch_server::settings::Settings;

/// Settings come from these flags, then the environment (`QSEARCH_BIND`,
/// `QSEARCH_TIMEOUT`, …), then `--config FILE`, then the defaults shown.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Configuration file (TOML; the keys are the flags' names with `_`,
    /// `timeout_secs` and `header_timeout_secs` for the timeouts). Flags and
    /// the environment override it.
    #[arg(long, value_name = "FILE", env = "QSEARCH_CONFIG")]
    config: Option<PathBuf>,
    /// Address to listen on; port 0 picks a free one (the address is printed) [default: 127.0.0.1:8080] [env: QSEARCH_BIND]
    #[arg(long, value_name = "ADDR")]
    bind: Option<SocketAddr>,
    /// Do not load the embedding model: semantic and hybrid requests are answered with BM25 and a warning [env: QSEARCH_KEYWORD_ONLY]
    #[arg(long)]
    keyword_only: bool,
    /// Seconds a request may take before it fails with 503 [default: 10] [env: QSEARCH_TIMEOUT]
    #[arg(long, value_name = "SECS")]
    timeout: Option<u64>,
    /// Seconds a client may take to send a request's line and headers (and an
    /// idle keep-alive connection is kept) before the connection is closed [default: 10] [env: QSEARCH_HEADER_TIMEOUT]
    #[arg(long, value_name = "SECS")]
    header_timeout: Option<u64>,
    /// Requests handled at once; the rest wait their turn (until the timeout) [default: 256] [env: QSEARCH_CONCURRENCY]
    #[arg(long, value_name = "N")]
    concurrency: Option<usize>,
    /// BM25 searches running at once [default: 2 × cores, at least 4] [env: QSEARCH_KEYWORD_SEARCHES]
    #[arg(long, value_name = "N")]
    keyword_searches: Option<usize>,
    /// Searches that embed the query running at once; their queries are embedded in batches of up to 16 [default: 16, or cores if more] [env: QSEARCH_SEMANTIC_SEARCHES]
    #[arg(long, value_name = "N")]
    semantic_searches: Option<usize>,
    /// BM25 searches that may wait for a turn; one more is refused at once with 503 overloaded [default: 256] [env: QSEARCH_KEYWORD_QUEUE]
    #[arg(long, value_name = "N")]
    keyword_queue: Option<usize>,
    /// Embedding searches that may wait for a turn [default: 128] [env: QSEARCH_SEMANTIC_QUEUE]
    #[arg(long, value_name = "N")]
    semantic_queue: Option<usize>,
    /// Query vectors remembered (LRU) [default: 4096] [env: QSEARCH_QUERY_CACHE_SIZE]
    #[arg(long, value_name = "N")]
    query_cache_size: Option<usize>,
    /// Whole search responses remembered (LRU); 0 remembers none [default: 2048] [env: QSEARCH_RESPONSE_CACHE_SIZE]
    #[arg(long, value_name = "N")]
    response_cache_size: Option<usize>,
    /// Request log format on stderr (level from RUST_LOG, default info).
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    /// ONNX Runtime sessions for query embeddings, the threads divided among them (two single-threaded sessions embed ~1.25× the distinct queries of one with two threads, for ~200 MiB).
    #[arg(
        long,
        value_name = "N",
        env = "QSEARCH_EMBED_SESSIONS",
        default_value_t = 2
    )]
    embed_sessions: usize,
    #[command(flatten)]
    model: super::search::ModelArg,
}

impl ServeArgs {
    /// What the flags say.
    fn settings(&self) -> Settings {
        Settings {
            bind: self.bind,
            keyword_only: self.keyword_only.then_some(true),
            timeout_secs: self.timeout,
            header_timeout_secs: self.header_timeout,
            concurrency: self.concurrency,
            keyword_searches: self.keyword_searches,
            semantic_searches: self.semantic_searches,
            keyword_queue: self.keyword_queue,
            semantic_queue: self.semantic_queue,
            query_cache_size: self.query_cache_size,
            response_cache_size: self.response_cache_size,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

pub fn run(paths: &Paths, args: &ServeArgs) -> anyhow::Result<ExitCode> {
    init_logging(args.log_format);
    let file = match &args.config {
        Some(path) => Settings::from_file(path)?,
        None => Settings::default(),
    };
    let env = Settings::from_env(|var| std::env::var(var).ok())?;
    let settings = args.settings().or(env).or(file);
    let mut engine = EngineOptions {
        semantic: !settings.keyword_only.unwrap_or(false),
        embed_sessions: args.embed_sessions,
        ..super::engine_options()
    };
    if let Some(model) = &args.model.name {
        engine.model = model.clone();
    }
    let config = Config {
        bind: settings.bind(),
        paths: paths.clone(),
        engine,
        limits: settings.limits(),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(qsearch_server::serve(config))?;
    Ok(ExitCode::SUCCESS)
}

/// Structured logs on stderr; stdout carries only the "listening on" line.
fn init_logging(format: LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
}
