//! Checking query parameters into library values, with bilingual errors.

use qsearch::engine::{MAX_LIMIT, MAX_QUERY_CHARS};
use qsearch::{Mode, SectionKind};

use crate::error::ApiError;

/// A required text parameter (`q`, `matter`): present, not blank, at most
/// [`MAX_QUERY_CHARS`] characters. Kept as sent (not trimmed), like the CLI.
pub fn required_text(name: &str, value: Option<&str>) -> Result<String, ApiError> {
    let value = value.unwrap_or_default();
    if value.trim().is_empty() {
        return Err(ApiError::bad_request(
            format!("缺少查询参数 {name}（不能为空）"),
            format!("missing or empty query parameter {name}"),
        ));
    }
    check_length(name, value)?;
    Ok(value.to_string())
}

/// An optional filter: blank means no filter.
pub fn optional_text(name: &str, value: Option<&str>) -> Result<Option<String>, ApiError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        Some(v) => {
            check_length(name, v)?;
            Ok(Some(v.to_string()))
        }
        None => Ok(None),
    }
}

fn check_length(name: &str, value: &str) -> Result<(), ApiError> {
    let chars = value.chars().count();
    if chars > MAX_QUERY_CHARS {
        return Err(ApiError::too_long(
            format!("参数 {name} 过长：{chars} 个字符（最多 {MAX_QUERY_CHARS} 个）"),
            format!("parameter {name} too long: {chars} characters (at most {MAX_QUERY_CHARS})"),
        ));
    }
    Ok(())
}

pub fn mode(value: Option<&str>) -> Result<Mode, ApiError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(Mode::default()),
        Some(v) => v.parse().map_err(|e| unknown("检索模式", &e)),
    }
}

pub fn section(value: Option<&str>) -> Result<Option<SectionKind>, ApiError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v.parse().map(Some).map_err(|e| unknown("章节", &e)),
    }
}

/// The library's message for a value none of the possible ones, with its
/// Chinese half (the possible values come from the library's own list).
fn unknown(what_zh: &str, e: &qsearch::UnknownValue) -> ApiError {
    ApiError::bad_request(
        format!("未知的{what_zh} “{}”：可用 {}", e.value, e.choices("或")),
        e.to_string(),
    )
}

pub fn limit(value: Option<&str>, default: usize) -> Result<usize, ApiError> {
    let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(default);
    };
    match v.parse::<usize>() {
        Ok(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        _ => Err(ApiError::bad_request(
            format!(
                "limit 必须是 1 到 {MAX_LIMIT} 之间的整数（收到 “{}”）",
                short(v)
            ),
            format!(
                "limit must be an integer from 1 to {MAX_LIMIT} (got '{}')",
                short(v)
            ),
        )),
    }
}

pub fn flag(name: &str, value: Option<&str>) -> Result<bool, ApiError> {
    match value.map(|v| v.trim().to_ascii_lowercase()).as_deref() {
        None | Some("" | "false" | "0" | "no" | "off") => Ok(false),
        Some("true" | "1" | "yes" | "on") => Ok(true),
        Some(other) => Err(ApiError::bad_request(
            format!("参数 {name} 应为 true 或 false（收到 “{}”）", short(other)),
            format!(
                "parameter {name} must be true or false (got '{}')",
                short(other)
            ),
        )),
    }
}

fn short(v: &str) -> String {
    let mut s: String = v.chars().take(20).collect();
    if v.chars().count() > 20 {
        s.push('…');
    }
    s
}
