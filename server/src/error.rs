//! API errors: every failure is a status and a JSON body
//! `{"error": "中文说明 / English explanation", "code": "invalid_request"}`:
//! the message for people, the code for programs.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// The body of every error response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, ToSchema)]
pub struct ErrorBody {
    /// What went wrong, in Chinese and English: `中文 / English`.
    #[schema(example = "缺少查询参数 q / missing query parameter q")]
    pub error: String,
    /// What kind of error, stable across versions: invalid_request,
    /// invalid_query, not_found, method_not_allowed, too_long, too_large,
    /// headers_too_large, timeout, overloaded, unavailable,
    /// model_unavailable, damaged_index, index, io, invalid_catalog, internal.
    #[schema(example = "invalid_request")]
    pub code: String,
    /// The request's `x-request-id` (also a response header and in the
    /// server's log lines), to quote when reporting a problem.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "6f1c2a9e-3b1d-4c6e-9a51-0d2f7b8e4c10")]
    pub request_id: Option<String>,
}

/// An error a handler returns; it renders as [`ErrorBody`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub zh: String,
    pub en: String,
    /// See [`ErrorBody::code`].
    pub code: &'static str,
    /// Seconds after which a retry may succeed (the `Retry-After` header),
    /// for overload and timeouts.
    pub retry_after: Option<u32>,
}

/// The code an error of this status has unless it names a finer one.
fn code_of(status: StatusCode) -> &'static str {
    match status {
        StatusCode::BAD_REQUEST => "invalid_request",
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::URI_TOO_LONG => "too_long",
        StatusCode::PAYLOAD_TOO_LARGE => "too_large",
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => "headers_too_large",
        StatusCode::REQUEST_TIMEOUT | StatusCode::GATEWAY_TIMEOUT => "timeout",
        StatusCode::TOO_MANY_REQUESTS => "overloaded",
        StatusCode::SERVICE_UNAVAILABLE => "unavailable",
        s if s.is_client_error() => "invalid_request",
        _ => "internal",
    }
}

impl ApiError {
    pub fn new(status: StatusCode, zh: impl Into<String>, en: impl Into<String>) -> Self {
        ApiError {
            status,
            zh: zh.into(),
            en: en.into(),
            code: code_of(status),
            retry_after: None,
        }
    }

    /// The same error with a `Retry-After: secs` header.
    pub fn with_retry_after(mut self, secs: u32) -> Self {
        self.retry_after = Some(secs);
        self
    }

    /// A pool's queue is full: refused at once, to be retried shortly.
    pub fn overloaded(pool: &str) -> Self {
        ApiError::unavailable(
            "服务繁忙，请稍后重试",
            format!("the server is busy ({pool} queue full); retry shortly"),
        )
        .with_code("overloaded")
        .with_retry_after(1)
    }

    /// The same error with a finer code than its status gives.
    pub fn with_code(mut self, code: &'static str) -> Self {
        self.code = code;
        self
    }

    pub fn bad_request(zh: impl Into<String>, en: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, zh, en)
    }

    pub fn not_found(zh: impl Into<String>, en: impl Into<String>) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, zh, en)
    }

    pub fn too_long(zh: impl Into<String>, en: impl Into<String>) -> Self {
        ApiError::new(StatusCode::URI_TOO_LONG, zh, en)
    }

    pub fn unavailable(zh: impl Into<String>, en: impl Into<String>) -> Self {
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, zh, en)
    }

    pub fn internal(en: impl Into<String>) -> Self {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "服务器内部错误", en)
    }

    /// The message as the body carries it.
    pub fn message(&self) -> String {
        format!("{} / {}", self.zh, self.en)
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            error: self.message(),
            code: self.code.to_string(),
            request_id: None,
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status.as_u16(), self.message())
    }
}

impl std::error::Error for ApiError {}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if self.status.is_server_error() {
            tracing::error!(status = self.status.as_u16(), error = %self.en, "request failed");
        } else {
            tracing::debug!(status = self.status.as_u16(), error = %self.en, "request rejected");
        }
        let mut response = (self.status, Json(self.body())).into_response();
        if let Some(secs) = self.retry_after {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, secs.into());
        }
        response
    }
}

/// Library errors: a bad query is the client's fault, a missing model is a
/// temporary condition, anything else is ours.
impl From<qsearch::Error> for ApiError {
    fn from(e: qsearch::Error) -> Self {
        let code = e.code();
        let error = match e {
            qsearch::Error::Query(msg) => ApiError::bad_request("查询无效", msg),
            qsearch::Error::Model(msg) => ApiError::unavailable(
                "语义模型暂不可用，请改用关键词检索 (mode=bm25)",
                format!("embedding model unavailable: {msg}"),
            ),
            qsearch::Error::Deadline(stage) => ApiError::unavailable(
                "请求超时，请稍后重试",
                format!("the request's deadline passed during {stage}; try again later"),
            ),
            other => ApiError::internal(other.to_string()),
        };
        error.with_code(code)
    }
}

/// A blocking task that panicked or was cancelled.
impl From<tokio::task::JoinError> for ApiError {
    fn from(e: tokio::task::JoinError) -> Self {
        ApiError::internal(format!("search task failed: {e}"))
    }
}
