//! lede: full-text search for news archives.
//!
//! The layers, lowest first, each importing only from those below it:
//! - [`model`]: the vocabulary ([`Article`], [`SearchRequest`], [`SearchResults`], the
//!   [`Backend`] trait); plain data, no tantivy, no I/O.
//! - [`corpus`]: files on disk read into [`Article`]s.
//! - [`index`]: the schema, the analysis, the index on disk, indexing and watching.
//! - [`query`]: what the user typed made a tantivy query and highlight patterns.
//! - [`search`]: [`Engine`], the local [`Backend`]: searches, facets, passages, trends.
//! - [`remote`]: [`OpenSearch`], the same [`Backend`] on an OpenSearch cluster.
//! - [`eval`] (relevance on test collections) and [`output`] (text, JSON, CSV writers).
//! - [`serve`]: the HTTP API and search page, a thin adapter over [`Backend`].
//!
//! ```
//! use lede::{Backend, Engine, IndexRequest, SearchRequest, indexer};
//!
//! let corpus = tempfile::tempdir()?;
//! std::fs::write(
//!     corpus.path().join("asat.txt"),
//!     "Ban on antisatellite tests\n\nThe treaty bans anti-satellite tests.\n\nAuthor: A. Writer\n",
//! )?;
//! let index = tempfile::tempdir()?;
//! let req = IndexRequest::new(vec![corpus.path().into()], index.path().into());
//! indexer::run(&req, &indexer::Silent)?;
//!
//! let engine = Engine::open(index.path())?;
//! let backend: &dyn Backend = &engine;
//! let results = backend.search(&SearchRequest { query: "anti satellite".into(), ..Default::default() })?;
//! assert_eq!(results.total, 1);
//! assert_eq!(results.hits[0].title, "Ban on antisatellite tests");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod corpus;
pub mod error;
pub mod eval;
pub mod index;
pub mod model;
pub mod output;
pub mod query;
pub mod remote;
pub mod search;
pub mod serve;

pub use error::{Error, QueryError, Result};
pub use index::analyzer::Analysis;
pub use index::{indexer, watch};
pub use indexer::{IndexRequest, IndexSummary};
pub use model::{
    Article, Backend, Combine, FacetField, FacetRequest, Filter, Hit, Interval, Passage, Scope,
    SearchRequest, SearchResults, Sort, TrendQuery, TrendRequest, TrendResults,
};
pub use query::Ranking;
pub use remote::OpenSearch;
pub use search::Engine;
