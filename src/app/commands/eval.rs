//! `lede eval`: relevance measured on a test collection, and variants compared.

use std::io::{self, Write};

use anyhow::Result;
use lede::eval::{self, Evaluator, Variant};
use lede::model::JSON_VERSION;
use lede::output;

use crate::app::args::EvalArgs;
use crate::app::exit::Exit;

pub fn run(args: &EvalArgs) -> Result<Exit> {
    let collection = eval::read(&args.dir)?;
    let mut evaluator = Evaluator::new(&collection);
    let mut runs = Vec::new();
    for variant in [Variant::LEDE, Variant::TANTIVY] {
        let mut run = evaluator.run(&variant, |_| true)?;
        if !args.verbose {
            run.per_query.clear();
        }
        runs.push(run);
    }
    let variants = if args.variants {
        // Choose on the odd-numbered queries, report on the even-numbered ones.
        let mut rows = Vec::new();
        for variant in eval::variants() {
            let train = evaluator.run(&variant, |i| i % 2 == 0)?.mean;
            let test = evaluator.run(&variant, |i| i % 2 == 1)?.mean;
            rows.push(output::VariantRow {
                variant: variant.describe(),
                train,
                test,
            });
        }
        rows.sort_by(|a, b| {
            b.train
                .map
                .total_cmp(&a.train.map)
                .then(a.variant.cmp(&b.variant))
        });
        Some(rows)
    } else {
        None
    };
    let judged = collection
        .queries
        .iter()
        .filter(|(q, _)| collection.qrels.get(q).is_some_and(|r| !r.is_empty()))
        .count();
    let mut out = io::BufWriter::new(io::stdout().lock());
    if args.json {
        serde_json::to_writer(
            &mut out,
            &serde_json::json!({
                "lede_json": JSON_VERSION,
                "collection": collection.name,
                "documents": collection.docs.len(),
                "queries": judged,
                "notes": collection.notes,
                "runs": runs,
                "variants": variants,
            }),
        )?;
        writeln!(out)?;
    } else {
        writeln!(
            out,
            "{}: {} documents, {} queries with judgments",
            collection.name,
            collection.docs.len(),
            judged
        )?;
        for note in &collection.notes {
            writeln!(out, "  ({note})")?;
        }
        output::write_eval(&mut out, &runs, variants.as_deref())?;
    }
    out.flush()?;
    Ok(Exit::Success)
}
