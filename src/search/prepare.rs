//! A request's query read for this index: its section paths as the index writes them, the
//! scope added, and `Combine::Auto` deciding between all words and any word.

use tantivy::collector::Count;

use super::Engine;
use crate::error::{Error, Result};
use crate::model::{Combine, Scope, SearchRequest, Sort, dates};
use crate::query;

impl Engine {
    /// The query for `text` within `scope`: the filters and dates narrow the matches without
    /// changing their scores.
    pub(super) fn parse(
        &self,
        text: &str,
        combine: Combine,
        scope: &Scope,
        exact: bool,
    ) -> Result<query::ParsedQuery> {
        if let (Some(from), Some(to)) = (scope.from, scope.to)
            && from >= to
        {
            return Err(Error::EmptySpan {
                from: dates::display(from),
                to: dates::display(to),
            });
        }
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
    pub(super) fn parse_auto(
        &self,
        text: &str,
        combine: Combine,
        scope: &Scope,
        exact: bool,
    ) -> Result<(query::ParsedQuery, Combine)> {
        self.parse_for(text, combine, scope, exact, 0, false)
    }

    /// The query of a search request, read for its page of hits.
    pub(super) fn parse_request(
        &self,
        req: &SearchRequest,
    ) -> Result<(query::ParsedQuery, Combine)> {
        let wanted = req.offset + req.limit;
        let ranked = req.sort == Sort::Relevance;
        self.parse_for(
            &req.query,
            req.combine,
            &req.scope,
            req.exact,
            wanted,
            ranked,
        )
    }

    /// Like [`Engine::parse_auto`], for a page that shows `wanted` hits: every word is required
    /// only while the articles that have them all fill it. `ranked`: the hits are shown by
    /// score (not by date), so the note may say that those with more of the words come first.
    pub(super) fn parse_for(
        &self,
        text: &str,
        combine: Combine,
        scope: &Scope,
        exact: bool,
        wanted: usize,
        ranked: bool,
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
        any.notes.push(query::fallback_note(
            all,
            parsed.implicit_clauses,
            ranked && parsed.implicit_clauses <= self.ranking.tier_words,
        ));
        if parsed.implicit_clauses > self.ranking.tier_words && self.ranking.feedback_terms > 0 {
            any = self.with_feedback(any)?;
        }
        Ok((any, Combine::Any))
    }

    /// Pseudo-relevance feedback, for a long query that fell back to any word: the words that
    /// weigh most in its best articles (frequency in the article, times the article's share of
    /// the best score, times the word's idf) are added as optional words, so that articles
    /// about the same thing rise; they match nothing the query did not.
    fn with_feedback(&self, mut parsed: query::ParsedQuery) -> Result<query::ParsedQuery> {
        use std::collections::HashMap;
        use tantivy::collector::TopDocs;
        use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
        use tantivy::schema::IndexRecordOption;
        use tantivy::{TantivyDocument, Term};
        let err = |e| Error::index(&self.dir, e);
        let searcher = self.reader.searcher();
        let fields = &self.store.fields;
        let r = &self.ranking;
        let top = searcher
            .search(
                parsed.query.as_ref(),
                &TopDocs::with_limit(r.feedback_docs).order_by_score(),
            )
            .map_err(err)?;
        let Some(best) = top.first().map(|t| t.0).filter(|s| *s > 0.0) else {
            return Ok(parsed);
        };
        let own: Vec<&String> = parsed.patterns.iter().flat_map(|p| p.terms()).collect();
        let mut analyzer = self.analysis.index();
        let mut weight: HashMap<String, f32> = HashMap::new();
        for (score, addr) in &top {
            let doc: TantivyDocument = searcher.doc(*addr).map_err(err)?;
            let a = fields.article(&doc);
            let tokens = crate::index::analyzer::tokens(&mut analyzer, &a.body);
            let len = tokens.len().max(1) as f32;
            for t in tokens {
                if t.text.chars().count() > 2 && !t.text.chars().all(|c| c.is_ascii_digit()) {
                    *weight.entry(t.text).or_default() += score / best / len;
                }
            }
        }
        let n = searcher.num_docs();
        let mut ranked: Vec<(f32, String)> = weight
            .into_iter()
            .filter(|(t, _)| !own.contains(&t))
            .map(|(t, w)| {
                let df = searcher
                    .doc_freq(&Term::from_field_text(fields.body, &t))
                    .unwrap_or(0);
                (w * super::hits::idf(df, n), t)
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        ranked.truncate(r.feedback_terms);
        let Some(heaviest) = ranked.first().map(|x| x.0).filter(|w| *w > 0.0) else {
            return Ok(parsed);
        };
        let added: Vec<(Occur, Box<dyn Query>)> = ranked
            .into_iter()
            .map(|(w, t)| {
                let term = TermQuery::new(
                    Term::from_field_text(fields.body, &t),
                    IndexRecordOption::WithFreqs,
                );
                let q: Box<dyn Query> = Box::new(BoostQuery::new(
                    Box::new(term),
                    r.feedback_weight * w / heaviest,
                ));
                (Occur::Should, q)
            })
            .collect();
        let feedback = query::named("feedback", Box::new(BooleanQuery::new(added)));
        let query = std::mem::replace(&mut parsed.query, Box::new(tantivy::query::EmptyQuery));
        parsed.query = Box::new(BooleanQuery::new(vec![
            (Occur::Must, query),
            (Occur::Should, feedback),
        ]));
        Ok(parsed)
    }
}
