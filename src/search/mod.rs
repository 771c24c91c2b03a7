//! Searching an index: `Engine::open(dir)`, then `Engine::search(&SearchRequest)` gives
//! `SearchResults` with the count, the ranked page of hits and each hit's best passages.
//! [`Engine`] is the local implementation of [`Backend`], the one search API.
//!
//! Ranking is tantivy's BM25 over title and body (title boosted, see `query`); equal scores
//! are ordered by path, so the same index gives the same output every time. One file per
//! job: `prepare` (the query for a request), `page` (one pass, then the page), `hits`,
//! `stream` (`--all`), `lookup` (`show`), `explain`, `similar`, `aggregate`, `facets`,
//! `passages`, `trend`, `batch`, `stats`; `collect` holds the collectors they share.

mod aggregate;
pub mod batch;
mod collapse;
mod collect;
mod explain;
mod facets;
mod hits;
mod lookup;
mod notes;
mod page;
mod passages;
mod prepare;
pub mod saved;
mod similar;
mod stats;
mod stream;
mod terms;
mod trend;

use std::path::{Path, PathBuf};
use std::time::Instant;

use tantivy::IndexReader;
use tantivy::tokenizer::TextAnalyzer;

use crate::error::Result;
use crate::index::analyzer::Analysis;
use crate::index::damage;
use crate::index::store::{self, Store};
use crate::model::{
    Article, Backend, FacetField, FacetRequest, Filter, Hit, IndexStats, JSON_VERSION, Scope,
    SearchRequest, SearchResults, Shown, Sort, TrendRequest, TrendResults,
};
use crate::query::{self, Ranking};
use hits::{hit, term_weights};
use page::FirstPass;
use passages::PassageFinder;

/// An open index, ready to answer searches.
pub struct Engine {
    store: Store,
    reader: IndexReader,
    dir: PathBuf,
    analysis: Analysis,
    ranking: Ranking,
    /// Every section path in the index, folded and as written (made on first need).
    sections: std::sync::OnceLock<Vec<(String, String)>>,
    /// Index analyzers that earlier searches used for passages, their stem caches warm: a new
    /// analyzer starts with an empty 184 KB cache and stems every word of the page again,
    /// which was a tenth of a served search's time.
    analyzers: std::sync::Mutex<Vec<TextAnalyzer>>,
}

/// Analyzers kept for reuse (two per search in flight: body and title).
const KEPT_ANALYZERS: usize = 16;

impl Engine {
    /// Opens the index in `dir` (the last commit), without taking the writer's lock.
    pub fn open(dir: &Path) -> Result<Engine> {
        Engine::with_store(store::open(dir)?, dir)
    }

    /// An engine over an index already open (say one in memory); `dir` names it in errors.
    fn with_store(store: Store, dir: &Path) -> Result<Engine> {
        Engine::tuned(store, dir, Analysis::DEFAULT, Ranking::DEFAULT)
    }

    /// An engine over these articles, indexed in memory with `analysis` and ranked with
    /// `ranking` (for tests, and for `lede eval`, which compares variants).
    pub fn in_memory(articles: &[Article], analysis: Analysis, ranking: Ranking) -> Result<Engine> {
        let (store, mut writer) = store::in_ram_from(articles, analysis)?;
        let dir = Path::new("(memory)");
        crate::index::dedup::group_all(&store, dir, &mut writer)?;
        Engine::tuned(store, dir, analysis, ranking)
    }

    /// An engine over an index built with `analysis`, ranking with `ranking` (for `lede eval`,
    /// which compares them).
    pub(crate) fn tuned(
        store: Store,
        dir: &Path,
        analysis: Analysis,
        ranking: Ranking,
    ) -> Result<Engine> {
        let reader = damage::guard(&store.index, dir, || store.reader(dir))?;
        Ok(Engine {
            store,
            reader,
            dir: dir.to_path_buf(),
            analysis,
            ranking,
            sections: std::sync::OnceLock::new(),
            analyzers: std::sync::Mutex::new(Vec::new()),
        })
    }

    /// An index analyzer, warm from an earlier search when one is free.
    fn analyzer(&self) -> TextAnalyzer {
        self.analyzers
            .lock()
            .ok()
            .and_then(|mut kept| kept.pop())
            .unwrap_or_else(|| self.analysis.index())
    }

    /// Keeps an analyzer from [`Engine::analyzer`] for the next search.
    fn keep_analyzer(&self, analyzer: TextAnalyzer) {
        if let Ok(mut kept) = self.analyzers.lock()
            && kept.len() < KEPT_ANALYZERS
        {
            kept.push(analyzer);
        }
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

    /// Runs `work` on this engine's index with a panic in it turned into an error: the index's
    /// damage when its files show some (`index/damage.rs`). Every public method that reads the
    /// index goes through it.
    fn guarded<T>(&self, work: impl FnOnce() -> Result<T>) -> Result<T> {
        damage::guard(&self.store.index, &self.dir, work)
    }

    /// Checks the index's files again, as opening does: a long-running front end (`serve`)
    /// calls it to find an index damaged under it.
    pub fn check_files(&self) -> Result<()> {
        damage::check_files(&self.store.index, &self.dir)
    }

    /// The open index.
    pub(crate) fn store(&self) -> &Store {
        &self.store
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
        self.guarded(|| {
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
            let (mut parsed, mode) = self.parse_request(req)?;
            let collapsed = if req.collapse {
                let c = self.collapse(&searcher, parsed.query.box_clone(), req.sort)?;
                parsed.notes.push(c.note());
                parsed.query = c.query.box_clone();
                Some(c)
            } else {
                None
            };
            let first = self.first_pass(&searcher, parsed.query.as_ref(), req)?;
            let total = first.total;
            let facets = first.facets.clone();
            let mut notes = parsed.notes;
            let page = match (req.sort, first.dated) {
                (Sort::Newest | Sort::Oldest, Some(dated)) => {
                    if !dated.is_empty() && dated.iter().all(|(d, _)| d.is_none()) {
                        notes.push(format!(
                            "none of the {} matching articles has a date: sorted by date, they \
                         stand in path order",
                            dated.len()
                        ));
                    }
                    self.page_by_date(
                        &searcher,
                        dated,
                        req.sort == Sort::Newest,
                        req.offset,
                        req.limit,
                    )?
                }
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
                PassageFinder::with_analyzer(parsed.patterns, &weights, self.analyzer());
            let mut title_finder =
                PassageFinder::with_analyzer(parsed.title_patterns, &weights, self.analyzer());
            let scored = req.sort == Sort::Relevance;
            let hits: Vec<Hit> = page
                .into_iter()
                .enumerate()
                .map(|(i, (score, doc))| {
                    let score = scored.then_some(score);
                    let mut hit = hit(
                        fields,
                        req.offset + i + 1,
                        score,
                        &doc,
                        &mut finder,
                        req.passages,
                    );
                    hit.title_highlights = title_finder.highlights(&hit.title);
                    hit
                })
                .map(|mut h| {
                    if let Some(c) = &collapsed {
                        h.copies = c.copies.get(&h.id).cloned().unwrap_or_default();
                    }
                    h
                })
                .collect();
            self.keep_analyzer(finder.into_analyzer());
            self.keep_analyzer(title_finder.into_analyzer());
            if total == 0 {
                notes.extend(self.missing_filters(&req.scope));
            }
            Ok(SearchResults {
                lede_json: JSON_VERSION,
                query: req.query.clone(),
                notes,
                mode,
                total,
                offset: req.offset,
                took_ms: started.elapsed().as_secs_f64() * 1e3,
                hits,
                facets,
            })
        })
    }
}

impl Backend for Engine {
    fn search(&self, req: &SearchRequest) -> Result<SearchResults> {
        Engine::search(self, req)
    }

    fn for_each_hit(
        &self,
        req: &SearchRequest,
        notes: &mut dyn FnMut(&[String]),
        each: &mut dyn FnMut(Hit) -> Result<()>,
    ) -> Result<usize> {
        Engine::for_each_hit(self, req, notes, each)
    }

    fn trend(&self, req: &TrendRequest) -> Result<TrendResults> {
        Engine::trend(self, req)
    }

    fn show(&self, key: &str, query: Option<&str>) -> Result<Shown> {
        Engine::show(self, key, query)
    }

    fn stats(&self) -> Result<IndexStats> {
        Engine::stats(self)
    }
}
