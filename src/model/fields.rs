//! The names users write: the fields a query may name (`title:`, `topic:`), the metadata
//! fields that can be counted and filtered ([`FacetField`]), section paths as written, and the
//! "did you mean" for a misspelt name. Plain data; the index's own field names are in
//! `index::schema`.

use serde::{Deserialize, Serialize};

/// A field a query may name (`field:value`); its name is written here only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldName {
    Title,
    Body,
    /// The words as written: not stemmed, stop words kept.
    Exact,
    Date,
    /// A metadata field, its values taken whole.
    Meta(FacetField),
}

impl FieldName {
    /// Every field a query may name, in the order messages list them.
    pub const ALL: [FieldName; 13] = [
        FieldName::Title,
        FieldName::Body,
        FieldName::Exact,
        FieldName::Meta(FacetField::Author),
        FieldName::Meta(FacetField::Source),
        FieldName::Meta(FacetField::Section),
        FieldName::Meta(FacetField::Topic),
        FieldName::Meta(FacetField::Place),
        FieldName::Meta(FacetField::Person),
        FieldName::Meta(FacetField::Org),
        FieldName::Meta(FacetField::Language),
        FieldName::Meta(FacetField::Format),
        FieldName::Date,
    ];

    /// The field a query names by `name` (lower case, one of [`QUERY_FIELDS`]).
    pub fn from_name(name: &str) -> Option<FieldName> {
        FieldName::ALL.into_iter().find(|f| f.name() == name)
    }

    pub const fn name(self) -> &'static str {
        match self {
            FieldName::Title => "title",
            FieldName::Body => "body",
            FieldName::Exact => "exact",
            FieldName::Date => "date",
            FieldName::Meta(f) => f.name(),
        }
    }
}

/// The names of the fields a query may name (`field:value`), lower case.
pub const QUERY_FIELDS: [&str; FieldName::ALL.len()] = {
    let mut names = [""; FieldName::ALL.len()];
    let mut i = 0;
    while i < names.len() {
        names[i] = FieldName::ALL[i].name();
        i += 1;
    }
    names
};

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

    pub const fn name(self) -> &'static str {
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
    fn query_fields_are_named_once_and_read_back() {
        assert_eq!(
            QUERY_FIELDS.join(" "),
            "title body exact author source section topic place person org language format date"
        );
        for f in FieldName::ALL {
            assert_eq!(FieldName::from_name(f.name()), Some(f));
        }
        // Year and month are counted and filtered, never searched as words.
        assert_eq!(FieldName::from_name("year"), None);
        assert_eq!(FieldName::from_name("Title"), None);
    }

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
