//! `GET /metrics`: counters and histograms in the Prometheus text format
//! (version 0.0.4), kept by hand — a few atomics and one short lock per
//! request, no exporter thread.
//!
//! Requests and latency per route (the matched route pattern, `unmatched`
//! otherwise) and mode (of `/api/search` and `/api/who`; `-` elsewhere);
//! the search pools' running, waiting and shed counts; the query-vector
//! cache; the embedding model's calls, texts and seconds; the index
//! generation and record count.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::state::AppState;

/// Upper bounds (seconds) of the latency histogram's buckets.
pub const LATENCY_BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, &'static str), Route>>,
}

#[derive(Default)]
struct Route {
    /// Responses by status code.
    statuses: BTreeMap<u16, u64>,
    /// Cumulative only when written out: here each bucket counts its own.
    buckets: [u64; LATENCY_BUCKETS.len() + 1],
    sum: f64,
    count: u64,
}

impl Metrics {
    pub fn record(&self, route: &str, mode: &'static str, status: u16, latency: Duration) {
        let seconds = latency.as_secs_f64();
        let bucket = LATENCY_BUCKETS
            .iter()
            .position(|&b| seconds <= b)
            .unwrap_or(LATENCY_BUCKETS.len());
        let mut requests = crate::lock(&self.requests);
        let entry = match requests.get_mut(&(route.to_string(), mode)) {
            Some(entry) => entry,
            None => requests.entry((route.to_string(), mode)).or_default(),
        };
        *entry.statuses.entry(status).or_default() += 1;
        entry.buckets[bucket] += 1;
        entry.sum += seconds;
        entry.count += 1;
    }

    /// The request counters and latency histograms as Prometheus text.
    fn write_requests(&self, out: &mut String) {
        let requests = crate::lock(&self.requests);
        out.push_str("# HELP qsearch_http_requests_total HTTP requests answered, by route, mode and status.\n");
        out.push_str("# TYPE qsearch_http_requests_total counter\n");
        for ((route, mode), entry) in requests.iter() {
            for (status, n) in &entry.statuses {
                let _ = writeln!(
                    out,
                    "qsearch_http_requests_total{{route=\"{}\",mode=\"{mode}\",status=\"{status}\"}} {n}",
                    escape(route)
                );
            }
        }
        out.push_str("# HELP qsearch_http_request_duration_seconds Time to answer a request (the response head), by route and mode.\n");
        out.push_str("# TYPE qsearch_http_request_duration_seconds histogram\n");
        for ((route, mode), entry) in requests.iter() {
            let labels = format!("route=\"{}\",mode=\"{mode}\"", escape(route));
            let mut cumulative = 0;
            for (i, bound) in LATENCY_BUCKETS.iter().enumerate() {
                cumulative += entry.buckets[i];
                let _ = writeln!(
                    out,
                    "qsearch_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {cumulative}"
                );
            }
            let _ = writeln!(
                out,
                "qsearch_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                entry.count
            );
            let _ = writeln!(
                out,
                "qsearch_http_request_duration_seconds_sum{{{labels}}} {}",
                entry.sum
            );
            let _ = writeln!(
                out,
                "qsearch_http_request_duration_seconds_count{{{labels}}} {}",
                entry.count
            );
        }
    }
}

/// A label value as the text format wants it.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Counts every request by its route and mode (a layer of the router, so
/// the matched route is known).
pub async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    let mode = if route == "/api/search" || route == "/api/who" {
        mode_of(request.uri().query())
    } else {
        "-"
    };
    let response = next.run(request).await;
    state
        .metrics()
        .record(&route, mode, response.status().as_u16(), started.elapsed());
    response
}

/// The mode a search asks for (`hybrid` when none; `invalid` when unknown).
fn mode_of(query: Option<&str>) -> &'static str {
    let value = query
        .unwrap_or_default()
        .split('&')
        .find_map(|pair| pair.strip_prefix("mode="));
    match value {
        None | Some("") => qsearch::Mode::default().as_str(),
        Some(v) => qsearch::Mode::parse(v).map_or("invalid", qsearch::Mode::as_str),
    }
}

/// `GET /metrics`.
/// One per-pool series: name, type, help and the value it reads.
type PoolSeries = (
    &'static str,
    &'static str,
    &'static str,
    fn(&crate::state::Pool) -> usize,
);

pub async fn metrics(State(state): State<AppState>) -> Response {
    let mut out = String::with_capacity(8 * 1024);
    state.metrics().write_requests(&mut out);
    let pools = [
        state.pool(qsearch::Mode::Bm25),
        state.pool(qsearch::Mode::Hybrid),
    ];
    let per_pool: [PoolSeries; 4] = [
        (
            "qsearch_pool_running",
            "gauge",
            "Searches running now, by pool.",
            |p| p.running(),
        ),
        (
            "qsearch_queue_depth",
            "gauge",
            "Searches waiting for a permit now, by pool.",
            |p| p.waiting(),
        ),
        (
            "qsearch_queue_capacity",
            "gauge",
            "Searches that may wait for a permit, by pool.",
            |p| p.queue(),
        ),
        (
            "qsearch_shed_total",
            "counter",
            "Searches refused with 503 overloaded because the pool's queue was full.",
            |p| p.shed() as usize,
        ),
    ];
    for (name, kind, help, value) in per_pool {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
        for pool in pools {
            let _ = writeln!(out, "{name}{{pool=\"{}\"}} {}", pool.name, value(pool));
        }
    }
    let responses = state.responses();
    let (hits, misses) = responses.stats();
    let _ = write!(
        out,
        "# HELP qsearch_response_cache_hits_total Searches answered with a remembered response.\n\
         # TYPE qsearch_response_cache_hits_total counter\n\
         qsearch_response_cache_hits_total {hits}\n\
         # HELP qsearch_response_cache_misses_total Searches that ran.\n\
         # TYPE qsearch_response_cache_misses_total counter\n\
         qsearch_response_cache_misses_total {misses}\n\
         # HELP qsearch_response_cache_capacity Responses the cache holds at most (0: off).\n\
         # TYPE qsearch_response_cache_capacity gauge\n\
         qsearch_response_cache_capacity {}\n",
        responses.capacity()
    );
    let engine = state.engine();
    if let Some(semantic) = engine.semantic() {
        let embedder = &semantic.embedder;
        let (hits, misses) = embedder.query_cache_stats();
        let ratio = if hits + misses == 0 {
            0.0
        } else {
            hits as f64 / (hits + misses) as f64
        };
        let stats = embedder.embed_stats();
        let _ = write!(
            out,
            "# HELP qsearch_query_cache_hits_total Query embeddings answered from the query-vector cache.\n\
             # TYPE qsearch_query_cache_hits_total counter\n\
             qsearch_query_cache_hits_total {hits}\n\
             # HELP qsearch_query_cache_misses_total Query embeddings that ran the model.\n\
             # TYPE qsearch_query_cache_misses_total counter\n\
             qsearch_query_cache_misses_total {misses}\n\
             # HELP qsearch_query_cache_hit_ratio Hits over lookups of the query-vector cache since the start.\n\
             # TYPE qsearch_query_cache_hit_ratio gauge\n\
             qsearch_query_cache_hit_ratio {ratio}\n\
             # HELP qsearch_query_cache_capacity Query vectors the cache holds at most.\n\
             # TYPE qsearch_query_cache_capacity gauge\n\
             qsearch_query_cache_capacity {}\n\
             # HELP qsearch_embedding_calls_total Model calls (one batch each), passages at start-up included.\n\
             # TYPE qsearch_embedding_calls_total counter\n\
             qsearch_embedding_calls_total {}\n\
             # HELP qsearch_embedding_texts_total Texts embedded by those calls (texts / calls is the mean batch size).\n\
             # TYPE qsearch_embedding_texts_total counter\n\
             qsearch_embedding_texts_total {}\n\
             # HELP qsearch_embedding_seconds_total Seconds spent in the model (waiting for it not included).\n\
             # TYPE qsearch_embedding_seconds_total counter\n\
             qsearch_embedding_seconds_total {}\n",
            embedder.query_cache_size(),
            stats.calls,
            stats.texts,
            stats.seconds,
        );
        let _ = writeln!(
            out,
            "# HELP qsearch_embedding_query_batch_size Queries per model call of the query-batching workers.\n\
             # TYPE qsearch_embedding_query_batch_size histogram"
        );
        let mut cumulative = 0;
        for (bound, count) in qsearch::embed::embedder::BATCH_BUCKETS
            .iter()
            .zip(stats.batch_sizes)
        {
            cumulative += count;
            let _ = writeln!(
                out,
                "qsearch_embedding_query_batch_size_bucket{{le=\"{bound}\"}} {cumulative}"
            );
        }
        let _ = write!(
            out,
            "qsearch_embedding_query_batch_size_bucket{{le=\"+Inf\"}} {cumulative}\n\
             qsearch_embedding_query_batch_size_sum {}\n\
             qsearch_embedding_query_batch_size_count {cumulative}\n",
            stats.batched_queries
        );
    }
    let health = engine.health();
    let _ = write!(
        out,
        "# HELP qsearch_index_info The index generation served (value 1).\n\
         # TYPE qsearch_index_info gauge\n\
         qsearch_index_info{{generation=\"{}\",semantic=\"{}\"}} 1\n\
         # HELP qsearch_index_records Records in the index served.\n\
         # TYPE qsearch_index_records gauge\n\
         qsearch_index_records {}\n",
        escape(&health.index_generation),
        escape(health.semantic.as_deref().unwrap_or("")),
        health.records,
    );
    let mut response = out.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    response
}
