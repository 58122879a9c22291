//! `GET /api/search`: the same object as `qsearch --json`.

use axum::extract::State;
use qsearch::SearchRequest;
use qsearch::index::Filters;
use serde::Deserialize;
use utoipa::IntoParams;

use super::params;
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiQuery;
use crate::responses::JsonBytes;
use crate::state::AppState;

/// Hits returned when `limit` is not given (as in the CLI).
pub use qsearch::engine::DEFAULT_LIMIT;

/// Query parameters of a search. Every value arrives as text and is checked
/// here, so that a wrong one gets a clear bilingual message.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Question or keywords, e.g. 烟花爆竹 or 谁负责烟花爆竹的质量 (1–256 characters).
    #[param(example = "烟花爆竹", min_length = 1, max_length = 256)]
    pub q: Option<String>,
    /// bm25 (keywords), semantic (meaning) or hybrid (both, fused; the default).
    #[param(value_type = Option<qsearch::Mode>, example = "hybrid")]
    pub mode: Option<String>,
    /// Only this bureau: full name, place (常德市) or file prefix (001).
    pub bureau: Option<String>,
    /// Only this province (河北, 湖南省 …).
    pub province: Option<String>,
    /// Only this section: duties, boundary, public_service, supervision, accountability (or its Chinese name, e.g. 职责边界).
    #[param(example = "boundary")]
    pub section: Option<String>,
    /// Only rows assigning this department (质监局, 市公安局 …).
    pub department: Option<String>,
    /// Number of hits, 1–100 (default 10).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100, example = 10)]
    pub limit: Option<String>,
    /// true to show how each hit was ranked.
    #[param(value_type = Option<bool>)]
    pub explain: Option<String>,
}

impl SearchParams {
    /// The library request these parameters ask for, as `qsearch --json` builds it.
    pub fn request(&self) -> Result<SearchRequest, ApiError> {
        let request = SearchRequest {
            query: params::required_text("q", self.q.as_deref())?,
            mode: params::mode(self.mode.as_deref())?,
            limit: params::limit(self.limit.as_deref(), DEFAULT_LIMIT)?,
            filters: Filters {
                bureau: params::optional_text("bureau", self.bureau.as_deref())?,
                province: params::optional_text("province", self.province.as_deref())?,
                section: params::section(self.section.as_deref())?,
                department: params::optional_text("department", self.department.as_deref())?,
            },
            explain: params::flag("explain", self.explain.as_deref())?,
            deadline: None,
        };
        qsearch::Engine::validate(&request)?;
        Ok(request)
    }
}

/// Ranked passages for a question or keywords.
#[utoipa::path(
    get,
    path = "/api/search",
    tag = "search",
    params(SearchParams),
    responses(
        (status = 200, description = "Ranked passages (the same object as `qsearch --json`)", body = qsearch::SearchResponse),
        (status = 400, description = "Missing or empty q, unknown mode or section, limit out of range, malformed query string", body = ErrorBody),
        (status = 414, description = "q or the query string too long", body = ErrorBody),
        (status = 503, description = "Busy or timed out", body = ErrorBody),
    )
)]
pub async fn search(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<SearchParams>,
) -> Result<JsonBytes, ApiError> {
    let request = params.request()?;
    state.search(request).await
}
