//! What every handler shares: the engine (read-only), limits and the
//! semaphores that keep keyword requests apart from embedding requests.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use qsearch::engine::EngineOptions;
use qsearch::paths::Paths;
use qsearch::progress::Progress;
use qsearch::{Engine, Mode, SearchRequest, SearchResponse};
use tokio::sync::Semaphore;

use crate::error::ApiError;
use crate::responses::{JsonBytes, ResponseCache};
use axum::body::Bytes;

/// Limits of the server; the defaults suit a small machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Whole-request deadline.
    pub timeout: Duration,
    /// How long a connection may take to send a complete request head
    /// (request line and headers) before it is closed; also how long an idle
    /// keep-alive connection is kept.
    pub header_read_timeout: Duration,
    /// Requests in flight at once (the rest wait, then time out).
    pub concurrency: usize,
    /// Keyword-only (bm25) searches running at once.
    pub keyword_searches: usize,
    /// Searches that embed the query (semantic, hybrid) running at once; they
    /// have their own permits so a slow embedding never holds up bm25.
    ///
    /// At least a whole query batch: a running search spends most of its
    /// time waiting for its query vector, and the embedding worker batches
    /// only the queries that are waiting, so with as many permits as cores
    /// nearly every model call embedded one query (mean batch 1.07, 120
    /// req/s on distinct queries) where 16 permits fill batches of 8–16
    /// (280 req/s on the same machine; docs/PERFORMANCE.md).
    pub semantic_searches: usize,
    /// Keyword searches that may wait for a permit; one more is refused at
    /// once (503 `overloaded` with `Retry-After`).
    pub keyword_queue: usize,
    /// Embedding searches that may wait for a permit; one more is refused.
    pub semantic_queue: usize,
    /// Query vectors remembered (LRU) by the embedder.
    pub query_cache_size: usize,
    /// Whole search responses remembered (LRU); 0 remembers none.
    pub response_cache_size: usize,
}

impl Default for Limits {
    fn default() -> Self {
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2);
        Limits {
            timeout: Duration::from_secs(10),
            header_read_timeout: Duration::from_secs(10),
            concurrency: 256,
            keyword_searches: (cores * 2).max(4),
            semantic_searches: qsearch::embed::embedder::MAX_QUERY_BATCH.max(cores),
            keyword_queue: 256,
            semantic_queue: 128,
            query_cache_size: qsearch::embed::embedder::QUERY_CACHE_SIZE,
            response_cache_size: RESPONSE_CACHE_SIZE,
        }
    }
}

/// Responses remembered by default: a portal's few hundred frequent
/// questions in a few modes and page sizes, ~10 KB each.
pub const RESPONSE_CACHE_SIZE: usize = 2048;

/// Shared state of all handlers; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    engine: Arc<Engine>,
    paths: Paths,
    limits: Limits,
    keyword: Pool,
    semantic: Pool,
    metrics: crate::metrics::Metrics,
    responses: ResponseCache,
    /// The seeds' signature at the last check, and whether they differed
    /// from what the index was built from.
    seeds_check: std::sync::Mutex<Option<(SeedsSignature, bool)>>,
}

type SeedsSignature = Vec<(String, u64, Option<std::time::SystemTime>)>;

impl AppState {
    pub fn new(engine: Arc<Engine>, paths: Paths, limits: Limits) -> Self {
        if let Some(semantic) = engine.semantic() {
            semantic
                .embedder
                .set_query_cache_size(limits.query_cache_size);
        }
        let inner = Inner {
            engine,
            paths,
            keyword: Pool::new("keyword", limits.keyword_searches, limits.keyword_queue),
            semantic: Pool::new("semantic", limits.semantic_searches, limits.semantic_queue),
            metrics: Default::default(),
            responses: ResponseCache::new(limits.response_cache_size),
            limits,
            seeds_check: std::sync::Mutex::new(None),
        };
        AppState {
            inner: Arc::new(inner),
        }
    }

    /// Opens (building on first use) the index of `paths`, and the embedding
    /// model when `options` ask for it, off the async threads.
    pub async fn open(
        paths: Paths,
        options: EngineOptions,
        limits: Limits,
    ) -> anyhow::Result<Self> {
        let for_open = paths.clone();
        let engine = tokio::task::spawn_blocking(move || {
            Engine::open_with(&for_open, &options, &LogProgress)
        })
        .await??;
        for notice in &engine.health().notices {
            tracing::warn!("{notice}");
        }
        Ok(AppState::new(Arc::new(engine), paths, limits))
    }

    /// Whether the seeds differ from what the open index was built from
    /// (the server keeps serving the index it opened). Blocking: the corpus
    /// hash is recomputed only when the files' sizes or times changed.
    pub fn seeds_changed(&self) -> bool {
        use qsearch::index::store;
        let seeds = &self.inner.paths.seeds;
        let signature = store::seeds_signature(seeds);
        let mut check = crate::lock(&self.inner.seeds_check);
        if let Some((seen, changed)) = check.as_ref()
            && *seen == signature
        {
            return *changed;
        }
        let built_from = &self.inner.engine.index().generation.manifest.corpus_hash;
        let changed = store::corpus_hash(seeds).map_or(true, |hash| hash != *built_from);
        *check = Some((signature, changed));
        changed
    }

    pub fn engine(&self) -> &Arc<Engine> {
        &self.inner.engine
    }

    pub fn paths(&self) -> &Paths {
        &self.inner.paths
    }

    pub fn limits(&self) -> &Limits {
        &self.inner.limits
    }

    pub fn metrics(&self) -> &crate::metrics::Metrics {
        &self.inner.metrics
    }

    pub fn responses(&self) -> &ResponseCache {
        &self.inner.responses
    }

    /// Runs a search on the blocking pool, under the permits of its mode;
    /// the response's JSON, remembered for the same request.
    pub async fn search(&self, request: SearchRequest) -> Result<JsonBytes, ApiError> {
        self.run("search", request, Engine::search).await
    }

    /// A search whose result always carries a who-answer ([`Engine::who`]).
    pub async fn who(&self, request: SearchRequest) -> Result<JsonBytes, ApiError> {
        self.run("who", request, Engine::who).await
    }

    async fn run(
        &self,
        kind: &'static str,
        mut request: SearchRequest,
        run: fn(&Engine, &SearchRequest) -> qsearch::Result<SearchResponse>,
    ) -> Result<JsonBytes, ApiError> {
        let key = ResponseCache::key(kind, &request);
        if let Some(body) = self.inner.responses.get(&key) {
            return Ok(JsonBytes(body));
        }
        let pool = self.pool(request.mode);
        // Refused at once when the queue is full; a request whose client
        // went away while it waited never starts (the future is dropped).
        let _admitted = pool.admit()?;
        // The deadline layer answers 503 at `timeout`; the search stops at
        // its next stage once that has passed, instead of finishing unseen.
        request
            .deadline
            .get_or_insert(std::time::Instant::now() + self.inner.limits.timeout);
        let _permit =
            pool.permits.acquire().await.map_err(|_| {
                ApiError::unavailable("服务正在关闭", "the server is shutting down")
            })?;
        let body = self
            .blocking(move |engine| {
                let response = run(engine, &request)?;
                serde_json::to_vec(&response)
                    .map(Bytes::from)
                    .map_err(|e| ApiError::internal(e.to_string()))
            })
            .await?;
        self.inner.responses.put(key, body.clone());
        Ok(JsonBytes(body))
    }

    /// The pool a search of this mode runs in.
    pub fn pool(&self, mode: Mode) -> &Pool {
        match mode {
            Mode::Bm25 => &self.inner.keyword,
            Mode::Semantic | Mode::Hybrid => &self.inner.semantic,
        }
    }

    /// Runs `work` with the engine on the blocking pool.
    pub async fn blocking<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Engine) -> Result<T, ApiError> + Send + 'static,
    {
        let engine = Arc::clone(&self.inner.engine);
        // The request's span (with its request id) follows the work.
        let span = tracing::Span::current();
        tokio::task::spawn_blocking(move || span.in_scope(|| work(&engine))).await?
    }
}

/// A bounded pool of search permits: `permits` searches run, up to `queue`
/// more wait, and any further one is refused at once.
pub struct Pool {
    pub name: &'static str,
    permits: Semaphore,
    size: usize,
    /// Searches admitted (running or waiting).
    admitted: AtomicUsize,
    capacity: usize,
    shed: AtomicU64,
}

/// A search's place in a [`Pool`], given back when dropped.
pub struct Admitted<'a>(&'a Pool);

impl Drop for Admitted<'_> {
    fn drop(&mut self) {
        self.0.admitted.fetch_sub(1, Ordering::AcqRel);
    }
}

impl Pool {
    fn new(name: &'static str, permits: usize, queue: usize) -> Pool {
        let size = permits.max(1);
        Pool {
            name,
            permits: Semaphore::new(size),
            size,
            admitted: AtomicUsize::new(0),
            capacity: size + queue,
            shed: AtomicU64::new(0),
        }
    }

    /// A place in the pool, or `503 overloaded` when it is full.
    pub fn admit(&self) -> Result<Admitted<'_>, ApiError> {
        let before = self.admitted.fetch_add(1, Ordering::AcqRel);
        let admitted = Admitted(self);
        if before >= self.capacity {
            drop(admitted);
            self.shed.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(pool = self.name, "queue full; request refused");
            return Err(ApiError::overloaded(self.name));
        }
        Ok(admitted)
    }

    /// Searches running now.
    pub fn running(&self) -> usize {
        self.size - self.permits.available_permits().min(self.size)
    }

    /// Searches waiting for a permit now.
    pub fn waiting(&self) -> usize {
        self.admitted
            .load(Ordering::Acquire)
            .saturating_sub(self.running())
    }

    /// Searches that may wait for a permit.
    pub fn queue(&self) -> usize {
        self.capacity - self.size
    }

    /// Searches refused because the queue was full, since the start.
    pub fn shed(&self) -> u64 {
        self.shed.load(Ordering::Relaxed)
    }
}

/// Index-building progress goes to the log.
pub struct LogProgress;

impl Progress for LogProgress {
    fn begin(&self, stage: &str, total: u64) {
        tracing::info!(stage, total, "started");
    }

    fn end(&self) {
        tracing::info!("done");
    }

    fn note(&self, message: &str) {
        tracing::info!("{message}");
    }
}
