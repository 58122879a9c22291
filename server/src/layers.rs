//! Middleware and fallbacks: deadline, security headers, JSON 404/405, JSON
//! bodies for the errors of layers and extractors.

use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

/// Fails a request that takes longer than the deadline with a JSON 503
/// (the blocking search it started finishes in the background).
pub async fn deadline(State(timeout): State<Duration>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    match tokio::time::timeout(timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(
                path,
                timeout_ms = timeout.as_millis() as u64,
                "request timed out"
            );
            ApiError::unavailable(
                format!("请求超时（超过 {} 秒），请稍后重试", timeout.as_secs_f32()),
                format!(
                    "request timed out after {:.1} s; try again later",
                    timeout.as_secs_f32()
                ),
            )
            .with_code("timeout")
            .into_response()
        }
    }
}

/// The page loads nothing from elsewhere; say so to the browser.
pub async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
        ),
    );
    response
}

/// Unknown paths.
pub async fn not_found(request: Request) -> ApiError {
    let path: String = request.uri().path().chars().take(100).collect();
    ApiError::not_found(
        format!("没有这个地址：{path}"),
        format!("no such endpoint: {path}"),
    )
}

/// Known paths with a method other than GET/HEAD.
pub async fn method_not_allowed(request: Request) -> ApiError {
    ApiError::new(
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        format!("不支持的请求方法 {}（只支持 GET）", request.method()),
        format!("method {} not allowed (use GET)", request.method()),
    )
}

/// Errors made outside the handlers' own [`ApiError`]s (the body limit's
/// `413 length limit exceeded`, an extractor's plain-text rejection) get the
/// JSON error body too, with the same status and headers.
pub async fn json_errors(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let is_json = is_json(&response);
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let error = match status {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(
            status,
            format!("请求体过大（最多 {} 字节）", crate::MAX_BODY_BYTES),
            format!(
                "request body too large (at most {} bytes)",
                crate::MAX_BODY_BYTES
            ),
        ),
        _ => ApiError::new(
            status,
            "请求无法处理",
            format!(
                "request failed: {}",
                status.canonical_reason().unwrap_or("error")
            ),
        ),
    };
    let (mut parts, _) = response.into_parts();
    let json = error.into_response();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::CONTENT_TYPE);
    for (name, value) in json.headers() {
        parts.headers.insert(name, value.clone());
    }
    Response::from_parts(parts, json.into_body())
}

/// Error bodies name the request's `x-request-id` (set by the outer
/// request-id layer) as `request_id`, so a user can quote it and an
/// operator find its log lines.
pub async fn request_id_in_errors(request: Request, next: Next) -> Response {
    let id = request
        .headers()
        .get(crate::REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let response = next.run(request).await;
    let status = response.status();
    let is_json = is_json(&response);
    let Some(id) = id else {
        return response;
    };
    if !(status.is_client_error() || status.is_server_error()) || !is_json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    // Error bodies are a few hundred bytes.
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return ApiError::internal("cannot read an error body").into_response();
    };
    let mut value: serde_json::Value = match serde_json::from_slice(&bytes) {
        Ok(value) => value,
        Err(_) => return Response::from_parts(parts, axum::body::Body::from(bytes)),
    };
    if let Some(object) = value.as_object_mut() {
        object.insert("request_id".into(), serde_json::Value::String(id));
    }
    let bytes = serde_json::to_vec(&value).unwrap_or_else(|_| bytes.to_vec());
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// Whether a response already carries a JSON body.
fn is_json(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}
