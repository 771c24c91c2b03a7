//! The command line: the only file that knows clap. It defines the commands and flags, with
//! their help, and turns them into the library's plain request types (the "low" arguments;
//! `config.rs` resolves the output settings once from them).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use jiff::Timestamp;
use lede::corpus::json::Target;
use lede::corpus::{DEFAULT_MAX_ARTICLE_BYTES, DEFAULT_MAX_BYTES, Format};
use lede::indexer::{DEFAULT_COMMIT_ARTICLES, DEFAULT_HEAP_BYTES, IndexRequest};
use lede::model::parse;
use lede::{
    Combine, FacetField, FacetRequest, Filter, Interval, Scope, SearchRequest, Sort, TrendRequest,
};

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
    lede index corpus/                 index (or update) the bundled corpus into index/\n  \
    lede search anti-satellite         also finds \"anti satellite\" and \"antisatellite\"\n  \
    lede search '\"space force\" -budget' --json\n\n\
    Exit status: 0 when something matched, 1 when nothing did, 2 on an error.")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build or update an index from folders of articles.
    ///
    /// Walks each CORPUS folder and reads every article it understands. Readers by
    /// extension: .txt .text (a title line, the body, an optional `Author: NAME` last line and
    /// `Key: value` header), .json, .jsonl .ndjson, .html .htm, .sgm .sgml (Reuters-21578),
    /// .rss .atom .xml (feeds), and any of them gzipped (.jsonl.gz). Bad files are warned
    /// about, counted and skipped.
    ///
    /// Runs are incremental: files whose size and modification time are unchanged are not
    /// read again, changed files replace their articles, and the articles of files that are
    /// gone are removed. Commits come in batches, so a killed run loses little and the next
    /// run finishes its work.
    #[command(after_help = "Examples:\n  \
        lede index                           the bundled corpus/ into index/\n  \
        lede index ~/archive --index ~/archive-index\n  \
        lede index feeds/ --add              a second folder beside the first\n  \
        lede index ~/archive --field body=story_text --ext story=json")]
    Index(IndexArgs),
    /// Search an index and print ranked articles with highlighted passages.
    ///
    /// QUERY uses tantivy's language: words (all required unless --any), "exact phrases",
    /// "phrases"~N (within N words), -excluded, +required, AND OR NOT, (groups),
    /// title:word or body:word, and word^2 to boost. Hyphenated words find all spellings:
    /// anti-satellite matches "anti-satellite", "anti satellite" and "antisatellite".
    /// Pasted text works too: apostrophes and colons are read as words. Without --index,
    /// index/ is searched, built from corpus/ first when it does not exist yet.
    #[command(after_help = "Examples:\n  \
        lede search anti-satellite --passages 3\n  \
        lede search '\"space debris\" -launch' --since 2023 --filter source=reuters\n  \
        lede search 'satell* w/5 treaty' --facet year --facet author=5\n  \
        lede search exact:expenses --json\n  \
        lede search oil --all --format csv --fields date,title,path > oil.csv")]
    Search(SearchArgs),
    /// Count matches per day, week, month or year, and draw them.
    ///
    /// Each QUERY is counted on its own (name it with LABEL=QUERY). Buckets are calendar
    /// buckets in UTC, every one from the first match to the last, zero when empty; undated
    /// matches are counted apart, so buckets plus undated equal the search's total.
    #[command(after_help = "Examples:\n  \
        lede trend anti-satellite --by year\n  \
        lede trend oil=crude grain=wheat --by month --format csv\n  \
        lede trend debris --split source --normalize")]
    Trend(TrendArgs),
    /// Run one search per line of a file (QUERY, or LABEL<TAB>QUERY) and print a row each:
    /// label, query, total, top ids, or the error with its line number.
    #[command(after_help = "Examples:\n  \
        lede batch queries.txt --format csv\n  \
        printf 'asat\\tanti-satellite\\n' | lede batch - --json")]
    Batch(BatchArgs),
    /// List the articles most like one article (PATH or ID, as search shows them).
    #[command(after_help = "Examples:\n  \
        lede similar corpus/orbit-weekly/space/2024-09-10-operators-seek-tracking-data.txt\n  \
        lede similar 'reuters/reut2-000.sgm#2' --limit 5 --json")]
    Similar(SimilarArgs),
    /// Print a whole article with its metadata, numbered paragraphs, and every match of
    /// --query marked (colour on a terminal, [[...]] otherwise).
    #[command(after_help = "Examples:\n  \
        lede show corpus/orbit-weekly/space/2024-09-10-operators-seek-tracking-data.txt\n  \
        lede show 'feeds/wire.jsonl#17' --query 'debris' --json")]
    Show(ShowArgs),
    /// Measure relevance on a test collection (SMART: X.ALL, X.QUE, X.REL; or TREC: <DOC>
    /// files, topics, qrels): MAP, nDCG@10, P@10, recall@100 and MRR.
    #[command(after_help = "Examples:\n  \
        lede eval ../shared/corpora/time\n  \
        lede eval ../shared/corpora/time --variants")]
    Eval(EvalArgs),
    /// Keep an index current while files change: update it, then index files as they
    /// appear, change or vanish, a batch at a time, until Ctrl-C.
    #[command(after_help = "Examples:\n  \
        lede watch                           keep index/ current with corpus/\n  \
        lede watch ~/archive --index ~/archive-index --json")]
    Watch(WatchArgs),
    /// Show what an index holds: articles, deleted documents, segments, size, corpus,
    /// last indexing time, and articles per format, source and language.
    #[command(after_help = "Examples:\n  \
        lede stats\n  \
        lede stats --index ~/archive-index --format csv")]
    Stats(StatsArgs),
    /// Merge an index's segments into one, dropping deleted documents.
    #[command(after_help = "Example:\n  \
        lede optimize --index ~/archive-index")]
    Optimize(OptimizeArgs),
    /// Serve a search page and a JSON API over HTTP, until Ctrl-C.
    ///
    /// Prints one line with the address (`http://127.0.0.1:7700`) when it is ready. The API
    /// answers with the JSON `--json` prints: /api/search, /api/trend, /api/terms,
    /// /api/articles/ID, /api/saved, /api/stats, /api/health. New commits to the index are
    /// seen without a restart. Without --index, index/ is served, built from corpus/ first
    /// when it does not exist yet. With --opensearch, the page and the API search the
    /// cluster's index (terms and saved searches need a local index).
    #[command(after_help = "Examples:\n  \
        lede serve                           this machine only, on port 7700\n  \
        lede serve --index ~/archive-index --listen 127.0.0.1:0\n  \
        lede serve --listen 0.0.0.0:7700     everyone who can reach this machine\n  \
        lede serve --opensearch http://localhost:9200/news")]
    Serve(ServeArgs),
    /// List the words and two-word phrases significant in QUERY's matches against the whole
    /// index, by JLH score, with their document counts in both (docs/newsroom.md).
    #[command(
        after_help = "Examples:\n  lede terms crude\n  lede terms oil --since 1987-03 --format csv"
    )]
    Terms(TermsArgs),
    /// Searches saved with the index: add, list, rm, and run (--new: only what is new).
    #[command(subcommand)]
    Saved(SavedCommand),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub index: IndexDir,

    #[command(flatten)]
    pub remote: RemoteArgs,

    /// The address to listen on, IP:PORT (port 0 picks a free one). Only this machine can
    /// connect to the default; any other address lets everyone who can reach it search and
    /// read every article in the index, with no password
    #[arg(long, value_name = "ADDR", default_value = lede::serve::DEFAULT_LISTEN)]
    pub listen: std::net::SocketAddr,
}

mod newsroom;
pub use newsroom::{SavedCommand, SavedFormat, TermsArgs};

/// Where the articles are, where the index goes, and how files are read.
#[derive(Debug, Args)]
pub struct CorpusArgs {
    /// Folders of articles to index [default: the index's own folders, or corpus for a new
    /// index]
    #[arg(value_name = "CORPUS")]
    pub corpus: Vec<PathBuf>,

    #[command(flatten)]
    pub index: IndexDir,

    /// Index these folders beside those the index already covers (without it, other
    /// folders than the index's own are refused, rather than removing its articles)
    #[arg(long)]
    pub add: bool,

    /// Keep the articles of files that are gone from the corpus
    #[arg(long)]
    pub keep_deleted: bool,

    /// Read a JSON key into an article field, e.g. `body=story_text` or
    /// `authors=meta.byline` (repeatable). Fields: id, title, body, authors, date, url,
    /// source, section, topics, places, people, orgs, language
    #[arg(long = "field", value_name = "FIELD=KEY", value_parser = parse_field)]
    pub fields: Vec<(Target, String)>,

    /// Read files with this extension with a reader, e.g. `TXT=txt` or `story=json`
    /// (repeatable). Readers: txt, json, jsonl, html, sgml, feed
    #[arg(long = "ext", value_name = "EXT=READER", value_parser = parse_ext)]
    pub extensions: Vec<(String, Format)>,

    /// Leave out files and folders that match GLOB, a gitignore line matched against the
    /// path inside each folder, e.g. `README.txt` or `*-strings.lc.txt` (repeatable). A
    /// `.ledeignore` file in a folder lists more, one a line, for every run
    #[arg(long, value_name = "GLOB", value_parser = parse_exclude)]
    pub exclude: Vec<String>,

    /// Read at most this many MB of one file (the rest is left out, with a warning)
    #[arg(long, value_name = "MB", default_value_t = DEFAULT_MAX_BYTES >> 20,
          value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub max_file_mb: u64,

    /// Index at most this many MB of one article's text (the rest is left out, with a
    /// warning): indexing an article takes about five times its size in memory
    #[arg(long, value_name = "MB", default_value_t = DEFAULT_MAX_ARTICLE_BYTES >> 20,
          value_parser = clap::value_parser!(u64).range(1..=4000))]
    pub max_article_mb: u64,

    /// Memory for the index writer's buffers, in MB (32 to 4000: tantivy gives one thread
    /// at most 4 GB, and larger buffers gain little)
    #[arg(long, value_name = "MB", default_value_t = (DEFAULT_HEAP_BYTES >> 20) as u64,
          value_parser = clap::value_parser!(u64).range(32..=4000))]
    pub heap: u64,

    /// Print errors only: no progress, warnings or summary
    #[arg(long, short)]
    pub quiet: bool,

    #[command(flatten)]
    pub json: JsonArg,
}

#[derive(Debug, Args)]
pub struct IndexArgs {
    #[command(flatten)]
    pub corpus: CorpusArgs,

    /// Delete an existing index first, whatever version of lede wrote it
    #[arg(long)]
    pub rebuild: bool,

    /// Treat any problem with a file as an error: leave the index as it was and exit 2
    #[arg(long)]
    pub strict: bool,

    /// Commit after this many articles (or 5 seconds), so that a killed run loses at most
    /// one batch
    #[arg(long, value_name = "N", default_value_t = DEFAULT_COMMIT_ARTICLES,
          value_parser = parse_positive)]
    pub commit_every: usize,

    #[command(flatten)]
    pub remote: RemoteArgs,

    /// With --opensearch: primary shards of a new index (about one per 30 GB of text)
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub shards: u32,

    /// With --opensearch: copies of each shard on other nodes, for a new index
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub replicas: u32,
}

#[derive(Debug, Args)]
pub struct WatchArgs {
    #[command(flatten)]
    pub corpus: CorpusArgs,
}

/// The index a command works on (`--index`, declared here only).
#[derive(Debug, Args)]
pub struct IndexDir {
    /// The index folder [default: index]
    #[arg(long, value_name = "DIR")]
    pub index: Option<PathBuf>,
}

impl IndexDir {
    /// The folder named, or the default.
    pub fn path(&self) -> PathBuf {
        self.index
            .clone()
            .unwrap_or_else(|| PathBuf::from(DEFAULT_INDEX))
    }
}

/// `--json`, declared here only: commands whose other output is text for people.
#[derive(Debug, Args)]
pub struct JsonArg {
    /// Print JSON (the same as --format json, where there is --format;
    /// docs/output.md gives its keys for every command)
    #[arg(long)]
    pub json: bool,
}

/// How a query's words combine (`--match`, `--any`).
#[derive(Debug, Args)]
pub struct MatchArgs {
    /// How words combine: auto (all of them while at least 10 articles have them all, else
    /// any, more of the words ranking higher), all, or any
    #[arg(long = "match", value_name = "MODE", default_value = "auto")]
    pub mode: MatchArg,

    /// The same as --match any
    #[arg(long)]
    pub any: bool,
}

impl MatchArgs {
    pub fn combine(&self) -> Combine {
        if self.any {
            Combine::Any
        } else {
            match self.mode {
                MatchArg::Auto => Combine::Auto,
                MatchArg::All => Combine::All,
                MatchArg::Any => Combine::Any,
            }
        }
    }
}

/// An OpenSearch index instead of a local one (docs/opensearch.md).
#[derive(Debug, Args)]
pub struct RemoteArgs {
    /// Use the index INDEX on an OpenSearch cluster, e.g. http://localhost:9200/news (or set
    /// LEDE_OPENSEARCH, which --index overrides; basic auth from LEDE_OPENSEARCH_USER and
    /// LEDE_OPENSEARCH_PASSWORD)
    #[arg(long, value_name = "URL/INDEX", conflicts_with = "index")]
    pub opensearch: Option<String>,
}

/// How a command prints what it found.
#[derive(Debug, Args)]
pub struct FormatArgs {
    /// Output format: text for people; json (one object), jsonl (a line per item) or csv for
    /// scripts (docs/output.md says what each command prints)
    #[arg(long, value_name = "FORMAT", default_value = "text", conflicts_with_all = ["json", "csv"])]
    pub format: FormatArg,

    #[command(flatten)]
    pub json: JsonArg,

    /// The same as --format csv
    #[arg(long, conflicts_with = "json")]
    pub csv: bool,
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    #[command(flatten)]
    pub index: IndexDir,

    #[command(flatten)]
    pub remote: RemoteArgs,

    #[command(flatten)]
    pub output: FormatArgs,
}

#[derive(Debug, Args)]
pub struct OptimizeArgs {
    #[command(flatten)]
    pub index: IndexDir,

    #[command(flatten)]
    pub json: JsonArg,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// What to look for; several words are joined with spaces
    #[arg(value_name = "QUERY", required = true)]
    pub query: Vec<String>,

    #[command(flatten)]
    pub index: IndexDir,

    #[command(flatten)]
    pub remote: RemoteArgs,

    /// Number of articles to show
    #[arg(long, short = 'n', value_name = "N", default_value_t = 10)]
    pub limit: usize,

    /// Number of articles to skip (for the next page)
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub offset: usize,

    /// Passages to show per article
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub passages: usize,

    #[command(flatten)]
    pub matching: MatchArgs,

    #[command(flatten)]
    pub scope: ScopeArgs,

    /// The order of hits: by score, or by date (undated articles last)
    #[arg(long, value_name = "ORDER", default_value = "relevance")]
    pub sort: SortArg,

    /// Count the matches by a field, over all of them: author, source, section, topic,
    /// place, person, org, language, format, year or month. FIELD=N shows the top N
    /// (default 10); section=/PATH counts the sections under PATH, section=/PATH=N the top N
    /// of them (repeatable)
    #[arg(long = "facet", value_name = "FIELD[=N]", value_parser = parse::facet)]
    pub facets: Vec<FacetRequest>,

    #[command(flatten)]
    pub output: OutputArgs,

    /// Print every match, however many, as it is found (in index order unless --sort)
    #[arg(long, conflicts_with_all = ["limit", "offset", "facets", "explain"])]
    pub all: bool,

    /// Search the words as written: not stemmed, stop words kept, case and accents ignored
    /// (the same as writing exact: before each word)
    #[arg(long)]
    pub exact: bool,

    /// Show why each hit scored as it did: the terms, fields and boosts that made its score
    #[arg(long)]
    pub explain: bool,

    /// One hit per near-duplicate group (wire copies), saying which copies it stands for;
    /// the count and facets count stories (docs/newsroom.md)
    #[arg(long, conflicts_with_all = ["all", "agg"])]
    pub collapse: bool,

    /// Show how the query was read (its tree, each word's terms in each field, the spellings
    /// of hyphenated words) and stop
    #[arg(long)]
    pub explain_query: bool,

    /// Count with Elasticsearch-style aggregations (terms, range, histogram, date_histogram,
    /// stats, cardinality, nested) and print their result as JSON, e.g.
    /// '{"by_source": {"terms": {"field": "source"}}}'
    #[arg(long, value_name = "JSON", conflicts_with_all = ["facets", "all", "explain"])]
    pub agg: Option<String>,
}

/// How results are printed.
#[derive(Debug, Args)]
pub struct OutputArgs {
    #[command(flatten)]
    pub format: FormatArgs,

    /// Columns of csv and jsonl, comma-separated: rank, score, id, path, title, authors, date,
    /// source, section, topics, places, people, orgs, language, url, word_count, format,
    /// passages; and copies (with --collapse), only when named
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub fields: Vec<String>,

    /// When to colour highlights
    #[arg(long, value_name = "WHEN", default_value = "auto")]
    pub color: ColorWhen,
}

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Text,
    Json,
    Jsonl,
    Csv,
}

#[derive(Debug, Args)]
pub struct TrendArgs {
    /// Queries, each counted on its own; LABEL=QUERY names one ('oil price=oil price*')
    #[arg(value_name = "QUERY", required = true)]
    pub queries: Vec<String>,

    #[command(flatten)]
    pub index: IndexDir,

    #[command(flatten)]
    pub remote: RemoteArgs,

    /// Bucket size
    #[arg(long, value_name = "INTERVAL", default_value = "month")]
    pub by: IntervalArg,

    /// Count each query per value of a field too: author, source, topic, place, person, org,
    /// language or format
    #[arg(long, value_name = "FIELD", value_parser = parse::split)]
    pub split: Option<FacetField>,

    /// Also count every article (under the same filters) per bucket, and show each count as
    /// a share of it, so that attention is not confused with the archive's volume
    #[arg(long)]
    pub normalize: bool,

    #[command(flatten)]
    pub matching: MatchArgs,

    /// Count stories, not copies: a near-duplicate group once, at its earliest date
    #[arg(long)]
    pub collapse: bool,

    #[command(flatten)]
    pub scope: ScopeArgs,

    #[command(flatten)]
    pub output: FormatArgs,
}

/// Where the words of known-item queries come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KnownFrom {
    Body,
    Title,
}

/// A bucket size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum IntervalArg {
    Day,
    Week,
    Month,
    Year,
}

#[derive(Debug, Args)]
pub struct BatchArgs {
    /// A file of queries, one per line (LABEL<TAB>QUERY to name one); - reads stdin
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    #[command(flatten)]
    pub index: IndexDir,

    /// Ids of the best hits to show per query
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub top: usize,

    #[command(flatten)]
    pub matching: MatchArgs,

    #[command(flatten)]
    pub scope: ScopeArgs,

    #[command(flatten)]
    pub output: FormatArgs,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The article: its path or id, as `lede search` shows them
    #[arg(value_name = "PATH_OR_ID")]
    pub article: String,

    /// Mark every match of this query
    #[arg(long, short, value_name = "QUERY")]
    pub query: Option<String>,

    #[command(flatten)]
    pub index: IndexDir,

    #[command(flatten)]
    pub remote: RemoteArgs,

    #[command(flatten)]
    pub json: JsonArg,

    /// When to colour matches
    #[arg(long, value_name = "WHEN", default_value = "auto")]
    pub color: ColorWhen,
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// The folder of the collection
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,

    /// Compare analysis and ranking variants: choose on half of the queries, report on the
    /// other half
    #[arg(long)]
    pub variants: bool,

    /// Show the scores of every query
    #[arg(long, short)]
    pub verbose: bool,

    /// DIR is a corpus: measure on known items made from it (about 200 queries, each 3-5 of
    /// an article's rarer words, from its body or its title; see docs/ranking.md)
    #[arg(long, value_name = "FROM")]
    pub known_items: Option<KnownFrom>,

    /// Index each document as `lede index` reads it from a .txt file of its own (the first
    /// line is the title), as a user who writes the documents one per file would
    #[arg(long)]
    pub as_files: bool,

    /// Also measure lede with some settings changed, on both halves: name=value pairs
    /// separated by commas (title, slop, proximity, coordination, tiers, exact, fuzzy,
    /// min-all, match, stems, stop-words); may be repeated
    #[arg(long = "try", value_name = "SETTINGS")]
    pub tries: Vec<String>,

    #[command(flatten)]
    pub json: JsonArg,
}

#[derive(Debug, Args)]
pub struct SimilarArgs {
    /// The article: its path or id, as `lede search` shows them
    #[arg(value_name = "PATH_OR_ID")]
    pub article: String,

    #[command(flatten)]
    pub index: IndexDir,

    /// Number of articles to show
    #[arg(long, short = 'n', value_name = "N", default_value_t = 10)]
    pub limit: usize,

    /// Passages to show per article
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub passages: usize,

    #[command(flatten)]
    pub output: OutputArgs,
}

/// Which articles to look among.
#[derive(Debug, Args)]
pub struct ScopeArgs {
    /// Only articles with this value: author, source, section (/a/b), topic, place, person,
    /// org, language, format, year (YYYY) or month (YYYY-MM). The same field twice means
    /// either value, different fields mean both (repeatable)
    #[arg(long = "filter", value_name = "FIELD=VALUE", value_parser = parse::filter)]
    pub filters: Vec<Filter>,

    /// Only articles dated on or after this: YYYY, YYYY-MM or YYYY-MM-DD
    #[arg(long, value_name = "DATE", value_parser = parse::period)]
    pub since: Option<(Timestamp, Timestamp)>,

    /// Only articles dated on or before this (the whole day, month or year)
    #[arg(long, value_name = "DATE", value_parser = parse::period)]
    pub until: Option<(Timestamp, Timestamp)>,
}

impl ScopeArgs {
    pub fn to_scope(&self) -> Scope {
        Scope {
            filters: self.filters.clone(),
            from: self.since.map(|(start, _)| start),
            to: self.until.map(|(_, end)| end),
        }
    }
}

/// How words combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MatchArg {
    /// All words while that finds enough articles, else any
    Auto,
    /// Every word is required
    All,
    /// Any word; articles with more of them rank higher
    Any,
}

/// The order of hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SortArg {
    /// By score (ties by path)
    Relevance,
    /// Newest first (ties by path)
    Newest,
    /// Oldest first (ties by path)
    Oldest,
}

/// When to use colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    /// When stdout is a terminal and NO_COLOR is not set
    Auto,
    Always,
    Never,
}

impl CorpusArgs {
    /// The library request; no corpus given means the folders the index was built from, or
    /// `corpus` for a new index.
    pub fn to_request(&self) -> IndexRequest {
        let roots = if self.corpus.is_empty() {
            lede::index::store::recorded_roots(&self.index.path())
                .filter(|roots| !roots.is_empty())
                .map(|roots| roots.into_iter().map(PathBuf::from).collect())
                .unwrap_or_else(|| vec![PathBuf::from(DEFAULT_CORPUS)])
        } else {
            self.corpus.clone()
        };
        let mut req = IndexRequest::new(roots, self.index.path());
        req.add = self.add;
        req.keep_deleted = self.keep_deleted;
        req.heap_bytes = (self.heap as usize) << 20;
        req.read.fields.overrides = self.fields.clone();
        req.read.extensions = self.extensions.clone();
        req.read.max_bytes = self.max_file_mb << 20;
        req.read.max_article_bytes = self.max_article_mb << 20;
        req.exclude = self.exclude.clone();
        req
    }
}

impl TrendArgs {
    /// The library request: each argument a query, `LABEL=QUERY` naming one.
    pub fn to_request(&self) -> TrendRequest {
        let queries = self.queries.iter().map(|q| parse::trend_query(q)).collect();
        TrendRequest {
            queries,
            interval: match self.by {
                IntervalArg::Day => Interval::Day,
                IntervalArg::Week => Interval::Week,
                IntervalArg::Month => Interval::Month,
                IntervalArg::Year => Interval::Year,
            },
            split: self.split,
            scope: self.scope.to_scope(),
            combine: self.matching.combine(),
            normalize: self.normalize,
            collapse: self.collapse,
        }
    }
}

impl IndexArgs {
    /// The library request.
    pub fn to_request(&self) -> IndexRequest {
        let mut req = self.corpus.to_request();
        req.rebuild = self.rebuild;
        req.strict = self.strict;
        req.commit_articles = self.commit_every;
        req
    }
}

fn parse_positive(arg: &str) -> Result<usize, String> {
    match arg.parse::<usize>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("expected a number above 0, not '{arg}'")),
    }
}

fn parse_field(arg: &str) -> Result<(Target, String), String> {
    let (name, key) = arg
        .split_once('=')
        .filter(|(_, key)| !key.is_empty())
        .ok_or_else(|| format!("expected FIELD=KEY, like body=story_text, not '{arg}'"))?;
    let target = Target::from_name(name)
        .ok_or_else(|| format!("unknown field '{name}' (fields: {})", Target::NAMES))?;
    Ok((target, key.to_string()))
}

fn parse_exclude(arg: &str) -> Result<String, String> {
    lede::corpus::walk::check_exclude(arg)?;
    Ok(arg.to_string())
}

fn parse_ext(arg: &str) -> Result<(String, Format), String> {
    let (ext, reader) = arg
        .split_once('=')
        .ok_or_else(|| format!("expected EXT=READER, like TXT=txt, not '{arg}'"))?;
    let ext = ext.trim_start_matches('.');
    if ext.is_empty() {
        return Err(format!("no extension in '{arg}'"));
    }
    let format = Format::from_name(reader)
        .ok_or_else(|| format!("unknown reader '{reader}' (readers: {})", Format::NAMES))?;
    Ok((ext.to_string(), format))
}

impl SearchArgs {
    /// The library request.
    pub fn to_request(&self) -> SearchRequest {
        SearchRequest {
            query: self.query.join(" "),
            limit: self.limit,
            offset: self.offset,
            passages: self.passages,
            combine: self.matching.combine(),
            facets: self.facets.clone(),
            scope: self.scope.to_scope(),
            exact: self.exact,
            collapse: self.collapse,
            sort: match self.sort {
                SortArg::Relevance => Sort::Relevance,
                SortArg::Newest => Sort::Newest,
                SortArg::Oldest => Sort::Oldest,
            },
        }
    }
}

#[cfg(test)]
mod tests;
