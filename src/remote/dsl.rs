//! lede's tree of a query (`query::Node`) made OpenSearch Query DSL, clause for clause as
//! `query::build` makes a tantivy query: words and phrases as `match_phrase` over title (boosted)
//! and body, a hyphenated word as a `dis_max` of its spellings, `w/N` and `pre/N` as
//! `span_near`, prefixes and fuzzy words, dates, metadata fields (their keyword normalizer
//! folds case and accents as lede's keyword analyzer does), and the scope as filters that
//! score nothing. Words are analysed here with lede's own analyzer only where OpenSearch
//! takes terms as given (`span_term`, `fuzzy`, `prefix`).

use serde_json::{Value, json};
use tantivy::query::Occur;
use tantivy::query_grammar::{UserInputBound, UserInputLeaf};
use tantivy::tokenizer::TextAnalyzer;

use super::answer::field;
use crate::index::analyzer::{self, Analysis};
use crate::model::fields::section_path;
use crate::model::{Combine, FacetField, Scope, dates};
use crate::query::{
    self, FieldName, MAX_FUZZY_DISTANCE, MAX_PROXIMITY_PAIRS, MIN_PREFIX_CHARS, Ranking,
    Tree as Node, Word,
};

/// A query read for OpenSearch.
pub struct Translated {
    pub query: Value,
    /// The query holds no term at all (only stop words or punctuation).
    pub matches_nothing: bool,
    /// How many parts only spaces join (for `Combine::Auto`).
    pub implicit_clauses: usize,
}

/// Builds the DSL of one query text.
pub struct Dsl {
    analyzer: TextAnalyzer,
    plain: TextAnalyzer,
    default_occur: Occur,
    title_boost: f32,
    exact: bool,
}

/// Reads `text` with lede's grammar and makes it Query DSL (without the scope).
pub fn translate(
    node: &Node,
    combine: Combine,
    exact: bool,
    ranking: &Ranking,
) -> std::result::Result<Translated, String> {
    let mut dsl = Dsl {
        analyzer: Analysis::DEFAULT.query(),
        plain: analyzer::prefix_analyzer(),
        default_occur: match combine {
            Combine::Auto | Combine::All => Occur::Must,
            Combine::Any => Occur::Should,
        },
        title_boost: ranking.title_boost,
        exact,
    };
    let (implicit, words) = crate::query::tree_shape(node, Analysis::DEFAULT);
    let (query, matches_nothing) = match dsl.build(node)? {
        Some((Occur::MustNot, _)) => {
            return Err("only excluded words (-word or NOT word): add a word to search for".into());
        }
        Some((_, q)) => (q, false),
        None => (json!({"match_none": {}}), true),
    };
    // The proximity bonus of `query::parse`: neighbouring plain words close together in the
    // body (spans of analysed terms, so that nothing is analysed twice).
    let query = match words {
        Some(words) if words.len() >= 2 && ranking.proximity_weight > 0.0 && !matches_nothing => {
            let bonus: Vec<Value> = words
                .windows(2)
                .take(MAX_PROXIMITY_PAIRS)
                .map(|pair| {
                    json!({"span_near": {
                        "clauses": [{"span_term": {field::BODY: pair[0]}}, {"span_term": {field::BODY: pair[1]}}],
                        "slop": ranking.proximity_slop, "in_order": false,
                        "boost": ranking.proximity_weight,
                    }})
                })
                .collect();
            json!({"bool": {"must": [query], "should": bonus}})
        }
        _ => query,
    };
    Ok(Translated {
        query,
        matches_nothing,
        implicit_clauses: implicit,
    })
}

/// `query` narrowed to `scope`: filters (either value of one field, every field) and dates,
/// in filter context, so that they change no score.
pub fn scoped(query: Value, scope: &Scope) -> Value {
    let mut filters: Vec<Value> = Vec::new();
    for (field, values) in scope.filters_by_field() {
        let any: Vec<Value> = values
            .into_iter()
            .map(|value| {
                if field.is_calendar() {
                    let period = dates::period(value);
                    return date_range(period.map(|p| p.0), period.map(|p| p.1));
                }
                meta_query(field, value)
            })
            .collect();
        filters.push(json!({"bool": {"should": any, "minimum_should_match": 1}}));
    }
    if scope.from.is_some() || scope.to.is_some() {
        filters.push(date_range(scope.from, scope.to));
    }
    if filters.is_empty() {
        return query;
    }
    json!({"bool": {"must": [query], "filter": filters}})
}

/// A metadata value, taken whole: sections by their folded path (matching the sections under
/// it too), formats in lower case, the other fields through their keyword normalizer.
pub fn meta_query(field: FacetField, value: &str) -> Value {
    match field {
        FacetField::Section => json!({"match": {"section.tree": section_path(value)}}),
        FacetField::Format => json!({"term": {field::FORMAT: value.to_lowercase()}}),
        _ => json!({"term": {field.name(): value}}),
    }
}

/// Articles dated in `[from, to)`; an open end is unbounded (and `None`, `None` none at all).
pub fn date_range(from: Option<jiff::Timestamp>, to: Option<jiff::Timestamp>) -> Value {
    if from.is_none() && to.is_none() {
        return json!({"match_none": {}});
    }
    let mut range = serde_json::Map::new();
    if let Some(from) = from {
        range.insert("gte".into(), json!(from.as_second()));
    }
    if let Some(to) = to {
        range.insert("lt".into(), json!(to.as_second()));
    }
    range.insert("format".into(), json!("epoch_second"));
    json!({"range": {field::DATE: range}})
}

fn occur_name(occur: Occur) -> &'static str {
    match occur {
        Occur::Must => "must",
        Occur::Should => "should",
        Occur::MustNot => "must_not",
    }
}

fn bool_of(clauses: Vec<(Occur, Value)>) -> Value {
    let mut map = serde_json::Map::new();
    for (occur, q) in clauses {
        if let Some(a) = map
            .entry(occur_name(occur))
            .or_insert_with(|| Value::Array(Vec::new()))
            .as_array_mut()
        {
            a.push(q);
        }
    }
    json!({ "bool": map })
}

impl Dsl {
    /// The DSL for `node` and how it combines with its siblings; `None` when it holds no
    /// words at all.
    fn build(&mut self, node: &Node) -> Result<Option<(Occur, Value)>, String> {
        match node {
            Node::LoneNear { within, ordered } => Err(query::lone_near(*within, *ordered)),
            Node::Near {
                a,
                b,
                within,
                ordered,
            } => Ok(Some((Occur::Should, self.near(a, b, *within, *ordered)?))),
            Node::Group(clauses) => {
                let mut subs: Vec<(Occur, Value)> = Vec::new();
                for (occur, sub) in clauses {
                    let occur = occur.unwrap_or(self.default_occur);
                    if let Some((sub_occur, q)) = self.build(sub)? {
                        subs.push((Occur::compose(occur, sub_occur), q));
                    }
                }
                match subs.len() {
                    0 => Ok(None),
                    1 => Ok(subs.pop().map(|(occur, q)| match occur {
                        Occur::MustNot => (Occur::MustNot, q),
                        _ => (Occur::Should, q),
                    })),
                    _ if subs.iter().all(|(o, _)| *o == Occur::MustNot) => {
                        let any = subs.into_iter().map(|(_, q)| (Occur::Should, q)).collect();
                        Ok(Some((Occur::MustNot, bool_of(any))))
                    }
                    _ => Ok(Some((Occur::Should, bool_of(subs)))),
                }
            }
            Node::Boost(sub, boost) => Ok(self
                .build(sub)?
                .map(|(occur, q)| (occur, json!({"bool": {"must": [q], "boost": boost}})))),
            Node::DateRange(UserInputLeaf::Range { lower, upper, .. }) => {
                Ok(Some((Occur::Should, date_bounds(lower, upper)?)))
            }
            Node::DateRange(leaf) | Node::Other(leaf) => match leaf {
                UserInputLeaf::All => Ok(Some((Occur::Should, json!({"match_all": {}})))),
                UserInputLeaf::Literal(lit) => {
                    Err(format!("'{}' cannot be searched on OpenSearch", lit.phrase))
                }
                _ => Err("ranges and sets are searched on dates only (date:[a TO b])".into()),
            },
            Node::Word(word) => self.word(word),
        }
    }

    fn word(&mut self, word: &Word) -> Result<Option<(Occur, Value)>, String> {
        if word.field == Some(FieldName::Date) {
            let (from, to) = dates::period(&word.text).ok_or_else(|| bad_date(&word.text))?;
            return Ok(Some((Occur::Should, date_range(Some(from), Some(to)))));
        }
        if word.is_text() {
            if let Some(stem) = word.prefix().filter(|s| !s.contains('*')) {
                return Ok(Some((Occur::Should, self.prefix(word, stem)?)));
            }
            if let Some((text, distance)) = word.fuzzy() {
                return Ok(Some((Occur::Should, self.fuzzy(word, text, distance)?)));
            }
        }
        let empty = match word.field {
            Some(FieldName::Exact) => self.exact_tokens(&word.text).is_empty(),
            None if self.exact => self.exact_tokens(&word.text).is_empty(),
            None | Some(FieldName::Title | FieldName::Body) => {
                analyzer::tokens(&mut self.analyzer, &word.text).is_empty()
            }
            Some(_) => word.text.trim().is_empty(),
        };
        if empty {
            return Ok(None);
        }
        if let Some(FieldName::Meta(field)) = word.field {
            return Ok(Some((Occur::Should, meta_query(field, &word.text))));
        }
        if let Some((spaced, joined)) = word.spellings() {
            let queries = vec![self.phrase(&spaced), self.phrase(&joined)];
            return Ok(Some((
                Occur::Should,
                json!({"dis_max": {"queries": queries}}),
            )));
        }
        Ok(Some((Occur::Should, self.phrase(word))))
    }

    fn exact_tokens(&self, text: &str) -> Vec<String> {
        analyzer::tokens(&mut analyzer::exact_analyzer(false), text)
            .into_iter()
            .map(|t| t.text)
            .collect()
    }

    /// The text fields a word searches, with their boosts.
    fn text_fields(&self, word: &Word) -> Vec<(&'static str, f32)> {
        match word.field {
            Some(FieldName::Title) => vec![(field::TITLE, 1.0)],
            Some(FieldName::Body) => vec![(field::BODY, 1.0)],
            Some(FieldName::Exact) => vec![(field::EXACT, 1.0)],
            None if self.exact => vec![(field::EXACT, 1.0)],
            _ => vec![(field::TITLE, self.title_boost), (field::BODY, 1.0)],
        }
    }

    /// One query per text field, boosted, any of them.
    fn per_field(&self, word: &Word, make: impl Fn(&str, f32) -> Value) -> Value {
        let any: Vec<Value> = self
            .text_fields(word)
            .into_iter()
            .map(|(field, boost)| make(field, boost))
            .collect();
        match <[Value; 1]>::try_from(any) {
            Ok([one]) => one,
            Err(any) => json!({"bool": {"should": any}}),
        }
    }

    /// A word or quoted phrase: tantivy's parser makes a phrase of a word that analyses to
    /// several terms (`U.S.`), and so does `match_phrase`; one term is a term query.
    fn phrase(&self, word: &Word) -> Value {
        self.per_field(word, |field, boost| {
            json!({"match_phrase": {field: {"query": word.text, "slop": word.slop, "boost": boost}}})
        })
    }

    fn prefix(&mut self, word: &Word, stem: &str) -> Result<Value, String> {
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
        if matches!(word.field, None | Some(FieldName::Exact)) {
            return Ok(json!({"prefix": {field::EXACT: {"value": token.text}}}));
        }
        let starts = crate::query::stem_prefixes(&token.text, &mut self.analyzer);
        let pattern = format!("({}).*", starts.join("|"));
        Ok(self.per_field(
            word,
            |field, boost| json!({"regexp": {field: {"value": pattern, "boost": boost}}}),
        ))
    }

    fn fuzzy(&mut self, word: &Word, text: &str, distance: u32) -> Result<Value, String> {
        if distance == 0 || distance > MAX_FUZZY_DISTANCE {
            return Err(format!(
                "'{}': a fuzzy word takes 1 to {MAX_FUZZY_DISTANCE} edits (the word alone \
                 finds itself)",
                word.text
            ));
        }
        let exact = word.field == Some(FieldName::Exact) || (word.field.is_none() && self.exact);
        let tokens: Vec<String> = if exact {
            self.exact_tokens(text)
        } else {
            analyzer::tokens(&mut self.analyzer, text)
                .into_iter()
                .map(|t| t.text)
                .collect()
        };
        let [token] = tokens.as_slice() else {
            return Err(format!("'{}': fuzzy matching takes one word", word.text));
        };
        Ok(self.per_field(word, |field, boost| {
            // tantivy scores the words within the distance as one constant (its automaton
            // weight); so does this rewrite, where the default blends their frequencies.
            json!({"fuzzy": {field: {"value": token, "fuzziness": distance,
                "transpositions": true, "prefix_length": 0, "max_expansions": 1000,
                "rewrite": "constant_score", "boost": boost}}})
        }))
    }

    fn near(&mut self, a: &Word, b: &Word, within: u32, ordered: bool) -> Result<Value, String> {
        let (ta, tb) = query::near_terms(&mut self.analyzer, a, b, within, ordered)?;
        // `within` words apart is `within - 1` words between.
        Ok(self.per_field(a, |field, boost| {
            json!({"span_near": {
                "clauses": [{"span_term": {field: ta}}, {"span_term": {field: tb}}],
                "slop": within - 1, "in_order": ordered, "boost": boost,
            }})
        }))
    }
}

/// `date:[1987-03-01 TO 1987-03-31]`, as `query::build` reads it.
fn date_bounds(lower: &UserInputBound, upper: &UserInputBound) -> Result<Value, String> {
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
    if from.is_none() && to.is_none() {
        return Ok(json!({"exists": {"field": field::DATE}}));
    }
    Ok(date_range(from, to))
}

fn bad_date(s: &str) -> String {
    format!(
        "'{s}' is not a date (write YYYY, YYYY-MM, YYYY-MM-DD or an RFC 3339 time, from 1678 \
         to 2261)"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dsl(text: &str) -> Value {
        let (node, _) = crate::query::read_tree(text).unwrap();
        translate(&node, Combine::All, false, &Ranking::TANTIVY)
            .unwrap()
            .query
    }

    #[test]
    fn hyphenated_words_search_three_spellings() {
        let q = dsl("anti-satellite").to_string();
        assert!(q.contains("dis_max"), "{q}");
        assert!(q.contains("\"anti satellite\""), "{q}");
        assert!(q.contains("\"antisatellite\""), "{q}");
    }

    #[test]
    fn proximity_is_a_span() {
        let q = dsl("moscow w/3 officials");
        let q = q.to_string();
        assert!(q.contains("span_near") && q.contains("\"slop\":2"), "{q}");
        assert!(q.contains("\"offici\""), "{q}");
        assert!(
            dsl("launch pre/2 satellites")
                .to_string()
                .contains("\"in_order\":true")
        );
    }

    #[test]
    fn operators_become_bool_clauses() {
        let q = dsl("grain AND NOT wheat").to_string();
        assert!(q.contains("must_not"), "{q}");
        let q = dsl("topic:grain").to_string();
        assert_eq!(q, r#"{"term":{"topic":"grain"}}"#);
        assert!(dsl("date:1987").to_string().contains("range"));
        assert!(dsl("satell*").to_string().contains("prefix"));
        assert!(dsl("satelite~1").to_string().contains("fuzzy"));
    }
}
