//! `lede-bench`: generate synthetic corpora and measure lede on them (see
//! docs/performance.md). Benchmarks are programs that print tables, never timed tests.

mod agree;
mod baseline;
mod cli;
mod generate;
mod run;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    match real_main() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("lede-bench: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn real_main() -> anyhow::Result<()> {
    match cli::Cli::parse().command {
        cli::Command::Gen {
            articles,
            seed,
            out,
            jsonl,
        } => {
            let started = std::time::Instant::now();
            let s = generate::generate(&generate::GenOptions {
                articles,
                seed,
                out: out.clone(),
                jsonl,
            })?;
            println!(
                "wrote {} articles in {} files ({:.1} MB) to '{}' in {:.1} s",
                s.articles,
                s.files,
                s.bytes as f64 / 1e6,
                out.display(),
                started.elapsed().as_secs_f64()
            );
        }
        cli::Command::Run {
            corpus,
            index,
            rounds,
            queries,
            reuse,
            broad,
            baseline,
            json,
        } => {
            let report = run::run(&run::RunOptions {
                corpus,
                index,
                rounds,
                queries,
                reuse,
                broad,
                baseline,
            })?;
            if json {
                println!("{}", serde_json::to_string(&report)?);
            } else {
                run::print(&report);
            }
        }
        cli::Command::Agree {
            corpus,
            index,
            opensearch,
            shards,
            replicas,
            rounds,
            reuse,
            seed,
        } => agree::run(&agree::AgreeOptions {
            corpus,
            index,
            opensearch,
            layout: lede::remote::bulk::Layout { shards, replicas },
            rounds,
            reuse,
            seed,
        })?,
    }
    Ok(())
}
