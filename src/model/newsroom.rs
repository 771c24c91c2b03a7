//! The vocabulary of the newsroom workflows: significant terms (`lede terms`) and saved
//! searches (`lede saved`), as plain requests and results that any front end can send and
//! print. Near-duplicate collapsing needs no type of its own (`SearchRequest::collapse`,
//! `Hit::copies`).

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::request::{Combine, Scope, SearchRequest};
use super::results::{JSON_VERSION, SearchResults};

/// What `lede terms` asks: the words and phrases that set QUERY's matches apart.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct TermsRequest {
    pub query: String,
    pub combine: Combine,
    pub scope: Scope,
    /// Terms to list.
    pub size: usize,
    /// A term must be in at least this many foreground articles.
    pub min_doc_count: u64,
    /// Read at most this many matches (the best-scoring ones) as the foreground.
    pub sample: usize,
    /// Two-word phrases too.
    pub phrases: bool,
}

impl Default for TermsRequest {
    fn default() -> Self {
        TermsRequest {
            query: String::new(),
            combine: Combine::Auto,
            scope: Scope::default(),
            size: 20,
            min_doc_count: 3,
            sample: 2_000,
            phrases: true,
        }
    }
}

/// One significant term.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SignificantTerm {
    /// The word, or two words with a space, lower-cased and folded as the index keeps them.
    pub term: String,
    /// `word` or `phrase`.
    pub kind: &'static str,
    /// JLH: (fg_rate - bg_rate) * (fg_rate / bg_rate), 0 when fg_rate <= bg_rate.
    pub score: f64,
    /// Foreground articles with the term.
    pub fg: u64,
    /// Articles in the whole index with the term.
    pub bg: u64,
}

/// What `lede terms` found.
#[derive(Debug, Clone, Serialize)]
pub struct TermsResults {
    pub lede_json: u32,
    pub query: String,
    pub notes: Vec<String>,
    /// The score's name: `jlh`.
    pub score: &'static str,
    /// Articles that match the query.
    pub matches: usize,
    /// Articles read as the foreground: every match, or the best-scoring `sample` of them.
    pub foreground: usize,
    /// Whether the foreground is a sample of the matches.
    pub sampled: bool,
    /// Articles in the whole index (the background).
    pub background: u64,
    pub took_ms: f64,
    pub terms: Vec<SignificantTerm>,
}

/// A search saved with an index.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SavedSearch {
    pub name: String,
    pub request: SearchRequest,
    pub created: Timestamp,
    /// When it last ran; `None` until the first run, which sets the baseline.
    #[serde(default)]
    pub last_run: Option<Timestamp>,
    #[serde(default)]
    pub runs: u64,
    /// Every article version that has matched a run: id -> what was seen.
    #[serde(default)]
    pub seen: BTreeMap<String, Seen>,
}

/// An article as a saved search last saw it match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seen {
    /// The article's version (fingerprint of its text, hex): a new one means it changed.
    pub version: String,
    /// When this version first matched (the Atom entry's `updated`).
    pub first: Timestamp,
}

/// One run of a saved search.
#[derive(Debug, Clone, Serialize)]
pub struct SavedRun {
    pub name: String,
    /// When it ran.
    pub at: Timestamp,
    /// The first run: it recorded what matches and reports nothing as new.
    pub baseline: bool,
    /// Articles that match now.
    pub matched: usize,
    /// Of those, the ones that match for the first time (new, or changed since).
    pub new: usize,
    /// The hits printed: the new ones with `--new`, else the search's page.
    pub results: SearchResults,
    /// When each hit's version first matched, by id.
    pub first_seen: BTreeMap<String, Timestamp>,
}

/// The saved searches as `lede saved list --json` prints them (and `GET /api/saved` sends).
#[derive(Debug, Clone, Serialize)]
pub struct SavedList {
    pub lede_json: u32,
    pub saved: Vec<SavedSummary>,
}

/// One saved search in a list: what it asks, and how often it ran, without what it has seen.
#[derive(Debug, Clone, Serialize)]
pub struct SavedSummary {
    pub name: String,
    pub query: String,
    pub request: SearchRequest,
    pub created: Timestamp,
    pub last_run: Option<Timestamp>,
    pub runs: u64,
    /// Article versions its runs have seen match.
    pub seen: usize,
}

impl SavedList {
    pub fn new(searches: &[SavedSearch]) -> SavedList {
        SavedList {
            lede_json: JSON_VERSION,
            saved: searches
                .iter()
                .map(|s| SavedSummary {
                    name: s.name.clone(),
                    query: s.request.query.clone(),
                    request: s.request.clone(),
                    created: s.created,
                    last_run: s.last_run,
                    runs: s.runs,
                    seen: s.seen.len(),
                })
                .collect(),
        }
    }
}
