//! `lede show`: one article whole, every match of a query marked.

use std::io::{self, Write};

use anyhow::Result;
use lede::output::{self, write_one};

use crate::app::args::ShowArgs;
use crate::app::backend::open_backend;
use crate::app::config::print_notes;
use crate::app::exit::Exit;

pub fn run(args: &ShowArgs) -> Result<Exit> {
    let color = args.color.resolve();
    let backend = open_backend(&args.remote, &args.index)?;
    let shown = backend.show(&args.article, args.query.as_deref())?;
    print_notes(&shown.notes);
    let mut out = io::BufWriter::new(io::stdout().lock());
    if args.json.json {
        write_one(&mut out, &shown)?;
    } else {
        output::write_shown(&mut out, &shown, color)?;
    }
    out.flush()?;
    if args.query.is_some() && shown.matches.is_empty() && shown.title_matches.is_empty() {
        eprintln!("lede: the query matches neither the title nor the body of this article");
        return Ok(Exit::NoMatch);
    }
    Ok(Exit::Success)
}
