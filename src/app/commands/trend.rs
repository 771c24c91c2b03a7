//! `lede trend`: matches per calendar bucket, drawn, or as JSON, JSON Lines or CSV.

use std::io::{self, Write};

use anyhow::Result;

use crate::app::args::TrendArgs;
use crate::app::backend::open_backend;
use crate::app::config::print_notes;
use crate::app::exit::Exit;

pub fn run(args: &TrendArgs) -> Result<Exit> {
    let req = args.to_request();
    let printer = args.output.printer()?;
    let backend = open_backend(&args.remote, &args.index)?;
    let results = backend.trend(&req)?;
    print_notes(&results.notes);
    let mut out = io::BufWriter::new(io::stdout().lock());
    printer.trend(&mut out, &results)?;
    out.flush()?;
    Ok(Exit::found(results.series.iter().any(|s| s.total > 0)))
}
