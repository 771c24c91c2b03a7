//! Keeping an index compact (`lede optimize`): its segments merged into one and deleted
//! documents dropped, under the writer's lock; and the size of an index on disk.

use std::path::Path;

use crate::error::{Error, Result};
use crate::index::store;
use crate::model::{JSON_VERSION, OptimizeSummary};

/// Merges all segments of the index in `dir` into one, dropping deleted documents.
/// Takes the writer's lock, so it fails at once while an indexer runs.
pub fn optimize(dir: &Path) -> Result<OptimizeSummary> {
    let started = std::time::Instant::now();
    let err = |e| Error::index(dir, e);
    let store = store::open(dir)?;
    let bytes_before = dir_size(dir);
    let mut writer: tantivy::IndexWriter =
        store.index.writer(store::SMALL_WRITER_HEAP).map_err(err)?;
    let metas = store.index.searchable_segment_metas().map_err(err)?;
    let deleted: u64 = metas.iter().map(|m| u64::from(m.num_deleted_docs())).sum();
    let ids: Vec<_> = metas.iter().map(|m| m.id()).collect();
    if ids.len() > 1 || deleted > 0 {
        writer.merge(&ids).wait().map_err(err)?;
    }
    // A commit (keeping the last one's payload) removes the merged-away files.
    let payload = store.index.load_metas().map_err(err)?.payload;
    let mut commit = writer.prepare_commit().map_err(err)?;
    if let Some(payload) = payload {
        commit.set_payload(&payload);
    }
    commit.commit().map_err(err)?;
    writer.wait_merging_threads().map_err(err)?;
    // The files of the merged-away segments outlive the writer that merged them; an index
    // opened afresh sees they are no longer used.
    drop(store);
    let store = store::open(dir)?;
    let writer: tantivy::IndexWriter = store.index.writer(store::SMALL_WRITER_HEAP).map_err(err)?;
    writer.garbage_collect_files().wait().map_err(err)?;
    drop(writer);
    let after = store.index.searchable_segment_metas().map_err(err)?;
    Ok(OptimizeSummary {
        lede_json: JSON_VERSION,
        segments_before: ids.len(),
        segments_after: after.len(),
        deleted_removed: deleted,
        bytes_before,
        bytes_after: dir_size(dir),
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Bytes of the files directly in `dir` (an index folder has no subfolders).
pub fn dir_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok()?.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}
