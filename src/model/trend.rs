//! A trend's counts made its results: every calendar bucket from the first match to the last
//! (or from the scope's dates), a series per query and split value, totals and shares when
//! normalised. Plain arithmetic on counts, shared by every backend that can count.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use jiff::civil::Date;

use super::request::{TrendQuery, TrendRequest, date_of, secs_of};
use super::results::{JSON_VERSION, Series, TrendResults};

/// Matches of one query (or of every article in scope), as a backend counted them.
#[derive(Debug, Clone, Default)]
pub struct TrendCounts {
    /// Per (split value, start of bucket in seconds); the value is `""` when not split.
    pub dated: BTreeMap<(String, i64), u64>,
    /// Undated matches per split value.
    pub undated: BTreeMap<String, u64>,
}

/// The results of `req` from each query's counts and, when normalised, every article's.
pub fn trend_results(
    req: &TrendRequest,
    counted: Vec<(&TrendQuery, TrendCounts)>,
    all: Option<TrendCounts>,
    notes: Vec<String>,
    took_ms: f64,
) -> TrendResults {
    // Every bucket from the first to the last that holds a match (or from the scope's dates,
    // when given).
    let mut starts: BTreeSet<i64> = counted
        .iter()
        .flat_map(|(_, c)| c.dated.keys().map(|(_, b)| *b))
        .collect();
    if let Some(from) = req.scope.from {
        starts.insert(req.interval.bucket_secs(from.as_second()));
    }
    if let Some(to) = req.scope.to {
        starts.insert(req.interval.bucket_secs(to.as_second() - 1));
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
        let none = String::new();
        if values.is_empty() {
            values.push(&none);
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
            // A bucket with no article at all has no share: None, not 0.
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
    TrendResults {
        lede_json: JSON_VERSION,
        interval: req.interval,
        buckets: buckets.iter().map(|d| req.interval.label(*d)).collect(),
        series,
        totals,
        totals_undated: all.map(|c| c.undated.values().sum()),
        notes,
        took_ms,
    }
}
