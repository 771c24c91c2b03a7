//! The articles most like one article (`lede similar`): more-like-this over its title and
//! body, with ties broken by the term so that the same index gives the same list.

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{Searcher, TantivyDocument, Term};

use super::Engine;
use super::hits::{hit, idf};
use super::passages::PassageFinder;
use crate::error::{Error, Result};
use crate::model::{Combine, Hit, JSON_VERSION, SearchResults};

impl Engine {
    /// The articles most like the one with this id or path (more-like-this over its title and
    /// body), best first, the article itself left out.
    pub fn similar(&self, key: &str, limit: usize, passages: usize) -> Result<SearchResults> {
        self.guarded(|| {
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
        })
    }

    /// The query for articles like `doc`, as tantivy's MoreLikeThis makes it (its 30 words
    /// of 3 letters or more, found in 2 articles or more, that score best by frequency in it
    /// times idf, each boosted by its share of the best score), but with ties broken by the
    /// term: tantivy breaks them in hash order, and `lede similar` gave other articles on
    /// each run.
    pub(super) fn like(&self, searcher: &Searcher, doc: &TantivyDocument) -> Result<BooleanQuery> {
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
}
