//! qsearch's HTTP front end: the JSON API (`/api/…`, `/healthz`, the
//! OpenAPI document) and the web page (`/`), over one shared [`qsearch::Engine`].
//!
//! ```no_run
//! # async fn run() -> anyhow::Result<()> {
//! let paths = qsearch::paths::Paths::resolve(None, None, None);
//! qsearch_server::serve(qsearch_server::Config::new(paths)).await
//! # }
//! ```

pub mod api;
pub mod conn;
pub mod error;
pub mod extract;
pub mod layers;
pub mod metrics;
pub mod openapi;
pub mod page;
pub mod responses;
pub mod settings;
pub mod shutdown;
pub mod state;

/// Locks `mutex`, taking the value even if a thread panicked holding it:
/// the server's shared state (caches, counters) stays usable, never wedged.
pub(crate) fn lock<T>(mutex: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

use std::future::Future;
use std::io::Write;
use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use axum::http::{Method, header};
use axum::middleware::{from_fn, from_fn_with_state};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use qsearch::engine::EngineOptions;
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower::limit::GlobalConcurrencyLimitLayer;
use tower_http::LatencyUnit;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{NotForContentType, Predicate, SizeAbove};
use tower_http::cors::{Any, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnFailure, DefaultOnResponse, TraceLayer};
use tracing::Level;

pub use error::{ApiError, ErrorBody};
pub use state::{AppState, Limits};

/// Where `qsearch serve` listens unless told otherwise: loopback only.
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";

/// The request id header: taken from the request when the client sends
/// one, made up (a UUID) otherwise; echoed on the response, recorded on every
/// log line of the request and in error bodies.
pub const REQUEST_ID: &str = "x-request-id";

/// Largest request body accepted (the API is GET-only).
pub const MAX_BODY_BYTES: usize = 16 * 1024;

/// How to run the server.
#[derive(Debug, Clone)]
pub struct Config {
    pub bind: SocketAddr,
    pub paths: qsearch::paths::Paths,
    /// Whether to load the embedding model, and which.
    pub engine: EngineOptions,
    pub limits: Limits,
}

impl Config {
    pub fn new(paths: qsearch::paths::Paths) -> Self {
        Config {
            bind: DEFAULT_BIND.parse().expect("valid default address"),
            paths,
            engine: EngineOptions::default(),
            limits: Limits::default(),
        }
    }
}

/// Binds, opens the index (building it on first use), prints
/// `qsearch: listening on http://ADDR` on stdout once requests can be
/// served, and serves until SIGINT or SIGTERM.
pub async fn serve(config: Config) -> anyhow::Result<()> {
    let listener = TcpListener::bind(config.bind)
        .await
        .with_context(|| format!("cannot listen on {}", config.bind))?;
    let state = AppState::open(config.paths, config.engine, config.limits)
        .await
        .context("cannot open the search index")?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, records = state.engine().records().len(), "listening");
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "qsearch: listening on http://{addr}")?;
        out.flush()?;
    }
    serve_on(listener, state, shutdown::signal()).await
}

/// How long requests in flight may take to finish once shutdown begins.
/// A client that never completes its request would otherwise hold the
/// graceful shutdown open for ever.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Serves on a bound listener until `shutdown` completes, then finishes the
/// requests in flight, waiting at most [`SHUTDOWN_GRACE`] for them.
///
/// HTTP/1.1 over hyper (what `axum::serve` runs, plus what it cannot be told):
/// a connection that has not sent a complete request head within
/// [`Limits::header_read_timeout`] (an unfinished request, or an idle
/// keep-alive connection) is closed, and hyper's own answers to requests it
/// cannot parse carry the JSON error body ([`conn::JsonParseErrors`]).
pub async fn serve_on(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let header_read_timeout = state
        .limits()
        .header_read_timeout
        .max(Duration::from_millis(1));
    let app = router(state);
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(header_read_timeout);
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(connection) => connection,
                Err(e) => {
                    accept_failed(e).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let io = TokioIo::new(conn::JsonParseErrors::new(stream));
        let connection =
            graceful.watch(http.serve_connection(io, TowerToHyperService::new(app.clone())));
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(%peer, error = %e, "connection closed");
            }
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(SHUTDOWN_GRACE) => tracing::warn!(
            "connections still open {SHUTDOWN_GRACE:?} after the shutdown began (unfinished requests); closing them"
        ),
    }
    tracing::info!("stopped");
    Ok(())
}

/// A failed `accept`: a connection that went away before it was accepted is
/// nothing; anything else (e.g. out of file descriptors) is logged and
/// retried after a second, as `axum::serve` does.
async fn accept_failed(e: std::io::Error) {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(
        e.kind(),
        ConnectionAborted | ConnectionRefused | ConnectionReset
    ) {
        return;
    }
    tracing::error!(error = %e, "cannot accept a connection; retrying in 1 s");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

/// All routes with their layers. From the outside in: request id (taken or
/// made, and echoed), request log (its span carries the id), request ids in
/// error bodies, compression (gzip, br), security headers, CORS (GET from
/// anywhere), deadline, concurrency limit, JSON bodies for errors made by
/// layers and extractors, body limit; inside the router, per-route metrics.
pub fn router(state: AppState) -> Router {
    let limits = state.limits().clone();
    let trace = TraceLayer::new_for_http()
        .make_span_with(|request: &axum::http::Request<_>| {
            let id = request
                .headers()
                .get(REQUEST_ID)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("-");
            tracing::info_span!(
                "request",
                method = %request.method(),
                uri = %request.uri(),
                version = ?request.version(),
                request_id = %id,
            )
        })
        .on_request(())
        .on_response(
            DefaultOnResponse::new()
                .level(Level::INFO)
                .latency_unit(LatencyUnit::Micros),
        )
        .on_failure(
            DefaultOnFailure::new()
                .level(Level::ERROR)
                .latency_unit(LatencyUnit::Micros),
        );
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::HEAD])
        .allow_headers([header::ACCEPT, header::CONTENT_TYPE])
        .expose_headers([header::HeaderName::from_static(REQUEST_ID)]);
    let request_id = header::HeaderName::from_static(REQUEST_ID);
    // Text, JSON, JavaScript, CSS, SVG; not the tiniest bodies.
    let compression = CompressionLayer::new()
        .gzip(true)
        .br(true)
        .quality(tower_http::CompressionLevel::Fastest)
        .compress_when(SizeAbove::new(256).and(NotForContentType::IMAGES));
    Router::new()
        .merge(Router::from(api::routes()))
        .merge(page::routes())
        .route("/metrics", axum::routing::get(metrics::metrics))
        .fallback(layers::not_found)
        .method_not_allowed_fallback(layers::method_not_allowed)
        .layer(from_fn_with_state(state.clone(), metrics::track))
        .with_state(state)
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuid))
                .layer(trace)
                .layer(PropagateRequestIdLayer::new(request_id))
                .layer(from_fn(layers::request_id_in_errors))
                .layer(compression)
                .layer(from_fn(layers::security_headers))
                .layer(cors)
                .layer(from_fn_with_state(limits.timeout, layers::deadline))
                .layer(GlobalConcurrencyLimitLayer::new(limits.concurrency.max(1)))
                .layer(from_fn(layers::json_errors))
                .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES)),
        )
}
