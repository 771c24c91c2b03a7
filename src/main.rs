//! The `lede` binary: parse the command line, run the command, map errors to exit codes.

mod app;

use std::process::ExitCode;

use clap::Parser;

use app::exit::Exit;

fn main() -> ExitCode {
    let cli = app::args::Cli::parse();
    match app::run(cli.command) {
        Ok(exit) => exit.into(),
        // A reader that went away (`lede search x | head`) is not an error.
        Err(err) if err.chain().any(lede::error::is_broken_pipe) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("lede: {err:#}");
            Exit::Error.into()
        }
    }
}
