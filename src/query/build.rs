//! lede's syntax tree made a tantivy query. Most leaves are built by tantivy's parser (fields,
//! analysis, boosts); the tree is built here, so that a hyphenated word becomes a
//! disjunction-max of its spellings (one spelling's match, not the sum of both, so no
//! spelling outranks another), `a AND NOT b` excludes `b` as it should, and the syntax
//! tantivy 0.27 lacks works: `satell*`, `satelite~1`, `a w/5 b`, `a pre/5 b`, plain dates.

use tantivy::Term;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, Occur, PhraseQuery, Query,
    QueryParser, QueryParserError, RegexQuery, TermQuery,
};
use tantivy::query_grammar::{UserInputAst, UserInputBound, UserInputLeaf};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;

use super::ast::{Node, Word, op_name};
use super::scope::{date_query, stored_sections};
use super::scored::{Named, RankedFuzzy, guarded};
use super::{COORDINATION_TIER, Clause};
use crate::index::analyzer;
use crate::index::schema::Fields;
use crate::model::FieldName;
use crate::model::{FacetField, QUERY_FIELDS, dates};

/// The longest edit distance `word~N` accepts.
pub const MAX_FUZZY_DISTANCE: u32 = 2;

/// The widest window `a w/N b` accepts.
pub const MAX_PROXIMITY: u32 = 50;

/// In a query of keywords, what each word found as typed adds: more than BM25 gives a word in
/// all its fields, less than a coordination tier (so more words still rank first).
pub const EXACT_FORM_TIER: f32 = 100.0;

/// The most ways of placing the gaps of a sloppy phrase that are searched one by one, in order.
const MAX_ORDERED_PLACINGS: usize = 256;

/// The shortest prefix `prefix*` accepts, in characters.
pub const MIN_PREFIX_CHARS: usize = 2;

pub struct Builder {
    pub parser: QueryParser,
    /// The query analyzer (stems).
    pub analyzer: TextAnalyzer,
    /// Lower case and folding only: for prefixes, which must not be stemmed.
    pub plain: TextAnalyzer,
    pub fields: Fields,
    pub default_occur: Occur,
    pub title_boost: f32,
    /// Words without a field search the exact field (`--exact`).
    pub exact: bool,
    /// The index's section paths, folded and as written (see [`stored_sections`]).
    pub sections: Vec<(String, String)>,
    /// Any-word queries: a constant bonus per distinct top-level clause an article matches
    /// (large enough to make tiers: more of the words always ranks above fewer).
    pub coordination: f32,
    /// Any-word queries of up to this many distinct words get tiers ([`COORDINATION_TIER`]).
    pub tier_words: usize,
    /// What the exact form of a plain word adds, against 1 for its stem (0: nothing)...
    pub exact_weight: f32,
    /// ...or, in a query of keywords (up to `tier_words`), a tier: [`EXACT_FORM_TIER`].
    pub exact_tier: bool,
    /// What a fuzzy word's candidates other than the word itself weigh at most.
    pub fuzzy_weight: f32,
    /// How deep in the tree the group being built stands (coordination is for the top only).
    pub depth: usize,
}

/// Why `w/N` or `pre/N` with nothing on one side cannot be searched (by either engine).
pub fn lone_near(within: u32, ordered: bool) -> String {
    format!("'{}' needs a word on each side", op_name(within, ordered))
}

/// The two terms of `a w/N b` or `a pre/N b`, for either engine: one analysed term on each
/// side, at most [`MAX_PROXIMITY`] words apart.
pub fn near_terms(
    analyzer: &mut TextAnalyzer,
    a: &Word,
    b: &Word,
    within: u32,
    ordered: bool,
) -> Result<(String, String), String> {
    let mut one = |word: &Word| -> Result<String, String> {
        match analyzer::tokens(analyzer, &word.text).as_slice() {
            [t] => Ok(t.text.clone()),
            _ => Err(format!(
                "'{}': proximity takes one word on each side",
                word.text
            )),
        }
    };
    let terms = (one(a)?, one(b)?);
    if within > MAX_PROXIMITY {
        return Err(format!(
            "'{}': at most {MAX_PROXIMITY} words apart",
            op_name(within, ordered)
        ));
    }
    Ok(terms)
}

impl Builder {
    /// The query for `node` and how it combines with its siblings; `None` when it holds no
    /// words at all (a lone dash, say), so it neither requires nor excludes anything.
    pub fn build(&mut self, node: &Node) -> Result<Option<Clause>, String> {
        match node {
            Node::LoneNear { within, ordered } => Err(lone_near(*within, *ordered)),
            Node::Near {
                a,
                b,
                within,
                ordered,
            } => Ok(Some((Occur::Should, self.near(a, b, *within, *ordered)?))),
            Node::Group(clauses) => {
                let mut subs: Vec<Clause> = Vec::new();
                self.depth += 1;
                for (occur, sub) in clauses {
                    let occur = occur.unwrap_or(self.default_occur);
                    let built = self.build(sub);
                    if let Some((sub_occur, query)) = built.inspect_err(|_| self.depth -= 1)? {
                        // `a AND NOT b`: the grammar nests `NOT b` as a required clause of its
                        // own, which matches nothing; it belongs to this clause as an exclusion.
                        subs.push((Occur::compose(occur, sub_occur), query));
                    }
                }
                self.depth -= 1;
                if self.depth == 0 && subs.len() > 1 {
                    subs.extend(self.coordination_tiers(&subs));
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
                    // A nested group is explained only where it matches (see `guarded`).
                    _ if self.depth > 0 => Ok(Some((
                        Occur::Should,
                        guarded(Box::new(BooleanQuery::new(subs))),
                    ))),
                    _ => Ok(Some((Occur::Should, Box::new(BooleanQuery::new(subs))))),
                }
            }
            Node::Boost(sub, boost) => Ok(self.build(sub)?.map(|(occur, query)| {
                let boosted: Box<dyn Query> = Box::new(BoostQuery::new(query, *boost));
                (occur, boosted)
            })),
            Node::DateRange(UserInputLeaf::Range { lower, upper, .. }) => {
                Ok(Some((Occur::Should, self.date_range(lower, upper)?)))
            }
            Node::DateRange(leaf) | Node::Other(leaf) => {
                Ok(Some((Occur::Should, self.leaf(leaf.clone())?)))
            }
            Node::Word(word) => self.word(word),
        }
    }

    /// Coordination: for each distinct optional clause (the same word twice counts once), a
    /// constant that outweighs any BM25 sum, so that an article with more of the words ranks
    /// above one with fewer whatever its field boosts, and BM25 orders articles with as many.
    fn coordination_tiers(&self, subs: &[Clause]) -> Vec<Clause> {
        let mut seen = std::collections::HashSet::new();
        let optional: Vec<&Box<dyn Query>> = subs
            .iter()
            .filter(|(o, _)| *o == Occur::Should)
            .map(|(_, q)| q)
            .filter(|q| seen.insert(format!("{q:?}")))
            .collect();
        let n = optional.len();
        let bonus = if n <= self.tier_words {
            COORDINATION_TIER
        } else {
            self.coordination
        };
        if bonus <= 0.0 {
            return Vec::new();
        }
        optional
            .into_iter()
            .enumerate()
            .map(|(i, q)| {
                let tier: Box<dyn Query> = Box::new(ConstScoreQuery::new(q.box_clone(), bonus));
                let label = format!("coordination: word {} of {n} present", i + 1);
                (Occur::Should, Named::boxed(label, tier))
            })
            .collect()
    }

    /// A plain word's query with its exact-form bonus: the word as typed (lower-cased and
    /// folded) in the exact field, so that `yukos` ranks "Yukos" above "Yuko", which only
    /// shares its stem.
    fn with_exact_form(&self, word: &Word, query: Box<dyn Query>) -> Box<dyn Query> {
        let plain = word.field.is_none() && !self.exact && !word.quoted;
        if !plain || self.exact_weight <= 0.0 {
            return query;
        }
        let tokens = analyzer::tokens(&mut analyzer::exact_analyzer(false), &word.text);
        let [token] = tokens.as_slice() else {
            return query;
        };
        let term = Term::from_field_text(self.fields.exact, &token.text);
        let typed = Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs));
        let bonus: Box<dyn Query> = if self.exact_tier {
            Box::new(ConstScoreQuery::new(typed, EXACT_FORM_TIER))
        } else {
            Box::new(BoostQuery::new(typed, self.exact_weight))
        };
        guarded(Box::new(BooleanQuery::new(vec![
            (Occur::Must, query),
            (Occur::Should, Named::boxed("exact form", bonus)),
        ])))
    }

    /// A quoted phrase with a slop: its words in the order written with at most `slop` other
    /// words between them in all (tantivy's slop lets the words change places), one exact
    /// phrase per way of placing the gaps; `None` when there are too many ways (tantivy's
    /// slop is used then).
    fn ordered_phrase(
        &mut self,
        word: &Word,
        analyzer: &mut TextAnalyzer,
    ) -> Result<Option<Box<dyn Query>>, String> {
        let tokens = analyzer::tokens(analyzer, &word.text);
        if tokens.len() < 2 {
            return Ok(None);
        }
        let first = tokens[0].position;
        let base: Vec<(usize, String)> = tokens
            .iter()
            .map(|t| (t.position - first, t.text.clone()))
            .collect();
        let mut placings: Vec<Vec<usize>> = vec![vec![0]];
        for _ in 1..base.len() {
            let mut next = Vec::new();
            for p in &placings {
                let used: usize = p.iter().sum();
                for g in 0..=(word.slop as usize - used.min(word.slop as usize)) {
                    let mut q = p.clone();
                    q.push(g);
                    next.push(q);
                }
            }
            placings = next;
            if placings.len() > MAX_ORDERED_PLACINGS {
                return Ok(None);
            }
        }
        let make = |field: Field| -> Result<Box<dyn Query>, String> {
            let mut any: Vec<Clause> = Vec::new();
            for gaps in &placings {
                let mut extra = 0;
                let terms = base
                    .iter()
                    .zip(gaps)
                    .map(|((at, text), g)| {
                        extra += g;
                        (at + extra, Term::from_field_text(field, text))
                    })
                    .collect();
                any.push((Occur::Should, Box::new(PhraseQuery::new_with_offset(terms))));
            }
            Ok(guarded(Box::new(BooleanQuery::new(any))))
        };
        Ok(Some(self.per_field(word, make)?))
    }

    /// A quoted phrase holding a stop word that the title and body leave out ("the who"): it
    /// is searched in the exact field, which keeps them.
    fn keeps_stop_words(&mut self, word: &Word) -> bool {
        if !word.quoted || word.field.is_some() || self.exact {
            return false;
        }
        let exact = analyzer::tokens(&mut analyzer::exact_analyzer(false), &word.text).len();
        let stemmed = analyzer::tokens(&mut self.analyzer, &word.text).len();
        exact > stemmed
    }

    fn word(&mut self, word: &Word) -> Result<Option<Clause>, String> {
        if word.field == Some(FieldName::Date) {
            let (from, to) = dates::period(&word.text).ok_or_else(|| bad_date(&word.text))?;
            return Ok(Some((
                Occur::Should,
                date_query(self.fields.date, Some(from), Some(to)),
            )));
        }
        if word.is_text() {
            // tantivy's grammar keeps `*` and `~1` inside an unquoted word: read them here.
            if let Some(stem) = word.prefix().filter(|s| !s.contains('*')) {
                return Ok(Some((Occur::Should, self.prefix(word, stem)?)));
            }
            if let Some((text, distance)) = word.fuzzy() {
                return Ok(Some((Occur::Should, self.fuzzy(word, text, distance)?)));
            }
        }
        // Words that analyse to nothing (stop words, punctuation) neither require nor exclude;
        // the exact field keeps stop words, and metadata values are taken whole.
        let empty = match word.field {
            Some(FieldName::Exact) => {
                analyzer::tokens(&mut analyzer::exact_analyzer(false), &word.text).is_empty()
            }
            None if self.exact => {
                analyzer::tokens(&mut analyzer::exact_analyzer(false), &word.text).is_empty()
            }
            None | Some(FieldName::Title | FieldName::Body) => {
                analyzer::tokens(&mut self.analyzer, &word.text).is_empty()
            }
            Some(_) => word.text.trim().is_empty(),
        };
        if empty && !self.keeps_stop_words(word) {
            return Ok(None);
        }
        if word.is_text() && word.quoted {
            let word = if self.keeps_stop_words(word) {
                word.with_field(Some(FieldName::Exact))
            } else {
                word.clone()
            };
            if word.slop > 0 {
                let exact = word.field == Some(FieldName::Exact);
                let mut analyzer = if exact {
                    analyzer::exact_analyzer(false)
                } else {
                    self.analyzer.clone()
                };
                if let Some(q) = self.ordered_phrase(&word, &mut analyzer)? {
                    return Ok(Some((Occur::Should, q)));
                }
            }
            return Ok(Some((Occur::Should, self.leaf(word)?)));
        }
        // Metadata values are taken whole: `topic:money-fx` is no compound to respell, a
        // section may be written without its leading slash, and formats are lower case.
        match word.field {
            Some(FieldName::Meta(FacetField::Section)) => {
                let mut any: Vec<Clause> = Vec::new();
                for path in stored_sections(&self.sections, &word.text) {
                    any.push((Occur::Should, self.leaf(word.with_text(path))?));
                }
                return Ok(Some(match any.len() {
                    1 => any.remove(0),
                    _ => (Occur::Should, Box::new(BooleanQuery::new(any))),
                }));
            }
            Some(FieldName::Meta(FacetField::Format))
                if word.text.chars().any(char::is_uppercase) =>
            {
                let lower = word.with_text(word.text.to_lowercase());
                return Ok(Some((Occur::Should, self.leaf(lower)?)));
            }
            _ => {}
        }
        if word.is_text()
            && let Some((spaced, joined)) = word.spellings()
        {
            // A closed compound is the word typed: it keeps the exact form's bonus, so
            // adding the spaced spelling ranks nothing else differently.
            let joined = if word.is_closed_compound() {
                self.with_exact_form(word, self.leaf(joined)?)
            } else {
                self.leaf(joined)?
            };
            let spellings = vec![self.leaf(spaced)?, joined];
            return Ok(Some((
                Occur::Should,
                Box::new(DisjunctionMaxQuery::new(spellings)),
            )));
        }
        let query = self.leaf(word.clone())?;
        Ok(Some((Occur::Should, self.with_exact_form(word, query))))
    }

    /// A leaf built by tantivy's parser.
    fn leaf(&self, leaf: impl IntoLeaf) -> Result<Box<dyn Query>, String> {
        self.parser
            .build_query_from_user_input_ast(UserInputAst::Leaf(Box::new(leaf.into_leaf())))
            .map_err(|e| parser_message(&e))
    }

    /// The text fields a word searches, with their boosts.
    fn text_fields(&self, word: &Word) -> Vec<(Field, f32)> {
        match word.field {
            Some(FieldName::Title) => vec![(self.fields.title, 1.0)],
            Some(FieldName::Body) => vec![(self.fields.body, 1.0)],
            Some(FieldName::Exact) => vec![(self.fields.exact, 1.0)],
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
        word: &Word,
        make: impl Fn(Field) -> Result<Box<dyn Query>, String>,
    ) -> Result<Box<dyn Query>, String> {
        let mut any: Vec<Clause> = Vec::new();
        for (field, boost) in self.text_fields(word) {
            let q = make(field)?;
            let q: Box<dyn Query> = if boost == 1.0 {
                q
            } else {
                Box::new(BoostQuery::new(q, boost))
            };
            any.push((Occur::Should, q));
        }
        Ok(guarded(Box::new(BooleanQuery::new(any))))
    }

    /// `satell*`: every word that starts with the prefix (lower-cased and folded, not
    /// stemmed). Words are matched as written, in the exact field, so that `satellite*` finds
    /// "satellites" and `organiz*` "organization"; within `title:` or `body:`, which hold stems,
    /// the prefix or its own stem begins the stem (`title:satellite*` finds "satellites").
    fn prefix(&mut self, word: &Word, stem: &str) -> Result<Box<dyn Query>, String> {
        let tokens = analyzer::tokens(&mut self.plain, stem);
        let [token] = tokens.as_slice() else {
            return Err(format!(
                "'{}': a prefix is one word (quote several: \"space sat\"*)",
                word.text
            ));
        };
        if token.text.chars().count() < MIN_PREFIX_CHARS {
            return Err(format!(
                "'{}': a prefix needs at least {MIN_PREFIX_CHARS} letters",
                word.text
            ));
        }
        // Analysed text is letters and digits only: nothing to escape in the patterns.
        let regex = |pattern: &str, field| {
            RegexQuery::from_pattern(pattern, field)
                .map(|q| Box::new(q) as Box<dyn Query>)
                .map_err(|e| e.to_string())
        };
        if matches!(word.field, None | Some(FieldName::Exact)) {
            return regex(&format!("{}.*", token.text), self.fields.exact);
        }
        let starts = stem_prefixes(&token.text, &mut self.analyzer);
        let pattern = format!("({}).*", starts.join("|"));
        self.per_field(word, |field| regex(&pattern, field))
    }

    /// `satelite~1`: words within that many edits (insertions, deletions, substitutions,
    /// transpositions) of the word.
    fn fuzzy(&mut self, word: &Word, text: &str, distance: u32) -> Result<Box<dyn Query>, String> {
        if distance == 0 || distance > MAX_FUZZY_DISTANCE {
            return Err(format!(
                "'{}': a fuzzy word takes 1 to {MAX_FUZZY_DISTANCE} edits (the word alone \
                 finds itself)",
                word.text
            ));
        }
        let exact = word.field == Some(FieldName::Exact) || (word.field.is_none() && self.exact);
        let tokens = if exact {
            analyzer::tokens(&mut analyzer::exact_analyzer(false), text)
        } else {
            analyzer::tokens(&mut self.analyzer, text)
        };
        let [token] = tokens.as_slice() else {
            return Err(format!("'{}': fuzzy matching takes one word", word.text));
        };
        Ok(Box::new(RankedFuzzy {
            fields: self.text_fields(word),
            text: token.text.clone(),
            distance: distance as u8,
            weight: self.fuzzy_weight,
        }))
    }

    /// `a w/N b` (either order) or `a pre/N b` (a first): the words within N words.
    fn near(
        &mut self,
        a: &Word,
        b: &Word,
        within: u32,
        ordered: bool,
    ) -> Result<Box<dyn Query>, String> {
        let (ta, tb) = near_terms(&mut self.analyzer, a, b, within, ordered)?;
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
            Ok(guarded(Box::new(BooleanQuery::new(any))))
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

/// What tantivy's parser builds a leaf from.
trait IntoLeaf {
    fn into_leaf(self) -> UserInputLeaf;
}

impl IntoLeaf for Word {
    fn into_leaf(self) -> UserInputLeaf {
        UserInputLeaf::Literal(self.literal().clone())
    }
}

impl IntoLeaf for UserInputLeaf {
    fn into_leaf(self) -> UserInputLeaf {
        self
    }
}

/// What the stems a prefix stands for begin with, in `title:` and `body:`: the prefix's own
/// stem when it differs, and the prefix as written (`satellite*`: `satellit`, `satellite`).
pub fn stem_prefixes(prefix: &str, analyzer: &mut TextAnalyzer) -> Vec<String> {
    let mut starts = Vec::new();
    if let [stem] = analyzer::tokens(analyzer, prefix).as_slice()
        && stem.text != prefix
    {
        starts.push(stem.text.clone());
    }
    starts.push(prefix.to_string());
    starts
}

fn bad_date(s: &str) -> String {
    format!(
        "'{s}' is not a date (write YYYY, YYYY-MM, YYYY-MM-DD or an RFC 3339 time, from 1678 \
         to 2261)"
    )
}

/// tantivy's parser errors, said for the user.
pub fn parser_message(err: &QueryParserError) -> String {
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
