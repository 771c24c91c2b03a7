//! Collectors of our own: every match with its date (for sorting by date), and counts of
//! matches per calendar bucket, optionally split by a metadata field (for trends).
//!
//! Both read fast columns only, so they cost a column lookup per match and never touch the
//! stored documents.

use std::collections::HashMap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

/// Every match, with its date in seconds (`None` when undated).
pub struct Dated {
    pub field: String,
}

pub struct DatedSegment {
    ord: SegmentOrdinal,
    dates: Column<tantivy::DateTime>,
    out: Vec<(Option<i64>, DocAddress)>,
}

impl Collector for Dated {
    type Fruit = Vec<(Option<i64>, DocAddress)>;
    type Child = DatedSegment;

    fn for_segment(
        &self,
        ord: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<DatedSegment> {
        Ok(DatedSegment {
            ord,
            dates: reader.fast_fields().date(&self.field)?,
            out: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Self::Fruit>) -> tantivy::Result<Self::Fruit> {
        Ok(fruits.concat())
    }
}

impl SegmentCollector for DatedSegment {
    type Fruit = Vec<(Option<i64>, DocAddress)>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        let date = self.dates.first(doc).map(|d| d.into_timestamp_secs());
        self.out.push((date, DocAddress::new(self.ord, doc)));
    }

    fn harvest(self) -> Self::Fruit {
        self.out
    }
}

/// Turns a time (seconds) into the start of its bucket (seconds).
pub trait Bucketing: Send + Sync + Clone + 'static {
    fn bucket(&self, secs: i64) -> i64;
}

/// Counts of matches per bucket, per value of a split field ("" when not split), and the
/// undated matches per value.
#[derive(Debug, Default)]
pub struct Counts {
    pub dated: HashMap<(String, i64), u64>,
    pub undated: HashMap<String, u64>,
}

pub struct BucketCounts<B> {
    pub date_field: String,
    /// A fast text field to split by.
    pub split: Option<String>,
    pub bucketing: B,
}

pub struct BucketSegment<B> {
    dates: Column<tantivy::DateTime>,
    split: Option<(StrColumn, Vec<String>)>,
    bucketing: B,
    /// (value ordinal in this segment, or u64::MAX when unsplit or missing; bucket) -> count
    dated: HashMap<(u64, i64), u64>,
    undated: HashMap<u64, u64>,
}

const NO_VALUE: u64 = u64::MAX;

impl<B: Bucketing> Collector for BucketCounts<B> {
    type Fruit = Counts;
    type Child = BucketSegment<B>;

    fn for_segment(
        &self,
        _ord: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        let split = match &self.split {
            Some(field) => match reader.fast_fields().str(field)? {
                Some(column) => {
                    let mut names = Vec::with_capacity(column.num_terms());
                    let mut stream = column.dictionary().stream()?;
                    while stream.advance() {
                        names.push(String::from_utf8_lossy(stream.key()).into_owned());
                    }
                    Some((column, names))
                }
                None => None,
            },
            None => None,
        };
        Ok(BucketSegment {
            dates: reader.fast_fields().date(&self.date_field)?,
            split,
            bucketing: self.bucketing.clone(),
            dated: HashMap::new(),
            undated: HashMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Counts>) -> tantivy::Result<Counts> {
        let mut all = Counts::default();
        for fruit in fruits {
            for (k, n) in fruit.dated {
                *all.dated.entry(k).or_default() += n;
            }
            for (k, n) in fruit.undated {
                *all.undated.entry(k).or_default() += n;
            }
        }
        Ok(all)
    }
}

impl<B: Bucketing> SegmentCollector for BucketSegment<B> {
    type Fruit = Counts;

    fn collect(&mut self, doc: DocId, _score: Score) {
        let date = self
            .dates
            .first(doc)
            .map(|d| self.bucketing.bucket(d.into_timestamp_secs()));
        let mut count = |value: u64| match date {
            Some(bucket) => *self.dated.entry((value, bucket)).or_default() += 1,
            None => *self.undated.entry(value).or_default() += 1,
        };
        match &self.split {
            // A match counts once under each of its values (an article with two authors
            // counts for both).
            Some((column, _)) => {
                let mut any = false;
                for ord in column.term_ords(doc) {
                    any = true;
                    count(ord);
                }
                if !any {
                    count(NO_VALUE);
                }
            }
            None => count(NO_VALUE),
        }
    }

    fn harvest(self) -> Counts {
        let name = |ord: u64| -> String {
            match &self.split {
                Some((_, names)) if ord != NO_VALUE => {
                    names.get(ord as usize).cloned().unwrap_or_default()
                }
                _ => String::new(),
            }
        };
        Counts {
            dated: self
                .dated
                .iter()
                .map(|(&(ord, bucket), &n)| ((name(ord), bucket), n))
                .collect(),
            undated: self
                .undated
                .iter()
                .map(|(&ord, &n)| (name(ord), n))
                .collect(),
        }
    }
}
