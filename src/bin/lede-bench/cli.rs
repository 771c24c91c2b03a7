//! lede-bench's command line: `gen` writes a synthetic corpus, `run` measures lede on one,
//! `agree` compares the local engine with an OpenSearch cluster.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// Benchmarks for lede: generate corpora, measure indexing and search.
#[derive(Debug, Parser)]
#[command(name = "lede-bench", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a deterministic synthetic corpus (one article per .txt file, or JSON Lines)
    Gen {
        /// Number of articles
        #[arg(long, default_value_t = 10_000)]
        articles: u64,
        /// Seed of the word model and the articles
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Folder to write (created)
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Write JSON Lines files of 10,000 articles instead
        #[arg(long)]
        jsonl: bool,
    },
    /// Index a corpus and time indexing, re-indexing and searches; print a table
    Run {
        /// Corpus folders
        #[arg(value_name = "CORPUS", required = true)]
        corpus: Vec<PathBuf>,
        /// Index folder (rebuilt)
        #[arg(long, value_name = "DIR", default_value = "target/bench-index")]
        index: PathBuf,
        /// Rounds over the query set
        #[arg(long, default_value_t = 5)]
        rounds: usize,
        /// Queries sampled from the corpus
        #[arg(long, default_value_t = 30)]
        queries: usize,
        /// Time searches on the index as it is (no indexing)
        #[arg(long)]
        reuse: bool,
        /// A query that matches much of the corpus, to time facets over many matches
        #[arg(long, default_value = "said")]
        broad: String,
        /// Also index the same files with tantivy alone (one default text field; lede's two
        /// body fields), to compare lede's indexing speed with what tantivy does here
        #[arg(long)]
        baseline: bool,
        /// Print one JSON object
        #[arg(long)]
        json: bool,
    },
    /// Index a corpus locally and on an OpenSearch cluster, send both the same searches, and
    /// print how far they agree and how fast each answers (docs/opensearch.md)
    Agree {
        /// Corpus folders
        #[arg(value_name = "CORPUS", required = true)]
        corpus: Vec<PathBuf>,
        /// Local index folder (rebuilt)
        #[arg(long, value_name = "DIR", default_value = "target/agree-index")]
        index: PathBuf,
        /// The cluster's index (rebuilt), e.g. http://127.0.0.1:9200/agree
        #[arg(long, value_name = "URL/INDEX")]
        opensearch: String,
        /// Primary shards of the cluster's index
        #[arg(long, default_value_t = 3)]
        shards: u32,
        /// Replicas of the cluster's index
        #[arg(long, default_value_t = 1)]
        replicas: u32,
        /// Rounds over the text queries, for the latencies
        #[arg(long, default_value_t = 5)]
        rounds: usize,
        /// Search the indexes as they are (no indexing)
        #[arg(long)]
        reuse: bool,
        /// A file (as the walk names it) that each spelling of anti-satellite must find
        #[arg(long, value_name = "PATH")]
        seed: Option<String>,
    },
}
