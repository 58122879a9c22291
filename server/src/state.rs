//! What every handler shares: the engine (read-only), limits and the
//! semaphores that keep keyword requests apart from embedding requests.

use std::sync::Arc;
use std::time::Duration;

use qsearch::engine::EngineOptions;
use qsearch::paths::Paths;
use qsearch::progress::Progress;
use qsearch::{Engine, Mode, SearchRequest, SearchResponse};
use tokio::sync::Semaphore;

use crate::error::ApiError;

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
    pub semantic_searches: usize,
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
            semantic_searches: cores.max(2),
        }
    }
}

/// Shared state of all handlers; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    engine: Arc<Engine>,
    paths: Paths,
    limits: Limits,
    keyword: Semaphore,
    semantic: Semaphore,
    /// The seeds' signature at the last check, and whether they differed
    /// from what the index was built from.
    seeds_check: std::sync::Mutex<Option<(SeedsSignature, bool)>>,
}

type SeedsSignature = Vec<(String, u64, Option<std::time::SystemTime>)>;

impl AppState {
    pub fn new(engine: Arc<Engine>, paths: Paths, limits: Limits) -> Self {
        let inner = Inner {
            engine,
            paths,
            keyword: Semaphore::new(limits.keyword_searches.max(1)),
            semantic: Semaphore::new(limits.semantic_searches.max(1)),
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
        let mut check = self
            .inner
            .seeds_check
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
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

    /// Runs a search on the blocking pool, under the permits of its mode.
    pub async fn search(&self, request: SearchRequest) -> Result<SearchResponse, ApiError> {
        self.run(request, Engine::search).await
    }

    /// A search whose result always carries a who-answer ([`Engine::who`]).
    pub async fn who(&self, request: SearchRequest) -> Result<SearchResponse, ApiError> {
        self.run(request, Engine::who).await
    }

    async fn run(
        &self,
        request: SearchRequest,
        run: fn(&Engine, &SearchRequest) -> qsearch::Result<SearchResponse>,
    ) -> Result<SearchResponse, ApiError> {
        let semaphore = match request.mode {
            Mode::Bm25 => &self.inner.keyword,
            Mode::Semantic | Mode::Hybrid => &self.inner.semantic,
        };
        let _permit = semaphore
            .acquire()
            .await
            .map_err(|_| ApiError::unavailable("服务正在关闭", "the server is shutting down"))?;
        self.blocking(move |engine| run(engine, &request).map_err(ApiError::from))
            .await
    }

    /// Runs `work` with the engine on the blocking pool.
    pub async fn blocking<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Engine) -> Result<T, ApiError> + Send + 'static,
    {
        let engine = Arc::clone(&self.inner.engine);
        tokio::task::spawn_blocking(move || work(&engine)).await?
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
