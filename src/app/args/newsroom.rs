//! The flags of `lede terms` and `lede saved` (part of `args`, the only clap module).

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

use super::{FormatArgs, IndexDir, JsonArg, MatchArgs, ScopeArgs, SearchArgs};

#[derive(Debug, Args)]
pub struct TermsArgs {
    /// The articles to describe; several words are joined with spaces
    #[arg(value_name = "QUERY", required = true)]
    pub query: Vec<String>,

    #[command(flatten)]
    pub index: IndexDir,

    /// Terms to list
    #[arg(long, short = 'n', value_name = "N", default_value_t = 20)]
    pub limit: usize,

    /// Read at most N matches (the best-scoring) as the foreground
    #[arg(long, value_name = "N", default_value_t = 2000)]
    pub sample: usize,

    /// A term must be in at least N of the matches read
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub min_docs: u64,

    /// Words only, no two-word phrases
    #[arg(long)]
    pub words: bool,

    #[command(flatten)]
    pub matching: MatchArgs,

    #[command(flatten)]
    pub scope: ScopeArgs,

    #[command(flatten)]
    pub output: FormatArgs,
}

#[derive(Debug, Subcommand)]
pub enum SavedCommand {
    /// Save a search (QUERY and search options) with the index under NAME.
    #[command(after_help = "Example:\n  lede saved add opec 'opec quota' --filter topic=crude")]
    Add {
        /// A name for the search
        name: String,
        #[command(flatten)]
        search: Box<SearchArgs>,
    },
    /// List the saved searches.
    List {
        #[command(flatten)]
        index: IndexDir,
        #[command(flatten)]
        json: JsonArg,
    },
    /// Remove a saved search.
    Rm {
        name: String,
        #[command(flatten)]
        index: IndexDir,
    },
    /// Run a saved search; with --new, only articles matching for the first time since its
    /// last run (exit 0 when something new matched, 1 when nothing did).
    #[command(after_help = "Examples:\n  lede saved run opec --new\n  \
        lede saved run opec --new --format atom > opec.atom")]
    Run {
        name: String,
        #[command(flatten)]
        index: IndexDir,
        /// Only the articles that match for the first time (the first run sets the baseline)
        #[arg(long)]
        new: bool,
        /// Output format: text, json, jsonl, csv, or atom (a feed)
        #[arg(
            long,
            value_name = "FORMAT",
            default_value = "text",
            conflicts_with = "json"
        )]
        format: SavedFormat,
        #[command(flatten)]
        json: JsonArg,
    },
}

/// How a saved search's run is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SavedFormat {
    Text,
    Json,
    Jsonl,
    Csv,
    Atom,
}

impl SavedCommand {
    /// The index folder the command works on.
    pub fn index(&self) -> PathBuf {
        match self {
            SavedCommand::Add { search, .. } => search.index.path(),
            SavedCommand::List { index, .. }
            | SavedCommand::Rm { index, .. }
            | SavedCommand::Run { index, .. } => index.path(),
        }
    }
}
