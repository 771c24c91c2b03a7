//! The vocabulary every layer shares: the [`Article`] readers return, the requests front ends
//! make, the results backends give, the names users write, dates, and the [`Backend`] trait
//! that ties them together. Plain data: nothing here knows tantivy, files or the terminal.

pub mod article;
pub mod backend;
pub mod dates;
pub mod fields;
pub mod newsroom;
pub mod parse;
pub mod request;
pub mod results;
pub mod trend;

pub use article::Article;
pub use backend::Backend;
pub use fields::{FacetField, QUERY_FIELDS};
pub use newsroom::{
    SavedList, SavedRun, SavedSearch, SavedSummary, Seen, SignificantTerm, TermsRequest,
    TermsResults,
};
pub use request::{
    BatchLine, Combine, FacetRequest, Filter, Interval, Scope, SearchRequest, Sort, TrendQuery,
    TrendRequest,
};
pub use results::{
    BatchRow, Explained, FacetCounts, FacetValue, Hit, IndexStats, JSON_VERSION, OptimizeSummary,
    Paragraph, Passage, Reading, SearchResults, Series, Shown, TrendResults, WordReading,
};
