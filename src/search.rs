//! Searching an index: `Engine::open(dir)`, then `Engine::search(&SearchRequest)` gives
//! `SearchResults` with the count, the ranked page of hits and each hit's best passages.
//!
//! Ranking is tantivy's BM25 over title and body (title boosted, see `query.rs`); equal scores
//! are ordered by path, so the same index gives the same output every time.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::Instant;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use tantivy::collector::{Count, MultiCollector, TopDocs};
use tantivy::query::Query;
use tantivy::query::{BooleanQuery, BoostQuery, EnableScoring, Occur, TermQuery};
use tantivy::schema::Field;
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, IndexReader, Searcher, TantivyDocument, Term};

use crate::analyzer::Analysis;
use crate::collect::Dated;
use crate::error::{Error, Result};
use crate::facets::{self, FacetCounts, FacetField, FacetRequest};
use crate::passages::{Passage, PassageFinder};
use crate::query::{self, Combine, Ranking};
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
    /// Which articles to look among.
    pub scope: Scope,
    pub sort: Sort,
    /// Words without a field search the exact field: as written, not stemmed (`--exact`).
    pub exact: bool,
}

/// Which articles a search looks among: metadata filters and a span of dates.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Scope {
    /// Values of metadata fields: two for the same field mean either, for different fields both.
    pub filters: Vec<Filter>,
    /// Dated at or after this (undated articles are left out when a span is given).
    pub from: Option<Timestamp>,
    /// Dated before this.
    pub to: Option<Timestamp>,
}

/// A metadata field and a value it must have.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filter {
    pub field: FacetField,
    pub value: String,
}

/// The order of hits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    /// By score, then by path.
    #[default]
    Relevance,
    /// Newest first, then by path; undated articles last.
    Newest,
    /// Oldest first, then by path; undated articles last.
    Oldest,
}

impl Default for SearchRequest {
    fn default() -> Self {
        SearchRequest {
            query: String::new(),
            limit: 10,
            offset: 0,
            passages: 2,
            combine: Combine::Auto,
            facets: Vec::new(),
            scope: Scope::default(),
            sort: Sort::Relevance,
            exact: false,
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
    /// How the words were combined: `all` (every word required) or `any`.
    pub mode: Combine,
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
    /// BM25 score; `None` when the hits are sorted by date.
    pub score: Option<f32>,
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
    analysis: Analysis,
    ranking: Ranking,
    /// Every section path in the index, folded and as written (made on first need).
    sections: std::sync::OnceLock<Vec<(String, String)>>,
}

impl Engine {
    /// Opens the index in `dir` (the last commit), without taking the writer's lock.
    pub fn open(dir: &Path) -> Result<Engine> {
        Engine::with_store(store::open(dir)?, dir)
    }

    /// An engine over an index already open (say one in memory); `dir` names it in errors.
    pub fn with_store(store: Store, dir: &Path) -> Result<Engine> {
        Engine::tuned(store, dir, Analysis::DEFAULT, Ranking::DEFAULT)
    }

    /// An engine over an index built with `analysis`, ranking with `ranking` (for `lede eval`,
    /// which compares them).
    pub fn tuned(store: Store, dir: &Path, analysis: Analysis, ranking: Ranking) -> Result<Engine> {
        let reader = store.reader(dir)?;
        Ok(Engine {
            store,
            reader,
            dir: dir.to_path_buf(),
            analysis,
            ranking,
            sections: std::sync::OnceLock::new(),
        })
    }

    /// Every section path in the index (`/World/Europe`, and `/World` above it), lower-cased
    /// and folded beside the path as written: sections are counted as the folders spell them,
    /// and found in any case and accents.
    fn section_paths(&self) -> &[(String, String)] {
        self.sections.get_or_init(|| {
            let mut paths = std::collections::BTreeSet::new();
            for segment in self.reader.searcher().segment_readers() {
                let Ok(inverted) = segment.inverted_index(self.store.fields.section) else {
                    continue;
                };
                let Ok(mut terms) = inverted.terms().stream() else {
                    continue;
                };
                while terms.advance() {
                    if let Ok(facet) = tantivy::schema::Facet::from_encoded(terms.key().to_vec()) {
                        paths.insert(facet.to_string());
                    }
                }
            }
            paths
                .into_iter()
                .map(|p| (query::fold_section(&p), p))
                .collect()
        })
    }

    /// The scope with its section filters written as the index writes the sections (a path
    /// spelt two ways in the index gives two filters, either of which will do).
    fn scope_sections(&self, scope: &Scope) -> Scope {
        if !scope.filters.iter().any(|f| f.field == FacetField::Section) {
            return scope.clone();
        }
        let paths = self.section_paths();
        let filters = scope
            .filters
            .iter()
            .flat_map(|f| match f.field {
                FacetField::Section => query::stored_sections(paths, &f.value)
                    .into_iter()
                    .map(|value| Filter {
                        field: FacetField::Section,
                        value,
                    })
                    .collect(),
                _ => vec![f.clone()],
            })
            .collect();
        Scope {
            filters,
            ..scope.clone()
        }
    }

    /// The facet requests with the section paths they count under written as the index
    /// writes them.
    fn facet_sections(&self, facets: &[FacetRequest]) -> Vec<FacetRequest> {
        let mut facets = facets.to_vec();
        for r in &mut facets {
            if r.field != FacetField::Section || r.under.is_empty() {
                continue;
            }
            let path = r.under.join("/");
            if let Some(stored) = query::stored_sections(self.section_paths(), &path).first() {
                r.under = stored
                    .trim_start_matches('/')
                    .split('/')
                    .map(str::to_string)
                    .collect();
            }
        }
        facets
    }

    /// The open index.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The reader of the last commit.
    pub fn reader(&self) -> &IndexReader {
        &self.reader
    }

    /// The index folder (for error messages).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Number of articles in the index.
    pub fn num_articles(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Runs one search.
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResults> {
        let started = Instant::now();
        let fields = &self.store.fields;
        let searcher = self.reader.searcher();
        // A page can hold no more than every article: `--limit 4000000000` must not reserve
        // room for four billion hits, nor `--offset` plus `--limit` wrap around.
        let articles = searcher.num_docs() as usize;
        let req = &SearchRequest {
            limit: req.limit.min(articles),
            offset: req.offset.min(articles),
            ..req.clone()
        };
        let (parsed, mode) = self.parse_request(req)?;
        let first = self.first_pass(&searcher, parsed.query.as_ref(), req)?;
        let total = first.total;
        let facets = first.facets.clone();
        let page = match (req.sort, first.dated) {
            (Sort::Newest | Sort::Oldest, Some(dated)) => self.page_by_date(
                &searcher,
                dated,
                req.sort == Sort::Newest,
                req.offset,
                req.limit,
            )?,
            (_, _) => self.page(
                &searcher,
                parsed.query.as_ref(),
                req.offset,
                req.limit,
                FirstPass {
                    dated: None,
                    ..first
                },
            )?,
        };

        let weights = term_weights(&searcher, fields.body, &parsed.patterns);
        let mut finder =
            PassageFinder::with_analyzer(parsed.patterns, &weights, self.analysis.index());
        let scored = req.sort == Sort::Relevance;
        let hits = page
            .into_iter()
            .enumerate()
            .map(|(i, (score, doc))| {
                let score = scored.then_some(score);
                hit(
                    fields,
                    req.offset + i + 1,
                    score,
                    &doc,
                    &mut finder,
                    req.passages,
                )
            })
            .collect();
        Ok(SearchResults {
            lede_json: JSON_VERSION,
            query: req.query.clone(),
            notes: parsed.notes,
            mode,
            total,
            offset: req.offset,
            took_ms: started.elapsed().as_secs_f64() * 1e3,
            hits,
            facets,
        })
    }

    /// Calls `f` with every match, in index order (or by date, with a date sort), passages
    /// included; memory holds one hit at a time (and the matches' addresses). Gives the count.
    /// `notes` first hears what reading the query had to say (a repaired query, or all words
    /// giving way to any word).
    pub fn for_each_hit(
        &self,
        req: &SearchRequest,
        notes: impl FnOnce(&[String]),
        mut f: impl FnMut(Hit) -> Result<()>,
    ) -> Result<usize> {
        let err = |e| Error::index(&self.dir, e);
        let fields = &self.store.fields;
        let (parsed, _) = self.parse_auto(&req.query, req.combine, &req.scope, req.exact)?;
        notes(&parsed.notes);
        let searcher = self.reader.searcher();
        let weights = term_weights(&searcher, fields.body, &parsed.patterns);
        let mut finder =
            PassageFinder::with_analyzer(parsed.patterns, &weights, self.analysis.index());
        let mut matches: Vec<(Option<f32>, DocAddress)> = Vec::new();
        if req.sort == Sort::Relevance {
            let weight = parsed
                .query
                .weight(EnableScoring::enabled_from_searcher(&searcher))
                .map_err(err)?;
            for (ord, segment) in searcher.segment_readers().iter().enumerate() {
                let alive = segment.alive_bitset();
                weight
                    .for_each(segment, &mut |doc, score| {
                        if alive.is_none_or(|a| a.is_alive(doc)) {
                            matches.push((Some(score), DocAddress::new(ord as u32, doc)));
                        }
                    })
                    .map_err(err)?;
            }
        } else {
            let schema = self.store.index.schema();
            let mut dated = searcher
                .search(
                    parsed.query.as_ref(),
                    &Dated {
                        field: schema.get_field_name(fields.date).to_string(),
                    },
                )
                .map_err(err)?;
            let newest = req.sort == Sort::Newest;
            dated.sort_by_key(|(d, addr)| match d {
                Some(secs) if newest => (0, -secs, *addr),
                Some(secs) => (0, *secs, *addr),
                None => (1, 0, *addr),
            });
            matches = dated.into_iter().map(|(_, addr)| (None, addr)).collect();
        }
        let total = matches.len();
        for (i, (score, addr)) in matches.into_iter().enumerate() {
            let doc: TantivyDocument = searcher.doc(addr).map_err(err)?;
            f(hit(fields, i + 1, score, &doc, &mut finder, req.passages))?;
        }
        Ok(total)
    }

    /// The article with this id, or else this path (its first article, for files of many).
    fn find(&self, searcher: &Searcher, key: &str) -> Result<DocAddress> {
        let err = |e| Error::index(&self.dir, e);
        let fields = &self.store.fields;
        let find = |field| -> Result<Vec<DocAddress>> {
            let q = TermQuery::new(Term::from_field_text(field, key), IndexRecordOption::Basic);
            let mut top = searcher
                .search(
                    &q,
                    &Dated {
                        field: self
                            .store
                            .index
                            .schema()
                            .get_field_name(fields.date)
                            .to_string(),
                    },
                )
                .map_err(err)?;
            top.sort_by_key(|(_, addr)| *addr);
            Ok(top.into_iter().map(|(_, addr)| addr).collect())
        };
        if let Some(&addr) = find(fields.id)?.first() {
            return Ok(addr);
        }
        match find(fields.path)?.as_slice() {
            [] => Err(Error::NotFound(key.to_string())),
            [addr] => Ok(*addr),
            // A file of many articles: which one is meant?
            many => {
                let id = |addr: &DocAddress| -> Result<String> {
                    let doc: TantivyDocument = searcher.doc(*addr).map_err(err)?;
                    Ok(doc
                        .get_first(fields.id)
                        .and_then(|v| v.as_str())
                        .unwrap_or_default()
                        .to_string())
                };
                Err(Error::ManyArticles {
                    path: key.to_string(),
                    count: many.len(),
                    examples: vec![id(&many[0])?, id(&many[1])?],
                })
            }
        }
    }

    /// A whole article, with every match of `query` in its body (for `lede show`).
    pub fn show(&self, key: &str, query: Option<&str>) -> Result<Shown> {
        let err = |e| Error::index(&self.dir, e);
        let searcher = self.reader.searcher();
        let addr = self.find(&searcher, key)?;
        let doc: TantivyDocument = searcher.doc(addr).map_err(err)?;
        let fields = &self.store.fields;
        let mut finder = PassageFinder::new(Vec::new(), &HashMap::new());
        let hit = hit(fields, 1, None, &doc, &mut finder, 0);
        let body = fields.article(&doc).body;
        let (matches, title_matches, notes) = match query {
            Some(q) => {
                let parsed = self.parse(q, Combine::Any, &Scope::default(), false)?;
                let finder = |patterns| {
                    PassageFinder::with_analyzer(patterns, &HashMap::new(), self.analysis.index())
                };
                (
                    finder(parsed.patterns).highlights(&body),
                    finder(parsed.title_patterns).highlights(&hit.title),
                    parsed.notes,
                )
            }
            None => (Vec::new(), Vec::new(), Vec::new()),
        };
        let mut paragraphs = Vec::new();
        let mut offset = 0;
        for part in body.split("\n\n") {
            let lead = part.len() - part.trim_start().len();
            let text = part.trim();
            if !text.is_empty() {
                paragraphs.push(Paragraph {
                    number: paragraphs.len() + 1,
                    offset: offset + lead,
                    text: text.to_string(),
                });
            }
            offset += part.len() + 2;
        }
        Ok(Shown {
            lede_json: JSON_VERSION,
            article: hit,
            body,
            paragraphs,
            matches,
            title_matches,
            notes,
        })
    }

    /// Why each of these hits scored as it did: tantivy's explanation, as a tree.
    pub fn explain(&self, req: &SearchRequest, hits: &[Hit]) -> Result<Vec<Explained>> {
        let err = |e| Error::index(&self.dir, e);
        let searcher = self.reader.searcher();
        let (parsed, _) = self.parse_request(req)?;
        let phrases = PhraseLabel::of(&searcher, &self.store.fields, &parsed);
        hits.iter()
            .map(|h| {
                let addr = self.find(&searcher, &h.id)?;
                let e = parsed.query.explain(&searcher, addr).map_err(err)?;
                let value =
                    serde_json::to_value(&e).map_err(|e| Error::Aggregation(e.to_string()))?;
                Ok(Explained::from_json(
                    &value,
                    &self.store.index.schema(),
                    &phrases,
                ))
            })
            .collect()
    }

    /// The articles most like the one with this id or path (more-like-this over its title and
    /// body, see [`Engine::like`]), best first, the article itself left out.
    pub fn similar(&self, key: &str, limit: usize, passages: usize) -> Result<SearchResults> {
        let started = Instant::now();
        let err = |e| Error::index(&self.dir, e);
        let fields = &self.store.fields;
        let searcher = self.reader.searcher();
        let limit = limit.min(searcher.num_docs() as usize);
        let addr = self.find(&searcher, key)?;
        let doc: TantivyDocument = searcher.doc(addr).map_err(err)?;
        let query = self.like(&searcher, &doc)?;
        let (top, total) = searcher
            .search(
                &query,
                &(TopDocs::with_limit(limit + 1).order_by_score(), Count),
            )
            .map_err(err)?;
        let mut finder = PassageFinder::new(Vec::new(), &HashMap::new());
        let hits: Vec<Hit> = top
            .into_iter()
            .filter(|(_, a)| *a != addr)
            .take(limit)
            .enumerate()
            .map(|(i, (score, a))| {
                let d: TantivyDocument = searcher.doc(a).map_err(err)?;
                Ok(hit(fields, i + 1, Some(score), &d, &mut finder, passages))
            })
            .collect::<Result<_>>()?;
        Ok(SearchResults {
            lede_json: JSON_VERSION,
            query: format!("similar to {key}"),
            notes: Vec::new(),
            mode: Combine::Any,
            total: total.saturating_sub(1),
            offset: 0,
            took_ms: started.elapsed().as_secs_f64() * 1e3,
            hits,
            facets: Vec::new(),
        })
    }

    /// The query for articles like `doc`, as tantivy's MoreLikeThis makes it (its 30 words
    /// of 3 letters or more, found in 2 articles or more, that score best by frequency in it
    /// times idf, each boosted by its share of the best score), but with ties broken by the
    /// term: tantivy breaks them in hash order, and `lede similar` gave other articles on
    /// each run.
    fn like(&self, searcher: &Searcher, doc: &TantivyDocument) -> Result<BooleanQuery> {
        let fields = &self.store.fields;
        let mut freqs: BTreeMap<Term, usize> = BTreeMap::new();
        for field in [fields.title, fields.body] {
            let mut analyzer = self
                .store
                .index
                .tokenizer_for_field(field)
                .map_err(|e| Error::index(&self.dir, e))?;
            for text in doc.get_all(field).filter_map(|v| v.as_str()) {
                let mut stream = analyzer.token_stream(text);
                while let Some(token) = stream.next() {
                    if token.text.chars().count() >= 3 {
                        *freqs
                            .entry(Term::from_field_text(field, &token.text))
                            .or_default() += 1;
                    }
                }
            }
        }
        let articles = searcher.num_docs();
        let mut scored: Vec<(f32, Term)> = Vec::new();
        for (term, tf) in freqs {
            let df = searcher
                .doc_freq(&term)
                .map_err(|e| Error::index(&self.dir, e))?;
            if df >= 2 {
                scored.push((tf as f32 * idf(df, articles), term));
            }
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        scored.truncate(30);
        let best = scored.first().map_or(1.0, |s| s.0);
        Ok(BooleanQuery::new(
            scored
                .into_iter()
                .map(|(score, term)| {
                    let term = Box::new(TermQuery::new(term, IndexRecordOption::Basic));
                    let q: Box<dyn Query> = Box::new(BoostQuery::new(term, score / best));
                    (Occur::Should, q)
                })
                .collect(),
        ))
    }

    /// Elasticsearch-style aggregations (`--agg`) over the matches of `req`, as their
    /// Elasticsearch-shaped JSON result, with how many matched and the notes of the query's
    /// reading. A mistake in the JSON is reported with its place.
    pub fn aggregate(
        &self,
        req: &SearchRequest,
        json: &str,
    ) -> Result<(serde_json::Value, usize, Vec<String>)> {
        let bad = Error::Aggregation;
        let aggs: tantivy::aggregation::agg_req::Aggregations = serde_json::from_str(json)
            .map_err(|e| {
                bad(format!(
                    "not an aggregation at line {}, column {}: {e}",
                    e.line(),
                    e.column()
                ))
            })?;
        // tantivy answers an unknown field with empty buckets: name the fields instead.
        let schema = self.store.index.schema();
        let fast: Vec<&str> = schema
            .fields()
            .filter(|(_, entry)| entry.is_fast())
            .map(|(_, entry)| entry.name())
            .collect();
        let value: serde_json::Value =
            serde_json::from_str(json).map_err(|e| bad(e.to_string()))?;
        for name in agg_fields(&value) {
            if !fast.contains(&name) {
                let hint = query::guess(name, fast.iter().copied());
                return Err(bad(format!(
                    "no field '{name}' to aggregate (fields: {}){hint}",
                    fast.join(", ")
                )));
            }
        }
        let (parsed, _) = self.parse_auto(&req.query, req.combine, &req.scope, req.exact)?;
        let collector =
            tantivy::aggregation::AggregationCollector::from_aggs(aggs, Default::default());
        let (total, result) = self
            .reader
            .searcher()
            .search(parsed.query.as_ref(), &(Count, collector))
            .map_err(|e| bad(e.to_string()))?;
        let value = serde_json::to_value(result).map_err(|e| bad(e.to_string()))?;
        Ok((value, total, parsed.notes))
    }

    /// The query for `text` within `scope`: the filters and dates narrow the matches without
    /// changing their scores.
    pub fn parse(
        &self,
        text: &str,
        combine: Combine,
        scope: &Scope,
        exact: bool,
    ) -> Result<query::ParsedQuery> {
        let fields = &self.store.fields;
        let schema = self.store.index.schema();
        // The index's sections are read only for a query that names one.
        let names_section = text.to_ascii_lowercase().contains("section:");
        let target = query::Target {
            schema: &schema,
            fields,
            sections: if names_section {
                self.section_paths()
            } else {
                &[]
            },
        };
        let mut parsed = query::parse(text, &target, combine, self.analysis, &self.ranking, exact)?;
        parsed.query = query::scoped(parsed.query, &self.scope_sections(scope), fields);
        Ok(parsed)
    }

    /// The query to run for `combine`, and how its words were combined: with `Auto`, every word
    /// is required unless fewer than `min_all_hits` articles have them all, and then any word
    /// will do (the notes say so).
    pub fn parse_auto(
        &self,
        text: &str,
        combine: Combine,
        scope: &Scope,
        exact: bool,
    ) -> Result<(query::ParsedQuery, Combine)> {
        self.parse_for(text, combine, scope, exact, 0)
    }

    /// The query of a search request, read for its page of hits.
    fn parse_request(&self, req: &SearchRequest) -> Result<(query::ParsedQuery, Combine)> {
        let wanted = req.offset + req.limit;
        self.parse_for(&req.query, req.combine, &req.scope, req.exact, wanted)
    }

    /// Like [`Engine::parse_auto`], for a page that shows `wanted` hits: every word is required
    /// only while the articles that have them all fill it.
    fn parse_for(
        &self,
        text: &str,
        combine: Combine,
        scope: &Scope,
        exact: bool,
        wanted: usize,
    ) -> Result<(query::ParsedQuery, Combine)> {
        let parsed = self.parse(text, combine, scope, exact)?;
        if combine != Combine::Auto
            || parsed.implicit_clauses < 2
            || parsed.matches_nothing
            || self.ranking.min_all_hits == 0
        {
            let mode = if combine == Combine::Any {
                Combine::Any
            } else {
                Combine::All
            };
            return Ok((parsed, mode));
        }
        let all = self
            .reader
            .searcher()
            .search(parsed.query.as_ref(), &Count)
            .map_err(|e| Error::index(&self.dir, e))?;
        if all >= self.ranking.min_all_hits.max(wanted) {
            return Ok((parsed, Combine::All));
        }
        let mut any = self.parse(text, Combine::Any, scope, exact)?;
        any.notes.push(format!(
            "{} of the {} words: showing articles with any of them, those with more first",
            match all {
                0 => "no article has all".to_string(),
                1 => "only 1 article has all".to_string(),
                n => format!("only {n} articles have all"),
            },
            parsed.implicit_clauses
        ));
        Ok((any, Combine::Any))
    }

    /// One pass over the matches: the count, the facets, and the best hits (enough of them to
    /// cover the page and, almost always, the scores tied with its last hit), or for a sort by
    /// date every match with its date.
    fn first_pass(
        &self,
        searcher: &Searcher,
        query: &dyn Query,
        req: &SearchRequest,
    ) -> Result<FirstPass> {
        let err = |e| Error::index(&self.dir, e);
        let by_date = req.sort != Sort::Relevance && req.limit > 0;
        let fetch = if by_date {
            1
        } else {
            req.offset + req.limit + 16
        };
        let mut multi = MultiCollector::new();
        let count = multi.add_collector(Count);
        let top = multi.add_collector(TopDocs::with_limit(fetch).order_by_score());
        let schema = self.store.index.schema();
        let dated = by_date.then(|| {
            multi.add_collector(Dated {
                field: schema.get_field_name(self.store.fields.date).to_string(),
            })
        });
        let facet_requests = self.facet_sections(&req.facets);
        let collectors = facets::collectors(&facet_requests, &schema, &self.store.fields);
        let sections: Vec<_> = collectors
            .sections
            .into_iter()
            .map(|c| multi.add_collector(c))
            .collect();
        let calendar: Vec<_> = collectors
            .calendar
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
            facets: facets::counts(
                &facet_requests,
                section_counts,
                calendar
                    .into_iter()
                    .map(|h| h.extract(&mut fruits))
                    .collect(),
                term_counts,
            ),
            dated: dated.map(|h| h.extract(&mut fruits)),
        })
    }

    /// The page of hits by date (undated last), equal dates ordered by path.
    fn page_by_date(
        &self,
        searcher: &Searcher,
        mut dated: Vec<(Option<i64>, DocAddress)>,
        newest: bool,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<(f32, TantivyDocument)>> {
        let err = |e| Error::index(&self.dir, e);
        let key = |d: &Option<i64>| match d {
            Some(secs) if newest => (0, -secs),
            Some(secs) => (0, *secs),
            None => (1, 0),
        };
        dated.sort_by_key(|(d, _)| key(d));
        let end = (offset + limit).min(dated.len());
        if offset >= end {
            return Ok(Vec::new());
        }
        // Widen the page to whole runs of equal dates, and order those runs by path.
        let mut start = offset;
        while start > 0 && key(&dated[start - 1].0) == key(&dated[offset].0) {
            start -= 1;
        }
        let mut stop = end;
        while stop < dated.len() && key(&dated[stop].0) == key(&dated[end - 1].0) {
            stop += 1;
        }
        let schema = self.store.index.schema();
        let path_name = schema.get_field_name(self.store.fields.path);
        let mut window: Vec<((i32, i64), String, DocAddress)> = Vec::with_capacity(stop - start);
        for (date, addr) in &dated[start..stop] {
            let segment = searcher.segment_reader(addr.segment_ord);
            let mut path = String::new();
            if let Some(column) = segment.fast_fields().str(path_name).map_err(err)?
                && let Some(ord) = column.term_ords(addr.doc_id).next()
            {
                column
                    .ord_to_str(ord, &mut path)
                    .map_err(|e| Error::io(&self.dir, e))?;
            }
            window.push((key(date), path, *addr));
        }
        window.sort();
        window
            .into_iter()
            .skip(offset - start)
            .take(end - offset)
            .map(|(_, _, addr)| Ok((0.0, searcher.doc::<TantivyDocument>(addr).map_err(err)?)))
            .collect()
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
    /// Every match with its date, for a sort by date.
    dated: Option<Vec<(Option<i64>, DocAddress)>>,
}
/// An article shown whole.
#[derive(Debug, Clone, Serialize)]
pub struct Shown {
    pub lede_json: u32,
    /// Its metadata (no passages).
    pub article: Hit,
    pub body: String,
    /// Paragraphs of the body, numbered from 1, with their byte offsets in it.
    pub paragraphs: Vec<Paragraph>,
    /// Byte ranges of the body where the query matches.
    pub matches: Vec<(usize, usize)>,
    /// Byte ranges of the title where the query matches.
    pub title_matches: Vec<(usize, usize)>,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Paragraph {
    pub number: usize,
    pub offset: usize,
    pub text: String,
}

/// A score, what it is, and what it is made of.
#[derive(Debug, Clone, Serialize)]
pub struct Explained {
    pub value: f32,
    pub description: String,
    pub details: Vec<Explained>,
}

impl Explained {
    /// tantivy's explanation (as JSON), made readable: a term's BM25 factors on one line with
    /// its field and text, a phrase's with its field and words (see [`PhraseLabel`]), and
    /// wrappers of a single part left out.
    fn from_json(
        v: &serde_json::Value,
        schema: &tantivy::schema::Schema,
        phrases: &[PhraseLabel],
    ) -> Explained {
        let value = v["value"].as_f64().unwrap_or(0.0) as f32;
        let description = v["description"].as_str().unwrap_or("").to_string();
        let context: Vec<String> = v["context"]
            .as_array()
            .map(|c| {
                c.iter()
                    .filter_map(|s| s.as_str())
                    .map(|s| readable_terms(s.trim_start_matches("Term="), schema))
                    .collect()
            })
            .unwrap_or_default();
        let details: Vec<&serde_json::Value> = v["details"]
            .as_array()
            .map(|d| d.iter().collect())
            .unwrap_or_default();
        if description.starts_with("TermQuery") {
            // (K1+1) x idf x tf: say which term, how often, how rare, in how long a field.
            let find = |prefix: &str| {
                details
                    .iter()
                    .find(|d| {
                        d["description"]
                            .as_str()
                            .is_some_and(|s| s.starts_with(prefix))
                    })
                    .copied()
            };
            let idf = find("idf").and_then(|d| d["value"].as_f64()).unwrap_or(0.0);
            let tf = find("freq / ");
            let part = |name: &str| {
                tf.and_then(|t| t["details"].as_array())
                    .and_then(|d| {
                        d.iter().find(|x| {
                            x["description"]
                                .as_str()
                                .is_some_and(|s| s.starts_with(name))
                        })
                    })
                    .and_then(|x| x["value"].as_f64())
                    .unwrap_or(0.0)
            };
            let term = if context.is_empty() {
                "term".to_string()
            } else {
                context.join(", ")
            };
            return Explained {
                value,
                description: format!(
                    "{term}: BM25 with {} occurrence(s), idf {idf:.2}, field length {} (average {:.1})",
                    part("freq,"),
                    part("dl,"),
                    part("avgdl,")
                ),
                details: Vec::new(),
            };
        }
        let mut children: Vec<Explained> = details
            .iter()
            .map(|d| Explained::from_json(d, schema, phrases))
            .collect();
        if children.len() == 1 && description == "Phrase Scorer" {
            let mut phrase = children.remove(0);
            let label = details
                .first()
                .and_then(|d| PhraseLabel::find(d, phrases))
                .unwrap_or("phrase");
            phrase.description = phrase.description.replacen("term", label, 1);
            return phrase;
        }
        if children.len() == 1 && description.contains("sum of") {
            return children.remove(0);
        }
        let description = description.replace("BooleanClause. sum of", "sum of");
        let description = match (description.as_str(), context.is_empty()) {
            (d, true) => d
                .trim_end_matches(" ...")
                .trim_end_matches("...")
                .to_string(),
            (d, false) => format!("{} [{}]", d.trim_end_matches(" ..."), context.join(", ")),
        };
        Explained {
            value,
            description,
            details: children,
        }
    }
}

/// What a phrase of the query is called in `--explain`. tantivy's explanation of a phrase
/// names neither its field nor its words, only its BM25 factors: the phrase is known again by
/// its idf (the sum of its words') and the average length of its field.
pub struct PhraseLabel {
    label: String,
    idf: f64,
    avgdl: f64,
}

impl PhraseLabel {
    /// The phrases a query may score: its phrases in each field they search, and each pair of
    /// neighbouring words (the proximity bonus, `near`).
    fn of(
        searcher: &Searcher,
        fields: &crate::schema::Fields,
        parsed: &query::ParsedQuery,
    ) -> Vec<PhraseLabel> {
        use crate::passages::Pattern;
        use tantivy::query::Bm25StatisticsProvider;
        let schema = searcher.schema();
        // The statistics tantivy's BM25 takes, from the same provider.
        let n = Bm25StatisticsProvider::total_num_docs(searcher).unwrap_or(0);
        let mut out = Vec::new();
        let mut add = |kind: &str, field: Field, terms: &[String]| {
            let avgdl = Bm25StatisticsProvider::total_num_tokens(searcher, field)
                .map(|t| t as f32 / n.max(1) as f32)
                .unwrap_or(0.0);
            let idf: f32 = terms
                .iter()
                .filter(|t| !t.is_empty())
                .map(|t| {
                    let term = Term::from_field_text(field, t);
                    idf(
                        Bm25StatisticsProvider::doc_freq(searcher, &term).unwrap_or(0),
                        n,
                    )
                })
                .sum();
            let words: Vec<&str> = terms
                .iter()
                .map(|t| if t.is_empty() { "_" } else { t.as_str() })
                .collect();
            out.push(PhraseLabel {
                label: format!(
                    "{kind}{}:\"{}\"",
                    schema.get_field_name(field),
                    words.join(" ")
                ),
                idf: idf as f64,
                avgdl: avgdl as f64,
            });
        };
        for (patterns, field) in [
            (&parsed.patterns, fields.body),
            (&parsed.title_patterns, fields.title),
        ] {
            for p in patterns.iter() {
                match p {
                    Pattern::Phrase { terms, .. } => add("", field, terms),
                    Pattern::Exact(inner) => {
                        if let Pattern::Phrase { terms, .. } = inner.as_ref() {
                            add("", fields.exact, terms);
                        }
                    }
                    _ => {}
                }
            }
        }
        let words: Vec<&String> = parsed
            .patterns
            .iter()
            .filter_map(|p| match p {
                Pattern::Term(t) => Some(t),
                _ => None,
            })
            .collect();
        for pair in words.windows(2) {
            add("near ", fields.body, &[pair[0].clone(), pair[1].clone()]);
        }
        out
    }

    /// The label of the phrase whose BM25 explanation (as JSON) this is.
    fn find<'p>(bm25: &serde_json::Value, phrases: &'p [PhraseLabel]) -> Option<&'p str> {
        let detail = |v: &serde_json::Value, prefix: &str| -> Option<f64> {
            v["details"].as_array()?.iter().find_map(|d| {
                d["description"]
                    .as_str()
                    .filter(|s| s.starts_with(prefix))
                    .and(d["value"].as_f64())
            })
        };
        let idf = detail(bm25, "idf")?;
        let tf = bm25["details"].as_array()?.iter().find(|d| {
            d["description"]
                .as_str()
                .is_some_and(|s| s.starts_with("freq / "))
        })?;
        let avgdl = detail(tf, "avgdl,")?;
        phrases
            .iter()
            .find(|p| (p.idf - idf).abs() < 1e-3 && (p.avgdl - avgdl).abs() < 1e-3)
            .map(|p| p.label.as_str())
    }
}

/// tantivy writes a term as `Term(field=3, type=Str, "satellit")`: name the field instead.
fn readable_terms(text: &str, schema: &tantivy::schema::Schema) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("Term(field=") {
        out.push_str(&rest[..at]);
        let after = &rest[at + "Term(field=".len()..];
        let Some(end) = after.find(')') else {
            out.push_str(&rest[at..]);
            return out;
        };
        let inner = &after[..end];
        let id: Option<u32> = inner.split(',').next().and_then(|n| n.trim().parse().ok());
        let value = inner.rsplit(", ").next().unwrap_or("").trim_matches('"');
        match id {
            Some(id) => {
                let name = schema.get_field_name(tantivy::schema::Field::from_field_id(id));
                out.push_str(&format!("{name}:{value}"));
            }
            None => out.push_str(&rest[at..at + "Term(field=".len() + end + 1]),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

/// A hit for a stored document, with its passages.
fn hit(
    fields: &crate::schema::Fields,
    rank: usize,
    score: Option<f32>,
    doc: &TantivyDocument,
    finder: &mut PassageFinder,
    passages: usize,
) -> Hit {
    let a = fields.article(doc);
    Hit {
        rank,
        score,
        passages: finder.passages(&a.body, passages),
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
}

/// The inverse document frequency of each pattern term in the body field.
fn term_weights(
    searcher: &Searcher,
    body: Field,
    patterns: &[crate::passages::Pattern],
) -> HashMap<String, f32> {
    let n = searcher.num_docs();
    patterns
        .iter()
        .flat_map(|p| p.terms())
        .filter(|t| !t.is_empty())
        .map(|t| {
            let df = searcher
                .doc_freq(&Term::from_field_text(body, t))
                .unwrap_or(0);
            (t.clone(), idf(df, n))
        })
        .collect()
}

/// BM25's inverse document frequency, as tantivy computes it: ln(1 + (N - n + 0.5) / (n + 0.5))
/// for a term in `df` of `articles` articles.
fn idf(df: u64, articles: u64) -> f32 {
    let df = df.min(articles);
    (1.0 + ((articles - df) as f32 + 0.5) / (df as f32 + 0.5)).ln()
}

/// The `"field"` of every aggregation in a request, nested ones too.
fn agg_fields(value: &serde_json::Value) -> Vec<&str> {
    let mut out = Vec::new();
    if let serde_json::Value::Object(map) = value {
        for (key, v) in map {
            match (key.as_str(), v) {
                ("field", serde_json::Value::String(name)) => out.push(name.as_str()),
                _ => out.extend(agg_fields(v)),
            }
        }
    }
    out
}
