//! `Article`: the one record every corpus reader returns and the schema consumes.
//!
//! Readers (under `corpus/`) fill what their format knows; `corpus::finish` then fills what the
//! path tells (section, a date in the path). Nothing after this point knows file formats.

use jiff::Timestamp;
use serde::Serialize;

/// One news article, as read from a file (or from one record of a multi-article file).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Article {
    /// Stable identity: the path for one-article files, `path#record` for files of many.
    pub id: String,
    /// The file the article came from, as found by the walk.
    pub path: String,
    pub title: String,
    pub body: String,
    pub authors: Vec<String>,
    /// Publication time, normalised to UTC.
    pub date: Option<Timestamp>,
    /// The publication, when the article says it.
    pub source: Option<String>,
    /// Section path, outermost first: the folders between the corpus root and the file,
    /// unless the article names its own section.
    pub section: Vec<String>,
    pub topics: Vec<String>,
    pub places: Vec<String>,
    pub people: Vec<String>,
    pub orgs: Vec<String>,
    /// ISO 639-1 code when known.
    pub language: Option<String>,
    pub url: Option<String>,
    /// The reader that understood the file: one of [`ARTICLE_FORMATS`].
    pub format: &'static str,
}

/// The values of [`Article::format`].
pub const ARTICLE_FORMATS: &[&str] = &["txt", "json", "html", "sgml", "feed"];

impl Article {
    /// Whether there is anything to search in this article.
    pub fn has_text(&self) -> bool {
        !self.title.trim().is_empty() || !self.body.trim().is_empty()
    }

    /// The section path as results show it: `/outer/inner`, `/` for none.
    pub fn section_path(&self) -> String {
        format!("/{}", self.section.join("/"))
    }

    /// Number of words in title and body, counted as runs of letters and digits.
    pub fn word_count(&self) -> u64 {
        count_words(&self.title) + count_words(&self.body)
    }
}

fn count_words(text: &str) -> u64 {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .count() as u64
}

/// Splits a byline into names: "A, B and C" gives three authors.
pub fn split_authors(byline: &str) -> Vec<String> {
    byline
        .split([',', ';', '&'])
        .flat_map(|part| part.split(" and "))
        .map(|name| name.trim().trim_end_matches('.').trim())
        .filter(|name| !name.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bylines_split_into_names() {
        assert_eq!(
            split_authors("Ana Ruiz, Tom Bell and Li Wei"),
            ["Ana Ruiz", "Tom Bell", "Li Wei"]
        );
        assert_eq!(split_authors("zmhuaxia"), ["zmhuaxia"]);
        assert_eq!(split_authors(" ; "), Vec::<String>::new());
    }

    #[test]
    fn words_are_counted_in_title_and_body() {
        let a = Article {
            title: "Anti-satellite test".into(),
            body: "It failed, twice.".into(),
            ..Article::default()
        };
        assert_eq!(a.word_count(), 6);
    }
}
