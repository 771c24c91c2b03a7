//! Text analysis for titles and bodies: how text becomes the terms that are indexed and searched.
//!
//! This module owns the word splitter ([`NewsTokenizer`], which also lower-cases and folds),
//! the filters after it (English stop words, cached English stemming) and the handling of
//! hyphenated compounds. tantivy does not store analyzers in the index, so [`register`] must run
//! on every open; `store.rs` does that.
//!
//! Analysis is a large part of what indexing costs, so the chain is built for speed (see
//! docs/performance.md): normalising inside the tokenizer saves three filter layers and a copy of every
//! word, and the stemmer remembers the stems of the words it met last (Snowball takes up to
//! 250 ns a word; most words are found in the cache instead). The terms are the same as tantivy's own filters give
//! (`RemoveLongFilter`, `LowerCaser`, `AsciiFoldingFilter`, `StopWordFilter`, `Stemmer`), which
//! the tests check word for word.

use std::borrow::Cow;
use std::hash::BuildHasher;

use serde::{Deserialize, Serialize};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer,
    StopWordFilter, TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer, TokenizerManager,
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
/// tries the others (the choice is measured there, see docs/ranking.md).
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
    /// What lede indexes with: chosen with `lede eval --variants` on TIME (docs/ranking.md).
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
        // Each combination is its own static chain: no dynamic dispatch per word and filter.
        let words = NewsTokenizer::new(join_hyphens);
        match (self.stop_words, self.stem) {
            (true, true) => TextAnalyzer::builder(words)
                .filter(english_stop_words())
                .filter(CachedStemmer)
                .build(),
            (true, false) => TextAnalyzer::builder(words)
                .filter(english_stop_words())
                .build(),
            (false, true) => TextAnalyzer::builder(words).filter(CachedStemmer).build(),
            (false, false) => TextAnalyzer::from(words),
        }
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
    TextAnalyzer::from(NewsTokenizer::new(join_hyphens))
}

/// Words lower-cased and folded but not stemmed: what a prefix (`satell*`) is made of.
pub fn prefix_analyzer() -> TextAnalyzer {
    TextAnalyzer::from(NewsTokenizer::new(false))
}

/// tantivy's English stop words ("the", "of", ...).
fn english_stop_words() -> StopWordFilter {
    StopWordFilter::new(Language::English).unwrap_or_else(|| StopWordFilter::remove(Vec::new()))
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
/// Words come out lower-cased and folded to ASCII (`Café` is `cafe`); words of
/// `MAX_TOKEN_BYTES` or more are dropped, their position left empty.
///
/// With `join_hyphens`, words joined by hyphens (`anti-satellite`) give their parts, each at its
/// own position, and also the joined word (`antisatellite`) at the first part's position, so
/// that `antisatellite`, `anti-satellite` and the phrase "anti satellite" all find each other.
#[derive(Clone)]
pub struct NewsTokenizer {
    /// Emit the joined form of hyphenated compounds.
    join_hyphens: bool,
    /// Lower-case, fold and drop long words (off only in tests, to compare with tantivy's
    /// filters doing the same).
    normalize: bool,
    /// Lower-cases and folds the words that are not plain ASCII (tantivy's own filters).
    fold: TextAnalyzer,
}

impl NewsTokenizer {
    pub fn new(join_hyphens: bool) -> NewsTokenizer {
        NewsTokenizer {
            join_hyphens,
            normalize: true,
            fold: keyword_analyzer(),
        }
    }
}

impl Tokenizer for NewsTokenizer {
    type TokenStream<'a> = NewsTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> NewsTokenStream<'a> {
        NewsTokenStream {
            text,
            cursor: 0,
            join_hyphens: self.join_hyphens,
            normalize: self.normalize,
            fold: &mut self.fold,
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
    normalize: bool,
    fold: &'a mut TextAnalyzer,
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

    /// Makes the token of `text[from..to]`; false when the word is too long to keep.
    fn set_token(&mut self, from: usize, to: usize, position_length: usize) -> bool {
        let text = self.text;
        self.token.offset_from = from;
        self.token.offset_to = to;
        self.token.position_length = position_length;
        self.token.text.clear();
        // A part of a chain, or a whole word: its letters without apostrophes or hyphens
        // (most words have none: copied whole and lower-cased in place).
        let word = &text[from..to];
        if word.bytes().all(|b| b.is_ascii_alphanumeric()) {
            self.token.text.push_str(word);
        } else {
            self.token
                .text
                .extend(word.chars().filter(|&c| !is_apostrophe(c) && !is_hyphen(c)));
        }
        if !self.normalize {
            return true;
        }
        // The length limit applies as written, before case and folding change it.
        if self.token.text.len() >= MAX_TOKEN_BYTES {
            return false;
        }
        if self.token.text.is_ascii() {
            self.token.text.make_ascii_lowercase();
        } else {
            let mut folded = self.fold.token_stream(&self.token.text);
            let text = if folded.advance() {
                folded.token().text.clone()
            } else {
                String::new()
            };
            drop(folded);
            self.token.text = text;
        }
        true
    }
}

impl TokenStream for NewsTokenStream<'_> {
    fn advance(&mut self) -> bool {
        loop {
            if self.pending == 1 && self.joined_pending {
                // The joined form shares the first part's position.
                self.joined_pending = false;
                let (from, to) = (self.parts[0].0, self.parts[self.parts.len() - 1].1);
                let n = self.parts.len();
                if self.set_token(from, to, n) {
                    return true;
                }
                continue;
            }
            if self.pending >= self.parts.len() && !self.scan_chain() {
                return false;
            }
            let (from, to) = self.parts[self.pending];
            self.pending += 1;
            self.position = self.position.wrapping_add(1);
            self.token.position = self.position;
            if self.set_token(from, to, 1) {
                return true;
            }
        }
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

/// English stemming (Snowball, as tantivy's `Stemmer`) that remembers the stems of the words it
/// met last. Each indexing thread has its own copy (tantivy clones the analyzer per segment).
#[derive(Clone, Copy)]
pub struct CachedStemmer;

impl TokenFilter for CachedStemmer {
    type Tokenizer<T: Tokenizer> = CachedStemmerTokenizer<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> CachedStemmerTokenizer<T> {
        CachedStemmerTokenizer {
            inner,
            stemmer: frostem::Stemmer::new(frostem::Algorithm::English),
            cache: StemCache::new(),
        }
    }
}

#[derive(Clone)]
pub struct CachedStemmerTokenizer<T> {
    inner: T,
    stemmer: frostem::Stemmer,
    cache: StemCache,
}

impl<T: Tokenizer> Tokenizer for CachedStemmerTokenizer<T> {
    type TokenStream<'a> = CachedStemmerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CachedStemmerStream {
            tail: self.inner.token_stream(text),
            stemmer: self.stemmer,
            cache: &mut self.cache,
        }
    }
}

pub struct CachedStemmerStream<'a, T> {
    tail: T,
    stemmer: frostem::Stemmer,
    cache: &'a mut StemCache,
}

impl<T: TokenStream> TokenStream for CachedStemmerStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        let slot = self.cache.slot(&token.text);
        if let Some(stem) = slot.and_then(|i| self.cache.get(i, &token.text)) {
            token.text.clear();
            token.text.push_str(stem);
            return true;
        }
        match self.stemmer.stem(&token.text) {
            Cow::Borrowed(_) => {} // the word is its own stem
            Cow::Owned(stem) => {
                if let Some(i) = slot {
                    self.cache.put(i, &token.text, &stem);
                }
                token.text = stem;
                return true;
            }
        }
        if let Some(i) = slot {
            let word = token.text.clone();
            self.cache.put(i, &word, &word);
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// Longest word (in bytes) the stem cache keeps; longer ones are always stemmed.
const STEM_CACHE_WORD: usize = 22;

/// Slots of the stem cache (a power of two): 4,096 x 46 bytes = 184 KB, within a core's own
/// cache. tantivy clones the analyzer for every segment and field, and 1.5 MB caches (which
/// kept 80% of the stems rather than 60%) took the peak memory of indexing 10^5 articles
/// from about 350 to 425 MB. A hash map of every word seen was no faster than stemming: its
/// lookups missed the processor's caches.
const STEM_CACHE_SLOTS: usize = 1 << 12;

/// A direct-mapped cache of stems: each word has one slot (by its hash), and the last word
/// stemmed there keeps it. Frequent words stay; rare ones come and go.
#[derive(Clone)]
pub struct StemCache {
    slots: Vec<StemSlot>,
}

#[derive(Clone, Copy)]
struct StemSlot {
    word_len: u8,
    stem_len: u8,
    word: [u8; STEM_CACHE_WORD],
    stem: [u8; STEM_CACHE_WORD],
}

impl StemCache {
    /// An empty cache; its slots are allocated on first use (tantivy clones analyzers that
    /// never see a word).
    fn new() -> StemCache {
        StemCache { slots: Vec::new() }
    }

    /// The slot of `word`, or `None` when it is too long (or empty) to keep.
    fn slot(&self, word: &str) -> Option<usize> {
        if word.is_empty() || word.len() > STEM_CACHE_WORD {
            return None;
        }
        let hash = rustc_hash::FxBuildHasher.hash_one(word.as_bytes());
        Some((hash >> (64 - STEM_CACHE_SLOTS.trailing_zeros())) as usize)
    }

    fn get(&self, slot: usize, word: &str) -> Option<&str> {
        let s = self.slots.get(slot)?;
        let len = usize::from(s.word_len);
        if len != word.len() || &s.word[..len] != word.as_bytes() {
            return None;
        }
        std::str::from_utf8(&s.stem[..usize::from(s.stem_len)]).ok()
    }

    fn put(&mut self, slot: usize, word: &str, stem: &str) {
        if stem.len() > STEM_CACHE_WORD {
            return;
        }
        if self.slots.is_empty() {
            let empty = StemSlot {
                word_len: 0,
                stem_len: 0,
                word: [0; STEM_CACHE_WORD],
                stem: [0; STEM_CACHE_WORD],
            };
            self.slots = vec![empty; STEM_CACHE_SLOTS];
        }
        let Some(s) = self.slots.get_mut(slot) else {
            return;
        };
        s.word[..word.len()].copy_from_slice(word.as_bytes());
        s.word_len = word.len() as u8;
        s.stem[..stem.len()].copy_from_slice(stem.as_bytes());
        s.stem_len = stem.len() as u8;
    }
}

/// Every token the analyzer makes of `text`: (term, position, byte range). Used by passages.
pub fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Token> {
    tokens_where(analyzer, text, |_| true)
}

/// The tokens of `text` that `keep` accepts; only those are copied.
pub fn tokens_where(
    analyzer: &mut TextAnalyzer,
    text: &str,
    mut keep: impl FnMut(&Token) -> bool,
) -> Vec<Token> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    stream.process(&mut |t| {
        if keep(t) {
            out.push(t.clone());
        }
    });
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

    /// The chain lede had before it normalised in the tokenizer and cached stems: tantivy's own
    /// filters, one after the other.
    fn tantivy_filters(join_hyphens: bool, stem: bool) -> TextAnalyzer {
        let words = NewsTokenizer {
            normalize: false,
            ..NewsTokenizer::new(join_hyphens)
        };
        let b = TextAnalyzer::builder(words)
            .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .dynamic();
        if stem {
            b.filter_dynamic(english_stop_words())
                .filter_dynamic(tantivy::tokenizer::Stemmer::new(Language::English))
                .build()
        } else {
            b.build()
        }
    }

    fn same_terms_as_tantivy_filters(text: &str) {
        let cases = [
            (index_analyzer(), tantivy_filters(true, true)),
            (query_analyzer(), tantivy_filters(false, true)),
            (exact_analyzer(true), tantivy_filters(true, false)),
        ];
        for (mut ours, mut theirs) in cases {
            let (a, b) = (tokens(&mut ours, text), tokens(&mut theirs, text));
            assert_eq!(
                a.len(),
                b.len(),
                "token count of {:?}",
                text.chars().take(80).collect::<String>()
            );
            for (x, y) in a.iter().zip(&b) {
                assert_eq!(
                    (
                        &x.text,
                        x.position,
                        x.offset_from,
                        x.offset_to,
                        x.position_length
                    ),
                    (
                        &y.text,
                        y.position,
                        y.offset_from,
                        y.offset_to,
                        y.position_length
                    )
                );
            }
        }
    }

    #[test]
    fn same_terms_as_tantivy_filters_on_hard_cases() {
        let long = "x".repeat(MAX_TOKEN_BYTES);
        let almost = "y".repeat(MAX_TOKEN_BYTES - 1);
        // 47 letters as written, more bytes once lower-cased ('İ' is 2 bytes, 'i̇' 3).
        let grows = format!("{}\u{130}", "z".repeat(MAX_TOKEN_BYTES - 3));
        let text = format!(
            "The SATELLITES' orbits: Café-Bar, naïve ÆTHER, Straße, İstanbul, ﬁnance, \
             running runs ran generously happiness Russia's O'Brien 'quoted' anti-satellite \
             {long} {almost} {grows} a-{long} {long}-b state-of-the-art q-r-x-y-z 2024-25 \
             ΑΘΗΝΑ Москва 東京 don't users' isn\u{2019}t co\u{2011}operation"
        );
        same_terms_as_tantivy_filters(&text);
        // The cache gives what the stemmer gave, the second time too.
        same_terms_as_tantivy_filters(&format!("{text} {text}"));
    }

    #[test]
    fn same_terms_as_tantivy_filters_on_the_bundled_corpus() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let mut files = 0;
        for entry in walkdir::WalkDir::new(&root).into_iter().flatten() {
            if let Ok(text) = std::fs::read_to_string(entry.path()) {
                same_terms_as_tantivy_filters(&text);
                files += 1;
            }
        }
        assert!(files > 50, "read {files} files under {}", root.display());
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
