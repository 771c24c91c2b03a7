//! Queries of lede's own for the parts of a score that tantivy has no name for: [`Named`]
//! wraps a query so that `--explain` names its part of the score (`coordination`,
//! `exact form`), and [`RankedFuzzy`] expands `word~N` as Lucene's FuzzyQuery does (the
//! closest and rarest candidate terms, at most [`MAX_FUZZY_EXPANSIONS`] of them, each scored
//! by BM25 and weighted by its closeness), where tantivy's own gives every match a score of 1.

use std::collections::BTreeSet;
use std::fmt;

use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, EnableScoring, Explanation, FuzzyTermQuery, Occur,
    Query, Scorer, TermQuery, Weight,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, Score, SegmentReader, Term};

/// The most candidate terms a fuzzy word is expanded to (Lucene's `maxExpansions` is 50).
pub const MAX_FUZZY_EXPANSIONS: usize = 50;

/// A fuzzy candidate is dropped when the word typed is in the index and the candidate is in
/// more than this many times as many articles...
const MAX_DF_RATIO: u64 = 20;

/// ...and in more than this many.
const MIN_DF_CAP: u64 = 20;

/// What each edit fewer adds to a fuzzy match: more than BM25 gives one term, so that the word
/// as typed ranks above its neighbours, which rank above farther ones.
const FUZZY_STEP: f32 = 100.0;

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
        let inner = guarded_explain(self.inner.as_ref(), reader, doc)?;
        if self.label.is_empty() {
            return Ok(inner);
        }
        let mut e = Explanation::new_with_string(self.label.clone(), inner.value());
        e.add_detail(inner);
        Ok(e)
    }

    fn count(&self, reader: &SegmentReader) -> tantivy::Result<u32> {
        self.inner.count(reader)
    }
}

/// The explanation of `weight` for `doc`, or an error when it does not match: tantivy's
/// boolean weights seek without looking first, which a debug build refuses (`doc <= target`)
/// when the clause's first match lies past `doc`.
fn guarded_explain(
    weight: &dyn Weight,
    reader: &SegmentReader,
    doc: DocId,
) -> tantivy::Result<Explanation> {
    let mut scorer = weight.scorer(reader, 1.0)?;
    if scorer.doc() > doc || scorer.seek(doc) != doc {
        return Err(tantivy::TantivyError::InvalidArgument(format!(
            "Document #({doc}) does not match"
        )));
    }
    weight.explain(reader, doc)
}

/// A query explained only for the documents it matches (see [`guarded_explain`]), without a
/// label of its own.
pub fn guarded(query: Box<dyn Query>) -> Box<dyn Query> {
    Named::boxed("", query)
}

/// `word~N` in some fields (with their boosts): the terms of the index within N edits, the
/// nearest first and among equally near ones the rarest, each a BM25 term query weighted by
/// `weight` times its closeness (1 for the word itself), and a step per edit fewer, so that
/// the word itself ranks above its neighbours, which rank above farther ones.
#[derive(Debug, Clone)]
pub struct RankedFuzzy {
    pub fields: Vec<(Field, f32)>,
    pub text: String,
    pub distance: u8,
    /// What a candidate other than the word itself weighs at most (the word itself weighs 1).
    pub weight: f32,
}

impl RankedFuzzy {
    /// The candidate terms of one field: (edits, document frequency, term).
    fn candidates(
        &self,
        searcher: &tantivy::Searcher,
        field: Field,
    ) -> tantivy::Result<Vec<(usize, u64, String)>> {
        let target: Vec<char> = self.text.chars().collect();
        let max = self.distance as usize;
        let mut found: BTreeSet<(usize, String)> = BTreeSet::new();
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(field)?;
            let mut stream = inverted.terms().stream()?;
            while stream.advance() {
                let Ok(term) = std::str::from_utf8(stream.key()) else {
                    continue;
                };
                if term.chars().count().abs_diff(target.len()) > max {
                    continue;
                }
                let d = strsim::damerau_levenshtein(&self.text, term);
                if d <= max {
                    found.insert((d, term.to_string()));
                }
            }
        }
        let mut out = Vec::with_capacity(found.len());
        for (d, text) in found {
            let df = searcher.doc_freq(&Term::from_field_text(field, &text))?;
            out.push((d, df, text));
        }
        Ok(out)
    }
}

impl Query for RankedFuzzy {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let Some(searcher) = enable_scoring.searcher() else {
            let any: Vec<(Occur, Box<dyn Query>)> = self
                .fields
                .iter()
                .map(|(field, _)| {
                    let term = Term::from_field_text(*field, &self.text);
                    let q: Box<dyn Query> =
                        Box::new(FuzzyTermQuery::new(term, self.distance, true));
                    (Occur::Should, q)
                })
                .collect();
            return BooleanQuery::new(any).weight(enable_scoring);
        };
        let mut per_field = Vec::new();
        let mut own = 0;
        for (field, boost) in &self.fields {
            let c = self.candidates(searcher, *field)?;
            own = own.max(c.iter().find(|x| x.0 == 0).map_or(0, |x| x.1));
            per_field.push((*field, *boost, c));
        }
        // When the word typed is in the index, a candidate far more common than it is another
        // word, not its misspelling ("yamani~2": "many" is not a Yamani).
        let cap = (own > 0).then(|| own.saturating_mul(MAX_DF_RATIO).max(MIN_DF_CAP));
        let len = self.text.chars().count().max(1) as f32;
        let mut by_distance: Vec<Vec<(Occur, Box<dyn Query>)>> =
            (0..=self.distance as usize).map(|_| Vec::new()).collect();
        let mut scored: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (field, boost, mut candidates) in per_field {
            if let Some(cap) = cap {
                candidates.retain(|(d, df, _)| *d == 0 || *df <= cap);
            }
            // The nearest first; among equally near ones the rarest.
            candidates.sort();
            candidates.truncate(MAX_FUZZY_EXPANSIONS);
            for (d, _, text) in candidates {
                let closeness = if d == 0 {
                    1.0
                } else {
                    self.weight * (1.0 - d as f32 / (len + 1.0)).max(0.1)
                };
                let term = Term::from_field_text(field, &text);
                let q: Box<dyn Query> =
                    Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs));
                by_distance[d].push((Occur::Should, q.box_clone()));
                let weight = closeness * boost;
                let q: Box<dyn Query> = if weight == 1.0 {
                    q
                } else {
                    Box::new(BoostQuery::new(q, weight))
                };
                scored.push((Occur::Should, q));
            }
        }
        let farthest = by_distance.iter().rposition(|v| !v.is_empty()).unwrap_or(0);
        let mut any: Vec<(Occur, Box<dyn Query>)> =
            vec![(Occur::Must, Box::new(BooleanQuery::new(scored)))];
        for (d, at) in by_distance.into_iter().enumerate().take(farthest) {
            if at.is_empty() {
                continue;
            }
            let step = (farthest - d) as f32 * FUZZY_STEP;
            let tier: Box<dyn Query> =
                Box::new(ConstScoreQuery::new(Box::new(BooleanQuery::new(at)), step));
            let label = format!(
                "fuzzy: {d} edit(s), {} fewer than the farthest",
                farthest - d
            );
            any.push((Occur::Should, Named::boxed(label, tier)));
        }
        guarded(Box::new(BooleanQuery::new(any))).weight(enable_scoring)
    }
}

impl fmt::Display for RankedFuzzy {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}~{}", self.text, self.distance)
    }
}
