//! One client connection's bytes, so that the responses hyper writes on its
//! own are JSON errors like every other.
//!
//! A request hyper cannot parse (bad request line or header, a URI or header
//! block too large) never reaches the router: hyper answers it itself with
//! `400`, `414` or `431`, an empty body and `connection: close`.
//! [`JsonParseErrors`] recognises exactly that response head (status line,
//! `connection: close`, `content-length: 0`, `date`, nothing else; every
//! response of the router carries more headers, among them
//! `x-content-type-options`) and writes the same status with the project's
//! [`ErrorBody`](crate::ErrorBody) instead.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use axum::http::StatusCode;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::error::ApiError;

/// A connection whose automatic parse-error responses are rewritten as JSON.
#[derive(Debug)]
pub struct JsonParseErrors<T> {
    inner: T,
    /// A rewritten response not yet fully written, and how much of it is.
    pending: Option<(Vec<u8>, usize)>,
}

impl<T> JsonParseErrors<T> {
    pub fn new(inner: T) -> Self {
        JsonParseErrors {
            inner,
            pending: None,
        }
    }
}

impl<T: AsyncWrite + Unpin> JsonParseErrors<T> {
    /// Writes what is left of a rewritten response.
    fn poll_pending(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while let Some((bytes, done)) = &mut self.pending {
            if *done == bytes.len() {
                self.pending = None;
                break;
            }
            let n = ready!(Pin::new(&mut self.inner).poll_write(cx, &bytes[*done..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            *done += n;
        }
        Poll::Ready(Ok(()))
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for JsonParseErrors<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for JsonParseErrors<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        ready!(this.poll_pending(cx))?;
        if let Some((head_len, response)) = rewrite(buf) {
            this.pending = Some((response, 0));
            // Written as far as the socket takes it now; flush and shutdown
            // write the rest before anything else.
            if let Poll::Ready(Err(e)) = this.poll_pending(cx) {
                return Poll::Ready(Err(e));
            }
            return Poll::Ready(Ok(head_len));
        }
        Pin::new(&mut this.inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_pending(cx))?;
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_pending(cx))?;
        Pin::new(&mut this.inner).poll_shutdown(cx)
    }

    /// Not vectored, so hyper writes each response head in one buffer.
    fn is_write_vectored(&self) -> bool {
        false
    }
}

/// The JSON error for hyper's own response head at the start of `buf`, and
/// the length of that head; `None` for anything else.
fn rewrite(buf: &[u8]) -> Option<(usize, Vec<u8>)> {
    if !buf.starts_with(b"HTTP/1.1 4") {
        return None;
    }
    let end = buf.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&buf[..end]).ok()?;
    let mut lines = head.split("\r\n");
    let code: u16 = lines.next()?.get(9..12)?.parse().ok()?;
    let status = StatusCode::from_u16(code).ok()?;
    let error = parse_error(status)?;
    let mut date = None;
    for line in lines {
        let (name, value) = line.split_once(':')?;
        let value = value.trim();
        match name.to_ascii_lowercase().as_str() {
            "connection" if value.eq_ignore_ascii_case("close") => {}
            "content-length" if value == "0" => {}
            "date" => date = Some(value),
            _ => return None,
        }
    }
    let body = serde_json::to_vec(&error.body()).ok()?;
    let mut response = format!(
        "HTTP/1.1 {} {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\nx-content-type-options: nosniff\r\n",
        status.as_u16(),
        status.canonical_reason().unwrap_or(""),
        body.len()
    );
    if let Some(date) = date {
        response.push_str(&format!("date: {date}\r\n"));
    }
    response.push_str("\r\n");
    let mut response = response.into_bytes();
    response.extend_from_slice(&body);
    tracing::debug!(status = code, "malformed request rejected");
    Some((end + 4, response))
}

/// The statuses hyper answers unparsable requests with.
fn parse_error(status: StatusCode) -> Option<ApiError> {
    let (zh, en) = match status {
        StatusCode::BAD_REQUEST => ("请求格式错误", "malformed HTTP request"),
        StatusCode::URI_TOO_LONG => ("请求地址过长", "request URI too long"),
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => {
            ("请求头过大", "request header fields too large")
        }
        _ => return None,
    };
    Some(ApiError::new(status, zh, en))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hypers_own_error_heads_become_json() {
        let head = b"HTTP/1.1 431 Request Header Fields Too Large\r\nconnection: close\r\ncontent-length: 0\r\ndate: Tue, 01 Dec 2026 16:44:40 GMT\r\n\r\n";
        let (len, response) = rewrite(head).unwrap();
        assert_eq!(len, head.len());
        let text = String::from_utf8(response).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"));
        assert!(head.contains("content-type: application/json"));
        assert!(head.contains("date: Tue, 01 Dec 2026 16:44:40 GMT"));
        assert!(head.contains(&format!("content-length: {}", body.len())));
        let body: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(
            body["error"],
            "请求头过大 / request header fields too large"
        );
    }

    #[test]
    fn responses_of_the_router_are_left_alone() {
        for head in [
            &b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: 0\r\n\r\n"[..],
            b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\ndate: x\r\n\r\n",
            b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n",
            b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n",
            b"{\"error\": \"HTTP/1.1 400\"}",
        ] {
            assert!(rewrite(head).is_none(), "{}", String::from_utf8_lossy(head));
        }
    }
}
