//! `lede index --rebuild` with never a moment without an index: the new index is built aside,
//! in a hidden folder inside the index folder, and swapped in whole once it is committed.
//! Searches meanwhile see the old index, complete, then the new one.
//!
//! The swap, under the folder's writer lock held from start to end: tantivy's list of managed
//! files first names the old files and the new (so that, whatever instant a kill comes, tantivy's
//! own garbage collection can remove what is left over); the new segment files (named by fresh
//! segment ids) move in beside the old; `meta.json` is renamed over the old one, the one atomic
//! step; then the old index's files go, only those its own `meta.json` and `.managed.json`
//! name. The last two happen under tantivy's meta lock, which readers hold while they go from
//! reading `meta.json` to opening its files. A rebuild killed at any point leaves the old index
//! or the new one searchable, and the next run of the indexer clears the aside folder.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use tantivy::Index;
use tantivy::directory::error::LockError;
use tantivy::directory::{Directory, DirectoryLock, INDEX_WRITER_LOCK, META_LOCK};

use crate::error::{Error, Result};
use crate::index::damage::CHECKED_FILE;
use crate::index::folder::{
    self, LedeDirectory, MANAGED_FILE, MARK_FILE, META_FILE, Owner, write_atomically,
};
use crate::index::store::{self, Store};

/// The hidden folder inside the index folder where a rebuild builds the new index.
pub const ASIDE: &str = ".lede-rebuild";

/// Test hook: when this variable is set, the swap pauses after the new segment files have moved
/// into the index folder and before `meta.json` is renamed over, so that a test can kill it there.
pub const PAUSE_IN_SWAP: &str = "LEDE_PAUSE_IN_SWAP";

/// A rebuild under way: the index folder's writer lock, and the folder the new index is in.
pub struct Rebuild {
    dir: PathBuf,
    aside: PathBuf,
    directory: LedeDirectory,
    _lock: DirectoryLock,
}

impl Rebuild {
    /// Takes the writer lock of the index folder `dir` (creating the folder when there is none),
    /// clears what a killed rebuild left, and creates a new empty index aside. A folder holding
    /// an index lede did not write is refused before anything is written in it.
    pub fn start(dir: &Path) -> Result<(Rebuild, Store)> {
        if dir.exists() && !dir.is_dir() {
            return Err(Error::NotAFolder(dir.into()));
        }
        if folder::owner(dir) == Owner::Other {
            return Err(Error::NotLede(dir.into()));
        }
        fs::create_dir_all(dir).map_err(|reason| unwritable(dir, reason))?;
        let directory = LedeDirectory::open(dir)
            .map_err(|e| unwritable(dir, io::Error::other(e.to_string())))?;
        let lock = lock(&directory, dir)?;
        let aside = dir.join(ASIDE);
        clear_aside(dir)?;
        fs::create_dir(&aside).map_err(|reason| unwritable(&aside, reason))?;
        let store = store::create(&aside)?;
        let rebuild = Rebuild {
            dir: dir.to_path_buf(),
            aside,
            directory,
            _lock: lock,
        };
        Ok((rebuild, store))
    }

    /// The folder the new index is built in.
    pub fn aside(&self) -> &Path {
        &self.aside
    }

    /// Swaps the new index in (see the module's doc), once its writer is closed. A new index
    /// with no commit of lede's (`--strict` refused the run) is thrown away, and the old one
    /// stays as it was.
    pub fn finish(self) -> Result<()> {
        let dir = &self.dir;
        let new = Index::open(
            LedeDirectory::open(&self.aside)
                .map_err(|e| unwritable(&self.aside, io::Error::other(e.to_string())))?,
        )
        .map_err(|e| Error::index(&self.aside, e))?;
        let metas = new.load_metas().map_err(|e| Error::index(&self.aside, e))?;
        if metas.payload.is_none() {
            drop(new);
            return clear_aside(dir).map(drop);
        }
        let new_files: BTreeSet<String> = metas
            .list_segment_files()
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .filter(|name| self.aside.join(name).is_file())
            .collect();
        drop(new);
        let old_files: BTreeSet<String> = old_index_files(dir)
            .into_iter()
            .filter(|name| !new_files.contains(name) && name != META_FILE)
            .collect();

        // 1. Both sets listed, so that tantivy collects whichever loses, whenever a kill comes.
        let both: BTreeSet<&String> = old_files.iter().chain(&new_files).collect();
        write_managed(dir, both)?;
        // 2. The new segment files beside the old ones (no reader looks at them yet).
        for name in &new_files {
            rename(&self.aside.join(name), &dir.join(name))?;
        }
        if std::env::var_os(PAUSE_IN_SWAP).is_some() {
            std::thread::sleep(Duration::from_secs(60));
        }
        // 3. The swap, then the old files, with no reader between meta.json and its files.
        {
            let _readers_wait = self
                .directory
                .acquire_lock(&META_LOCK)
                .map_err(|e| lock_error(dir, e))?;
            rename(&self.aside.join(META_FILE), &dir.join(META_FILE))?;
            for name in &old_files {
                match fs::remove_file(dir.join(name)) {
                    Err(e) if e.kind() != io::ErrorKind::NotFound => {
                        return Err(unwritable(&dir.join(name), e));
                    }
                    _ => {}
                }
            }
        }
        // 4. lede's own files: grouping's mark and the checksum record go with the new index
        // (its opstamps start again); saved searches stay.
        for name in [MARK_FILE, CHECKED_FILE] {
            let (from, to) = (self.aside.join(name), dir.join(name));
            if from.is_file() {
                rename(&from, &to)?;
            } else if let Err(e) = fs::remove_file(&to)
                && e.kind() != io::ErrorKind::NotFound
            {
                return Err(unwritable(&to, e));
            }
        }
        write_managed(dir, new_files.iter().collect())?;
        self.directory
            .sync_directory()
            .map_err(|reason| unwritable(dir, reason))?;
        clear_aside(dir).map(drop)
    }
}

/// Removes what a rebuild left in the index folder `dir` (killed, or refused by `--strict`);
/// true when there was something. Only for a process that holds the folder's writer lock.
pub fn clear_aside(dir: &Path) -> Result<bool> {
    let aside = dir.join(ASIDE);
    match fs::remove_dir_all(&aside) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(reason) => Err(unwritable(&aside, reason)),
    }
}

/// The files of the index in `dir` as it stands: those its `.managed.json` lists, and those of
/// the segments its `meta.json` names (read as plain JSON, so that a damaged index's files are
/// found too). Never any file merely because its name looks like tantivy's.
fn old_index_files(dir: &Path) -> BTreeSet<String> {
    let mut files: BTreeSet<String> = fs::read(dir.join(MANAGED_FILE))
        .ok()
        .and_then(|text| serde_json::from_slice::<Vec<String>>(&text).ok())
        .unwrap_or_default()
        .into_iter()
        .filter(|name| is_plain_name(name))
        .collect();
    let meta: Option<serde_json::Value> = fs::read(dir.join(META_FILE))
        .ok()
        .and_then(|text| serde_json::from_slice(&text).ok());
    let ids: Vec<String> = meta
        .as_ref()
        .and_then(|m| m.get("segments")?.as_array().cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|s| Some(s.get("segment_id")?.as_str()?.replace('-', "")))
        .filter(|id| id.len() == 32)
        .collect();
    if !ids.is_empty()
        && let Ok(entries) = fs::read_dir(dir)
    {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if ids.iter().any(|id| {
                name.strip_prefix(id.as_str())
                    .is_some_and(|rest| rest.starts_with('.'))
            }) {
                files.insert(name);
            }
        }
    }
    files
}

/// A file name directly in the folder (what `.managed.json` should hold), never a path that
/// leads elsewhere.
fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && !name.contains(['/', '\\'])
        && name != "."
        && name != ".."
        && !name.starts_with('.')
}

/// Writes tantivy's list of managed files (with `meta.json`, as tantivy lists it).
fn write_managed(dir: &Path, files: BTreeSet<&String>) -> Result<()> {
    let mut names: Vec<&str> = files.into_iter().map(String::as_str).collect();
    names.push(META_FILE);
    let text = serde_json::to_vec(&names).expect("names serialise");
    write_atomically(&dir.join(MANAGED_FILE), &text)
}

fn lock(directory: &LedeDirectory, dir: &Path) -> Result<DirectoryLock> {
    directory
        .acquire_lock(&INDEX_WRITER_LOCK)
        .map_err(|e| lock_error(dir, e))
}

fn lock_error(dir: &Path, e: LockError) -> Error {
    match e {
        LockError::LockBusy => Error::Locked(dir.into()),
        LockError::IoError(io) => unwritable(dir, io::Error::new(io.kind(), io.to_string())),
    }
}

fn rename(from: &Path, to: &Path) -> Result<()> {
    fs::rename(from, to).map_err(|reason| unwritable(to, reason))
}

fn unwritable(path: &Path, reason: io::Error) -> Error {
    Error::Unwritable {
        path: path.into(),
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_old_files_are_those_its_own_records_name() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let a = "0123456789abcdef0123456789abcdef";
        fs::write(
            d.join(META_FILE),
            r#"{"segments": [{"segment_id": "01234567-89ab-cdef-0123-456789abcdef"}]}"#,
        )
        .unwrap();
        fs::write(
            d.join(MANAGED_FILE),
            r#"["meta.json", "ffffffffffffffffffffffffffffffff.idx", "../escape", ".hidden"]"#,
        )
        .unwrap();
        for name in [
            format!("{a}.idx"),
            format!("{a}.7.del"),
            "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee.store".into(),
            "notes.txt".into(),
        ] {
            fs::write(d.join(name), "x").unwrap();
        }
        let old: Vec<String> = old_index_files(d).into_iter().collect();
        assert_eq!(
            old,
            [
                format!("{a}.7.del"),
                format!("{a}.idx"),
                "ffffffffffffffffffffffffffffffff.idx".into(),
                "meta.json".into(),
            ]
        );
    }
}
