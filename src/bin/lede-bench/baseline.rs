//! What tantivy alone indexes on this machine, as a yardstick for lede's own figure: the same
//! files, read the same way (in parallel, in full), written by the same writer settings (heap,
//! zstd document store) into one index with nothing but the text, one document per file (a
//! file of many articles, SGML or JSON Lines, is one large document here). Two variants:
//!
//! - one text field with tantivy's default tokenizer: the most any tantivy-based tool gets here;
//! - the two fields lede makes of every body (stems without stop words, and exact words for
//!   `exact:`), with lede's analyzers: the most lede's schema allows before it reads metadata,
//!   titles and dates, and commits in batches.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;
use tantivy::schema::{IndexRecordOption, STORED, Schema, TEXT, TextFieldIndexing, TextOptions};
use tantivy::{Index, IndexWriter, TantivyDocument};

use lede::index::analyzer::{EXACT_ANALYZER, NEWS_ANALYZER};

/// Which index the yardstick builds.
#[derive(Debug, Clone, Copy)]
pub enum Variant {
    /// One stored text field, tantivy's default tokenizer.
    TantivyDefault,
    /// lede's stemmed field (stored) and exact field, with lede's analyzers.
    LedeBodyFields,
}

/// One yardstick run.
#[derive(Debug, Serialize, Clone, Copy, Default)]
pub struct Baseline {
    /// Documents in the index it built (one per file).
    pub documents: u64,
    pub seconds: f64,
    pub mb_per_second: f64,
}

/// Indexes every file under `roots` into a fresh index at `dir` (removed afterwards).
pub fn run(roots: &[PathBuf], dir: &Path, variant: Variant) -> anyhow::Result<Baseline> {
    let files: Vec<PathBuf> = roots
        .iter()
        .flat_map(|root| {
            walkdir::WalkDir::new(root)
                .follow_links(true)
                .into_iter()
                .flatten()
        })
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    if files.is_empty() {
        anyhow::bail!(
            "no files to index under {}",
            roots
                .iter()
                .map(|r| r.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    std::fs::create_dir_all(dir)?;
    let started = Instant::now();
    let mut sb = Schema::builder();
    let fields = match variant {
        Variant::TantivyDefault => vec![sb.add_text_field("body", TEXT | STORED)],
        Variant::LedeBodyFields => {
            let indexed = |analyzer: &str| {
                TextOptions::default().set_indexing_options(
                    TextFieldIndexing::default()
                        .set_tokenizer(analyzer)
                        .set_index_option(IndexRecordOption::WithFreqsAndPositions),
                )
            };
            vec![
                sb.add_text_field("body", indexed(NEWS_ANALYZER).set_stored()),
                sb.add_text_field("exact", indexed(EXACT_ANALYZER)),
            ]
        }
    };
    let index = Index::builder()
        .schema(sb.build())
        .settings(lede::index::store::new_index_settings())
        .create_in_dir(dir)?;
    lede::index::analyzer::register(index.tokenizers());
    let mut writer: IndexWriter = index.writer(lede::indexer::DEFAULT_HEAP_BYTES)?;
    let mut bytes = 0u64;
    std::thread::scope(|scope| -> anyhow::Result<()> {
        let (tx, rx) = mpsc::sync_channel::<String>(256);
        let files = &files;
        scope.spawn(move || {
            files.par_iter().for_each_with(tx, |tx, path| {
                if let Ok(raw) = std::fs::read(path) {
                    let _ = tx.send(String::from_utf8_lossy(&raw).into_owned());
                }
            });
        });
        for text in rx {
            bytes += text.len() as u64;
            let mut doc = TantivyDocument::default();
            for &field in &fields {
                doc.add_text(field, &text);
            }
            writer.add_document(doc)?;
        }
        Ok(())
    })?;
    writer.commit()?;
    writer.wait_merging_threads()?;
    let seconds = started.elapsed().as_secs_f64();
    let documents = index.reader()?.searcher().num_docs();
    std::fs::remove_dir_all(dir)?;
    Ok(Baseline {
        documents,
        seconds,
        mb_per_second: bytes as f64 / 1e6 / seconds,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_yardsticks_index_every_file_and_clean_up() {
        let tmp = tempfile::tempdir().unwrap();
        let corpus = tmp.path().join("corpus");
        std::fs::create_dir_all(corpus.join("sub")).unwrap();
        std::fs::write(corpus.join("a.txt"), "Anti-satellite tests were held.").unwrap();
        std::fs::write(corpus.join("sub/b.txt"), "Satellites orbit the earth.").unwrap();
        let dir = tmp.path().join("baseline");
        for variant in [Variant::TantivyDefault, Variant::LedeBodyFields] {
            let b = run(std::slice::from_ref(&corpus), &dir, variant).unwrap();
            assert_eq!(b.documents, 2, "{variant:?}");
            assert!(
                b.seconds > 0.0 && b.mb_per_second > 0.0,
                "{variant:?}: {b:?}"
            );
            assert!(!dir.exists(), "{variant:?} left {}", dir.display());
        }
    }
}
