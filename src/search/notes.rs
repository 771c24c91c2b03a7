//! What a search that found nothing, or found it in an unexpected order, should say: a filter
//! value no article has (with the nearest one that exists), and a sort by date when no match
//! has a date. Silence there reads as "there is nothing", which is not what happened.

use tantivy::schema::Facet;

use super::Engine;
use crate::model::fields::did_you_mean;
use crate::model::{FacetField, Scope};
use crate::query;

/// Values read from a field's dictionary for a "did you mean": enough for any metadata field
/// of a news archive, bounded for one that is not.
const MAX_VALUES: usize = 100_000;

impl Engine {
    /// A note for each filter whose value no article has.
    pub(super) fn missing_filters(&self, scope: &Scope) -> Vec<String> {
        let searcher = self.reader.searcher();
        let fields = &self.store.fields;
        let mut notes = Vec::new();
        for f in &scope.filters {
            if f.field.is_calendar() {
                continue;
            }
            let values = if f.field == FacetField::Section {
                query::stored_sections(self.section_paths(), &f.value)
            } else {
                vec![f.value.clone()]
            };
            let present = values.iter().any(|v| {
                let term = query::filter_term(f.field, v, fields);
                searcher.doc_freq(&term).is_ok_and(|n| n > 0)
            });
            if present {
                continue;
            }
            let known = self.values_of(f.field);
            let hint = did_you_mean(&f.value, known.iter().map(String::as_str))
                .map(|v| format!("; did you mean '{v}'?"))
                .unwrap_or_default();
            notes.push(format!(
                "no article has {} '{}'{hint}",
                f.field.name(),
                f.value
            ));
        }
        notes
    }

    /// The values a metadata field holds, as the index keeps them (lower case, folded).
    fn values_of(&self, field: FacetField) -> Vec<String> {
        let handle = self.store.fields.facet(field);
        let mut out = std::collections::BTreeSet::new();
        for segment in self.reader.searcher().segment_readers() {
            let Ok(inverted) = segment.inverted_index(handle) else {
                continue;
            };
            let Ok(mut terms) = inverted.terms().stream() else {
                continue;
            };
            while terms.advance() && out.len() < MAX_VALUES {
                let value = if field == FacetField::Section {
                    Facet::from_encoded(terms.key().to_vec())
                        .map(|f| f.to_string())
                        .unwrap_or_default()
                } else {
                    String::from_utf8_lossy(terms.key()).into_owned()
                };
                out.insert(value);
            }
        }
        out.into_iter().collect()
    }
}
