//! The command line: the only file that knows clap. It defines the commands and flags, with
//! their help, and turns them into the library's plain request types.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use lede::indexer::{DEFAULT_HEAP_BYTES, IndexRequest};
use lede::query::Combine;
use lede::search::SearchRequest;

/// The default index folder.
pub const DEFAULT_INDEX: &str = "index";
/// The default corpus folder.
pub const DEFAULT_CORPUS: &str = "corpus";

/// lede: full-text search for news archives.
///
/// Index a folder of articles once, then search it: ranked articles, their best passages,
/// and the query's words highlighted.
#[derive(Debug, Parser)]
#[command(name = "lede", version, about, long_about = None)]
#[command(after_help = "Examples:\n  \
    lede index corpus/                 index the bundled corpus into index/\n  \
    lede search anti-satellite         also finds \"anti satellite\" and \"antisatellite\"\n  \
    lede search '\"space force\" -budget' --json\n\n\
    Exit status: 0 when something matched, 1 when nothing did, 2 on an error.")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build an index from folders of articles.
    ///
    /// Walks each CORPUS folder, reads every article it understands (.txt in the seed layout:
    /// a title line, the body, an optional `Author: NAME` last line and `Key: value` header),
    /// and replaces the index with what it found. Bad files are warned about and skipped.
    Index(IndexArgs),
    /// Search an index and print ranked articles with highlighted passages.
    ///
    /// QUERY uses tantivy's language: words (all required unless --any), "exact phrases",
    /// "phrases"~N (within N words), -excluded, +required, AND OR NOT, (groups),
    /// title:word or body:word, and word^2 to boost. Hyphenated words find all spellings:
    /// anti-satellite matches "anti-satellite", "anti satellite" and "antisatellite".
    /// Pasted text works too: apostrophes and colons are read as words.
    Search(SearchArgs),
}

#[derive(Debug, Args)]
pub struct IndexArgs {
    /// Folders of articles to index [default: corpus]
    #[arg(value_name = "CORPUS")]
    pub corpus: Vec<PathBuf>,

    /// The index folder to write
    #[arg(long, value_name = "DIR", default_value = DEFAULT_INDEX)]
    pub index: PathBuf,

    /// Delete an existing index first, whatever version of lede wrote it
    #[arg(long)]
    pub rebuild: bool,

    /// Memory for the index writer's buffers, in MB
    #[arg(long, value_name = "MB", default_value_t = (DEFAULT_HEAP_BYTES >> 20) as u64,
          value_parser = clap::value_parser!(u64).range(32..=65536))]
    pub heap: u64,

    /// Print the summary as JSON
    #[arg(long)]
    pub json: bool,

    /// Print errors only: no progress, warnings or summary
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// What to look for; several words are joined with spaces
    #[arg(value_name = "QUERY", required = true)]
    pub query: Vec<String>,

    /// The index folder to search. Without it, `index` is used, and built from `corpus`
    /// first when it does not exist yet
    #[arg(long, value_name = "DIR")]
    pub index: Option<PathBuf>,

    /// Number of articles to show
    #[arg(long, short = 'n', value_name = "N", default_value_t = 10)]
    pub limit: usize,

    /// Number of articles to skip (for the next page)
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub offset: usize,

    /// Passages to show per article
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub passages: usize,

    /// Match articles with any of the words, not all of them
    #[arg(long)]
    pub any: bool,

    /// Print one JSON object (see README: "JSON output")
    #[arg(long)]
    pub json: bool,

    /// When to colour highlights
    #[arg(long, value_name = "WHEN", default_value = "auto")]
    pub color: ColorWhen,
}

/// When to use colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    /// When stdout is a terminal and NO_COLOR is not set
    Auto,
    Always,
    Never,
}

impl IndexArgs {
    /// The library request; no corpus given means `corpus`.
    pub fn to_request(&self) -> IndexRequest {
        let roots = if self.corpus.is_empty() {
            vec![PathBuf::from(DEFAULT_CORPUS)]
        } else {
            self.corpus.clone()
        };
        let mut req = IndexRequest::new(roots, self.index.clone());
        req.rebuild = self.rebuild;
        req.heap_bytes = (self.heap as usize) << 20;
        req
    }
}

impl SearchArgs {
    /// The library request.
    pub fn to_request(&self) -> SearchRequest {
        SearchRequest {
            query: self.query.join(" "),
            limit: self.limit,
            offset: self.offset,
            passages: self.passages,
            combine: if self.any { Combine::Any } else { Combine::All },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn search_flags_become_a_request() {
        let cli = Cli::try_parse_from([
            "lede",
            "search",
            "anti-satellite",
            "test",
            "--limit",
            "5",
            "--offset",
            "10",
            "--passages",
            "1",
            "--any",
        ])
        .unwrap();
        let Command::Search(args) = cli.command else {
            panic!("not search")
        };
        let req = args.to_request();
        assert_eq!(req.query, "anti-satellite test");
        assert_eq!((req.limit, req.offset, req.passages), (5, 10, 1));
        assert_eq!(req.combine, Combine::Any);
        assert_eq!(args.index, None);
    }

    #[test]
    fn index_defaults_to_corpus_and_index() {
        let cli = Cli::try_parse_from(["lede", "index"]).unwrap();
        let Command::Index(args) = cli.command else {
            panic!("not index")
        };
        let req = args.to_request();
        assert_eq!(req.roots, [PathBuf::from("corpus")]);
        assert_eq!(req.index, PathBuf::from("index"));
        assert_eq!(req.heap_bytes, DEFAULT_HEAP_BYTES);
    }

    #[test]
    fn bad_values_are_refused() {
        assert!(Cli::try_parse_from(["lede", "search"]).is_err());
        assert!(Cli::try_parse_from(["lede", "search", "x", "--limit", "many"]).is_err());
        assert!(Cli::try_parse_from(["lede", "search", "x", "--color", "sometimes"]).is_err());
    }
}
