//! The OpenAPI document, generated from the handlers' `#[utoipa::path]`
//! annotations and parameter/response types; the paths are the routes of
//! `api::routes` (utoipa-axum), so a route cannot be served undocumented.

use std::sync::OnceLock;

use axum::http::header;
use axum::response::IntoResponse;
use utoipa::OpenApi;

use crate::api;
use crate::error::ErrorBody;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "qsearch",
        description = "Full-text and semantic search over Chinese government responsibility lists (责任清单): who is responsible for what, with cited passages. Errors are `{\"error\": \"中文 / English\", \"code\": \"invalid_request\"}`: the message for people, a stable code for programs."
    ),
    components(schemas(ErrorBody)),
    tags(
        (name = "search", description = "Ranked passages and who-answers"),
        (name = "compare", description = "One matter across bureaus"),
        (name = "records", description = "Records and bureaus"),
        (name = "laws", description = "The legal-basis index: laws, regulations, rules and standards cited"),
        (name = "health", description = "Server, index and model state"),
        (name = "meta", description = "This document"),
    )
)]
pub struct ApiDoc;

/// The document as JSON, built once.
pub fn json() -> &'static str {
    static JSON: OnceLock<String> = OnceLock::new();
    JSON.get_or_init(|| {
        let (_, document) = api::routes().split_for_parts();
        document
            .to_pretty_json()
            .expect("the OpenAPI document serializes")
    })
}

/// This OpenAPI document.
#[utoipa::path(
    get,
    path = "/api/openapi.json",
    tag = "meta",
    responses((status = 200, description = "OpenAPI 3.1 document", content_type = "application/json", body = Object))
)]
pub async fn document() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], json())
}
