//! Facet counts over the whole match set: how many matching articles each author, source,
//! section, topic, place, person, organisation, language or format has.
//!
//! Sections are a hierarchical tantivy facet, counted one level below a path; the other
//! fields are fast text columns counted with a terms aggregation, exactly (every value is
//! collected, then the top N kept). The search runs the collectors in its one pass (`page`).

use tantivy::aggregation::agg_req::Aggregations;
use tantivy::aggregation::agg_result::AggregationResults;
use tantivy::aggregation::{AggContextParams, AggregationCollector};
use tantivy::collector::{FacetCollector, FacetCounts as TantivyFacetCounts};
use tantivy::schema::{Facet, Schema};

use super::collect::{BucketCounts, Counts};
use crate::index::schema::Fields;
use crate::model::{FacetCounts, FacetField, FacetRequest, FacetValue, Interval};

/// Every distinct value is collected, so counts are exact up to this many values per field.
const MAX_VALUES: u32 = 60_000;

/// The collectors for a set of facet requests.
pub struct FacetCollectors {
    /// One per section request.
    pub sections: Vec<FacetCollector>,
    /// One per year or month request.
    pub calendar: Vec<BucketCounts<Interval>>,
    /// One aggregation (a terms agg per other request), if any.
    pub terms: Option<AggregationCollector>,
}

/// Builds the collectors for `requests`.
pub fn collectors(requests: &[FacetRequest], schema: &Schema, fields: &Fields) -> FacetCollectors {
    let section_name = schema.get_field_name(fields.section);
    let sections = requests
        .iter()
        .filter(|r| r.field == FacetField::Section)
        .map(|r| {
            let mut c = FacetCollector::for_field(section_name);
            c.add_facet(Facet::from_path(&r.under));
            c
        })
        .collect();
    let calendar = requests
        .iter()
        .filter(|r| r.field.is_calendar())
        .map(|r| BucketCounts {
            date_field: schema.get_field_name(fields.date).to_string(),
            split: None,
            bucketing: if r.field == FacetField::Year {
                Interval::Year
            } else {
                Interval::Month
            },
        })
        .collect();
    let mut aggs = serde_json::Map::new();
    for (i, r) in requests.iter().enumerate() {
        if r.field != FacetField::Section && !r.field.is_calendar() {
            aggs.insert(
                i.to_string(),
                serde_json::json!({"terms": {
                    "field": schema.get_field_name(fields.facet(r.field)),
                    "size": MAX_VALUES,
                    "segment_size": MAX_VALUES,
                }}),
            );
        }
    }
    let terms = (!aggs.is_empty()).then(|| {
        let aggs: Aggregations = serde_json::from_value(serde_json::Value::Object(aggs))
            .expect("lede's own aggregation request is valid");
        AggregationCollector::from_aggs(aggs, AggContextParams::default())
    });
    FacetCollectors {
        sections,
        calendar,
        terms,
    }
}

/// Shapes what the collectors gathered into counts, in the order of the requests.
pub fn counts(
    requests: &[FacetRequest],
    sections: Vec<TantivyFacetCounts>,
    calendar: Vec<Counts>,
    terms: Option<AggregationResults>,
) -> Vec<FacetCounts> {
    let terms = terms.and_then(|t| serde_json::to_value(t).ok());
    let mut sections = sections.into_iter();
    let mut calendar = calendar.into_iter();
    requests
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let all: Vec<FacetValue> = if r.field == FacetField::Section {
                let under = Facet::from_path(&r.under);
                sections
                    .next()
                    .map(|c| {
                        c.get(under.clone())
                            .map(|(facet, count)| FacetValue {
                                value: facet.to_path().last().copied().unwrap_or("").to_string(),
                                count,
                            })
                            .collect()
                    })
                    .unwrap_or_default()
            } else if r.field.is_calendar() {
                let interval = if r.field == FacetField::Year {
                    Interval::Year
                } else {
                    Interval::Month
                };
                calendar
                    .next()
                    .map(|c| {
                        c.dated
                            .into_iter()
                            .map(|((_, secs), count)| FacetValue {
                                value: interval.label_secs(secs),
                                count,
                            })
                            .collect()
                    })
                    .unwrap_or_default()
            } else {
                terms
                    .as_ref()
                    .and_then(|t| t.get(i.to_string())?.get("buckets")?.as_array().cloned())
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|b| {
                        let value = match b.get("key")? {
                            serde_json::Value::String(s) => s.clone(),
                            other => other.to_string(),
                        };
                        Some(FacetValue {
                            value,
                            count: b.get("doc_count")?.as_u64()?,
                        })
                    })
                    .collect()
            };
            FacetCounts::shaped(r, all)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_sort_by_count_then_value_and_are_cut() {
        let r = FacetRequest {
            field: FacetField::Topic,
            size: 2,
            under: vec![],
        };
        let v = |value: &str, count| FacetValue {
            value: value.into(),
            count,
        };
        let c = FacetCounts::shaped(&r, vec![v("b", 2), v("a", 2), v("c", 5), v("d", 0)]);
        assert_eq!(c.values, [v("c", 5), v("a", 2)]);
        assert_eq!(c.distinct, 3);
        assert_eq!(c.under, None);
    }
}
