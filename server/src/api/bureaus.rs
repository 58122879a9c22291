//! `GET /api/bureaus`: the bureaus and their records per section.

use axum::Json;
use axum::extract::State;
use qsearch::SectionKind;
use qsearch::engine::BureauSummary;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::state::AppState;

/// Bureaus, and the section kinds with their totals (for filters).
#[derive(Debug, Serialize, ToSchema)]
pub struct BureausResponse {
    pub bureaus: Vec<BureauSummary>,
    pub sections: Vec<SectionCount>,
}

/// One section kind: its identifier (the `section` filter), Chinese name and record count.
#[derive(Debug, Serialize, ToSchema)]
pub struct SectionCount {
    #[schema(example = "boundary")]
    pub id: String,
    #[schema(example = "职责边界")]
    pub label: String,
    pub records: usize,
}

/// Bureaus with their record counts by section.
#[utoipa::path(
    get,
    path = "/api/bureaus",
    tag = "records",
    responses((status = 200, description = "Bureaus and section kinds", body = BureausResponse))
)]
pub async fn bureaus(State(state): State<AppState>) -> Result<Json<BureausResponse>, ApiError> {
    let bureaus = state.blocking(|engine| Ok(engine.bureaus())).await?;
    let sections = SectionKind::ALL
        .into_iter()
        .map(|kind| SectionCount {
            id: kind.as_str().to_string(),
            label: kind.label().to_string(),
            records: bureaus
                .iter()
                .filter_map(|b| b.by_section.get(kind.as_str()))
                .sum(),
        })
        .collect();
    Ok(Json(BureausResponse { bureaus, sections }))
}
