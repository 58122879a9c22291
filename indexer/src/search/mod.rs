//! Retrieval: from a query to a ranked candidate list. The query plan
//! (`query`), the keyword half (`bm25`), fusion with the vector half
//! (`hybrid`), cited identifiers, snippets and the hit type. No answers and
//! no engine state here: [`crate::engine::Engine`] drives these steps.

pub mod bm25;
pub mod hit;
pub mod hybrid;
pub mod identifiers;
pub mod query;
pub mod snippet;

pub use hit::{Explain, Hit, Mode};
pub use query::QueryPlan;
