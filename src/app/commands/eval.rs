//! `lede eval`: relevance measured on a test collection, and variants compared.

use std::io::{self, Write};

use anyhow::Result;
use lede::eval::{self, Evaluator, Variant};
use lede::model::JSON_VERSION;
use lede::output;

use crate::app::args::{EvalArgs, KnownFrom};
use crate::app::exit::Exit;

pub fn run(args: &EvalArgs) -> Result<Exit> {
    let collection = match args.known_items {
        None => eval::read(&args.dir)?,
        Some(from) => {
            let articles = eval::known::read_corpus(&args.dir)?;
            let source = match from {
                KnownFrom::Body => eval::known::Source::Body,
                KnownFrom::Title => eval::known::Source::Title,
            };
            let name = args
                .dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            eval::known::collection(&format!("{name} known items"), &articles, source)
        }
    };
    let mut collection = collection;
    collection.as_files = args.as_files;
    let mut evaluator = Evaluator::new(&collection);
    let mut runs = Vec::new();
    for variant in [Variant::LEDE, Variant::TANTIVY] {
        let mut run = evaluator.run(&variant, |_| true)?;
        if !args.verbose {
            run.per_query.clear();
        }
        runs.push(run);
    }
    let variants = if args.variants || !args.tries.is_empty() {
        // Choose on the odd-numbered queries, report on the even-numbered ones.
        let mut rows = Vec::new();
        let list = if args.variants {
            eval::variants()
        } else {
            let mut list = vec![Variant::LEDE];
            for t in &args.tries {
                list.push(eval::variant_from(t).map_err(anyhow::Error::msg)?);
            }
            list
        };
        for variant in list {
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
    if args.json.json {
        lede::output::write_one(
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
        if args.known_items.is_some() {
            // One answer a query (or its copies): MRR and success@10 say it all.
            writeln!(
                out,
                "\nknown items: MRR and success@10 (all / choosing half / reporting half)"
            )?;
            for r in &runs {
                writeln!(
                    out,
                    "  {:<70} {:.4} {:.3}",
                    r.variant, r.mean.mrr, r.mean.success10
                )?;
            }
            for v in variants.iter().flatten() {
                writeln!(
                    out,
                    "  {:<70} {:.4} {:.3}  {:.4} {:.3}",
                    v.variant, v.train.mrr, v.train.success10, v.test.mrr, v.test.success10
                )?;
            }
        }
    }
    out.flush()?;
    Ok(Exit::Success)
}
