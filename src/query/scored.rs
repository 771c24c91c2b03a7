//! Queries of lede's own for the parts of a score that tantivy has no name for: [`Named`]
//! wraps a query so that `--explain` names its part of the score (`coordination`,
//! `exact form`), and [`RankedFuzzy`] expands `word~N` as Lucene's FuzzyQuery does (the
//! closest and rarest candidate terms, at most [`MAX_FUZZY_EXPANSIONS`] of them, each scored
//! by BM25 and weighted by its closeness), where tantivy's own gives every match a score of 1.

use std::collections::BTreeSet;
use std::fmt;

use tantivy::query::{
    BooleanQuery, BoostQuery, EnableScoring, Explanation, FuzzyTermQuery, Occur, Query, Scorer,
    TermQuery, Weight,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, Score, SegmentReader, Term};

/// The most candidate terms a fuzzy word is expanded to (Lucene's `maxExpansions` is 50).
pub const MAX_FUZZY_EXPANSIONS: usize = 50;

/// A query whose part of the score `--explain` shows under `label`.
#[derive(Debug)]
pub struct Named {
    pub label: String,
    pub query: Box<dyn Query>,
}

impl Clone for Named {
    fn clone(&self) -> Self {
        Named {
            label: self.label.clone(),
            query: self.query.box_clone(),
        }
    }
}

impl Named {
    pub fn boxed(label: impl Into<String>, query: Box<dyn Query>) -> Box<dyn Query> {
        Box::new(Named {
            label: label.into(),
            query,
        })
    }
}

impl Query for Named {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let inner = self.query.weight(enable_scoring)?;
        if !enable_scoring.is_scoring_enabled() {
            return Ok(inner);
        }
        Ok(Box::new(NamedWeight {
            label: self.label.clone(),
            inner,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.query.query_terms(visitor);
    }
}

struct NamedWeight {
    label: String,
    inner: Box<dyn Weight>,
}

impl Weight for NamedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        self.inner.scorer(reader, boost)
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let inner = self.inner.explain(reader, doc)?;
        let mut e = Explanation::new_with_string(self.label.clone(), inner.value());
        e.add_detail(inner);
        Ok(e)
    }

    fn count(&self, reader: &SegmentReader) -> tantivy::Result<u32> {
        self.inner.count(reader)
    }
}

/// `word~N` in one field: the terms of the index within N edits, the nearest first and among
/// equally near ones the rarest, each a BM25 term query weighted by `weight` times its
/// closeness (1 for the word itself, less for each edit).
#[derive(Debug, Clone)]
pub struct RankedFuzzy {
    pub field: Field,
    pub text: String,
    pub distance: u8,
    /// What a candidate other than the word itself weighs at most (the word itself weighs 1).
    pub weight: f32,
}

impl RankedFuzzy {
    /// The candidate terms and their weights, read from the searcher's term dictionaries.
    fn expand(&self, searcher: &tantivy::Searcher) -> tantivy::Result<Vec<(Term, f32)>> {
        let target: Vec<char> = self.text.chars().collect();
        let max = self.distance as usize;
        let mut found: BTreeSet<(usize, String)> = BTreeSet::new();
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(self.field)?;
            let mut stream = inverted.terms().stream()?;
            while stream.advance() {
                let Ok(term) = std::str::from_utf8(stream.key()) else {
                    continue;
                };
                let len = term.chars().count();
                if len.abs_diff(target.len()) > max {
                    continue;
                }
                let d = strsim::damerau_levenshtein(&self.text, term);
                if d <= max {
                    found.insert((d, term.to_string()));
                }
            }
        }
        let mut candidates: Vec<(usize, u64, String)> = Vec::with_capacity(found.len());
        for (d, text) in found {
            let df = searcher.doc_freq(&Term::from_field_text(self.field, &text))?;
            candidates.push((d, df, text));
        }
        // The nearest first; among equally near ones the rarest, as a name is rarer than the
        // common words one or two letters from it ("yamani~2": yamani, not "many").
        candidates.sort();
        candidates.truncate(MAX_FUZZY_EXPANSIONS);
        let len = target.len().max(1) as f32;
        Ok(candidates
            .into_iter()
            .map(|(d, _, text)| {
                let weight = if d == 0 {
                    1.0
                } else {
                    self.weight * (1.0 - d as f32 / (len + 1.0)).max(0.1)
                };
                (Term::from_field_text(self.field, &text), weight)
            })
            .collect())
    }
}

impl Query for RankedFuzzy {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let Some(searcher) = enable_scoring.searcher() else {
            let term = Term::from_field_text(self.field, &self.text);
            return FuzzyTermQuery::new(term, self.distance, true).weight(enable_scoring);
        };
        let any: Vec<(Occur, Box<dyn Query>)> = self
            .expand(searcher)?
            .into_iter()
            .map(|(term, weight)| {
                let q: Box<dyn Query> =
                    Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs));
                let q: Box<dyn Query> = if weight == 1.0 {
                    q
                } else {
                    Box::new(BoostQuery::new(q, weight))
                };
                (Occur::Should, q)
            })
            .collect();
        BooleanQuery::new(any).weight(enable_scoring)
    }
}

impl fmt::Display for RankedFuzzy {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}~{}", self.text, self.distance)
    }
}
