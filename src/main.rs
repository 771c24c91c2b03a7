//! The `lede` binary: parse the command line, run the command, map errors to exit codes.

mod cli;
mod commands;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match commands::run(cli.command) {
        Ok(code) => code,
        // A reader that went away (`lede search x | head`) is not an error.
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("lede: {err:#}");
            ExitCode::from(2)
        }
    }
}

/// A reader that closed the pipe (`| head`), wherever in the chain the error says so.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(lede::error::is_broken_pipe)
}
