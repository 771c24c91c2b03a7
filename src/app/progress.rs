//! Progress and warnings of an indexing run, on stderr: a bar on a terminal, the warnings
//! always (unless quiet), so that stdout holds only results.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use lede::indexer::Reporter;
use lede::output;

/// Progress bar and warnings on stderr; the bar shows only on a terminal.
pub struct StderrReporter {
    bar: ProgressBar,
    verbose: bool,
    files: AtomicU64,
    articles: AtomicU64,
}

impl StderrReporter {
    pub fn new(verbose: bool) -> StderrReporter {
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

    pub fn finish(&self) {
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
