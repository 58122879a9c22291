//! `GET /api/records/{id}`: one record with its full text and source lines.

use std::path::Path;

use axum::Json;
use axum::extract::State;
use qsearch::Record;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiPath;
use crate::schema;
use crate::state::AppState;

/// A record, its text and the lines of the seed file it was read from.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecordResponse {
    /// The record as `qsearch records --json` prints it.
    #[schema(value_type = schema::Record)]
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
    /// The cited lines of the seed file, verbatim.
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
    let seeds = state.paths().seeds.clone();
    let found = state
        .blocking(move |engine| {
            let record = engine.record(&id).cloned().ok_or_else(|| {
                let shown: String = id.chars().take(80).collect();
                ApiError::not_found(
                    format!("找不到记录 “{shown}”"),
                    format!("no record with id '{shown}'"),
                )
            })?;
            let lines = source_lines(&seeds, &record);
            Ok(RecordResponse {
                text: record.text().to_string(),
                matter: record.matter().to_string(),
                section_label: record.section.label().to_string(),
                citation: format!(
                    "{}:{}-{}",
                    record.source.file, record.source.line_start, record.source.line_end
                ),
                lines,
                record,
            })
        })
        .await?;
    Ok(Json(found))
}

/// The record's lines of its seed file; empty (and logged) when the file
/// cannot be read, since the record itself is still worth showing.
fn source_lines(seeds: &Path, record: &Record) -> Vec<SourceLine> {
    let path = seeds.join(&record.source.file);
    match std::fs::read(&path) {
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
            tracing::warn!(path = %path.display(), error = %e, "cannot read seed file for record");
            Vec::new()
        }
    }
}
