//! `GET /api/laws` and `GET /api/laws/{name}`: the legal-basis index — the
//! laws, regulations, rules and standards the lists cite, and every record
//! citing one of them.

use axum::Json;
use axum::extract::State;
use qsearch::laws::{Instrument, InstrumentSummary, Kind, LookupError, NotLaw};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::params;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiPath, ApiQuery};
use crate::state::AppState;

/// The instruments cited in the lists, most cited first.
#[derive(Debug, Serialize, ToSchema)]
pub struct LawsResponse {
    pub instruments: Vec<InstrumentSummary>,
    /// `《…》` titles not counted as laws (forms, certificates, notices).
    pub not_laws: Vec<NotLaw>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LawsParams {
    /// Only instruments of this kind: law, regulation, rule, standard or document.
    #[param(example = "law")]
    pub kind: Option<String>,
}

fn kind(value: Option<&str>) -> Result<Option<Kind>, ApiError> {
    let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    [
        Kind::Law,
        Kind::Regulation,
        Kind::Rule,
        Kind::Standard,
        Kind::Document,
    ]
    .into_iter()
    .find(|k| k.as_str() == v || k.label() == v)
    .map(Some)
    .ok_or_else(|| {
        let shown: String = v.chars().take(20).collect();
        ApiError::bad_request(
            format!("未知的法规类别 “{shown}”：可用 law、regulation、rule、standard 或 document"),
            format!("unknown kind '{shown}': use law, regulation, rule, standard or document"),
        )
    })
}

/// Lists the instruments with how many records of each bureau cite them.
#[utoipa::path(
    get,
    path = "/api/laws",
    tag = "laws",
    params(LawsParams),
    responses(
        (status = 200, description = "Instruments, most cited first", body = LawsResponse),
        (status = 400, description = "Unknown kind, or a malformed query string", body = ErrorBody),
    )
)]
pub async fn laws(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<LawsParams>,
) -> Result<Json<LawsResponse>, ApiError> {
    let kind = kind(params.kind.as_deref())?;
    let response = state
        .blocking(move |engine| {
            let index = engine.laws();
            Ok(LawsResponse {
                instruments: index
                    .instruments
                    .iter()
                    .filter(|i| kind.is_none_or(|k| i.kind == k))
                    .map(Instrument::summary)
                    .collect(),
                not_laws: index.not_laws.clone(),
            })
        })
        .await?;
    Ok(Json(response))
}

/// One instrument, by canonical name, variant, decree number or standard
/// code: every record citing it, grouped by bureau, with the articles and
/// the cited lines.
#[utoipa::path(
    get,
    path = "/api/laws/{name}",
    tag = "laws",
    params(("name" = String, Path, description = "Title (with or without 中华人民共和国 and 《》), decree number (国务院令第455号) or standard code (GB/T 14308)", example = "烟花爆竹安全管理条例")),
    responses(
        (status = 200, description = "The instrument and its citing records", body = qsearch::laws::Instrument),
        (status = 400, description = "Blank name or malformed percent-encoding", body = ErrorBody),
        (status = 404, description = "No such instrument, or several match the name", body = ErrorBody),
        (status = 414, description = "name too long", body = ErrorBody),
    )
)]
pub async fn law(
    State(state): State<AppState>,
    ApiPath(name): ApiPath<String>,
) -> Result<Json<Instrument>, ApiError> {
    let name = params::required_text("name", Some(&name))?;
    let found = state
        .blocking(move |engine| {
            let shown: String = name.trim().chars().take(80).collect();
            engine.laws().find(&name).cloned().map_err(|e| match e {
                LookupError::NotFound(_) => ApiError::not_found(
                    format!("找不到法规 “{shown}”"),
                    format!("no law, decree or standard named '{shown}'"),
                ),
                LookupError::Ambiguous(names) => ApiError::not_found(
                    format!("“{shown}” 匹配多部法规：{}", names.join("，")),
                    format!(
                        "'{shown}' matches several instruments: {}",
                        names.join(", ")
                    ),
                ),
            })
        })
        .await?;
    Ok(Json(found))
}
