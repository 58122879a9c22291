//! Extractors whose rejections are [`ApiError`]s.
//!
//! axum's `Query` decodes percent-encoding leniently (a stray `%` stays as
//! is, invalid UTF-8 becomes U+FFFD), which would search for garbage instead
//! of telling the caller. [`ApiQuery`] checks the raw query string strictly
//! first, then deserializes it with axum's `Query`.

use axum::extract::{FromRequestParts, Path, Query};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// Longest raw query string accepted, in bytes (a 256-character Chinese
/// query is about 2,300 bytes percent-encoded).
pub const MAX_QUERY_STRING_BYTES: usize = 8 * 1024;

/// Query parameters, strictly decoded.
#[derive(Debug, Clone)]
pub struct ApiQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let raw = parts.uri.query().unwrap_or_default();
        check_query_string(raw)?;
        let Query(value) = Query::<T>::try_from_uri(&parts.uri).map_err(|e| {
            ApiError::bad_request(
                "查询参数无效",
                format!("invalid query parameters: {}", e.body_text()),
            )
        })?;
        Ok(ApiQuery(value))
    }
}

/// One path parameter, strictly decoded.
#[derive(Debug, Clone)]
pub struct ApiPath<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(value)) => Ok(ApiPath(value)),
            Err(e) => Err(ApiError::bad_request(
                "路径参数无效（百分号编码或 UTF-8 有误）",
                format!("invalid path parameter: {}", e.body_text()),
            )),
        }
    }
}

/// Rejects over-long query strings, malformed percent-encoding and
/// percent-encoded bytes that are not UTF-8.
pub fn check_query_string(raw: &str) -> Result<(), ApiError> {
    if raw.len() > MAX_QUERY_STRING_BYTES {
        return Err(ApiError::too_long(
            format!(
                "查询字符串过长：{} 字节（最多 {MAX_QUERY_STRING_BYTES}）",
                raw.len()
            ),
            format!(
                "query string too long: {} bytes (at most {MAX_QUERY_STRING_BYTES})",
                raw.len()
            ),
        ));
    }
    for pair in raw.split('&') {
        for part in pair.splitn(2, '=') {
            let bytes = percent_decode(part).map_err(|at| {
                ApiError::bad_request(
                    format!("查询字符串的百分号编码有误（位于 “{}”）", excerpt(part, at)),
                    format!(
                        "malformed percent-encoding in the query string near '{}'",
                        excerpt(part, at)
                    ),
                )
            })?;
            if String::from_utf8(bytes).is_err() {
                return Err(ApiError::bad_request(
                    "查询字符串不是有效的 UTF-8 编码",
                    "the query string is not valid UTF-8 after percent-decoding",
                ));
            }
        }
    }
    Ok(())
}

/// Decodes `application/x-www-form-urlencoded` text strictly; the error is
/// the byte offset of a `%` not followed by two hex digits.
fn percent_decode(s: &str) -> Result<Vec<u8>, usize> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hi = bytes.get(i + 1).and_then(|b| (*b as char).to_digit(16));
                let lo = bytes.get(i + 2).and_then(|b| (*b as char).to_digit(16));
                match (hi, lo) {
                    (Some(hi), Some(lo)) => out.push((hi * 16 + lo) as u8),
                    _ => return Err(i),
                }
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    Ok(out)
}

/// A few characters of `s` from byte `at`, for error messages.
fn excerpt(s: &str, at: usize) -> String {
    s.get(at..).unwrap_or_default().chars().take(6).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_decoding() {
        assert!(check_query_string("").is_ok());
        assert!(check_query_string("q=%E7%83%9F%E8%8A%B1&limit=5").is_ok());
        assert!(check_query_string("q=a+b&x").is_ok());
        assert!(check_query_string("q=%FF%FE").is_err());
        assert!(check_query_string("q=%E7%83").is_err());
        assert!(check_query_string("q=%ZZ").is_err());
        assert!(check_query_string("q=abc%").is_err());
        assert!(check_query_string("q=abc%4").is_err());
        assert_eq!(
            check_query_string(&"a".repeat(MAX_QUERY_STRING_BYTES + 1))
                .unwrap_err()
                .status,
            414
        );
    }
}
