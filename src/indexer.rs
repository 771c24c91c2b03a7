//! Building an index: walk the corpus, read and parse files on rayon threads, add the articles
//! through one shared tantivy `IndexWriter`, and commit once at the end.
//!
//! A bad file is a warning and a count, never a stop. Nothing here prints: progress and
//! warnings go to a [`Reporter`] that the front end supplies.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::Serialize;
use tantivy::IndexWriter;

use crate::corpus::{self, ReadOptions};
use crate::error::{Error, Result};
use crate::store;

/// Default total memory for the index writer's buffers.
pub const DEFAULT_HEAP_BYTES: usize = 256 << 20;

/// What to index, and where.
#[derive(Debug, Clone)]
pub struct IndexRequest {
    /// Corpus folders, walked in turn.
    pub roots: Vec<PathBuf>,
    /// The index folder.
    pub index: PathBuf,
    /// Remove an existing index first, whatever version wrote it.
    pub rebuild: bool,
    /// Total memory for the writer's buffers.
    pub heap_bytes: usize,
    /// How files are read (JSON field names, more extensions, size limit).
    pub read: ReadOptions,
    /// Any problem with a file leaves the index as it was (no commit).
    pub strict: bool,
}

impl IndexRequest {
    pub fn new(roots: Vec<PathBuf>, index: PathBuf) -> IndexRequest {
        IndexRequest {
            roots,
            index,
            rebuild: false,
            heap_bytes: DEFAULT_HEAP_BYTES,
            read: ReadOptions::default(),
            strict: false,
        }
    }
}

/// Receives progress and warnings while an index is built; all methods may be called from
/// several threads at once.
pub trait Reporter: Sync {
    /// The walk is done: this many files and bytes are to be read.
    fn start(&self, _files: u64, _bytes: u64) {}
    /// One more file is done.
    fn file_done(&self, _bytes: u64, _articles: u64) {}
    /// Something about a file (or folder) that the user should know.
    fn warn(&self, _path: &Path, _message: &str) {}
}

/// A reporter that ignores everything (for tests and library users).
pub struct Silent;
impl Reporter for Silent {}

/// What an indexing run did.
#[derive(Debug, Default, Clone, Serialize)]
pub struct IndexSummary {
    /// Articles added to the index.
    pub articles: u64,
    /// Files that gave at least one article.
    pub files: u64,
    /// Bytes of the files read.
    pub bytes: u64,
    pub seconds: f64,
    /// Files (and folders) that gave no articles, by reason.
    pub skipped: BTreeMap<String, Vec<String>>,
    /// Of those, the ones that are problems (not merely files that hold no articles, like
    /// images or config files).
    pub problem_files: u64,
    /// Warnings about files that were still indexed.
    pub warnings: u64,
    /// Records inside files that had no text, left out.
    pub empty_records: u64,
    /// Articles indexed without a title.
    pub untitled: u64,
    /// Articles indexed without a body (a title only).
    pub bodiless: u64,
    /// Whether the index now holds this run's articles (false when `strict` found problems).
    pub committed: bool,
}

impl IndexSummary {
    /// Number of files skipped, for every reason.
    pub fn skipped_count(&self) -> usize {
        self.skipped.values().map(Vec::len).sum()
    }

    /// Problems that `--strict` refuses: warnings, records without text, and files skipped
    /// for anything but their extension.
    pub fn problems(&self) -> u64 {
        self.warnings + self.empty_records + self.problem_files
    }

    /// Megabytes (10^6 bytes) read per second.
    pub fn mb_per_second(&self) -> f64 {
        if self.seconds > 0.0 {
            self.bytes as f64 / 1e6 / self.seconds
        } else {
            0.0
        }
    }
}

/// Builds (or rebuilds) the index described by `req`.
pub fn run(req: &IndexRequest, reporter: &dyn Reporter) -> Result<IndexSummary> {
    let started = Instant::now();
    for root in &req.roots {
        check_root(root)?;
    }
    let store = store::open_for_writing(&req.index, req.rebuild)?;
    let mut writer: IndexWriter = store
        .index
        .writer(req.heap_bytes)
        .map_err(|e| Error::index(&req.index, e))?;

    let walk = corpus::walk(&req.roots);
    let mut summary = IndexSummary::default();
    let skipped: Mutex<BTreeMap<String, Vec<String>>> = Mutex::new(BTreeMap::new());
    for problem in &walk.problems {
        reporter.warn(&problem.path, &problem.reason);
        add_skip(&skipped, &problem.reason, &problem.path);
    }
    let problem_files = AtomicU64::new(walk.problems.len() as u64);
    let total_bytes = walk.files.iter().map(|f| f.size).sum();
    reporter.start(walk.files.len() as u64, total_bytes);

    // This version rebuilds from nothing on every run; the old articles stay searchable
    // until the commit below replaces them all at once.
    writer
        .delete_all_documents()
        .map_err(|e| Error::index(&req.index, e))?;

    let articles = AtomicU64::new(0);
    let files = AtomicU64::new(0);
    let bytes = AtomicU64::new(0);
    let warnings = AtomicU64::new(0);
    let empty_records = AtomicU64::new(0);
    let untitled = AtomicU64::new(0);
    let bodiless = AtomicU64::new(0);
    let fields = store.fields;
    walk.files.par_iter().try_for_each(|file| -> Result<()> {
        let mut added = 0;
        match corpus::read(file, &req.read) {
            Ok(read) => {
                for warning in &read.warnings {
                    reporter.warn(&file.path, warning);
                }
                warnings.fetch_add(read.warnings.len() as u64, Ordering::Relaxed);
                empty_records.fetch_add(read.empty_records, Ordering::Relaxed);
                for article in &read.articles {
                    if article.title.trim().is_empty() {
                        untitled.fetch_add(1, Ordering::Relaxed);
                    }
                    if article.body.trim().is_empty() {
                        bodiless.fetch_add(1, Ordering::Relaxed);
                    }
                    writer
                        .add_document(fields.document(article))
                        .map_err(|e| Error::index(&req.index, e))?;
                }
                added = read.articles.len() as u64;
                files.fetch_add(1, Ordering::Relaxed);
                bytes.fetch_add(file.size, Ordering::Relaxed);
            }
            Err(skip) => {
                if !skip.is_expected() {
                    reporter.warn(&file.path, &skip.to_string());
                    problem_files.fetch_add(1, Ordering::Relaxed);
                }
                add_skip(&skipped, &skip.to_string(), &file.path);
            }
        }
        articles.fetch_add(added, Ordering::Relaxed);
        reporter.file_done(file.size, added);
        Ok(())
    })?;

    summary.articles = articles.into_inner();
    summary.files = files.into_inner();
    summary.bytes = bytes.into_inner();
    summary.warnings = warnings.into_inner();
    summary.empty_records = empty_records.into_inner();
    summary.problem_files = problem_files.into_inner();
    summary.untitled = untitled.into_inner();
    summary.bodiless = bodiless.into_inner();
    summary.skipped = skipped.into_inner().unwrap_or_else(|p| p.into_inner());
    for paths in summary.skipped.values_mut() {
        paths.sort();
    }

    if req.strict && summary.problems() > 0 {
        // Nothing of this run becomes visible: the index stays at its last commit.
        writer.rollback().map_err(|e| Error::index(&req.index, e))?;
    } else {
        let roots: Vec<String> = req
            .roots
            .iter()
            .map(|r| r.to_string_lossy().into_owned())
            .collect();
        let mut commit = writer
            .prepare_commit()
            .map_err(|e| Error::index(&req.index, e))?;
        commit.set_payload(&store::payload(&roots));
        commit.commit().map_err(|e| Error::index(&req.index, e))?;
        summary.committed = true;
    }
    writer
        .wait_merging_threads()
        .map_err(|e| Error::index(&req.index, e))?;
    summary.seconds = elapsed(started);
    Ok(summary)
}

fn add_skip(skipped: &Mutex<BTreeMap<String, Vec<String>>>, reason: &str, path: &Path) {
    let mut map = skipped.lock().unwrap_or_else(|p| p.into_inner());
    map.entry(reason.to_string())
        .or_default()
        .push(path.to_string_lossy().into_owned());
}

fn check_root(root: &Path) -> Result<()> {
    match std::fs::metadata(root) {
        Ok(m) if m.is_dir() => Ok(()),
        Ok(_) => Err(Error::NotAFolder(root.into())),
        Err(_) => Err(Error::NoSuchFolder(root.into())),
    }
}

fn elapsed(start: Instant) -> f64 {
    Duration::as_secs_f64(&start.elapsed())
}
