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
use tantivy::collector::{Count, MultiCollector, TopDocs};
use tantivy::query::Query;
use tantivy::schema::Field;
use tantivy::{DocAddress, IndexReader, Searcher, TantivyDocument, Term};

use crate::error::{Error, Result};
use crate::facets::{self, FacetCounts, FacetRequest};
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
    /// Facets to count over the whole match set.
    pub facets: Vec<FacetRequest>,
}

impl Default for SearchRequest {
    fn default() -> Self {
        SearchRequest {
            query: String::new(),
            limit: 10,
            offset: 0,
            passages: 2,
            combine: Combine::All,
            facets: Vec::new(),
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
    /// Counts over all matches, one per requested facet, in the order asked.
    pub facets: Vec<FacetCounts>,
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
    pub topics: Vec<String>,
    pub places: Vec<String>,
    pub people: Vec<String>,
    pub orgs: Vec<String>,
    /// ISO 639-1 code, when known.
    pub language: Option<String>,
    pub url: Option<String>,
    pub word_count: u64,
    /// The reader that read it: txt, json, html, sgml or feed.
    pub format: &'static str,
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

    /// The open index.
    pub fn store(&self) -> &Store {
        &self.store
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
        let first = self.first_pass(&searcher, parsed.query.as_ref(), req)?;
        let total = first.total;
        let facets = first.facets.clone();
        let page = self.page(
            &searcher,
            parsed.query.as_ref(),
            req.offset,
            req.limit,
            first,
        )?;

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
                    word_count: a.word_count(),
                    format: a.format,
                    id: a.id,
                    path: a.path,
                    title: a.title,
                    authors: a.authors,
                    date: a.date,
                    source: a.source,
                    topics: a.topics,
                    places: a.places,
                    people: a.people,
                    orgs: a.orgs,
                    language: a.language,
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
            facets,
        })
    }

    /// One pass over the matches: the count, the facets, and the best hits (enough of them to
    /// cover the page and, almost always, the scores tied with its last hit).
    fn first_pass(
        &self,
        searcher: &Searcher,
        query: &dyn Query,
        req: &SearchRequest,
    ) -> Result<FirstPass> {
        let err = |e| Error::index(&self.dir, e);
        let fetch = req.offset + req.limit + 16;
        let mut multi = MultiCollector::new();
        let count = multi.add_collector(Count);
        let top = multi.add_collector(TopDocs::with_limit(fetch).order_by_score());
        let schema = self.store.index.schema();
        let collectors = facets::collectors(&req.facets, &schema, &self.store.fields);
        let sections: Vec<_> = collectors
            .sections
            .into_iter()
            .map(|c| multi.add_collector(c))
            .collect();
        let terms = collectors.terms.map(|c| multi.add_collector(c));
        let mut fruits = searcher.search(query, &multi).map_err(err)?;
        let section_counts = sections
            .into_iter()
            .map(|h| h.extract(&mut fruits))
            .collect();
        let term_counts = terms.map(|h| h.extract(&mut fruits));
        Ok(FirstPass {
            total: count.extract(&mut fruits),
            top: top.extract(&mut fruits),
            fetched: fetch,
            facets: facets::counts(&req.facets, section_counts, term_counts),
        })
    }

    /// The page `offset..offset+limit` of hits by score, equal scores ordered by path. When
    /// the first pass did not reach past the run of scores equal to the page's last, fetches
    /// more, so that the order never depends on how documents sit in segments.
    fn page(
        &self,
        searcher: &Searcher,
        query: &dyn Query,
        offset: usize,
        limit: usize,
        first: FirstPass,
    ) -> Result<Vec<(f32, TantivyDocument)>> {
        let want = offset + limit;
        let err = |e| Error::index(&self.dir, e);
        if limit == 0 || first.total <= offset {
            return Ok(Vec::new());
        }
        let mut found = first.top;
        let mut fetch = first.fetched;
        loop {
            let last_wanted = found
                .get(want.min(found.len()).saturating_sub(1))
                .map(|f| f.0);
            let complete = found.len() < fetch || found.last().map(|f| f.0) != last_wanted;
            if complete || fetch >= first.total {
                break;
            }
            fetch = (fetch * 2).min(first.total);
            found = searcher
                .search(query, &TopDocs::with_limit(fetch).order_by_score())
                .map_err(err)?;
        }
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
        Ok(docs
            .into_iter()
            .skip(offset)
            .take(limit)
            .map(|(score, _, doc)| (score, doc))
            .collect())
    }
}

/// What the first pass over the matches found.
struct FirstPass {
    total: usize,
    /// The best hits by score, at most `fetched` of them.
    top: Vec<(f32, DocAddress)>,
    fetched: usize,
    facets: Vec<FacetCounts>,
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
