//! A term's mentions over time (`lede trend`): matches counted per calendar day, week (ISO,
//! from Monday), month or year, for one or several queries side by side, optionally split by
//! a metadata field, optionally normalised by the articles of each bucket.
//!
//! Buckets are true calendar buckets in UTC (tantivy's date histogram has fixed intervals
//! only), every bucket between the first and the last is shown (zero when empty), and
//! undated matches are counted on their own, so that buckets plus undated equal the total.

use std::collections::{BTreeSet, HashMap};

use jiff::civil::Date;

use super::Engine;
use super::collect::{BucketCounts, Bucketing};
use crate::error::{Error, Result};
use crate::model::request::{date_of, secs_of};
use crate::model::{
    Combine, FacetField, Interval, JSON_VERSION, Series, TrendRequest, TrendResults,
};

impl Bucketing for Interval {
    fn bucket(&self, secs: i64) -> i64 {
        self.bucket_secs(secs)
    }
}

impl Engine {
    /// Counts the matches of each query per calendar bucket.
    pub fn trend(&self, req: &TrendRequest) -> Result<TrendResults> {
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

        // Every bucket from the first to the last that holds a match (or from the scope's
        // dates, when given).
        let mut starts: BTreeSet<i64> = counted
            .iter()
            .flat_map(|(_, c)| c.dated.keys().map(|(_, b)| *b))
            .collect();
        if let Some(from) = req.scope.from {
            starts.insert(req.interval.bucket(from.as_second()));
        }
        if let Some(to) = req.scope.to {
            starts.insert(req.interval.bucket(to.as_second() - 1));
        }
        let buckets: Vec<Date> = match (starts.first(), starts.last()) {
            (Some(&first), Some(&last)) => {
                let (mut d, end) = (date_of(first), date_of(last));
                let mut all = Vec::new();
                while d <= end {
                    all.push(d);
                    match req.interval.next(d) {
                        Some(next) => d = next,
                        None => break,
                    }
                }
                all
            }
            _ => Vec::new(),
        };
        let index: HashMap<i64, usize> = buckets
            .iter()
            .enumerate()
            .map(|(i, d)| (secs_of(*d), i))
            .collect();

        let totals = all.as_ref().map(|c| {
            let mut t = vec![0u64; buckets.len()];
            for ((_, b), n) in &c.dated {
                if let Some(&i) = index.get(b) {
                    t[i] += n;
                }
            }
            t
        });
        let mut series = Vec::new();
        for (q, counts) in counted {
            let mut values: Vec<&String> = counts
                .dated
                .keys()
                .map(|(v, _)| v)
                .chain(counts.undated.keys())
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            if values.is_empty() {
                values.push(&EMPTY);
            }
            for value in values {
                let mut per = vec![0u64; buckets.len()];
                for ((v, b), n) in &counts.dated {
                    if v == value
                        && let Some(&i) = index.get(b)
                    {
                        per[i] += n;
                    }
                }
                let undated = counts.undated.get(value).copied().unwrap_or(0);
                let ratios = totals.as_ref().map(|t| {
                    per.iter()
                        .zip(t)
                        .map(|(&n, &all)| (all > 0).then(|| n as f64 / all as f64))
                        .collect()
                });
                series.push(Series {
                    label: q.label.clone(),
                    query: q.query.clone(),
                    split: req.split.map(|_| value.clone()),
                    total: per.iter().sum::<u64>() + undated,
                    counts: per,
                    undated,
                    ratios,
                });
            }
        }
        Ok(TrendResults {
            lede_json: JSON_VERSION,
            interval: req.interval,
            buckets: buckets.iter().map(|d| req.interval.label(*d)).collect(),
            series,
            totals,
            totals_undated: all.map(|c| c.undated.values().sum()),
            notes,
            took_ms: started.elapsed().as_secs_f64() * 1e3,
        })
    }
}

static EMPTY: String = String::new();
