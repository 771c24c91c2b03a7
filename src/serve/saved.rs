//! Saved searches over HTTP: `GET /api/saved` (the list), `GET /api/saved/{name}` (a run),
//! `GET /api/saved/{name}/feed.atom` (its newest matches as a feed), and, from this machine
//! only, `POST /api/saved` and `DELETE /api/saved/{name}`.
//!
//! Reading never records: a run here is [`Engine::peek_saved`](crate::search::Engine), which
//! says what `lede saved run` would say now (`new` included) and leaves the search's baseline
//! alone, so a feed reader polling the server never takes "new" away from the person who runs
//! `lede saved run NAME --new`. The feed lists the newest matches by date with the ids the
//! CLI's feed uses, and readers keep their own "what is new" by those ids. A name is checked
//! ([`saved::check_name`]) before anything is read, and is only ever a key in the index's
//! `saved-searches.json`, never a path.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path as UrlPath, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::model::SavedList;
use crate::output;
use crate::search::saved;

use super::params::{MAX_LIMIT, Params, search_request};
use super::reply::{ApiError, ApiResult, json_line, json_response, json_response_with};
use super::state::{Shared, blocking};

/// Entries in a saved search's feed unless `limit` says otherwise.
pub const FEED_ENTRIES: usize = 50;

/// The name in the address, read and checked.
fn name_of(name: std::result::Result<UrlPath<String>, PathRejection>) -> Result<String, ApiError> {
    let UrlPath(name) =
        name.map_err(|e| ApiError::bad(format!("cannot read the saved search's name: {e}")))?;
    saved::check_name(&name)?;
    Ok(name)
}

pub async fn list(State(shared): State<Arc<Shared>>, RawQuery(raw): RawQuery) -> ApiResult {
    Params::parse(raw.as_deref())?.only(&[])?;
    let dir = shared.dir.clone();
    let body = blocking(&shared, move |_| {
        json_line(&SavedList::new(&saved::load(&dir)?))
    })
    .await?;
    Ok(json_response(body))
}

pub async fn run(
    State(shared): State<Arc<Shared>>,
    name: std::result::Result<UrlPath<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> ApiResult {
    let name = name_of(name)?;
    Params::parse(raw.as_deref())?.only(&[])?;
    let body = blocking(&shared, move |engine| json_line(&engine.peek_saved(&name)?)).await?;
    Ok(json_response(body))
}

pub async fn feed(
    State(shared): State<Arc<Shared>>,
    name: std::result::Result<UrlPath<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> ApiResult {
    let name = name_of(name)?;
    let params = Params::parse(raw.as_deref())?;
    params.only(&["limit"])?;
    let limit = params.number("limit", FEED_ENTRIES, MAX_LIMIT)?;
    let index = shared.dir.to_string_lossy().into_owned();
    let body = blocking(&shared, move |engine| {
        let (search, latest) = engine.latest_saved(&name, limit)?;
        let mut out = Vec::new();
        output::write_latest_atom(&mut out, &search, &latest, &index)
            .map_err(ApiError::internal)?;
        Ok(out)
    })
    .await?;
    Ok((
        StatusCode::OK,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/atom+xml; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        body,
    )
        .into_response())
}

/// `POST /api/saved` with a JSON object: `name`, then the parameters of `/api/search`
/// (`{"name": "opec", "q": "opec quota", "filter": ["topic=crude"]}`). 201 with the search as
/// the list shows it; 409 when the name is taken; 400 for a bad name or a query that cannot
/// be read (nothing is saved then).
pub async fn add(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> ApiResult {
    may_change(shared.loopback, &headers)?;
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(';')
                .next()
                .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"))
        });
    if !json {
        return Err(ApiError::with(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send the search as JSON (Content-Type: application/json): \
             {\"name\": \"opec\", \"q\": \"opec quota\"}",
        ));
    }
    let mut params = Params::from_json(&body)?;
    let name = params.take("name")?.ok_or_else(|| {
        ApiError::bad("give the search a name: {\"name\": \"opec\", \"q\": \"opec quota\"}")
    })?;
    saved::check_name(&name)?;
    let req = search_request(&params)?;
    let location = format!(
        "/api/saved/{}",
        form_urlencoded::byte_serialize(name.as_bytes())
            .collect::<String>()
            .replace('+', "%20")
    );
    let body = {
        let shared2 = shared.clone();
        blocking(&shared, move |engine| {
            let _held = shared2
                .saved_writes
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            engine.save_search(&name, req)?;
            let search = saved::find(&shared2.dir, &name)?;
            json_line(&SavedList::new(&[search]).saved[0])
        })
        .await?
    };
    let mut response = json_response_with(StatusCode::CREATED, body);
    if let Ok(location) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

/// `DELETE /api/saved/{name}`: 204, or 404 for an unknown name.
pub async fn remove(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    name: std::result::Result<UrlPath<String>, PathRejection>,
) -> std::result::Result<Response, ApiError> {
    may_change(shared.loopback, &headers)?;
    let name = name_of(name)?;
    let shared2 = shared.clone();
    blocking(&shared, move |_| {
        let _held = shared2
            .saved_writes
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        Ok(saved::remove(&shared2.dir, &name)?)
    })
    .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Whether a request may change the saved searches: only on a server that listens on loopback
/// (elsewhere anyone who can reach it could delete a colleague's search and what it has seen),
/// only when addressed by a loopback name (so that a web page whose domain is made to point
/// at 127.0.0.1 cannot), and not from another site's page (its `Origin` differs).
fn may_change(loopback: bool, headers: &HeaderMap) -> Result<(), ApiError> {
    let refuse = |why: &str| Err(ApiError::with(StatusCode::FORBIDDEN, why));
    if !loopback {
        return refuse(
            "saved searches are changed here only when the server listens on loopback \
             (the default); use `lede saved add` and `lede saved rm` on the server's machine",
        );
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !is_loopback_host(host) {
        return refuse(
            "saved searches are changed only through this machine's own address \
             (127.0.0.1, [::1] or localhost)",
        );
    }
    if let Some(origin) = headers.get(header::ORIGIN)
        && origin.to_str().ok() != Some(format!("http://{host}").as_str())
    {
        return refuse("a change sent from another site's page is refused");
    }
    Ok(())
}

/// `127.0.0.1:7700`, `[::1]:7700`, `localhost:7700` (the port optional).
fn is_loopback_host(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        host.rsplit_once(':').map_or(host, |(name, _)| name)
    };
    name.eq_ignore_ascii_case("localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(header::HeaderName, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(k, v)| (k.clone(), HeaderValue::from_static(v)))
            .collect()
    }

    #[test]
    fn changes_only_on_loopback_from_this_machine_and_this_site() {
        let local = headers(&[(header::HOST, "127.0.0.1:7700")]);
        assert!(may_change(true, &local).is_ok());
        let msg = |loopback, h: &HeaderMap| may_change(loopback, h).unwrap_err().message;
        assert!(msg(false, &local).contains("only when the server listens on loopback"));
        assert!(
            msg(true, &headers(&[(header::HOST, "news.example:7700")])).contains("own address")
        );
        let same = [
            (header::HOST, "localhost:7700"),
            (header::ORIGIN, "http://localhost:7700"),
        ];
        assert!(may_change(true, &headers(&same)).is_ok());
        let foreign = [
            (header::HOST, "127.0.0.1:7700"),
            (header::ORIGIN, "https://evil.example"),
        ];
        assert!(msg(true, &headers(&foreign)).contains("another site"));
    }

    #[test]
    fn loopback_hosts_by_name_and_address() {
        for host in [
            "127.0.0.1:7700",
            "localhost:1",
            "LOCALHOST",
            "[::1]:80",
            "127.9.9.9",
        ] {
            assert!(is_loopback_host(host), "{host}");
        }
        for host in [
            "evil.example:7700",
            "10.0.0.1:7700",
            "",
            "[::2]:1",
            "localhost.evil:1",
        ] {
            assert!(!is_loopback_host(host), "{host}");
        }
    }
}
