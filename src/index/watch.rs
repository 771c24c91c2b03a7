//! Keeping an index current while files change (`lede watch`): bring it up to date, then
//! follow the corpus folders with the notify crate and update the index for the files that
//! appeared, changed or vanished, a batch (and a commit) at a time.
//!
//! Changes are gathered until the corpus has been quiet for [`QUIET`] (or for at most
//! [`MAX_DELAY`]), so that a file written in several steps is read once. The loop ends when
//! `stop` is set (the front end sets it on Ctrl-C); what is pending is committed first. A root
//! moved away or deleted is said so, loudly; one made again in its place is watched afresh
//! and the index brought up to date with it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::{EventKind, RecursiveMode, Watcher};

use crate::error::{Error, Result};
use crate::index::indexer::{IndexRequest, IndexSummary, Indexer, Reporter};

/// Changes are applied once the corpus has been quiet this long...
pub const QUIET: Duration = Duration::from_millis(400);
/// ...or this long after the first of them, whichever comes first.
pub const MAX_DELAY: Duration = Duration::from_secs(2);

/// What the watch loop tells its front end.
pub enum WatchEvent<'a> {
    /// The index was brought up to date with the corpus; watching starts.
    Synced(&'a IndexSummary),
    /// A batch of changes was indexed and committed.
    Batch(&'a IndexSummary),
}

/// Brings the index up to date, then keeps it so until `stop` is set.
pub fn watch(
    req: &IndexRequest,
    reporter: &dyn Reporter,
    stop: &AtomicBool,
    mut on_event: impl FnMut(WatchEvent),
) -> Result<()> {
    // A rebuild is swapped in when its indexer closes: build it first, then watch the result.
    let mut req = req.clone();
    if req.rebuild {
        crate::index::indexer::run(&req, reporter)?;
        req.rebuild = false;
    }
    let req = &req;
    let mut indexer = Indexer::open(req)?;
    indexer.track_changes();
    // Watch first, then catch up: a change made while catching up is not missed.
    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |event| {
        let _ = tx.send(event);
    })
    .map_err(|e| watch_error(&req.index, e))?;
    // Events name files by their full path; the index by the root as given.
    let mut roots: Vec<(PathBuf, PathBuf)> = Vec::new();
    // Which folder each root is (it may be moved away and another made in its place).
    let mut ids: Vec<Option<FolderId>> = Vec::new();
    for root in indexer.roots() {
        watcher
            .watch(&root, RecursiveMode::Recursive)
            .map_err(|e| watch_error(&root, e))?;
        let full = std::fs::canonicalize(&root).map_err(|e| Error::io(&root, e))?;
        ids.push(folder_id(&root));
        roots.push((full, root));
    }
    let summary = indexer.sync(reporter)?;
    on_event(WatchEvent::Synced(&summary));
    let mut last_check = Instant::now();

    let mut pending: BTreeSet<PathBuf> = BTreeSet::new();
    let mut first = Instant::now();
    let mut last = Instant::now();
    loop {
        let stopping = stop.load(Ordering::Relaxed);
        if stopping {
            // Take in what the watcher already noticed, then commit it below.
            while let Ok(Ok(event)) = rx.recv_timeout(Duration::from_millis(50)) {
                if !matches!(event.kind, EventKind::Access(_)) {
                    pending.extend(event.paths.iter().filter_map(|p| as_given(&roots, p)));
                }
            }
        }
        let due = !pending.is_empty() && (last.elapsed() >= QUIET || first.elapsed() >= MAX_DELAY);
        if due || (stopping && !pending.is_empty()) {
            let paths: Vec<PathBuf> = std::mem::take(&mut pending).into_iter().collect();
            let summary = indexer.update(&paths, reporter)?;
            if summary.changed() || summary.skipped_count() > 0 || summary.warnings > 0 {
                on_event(WatchEvent::Batch(&summary));
            }
        }
        if stopping {
            break;
        }
        if last_check.elapsed() >= ROOT_CHECK {
            last_check = Instant::now();
            let mut resync = false;
            for ((full, given), id) in roots.iter_mut().zip(ids.iter_mut()) {
                let now = folder_id(given);
                if now == *id {
                    continue;
                }
                match now {
                    None => reporter.warn(
                        given,
                        "the folder was moved or deleted: changes are not followed until it \
                         is back (its articles stay in the index)",
                    ),
                    Some(_) => {
                        // Moved away and made again (or back): the watch on the old folder
                        // sees nothing here any more.
                        let _ = watcher.unwatch(full);
                        let _ = watcher.unwatch(given);
                        watcher
                            .watch(given, RecursiveMode::Recursive)
                            .map_err(|e| watch_error(given, e))?;
                        if let Ok(canonical) = std::fs::canonicalize(&*given) {
                            *full = canonical;
                        }
                        reporter.warn(
                            given,
                            "the folder was replaced (moved away and made again): \
                             watching the new one, and bringing the index up to date with it",
                        );
                        resync = true;
                    }
                }
                *id = now;
            }
            if resync {
                pending.clear();
                let summary = indexer.sync(reporter)?;
                on_event(WatchEvent::Batch(&summary));
            }
        }
        match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(Ok(event)) => {
                if matches!(event.kind, EventKind::Access(_)) {
                    continue;
                }
                for path in event.paths {
                    let Some(path) = as_given(&roots, &path) else {
                        continue;
                    };
                    if pending.is_empty() {
                        first = Instant::now();
                    }
                    pending.insert(path);
                    last = Instant::now();
                }
            }
            Ok(Err(e)) => reporter.warn(&req.index, &format!("watching failed: {e}")),
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    indexer.close()
}

/// How often the roots are checked for being moved away or replaced.
const ROOT_CHECK: Duration = Duration::from_secs(1);

/// What tells one folder from another made in its place.
type FolderId = (u64, u64);

/// The device and inode of a folder (`None` when it is not there). A folder moved away and
/// made again under the same name is another folder, which inotify does not follow.
#[cfg(unix)]
fn folder_id(path: &Path) -> Option<FolderId> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(path).ok().filter(|m| m.is_dir())?;
    Some((meta.dev(), meta.ino()))
}

/// Elsewhere, only whether it is there.
#[cfg(not(unix))]
fn folder_id(path: &Path) -> Option<FolderId> {
    std::fs::metadata(path)
        .ok()
        .filter(|m| m.is_dir())
        .map(|_| (0, 0))
}

/// The path as the index names it (under the root as given), for a path an event names;
/// `None` for paths outside the roots and for hidden files and folders.
fn as_given(roots: &[(PathBuf, PathBuf)], path: &Path) -> Option<PathBuf> {
    let (rest, given) = roots.iter().find_map(|(full, given)| {
        path.strip_prefix(full)
            .or_else(|_| path.strip_prefix(given))
            .ok()
            .map(|rest| (rest, given))
    })?;
    let hidden = rest
        .components()
        .any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
    (!hidden && !rest.as_os_str().is_empty()).then(|| given.join(rest))
}

fn watch_error(path: &Path, e: notify::Error) -> Error {
    Error::io(
        path,
        std::io::Error::other(format!("cannot watch for changes: {e}")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_paths_are_named_as_the_index_names_them() {
        let roots = vec![(
            PathBuf::from("/home/me/news/corpus"),
            PathBuf::from("corpus"),
        )];
        assert_eq!(
            as_given(&roots, Path::new("/home/me/news/corpus/a/b.txt")),
            Some(PathBuf::from("corpus/a/b.txt"))
        );
        assert_eq!(
            as_given(&roots, Path::new("corpus/b.txt")),
            Some(PathBuf::from("corpus/b.txt"))
        );
        assert_eq!(
            as_given(&roots, Path::new("/home/me/news/corpus/.git/x")),
            None
        );
        assert_eq!(as_given(&roots, Path::new("/elsewhere/b.txt")), None);
        assert_eq!(as_given(&roots, Path::new("/home/me/news/corpus")), None);
    }
}
