//! The one search API: what every front end (the command line, the server) calls, and what
//! every engine (the local tantivy index, a remote cluster) implements. No engine's types
//! appear here, only the requests and results of this layer.

use crate::error::Result;

use super::request::{SearchRequest, TrendRequest};
use super::results::{Hit, IndexStats, SearchResults, Shown, TrendResults};

/// A searchable archive.
pub trait Backend: Send + Sync {
    /// One page of ranked hits, with the count and the facets asked for.
    fn search(&self, req: &SearchRequest) -> Result<SearchResults>;

    /// Every match, handed to `each` one at a time (in index order, or by date with a date
    /// sort), after `notes` has heard how the query was read; gives the count.
    fn for_each_hit(
        &self,
        req: &SearchRequest,
        notes: &mut dyn FnMut(&[String]),
        each: &mut dyn FnMut(Hit) -> Result<()>,
    ) -> Result<usize>;

    /// Matches per calendar bucket, for each query of the request.
    fn trend(&self, req: &TrendRequest) -> Result<TrendResults>;

    /// One article whole (by id, or by path for a file of one article), with every match of
    /// `query` marked.
    fn show(&self, key: &str, query: Option<&str>) -> Result<Shown>;

    /// What the archive holds.
    fn stats(&self) -> Result<IndexStats>;
}
