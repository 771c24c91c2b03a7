//! `lede index --opensearch`: the local indexer's walk and readers, and the articles sent to
//! an OpenSearch index in bounded `_bulk` batches. The index is created from lede's template
//! (tests/opensearch/index-template.json: the same analysis and fields) with the shards and
//! replicas asked for. Runs are incremental as local ones: each document carries its file's
//! size and modification time, so a run compares the corpus with what the cluster holds and
//! sends only new and changed files (a run with no change sends nothing), and removes the
//! articles of files that are gone. An article the cluster refuses is reported with its file
//! and reason; 429 and 5xx answers (to a request or to single items) are retried with backoff.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde_json::{Value, json};

use super::OpenSearch;
use super::answer::{document, field};
use super::client::{Method, reason, retryable, transient};
use crate::corpus::{self, CorpusFile, FileArticles, Skip};
use crate::error::{Error, Result};
use crate::index::indexer::{IndexRequest, IndexSummary, Reporter, root_name};
use crate::index::schema::SCHEMA_VERSION;

/// The index settings and mappings: lede's analysis and fields on OpenSearch.
pub const TEMPLATE: &str = include_str!("../../tests/opensearch/index-template.json");

/// A bulk request is sent when it holds this many bytes...
const BATCH_BYTES: usize = 4 << 20;
/// ...or this many articles.
const BATCH_ARTICLES: usize = 2_000;
/// Tries for an item the cluster could not take right now (429, 503 while a replica is
/// promoted), with the pause doubling from [`ITEM_PAUSE`].
const ITEM_ATTEMPTS: u32 = 8;
const ITEM_PAUSE: Duration = Duration::from_millis(250);
/// Files whose articles one `_delete_by_query` removes.
const DELETE_CHUNK: usize = 500;
/// Stamps read per request when the run starts.
const STAMP_PAGE: usize = 5_000;

/// How the index is laid out on the cluster when it is created.
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    pub shards: u32,
    pub replicas: u32,
}

impl Default for Layout {
    fn default() -> Self {
        Layout {
            shards: 1,
            replicas: 1,
        }
    }
}

/// A file's stamp as a document carries it.
type Stamp = (u64, u64);

/// One article waiting in the batch: its `_id`, its file, and its two NDJSON lines.
struct Pending {
    id: String,
    path: String,
    lines: String,
}

/// Builds or updates the index on the cluster from `req.roots` (the index folder, heap and
/// commit settings of `req` are the local indexer's and are not used).
pub fn index(
    os: &OpenSearch,
    req: &IndexRequest,
    layout: Layout,
    reporter: &dyn Reporter,
) -> Result<IndexSummary> {
    let started = Instant::now();
    if req.strict {
        return Err(os.client.error(
            "--strict needs a local index (a cluster cannot take a run back): check the corpus \
             with a local `lede index --strict` first",
        ));
    }
    for root in &req.roots {
        match std::fs::metadata(root) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => return Err(Error::NotAFolder(root.clone())),
            Err(_) => return Err(Error::NoSuchFolder(root.clone())),
        }
    }
    let walked: Vec<String> = req.roots.iter().map(|r| root_name(r)).collect();
    if req.rebuild {
        let path = format!("/{}", os.index);
        let answer = os
            .client
            .send(Method::Delete, &path, None, "application/json")?;
        if answer.status >= 400 && answer.status != 404 {
            return Err(os
                .client
                .error(format!("cannot delete the index: {}", reason(&answer.body))));
        }
    }
    let recorded = open_or_create(os, layout)?;
    let new: Vec<String> = walked
        .iter()
        .filter(|r| !recorded.contains(r))
        .cloned()
        .collect();
    if !recorded.is_empty() && !new.is_empty() && !req.add {
        return Err(Error::OtherRoots {
            index: PathBuf::from(os.target()),
            recorded,
            given: new,
        });
    }
    let mut roots: Vec<String> = recorded.into_iter().chain(walked.iter().cloned()).collect();
    roots.sort();
    roots.dedup();

    let mut summary = IndexSummary::default();
    let state = stamps(os)?;
    let walk = corpus::walk(&req.roots);
    let mut blind: Vec<String> = Vec::new();
    for problem in &walk.problems {
        reporter.warn(&problem.path, &problem.reason);
        skip(&mut summary, &problem.reason, &problem.path);
        summary.problem_files += 1;
        blind.push(problem.path.to_string_lossy().into_owned());
    }
    let mut gone: Vec<String> = Vec::new();
    if !req.keep_deleted {
        let seen: HashSet<&Path> = walk.files.iter().map(|f| f.path.as_path()).collect();
        gone = state
            .keys()
            .filter(|p| !seen.contains(Path::new(p.as_str())))
            .filter(|p| walked.iter().any(|root| is_under(p, root)))
            .filter(|p| !blind.iter().any(|b| p.as_str() == b || is_under(p, b)))
            .cloned()
            .collect();
    }
    let mut to_read: Vec<(CorpusFile, bool)> = Vec::new();
    for file in walk.files {
        let path = file.path.to_string_lossy().into_owned();
        let known = state.get(&path).copied();
        if let Err(why) = req.read.check(&file.path) {
            skip(&mut summary, &why.to_string(), &file.path);
            if known.is_some() && !req.keep_deleted {
                gone.push(path);
            }
            continue;
        }
        match known {
            Some(k) if k == (file.size, file.mtime_ns) => summary.unchanged += 1,
            Some(_) => to_read.push((file, true)),
            None => to_read.push((file, false)),
        }
    }
    summary.deleted += gone.len() as u64;
    for chunk in gone.chunks(DELETE_CHUNK) {
        delete_by_query(os, json!({"terms": {field::PATH: chunk}}))?;
    }
    let mut sender = Sender {
        os,
        batch: Vec::new(),
        bytes: 0,
        bulks: 0,
    };
    read_and_send(req, to_read, &mut sender, &mut summary, reporter)?;
    sender.flush(&mut summary, reporter)?;
    let changed = summary.changed();
    if changed || sender.bulks > 0 {
        os.call(Method::Post, "/_refresh", None)?;
    }
    if changed || walked.iter().any(|r| !roots.contains(r)) || new_roots(&new) {
        os.call(
            Method::Put,
            "/_mapping",
            Some(&json!({"_meta": meta(&roots)})),
        )?;
    }
    summary.commits = sender.bulks;
    summary.committed = true;
    summary.total = os.count(&json!({"match_all": {}}))? as u64;
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

fn new_roots(new: &[String]) -> bool {
    !new.is_empty()
}

fn meta(roots: &[String]) -> Value {
    json!({"roots": roots, "schema": SCHEMA_VERSION,
        "indexed_at": jiff::Timestamp::now().round(jiff::Unit::Second).unwrap_or_else(|_| jiff::Timestamp::now()).to_string()})
}

fn skip(summary: &mut IndexSummary, reason: &str, path: &Path) {
    summary
        .skipped
        .entry(reason.to_string())
        .or_default()
        .push(path.to_string_lossy().into_owned());
}

/// Creates the index from the template when it does not exist; gives the roots it covers.
fn open_or_create(os: &OpenSearch, layout: Layout) -> Result<Vec<String>> {
    let path = format!("/{}", os.index);
    let head = os
        .client
        .send(Method::Head, &path, None, "application/json")?;
    if head.status == 200 {
        let mapping = os.call(Method::Get, "/_mapping", None)?;
        let meta = mapping
            .as_object()
            .and_then(|m| m.values().next())
            .map(|m| m["mappings"]["_meta"].clone())
            .unwrap_or(Value::Null);
        if mapping
            .as_object()
            .and_then(|m| m.values().next())
            .is_some_and(|m| m["mappings"]["properties"][field::FILE_MTIME].is_null())
        {
            return Err(os.client.error(format!(
                "the index '{}' was not made by lede (give lede an index of its own)",
                os.index
            )));
        }
        return Ok(meta["roots"]
            .as_array()
            .map(|r| {
                r.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default());
    }
    let mut body: Value = serde_json::from_str(TEMPLATE).expect("the template is valid JSON");
    body["settings"]["index"]["number_of_shards"] = json!(layout.shards);
    body["settings"]["index"]["number_of_replicas"] = json!(layout.replicas);
    body["mappings"]["_meta"] = meta(&[]);
    // Wait until every copy of every shard is allocated when the cluster has the nodes for
    // them: a node lost in the first seconds must not take the only copy of a shard (on a
    // cluster of fewer nodes the replicas wait for nodes, and the index is yellow meanwhile).
    let health = os.client.call(Method::Get, "/_cluster/health", None)?;
    let data_nodes = health["number_of_data_nodes"].as_u64().unwrap_or(1);
    let wait = if data_nodes > u64::from(layout.replicas) {
        "?wait_for_active_shards=all&timeout=60s"
    } else {
        ""
    };
    let answer = os.client.send(
        Method::Put,
        &format!("{path}{wait}"),
        Some(body.to_string().into_bytes()),
        "application/json",
    )?;
    // Two runs creating the index at once: the other one won, which is as good.
    if answer.status >= 400 && !reason(&answer.body).contains("already_exists") {
        return Err(os.client.error(format!(
            "cannot create the index '{}': {}",
            os.index,
            reason(&answer.body)
        )));
    }
    Ok(Vec::new())
}

/// Each file's stamp, as the cluster's documents carry them (paged by path; memory holds
/// one entry per file, as the local indexer's state).
fn stamps(os: &OpenSearch) -> Result<HashMap<String, Stamp>> {
    let mut state = HashMap::new();
    let body = json!({
        "_source": false,
        "docvalue_fields": [field::PATH, field::FILE_SIZE, field::FILE_MTIME],
        "query": {"match_all": {}},
    });
    each_page(os, body, |hits| {
        for h in hits {
            let f = &h["fields"];
            if let Some(path) = f[field::PATH][0].as_str() {
                state.entry(path.to_string()).or_insert((
                    f[field::FILE_SIZE][0].as_u64().unwrap_or(0),
                    f[field::FILE_MTIME][0].as_u64().unwrap_or(0),
                ));
            }
        }
        Ok(())
    })?;
    Ok(state)
}

/// Runs the search `body` a page of [`STAMP_PAGE`] hits at a time, in path order
/// (`search_after`), giving each non-empty page to `each`.
fn each_page(
    os: &OpenSearch,
    mut body: Value,
    mut each: impl FnMut(&[Value]) -> Result<()>,
) -> Result<()> {
    body["size"] = json!(STAMP_PAGE);
    body["sort"] = json!([{field::PATH: "asc"}, {field::ID: "asc"}]);
    loop {
        let answer = os.call(
            Method::Post,
            "/_search?allow_partial_search_results=false",
            Some(&body),
        )?;
        let hits = answer["hits"]["hits"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        if hits.is_empty() {
            return Ok(());
        }
        each(&hits)?;
        match hits.last() {
            Some(last) if hits.len() == STAMP_PAGE => body["search_after"] = last["sort"].clone(),
            _ => return Ok(()),
        }
    }
}

/// Removes the articles matching `query`: found a page at a time and deleted by id in bulk
/// (`_delete_by_query` belongs to a module that not every cluster loads).
fn delete_by_query(os: &OpenSearch, query: Value) -> Result<()> {
    let body = json!({"query": query, "_source": false});
    each_page(os, body, |hits| {
        let lines: String = hits
            .iter()
            .map(|h| format!("{}\n", json!({"delete": {"_id": h["_id"]}})))
            .collect();
        let path = format!("/{}/_bulk?timeout=30s", os.index);
        let answer = os.client.send(
            Method::Post,
            &path,
            Some(lines.into_bytes()),
            "application/x-ndjson",
        )?;
        let failed = answer.body["items"].as_array().and_then(|items| {
            items
                .iter()
                .map(|i| &i["delete"])
                .find(|d| d["status"].as_u64().is_some_and(|s| s >= 300 && s != 404))
                .cloned()
        });
        if answer.status >= 400 || failed.is_some() {
            let why = failed.map_or_else(
                || reason(&answer.body),
                |f| reason(&json!({"error": f["error"]})),
            );
            return Err(os
                .client
                .error(format!("could not remove old articles: {why}")));
        }
        Ok(())
    })
}

/// Reads the files on rayon threads (a bounded queue: readers wait while a batch is sent)
/// and batches their articles.
fn read_and_send(
    req: &IndexRequest,
    files: Vec<(CorpusFile, bool)>,
    sender: &mut Sender,
    summary: &mut IndexSummary,
    reporter: &dyn Reporter,
) -> Result<()> {
    if files.is_empty() {
        return Ok(());
    }
    reporter.start(files.len() as u64, files.iter().map(|(f, _)| f.size).sum());
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| -> Result<()> {
        let (tx, rx) = mpsc::sync_channel::<(usize, std::result::Result<FileArticles, Skip>)>(64);
        let (files_ref, stop_ref, read_ref) = (&files, &stop, &req.read);
        scope.spawn(move || {
            files_ref
                .par_iter()
                .enumerate()
                .for_each_with(tx, |tx, (i, (file, _))| {
                    if stop_ref.load(Ordering::Relaxed) {
                        return;
                    }
                    if tx.send((i, corpus::read(file, read_ref))).is_err() {
                        stop_ref.store(true, Ordering::Relaxed);
                    }
                });
        });
        for (i, result) in rx {
            let (file, existed) = &files[i];
            if let Err(e) = sender.file(file, *existed, result, summary, reporter) {
                stop.store(true, Ordering::Relaxed);
                return Err(e);
            }
        }
        Ok(())
    })
}

/// The batch being filled, and how many bulk requests went out.
struct Sender<'a> {
    os: &'a OpenSearch,
    batch: Vec<Pending>,
    bytes: usize,
    bulks: u64,
}

impl Sender<'_> {
    fn file(
        &mut self,
        file: &CorpusFile,
        existed: bool,
        result: std::result::Result<FileArticles, Skip>,
        summary: &mut IndexSummary,
        reporter: &dyn Reporter,
    ) -> Result<()> {
        let path = file.path.to_string_lossy().into_owned();
        let mut written = 0;
        match result {
            Ok(read) => {
                for warning in &read.warnings {
                    reporter.warn(&file.path, warning);
                }
                summary.warnings += read.warnings.len() as u64;
                summary.empty_records += read.empty_records;
                let mut ids = Vec::with_capacity(read.articles.len());
                for a in &read.articles {
                    summary.untitled += u64::from(a.title.trim().is_empty());
                    summary.bodiless += u64::from(a.body.trim().is_empty());
                    let id = doc_id(&a.id);
                    let lines = format!(
                        "{}\n{}\n",
                        json!({"index": {"_id": id}}),
                        document(a, file.size, file.mtime_ns)
                    );
                    self.bytes += lines.len();
                    ids.push(id.clone());
                    self.batch.push(Pending {
                        id,
                        path: path.clone(),
                        lines,
                    });
                    if self.bytes >= BATCH_BYTES || self.batch.len() >= BATCH_ARTICLES {
                        self.flush(summary, reporter)?;
                    }
                }
                if existed {
                    // The file's articles that it no longer holds (a changed file may hold
                    // fewer records); the new ones replaced the others by id.
                    self.flush(summary, reporter)?;
                    delete_by_query(
                        self.os,
                        json!({"bool": {"filter": [{"term": {field::PATH: path}}],
                            "must_not": [{"ids": {"values": ids}}]}}),
                    )?;
                    summary.updated += 1;
                } else {
                    summary.added += 1;
                }
                written = read.articles.len() as u64;
                summary.articles += written;
                summary.files += 1;
                summary.bytes += file.size;
            }
            Err(why) => {
                if !why.is_expected() {
                    reporter.warn(&file.path, &why.to_string());
                    summary.problem_files += 1;
                }
                skip(summary, &why.to_string(), &file.path);
                if existed && !matches!(why, Skip::Unreadable(_)) {
                    delete_by_query(self.os, json!({"term": {field::PATH: path}}))?;
                    summary.deleted += 1;
                }
            }
        }
        reporter.file_done(file.size, written);
        Ok(())
    }

    /// Sends the batch; items the cluster could not take right now are sent again, items it
    /// refused are reported with their file.
    fn flush(&mut self, summary: &mut IndexSummary, reporter: &dyn Reporter) -> Result<()> {
        let mut batch = std::mem::take(&mut self.batch);
        self.bytes = 0;
        let mut pause = ITEM_PAUSE;
        for attempt in 1..=ITEM_ATTEMPTS {
            if batch.is_empty() {
                return Ok(());
            }
            let body: String = batch.iter().map(|p| p.lines.as_str()).collect();
            let path = format!("/{}/_bulk?timeout=30s", self.os.index);
            let answer = self.os.client.send(
                Method::Post,
                &path,
                Some(body.into_bytes()),
                "application/x-ndjson",
            )?;
            self.bulks += 1;
            if answer.status >= 400 {
                if retryable(answer.status) && attempt < ITEM_ATTEMPTS {
                    std::thread::sleep(pause);
                    pause *= 2;
                    continue;
                }
                return Err(self.os.client.error(format!(
                    "the bulk request was refused ({}): {}",
                    answer.status,
                    reason(&answer.body)
                )));
            }
            let items = answer.body["items"].as_array().cloned().unwrap_or_default();
            let mut again = Vec::new();
            for (pending, item) in batch.into_iter().zip(items.iter()) {
                let result = &item["index"];
                let status = result["status"].as_u64().unwrap_or(0) as u16;
                if status < 300 {
                    continue;
                }
                let passing = retryable(status) || transient(&json!({"error": result["error"]}));
                if passing && attempt < ITEM_ATTEMPTS {
                    again.push(pending);
                } else {
                    let why = reason(&json!({"error": result["error"]}));
                    reporter.warn(
                        Path::new(&pending.path),
                        &format!("article '{}' was not indexed ({status}): {why}", pending.id),
                    );
                    summary.warnings += 1;
                    skip(
                        summary,
                        &format!("refused by OpenSearch: {why}"),
                        Path::new(&pending.path),
                    );
                }
            }
            batch = again;
            if !batch.is_empty() {
                std::thread::sleep(pause);
                pause *= 2;
            }
        }
        Ok(())
    }
}

/// The document `_id` of an article: its id, or for one longer than OpenSearch takes (512
/// bytes) a hash of it.
fn doc_id(id: &str) -> String {
    if id.len() <= 500 {
        return id.to_string();
    }
    // FNV-1a, 64 bits: stable across runs and versions, which std's hasher is not.
    let hash = id.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    format!("{}#{hash:016x}", &id[..id.floor_char_boundary(400)])
}

/// Whether `path` lies under the folder `root` (both as the walk writes them).
fn is_under(path: &str, root: &str) -> bool {
    if root == "." {
        return !path.starts_with('/') && !path.starts_with("../");
    }
    path.strip_prefix(root)
        .is_some_and(|rest| rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_ids_are_hashed_stably() {
        assert_eq!(doc_id("a/b.txt"), "a/b.txt");
        let long = "x".repeat(600);
        assert_eq!(doc_id(&long), doc_id(&long));
        assert!(doc_id(&long).len() < 512);
        assert_ne!(doc_id(&long), doc_id(&format!("{long}y")));
    }

    #[test]
    fn the_template_maps_exactly_the_fields_a_document_has() {
        let t: Value = serde_json::from_str(TEMPLATE).unwrap();
        assert_eq!(t["mappings"]["dynamic"], "strict");
        let mapped: Vec<&String> = t["mappings"]["properties"]
            .as_object()
            .unwrap()
            .keys()
            .collect();
        let article = crate::model::Article {
            title: "t".into(),
            ..Default::default()
        };
        let doc = document(&article, 1, 2);
        let sent: Vec<&String> = doc.as_object().unwrap().keys().collect();
        // `exact` is filled from title and body by the mapping's copy_to, not sent.
        let mut want = sent.clone();
        let exact = field::EXACT.to_string();
        want.push(&exact);
        want.sort();
        let mut mapped = mapped;
        mapped.sort();
        assert_eq!(mapped, want);
        assert_eq!(doc[field::TITLE], "t");
        assert_eq!(doc["file_mtime"], 2);
    }
}
