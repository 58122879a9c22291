//! The web page: `index.html`, `app.js` and `style.css`, embedded in the binary.

use axum::Router;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use rust_embed::RustEmbed;

use crate::error::ApiError;
use crate::extract::ApiPath;
use crate::state::AppState;

#[derive(RustEmbed)]
#[folder = "assets/"]
struct Assets;

/// `/` and `/assets/{file}`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(index))
        .route("/index.html", get(index))
        .route("/assets/{*file}", get(asset))
}

async fn index(headers: HeaderMap) -> Response {
    serve_asset("index.html", &headers)
}

async fn asset(headers: HeaderMap, ApiPath(file): ApiPath<String>) -> Response {
    serve_asset(&file, &headers)
}

/// An asset's entity tag: its content's SHA-256 (computed at build time by
/// rust-embed), so it changes exactly when the file does; weak, because the
/// compression layer may send the same content in another encoding.
fn etag(file: &rust_embed::EmbeddedFile) -> String {
    let hash = file.metadata.sha256_hash();
    let hex: String = hash[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("W/\"{hex}\"")
}

/// Whether `If-None-Match` names this tag (or is `*`); weak tags compare
/// equal to strong ones, as RFC 9110 asks for this header.
fn not_modified(headers: &HeaderMap, tag: &str) -> bool {
    let tag = tag.trim_start_matches("W/");
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == "*" || t == tag)
}

fn serve_asset(name: &str, request: &HeaderMap) -> Response {
    match Assets::get(name) {
        Some(file) => {
            let tag = etag(&file);
            let mut response = if not_modified(request, &tag) {
                StatusCode::NOT_MODIFIED.into_response()
            } else {
                file.data.into_owned().into_response()
            };
            let headers = response.headers_mut();
            if let Ok(value) = HeaderValue::from_str(&tag) {
                headers.insert(header::ETAG, value);
            }
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(content_type(name)),
            );
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            response
        }
        None => ApiError::not_found("找不到该页面文件", format!("no such asset: {name}"))
            .into_response(),
    }
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next() {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}
