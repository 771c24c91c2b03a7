//! `lede terms`: the significant words and phrases of a query's matches, as a table, JSON,
//! JSON Lines or CSV.

use std::io::{self, Write};

use anyhow::Result;
use lede::model::{Combine, TermsRequest};
use lede::{Engine, output};

use crate::app::args::{FormatArg, TermsArgs};
use crate::app::config::print_notes;
use crate::app::exit::Exit;

pub fn run(args: &TermsArgs) -> Result<Exit> {
    let req = TermsRequest {
        query: args.query.join(" "),
        combine: if args.any {
            Combine::Any
        } else {
            Combine::Auto
        },
        scope: args.scope.to_scope(),
        size: args.limit,
        min_doc_count: args.min_docs,
        sample: args.sample,
        phrases: !args.words,
    };
    let engine = Engine::open(&args.index.index)?;
    let results = engine.terms(&req)?;
    print_notes(&results.notes);
    let mut out = io::BufWriter::new(io::stdout().lock());
    match args.output.format() {
        FormatArg::Json => {
            serde_json::to_writer(&mut out, &results)?;
            writeln!(out)?;
        }
        FormatArg::Jsonl => {
            for t in &results.terms {
                serde_json::to_writer(&mut out, t)?;
                writeln!(out)?;
            }
        }
        FormatArg::Csv => output::write_terms_csv(&mut out, &results)?,
        FormatArg::Text => output::write_terms_text(&mut out, &results)?,
    }
    out.flush()?;
    if results.matches == 0 {
        eprintln!("lede: no articles match {:?}", req.query);
    }
    Ok(Exit::found(!results.terms.is_empty()))
}
