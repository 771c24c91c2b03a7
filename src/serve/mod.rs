//! `lede serve`: a thin HTTP adapter over the same library calls the CLI makes. It owns the
//! routes, the parsing of query-string parameters into [`SearchRequest`] and [`TrendRequest`],
//! errors as JSON with fitting statuses, reloading the index when a commit lands, and the
//! search page (HTML, CSS and JS compiled into the binary: there is no file serving at all).
//!
//! Every JSON body is written by the code `--json` uses, so the API has the CLI's schema
//! (`lede_json`). Searches run on tokio's blocking threads, never on the async ones.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use axum::Router;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path as UrlPath, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::fields::guess;
use crate::model::{
    Backend, Combine, FacetRequest, Interval, JSON_VERSION, Scope, SearchRequest, Sort,
    TrendRequest, dates, parse,
};
use crate::output;
use crate::search::Engine;

/// Where `lede serve` listens unless told otherwise: this machine only.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:7700";

/// The longest query accepted, in characters (a pasted paragraph fits; a pasted book does not).
pub const MAX_QUERY_CHARS: usize = 2_000;
/// The most hits one page may ask for.
pub const MAX_LIMIT: usize = 1_000;
/// The deepest a client may page.
pub const MAX_OFFSET: usize = 100_000;
/// The most passages per hit.
pub const MAX_PASSAGES: usize = 20;
/// The most values one facet may return (a month histogram over two centuries fits).
pub const MAX_FACET_SIZE: usize = 5_000;
/// The most repetitions of a repeatable parameter (facet, filter, q of a trend).
pub const MAX_REPEATS: usize = 32;
/// The longest query string accepted, in bytes, before it is even parsed.
const MAX_QUERY_STRING: usize = 64 * 1024;
/// How often the index folder is checked for a new commit.
const RELOAD_EVERY: Duration = Duration::from_millis(250);

/// The page, its style and its script: the same bytes in every build.
const PAGE_HTML: &str = include_str!("page.html");
const PAGE_CSS: &str = include_str!("page.css");
const PAGE_JS: &str = include_str!("page.js");

/// Serves the index in `dir` on `listen` until Ctrl-C or SIGTERM. `ready` is called once with
/// the address bound (the port chosen, when port 0 was asked for) before the first request.
pub fn serve(dir: &Path, listen: SocketAddr, ready: impl FnOnce(SocketAddr)) -> Result<()> {
    let engine = Engine::open(dir)?;
    let cpus = std::thread::available_parallelism().map_or(2, |n| n.get());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(cpus.min(4))
        // Searches are CPU-bound: more threads than cores only queue inside the kernel.
        .max_blocking_threads((cpus * 2).max(4))
        .enable_all()
        .build()
        .map_err(|e| Error::io("the server's threads", e))?;
    let shared = Arc::new(Shared {
        dir: dir.to_path_buf(),
        engine: RwLock::new(Arc::new(engine)),
        damage: RwLock::new(None),
    });
    let stop = Arc::new(AtomicBool::new(false));
    let reloader = {
        let (shared, stop) = (shared.clone(), stop.clone());
        std::thread::Builder::new()
            .name("lede-reload".into())
            .spawn(move || reload_loop(&shared, &stop))
            .map_err(|e| Error::io("the reload thread", e))?
    };
    let served = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|e| listen_error(listen, e))?;
        let local = listener.local_addr().map_err(|e| listen_error(listen, e))?;
        ready(local);
        axum::serve(listener, router(shared))
            .with_graceful_shutdown(shutdown_signal())
            .await
            .map_err(|e| Error::io(listen.to_string(), e))
    });
    stop.store(true, Ordering::SeqCst);
    let _ = reloader.join();
    served
}

fn listen_error(addr: SocketAddr, e: std::io::Error) -> Error {
    Error::io(
        addr.to_string(),
        std::io::Error::new(
            e.kind(),
            format!("cannot listen there: {e} (give another --listen, or port 0 for a free one)"),
        ),
    )
}

/// Ctrl-C, or SIGTERM on Unix.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

/// What every handler shares: the index folder, the engine over its last commit, and what is
/// wrong with the index when it was found damaged (every request answers that, until a new
/// commit opens).
struct Shared {
    dir: PathBuf,
    engine: RwLock<Arc<Engine>>,
    damage: RwLock<Option<String>>,
}

impl Shared {
    fn engine(&self) -> Arc<Engine> {
        self.engine
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    fn damage(&self) -> Option<String> {
        self.damage
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    fn set_damage(&self, damage: Option<String>) {
        *self
            .damage
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = damage;
    }

    /// The answer to any request while the index is damaged.
    fn refuse_if_damaged(&self) -> std::result::Result<(), ApiError> {
        match self.damage() {
            Some(message) => Err(ApiError {
                status: StatusCode::INTERNAL_SERVER_ERROR,
                message,
            }),
            None => Ok(()),
        }
    }
}

/// What identifies a commit on disk: tantivy replaces `meta.json` (atomically) at each one.
fn commit_stamp(dir: &Path) -> Option<(SystemTime, u64, u64)> {
    let meta = std::fs::metadata(dir.join("meta.json")).ok()?;
    #[cfg(unix)]
    let inode = std::os::unix::fs::MetadataExt::ino(&meta);
    #[cfg(not(unix))]
    let inode = 0;
    Some((meta.modified().ok()?, meta.len(), inode))
}

/// Watches `meta.json` and swaps in an engine over each new commit. A whole new engine, not
/// just a reloaded reader, so that what the engine caches (the section paths) is new too. A
/// commit that cannot be opened for a passing reason leaves the last good engine serving, and
/// is tried again on the next change; searches in flight keep the engine they started with.
/// Between commits the index's files are checked as opening checks them (a `stat` each): an
/// index found damaged, at a new commit or under the running engine, answers every request
/// with what is wrong and how to rebuild it, until a new commit opens.
fn reload_loop(shared: &Shared, stop: &AtomicBool) {
    let mut seen = commit_stamp(&shared.dir);
    while !stop.load(Ordering::SeqCst) {
        std::thread::sleep(RELOAD_EVERY);
        let now = commit_stamp(&shared.dir);
        if now.is_some() && now != seen {
            match Engine::open(&shared.dir) {
                Ok(engine) => {
                    *shared
                        .engine
                        .write()
                        .unwrap_or_else(|poisoned| poisoned.into_inner()) = Arc::new(engine);
                    shared.set_damage(None);
                    seen = now;
                }
                Err(e @ Error::Damaged { .. }) => {
                    shared.set_damage(Some(e.to_string()));
                    seen = now;
                }
                Err(_) => {}
            }
        } else if shared.damage().is_none()
            && let Err(e @ Error::Damaged { .. }) = shared.engine().check_files()
        {
            shared.set_damage(Some(e.to_string()));
        }
    }
}

/// The routes. Anything else is a JSON 404; there is no route that reads a file.
fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/", get(page_html))
        .route("/page.css", get(page_css))
        .route("/page.js", get(page_js))
        .route("/api/health", get(health))
        .route("/api/search", get(search))
        .route("/api/trend", get(trend))
        .route("/api/stats", get(api_stats))
        .route("/api/articles/{*id}", get(article))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(shared)
}

/// What a client did wrong, or what went wrong here, as `{"error": "..."}`.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
}

impl ApiError {
    fn bad(message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
        }
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> ApiError {
        let status = match &e {
            Error::Query(_) | Error::SameLabel(_) | Error::ManyArticles { .. } => {
                StatusCode::BAD_REQUEST
            }
            Error::NotFound(_) => StatusCode::NOT_FOUND,
            // The index is being rebuilt under the server: worth trying again in a moment.
            Error::NoIndex { .. } | Error::Locked(_) => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        ApiError {
            status,
            message: e.to_string(),
        }
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

fn json_headers() -> [(header::HeaderName, HeaderValue); 2] {
    [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        ),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
    ]
}

type ApiResult = std::result::Result<Response, ApiError>;

/// A JSON body the CLI's writers made.
fn json_response(body: Vec<u8>) -> Response {
    (StatusCode::OK, json_headers(), body).into_response()
}

/// `value` as `--json` prints it: one line of serde_json, then a newline.
fn json_line(value: &impl Serialize) -> std::result::Result<Vec<u8>, ApiError> {
    let mut out = Vec::new();
    serde_json::to_writer(&mut out, value).map_err(|e| ApiError {
        status: StatusCode::INTERNAL_SERVER_ERROR,
        message: e.to_string(),
    })?;
    out.push(b'\n');
    Ok(out)
}

/// Runs `f` on a blocking thread with the current engine. A panic in it becomes a 500 (the
/// server goes on).
async fn blocking<T: Send + 'static>(
    shared: &Arc<Shared>,
    f: impl FnOnce(&Engine) -> std::result::Result<T, ApiError> + Send + 'static,
) -> std::result::Result<T, ApiError> {
    shared.refuse_if_damaged()?;
    let engine = shared.engine();
    tokio::task::spawn_blocking(move || f(&engine))
        .await
        .unwrap_or_else(|e| {
            Err(ApiError {
                status: StatusCode::INTERNAL_SERVER_ERROR,
                message: format!("the search failed: {e}"),
            })
        })
}

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

async fn page_html() -> Response {
    asset("text/html; charset=utf-8", PAGE_HTML)
}

async fn page_css() -> Response {
    asset("text/css; charset=utf-8", PAGE_CSS)
}

async fn page_js() -> Response {
    asset("text/javascript; charset=utf-8", PAGE_JS)
}

async fn not_found() -> ApiError {
    ApiError {
        status: StatusCode::NOT_FOUND,
        message: "no such page (the API: /api/search, /api/trend, /api/articles/ID, \
                  /api/stats, /api/health)"
            .into(),
    }
}

async fn method_not_allowed() -> ApiError {
    ApiError {
        status: StatusCode::METHOD_NOT_ALLOWED,
        message: "only GET is served".into(),
    }
}

async fn health(State(shared): State<Arc<Shared>>) -> ApiResult {
    #[derive(Serialize)]
    struct Health {
        lede_json: u32,
        status: &'static str,
        articles: u64,
    }
    shared.refuse_if_damaged()?;
    let articles = shared.engine().num_articles();
    Ok(json_response(json_line(&Health {
        lede_json: JSON_VERSION,
        status: "ok",
        articles,
    })?))
}

async fn search(State(shared): State<Arc<Shared>>, RawQuery(raw): RawQuery) -> ApiResult {
    let req = search_request(&Params::parse(raw.as_deref())?)?;
    let body = blocking(&shared, move |engine| {
        let results = Backend::search(engine, &req)?;
        let mut out = Vec::new();
        output::write_json(&mut out, &results).map_err(|e| ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            message: e.to_string(),
        })?;
        Ok(out)
    })
    .await?;
    Ok(json_response(body))
}

async fn trend(State(shared): State<Arc<Shared>>, RawQuery(raw): RawQuery) -> ApiResult {
    let req = trend_request(&Params::parse(raw.as_deref())?)?;
    let body = blocking(&shared, move |engine| {
        json_line(&Backend::trend(engine, &req)?)
    })
    .await?;
    Ok(json_response(body))
}

async fn article(
    State(shared): State<Arc<Shared>>,
    id: std::result::Result<UrlPath<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> ApiResult {
    let UrlPath(id) = id.map_err(|e| ApiError::bad(format!("cannot read the article id: {e}")))?;
    let params = Params::parse(raw.as_deref())?;
    params.only(&["q"])?;
    let query = params.one("q")?.map(check_query).transpose()?;
    let body = blocking(&shared, move |engine| {
        json_line(&Backend::show(engine, &id, query.as_deref())?)
    })
    .await?;
    Ok(json_response(body))
}

async fn api_stats(State(shared): State<Arc<Shared>>, RawQuery(raw): RawQuery) -> ApiResult {
    Params::parse(raw.as_deref())?.only(&[])?;
    let body = blocking(&shared, move |engine| json_line(&Backend::stats(engine)?)).await?;
    Ok(json_response(body))
}

/// A query string as name-value pairs, in order.
pub struct Params(Vec<(String, String)>);

impl Params {
    pub fn parse(raw: Option<&str>) -> std::result::Result<Params, ApiError> {
        let raw = raw.unwrap_or("");
        if raw.len() > MAX_QUERY_STRING {
            return Err(ApiError::bad(format!(
                "the query string is {} bytes long; at most {MAX_QUERY_STRING} are read",
                raw.len()
            )));
        }
        Ok(Params(
            form_urlencoded::parse(raw.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        ))
    }

    /// Refuses a parameter not in `known`, naming the closest known one.
    fn only(&self, known: &[&str]) -> std::result::Result<(), ApiError> {
        for (name, _) in &self.0 {
            if !known.contains(&name.as_str()) {
                let hint = guess(name, known.iter().copied());
                let list = if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                };
                return Err(ApiError::bad(format!(
                    "unknown parameter '{name}' (parameters: {list}){hint}"
                )));
            }
        }
        Ok(())
    }

    fn all<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a str> + 'a {
        let name = name.to_string();
        self.0
            .iter()
            .filter(move |(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    /// A parameter given at most once.
    fn one(&self, name: &str) -> std::result::Result<Option<&str>, ApiError> {
        let mut values = self.all(name);
        let first = values.next();
        if values.next().is_some() {
            return Err(ApiError::bad(format!("'{name}' is given more than once")));
        }
        Ok(first)
    }

    /// A repeatable parameter, at most [`MAX_REPEATS`] times.
    fn many(&self, name: &str) -> std::result::Result<Vec<&str>, ApiError> {
        let values: Vec<&str> = self.all(name).collect();
        if values.len() > MAX_REPEATS {
            return Err(ApiError::bad(format!(
                "'{name}' is given {} times; at most {MAX_REPEATS}",
                values.len()
            )));
        }
        Ok(values)
    }

    fn number(
        &self,
        name: &str,
        default: usize,
        max: usize,
    ) -> std::result::Result<usize, ApiError> {
        match self.one(name)? {
            None => Ok(default),
            Some(v) => match v.trim().parse::<usize>() {
                Ok(n) if n <= max => Ok(n),
                Ok(_) => Err(ApiError::bad(format!(
                    "{name}={v} is too large: at most {max}"
                ))),
                Err(_) => Err(ApiError::bad(format!(
                    "{name} must be a number from 0 to {max}, not '{v}'"
                ))),
            },
        }
    }

    fn flag(&self, name: &str) -> std::result::Result<bool, ApiError> {
        match self.one(name)? {
            None => Ok(false),
            Some("" | "1" | "true" | "yes" | "on") => Ok(true),
            Some("0" | "false" | "no" | "off") => Ok(false),
            Some(v) => Err(ApiError::bad(format!(
                "{name} must be true or false, not '{v}'"
            ))),
        }
    }

    /// One of a few words.
    fn choice<T: Copy>(
        &self,
        name: &str,
        choices: &[(&str, T)],
        default: T,
    ) -> std::result::Result<T, ApiError> {
        match self.one(name)? {
            None => Ok(default),
            Some(v) => choices
                .iter()
                .find(|(word, _)| word.eq_ignore_ascii_case(v.trim()))
                .map(|(_, t)| *t)
                .ok_or_else(|| {
                    let words: Vec<&str> = choices.iter().map(|(w, _)| *w).collect();
                    ApiError::bad(format!(
                        "{name} must be one of {}, not '{v}'{}",
                        words.join(", "),
                        guess(v, words.iter().copied())
                    ))
                }),
        }
    }

    /// The filters and dates every request may narrow by.
    fn scope(&self) -> std::result::Result<Scope, ApiError> {
        let filters = self
            .many("filter")?
            .into_iter()
            .map(|f| parse::filter(f).map_err(ApiError::bad))
            .collect::<std::result::Result<_, _>>()?;
        let date = |name: &str| -> std::result::Result<_, ApiError> {
            self.one(name)?
                .filter(|v| !v.trim().is_empty())
                .map(|v| {
                    dates::period(v).ok_or_else(|| {
                        ApiError::bad(format!(
                            "{name}: '{v}' is not a date (write YYYY, YYYY-MM or YYYY-MM-DD, \
                             from 1678 to 2261)"
                        ))
                    })
                })
                .transpose()
        };
        Ok(Scope {
            filters,
            from: date("since")?.map(|(start, _)| start),
            to: date("until")?.map(|(_, end)| end),
        })
    }
}

/// A query: present, not blank, and not too long.
fn check_query(q: &str) -> std::result::Result<String, ApiError> {
    let chars = q.chars().count();
    if chars > MAX_QUERY_CHARS {
        return Err(ApiError::bad(format!(
            "the query is {chars} characters long; at most {MAX_QUERY_CHARS} are searched"
        )));
    }
    if q.trim().is_empty() {
        return Err(ApiError::bad(
            "the query is empty (q=WORDS; q=* for every article)",
        ));
    }
    Ok(q.to_string())
}

const MATCH_CHOICES: [(&str, Combine); 3] = [
    ("auto", Combine::Auto),
    ("all", Combine::All),
    ("any", Combine::Any),
];

/// `GET /api/search?...` as the request `lede search` would make from the same flags.
pub fn search_request(p: &Params) -> std::result::Result<SearchRequest, ApiError> {
    p.only(&[
        "q", "limit", "offset", "passages", "match", "filter", "since", "until", "sort", "facet",
        "exact", "collapse",
    ])?;
    let query = check_query(
        p.one("q")?
            .ok_or_else(|| ApiError::bad("give a query: q=WORDS (q=* for every article)"))?,
    )?;
    let facets = p
        .many("facet")?
        .into_iter()
        .map(parse_facet)
        .collect::<std::result::Result<_, _>>()?;
    Ok(SearchRequest {
        query,
        limit: p.number("limit", 10, MAX_LIMIT)?,
        offset: p.number("offset", 0, MAX_OFFSET)?,
        passages: p.number("passages", 2, MAX_PASSAGES)?,
        combine: p.choice("match", &MATCH_CHOICES, Combine::Auto)?,
        facets,
        scope: p.scope()?,
        sort: p.choice(
            "sort",
            &[
                ("relevance", Sort::Relevance),
                ("newest", Sort::Newest),
                ("oldest", Sort::Oldest),
            ],
            Sort::Relevance,
        )?,
        exact: p.flag("exact")?,
        collapse: p.flag("collapse")?,
    })
}

/// `GET /api/trend?...` as the request `lede trend` would make from the same flags.
pub fn trend_request(p: &Params) -> std::result::Result<TrendRequest, ApiError> {
    p.only(&[
        "q",
        "by",
        "split",
        "normalize",
        "match",
        "filter",
        "since",
        "until",
        "collapse",
    ])?;
    let queries = p
        .many("q")?
        .into_iter()
        .map(|q| check_query(q).map(|q| parse::trend_query(&q)))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    if queries.is_empty() {
        return Err(ApiError::bad(
            "give at least one query: q=WORDS, or q=LABEL=WORDS (repeatable)",
        ));
    }
    let split = p
        .one("split")?
        .map(|s| parse::split(s).map_err(ApiError::bad))
        .transpose()?;
    Ok(TrendRequest {
        queries,
        interval: p.choice(
            "by",
            &[
                ("day", Interval::Day),
                ("week", Interval::Week),
                ("month", Interval::Month),
                ("year", Interval::Year),
            ],
            Interval::Month,
        )?,
        split,
        scope: p.scope()?,
        combine: p.choice(
            "match",
            &[("auto", Combine::Auto), ("any", Combine::Any)],
            Combine::Auto,
        )?,
        normalize: p.flag("normalize")?,
        collapse: p.flag("collapse")?,
    })
}

/// `FIELD`, `FIELD=N`, `section=/PATH` or `section=/PATH=N`, as `--facet` reads it, with a
/// bound on the values asked for.
fn parse_facet(arg: &str) -> std::result::Result<FacetRequest, ApiError> {
    let request = parse::facet(arg).map_err(ApiError::bad)?;
    if request.size > MAX_FACET_SIZE {
        return Err(ApiError::bad(format!(
            "at most {MAX_FACET_SIZE} values of a facet, not {}",
            request.size
        )));
    }
    Ok(request)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::FacetField;

    fn search(q: &str) -> std::result::Result<SearchRequest, ApiError> {
        search_request(&Params::parse(Some(q))?)
    }

    #[test]
    fn parameters_become_the_request_the_cli_makes() {
        let req = search(
            "q=anti-satellite+test&limit=5&offset=10&passages=1&match=any&sort=newest\
             &facet=author%3D3&facet=section%3D%2Fbbc%2Fsport&filter=source%3Dbbc&since=2004\
             &until=2005-06",
        )
        .unwrap();
        assert_eq!(req.query, "anti-satellite test");
        assert_eq!((req.limit, req.offset, req.passages), (5, 10, 1));
        assert_eq!(req.combine, Combine::Any);
        assert_eq!(req.sort, Sort::Newest);
        assert_eq!(
            (req.facets[0].field, req.facets[0].size),
            (FacetField::Author, 3)
        );
        assert_eq!(req.facets[1].under, ["bbc".to_string(), "sport".into()]);
        assert_eq!(req.scope.filters[0].value, "bbc");
        assert_eq!(req.scope.from, dates::period("2004").map(|p| p.0));
        assert_eq!(req.scope.to, dates::period("2005-06").map(|p| p.1));
    }

    #[test]
    fn bad_parameters_say_what_is_wrong() {
        let msg = |q: &str| search(q).unwrap_err().message;
        assert!(msg("limit=3").contains("give a query"));
        assert!(msg("q=x&limit=many").contains("limit must be a number"));
        assert!(msg("q=x&limit=1001").contains("at most 1000"));
        assert!(msg("q=x&offset=100001").contains("at most 100000"));
        assert!(msg("q=x&facet=autor").contains("did you mean 'author'?"));
        assert!(msg("q=x&filter=topic").contains("expected FIELD=VALUE, like topic=grain"));
        assert!(msg("q=x&since=yesterday").contains("not a date"));
        assert!(msg("q=x&sort=best").contains("sort must be one of"));
        assert!(msg("q=x&q=y").contains("more than once"));
        assert!(msg("q=x&limt=3").contains("did you mean 'limit'?"));
        assert!(msg(&format!("q={}", "a".repeat(2001))).contains("at most 2000"));
        assert!(msg("q=%20").contains("empty"));
    }

    #[test]
    fn trend_labels_as_on_the_command_line() {
        let req = trend_request(&Params::parse(Some("q=oil+price%3Doil&q=grain&by=year")).unwrap())
            .unwrap();
        assert_eq!(req.queries[0].label, "oil price");
        assert_eq!(req.queries[0].query, "oil");
        assert_eq!(req.queries[1].label, "grain");
        assert_eq!(req.interval, Interval::Year);
    }
}
