//! `lede-bench`: generate synthetic corpora and measure lede on them (see
//! docs/performance.md). Benchmarks are programs that print tables, never timed tests.

mod baseline;
mod cli;
mod generate;
mod run;
mod serve;

use std::path::PathBuf;
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
        cli::Command::Serve {
            corpus,
            index,
            reuse,
            clients,
            requests,
            seconds,
            queries,
            json,
        } => {
            let corpus = if corpus.is_empty() {
                let shared = PathBuf::from("../shared/corpora");
                vec![shared.join("reuters21578"), shared.join("bbc")]
            } else {
                corpus
            };
            let report = serve::run(&serve::ServeOptions {
                corpus,
                index,
                reuse,
                clients: usize::from(clients),
                requests,
                seconds,
                queries,
            })?;
            match report {
                Some(r) if json => println!("{}", serde_json::to_string(&r)?),
                Some(r) => serve::print(&r),
                None => {}
            }
        }
    }
    Ok(())
}
