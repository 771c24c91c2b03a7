//! The index folder on disk: the tantivy `Directory` lede opens it through, lede's own files in
//! it (written atomically), and whether a folder holds an index lede wrote.
//!
//! Every file in the folder gets the permissions the umask gives a new file. tantivy writes its
//! segment files that way, but `meta.json` and `.managed.json` through a temporary file that is
//! always 0600; [`LedeDirectory`] makes those atomic writes itself. What each file is and who
//! writes it: `store.rs` opens, `rebuild.rs` swaps, `damage.rs` checks.

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
use tantivy::schema::Schema;

use crate::error::{Error, Result};
use crate::index::schema;

/// tantivy's record of the last commit.
pub const META_FILE: &str = "meta.json";
/// tantivy's list of the files it wrote and has not deleted yet.
pub const MANAGED_FILE: &str = ".managed.json";
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

/// Whose index a folder holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// No `meta.json`: no index at all.
    Nobody,
    /// An index a lede wrote, of any version, working or damaged.
    Lede,
    /// Something else's `meta.json`: lede neither writes nor deletes anything there.
    Other,
}

/// Whose index the folder `dir` holds, from its `meta.json`: lede's when the last commit's
/// payload says so (every lede commit records its schema version there), or, before any commit,
/// when the schema is a lede schema. A `meta.json` that is not JSON at all (damaged) is lede's
/// when lede's own mark file lies beside it, as it does after every indexing run.
pub fn owner(dir: &Path) -> Owner {
    let text = match fs::read(dir.join(META_FILE)) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Owner::Nobody,
        Err(_) => return damaged_owner(dir),
        Ok(text) => text,
    };
    let Ok(meta) = serde_json::from_slice::<serde_json::Value>(&text) else {
        return damaged_owner(dir);
    };
    let is_lede = match meta.get("payload").and_then(|p| p.as_str()) {
        Some(payload) => serde_json::from_str::<serde_json::Value>(payload)
            .is_ok_and(|p| p.get("lede_schema").is_some_and(|v| v.is_u64())),
        None => meta
            .get("schema")
            .and_then(|s| serde_json::from_value::<Schema>(s.clone()).ok())
            .is_some_and(|s| schema::is_lede_schema(&s)),
    };
    if is_lede { Owner::Lede } else { Owner::Other }
}

fn damaged_owner(dir: &Path) -> Owner {
    if dir.join(MARK_FILE).is_file() {
        Owner::Lede
    } else {
        Owner::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_is_lede_s_by_its_payload_its_schema_or_its_mark() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        assert_eq!(owner(d), Owner::Nobody);
        fs::write(d.join(META_FILE), r#"{"segments": [], "schema": []}"#).unwrap();
        assert_eq!(owner(d), Owner::Other);
        fs::write(
            d.join(META_FILE),
            r#"{"payload": "{\"lede_schema\":7,\"roots\":[]}", "schema": []}"#,
        )
        .unwrap();
        assert_eq!(owner(d), Owner::Lede);
        fs::write(d.join(META_FILE), "{garbage").unwrap();
        assert_eq!(owner(d), Owner::Other);
        fs::write(d.join(MARK_FILE), "{}").unwrap();
        assert_eq!(owner(d), Owner::Lede);
    }

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
