//! `GET /api/who`: who is responsible, with the passages that say so.

use axum::extract::State;

use super::search::SearchParams;
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiQuery;
use crate::responses::JsonBytes;
use crate::state::AppState;

/// The departments responsible for a matter (the `answer`), with the ranked
/// passages its `evidence` ranks point to (`qsearch who --json`). Takes the
/// same parameters as `/api/search`; `answer` is null only when no passage
/// names a department.
#[utoipa::path(
    get,
    path = "/api/who",
    tag = "search",
    params(SearchParams),
    responses(
        (status = 200, description = "Answer card and cited passages", body = qsearch::SearchResponse),
        (status = 400, description = "Missing or empty q, or another bad parameter", body = ErrorBody),
        (status = 414, description = "q too long", body = ErrorBody),
        (status = 503, description = "Busy or timed out", body = ErrorBody),
    )
)]
pub async fn who(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<SearchParams>,
) -> Result<JsonBytes, ApiError> {
    let request = params.request()?;
    state.who(request).await
}
