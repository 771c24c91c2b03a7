//! `lede trend` on OpenSearch: one search per query with a calendar `date_histogram` (UTC
//! days, ISO weeks, months, years, as the local engine's buckets), a `missing` count for the
//! undated, and under a `terms` aggregation when split; then the same shaping as the local
//! engine: every bucket from the first to the last, zeros included.

use serde_json::{Value, json};

use super::OpenSearch;
use super::answer::{facet_field, field};
use super::client::Method;
use crate::error::{Error, Result};
use crate::model::trend::{TrendCounts, trend_results};
use crate::model::{Combine, FacetField, Interval, TrendRequest, TrendResults};

fn calendar(interval: Interval) -> &'static str {
    match interval {
        Interval::Day => "day",
        Interval::Week => "week",
        Interval::Month => "month",
        Interval::Year => "year",
    }
}

impl OpenSearch {
    fn counts(
        &self,
        query: &Value,
        req: &TrendRequest,
        split: Option<FacetField>,
    ) -> Result<TrendCounts> {
        let per_date = json!({
            "dated": {"date_histogram": {"field": field::DATE,
                "calendar_interval": calendar(req.interval), "min_doc_count": 1}},
            "undated": {"missing": {"field": field::DATE}},
        });
        let aggs = match split {
            Some(f) => json!({"split": {"terms": {"field": facet_field(f), "size": 10_000,
                "missing": ""}, "aggs": per_date}}),
            None => per_date,
        };
        let answer = self.call(
            Method::Post,
            "/_search?allow_partial_search_results=false",
            Some(&json!({"query": query, "size": 0, "aggs": aggs})),
        )?;
        let aggs = &answer["aggregations"];
        let mut counts = TrendCounts::default();
        let mut add = |value: String, a: &Value| {
            for b in a["dated"]["buckets"].as_array().into_iter().flatten() {
                let secs = b["key"].as_i64().unwrap_or(0).div_euclid(1000);
                *counts
                    .dated
                    .entry((value.clone(), req.interval.bucket_secs(secs)))
                    .or_default() += b["doc_count"].as_u64().unwrap_or(0);
            }
            let undated = a["undated"]["doc_count"].as_u64().unwrap_or(0);
            if undated > 0 {
                *counts.undated.entry(value).or_default() += undated;
            }
        };
        match split {
            Some(_) => {
                for b in aggs["split"]["buckets"].as_array().into_iter().flatten() {
                    let value = match &b["key"] {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    add(value, b);
                }
            }
            None => add(String::new(), aggs),
        }
        Ok(counts)
    }

    /// Counts the matches of each query per calendar bucket.
    pub fn trend(&self, req: &TrendRequest) -> Result<TrendResults> {
        let started = std::time::Instant::now();
        for (i, q) in req.queries.iter().enumerate() {
            if req.queries[..i].iter().any(|p| p.label == q.label) {
                return Err(Error::SameLabel(q.label.clone()));
            }
        }
        let mut notes = Vec::new();
        let mut counted = Vec::new();
        for q in &req.queries {
            let prepared = self.prepare(&q.query, req.combine, &req.scope, false, 0)?;
            notes.extend(prepared.notes.iter().map(|n| format!("{}: {n}", q.label)));
            counted.push((q, self.counts(&prepared.query, req, req.split)?));
        }
        let all = if req.normalize {
            let prepared = self.prepare("*", Combine::All, &req.scope, false, 0)?;
            Some(self.counts(&prepared.query, req, None)?)
        } else {
            None
        };
        Ok(trend_results(
            req,
            counted,
            all,
            notes,
            started.elapsed().as_secs_f64() * 1e3,
        ))
    }
}
