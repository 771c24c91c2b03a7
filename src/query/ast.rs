//! lede's own syntax tree of a query, lowered once from tantivy's grammar: field names
//! resolved to [`FieldName`], `a w/N b` and `a pre/N b` found once and made one [`Node::Near`],
//! and the forms of a word (`satell*`, `satelite~1`, `anti-satellite`) told by methods of
//! [`Word`]. Building, highlighting and `--explain-query` all walk this tree; none of them
//! looks at tantivy's tree or matches a field name as a string.

use tantivy::query::Occur;
use tantivy::query_grammar::{Delimiter, UserInputAst, UserInputLeaf, UserInputLiteral};

use crate::model::{FieldName, QUERY_FIELDS};

/// The deepest nesting of groups a query may have; deeper ones are refused, not walked.
pub const MAX_DEPTH: usize = 100;

/// A part of a query.
#[derive(Debug, Clone)]
pub enum Node {
    /// Clauses side by side (the whole query, or a parenthesised group), each with the
    /// operator written before it (`+`, `-`, AND, OR, NOT), or none.
    Group(Vec<(Option<Occur>, Node)>),
    Boost(Box<Node>, f32),
    /// `a w/N b` (either order) and `a pre/N b` (a first), within N words.
    Near {
        a: Word,
        b: Word,
        within: u32,
        ordered: bool,
    },
    /// `w/N` or `pre/N` without a word on each side: an error when built.
    LoneNear {
        within: u32,
        ordered: bool,
    },
    Word(Word),
    /// `date:[a TO b]` (a range leaf on the date field).
    DateRange(UserInputLeaf),
    /// Any other leaf (`*`, ranges and sets on other fields), built by tantivy's parser.
    Other(UserInputLeaf),
}

/// A word, quoted phrase or field value.
#[derive(Debug, Clone)]
pub struct Word {
    /// The field named, if any.
    pub field: Option<FieldName>,
    /// As written, without its quotes.
    pub text: String,
    pub quoted: bool,
    /// For a quoted phrase: `"a b"~N`.
    pub slop: u32,
    /// The same, in tantivy's form, for the leaves tantivy's parser builds.
    raw: UserInputLiteral,
}

impl Word {
    fn lower(lit: &UserInputLiteral) -> Result<Word, String> {
        let field = match &lit.field_name {
            None => None,
            Some(name) => Some(FieldName::from_name(name).ok_or_else(|| {
                format!(
                    "there is no field '{name}' (fields: {})",
                    QUERY_FIELDS.join(", ")
                )
            })?),
        };
        Ok(Word {
            field,
            text: lit.phrase.clone(),
            quoted: lit.delimiter != Delimiter::None,
            slop: lit.slop,
            raw: lit.clone(),
        })
    }

    /// The word in tantivy's form.
    pub fn literal(&self) -> &UserInputLiteral {
        &self.raw
    }

    /// The same word with other text (a section path as stored, a value lower-cased).
    pub fn with_text(&self, text: String) -> Word {
        Word {
            raw: UserInputLiteral {
                phrase: text.clone(),
                ..self.raw.clone()
            },
            text,
            ..self.clone()
        }
    }

    /// The same word seen from another field (or none).
    pub fn with_field(&self, field: Option<FieldName>) -> Word {
        Word {
            raw: UserInputLiteral {
                field_name: field.map(|f| f.name().to_string()),
                ..self.raw.clone()
            },
            field,
            ..self.clone()
        }
    }

    /// Searched in the text of articles (title, body or exact), not a metadata field.
    pub fn is_text(&self) -> bool {
        matches!(
            self.field,
            None | Some(FieldName::Title | FieldName::Body | FieldName::Exact)
        )
    }

    /// `satell*`: the prefix, for an unquoted word ending in `*`.
    pub fn prefix(&self) -> Option<&str> {
        (!self.quoted)
            .then(|| self.text.strip_suffix('*'))
            .flatten()
    }

    /// `satelite~1`: the word and the edit distance, for an unquoted word.
    pub fn fuzzy(&self) -> Option<(&str, u32)> {
        if self.quoted {
            return None;
        }
        let (word, n) = self.text.rsplit_once('~')?;
        let n: u32 = n.parse().ok()?;
        (!word.is_empty()).then_some((word, n))
    }

    /// The spellings an unquoted compound is searched by: `"a b"` and `ab`, for a hyphenated
    /// word (`anti-satellite`) or for a closed one that starts with a prefix writers also
    /// attach with a hyphen or a space (`antisatellite`: anti, co, counter, ...).
    pub fn spellings(&self) -> Option<(Word, Word)> {
        if self.quoted {
            return None;
        }
        let spaced_text = if is_compound(&self.text) {
            self.text.replace(is_hyphen, " ")
        } else {
            let (prefix, rest) = closed_compound(&self.text)?;
            format!("{prefix} {rest}")
        };
        let mut spaced = self.with_text(spaced_text);
        spaced.quoted = true;
        spaced.raw.delimiter = Delimiter::DoubleQuotes;
        let joined = self.with_text(self.text.replace(is_hyphen, ""));
        Some((spaced, joined))
    }

    /// Whether this is a closed compound (`antisatellite`) rather than a hyphenated one.
    pub fn is_closed_compound(&self) -> bool {
        !self.quoted && closed_compound(&self.text).is_some()
    }
}

/// Lowers tantivy's tree of a query into lede's; refuses nesting deeper than [`MAX_DEPTH`]
/// and fields that do not exist.
pub fn lower(ast: &UserInputAst) -> Result<Node, String> {
    lower_at(ast, 0)
}

fn lower_at(ast: &UserInputAst, depth: usize) -> Result<Node, String> {
    if depth > MAX_DEPTH {
        return Err(format!(
            "the query nests groups more than {MAX_DEPTH} deep: write it flatter"
        ));
    }
    match ast {
        UserInputAst::Clause(clauses) => {
            let mut out = Vec::with_capacity(clauses.len());
            let mut i = 0;
            while i < clauses.len() {
                let (occur, sub) = &clauses[i];
                // `a w/5 b` and `a pre/5 b`: three clauses make one.
                if let Some((within, ordered)) =
                    clauses.get(i + 1).and_then(|(_, op)| proximity(op))
                    && let (Some(a), Some(b)) = (
                        literal(sub),
                        clauses.get(i + 2).and_then(|(_, b)| literal(b)),
                    )
                {
                    let (a, b) = (Word::lower(a)?, Word::lower(b)?);
                    out.push((
                        *occur,
                        Node::Near {
                            a,
                            b,
                            within,
                            ordered,
                        },
                    ));
                    i += 3;
                    continue;
                }
                out.push((*occur, lower_at(sub, depth + 1)?));
                i += 1;
            }
            Ok(Node::Group(out))
        }
        UserInputAst::Boost(sub, boost) => Ok(Node::Boost(
            Box::new(lower_at(sub, depth + 1)?),
            boost.into_inner() as f32,
        )),
        UserInputAst::Leaf(leaf) => {
            if let Some((within, ordered)) = proximity(ast) {
                return Ok(Node::LoneNear { within, ordered });
            }
            match leaf.as_ref() {
                UserInputLeaf::Literal(lit) => Ok(Node::Word(Word::lower(lit)?)),
                range @ UserInputLeaf::Range { field: Some(f), .. }
                    if f == FieldName::Date.name() =>
                {
                    Ok(Node::DateRange(range.clone()))
                }
                other => Ok(Node::Other(other.clone())),
            }
        }
    }
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

/// `w/5` or `pre/5`, as written in messages.
pub fn op_name(within: u32, ordered: bool) -> String {
    format!("{}/{within}", if ordered { "pre" } else { "w" })
}

pub fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}')
}

/// Prefixes that newspapers write joined, hyphenated or apart ("antisatellite",
/// "anti-satellite", "anti satellite"; "nonfarm", "non-farm", "non farm"), so a word typed
/// with one of them also finds the spaced spelling. Chosen on Reuters and BBC: for these, the
/// two words side by side mean the joined word; prefixes that are also words of their own
/// ("over time" is not "overtime", "out side", "re", "pro") are left out.
const JOINED_PREFIXES: &[&str] = &[
    "anti", "co", "counter", "cross", "inter", "macro", "mega", "micro", "mid", "mini", "multi",
    "neo", "non", "post", "pre", "pseudo", "quasi", "self", "semi", "sub", "super", "trans",
    "ultra",
];

/// The rest after a prefix must be a word of its own: at least this many letters.
const MIN_REST_CHARS: usize = 4;

/// `antisatellite` -> `("anti", "satellite")`: a word of letters that starts with one of
/// [`JOINED_PREFIXES`] (the longest that fits) followed by at least [`MIN_REST_CHARS`] letters.
pub fn closed_compound(word: &str) -> Option<(&str, &str)> {
    if !word.chars().all(char::is_alphabetic) {
        return None;
    }
    JOINED_PREFIXES
        .iter()
        .filter(|p| word.len() > p.len() && word.is_char_boundary(p.len()))
        .filter(|p| word[..p.len()].eq_ignore_ascii_case(p))
        .map(|p| (&word[..p.len()], &word[p.len()..]))
        .filter(|(_, rest)| rest.chars().count() >= MIN_REST_CHARS)
        .max_by_key(|(p, _)| p.len())
}

/// A word with a hyphen between two letters or digits.
pub fn is_compound(word: &str) -> bool {
    let chars: Vec<char> = word.chars().collect();
    chars
        .windows(3)
        .any(|w| w[0].is_alphanumeric() && is_hyphen(w[1]) && w[2].is_alphanumeric())
}
