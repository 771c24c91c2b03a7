//! The command line front end: flags parsed by clap (`args`), output settings resolved once
//! (`config`), one file per command (`commands`), progress on stderr (`progress`), and the exit
//! codes (`exit`), and which engine a command talks to (`backend`). Only this part of lede
//! knows clap.

pub mod args;
mod backend;
mod commands;
mod config;
pub mod exit;
mod progress;

use anyhow::Result;

use args::Command;
use exit::Exit;

/// Runs one command and gives how it ended (errors are the caller's to print).
pub fn run(command: Command) -> Result<Exit> {
    match command {
        Command::Index(args) => commands::index::run(&args),
        Command::Search(args) => commands::search::run(&args),
        Command::Trend(args) => commands::trend::run(&args),
        Command::Batch(args) => commands::batch::run(&args),
        Command::Similar(args) => commands::similar::run(&args),
        Command::Eval(args) => commands::eval::run(&args),
        Command::Show(args) => commands::show::run(&args),
        Command::Watch(args) => commands::watch::run(&args),
        Command::Stats(args) => commands::stats::run(&args),
        Command::Optimize(args) => commands::optimize::run(&args),
        Command::Serve(args) => commands::serve::run(&args),
        Command::Terms(args) => commands::terms::run(&args),
        Command::Saved(command) => commands::saved::run(&command),
    }
}
