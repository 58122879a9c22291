//! `GET /api/matters` and `GET /api/compare`: one matter across bureaus.

use axum::Json;
use axum::extract::State;
use qsearch::compare::{Comparison, MatterGroup};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::params;
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiQuery;
use crate::state::AppState;

/// The matters of all boundary tables, grouped across bureaus.
#[derive(Debug, Serialize, ToSchema)]
pub struct MattersResponse {
    pub matters: Vec<MatterGroup>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CompareParams {
    /// The matter to compare, e.g. 烟花爆竹 (1–256 characters).
    #[param(example = "烟花爆竹", min_length = 1, max_length = 256)]
    pub matter: Option<String>,
}

/// Lists the matters with the bureaus whose lists have them.
#[utoipa::path(
    get,
    path = "/api/matters",
    tag = "compare",
    responses((status = 200, description = "Matters and their bureaus", body = MattersResponse))
)]
pub async fn matters(State(state): State<AppState>) -> Result<Json<MattersResponse>, ApiError> {
    let matters = state.blocking(|engine| Ok(engine.matters())).await?;
    Ok(Json(MattersResponse { matters }))
}

/// A departments × bureaus table for one matter.
#[utoipa::path(
    get,
    path = "/api/compare",
    tag = "compare",
    params(CompareParams),
    responses(
        (status = 200, description = "The table; `missing_in` names bureaus without the matter", body = qsearch::compare::Comparison),
        (status = 400, description = "Missing or empty matter, or a malformed query string", body = ErrorBody),
        (status = 414, description = "matter too long", body = ErrorBody),
    )
)]
pub async fn compare(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<CompareParams>,
) -> Result<Json<Comparison>, ApiError> {
    let matter = params::required_text("matter", params.matter.as_deref())?;
    let table = state
        .blocking(move |engine| engine.compare(&matter).map_err(ApiError::from))
        .await?;
    Ok(Json(table))
}
