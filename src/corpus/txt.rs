//! The plain-text reader: one article per `.txt` file, in the layout of the seed article.
//!
//! The first non-empty line is the title and the rest is the body. A last line `Author: NAME`
//! (or `By NAME`) names the author and is not body text. An optional header block of
//! `Key: value` lines before the title, with keys from [`HEADER_KEYS`] and a blank line after
//! it, sets metadata. A title that merely contains a colon stays a title.

use crate::model::article::{Article, split_authors};
use crate::model::dates;

/// The keys a header block may use (matched without regard to case).
pub const HEADER_KEYS: &[&str] = &[
    "Title", "Date", "Author", "Authors", "Source", "URL", "Tags", "Section", "Language",
];

/// Reads one article; the warnings say what in it could not be understood.
pub fn parse(text: &str) -> (Article, Vec<String>) {
    let mut article = Article {
        format: "txt",
        ..Article::default()
    };
    let mut warnings = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    let first = lines.iter().position(|l| !l.trim().is_empty());
    let Some(first) = first else {
        return (article, warnings);
    };

    let mut rest = first;
    if let Some(header) = header_block(&lines[first..]) {
        for (key, value) in &header {
            apply_header(&mut article, key, value, &mut warnings);
        }
        rest = first + header.len();
    }

    let mut body_lines = &lines[rest..];
    if article.title.is_empty() {
        match body_lines.iter().position(|l| !l.trim().is_empty()) {
            Some(i) => {
                article.title = body_lines[i].trim().to_string();
                body_lines = &body_lines[i + 1..];
            }
            None => body_lines = &[],
        }
    }

    // A last line `Author: NAME` or `By NAME` is the byline.
    if let Some(last) = body_lines.iter().rposition(|l| !l.trim().is_empty())
        && let Some(name) = byline(body_lines[last].trim())
    {
        for author in split_authors(name) {
            if !article.authors.contains(&author) {
                article.authors.push(author);
            }
        }
        body_lines = &body_lines[..last];
    }

    article.body = body_lines.join("\n").trim().to_string();
    (article, warnings)
}

/// The header block at the top of `lines`: every line a known `Key: value`, then a blank line
/// (or the end of a file that is all metadata).
fn header_block<'a>(lines: &[&'a str]) -> Option<Vec<(String, &'a str)>> {
    let mut header = Vec::new();
    for line in lines {
        if line.trim().is_empty() {
            return (!header.is_empty()).then_some(header);
        }
        let (key, value) = line.split_once(':')?;
        let key = key.trim();
        let known = HEADER_KEYS.iter().find(|k| k.eq_ignore_ascii_case(key))?;
        let value = value.trim();
        if value.is_empty() {
            return None;
        }
        header.push((known.to_ascii_lowercase(), value));
    }
    // Nothing after it: the file is all metadata (a title-only article) when it has a `Title:`
    // line or several known keys; a lone `Date: talks postponed` is a headline.
    let all_metadata = header.len() >= 2 || header.iter().any(|(key, _)| key == "title");
    all_metadata.then_some(header)
}

fn apply_header(article: &mut Article, key: &str, value: &str, warnings: &mut Vec<String>) {
    let list = |v: &str| -> Vec<String> {
        v.split([',', ';'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    };
    match key {
        "title" => article.title = value.to_string(),
        "date" => match dates::parse(value) {
            Some(ts) => article.date = Some(ts),
            None => warnings.push(format!("header Date {value:?} is not a date lede reads")),
        },
        "author" | "authors" => article.authors.extend(split_authors(value)),
        "source" => article.source = Some(value.to_string()),
        "url" => article.url = Some(value.to_string()),
        "tags" => article.topics.extend(list(value)),
        "section" => {
            article.section = value
                .split(['/', '>'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        }
        "language" => article.language = Some(value.to_ascii_lowercase()),
        _ => {}
    }
}

/// The name in a byline line: `Author: NAME`, `Authors: A, B` or `By NAME`.
fn byline(line: &str) -> Option<&str> {
    if let Some((key, name)) = line.split_once(':') {
        let key = key.trim();
        if key.eq_ignore_ascii_case("author") || key.eq_ignore_ascii_case("authors") {
            let name = name.trim();
            return (!name.is_empty() && name.chars().count() <= 120).then_some(name);
        }
    }
    let name = line
        .strip_prefix("By ")
        .or_else(|| line.strip_prefix("BY "))?
        .trim();
    looks_like_names(name).then_some(name)
}

/// "By Ana Ruiz and Tom Bell" is a byline; "By then it was too late." is a sentence.
fn looks_like_names(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    let joiners = [
        "and", "de", "del", "da", "van", "von", "der", "la", "le", "al", "bin",
    ];
    !words.is_empty()
        && words.len() <= 8
        && text.chars().count() <= 80
        && !text.contains(['!', '?', ':', ';'])
        && (!text.ends_with('.') || words.last().is_some_and(|w| w.chars().count() <= 2))
        && words.iter().all(|w| {
            w.chars().next().is_some_and(char::is_uppercase)
                || joiners.contains(&w.trim_end_matches(','))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A short article in the seed's layout, written for this test.
    const SEED_LAYOUT: &str = "Harbour talks: both sides stay silent on the new ferry levy

The harbour board and the ferry operators met on Tuesday for the first time since March.

Neither side issued a statement after the meeting, which ran past midnight.

Author: kfenwick";

    #[test]
    fn seed_layout_title_body_author() {
        let (a, warnings) = parse(SEED_LAYOUT);
        assert_eq!(
            a.title,
            "Harbour talks: both sides stay silent on the new ferry levy"
        );
        assert_eq!(a.authors, ["kfenwick"]);
        assert!(a.body.starts_with("The harbour board"));
        assert!(a.body.ends_with("ran past midnight."));
        assert!(!a.body.contains("Author"));
        assert_eq!(a.date, None);
        assert!(warnings.is_empty());
    }

    #[test]
    fn a_title_with_a_colon_stays_a_title() {
        let (a, _) = parse("No talk? US media: both sides quiet\n\nBody text.\n");
        assert_eq!(a.title, "No talk? US media: both sides quiet");
        assert_eq!(a.body, "Body text.");
    }

    #[test]
    fn header_block_sets_metadata() {
        let text = "Title: Ferry levy doubled\nDate: 2024-03-05\nAuthors: Ana Ruiz, Tom Bell\n\
                    Source: The Harbour Gazette\nURL: https://example.org/levy\n\
                    Tags: ferries; tax\nSection: economy/transport\nLanguage: EN\n\n\
                    The levy doubles in April.\n";
        let (a, warnings) = parse(text);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(a.title, "Ferry levy doubled");
        assert_eq!(a.body, "The levy doubles in April.");
        assert_eq!(a.authors, ["Ana Ruiz", "Tom Bell"]);
        assert_eq!(a.date.unwrap().to_string(), "2024-03-05T00:00:00Z");
        assert_eq!(a.source.as_deref(), Some("The Harbour Gazette"));
        assert_eq!(a.url.as_deref(), Some("https://example.org/levy"));
        assert_eq!(a.topics, ["ferries", "tax"]);
        assert_eq!(a.section, ["economy", "transport"]);
        assert_eq!(a.language.as_deref(), Some("en"));
    }

    #[test]
    fn header_without_title_takes_the_next_line() {
        let (a, _) =
            parse("Date: 2024-03-05\n\nFerry levy doubled\n\nThe levy doubles.\n\nBy Ana Ruiz\n");
        assert_eq!(a.title, "Ferry levy doubled");
        assert_eq!(a.body, "The levy doubles.");
        assert_eq!(a.authors, ["Ana Ruiz"]);
    }

    #[test]
    fn a_file_of_header_lines_alone_is_a_title_only_article() {
        let (a, w) = parse("Title: Budget talks stall\nDate: 2024-03-02\nAuthor: Ana Ruiz\n");
        assert_eq!(a.title, "Budget talks stall");
        assert_eq!(
            a.date.map(|d| d.to_string()),
            Some("2024-03-02T00:00:00Z".into())
        );
        assert_eq!(a.authors, ["Ana Ruiz"]);
        assert_eq!(a.body, "");
        assert!(w.is_empty(), "{w:?}");
        let (a, _) = parse("Title: Only a title");
        assert_eq!(a.title, "Only a title");
        // One known key that is not Title, alone, is a headline.
        let (a, w) = parse("Date: talks postponed\n");
        assert_eq!((a.title.as_str(), a.date), ("Date: talks postponed", None));
        assert!(w.is_empty(), "{w:?}");
    }

    #[test]
    fn unknown_keys_are_not_a_header() {
        let (a, _) = parse("Update: ferry levy doubled\n\nThe levy doubles.\n");
        assert_eq!(a.title, "Update: ferry levy doubled");
        // a known key not followed by a blank line is a title, too
        let (a, _) = parse("Source: a leak at the ministry\nThe leak was small.\n");
        assert_eq!(a.title, "Source: a leak at the ministry");
        assert_eq!(a.body, "The leak was small.");
    }

    #[test]
    fn a_bad_header_date_is_a_warning() {
        let (a, warnings) = parse("Date: last Tuesday\n\nTitle\n\nBody.\n");
        assert_eq!(a.date, None);
        assert_eq!(
            warnings,
            ["header Date \"last Tuesday\" is not a date lede reads"]
        );
    }

    #[test]
    fn a_sentence_starting_with_by_is_body() {
        let (a, _) = parse("Title\n\nIt rained.\n\nBy then it was too late.\n");
        assert!(a.authors.is_empty());
        assert_eq!(a.body, "It rained.\n\nBy then it was too late.");
    }

    #[test]
    fn crlf_and_empty_files() {
        let (a, _) = parse("Title\r\n\r\nBody line.\r\n\r\nAuthor: x\r\n");
        assert_eq!((a.title.as_str(), a.body.as_str()), ("Title", "Body line."));
        assert_eq!(a.authors, ["x"]);
        let (a, _) = parse("\n \n");
        assert!(!a.has_text());
    }
}
