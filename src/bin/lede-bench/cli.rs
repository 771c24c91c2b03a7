//! lede-bench's command line: `gen` writes a synthetic corpus, `run` measures lede on one,
//! `serve` puts `lede serve` under load.
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
    /// Print where an index's bytes go, by component and field
    Space {
        /// Index folder
        #[arg(value_name = "INDEX")]
        index: PathBuf,
    },
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
        /// Write the news mix instead (BBC, Reuters-21578 one article per file, the seed;
        /// see `run --news-mix`), from the corpora under this folder
        #[arg(long, value_name = "SHARED", conflicts_with_all = ["articles", "jsonl"])]
        news_mix: Option<PathBuf>,
    },
    /// Index a corpus and time indexing, re-indexing and searches; print a table
    Run {
        /// Corpus folders
        #[arg(value_name = "CORPUS", required_unless_present = "news_mix")]
        corpus: Vec<PathBuf>,
        /// Measure on the news mix (BBC, Reuters-21578 one article per file, the seed),
        /// written into a temporary folder from --shared and removed afterwards
        #[arg(long, conflicts_with = "corpus")]
        news_mix: bool,
        /// The folder holding corpora/ and seed/ (for --news-mix)
        #[arg(long, value_name = "DIR", default_value = "../shared")]
        shared: PathBuf,
        /// Also index and search the same files with Xapian (omindex, quest) and tantivy-cli
        /// (tantivy), each skipped with a notice when not on PATH; lede as ratios of them
        #[arg(long)]
        yardsticks: bool,
        /// Index folder (rebuilt)
        #[arg(long, value_name = "DIR", default_value = "target/bench-index")]
        index: PathBuf,
        /// Rounds over the query set
        #[arg(long, default_value_t = 5)]
        rounds: usize,
        /// Queries sampled from the corpus
        #[arg(long, default_value_t = 40)]
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
    /// Load `lede serve` on loopback: N clients send searches with passages and facets until
    /// a number of requests or a time limit; print requests/s, latency and the server's RSS.
    /// Without CORPUS: Reuters + BBC from ../shared/corpora (skipped when absent)
    Serve {
        /// Corpus folders
        #[arg(value_name = "CORPUS")]
        corpus: Vec<PathBuf>,
        /// Index folder (rebuilt unless --reuse)
        #[arg(long, value_name = "DIR", default_value = "target/bench-serve-index")]
        index: PathBuf,
        /// Serve the index as it is (no indexing)
        #[arg(long)]
        reuse: bool,
        /// Concurrent clients, each on one keep-alive connection
        #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=256))]
        clients: u16,
        /// Requests in all
        #[arg(long, default_value_t = 10_000)]
        requests: usize,
        /// Stop after this many seconds, whatever the count
        #[arg(long, default_value_t = 120)]
        seconds: u64,
        /// Queries sampled from the corpus
        #[arg(long, default_value_t = 60)]
        queries: usize,
        /// The request each client sends, with Q for a sampled query [default: the page's
        /// search: 10 hits, 2 passages, six facets], e.g. '/api/search?q=Q&passages=0' to see
        /// what passages cost
        #[arg(long, value_name = "TARGET")]
        request: Option<String>,
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
