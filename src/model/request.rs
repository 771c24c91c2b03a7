//! What a front end asks for: a search ([`SearchRequest`]) within a [`Scope`], facets to
//! count, a trend over time, a batch of queries. Plain data with `Default` and serde, so the
//! command line, the server and any backend share them; what runs them is elsewhere.

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use super::fields::FacetField;

/// How words without operators combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Combine {
    /// Every word is required while that finds enough articles; otherwise any word, articles
    /// with more of them first (the default: keyword queries and whole sentences both work).
    #[default]
    Auto,
    /// Every word is required.
    All,
    /// Any word will do; more words rank higher.
    Any,
}

/// One search, as a front end asks for it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct SearchRequest {
    pub query: String,
    /// Hits per page.
    pub limit: usize,
    /// Hits to skip before the page.
    pub offset: usize,
    /// Passages per hit.
    pub passages: usize,
    pub combine: Combine,
    /// Facets to count over the whole match set.
    pub facets: Vec<FacetRequest>,
    /// Which articles to look among.
    pub scope: Scope,
    pub sort: Sort,
    /// Words without a field search the exact field: as written, not stemmed (`--exact`).
    pub exact: bool,
    /// One hit per near-duplicate group; the count and facets count stories (`--collapse`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub collapse: bool,
}

impl Default for SearchRequest {
    fn default() -> Self {
        SearchRequest {
            query: String::new(),
            limit: 10,
            offset: 0,
            passages: 2,
            combine: Combine::Auto,
            facets: Vec::new(),
            scope: Scope::default(),
            sort: Sort::Relevance,
            exact: false,
            collapse: false,
        }
    }
}

/// Which articles a search looks among: metadata filters and a span of dates.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Scope {
    /// Values of metadata fields: two for the same field mean either, for different fields both.
    pub filters: Vec<Filter>,
    /// Dated at or after this (undated articles are left out when a span is given).
    pub from: Option<Timestamp>,
    /// Dated before this.
    pub to: Option<Timestamp>,
}

impl Scope {
    /// The filters by field, in the order first given: the values of one field are either-or,
    /// the fields all required.
    pub fn filters_by_field(&self) -> Vec<(FacetField, Vec<&str>)> {
        let mut by_field: Vec<(FacetField, Vec<&str>)> = Vec::new();
        for f in &self.filters {
            match by_field.iter_mut().find(|(field, _)| *field == f.field) {
                Some((_, values)) => values.push(&f.value),
                None => by_field.push((f.field, vec![&f.value])),
            }
        }
        by_field
    }
}

/// A metadata field and a value it must have.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filter {
    pub field: FacetField,
    pub value: String,
}

/// The order of hits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    /// By score, then by path.
    #[default]
    Relevance,
    /// Newest first, then by path; undated articles last.
    Newest,
    /// Oldest first, then by path; undated articles last.
    Oldest,
}

/// One facet to count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetRequest {
    pub field: FacetField,
    /// Values to return (the most frequent first).
    pub size: usize,
    /// For sections: the path whose children are counted (empty: the top level).
    #[serde(default)]
    pub under: Vec<String>,
}

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
    pub fn start(self, date: Date) -> Date {
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
    pub fn next(self, start: Date) -> Option<Date> {
        let span = match self {
            Interval::Day => jiff::Span::new().days(1),
            Interval::Week => jiff::Span::new().weeks(1),
            Interval::Month => jiff::Span::new().months(1),
            Interval::Year => jiff::Span::new().years(1),
        };
        start.checked_add(span).ok()
    }

    /// The start, in seconds, of the bucket that holds the time `secs`.
    pub fn bucket_secs(self, secs: i64) -> i64 {
        secs_of(self.start(date_of(secs)))
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

/// The UTC day of a time in seconds.
pub fn date_of(secs: i64) -> Date {
    Timestamp::from_second(secs)
        .map(|t| TimeZone::UTC.to_datetime(t).date())
        .unwrap_or(Date::ZERO)
}

/// The first second of a UTC day.
pub fn secs_of(date: Date) -> i64 {
    TimeZone::UTC
        .to_timestamp(date.to_datetime(jiff::civil::Time::midnight()))
        .map_or(0, |t| t.as_second())
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
    /// Count stories, not copies: one match per near-duplicate group, at its earliest date.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub collapse: bool,
}

/// One line of a batch file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchLine {
    /// 1-based line number in the file.
    pub line: usize,
    pub label: String,
    pub query: String,
}

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
        assert_eq!(Interval::Month.bucket_secs(secs), secs_of(d("1987-03-01")));
        assert_eq!(jiff::civil::Weekday::Monday.to_monday_zero_offset(), 0);
    }
}
