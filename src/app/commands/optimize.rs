//! `lede optimize`: merge an index's segments into one.

use std::io::{self, Write};

use anyhow::Result;
use lede::index::maintenance;
use lede::output::{self, write_one};

use crate::app::args::OptimizeArgs;
use crate::app::exit::Exit;

pub fn run(args: &OptimizeArgs) -> Result<Exit> {
    let summary = maintenance::optimize(&args.index.path())?;
    let mut out = io::stdout().lock();
    if args.json.json {
        write_one(&mut out, &summary)?;
    } else {
        writeln!(
            out,
            "merged {} segments into {}, removing {} deleted documents: {:.1} MB to {:.1} MB in {:.2} s",
            summary.segments_before,
            summary.segments_after,
            output::thousands(summary.deleted_removed),
            summary.bytes_before as f64 / 1e6,
            summary.bytes_after as f64 / 1e6,
            summary.seconds
        )?;
    }
    out.flush()?;
    Ok(Exit::Success)
}
