//! Building and updating an index, incrementally: walk the corpus, compare each file's stamp
//! (size, mtime, inode and ctime, from the walk's one `stat`) with what the index recorded, read
//! the new and changed files on rayon threads, replace their articles through the one
//! `IndexWriter`, remove the articles of files that are gone, and commit in batches.
//!
//! A batch commit every few thousand articles or seconds bounds what a killed indexer loses;
//! each file's delete-and-add is one atomic operation, so a commit never holds half a file.
//! A bad file is a warning and a count, never a stop. Nothing here prints: progress and
//! warnings go to a [`Reporter`] that the front end supplies.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::Serialize;
use std::hash::BuildHasher;
use tantivy::merge_policy::LogMergePolicy;

use tantivy::schema::IndexRecordOption;
use tantivy::{DocSet, IndexWriter, TERMINATED, TantivyDocument, Term};

#[cfg(test)]
use super::roots::RootPlan;
pub use super::roots::root_name;
use super::roots::{check_root, is_under, plan_roots};
use crate::corpus::{self, CorpusFile, ReadOptions, ReadReport, Skip};
use crate::error::{Error, Result};
use crate::index::rebuild::{self, Rebuild};
use crate::index::schema::{Fields, FileStamp};
use crate::index::store::{self, Store};
use crate::index::{damage, dedup};

/// Default total memory for the index writer's buffers.
pub const DEFAULT_HEAP_BYTES: usize = 256 << 20;

/// Commit after this many articles ...
pub const DEFAULT_COMMIT_ARTICLES: usize = 10_000;

/// ... or this long after the last commit, whichever comes first.
pub const DEFAULT_COMMIT_INTERVAL: Duration = Duration::from_secs(5);

/// Segments whose share of deleted articles passes this are merged first.
const DELETED_RATIO_BEFORE_MERGE: f32 = 0.3;

/// Segments larger than this are left out of merges while indexing. A merge maps every page
/// of the segments it reads, and those pages count in the indexer's resident memory: merging
/// a 300,000-article segment took RSS to 1.2 GB on a 1 GB corpus. Batches of 10,000 articles
/// make segments of about 5,000, merged eight at a time into ones of about 40,000, which then
/// stay as they are (`lede optimize` merges everything, on demand).
const MAX_DOCS_BEFORE_MERGE: usize = 30_000;

/// Test hook: when this variable is set, the final commit of a run pauses (after its segments
/// are written, before `meta.json` is), so that a test can kill the indexer in the middle of it.
pub const PAUSE_IN_FINAL_COMMIT: &str = "LEDE_PAUSE_IN_FINAL_COMMIT";

/// What to index, and where.
#[derive(Debug, Clone)]
pub struct IndexRequest {
    /// Corpus folders, walked in turn.
    pub roots: Vec<PathBuf>,
    /// The index folder.
    pub index: PathBuf,
    /// Build a new index from nothing, whatever version wrote the old one, and swap it in
    /// when it is complete (searches see the old index until then).
    pub rebuild: bool,
    /// Index these roots beside the ones the index already holds.
    pub add: bool,
    /// Keep the articles of files that are gone from the corpus.
    pub keep_deleted: bool,
    /// Total memory for the writer's buffers.
    pub heap_bytes: usize,
    /// How files are read (JSON field names, more extensions, size limit).
    pub read: ReadOptions,
    /// Any problem with a file leaves the index as it was (one commit at the end, or none).
    pub strict: bool,
    /// Files and folders to leave out: gitignore lines matched against the path inside each
    /// root (`--exclude`), beside what each root's `.ledeignore` names. Articles of files
    /// indexed before and left out now are removed.
    pub exclude: Vec<String>,
    /// Commit after this many articles...
    pub commit_articles: usize,
    /// ...or this long after the last commit.
    pub commit_interval: Duration,
}

impl IndexRequest {
    pub fn new(roots: Vec<PathBuf>, index: PathBuf) -> IndexRequest {
        IndexRequest {
            roots,
            index,
            rebuild: false,
            add: false,
            keep_deleted: false,
            heap_bytes: DEFAULT_HEAP_BYTES,
            read: ReadOptions::default(),
            strict: false,
            exclude: Vec::new(),
            commit_articles: DEFAULT_COMMIT_ARTICLES,
            commit_interval: DEFAULT_COMMIT_INTERVAL,
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
    /// Articles written by this run (from new and changed files).
    pub articles: u64,
    /// Files read by this run that gave articles.
    pub files: u64,
    /// Bytes of the files read.
    pub bytes: u64,
    pub seconds: f64,
    /// Files new to the index.
    pub added: u64,
    /// Files changed since the last run, whose articles were replaced.
    pub updated: u64,
    /// Files gone from the corpus (or no longer readable as articles), whose articles were
    /// removed.
    pub deleted: u64,
    /// Files unchanged since the last run, not read.
    pub unchanged: u64,
    /// Articles in the index after the run.
    pub total: u64,
    /// Commits made.
    pub commits: u64,
    /// Files (and folders) that gave no articles, by reason.
    pub skipped: BTreeMap<String, Vec<String>>,
    /// Of those, the ones that are problems (not merely files that hold no articles, like
    /// images or config files).
    pub problem_files: u64,
    /// Warnings about files that were still indexed.
    pub warnings: u64,
    /// Records inside files that had no text, left out.
    pub empty_records: u64,
    /// Articles written without a title.
    pub untitled: u64,
    /// Articles written without a body (a title only).
    pub bodiless: u64,
    /// Whether the index holds this run's work (false when `strict` found problems).
    pub committed: bool,
}

impl IndexSummary {
    /// Number of files skipped, for every reason.
    pub fn skipped_count(&self) -> usize {
        self.skipped.values().map(Vec::len).sum()
    }

    /// Problems that `--strict` refuses: warnings, records without text, and files skipped
    /// for anything but holding no articles.
    pub fn problems(&self) -> u64 {
        self.warnings + self.empty_records + self.problem_files
    }

    /// Whether the run changed the index.
    pub fn changed(&self) -> bool {
        self.added + self.updated + self.deleted > 0
    }

    /// Megabytes (10^6 bytes) read per second.
    pub fn mb_per_second(&self) -> f64 {
        if self.seconds > 0.0 {
            self.bytes as f64 / 1e6 / self.seconds
        } else {
            0.0
        }
    }

    fn skip(&mut self, reason: &str, path: &Path) {
        self.skipped
            .entry(reason.to_string())
            .or_default()
            .push(path.to_string_lossy().into_owned());
    }
}

/// Builds or updates the index described by `req`.
pub fn run(req: &IndexRequest, reporter: &dyn Reporter) -> Result<IndexSummary> {
    let mut indexer = Indexer::open(req)?;
    let summary = indexer.sync(reporter)?;
    indexer.close()?;
    Ok(summary)
}

/// An index open for writing: the writer (which holds the index's lock), what the index knows
/// of each file, and the corpus roots it covers.
pub struct Indexer {
    store: Store,
    writer: IndexWriter,
    req: IndexRequest,
    /// Every root the index covers, as given (cleaned).
    roots: Vec<String>,
    /// The roots of this request, as given (cleaned), with their paths.
    walked: Vec<(String, PathBuf)>,
    /// Roots the index recorded that are another name for (or lie inside) a root it keeps:
    /// their articles are second copies, removed on the next sync.
    purge: Vec<String>,
    /// What was made of the roots (a folder given twice, one inside another), told on sync.
    notes: Vec<String>,
    /// Files whose articles the index holds twice (a folder indexed twice before roots were
    /// compared): read again, which replaces both copies with one.
    duplicated: HashSet<String>,
    /// The stamp of each file the index holds articles from.
    state: HashMap<String, FileStamp>,
    last_commit: Instant,
    /// Articles written since the last commit.
    pending: usize,
    /// Keep `state` current as files are written (for `watch`, which compares later changes
    /// with it; a single run has no use for it after the walk).
    track: bool,
    /// The opstamp of the last commit, recorded in each article written (`dedup.rs`).
    committed: u64,
    /// With `--rebuild`: the rebuild this indexer writes aside, swapped in on `close`.
    rebuild: Option<Rebuild>,
    /// The folder the writer writes: the index folder, or a rebuild's aside folder.
    work: PathBuf,
}

impl Indexer {
    /// Opens (or creates) the index for writing, taking its lock, and checks that the request's
    /// roots are the ones the index covers (unless `add` or `rebuild`).
    pub fn open(req: &IndexRequest) -> Result<Indexer> {
        for root in &req.roots {
            check_root(root)?;
        }
        // A rebuild writes a new index aside, swapped in by `close` (`rebuild.rs`).
        let (store, rebuild) = if req.rebuild {
            let (rebuild, store) = Rebuild::start(&req.index)?;
            (store, Some(rebuild))
        } else {
            (store::open_for_writing(&req.index)?, None)
        };
        let work = rebuild
            .as_ref()
            .map_or_else(|| req.index.clone(), |r| r.aside().to_path_buf());
        let writer: IndexWriter = store
            .index
            .writer(req.heap_bytes)
            .map_err(|e| Error::index(&req.index, e))?;
        // With the lock held: what a killed rebuild left goes (its aside folder; any of its
        // segment files it had moved in before its swap are no commit's, so tantivy collects them).
        let stale = rebuild.is_none() && rebuild::clear_aside(&req.index)?;
        if stale {
            let _ = writer.garbage_collect_files().wait();
        }
        let mut policy = LogMergePolicy::default();
        policy.set_del_docs_ratio_before_merge(DELETED_RATIO_BEFORE_MERGE);
        policy.set_max_docs_before_merge(MAX_DOCS_BEFORE_MERGE);
        writer.set_merge_policy(Box::new(policy));

        let recorded = store.payload().map(|p| p.roots).unwrap_or_default();
        let plan = plan_roots(&req.roots, &recorded, |p| std::fs::canonicalize(p).ok());
        // Roots the index does not cover yet. A run over some of its roots updates those and
        // leaves the others alone (only files under the walked roots can be found gone).
        let new: Vec<String> = plan
            .walked
            .iter()
            .map(|(name, _)| name)
            .filter(|name| !recorded.contains(name))
            .cloned()
            .collect();
        if !recorded.is_empty() && !new.is_empty() && !req.add {
            return Err(Error::OtherRoots {
                index: req.index.clone(),
                recorded,
                given: new,
            });
        }
        let mut roots: Vec<String> = plan
            .kept
            .iter()
            .cloned()
            .chain(plan.walked.iter().map(|(name, _)| name.clone()))
            .collect();
        roots.sort();
        roots.dedup();
        let (state, duplicated) =
            damage::guard(&store.index, &req.index, || load_state(&store, &req.index))?;
        let committed = store
            .index
            .load_metas()
            .map_err(|e| Error::index(&req.index, e))?
            .opstamp;
        let mut notes = plan.notes;
        if stale {
            notes.push("cleared what a killed `lede index --rebuild` left in the folder".into());
        }
        Ok(Indexer {
            committed,
            rebuild,
            work,
            store,
            writer,
            req: req.clone(),
            roots,
            walked: plan.walked,
            purge: plan.purge,
            notes,
            duplicated,
            state,
            last_commit: Instant::now(),
            pending: 0,
            track: false,
        })
    }

    /// Brings the index up to date with the request's roots: reads new and changed files,
    /// removes the articles of files that are gone, commits.
    pub fn sync(&mut self, reporter: &dyn Reporter) -> Result<IndexSummary> {
        let started = Instant::now();
        let mut summary = IndexSummary::default();
        for note in std::mem::take(&mut self.notes) {
            reporter.warn(&self.req.index, &note);
        }
        if !self.req.keep_deleted {
            let purge = std::mem::take(&mut self.purge);
            let copies: Vec<String> = self
                .state
                .keys()
                .filter(|p| purge.iter().any(|root| is_under(p, root)))
                .filter(|p| !self.roots.iter().any(|root| is_under(p, root)))
                .cloned()
                .collect();
            for path in copies {
                self.delete(&path);
                summary.deleted += 1;
            }
        }
        let roots: Vec<PathBuf> = self.walked.iter().map(|(_, p)| p.clone()).collect();
        let walk = corpus::walk::walk_excluding(&roots, &self.req.exclude);
        let mut blind: Vec<String> = Vec::new();
        for problem in &walk.problems {
            reporter.warn(&problem.path, &problem.reason);
            summary.skip(&problem.reason, &problem.path);
            summary.problem_files += 1;
            blind.push(problem.path.to_string_lossy().into_owned());
        }

        if !self.req.keep_deleted {
            // Files gone from the walked roots; not those under a folder the walk could not
            // enter (they may well still be there).
            // Compared as the index keys them (the path as text): a name that is not UTF-8
            // is keyed by its lossy text, and must be found under that key, or the file
            // would look gone and be read again on every run.
            let seen: HashSet<String> = walk.files.iter().map(|f| path_key(&f.path)).collect();
            let gone: Vec<String> = self
                .state
                .keys()
                .filter(|p| !seen.contains(p.as_str()))
                .filter(|p| self.walked.iter().any(|(root, _)| is_under(p, root)))
                .filter(|p| !blind.iter().any(|b| p.as_str() == b || is_under(p, b)))
                .cloned()
                .collect();
            for path in gone {
                self.delete(&path);
                summary.deleted += 1;
            }
        }
        let mut to_read = Vec::new();
        for file in walk.files {
            self.classify(file, &mut to_read, &mut summary);
        }
        self.read_files(to_read, &mut summary, reporter)?;
        self.finish(&mut summary, true)?;
        summary.seconds = started.elapsed().as_secs_f64();
        // Files are read in parallel and finish in any order: list them by name.
        summary.skipped.values_mut().for_each(|paths| paths.sort());
        Ok(summary)
    }

    /// Updates the index for paths that changed on disk (files or folders that appeared,
    /// changed or vanished), and commits. For `lede watch`.
    pub fn update(&mut self, paths: &[PathBuf], reporter: &dyn Reporter) -> Result<IndexSummary> {
        let started = Instant::now();
        let mut summary = IndexSummary::default();
        let mut to_read = Vec::new();
        let mut seen = HashSet::new();
        for path in paths {
            let path = corpus::walk::clean(path);
            let name = path.to_string_lossy().into_owned();
            let Some(root) = self
                .walked
                .iter()
                .find(|(root, _)| is_under(&name, root))
                .map(|(_, p)| p.clone())
            else {
                continue;
            };
            if path.exists() {
                let walk = corpus::walk::walk_under(&root, &path, &self.req.exclude);
                for file in walk.files {
                    if seen.insert(file.path.clone()) {
                        self.classify(file, &mut to_read, &mut summary);
                    }
                }
            } else if !self.req.keep_deleted {
                // A file, or a folder with all its files, is gone.
                let gone: Vec<String> = self
                    .state
                    .keys()
                    .filter(|p| **p == name || is_under(p, &name))
                    .cloned()
                    .collect();
                for p in gone {
                    self.delete(&p);
                    summary.deleted += 1;
                }
            }
        }
        self.read_files(to_read, &mut summary, reporter)?;
        self.finish(&mut summary, false)?;
        summary.seconds = started.elapsed().as_secs_f64();
        // Files are read in parallel and finish in any order: list them by name.
        summary.skipped.values_mut().for_each(|paths| paths.sort());
        Ok(summary)
    }

    /// Sorts a file found on disk: unchanged (not read), to read (new or changed), or one
    /// with no reader (an article file before, with `--ext`, whose articles go).
    fn classify(
        &mut self,
        file: CorpusFile,
        to_read: &mut Vec<(CorpusFile, bool)>,
        summary: &mut IndexSummary,
    ) {
        let stamp = stamp_of(&file);
        let path = file.path.to_string_lossy();
        let known = self.state.get(path.as_ref()).copied();
        if let Err(skip) = self.req.read.check(&file.path) {
            summary.skip(&skip.to_string(), &file.path);
            if known.is_some() && !self.req.keep_deleted {
                let path = path.into_owned();
                self.delete(&path);
                summary.deleted += 1;
            }
            return;
        }
        match known {
            Some(k) if k == stamp && !self.duplicated.contains(path.as_ref()) => {
                summary.unchanged += 1
            }
            Some(_) => to_read.push((file, true)),
            None => to_read.push((file, false)),
        }
    }

    /// Reads the files on rayon threads and writes their articles as they come, a chunk at a
    /// time: a file of many records is never held whole. A commit waits until no file is
    /// half written (readers start no new file while one is due), so that a commit never
    /// holds part of a file.
    fn read_files(
        &mut self,
        files: Vec<(CorpusFile, bool)>,
        summary: &mut IndexSummary,
        reporter: &dyn Reporter,
    ) -> Result<()> {
        if files.is_empty() {
            return Ok(());
        }
        reporter.start(files.len() as u64, files.iter().map(|(f, _)| f.size).sum());
        let read = self.req.read.clone();
        let fields = self.store.fields;
        let stop = AtomicBool::new(false);
        let hold = AtomicBool::new(false);
        std::thread::scope(|scope| -> Result<()> {
            // A bounded queue: readers wait when the writer falls behind.
            let (tx, rx) = mpsc::sync_channel::<Message>(QUEUE);
            let (files_ref, stop_ref, hold_ref, read_ref) = (&files, &stop, &hold, &read);
            scope.spawn(move || {
                files_ref
                    .par_iter()
                    .enumerate()
                    .for_each_with(tx, |tx, (i, (file, _))| {
                        while hold_ref.load(Ordering::Acquire) && !stop_ref.load(Ordering::Relaxed)
                        {
                            std::thread::sleep(Duration::from_millis(1));
                        }
                        if stop_ref.load(Ordering::Relaxed) {
                            return;
                        }
                        if !read_file(i, file, read_ref, fields, tx) {
                            stop_ref.store(true, Ordering::Relaxed);
                        }
                    });
            });
            // Files some of whose articles are written, not yet all.
            let mut open: HashSet<usize> = HashSet::new();
            for message in rx {
                let done = match message {
                    Message::Chunk(i, chunk) => {
                        let (file, existed) = &files[i];
                        if open.insert(i) && *existed {
                            // The old articles go before the new ones come.
                            let term = path_term(&self.store.fields, &path_key(&file.path));
                            self.writer.delete_term(term);
                        }
                        self.write_chunk(chunk, summary)
                    }
                    Message::Done(i, result) => {
                        open.remove(&i);
                        let (file, existed) = &files[i];
                        self.write_file(file, *existed, result, summary, reporter)
                    }
                };
                if let Err(e) = done {
                    stop.store(true, Ordering::Relaxed);
                    return Err(e);
                }
                let due = !self.req.strict
                    && (self.pending >= self.req.commit_articles
                        || self.last_commit.elapsed() >= self.req.commit_interval);
                if due && open.is_empty() {
                    self.commit(summary, false)?;
                    hold.store(false, Ordering::Release);
                } else if due {
                    hold.store(true, Ordering::Release);
                }
            }
            Ok(())
        })
    }

    /// Writes articles of a file whose old articles (if any) are already deleted.
    fn write_chunk(&mut self, chunk: Chunk, summary: &mut IndexSummary) -> Result<()> {
        summary.untitled += chunk.untitled;
        summary.bodiless += chunk.bodiless;
        self.pending += chunk.docs.len();
        for mut doc in chunk.docs {
            // When it was written, for saved searches' "new since" (see search/saved.rs).
            doc.add_u64(self.store.fields.written, self.committed);
            self.writer
                .add_document(doc)
                .map_err(|e| Error::index(&self.req.index, e))?;
        }
        Ok(())
    }

    /// The end of a file: its counts and warnings, or why it gave no articles.
    fn write_file(
        &mut self,
        file: &CorpusFile,
        existed: bool,
        result: Result<ReadReport, Skip>,
        summary: &mut IndexSummary,
        reporter: &dyn Reporter,
    ) -> Result<()> {
        let path = path_key(&file.path);
        let stamp = stamp_of(file);
        let mut written = 0;
        match result {
            Ok(read) => {
                for warning in &read.warnings {
                    reporter.warn(&file.path, warning);
                }
                summary.warnings += read.warnings.len() as u64;
                summary.empty_records += read.empty_records;
                written = read.articles;
                self.duplicated.remove(&path);
                if self.track {
                    self.state.insert(path, stamp);
                }
                summary.articles += written;
                summary.files += 1;
                summary.bytes += file.size;
                if existed {
                    summary.updated += 1;
                } else {
                    summary.added += 1;
                }
            }
            Err(skip) => {
                if !skip.is_expected() {
                    reporter.warn(&file.path, &skip.to_string());
                    summary.problem_files += 1;
                }
                summary.skip(&skip.to_string(), &file.path);
                // A file that now holds no articles loses its old ones; one that cannot be
                // read right now (permissions, a race) keeps them.
                if existed && !matches!(skip, Skip::Unreadable(_)) {
                    self.delete(&path);
                    summary.deleted += 1;
                }
            }
        }
        reporter.file_done(file.size, written);
        Ok(())
    }

    fn delete(&mut self, path: &str) {
        let term = path_term(&self.store.fields, path);
        self.writer.delete_term(term);
        self.state.remove(path);
        self.pending += 1;
    }

    /// The end of a run: the last commit, or, when `strict` found problems, none at all.
    fn finish(&mut self, summary: &mut IndexSummary, final_run: bool) -> Result<()> {
        if self.req.strict && summary.problems() > 0 {
            self.writer
                .rollback()
                .map_err(|e| Error::index(&self.req.index, e))?;
            (self.state, self.duplicated) =
                damage::guard(&self.store.index, &self.req.index, || {
                    load_state(&self.store, &self.req.index)
                })?;
        } else if summary.changed() || self.pending > 0 || self.store.payload().is_none() {
            self.commit(summary, final_run)?;
            summary.committed = true;
        } else {
            summary.committed = true;
        }
        if summary.committed {
            self.group()?;
        }
        summary.total = self.num_articles()?;
        Ok(())
    }

    /// Brings the near-duplicate groups up to date with the last commit, in a commit of their
    /// own (`dedup.rs`; not counted in the summary's commits).
    fn group(&mut self) -> Result<()> {
        let dir = &self.req.index;
        let through = self.committed;
        let since = match dedup::load_mark(&self.work) {
            mark if mark == through => return Ok(()),
            mark if mark > through => 0,
            mark => mark,
        };
        let done = damage::guard(&self.store.index, dir, || {
            dedup::regroup(&self.store, dir, &self.writer, since, Default::default())
        })?;
        if done.rewritten > 0 {
            let err = |e| Error::index(dir, e);
            let mut commit = self.writer.prepare_commit().map_err(err)?;
            commit.set_payload(&store::payload(&self.roots));
            self.committed = commit.commit().map_err(err)?;
        }
        dedup::save_mark(&self.work, self.committed)
    }

    fn commit(&mut self, summary: &mut IndexSummary, final_commit: bool) -> Result<()> {
        let err = |e| Error::index(&self.req.index, e);
        let mut commit = self.writer.prepare_commit().map_err(err)?;
        commit.set_payload(&store::payload(&self.roots));
        if final_commit && std::env::var_os(PAUSE_IN_FINAL_COMMIT).is_some() {
            eprintln!("lede: pausing in the final commit ({PAUSE_IN_FINAL_COMMIT} is set)");
            std::thread::sleep(Duration::from_secs(60));
        }
        self.committed = commit.commit().map_err(err)?;
        summary.commits += 1;
        self.pending = 0;
        self.last_commit = Instant::now();
        Ok(())
    }

    /// Articles in the last commit.
    fn num_articles(&self) -> Result<u64> {
        let reader = damage::guard(&self.store.index, &self.req.index, || {
            self.store.reader(&self.req.index)
        })?;
        Ok(reader.searcher().num_docs())
    }

    /// Keeps what the index knows of each file current as files are written, so that later
    /// calls to [`Indexer::update`] compare with it.
    pub fn track_changes(&mut self) {
        self.track = true;
    }

    /// The corpus folders this indexer walks, as given.
    pub fn roots(&self) -> Vec<PathBuf> {
        self.walked.iter().map(|(_, p)| p.clone()).collect()
    }

    /// Waits for merges to finish, reads the checksums of the files this run wrote (so that
    /// searches need only `stat` them, `damage.rs`), and, for a rebuild, swaps the new index in.
    /// Call before the process exits.
    pub fn close(self) -> Result<()> {
        let Indexer {
            writer,
            store,
            rebuild,
            work,
            req,
            ..
        } = self;
        writer
            .wait_merging_threads()
            .map_err(|e| Error::index(&req.index, e))?;
        damage::check_files(&store.index, &work)?;
        drop(store);
        match rebuild {
            Some(rebuild) => rebuild.finish(),
            None => Ok(()),
        }
    }
}

/// The text a file is known by in the index (its `path` field): the path as the walk found it,
/// a name that is not UTF-8 written with U+FFFD where its bad bytes are.
pub fn path_key(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// Messages from the readers to the writer: articles of file `i` as documents, a chunk at a
/// time, then the end of the file.
enum Message {
    Chunk(usize, Chunk),
    Done(usize, std::result::Result<ReadReport, Skip>),
}

/// Some articles of one file, ready to write.
#[derive(Default)]
struct Chunk {
    docs: Vec<TantivyDocument>,
    untitled: u64,
    bodiless: u64,
    /// Bytes of text in `docs`.
    bytes: usize,
}

/// Messages waiting for the writer, at most.
const QUEUE: usize = 64;
/// A chunk is sent when it holds this many articles...
const CHUNK_ARTICLES: usize = 500;
/// ...or this many bytes of text.
const CHUNK_BYTES: usize = 4 << 20;

/// Reads one file on a reader thread and sends its articles; false when the writer is gone.
fn read_file(
    i: usize,
    file: &CorpusFile,
    read: &ReadOptions,
    fields: Fields,
    tx: &mpsc::SyncSender<Message>,
) -> bool {
    let stamp = stamp_of(file);
    let mut chunk = Chunk::default();
    let mut sent = true;
    let result = corpus::read_each(file, read, &mut |article| {
        chunk.untitled += u64::from(article.title.trim().is_empty());
        chunk.bodiless += u64::from(article.body.trim().is_empty());
        chunk.bytes += article.title.len() + article.body.len();
        chunk.docs.push(fields.document(&article, stamp));
        if sent && (chunk.docs.len() >= CHUNK_ARTICLES || chunk.bytes >= CHUNK_BYTES) {
            sent = tx
                .send(Message::Chunk(i, std::mem::take(&mut chunk)))
                .is_ok();
        }
    });
    if !chunk.docs.is_empty() {
        sent = sent && tx.send(Message::Chunk(i, chunk)).is_ok();
    }
    sent && tx.send(Message::Done(i, result)).is_ok()
}

/// What the walk saw of a file, as its articles record it.
fn stamp_of(file: &CorpusFile) -> FileStamp {
    FileStamp {
        size: file.size,
        mtime_ns: file.mtime_ns,
        inode: file.inode,
        ctime_ns: file.ctime_ns,
    }
}

fn path_term(fields: &Fields, path: &str) -> Term {
    Term::from_field_text(fields.path, path)
}

/// What the index knows of each file: the stamp (size, mtime, inode, ctime) recorded with its
/// articles (read from fast columns, live documents only); and the files some of whose
/// articles it holds twice (an article id on two live documents).
fn load_state(store: &Store, dir: &Path) -> Result<(HashMap<String, FileStamp>, HashSet<String>)> {
    let err = |e| Error::index(dir, e);
    let reader = store.reader(dir)?;
    let searcher = reader.searcher();
    let schema = store.index.schema();
    let f = &store.fields;
    let path_name = schema.get_field_name(f.path);
    let column = |field| schema.get_field_name(field);
    let mut state = HashMap::new();
    // Each live article id (hashed: a collision only reads one file again) and the path of
    // its first document.
    let mut ids: HashMap<u64, String> = HashMap::new();
    let mut duplicated = HashSet::new();
    for segment in searcher.segment_readers() {
        let fast = segment.fast_fields();
        let Some(paths) = fast.str(path_name).map_err(err)? else {
            continue;
        };
        let sizes = fast.u64(column(f.file_size)).map_err(err)?;
        let mtimes = fast.u64(column(f.file_mtime)).map_err(err)?;
        let inodes = fast.u64(column(f.file_inode)).map_err(err)?;
        let ctimes = fast.u64(column(f.file_ctime)).map_err(err)?;
        // The segment's paths in ordinal order, read in one pass over the dictionary (a
        // lookup per document would decompress a block each time).
        let mut names: Vec<String> = Vec::with_capacity(paths.num_terms());
        let mut stream = paths.dictionary().stream().map_err(|e| Error::io(dir, e))?;
        while stream.advance() {
            names.push(String::from_utf8_lossy(stream.key()).into_owned());
        }
        let name_of = |doc: u32| {
            paths
                .term_ords(doc)
                .next()
                .and_then(|ord| names.get(ord as usize))
        };
        for doc in segment.doc_ids_alive() {
            let Some(name) = name_of(doc) else {
                continue;
            };
            if state.contains_key(name) {
                continue;
            }
            let stamp = FileStamp {
                size: sizes.first(doc).unwrap_or(0),
                mtime_ns: mtimes.first(doc).unwrap_or(0),
                inode: inodes.first(doc).unwrap_or(0),
                ctime_ns: ctimes.first(doc).unwrap_or(0),
            };
            state.insert(name.clone(), stamp);
        }
        let inverted = segment.inverted_index(store.fields.id).map_err(err)?;
        let mut terms = inverted.terms().stream().map_err(|e| Error::io(dir, e))?;
        while terms.advance() {
            let mut postings = inverted
                .read_postings_from_terminfo(terms.value(), IndexRecordOption::Basic)
                .map_err(|e| Error::io(dir, e))?;
            let mut doc = postings.doc();
            while doc != TERMINATED {
                if !segment.is_deleted(doc)
                    && let Some(name) = name_of(doc)
                {
                    let hash = rustc_hash::FxBuildHasher.hash_one(terms.key());
                    match ids.get(&hash) {
                        Some(first) => {
                            duplicated.insert(first.clone());
                            duplicated.insert(name.clone());
                        }
                        None => {
                            ids.insert(hash, name.clone());
                        }
                    }
                }
                doc = postings.advance();
            }
        }
    }
    Ok((state, duplicated))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roots_and_paths_under_them() {
        assert_eq!(root_name(Path::new("./corpus/")), "corpus");
        assert_eq!(root_name(Path::new("../shared/seed")), "../shared/seed");
        assert_eq!(root_name(Path::new(".")), ".");
        assert!(is_under("corpus/a/b.txt", "corpus"));
        assert!(!is_under("corpus2/b.txt", "corpus"));
        assert!(!is_under("corpus", "corpus"));
        assert!(is_under("a.txt", "."));
        assert!(!is_under("../x/a.txt", "."));
    }

    /// Canonical paths as if the working folder were /w.
    fn canon(p: &Path) -> Option<PathBuf> {
        let p = p.to_string_lossy();
        let p = p.trim_start_matches("./").trim_end_matches('/');
        Some(if p.starts_with('/') {
            PathBuf::from(p)
        } else {
            Path::new("/w").join(p)
        })
    }

    fn plan(given: &[&str], recorded: &[&str]) -> RootPlan {
        let given: Vec<PathBuf> = given.iter().map(PathBuf::from).collect();
        let recorded: Vec<String> = recorded.iter().map(|s| s.to_string()).collect();
        plan_roots(&given, &recorded, canon)
    }

    fn walked(plan: &RootPlan) -> Vec<&str> {
        plan.walked.iter().map(|(n, _)| n.as_str()).collect()
    }

    #[test]
    fn a_folder_given_twice_is_walked_once() {
        let p = plan(&["corpus", "corpus/"], &[]);
        assert_eq!(walked(&p), ["corpus"]);
        assert!(p.notes.is_empty(), "{:?}", p.notes);
        let p = plan(&["./x", "x", "/w/x"], &[]);
        assert_eq!(walked(&p), ["x"]);
        assert_eq!(p.notes, ["'/w/x' is 'x': indexed once"]);
        let p = plan(&["corpus/news", "bbc", "corpus"], &[]);
        assert_eq!(walked(&p), ["bbc", "corpus"]);
        assert_eq!(
            p.notes,
            ["'corpus/news' is inside 'corpus': indexed once, as part of 'corpus'"]
        );
    }

    #[test]
    fn a_root_is_walked_under_the_name_the_index_knows_it_by() {
        let p = plan(&["/w/corpus/"], &["corpus"]);
        assert_eq!(walked(&p), ["corpus"]);
        assert_eq!(p.kept, ["corpus"]);
        let p = plan(&["corpus/news"], &["corpus"]);
        assert_eq!(walked(&p), ["corpus"]);
        assert!(p.purge.is_empty());
    }

    #[test]
    fn an_index_holding_a_folder_twice_keeps_it_once() {
        // Nested under the same name: the same paths, repaired by re-reading the copies.
        let p = plan(&["corpus"], &["corpus", "corpus/news"]);
        assert_eq!(p.kept, ["corpus"]);
        assert!(p.purge.is_empty());
        assert_eq!(
            p.notes,
            [
                "the index covered 'corpus' twice: and inside it, 'corpus/news'; its articles are kept once"
            ]
        );
        // Under another name: the paths under that name are the copies, removed.
        let p = plan(&["x"], &["/w/x", "x"]);
        assert_eq!(p.kept, ["x"]);
        assert_eq!(p.purge, ["/w/x"]);
        assert_eq!(walked(&p), ["x"]);
    }
}
