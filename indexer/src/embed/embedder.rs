//! The embedding model: fastembed over a user-defined ONNX model, with ONNX
//! Runtime loaded dynamically from a known file.
//!
//! `TextEmbedding::embed` takes `&mut self`, so each session sits behind a
//! mutex: the engine stays `Sync`, and keyword-only requests never touch it.
//! Query embeddings are batched: a worker per session takes every query
//! waiting when it becomes free into one model call (see
//! [`Embedder::embed_query`]).
//!
//! `EngineOptions::embed_sessions` sessions share the intra-op threads: one
//! with two threads for the CLI (one query at a time, lowest latency), two
//! with one thread each for `qsearch serve` (`--embed-sessions`, env
//! `QSEARCH_EMBED_SESSIONS`): under load two queries in parallel use both
//! cores better than one query's intra-op parallelism (~1.25× the
//! distinct-query rate), and a session costs ~200 MiB since the tokenizer
//! keeps only the pieces of the scripts the lists are written in
//! (docs/PERFORMANCE.md). Vectors are bit-identical either way.

use std::path::Path;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, mpsc};

use fastembed::{
    InitOptionsUserDefined, Pooling, TextEmbedding, TokenizerFiles, UserDefinedEmbeddingModel,
};

use super::config::ModelDir;
use crate::error::{Error, Result};

/// Threads ONNX Runtime may use per embedding call.
const INTRA_THREADS: usize = 2;

/// Query vectors remembered: on a public portal the same few hundred
/// questions make up most traffic, and a remembered vector costs nothing.
pub const QUERY_CACHE_SIZE: usize = 4096;

pub struct Embedder {
    sessions: Arc<Sessions>,
    /// Query embeddings go through the batching workers.
    queue: Mutex<mpsc::Sender<QueryJob>>,
    /// Query text (prefix included) → its vector, least recently used out.
    queries: Mutex<lru::LruCache<String, Vec<f32>>>,
    cache_hits: AtomicU64,
    cache_misses: AtomicU64,
    pub config: super::config::ModelConfig,
    pub fingerprint: String,
}

/// The loaded sessions and what they have done; shared with the workers.
struct Sessions {
    /// Each behind its own mutex (one unless `EngineOptions::embed_sessions`
    /// asks for more).
    models: Vec<Mutex<TextEmbedding>>,
    /// Round-robin start for callers when every session is busy.
    next: AtomicUsize,
    /// Model calls, texts embedded by them, and nanoseconds spent in them
    /// (waiting for the mutex not included).
    calls: AtomicU64,
    texts: AtomicU64,
    nanos: AtomicU64,
    /// Query batches by size: ≤1, ≤2, ≤4, ≤8, ≤16 (cumulative buckets are
    /// made from these when exported).
    batch_sizes: [AtomicU64; BATCH_BUCKETS.len()],
    /// Queries embedded by the workers (the histogram's sum).
    batched_queries: AtomicU64,
    dimensions: usize,
    normalize: bool,
    config_path: std::path::PathBuf,
}

/// One query waiting for its vector.
struct QueryJob {
    text: String,
    reply: mpsc::SyncSender<Result<Vec<f32>>>,
}

/// At most this many queries share one model call. Short queries pad to the
/// longest of the batch, so a bound keeps one long query from slowing many.
pub const MAX_QUERY_BATCH: usize = 16;

/// Upper bounds of the query batch-size histogram.
pub const BATCH_BUCKETS: [usize; 5] = [1, 2, 4, 8, 16];

/// ONNX Runtime can be loaded once per process; later calls reuse it.
fn load_runtime(library: &Path) -> Result<ort::environment::Environment> {
    static LOADED: OnceLock<std::result::Result<ort::environment::Environment, String>> =
        OnceLock::new();
    LOADED
        .get_or_init(|| {
            let builder = ort::init_from(library).map_err(|e| e.to_string())?;
            builder
                .with_name("qsearch")
                .build()
                .map_err(|e| e.to_string())
        })
        .clone()
        .map_err(|e| {
            Error::Model(format!(
                "cannot load ONNX Runtime from {}: {e}",
                library.display()
            ))
        })
}

impl Embedder {
    /// Loads a model directory with the given runtime library. A missing or
    /// too old runtime is an error, never a panic.
    pub fn load(model: &ModelDir, runtime: &Path, sessions: usize) -> Result<Embedder> {
        let environment = load_runtime(runtime)?;
        let pooling = match model.config.pooling.as_str() {
            "cls" => Pooling::Cls,
            _ => Pooling::Mean,
        };
        // One session with INTRA_THREADS threads, or several with the
        // threads divided among them (the caller's choice; see EngineOptions).
        let sessions = sessions.clamp(1, 8);
        let threads = (INTRA_THREADS / sessions).max(1);
        let mut models = Vec::with_capacity(sessions);
        for _ in 0..sessions {
            let files = TokenizerFiles {
                tokenizer_file: model.read("tokenizer.json")?,
                config_file: model.read("config.json")?,
                special_tokens_map_file: model.read("special_tokens_map.json")?,
                tokenizer_config_file: model.read("tokenizer_config.json")?,
            };
            let user_model = UserDefinedEmbeddingModel::new(model.read("model.onnx")?, files)
                .with_pooling(pooling.clone());
            let options = InitOptionsUserDefined::new()
                .with_environment(environment.clone())
                .with_max_length(model.config.max_length)
                .with_intra_threads(threads);
            let text_embedding = TextEmbedding::try_new_from_user_defined(user_model, options)
                .map_err(|e| {
                    Error::Model(format!("cannot load model {}: {e}", model.dir.display()))
                })?;
            models.push(Mutex::new(text_embedding));
        }
        let sessions = Arc::new(Sessions {
            models,
            next: Default::default(),
            calls: Default::default(),
            texts: Default::default(),
            nanos: Default::default(),
            batch_sizes: Default::default(),
            batched_queries: Default::default(),
            dimensions: model.config.dimensions,
            normalize: model.config.normalize,
            config_path: model.dir.join(super::config::MODEL_CONFIG),
        });
        // One short embedding checks the model's output against the
        // configured dimensions now, rather than at every query.
        sessions.embed(&["qsearch".to_string()], 1)?;
        let (queue, jobs) = mpsc::channel::<QueryJob>();
        let jobs = Arc::new(Mutex::new(jobs));
        for n in 0..sessions.models.len() {
            let (sessions, jobs) = (Arc::clone(&sessions), Arc::clone(&jobs));
            std::thread::Builder::new()
                .name(format!("qsearch-embed-{n}"))
                .spawn(move || batch_worker(&sessions, &jobs))
                .map_err(|e| Error::Model(format!("cannot start an embedding worker: {e}")))?;
        }
        let capacity =
            std::num::NonZeroUsize::new(QUERY_CACHE_SIZE).expect("the cache size is not zero");
        Ok(Embedder {
            sessions,
            queue: Mutex::new(queue),
            queries: Mutex::new(lru::LruCache::new(capacity)),
            cache_hits: Default::default(),
            cache_misses: Default::default(),
            config: model.config.clone(),
            fingerprint: model.fingerprint(),
        })
    }

    /// Embeds passages (the passage prefix is added here), split among the
    /// sessions when there are several: each has its share of the threads,
    /// so one alone would leave the others' idle. A text's vector does not
    /// depend on its batch or on the number of threads.
    pub fn embed_passages(&self, texts: &[String], batch: usize) -> Result<Vec<Vec<f32>>> {
        let prefixed: Vec<String> = texts
            .iter()
            .map(|t| format!("{}{t}", self.config.passage_prefix))
            .collect();
        let sessions = self.sessions.models.len();
        if sessions == 1 || prefixed.len() < 2 {
            return self.sessions.embed(&prefixed, batch);
        }
        let share = prefixed.len().div_ceil(sessions);
        std::thread::scope(|scope| {
            let parts: Vec<_> = prefixed
                .chunks(share)
                .map(|part| scope.spawn(|| self.sessions.embed(part, batch)))
                .collect();
            let mut vectors = Vec::with_capacity(prefixed.len());
            for part in parts {
                let embedded = part
                    .join()
                    .map_err(|_| Error::Model("an embedding thread panicked".into()))??;
                vectors.extend(embedded);
            }
            Ok(vectors)
        })
    }

    /// Embeds one query (the query prefix is added here); a query seen
    /// before gets the vector it got then, without running the model.
    /// Concurrent queries are embedded together: the workers take every
    /// query waiting when they become free (up to [`MAX_QUERY_BATCH`]) into
    /// one model call, so under load the model runs full batches, and a
    /// query alone waits for nothing.
    pub fn embed_query(&self, query: &str) -> Result<Vec<f32>> {
        let text = format!("{}{query}", self.config.query_prefix);
        if let Some(vector) = self
            .queries
            .lock()
            .ok()
            .and_then(|mut c| c.get(&text).cloned())
        {
            self.cache_hits.fetch_add(1, Ordering::Relaxed);
            return Ok(vector);
        }
        self.cache_misses.fetch_add(1, Ordering::Relaxed);
        let (reply, answer) = mpsc::sync_channel(1);
        let sent = self
            .queue
            .lock()
            .map_err(|_| Error::Model("embedding queue lock poisoned".into()))?
            .send(QueryJob {
                text: text.clone(),
                reply,
            });
        if sent.is_err() {
            return Err(Error::Model("the embedding workers stopped".into()));
        }
        let vector = answer
            .recv()
            .map_err(|_| Error::Model("an embedding worker stopped".into()))??;
        if let Ok(mut cache) = self.queries.lock() {
            cache.put(text, vector.clone());
        }
        Ok(vector)
    }

    /// Query-vector cache hits and misses since the model was loaded.
    pub fn query_cache_stats(&self) -> (u64, u64) {
        (
            self.cache_hits.load(Ordering::Relaxed),
            self.cache_misses.load(Ordering::Relaxed),
        )
    }

    /// How many query vectors are remembered (at least one); shrinking
    /// drops the least recently used.
    pub fn set_query_cache_size(&self, size: usize) {
        let size = std::num::NonZeroUsize::new(size.max(1)).expect("at least one");
        if let Ok(mut cache) = self.queries.lock() {
            cache.resize(size);
        }
    }

    /// The query-vector cache's capacity.
    pub fn query_cache_size(&self) -> usize {
        self.queries.lock().map_or(0, |c| c.cap().get())
    }

    /// Model calls, texts they embedded and seconds they took, since the
    /// model was loaded.
    pub fn embed_stats(&self) -> EmbedStats {
        let s = &self.sessions;
        EmbedStats {
            calls: s.calls.load(Ordering::Relaxed),
            texts: s.texts.load(Ordering::Relaxed),
            seconds: s.nanos.load(Ordering::Relaxed) as f64 / 1e9,
            batch_sizes: std::array::from_fn(|i| s.batch_sizes[i].load(Ordering::Relaxed)),
            batched_queries: s.batched_queries.load(Ordering::Relaxed),
        }
    }
}

/// A worker: waits for a query, takes every other query already waiting
/// (up to [`MAX_QUERY_BATCH`]), embeds them in one call and answers each.
/// It ends when the embedder (the queue's sender) is dropped.
fn batch_worker(sessions: &Sessions, jobs: &Mutex<mpsc::Receiver<QueryJob>>) {
    loop {
        let batch: Vec<QueryJob> = {
            let Ok(jobs) = jobs.lock() else { return };
            let Ok(first) = jobs.recv() else { return };
            let mut batch = vec![first];
            while batch.len() < MAX_QUERY_BATCH {
                match jobs.try_recv() {
                    Ok(job) => batch.push(job),
                    Err(_) => break,
                }
            }
            batch
        };
        let bucket = BATCH_BUCKETS
            .iter()
            .position(|&b| batch.len() <= b)
            .unwrap_or(BATCH_BUCKETS.len() - 1);
        sessions.batch_sizes[bucket].fetch_add(1, Ordering::Relaxed);
        sessions
            .batched_queries
            .fetch_add(batch.len() as u64, Ordering::Relaxed);
        let texts: Vec<String> = batch.iter().map(|j| j.text.clone()).collect();
        match sessions.embed(&texts, texts.len()) {
            Ok(vectors) if vectors.len() == batch.len() => {
                for (job, vector) in batch.into_iter().zip(vectors) {
                    let _ = job.reply.send(Ok(vector));
                }
            }
            Ok(_) => {
                for job in batch {
                    let _ = job.reply.send(Err(Error::Model(
                        "the model returned too few vectors".into(),
                    )));
                }
            }
            Err(e) => {
                let message = e.to_string();
                for job in batch {
                    let _ = job.reply.send(Err(Error::Model(message.clone())));
                }
            }
        }
    }
}

impl Sessions {
    fn embed(&self, texts: &[String], batch: usize) -> Result<Vec<Vec<f32>>> {
        // A free session if there is one, else wait for the next in turn.
        let mut model = match self.models.iter().find_map(|m| m.try_lock().ok()) {
            Some(model) => model,
            None => {
                let i = self.next.fetch_add(1, Ordering::Relaxed) % self.models.len();
                self.models[i]
                    .lock()
                    .map_err(|_| Error::Model("embedding model lock poisoned".into()))?
            }
        };
        let started = std::time::Instant::now();
        let embedded = model.embed(texts, Some(batch.max(1)));
        drop(model);
        self.calls.fetch_add(1, Ordering::Relaxed);
        self.texts.fetch_add(texts.len() as u64, Ordering::Relaxed);
        self.nanos
            .fetch_add(started.elapsed().as_nanos() as u64, Ordering::Relaxed);
        let mut vectors = embedded.map_err(|e| Error::Model(format!("embedding failed: {e}")))?;
        if let Some(v) = vectors.iter().find(|v| v.len() != self.dimensions) {
            return Err(Error::Model(format!(
                "the model outputs {}-dimensional vectors but {} says dimensions = {}; correct it there",
                v.len(),
                self.config_path.display(),
                self.dimensions
            )));
        }
        if self.normalize {
            vectors.iter_mut().for_each(|v| normalize(v));
        }
        Ok(vectors)
    }
}

/// What the model has done since it was loaded ([`Embedder::embed_stats`]).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct EmbedStats {
    pub calls: u64,
    pub texts: u64,
    pub seconds: f64,
    /// Query batches per size bucket ([`BATCH_BUCKETS`]: ≤1, ≤2, ≤4, ≤8, ≤16).
    pub batch_sizes: [u64; BATCH_BUCKETS.len()],
    /// Queries those batches held.
    pub batched_queries: u64,
}

/// Scales a vector to unit length, so cosine is a dot product.
pub fn normalize(v: &mut [f32]) {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        v.iter_mut().for_each(|x| *x /= norm);
    }
}
