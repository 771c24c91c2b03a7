//! What a backend answers: search results with their hits, passages and facet counts, trends,
//! an article shown whole, how a query was read, why a hit scored, what an index holds. Each
//! serialises to the JSON that `--json` prints and the server returns (see docs/output.md);
//! [`JSON_VERSION`] is bumped when a key changes meaning or goes away.

use std::path::PathBuf;

use jiff::Timestamp;
use serde::Serialize;

use super::article::Article;
use super::fields::FacetField;
use super::request::{Combine, FacetRequest, Interval};

/// Version of the JSON that `--json` prints; bumped when a field changes meaning or goes away.
pub const JSON_VERSION: u32 = 1;

/// What a search found.
#[derive(Debug, Clone, Serialize)]
pub struct SearchResults {
    pub lede_json: u32,
    pub query: String,
    /// How the query text was read, when some of it was not taken as operators.
    pub notes: Vec<String>,
    /// How the words were combined: `all` (every word required) or `any`.
    pub mode: Combine,
    /// Articles that match, in all.
    pub total: usize,
    pub offset: usize,
    pub took_ms: f64,
    pub hits: Vec<Hit>,
    /// Counts over all matches, one per requested facet, in the order asked.
    pub facets: Vec<FacetCounts>,
}

/// One matching article.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    /// 1-based, counting from the first hit of all pages.
    pub rank: usize,
    /// BM25 score; `None` when the hits are sorted by date.
    pub score: Option<f32>,
    pub id: String,
    pub path: String,
    pub title: String,
    /// Byte ranges of `title` to highlight (the query's words that match in the title),
    /// sorted and not overlapping.
    pub title_highlights: Vec<(usize, usize)>,
    pub authors: Vec<String>,
    pub date: Option<Timestamp>,
    pub source: Option<String>,
    /// The section path, as `/outer/inner`.
    pub section: String,
    pub topics: Vec<String>,
    pub places: Vec<String>,
    pub people: Vec<String>,
    pub orgs: Vec<String>,
    /// ISO 639-1 code, when known.
    pub language: Option<String>,
    pub url: Option<String>,
    pub word_count: u64,
    /// The reader that read it: txt, json, html, sgml or feed.
    pub format: &'static str,
    pub passages: Vec<Passage>,
    /// With `--collapse`: the ids of the other matching articles of this hit's near-duplicate
    /// group, the copies it stands for.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub copies: Vec<String>,
}

impl Hit {
    /// The hit for `article` at `rank`, of `word_count` words (`Article::word_count`, or the
    /// count stored when the body was not fetched): its metadata, with no passages,
    /// highlights or copies yet (the engine adds those). The one place an article becomes a hit; `Hit` repeats
    /// `Article`'s fields rather than nesting them because its JSON keys keep their order
    /// (`title_highlights` after `title`), which docs/output.md documents as stable.
    pub fn of(article: Article, rank: usize, score: Option<f32>, word_count: u64) -> Hit {
        Hit {
            rank,
            score,
            section: article.section_path(),
            word_count,
            format: article.format,
            id: article.id,
            path: article.path,
            title: article.title,
            title_highlights: Vec::new(),
            authors: article.authors,
            date: article.date,
            source: article.source,
            topics: article.topics,
            places: article.places,
            people: article.people,
            orgs: article.orgs,
            language: article.language,
            url: article.url,
            passages: Vec::new(),
            copies: Vec::new(),
        }
    }
}

/// One passage of an article's body.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Passage {
    /// The passage, exactly as it stands in the body.
    pub text: String,
    /// Byte offset of `text` in the body.
    pub offset: usize,
    /// Byte ranges of `text` to highlight, sorted and not overlapping.
    pub highlights: Vec<(usize, usize)>,
    /// The passage starts in the middle of a sentence.
    pub cut_before: bool,
    /// The passage ends in the middle of a sentence.
    pub cut_after: bool,
}

/// Counts for one facet.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FacetCounts {
    pub field: FacetField,
    /// For sections, the path counted under, as `/a/b`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub under: Option<String>,
    /// Values by count, then by value.
    pub values: Vec<FacetValue>,
    /// Distinct values in the match set (the list may be cut to `size`).
    pub distinct: usize,
}

impl FacetCounts {
    /// The counts a request asks for, as every engine gives them: values with no match left
    /// out, sorted by count then value, cut to the size asked (`distinct` counts them all).
    pub fn shaped(r: &FacetRequest, mut values: Vec<FacetValue>) -> FacetCounts {
        values.retain(|v| v.count > 0);
        values.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
        let distinct = values.len();
        values.truncate(r.size);
        FacetCounts {
            field: r.field,
            under: (r.field == FacetField::Section).then(|| format!("/{}", r.under.join("/"))),
            values,
            distinct,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FacetValue {
    pub value: String,
    pub count: u64,
}

/// One series: a query's counts (or one split value's), a count per bucket.
#[derive(Debug, Clone, Serialize)]
pub struct Series {
    pub label: String,
    pub query: String,
    /// The split field's value, when split (`""` for matches without one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub split: Option<String>,
    pub counts: Vec<u64>,
    /// Matches without a date.
    pub undated: u64,
    /// All matches: the buckets plus the undated.
    pub total: u64,
    /// With `normalize`: each count divided by the articles of its bucket; `null` for a bucket
    /// with no article at all, where no share exists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ratios: Option<Vec<Option<f64>>>,
}

/// Counts per bucket for each query.
#[derive(Debug, Clone, Serialize)]
pub struct TrendResults {
    pub lede_json: u32,
    pub interval: Interval,
    /// Bucket names, oldest first.
    pub buckets: Vec<String>,
    pub series: Vec<Series>,
    /// With `normalize`: the articles in scope per bucket, and undated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub totals: Option<Vec<u64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub totals_undated: Option<u64>,
    pub notes: Vec<String>,
    pub took_ms: f64,
}

/// An article shown whole.
#[derive(Debug, Clone, Serialize)]
pub struct Shown {
    pub lede_json: u32,
    /// Its metadata (no passages).
    pub article: Hit,
    pub body: String,
    /// Paragraphs of the body, numbered from 1, with their byte offsets in it.
    pub paragraphs: Vec<Paragraph>,
    /// Byte ranges of the body where the query matches.
    pub matches: Vec<(usize, usize)>,
    /// Byte ranges of the title where the query matches.
    pub title_matches: Vec<(usize, usize)>,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Paragraph {
    pub number: usize,
    pub offset: usize,
    pub text: String,
}

impl Paragraph {
    /// The paragraphs of a body (parts between blank lines), numbered from 1, trimmed, with
    /// the byte offset of each in the body.
    pub fn split(body: &str) -> Vec<Paragraph> {
        let mut paragraphs = Vec::new();
        let mut offset = 0;
        for part in body.split("\n\n") {
            let lead = part.len() - part.trim_start().len();
            let text = part.trim();
            if !text.is_empty() {
                paragraphs.push(Paragraph {
                    number: paragraphs.len() + 1,
                    offset: offset + lead,
                    text: text.to_string(),
                });
            }
            offset += part.len() + 2;
        }
        paragraphs
    }
}

/// A score, what it is, and what it is made of.
#[derive(Debug, Clone, Serialize)]
pub struct Explained {
    pub value: f32,
    pub description: String,
    pub details: Vec<Explained>,
}

/// How a query was read (`--explain-query`): its tree after the repairs, and the terms each
/// word becomes in each field it searches.
#[derive(Debug, Clone, Serialize)]
pub struct Reading {
    pub lede_json: u32,
    /// The query as given.
    pub query: String,
    /// The tree, in tantivy's notation: `+` required, `-` excluded, `?` optional, `*` as the
    /// mode decides.
    pub tree: String,
    pub words: Vec<WordReading>,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct WordReading {
    /// The word, phrase or value as written.
    pub text: String,
    /// The fields it searches (title and body when none is named).
    pub fields: Vec<String>,
    /// The terms it becomes in them, in index form.
    pub terms: Vec<String>,
    /// For a hyphenated word: the other spellings searched (`"anti satellite"`, `antisatellite`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub spellings: Vec<String>,
    /// `prefix`, `fuzzy N`, `phrase`, `phrase within N`, `word`, or for `a w/N b` and
    /// `a pre/N b`: `near, within N` and `a then b within N`.
    pub kind: String,
}

/// What one query of a batch gave.
#[derive(Debug, Clone, Serialize)]
pub struct BatchRow {
    pub line: usize,
    pub label: String,
    pub query: String,
    /// Matching articles; `None` when the query could not be read.
    pub total: Option<usize>,
    /// Ids of the best hits.
    pub top: Vec<String>,
    pub error: Option<String>,
    /// How the words were combined (`all`, or `any` when too few articles had them all), as
    /// `search` says it; `None` with an error.
    pub mode: Option<Combine>,
}

/// What an index holds.
#[derive(Debug, Clone, Serialize)]
pub struct IndexStats {
    pub lede_json: u32,
    pub index: PathBuf,
    pub articles: u64,
    /// Documents deleted (replaced or removed) but still on disk until a merge.
    pub deleted: u64,
    pub segments: usize,
    /// Bytes of the index's files on disk.
    pub bytes: u64,
    /// The corpus folders the index covers, as given.
    pub roots: Vec<String>,
    /// When the last commit was made (RFC 3339, UTC).
    pub indexed_at: Option<String>,
    pub schema: u32,
    /// Articles per format, source and language.
    pub by: Vec<FacetCounts>,
}

/// What `optimize` did.
#[derive(Debug, Clone, Serialize)]
pub struct OptimizeSummary {
    pub lede_json: u32,
    pub segments_before: usize,
    pub segments_after: usize,
    /// Deleted documents removed from disk.
    pub deleted_removed: u64,
    pub bytes_before: u64,
    pub bytes_after: u64,
    pub seconds: f64,
}
