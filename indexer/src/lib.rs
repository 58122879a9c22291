//! qsearch: parsing, indexing and hybrid search of Chinese government
//! responsibility lists (责任清单).
//!
//! The pipeline, one module per step (see ARCHITECTURE.md):
//! seeds ([`catalog`], [`corpus`]) → text ([`read`]) → records ([`extract`],
//! [`record`], [`departments`]) → index ([`tokenizer`]) …

pub mod catalog;
pub mod corpus;
pub mod departments;
pub mod error;
pub mod extract;
pub mod paths;
pub mod read;
pub mod record;
pub mod text;
pub mod tokenizer;

pub use corpus::{Corpus, FileWarning};
pub use error::{Error, Result};
pub use record::{Bureau, Department, Fields, LineSpan, Record, SectionKind, Source};
