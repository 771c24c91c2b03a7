//! The index folder on disk: the tantivy `Directory` lede opens it through, and lede's own files
//! in it (written atomically).
//!
//! Every file in the folder gets the permissions the umask gives a new file. tantivy writes its
//! segment files that way, but `meta.json` and `.managed.json` through a temporary file that is
//! always 0600; [`LedeDirectory`] makes those atomic writes itself. `store.rs` opens the folder
//! through it.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tantivy::directory::error::{
    DeleteError, LockError, OpenDirectoryError, OpenReadError, OpenWriteError,
};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, WatchCallback, WatchHandle, WritePtr,
};

use crate::error::{Error, Result};

/// lede's record of how far near-duplicate grouping has caught up (`dedup.rs`).
pub const MARK_FILE: &str = "groups.json";

/// The index folder as tantivy sees it: memory-mapped files, as `MmapDirectory` gives, with
/// atomic writes that leave files with the umask's permissions.
#[derive(Debug, Clone)]
pub struct LedeDirectory {
    inner: MmapDirectory,
    root: PathBuf,
}

impl LedeDirectory {
    /// The folder `dir`, which must exist.
    pub fn open(dir: &Path) -> std::result::Result<LedeDirectory, OpenDirectoryError> {
        Ok(LedeDirectory {
            inner: MmapDirectory::open(dir)?,
            root: dir.to_path_buf(),
        })
    }
}

impl Directory for LedeDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.inner.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.inner.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.inner.open_write(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        replace_file(&self.root.join(path), data)
    }

    fn sync_directory(&self) -> io::Result<()> {
        self.inner.sync_directory()
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        self.inner.acquire_lock(lock)
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(watch_callback)
    }
}

/// Writes `bytes` to `path` whole or not at all: a new file beside it (created as any new file
/// is, so with the umask's permissions), synced, then renamed over it. The temporary name is
/// hidden (tantivy leaves names starting with a dot alone) and its own to this process and
/// call, so that two processes writing the same file never share one.
fn replace_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    static CALLS: AtomicU64 = AtomicU64::new(0);
    let name = path
        .file_name()
        .map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned());
    let tmp = path.with_file_name(format!(
        ".{name}.{}.{}.tmp",
        std::process::id(),
        CALLS.fetch_add(1, Ordering::Relaxed)
    ));
    let written = File::options()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .and_then(|mut file| {
            file.write_all(bytes)?;
            file.sync_data()
        })
        .and_then(|()| fs::rename(&tmp, path));
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    written
}

/// Writes one of lede's own files in the index folder atomically (see [`replace_file`]).
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    replace_file(path, bytes).map_err(|reason| Error::Unwritable {
        path: path.into(),
        reason,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_atomic_write_replaces_the_file_and_leaves_nothing_beside_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.json");
        write_atomically(&path, b"one").unwrap();
        write_atomically(&path, b"two").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
