//! Unit tests of the query front: repairs, spellings, patterns.

use super::ast::{Node, Word, closed_compound, lower};
use super::patterns::{Pattern, body_patterns};
use super::repair::{check_operators, repair};
use crate::index::analyzer;
use tantivy::query_grammar;

fn repaired(q: &str) -> String {
    repair(q)
        .map(|r| r.text)
        .unwrap_or_else(|e| format!("ERR {e:?}"))
}

#[test]
fn pasted_text_is_escaped() {
    assert_eq!(repaired("Russia's"), "Russia\\'s");
    assert_eq!(repaired("VIET NAM'S"), "VIET NAM\\'S");
    assert_eq!(repaired("US media: talks"), "US media\\: talks");
    assert_eq!(repaired("Date: talks postponed"), "Date\\: talks postponed");
    assert_eq!(repaired("\"anti satellite"), "\\\"anti satellite");
    assert_eq!(repaired("US - China"), "US \\- China");
    assert_eq!(repaired("2^n [draft]"), "2\\^n \\[draft\\]");
}

#[test]
fn operators_are_kept() {
    assert_eq!(repaired("title:space -launch"), "title:space -launch");
    assert_eq!(repaired("Title:space"), "title:space");
    assert_eq!(
        repaired("\"anti satellite\"~2 weapon^2"),
        "\"anti satellite\"~2 weapon^2"
    );
    assert_eq!(repaired("'anti satellite' test"), "\"anti satellite\" test");
    assert_eq!(repaired("(a OR b) AND c"), "(a OR b) AND c");
}

#[test]
fn unbalanced_parentheses_are_errors_with_columns() {
    assert_eq!(
        repair("(a OR b").err(),
        Some(("'(' is never closed".into(), 1))
    );
    assert_eq!(repair("a b)").err(), Some(("')' closes no '('".into(), 4)));
    assert_eq!(
        repair("title: ").err(),
        Some(("'title:' needs a word or phrase after it".into(), 6))
    );
}

#[test]
fn dangling_operators_are_errors_with_columns() {
    let err = |q: &str| check_operators(q).err();
    assert_eq!(
        err("a AND"),
        Some(("'AND' needs a word after it".into(), 3))
    );
    assert_eq!(err("OR b"), Some(("'OR' needs a word before it".into(), 1)));
    assert_eq!(
        err("a AND OR b"),
        Some(("'AND' needs a word after it".into(), 3))
    );
    assert_eq!(
        err("satellite NOT"),
        Some(("'NOT' needs a word after it".into(), 11))
    );
    assert_eq!(
        err("(a OR) b"),
        Some(("'OR' needs a word after it".into(), 4))
    );
    assert_eq!(
        err("\"a b\"~ c"),
        Some((
            "'~' after a phrase needs the number of words it may stretch by (\"a b\"~2)".into(),
            1
        ))
    );
    assert_eq!(
        err("c debris^-1"),
        Some(("'^-1': a boost is a positive number (debris^2)".into(), 3))
    );
    assert_eq!(
        err("title:*"),
        Some((
            "'title:*': give the field a word or a prefix (title:satell*); '*' alone matches every article".into(),
            1
        ))
    );
    assert_eq!(
        err("date:[2024 TO]"),
        Some((
            "a range needs a value after TO ([2024 TO 2025], or [2024 TO *] for no end)".into(),
            12
        ))
    );
    for q in ["date:[TO 1987-03-02]", "date:[ TO 1987]", "date:{TO 1987}"] {
        assert_eq!(
            err(q),
            Some((
                "a range needs a value before TO ([2024 TO 2025], or [* TO 2025] for no start)"
                    .into(),
                1
            )),
            "{q}"
        );
    }
    assert_eq!(err("date:[* TO 1987]"), None);
    assert_eq!(err("\"x^2 y\" debris^1.5 \"a b\"~3"), None);
    assert_eq!(err("a AND NOT b"), None);
    assert_eq!(err("\"a AND\" b"), None);
    assert_eq!(err("cats and dogs or mice"), None);
}

#[test]
fn notes_say_how_text_was_read() {
    let r = repair("US media: Russia's \"talks").unwrap();
    assert_eq!(
        r.notes,
        [
            "read the unmatched '\"' at column 20 as part of the text",
            "read \"media:\" as a word: 'media' is not a field (fields: title, body, exact, author, source, section, topic, place, person, org, language, format, date)",
            "read the apostrophe in \"Russia's\" as part of the word",
        ]
    );
}

#[test]
fn stray_symbols_and_labels_are_noted() {
    assert_eq!(
        repair("US - China ] debris^").unwrap().notes,
        [
            "read the lone '-' at column 4 as text",
            "read the ']' at column 12 as text",
            "read the '^' at column 20 as text",
        ]
    );
    assert_eq!(
        repair("Date: talks").unwrap().notes,
        ["read \"Date:\" as a word: a space follows the colon (for the field, write date:VALUE)"]
    );
}

/// The one word of a query.
fn word(query: &str) -> Word {
    let node = lower(&query_grammar::parse_query(query).unwrap()).unwrap();
    match node {
        Node::Word(w) => w,
        Node::Group(mut clauses) if clauses.len() == 1 => match clauses.remove(0).1 {
            Node::Word(w) => w,
            other => panic!("not a word: {other:?}"),
        },
        other => panic!("not a word: {other:?}"),
    }
}

#[test]
fn hyphenated_words_have_two_other_spellings() {
    let (spaced, joined) = word("anti-satellite").spellings().unwrap();
    assert_eq!(
        format!("{:?} {:?}", spaced.literal(), joined.literal()),
        "\"anti satellite\" antisatellite"
    );
    assert!(word("F-16").spellings().is_some());
    assert!(word("a--").spellings().is_none());
    assert!(word("\"anti-satellite\"").spellings().is_none());
}

#[test]
fn closed_compounds_with_a_known_prefix_are_also_searched_spaced() {
    let (spaced, joined) = word("antisatellite").spellings().unwrap();
    assert_eq!(
        format!("{:?} {:?}", spaced.literal(), joined.literal()),
        "\"anti satellite\" antisatellite"
    );
    let (spaced, _) = word("Counterterrorism").spellings().unwrap();
    assert_eq!(spaced.text, "Counter terrorism");
    // The longest prefix wins: "multi", not "mu..."; "super" not "sub".
    assert_eq!(
        closed_compound("multinational"),
        Some(("multi", "national"))
    );
    // Too short a rest, not a prefix, digits, or quoted: no other spelling.
    assert!(word("antique").spellings().is_none());
    assert!(word("overtime").spellings().is_none());
    assert!(word("non2000").spellings().is_none());
    assert!(word("\"antisatellite\"").spellings().is_none());
}

fn patterns_of(query: &str) -> Vec<Pattern> {
    let node = lower(&query_grammar::parse_query(query).unwrap()).unwrap();
    body_patterns(&node, &mut analyzer::query_analyzer(), false)
}

#[test]
fn prefixes_are_highlighted_where_the_search_matches_them() {
    // Unfielded: words as written, like the exact field the search runs on.
    assert_eq!(
        patterns_of("satellite*"),
        [Pattern::Exact(Box::new(Pattern::Prefix(
            "satellite".into()
        )))]
    );
    // body: stems beginning with the prefix's stem or with the prefix itself.
    assert_eq!(
        patterns_of("body:satellite*"),
        [
            Pattern::Prefix("satellit".into()),
            Pattern::Prefix("satellite".into())
        ]
    );
    assert!(patterns_of("title:satellite*").is_empty());
}

#[test]
fn a_stop_word_in_a_phrase_keeps_its_place() {
    let gap = |terms: &[&str]| Pattern::Phrase {
        terms: terms.iter().map(|t| t.to_string()).collect(),
        slop: 0,
    };
    // Quoted, a phrase with a stop word is searched as written in the exact field (issue 13),
    // stop words included; unquoted compounds keep the gap.
    assert_eq!(
        patterns_of("\"bank of england\""),
        [Pattern::Exact(Box::new(gap(&["bank", "of", "england"])))]
    );
    assert_eq!(
        patterns_of("state-of-the-art")[0],
        gap(&["state", "", "", "art"])
    );
    // Quoted, a leading stop word is kept too (issue 13: `"The Who"` is not `who`).
    assert_eq!(
        patterns_of("\"the bank\""),
        [Pattern::Exact(Box::new(gap(&["the", "bank"])))]
    );
}

#[test]
fn patterns_leave_out_excluded_and_title_only_parts() {
    assert_eq!(
        patterns_of("anti-satellite -launch title:orbit \"space force\""),
        [
            Pattern::Phrase {
                terms: vec!["anti".into(), "satellit".into()],
                slop: 0
            },
            Pattern::Term("antisatellit".into()),
            Pattern::Phrase {
                terms: vec!["space".into(), "forc".into()],
                slop: 0
            },
        ]
    );
}
