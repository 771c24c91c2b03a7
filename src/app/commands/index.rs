//! `lede index`: build or update an index from folders of articles.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::Result;
use lede::index::store;
use lede::remote::{self, bulk::Layout};
use lede::{Error, IndexRequest, indexer, output};

use crate::app::args::{DEFAULT_CORPUS, IndexArgs};
use crate::app::exit::Exit;
use crate::app::progress::StderrReporter;

pub fn run(args: &IndexArgs) -> Result<Exit> {
    let req = args.to_request();
    let reporter = StderrReporter::new(!args.corpus.quiet);
    let existed = req.index.exists();
    let summary = match args.remote.open(&args.corpus.index)? {
        Some(os) => {
            let layout = Layout {
                shards: args.shards,
                replicas: args.replicas,
            };
            remote::index(&os, &req, layout, &reporter)?
        }
        None => indexer::run(&req, &reporter)?,
    };
    if !summary.committed && !existed {
        // --strict refused the run: leave no empty index behind either.
        let _ = std::fs::remove_dir_all(&req.index);
    }
    reporter.finish();
    let mut out = io::stdout().lock();
    if args.corpus.json.json {
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
    Ok(Exit::Success)
}

/// On a fresh clone `lede search` works at once: the default index is built from the bundled
/// corpus when it does not exist yet.
pub fn build_default(dir: &Path) -> Result<()> {
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
