//! What an index holds (`lede stats`), read from the last commit without the writer's lock:
//! articles, deleted documents not yet merged away, segments, bytes on disk, the corpus roots
//! and time of the last commit, and articles per format, source and language (facet counts
//! over every article).

use super::Engine;
use crate::error::{Error, Result};
use crate::index::maintenance::dir_size;
use crate::index::schema::SCHEMA_VERSION;
use crate::model::{FacetField, FacetRequest, IndexStats, JSON_VERSION, SearchRequest};

/// The values each breakdown shows.
const BREAKDOWN_SIZE: usize = 20;

impl Engine {
    /// What the index holds.
    pub fn stats(&self) -> Result<IndexStats> {
        self.guarded(|| {
            let dir = self.dir.as_path();
            let engine = self;
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
                lede_json: JSON_VERSION,
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
                schema: SCHEMA_VERSION,
                by: counts.facets,
            })
        })
    }
}
