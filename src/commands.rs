//! What each command does: the wiring between the command line's requests, the library and
//! the terminal. Progress and warnings go to stderr; results go to stdout.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use anyhow::Result;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::cli::{
    ColorWhen, Command, DEFAULT_CORPUS, DEFAULT_INDEX, IndexArgs, SearchArgs, StatsArgs, WatchArgs,
};
use lede::indexer::{self, IndexRequest, Reporter};
use lede::search::Engine;
use lede::watch::WatchEvent;
use lede::{Error, output, store};

/// Runs one command and gives the exit status (errors are the caller's to print).
pub fn run(command: Command) -> Result<ExitCode> {
    match command {
        Command::Index(args) => index(&args),
        Command::Search(args) => search(&args),
        Command::Watch(args) => watch(&args),
        Command::Stats(args) => stats(&args),
        Command::Optimize(args) => optimize(&args),
    }
}

fn index(args: &IndexArgs) -> Result<ExitCode> {
    let req = args.to_request();
    let reporter = StderrReporter::new(!args.corpus.quiet);
    let summary = indexer::run(&req, &reporter)?;
    reporter.finish();
    let mut out = io::stdout().lock();
    if args.corpus.json {
        output::write_index_json(&mut out, &summary)?;
    } else if !args.corpus.quiet {
        output::write_index_summary(&mut out, &summary)?;
    }
    out.flush()?;
    if !summary.committed {
        anyhow::bail!(
            "--strict: {} {} in the corpus, so the index was left as it was",
            summary.problems(),
            if summary.problems() == 1 {
                "problem"
            } else {
                "problems"
            }
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn search(args: &SearchArgs) -> Result<ExitCode> {
    let req = args.to_request();
    let dir = match &args.index {
        Some(dir) => dir.clone(),
        None => {
            let dir = PathBuf::from(DEFAULT_INDEX);
            build_default_index(&dir)?;
            dir
        }
    };
    let engine = Engine::open(&dir)?;
    let results = engine.search(&req)?;
    for note in &results.notes {
        eprintln!("lede: note: {note}");
    }
    let stdout = io::stdout();
    let color = match args.color {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => anstream::AutoStream::choice(&stdout) != anstream::ColorChoice::Never,
    };
    let mut out = io::BufWriter::new(stdout.lock());
    if args.json {
        output::write_json(&mut out, &results)?;
    } else if results.total > 0 {
        output::write_text(&mut out, &results, color)?;
    }
    out.flush()?;
    if results.total == 0 {
        eprintln!("lede: no articles match {:?}", req.query);
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// Ctrl-C (or SIGTERM) asks `lede watch` to commit what is pending and stop.
static STOP: AtomicBool = AtomicBool::new(false);

fn watch(args: &WatchArgs) -> Result<ExitCode> {
    let req = args.corpus.to_request();
    let (json, quiet) = (args.corpus.json, args.corpus.quiet);
    ctrlc::set_handler(|| STOP.store(true, Ordering::SeqCst))?;
    let reporter = StderrReporter::new(!quiet);
    lede::watch::watch(&req, &reporter, &STOP, |event| {
        reporter.finish();
        let (kind, summary) = match event {
            WatchEvent::Synced(s) => ("synced", s),
            WatchEvent::Batch(s) => ("batch", s),
        };
        // A line per event, on stdout, flushed at once: a watch is read as it goes.
        let mut out = io::stdout().lock();
        let written = if json {
            output::write_watch_json(&mut out, kind, summary)
        } else if quiet {
            Ok(())
        } else {
            output::write_watch_line(&mut out, kind, summary, &req.roots)
        };
        let _ = written.and_then(|_| out.flush());
    })?;
    Ok(ExitCode::SUCCESS)
}

fn stats(args: &StatsArgs) -> Result<ExitCode> {
    let stats = lede::stats::stats(&args.index)?;
    let mut out = io::stdout().lock();
    if args.json {
        serde_json::to_writer(&mut out, &stats)?;
        writeln!(out)?;
    } else {
        output::write_stats(&mut out, &stats)?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn optimize(args: &StatsArgs) -> Result<ExitCode> {
    let summary = lede::stats::optimize(&args.index)?;
    let mut out = io::stdout().lock();
    if args.json {
        serde_json::to_writer(&mut out, &summary)?;
        writeln!(out)?;
    } else {
        writeln!(
            out,
            "merged {} segments into {}, removing {} deleted documents: {:.1} MB to {:.1} MB in {:.2} s",
            summary.segments_before,
            summary.segments_after,
            output::thousands(summary.deleted_removed),
            summary.bytes_before as f64 / 1e6,
            summary.bytes_after as f64 / 1e6,
            summary.seconds
        )?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// On a fresh clone `lede search` works at once: the default index is built from the bundled
/// corpus when it does not exist yet.
fn build_default_index(dir: &Path) -> Result<()> {
    if store::exists(dir) {
        return Ok(());
    }
    let corpus = PathBuf::from(DEFAULT_CORPUS);
    if !corpus.is_dir() {
        return Err(Error::NoIndexNoCorpus {
            index: dir.to_path_buf(),
            corpus,
        }
        .into());
    }
    eprintln!(
        "lede: no index at '{}' yet: building it from '{}' first",
        dir.display(),
        corpus.display()
    );
    let reporter = StderrReporter::new(true);
    let summary = indexer::run(
        &IndexRequest::new(vec![corpus], dir.to_path_buf()),
        &reporter,
    )?;
    reporter.finish();
    output::write_index_summary(&mut io::stderr().lock(), &summary)?;
    Ok(())
}

/// Progress bar and warnings on stderr; the bar shows only on a terminal.
struct StderrReporter {
    bar: ProgressBar,
    verbose: bool,
    files: AtomicU64,
    articles: AtomicU64,
}

impl StderrReporter {
    fn new(verbose: bool) -> StderrReporter {
        let target = if verbose {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let bar = ProgressBar::with_draw_target(None, target);
        bar.set_style(
            ProgressStyle::with_template(
                "{bar:30} {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} \
                 · {msg} · ETA {eta}",
            )
            .expect("a valid template"),
        );
        StderrReporter {
            bar,
            verbose,
            files: AtomicU64::new(0),
            articles: AtomicU64::new(0),
        }
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Reporter for StderrReporter {
    fn start(&self, _files: u64, bytes: u64) {
        self.bar.set_length(bytes);
    }

    fn file_done(&self, bytes: u64, articles: u64) {
        let files = self.files.fetch_add(1, Ordering::Relaxed) + 1;
        let articles = self.articles.fetch_add(articles, Ordering::Relaxed) + articles;
        self.bar.set_message(format!(
            "{} files, {} articles",
            output::thousands(files),
            output::thousands(articles)
        ));
        self.bar.inc(bytes);
    }

    fn warn(&self, path: &Path, message: &str) {
        if self.verbose {
            self.bar
                .suspend(|| eprintln!("lede: warning: {}: {message}", path.display()));
        }
    }
}
