//! Near-duplicate groups over a whole index: after each indexing commit, the articles written
//! since the last grouping (and the groups that lost or gained an article) are grouped again
//! from their stored LSH bands, candidate pairs verified exactly on their shingles
//! (`minhash.rs`), and the articles whose group changed are rewritten.
//!
//! A group's id is the smallest article id in it, so it stays put while that article does;
//! every article stores its group and the group's size, which is how a later run tells that
//! a group lost a member (its live count no longer matches). `groups.json` in the index
//! folder records the commit that grouping last caught up with.

use std::collections::HashMap;
use std::path::Path;

use tantivy::indexer::UserOperation;
use tantivy::schema::Value;
use tantivy::{DocAddress, IndexWriter, Searcher, TantivyDocument, Term};

use crate::error::{Error, Result};
use crate::index::folder::{MARK_FILE, write_atomically};
use crate::index::minhash;
use crate::index::schema::FileStamp;
use crate::index::store::Store;

/// How copies are told apart, beyond the thresholds of `minhash`.
#[derive(Debug, Clone, Copy, Default)]
pub struct DedupOptions {
    /// Dated articles further apart than this many days are never copies (undated ones may be).
    pub date_window_days: Option<u32>,
}

/// What one grouping did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Regrouped {
    /// Articles whose group was worked out again.
    pub examined: usize,
    /// Candidate pairs compared exactly.
    pub compared: usize,
    /// Articles rewritten with a new group.
    pub rewritten: usize,
}

/// The opstamp grouping last caught up with (0: group everything).
pub fn load_mark(dir: &Path) -> u64 {
    std::fs::read_to_string(dir.join(MARK_FILE))
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .and_then(|v| v.get("grouped_through_opstamp")?.as_u64())
        .unwrap_or(0)
}

/// Records that every article written before `opstamp` is grouped (written atomically).
pub fn save_mark(dir: &Path, opstamp: u64) -> Result<()> {
    let text = serde_json::json!({ "grouped_through_opstamp": opstamp }).to_string();
    write_atomically(&dir.join(MARK_FILE), text.as_bytes())
}

/// One live article as grouping sees it.
struct Entry {
    addr: DocAddress,
    id: String,
    group: String,
    size: u64,
    written: u64,
    bands: Vec<u64>,
    date: Option<i64>,
}

/// Groups again what changed since `since` (an opstamp; 0 groups everything) in the last
/// commit, and sends the rewrites of articles whose group changed to `writer` (uncommitted).
pub fn regroup(
    store: &Store,
    dir: &Path,
    writer: &IndexWriter,
    since: u64,
    opts: DedupOptions,
) -> Result<Regrouped> {
    let reader = store.reader(dir)?;
    let searcher = reader.searcher();
    let entries = load(store, dir, &searcher)?;
    let mut done = Regrouped::default();

    let mut members: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        members.entry(e.group.as_str()).or_default().push(i);
    }
    let mut buckets: HashMap<u64, Vec<usize>> = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        for &b in &e.bands {
            buckets.entry(b).or_default().push(i);
        }
    }
    let mut in_scope = vec![false; entries.len()];
    let mut scope: Vec<usize> = Vec::new();
    let take = |i: usize, in_scope: &mut Vec<bool>, scope: &mut Vec<usize>| {
        if !in_scope[i] {
            in_scope[i] = true;
            scope.push(i);
        }
    };
    // Groups that lost or gained an article since they were last worked out.
    for group in members.values() {
        if group.iter().any(|&i| entries[i].size != group.len() as u64) {
            for &i in group {
                take(i, &mut in_scope, &mut scope);
            }
        }
    }
    let dirty: Vec<usize> = (0..entries.len())
        .filter(|&i| entries[i].written >= since)
        .collect();
    let mut verifier = Verifier {
        searcher: &searcher,
        store,
        dir,
        entries: &entries,
        shingles: HashMap::new(),
        verdicts: HashMap::new(),
        opts,
    };
    // Articles written since: they and every group they are a copy of.
    for &d in &dirty {
        take(d, &mut in_scope, &mut scope);
        for c in candidates(&entries[d], &buckets) {
            if c != d && verifier.is_copy(d, c)? {
                for &m in &members[entries[c].group.as_str()] {
                    take(m, &mut in_scope, &mut scope);
                }
            }
        }
    }
    done.examined = scope.len();

    // Union-find over the articles in scope, on verified candidate pairs.
    let mut parent: HashMap<usize, usize> = scope.iter().map(|&i| (i, i)).collect();
    fn root(parent: &mut HashMap<usize, usize>, mut i: usize) -> usize {
        while parent[&i] != i {
            let up = parent[&parent[&i]];
            parent.insert(i, up);
            i = up;
        }
        i
    }
    for &u in &scope {
        for v in candidates(&entries[u], &buckets) {
            if v > u && in_scope[v] && verifier.is_copy(u, v)? {
                let (ru, rv) = (root(&mut parent, u), root(&mut parent, v));
                if ru != rv {
                    parent.insert(ru.max(rv), ru.min(rv));
                }
            }
        }
    }
    done.compared = verifier.verdicts.len();
    let mut components: HashMap<usize, Vec<usize>> = HashMap::new();
    for &i in &scope {
        let r = root(&mut parent, i);
        components.entry(r).or_default().push(i);
    }
    // A rewrite deletes by id: an id that two live articles share (a file whose records
    // repeat an id) is never rewritten, lest both go and one come back.
    let mut id_count: HashMap<&str, usize> = HashMap::new();
    for e in &entries {
        *id_count.entry(e.id.as_str()).or_default() += 1;
    }
    let fields = store.fields;
    for component in components.values() {
        let id = component
            .iter()
            .map(|&i| entries[i].id.as_str())
            .min()
            .unwrap_or_default();
        let size = component.len() as u64;
        for &i in component {
            let e = &entries[i];
            if (e.group == id && e.size == size) || id_count[e.id.as_str()] > 1 {
                continue;
            }
            let doc: TantivyDocument =
                searcher.doc(e.addr).map_err(|err| Error::index(dir, err))?;
            let article = fields.article(&doc);
            let stamp = stamp_of(store, &searcher, e.addr, dir)?;
            let mut new = fields.document_in_group(&article, stamp, id, size);
            new.add_u64(fields.written, e.written);
            writer
                .run(vec![
                    UserOperation::Delete(Term::from_field_text(fields.id, &e.id)),
                    UserOperation::Add(new),
                ])
                .map_err(|err| Error::index(dir, err))?;
            done.rewritten += 1;
        }
    }
    Ok(done)
}

/// The articles sharing a band with `e` (itself included).
fn candidates(e: &Entry, buckets: &HashMap<u64, Vec<usize>>) -> Vec<usize> {
    let mut out: Vec<usize> = e
        .bands
        .iter()
        .filter_map(|b| buckets.get(b))
        .flatten()
        .copied()
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Compares candidate pairs exactly, reading each article's body once.
struct Verifier<'a> {
    searcher: &'a Searcher,
    store: &'a Store,
    dir: &'a Path,
    entries: &'a [Entry],
    shingles: HashMap<usize, Vec<u64>>,
    verdicts: HashMap<(usize, usize), bool>,
    opts: DedupOptions,
}

impl Verifier<'_> {
    fn is_copy(&mut self, a: usize, b: usize) -> Result<bool> {
        let key = (a.min(b), a.max(b));
        if let Some(v) = self.verdicts.get(&key) {
            return Ok(*v);
        }
        let verdict = self.in_window(a, b) && {
            let (sa, sb) = (self.shingles(a)?, self.shingles(b)?);
            minhash::likeness(&sa, &sb).is_copy()
        };
        self.verdicts.insert(key, verdict);
        Ok(verdict)
    }

    fn in_window(&self, a: usize, b: usize) -> bool {
        match (
            self.opts.date_window_days,
            self.entries[a].date,
            self.entries[b].date,
        ) {
            (Some(days), Some(x), Some(y)) => (x - y).abs() <= i64::from(days) * 86_400,
            _ => true,
        }
    }

    fn shingles(&mut self, i: usize) -> Result<Vec<u64>> {
        if let Some(s) = self.shingles.get(&i) {
            return Ok(s.clone());
        }
        let doc: TantivyDocument = self
            .searcher
            .doc(self.entries[i].addr)
            .map_err(|e| Error::index(self.dir, e))?;
        let body = doc
            .get_first(self.store.fields.body)
            .and_then(|v| v.as_str())
            .unwrap_or_default();
        let s = minhash::shingles(body);
        self.shingles.insert(i, s.clone());
        Ok(s)
    }
}

/// Every live article with what grouping needs, from fast columns only.
fn load(store: &Store, dir: &Path, searcher: &Searcher) -> Result<Vec<Entry>> {
    let err = |e| Error::index(dir, e);
    let schema = store.index.schema();
    let name = |f| schema.get_field_name(f).to_string();
    let fields = store.fields;
    let mut out = Vec::new();
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        let fast = segment.fast_fields();
        let ids = strings(fast.str(&name(fields.id)).map_err(err)?, dir)?;
        let groups = strings(fast.str(&name(fields.group)).map_err(err)?, dir)?;
        let sizes = fast.u64(&name(fields.group_size)).map_err(err)?;
        let written = fast.u64(&name(fields.written)).map_err(err)?;
        let bands = fast.u64(&name(fields.bands)).map_err(err)?;
        let dates = fast.date(&name(fields.date)).map_err(err)?;
        for doc in segment.doc_ids_alive() {
            let id = ids.of(doc);
            let group = groups.of(doc);
            out.push(Entry {
                addr: DocAddress::new(ord as u32, doc),
                group: if group.is_empty() { id.clone() } else { group },
                id,
                size: sizes.first(doc).unwrap_or(1),
                written: written.first(doc).unwrap_or(0),
                bands: bands.values_for_doc(doc).collect(),
                date: dates.first(doc).map(|d| d.into_timestamp_secs()),
            });
        }
    }
    Ok(out)
}

/// A segment's string column with its values in ordinal order (read in one pass over the
/// dictionary: a lookup per document would decompress a block each time).
struct Strings {
    column: Option<tantivy::columnar::StrColumn>,
    names: Vec<String>,
}

impl Strings {
    fn of(&self, doc: u32) -> String {
        self.column
            .as_ref()
            .and_then(|c| c.term_ords(doc).next())
            .and_then(|ord| self.names.get(ord as usize))
            .cloned()
            .unwrap_or_default()
    }
}

fn strings(column: Option<tantivy::columnar::StrColumn>, dir: &Path) -> Result<Strings> {
    let mut names = Vec::new();
    if let Some(c) = &column {
        let mut stream = c.dictionary().stream().map_err(|e| Error::io(dir, e))?;
        while stream.advance() {
            names.push(String::from_utf8_lossy(stream.key()).into_owned());
        }
    }
    Ok(Strings { column, names })
}

/// The file stamp an article was written with (kept when it is rewritten).
fn stamp_of(store: &Store, searcher: &Searcher, addr: DocAddress, dir: &Path) -> Result<FileStamp> {
    let err = |e| Error::index(dir, e);
    let schema = store.index.schema();
    let fast = searcher.segment_reader(addr.segment_ord).fast_fields();
    let value = |field| -> Result<u64> {
        let column = fast.u64(schema.get_field_name(field)).map_err(err)?;
        Ok(column.first(addr.doc_id).unwrap_or(0))
    };
    Ok(FileStamp {
        size: value(store.fields.file_size)?,
        mtime_ns: value(store.fields.file_mtime)?,
        inode: value(store.fields.file_inode)?,
        ctime_ns: value(store.fields.file_ctime)?,
    })
}

/// Groups every article of a fresh index in memory and commits (for `Engine::in_memory`).
pub fn group_all(store: &Store, dir: &Path, writer: &mut IndexWriter) -> Result<Regrouped> {
    let done = regroup(store, dir, writer, 0, DedupOptions::default())?;
    if done.rewritten > 0 {
        writer.commit().map_err(|e| Error::index(dir, e))?;
    }
    Ok(done)
}
