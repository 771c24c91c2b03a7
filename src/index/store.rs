//! The index on disk: the one place that opens and creates an index folder.
//!
//! Opening checks that the folder is lede's (`folder.rs`), registers the analyzers (tantivy does
//! not store them), checks the schema version that every lede commit records in its payload,
//! and checks the files (`damage.rs`). Building a new index aside and swapping it in belong to
//! `rebuild.rs`; writing, batching and walking to `indexer.rs`; searching to `search/`.

use std::fs;
use std::path::Path;

use serde::{Deserialize, Serialize};
use tantivy::store::{Compressor, ZstdCompressor};
use tantivy::{Index, IndexReader, IndexSettings, ReloadPolicy};

use crate::error::{Error, Result};
use crate::index::folder::{self, LedeDirectory, Owner};
use crate::index::schema::{self, Fields, SCHEMA_VERSION};
use crate::index::{analyzer, damage};

/// What lede records in each commit.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Payload {
    pub lede_schema: u32,
    /// The corpus folders the index was built from, as given.
    pub roots: Vec<String>,
    /// When the commit was made (RFC 3339, UTC).
    pub indexed_at: String,
}

/// An open index with its field handles.
#[derive(Clone)]
pub struct Store {
    pub index: Index,
    pub fields: Fields,
}

/// Whether `dir` holds an index (of any kind).
pub fn exists(dir: &Path) -> bool {
    dir.join("meta.json").is_file()
}

/// Opens the index in `dir` for reading or writing, checking that it is lede's, that this lede
/// can read it, and that its files are whole.
pub fn open(dir: &Path) -> Result<Store> {
    if !exists(dir) {
        return Err(Error::NoIndex {
            index: dir.to_path_buf(),
        });
    }
    if folder::owner(dir) == Owner::Other {
        return Err(Error::NotLede(dir.into()));
    }
    let index = open_index(dir)?;
    analyzer::register(index.tokenizers());
    check_version(&index, dir)?;
    let fields = Fields::from_schema(&index.schema()).ok_or_else(|| Error::NotLede(dir.into()))?;
    damage::check_files(&index, dir)?;
    Ok(Store { index, fields })
}

fn check_version(index: &Index, dir: &Path) -> Result<()> {
    let metas = index.load_metas().map_err(|e| Error::index(dir, e))?;
    match metas.payload {
        Some(text) => {
            let found = serde_json::from_str::<serde_json::Value>(&text)
                .ok()
                .and_then(|v| v.get("lede_schema").and_then(|n| n.as_u64()))
                .ok_or_else(|| Error::NotLede(dir.into()))?;
            if found != u64::from(SCHEMA_VERSION) {
                return Err(Error::SchemaVersion {
                    path: dir.into(),
                    found: format!("a lede of schema {found}"),
                    expected: SCHEMA_VERSION,
                });
            }
            Ok(())
        }
        // Created but never committed by lede (an indexer killed before its first commit):
        // usable when the schema is ours.
        None if index.schema() == schema::build() => Ok(()),
        None => Err(Error::NotLede(dir.into())),
    }
}

/// Opens the index in `dir` for writing, creating it (and the folder) when there is none.
/// (`--rebuild` builds a new index aside instead: `rebuild.rs`.)
pub fn open_for_writing(dir: &Path) -> Result<Store> {
    if dir.exists() && !dir.is_dir() {
        return Err(Error::NotAFolder(dir.into()));
    }
    fs::create_dir_all(dir).map_err(|reason| Error::Unwritable {
        path: dir.into(),
        reason,
    })?;
    if exists(dir) {
        return open(dir);
    }
    create(dir)
}

/// Creates a new, empty index in the folder `dir`, which holds none.
pub fn create(dir: &Path) -> Result<Store> {
    let unwritable = |reason: String| Error::Unwritable {
        path: dir.into(),
        reason: std::io::Error::other(reason),
    };
    let directory = LedeDirectory::open(dir).map_err(|e| unwritable(e.to_string()))?;
    let index =
        Index::create(directory, schema::build(), new_index_settings()).map_err(|e| match e {
            tantivy::TantivyError::IoError(io) => Error::Unwritable {
                path: dir.into(),
                reason: std::io::Error::new(io.kind(), io.to_string()),
            },
            tantivy::TantivyError::OpenDirectoryError(d) => unwritable(d.to_string()),
            e => Error::index(dir, e),
        })?;
    analyzer::register(index.tokenizers());
    let fields = Fields::from_schema(&index.schema()).expect("lede's own schema");
    Ok(Store { index, fields })
}

/// The index in the folder `dir`, opened through [`LedeDirectory`].
fn open_index(dir: &Path) -> Result<Index> {
    let directory = LedeDirectory::open(dir).map_err(|e| Error::Index {
        path: dir.into(),
        reason: e.to_string(),
    })?;
    Index::open(directory).map_err(|e| Error::index(dir, e))
}

/// How a new index keeps its documents. zstd (level 3, in 16 KiB blocks) rather than
/// tantivy's default lz4: on Reuters, BBC and the synthetic corpus it shrinks the index from
/// 1.28 to 1.08 times the text at no cost in indexing speed, for about 0.6 ms more per
/// search with passages (`lede-bench run`, docs/performance.md).
pub fn new_index_settings() -> IndexSettings {
    IndexSettings {
        docstore_compression: Compressor::Zstd(ZstdCompressor {
            compression_level: Some(3),
        }),
        docstore_blocksize: 16 * 1024,
        ..IndexSettings::default()
    }
}

/// A new index in memory (for tests and for throw-away indexes).
pub fn in_ram() -> Store {
    in_ram_with(analyzer::Analysis::DEFAULT)
}

/// A new index in memory, analysed another way (for `lede eval`).
pub fn in_ram_with(analysis: analyzer::Analysis) -> Store {
    let index = Index::builder()
        .schema(schema::build())
        .settings(new_index_settings())
        .create_in_ram()
        .expect("an index in memory");
    analysis.register(index.tokenizers());
    let fields = Fields::from_schema(&index.schema()).expect("lede's own schema");
    Store { index, fields }
}

/// Buffers of a writer that adds a few documents or only merges and collects files.
pub const SMALL_WRITER_HEAP: usize = 50_000_000;

/// An index in memory holding `articles`, committed, and the writer that wrote them (which
/// near-duplicate grouping goes on to use; drop it otherwise). For tests, `lede eval` and
/// [`Engine::in_memory`](crate::Engine::in_memory).
pub fn in_ram_from(
    articles: impl IntoIterator<Item = impl std::borrow::Borrow<crate::model::Article>>,
    analysis: analyzer::Analysis,
) -> Result<(Store, tantivy::IndexWriter)> {
    let store = in_ram_with(analysis);
    let err = |e| Error::index("(memory)", e);
    let mut writer = store.index.writer(SMALL_WRITER_HEAP).map_err(err)?;
    for article in articles {
        writer
            .add_document(store.fields.document(article.borrow(), Default::default()))
            .map_err(err)?;
    }
    writer.commit().map_err(err)?;
    Ok((store, writer))
}

impl Store {
    /// A reader that sees the last commit, reloaded only when asked.
    /// Each segment's document count is checked against its files (`damage.rs`).
    pub fn reader(&self, dir: &Path) -> Result<IndexReader> {
        let reader: IndexReader = self
            .index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|e| Error::index(dir, e))?;
        damage::check_segments(&reader.searcher(), dir)?;
        Ok(reader)
    }

    /// The payload of the last commit, when lede wrote one.
    pub fn payload(&self) -> Option<Payload> {
        let metas = self.index.load_metas().ok()?;
        serde_json::from_str(metas.payload.as_deref()?).ok()
    }
}

/// The corpus folders the index in `dir` was built from, read from its `meta.json` alone (no
/// index is opened); `None` when there is no lede index there.
pub fn recorded_roots(dir: &Path) -> Option<Vec<String>> {
    let meta: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.join("meta.json")).ok()?).ok()?;
    let payload: Payload = serde_json::from_str(meta.get("payload")?.as_str()?).ok()?;
    Some(payload.roots)
}

/// The payload for a commit made now from `roots`.
pub fn payload(roots: &[String]) -> String {
    let payload = Payload {
        lede_schema: SCHEMA_VERSION,
        roots: roots.to_vec(),
        indexed_at: jiff::Timestamp::now()
            .round(jiff::Unit::Second)
            .map_or_else(|_| jiff::Timestamp::now().to_string(), |t| t.to_string()),
    };
    serde_json::to_string(&payload).expect("a payload always serialises")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_index_keeps_its_documents_in_zstd() {
        let dir = tempfile::tempdir().unwrap();
        let store = open_for_writing(dir.path()).unwrap();
        let settings = store.index.settings();
        assert_eq!(settings.docstore_blocksize, 16 * 1024);
        assert!(matches!(
            settings.docstore_compression,
            Compressor::Zstd(ZstdCompressor {
                compression_level: Some(3)
            })
        ));
    }
}
