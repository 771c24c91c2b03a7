//! Text analysis for titles and bodies: how text becomes the terms that are indexed and searched.
//!
//! This module owns the word splitter ([`NewsTokenizer`]), the filter chain (lower case, ASCII
//! folding, English stemming) and the handling of hyphenated compounds. tantivy does not store
//! analyzers in the index, so [`register`] must run on every open; `store.rs` does that.

use serde::{Deserialize, Serialize};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer,
    Stemmer, StopWordFilter, TextAnalyzer, Token, TokenStream, Tokenizer, TokenizerManager,
};

/// The name under which both text analyzers are registered (the schema refers to it).
pub const NEWS_ANALYZER: &str = "lede_news";

/// The exact field: words lower-cased and folded, nothing dropped or stemmed (`exact:expenses`
/// does not find "expense", `exact:"to be or not to be"` finds the line).
pub const EXACT_ANALYZER: &str = "lede_exact";

/// Metadata values (authors, topics, ...): the whole value is one term, lower-cased and folded,
/// so that `author:zmhuaxia` and `topic:Grain` match however the archive capitalised them.
pub const KEYWORD_ANALYZER: &str = "lede_keyword";

/// Words longer than this (in bytes) are dropped: they are base64, URLs or other junk.
const MAX_TOKEN_BYTES: usize = 48;

/// A hyphen chain longer than this is not joined: "state-of-the-art" is, a list of ids is not.
const MAX_JOINED_PARTS: usize = 4;

/// How titles and bodies are analysed. lede's indexes use [`Analysis::DEFAULT`]; `lede eval`
/// tries the others (the choice is measured there, see README "Ranking").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Analysis {
    /// English stemming (Snowball).
    pub stem: bool,
    /// Drop English stop words ("the", "of", ...).
    pub stop_words: bool,
    /// tantivy's default tokenizer instead: words split on anything not a letter or digit,
    /// lower-cased, nothing else (no folding, stemming or hyphen joins). The baseline.
    pub plain_tantivy: bool,
}

impl Analysis {
    /// What lede indexes with: chosen with `lede eval --variants` on TIME (README, "Ranking").
    pub const DEFAULT: Analysis = Analysis {
        stem: true,
        stop_words: true,
        plain_tantivy: false,
    };

    /// tantivy's defaults, the baseline the default must beat.
    pub const TANTIVY: Analysis = Analysis {
        stem: false,
        stop_words: false,
        plain_tantivy: true,
    };

    /// The analyzer used when indexing: also emits the joined form of hyphenated compounds.
    pub fn index(self) -> TextAnalyzer {
        self.build(true)
    }

    /// The analyzer used to read queries: the same chain without joined forms, because the
    /// query side rewrites a hyphenated word into `("a b" OR ab)` itself (see `query.rs`).
    pub fn query(self) -> TextAnalyzer {
        self.build(false)
    }

    fn build(self, join_hyphens: bool) -> TextAnalyzer {
        if self.plain_tantivy {
            return TextAnalyzer::builder(SimpleTokenizer::default())
                .filter(RemoveLongFilter::limit(40))
                .filter(LowerCaser)
                .build();
        }
        let mut b = TextAnalyzer::builder(NewsTokenizer { join_hyphens })
            .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .dynamic();
        if self.stop_words
            && let Some(stop) = StopWordFilter::new(Language::English)
        {
            b = b.filter_dynamic(stop);
        }
        if self.stem {
            b = b.filter_dynamic(Stemmer::new(Language::English));
        }
        b.build()
    }

    /// Registers the indexing analyzers on an index's own tokenizer manager.
    pub fn register(self, manager: &TokenizerManager) {
        manager.register(NEWS_ANALYZER, self.index());
        manager.register(EXACT_ANALYZER, exact_analyzer(true));
        manager.register(KEYWORD_ANALYZER, keyword_analyzer());
    }

    /// A tokenizer manager for the query parser: the query analyzers under the same names.
    pub fn query_tokenizers(self) -> TokenizerManager {
        let manager = TokenizerManager::default();
        manager.register(NEWS_ANALYZER, self.query());
        manager.register(EXACT_ANALYZER, exact_analyzer(false));
        manager.register(KEYWORD_ANALYZER, keyword_analyzer());
        manager
    }
}

impl Default for Analysis {
    fn default() -> Self {
        Analysis::DEFAULT
    }
}

/// The analyzer lede indexes with.
pub fn index_analyzer() -> TextAnalyzer {
    Analysis::DEFAULT.index()
}

/// The analyzer lede reads queries with.
pub fn query_analyzer() -> TextAnalyzer {
    Analysis::DEFAULT.query()
}

/// The exact field's analyzer: lower case and folding only (with the joined forms of
/// hyphenated words when indexing).
pub fn exact_analyzer(join_hyphens: bool) -> TextAnalyzer {
    TextAnalyzer::builder(NewsTokenizer { join_hyphens })
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// Words lower-cased and folded but not stemmed: what a prefix (`satell*`) is made of.
pub fn prefix_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(NewsTokenizer {
        join_hyphens: false,
    })
    .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
    .filter(LowerCaser)
    .filter(AsciiFoldingFilter)
    .build()
}

/// Metadata values: the whole value is one term, lower-cased and folded.
pub fn keyword_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default())
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// Registers lede's analyzers on an index's own tokenizer manager.
pub fn register(manager: &TokenizerManager) {
    Analysis::DEFAULT.register(manager);
}

/// A tokenizer manager for the query parser, with lede's query analyzer.
pub fn query_tokenizers() -> TokenizerManager {
    Analysis::DEFAULT.query_tokenizers()
}

/// Splits text into words: runs of letters and digits, with apostrophes inside a word kept
/// out of the term (`O'Brien` is `obrien`) and a possessive `'s` dropped (`Russia's` is `russia`).
///
/// With `join_hyphens`, words joined by hyphens (`anti-satellite`) give their parts, each at its
/// own position, and also the joined word (`antisatellite`) at the first part's position, so
/// that `antisatellite`, `anti-satellite` and the phrase "anti satellite" all find each other.
#[derive(Clone)]
pub struct NewsTokenizer {
    /// Emit the joined form of hyphenated compounds.
    pub join_hyphens: bool,
}

impl Tokenizer for NewsTokenizer {
    type TokenStream<'a> = NewsTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> NewsTokenStream<'a> {
        NewsTokenStream {
            text,
            cursor: 0,
            join_hyphens: self.join_hyphens,
            parts: Vec::new(),
            pending: 0,
            joined_pending: false,
            position: usize::MAX,
            token: Token::default(),
        }
    }
}

/// The token stream of [`NewsTokenizer`]: scans one hyphen chain at a time, then emits its parts
/// (and the joined form) from `parts` before scanning on.
pub struct NewsTokenStream<'a> {
    text: &'a str,
    cursor: usize,
    join_hyphens: bool,
    /// Byte ranges of the words of the current chain.
    parts: Vec<(usize, usize)>,
    /// Index in `parts` of the next part to emit.
    pending: usize,
    /// The joined form is still to be emitted (right after the first part).
    joined_pending: bool,
    position: usize,
    token: Token,
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '\u{2019}'
}

fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}')
}

/// The end of the word that starts at `start`, with apostrophes inside it, and where scanning
/// goes on: past a possessive `'s`, which is not part of the word.
fn word_end(text: &str, start: usize) -> (usize, usize) {
    let mut end = start;
    for (i, c) in text[start..].char_indices() {
        if is_word_char(c) {
            end = start + i + c.len_utf8();
        } else if is_apostrophe(c) {
            let after_apostrophe = start + i + c.len_utf8();
            let mut after = text[after_apostrophe..].chars();
            match (after.next(), after.next()) {
                (Some('s' | 'S'), next) if next.is_none_or(|n| !is_word_char(n)) => {
                    return (end, after_apostrophe + 1);
                }
                (Some(n), _) if is_word_char(n) => continue,
                _ => break,
            }
        } else {
            break;
        }
    }
    (end, end)
}

impl NewsTokenStream<'_> {
    /// Finds the next chain of hyphen-joined words from the cursor; false at the end of the text.
    fn scan_chain(&mut self) -> bool {
        self.parts.clear();
        self.pending = 0;
        let rest = &self.text[self.cursor..];
        let Some(start) = rest.char_indices().find(|&(_, c)| is_word_char(c)) else {
            self.cursor = self.text.len();
            return false;
        };
        let mut start = self.cursor + start.0;
        loop {
            let (end, resume) = word_end(self.text, start);
            self.parts.push((start, end));
            self.cursor = resume;
            if resume != end {
                break; // a possessive ends the chain
            }
            let mut after = self.text[end..].chars();
            match (after.next(), after.next()) {
                (Some(h), Some(n)) if is_hyphen(h) && is_word_char(n) => {
                    start = end + h.len_utf8();
                }
                _ => break,
            }
        }
        self.joined_pending =
            self.join_hyphens && (2..=MAX_JOINED_PARTS).contains(&self.parts.len());
        true
    }

    fn set_token(&mut self, from: usize, to: usize, position_length: usize) {
        let text = self.text;
        self.token.offset_from = from;
        self.token.offset_to = to;
        self.token.position_length = position_length;
        self.token.text.clear();
        // A part of a chain, or a whole word: its letters without apostrophes or hyphens
        // (most words have none: copied whole).
        let word = &text[from..to];
        if word.bytes().all(|b| b.is_ascii_alphanumeric()) {
            self.token.text.push_str(word);
        } else {
            self.token
                .text
                .extend(word.chars().filter(|&c| !is_apostrophe(c) && !is_hyphen(c)));
        }
    }
}

impl TokenStream for NewsTokenStream<'_> {
    fn advance(&mut self) -> bool {
        if self.pending == 1 && self.joined_pending {
            // The joined form shares the first part's position.
            self.joined_pending = false;
            let (from, to) = (self.parts[0].0, self.parts[self.parts.len() - 1].1);
            let n = self.parts.len();
            self.set_token(from, to, n);
            return true;
        }
        if self.pending >= self.parts.len() && !self.scan_chain() {
            return false;
        }
        let (from, to) = self.parts[self.pending];
        self.pending += 1;
        self.position = self.position.wrapping_add(1);
        self.token.position = self.position;
        self.set_token(from, to, 1);
        true
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

/// Every token the analyzer makes of `text`: (term, position, byte range). Used by passages.
pub fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    stream.process(&mut |t| out.push(t.clone()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(String, usize)> {
        tokens(analyzer, text)
            .into_iter()
            .map(|t| (t.text, t.position))
            .collect()
    }

    fn owned(v: &[(&str, usize)]) -> Vec<(String, usize)> {
        v.iter().map(|&(s, p)| (s.to_string(), p)).collect()
    }

    #[test]
    fn hyphenated_compound_gives_parts_and_joined_form_at_first_position() {
        let mut a = index_analyzer();
        assert_eq!(
            terms(&mut a, "an anti-satellite test"),
            // "an" is a stop word: gone, but its position stays taken.
            owned(&[
                ("anti", 1),
                ("antisatellit", 1),
                ("satellit", 2),
                ("test", 3)
            ])
        );
    }

    #[test]
    fn joined_token_spans_the_whole_compound() {
        let mut a = index_analyzer();
        let toks = tokens(&mut a, "Anti-Satellite");
        let joined = toks.iter().find(|t| t.text == "antisatellit").unwrap();
        assert_eq!((joined.offset_from, joined.offset_to), (0, 14));
        assert_eq!(joined.position_length, 2);
    }

    #[test]
    fn query_analyzer_does_not_join() {
        let mut a = query_analyzer();
        assert_eq!(
            terms(&mut a, "anti-satellite"),
            owned(&[("anti", 0), ("satellit", 1)])
        );
    }

    #[test]
    fn three_spellings_share_terms() {
        let mut a = index_analyzer();
        let joined = terms(&mut a, "antisatellite");
        let spaced = terms(&mut a, "anti satellite");
        assert_eq!(joined, owned(&[("antisatellit", 0)]));
        assert_eq!(spaced, owned(&[("anti", 0), ("satellit", 1)]));
    }

    #[test]
    fn long_chains_are_not_joined() {
        let mut a = index_analyzer();
        let t = terms(&mut a, "q-r-x-y-z");
        assert_eq!(t.len(), 5);
        let t = terms(&mut a, "state-of-the-art");
        assert!(t.contains(&("stateoftheart".to_string(), 0)));
    }

    #[test]
    fn stemming_and_folding() {
        let mut a = index_analyzer();
        assert_eq!(
            terms(&mut a, "Satellites Café"),
            owned(&[("satellit", 0), ("cafe", 1)])
        );
    }

    #[test]
    fn possessives_and_apostrophes() {
        let mut a = index_analyzer();
        assert_eq!(
            terms(
                &mut a,
                "Russia's VIET NAM'S Moscow\u{2019}s O'Brien users' don't"
            ),
            owned(&[
                ("russia", 0),
                ("viet", 1),
                ("nam", 2),
                ("moscow", 3),
                ("obrien", 4),
                ("user", 5),
                ("dont", 6),
            ])
        );
    }

    #[test]
    fn offsets_point_into_the_original_text() {
        let mut a = index_analyzer();
        let text = "Moscow\u{2019}s café-bar";
        let toks = tokens(&mut a, text);
        let spans: Vec<&str> = toks
            .iter()
            .map(|t| &text[t.offset_from..t.offset_to])
            .collect();
        assert_eq!(spans, ["Moscow", "café", "café-bar", "bar"]);
    }

    #[test]
    fn no_words_no_tokens() {
        let mut a = index_analyzer();
        assert!(terms(&mut a, " -- ' ... ").is_empty());
        assert!(terms(&mut a, "").is_empty());
    }

    #[test]
    fn dangling_hyphens_are_separators() {
        let mut a = index_analyzer();
        assert_eq!(
            terms(&mut a, "pre- and post-war -x"),
            owned(&[
                ("pre", 0),
                ("post", 2),
                ("postwar", 2),
                ("war", 3),
                ("x", 4)
            ])
        );
    }
}
