//! `GET /healthz`: index and model state.

use axum::Json;
use axum::extract::State;
use qsearch::engine::Health;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::schema;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct HealthResponse {
    /// Always `ok` when the server answers: the index is open.
    #[schema(example = "ok")]
    pub status: &'static str,
    /// Server version.
    pub version: &'static str,
    /// Index and embedding model state.
    #[schema(value_type = schema::Health)]
    pub index: Health,
}

/// Index and model state.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "health",
    responses((status = 200, description = "The server is up and its index open", body = HealthResponse))
)]
pub async fn health(State(state): State<AppState>) -> Result<Json<HealthResponse>, ApiError> {
    let index = state.blocking(|engine| Ok(engine.health())).await?;
    Ok(Json(HealthResponse {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
        index,
    }))
}
