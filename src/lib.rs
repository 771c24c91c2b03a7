//! lede: full-text search for news archives.
//!
//! A folder of articles becomes [`Article`]s (`corpus`), then tantivy documents (`schema`),
//! then an index (`indexer`). A query becomes a [`SearchRequest`], then one
//! [`Engine::search`] call, then [`SearchResults`] with passages (`passages`), then text or
//! JSON (`output`).
//!
//! ```
//! use lede::{Engine, IndexRequest, SearchRequest, indexer};
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
//! let results = engine.search(&SearchRequest { query: "anti satellite".into(), ..Default::default() })?;
//! assert_eq!(results.total, 1);
//! assert_eq!(results.hits[0].title, "Ban on antisatellite tests");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod analyzer;
pub mod article;
pub mod batch;
pub mod collect;
pub mod corpus;
pub mod dates;
pub mod error;
pub mod eval;
pub mod facets;
pub mod indexer;
pub mod output;
pub mod passages;
pub mod query;
pub mod schema;
pub mod search;
pub mod stats;
pub mod store;
pub mod trend;
pub mod watch;

pub use article::Article;
pub use error::{Error, QueryError, Result};
pub use indexer::{IndexRequest, IndexSummary};
pub use passages::Passage;
pub use search::{Engine, Hit, SearchRequest, SearchResults};
