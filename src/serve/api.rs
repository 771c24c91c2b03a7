//! The read-only JSON endpoints: `/api/search`, `/api/trend`, `/api/terms`,
//! `/api/articles/{id}`, `/api/stats`, `/api/health`, and the JSON answers to an unknown
//! address or method. Each handler reads its parameters ([`super::params`]), makes one library
//! call on a blocking thread, and sends the JSON the matching `--json` prints.

use std::sync::Arc;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path as UrlPath, RawQuery, State};
use axum::http::StatusCode;
use serde::Serialize;

use crate::model::JSON_VERSION;
use crate::output;

use super::params::{Params, check_query, search_request, terms_request, trend_request};
use super::reply::{ApiError, ApiResult, json_line, json_response};
use super::state::{Shared, blocking, searching};

pub async fn not_found() -> ApiError {
    ApiError::with(
        StatusCode::NOT_FOUND,
        "no such page (the API: /api/search, /api/trend, /api/terms, /api/articles/ID, \
         /api/saved, /api/saved/NAME, /api/saved/NAME/feed.atom, /api/stats, /api/health)",
    )
}

pub async fn method_not_allowed() -> ApiError {
    ApiError::with(
        StatusCode::METHOD_NOT_ALLOWED,
        "only GET is served here (and POST /api/saved, DELETE /api/saved/NAME)",
    )
}

pub async fn health(State(shared): State<Arc<Shared>>) -> ApiResult {
    #[derive(Serialize)]
    struct Health {
        lede_json: u32,
        status: &'static str,
        articles: u64,
    }
    let articles = match shared.engine() {
        Ok(engine) => {
            shared.refuse_if_damaged()?;
            engine.num_articles()
        }
        // A cluster: ask it (which also says whether it answers).
        Err(_) => searching(&shared, |backend| Ok(backend.stats()?.articles)).await?,
    };
    Ok(json_response(json_line(&Health {
        lede_json: JSON_VERSION,
        status: "ok",
        articles,
    })?))
}

pub async fn search(State(shared): State<Arc<Shared>>, RawQuery(raw): RawQuery) -> ApiResult {
    let req = search_request(&Params::parse(raw.as_deref())?)?;
    let body = searching(&shared, move |backend| {
        let results = backend.search(&req)?;
        let mut out = Vec::new();
        output::write_json(&mut out, &results).map_err(ApiError::internal)?;
        Ok(out)
    })
    .await?;
    Ok(json_response(body))
}

pub async fn trend(State(shared): State<Arc<Shared>>, RawQuery(raw): RawQuery) -> ApiResult {
    let req = trend_request(&Params::parse(raw.as_deref())?)?;
    let body = searching(&shared, move |backend| json_line(&backend.trend(&req)?)).await?;
    Ok(json_response(body))
}

/// `lede terms` reads the local index only (the cluster has no counterpart), as here. A few
/// at a time (see `Shared::terms_slots`).
pub async fn terms(State(shared): State<Arc<Shared>>, RawQuery(raw): RawQuery) -> ApiResult {
    let req = terms_request(&Params::parse(raw.as_deref())?)?;
    let _slot = shared
        .terms_slots
        .acquire()
        .await
        .map_err(ApiError::internal)?;
    let body = blocking(&shared, move |engine| json_line(&engine.terms(&req)?)).await?;
    Ok(json_response(body))
}

pub async fn article(
    State(shared): State<Arc<Shared>>,
    id: std::result::Result<UrlPath<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> ApiResult {
    let UrlPath(id) = id.map_err(|e| ApiError::bad(format!("cannot read the article id: {e}")))?;
    let params = Params::parse(raw.as_deref())?;
    params.only(&["q"])?;
    let query = params.one("q")?.map(check_query).transpose()?;
    let body = searching(&shared, move |backend| {
        json_line(&backend.show(&id, query.as_deref())?)
    })
    .await?;
    Ok(json_response(body))
}

pub async fn stats(State(shared): State<Arc<Shared>>, RawQuery(raw): RawQuery) -> ApiResult {
    Params::parse(raw.as_deref())?.only(&[])?;
    let body = searching(&shared, move |backend| json_line(&backend.stats()?)).await?;
    Ok(json_response(body))
}
