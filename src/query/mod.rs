//! From what the user typed to a tantivy query, and to the patterns that passages highlight.
//!
//! The language is tantivy's (AND OR NOT + - "phrase" "phrase"~N field:word ^boost), with
//! things added: pasted text is never a syntax error (apostrophes, colons after words that are
//! no field, stray quotes are read as words, with a note saying so); a hyphenated word `a-b`
//! is read as `("a b" OR ab)`, so all three spellings find each other; field names are matched
//! without regard to case; and prefixes, fuzzy words, proximity (`w/N`, `pre/N`) and plain
//! dates work. A query that uses operators wrongly is refused with what is wrong and where.
//!
//! The steps, one file each: `repair` (pasted text), `ast` (lede's tree, lowered once from
//! tantivy's grammar), `build` (the tree made a query), `scope` (filters and dates),
//! `patterns` (what passages highlight), `reading` (`--explain-query`).

mod ast;
mod build;
pub(crate) mod patterns;
mod reading;
mod repair;
mod scope;
mod scored;

use tantivy::Term;
use tantivy::query::{
    BooleanQuery, BoostQuery, EmptyQuery, Occur, PhraseQuery, Query, QueryParser, QueryParserError,
};
use tantivy::query_grammar;
use tantivy::schema::Schema;
use tantivy::tokenizer::TextAnalyzer;

use crate::error::QueryError;
use crate::index::analyzer::{self, Analysis};
use crate::index::schema::Fields;
use crate::model::Combine;
pub use crate::model::FieldName;
use ast::Node;
pub use ast::{Word, is_hyphen};
use build::{Builder, parser_message};
pub use build::{
    MAX_FUZZY_DISTANCE, MAX_PROXIMITY, MIN_PREFIX_CHARS, lone_near, near_terms, stem_prefixes,
};
pub use patterns::Pattern;
pub use reading::reading;
pub(crate) use scope::{filter_term, scoped};
pub use scope::{fold_section, stored_sections};

/// A query whose part of a score `--explain` shows under `label`.
pub(crate) fn named(label: &str, query: Box<dyn Query>) -> Box<dyn Query> {
    scored::Named::boxed(label, query)
}

/// A clause of a boolean query.
pub(crate) type Clause = (Occur, Box<dyn Query>);

/// How much a match in the title counts against one in the body.
pub const TITLE_BOOST: f32 = 2.0;

/// The coordination bonus that makes tiers: more than the BM25 of all the words of any query
/// of ordinary length (a word scores at most about 2.2 x idf in each field, some 25 in an
/// archive of 20,000 articles), so that an article with more of the words always ranks first.
pub const COORDINATION_TIER: f32 = 1000.0;

/// Proximity bonuses for at most this many pairs of neighbouring words.
pub const MAX_PROXIMITY_PAIRS: usize = 12;

/// How matches are scored, beyond BM25. [`Ranking::DEFAULT`] was chosen with `lede eval` on
/// the TIME collection (see docs/ranking.md).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Ranking {
    /// A match in the title counts this many times one in the body.
    pub title_boost: f32,
    /// For a query of several plain words: a bonus for each pair of neighbouring words that
    /// stand within this many words of each other in the body (a sloppy phrase per pair)...
    pub proximity_slop: u32,
    /// ...weighing this much (0: no bonus).
    pub proximity_weight: f32,
    /// When any word will do, for a query of up to this many distinct words: tiers, more of
    /// the words always ranking higher ([`COORDINATION_TIER`] per word present)...
    pub tier_words: usize,
    /// ...and for a longer query (a sentence, a pasted paragraph), this bonus per word present.
    pub coordination: f32,
    /// What the exact form of a plain word adds to its score (its BM25 in the exact field,
    /// this many times), so that the word as typed outranks words that only share its stem.
    pub exact_weight: f32,
    /// In a query of up to `tier_words` keywords, a word found as typed adds a tier instead.
    pub exact_tier: bool,
    /// What a fuzzy word's candidate terms weigh at most, against 1 for the word itself.
    pub fuzzy_weight: f32,
    /// Feedback for a query longer than `tier_words` that fell back to any word (a sentence, a
    /// question): the words of its best `feedback_docs` articles...
    pub feedback_docs: usize,
    /// ...the `feedback_terms` that weigh most there (0: no feedback)...
    pub feedback_terms: usize,
    /// ...are added, optional, the heaviest weighing this much.
    pub feedback_weight: f32,
    /// `Combine::Auto` requires every word while that finds at least this many articles (and
    /// enough to fill the page asked for; 0: never falls back).
    pub min_all_hits: usize,
}

impl Ranking {
    pub const DEFAULT: Ranking = Ranking {
        title_boost: TITLE_BOOST,
        proximity_slop: 4,
        proximity_weight: 0.5,
        tier_words: 5,
        coordination: 0.0,
        exact_weight: 0.5,
        exact_tier: true,
        fuzzy_weight: 0.5,
        feedback_docs: 5,
        feedback_terms: 10,
        feedback_weight: 0.5,
        min_all_hits: 10,
    };

    /// tantivy's defaults: BM25 over the fields, no boosts or bonuses.
    pub const TANTIVY: Ranking = Ranking {
        title_boost: 1.0,
        proximity_slop: 0,
        proximity_weight: 0.0,
        tier_words: 0,
        coordination: 0.0,
        exact_weight: 0.0,
        exact_tier: false,
        fuzzy_weight: 1.0,
        feedback_docs: 0,
        feedback_terms: 0,
        feedback_weight: 0.0,
        min_all_hits: 0,
    };
}

impl Default for Ranking {
    fn default() -> Self {
        Ranking::DEFAULT
    }
}

/// A query ready to run.
pub(crate) struct ParsedQuery {
    pub query: Box<dyn Query>,
    /// The query holds no term at all (only stop words or punctuation).
    pub matches_nothing: bool,
    /// How pasted text was read, when it was not taken literally.
    pub notes: Vec<String>,
    /// What to highlight in the body.
    pub patterns: Vec<Pattern>,
    /// What to highlight in the title.
    pub title_patterns: Vec<Pattern>,
    /// How many parts the query has that only spaces join (0 when it uses operators): with
    /// fewer than two, requiring all of them or any of them is the same.
    pub implicit_clauses: usize,
}

/// The index a query is read for: its schema, its fields, and its section paths (folded and
/// as written, see [`stored_sections`]).
pub(crate) struct Target<'a> {
    pub schema: &'a Schema,
    pub fields: &'a Fields,
    pub sections: &'a [(String, String)],
}

/// A query's text read into lede's tree, with tantivy's tree in its notation (for
/// `--explain-query`) and the notes of the repairs.
struct Read {
    node: Node,
    tree: String,
    notes: Vec<String>,
}

/// Repairs `text`, parses it with tantivy's grammar and lowers the result: the one reading
/// every use of a query starts from.
fn read(text: &str) -> Result<Read, QueryError> {
    let error = |message: String, column: Option<usize>| QueryError {
        query: text.to_string(),
        message,
        column,
    };
    if text.trim().is_empty() {
        return Err(error("the query is empty".into(), None));
    }
    repair::check_depth(text, ast::MAX_DEPTH)
        .map_err(|(message, column)| error(message, Some(column)))?;
    repair::check_operators(text).map_err(|(message, column)| error(message, Some(column)))?;
    let repaired =
        repair::repair(text).map_err(|(message, column)| error(message, Some(column)))?;
    let ast = match query_grammar::parse_query(&repaired.text) {
        Ok(ast) => ast,
        Err(_) => {
            let (_, errors) = query_grammar::parse_query_lenient(&repaired.text);
            let (message, column) = errors
                .first()
                .map(|e| {
                    (
                        e.message.clone(),
                        Some(repair::column_of(&repaired.text, e.pos)),
                    )
                })
                .unwrap_or_else(|| ("operators are used wrongly".to_string(), None));
            return Err(error(message, column));
        }
    };
    let node = ast::lower(&ast).map_err(|message| error(message, None))?;
    Ok(Read {
        node,
        tree: format!("{ast:?}"),
        notes: repaired.notes,
    })
}

/// lede's tree of a query (`ast::Node`), for engines that build their own query from it.
pub type Tree = Node;

/// lede's tree of a query and the notes of its repairs, for an engine that builds its own
/// query from the tree (the OpenSearch backend).
pub fn read_tree(text: &str) -> Result<(Tree, Vec<String>), QueryError> {
    let read = read(text)?;
    Ok((read.node, read.notes))
}

/// Of a query's tree, read with `analysis`: how many parts only spaces join (see
/// `implicit_clauses`), and its analysed words when it is nothing but plain words (the pairs
/// the proximity bonus looks for).
pub fn tree_shape(node: &Tree, analysis: Analysis) -> (usize, Option<Vec<String>>) {
    let mut analyzer = analysis.query();
    (
        implicit_clauses(node, &mut analyzer),
        plain_words(node, &mut analyzer),
    )
}

/// Reads `text` as a query over title and body.
pub(crate) fn parse(
    text: &str,
    target: &Target,
    combine: Combine,
    analysis: Analysis,
    ranking: &Ranking,
    exact: bool,
) -> Result<ParsedQuery, QueryError> {
    let Target {
        schema,
        fields,
        sections,
    } = *target;
    let error = |message: String| QueryError {
        query: text.to_string(),
        message,
        column: None,
    };
    let read = read(text)?;
    let defaults = if exact {
        vec![fields.exact]
    } else {
        vec![fields.title, fields.body]
    };
    let mut parser = QueryParser::new(schema.clone(), defaults, analysis.query_tokenizers());
    if combine != Combine::Any {
        parser.set_conjunction_by_default();
    }
    if ranking.title_boost != 1.0 {
        parser.set_field_boost(fields.title, ranking.title_boost);
    }
    let mut builder = Builder {
        parser,
        analyzer: analysis.query(),
        plain: analyzer::prefix_analyzer(),
        fields: *fields,
        default_occur: match combine {
            Combine::Auto | Combine::All => Occur::Must,
            Combine::Any => Occur::Should,
        },
        title_boost: ranking.title_boost,
        exact,
        sections: sections.to_vec(),
        coordination: if combine == Combine::Any {
            ranking.coordination
        } else {
            0.0
        },
        tier_words: if combine == Combine::Any {
            ranking.tier_words
        } else {
            0
        },
        exact_weight: ranking.exact_weight,
        exact_tier: false,
        fuzzy_weight: ranking.fuzzy_weight,
        depth: 0,
    };
    let node = &read.node;
    let patterns = patterns::body_patterns(node, &mut builder.analyzer, exact);
    let title_patterns = patterns::title_patterns(node, &mut builder.analyzer, exact);
    let words = plain_words(node, &mut builder.analyzer);
    let implicit = implicit_clauses(node, &mut builder.analyzer);
    builder.exact_tier = ranking.exact_tier && (1..=ranking.tier_words).contains(&implicit);
    let query = match builder.build(node) {
        Ok(Some((Occur::MustNot, _))) => {
            Err(parser_message(&QueryParserError::AllButQueryForbidden))
        }
        Ok(Some((_, query))) => Ok(query),
        Ok(None) => Ok(Box::new(EmptyQuery) as Box<dyn Query>),
        Err(e) => Err(e),
    }
    .map_err(error)?;
    let mut notes = read.notes;
    let matches_nothing = query.is::<EmptyQuery>();
    if matches_nothing && text.chars().any(char::is_alphanumeric) && analysis.stop_words {
        notes.push(
            "the query has only stop words (the, of, and, ...), which the index leaves out"
                .to_string(),
        );
    }
    // The proximity bonus: each pair of neighbouring plain words of the query, standing close
    // together in the body, in order (a sloppy phrase per pair, as in the sequential
    // dependence model; a phrase of all the words would rarely match a long query).
    let query = match &words {
        Some(words) if words.len() >= 2 && ranking.proximity_weight > 0.0 => {
            let mut clauses: Vec<Clause> = vec![(Occur::Must, query)];
            for pair in words.windows(2).take(MAX_PROXIMITY_PAIRS) {
                let terms = pair
                    .iter()
                    .map(|w| Term::from_field_text(fields.body, w))
                    .collect();
                let mut phrase = PhraseQuery::new(terms);
                phrase.set_slop(ranking.proximity_slop);
                let bonus: Box<dyn Query> =
                    Box::new(BoostQuery::new(Box::new(phrase), ranking.proximity_weight));
                clauses.push((Occur::Should, bonus));
            }
            Box::new(BooleanQuery::new(clauses))
        }
        _ => query,
    };
    Ok(ParsedQuery {
        query,
        matches_nothing,
        notes,
        patterns,
        title_patterns,
        implicit_clauses: implicit,
    })
}

/// How many words (or phrases) of the query only spaces join, so that `Combine` decides how
/// they combine; 0 when a part has an operator of its own (`+`, `-`, AND, OR, NOT) or names a
/// field (`topic:grain`, `date:1987`: constraints the user means).
/// A proximity operator (`w/5`) is such a constraint too; a part that holds no word at all
/// (a stray `]` or `&`) is not counted.
fn implicit_clauses(node: &Node, analyzer: &mut TextAnalyzer) -> usize {
    match node {
        Node::Group(clauses) => {
            let mut count = 0;
            for (occur, sub) in clauses {
                match sub {
                    Node::Word(word) if occur.is_none() && word.field.is_none() => {
                        if !analyzer::tokens(analyzer, &word.text).is_empty() {
                            count += 1;
                        }
                    }
                    _ => return 0,
                }
            }
            count
        }
        _ => 1,
    }
}

/// The analysed words of a query that is nothing but plain words (no operators, fields,
/// quotes, prefixes or compounds); `None` for any other query.
fn plain_words(node: &Node, analyzer: &mut TextAnalyzer) -> Option<Vec<String>> {
    let leaves: Vec<&Node> = match node {
        Node::Group(clauses) => {
            if clauses.iter().any(|(occur, _)| occur.is_some()) {
                return None;
            }
            clauses.iter().map(|(_, sub)| sub).collect()
        }
        Node::Boost(..) => return None,
        leaf => vec![leaf],
    };
    let mut words = Vec::new();
    for leaf in leaves {
        let Node::Word(word) = leaf else {
            return None;
        };
        let plain = !word.quoted
            && word.field.is_none()
            && !word.text.contains(['*', '~'])
            // A closed compound (`antisatellite`) counts: its own word is one term, as for
            // any word; its spaced spelling is only another way to match.
            && !ast::is_compound(&word.text);
        if !plain {
            return None;
        }
        words.extend(
            analyzer::tokens(analyzer, &word.text)
                .into_iter()
                .map(|t| t.text),
        );
    }
    Some(words)
}

/// The note of the fall-back to any word: how many articles have all `words` (true under any
/// sort), and, when the hits are ranked in coordination tiers, that those come first.
pub fn fallback_note(all: usize, words: usize, tiers: bool) -> String {
    let every = if words == 2 {
        "both words".to_string()
    } else {
        format!("all {words} words")
    };
    let have = match all {
        0 => format!("no article has {every}"),
        1 => format!("only 1 article has {every}"),
        n => format!("only {n} articles have {every}"),
    };
    let order = match (tiers, all) {
        (false, _) => String::new(),
        (true, 0) => ", more of the words ranking higher".to_string(),
        (true, 1) => ", more of the words ranking higher (that one first)".to_string(),
        (true, n) => format!(", more of the words ranking higher (those {n} first)"),
    };
    format!("{have}: showing articles with any of them{order}")
}

#[cfg(test)]
mod tests;
