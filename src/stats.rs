//! What an index holds (`lede stats`) and keeping it compact (`lede optimize`).
//!
//! Stats read the last commit without the writer's lock: articles, deleted documents not yet
//! merged away, segments, bytes on disk, the corpus roots and time of the last commit, and
//! articles per format, source and language (facet counts over every article).

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::{Error, Result};
use crate::facets::{FacetCounts, FacetField, FacetRequest};
use crate::search::{Engine, SearchRequest};
use crate::store;

/// What an index holds.
#[derive(Debug, Clone, Serialize)]
pub struct IndexStats {
    pub lede_json: u32,
    pub index: PathBuf,
    pub articles: u64,
    /// Documents deleted (replaced or removed) but still on disk until a merge.
    pub deleted: u64,
    pub segments: usize,
    /// Bytes of the index's files on disk.
    pub bytes: u64,
    /// The corpus folders the index covers, as given.
    pub roots: Vec<String>,
    /// When the last commit was made (RFC 3339, UTC).
    pub indexed_at: Option<String>,
    pub schema: u32,
    /// Articles per format, source and language.
    pub by: Vec<FacetCounts>,
}

/// The values each breakdown shows.
const BREAKDOWN_SIZE: usize = 20;

/// Reads the stats of the index in `dir`.
pub fn stats(dir: &Path) -> Result<IndexStats> {
    let engine = Engine::open(dir)?;
    let store = engine.store();
    let metas = store
        .index
        .searchable_segment_metas()
        .map_err(|e| Error::index(dir, e))?;
    let payload = store.payload();
    let req = SearchRequest {
        query: "*".into(),
        limit: 0,
        facets: [FacetField::Format, FacetField::Source, FacetField::Language]
            .into_iter()
            .map(|field| FacetRequest {
                field,
                size: BREAKDOWN_SIZE,
                under: Vec::new(),
            })
            .collect(),
        ..SearchRequest::default()
    };
    let counts = engine.search(&req)?;
    Ok(IndexStats {
        lede_json: crate::search::JSON_VERSION,
        index: dir.to_path_buf(),
        articles: engine.num_articles(),
        deleted: metas.iter().map(|m| u64::from(m.num_deleted_docs())).sum(),
        segments: metas.len(),
        bytes: dir_size(dir),
        roots: payload
            .as_ref()
            .map(|p| p.roots.clone())
            .unwrap_or_default(),
        indexed_at: payload.map(|p| p.indexed_at),
        schema: crate::schema::SCHEMA_VERSION,
        by: counts.facets,
    })
}

/// What `optimize` did.
#[derive(Debug, Clone, Serialize)]
pub struct OptimizeSummary {
    pub lede_json: u32,
    pub segments_before: usize,
    pub segments_after: usize,
    /// Deleted documents removed from disk.
    pub deleted_removed: u64,
    pub bytes_before: u64,
    pub bytes_after: u64,
    pub seconds: f64,
}

/// Merges all segments of the index in `dir` into one, dropping deleted documents.
/// Takes the writer's lock, so it fails at once while an indexer runs.
pub fn optimize(dir: &Path) -> Result<OptimizeSummary> {
    let started = std::time::Instant::now();
    let err = |e| Error::index(dir, e);
    let store = store::open(dir)?;
    let bytes_before = dir_size(dir);
    let mut writer: tantivy::IndexWriter = store.index.writer(50_000_000).map_err(err)?;
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
    let writer: tantivy::IndexWriter = store.index.writer(50_000_000).map_err(err)?;
    writer.garbage_collect_files().wait().map_err(err)?;
    drop(writer);
    let after = store.index.searchable_segment_metas().map_err(err)?;
    Ok(OptimizeSummary {
        lede_json: crate::search::JSON_VERSION,
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
