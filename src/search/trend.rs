//! A term's mentions over time (`lede trend`): matches counted per calendar day, week (ISO,
//! from Monday), month or year, for one or several queries side by side, optionally split by
//! a metadata field, optionally normalised by the articles of each bucket.
//!
//! Buckets are true calendar buckets in UTC (tantivy's date histogram has fixed intervals
//! only), every bucket between the first and the last is shown (zero when empty), and
//! undated matches are counted on their own, so that buckets plus undated equal the total.

use super::Engine;
use super::collect::{BucketCounts, Bucketing};
use crate::error::{Error, Result};
use crate::model::trend::{TrendCounts, trend_results};
use crate::model::{Combine, FacetField, Interval, TrendRequest, TrendResults};

impl Bucketing for Interval {
    fn bucket(&self, secs: i64) -> i64 {
        self.bucket_secs(secs)
    }
}

impl Engine {
    /// Counts the matches of each query per calendar bucket.
    pub fn trend(&self, req: &TrendRequest) -> Result<TrendResults> {
        self.guarded(|| {
            let started = std::time::Instant::now();
            // Series are columns and keys: two with one label could not be told apart.
            for (i, q) in req.queries.iter().enumerate() {
                if req.queries[..i].iter().any(|p| p.label == q.label) {
                    return Err(Error::SameLabel(q.label.clone()));
                }
            }
            let searcher = self.reader.searcher();
            let schema = self.store.index.schema();
            let fields = &self.store.fields;
            let collector = |split: Option<FacetField>| BucketCounts {
                date_field: schema.get_field_name(fields.date).to_string(),
                split: split.map(|f| schema.get_field_name(fields.facet(f)).to_string()),
                bucketing: req.interval,
            };
            let mut notes = Vec::new();
            let mut counted = Vec::new();
            for q in &req.queries {
                let (mut parsed, _) = self.parse_auto(&q.query, req.combine, &req.scope, false)?;
                if req.collapse {
                    // Stories, each counted at its first appearance (`collapse.rs`).
                    let c = self.collapse(&searcher, parsed.query, crate::model::Sort::Oldest)?;
                    parsed.notes.push(c.note());
                    parsed.query = c.query;
                }
                notes.extend(parsed.notes.iter().map(|n| format!("{}: {n}", q.label)));
                let counts = searcher
                    .search(parsed.query.as_ref(), &collector(req.split))
                    .map_err(|e| Error::index(&self.dir, e))?;
                counted.push((q, counts));
            }
            let all = if req.normalize {
                let parsed = self.parse("*", Combine::All, &req.scope, false)?;
                Some(
                    searcher
                        .search(parsed.query.as_ref(), &collector(None))
                        .map_err(|e| Error::index(&self.dir, e))?,
                )
            } else {
                None
            };

            let plain = |c: super::collect::Counts| TrendCounts {
                dated: c.dated.into_iter().collect(),
                undated: c.undated.into_iter().collect(),
            };
            let counted = counted.into_iter().map(|(q, c)| (q, plain(c))).collect();
            Ok(trend_results(
                req,
                counted,
                all.map(plain),
                notes,
                started.elapsed().as_secs_f64() * 1e3,
            ))
        })
    }
}
