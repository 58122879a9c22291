//! `qsearch serve` settings from three places, most specific first:
//! command-line flags > environment (`QSEARCH_*`) > configuration file
//! (`--config FILE`, TOML) > built-in defaults.
//!
//! ```toml
//! bind = "0.0.0.0:8080"
//! keyword_only = false
//! timeout_secs = 10          # whole-request deadline
//! header_timeout_secs = 10   # request head / idle keep-alive
//! concurrency = 256          # requests in flight
//! keyword_searches = 4       # BM25 searches running at once
//! semantic_searches = 16     # embedding searches running at once
//! keyword_queue = 256        # BM25 searches that may wait; more get 503
//! semantic_queue = 128       # embedding searches that may wait
//! query_cache_size = 4096    # query vectors remembered
//! response_cache_size = 2048 # whole responses remembered (0: none)
//! ```

use std::net::SocketAddr;
use std::time::Duration;

use serde::Deserialize;

use crate::Limits;

/// Every setting optional: what one source says.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub bind: Option<SocketAddr>,
    pub keyword_only: Option<bool>,
    pub timeout_secs: Option<u64>,
    pub header_timeout_secs: Option<u64>,
    pub concurrency: Option<usize>,
    pub keyword_searches: Option<usize>,
    pub semantic_searches: Option<usize>,
    pub keyword_queue: Option<usize>,
    pub semantic_queue: Option<usize>,
    pub query_cache_size: Option<usize>,
    pub response_cache_size: Option<usize>,
}

/// The environment variable of each setting.
pub const ENV: [(&str, &str); 11] = [
    ("bind", "QSEARCH_BIND"),
    ("keyword_only", "QSEARCH_KEYWORD_ONLY"),
    ("timeout_secs", "QSEARCH_TIMEOUT"),
    ("header_timeout_secs", "QSEARCH_HEADER_TIMEOUT"),
    ("concurrency", "QSEARCH_CONCURRENCY"),
    ("keyword_searches", "QSEARCH_KEYWORD_SEARCHES"),
    ("semantic_searches", "QSEARCH_SEMANTIC_SEARCHES"),
    ("keyword_queue", "QSEARCH_KEYWORD_QUEUE"),
    ("semantic_queue", "QSEARCH_SEMANTIC_QUEUE"),
    ("query_cache_size", "QSEARCH_QUERY_CACHE_SIZE"),
    ("response_cache_size", "QSEARCH_RESPONSE_CACHE_SIZE"),
];

impl Settings {
    /// A configuration file's settings; unknown keys are errors (a typo
    /// should not be ignored).
    pub fn from_toml(text: &str) -> anyhow::Result<Settings> {
        Ok(toml::from_str(text)?)
    }

    pub fn from_file(path: &std::path::Path) -> anyhow::Result<Settings> {
        use anyhow::Context;
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the configuration file {}", path.display()))?;
        Settings::from_toml(&text)
            .with_context(|| format!("invalid configuration file {}", path.display()))
    }

    /// The settings the environment gives (see [`ENV`]), read through
    /// `lookup` (`std::env::var` in the binary); a value that does not parse
    /// is an error naming the variable.
    pub fn from_env(lookup: impl Fn(&str) -> Option<String>) -> anyhow::Result<Settings> {
        let mut table = toml::Table::new();
        for (key, var) in ENV {
            let Some(raw) = lookup(var).filter(|v| !v.trim().is_empty()) else {
                continue;
            };
            let raw = raw.trim();
            let value = match key {
                "bind" => toml::Value::String(raw.to_string()),
                "keyword_only" => toml::Value::Boolean(match raw {
                    "1" | "true" | "yes" => true,
                    "0" | "false" | "no" => false,
                    _ => anyhow::bail!("{var}={raw}: expected true or false"),
                }),
                _ => toml::Value::Integer(
                    raw.parse()
                        .map_err(|_| anyhow::anyhow!("{var}={raw}: expected a number"))?,
                ),
            };
            table.insert(key.to_string(), value);
        }
        Ok(table.try_into()?)
    }

    /// These settings, with `other`'s where these have none.
    pub fn or(self, other: Settings) -> Settings {
        Settings {
            bind: self.bind.or(other.bind),
            keyword_only: self.keyword_only.or(other.keyword_only),
            timeout_secs: self.timeout_secs.or(other.timeout_secs),
            header_timeout_secs: self.header_timeout_secs.or(other.header_timeout_secs),
            concurrency: self.concurrency.or(other.concurrency),
            keyword_searches: self.keyword_searches.or(other.keyword_searches),
            semantic_searches: self.semantic_searches.or(other.semantic_searches),
            keyword_queue: self.keyword_queue.or(other.keyword_queue),
            semantic_queue: self.semantic_queue.or(other.semantic_queue),
            query_cache_size: self.query_cache_size.or(other.query_cache_size),
            response_cache_size: self.response_cache_size.or(other.response_cache_size),
        }
    }

    /// Where to listen ([`crate::DEFAULT_BIND`] unless set).
    pub fn bind(&self) -> SocketAddr {
        self.bind
            .unwrap_or_else(|| crate::DEFAULT_BIND.parse().expect("valid default address"))
    }

    /// The limits, [`Limits::default`] where unset.
    pub fn limits(&self) -> Limits {
        let d = Limits::default();
        let secs = |s: Option<u64>, default: Duration| {
            s.map_or(default, |s| Duration::from_secs(s.max(1)))
        };
        Limits {
            timeout: secs(self.timeout_secs, d.timeout),
            header_read_timeout: secs(self.header_timeout_secs, d.header_read_timeout),
            concurrency: self.concurrency.unwrap_or(d.concurrency).max(1),
            keyword_searches: self.keyword_searches.unwrap_or(d.keyword_searches).max(1),
            semantic_searches: self.semantic_searches.unwrap_or(d.semantic_searches).max(1),
            keyword_queue: self.keyword_queue.unwrap_or(d.keyword_queue),
            semantic_queue: self.semantic_queue.unwrap_or(d.semantic_queue),
            query_cache_size: self.query_cache_size.unwrap_or(d.query_cache_size).max(1),
            response_cache_size: self.response_cache_size.unwrap_or(d.response_cache_size),
        }
    }
}
