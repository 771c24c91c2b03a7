//! A request's query read for this index: its section paths as the index writes them, the
//! scope added, and `Combine::Auto` deciding between all words and any word.

use tantivy::collector::Count;

use super::Engine;
use crate::error::{Error, Result};
use crate::model::{Combine, Scope, SearchRequest, Sort};
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
        self.parse_for(text, combine, scope, exact, 0, false)
    }

    /// The query of a search request, read for its page of hits.
    pub(super) fn parse_request(
        &self,
        req: &SearchRequest,
    ) -> Result<(query::ParsedQuery, Combine)> {
        let wanted = req.offset + req.limit;
        let ranked = req.sort == Sort::Relevance;
        self.parse_for(&req.query, req.combine, &req.scope, req.exact, wanted, ranked)
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
        any.notes.push(fallback_note(
            all,
            parsed.implicit_clauses,
            ranked && self.ranking.coordination >= query::COORDINATION_TIER,
        ));
        Ok((any, Combine::Any))
    }
}

/// The note of the fall-back to any word: how many articles have all `words` (true under any
/// sort), and, when the hits are ranked with coordination tiers, that those come first.
pub(super) fn fallback_note(all: usize, words: usize, tiers: bool) -> String {
    let every = if words == 2 {
        "both words".to_string()
    } else {
        format!("all {words} words")
    };
    let have = match all {
        0 => format!("no article has {every}"),
        1 => format!("only 1 article has {every}"),
        n => format!("only {n} articles have {every}"),
    };
    let order = match (tiers, all) {
        (false, _) => String::new(),
        (true, 0) => ", more of the words ranking higher".to_string(),
        (true, 1) => ", more of the words ranking higher (that one first)".to_string(),
        (true, n) => format!(", more of the words ranking higher (those {n} first)"),
    };
    format!("{have}: showing articles with any of them{order}")
}
