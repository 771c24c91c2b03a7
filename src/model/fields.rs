//! The names users write: the fields a query may name (`title:`, `topic:`), the metadata
//! fields that can be counted and filtered ([`FacetField`]), section paths as written, and the
//! "did you mean" for a misspelt name. Plain data; the index's own field names are in
//! `index::schema`.

use serde::{Deserialize, Serialize};

/// Fields a query may name (`field:value`), lower case.
pub const QUERY_FIELDS: &[&str] = &[
    "title", "body", "exact", "author", "source", "section", "topic", "place", "person", "org",
    "language", "format", "date",
];

/// A field that can be counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FacetField {
    Author,
    Source,
    Section,
    Topic,
    Place,
    Person,
    Org,
    Language,
    Format,
    /// The year of the date (`1987`).
    Year,
    /// The month of the date (`1987-03`).
    Month,
}

impl FacetField {
    pub const ALL: [FacetField; 11] = [
        FacetField::Author,
        FacetField::Source,
        FacetField::Section,
        FacetField::Topic,
        FacetField::Place,
        FacetField::Person,
        FacetField::Org,
        FacetField::Language,
        FacetField::Format,
        FacetField::Year,
        FacetField::Month,
    ];

    pub fn name(self) -> &'static str {
        match self {
            FacetField::Author => "author",
            FacetField::Source => "source",
            FacetField::Section => "section",
            FacetField::Topic => "topic",
            FacetField::Place => "place",
            FacetField::Person => "person",
            FacetField::Org => "org",
            FacetField::Language => "language",
            FacetField::Format => "format",
            FacetField::Year => "year",
            FacetField::Month => "month",
        }
    }

    pub fn from_name(name: &str) -> Option<FacetField> {
        let name = name.to_ascii_lowercase();
        let name = name.trim_end_matches('s');
        FacetField::ALL
            .into_iter()
            .find(|f| f.name() == name || (name == "people" && *f == FacetField::Person))
    }

    /// Year and month: counted from the date, not from a field of their own.
    pub fn is_calendar(self) -> bool {
        matches!(self, FacetField::Year | FacetField::Month)
    }

    /// Names for error messages.
    pub fn names() -> String {
        FacetField::ALL.map(FacetField::name).join(", ")
    }
}

/// A section path as written with one leading slash and none at the end (`World/Europe/` is
/// `/World/Europe`).
pub fn section_path(path: &str) -> String {
    format!("/{}", path.trim_matches('/'))
}

/// The name among `names` closest to a misspelt `word` (two edits at most), for a
/// "did you mean".
pub fn did_you_mean<'a>(word: &str, names: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word = word.to_lowercase();
    names
        .into_iter()
        .map(|n| (strsim::damerau_levenshtein(&word, n), n))
        .filter(|&(d, n)| d <= 2 && d < n.len())
        .min()
        .map(|(_, n)| n)
}

/// "; did you mean 'name'?" for a misspelt `word`, or nothing (see [`did_you_mean`]).
pub fn guess<'a>(word: &str, names: impl IntoIterator<Item = &'a str>) -> String {
    did_you_mean(word, names)
        .map(|name| format!("; did you mean '{name}'?"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(FacetField::from_name("topics"), Some(FacetField::Topic));
        assert_eq!(FacetField::from_name("Author"), Some(FacetField::Author));
        assert_eq!(FacetField::from_name("people"), Some(FacetField::Person));
        assert_eq!(FacetField::from_name("colour"), None);
        assert_eq!(
            FacetField::names(),
            "author, source, section, topic, place, person, org, language, format, year, month"
        );
    }
}
