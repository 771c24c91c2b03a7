//! A term's mentions over time (`lede trend`): matches counted per calendar day, week (ISO,
//! from Monday), month or year, for one or several queries side by side, optionally split by
//! a metadata field, optionally normalised by the articles of each bucket.
//!
//! Buckets are true calendar buckets in UTC (tantivy's date histogram has fixed intervals
//! only), every bucket between the first and the last is shown (zero when empty), and
//! undated matches are counted on their own, so that buckets plus undated equal the total.

use std::collections::{BTreeSet, HashMap};

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use crate::collect::{BucketCounts, Bucketing};
use crate::error::{Error, Result};
use crate::facets::FacetField;
use crate::query::Combine;
use crate::search::{Engine, JSON_VERSION, Scope};

/// The size of a bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Interval {
    Day,
    /// ISO weeks, from Monday.
    Week,
    #[default]
    Month,
    Year,
}

impl Interval {
    /// The first day of the bucket that holds `date`.
    fn start(self, date: Date) -> Date {
        match self {
            Interval::Day => date,
            Interval::Week => {
                let back = date.weekday().to_monday_zero_offset();
                date.checked_sub(jiff::Span::new().days(i64::from(back)))
                    .unwrap_or(date)
            }
            Interval::Month => date.first_of_month(),
            Interval::Year => Date::new(date.year(), 1, 1).unwrap_or(date),
        }
    }

    /// The first day of the next bucket.
    fn next(self, start: Date) -> Option<Date> {
        let span = match self {
            Interval::Day => jiff::Span::new().days(1),
            Interval::Week => jiff::Span::new().weeks(1),
            Interval::Month => jiff::Span::new().months(1),
            Interval::Year => jiff::Span::new().years(1),
        };
        start.checked_add(span).ok()
    }

    /// The name of the bucket that starts at `secs`.
    pub fn label_secs(self, secs: i64) -> String {
        self.label(date_of(secs))
    }

    /// How a bucket is named: `1987`, `1987-03`, `1987-03-14`, or a week by its Monday.
    pub fn label(self, start: Date) -> String {
        match self {
            Interval::Year => format!("{:04}", start.year()),
            Interval::Month => format!("{:04}-{:02}", start.year(), start.month()),
            Interval::Day | Interval::Week => start.to_string(),
        }
    }
}

fn date_of(secs: i64) -> Date {
    Timestamp::from_second(secs)
        .map(|t| TimeZone::UTC.to_datetime(t).date())
        .unwrap_or(Date::ZERO)
}

fn secs_of(date: Date) -> i64 {
    TimeZone::UTC
        .to_timestamp(date.to_datetime(jiff::civil::Time::midnight()))
        .map_or(0, |t| t.as_second())
}

impl Bucketing for Interval {
    fn bucket(&self, secs: i64) -> i64 {
        secs_of(self.start(date_of(secs)))
    }
}

/// One line of a trend: a query, with a label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendQuery {
    pub label: String,
    pub query: String,
}

/// What to count.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct TrendRequest {
    pub queries: Vec<TrendQuery>,
    pub interval: Interval,
    /// Count each query's matches per value of this field, too.
    pub split: Option<FacetField>,
    pub scope: Scope,
    pub combine: Combine,
    /// Also count every article in scope per bucket, and give each count as a share of it.
    pub normalize: bool,
}

/// One series: a query's counts (or one split value's), a count per bucket.
#[derive(Debug, Clone, Serialize)]
pub struct Series {
    pub label: String,
    pub query: String,
    /// The split field's value, when split (`""` for matches without one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub split: Option<String>,
    pub counts: Vec<u64>,
    /// Matches without a date.
    pub undated: u64,
    /// All matches: the buckets plus the undated.
    pub total: u64,
    /// With `normalize`: each count divided by the articles of its bucket (0 for an empty one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ratios: Option<Vec<f64>>,
}

/// Counts per bucket for each query.
#[derive(Debug, Clone, Serialize)]
pub struct TrendResults {
    pub lede_json: u32,
    pub interval: Interval,
    /// Bucket names, oldest first.
    pub buckets: Vec<String>,
    pub series: Vec<Series>,
    /// With `normalize`: the articles in scope per bucket, and undated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub totals: Option<Vec<u64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub totals_undated: Option<u64>,
    pub notes: Vec<String>,
    pub took_ms: f64,
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
        let searcher = self.reader().searcher();
        let schema = self.store().index.schema();
        let fields = &self.store().fields;
        let collector = |split: Option<FacetField>| BucketCounts {
            date_field: schema.get_field_name(fields.date).to_string(),
            split: split.map(|f| schema.get_field_name(fields.facet(f)).to_string()),
            bucketing: req.interval,
        };
        let mut notes = Vec::new();
        let mut counted = Vec::new();
        for q in &req.queries {
            let (parsed, _) = self.parse_auto(&q.query, req.combine, &req.scope, false)?;
            notes.extend(parsed.notes.iter().map(|n| format!("{}: {n}", q.label)));
            let counts = searcher
                .search(parsed.query.as_ref(), &collector(req.split))
                .map_err(|e| Error::index(self.dir(), e))?;
            counted.push((q, counts));
        }
        let all = if req.normalize {
            let parsed = self.parse("*", Combine::All, &req.scope, false)?;
            Some(
                searcher
                    .search(parsed.query.as_ref(), &collector(None))
                    .map_err(|e| Error::index(self.dir(), e))?,
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
                        .map(|(&n, &all)| if all == 0 { 0.0 } else { n as f64 / all as f64 })
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

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn calendar_buckets() {
        assert_eq!(Interval::Month.start(d("1987-03-31")), d("1987-03-01"));
        assert_eq!(Interval::Year.start(d("1987-03-31")), d("1987-01-01"));
        // 1987-03-14 was a Saturday; its ISO week starts on Monday the 9th.
        assert_eq!(Interval::Week.start(d("1987-03-14")), d("1987-03-09"));
        assert_eq!(Interval::Week.start(d("1987-03-09")), d("1987-03-09"));
        assert_eq!(Interval::Month.next(d("1987-01-01")), Some(d("1987-02-01")));
        assert_eq!(Interval::Month.label(d("1987-03-01")), "1987-03");
        assert_eq!(Interval::Year.label(d("1987-01-01")), "1987");
        let secs = secs_of(d("1987-03-14")) + 3600 * 13;
        assert_eq!(Interval::Month.bucket(secs), secs_of(d("1987-03-01")));
        assert_eq!(jiff::civil::Weekday::Monday.to_monday_zero_offset(), 0);
    }
}
