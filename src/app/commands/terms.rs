//! `lede terms`: the significant words and phrases of a query's matches, as a table, JSON,
//! JSON Lines or CSV.

use std::io::{self, Write};

use anyhow::Result;
use lede::Engine;
use lede::model::TermsRequest;

use crate::app::args::TermsArgs;
use crate::app::config::print_notes;
use crate::app::exit::Exit;

pub fn run(args: &TermsArgs) -> Result<Exit> {
    let printer = args.output.printer()?;
    let req = TermsRequest {
        query: args.query.join(" "),
        combine: args.matching.combine(),
        scope: args.scope.to_scope(),
        size: args.limit,
        min_doc_count: args.min_docs,
        sample: args.sample,
        phrases: !args.words,
    };
    let engine = Engine::open(&args.index.path())?;
    let results = engine.terms(&req)?;
    print_notes(&results.notes);
    let mut out = io::BufWriter::new(io::stdout().lock());
    printer.terms(&mut out, &results)?;
    out.flush()?;
    if results.matches == 0 {
        eprintln!("lede: no articles match {:?}", req.query);
    }
    Ok(Exit::found(!results.terms.is_empty()))
}
