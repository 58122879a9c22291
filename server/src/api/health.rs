//! `GET /healthz`: index and model state.

use axum::Json;
use axum::extract::State;
use qsearch::engine::Health;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct HealthResponse {
    /// `ok` when the open index matches the seeds; `stale` when the seeds
    /// changed after it was opened (the server still answers, from the old
    /// index, until it is restarted).
    #[schema(example = "ok")]
    pub status: &'static str,
    /// The seeds differ from what the served index was built from.
    pub seeds_changed: bool,
    /// Server version.
    pub version: &'static str,
    /// Build facts: git revision, index format, default model.
    pub build: qsearch::build_info::BuildInfo,
    /// Index and embedding model state.
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
    let checker = state.clone();
    let (mut index, seeds_changed) = state
        .blocking(move |engine| Ok((engine.health(), checker.seeds_changed())))
        .await?;
    if seeds_changed {
        index.notices.push(
            "the seeds changed after this server opened its index; it answers from the old one until restarted"
                .to_string(),
        );
    }
    Ok(Json(HealthResponse {
        status: if seeds_changed { "stale" } else { "ok" },
        seeds_changed,
        version: env!("CARGO_PKG_VERSION"),
        build: qsearch::build_info::build_info(),
        index,
    }))
}
