//! `lede stats`: what an index holds.

use std::io::{self, Write};

use anyhow::Result;

use crate::app::args::StatsArgs;
use crate::app::backend::open_backend;
use crate::app::exit::Exit;

pub fn run(args: &StatsArgs) -> Result<Exit> {
    let printer = args.output.printer()?;
    let backend = open_backend(&args.remote, &args.index)?;
    let stats = backend.stats()?;
    let mut out = io::stdout().lock();
    printer.stats(&mut out, &stats)?;
    out.flush()?;
    Ok(Exit::Success)
}
