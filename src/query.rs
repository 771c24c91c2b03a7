//! From what the user typed to a tantivy query, and to the patterns that passages highlight.
//!
//! The language is tantivy's (AND OR NOT + - "phrase" "phrase"~N field:word ^boost), with
//! things added: pasted text is never a syntax error (apostrophes, colons after words that are
//! no field, stray quotes are read as words, with a note saying so); a hyphenated word `a-b`
//! is read as `("a b" OR ab)`, so all three spellings find each other; field names are matched
//! without regard to case; and prefixes, fuzzy words, proximity (`w/N`, `pre/N`) and plain
//! dates work. A query that uses operators wrongly is refused with what is wrong and where.

use std::ops::Bound;

use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, EmptyQuery, FuzzyTermQuery,
    PhraseQuery, Query, QueryParser, QueryParserError, RangeQuery, RegexQuery, TermQuery,
};
use tantivy::query_grammar::{
    self, Delimiter, Occur, UserInputAst, UserInputBound, UserInputLeaf, UserInputLiteral,
};
use tantivy::schema::{Facet, Field, IndexRecordOption, Schema};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DateTime, Term};

use crate::analyzer::{self, Analysis};
use crate::dates;
use crate::error::QueryError;
use crate::facets::FacetField;
use crate::passages::Pattern;
use crate::schema::{Fields, QUERY_FIELDS};
use crate::search::Scope;

/// How much a match in the title counts against one in the body.
pub const TITLE_BOOST: f32 = 2.0;

/// How words without operators combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Combine {
    /// Every word is required while that finds enough articles; otherwise any word, articles
    /// with more of them first (the default: keyword queries and whole sentences both work).
    #[default]
    Auto,
    /// Every word is required.
    All,
    /// Any word will do; more words rank higher.
    Any,
}

/// How matches are scored, beyond BM25. [`Ranking::DEFAULT`] was chosen with `lede eval` on
/// the TIME collection (see README, "Ranking").
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Ranking {
    /// A match in the title counts this many times one in the body.
    pub title_boost: f32,
    /// For a query of several plain words: a bonus for each pair of neighbouring words that
    /// stand within this many words of each other in the body (a sloppy phrase per pair)...
    pub proximity_slop: u32,
    /// ...weighing this much (0: no bonus).
    pub proximity_weight: f32,
    /// When any word will do: a bonus per query word an article has.
    pub coordination: f32,
    /// `Combine::Auto` requires every word while that finds at least this many articles (and
    /// enough to fill the page asked for; 0: never falls back).
    pub min_all_hits: usize,
}

impl Ranking {
    pub const DEFAULT: Ranking = Ranking {
        title_boost: TITLE_BOOST,
        proximity_slop: 4,
        proximity_weight: 0.5,
        coordination: 0.0,
        min_all_hits: 10,
    };

    /// tantivy's defaults: BM25 over the fields, no boosts or bonuses.
    pub const TANTIVY: Ranking = Ranking {
        title_boost: 1.0,
        proximity_slop: 0,
        proximity_weight: 0.0,
        coordination: 0.0,
        min_all_hits: 0,
    };
}

impl Default for Ranking {
    fn default() -> Self {
        Ranking::DEFAULT
    }
}

/// A query ready to run.
pub struct ParsedQuery {
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
pub struct Target<'a> {
    pub schema: &'a Schema,
    pub fields: &'a Fields,
    pub sections: &'a [(String, String)],
}

/// Reads `text` as a query over title and body.
pub fn parse(
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
    let error = |message: String, column: Option<usize>| QueryError {
        query: text.to_string(),
        message,
        column,
    };
    if text.trim().is_empty() {
        return Err(error("the query is empty".into(), None));
    }
    check_operators(text).map_err(|(message, column)| error(message, Some(column)))?;
    let repaired = repair(text).map_err(|(message, column)| error(message, Some(column)))?;
    let ast = match query_grammar::parse_query(&repaired.text) {
        Ok(ast) => ast,
        Err(_) => {
            let (_, errors) = query_grammar::parse_query_lenient(&repaired.text);
            let (message, column) = errors
                .first()
                .map(|e| (e.message.clone(), Some(column_of(&repaired.text, e.pos))))
                .unwrap_or_else(|| ("operators are used wrongly".to_string(), None));
            return Err(error(message, column));
        }
    };
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
    };
    let mut patterns = Vec::new();
    collect_patterns(&ast, &mut builder.analyzer, exact, &mut patterns);
    let mut title_patterns = Vec::new();
    collect_patterns(
        &for_title(&ast),
        &mut builder.analyzer,
        exact,
        &mut title_patterns,
    );
    let words = plain_words(&ast, &mut builder.analyzer);
    let implicit = implicit_clauses(&ast, &mut builder.analyzer);
    let query = match builder.build(&ast) {
        Ok(Some((Occur::MustNot, _))) => {
            Err(parser_message(&QueryParserError::AllButQueryForbidden))
        }
        Ok(Some((_, query))) => Ok(query),
        Ok(None) => Ok(Box::new(EmptyQuery) as Box<dyn Query>),
        Err(e) => Err(e),
    }
    .map_err(|message| error(message, None))?;
    let mut notes = repaired.notes;
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

/// How a query was read (`--explain-query`): its tree after the repairs, and the terms each
/// word becomes in each field it searches.
#[derive(Debug, Clone, serde::Serialize)]
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

#[derive(Debug, Clone, serde::Serialize)]
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

/// Reads `text` as [`parse`] does and tells how.
pub fn reading(text: &str, analysis: Analysis) -> Result<Reading, QueryError> {
    let error = |message: String, column: Option<usize>| QueryError {
        query: text.to_string(),
        message,
        column,
    };
    check_operators(text).map_err(|(message, column)| error(message, Some(column)))?;
    let repaired = repair(text).map_err(|(message, column)| error(message, Some(column)))?;
    let ast = query_grammar::parse_query(&repaired.text)
        .map_err(|_| error("operators are used wrongly".into(), None))?;
    let mut analyzer = analysis.query();
    let mut words = Vec::new();
    describe_leaves(&ast, &mut analyzer, &mut words);
    Ok(Reading {
        lede_json: crate::search::JSON_VERSION,
        query: text.to_string(),
        tree: format!("{ast:?}"),
        words,
        notes: repaired.notes,
    })
}

fn describe_leaves(ast: &UserInputAst, analyzer: &mut TextAnalyzer, out: &mut Vec<WordReading>) {
    match ast {
        UserInputAst::Clause(clauses) => {
            for (i, (_, sub)) in clauses.iter().enumerate() {
                if let Some((within, ordered)) = proximity(sub) {
                    // `a w/5 b`: the operator joins its neighbours (each also listed alone).
                    let word = |j: Option<usize>| {
                        j.and_then(|j| clauses.get(j))
                            .and_then(|(_, sub)| literal(sub))
                            .map_or("", |lit| lit.phrase.as_str())
                    };
                    let (a, b) = (word(i.checked_sub(1)), word(Some(i + 1)));
                    out.push(WordReading {
                        text: format!("{a} {} {b}", op_name(within, ordered)),
                        fields: vec!["title".into(), "body".into()],
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
                    });
                    continue;
                }
                describe_leaves(sub, analyzer, out);
            }
        }
        UserInputAst::Boost(sub, _) => describe_leaves(sub, analyzer, out),
        UserInputAst::Leaf(leaf) => {
            let Some(lit) = (match leaf.as_ref() {
                UserInputLeaf::Literal(lit) => Some(lit),
                _ => None,
            }) else {
                out.push(WordReading {
                    text: format!("{leaf:?}"),
                    fields: Vec::new(),
                    terms: Vec::new(),
                    spellings: Vec::new(),
                    kind: "range or set".into(),
                });
                return;
            };
            let fields = match &lit.field_name {
                Some(f) => vec![f.clone()],
                // Prefixes match words as written, which the exact field holds.
                None if lit.delimiter == Delimiter::None && lit.phrase.ends_with('*') => {
                    vec!["exact".into()]
                }
                None => vec!["title".into(), "body".into()],
            };
            let metadata = lit
                .field_name
                .as_deref()
                .is_some_and(|f| !matches!(f, "title" | "body"));
            let (word, kind) = if lit.delimiter != Delimiter::None {
                let kind = if lit.slop > 0 {
                    format!("phrase within {}", lit.slop)
                } else {
                    "phrase".into()
                };
                (lit.phrase.as_str(), kind)
            } else if let Some(stem) = lit.phrase.strip_suffix('*') {
                (stem, "prefix".into())
            } else if let Some((w, n)) = fuzzy_suffix(&lit.phrase) {
                (w, format!("fuzzy {n}"))
            } else {
                (lit.phrase.as_str(), "word".into())
            };
            let terms = if metadata {
                let mut keyword = analyzer::keyword_analyzer();
                analyzer::tokens(&mut keyword, word)
                    .into_iter()
                    .map(|t| t.text)
                    .collect()
            } else if kind == "prefix" {
                let mut plain = analyzer::prefix_analyzer();
                analyzer::tokens(&mut plain, word)
                    .into_iter()
                    .map(|t| format!("{}*", t.text))
                    .collect()
            } else {
                analyzer::tokens(analyzer, word)
                    .into_iter()
                    .map(|t| t.text)
                    .collect()
            };
            let spellings = spellings(lit)
                .filter(|_| !metadata || lit.field_name.as_deref() == Some("exact"))
                .map(|(spaced, joined)| vec![format!("\"{}\"", spaced.phrase), joined.phrase])
                .unwrap_or_default();
            out.push(WordReading {
                text: lit.phrase.clone(),
                fields,
                terms,
                spellings,
                kind,
            });
        }
    }
}

/// How many words (or phrases) of the query only spaces join, so that `Combine` decides how
/// they combine; 0 when a part has an operator of its own (`+`, `-`, AND, OR, NOT) or names a
/// field (`topic:grain`, `date:1987`: constraints the user means).
/// A proximity operator (`w/5`) is such a constraint too; a part that holds no word at all
/// (a stray `]` or `&`) is not counted.
fn implicit_clauses(ast: &UserInputAst, analyzer: &mut TextAnalyzer) -> usize {
    let text = |sub: &UserInputAst| {
        literal(sub).is_some_and(|lit| lit.field_name.is_none()) && proximity(sub).is_none()
    };
    match ast {
        UserInputAst::Clause(clauses)
            if clauses
                .iter()
                .all(|(occur, sub)| occur.is_none() && text(sub)) =>
        {
            clauses
                .iter()
                .filter_map(|(_, sub)| literal(sub))
                .filter(|lit| !analyzer::tokens(analyzer, &lit.phrase).is_empty())
                .count()
        }
        UserInputAst::Clause(_) => 0,
        _ => 1,
    }
}

/// The analysed words of a query that is nothing but plain words (no operators, fields,
/// quotes, prefixes or compounds); `None` for any other query.
fn plain_words(ast: &UserInputAst, analyzer: &mut TextAnalyzer) -> Option<Vec<String>> {
    let leaves: Vec<&UserInputAst> = match ast {
        UserInputAst::Clause(clauses) => {
            if clauses.iter().any(|(occur, _)| occur.is_some()) {
                return None;
            }
            clauses.iter().map(|(_, sub)| sub).collect()
        }
        leaf @ UserInputAst::Leaf(_) => vec![leaf],
        UserInputAst::Boost(..) => return None,
    };
    let mut words = Vec::new();
    for leaf in leaves {
        if proximity(leaf).is_some() {
            return None;
        }
        let lit = literal(leaf)?;
        let plain = lit.delimiter == Delimiter::None
            && lit.field_name.is_none()
            && !lit.phrase.contains(['*', '~'])
            && spellings(lit).is_none();
        if !plain {
            return None;
        }
        words.extend(
            analyzer::tokens(analyzer, &lit.phrase)
                .into_iter()
                .map(|t| t.text),
        );
    }
    Some(words)
}

/// Turns the grammar's tree into a query. Most leaves are built by tantivy's parser (fields,
/// analysis, boosts); the tree is built here, so that a hyphenated word becomes a
/// disjunction-max of its spellings (one spelling's match, not the sum of both, so no
/// spelling outranks another), `a AND NOT b` excludes `b` as it should, and the syntax
/// tantivy 0.27 lacks works: `satell*`, `satelite~1`, `a w/5 b`, `a pre/5 b`, plain dates.
struct Builder {
    parser: QueryParser,
    /// The query analyzer (stems).
    analyzer: TextAnalyzer,
    /// Lower case and folding only: for prefixes, which must not be stemmed.
    plain: TextAnalyzer,
    fields: Fields,
    default_occur: Occur,
    title_boost: f32,
    /// Words without a field search the exact field (`--exact`).
    exact: bool,
    /// The index's section paths, folded and as written (see [`stored_sections`]).
    sections: Vec<(String, String)>,
    /// Any-word queries: a constant bonus per clause an article matches.
    coordination: f32,
}

type Clause = (Occur, Box<dyn Query>);

/// The longest edit distance `word~N` accepts.
const MAX_FUZZY_DISTANCE: u32 = 2;

/// Proximity bonuses for at most this many pairs of neighbouring words.
const MAX_PROXIMITY_PAIRS: usize = 12;

/// The widest window `a w/N b` accepts.
const MAX_PROXIMITY: u32 = 50;

/// The shortest prefix `prefix*` accepts, in characters.
const MIN_PREFIX_CHARS: usize = 2;

impl Builder {
    /// The query for `ast` and how it combines with its siblings; `None` when it holds no
    /// words at all (a lone dash, say), so it neither requires nor excludes anything.
    fn build(&mut self, ast: &UserInputAst) -> Result<Option<Clause>, String> {
        // `w/5` where no clause list holds it with a word on each side (the whole query).
        if let Some((within, ordered)) = proximity(ast) {
            return Err(format!(
                "'{}' needs a word on each side",
                op_name(within, ordered)
            ));
        }
        match ast {
            UserInputAst::Clause(clauses) => {
                let mut subs: Vec<Clause> = Vec::new();
                let mut i = 0;
                while i < clauses.len() {
                    let (occur, sub) = &clauses[i];
                    let occur = occur.unwrap_or(self.default_occur);
                    // `a w/5 b` and `a pre/5 b`: three clauses make one.
                    if let Some((within, ordered)) =
                        clauses.get(i + 1).and_then(|(_, op)| proximity(op))
                    {
                        let (Some(a), Some((_, b))) = (literal(sub), clauses.get(i + 2)) else {
                            return Err(format!(
                                "'{}' needs a word on each side",
                                op_name(within, ordered)
                            ));
                        };
                        let Some(b) = literal(b) else {
                            return Err(format!(
                                "'{}' needs a word on each side",
                                op_name(within, ordered)
                            ));
                        };
                        let query = self.near(a, b, within, ordered)?;
                        subs.push((Occur::compose(occur, Occur::Should), query));
                        i += 3;
                        continue;
                    }
                    if let Some((within, ordered)) = proximity(sub) {
                        return Err(format!(
                            "'{}' needs a word on each side",
                            op_name(within, ordered)
                        ));
                    }
                    if let Some((sub_occur, query)) = self.build(sub)? {
                        // `a AND NOT b`: the grammar nests `NOT b` as a required clause of its
                        // own, which matches nothing; it belongs to this clause as an exclusion.
                        subs.push((Occur::compose(occur, sub_occur), query));
                    }
                    i += 1;
                }
                if self.coordination > 0.0 && subs.len() > 1 {
                    let bonus: Vec<Clause> = subs
                        .iter()
                        .filter(|(o, _)| *o == Occur::Should)
                        .map(|(_, q)| {
                            let q: Box<dyn Query> =
                                Box::new(ConstScoreQuery::new(q.box_clone(), self.coordination));
                            (Occur::Should, q)
                        })
                        .collect();
                    subs.extend(bonus);
                }
                match subs.len() {
                    0 => Ok(None),
                    // A group matches where its contents match.
                    1 => Ok(subs.pop().map(|(occur, query)| match occur {
                        Occur::MustNot => (Occur::MustNot, query),
                        _ => (Occur::Should, query),
                    })),
                    _ if subs.iter().all(|(o, _)| *o == Occur::MustNot) => {
                        // Only exclusions: keep them together, excluded as one.
                        let any: Vec<Clause> =
                            subs.into_iter().map(|(_, q)| (Occur::Should, q)).collect();
                        Ok(Some((Occur::MustNot, Box::new(BooleanQuery::new(any)))))
                    }
                    _ => Ok(Some((Occur::Should, Box::new(BooleanQuery::new(subs))))),
                }
            }
            UserInputAst::Boost(sub, boost) => Ok(self.build(sub)?.map(|(occur, query)| {
                let boosted: Box<dyn Query> =
                    Box::new(BoostQuery::new(query, boost.into_inner() as f32));
                (occur, boosted)
            })),
            UserInputAst::Leaf(leaf) => self.leaf_clause(leaf),
        }
    }

    fn leaf_clause(&mut self, leaf: &UserInputLeaf) -> Result<Option<Clause>, String> {
        match leaf {
            UserInputLeaf::Range {
                field: Some(f),
                lower,
                upper,
            } if f == "date" => Ok(Some((Occur::Should, self.date_range(lower, upper)?))),
            UserInputLeaf::Literal(lit) if lit.field_name.as_deref() == Some("date") => {
                let (from, to) = dates::period(&lit.phrase).ok_or_else(|| bad_date(&lit.phrase))?;
                Ok(Some((
                    Occur::Should,
                    date_query(self.fields.date, Some(from), Some(to)),
                )))
            }
            UserInputLeaf::Literal(lit)
                if is_text_field(lit) && lit.delimiter == Delimiter::None =>
            {
                // tantivy's grammar keeps `*` and `~1` inside an unquoted word: read them here.
                if let Some(stem) = lit.phrase.strip_suffix('*').filter(|s| !s.contains('*')) {
                    return Ok(Some((Occur::Should, self.prefix(lit, stem)?)));
                }
                if let Some((word, distance)) = fuzzy_suffix(&lit.phrase) {
                    return Ok(Some((Occur::Should, self.fuzzy(lit, word, distance)?)));
                }
                self.literal_clause(lit, leaf)
            }
            UserInputLeaf::Literal(lit) => self.literal_clause(lit, leaf),
            other => Ok(Some((Occur::Should, self.leaf(other.clone())?))),
        }
    }

    fn literal_clause(
        &mut self,
        lit: &UserInputLiteral,
        leaf: &UserInputLeaf,
    ) -> Result<Option<Clause>, String> {
        // Words that analyse to nothing (stop words, punctuation) neither require nor exclude;
        // the exact field keeps stop words, and metadata values are taken whole.
        let empty = match lit.field_name.as_deref() {
            Some("exact") => {
                analyzer::tokens(&mut analyzer::exact_analyzer(false), &lit.phrase).is_empty()
            }
            None if self.exact => {
                analyzer::tokens(&mut analyzer::exact_analyzer(false), &lit.phrase).is_empty()
            }
            None | Some("title" | "body") => {
                analyzer::tokens(&mut self.analyzer, &lit.phrase).is_empty()
            }
            Some(_) => lit.phrase.trim().is_empty(),
        };
        if empty {
            return Ok(None);
        }
        // Metadata values are taken whole: `topic:money-fx` is no compound to respell, a
        // section may be written without its leading slash, and formats are lower case.
        match lit.field_name.as_deref() {
            Some("section") => {
                let mut any: Vec<Clause> = Vec::new();
                for path in stored_sections(&self.sections, &lit.phrase) {
                    let path = UserInputLiteral {
                        phrase: path,
                        ..lit.clone()
                    };
                    any.push((Occur::Should, self.leaf(path)?));
                }
                return Ok(Some(match any.len() {
                    1 => any.remove(0),
                    _ => (Occur::Should, Box::new(BooleanQuery::new(any))),
                }));
            }
            Some("format") if lit.phrase.chars().any(char::is_uppercase) => {
                let lower = UserInputLiteral {
                    phrase: lit.phrase.to_lowercase(),
                    ..lit.clone()
                };
                return Ok(Some((Occur::Should, self.leaf(lower)?)));
            }
            _ => {}
        }
        if is_text_field(lit)
            && let Some((spaced, joined)) = spellings(lit)
        {
            let spellings = vec![self.leaf(spaced)?, self.leaf(joined)?];
            return Ok(Some((
                Occur::Should,
                Box::new(DisjunctionMaxQuery::new(spellings)),
            )));
        }
        Ok(Some((Occur::Should, self.leaf(leaf.clone())?)))
    }

    fn leaf(&self, leaf: impl Into<UserInputLeaf>) -> Result<Box<dyn Query>, String> {
        self.parser
            .build_query_from_user_input_ast(UserInputAst::Leaf(Box::new(leaf.into())))
            .map_err(|e| parser_message(&e))
    }

    /// The text fields a literal searches, with their boosts.
    fn text_fields(&self, lit: &UserInputLiteral) -> Vec<(Field, f32)> {
        match lit.field_name.as_deref() {
            Some("title") => vec![(self.fields.title, 1.0)],
            Some("body") => vec![(self.fields.body, 1.0)],
            Some("exact") => vec![(self.fields.exact, 1.0)],
            None if self.exact => vec![(self.fields.exact, 1.0)],
            _ => vec![
                (self.fields.title, self.title_boost),
                (self.fields.body, 1.0),
            ],
        }
    }

    /// One query per text field, boosted, any of them.
    fn per_field(
        &self,
        lit: &UserInputLiteral,
        make: impl Fn(Field) -> Result<Box<dyn Query>, String>,
    ) -> Result<Box<dyn Query>, String> {
        let mut any: Vec<Clause> = Vec::new();
        for (field, boost) in self.text_fields(lit) {
            let q = make(field)?;
            let q: Box<dyn Query> = if boost == 1.0 {
                q
            } else {
                Box::new(BoostQuery::new(q, boost))
            };
            any.push((Occur::Should, q));
        }
        Ok(Box::new(BooleanQuery::new(any)))
    }

    /// `satell*`: every word that starts with the prefix (lower-cased and folded, not
    /// stemmed). Words are matched as written, in the exact field, so that `satellite*` finds
    /// "satellites" and `organiz*` "organization"; within `title:` or `body:`, which hold stems,
    /// the prefix or its own stem begins the stem (`title:satellite*` finds "satellites").
    fn prefix(&mut self, lit: &UserInputLiteral, stem: &str) -> Result<Box<dyn Query>, String> {
        let tokens = analyzer::tokens(&mut self.plain, stem);
        let [token] = tokens.as_slice() else {
            return Err(format!(
                "'{}': a prefix is one word (quote several: \"space sat\"*)",
                lit.phrase
            ));
        };
        if token.text.chars().count() < MIN_PREFIX_CHARS {
            return Err(format!(
                "'{}': a prefix needs at least {MIN_PREFIX_CHARS} letters",
                lit.phrase
            ));
        }
        // Analysed text is letters and digits only: nothing to escape in the patterns.
        let regex = |pattern: &str, field| {
            RegexQuery::from_pattern(pattern, field)
                .map(|q| Box::new(q) as Box<dyn Query>)
                .map_err(|e| e.to_string())
        };
        if matches!(lit.field_name.as_deref(), None | Some("exact")) {
            return regex(&format!("{}.*", token.text), self.fields.exact);
        }
        let starts = stem_prefixes(&token.text, &mut self.analyzer);
        let pattern = format!("({}).*", starts.join("|"));
        self.per_field(lit, |field| regex(&pattern, field))
    }

    /// `satelite~1`: words within that many edits (insertions, deletions, substitutions,
    /// transpositions) of the word.
    fn fuzzy(
        &mut self,
        lit: &UserInputLiteral,
        word: &str,
        distance: u32,
    ) -> Result<Box<dyn Query>, String> {
        if distance == 0 || distance > MAX_FUZZY_DISTANCE {
            return Err(format!(
                "'{}': a fuzzy word takes 1 to {MAX_FUZZY_DISTANCE} edits (the word alone \
                 finds itself)",
                lit.phrase
            ));
        }
        let exact =
            lit.field_name.as_deref() == Some("exact") || (lit.field_name.is_none() && self.exact);
        let tokens = if exact {
            analyzer::tokens(&mut analyzer::exact_analyzer(false), word)
        } else {
            analyzer::tokens(&mut self.analyzer, word)
        };
        let [token] = tokens.as_slice() else {
            return Err(format!("'{}': fuzzy matching takes one word", lit.phrase));
        };
        let distance = distance as u8;
        self.per_field(lit, |field| {
            Ok(Box::new(FuzzyTermQuery::new(
                Term::from_field_text(field, &token.text),
                distance,
                true,
            )) as Box<dyn Query>)
        })
    }

    /// `a w/N b` (either order) or `a pre/N b` (a first): the words within N words.
    fn near(
        &mut self,
        a: &UserInputLiteral,
        b: &UserInputLiteral,
        within: u32,
        ordered: bool,
    ) -> Result<Box<dyn Query>, String> {
        let one = |analyzer: &mut TextAnalyzer, lit: &UserInputLiteral| -> Result<String, String> {
            let tokens = analyzer::tokens(analyzer, &lit.phrase);
            match tokens.as_slice() {
                [t] => Ok(t.text.clone()),
                _ => Err(format!(
                    "'{}': proximity takes one word on each side",
                    lit.phrase
                )),
            }
        };
        let (ta, tb) = (one(&mut self.analyzer, a)?, one(&mut self.analyzer, b)?);
        if within > MAX_PROXIMITY {
            return Err(format!(
                "'{}': at most {MAX_PROXIMITY} words apart",
                op_name(within, ordered)
            ));
        }
        let mut orders = vec![(ta.clone(), tb.clone())];
        if !ordered {
            orders.push((tb, ta));
        }
        // tantivy's sloppy phrases do not keep order: one exact phrase per gap does.
        self.per_field(a, |field| {
            let mut any: Vec<Clause> = Vec::new();
            for (x, y) in &orders {
                for gap in 1..=within as usize {
                    let phrase = PhraseQuery::new_with_offset(vec![
                        (0, Term::from_field_text(field, x)),
                        (gap, Term::from_field_text(field, y)),
                    ]);
                    any.push((Occur::Should, Box::new(phrase)));
                }
            }
            Ok(Box::new(BooleanQuery::new(any)) as Box<dyn Query>)
        })
    }

    /// `date:[1987-03-01 TO 1987-03-31]`: plain dates, months and years as well as RFC 3339; an
    /// inclusive upper bound takes in the whole day, month or year.
    fn date_range(
        &self,
        lower: &UserInputBound,
        upper: &UserInputBound,
    ) -> Result<Box<dyn Query>, String> {
        let from = match lower {
            UserInputBound::Unbounded => None,
            UserInputBound::Inclusive(s) => Some(dates::period(s).ok_or_else(|| bad_date(s))?.0),
            UserInputBound::Exclusive(s) => Some(dates::period(s).ok_or_else(|| bad_date(s))?.1),
        };
        let to = match upper {
            UserInputBound::Unbounded => None,
            UserInputBound::Inclusive(s) => Some(dates::period(s).ok_or_else(|| bad_date(s))?.1),
            UserInputBound::Exclusive(s) => Some(dates::period(s).ok_or_else(|| bad_date(s))?.0),
        };
        Ok(date_query(self.fields.date, from, to))
    }
}

/// What the stems a prefix stands for begin with, in `title:` and `body:`: the prefix's own
/// stem when it differs, and the prefix as written (`satellite*`: `satellit`, `satellite`).
fn stem_prefixes(prefix: &str, analyzer: &mut TextAnalyzer) -> Vec<String> {
    let mut starts = Vec::new();
    if let [stem] = analyzer::tokens(analyzer, prefix).as_slice()
        && stem.text != prefix
    {
        starts.push(stem.text.clone());
    }
    starts.push(prefix.to_string());
    starts
}

/// A section path as written with one leading slash and none at the end (`World/Europe/` is
/// `/World/Europe`).
fn section_path(path: &str) -> String {
    format!("/{}", path.trim_matches('/'))
}

/// A section path as lede compares them: [`section_path`], lower-cased and folded
/// (`World/Europe/Économie/` is `/world/europe/economie`).
pub fn fold_section(path: &str) -> String {
    let path = section_path(path);
    analyzer::tokens(&mut analyzer::keyword_analyzer(), &path)
        .into_iter()
        .next()
        .map_or(path, |t| t.text)
}

/// The section paths of the index (`paths`: folded, as written) that `path` names in any case
/// and accents, or `path` itself (with its leading slash) when none does.
pub fn stored_sections(paths: &[(String, String)], path: &str) -> Vec<String> {
    let folded = fold_section(path);
    let stored: Vec<String> = paths
        .iter()
        .filter(|(f, _)| *f == folded)
        .map(|(_, p)| p.clone())
        .collect();
    if stored.is_empty() {
        vec![section_path(path)]
    } else {
        stored
    }
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

/// `query`, narrowed to the articles in `scope`: filters and dates are required, and score
/// nothing (a filtered search ranks as the unfiltered one).
pub fn scoped(query: Box<dyn Query>, scope: &Scope, fields: &Fields) -> Box<dyn Query> {
    let mut must: Vec<Clause> = vec![(Occur::Must, query)];
    let mut by_field: Vec<(FacetField, Vec<&str>)> = Vec::new();
    for f in &scope.filters {
        match by_field.iter_mut().find(|(field, _)| *field == f.field) {
            Some((_, values)) => values.push(&f.value),
            None => by_field.push((f.field, vec![&f.value])),
        }
    }
    let mut keyword = analyzer::keyword_analyzer();
    for (field, values) in by_field {
        let handle = fields.facet(field);
        let any: Vec<Clause> = values
            .into_iter()
            .map(|value| {
                if field.is_calendar() {
                    let period = crate::dates::period(value);
                    let q = date_query(fields.date, period.map(|p| p.0), period.map(|p| p.1));
                    return (Occur::Should, q);
                }
                let term = match field {
                    FacetField::Section => {
                        let path = section_path(value);
                        Term::from_facet(
                            handle,
                            &Facet::from_text(&path).unwrap_or_else(|_| Facet::root()),
                        )
                    }
                    FacetField::Format => Term::from_field_text(handle, &value.to_lowercase()),
                    FacetField::Year | FacetField::Month => unreachable!("handled above"),
                    _ => {
                        let norm = analyzer::tokens(&mut keyword, value)
                            .into_iter()
                            .next()
                            .map_or_else(String::new, |t| t.text);
                        Term::from_field_text(handle, &norm)
                    }
                };
                let q: Box<dyn Query> = Box::new(TermQuery::new(term, IndexRecordOption::Basic));
                (Occur::Should, q)
            })
            .collect();
        must.push((
            Occur::Must,
            Box::new(ConstScoreQuery::new(Box::new(BooleanQuery::new(any)), 0.0)),
        ));
    }
    if scope.from.is_some() || scope.to.is_some() {
        let range = date_query(fields.date, scope.from, scope.to);
        must.push((Occur::Must, Box::new(ConstScoreQuery::new(range, 0.0))));
    }
    if must.len() == 1 {
        return must
            .pop()
            .map(|(_, q)| q)
            .unwrap_or_else(|| Box::new(EmptyQuery));
    }
    Box::new(BooleanQuery::new(must))
}

/// Articles dated in `[from, to)`; an open end is unbounded.
pub fn date_query(
    field: Field,
    from: Option<jiff::Timestamp>,
    to: Option<jiff::Timestamp>,
) -> Box<dyn Query> {
    let term = |t: jiff::Timestamp| {
        Term::from_field_date(field, DateTime::from_timestamp_secs(t.as_second()))
    };
    let lower = from.map_or(Bound::Unbounded, |t| Bound::Included(term(t)));
    let upper = to.map_or(Bound::Unbounded, |t| Bound::Excluded(term(t)));
    Box::new(RangeQuery::new(lower, upper))
}

fn bad_date(s: &str) -> String {
    format!(
        "'{s}' is not a date (write YYYY, YYYY-MM, YYYY-MM-DD or an RFC 3339 time, from 1678 \
         to 2261)"
    )
}

/// `satelite~1`: the word and the edit distance.
fn fuzzy_suffix(phrase: &str) -> Option<(&str, u32)> {
    let (word, n) = phrase.rsplit_once('~')?;
    let n: u32 = n.parse().ok()?;
    (!word.is_empty()).then_some((word, n))
}

/// A literal searched in title and body (not a metadata field).
fn is_text_field(lit: &UserInputLiteral) -> bool {
    lit.field_name
        .as_deref()
        .is_none_or(|f| f == "title" || f == "body" || f == "exact")
}

/// The literal in a leaf, if it is one.
fn literal(ast: &UserInputAst) -> Option<&UserInputLiteral> {
    match ast {
        UserInputAst::Leaf(leaf) => match leaf.as_ref() {
            UserInputLeaf::Literal(lit) => Some(lit),
            _ => None,
        },
        _ => None,
    }
}

/// `w/5` (within 5 words, either order) or `pre/5` (before, within 5): (5, ordered).
fn proximity(ast: &UserInputAst) -> Option<(u32, bool)> {
    let lit = literal(ast)?;
    if lit.delimiter != Delimiter::None || lit.field_name.is_some() {
        return None;
    }
    let (op, n) = lit.phrase.split_once('/')?;
    let n: u32 = n.parse().ok().filter(|&n| n > 0)?;
    match op.to_ascii_lowercase().as_str() {
        "w" => Some((n, false)),
        "pre" => Some((n, true)),
        _ => None,
    }
}

fn op_name(within: u32, ordered: bool) -> String {
    format!("{}/{within}", if ordered { "pre" } else { "w" })
}

/// The two other spellings of an unquoted hyphenated word: `"a b"` and `ab`.
fn spellings(lit: &UserInputLiteral) -> Option<(UserInputLiteral, UserInputLiteral)> {
    if lit.delimiter != Delimiter::None || !is_compound(&lit.phrase) {
        return None;
    }
    let spaced = UserInputLiteral {
        phrase: lit.phrase.replace(is_hyphen, " "),
        delimiter: Delimiter::DoubleQuotes,
        ..lit.clone()
    };
    let joined = UserInputLiteral {
        phrase: lit.phrase.replace(is_hyphen, ""),
        ..lit.clone()
    };
    Some((spaced, joined))
}

fn parser_message(err: &QueryParserError) -> String {
    match err {
        QueryParserError::AllButQueryForbidden => {
            "only excluded words (-word or NOT word): add a word to search for".into()
        }
        QueryParserError::FieldDoesNotExist(f) => {
            format!(
                "there is no field '{f}' (fields: {})",
                QUERY_FIELDS.join(", ")
            )
        }
        other => other.to_string(),
    }
}

/// The 1-based character column of byte offset `pos` in `text`.
fn column_of(text: &str, pos: usize) -> usize {
    text[..pos.min(text.len())].chars().count() + 1
}

/// The query text after repairs, and notes on what was repaired.
struct Repaired {
    text: String,
    notes: Vec<String>,
}

/// Escapes what in pasted text is not meant as an operator, so tantivy's grammar reads it as
/// words: apostrophes in words, colons after words that are no field, an unmatched quote,
/// stray brackets, `^` without a number, a lone `+` or `-`. Parentheses are operators: an
/// unmatched one is an error, given as (message, column).
fn repair(input: &str) -> Result<Repaired, (String, usize)> {
    let chars: Vec<char> = input.chars().collect();
    let mut out = String::with_capacity(input.len() + 8);
    let mut notes = Vec::new();
    let is_word = |c: char| c.is_alphanumeric();

    // An odd number of double quotes: the last one is a character, not a delimiter.
    let quotes: Vec<usize> = (0..chars.len())
        .filter(|&i| chars[i] == '"' && (i == 0 || chars[i - 1] != '\\'))
        .collect();
    let stray_quote = (quotes.len() % 2 == 1).then(|| quotes[quotes.len() - 1]);
    if let Some(q) = stray_quote {
        notes.push(format!(
            "read the unmatched '\"' at column {} as part of the text",
            q + 1
        ));
    }

    let mut open_parens: Vec<usize> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let prev = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1).copied();
        match c {
            '\\' => {
                out.push(c);
                if let Some(n) = next {
                    out.push(n);
                    i += 1;
                }
            }
            '"' if Some(i) == stray_quote => out.push_str("\\\""),
            '"' => {
                // A phrase: copied as it is, up to its closing quote.
                let end = (i + 1..chars.len())
                    .find(|&j| chars[j] == '"' && chars[j - 1] != '\\')
                    .unwrap_or(chars.len() - 1);
                out.extend(&chars[i..=end]);
                i = end;
            }
            '\'' if prev.is_some_and(is_word) => {
                out.push_str("\\'");
                note_apostrophe(&mut notes, &chars, i);
            }
            '\'' => {
                // A single-quoted phrase if a closing quote ends a word later on; else an
                // apostrophe. Phrases are rewritten with double quotes.
                let close = (i + 1..chars.len()).find(|&j| {
                    chars[j] == '\'' && chars.get(j + 1).is_none_or(|n| !is_word(*n)) && j > i + 1
                });
                match close {
                    Some(j) => {
                        out.push('"');
                        for &pc in &chars[i + 1..j] {
                            if pc == '"' {
                                out.push('\\');
                            }
                            out.push(pc);
                        }
                        out.push('"');
                        i = j;
                    }
                    None => {
                        out.push_str("\\'");
                        note_apostrophe(&mut notes, &chars, i);
                    }
                }
            }
            ':' => {
                let word = word_before(&chars, i);
                let lower = word.to_lowercase();
                let spaced = next.is_some_and(|n| n.is_whitespace());
                if !word.is_empty() && QUERY_FIELDS.contains(&lower.as_str()) {
                    let rest = chars[i + 1..].iter().find(|c| !c.is_whitespace());
                    if rest.is_none_or(|&r| r == ')') {
                        return Err((format!("'{lower}:' needs a word or phrase after it"), i + 1));
                    }
                    if spaced {
                        // `Date: talks postponed`: a headline's label, not a field (a field's
                        // value follows its colon directly, `date:1987-03`).
                        out.push_str("\\:");
                        notes.push(format!(
                            "read \"{word}:\" as a word: a space follows the colon (for the field, write {lower}:VALUE)"
                        ));
                    } else {
                        if word != lower {
                            out.truncate(out.len() - word.len());
                            out.push_str(&lower);
                        }
                        out.push(':');
                    }
                } else {
                    out.push_str("\\:");
                    if word.is_empty() {
                        note_once(&mut notes, "read a ':' that follows no word as text");
                    } else {
                        let hint = did_you_mean(&word, QUERY_FIELDS.iter().copied())
                            .map(|f| format!("; did you mean '{f}:'?"))
                            .unwrap_or_default();
                        notes.push(format!(
                            "read \"{word}:\" as a word: '{word}' is not a field (fields: {}){hint}",
                            QUERY_FIELDS.join(", ")
                        ));
                    }
                }
            }
            '^' if next.is_some_and(|n| n.is_ascii_digit())
                && prev.is_some_and(|p| !p.is_whitespace()) =>
            {
                out.push(c)
            }
            '[' | '{' if out.ends_with(':') => {
                // A range after a field (`date:[1987-03 TO 1987-06}`): copied as it is.
                match (i + 1..chars.len()).find(|&j| matches!(chars[j], ']' | '}')) {
                    Some(end) => {
                        out.extend(&chars[i..=end]);
                        i = end;
                    }
                    None => {
                        return Err(("this range is never closed with ']' or '}'".into(), i + 1));
                    }
                }
            }
            '^' | '`' | '[' | ']' | '{' | '}' => {
                out.extend(['\\', c]);
                note_once(
                    &mut notes,
                    &format!("read the '{c}' at column {} as text", i + 1),
                );
            }
            '+' | '-'
                if prev.is_none_or(char::is_whitespace)
                    && next.is_none_or(|n| n.is_whitespace()) =>
            {
                out.extend(['\\', c]);
                note_once(
                    &mut notes,
                    &format!("read the lone '{c}' at column {} as text", i + 1),
                );
            }
            '(' => {
                open_parens.push(i);
                out.push(c);
            }
            ')' => {
                if open_parens.pop().is_none() {
                    return Err(("')' closes no '('".into(), i + 1));
                }
                out.push(c);
            }
            _ => out.push(c),
        }
        i += 1;
    }
    if let Some(&open) = open_parens.first() {
        return Err(("'(' is never closed".into(), open + 1));
    }
    Ok(Repaired { text: out, notes })
}

/// Refuses AND, OR and NOT without a word where they need one, saying which and where.
fn check_operators(input: &str) -> Result<(), (String, usize)> {
    // Words outside quotes, with their 1-based columns; a quoted phrase is one word.
    let mut words: Vec<(String, usize)> = Vec::new();
    let mut current: Option<(String, usize)> = None;
    let mut in_quotes = false;
    for (col, c) in input.chars().enumerate() {
        if c == '"' {
            in_quotes = !in_quotes;
        }
        if c.is_whitespace() && !in_quotes {
            words.extend(current.take());
        } else {
            current
                .get_or_insert_with(|| (String::new(), col + 1))
                .0
                .push(c);
        }
    }
    words.extend(current);
    for (i, (word, col)) in words.iter().enumerate() {
        let bare = word.trim_matches(['(', ')']);
        let next = words.get(i + 1).map(|w| w.0.as_str());
        if bare.ends_with("[TO")
            || bare.ends_with("{TO")
            || (bare.ends_with(['[', '{']) && next == Some("TO"))
        {
            return Err((
                "a range needs a value before TO ([2024 TO 2025], or [* TO 2025] for no start)"
                    .into(),
                *col,
            ));
        }
        // What follows the last quote: where `~N` and `^N` of a phrase are written.
        let tail = bare.rfind('"').map_or(bare, |q| &bare[q..]);
        if tail.starts_with("\"~") && !tail[2..].starts_with(|c: char| c.is_ascii_digit()) {
            return Err((
                "'~' after a phrase needs the number of words it may stretch by (\"a b\"~2)".into(),
                *col,
            ));
        }
        if let Some((_, boost)) = tail.rsplit_once('^')
            && !boost.is_empty()
            && boost
                .parse::<f32>()
                .is_ok_and(|b| !b.is_finite() || b <= 0.0)
                | boost.starts_with('-')
        {
            return Err((
                format!("'^{boost}': a boost is a positive number (debris^2)"),
                *col,
            ));
        }
        if let Some((field, "*")) = bare.split_once(':')
            && !field.is_empty()
        {
            return Err((
                format!(
                    "'{bare}': give the field a word or a prefix ({field}:satell*); '*' alone matches every article"
                ),
                *col,
            ));
        }
        if matches!(bare, "TO]" | "TO}") {
            return Err((
                "a range needs a value after TO ([2024 TO 2025], or [2024 TO *] for no end)".into(),
                *col,
            ));
        }
    }
    let is_op = |w: &str| matches!(w.trim_matches(['(', ')']), "AND" | "OR" | "NOT");
    for (i, (word, col)) in words.iter().enumerate() {
        if !is_op(word) {
            continue;
        }
        let op = word.trim_matches(['(', ')']);
        let before = i.checked_sub(1).map(|j| words[j].0.as_str());
        let after = words.get(i + 1).map(|w| w.0.as_str());
        let nothing_before =
            word.starts_with('(') || before.is_none_or(|b| is_op(b) || b.ends_with('('));
        let nothing_after = word.ends_with(')')
            || after.is_none_or(|a| (is_op(a) && a != "NOT") || a.starts_with(')'));
        if op != "NOT" && nothing_before {
            return Err((format!("'{op}' needs a word before it"), *col));
        }
        if nothing_after {
            return Err((format!("'{op}' needs a word after it"), *col));
        }
    }
    Ok(())
}

/// Notes the word around the apostrophe at `chars[i]`, which is read as part of it.
fn note_apostrophe(notes: &mut Vec<String>, chars: &[char], i: usize) {
    let start = (0..i)
        .rev()
        .find(|&j| chars[j].is_whitespace())
        .map_or(0, |j| j + 1);
    let end = (i..chars.len())
        .find(|&j| chars[j].is_whitespace())
        .unwrap_or(chars.len());
    let word: String = chars[start..end].iter().collect();
    note_once(
        notes,
        &format!("read the apostrophe in \"{word}\" as part of the word"),
    );
}

fn note_once(notes: &mut Vec<String>, note: &str) {
    if !notes.iter().any(|n| n == note) {
        notes.push(note.to_string());
    }
}

/// The word right before `chars[i]`: the run back to a space, a parenthesis or a quote, without
/// a leading `+` or `-` operator.
fn word_before(chars: &[char], i: usize) -> String {
    let start = (0..i)
        .rev()
        .find(|&j| chars[j].is_whitespace() || "()\"".contains(chars[j]))
        .map_or(0, |j| j + 1);
    let word: String = chars[start..i].iter().collect();
    word.trim_start_matches(['+', '-']).to_string()
}

fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}')
}

/// A word with a hyphen between two letters or digits.
fn is_compound(word: &str) -> bool {
    let chars: Vec<char> = word.chars().collect();
    chars
        .windows(3)
        .any(|w| w[0].is_alphanumeric() && is_hyphen(w[1]) && w[2].is_alphanumeric())
}

/// The query as the title sees it, for its patterns: `title:` parts become plain words and
/// `body:` parts are left out (patterns are made for plain words and `body:`).
fn for_title(ast: &UserInputAst) -> UserInputAst {
    match ast {
        UserInputAst::Clause(clauses) => UserInputAst::Clause(
            clauses
                .iter()
                .map(|(occur, sub)| (*occur, for_title(sub)))
                .collect(),
        ),
        UserInputAst::Boost(sub, boost) => UserInputAst::Boost(Box::new(for_title(sub)), *boost),
        UserInputAst::Leaf(leaf) => match leaf.as_ref() {
            UserInputLeaf::Literal(lit) => {
                let field_name = match lit.field_name.as_deref() {
                    Some("title") => None,
                    Some("body") => Some("title".to_string()),
                    _ => lit.field_name.clone(),
                };
                UserInputAst::Leaf(Box::new(UserInputLeaf::Literal(UserInputLiteral {
                    field_name,
                    ..lit.clone()
                })))
            }
            _ => ast.clone(),
        },
    }
}

/// The terms and phrases of the query that can match body text, analysed as the index is;
/// excluded parts (NOT, -) and parts on other fields are left out.
fn collect_patterns(
    ast: &UserInputAst,
    analyzer: &mut TextAnalyzer,
    exact: bool,
    out: &mut Vec<Pattern>,
) {
    match ast {
        UserInputAst::Clause(clauses) => {
            let mut i = 0;
            while i < clauses.len() {
                let (occur, sub) = &clauses[i];
                let near = clauses.get(i + 1).and_then(|(_, op)| proximity(op));
                let other = clauses.get(i + 2).and_then(|(_, b)| literal(b));
                if let (Some((within, ordered)), Some(a), Some(b)) = (near, literal(sub), other) {
                    if *occur != Some(Occur::MustNot) {
                        near_patterns(a, b, within, ordered, analyzer, exact, out);
                    }
                    i += 3;
                    continue;
                }
                if *occur != Some(Occur::MustNot) {
                    collect_patterns(sub, analyzer, exact, out);
                }
                i += 1;
            }
        }
        UserInputAst::Boost(sub, _) => collect_patterns(sub, analyzer, exact, out),
        UserInputAst::Leaf(leaf) => {
            if let UserInputLeaf::Literal(lit) = leaf.as_ref() {
                match spellings(lit) {
                    Some((spaced, joined)) => {
                        literal_pattern(&spaced, analyzer, exact, out);
                        literal_pattern(&joined, analyzer, exact, out);
                    }
                    None => literal_pattern(lit, analyzer, exact, out),
                }
            }
        }
    }
}

/// A pattern of the exact field: the literal read as an exact word, phrase, prefix or fuzzy
/// word, matched against the words as written.
fn exact_pattern(lit: &UserInputLiteral, out: &mut Vec<Pattern>) {
    let plain = UserInputLiteral {
        field_name: None,
        ..lit.clone()
    };
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
    a: &UserInputLiteral,
    b: &UserInputLiteral,
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
    let one = |analyzer: &mut TextAnalyzer, lit: &UserInputLiteral| {
        analyzer::tokens(analyzer, &lit.phrase)
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

fn literal_pattern(
    lit: &UserInputLiteral,
    analyzer: &mut TextAnalyzer,
    exact: bool,
    out: &mut Vec<Pattern>,
) {
    // A prefix matches as the search does (`Builder::prefix`): words as written, or in `body:`
    // the stems that begin with it or with its own stem.
    if lit.delimiter == Delimiter::None
        && let Some(stem) = lit.phrase.strip_suffix('*')
    {
        let mut plain = analyzer::prefix_analyzer();
        let Some(prefix) = analyzer::tokens(&mut plain, stem).into_iter().next() else {
            return;
        };
        match lit.field_name.as_deref() {
            None | Some("exact") => {
                push(out, Pattern::Exact(Box::new(Pattern::Prefix(prefix.text))))
            }
            Some("body") => {
                for start in stem_prefixes(&prefix.text, analyzer) {
                    push(out, Pattern::Prefix(start));
                }
            }
            _ => {}
        }
        return;
    }
    match lit.field_name.as_deref() {
        // Exact words are found among the body's words as written (lower-cased and folded).
        Some("exact") => return exact_pattern(lit, out),
        None if exact => return exact_pattern(lit, out),
        Some(f) if f != "body" => return,
        _ => {}
    }
    if lit.delimiter == Delimiter::None
        && let Some((word, distance)) = fuzzy_suffix(&lit.phrase)
    {
        if let Some(t) = analyzer::tokens(analyzer, word).into_iter().next() {
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
    for t in analyzer::tokens(analyzer, &lit.phrase) {
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
        _ if lit.delimiter == Delimiter::None => Pattern::Phrase { terms, slop: 0 },
        _ => Pattern::Phrase {
            terms,
            slop: lit.slop,
        },
    };
    push(out, pattern);
}

#[cfg(test)]
mod tests {
    use super::*;

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
            [
                "read \"Date:\" as a word: a space follows the colon (for the field, write date:VALUE)"
            ]
        );
    }

    #[test]
    fn hyphenated_words_have_two_other_spellings() {
        let lit = |phrase: &str| UserInputLiteral {
            field_name: None,
            phrase: phrase.into(),
            delimiter: Delimiter::None,
            slop: 0,
            prefix: false,
        };
        let (spaced, joined) = spellings(&lit("anti-satellite")).unwrap();
        assert_eq!(
            format!("{spaced:?} {joined:?}"),
            "\"anti satellite\" antisatellite"
        );
        assert!(spellings(&lit("F-16")).is_some());
        assert!(spellings(&lit("-launch")).is_none());
        assert!(spellings(&lit("a--")).is_none());
        let quoted = UserInputLiteral {
            delimiter: Delimiter::DoubleQuotes,
            ..lit("anti-satellite")
        };
        assert!(spellings(&quoted).is_none());
    }

    fn patterns_of(query: &str) -> Vec<Pattern> {
        let ast = query_grammar::parse_query(query).unwrap();
        let mut out = Vec::new();
        collect_patterns(&ast, &mut analyzer::query_analyzer(), false, &mut out);
        out
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
        assert_eq!(
            patterns_of("\"bank of england\""),
            [gap(&["bank", "", "england"])]
        );
        assert_eq!(
            patterns_of("state-of-the-art")[0],
            gap(&["state", "", "", "art"])
        );
        // Leading stop words leave nothing before the first word.
        assert_eq!(patterns_of("\"the bank\""), [Pattern::Term("bank".into())]);
    }

    #[test]
    fn patterns_leave_out_excluded_and_title_only_parts() {
        let ast = query_grammar::parse_query("anti-satellite -launch title:orbit \"space force\"")
            .unwrap();
        let mut out = Vec::new();
        collect_patterns(&ast, &mut analyzer::query_analyzer(), false, &mut out);
        assert_eq!(
            out,
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
}
