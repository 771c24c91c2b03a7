//! The benchmark: index a corpus, re-index it unchanged, then time searches (in-process,
//! engine only and with passages; with facets; monthly trends; as whole `lede search` processes; ripgrep on
//! the same words when it is installed). Prints one table, or one JSON object.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::baseline::{self, Baseline, Variant};
use crate::yardsticks::{self, Yardstick};
use lede::corpus::{self, ReadOptions};
use lede::indexer::{self, IndexRequest, Silent};
use lede::{Engine, SearchRequest};
use lede::{FacetField, FacetRequest};
use lede::{Interval, TrendQuery, TrendRequest};

pub struct RunOptions {
    pub corpus: Vec<PathBuf>,
    pub index: PathBuf,
    pub rounds: usize,
    pub queries: usize,
    /// Use the index as it is: no indexing, no re-indexing.
    pub reuse: bool,
    /// A query matching much of the corpus, to time facets over a large match set.
    pub broad: String,
    /// Time tantivy alone on the same files too.
    pub baseline: bool,
    /// Index and search the same files with Xapian and tantivy-cli too, where installed.
    pub yardsticks: bool,
}

/// Latency percentiles, in milliseconds.
#[derive(Debug, Serialize, Clone, Copy, Default)]
pub struct Latency {
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
    pub runs: usize,
}

impl Latency {
    pub fn of(mut samples: Vec<Duration>) -> Latency {
        samples.sort();
        let at = |q: f64| {
            let i = ((samples.len() as f64 - 1.0) * q).round() as usize;
            samples.get(i).map_or(0.0, |d| d.as_secs_f64() * 1e3)
        };
        Latency {
            p50: at(0.5),
            p95: at(0.95),
            p99: at(0.99),
            runs: samples.len(),
        }
    }
}

#[derive(Debug, Serialize, Default)]
pub struct Report {
    pub machine: String,
    pub cores: usize,
    pub corpus: Vec<String>,
    pub files: u64,
    pub articles: u64,
    pub bytes: u64,
    pub index_seconds: f64,
    pub mb_per_second: f64,
    pub articles_per_second: f64,
    pub cpu_seconds: f64,
    pub peak_rss_mb: f64,
    pub index_bytes: u64,
    pub reindex_seconds: f64,
    /// tantivy alone on the same files: one default text field (with `--baseline`).
    pub tantivy_alone: Option<Baseline>,
    /// tantivy alone with lede's two body fields and analyzers (with `--baseline`).
    pub lede_body_fields: Option<Baseline>,
    pub queries: Vec<String>,
    pub engine: Latency,
    pub engine_with_passages: Latency,
    pub engine_with_facets: Latency,
    pub process: Latency,
    /// Whole `rg` runs on the same single words, when ripgrep is installed.
    pub ripgrep: Option<Latency>,
    /// The broad query, its matches, and its latency without and with the three facets.
    pub broad_query: String,
    pub broad_matches: usize,
    pub broad: Latency,
    pub broad_with_facets: Latency,
    /// Monthly counts of each sampled query, and of the broad query.
    pub trend: Latency,
    pub broad_trend: Latency,
    /// Xapian and tantivy-cli on the same files and queries (with `--yardsticks`).
    pub yardsticks: Vec<Yardstick>,
    /// Yardsticks skipped, and why.
    pub notices: Vec<String>,
}

pub fn run(opts: &RunOptions) -> anyhow::Result<Report> {
    let mut report = Report {
        machine: cpu_model(),
        cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        corpus: opts
            .corpus
            .iter()
            .map(|p| p.display().to_string())
            .collect(),
        ..Report::default()
    };
    let req = IndexRequest::new(opts.corpus.clone(), opts.index.clone());
    if !opts.reuse {
        reset_peak_rss();
        let cpu = cpu_seconds();
        let started = Instant::now();
        let summary = indexer::run(
            &IndexRequest {
                rebuild: true,
                ..req.clone()
            },
            &Silent,
        )?;
        report.index_seconds = started.elapsed().as_secs_f64();
        report.cpu_seconds = cpu_seconds() - cpu;
        report.peak_rss_mb = peak_rss_mb();
        report.files = summary.files;
        report.articles = summary.articles;
        report.bytes = summary.bytes;
        report.mb_per_second = summary.bytes as f64 / 1e6 / report.index_seconds;
        report.articles_per_second = summary.articles as f64 / report.index_seconds;
        let started = Instant::now();
        indexer::run(&req, &Silent)?;
        report.reindex_seconds = started.elapsed().as_secs_f64();
        if opts.baseline {
            let dir = opts.index.with_extension("baseline");
            report.tantivy_alone =
                Some(baseline::run(&opts.corpus, &dir, Variant::TantivyDefault)?);
            report.lede_body_fields =
                Some(baseline::run(&opts.corpus, &dir, Variant::LedeBodyFields)?);
        }
    }
    report.index_bytes = lede::index::maintenance::dir_size(&opts.index);

    let queries = sample_queries(&opts.corpus, opts.queries);
    report.queries = queries.clone();
    let engine = Engine::open(&opts.index)?;
    let time = |passages: usize, facets: &[FacetRequest]| -> anyhow::Result<Latency> {
        let mut samples = Vec::new();
        for round in 0..=opts.rounds {
            for q in &queries {
                let req = SearchRequest {
                    query: q.clone(),
                    limit: 10,
                    passages,
                    facets: facets.to_vec(),
                    ..SearchRequest::default()
                };
                let started = Instant::now();
                engine.search(&req)?;
                if round > 0 {
                    samples.push(started.elapsed());
                }
            }
        }
        Ok(Latency::of(samples))
    };
    report.engine = time(0, &[])?;
    report.engine_with_passages = time(2, &[])?;
    let facets: Vec<FacetRequest> = [FacetField::Author, FacetField::Section, FacetField::Source]
        .into_iter()
        .map(|field| FacetRequest {
            field,
            size: 10,
            under: Vec::new(),
        })
        .collect();
    report.engine_with_facets = time(0, &facets)?;

    let broad = |facets: &[FacetRequest]| -> anyhow::Result<(Latency, usize)> {
        let req = SearchRequest {
            query: opts.broad.clone(),
            limit: 10,
            passages: 0,
            facets: facets.to_vec(),
            ..SearchRequest::default()
        };
        let mut samples = Vec::new();
        let mut total = 0;
        for round in 0..=(opts.rounds * 4) {
            let started = Instant::now();
            total = engine.search(&req)?.total;
            if round > 0 {
                samples.push(started.elapsed());
            }
        }
        Ok((Latency::of(samples), total))
    };
    report.broad_query = opts.broad.clone();
    (report.broad, report.broad_matches) = broad(&[])?;
    report.broad_with_facets = broad(&facets)?.0;

    let trend = |queries: &[String], rounds: usize| -> anyhow::Result<Latency> {
        let mut samples = Vec::new();
        for round in 0..=rounds {
            for q in queries {
                let req = TrendRequest {
                    queries: vec![TrendQuery {
                        label: q.clone(),
                        query: q.clone(),
                    }],
                    interval: Interval::Month,
                    ..TrendRequest::default()
                };
                let started = Instant::now();
                engine.trend(&req)?;
                if round > 0 {
                    samples.push(started.elapsed());
                }
            }
        }
        Ok(Latency::of(samples))
    };
    report.trend = trend(&queries, opts.rounds)?;
    report.broad_trend = trend(std::slice::from_ref(&opts.broad), opts.rounds * 4)?;

    // Whole processes: lede and each yardstick in turn for every query, so that a change in
    // the machine's load falls on all of them alike.
    let mut engines = Vec::new();
    if opts.yardsticks {
        for engine in yardsticks::Engine::ALL {
            match engine.find() {
                Ok(version) => {
                    let dir = opts.index.with_extension(engine.name());
                    let seconds = if opts.reuse && dir.exists() {
                        0.0
                    } else {
                        engine.index(&opts.corpus, &dir)?
                    };
                    report.yardsticks.push(Yardstick {
                        engine: engine.name().into(),
                        version,
                        index_seconds: seconds,
                        index_bytes: dir_size_all(&dir),
                        ..Yardstick::default()
                    });
                    engines.push((engine, dir));
                }
                Err(notice) => report.notices.push(notice),
            }
        }
    }
    let lede = std::env::current_exe()?.with_file_name("lede");
    let mut samples = vec![Vec::new(); engines.len() + 1];
    for q in queries
        .iter()
        .cycle()
        .take(queries.len() * opts.rounds.max(1))
    {
        let started = Instant::now();
        Command::new(&lede)
            .args(["search", q, "--index"])
            .arg(&opts.index)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()?;
        samples[0].push(started.elapsed());
        for (i, (engine, dir)) in engines.iter().enumerate() {
            let started = Instant::now();
            engine.search(dir, q).status()?;
            samples[i + 1].push(started.elapsed());
        }
    }
    let mut samples = samples.into_iter();
    report.process = Latency::of(samples.next().unwrap_or_default());
    for (y, s) in report.yardsticks.iter_mut().zip(samples) {
        y.process = Latency::of(s);
        let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { 0.0 };
        y.lede_index_time_ratio = ratio(report.index_seconds, y.index_seconds);
        y.lede_index_size_ratio = ratio(report.index_bytes as f64, y.index_bytes as f64);
        y.lede_search_p50_ratio = ratio(report.process.p50, y.process.p50);
        y.lede_search_p95_ratio = ratio(report.process.p95, y.process.p95);
    }

    if Command::new("rg").arg("--version").output().is_ok() {
        let mut samples = Vec::new();
        for q in queries.iter().filter(|q| !q.contains(' ')) {
            let started = Instant::now();
            Command::new("rg")
                .args(["-l", "-i", "-w", q])
                .args(&opts.corpus)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()?;
            samples.push(started.elapsed());
        }
        report.ripgrep = Some(Latency::of(samples));
    }
    Ok(report)
}

/// Queries made from the corpus itself: words of articles spread through it, as one word, two
/// words, and a two-word phrase in turn.
pub fn sample_queries(roots: &[PathBuf], n: usize) -> Vec<String> {
    let walk = corpus::walk(roots);
    let opts = ReadOptions::default();
    let files: Vec<_> = walk
        .files
        .iter()
        .filter(|f| opts.check(&f.path).is_ok())
        .collect();
    let mut queries = Vec::new();
    let step = (files.len() / n.max(1)).max(1);
    // Files spread through the corpus; a second pass halfway between them when some had too
    // few words, so that `n` queries come back whenever the corpus has them.
    let picks = (0..files.len())
        .step_by(step)
        .chain((step / 2..files.len()).step_by(step).filter(|_| step > 1));
    for i in picks {
        if queries.len() == n {
            break;
        }
        if let Ok(read) = corpus::read(files[i], &opts)
            && let Some(article) = read.articles.first()
        {
            let words: Vec<String> = article
                .body
                .split(|c: char| !c.is_alphabetic())
                .filter(|w| (4..=12).contains(&w.chars().count()))
                .map(str::to_lowercase)
                .collect();
            if words.len() > 10 {
                let k = queries.len();
                let at = (k * 7) % (words.len() - 1);
                queries.push(match k % 3 {
                    0 => words[at].clone(),
                    1 => format!("{} {}", words[at], words[(at + 5) % words.len()]),
                    _ => format!("\"{} {}\"", words[at], words[at + 1]),
                });
            }
        }
    }
    queries
}

/// Bytes of every file under `dir`.
fn dir_size_all(dir: &std::path::Path) -> u64 {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum()
}

pub fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into())
}

/// User plus system CPU time of this process, in seconds (Linux).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses and may hold spaces).
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of the line, 11 and 12 after the name.
    (ticks(11) + ticks(12)) / 100.0
}

fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// The report as a table.
pub fn print(r: &Report) {
    let lat = |l: &Latency| {
        format!(
            "p50 {:>7.2} ms   p95 {:>7.2} ms   p99 {:>7.2} ms   ({} runs)",
            l.p50, l.p95, l.p99, l.runs
        )
    };
    println!("{:<22}{}, {} cores", "machine", r.machine, r.cores);
    println!("{:<22}{}", "corpus", r.corpus.join(" "));
    if r.index_seconds > 0.0 {
        println!(
            "{:<22}{} files, {} articles, {:.1} MB",
            "",
            r.files,
            r.articles,
            r.bytes as f64 / 1e6
        );
        println!(
            "{:<22}{:.2} s wall, {:.1} MB/s, {:.0} articles/s, {:.2} s CPU, peak RSS {:.0} MB",
            "index",
            r.index_seconds,
            r.mb_per_second,
            r.articles_per_second,
            r.cpu_seconds,
            r.peak_rss_mb
        );
        println!(
            "{:<22}{:.1} MB ({:.2} x the text)",
            "index size",
            r.index_bytes as f64 / 1e6,
            r.index_bytes as f64 / r.bytes.max(1) as f64
        );
        println!("{:<22}{:.3} s", "re-index, no change", r.reindex_seconds);
        let yardsticks = [
            (
                "tantivy alone",
                &r.tantivy_alone,
                "one text field, default tokenizer",
            ),
            (
                "  lede's body fields",
                &r.lede_body_fields,
                "stems + exact words, lede's analyzers",
            ),
        ];
        for (name, b, what) in yardsticks {
            if let Some(b) = b {
                println!(
                    "{name:<22}{:.2} s wall, {:.1} MB/s ({what}; lede: {:.0}%)",
                    b.seconds,
                    b.mb_per_second,
                    100.0 * r.mb_per_second / b.mb_per_second.max(1e-9)
                );
            }
        }
    } else {
        println!("{:<22}{:.1} MB", "index size", r.index_bytes as f64 / 1e6);
    }
    println!("{:<22}{}", "search (engine)", lat(&r.engine));
    println!("{:<22}{}", "  + 2 passages", lat(&r.engine_with_passages));
    println!(
        "{:<22}{}   (+{:.2} ms at p50)",
        "  + 3 facets",
        lat(&r.engine_with_facets),
        r.engine_with_facets.p50 - r.engine.p50
    );
    println!(
        "{:<22}{}   ('{}': {} matches)",
        "broad query",
        lat(&r.broad),
        r.broad_query,
        r.broad_matches
    );
    println!(
        "{:<22}{}   (+{:.2} ms at p50)",
        "  + 3 facets",
        lat(&r.broad_with_facets),
        r.broad_with_facets.p50 - r.broad.p50
    );
    println!("{:<22}{}", "trend, by month", lat(&r.trend));
    println!("{:<22}{}", "  broad query", lat(&r.broad_trend));
    println!("{:<22}{}", "lede search process", lat(&r.process));
    match &r.ripgrep {
        Some(rg) => println!(
            "{:<22}{}   (lede process is {:.1}x faster at p50)",
            "rg -l -i -w WORD",
            lat(rg),
            rg.p50 / r.process.p50.max(1e-9)
        ),
        None => println!("{:<22}not installed", "ripgrep"),
    }
    println!("{:<22}{}", "queries", r.queries.len());
    if !r.yardsticks.is_empty() {
        print_yardsticks(r);
    }
    for notice in &r.notices {
        println!("{:<22}{notice}", "yardstick skipped");
    }
}

/// lede beside the yardsticks: absolute figures, then lede's as ratios of theirs.
fn print_yardsticks(r: &Report) {
    println!();
    println!(
        "{:<14}{:>10}{:>12}{:>10}{:>12}{:>12}   lede / engine: index time, size, p50, p95",
        "engine", "index s", "index MB", "x text", "search p50", "search p95"
    );
    let mb = |b: u64| b as f64 / 1e6;
    let x = |b: u64| b as f64 / r.bytes.max(1) as f64;
    println!(
        "{:<14}{:>10.2}{:>12.1}{:>10.2}{:>9.2} ms{:>9.2} ms",
        "lede",
        r.index_seconds,
        mb(r.index_bytes),
        x(r.index_bytes),
        r.process.p50,
        r.process.p95
    );
    for y in &r.yardsticks {
        println!(
            "{:<14}{:>10.2}{:>12.1}{:>10.2}{:>9.2} ms{:>9.2} ms   {:.2}x  {:.2}x  {:.2}x  {:.2}x",
            y.engine,
            y.index_seconds,
            mb(y.index_bytes),
            x(y.index_bytes),
            y.process.p50,
            y.process.p95,
            y.lede_index_time_ratio,
            y.lede_index_size_ratio,
            y.lede_search_p50_ratio,
            y.lede_search_p95_ratio
        );
    }
}
