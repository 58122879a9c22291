//! Terminal rendering.
