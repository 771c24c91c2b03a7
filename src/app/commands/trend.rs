//! `lede trend`: matches per calendar bucket, drawn, or as JSON, JSON Lines or CSV.

use std::io::{self, Write};

use anyhow::Result;
use lede::output;

use crate::app::args::{ColorWhen, FormatArg, TrendArgs};
use crate::app::backend::open_backend;
use crate::app::config::print_notes;
use crate::app::exit::Exit;

pub fn run(args: &TrendArgs) -> Result<Exit> {
    let req = args.to_request();
    let format = args.format();
    let color = ColorWhen::Auto.resolve();
    let backend = open_backend(&args.remote, &args.index.index)?;
    let results = backend.trend(&req)?;
    print_notes(&results.notes);
    let mut out = io::BufWriter::new(io::stdout().lock());
    match format {
        FormatArg::Json => {
            serde_json::to_writer(&mut out, &results)?;
            writeln!(out)?;
        }
        FormatArg::Jsonl => output::write_trend_jsonl(&mut out, &results)?,
        FormatArg::Csv => output::write_trend_csv(&mut out, &results)?,
        FormatArg::Text => output::write_trend_text(&mut out, &results, color)?,
    }
    out.flush()?;
    Ok(Exit::found(results.series.iter().any(|s| s.total > 0)))
}
