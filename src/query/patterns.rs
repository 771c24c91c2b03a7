//! What passages highlight: the terms and phrases of a query in analysed (indexed) form, as
//! [`Pattern`]s for the body and for the title. Excluded parts and parts on other fields are
//! left out; each pattern matches where the search matches (stems, exact words, prefixes).

use tantivy::query::Occur;
use tantivy::tokenizer::TextAnalyzer;

use super::ast::{Node, Word};
use super::build::stem_prefixes;
use crate::index::analyzer;
use crate::model::FieldName;

/// Something in the query to find in the text, in analysed (indexed) form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pattern {
    Term(String),
    /// Words that must stand in this order, with at most `slop` other words between them. An
    /// empty term holds the place of a word the analyzer drops (a stop word: "bank of
    /// england" is `bank`, ``, `england`), which any word, or none, fills.
    Phrase {
        terms: Vec<String>,
        slop: u32,
    },
    /// Any term that starts with this.
    Prefix(String),
    /// Any term within `distance` edits of this one.
    Fuzzy {
        term: String,
        distance: u32,
    },
    /// A pattern of the exact field, matched against the words as written (lower-cased and
    /// folded, neither stemmed nor stripped of stop words).
    Exact(Box<Pattern>),
}

impl Pattern {
    /// The terms of the pattern as written (a prefix or a fuzzy word counts as its own term).
    pub fn terms(&self) -> &[String] {
        match self {
            Pattern::Term(t) | Pattern::Prefix(t) | Pattern::Fuzzy { term: t, .. } => {
                std::slice::from_ref(t)
            }
            Pattern::Phrase { terms, .. } => terms,
            Pattern::Exact(inner) => inner.terms(),
        }
    }

    /// Whether a single indexed term matches this pattern (phrases match term by term).
    pub fn matches(&self, text: &str) -> bool {
        match self {
            Pattern::Term(t) => t == text,
            Pattern::Prefix(p) => text.starts_with(p.as_str()),
            Pattern::Fuzzy { term, distance } => {
                strsim::damerau_levenshtein(term, text) <= *distance as usize
            }
            Pattern::Phrase { .. } | Pattern::Exact(_) => false,
        }
    }
}

/// The patterns of the body: its terms and phrases that can match body text, analysed as the
/// index is.
pub fn body_patterns(node: &Node, analyzer: &mut TextAnalyzer, exact: bool) -> Vec<Pattern> {
    let mut out = Vec::new();
    collect(node, analyzer, exact, &mut out);
    out
}

/// The patterns of the title: `title:` parts read as plain words, `body:` parts left out.
pub fn title_patterns(node: &Node, analyzer: &mut TextAnalyzer, exact: bool) -> Vec<Pattern> {
    body_patterns(&for_title(node), analyzer, exact)
}

/// The query as the title sees it: `title:` parts become plain words and `body:` parts are
/// left out (patterns are made for plain words and `body:`).
fn for_title(node: &Node) -> Node {
    let seen = |word: &Word| match word.field {
        Some(FieldName::Title) => word.with_field(None),
        Some(FieldName::Body) => word.with_field(Some(FieldName::Title)),
        _ => word.clone(),
    };
    match node {
        Node::Group(clauses) => Node::Group(
            clauses
                .iter()
                .map(|(occur, sub)| (*occur, for_title(sub)))
                .collect(),
        ),
        Node::Boost(sub, boost) => Node::Boost(Box::new(for_title(sub)), *boost),
        Node::Word(word) => Node::Word(seen(word)),
        Node::Near {
            a,
            b,
            within,
            ordered,
        } => Node::Near {
            a: seen(a),
            b: seen(b),
            within: *within,
            ordered: *ordered,
        },
        other => other.clone(),
    }
}

/// Excluded parts (NOT, -) and parts on other fields are left out.
fn collect(node: &Node, analyzer: &mut TextAnalyzer, exact: bool, out: &mut Vec<Pattern>) {
    match node {
        Node::Group(clauses) => {
            for (occur, sub) in clauses {
                if *occur != Some(Occur::MustNot) {
                    collect(sub, analyzer, exact, out);
                }
            }
        }
        Node::Near {
            a,
            b,
            within,
            ordered,
        } => near_patterns(a, b, *within, *ordered, analyzer, exact, out),
        Node::Boost(sub, _) => collect(sub, analyzer, exact, out),
        Node::Word(word) => match word.spellings() {
            Some((spaced, joined)) => {
                // A compound's spaced spelling is a phrase lede made, not one the user quoted.
                spelled_pattern(&spaced, analyzer, exact, out);
                spelled_pattern(&joined, analyzer, exact, out);
            }
            None => literal_pattern(word, analyzer, exact, out),
        },
        Node::LoneNear { .. } | Node::DateRange(_) | Node::Other(_) => {}
    }
}

/// A pattern of the exact field: the literal read as an exact word, phrase, prefix or fuzzy
/// word, matched against the words as written.
fn exact_pattern(word: &Word, out: &mut Vec<Pattern>) {
    let plain = word.with_field(None);
    let mut inner = Vec::new();
    literal_pattern(
        &plain,
        &mut analyzer::exact_analyzer(false),
        false,
        &mut inner,
    );
    for p in inner {
        push(out, Pattern::Exact(Box::new(p)));
    }
}

fn push(out: &mut Vec<Pattern>, pattern: Pattern) {
    if !out.contains(&pattern) {
        out.push(pattern);
    }
}

fn near_patterns(
    a: &Word,
    b: &Word,
    within: u32,
    ordered: bool,
    analyzer: &mut TextAnalyzer,
    exact: bool,
    out: &mut Vec<Pattern>,
) {
    if exact {
        let mut inner = Vec::new();
        near_patterns(
            a,
            b,
            within,
            ordered,
            &mut analyzer::exact_analyzer(false),
            false,
            &mut inner,
        );
        out.extend(inner.into_iter().map(|p| Pattern::Exact(Box::new(p))));
        return;
    }
    let one = |analyzer: &mut TextAnalyzer, word: &Word| {
        analyzer::tokens(analyzer, &word.text)
            .into_iter()
            .next()
            .map(|t| t.text)
    };
    let (Some(ta), Some(tb)) = (one(analyzer, a), one(analyzer, b)) else {
        return;
    };
    let slop = within.saturating_sub(1);
    push(
        out,
        Pattern::Phrase {
            terms: vec![ta.clone(), tb.clone()],
            slop,
        },
    );
    if !ordered {
        push(
            out,
            Pattern::Phrase {
                terms: vec![tb, ta],
                slop,
            },
        );
    }
}

fn literal_pattern(word: &Word, analyzer: &mut TextAnalyzer, exact: bool, out: &mut Vec<Pattern>) {
    pattern_of(word, word.quoted, analyzer, exact, out)
}

fn spelled_pattern(word: &Word, analyzer: &mut TextAnalyzer, exact: bool, out: &mut Vec<Pattern>) {
    pattern_of(word, false, analyzer, exact, out)
}

/// `user_quoted`: the user wrote the quotes (a compound's spaced spelling is quoted by lede).
fn pattern_of(
    word: &Word,
    user_quoted: bool,
    analyzer: &mut TextAnalyzer,
    exact: bool,
    out: &mut Vec<Pattern>,
) {
    // A prefix matches as the search does (`Builder::prefix`): words as written, or in `body:`
    // the stems that begin with it or with its own stem.
    if let Some(stem) = word.prefix() {
        let mut plain = analyzer::prefix_analyzer();
        let Some(prefix) = analyzer::tokens(&mut plain, stem).into_iter().next() else {
            return;
        };
        match word.field {
            None | Some(FieldName::Exact) => {
                push(out, Pattern::Exact(Box::new(Pattern::Prefix(prefix.text))))
            }
            Some(FieldName::Body) => {
                for start in stem_prefixes(&prefix.text, analyzer) {
                    push(out, Pattern::Prefix(start));
                }
            }
            _ => {}
        }
        return;
    }
    // A quoted phrase with a stop word is searched in the exact field (see `Builder::word`).
    if user_quoted && word.field.is_none() && !exact {
        let written = analyzer::tokens(&mut analyzer::exact_analyzer(false), &word.text).len();
        if written > analyzer::tokens(analyzer, &word.text).len() {
            return exact_pattern(word, out);
        }
    }
    match word.field {
        // Exact words are found among the body's words as written (lower-cased and folded).
        Some(FieldName::Exact) => return exact_pattern(word, out),
        None if exact => return exact_pattern(word, out),
        Some(f) if f != FieldName::Body => return,
        _ => {}
    }
    if let Some((text, distance)) = word.fuzzy() {
        if let Some(t) = analyzer::tokens(analyzer, text).into_iter().next() {
            push(
                out,
                Pattern::Fuzzy {
                    term: t.text,
                    distance,
                },
            );
        }
        return;
    }
    // The words with their places: a stop word the analyzer dropped leaves an empty term, as
    // it leaves a gap in the index ("bank of england" is `bank`, ``, `england`).
    let mut terms: Vec<String> = Vec::new();
    let mut next = None;
    for t in analyzer::tokens(analyzer, &word.text) {
        if let Some(next) = next {
            terms.extend((next..t.position).map(|_| String::new()));
        }
        next = Some(t.position + 1);
        terms.push(t.text);
    }
    let pattern = match terms.len() {
        0 => return,
        1 => Pattern::Term(terms.into_iter().next().unwrap_or_default()),
        // An unquoted word that analyses to several terms ("U.S.") is a phrase for tantivy too.
        _ if !word.quoted => Pattern::Phrase { terms, slop: 0 },
        _ => Pattern::Phrase {
            terms,
            slop: word.slop,
        },
    };
    push(out, pattern);
}
