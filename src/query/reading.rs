//! How a query was read (`--explain-query`): its tree after the repairs, and the terms each
//! word becomes in each field it searches, the spellings of hyphenated words, and what kind
//! of match each part asks for.

use tantivy::tokenizer::TextAnalyzer;

use super::ast::{Node, Word, op_name};
use crate::error::QueryError;
use crate::index::analyzer::{self, Analysis};
use crate::model::FieldName;
use crate::model::{JSON_VERSION, Reading, WordReading};

/// Reads `text` as a search does (the same repair, tree and analysis) and tells how.
pub fn reading(text: &str, analysis: Analysis) -> Result<Reading, QueryError> {
    let read = super::read(text)?;
    let mut analyzer = analysis.query();
    let mut words = Vec::new();
    describe(&read.node, &mut analyzer, &mut words);
    Ok(Reading {
        lede_json: JSON_VERSION,
        query: text.to_string(),
        tree: read.tree,
        words,
        notes: read.notes,
    })
}

fn describe(node: &Node, analyzer: &mut TextAnalyzer, out: &mut Vec<WordReading>) {
    match node {
        Node::Group(clauses) => {
            for (i, (_, sub)) in clauses.iter().enumerate() {
                if let Node::LoneNear { within, ordered } = sub {
                    // `w/5` with a word missing: the operator with what stands beside it.
                    let word = |j: Option<usize>| match j.and_then(|j| clauses.get(j)) {
                        Some((_, Node::Word(w))) => w.text.clone(),
                        _ => String::new(),
                    };
                    let (a, b) = (word(i.checked_sub(1)), word(Some(i + 1)));
                    out.push(near(&a, &b, *within, *ordered, analyzer));
                    continue;
                }
                describe(sub, analyzer, out);
            }
        }
        Node::Near {
            a,
            b,
            within,
            ordered,
        } => {
            // `a w/5 b`: the operator joins its neighbours, each also listed alone.
            describe_word(a, analyzer, out);
            out.push(near(&a.text, &b.text, *within, *ordered, analyzer));
            describe_word(b, analyzer, out);
        }
        Node::LoneNear { within, ordered } => out.push(near("", "", *within, *ordered, analyzer)),
        Node::Boost(sub, _) => describe(sub, analyzer, out),
        Node::Word(word) => describe_word(word, analyzer, out),
        Node::DateRange(leaf) | Node::Other(leaf) => out.push(range(format!("{leaf:?}"))),
    }
}

fn range(text: String) -> WordReading {
    WordReading {
        text,
        fields: Vec::new(),
        terms: Vec::new(),
        spellings: Vec::new(),
        kind: "range or set".into(),
    }
}

fn near(a: &str, b: &str, within: u32, ordered: bool, analyzer: &mut TextAnalyzer) -> WordReading {
    WordReading {
        text: format!("{a} {} {b}", op_name(within, ordered)),
        fields: vec![
            FieldName::Title.name().into(),
            FieldName::Body.name().into(),
        ],
        terms: [a, b]
            .iter()
            .flat_map(|w| analyzer::tokens(analyzer, w))
            .map(|t| t.text)
            .collect(),
        spellings: Vec::new(),
        kind: if ordered {
            format!("a then b within {within}")
        } else {
            format!("near, within {within}")
        },
    }
}

fn describe_word(word: &Word, analyzer: &mut TextAnalyzer, out: &mut Vec<WordReading>) {
    let fields = match word.field {
        Some(f) => vec![f.name().to_string()],
        // Prefixes match words as written, which the exact field holds.
        None if word.prefix().is_some() => vec![FieldName::Exact.name().into()],
        None => vec![
            FieldName::Title.name().into(),
            FieldName::Body.name().into(),
        ],
    };
    let metadata = word
        .field
        .is_some_and(|f| !matches!(f, FieldName::Title | FieldName::Body));
    let (text, kind) = if word.quoted {
        let kind = if word.slop > 0 {
            format!("phrase within {}", word.slop)
        } else {
            "phrase".into()
        };
        (word.text.as_str(), kind)
    } else if let Some(stem) = word.prefix() {
        (stem, "prefix".into())
    } else if let Some((w, n)) = word.fuzzy() {
        (w, format!("fuzzy {n}"))
    } else {
        (word.text.as_str(), "word".into())
    };
    let terms = if metadata {
        let mut keyword = analyzer::keyword_analyzer();
        analyzer::tokens(&mut keyword, text)
            .into_iter()
            .map(|t| t.text)
            .collect()
    } else if kind == "prefix" {
        let mut plain = analyzer::prefix_analyzer();
        analyzer::tokens(&mut plain, text)
            .into_iter()
            .map(|t| format!("{}*", t.text))
            .collect()
    } else {
        analyzer::tokens(analyzer, text)
            .into_iter()
            .map(|t| t.text)
            .collect()
    };
    let spellings = word
        .spellings()
        .filter(|_| !metadata || word.field == Some(FieldName::Exact))
        .map(|(spaced, joined)| vec![format!("\"{}\"", spaced.text), joined.text])
        .unwrap_or_default();
    out.push(WordReading {
        text: word.text.clone(),
        fields,
        terms,
        spellings,
        kind,
    });
}
