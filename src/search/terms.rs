//! `lede terms`: the words and two-word phrases that are significant in a query's matches
//! (the foreground) compared with the whole index (the background), scored with JLH, the
//! default of Elasticsearch's `significant_terms`:
//!
//! ```text
//! p_f = fg_df / fg_size,  p_b = bg_df / bg_size
//! JLH = (p_f - p_b) * (p_f / p_b)   when p_f > p_b, else 0
//! ```
//!
//! tantivy keeps no term vectors, so the foreground's stored title and body are analysed
//! again with the exact field's analyzer (lower case and folding, no stemming), stop words,
//! numbers and one-letter words left out. At most `sample` matches are read (the
//! best-scoring ones, as Elasticsearch's `sampler`); the results say when they are a sample.
//! Background counts are exact: a count of live articles with the word (or the phrase) in the
//! exact field. Phrases are counted for the `PHRASE_CANDIDATES` most frequent in the
//! foreground only.

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use tantivy::collector::{Count, TopDocs};
use tantivy::query::{PhraseQuery, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{Searcher, TantivyDocument, Term};

use super::Engine;
use crate::error::{Error, Result};
use crate::index::analyzer;
use crate::model::{JSON_VERSION, SignificantTerm, TermsRequest, TermsResults};

/// Phrases whose background is counted (each count is a phrase search).
const PHRASE_CANDIDATES: usize = 400;

/// The JLH score of a term in `fg` of `fg_size` foreground articles and `bg` of `bg_size`.
pub fn jlh(fg: u64, fg_size: u64, bg: u64, bg_size: u64) -> f64 {
    if fg_size == 0 || bg_size == 0 || bg == 0 {
        return 0.0;
    }
    let pf = fg as f64 / fg_size as f64;
    let pb = bg as f64 / bg_size as f64;
    if pf <= pb { 0.0 } else { (pf - pb) * (pf / pb) }
}

impl Engine {
    /// The significant terms of a query's matches.
    pub fn terms(&self, req: &TermsRequest) -> Result<TermsResults> {
        self.guarded(|| {
            let started = Instant::now();
            let err = |e| Error::index(&self.dir, e);
            let searcher = self.reader.searcher();
            let (parsed, _) = self.parse_auto(&req.query, req.combine, &req.scope, false)?;
            let matches = searcher
                .search(parsed.query.as_ref(), &Count)
                .map_err(err)?;
            let take = matches.min(req.sample.max(1));
            let found = if matches == 0 {
                Vec::new()
            } else {
                searcher
                    .search(
                        parsed.query.as_ref(),
                        &TopDocs::with_limit(take).order_by_score(),
                    )
                    .map_err(err)?
            };
            let mut notes = parsed.notes.clone();
            let sampled = take < matches;
            if sampled {
                notes.push(format!(
                    "terms from a sample: the {take} best-scoring of {matches} matches"
                ));
            }

            // Foreground document frequencies, re-analysing the stored text.
            let fields = &self.store.fields;
            let mut exact = analyzer::exact_analyzer(false);
            let mut news = analyzer::index_analyzer();
            let mut stop: HashMap<String, bool> = HashMap::new();
            let mut words: HashMap<String, u64> = HashMap::new();
            let mut pairs: HashMap<(String, String), u64> = HashMap::new();
            for (_, addr) in &found {
                let doc: TantivyDocument = searcher.doc(*addr).map_err(err)?;
                let mut doc_words = HashSet::new();
                let mut doc_pairs = HashSet::new();
                for field in [fields.title, fields.body] {
                    let text = doc
                        .get_first(field)
                        .and_then(|v| v.as_str())
                        .unwrap_or_default();
                    let tokens = analyzer::tokens(&mut exact, text);
                    let mut prev: Option<(usize, &str)> = None;
                    for t in &tokens {
                        let keep = *stop
                            .entry(t.text.clone())
                            .or_insert_with(|| is_content_word(&mut news, &t.text));
                        if !keep {
                            prev = None;
                            continue;
                        }
                        doc_words.insert(t.text.clone());
                        if let Some((pos, w)) = prev
                            && pos + 1 == t.position
                            && req.phrases
                        {
                            doc_pairs.insert((w.to_string(), t.text.clone()));
                        }
                        prev = Some((t.position, t.text.as_str()));
                    }
                }
                for w in doc_words {
                    *words.entry(w).or_default() += 1;
                }
                for p in doc_pairs {
                    *pairs.entry(p).or_default() += 1;
                }
            }

            let fg_size = found.len() as u64;
            let bg_size = searcher.num_docs();
            let mut terms = Vec::new();
            for (word, fg) in words {
                if fg < req.min_doc_count {
                    continue;
                }
                let bg = self.count_word(&searcher, &word)?.max(fg);
                terms.push(SignificantTerm {
                    score: jlh(fg, fg_size, bg, bg_size),
                    term: word,
                    kind: "word",
                    fg,
                    bg,
                });
            }
            let mut phrases: Vec<((String, String), u64)> = pairs
                .into_iter()
                .filter(|(_, fg)| *fg >= req.min_doc_count)
                .collect();
            phrases.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            for ((a, b), fg) in phrases.into_iter().take(PHRASE_CANDIDATES) {
                let bg = self.count_phrase(&searcher, &a, &b)?.max(fg);
                terms.push(SignificantTerm {
                    score: jlh(fg, fg_size, bg, bg_size),
                    term: format!("{a} {b}"),
                    kind: "phrase",
                    fg,
                    bg,
                });
            }
            terms.retain(|t| t.score > 0.0);
            terms.sort_by(|a, b| {
                b.score
                    .total_cmp(&a.score)
                    .then_with(|| a.term.cmp(&b.term))
            });
            terms.truncate(req.size);
            Ok(TermsResults {
                lede_json: JSON_VERSION,
                query: req.query.clone(),
                notes,
                score: "jlh",
                matches,
                foreground: found.len(),
                sampled,
                background: bg_size,
                took_ms: started.elapsed().as_secs_f64() * 1e3,
                terms,
            })
        })
    }

    /// Live articles with `word` in the exact field.
    fn count_word(&self, searcher: &Searcher, word: &str) -> Result<u64> {
        let term = Term::from_field_text(self.store.fields.exact, word);
        let query = TermQuery::new(term, IndexRecordOption::Basic);
        let n = searcher
            .search(&query, &Count)
            .map_err(|e| Error::index(&self.dir, e))?;
        Ok(n as u64)
    }

    /// Live articles with the two words side by side in the exact field.
    fn count_phrase(&self, searcher: &Searcher, a: &str, b: &str) -> Result<u64> {
        let field = self.store.fields.exact;
        let query = PhraseQuery::new(vec![
            Term::from_field_text(field, a),
            Term::from_field_text(field, b),
        ]);
        let n = searcher
            .search(&query, &Count)
            .map_err(|e| Error::index(&self.dir, e))?;
        Ok(n as u64)
    }
}

/// A word worth listing: not a stop word (the index analyzer drops it), not a number, longer
/// than one letter.
fn is_content_word(news: &mut tantivy::tokenizer::TextAnalyzer, word: &str) -> bool {
    word.chars().count() > 1
        && word.chars().any(char::is_alphabetic)
        && !analyzer::tokens(news, word).is_empty()
}

#[cfg(test)]
mod tests {
    use super::jlh;

    #[test]
    fn jlh_is_elasticsearchs() {
        // p_f = 0.5, p_b = 0.1: (0.5 - 0.1) * 5 = 2
        assert!((jlh(5, 10, 10, 100) - 2.0).abs() < 1e-9);
        assert_eq!(jlh(1, 10, 50, 100), 0.0);
        assert_eq!(jlh(1, 10, 0, 100), 0.0);
    }
}
