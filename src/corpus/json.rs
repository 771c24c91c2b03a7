//! The JSON reader: `.json` (one article, an array of articles, or an object holding one array
//! of them) and `.jsonl` / `.ndjson` (one article per line).
//!
//! Common key names map by themselves ([`ALIASES`]); `--field body=story_text` maps any other,
//! with dots for nested keys (`meta.byline`). A malformed line is a warning with its line
//! number; the other lines are still read.

use serde_json::{Map, Value};

use crate::model::article::{Article, split_authors};
use crate::model::dates;

/// An article field that JSON keys map to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    Id,
    Title,
    Body,
    Authors,
    Date,
    Url,
    Source,
    Section,
    Topics,
    Places,
    People,
    Orgs,
    Language,
}

/// The keys each field is read from, in order of preference (compared without case).
pub const ALIASES: &[(Target, &[&str])] = &[
    (Target::Id, &["id", "guid", "uuid", "newid"]),
    (Target::Title, &["title", "headline"]),
    (
        Target::Body,
        &[
            "body",
            "text",
            "content",
            "article",
            "story",
            "short_description",
        ],
    ),
    (Target::Authors, &["authors", "author", "byline"]),
    (
        Target::Date,
        &[
            "date",
            "published",
            "publish_date",
            "pubdate",
            "datepublished",
            "published_at",
            "publishedat",
            "timestamp",
        ],
    ),
    (Target::Url, &["url", "link"]),
    (Target::Source, &["source", "publisher", "site"]),
    (Target::Section, &["section", "category"]),
    (Target::Topics, &["tags", "keywords", "topics"]),
    (Target::Places, &["places", "locations"]),
    (Target::People, &["people", "persons"]),
    (Target::Orgs, &["orgs", "organisations", "organizations"]),
    (Target::Language, &["language", "lang"]),
];

impl Target {
    /// The field a `--field NAME=KEY` names.
    pub fn from_name(name: &str) -> Option<Target> {
        Some(match name.to_ascii_lowercase().as_str() {
            "id" => Target::Id,
            "title" => Target::Title,
            "body" => Target::Body,
            "author" | "authors" => Target::Authors,
            "date" => Target::Date,
            "url" => Target::Url,
            "source" => Target::Source,
            "section" => Target::Section,
            "topic" | "topics" | "tags" => Target::Topics,
            "place" | "places" => Target::Places,
            "person" | "people" => Target::People,
            "org" | "orgs" => Target::Orgs,
            "language" => Target::Language,
            _ => return None,
        })
    }

    /// Names accepted by [`Target::from_name`], for error messages.
    pub const NAMES: &'static str = "id, title, body, authors, date, url, source, section, topics, places, people, orgs, language";
}

/// Keys given with `--field`: they take the place of the aliases for their field.
#[derive(Debug, Clone, Default)]
pub struct FieldMap {
    pub overrides: Vec<(Target, String)>,
}

impl FieldMap {
    /// The keys to try for a field: the user's, or the aliases.
    fn keys(&self, target: Target) -> Vec<&str> {
        let given: Vec<&str> = self
            .overrides
            .iter()
            .filter(|(t, _)| *t == target)
            .map(|(_, k)| k.as_str())
            .collect();
        if !given.is_empty() {
            return given;
        }
        ALIASES
            .iter()
            .find(|(t, _)| *t == target)
            .map(|(_, keys)| keys.to_vec())
            .unwrap_or_default()
    }
}

/// What a JSON file gave: articles with their record number, and warnings.
#[derive(Debug, Default)]
pub struct Records {
    /// (record number, article): the line number for JSON Lines, the 1-based position in an
    /// array for JSON, 0 for a file that is one article.
    pub articles: Vec<(usize, Article)>,
    pub warnings: Vec<String>,
}

/// Warnings kept for one file; past them, the rest are counted in one last warning (a file
/// of a million malformed lines would otherwise hold a million messages).
pub const MAX_WARNINGS: usize = 100;

/// Where a reader puts what it reads: each article as soon as it is read (so that a file of
/// many records is never held whole), and the warnings.
pub struct Sink<'a> {
    each: &'a mut dyn FnMut(usize, Article),
    warnings: &'a mut Vec<String>,
    /// Warnings past [`MAX_WARNINGS`].
    more: u64,
}

impl<'a> Sink<'a> {
    pub fn new(each: &'a mut dyn FnMut(usize, Article), warnings: &'a mut Vec<String>) -> Self {
        Sink {
            each,
            warnings,
            more: 0,
        }
    }

    fn warn(&mut self, warning: String) {
        if self.warnings.len() < MAX_WARNINGS {
            self.warnings.push(warning);
        } else {
            self.more += 1;
        }
    }

    /// Hands on an article, and its warning under its record's name (`line 3: ...`).
    fn push(&mut self, n: usize, (article, warning): (Article, Option<String>), unit: &str) {
        if let Some(w) = warning {
            self.warn(match n {
                0 => w,
                n => format!("{unit} {n}: {w}"),
            });
        }
        (self.each)(n, article);
    }

    fn finish(self) {
        if self.more > 0 {
            self.warnings
                .push(format!("{} more warnings like these", self.more));
        }
    }
}

/// Reads a `.json` file into memory (for tests; lede reads with [`read_document`]).
pub fn parse_document(text: &str, map: &FieldMap) -> Records {
    let mut out = Records::default();
    let mut each = |n, a| out.articles.push((n, a));
    read_document(text, map, Sink::new(&mut each, &mut out.warnings));
    out
}

/// Reads a `.json` file, handing on each article as it is read: a top-level array is read an
/// item at a time, never as a whole.
pub fn read_document(text: &str, map: &FieldMap, mut out: Sink) {
    if text.trim_start().starts_with('[') {
        read_array(text, map, &mut out);
        out.finish();
        return;
    }
    let value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            out.warn(malformed(&e, 0));
            out.finish();
            return;
        }
    };
    match value {
        Value::Array(items) => read_items(&items, map, &mut out),
        Value::Object(obj) => match single_array(&obj, map) {
            Some(items) => read_items(items, map, &mut out),
            None => out.push(0, article(&obj, map), "item"),
        },
        other => out.warn(format!(
            "the JSON is a {}, not an object or an array of objects",
            match other {
                Value::String(_) => "string",
                Value::Number(_) => "number",
                Value::Bool(_) => "boolean",
                _ => "null",
            }
        )),
    }
    out.finish();
}

/// The warning for JSON broken at `e`, after `items` whole items were read.
fn malformed(e: &serde_json::Error, items: usize) -> String {
    // serde_json stops at 128 levels of nesting; say so plainly.
    let what = if e.to_string().starts_with("recursion limit exceeded") {
        "nested more than 128 levels deep".to_string()
    } else {
        e.to_string()
    };
    format!(
        "malformed JSON at line {}, column {} ({what}): {}",
        e.line(),
        e.column(),
        match items {
            0 => "nothing in it could be read".to_string(),
            1 => "the 1 item before it is read".to_string(),
            n => format!("the {n} items before it are read"),
        }
    )
}

fn read_item(i: usize, item: &Value, map: &FieldMap, out: &mut Sink) {
    match item.as_object() {
        Some(obj) => out.push(i + 1, article(obj, map), "item"),
        None => out.warn(format!("item {} of the array is not an object", i + 1)),
    }
}

fn read_items(items: &[Value], map: &FieldMap, out: &mut Sink) {
    for (i, item) in items.iter().enumerate() {
        read_item(i, item, map, out);
    }
}

/// A top-level array, an item at a time; an array cut off or broken part way keeps the whole
/// items before the break.
fn read_array(text: &str, map: &FieldMap, out: &mut Sink) {
    use serde::Deserializer as _;
    use serde::de::{SeqAccess, Visitor};

    struct Items<'s, 'a, 'm> {
        out: &'s mut Sink<'a>,
        map: &'m FieldMap,
        read: &'s mut usize,
    }
    impl<'de> Visitor<'de> for Items<'_, '_, '_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an array")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            while let Some(item) = seq.next_element::<Value>()? {
                read_item(*self.read, &item, self.map, self.out);
                *self.read += 1;
            }
            Ok(())
        }
    }
    let mut read = 0;
    let mut de = serde_json::Deserializer::from_str(text);
    let items = Items {
        out: &mut *out,
        map,
        read: &mut read,
    };
    if let Err(e) = (&mut de).deserialize_seq(items).and_then(|()| de.end()) {
        out.warn(malformed(&e, read));
    }
}

/// A wrapper object (`{"status": "ok", "articles": [...]}`): the one array of objects it holds,
/// when it has no article fields of its own.
fn single_array<'a>(obj: &'a Map<String, Value>, map: &FieldMap) -> Option<&'a Vec<Value>> {
    let has_text = [Target::Title, Target::Body]
        .iter()
        .any(|&t| map.keys(t).iter().any(|k| lookup(obj, k).is_some()));
    if has_text {
        return None;
    }
    let mut arrays = obj.values().filter_map(|v| match v {
        Value::Array(items) if items.iter().any(Value::is_object) => Some(items),
        _ => None,
    });
    let first = arrays.next()?;
    arrays.next().is_none().then_some(first)
}

/// Reads a `.jsonl` / `.ndjson` file into memory (for tests; lede reads with [`read_lines`]).
pub fn parse_lines(text: &str, map: &FieldMap) -> Records {
    let mut out = Records::default();
    let mut each = |n, a| out.articles.push((n, a));
    read_lines(text, map, Sink::new(&mut each, &mut out.warnings));
    out
}

/// Reads a `.jsonl` / `.ndjson` file, line by line, handing on each article as it is read.
pub fn read_lines(text: &str, map: &FieldMap, mut out: Sink) {
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        match serde_json::from_str::<Value>(line) {
            Ok(Value::Object(obj)) => out.push(line_no, article(&obj, map), "line"),
            Ok(_) => out.warn(format!("line {line_no}: not a JSON object (skipped)")),
            Err(e) if e.to_string().starts_with("recursion limit exceeded") => out.warn(format!(
                "line {line_no}: JSON nested more than 128 levels deep (skipped)"
            )),
            Err(e) => out.warn(format!("line {line_no}: malformed JSON (skipped): {e}")),
        }
    }
    out.finish();
}

/// The article in one JSON object, and what was wrong with it (a date lede cannot read).
fn article(obj: &Map<String, Value>, map: &FieldMap) -> (Article, Option<String>) {
    let get = |target: Target| {
        map.keys(target)
            .into_iter()
            .find_map(|k| lookup(obj, k).filter(|v| !v.is_null()))
    };
    let text = |target: Target| get(target).and_then(text_of);
    let list = |target: Target| get(target).map(list_of).unwrap_or_default();
    let date = get(Target::Date).map(|v| (v, date_of(v)));
    let warning = match date {
        Some((v, None)) => Some(format!(
            "{v} is not a date lede reads (dates run from 1678 to 2261): left undated"
        )),
        _ => None,
    };
    let article = Article {
        id: text(Target::Id).unwrap_or_default(),
        title: text(Target::Title).unwrap_or_default(),
        // A body given as a list of paragraphs keeps them all.
        body: match get(Target::Body) {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(text_of)
                .collect::<Vec<_>>()
                .join("\n\n"),
            other => other.and_then(text_of).unwrap_or_default(),
        },
        authors: get(Target::Authors)
            .map(|v| match v {
                Value::String(s) => split_authors(s),
                other => list_of(other),
            })
            .unwrap_or_default(),
        date: date.and_then(|(_, d)| d),
        url: text(Target::Url),
        source: text(Target::Source),
        section: text(Target::Section)
            .map(|s| {
                s.split(['/', '>'])
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default(),
        topics: list(Target::Topics),
        places: list(Target::Places),
        people: list(Target::People),
        orgs: list(Target::Orgs),
        language: text(Target::Language).map(|l| l.to_ascii_lowercase()),
        format: "json",
        ..Article::default()
    };
    (article, warning)
}

/// The value under `key` (a dotted path for nested objects), keys compared without case.
fn lookup<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    let mut parts = key.split('.');
    let first = parts.next()?;
    let mut value = find_key(obj, first)?;
    for part in parts {
        value = find_key(value.as_object()?, part)?;
    }
    Some(value)
}

fn find_key<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    obj.get(key).or_else(|| {
        obj.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

/// Text from a string, a number, or an object's `name` (`{"name": "Reuters"}`).
fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Object(o) => ["name", "value", "text"]
            .iter()
            .find_map(|k| o.get(*k))
            .and_then(text_of),
        Value::Array(items) => items.first().and_then(text_of),
        _ => None,
    }
}

/// A list from an array (of strings or named objects) or a comma-separated string.
fn list_of(value: &Value) -> Vec<String> {
    match value {
        Value::Array(items) => items.iter().filter_map(text_of).collect(),
        Value::String(s) => s
            .split([',', ';'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        other => text_of(other).into_iter().collect(),
    }
}

/// A date from text, or from a Unix time in seconds or milliseconds.
fn date_of(value: &Value) -> Option<jiff::Timestamp> {
    match value {
        Value::Number(n) => {
            let n = n.as_f64()?;
            let secs = if n.abs() > 1e11 { n / 1000.0 } else { n };
            jiff::Timestamp::from_second(secs as i64)
                .ok()
                .filter(|&ts| dates::storable(ts))
        }
        Value::String(s) => dates::parse(s).or_else(|| {
            s.trim()
                .parse::<f64>()
                .ok()
                .and_then(|n| date_of(&serde_json::json!(n)))
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn titles(r: &Records) -> Vec<(usize, &str)> {
        r.articles
            .iter()
            .map(|(n, a)| (*n, a.title.as_str()))
            .collect()
    }

    #[test]
    fn common_keys_map_by_themselves() {
        let text = r#"{"headline": "Levy doubles", "story": "The levy doubles.",
            "byline": "Ana Ruiz and Tom Bell", "datePublished": "2024-06-11T08:00:00Z",
            "link": "https://example.org/levy", "publisher": {"name": "Harbour Gazette"},
            "category": "economy/transport", "keywords": "ferries, tax", "lang": "EN",
            "places": ["port alder"], "people": [{"name": "Ana Ruiz"}], "orgs": "council"}"#;
        let r = parse_document(text, &FieldMap::default());
        assert!(r.warnings.is_empty());
        let (n, a) = &r.articles[0];
        assert_eq!(*n, 0);
        assert_eq!(a.title, "Levy doubles");
        assert_eq!(a.body, "The levy doubles.");
        assert_eq!(a.authors, ["Ana Ruiz", "Tom Bell"]);
        assert_eq!(a.date.unwrap().to_string(), "2024-06-11T08:00:00Z");
        assert_eq!(a.url.as_deref(), Some("https://example.org/levy"));
        assert_eq!(a.source.as_deref(), Some("Harbour Gazette"));
        assert_eq!(a.section, ["economy", "transport"]);
        assert_eq!(a.topics, ["ferries", "tax"]);
        assert_eq!(a.language.as_deref(), Some("en"));
        assert_eq!(a.places, ["port alder"]);
        assert_eq!(a.people, ["Ana Ruiz"]);
        assert_eq!(a.orgs, ["council"]);
    }

    #[test]
    fn arrays_and_wrapped_arrays() {
        let r = parse_document(
            r#"[{"title": "A", "text": "a"}, 7, {"title": "B", "text": "b"}]"#,
            &FieldMap::default(),
        );
        assert_eq!(titles(&r), [(1, "A"), (3, "B")]);
        assert_eq!(r.warnings, ["item 2 of the array is not an object"]);
        let r = parse_document(
            r#"{"status": "ok", "totalResults": 2, "articles": [{"title": "A"}, {"title": "B"}]}"#,
            &FieldMap::default(),
        );
        assert_eq!(titles(&r), [(1, "A"), (2, "B")]);
    }

    #[test]
    fn json_lines_survive_a_bad_line() {
        let text =
            "{\"title\": \"A\", \"body\": \"a\"}\n\n{\"title\": \"B\", \n[1]\n{\"title\": \"C\"}\n";
        let r = parse_lines(text, &FieldMap::default());
        assert_eq!(titles(&r), [(1, "A"), (5, "C")]);
        assert_eq!(r.warnings.len(), 2);
        assert!(
            r.warnings[0].starts_with("line 3: malformed JSON (skipped): "),
            "{:?}",
            r.warnings
        );
        assert_eq!(r.warnings[1], "line 4: not a JSON object (skipped)");
    }

    #[test]
    fn field_overrides_and_nested_keys() {
        let map = FieldMap {
            overrides: vec![
                (Target::Body, "story_text".into()),
                (Target::Authors, "meta.writer".into()),
            ],
        };
        let r = parse_document(
            r#"{"title": "T", "text": "ignored", "story_text": "used", "meta": {"writer": ["X Y"]}}"#,
            &map,
        );
        let a = &r.articles[0].1;
        assert_eq!(a.body, "used");
        assert_eq!(a.authors, ["X Y"]);
    }

    #[test]
    fn unix_times() {
        let one = |v: &str| {
            parse_document(
                &format!(r#"{{"title": "t", "timestamp": {v}}}"#),
                &FieldMap::default(),
            )
            .articles[0]
                .1
                .date
                .map(|d| d.to_string())
        };
        assert_eq!(one("1564272000").as_deref(), Some("2019-07-28T00:00:00Z"));
        assert_eq!(
            one("1564272000000").as_deref(),
            Some("2019-07-28T00:00:00Z")
        );
        assert_eq!(
            one("\"1564272000\"").as_deref(),
            Some("2019-07-28T00:00:00Z")
        );
        assert_eq!(one("\"soon\""), None);
    }

    #[test]
    fn a_broken_document_is_a_warning() {
        let r = parse_document("{\"title\": ", &FieldMap::default());
        assert!(r.articles.is_empty());
        assert!(
            r.warnings[0].starts_with("malformed JSON at line 1, column 10 (")
                && r.warnings[0].ends_with("): nothing in it could be read"),
            "{:?}",
            r.warnings
        );
        let r = parse_document("42", &FieldMap::default());
        assert_eq!(
            r.warnings,
            ["the JSON is a number, not an object or an array of objects"]
        );
    }

    #[test]
    fn an_array_cut_off_keeps_its_whole_items() {
        let text = "[{\"title\": \"A\", \"body\": \"a\"},\n {\"title\": \"B\", \"body\": \"b\"},\n {\"title\": \"C\", \"bo";
        let r = parse_document(text, &FieldMap::default());
        assert_eq!(titles(&r), [(1, "A"), (2, "B")]);
        assert!(
            r.warnings[0].starts_with("malformed JSON at line 3, column ")
                && r.warnings[0].ends_with("): the 2 items before it are read"),
            "{:?}",
            r.warnings
        );
    }

    #[test]
    fn bodies_in_paragraphs_and_dates_out_of_range() {
        let text = r#"{"title": "T", "body": ["One.", "Two."], "date": 12345678901234}"#;
        let r = parse_document(text, &FieldMap::default());
        let (_, a) = &r.articles[0];
        assert_eq!(a.body, "One.\n\nTwo.");
        assert_eq!(a.date, None, "2361 is past what an index holds");
        assert_eq!(
            r.warnings,
            ["12345678901234 is not a date lede reads (dates run from 1678 to 2261): left undated"]
        );
        let r = parse_lines(
            "{\"title\": \"T\", \"date\": \"soon\"}\n",
            &FieldMap::default(),
        );
        assert_eq!(
            r.warnings,
            [
                "line 1: \"soon\" is not a date lede reads (dates run from 1678 to 2261): left undated"
            ]
        );
    }
}
