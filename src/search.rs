//! Searching an index: `Engine::open(dir)`, then `Engine::search(&SearchRequest)` gives
//! `SearchResults` with the count, the ranked page of hits and each hit's best passages.
//!
//! Ranking is tantivy's BM25 over title and body (title boosted, see `query.rs`); equal scores
//! are ordered by path, so the same index gives the same output every time.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::Query;
use tantivy::schema::Field;
use tantivy::{DocAddress, IndexReader, Searcher, TantivyDocument, Term};

use crate::error::{Error, Result};
use crate::passages::{Passage, PassageFinder};
use crate::query::{self, Combine};
use crate::store::{self, Store};

/// Version of the JSON that `--json` prints; bumped when a field changes meaning or goes away.
pub const JSON_VERSION: u32 = 1;

/// One search, as a front end asks for it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct SearchRequest {
    pub query: String,
    /// Hits per page.
    pub limit: usize,
    /// Hits to skip before the page.
    pub offset: usize,
    /// Passages per hit.
    pub passages: usize,
    pub combine: Combine,
}

impl Default for SearchRequest {
    fn default() -> Self {
        SearchRequest {
            query: String::new(),
            limit: 10,
            offset: 0,
            passages: 2,
            combine: Combine::All,
        }
    }
}

/// What a search found.
#[derive(Debug, Clone, Serialize)]
pub struct SearchResults {
    pub lede_json: u32,
    pub query: String,
    /// How the query text was read, when some of it was not taken as operators.
    pub notes: Vec<String>,
    /// Articles that match, in all.
    pub total: usize,
    pub offset: usize,
    pub took_ms: f64,
    pub hits: Vec<Hit>,
}

/// One matching article.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    /// 1-based, counting from the first hit of all pages.
    pub rank: usize,
    pub score: f32,
    pub id: String,
    pub path: String,
    pub title: String,
    pub authors: Vec<String>,
    pub date: Option<Timestamp>,
    pub source: Option<String>,
    /// The section path, as `/outer/inner`.
    pub section: String,
    pub url: Option<String>,
    pub passages: Vec<Passage>,
}

/// An open index, ready to answer searches.
pub struct Engine {
    store: Store,
    reader: IndexReader,
    dir: PathBuf,
}

impl Engine {
    /// Opens the index in `dir` (the last commit), without taking the writer's lock.
    pub fn open(dir: &Path) -> Result<Engine> {
        Engine::with_store(store::open(dir)?, dir)
    }

    /// An engine over an index already open (say one in memory); `dir` names it in errors.
    pub fn with_store(store: Store, dir: &Path) -> Result<Engine> {
        let reader = store.reader(dir)?;
        Ok(Engine {
            store,
            reader,
            dir: dir.to_path_buf(),
        })
    }

    /// Number of articles in the index.
    pub fn num_articles(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Runs one search.
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResults> {
        let started = Instant::now();
        let fields = &self.store.fields;
        let parsed = query::parse(&req.query, &self.store.index.schema(), fields, req.combine)?;
        let searcher = self.reader.searcher();
        let (page, total) = self.top(&searcher, parsed.query.as_ref(), req.offset, req.limit)?;

        let weights = term_weights(&searcher, fields.body, &parsed.patterns);
        let mut finder = PassageFinder::new(parsed.patterns, &weights);
        let hits = page
            .into_iter()
            .enumerate()
            .map(|(i, (score, doc))| {
                let a = fields.article(&doc);
                Hit {
                    rank: req.offset + i + 1,
                    score,
                    passages: finder.passages(&a.body, req.passages),
                    section: format!("/{}", a.section.join("/")),
                    id: a.id,
                    path: a.path,
                    title: a.title,
                    authors: a.authors,
                    date: a.date,
                    source: a.source,
                    url: a.url,
                }
            })
            .collect();
        Ok(SearchResults {
            lede_json: JSON_VERSION,
            query: req.query.clone(),
            notes: parsed.notes,
            total,
            offset: req.offset,
            took_ms: started.elapsed().as_secs_f64() * 1e3,
            hits,
        })
    }

    /// The page `offset..offset+limit` of hits by score, equal scores ordered by path, and
    /// the total count. Fetches past the page until a run of equal scores is complete, so
    /// that the order does not depend on how documents sit in segments.
    fn top(
        &self,
        searcher: &Searcher,
        query: &dyn Query,
        offset: usize,
        limit: usize,
    ) -> Result<(Vec<(f32, TantivyDocument)>, usize)> {
        let want = offset + limit;
        let err = |e| Error::index(&self.dir, e);
        let total = searcher.search(query, &Count).map_err(err)?;
        if want == 0 || total <= offset {
            return Ok((Vec::new(), total));
        }
        let mut fetch = (want + 16).min(total);
        let found = loop {
            let found: Vec<(f32, DocAddress)> = searcher
                .search(query, &TopDocs::with_limit(fetch).order_by_score())
                .map_err(err)?;
            let last_wanted = found
                .get(want.min(found.len()).saturating_sub(1))
                .map(|f| f.0);
            let complete = found.len() < fetch || found.last().map(|f| f.0) != last_wanted;
            if complete || fetch >= total {
                break found;
            }
            fetch = (fetch * 2).min(total);
        };
        // (score, path, document), ordered by score and then path
        let path = self.store.fields.path;
        let mut docs = found
            .into_iter()
            .map(|(score, addr)| {
                let doc: TantivyDocument = searcher.doc(addr).map_err(err)?;
                let key = doc
                    .get_first(path)
                    .and_then(|v| tantivy::schema::Value::as_str(&v))
                    .unwrap_or_default()
                    .to_string();
                Ok((score, key, doc))
            })
            .collect::<Result<Vec<_>>>()?;
        docs.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        let page = docs
            .into_iter()
            .skip(offset)
            .take(limit)
            .map(|(score, _, doc)| (score, doc))
            .collect();
        Ok((page, total))
    }
}
/// The inverse document frequency of each pattern term in the body field.
fn term_weights(
    searcher: &Searcher,
    body: Field,
    patterns: &[crate::passages::Pattern],
) -> HashMap<String, f32> {
    let n = searcher.num_docs() as f32;
    patterns
        .iter()
        .flat_map(|p| p.terms())
        .map(|t| {
            let df = searcher
                .doc_freq(&Term::from_field_text(body, t))
                .unwrap_or(0) as f32;
            (t.clone(), (1.0 + (n - df + 0.5) / (df + 0.5)).ln())
        })
        .collect()
}
