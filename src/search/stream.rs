//! Every match of a search, one at a time (`--all`): memory holds one hit at a time and the
//! matches' addresses, in index order, or by date with a date sort.

use tantivy::query::EnableScoring;
use tantivy::{DocAddress, TantivyDocument};

use super::Engine;
use super::collect::Dated;
use super::hits::{hit, term_weights};
use super::passages::PassageFinder;
use crate::error::{Error, Result};
use crate::model::{Hit, SearchRequest, Sort};

impl Engine {
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
        self.guarded(|| {
            let err = |e| Error::index(&self.dir, e);
            let fields = &self.store.fields;
            let (parsed, _) = self.parse_auto(&req.query, req.combine, &req.scope, req.exact)?;
            notes(&parsed.notes);
            let searcher = self.reader.searcher();
            let weights = term_weights(&searcher, fields.body, &parsed.patterns);
            let mut finder =
                PassageFinder::with_analyzer(parsed.patterns, &weights, self.analysis.index());
            let mut title_finder = PassageFinder::with_analyzer(
                parsed.title_patterns,
                &weights,
                self.analysis.index(),
            );
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
                let mut hit = hit(fields, i + 1, score, &doc, &mut finder, req.passages);
                hit.title_highlights = title_finder.highlights(&hit.title);
                f(hit)?;
            }
            Ok(total)
        })
    }
}
