//! The search page: its HTML, CSS and script, compiled into the binary (the same bytes in
//! every build), served with headers that keep it from loading anything from elsewhere. There
//! is no route that reads a file.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

const PAGE_HTML: &str = include_str!("page.html");
const PAGE_CSS: &str = include_str!("page.css");
const PAGE_JS: &str = include_str!("page.js");

/// Static content, with headers that keep the page from loading anything from elsewhere.
fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(
                    "default-src 'self'; img-src 'self' data:; style-src 'self'; \
                     script-src 'self'; connect-src 'self'; frame-ancestors 'none'",
                ),
            ),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        body,
    )
        .into_response()
}

pub async fn html() -> Response {
    asset("text/html; charset=utf-8", PAGE_HTML)
}

pub async fn css() -> Response {
    asset("text/css; charset=utf-8", PAGE_CSS)
}

pub async fn js() -> Response {
    asset("text/javascript; charset=utf-8", PAGE_JS)
}
