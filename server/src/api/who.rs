//! `GET /api/who`: who is responsible, with the passages that say so.

use axum::Json;
use axum::extract::State;
use qsearch::SearchResponse;

use super::search::SearchParams;
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiQuery;
use crate::schema;
use crate::state::AppState;

/// The departments responsible for a matter (the `answer`), with the ranked
/// passages its `evidence` ranks point to. Takes the same parameters as
/// `/api/search`; `answer` is null when the library finds no who-answer.
#[utoipa::path(
    get,
    path = "/api/who",
    tag = "search",
    params(SearchParams),
    responses(
        (status = 200, description = "Answer card and cited passages", body = schema::SearchResponse),
        (status = 400, description = "Missing or empty q, or another bad parameter", body = ErrorBody),
        (status = 414, description = "q too long", body = ErrorBody),
        (status = 503, description = "Busy or timed out", body = ErrorBody),
    )
)]
pub async fn who(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<SearchParams>,
) -> Result<Json<SearchResponse>, ApiError> {
    // The library attaches the answer to any search that asks "who"; a bare
    // matter (烟花爆竹质量) is asked as a who-question when it gets none.
    let request = params.request()?;
    let response = state.search(request.clone()).await?;
    if response.answer.is_some() || request.query.contains('谁') {
        return Ok(Json(response));
    }
    let mut asked = request;
    asked.query = format!("谁负责{}", asked.query.trim());
    if qsearch::Engine::validate(&asked).is_err() {
        return Ok(Json(response));
    }
    let rephrased = state.search(asked).await?;
    Ok(Json(if rephrased.answer.is_some() {
        rephrased
    } else {
        response
    }))
}
