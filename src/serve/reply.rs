//! What the server answers with: JSON bodies written the way `--json` writes them, and
//! [`ApiError`], an error as `{"error": "..."}` with the HTTP status that fits the library's
//! error. It knows nothing of routes or parameters.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::error::Error;

/// What a client did wrong, or what went wrong here, as `{"error": "..."}`.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
}

impl ApiError {
    /// A 400: the request cannot be read.
    pub fn bad(message: impl Into<String>) -> ApiError {
        ApiError::with(StatusCode::BAD_REQUEST, message)
    }

    pub fn with(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
        }
    }

    /// A 500: something went wrong here, not in the request.
    pub fn internal(message: impl std::fmt::Display) -> ApiError {
        ApiError::with(StatusCode::INTERNAL_SERVER_ERROR, message.to_string())
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> ApiError {
        let status = match &e {
            Error::Query(_)
            | Error::SameLabel(_)
            | Error::ManyArticles { .. }
            | Error::EmptySpan { .. }
            | Error::Aggregation(_)
            | Error::SavedName(_) => StatusCode::BAD_REQUEST,
            Error::NotFound(_) | Error::NoSavedSearch(_) => StatusCode::NOT_FOUND,
            Error::SavedExists(_) => StatusCode::CONFLICT,
            // The index is being rebuilt under the server: worth trying again in a moment.
            Error::NoIndex { .. } | Error::Locked(_) => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        ApiError::with(status, e.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        #[derive(Serialize)]
        struct Body<'a> {
            error: &'a str,
        }
        let mut body = serde_json::to_vec(&Body {
            error: &self.message,
        })
        .unwrap_or_else(|_| b"{\"error\":\"?\"}".to_vec());
        body.push(b'\n');
        (self.status, json_headers(), body).into_response()
    }
}

pub type ApiResult = std::result::Result<Response, ApiError>;

fn json_headers() -> [(header::HeaderName, HeaderValue); 2] {
    [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        ),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
    ]
}

/// A JSON body the CLI's writers made, with `status`.
pub fn json_response_with(status: StatusCode, body: Vec<u8>) -> Response {
    (status, json_headers(), body).into_response()
}

/// A JSON body the CLI's writers made.
pub fn json_response(body: Vec<u8>) -> Response {
    json_response_with(StatusCode::OK, body)
}

/// `value` as `--json` prints it: one line of serde_json, then a newline.
pub fn json_line(value: &impl Serialize) -> std::result::Result<Vec<u8>, ApiError> {
    let mut out = Vec::new();
    serde_json::to_writer(&mut out, value).map_err(ApiError::internal)?;
    out.push(b'\n');
    Ok(out)
}
