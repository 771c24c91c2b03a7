//! Where a query looks: the filters and dates of a [`Scope`] added to it as required clauses
//! that score nothing, and section paths matched in any case and accents against those the
//! index holds.

use std::ops::Bound;

use tantivy::query::{
    BooleanQuery, ConstScoreQuery, EmptyQuery, Occur, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{Facet, Field, IndexRecordOption};
use tantivy::{DateTime, Term};

use super::Clause;
use crate::index::analyzer;
use crate::index::schema::Fields;
use crate::model::fields::section_path;
use crate::model::{FacetField, Scope, dates};

/// A section path as lede compares them: [`section_path`], lower-cased and folded
/// (`World/Europe/Économie/` is `/world/europe/economie`).
pub fn fold_section(path: &str) -> String {
    let path = section_path(path);
    analyzer::tokens(&mut analyzer::keyword_analyzer(), &path)
        .into_iter()
        .next()
        .map_or(path, |t| t.text)
}

/// The section paths of the index (`paths`: folded, as written) that `path` names in any case
/// and accents, or `path` itself (with its leading slash) when none does.
pub fn stored_sections(paths: &[(String, String)], path: &str) -> Vec<String> {
    let folded = fold_section(path);
    let stored: Vec<String> = paths
        .iter()
        .filter(|(f, _)| *f == folded)
        .map(|(_, p)| p.clone())
        .collect();
    if stored.is_empty() {
        vec![section_path(path)]
    } else {
        stored
    }
}

/// `query`, narrowed to the articles in `scope`: filters and dates are required, and score
/// nothing (a filtered search ranks as the unfiltered one).
pub fn scoped(query: Box<dyn Query>, scope: &Scope, fields: &Fields) -> Box<dyn Query> {
    let mut must: Vec<Clause> = vec![(Occur::Must, query)];
    for (field, values) in scope.filters_by_field() {
        let any: Vec<Clause> = values
            .into_iter()
            .map(|value| {
                if field.is_calendar() {
                    let period = dates::period(value);
                    let q = date_query(fields.date, period.map(|p| p.0), period.map(|p| p.1));
                    return (Occur::Should, q);
                }
                let term = filter_term(field, value, fields);
                let q: Box<dyn Query> = Box::new(TermQuery::new(term, IndexRecordOption::Basic));
                (Occur::Should, q)
            })
            .collect();
        must.push((
            Occur::Must,
            Box::new(ConstScoreQuery::new(Box::new(BooleanQuery::new(any)), 0.0)),
        ));
    }
    if scope.from.is_some() || scope.to.is_some() {
        let range = date_query(fields.date, scope.from, scope.to);
        must.push((Occur::Must, Box::new(ConstScoreQuery::new(range, 0.0))));
    }
    if must.len() == 1 {
        return must
            .pop()
            .map(|(_, q)| q)
            .unwrap_or_else(|| Box::new(EmptyQuery));
    }
    Box::new(BooleanQuery::new(must))
}

/// The term a filter on a metadata field looks for: a section as a facet path, a format in
/// lower case, other values lower-cased and folded as the index keeps them. Year and month
/// are dates, not terms, and never come here.
pub fn filter_term(field: FacetField, value: &str, fields: &Fields) -> Term {
    let handle = fields.facet(field);
    match field {
        FacetField::Section => {
            let path = section_path(value);
            Term::from_facet(
                handle,
                &Facet::from_text(&path).unwrap_or_else(|_| Facet::root()),
            )
        }
        FacetField::Format => Term::from_field_text(handle, &value.to_lowercase()),
        _ => {
            let norm = analyzer::tokens(&mut analyzer::keyword_analyzer(), value)
                .into_iter()
                .next()
                .map_or_else(String::new, |t| t.text);
            Term::from_field_text(handle, &norm)
        }
    }
}

/// Articles dated in `[from, to)`; an open end is unbounded.
pub fn date_query(
    field: Field,
    from: Option<jiff::Timestamp>,
    to: Option<jiff::Timestamp>,
) -> Box<dyn Query> {
    let term = |t: jiff::Timestamp| {
        Term::from_field_date(field, DateTime::from_timestamp_secs(t.as_second()))
    };
    // tantivy takes a range's field from its bounds, and panics on a range open at both ends:
    // that one starts at the earliest date an index holds (every dated article) instead.
    let from = if from.is_none() && to.is_none() {
        Some(dates::earliest())
    } else {
        from
    };
    let lower = from.map_or(Bound::Unbounded, |t| Bound::Included(term(t)));
    let upper = to.map_or(Bound::Unbounded, |t| Bound::Excluded(term(t)));
    Box::new(RangeQuery::new(lower, upper))
}
