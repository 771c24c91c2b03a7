//! A request's query read for this index: its section paths as the index writes them, the
//! scope added, and `Combine::Auto` deciding between all words and any word.

use tantivy::collector::Count;

use super::Engine;
use crate::error::{Error, Result};
use crate::model::{Combine, Scope, SearchRequest, dates};
use crate::query;

impl Engine {
    /// The query for `text` within `scope`: the filters and dates narrow the matches without
    /// changing their scores.
    pub fn parse(
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
    pub(super) fn parse_request(
        &self,
        req: &SearchRequest,
    ) -> Result<(query::ParsedQuery, Combine)> {
        let wanted = req.offset + req.limit;
        self.parse_for(&req.query, req.combine, &req.scope, req.exact, wanted)
    }

    /// Like [`Engine::parse_auto`], for a page that shows `wanted` hits: every word is required
    /// only while the articles that have them all fill it.
    pub(super) fn parse_for(
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
}
