//! Whole search responses remembered, as the JSON bytes sent.
//!
//! A public portal's questions repeat: the same few hundred make up most of
//! its traffic. The server's engine never changes while it runs (a rebuilt
//! index is served after a restart), and a search is a pure function of its
//! request — the same bytes in every process, which the determinism tests
//! check — so a repeated request can be answered with the bytes of the
//! first one: no permit, no search, no serialisation. Errors and timed-out
//! searches are not remembered.

use std::num::NonZeroUsize;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::body::Bytes;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use lru::LruCache;
use qsearch::SearchRequest;

use crate::lock;

/// A JSON body already serialised.
#[derive(Debug, Clone)]
pub struct JsonBytes(pub Bytes);

impl IntoResponse for JsonBytes {
    fn into_response(self) -> Response {
        ([(header::CONTENT_TYPE, "application/json")], self.0).into_response()
    }
}

/// A bounded LRU of response bodies keyed by everything a request says
/// except its deadline; capacity 0 remembers nothing.
pub struct ResponseCache {
    entries: Option<Mutex<LruCache<String, Bytes>>>,
    capacity: usize,
    hits: AtomicU64,
    misses: AtomicU64,
}

impl ResponseCache {
    pub fn new(capacity: usize) -> ResponseCache {
        ResponseCache {
            entries: NonZeroUsize::new(capacity).map(|n| Mutex::new(LruCache::new(n))),
            capacity,
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// The key of a request of `kind` (search, who): every field that can
    /// change the response.
    pub fn key(kind: &str, request: &SearchRequest) -> String {
        format!(
            "{kind}\u{1}{:?}\u{1}{}\u{1}{}\u{1}{:?}\u{1}{}",
            request.mode, request.limit, request.explain, request.filters, request.query
        )
    }

    pub fn get(&self, key: &str) -> Option<Bytes> {
        let entries = self.entries.as_ref()?;
        let found = lock(entries).get(key).cloned();
        let counter = if found.is_some() {
            &self.hits
        } else {
            &self.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    pub fn put(&self, key: String, body: Bytes) {
        if let Some(entries) = &self.entries {
            lock(entries).put(key, body);
        }
    }

    /// Lookups answered and not answered since the start.
    pub fn stats(&self) -> (u64, u64) {
        (
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
        )
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }
}
