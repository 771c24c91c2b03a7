//! Elasticsearch-style aggregations (`--agg`) over the matches of a search, with the fields
//! named when one does not exist.

use tantivy::collector::Count;

use super::Engine;
use crate::error::{Error, Result};
use crate::model::SearchRequest;
use crate::model::fields::guess;

impl Engine {
    /// Elasticsearch-style aggregations (`--agg`) over the matches of `req`, as their
    /// Elasticsearch-shaped JSON result, with how many matched and the notes of the query's
    /// reading. A mistake in the JSON is reported with its place.
    pub fn aggregate(
        &self,
        req: &SearchRequest,
        json: &str,
    ) -> Result<(serde_json::Value, usize, Vec<String>)> {
        self.guarded(|| {
            let bad = Error::Aggregation;
            let aggs: tantivy::aggregation::agg_req::Aggregations = serde_json::from_str(json)
                .map_err(|e| {
                    bad(format!(
                        "not an aggregation at line {}, column {}: {e}",
                        e.line(),
                        e.column()
                    ))
                })?;
            // tantivy answers an unknown field with empty buckets: name the fields instead.
            let schema = self.store.index.schema();
            let fast: Vec<&str> = schema
                .fields()
                .filter(|(_, entry)| entry.is_fast())
                .map(|(_, entry)| entry.name())
                .collect();
            let value: serde_json::Value =
                serde_json::from_str(json).map_err(|e| bad(e.to_string()))?;
            for name in agg_fields(&value) {
                if !fast.contains(&name) {
                    let hint = guess(name, fast.iter().copied());
                    return Err(bad(format!(
                        "no field '{name}' to aggregate (fields: {}){hint}",
                        fast.join(", ")
                    )));
                }
            }
            let (parsed, _) = self.parse_auto(&req.query, req.combine, &req.scope, req.exact)?;
            let collector =
                tantivy::aggregation::AggregationCollector::from_aggs(aggs, Default::default());
            let (total, result) = self
                .reader
                .searcher()
                .search(parsed.query.as_ref(), &(Count, collector))
                .map_err(|e| bad(e.to_string()))?;
            let value = serde_json::to_value(result).map_err(|e| bad(e.to_string()))?;
            Ok((value, total, parsed.notes))
        })
    }
}

/// The `"field"` of every aggregation in a request, nested ones too.
pub(super) fn agg_fields(value: &serde_json::Value) -> Vec<&str> {
    let mut out = Vec::new();
    if let serde_json::Value::Object(map) = value {
        for (key, v) in map {
            match (key.as_str(), v) {
                ("field", serde_json::Value::String(name)) => out.push(name.as_str()),
                _ => out.extend(agg_fields(v)),
            }
        }
    }
    out
}
