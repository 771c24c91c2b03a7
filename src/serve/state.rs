//! What every handler shares: what it searches (the engine over a local index's last commit,
//! swapped in by the reload thread when a commit lands; or an OpenSearch index), what is wrong
//! with a local index found damaged (every request answers that, until a new commit opens),
//! whether changes are accepted, and [`searching`] and [`blocking`], which run library calls
//! off the async threads: any [`Backend`], or the local engine only.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, SystemTime};

use axum::http::StatusCode;

use crate::error::Error;
use crate::model::Backend;
use crate::remote::OpenSearch;
use crate::search::Engine;

use super::reply::ApiError;

/// How often the index folder is checked for a new commit.
const RELOAD_EVERY: Duration = Duration::from_millis(250);

/// What the server searches.
enum Source {
    /// An index folder, its engine replaced at each commit.
    Local(RwLock<Arc<Engine>>),
    /// An OpenSearch index: the cluster sees its own commits.
    Cluster(Arc<OpenSearch>),
}

pub struct Shared {
    /// The index folder (for a cluster, its address, named in messages only).
    pub dir: PathBuf,
    source: Source,
    damage: RwLock<Option<String>>,
    /// The server listens on a loopback address only, so that saved searches may be changed.
    pub loopback: bool,
    /// Held while the server changes `saved-searches.json`, so that two changes sent at once
    /// do not overwrite each other.
    pub saved_writes: Mutex<()>,
    /// Significant terms computed at once. One takes about a hundred times a search's time
    /// and tens of MB (2,000 articles read and analysed again, 400 phrase counts: 150 ms of
    /// processor and 50 MB on Reuters + BBC), so a few clients asking for terms would
    /// otherwise hold every blocking thread and leave searches waiting. The others wait
    /// here, holding no thread.
    pub terms_slots: tokio::sync::Semaphore,
}

impl Shared {
    pub fn new(dir: &Path, engine: Engine, loopback: bool) -> Shared {
        Shared::with(
            dir.to_path_buf(),
            Source::Local(RwLock::new(Arc::new(engine))),
            loopback,
        )
    }

    pub fn cluster(os: OpenSearch, loopback: bool) -> Shared {
        let target = PathBuf::from(os.target());
        Shared::with(target, Source::Cluster(Arc::new(os)), loopback)
    }

    fn with(dir: PathBuf, source: Source, loopback: bool) -> Shared {
        Shared {
            dir,
            source,
            damage: RwLock::new(None),
            loopback,
            saved_writes: Mutex::new(()),
            terms_slots: tokio::sync::Semaphore::new(terms_at_once()),
        }
    }

    /// The engine over the last commit, or for a cluster what to answer instead: what needs
    /// the local index (significant terms, saved searches) is not served over a cluster.
    pub fn engine(&self) -> std::result::Result<Arc<Engine>, ApiError> {
        match &self.source {
            Source::Local(engine) => Ok(engine
                .read()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .clone()),
            // The cluster's address is not told to clients: it may be an internal one.
            Source::Cluster(_) => Err(ApiError::with(
                StatusCode::NOT_IMPLEMENTED,
                "this server searches an OpenSearch index: significant terms and saved searches \
                 need a local index (lede serve --index DIR)",
            )),
        }
    }

    /// Whether the server searches a local index (which the reload thread watches).
    pub fn is_local(&self) -> bool {
        matches!(self.source, Source::Local(_))
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
    pub fn refuse_if_damaged(&self) -> std::result::Result<(), ApiError> {
        match self.damage() {
            Some(message) => Err(ApiError::internal(message)),
            None => Ok(()),
        }
    }
}

/// Half the cores, at least one.
fn terms_at_once() -> usize {
    let cpus = std::thread::available_parallelism().map_or(2, |n| n.get());
    (cpus / 2).max(1)
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
pub fn reload_loop(shared: &Shared, stop: &AtomicBool) {
    let mut seen = commit_stamp(&shared.dir);
    while !stop.load(Ordering::SeqCst) {
        std::thread::sleep(RELOAD_EVERY);
        let now = commit_stamp(&shared.dir);
        let Source::Local(current) = &shared.source else {
            return;
        };
        if now.is_some() && now != seen {
            match Engine::open(&shared.dir) {
                Ok(engine) => {
                    *current
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
            && let Err(e @ Error::Damaged { .. }) = current
                .read()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .check_files()
        {
            shared.set_damage(Some(e.to_string()));
        }
    }
}

/// Runs `f` on a blocking thread with the local engine (refused over a cluster). A panic in
/// it becomes a 500 (the server goes on).
pub async fn blocking<T: Send + 'static>(
    shared: &Arc<Shared>,
    f: impl FnOnce(&Engine) -> std::result::Result<T, ApiError> + Send + 'static,
) -> std::result::Result<T, ApiError> {
    shared.refuse_if_damaged()?;
    let engine = shared.engine()?;
    off_async(move || f(&engine)).await
}

/// Runs `f` on a blocking thread with what the server searches, local or cluster: the one
/// search API, [`Backend`].
pub async fn searching<T: Send + 'static>(
    shared: &Arc<Shared>,
    f: impl FnOnce(&dyn Backend) -> std::result::Result<T, ApiError> + Send + 'static,
) -> std::result::Result<T, ApiError> {
    shared.refuse_if_damaged()?;
    match &shared.source {
        Source::Local(_) => {
            let engine = shared.engine()?;
            off_async(move || f(&*engine)).await
        }
        Source::Cluster(os) => {
            let os = os.clone();
            off_async(move || f(&*os)).await
        }
    }
}

async fn off_async<T: Send + 'static>(
    f: impl FnOnce() -> std::result::Result<T, ApiError> + Send + 'static,
) -> std::result::Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .unwrap_or_else(|e| Err(ApiError::internal(format!("the search failed: {e}"))))
}
