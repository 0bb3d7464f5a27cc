//! The HTTP plumbing every route shares: bounded
//! body reading, the Content-Type rule, admin authentication with a constant-time comparison,
//! and catching handler panics. Error answers are [`ApiError`] (`error.rs`).

use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, StatusCode, header};

use super::error::ApiError;

/// The admin secret header.
pub const ADMIN_SECRET: &str = "x-jazz-admin-secret";

/// Absent, `application/json` (parameters allowed) or any `+json` type; else 415.
pub fn check_content_type(headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return Ok(());
    };
    let essence = value
        .to_str()
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if essence == "application/json" || (essence.contains('/') && essence.ends_with("+json")) {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "bad_request",
            "expected Content-Type: application/json",
        ))
    }
}

fn too_large(limit: usize) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "bad_request",
        format!("request body too large (limit {limit} bytes)"),
    )
}

/// Reads a body of at most `limit` bytes within `timeout`: `Content-Length` first, then the
/// streamed bytes are counted, so no more than the limit is ever buffered. A body still
/// incomplete at `timeout` gets 408 (and the connection is closed).
pub async fn read_body(
    headers: &HeaderMap,
    body: Body,
    limit: usize,
    timeout: Duration,
) -> Result<Bytes, ApiError> {
    if let Some(len) = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        && len > limit as u64
    {
        return Err(too_large(limit));
    }
    match tokio::time::timeout(timeout, axum::body::to_bytes(body, limit)).await {
        Ok(read) => read.map_err(|_| too_large(limit)),
        Err(_) => Err(ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "bad_request",
            format!(
                "request body not received within {} s",
                timeout.as_secs_f64()
            ),
        )),
    }
}

/// Equality in time independent of content and length: the digests of both values are
/// compared, and `blake3::Hash` equality is constant-time.
pub fn secrets_equal(given: &[u8], expected: &[u8]) -> bool {
    blake3::hash(given) == blake3::hash(expected)
}

/// Whether the request carries the admin header at all.
pub fn has_admin_header(headers: &HeaderMap) -> bool {
    headers.contains_key(ADMIN_SECRET)
}

/// The admin rules: 403 without a configured secret, 401 for a missing or wrong header.
pub fn check_admin(configured: Option<&str>, headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(expected) = configured else {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "unauthorized",
            "Admin auth not configured",
        ));
    };
    match headers.get(ADMIN_SECRET) {
        None => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Admin secret required for this operation",
        )),
        Some(given) if secrets_equal(given.as_bytes(), expected.as_bytes()) => Ok(()),
        Some(_) => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Invalid admin secret",
        )),
    }
}

/// A future that turns a panic while polling into `Err(())`: the request gets 500, the
/// process and other requests go on.
pub struct CatchPanic<F> {
    inner: Pin<Box<F>>,
}

impl<F> CatchPanic<F> {
    pub fn new(inner: F) -> Self {
        Self {
            inner: Box::pin(inner),
        }
    }
}

impl<F: Future> Future for CatchPanic<F> {
    type Output = Result<F::Output, ()>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = self.inner.as_mut();
        match catch_unwind(AssertUnwindSafe(|| inner.poll(cx))) {
            Ok(Poll::Ready(v)) => Poll::Ready(Ok(v)),
            Ok(Poll::Pending) => Poll::Pending,
            Err(_) => Poll::Ready(Err(())),
        }
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    #[test]
    fn admin_rules() {
        let mut h = HeaderMap::new();
        assert_eq!(
            check_admin(None, &h).map_err(|e| e.status),
            Err(StatusCode::FORBIDDEN)
        );
        assert_eq!(
            check_admin(Some("s"), &h).map_err(|e| e.message),
            Err("Admin secret required for this operation".to_string())
        );
        h.insert(ADMIN_SECRET, HeaderValue::from_static("t"));
        assert_eq!(
            check_admin(Some("s"), &h).map_err(|e| e.message),
            Err("Invalid admin secret".to_string())
        );
        h.insert(ADMIN_SECRET, HeaderValue::from_static("s"));
        assert!(check_admin(Some("s"), &h).is_ok());
    }

    #[test]
    fn content_types() {
        let mut h = HeaderMap::new();
        assert!(check_content_type(&h).is_ok());
        for ok in [
            "application/json; charset=utf-8",
            "application/merge-patch+json",
        ] {
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ok));
            assert!(check_content_type(&h).is_ok(), "{ok}");
        }
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
        assert!(check_content_type(&h).is_err());
    }
}
