//! `GET /api/matters` and `GET /api/compare`: one matter (`matter=`) or any
//! clause or topic (`text=`) across bureaus.

use axum::Json;
use axum::extract::State;
use qsearch::compare::clause::ClauseComparison;
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
    /// A boundary matter: its departments × bureaus table, e.g. 烟花爆竹 (1–256 characters).
    #[param(example = "烟花爆竹", min_length = 1, max_length = 256)]
    pub matter: Option<String>,
    /// Any clause or topic: per bureau the passages of every section that
    /// carry it, with citations, numbers and differences, e.g. 检验检测机构
    /// 监督检查 (1–256 characters). Give `matter` or `text`, not both.
    #[param(example = "检验检测机构 监督检查", min_length = 1, max_length = 256)]
    pub text: Option<String>,
}

/// `matter=`: the departments table; `text=`: the clause comparison.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum CompareResponse {
    Matter(Comparison),
    Text(ClauseComparison),
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

/// A departments × bureaus table for one matter (`matter=`), or any clause
/// compared across bureaus (`text=`).
#[utoipa::path(
    get,
    path = "/api/compare",
    tag = "compare",
    params(CompareParams),
    responses(
        (status = 200, description = "`matter=`: the table (`missing_in` names bureaus without the matter); `text=`: per section one cell per bureau with its passages, their numbers and `differences`, and `missing_in` naming bureaus with nothing on it (plus the matter table when the text names a boundary matter)", body = CompareResponse),
        (status = 400, description = "Neither or both of matter and text, an empty one, no boundary matter like `matter`, or a malformed query string", body = ErrorBody),
        (status = 414, description = "matter or text too long", body = ErrorBody),
    )
)]
pub async fn compare(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<CompareParams>,
) -> Result<Json<CompareResponse>, ApiError> {
    match (&params.matter, &params.text) {
        (Some(_), Some(_)) => Err(ApiError::bad_request(
            "请只给出 matter 或 text 其中之一".to_string(),
            "give either matter or text, not both".to_string(),
        )),
        (_, Some(text)) => {
            let text = params::required_text("text", Some(text))?;
            let clause = state
                .blocking(move |engine| engine.compare_text(&text).map_err(ApiError::from))
                .await?;
            Ok(Json(CompareResponse::Text(clause)))
        }
        (matter, None) => {
            let matter = params::required_text("matter", matter.as_deref())?;
            let table = state
                .blocking(move |engine| engine.compare(&matter).map_err(ApiError::from))
                .await?;
            Ok(Json(CompareResponse::Matter(table)))
        }
    }
}
