//! The JSON API: one module per endpoint.

pub mod bureaus;
pub mod compare;
pub mod health;
pub mod laws;
pub mod params;
pub mod records;
pub mod search;
pub mod who;

use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

/// The API routes (`/api/…` and `/healthz`), each listed once: the router
/// and the OpenAPI document's paths both come from here.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(crate::openapi::ApiDoc::openapi())
        .routes(routes!(search::search))
        .routes(routes!(who::who))
        .routes(routes!(compare::compare))
        .routes(routes!(compare::matters))
        .routes(routes!(bureaus::bureaus))
        .routes(routes!(records::record))
        .routes(routes!(laws::laws))
        .routes(routes!(laws::law))
        .routes(routes!(crate::openapi::document))
        .routes(routes!(health::health))
}
