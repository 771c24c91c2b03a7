//! `lede-bench agree`: the same corpus indexed locally and on an OpenSearch cluster, then the
//! same requests to both (issue 16, point 3): totals and facet counts of metadata-only
//! searches (which must be identical), totals and top-10 overlap of text queries, the three
//! spellings of a compound, and the latency of each engine (p50/p99, wall time in this
//! process, HTTP included for the cluster). Prints markdown tables.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Result;
use lede::indexer::{self, IndexRequest, Silent};
use lede::remote::bulk::Layout;
use lede::{Backend, Engine, FacetField, FacetRequest, Filter, OpenSearch, SearchRequest};

pub struct AgreeOptions {
    pub corpus: Vec<PathBuf>,
    pub index: PathBuf,
    pub opensearch: String,
    pub layout: Layout,
    pub rounds: usize,
    pub reuse: bool,
    /// A path (as the walk writes it) that the three spellings must all find.
    pub seed: Option<String>,
}

/// Searches of metadata only: every count must be the same.
const METADATA: &[&str] = &[
    "*",
    "topic:grain",
    "topic:earn AND place:usa",
    "place:japan OR place:uk",
    "date:1987-03",
    "date:[1987-03-01 TO 1987-03-15]",
    "section:/business",
    "format:sgml -topic:acq",
    "org:opec",
];

/// Text queries: words, phrases, proximity, prefixes, fuzzy words, operators and fields.
const TEXT: &[&str] = &[
    "oil prices",
    "interest rates",
    "trade deficit",
    "opec",
    "wheat exports",
    "bank of england",
    "\"stock market\"",
    "\"central bank\"~2",
    "merger w/5 agreement",
    "profit pre/3 rose",
    "elect*",
    "title:econom*",
    "governmnet~1",
    "takeover AND NOT bid",
    "dollar OR yen",
    "tony blair",
    "mobile phone",
    "film award",
    "football",
    "title:profits",
    "chancellor gordon brown budget",
    "share prices fell",
    "world cup",
    "music industry",
    "crude oil production cut",
    "exact:shares",
    "anti-satellite",
    "coffee",
    "strike",
    "broadband",
];

const SPELLINGS: &[&str] = &["anti-satellite", "antisatellite", "\"anti satellite\""];

fn facets() -> Vec<FacetRequest> {
    [
        FacetField::Topic,
        FacetField::Place,
        FacetField::Source,
        FacetField::Section,
        FacetField::Year,
        FacetField::Month,
        FacetField::Format,
        FacetField::Org,
        FacetField::Language,
    ]
    .into_iter()
    .map(|field| FacetRequest {
        field,
        size: 1_000,
        under: Vec::new(),
    })
    .collect()
}

fn percentile(samples: &mut [Duration], p: f64) -> f64 {
    samples.sort();
    let i = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples.get(i).map_or(0.0, |d| d.as_secs_f64() * 1e3)
}

pub fn run(o: &AgreeOptions) -> Result<()> {
    let os = OpenSearch::connect(&o.opensearch)?;
    println!("# lede local vs OpenSearch ({})\n", o.opensearch);
    if !o.reuse {
        let mut req = IndexRequest::new(o.corpus.clone(), o.index.clone());
        req.rebuild = true;
        let local = indexer::run(&req, &Silent)?;
        let remote = lede::remote::index(&os, &req, o.layout, &Silent)?;
        println!("| indexing | articles | MB | seconds | MB/s |\n|---|---|---|---|---|");
        for (name, s) in [("local", &local), ("OpenSearch", &remote)] {
            println!(
                "| {name} | {} | {:.1} | {:.1} | {:.2} |",
                s.total,
                s.bytes as f64 / 1e6,
                s.seconds,
                s.mb_per_second()
            );
        }
        println!();
    }
    let engine = Engine::open(&o.index)?;
    let engines: [&dyn Backend; 2] = [&engine, &os];

    println!(
        "| metadata search | local total | remote total | facet values | same |\n|---|---|---|---|---|"
    );
    let mut meta_same = 0;
    for q in METADATA {
        let req = SearchRequest {
            query: q.to_string(),
            limit: 10,
            passages: 0,
            facets: facets(),
            ..Default::default()
        };
        let [l, r] = engines.map(|e| e.search(&req));
        let (l, r) = (l?, r?);
        let values: usize = l.facets.iter().map(|f| f.values.len()).sum();
        let same = l.total == r.total && l.facets == r.facets;
        meta_same += usize::from(same);
        if !same {
            for (a, b) in l.facets.iter().zip(&r.facets) {
                if a != b {
                    eprintln!("{q}: {:?} differs", a.field);
                }
            }
        }
        println!(
            "| `{q}` | {} | {} | {values} | {} |",
            l.total,
            r.total,
            if same { "yes" } else { "**no**" }
        );
    }
    // A filtered search: the scope as filters.
    let req = SearchRequest {
        query: "*".into(),
        passages: 0,
        facets: facets(),
        scope: lede::Scope {
            filters: vec![Filter {
                field: FacetField::Topic,
                value: "crude".into(),
            }],
            from: "1987-03-01T00:00:00Z".parse().ok(),
            to: None,
        },
        ..Default::default()
    };
    let (l, r) = (engine.search(&req)?, os.search(&req)?);
    let same = l.total == r.total && l.facets == r.facets;
    meta_same += usize::from(same);
    println!(
        "| `*` --filter topic=crude --since 1987-03 | {} | {} | {} | {} |\n",
        l.total,
        r.total,
        l.facets.iter().map(|f| f.values.len()).sum::<usize>(),
        if same { "yes" } else { "**no**" }
    );
    println!(
        "metadata searches identical: {meta_same} of {}\n",
        METADATA.len() + 1
    );

    println!(
        "| text query | local total | remote total | diff | top-10 overlap |\n|---|---|---|---|---|"
    );
    let (mut overlaps, mut within) = (Vec::new(), 0);
    let mut times: [Vec<Duration>; 2] = [Vec::new(), Vec::new()];
    for q in TEXT {
        let req = SearchRequest {
            query: q.to_string(),
            ..Default::default()
        };
        let mut results = Vec::new();
        for (i, e) in engines.iter().enumerate() {
            let mut last = None;
            for _ in 0..o.rounds.max(1) {
                let t = Instant::now();
                last = Some(e.search(&req)?);
                times[i].push(t.elapsed());
            }
            results.push(last.expect("one round at least"));
        }
        let (l, r) = (&results[0], &results[1]);
        let ids = |h: &[lede::Hit]| h.iter().map(|h| h.id.clone()).collect::<Vec<_>>();
        let (li, ri) = (ids(&l.hits), ids(&r.hits));
        let overlap = if li.is_empty() && ri.is_empty() {
            1.0
        } else {
            li.iter().filter(|id| ri.contains(id)).count() as f64 / li.len().max(ri.len()) as f64
        };
        overlaps.push(overlap);
        let diff = if l.total == 0 {
            if r.total == 0 { 0.0 } else { 100.0 }
        } else {
            (r.total as f64 - l.total as f64) / l.total as f64 * 100.0
        };
        within += usize::from(diff.abs() <= 2.0);
        println!(
            "| `{q}` | {} | {} | {diff:+.1}% | {overlap:.1} |",
            l.total, r.total
        );
    }
    let mean = overlaps.iter().sum::<f64>() / overlaps.len() as f64;
    println!(
        "\ntext queries: totals within 2% for {within} of {}; mean top-10 overlap {mean:.2}\n",
        TEXT.len()
    );

    if let Some(seed) = &o.seed {
        println!("| spelling | local finds the seed | remote finds the seed |\n|---|---|---|");
        for q in SPELLINGS {
            let req = SearchRequest {
                query: q.to_string(),
                limit: 200,
                passages: 0,
                ..Default::default()
            };
            let found = |e: &dyn Backend| -> Result<bool> {
                Ok(e.search(&req)?.hits.iter().any(|h| h.path == *seed))
            };
            println!("| `{q}` | {} | {} |", found(&engine)?, found(&os)?);
        }
        println!();
    }

    println!(
        "| search latency, {} text queries x {} rounds (10 hits, 2 passages) | p50 ms | p99 ms |\n|---|---|---|",
        TEXT.len(),
        o.rounds
    );
    for (name, t) in ["local", "OpenSearch"].iter().zip(times.iter_mut()) {
        let (p50, p99) = (percentile(t, 0.5), percentile(t, 0.99));
        println!("| {name} | {p50:.1} | {p99:.1} |");
    }
    Ok(())
}
