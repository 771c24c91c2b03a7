//! `lede search`: a page of ranked hits (or every match with `--all`), `--explain`,
//! `--explain-query` and `--agg`.

use std::io::{self, Write};

use anyhow::Result;
use lede::Analysis;
use lede::output::{Printer, write_one};
use lede::{Backend, Engine, SearchRequest, query};

use super::index::build_default;
use crate::app::args::SearchArgs;
use crate::app::config::print_notes;
use crate::app::exit::Exit;

pub fn run(args: &SearchArgs) -> Result<Exit> {
    let req = args.to_request();
    let printer = args.output.printer()?;
    if args.explain_query {
        let reading = query::reading(&req.query, Analysis::DEFAULT)?;
        let mut out = io::stdout().lock();
        printer.reading(&mut out, &reading)?;
        out.flush()?;
        return Ok(Exit::Success);
    }
    if let Some(os) = args.remote.open(&args.index)? {
        if args.explain || args.agg.is_some() {
            anyhow::bail!("--explain and --agg need a local index (not --opensearch)");
        }
        return search(&os, None, args, &req, &printer);
    }
    let dir = args.index.path();
    if args.index.index.is_none() {
        build_default(&dir)?;
    }
    let engine = Engine::open(&dir)?;
    if let Some(agg) = &args.agg {
        if printer.is_csv() {
            anyhow::bail!("--agg prints JSON: --format csv cannot hold it");
        }
        return aggregate(&engine, &req, agg);
    }
    search(&engine, Some(&engine), args, &req, &printer)
}

/// A page of hits, or every match with `--all`, from either engine (`--explain` on the local
/// one only).
fn search(
    backend: &dyn Backend,
    engine: Option<&Engine>,
    args: &SearchArgs,
    req: &SearchRequest,
    printer: &Printer,
) -> Result<Exit> {
    let mut out = io::BufWriter::new(io::stdout().lock());
    let total = if args.all {
        // Every match, written as it comes.
        let io_err = |e| lede::Error::io("stdout", e);
        let mut stream = printer.stream(&mut out)?;
        let total = backend.for_each_hit(req, &mut print_notes, &mut |hit| {
            stream.hit(&hit).map_err(io_err)
        })?;
        stream.finish()?;
        total
    } else {
        let results = backend.search(req)?;
        print_notes(&results.notes);
        if printer.is_text() && results.total == 0 {
            // Nothing to show: stderr says so below.
        } else if let Some(engine) = engine.filter(|_| args.explain) {
            let explained = engine.explain(req, &results.hits)?;
            printer.explained(&mut out, &results, &explained)?;
        } else {
            printer.results(&mut out, &results)?;
        }
        results.total
    };
    out.flush()?;
    if total == 0 {
        eprintln!("lede: no articles match {:?}", req.query);
    }
    Ok(Exit::found(total > 0))
}

/// `--agg`: Elasticsearch-style aggregations over the matches, printed as their JSON result.
fn aggregate(engine: &Engine, req: &SearchRequest, agg: &str) -> Result<Exit> {
    let (result, total, notes) = engine.aggregate(req, agg)?;
    print_notes(&notes);
    let mut out = io::stdout().lock();
    write_one(&mut out, &result)?;
    out.flush()?;
    if total == 0 {
        eprintln!("lede: no articles match {:?}", req.query);
    }
    Ok(Exit::found(total > 0))
}
