//! `lede serve`: a thin HTTP adapter over the same library calls the CLI makes, on a local
//! index or (search, trend, articles, stats) on an OpenSearch index through the same
//! [`Backend`](crate::Backend) trait. This file owns starting and stopping (the runtime, the
//! listener, the signals, the reload thread) and the routes; what each route does is in its
//! own file:
//!
//! - `params.rs`: query strings (and saved searches' JSON bodies) into the library's requests,
//!   with the limits;
//! - `api.rs`: the read-only endpoints (search, trend, terms, articles, stats, health);
//! - `saved.rs`: saved searches (list, run, feed; add and remove from this machine only);
//! - `reply.rs`: JSON bodies and errors with fitting statuses;
//! - `state.rs`: what is searched (the engine over the last commit, or the cluster),
//!   reloading, the blocking threads;
//! - `page.rs`: the search page, compiled into the binary (there is no file serving at all).
//!
//! Every JSON body is written by the code `--json` uses, so the API has the CLI's schema
//! (`lede_json`). Searches run on tokio's blocking threads, never on the async ones.

mod api;
mod page;
mod params;
mod reply;
mod saved;
mod state;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::Router;
use axum::routing::get;

use crate::error::{Error, Result};
use crate::remote::OpenSearch;
use crate::search::Engine;

pub use params::{
    MAX_FACET_SIZE, MAX_LIMIT, MAX_OFFSET, MAX_PASSAGES, MAX_QUERY_CHARS, MAX_REPEATS, MAX_TERMS,
    MAX_TERMS_SAMPLE,
};
pub use saved::FEED_ENTRIES;

/// Where `lede serve` listens unless told otherwise: this machine only.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:7700";

/// Serves the index in `dir` on `listen` until Ctrl-C or SIGTERM. `ready` is called once with
/// the address bound (the port chosen, when port 0 was asked for) before the first request.
pub fn serve(dir: &Path, listen: SocketAddr, ready: impl FnOnce(SocketAddr)) -> Result<()> {
    let engine = Engine::open(dir)?;
    let shared = state::Shared::new(dir, engine, listen.ip().is_loopback());
    run(shared, listen, ready)
}

/// Serves the OpenSearch index `os` as [`serve`] serves a folder: the page, search, trend,
/// articles and stats (significant terms and saved searches answer 501: they read a local
/// index). Fails at once when the cluster does not answer or has no such index.
pub fn serve_cluster(
    os: OpenSearch,
    listen: SocketAddr,
    ready: impl FnOnce(SocketAddr),
) -> Result<()> {
    // As a folder is opened first: a cluster that cannot answer, or has no such index, is an
    // error now (exit 2 with the cluster's reason), not a server that fails every request.
    crate::Backend::stats(&os)?;
    let shared = state::Shared::cluster(os, listen.ip().is_loopback());
    run(shared, listen, ready)
}

fn run(shared: state::Shared, listen: SocketAddr, ready: impl FnOnce(SocketAddr)) -> Result<()> {
    let cpus = std::thread::available_parallelism().map_or(2, |n| n.get());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(cpus.min(4))
        // Searches are CPU-bound: more threads than cores only queue inside the kernel.
        .max_blocking_threads((cpus * 2).max(4))
        .enable_all()
        .build()
        .map_err(|e| Error::io("the server's threads", e))?;
    let shared = Arc::new(shared);
    let stop = Arc::new(AtomicBool::new(false));
    let reloader = if shared.is_local() {
        let (shared, stop) = (shared.clone(), stop.clone());
        let thread = std::thread::Builder::new()
            .name("lede-reload".into())
            .spawn(move || state::reload_loop(&shared, &stop))
            .map_err(|e| Error::io("the reload thread", e))?;
        Some(thread)
    } else {
        None
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
    if let Some(reloader) = reloader {
        let _ = reloader.join();
    }
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

/// The routes. Anything else is a JSON 404; there is no route that reads a file.
fn router(shared: Arc<state::Shared>) -> Router {
    Router::new()
        .route("/", get(page::html))
        .route("/page.css", get(page::css))
        .route("/page.js", get(page::js))
        .route("/api/health", get(api::health))
        .route("/api/search", get(api::search))
        .route("/api/trend", get(api::trend))
        .route("/api/terms", get(api::terms))
        .route("/api/stats", get(api::stats))
        .route("/api/articles/{*id}", get(api::article))
        .route("/api/saved", get(saved::list).post(saved::add))
        .route("/api/saved/{name}", get(saved::run).delete(saved::remove))
        .route("/api/saved/{name}/feed.atom", get(saved::feed))
        .fallback(api::not_found)
        .method_not_allowed_fallback(api::method_not_allowed)
        .with_state(shared)
}
