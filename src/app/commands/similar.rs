//! `lede similar`: the articles most like one article.

use std::io::{self, Write};

use anyhow::Result;
use lede::Engine;

use crate::app::args::SimilarArgs;
use crate::app::exit::Exit;

pub fn run(args: &SimilarArgs) -> Result<Exit> {
    let printer = args.output.printer()?;
    let engine = Engine::open(&args.index.path())?;
    let results = engine.similar(&args.article, args.limit, args.passages)?;
    let mut out = io::BufWriter::new(io::stdout().lock());
    printer.results(&mut out, &results)?;
    out.flush()?;
    Ok(Exit::found(!results.hits.is_empty()))
}
