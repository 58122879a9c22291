//! qsearch: parsing, indexing and hybrid search of Chinese government
//! responsibility lists (责任清单).
//!
//! The pipeline, one module per step (see ARCHITECTURE.md):
//! seeds ([`catalog`], [`corpus`]) → text ([`read`]) → records ([`extract`],
//! [`record`], [`departments`]) → index ([`tokenizer`]) …

pub mod answer;
pub mod bench_corpus;
pub mod build_info;
pub mod catalog;
pub mod compare;
pub mod corpus;
pub mod departments;
pub mod documents;
pub mod embed;
pub mod engine;
pub mod error;
pub mod eval;
pub mod extract;
pub mod formats;
pub mod index;
pub mod laws;
pub mod paths;
pub mod progress;
pub mod ranking;
pub mod read;
pub mod record;
pub mod search;
pub mod text;
pub mod tokenizer;

pub use corpus::{Corpus, FileWarning};
pub use engine::{Engine, SearchRequest, SearchResponse};
pub use error::{Error, Result};
pub use record::{
    Bureau, Department, Fields, Inherited, LineSpan, Record, SectionKind, Source, UnknownValue,
};
pub use search::{Hit, Mode};
