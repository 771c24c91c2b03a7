//! `lede stats`: what an index holds.

use std::io::{self, Write};

use anyhow::Result;
use lede::output;

use crate::app::args::{FormatArg, StatsArgs};
use crate::app::backend::open_backend;
use crate::app::exit::Exit;

pub fn run(args: &StatsArgs) -> Result<Exit> {
    let backend = open_backend(&args.remote, &args.index.index)?;
    let stats = backend.stats()?;
    let mut out = io::stdout().lock();
    match args.output.format() {
        FormatArg::Json | FormatArg::Jsonl => {
            serde_json::to_writer(&mut out, &stats)?;
            writeln!(out)?;
        }
        FormatArg::Csv => output::write_stats_csv(&mut out, &stats)?,
        FormatArg::Text => output::write_stats(&mut out, &stats)?,
    }
    out.flush()?;
    Ok(Exit::Success)
}
