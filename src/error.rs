//! The library's errors, each written for the person at the terminal: what went wrong, where,
//! and what to run next. The index layer wraps tantivy's errors with the path they concern
//! (`Error::index`, in `index/mod.rs`), so nothing here knows tantivy.

use std::io;
use std::path::PathBuf;

/// Result with the library's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can stop a lede command. Each message is whole: the causes are in the
/// text, not in a `source` chain, so that `{err:#}` prints every fact once.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("no index at '{index}' (run `lede index CORPUS --index {index}` first)")]
    NoIndex { index: PathBuf },

    #[error(
        "no index at '{index}' and no corpus at '{corpus}' to build it from \
         (run `lede index CORPUS` on a folder of articles)"
    )]
    NoIndexNoCorpus { index: PathBuf, corpus: PathBuf },

    #[error("no such folder '{0}'")]
    NoSuchFolder(PathBuf),

    #[error("'{0}' is not a folder (lede indexes folders of articles)")]
    NotAFolder(PathBuf),

    #[error("another lede index is writing to '{0}' (wait for it to finish)")]
    Locked(PathBuf),

    #[error("cannot write the index folder '{path}': {reason}")]
    Unwritable { path: PathBuf, reason: io::Error },

    #[error(
        "the index at '{path}' was built by {found}, and this lede reads schema {expected} \
         (run `lede index --rebuild --index {path}`)"
    )]
    SchemaVersion {
        path: PathBuf,
        found: String,
        expected: u32,
    },

    #[error(
        "the index at '{index}' holds {}, not {}: add --add to index it beside them, \
         or --rebuild to start again from what you give",
        quoted(recorded),
        quoted(given)
    )]
    OtherRoots {
        index: PathBuf,
        recorded: Vec<String>,
        given: Vec<String>,
    },

    #[error("two series are labelled '{0}': give each its own label (LABEL=QUERY)")]
    SameLabel(String),

    #[error("cannot run --agg: {0}")]
    Aggregation(String),

    #[error("no article '{0}' in the index (give its path or id as `lede search` shows them)")]
    NotFound(String),

    #[error(
        "'{path}' holds {count} articles: name one by its id ({}, ...)",
        examples.join(", ")
    )]
    ManyArticles {
        path: String,
        count: usize,
        examples: Vec<String>,
    },

    #[error("'{0}' holds an index that lede did not write (give lede a folder of its own)")]
    NotLede(PathBuf),

    #[error(transparent)]
    Query(#[from] QueryError),

    #[error(
        "the index at '{path}' is damaged ({reason}): run `lede index --rebuild --index {path}` \
         to build it again"
    )]
    Damaged { path: PathBuf, reason: String },

    #[error(
        "the span of dates is empty: it starts at {from} and ends before it, at {to} \
         (--since must come before --until)"
    )]
    EmptySpan { from: String, to: String },

    #[error("index '{path}': {reason}")]
    Index { path: PathBuf, reason: String },

    #[error(
        "{0:?} cannot name a saved search: use 1 to 64 letters, digits, spaces, '-', '_' or \
         '.', starting and ending with a letter or digit"
    )]
    SavedName(String),

    #[error("a search named '{0}' is saved already (`lede saved rm {0}` first)")]
    SavedExists(String),

    #[error("no saved search named '{0}' (`lede saved list` shows them)")]
    NoSavedSearch(String),

    #[error("'{path}': {reason}")]
    Io { path: PathBuf, reason: io::Error },

    /// An OpenSearch cluster that cannot be reached, or that refused a request.
    #[error("OpenSearch at '{url}': {reason}")]
    Remote { url: String, reason: String },
}

/// A query that uses operators wrongly: what is wrong, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot read the query {query:?}: {message}{}", at_column(*.column))]
pub struct QueryError {
    pub query: String,
    pub message: String,
    /// 1-based character column, when the problem has a place.
    pub column: Option<usize>,
}

fn quoted(roots: &[String]) -> String {
    roots
        .iter()
        .map(|r| format!("'{r}'"))
        .collect::<Vec<_>>()
        .join(" and ")
}

fn at_column(column: Option<usize>) -> String {
    column
        .map(|c| format!(" (at column {c})"))
        .unwrap_or_default()
}

impl Error {
    /// Wraps an I/O error with its path.
    pub fn io(path: impl Into<PathBuf>, reason: io::Error) -> Error {
        Error::Io {
            path: path.into(),
            reason,
        }
    }
}

/// Whether `e` is a write to a reader that went away (`lede search x | head`), however the
/// writer that met it wrapped it: an I/O error (whose `source()` skips what
/// `io::Error::other` wraps), a CSV or JSON writer's error, or lede's own.
pub fn is_broken_pipe(e: &(dyn std::error::Error + 'static)) -> bool {
    use io::ErrorKind::BrokenPipe;
    if let Some(io) = e.downcast_ref::<io::Error>() {
        return io.kind() == BrokenPipe || io.get_ref().is_some_and(|inner| is_broken_pipe(inner));
    }
    if let Some(csv) = e.downcast_ref::<csv::Error>() {
        return matches!(csv.kind(), csv::ErrorKind::Io(io) if io.kind() == BrokenPipe);
    }
    if let Some(json) = e.downcast_ref::<serde_json::Error>() {
        return json.io_error_kind() == Some(BrokenPipe);
    }
    matches!(e.downcast_ref::<Error>(), Some(Error::Io { reason, .. }) if is_broken_pipe(reason))
}
