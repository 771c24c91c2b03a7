//! What every handler shares: the index folder, the engine over its last commit (swapped in
//! by the reload thread when a commit lands), whether changes are accepted, and
//! [`blocking`], which runs library calls off the async threads.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, SystemTime};

use crate::search::Engine;

use super::reply::ApiError;

/// How often the index folder is checked for a new commit.
const RELOAD_EVERY: Duration = Duration::from_millis(250);

pub struct Shared {
    pub dir: PathBuf,
    engine: RwLock<Arc<Engine>>,
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
        Shared {
            dir: dir.to_path_buf(),
            engine: RwLock::new(Arc::new(engine)),
            loopback,
            saved_writes: Mutex::new(()),
            terms_slots: tokio::sync::Semaphore::new(terms_at_once()),
        }
    }

    pub fn engine(&self) -> Arc<Engine> {
        self.engine
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
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
/// commit that cannot be opened (an indexer rebuilding the folder) leaves the last good engine
/// serving, and is tried again on the next change; searches in flight keep the engine they
/// started with.
pub fn reload_loop(shared: &Shared, stop: &AtomicBool) {
    let mut seen = commit_stamp(&shared.dir);
    while !stop.load(Ordering::SeqCst) {
        std::thread::sleep(RELOAD_EVERY);
        let now = commit_stamp(&shared.dir);
        if now.is_none() || now == seen {
            continue;
        }
        if let Ok(engine) = Engine::open(&shared.dir) {
            *shared
                .engine
                .write()
                .unwrap_or_else(|poisoned| poisoned.into_inner()) = Arc::new(engine);
            seen = now;
        }
    }
}

/// Runs `f` on a blocking thread with the current engine. A panic in it becomes a 500 (the
/// server goes on).
pub async fn blocking<T: Send + 'static>(
    shared: &Arc<Shared>,
    f: impl FnOnce(&Engine) -> std::result::Result<T, ApiError> + Send + 'static,
) -> std::result::Result<T, ApiError> {
    let engine = shared.engine();
    tokio::task::spawn_blocking(move || f(&engine))
        .await
        .unwrap_or_else(|e| Err(ApiError::internal(format!("the search failed: {e}"))))
}
