//! The web page: `index.html`, `app.js` and `style.css`, embedded in the binary.

use axum::Router;
use axum::http::{HeaderValue, header};
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

async fn index() -> Response {
    serve_asset("index.html")
}

async fn asset(ApiPath(file): ApiPath<String>) -> Response {
    serve_asset(&file)
}

fn serve_asset(name: &str) -> Response {
    match Assets::get(name) {
        Some(file) => {
            let mut response = file.data.into_owned().into_response();
            let headers = response.headers_mut();
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
