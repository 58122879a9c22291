//! `qsearch serve`: the HTTP API and web page (the `qsearch-server` crate).

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, ValueEnum};
use qsearch::engine::EngineOptions;
use qsearch::paths::Paths;
use qsearch_server::{Config, DEFAULT_BIND, Limits};

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free one (the address is printed).
    #[arg(long, default_value = DEFAULT_BIND, value_name = "ADDR")]
    bind: SocketAddr,
    /// Do not load the embedding model: semantic and hybrid requests are answered with BM25 and a warning.
    #[arg(long)]
    keyword_only: bool,
    /// Seconds a request may take before it fails with 503.
    #[arg(long, default_value_t = 10, value_name = "SECS")]
    timeout: u64,
    /// Seconds a client may take to send a request's line and headers (and an
    /// idle keep-alive connection is kept) before the connection is closed.
    #[arg(long, default_value_t = 10, value_name = "SECS")]
    header_timeout: u64,
    /// Requests handled at once; the rest wait their turn (until the timeout).
    #[arg(long, default_value_t = 256, value_name = "N")]
    concurrency: usize,
    /// Request log format on stderr (level from RUST_LOG, default info).
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    #[command(flatten)]
    model: super::search::ModelArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

pub fn run(paths: &Paths, args: &ServeArgs) -> anyhow::Result<ExitCode> {
    init_logging(args.log_format);
    let mut engine = EngineOptions {
        semantic: !args.keyword_only,
        ..super::engine_options()
    };
    if let Some(model) = &args.model.name {
        engine.model = model.clone();
    }
    let config = Config {
        bind: args.bind,
        paths: paths.clone(),
        engine,
        limits: Limits {
            timeout: Duration::from_secs(args.timeout.max(1)),
            header_read_timeout: Duration::from_secs(args.header_timeout.max(1)),
            concurrency: args.concurrency.max(1),
            ..Limits::default()
        },
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
