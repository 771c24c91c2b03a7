//! The vocabulary every layer shares: the [`Article`] readers return, the requests front ends
//! make, the results backends give, the names users write, dates, and the [`Backend`] trait
//! that ties them together. Plain data: nothing here knows tantivy, files or the terminal.

pub(crate) mod article;
pub(crate) mod backend;
pub mod dates;
pub(crate) mod fields;
pub(crate) mod newsroom;
pub mod parse;
pub(crate) mod request;
pub(crate) mod results;
pub(crate) mod trend;

pub use article::{ARTICLE_FORMATS, Article};
pub use backend::Backend;
pub use fields::{FacetField, FieldName, QUERY_FIELDS, section_path};
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
