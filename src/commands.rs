//! What each command does: the wiring between the command line's requests, the library and
//! the terminal. Progress and warnings go to stderr; results go to stdout.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::Result;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::cli::{ColorWhen, Command, DEFAULT_CORPUS, DEFAULT_INDEX, IndexArgs, SearchArgs};
use lede::indexer::{self, IndexRequest, Reporter};
use lede::search::Engine;
use lede::{Error, output, store};

/// Runs one command and gives the exit status (errors are the caller's to print).
pub fn run(command: Command) -> Result<ExitCode> {
    match command {
        Command::Index(args) => index(&args),
        Command::Search(args) => search(&args),
    }
}

fn index(args: &IndexArgs) -> Result<ExitCode> {
    let req = args.to_request();
    let reporter = StderrReporter::new(!args.quiet);
    let summary = indexer::run(&req, &reporter)?;
    reporter.finish();
    let mut out = io::stdout().lock();
    if args.json {
        output::write_index_json(&mut out, &summary)?;
    } else if !args.quiet {
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
