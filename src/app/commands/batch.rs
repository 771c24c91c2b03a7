//! `lede batch`: one search per line of a file, a row each.

use std::io::{self, Write};

use anyhow::Result;
use lede::Engine;
use lede::search::batch;

use crate::app::args::BatchArgs;
use crate::app::exit::Exit;

pub fn run(args: &BatchArgs) -> Result<Exit> {
    let printer = args.output.printer()?;
    let text = if args.file.as_os_str() == "-" {
        io::read_to_string(io::stdin())?
    } else {
        std::fs::read_to_string(&args.file).map_err(|e| lede::Error::io(&args.file, e))?
    };
    let lines = batch::parse(&text);
    let engine = Engine::open(&args.index.path())?;
    let combine = args.matching.combine();
    let rows = batch::run(&engine, &lines, &args.scope.to_scope(), combine, args.top);
    let mut out = io::BufWriter::new(io::stdout().lock());
    printer.batch(&mut out, &rows)?;
    out.flush()?;
    let errors = rows.iter().filter(|r| r.error.is_some()).count();
    if errors > 0 {
        eprintln!("lede: {errors} of {} queries could not be read", rows.len());
        return Ok(Exit::Error);
    }
    if rows.is_empty() {
        eprintln!("lede: no queries in '{}'", args.file.display());
    }
    // As for a search: 1 when nothing matched (no query found anything, or there was none).
    Ok(Exit::found(rows.iter().any(|r| r.total.unwrap_or(0) > 0)))
}
