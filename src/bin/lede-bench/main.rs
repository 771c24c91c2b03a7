//! `lede-bench`: generate synthetic corpora and measure lede on them (see
//! docs/performance.md). Benchmarks are programs that print tables, never timed tests.

mod agree;
mod baseline;
mod cli;
mod generate;
mod newsmix;
mod run;
mod serve;
mod space;
mod yardsticks;

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
        cli::Command::Space { index } => space::print(&index)?,
        cli::Command::Gen {
            articles,
            seed,
            out,
            jsonl,
            news_mix: Some(shared),
        } => {
            let _ = (articles, seed, jsonl);
            let mix = newsmix::write(&shared, &out)?;
            println!(
                "wrote the news mix: {} files ({:.1} MB) to '{}'",
                mix.files,
                mix.bytes as f64 / 1e6,
                out.display()
            );
        }
        cli::Command::Gen {
            articles,
            seed,
            out,
            jsonl,
            news_mix: None,
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
            mut corpus,
            news_mix,
            shared,
            yardsticks,
            index,
            rounds,
            queries,
            reuse,
            broad,
            baseline,
            json,
        } => {
            let mix_dir =
                std::env::temp_dir().join(format!("lede-news-mix-{}", std::process::id()));
            if news_mix {
                let mix = newsmix::write(&shared, &mix_dir)?;
                eprintln!(
                    "news mix: {} files, {:.1} MB in '{}'",
                    mix.files,
                    mix.bytes as f64 / 1e6,
                    mix_dir.display()
                );
                corpus = vec![mix_dir.clone()];
            }
            let report = run::run(&run::RunOptions {
                corpus,
                index,
                rounds,
                queries,
                reuse,
                broad,
                baseline,
                yardsticks,
            });
            if news_mix {
                let _ = std::fs::remove_dir_all(&mix_dir);
            }
            let report = report?;
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
            request,
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
                request,
            })?;
            match report {
                Some(r) if json => println!("{}", serde_json::to_string(&r)?),
                Some(r) => serve::print(&r),
                None => {}
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
