//! OpenSearch's answers made lede's results: a document's `_source` a [`Hit`], highlighted
//! fragments [`Passage`]s with byte ranges into the body, terms and date_histogram
//! aggregations [`FacetCounts`] (sorted and cut as the local engine does), and the documents
//! lede sends (`document`).

use serde_json::{Value, json};

use crate::model::article::{ARTICLE_FORMATS, Article};
use crate::model::{
    FacetCounts, FacetField, FacetRequest, FacetValue, FieldName, Hit, Interval, Passage,
};

/// The fields of a document on the cluster (tests/opensearch/index-template.json maps them).
/// Those a query names are the query language's own names ([`FieldName`], [`FacetField`]), so
/// `title:`, `--filter topic=` and the cluster's mapping say the same; the rest are named here.
pub mod field {
    use super::{FacetField, FieldName};

    pub const TITLE: &str = FieldName::Title.name();
    pub const BODY: &str = FieldName::Body.name();
    pub const EXACT: &str = FieldName::Exact.name();
    pub const DATE: &str = FieldName::Date.name();
    pub const AUTHOR: &str = FacetField::Author.name();
    pub const SOURCE: &str = FacetField::Source.name();
    pub const SECTION: &str = FacetField::Section.name();
    pub const TOPIC: &str = FacetField::Topic.name();
    pub const PLACE: &str = FacetField::Place.name();
    pub const PERSON: &str = FacetField::Person.name();
    pub const ORG: &str = FacetField::Org.name();
    pub const LANGUAGE: &str = FacetField::Language.name();
    pub const FORMAT: &str = FacetField::Format.name();
    pub const ID: &str = "id";
    pub const PATH: &str = "path";
    pub const URL: &str = "url";
    pub const WORD_COUNT: &str = "word_count";
    /// The file's size and modification time, which an incremental run compares.
    pub const FILE_SIZE: &str = "file_size";
    pub const FILE_MTIME: &str = "file_mtime";
}

/// Highlight markers: control characters no article text holds (the readers drop them).
pub const PRE: &str = "\u{1}";
pub const POST: &str = "\u{2}";

/// Values a terms aggregation returns at most: counts are exact while a field has fewer
/// distinct values in the match set (`distinct` says how many there were).
pub const MAX_VALUES: usize = 10_000;

/// An article as the index template stores it; `file_size` and `file_mtime` are the stamps an
/// incremental run compares.
pub fn document(a: &Article, size: u64, mtime_ns: u64) -> Value {
    json!({
        field::ID: a.id,
        field::PATH: a.path,
        field::TITLE: a.title,
        field::BODY: a.body,
        field::AUTHOR: a.authors,
        field::DATE: a.date.map(|d| d.to_string()),
        field::SOURCE: a.source,
        field::SECTION: a.section_path(),
        field::TOPIC: a.topics,
        field::PLACE: a.places,
        field::PERSON: a.people,
        field::ORG: a.orgs,
        field::LANGUAGE: a.language,
        field::URL: a.url,
        field::WORD_COUNT: a.word_count(),
        field::FORMAT: a.format,
        field::FILE_SIZE: size,
        field::FILE_MTIME: mtime_ns,
    })
}

fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::Array(items) => items
            .iter()
            .filter_map(|i| i.as_str().map(str::to_string))
            .collect(),
        Value::String(s) => vec![s.clone()],
        _ => Vec::new(),
    }
}

fn string(v: &Value) -> Option<String> {
    strings(v).into_iter().next()
}

/// A document's `_source` read back as the [`Article`] [`document`] made of it (without the
/// body when the search left it out).
fn article(src: &Value) -> Article {
    let format = src[field::FORMAT].as_str().unwrap_or("txt");
    Article {
        id: string(&src[field::ID]).unwrap_or_default(),
        path: string(&src[field::PATH]).unwrap_or_default(),
        title: string(&src[field::TITLE]).unwrap_or_default(),
        body: string(&src[field::BODY]).unwrap_or_default(),
        authors: strings(&src[field::AUTHOR]),
        date: src[field::DATE].as_str().and_then(|d| d.parse().ok()),
        source: string(&src[field::SOURCE]),
        section: string(&src[field::SECTION])
            .unwrap_or_default()
            .split('/')
            .filter(|part| !part.is_empty())
            .map(str::to_string)
            .collect(),
        topics: strings(&src[field::TOPIC]),
        places: strings(&src[field::PLACE]),
        people: strings(&src[field::PERSON]),
        orgs: strings(&src[field::ORG]),
        language: string(&src[field::LANGUAGE]),
        url: string(&src[field::URL]),
        format: ARTICLE_FORMATS
            .iter()
            .find(|f| **f == format)
            .copied()
            .unwrap_or("txt"),
    }
}

/// A search hit (`_source`, `_score`, `highlight`) as lede's [`Hit`].
pub fn hit(doc: &Value, rank: usize, scored: bool, passages: usize) -> Hit {
    let src = &doc["_source"];
    let article = article(src);
    let fragments = strings(&doc["highlight"][field::BODY]);
    let title_highlights = string(&doc["highlight"][field::TITLE])
        .map(|marked| unmark(&marked))
        .filter(|(text, _)| *text == article.title)
        .map(|(_, ranges)| ranges)
        .unwrap_or_default();
    let passages = fragments
        .iter()
        .filter_map(|f| passage(&article.body, f))
        .take(passages)
        .collect();
    let score = if scored {
        doc["_score"].as_f64().map(|s| s as f32)
    } else {
        None
    };
    // The stored count: a search leaves the body out of `_source`. Near-duplicate groups
    // (copies) are the local indexer's only.
    let words = src[field::WORD_COUNT].as_u64().unwrap_or(0);
    Hit {
        title_highlights,
        passages,
        ..Hit::of(article, rank, score, words)
    }
}

/// Text with [`PRE`]/[`POST`] markers: the plain text, and the byte ranges marked in it.
pub fn unmark(marked: &str) -> (String, Vec<(usize, usize)>) {
    let mut text = String::with_capacity(marked.len());
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    let mut start = None;
    for c in marked.chars() {
        match c {
            '\u{1}' => start = Some(text.len()),
            '\u{2}' => {
                if let Some(s) = start.take() {
                    // Neighbouring marks (a phrase's words) join into one range.
                    match ranges.last_mut() {
                        Some(last)
                            if last.1 <= s
                                && text[last.1..s]
                                    .chars()
                                    .all(|c| c.is_whitespace() || crate::query::is_hyphen(c)) =>
                        {
                            last.1 = text.len()
                        }
                        _ => ranges.push((s, text.len())),
                    }
                }
            }
            c => text.push(c),
        }
    }
    (text, ranges)
}

/// A highlighted fragment of `body` as a [`Passage`]: found in the body to give its offset,
/// trimmed of the spaces around it.
pub fn passage(body: &str, fragment: &str) -> Option<Passage> {
    let (text, highlights) = unmark(fragment);
    let lead = text.len() - text.trim_start().len();
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return None;
    }
    let offset = body.find(trimmed)?;
    let highlights = highlights
        .into_iter()
        .filter_map(|(s, e)| {
            let (s, e) = (
                s.saturating_sub(lead),
                e.saturating_sub(lead).min(trimmed.len()),
            );
            (s < e).then_some((s, e))
        })
        .collect();
    let before = body[..offset].trim_end();
    let after = body[offset + trimmed.len()..].trim_start();
    let ends_sentence = |s: &str| s.ends_with(['.', '!', '?', '"', '\'', '”', ':']);
    Some(Passage {
        cut_before: !before.is_empty()
            && !ends_sentence(before)
            && !body[before.len()..offset].contains('\n'),
        cut_after: !after.is_empty() && !ends_sentence(trimmed),
        offset,
        text: trimmed.to_string(),
        highlights,
    })
}

/// The field a facet (or a trend's split) is counted on: values as written (`.raw`), sections
/// as whole paths.
pub(super) fn facet_field(field: FacetField) -> String {
    match field {
        FacetField::Section => field::SECTION.into(),
        FacetField::Format => field::FORMAT.into(),
        f => format!("{}.raw", f.name()),
    }
}

/// The aggregations for `requests`, named by their position.
pub fn facet_aggs(requests: &[FacetRequest]) -> serde_json::Map<String, Value> {
    let mut aggs = serde_json::Map::new();
    for (i, r) in requests.iter().enumerate() {
        let agg = if r.field.is_calendar() {
            let interval = if r.field == FacetField::Year {
                "year"
            } else {
                "month"
            };
            json!({"date_histogram": {"field": field::DATE, "calendar_interval": interval,
                "min_doc_count": 1}})
        } else {
            json!({"terms": {"field": facet_field(r.field), "size": MAX_VALUES,
                "shard_size": MAX_VALUES}})
        };
        aggs.insert(format!("f{i}"), agg);
    }
    aggs
}

/// The counts of each request from the aggregations' answer.
pub fn facet_counts(requests: &[FacetRequest], aggs: &Value) -> Vec<FacetCounts> {
    requests
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let buckets = aggs[format!("f{i}")]["buckets"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            let count = |b: &Value| b["doc_count"].as_u64().unwrap_or(0);
            let values: Vec<FacetValue> = if r.field.is_calendar() {
                let interval = if r.field == FacetField::Year {
                    Interval::Year
                } else {
                    Interval::Month
                };
                buckets
                    .iter()
                    .map(|b| FacetValue {
                        value: interval.label_secs(b["key"].as_i64().unwrap_or(0).div_euclid(1000)),
                        count: count(b),
                    })
                    .collect()
            } else if r.field == FacetField::Section {
                // Whole paths, summed by the part one level below `under`.
                let prefix: String = r.under.iter().map(|p| format!("/{p}")).collect();
                let mut sums: std::collections::BTreeMap<String, u64> = Default::default();
                for b in &buckets {
                    let path = b["key"].as_str().unwrap_or("");
                    if let Some(rest) = path.strip_prefix(&prefix)
                        && let Some(rest) = rest.strip_prefix('/')
                        && let Some(child) = rest.split('/').next()
                        && !child.is_empty()
                    {
                        *sums.entry(child.to_string()).or_default() += count(b);
                    }
                }
                sums.into_iter()
                    .map(|(value, count)| FacetValue { value, count })
                    .collect()
            } else {
                buckets
                    .iter()
                    .map(|b| FacetValue {
                        value: match &b["key"] {
                            Value::String(s) => s.clone(),
                            other => other.to_string(),
                        },
                        count: count(b),
                    })
                    .collect()
            };
            FacetCounts::shaped(r, values)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragments_become_passages_with_byte_ranges() {
        let body = "First sentence here. The Café anti-satellite test failed. Last.";
        let p = passage(
            body,
            "The Café \u{1}anti\u{2}-\u{1}satellite\u{2} test failed.",
        )
        .unwrap();
        assert_eq!(p.offset, body.find("The Café").unwrap());
        assert_eq!(p.text, "The Café anti-satellite test failed.");
        let (s, e) = p.highlights[0];
        assert_eq!(&p.text[s..e], "anti-satellite");
        assert!(!p.cut_before && !p.cut_after);
    }

    #[test]
    fn a_marked_title_gives_its_ranges_and_another_title_none() {
        let doc = |marked: &str| {
            json!({"_source": {"title": "Anti-satellite test condemned", "id": "a", "path": "a.txt"},
                "highlight": {"title": [marked]}})
        };
        let h = hit(
            &doc("\u{1}Anti\u{2}-\u{1}satellite\u{2} test condemned"),
            1,
            true,
            0,
        );
        assert_eq!(h.title_highlights, [(0, 14)]);
        // A title the highlighter changed (it should not) is shown without marks.
        let h = hit(&doc("\u{1}Anti\u{2} test"), 1, true, 0);
        assert!(h.title_highlights.is_empty());
    }

    #[test]
    fn sections_are_summed_one_level_down() {
        let r = FacetRequest {
            field: FacetField::Section,
            size: 10,
            under: vec!["World".into()],
        };
        let aggs = json!({"f0": {"buckets": [
            {"key": "/World/Europe", "doc_count": 2}, {"key": "/World/Europe/France", "doc_count": 1},
            {"key": "/World/Asia", "doc_count": 4}, {"key": "/Sport", "doc_count": 9}]}});
        let c = &facet_counts(&[r], &aggs)[0];
        assert_eq!(
            c.values[0],
            FacetValue {
                value: "Asia".into(),
                count: 4
            }
        );
        assert_eq!(
            c.values[1],
            FacetValue {
                value: "Europe".into(),
                count: 3
            }
        );
        assert_eq!(c.under.as_deref(), Some("/World"));
    }
}
