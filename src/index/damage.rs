//! Telling a damaged index from a working one, so that no command panics on bad data or answers
//! from it: the checks made when an index is opened, and the guard around the engine's work.
//!
//! On open, [`check_files`]: every file of every segment of the last commit is there, and passes
//! its checksum (the CRC in tantivy's footer). Reading a file whole costs, so each is read once
//! per version of it: its size, mtime and inode go into `.lede-checked.json`, and later opens only
//! `stat` it (a write in place moves the mtime, so a file damaged that way is read again). On
//! each reader, [`check_segments`]: the documents `meta.json` gives each segment are the ones its
//! files hold. For anything left (tantivy panics on some bad data), [`guard`] catches the panic
//! at the engine's boundary and, when the files show damage, reports that instead.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;

use serde::{Deserialize, Serialize};
use tantivy::directory::error::OpenReadError;
use tantivy::directory::{Directory, META_LOCK, ManagedDirectory};
use tantivy::index::{SegmentComponent, SegmentMeta};
use tantivy::{Index, ReloadPolicy, Searcher};

use crate::error::{Error, Result};
use crate::index::folder::write_atomically;

/// lede's record of the segment files whose checksums it has read, in the index folder.
pub const CHECKED_FILE: &str = ".lede-checked.json";

/// What a file was when its checksum was read: size, mtime (ns), inode.
type Stamp = (u64, u64, u64);

#[derive(Debug, Default, Serialize, Deserialize)]
struct Checked {
    lede_checked: u32,
    files: BTreeMap<String, Stamp>,
}

fn damaged(dir: &Path, reason: String) -> Error {
    Error::Damaged {
        path: dir.into(),
        reason,
    }
}

/// Checks the files of the last commit of the index in `dir` (see the module's doc), holding
/// tantivy's meta lock so that no writer deletes a file between the listing and the look.
/// Files read whole are recorded, when the folder can be written.
pub fn check_files(index: &Index, dir: &Path) -> Result<()> {
    let _lock = index
        .directory()
        .acquire_lock(&META_LOCK)
        .map_err(|e| Error::Index {
            path: dir.into(),
            reason: e.to_string(),
        })?;
    let metas = index.load_metas().map_err(|e| Error::index(dir, e))?;
    let checked: Checked = fs::read(dir.join(CHECKED_FILE))
        .ok()
        .and_then(|text| serde_json::from_slice(&text).ok())
        .unwrap_or_default();
    let mut now = BTreeMap::new();
    let mut reading = None;
    for segment in &metas.segments {
        for name in segment_files(segment) {
            let path = dir.join(&name);
            let meta = match fs::metadata(&path) {
                Ok(meta) => meta,
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    return Err(damaged(dir, format!("its file '{name}' is missing")));
                }
                Err(e) => return Err(Error::io(path, e)),
            };
            let stamp = stamp(&meta);
            if checked.files.get(&name) != Some(&stamp) {
                let reading = reading.get_or_insert_with(|| reading_directory(index, dir));
                verify(reading, dir, &name)?;
            }
            now.insert(name, stamp);
        }
    }
    if now != checked.files {
        let record = Checked {
            lede_checked: 1,
            files: now,
        };
        let text = serde_json::to_vec(&record).expect("the record serialises");
        // A folder this process cannot write is checked again next time, nothing worse.
        let _ = write_atomically(&dir.join(CHECKED_FILE), &text);
    }
    Ok(())
}

/// The files a segment of the last commit must have.
fn segment_files(segment: &SegmentMeta) -> Vec<String> {
    let mut parts = vec![
        SegmentComponent::Postings,
        SegmentComponent::Positions,
        SegmentComponent::Terms,
        SegmentComponent::Store,
        SegmentComponent::FastFields,
        SegmentComponent::FieldNorms,
    ];
    if segment.has_deletes() {
        parts.push(SegmentComponent::Delete);
    }
    parts
        .into_iter()
        .map(|part| segment.relative_path(part).to_string_lossy().into_owned())
        .collect()
}

#[cfg(unix)]
fn stamp(meta: &fs::Metadata) -> Stamp {
    use std::os::unix::fs::MetadataExt;
    let mtime_ns = (meta.mtime().max(0) as u64)
        .saturating_mul(1_000_000_000)
        .saturating_add(meta.mtime_nsec().max(0) as u64);
    (meta.len(), mtime_ns, meta.ino())
}

#[cfg(not(unix))]
fn stamp(meta: &fs::Metadata) -> Stamp {
    let mtime_ns = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as u64);
    (meta.len(), mtime_ns, 0)
}

/// The trailer of tantivy's footer: its length and magic number, 4 bytes each.
const FOOTER_TRAILER: u64 = 8;

/// The directory the checks read files through: one of their own, which maps each file as it
/// is now. The index's may hold a mapping made before a file was cut short, and reading past
/// the file's new end through that kills the process (SIGBUS) instead of failing. An index in
/// memory has no folder, and is read through its own directory.
fn reading_directory<'a>(index: &'a Index, dir: &Path) -> Cow<'a, ManagedDirectory> {
    tantivy::directory::MmapDirectory::open(dir)
        .ok()
        .and_then(|mmap| ManagedDirectory::wrap(Box::new(mmap)).ok())
        .map_or(Cow::Borrowed(index.directory()), Cow::Owned)
}

/// Reads a file whole (through `reading`) and compares it with the checksum in its footer.
fn verify(reading: &ManagedDirectory, dir: &Path, name: &str) -> Result<()> {
    // tantivy reads the 8-byte trailer of a file of at least 4 bytes: one of 4 to 7 bytes made
    // it panic (an overflow) instead of saying the file is short.
    if fs::metadata(dir.join(name)).is_ok_and(|m| m.len() < FOOTER_TRAILER) {
        return Err(damaged(
            dir,
            format!("its file '{name}' is cut short or overwritten at its end"),
        ));
    }
    match reading.validate_checksum(Path::new(name)) {
        Ok(true) => Ok(()),
        Ok(false) => Err(damaged(
            dir,
            format!("its file '{name}' does not match its checksum"),
        )),
        Err(OpenReadError::FileDoesNotExist(_)) => {
            Err(damaged(dir, format!("its file '{name}' is missing")))
        }
        Err(OpenReadError::IoError { io_error, .. })
            if matches!(
                io_error.kind(),
                io::ErrorKind::InvalidData | io::ErrorKind::UnexpectedEof
            ) =>
        {
            Err(damaged(
                dir,
                format!("its file '{name}' is cut short or overwritten at its end"),
            ))
        }
        Err(OpenReadError::IncompatibleIndex(_)) => Err(damaged(
            dir,
            format!("its file '{name}' was not written by this version of tantivy"),
        )),
        Err(e) => Err(Error::index(dir, e.into())),
    }
}

/// Checks that each segment holds the documents `meta.json` says it does: a field's norms are one
/// byte per document, so their length is the segment's own count.
pub fn check_segments(searcher: &Searcher, dir: &Path) -> Result<()> {
    let schema = searcher.schema();
    let Some((field, _)) = schema
        .fields()
        .find(|(_, entry)| entry.is_indexed() && entry.has_fieldnorms())
    else {
        return Ok(());
    };
    for segment in searcher.segment_readers() {
        let Ok(norms) = segment.get_fieldnorms_reader(field) else {
            continue;
        };
        if norms.num_docs() != segment.max_doc() {
            return Err(damaged(
                dir,
                format!(
                    "meta.json gives segment {} {} documents, and its files hold {}",
                    segment.segment_id().short_uuid_string(),
                    segment.max_doc(),
                    norms.num_docs()
                ),
            ));
        }
    }
    Ok(())
}

thread_local! {
    /// How many guards this thread is inside: their panics are theirs to report.
    static GUARDED: Cell<u32> = const { Cell::new(0) };
    /// The message of the last panic caught inside a guard.
    static CAUGHT: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Runs `work` on the index in `dir`, turning a panic inside it into an error: tantivy panics on
/// some damaged data, and errs on other. When the index's files show damage, the error says so
/// (and how to build the index again); otherwise a panic is an error of lede's own, quoted, and
/// an error is left as it was. The panic's message is not printed: the first guard puts a
/// process-wide panic hook in place that keeps quiet inside guards and hands every other panic
/// to the hook that was there before. Guards nest; the outermost one reports.
pub fn guard<T>(index: &Index, dir: &Path, work: impl FnOnce() -> Result<T>) -> Result<T> {
    quiet_inside_guards();
    let outcome = guarded(|| panic::catch_unwind(AssertUnwindSafe(work)));
    let nested = GUARDED.with(Cell::get) > 0;
    let diagnosed = || match guarded(|| diagnose(index, dir)) {
        Err(e @ Error::Damaged { .. }) => Some(e),
        _ => None,
    };
    match outcome {
        Ok(Err(e @ (Error::Index { .. } | Error::Damaged { .. }))) if !nested => {
            Err(diagnosed().unwrap_or(e))
        }
        Ok(result) => result,
        Err(payload) if nested => panic::resume_unwind(payload),
        Err(_) => {
            let what = CAUGHT
                .with(|c| c.borrow_mut().take())
                .unwrap_or_else(|| "a panic".into());
            Err(diagnosed().unwrap_or_else(|| Error::Index {
                path: dir.into(),
                reason: format!(
                    "lede failed while reading it, and its files show no damage ({what}); \
                     `lede index --rebuild --index {}` builds it again",
                    dir.display()
                ),
            }))
        }
    }
}

/// Runs `f` with this thread counted as inside a guard.
fn guarded<R>(f: impl FnOnce() -> R) -> R {
    GUARDED.with(|g| g.set(g.get() + 1));
    let r = f();
    GUARDED.with(|g| g.set(g.get() - 1));
    r
}

fn quiet_inside_guards() {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let earlier = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if GUARDED.with(Cell::get) == 0 {
                return earlier(info);
            }
            let payload = info.payload();
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic".into());
            let place = info
                .location()
                .map(|l| format!(" at {}:{}", l.file(), l.line()))
                .unwrap_or_default();
            CAUGHT.with(|c| *c.borrow_mut() = Some(format!("{message}{place}")));
        }));
    });
}

/// After a panic: every file of the last commit read whole (the record trusted for none), and
/// the segments' document counts, on a reader of its own (a panic there is damage too).
fn diagnose(index: &Index, dir: &Path) -> Result<()> {
    let metas = index.load_metas().map_err(|e| Error::index(dir, e))?;
    let reading = reading_directory(index, dir);
    for segment in &metas.segments {
        for name in segment_files(segment) {
            verify(&reading, dir, &name)?;
        }
    }
    let reader = panic::catch_unwind(AssertUnwindSafe(|| {
        index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
    }));
    match reader {
        Ok(Ok(reader)) => check_segments(&reader.searcher(), dir),
        Ok(Err(e)) => Err(Error::index(dir, e)),
        Err(_) => Err(damaged(dir, "its segments cannot be opened".to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_inside_a_guard_is_an_error_and_nested_guards_report_once() {
        let index = Index::create_in_ram(crate::index::schema::build());
        let dir = Path::new("(memory)");
        let result: Result<()> = guard(&index, dir, || {
            guard(&index, dir, || -> Result<()> { panic!("deep inside") })
        });
        let message = result.unwrap_err().to_string();
        assert!(
            message.starts_with(
                "index '(memory)': lede failed while reading it, and its files show no damage \
                 (deep inside at src/index/damage.rs:"
            ),
            "{message}"
        );
        assert_eq!(GUARDED.with(Cell::get), 0);
        assert_eq!(guard(&index, dir, || Ok(7)).unwrap(), 7);
    }
}
