//! Property: incremental indexing ends where a fresh run does. Any short sequence of file
//! changes (add, change, delete, rename), complete runs and killed runs, followed by one
//! ordinary run, leaves the same articles (id, title, body; duplicates counted) as indexing
//! the final folder from scratch.
//!
//! A killed run is a run whose reporter panics after some files, on the indexing thread, with a
//! commit after every file: what a kill leaves (the commits made so far, the writer dropped
//! with its pending work) without a child process. Through the library, so it stays fast.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use lede::indexer::{self, IndexRequest, Reporter};
use lede::{Engine, SearchRequest};
use proptest::prelude::*;

/// The files a sequence may touch: two at the top, two in folders (sections).
const NAMES: &[&str] = &["a.txt", "b.txt", "sub/c.txt", "sub/deeper/d.txt"];
const WORDS: &[&str] = &["tide", "harbour", "grain", "ferry", "levy", "quay", "oil"];

#[derive(Debug, Clone)]
enum Op {
    /// Writes a file (new, or over an old one).
    Add(usize, u8),
    /// Rewrites a file that exists (nothing when it does not).
    Change(usize, u8),
    Delete(usize),
    /// Moves a file over another name (replacing it if there).
    Rename(usize, usize),
    /// An ordinary run.
    Index,
    /// A run killed after this many files were written.
    Kill(usize),
}

/// A small txt article. Each seed gives its own size: a file rewritten in place at the same size
/// within one clock tick keeps its inode, and its mtime and ctime come from the same tick, so no
/// `stat` can see the change; such writes would make this test flaky rather than find anything
/// new. (A file renamed over another is another inode, and is seen: see
/// `a_file_renamed_over_one_of_the_same_size_and_mtime_is_reindexed` below.)
fn article(seed: u8) -> String {
    let s = seed as usize;
    let body: Vec<&str> = (0..=s % 4).map(|i| WORDS[(s + i) % WORDS.len()]).collect();
    let head = format!(
        "Note {}\n\nThe {} report",
        WORDS[s % WORDS.len()],
        body.join(" ")
    );
    format!("{head}{}\n", ".".repeat(80 + s - head.len()))
}

fn op() -> impl Strategy<Value = Op> {
    let name = 0..NAMES.len();
    prop_oneof![
        3 => (name.clone(), 0u8..16).prop_map(|(n, s)| Op::Add(n, s)),
        2 => (name.clone(), 0u8..16).prop_map(|(n, s)| Op::Change(n, s)),
        1 => name.clone().prop_map(Op::Delete),
        1 => (name.clone(), name).prop_map(|(a, b)| Op::Rename(a, b)),
        2 => Just(Op::Index),
        2 => (1usize..5).prop_map(Op::Kill),
    ]
}

/// Panics after `after` files are done: the run dies there.
struct KillAfter {
    after: usize,
    done: AtomicUsize,
}

impl Reporter for KillAfter {
    fn file_done(&self, _bytes: u64, _articles: u64) {
        if self.done.fetch_add(1, Ordering::SeqCst) + 1 >= self.after {
            panic!("killed (incremental_props)");
        }
    }
}

fn request(corpus: &Path, index: &Path) -> IndexRequest {
    let mut req = IndexRequest::new(vec![corpus.to_path_buf()], index.to_path_buf());
    // Tantivy's smallest heap for one writer thread: faster to open, and enough here.
    req.heap_bytes = 15 << 20;
    req
}

fn apply(op: &Op, corpus: &Path, index: &Path) {
    let path = |n: usize| corpus.join(NAMES[n]);
    let write = |p: PathBuf, seed: u8| {
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, article(seed)).unwrap();
    };
    match *op {
        Op::Add(n, seed) => write(path(n), seed),
        Op::Change(n, seed) if path(n).exists() => write(path(n), seed),
        Op::Change(..) => {}
        Op::Delete(n) => {
            let _ = std::fs::remove_file(path(n));
        }
        Op::Rename(a, b) if a != b && path(a).exists() => {
            std::fs::create_dir_all(path(b).parent().unwrap()).unwrap();
            std::fs::rename(path(a), path(b)).unwrap();
        }
        Op::Rename(..) => {}
        Op::Index => {
            run_when_unlocked(&request(corpus, index));
        }
        Op::Kill(after) => {
            let mut req = request(corpus, index);
            req.commit_articles = 1;
            let reporter = KillAfter {
                after,
                done: AtomicUsize::new(0),
            };
            // Ok: it finished before the kill came; Err: killed (the panic is the kill).
            let _ = catch_unwind(AssertUnwindSafe(|| indexer::run(&req, &reporter)));
        }
    }
}

/// Every article in the index as (id, title, body), sorted, duplicates kept.
fn articles(index: &Path) -> Vec<(String, String, String)> {
    let engine = Engine::open(index).unwrap();
    let req = SearchRequest {
        query: "*".into(),
        passages: 0,
        ..SearchRequest::default()
    };
    let mut found = Vec::new();
    engine
        .for_each_hit(
            &req,
            |_| {},
            |hit| {
                found.push((hit.id, hit.title));
                Ok(())
            },
        )
        .unwrap();
    let mut all: Vec<_> = found
        .into_iter()
        .map(|(id, title)| {
            let body = engine.show(&id, None).unwrap().body;
            (id, title, body)
        })
        .collect();
    all.sort();
    all
}

/// Silences the expected panics of killed runs (and only those).
fn quiet_kills() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let msg = info.payload().downcast_ref::<&str>().copied();
            if msg != Some("killed (incremental_props)") {
                default(info);
            }
        }));
    });
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 32,
        failure_persistence: None,
        max_shrink_iters: 256,
        ..ProptestConfig::default()
    })]

    #[test]
    fn incremental_runs_end_where_a_fresh_run_does(ops in prop::collection::vec(op(), 1..=8)) {
        quiet_kills();
        let dir = tempfile::tempdir().unwrap();
        let corpus = dir.path().join("corpus");
        std::fs::create_dir_all(&corpus).unwrap();
        let index = dir.path().join("index");
        for op in &ops {
            apply(op, &corpus, &index);
        }
        run_when_unlocked(&request(&corpus, &index));
        let fresh = dir.path().join("fresh");
        indexer::run(&request(&corpus, &fresh), &indexer::Silent).unwrap();
        prop_assert_eq!(articles(&index), articles(&fresh));
    }
}

/// A run of the indexer. A "kill" here is a panic inside this process, and tantivy's writer
/// threads let go of the index's lock a moment after it, where a killed process's lock goes at
/// once: a run that finds the lock still held waits for it (at most 10 s), as the next `lede
/// index` after a real kill would not need to.
fn run_when_unlocked(req: &lede::IndexRequest) {
    for _ in 0..200 {
        match indexer::run(req, &indexer::Silent) {
            Err(lede::Error::Locked(_)) => std::thread::sleep(std::time::Duration::from_millis(50)),
            other => {
                other.unwrap();
                return;
            }
        }
    }
    panic!("the index stayed locked for 10 s after a killed run");
}

/// Found by writing this property (issue 18): a file renamed over another of the same size and
/// the same modification time (two files written in one clock tick; or `cp -p`, `rsync -t`,
/// `tar x`, which restore mtimes) kept the old file's articles while a file's stamp was its size
/// and mtime. The stamp now has the inode and ctime too (schema 7).
#[test]
fn a_file_renamed_over_one_of_the_same_size_and_mtime_is_reindexed() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    let index = dir.path().join("index");
    std::fs::write(corpus.join("a.txt"), "Note one\n\nThe tide report.\n").unwrap();
    std::fs::write(corpus.join("b.txt"), "Note two\n\nThe quay report.\n").unwrap();
    // The same mtime for both, as `cp -p` or a quick script would leave them.
    let mtime = std::fs::metadata(corpus.join("a.txt"))
        .unwrap()
        .modified()
        .unwrap();
    std::fs::File::options()
        .write(true)
        .open(corpus.join("b.txt"))
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    indexer::run(&request(&corpus, &index), &indexer::Silent).unwrap();
    std::fs::rename(corpus.join("a.txt"), corpus.join("b.txt")).unwrap();
    indexer::run(&request(&corpus, &index), &indexer::Silent).unwrap();
    let fresh = dir.path().join("fresh");
    indexer::run(&request(&corpus, &fresh), &indexer::Silent).unwrap();
    assert_eq!(articles(&index), articles(&fresh));
}
