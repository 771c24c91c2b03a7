//! `lede watch`: keep an index current while files change, until Ctrl-C or SIGTERM.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Result;
use lede::output;
use lede::watch::WatchEvent;

use crate::app::args::WatchArgs;
use crate::app::exit::Exit;
use crate::app::progress::StderrReporter;

/// Ctrl-C (or SIGTERM) asks `lede watch` to commit what is pending and stop.
static STOP: AtomicBool = AtomicBool::new(false);

pub fn run(args: &WatchArgs) -> Result<Exit> {
    let req = args.corpus.to_request();
    let (json, quiet) = (args.corpus.json.json, args.corpus.quiet);
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
    Ok(Exit::Success)
}
