//! The best passages of an article for a query, as text plus byte ranges to highlight.
//!
//! A passage is a window of about [`TARGET_CHARS`] characters made of whole sentences where
//! possible, cut at word boundaries where a sentence is too long. Windows are scored by the
//! query's terms found in them (rarer terms weigh more, a matched phrase counts as one strong
//! match); the best N that do not overlap are returned in the order of the text. Phrases are
//! highlighted only where the words stand together. Painting the ranges is `output`'s job.

use std::collections::HashMap;

use tantivy::tokenizer::{TextAnalyzer, Token};
use unicode_segmentation::UnicodeSegmentation;

use crate::index::analyzer;
use crate::model::Passage;
use crate::query::Pattern;

/// The length a passage aims for, in characters.
pub const TARGET_CHARS: usize = 250;

/// A sentence longer than this is cut at word boundaries around its matches.
const MAX_CHARS: usize = 320;

/// Context kept before the first match when a long sentence is cut.
const LEAD_CHARS: usize = 60;

/// A match of one pattern in the body: byte range and weight.
#[derive(Debug, Clone, Copy)]
struct Match {
    start: usize,
    end: usize,
    pattern: usize,
}

/// A candidate window: byte range of the body, and whether each end cuts a sentence.
#[derive(Debug, Clone, Copy)]
struct Window {
    start: usize,
    end: usize,
    cut_before: bool,
    cut_after: bool,
    score: f32,
}

/// Finds passages in article bodies for one query.
pub struct PassageFinder {
    analyzer: TextAnalyzer,
    patterns: Vec<Pattern>,
    /// Weight of each pattern (a phrase weighs the sum of its terms, with a bonus).
    weights: Vec<f32>,
}

impl PassageFinder {
    /// `term_weight` gives the weight of an analysed term (say its IDF); unknown terms weigh 1.
    pub fn new(patterns: Vec<Pattern>, term_weight: &HashMap<String, f32>) -> PassageFinder {
        PassageFinder::with_analyzer(patterns, term_weight, analyzer::index_analyzer())
    }

    /// A finder for an index analysed with `analyzer` (the patterns are in its terms).
    pub fn with_analyzer(
        patterns: Vec<Pattern>,
        term_weight: &HashMap<String, f32>,
        analyzer: TextAnalyzer,
    ) -> PassageFinder {
        let weight = |t: &String| term_weight.get(t).copied().unwrap_or(1.0);
        let weights = patterns
            .iter()
            .map(|p| match p {
                Pattern::Term(t) => weight(t),
                // Rarity of a prefix or a fuzzy word's variants is not known: an average weight.
                Pattern::Prefix(_) | Pattern::Fuzzy { .. } | Pattern::Exact(_) => 2.0,
                Pattern::Phrase { terms, .. } => {
                    1.5 * terms
                        .iter()
                        .filter(|t| !t.is_empty())
                        .map(weight)
                        .sum::<f32>()
                }
            })
            .collect();
        PassageFinder {
            analyzer,
            patterns,
            weights,
        }
    }

    /// The analyzer, for another finder (its stem cache stays warm).
    pub fn into_analyzer(self) -> TextAnalyzer {
        self.analyzer
    }

    /// Up to `n` passages of `body`, in the order of the text. When the query matches nothing
    /// in the body (a title match), the opening of the body is the one passage.
    pub fn passages(&mut self, body: &str, n: usize) -> Vec<Passage> {
        if n == 0 || body.trim().is_empty() {
            return Vec::new();
        }
        let matches = self.matches_in(body);
        let last_match = matches.iter().map(|m| m.end).max().unwrap_or(0);
        let sentences = sentences_until(body, last_match);
        let mut windows = windows(body, &sentences, &matches);
        for w in &mut windows {
            w.score = self.score(w, &matches);
        }
        let mut picked: Vec<Window> = Vec::new();
        let mut order: Vec<usize> = (0..windows.len()).collect();
        order.sort_by(|&a, &b| {
            windows[b]
                .score
                .total_cmp(&windows[a].score)
                .then(windows[a].start.cmp(&windows[b].start))
        });
        for i in order {
            let w = windows[i];
            if w.score <= 0.0 || picked.len() == n {
                break;
            }
            if picked.iter().all(|p| w.end <= p.start || w.start >= p.end) {
                picked.push(w);
            }
        }
        if picked.is_empty() {
            picked.extend(windows.first().copied());
        }
        picked.sort_by_key(|w| w.start);
        picked
            .into_iter()
            .map(|w| Passage {
                text: body[w.start..w.end].to_string(),
                offset: w.start,
                // The matches inside the window, merged there: a match that runs past its
                // edge must not swallow the ones within.
                highlights: spans(within(&matches, w.start, w.end))
                    .into_iter()
                    .map(|(s, e)| (s - w.start, e - w.start))
                    .collect(),
                cut_before: w.cut_before,
                cut_after: w.cut_after,
            })
            .collect()
    }

    /// Every place in `text` the query matches, as sorted, non-overlapping byte ranges (for
    /// `lede show`, which marks them all).
    pub fn highlights(&mut self, text: &str) -> Vec<(usize, usize)> {
        spans(&self.matches_in(text))
    }

    /// Every match of the patterns in `text`: the analysed words for most patterns, the words
    /// as written for exact ones.
    fn matches_in(&mut self, text: &str) -> Vec<Match> {
        let tokens = useful_tokens(&mut self.analyzer, text, &self.patterns);
        let mut matches = self.find_matches(&tokens, &self.patterns);
        if self.patterns.iter().any(|p| matches!(p, Pattern::Exact(_))) {
            let inner: Vec<Pattern> = self
                .patterns
                .iter()
                .map(|p| match p {
                    Pattern::Exact(inner) => (**inner).clone(),
                    // only the exact patterns run on these tokens
                    _ => Pattern::Phrase {
                        terms: Vec::new(),
                        slop: 0,
                    },
                })
                .collect();
            let exact = useful_tokens(&mut analyzer::exact_analyzer(true), text, &inner);
            matches.extend(self.find_matches(&exact, &inner));
            matches.sort_by_key(|m| (m.start, m.end));
        }
        matches
    }

    /// Every place a pattern matches, in text order.
    fn find_matches(&self, tokens: &[Token], patterns: &[Pattern]) -> Vec<Match> {
        // Tokens by position (a joined compound shares its first part's position).
        let positions = tokens.last().map_or(0, |t| t.position + 1);
        let mut at: Vec<Vec<usize>> = vec![Vec::new(); positions];
        for (i, t) in tokens.iter().enumerate() {
            at[t.position].push(i);
        }
        let mut matches = Vec::new();
        for (p, pattern) in patterns.iter().enumerate() {
            match pattern {
                Pattern::Exact(_) => {}
                Pattern::Phrase { terms, .. } if terms.is_empty() => {}
                Pattern::Term(_) | Pattern::Prefix(_) | Pattern::Fuzzy { .. } => {
                    matches.extend(tokens.iter().filter(|t| pattern.matches(&t.text)).map(|t| {
                        Match {
                            start: t.offset_from,
                            end: t.offset_to,
                            pattern: p,
                        }
                    }))
                }
                Pattern::Phrase { terms, slop } => {
                    for first in tokens.iter().filter(|t| t.text == terms[0]) {
                        let Some(words) = phrase_words(tokens, &at, first, &terms[1..], *slop)
                        else {
                            continue;
                        };
                        let last = words[words.len() - 1];
                        if last.position - first.position == terms.len() - 1 {
                            // The words stand together: one span, stop words included.
                            matches.push(Match {
                                start: first.offset_from,
                                end: last.offset_to,
                                pattern: p,
                            });
                        } else {
                            // Other words came between: only the phrase's own are marked.
                            matches.extend(words.iter().map(|t| Match {
                                start: t.offset_from,
                                end: t.offset_to,
                                pattern: p,
                            }));
                        }
                    }
                }
            }
        }
        matches.sort_by_key(|m| (m.start, m.end));
        matches
    }

    /// Distinct patterns count fully; repeats of a pattern add a little.
    fn score(&self, w: &Window, matches: &[Match]) -> f32 {
        let mut seen = vec![0u32; self.patterns.len()];
        for m in within(matches, w.start, w.end) {
            seen[m.pattern] += 1;
        }
        seen.iter()
            .zip(&self.weights)
            .map(|(&n, &wt)| match n {
                0 => 0.0,
                n => wt * (1.0 + 0.25 * (n - 1) as f32),
            })
            .sum()
    }
}

/// The tokens of `text` that `patterns` can match: those a word pattern matches, and the words
/// of phrases. The others change nothing: a phrase looks only for its own words, at the
/// positions it needs (a token's position is kept). Copying every token of every hit was a
/// tenth of a served search's time, most of it in the allocator.
fn useful_tokens(analyzer: &mut TextAnalyzer, text: &str, patterns: &[Pattern]) -> Vec<Token> {
    let phrase_words: std::collections::HashSet<&str> = patterns
        .iter()
        .filter_map(|p| match p {
            Pattern::Phrase { terms, .. } => Some(terms),
            _ => None,
        })
        .flatten()
        .filter(|t| !t.is_empty())
        .map(String::as_str)
        .collect();
    analyzer::tokens_where(analyzer, text, |t| {
        phrase_words.contains(t.text.as_str()) || patterns.iter().any(|p| p.matches(&t.text))
    })
}

/// The tokens of a phrase that starts at `first`, if the rest of the phrase follows in order
/// with at most `slop` extra positions in all (an empty term takes one position, whatever
/// stands there).
fn phrase_words<'t>(
    tokens: &'t [Token],
    at: &[Vec<usize>],
    first: &'t Token,
    rest: &[String],
    slop: u32,
) -> Option<Vec<&'t Token>> {
    let mut words = vec![first];
    let mut position = first.position;
    let mut slack = slop as usize;
    for term in rest {
        if term.is_empty() {
            position += 1;
            continue;
        }
        let mut found = None;
        for gap in 0..=slack {
            let pos = position + 1 + gap;
            if let Some(i) = at.get(pos)?.iter().find(|&&i| &tokens[i].text == term) {
                found = Some((*i, gap));
                break;
            }
        }
        let (i, gap) = found?;
        slack -= gap;
        position = tokens[i].position;
        words.push(&tokens[i]);
    }
    Some(words)
}

/// The matches that lie wholly inside `start..end` (`matches` are sorted by start).
fn within(matches: &[Match], start: usize, end: usize) -> impl Iterator<Item = &Match> {
    let from = matches.partition_point(|m| m.start < start);
    matches[from..]
        .iter()
        .take_while(move |m| m.start < end)
        .filter(move |m| m.end <= end)
}

/// Sentence byte ranges, without surrounding white space.
#[cfg(test)]
fn sentences(body: &str) -> Vec<(usize, usize)> {
    sentences_until(body, body.len())
}

/// The sentences [`windows`] needs when no match ends after byte `last_match`: every one that
/// starts before it, then enough to end the windows that start there (more than
/// [`TARGET_CHARS`]). A window starting later holds no match, so it would never be chosen;
/// the text after it is not split at all (finding sentence ends is the costliest part of
/// passages, and a query's last match is often early in an article).
fn sentences_until(body: &str, last_match: usize) -> Vec<(usize, usize)> {
    let text = unwrap_lines(body);
    let mut out = Vec::new();
    // Characters (and the spaces that join sentences) since the first sentence after the
    // last match.
    let mut beyond = 0;
    for (start, s) in text.split_sentence_bound_indices() {
        let lead = s.len() - s.trim_start().len();
        let trimmed = s.trim();
        if trimmed.is_empty() {
            continue;
        }
        let start = start + lead;
        if start >= last_match {
            if beyond > TARGET_CHARS {
                break;
            }
            beyond += trimmed.chars().count() + 1;
        }
        out.push((start, start + trimmed.len()));
    }
    out
}

/// The body with hard line wraps (a single line break inside a paragraph, as in wire copy)
/// turned into spaces, so that they do not end sentences. A blank line or an indented line
/// still starts a paragraph. Same length as the body, so offsets carry over.
fn unwrap_lines(body: &str) -> String {
    let bytes = body.as_bytes();
    let mut out = body.as_bytes().to_vec();
    for (i, &b) in bytes.iter().enumerate() {
        if b != b'\n' {
            continue;
        }
        let prev = i.checked_sub(1).map(|p| bytes[p]);
        let next = bytes.get(i + 1).copied();
        let next2 = bytes.get(i + 2).copied();
        let paragraph = prev == Some(b'\n')
            || prev == Some(b'\r')
            || matches!(next, Some(b'\n' | b'\r' | b'\t'))
            || (next == Some(b' ') && next2 == Some(b' '))
            || next.is_none();
        if !paragraph {
            out[i] = b' ';
        }
    }
    // Only ASCII newlines were replaced by ASCII spaces: still UTF-8.
    String::from_utf8(out).unwrap_or_else(|_| body.to_string())
}

/// Candidate windows: from each sentence, as many whole sentences as fit in the target; a
/// sentence too long for a passage is cut around its matches instead (a window from each
/// match the windows before it in the sentence do not hold), or at its start.
fn windows(body: &str, sentences: &[(usize, usize)], matches: &[Match]) -> Vec<Window> {
    let chars = |s: usize, e: usize| body[s..e].chars().count();
    let lens: Vec<usize> = sentences.iter().map(|&(s, e)| chars(s, e)).collect();
    let mut out = Vec::with_capacity(sentences.len());
    for (i, &(start, end)) in sentences.iter().enumerate() {
        if lens[i] > MAX_CHARS {
            let before = out.len();
            let mut covered = start;
            for m in within(matches, start, end) {
                if out.len() > before && m.start < covered {
                    continue;
                }
                let w = cut(body, start, end, m.start);
                covered = w.end;
                out.push(w);
            }
            if out.len() == before {
                out.push(cut(body, start, end, start));
            }
            continue;
        }
        let mut w_end = end;
        let mut len = lens[i];
        for j in i + 1..sentences.len() {
            // +1 for the space that joins two sentences
            if len + 1 + lens[j] > TARGET_CHARS {
                break;
            }
            len += 1 + lens[j];
            w_end = sentences[j].1;
        }
        out.push(Window {
            start,
            end: w_end,
            cut_before: false,
            cut_after: false,
            score: 0.0,
        });
    }
    out
}

/// A window of about the target length inside the sentence `start..end`, beginning a little
/// before `focus`, with both ends moved to word boundaries.
fn cut(body: &str, start: usize, end: usize, focus: usize) -> Window {
    let mut w_start = back_chars(body, focus, LEAD_CHARS).max(start);
    if w_start > start {
        // start on a word: skip the rest of the word we landed in, then spaces
        let rest = &body[w_start..end];
        let skip = rest.find(char::is_whitespace).unwrap_or(0);
        let after = &rest[skip..];
        w_start += skip + (after.len() - after.trim_start().len());
        w_start = w_start.min(focus);
    }
    let mut w_end = forward_chars(body, w_start, TARGET_CHARS).min(end);
    if w_end < end {
        // end on a word: back to the last white space
        if let Some(space) = body[w_start..w_end].rfind(char::is_whitespace) {
            w_end = w_start + space;
        }
        w_end = w_start + body[w_start..w_end].trim_end().len();
    }
    Window {
        start: w_start,
        end: w_end,
        cut_before: w_start > start,
        cut_after: w_end < end,
        score: 0.0,
    }
}

fn back_chars(text: &str, from: usize, n: usize) -> usize {
    text[..from]
        .char_indices()
        .rev()
        .nth(n.saturating_sub(1))
        .map_or(0, |(i, _)| i)
}

fn forward_chars(text: &str, from: usize, n: usize) -> usize {
    text[from..]
        .char_indices()
        .nth(n)
        .map_or(text.len(), |(i, _)| from + i)
}

/// Match ranges merged into non-overlapping highlight spans.
fn spans<'m>(matches: impl IntoIterator<Item = &'m Match>) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    for m in matches {
        match out.last_mut() {
            Some(last) if m.start <= last.1 => last.1 = last.1.max(m.end),
            _ => out.push((m.start, m.end)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finder(patterns: Vec<Pattern>) -> PassageFinder {
        PassageFinder::new(patterns, &HashMap::new())
    }

    fn marked(p: &Passage) -> String {
        let mut s = String::new();
        let mut at = 0;
        for &(a, b) in &p.highlights {
            s.push_str(&p.text[at..a]);
            s.push('[');
            s.push_str(&p.text[a..b]);
            s.push(']');
            at = b;
        }
        s.push_str(&p.text[at..]);
        s
    }

    fn asat() -> Vec<Pattern> {
        vec![
            Pattern::Phrase {
                terms: vec!["anti".into(), "satellit".into()],
                slop: 0,
            },
            Pattern::Term("antisatellit".into()),
        ]
    }

    #[test]
    fn all_three_spellings_are_highlighted_and_nothing_else() {
        let body = "An anti-satellite test. Anti aircraft guns and a satellite. \
                    The antisatellite ban. An anti satellite weapon.";
        let p = finder(asat()).passages(body, 1);
        assert_eq!(p.len(), 1);
        assert_eq!(
            marked(&p[0]),
            "An [anti-satellite] test. Anti aircraft guns and a satellite. \
             The [antisatellite] ban. An [anti satellite] weapon."
        );
        assert_eq!(p[0].offset, 0);
        assert_eq!(p[0].highlights[0], (3, 17));
    }

    #[test]
    fn best_passages_come_back_in_text_order() {
        let filler = "Nothing to see in this sentence, which goes on for a while to fill space. ";
        let body = format!(
            "{}The orbit was low. {}{}{}{}A laser hit the orbit twice, then the orbit again. {}",
            filler.repeat(4),
            filler,
            filler,
            filler,
            filler,
            filler.repeat(3)
        );
        let mut f = finder(vec![
            Pattern::Term("orbit".into()),
            Pattern::Term("laser".into()),
        ]);
        let p = f.passages(&body, 2);
        assert_eq!(p.len(), 2);
        assert!(p[0].offset < p[1].offset);
        assert!(p[0].text.contains("The orbit was low."));
        assert!(p[1].text.contains("A laser hit"));
        for passage in &p {
            assert_eq!(
                &body[passage.offset..passage.offset + passage.text.len()],
                passage.text
            );
            assert!(passage.text.chars().count() <= TARGET_CHARS);
        }
    }

    #[test]
    fn a_long_sentence_is_cut_at_word_boundaries() {
        let body = format!(
            "{} the satellite broke up {}.",
            "word ".repeat(100).trim_end(),
            "more ".repeat(100).trim_end()
        );
        let p = finder(vec![Pattern::Term("satellit".into())]).passages(&body, 2);
        assert_eq!(p.len(), 1);
        let p = &p[0];
        assert!(p.cut_before && p.cut_after);
        assert!(
            p.text.starts_with("word ") && p.text.ends_with("more"),
            "{:?}",
            p.text
        );
        assert!(p.text.chars().count() <= TARGET_CHARS);
        assert_eq!(marked(p).matches("[satellite]").count(), 1);
    }

    #[test]
    fn no_match_in_the_body_gives_the_opening() {
        let body = "First sentence. Second one.";
        let p = finder(vec![Pattern::Term("zebra".into())]).passages(body, 2);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].text, "First sentence. Second one.");
        assert!(p[0].highlights.is_empty());
        assert!(finder(vec![]).passages("", 2).is_empty());
    }

    #[test]
    fn a_phrase_with_a_stop_word_is_highlighted_whole() {
        let body = "The Bank of England held rates. A bank in England did not.";
        let pattern = Pattern::Phrase {
            terms: vec!["bank".into(), String::new(), "england".into()],
            slop: 0,
        };
        let mut f = finder(vec![pattern]);
        // "in" holds the place as well as "of" does (the index keeps no word there either).
        assert_eq!(
            marked(&f.passages(body, 1)[0]),
            "The [Bank of England] held rates. A [bank in England] did not."
        );
        assert_eq!(f.highlights(body), [(4, 19), (34, 49)]);
    }

    #[test]
    fn a_match_across_the_passage_edge_leaves_the_matches_inside_marked() {
        // The phrase "phone globally" runs from one sentence into the next; the passage of
        // the second sentence must still mark its own "Globally".
        let first = format!(
            "Handsets offer {} on a consumer phone.",
            "much more data ".repeat(20)
        );
        let body = format!("{first} Globally, sales passed 167 million.");
        let patterns = vec![
            Pattern::Phrase {
                terms: vec!["phone".into(), "global".into()],
                slop: 0,
            },
            Pattern::Term("global".into()),
        ];
        let p = finder(patterns).passages(&body, 2);
        let second = p.iter().find(|p| p.text.starts_with("Globally")).unwrap();
        assert_eq!(marked(second), "[Globally], sales passed 167 million.");
    }

    #[test]
    fn a_long_text_without_sentence_ends_gives_a_window_for_each_match() {
        let filler = |n: usize| "word ".repeat(n);
        let body = format!(
            "{}gamma {}satellite launch {}gamma {}",
            filler(20),
            filler(150),
            filler(150),
            filler(20)
        );
        let weights = HashMap::from([("satellit".to_string(), 5.0), ("gamma".to_string(), 1.0)]);
        let mut f = PassageFinder::new(
            vec![
                Pattern::Term("satellit".into()),
                Pattern::Term("gamma".into()),
            ],
            &weights,
        );
        let p = f.passages(&body, 1);
        // The rarer word's window wins, not the one around the first match.
        assert_eq!(p.len(), 1);
        assert!(
            marked(&p[0]).contains("[satellite] launch"),
            "{}",
            marked(&p[0])
        );
        assert!(p[0].cut_before && p[0].cut_after);
        assert_eq!(f.passages(&body, 3).len(), 3);
    }

    #[test]
    fn sloppy_phrases_match_in_order_within_the_slop() {
        let body = "Space security talks began. Talks on space were short.";
        let pattern = Pattern::Phrase {
            terms: vec!["space".into(), "talk".into()],
            slop: 1,
        };
        let p = finder(vec![pattern]).passages(body, 1);
        // Only the phrase's own words: "security" came between them.
        assert_eq!(
            marked(&p[0]),
            "[Space] security [talks] began. Talks on space were short."
        );
    }

    #[test]
    fn hard_wrapped_lines_are_not_sentence_ends() {
        let body = "LONDON, March 28 - The council said on\nFriday that oil prices rose.\n    A second paragraph\nstarts here.";
        assert_eq!(
            sentences(body)
                .iter()
                .map(|&(s, e)| &body[s..e])
                .collect::<Vec<_>>(),
            [
                "LONDON, March 28 - The council said on\nFriday that oil prices rose.",
                "A second paragraph\nstarts here."
            ]
        );
    }

    #[test]
    fn stems_and_folding_match_the_original_text() {
        let body = "Two Satellites met at the Café.";
        let p = finder(vec![
            Pattern::Term("satellit".into()),
            Pattern::Term("cafe".into()),
        ])
        .passages(body, 1);
        assert_eq!(marked(&p[0]), "Two [Satellites] met at the [Café].");
    }
}
