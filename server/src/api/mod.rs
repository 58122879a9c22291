//! The JSON API: one module per endpoint.

pub mod bureaus;
pub mod compare;
pub mod health;
pub mod laws;
pub mod params;
pub mod records;
pub mod search;
pub mod who;

use axum::Router;
use axum::routing::get;

use crate::state::AppState;

/// The API routes (`/api/…` and `/healthz`).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/search", get(search::search))
        .route("/api/who", get(who::who))
        .route("/api/compare", get(compare::compare))
        .route("/api/matters", get(compare::matters))
        .route("/api/bureaus", get(bureaus::bureaus))
        .route("/api/records/{id}", get(records::record))
        .route("/api/laws", get(laws::laws))
        .route("/api/laws/{name}", get(laws::law))
        .route("/api/openapi.json", get(crate::openapi::document))
        .route("/healthz", get(health::health))
}
