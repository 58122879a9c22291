//! `GET /api/records/{id}`: one record with its full text and source lines.

use axum::Json;
use axum::extract::State;
use qsearch::Record;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiPath;
use crate::state::AppState;

/// A record, its text and the lines of the seed file it was read from.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecordResponse {
    /// The record as `qsearch records --json` prints it.
    pub record: Record,
    /// The record's own text (duty, work item, service content or paragraph).
    pub text: String,
    /// The matter it is about.
    pub matter: String,
    /// Chinese name of its section, e.g. 职责边界.
    pub section_label: String,
    /// `file:start-end`, as cited.
    #[schema(example = "001_e78a3302d4a7bc81.txt:656-657")]
    pub citation: String,
    /// The cited lines of the seed file, verbatim, as the served index read
    /// them (unchanged by later edits of the file).
    pub lines: Vec<SourceLine>,
}

/// One line of a seed file.
#[derive(Debug, Serialize, ToSchema)]
pub struct SourceLine {
    /// 1-based line number.
    pub line: usize,
    pub text: String,
}

/// One record by id (ids appear in every hit and comparison cell).
#[utoipa::path(
    get,
    path = "/api/records/{id}",
    tag = "records",
    params(("id" = String, Path, description = "Record id, e.g. 001_e78a3302d4a7bc81-boundary-656-657")),
    responses(
        (status = 200, description = "The record", body = RecordResponse),
        (status = 400, description = "Malformed percent-encoding in the id", body = ErrorBody),
        (status = 404, description = "No record with this id", body = ErrorBody),
    )
)]
pub async fn record(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<RecordResponse>, ApiError> {
    let found = state
        .blocking(move |engine| {
            let record = engine.record(&id).cloned().ok_or_else(|| {
                let shown: String = id.chars().take(80).collect();
                ApiError::not_found(
                    format!("找不到记录 “{shown}”"),
                    format!("no record with id '{shown}'"),
                )
            })?;
            let lines = source_lines(engine, &record);
            Ok(RecordResponse {
                text: record.text().to_string(),
                matter: record.matter().to_string(),
                section_label: record.section.label().to_string(),
                citation: record.source.citation(),
                lines,
                record,
            })
        })
        .await?;
    Ok(Json(found))
}

/// The record's lines of its seed file as the index read it (kept in the
/// index generation, so they match the record even after the seed file has
/// changed); empty (and logged) when they cannot be read, since the record
/// itself is still worth showing.
fn source_lines(engine: &qsearch::Engine, record: &Record) -> Vec<SourceLine> {
    match engine.index().source(&record.source.file) {
        Ok(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            let span = record.source.span();
            text.split('\n')
                .enumerate()
                .skip(span.start.saturating_sub(1))
                .take(span.len())
                .map(|(i, line)| SourceLine {
                    line: i + 1,
                    text: line.trim_end_matches('\r').to_string(),
                })
                .collect()
        }
        Err(e) => {
            tracing::warn!(file = %record.source.file, error = %e, "cannot read the indexed source of a record");
            Vec::new()
        }
    }
}
