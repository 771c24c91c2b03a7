//! How well near-duplicate grouping works on real news, and what it costs: copies of BBC and
//! Reuters articles are made at run time (a new headline, a dateline, the last paragraph
//! trimmed) beside same-topic articles that are not copies, the whole is indexed, and the
//! groups compared with what was made. Prints the table of docs/newsroom.md.
//!
//! Needs ../shared/corpora (skipped with a notice without it) and takes a few minutes in a
//! debug build: `cargo test newsroom_eval -- --ignored --nocapture`.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use lede::Engine;
use lede::corpus::{self, ReadOptions};
use lede::index::{dedup, minhash, store};
use lede::indexer::{self, IndexRequest, Silent};
use lede::model::Article;
use tantivy::schema::Value;

fn shared(rel: &str) -> Option<PathBuf> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared")
        .join(rel);
    if path.exists() {
        Some(path)
    } else {
        eprintln!("skipped: {} is absent", path.display());
        None
    }
}

fn read_all(root: &Path) -> Vec<Article> {
    let walk = corpus::walk(&[root.to_path_buf()]);
    let opts = ReadOptions::default();
    let mut out = Vec::new();
    for file in &walk.files {
        if let Ok(read) = corpus::read(file, &opts) {
            out.extend(read.articles);
        }
    }
    out
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A wire copy: a new headline, a dateline, the last paragraph trimmed (its last third of
/// sentences cut).
fn wire_copy(a: &Article, n: usize) -> String {
    // Paragraphs: BBC separates most with one line break, Reuters with an indent.
    let paragraphs: Vec<&str> = a
        .body
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    // The last paragraph trimmed: its last third of sentences (at least one) cut.
    let (last, head) = paragraphs.split_last().expect("a body");
    let sentences: Vec<&str> = last.split_inclusive(". ").collect();
    let keep = sentences.len() - sentences.len().div_ceil(3);
    let mut kept: Vec<String> = head.iter().map(|p| p.to_string()).collect();
    if keep > 0 {
        kept.push(sentences[..keep].concat().trim_end().to_string());
    }
    let trimmed = kept.join("\n\n");
    let city = ["LONDON", "NEW YORK", "TOKYO", "PARIS"][n % 4];
    format!(
        "Wire story {n}: {}\n\n{city}, March {} (Wire) - {trimmed}\n",
        a.title
            .split_whitespace()
            .rev()
            .collect::<Vec<_>>()
            .join(" "),
        n % 28 + 1
    )
}

#[derive(Default)]
struct Tally {
    copies: usize,
    found: usize,
    negatives: usize,
    false_groups: usize,
}

#[test]
#[ignore = "minutes in a debug build; run with --ignored --nocapture"]
fn newsroom_eval_near_duplicates() {
    let (Some(bbc), Some(reuters)) = (shared("corpora/bbc"), shared("corpora/reuters21578")) else {
        return;
    };
    let env = tempfile::tempdir().unwrap();
    let corpus_dir = env.path().join("corpus");
    copy_dir(&bbc, &corpus_dir.join("bbc"));
    std::fs::create_dir_all(corpus_dir.join("reuters")).unwrap();
    for name in ["reut2-000.sgm", "reut2-001.sgm"] {
        std::fs::copy(reuters.join(name), corpus_dir.join("reuters").join(name)).unwrap();
    }
    let sources = [
        ("BBC", read_all(&corpus_dir.join("bbc"))),
        ("Reuters", read_all(&corpus_dir.join("reuters"))),
    ];

    // Copies of every 12th article of 80 words or more, and for each a same-topic article
    // that is not a copy (the most similar by `lede similar` whose shingles' Jaccard and
    // containment with it are both under 0.5: Reuters often sends a story again, longer).
    let mut made: Vec<(&str, String, String)> = Vec::new(); // (source, original id, copy id)
    std::fs::create_dir_all(corpus_dir.join("copies")).unwrap();
    for (source, articles) in &sources {
        let long: Vec<&Article> = articles
            .iter()
            .filter(|a| a.body.split_whitespace().count() >= 80)
            .collect();
        for (n, a) in long.iter().step_by(12).take(150).enumerate() {
            let name = format!("{}-{n:03}.txt", source.to_lowercase());
            let path = corpus_dir.join("copies").join(&name);
            std::fs::write(&path, wire_copy(a, n)).unwrap();
            made.push((source, a.id.clone(), path.to_string_lossy().into_owned()));
        }
    }

    // Indexing, whole, with grouping.
    let index_dir = env.path().join("idx");
    let started = Instant::now();
    let summary = indexer::run(
        &IndexRequest::new(vec![corpus_dir.clone()], index_dir.clone()),
        &Silent,
    )
    .unwrap();
    let index_secs = started.elapsed().as_secs_f64();

    // Grouping alone, from scratch over the built index (compares, rewrites nothing).
    let st = store::open(&index_dir).unwrap();
    let writer: tantivy::IndexWriter = st
        .index
        .writer(lede::index::store::SMALL_WRITER_HEAP)
        .unwrap();
    let started = Instant::now();
    let regrouped = dedup::regroup(&st, &index_dir, &writer, 0, Default::default()).unwrap();
    let group_secs = started.elapsed().as_secs_f64();
    drop(writer);

    // Signatures alone.
    let started = Instant::now();
    let mut n_articles = 0;
    for (_, articles) in &sources {
        for a in articles {
            std::hint::black_box(minhash::keys(&a.body));
            n_articles += 1;
        }
    }
    let sign_secs = started.elapsed().as_secs_f64();

    // Every article's group.
    let engine = Engine::open(&index_dir).unwrap();
    let reader = st.index.reader().unwrap();
    let searcher = reader.searcher();
    let fields = st.fields;
    let mut group: HashMap<String, String> = HashMap::new();
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        for doc in segment.doc_ids_alive() {
            let d: tantivy::TantivyDocument = searcher
                .doc(tantivy::DocAddress::new(ord as u32, doc))
                .unwrap();
            let text = |f| {
                d.get_first(f)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string()
            };
            group.insert(text(fields.id), text(fields.group));
        }
    }
    let mut sizes: HashMap<&String, usize> = HashMap::new();
    for g in group.values() {
        *sizes.entry(g).or_default() += 1;
    }
    let copy_ids: HashSet<&String> = made.iter().map(|(_, _, c)| c).collect();

    let mut tally: HashMap<&str, Tally> = HashMap::new();
    for (source, orig, copy) in &made {
        let t = tally.entry(source).or_default();
        t.copies += 1;
        assert!(group.contains_key(copy), "{copy} not indexed");
        if group.get(orig) == group.get(copy) {
            t.found += 1;
        } else if std::env::var_os("LEDE_EVAL_MISSES").is_some() {
            let body = |id: &str| {
                sources
                    .iter()
                    .flat_map(|(_, a)| a.iter())
                    .find(|a| a.id == id)
                    .map(|a| a.body.clone())
                    .unwrap_or_default()
            };
            let copy_body = std::fs::read_to_string(copy).unwrap();
            let l = minhash::likeness(
                &minhash::shingles(&body(orig)),
                &minhash::shingles(&copy_body),
            );
            println!(
                "missed {orig} ({:?}) / {copy} ({:?}): {l:?}",
                group.get(orig),
                group.get(copy)
            );
        }
        // A same-topic article that is not a copy.
        let similar = engine.similar(orig, 5, 0).unwrap();
        let body = |id: &str| {
            sources
                .iter()
                .flat_map(|(_, a)| a.iter())
                .find(|a| a.id == id)
                .map(|a| minhash::shingles(&a.body))
        };
        let orig_shingles = body(orig).unwrap();
        if let Some(neg) = similar.hits.iter().find(|h| {
            !copy_ids.contains(&h.id)
                && !h.id.contains("copies")
                && body(&h.id).is_some_and(|s| {
                    let l = minhash::likeness(&orig_shingles, &s);
                    l.jaccard < 0.5 && l.containment < 0.5
                })
        }) {
            t.negatives += 1;
            if group.get(orig) == group.get(&neg.id) {
                t.false_groups += 1;
                if std::env::var_os("LEDE_EVAL_MISSES").is_some() {
                    let l = minhash::likeness(&orig_shingles, &body(&neg.id).unwrap());
                    println!("grouped non-copy {orig} / {}: {l:?}", neg.id);
                }
            }
        }
    }
    // Inside every group: how many of its pairs are copies directly (the rest are joined
    // through a third article).
    let bodies: HashMap<&str, Vec<u64>> = sources
        .iter()
        .flat_map(|(_, a)| a.iter())
        .map(|a| (a.id.as_str(), minhash::shingles(&a.body)))
        .collect();
    let mut members: HashMap<&String, Vec<&String>> = HashMap::new();
    for (id, g) in &group {
        members.entry(g).or_default().push(id);
    }
    let (mut pairs, mut direct) = (0, 0);
    for m in members.values().filter(|m| m.len() > 1) {
        for (i, a) in m.iter().enumerate() {
            for b in &m[i + 1..] {
                let shingles = |id: &str| {
                    bodies.get(id).cloned().unwrap_or_else(|| {
                        let text = std::fs::read_to_string(id).unwrap();
                        minhash::shingles(text.split_once("\n\n").unwrap().1)
                    })
                };
                pairs += 1;
                if minhash::likeness(&shingles(a), &shingles(b)).is_copy() {
                    direct += 1;
                }
            }
        }
    }
    println!("pairs inside groups: {pairs}, of which copies directly: {direct}");

    // An incremental run that adds one copy.
    std::fs::write(
        corpus_dir.join("copies/late.txt"),
        wire_copy(&sources[0].1[7], 999),
    )
    .unwrap();
    let started = Instant::now();
    let late = indexer::run(
        &IndexRequest::new(vec![corpus_dir.clone()], index_dir.clone()),
        &Silent,
    )
    .unwrap();
    println!(
        "incremental run adding one copy: {:.2} s ({} added)",
        started.elapsed().as_secs_f64(),
        late.added
    );

    let originals_in_groups = group
        .iter()
        .filter(|(id, g)| !id.contains("/copies/") && sizes[g] > 1)
        .count();

    println!(
        "\n| source | copies made | grouped with their original | recall | same-topic pairs | grouped (false) | precision |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let mut all = Tally::default();
    for source in ["BBC", "Reuters"] {
        let t = &tally[source];
        row(source, t);
        all.copies += t.copies;
        all.found += t.found;
        all.negatives += t.negatives;
        all.false_groups += t.false_groups;
    }
    row("all", &all);
    let size = dir_size(&index_dir);
    println!(
        "\narticles {} (+{} copies); index {:.1} s in all, of which grouping from scratch {:.2} s \
         ({} articles examined, {} pairs compared), signatures {:.2} s for {} articles; \
         index size {:.1} MB; originals already in groups: {}",
        summary.total as usize - made.len(),
        made.len(),
        index_secs,
        group_secs,
        regrouped.examined,
        regrouped.compared,
        sign_secs,
        n_articles,
        size as f64 / 1e6,
        originals_in_groups
    );
    let usage = searcher.space_usage().unwrap();
    let names = ["bands", "group", "group_size", "version", "written"];
    let mut new_fields = 0u64;
    for seg in usage.segments() {
        for per_field in [seg.fast_fields(), seg.termdict(), seg.postings()] {
            new_fields += per_field
                .fields()
                .filter(|f| names.contains(&f.field_name()))
                .map(|f| f.total().get_bytes())
                .sum::<u64>();
        }
    }
    let total = usage.total().get_bytes();
    println!(
        "new fields: {:.2} MB of {:.2} MB ({:.1}%)",
        new_fields as f64 / 1e6,
        total as f64 / 1e6,
        100.0 * new_fields as f64 / total as f64
    );
    assert!(all.found * 10 >= all.copies * 9, "recall under 90%");
}

fn row(name: &str, t: &Tally) {
    println!(
        "| {name} | {} | {} | {:.1}% | {} | {} | {:.1}% |",
        t.copies,
        t.found,
        100.0 * t.found as f64 / t.copies.max(1) as f64,
        t.negatives,
        t.false_groups,
        100.0 * t.found as f64 / (t.found + t.false_groups).max(1) as f64
    );
}

fn dir_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok()?.metadata().ok())
        .map(|m| m.len())
        .sum()
}
