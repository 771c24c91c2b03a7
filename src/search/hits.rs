//! A stored document made a [`Hit`] with its passages, and the term weights passages use.

use std::collections::HashMap;

use tantivy::schema::Field;
use tantivy::{Searcher, TantivyDocument, Term};

use super::passages::PassageFinder;
use crate::index::schema::Fields;
use crate::model::Hit;
use crate::query::Pattern;

/// A hit for a stored document, with its passages.
pub(super) fn hit(
    fields: &Fields,
    rank: usize,
    score: Option<f32>,
    doc: &TantivyDocument,
    finder: &mut PassageFinder,
    passages: usize,
) -> Hit {
    let article = fields.article(doc);
    let words = article.word_count();
    Hit {
        passages: finder.passages(&article.body, passages),
        ..Hit::of(article, rank, score, words)
    }
}

/// The inverse document frequency of each pattern term in the body field.
pub(super) fn term_weights(
    searcher: &Searcher,
    body: Field,
    patterns: &[Pattern],
) -> HashMap<String, f32> {
    let n = searcher.num_docs();
    patterns
        .iter()
        .flat_map(|p| p.terms())
        .filter(|t| !t.is_empty())
        .map(|t| {
            let df = searcher
                .doc_freq(&Term::from_field_text(body, t))
                .unwrap_or(0);
            (t.clone(), idf(df, n))
        })
        .collect()
}

/// BM25's inverse document frequency, as tantivy computes it: ln(1 + (N - n + 0.5) / (n + 0.5))
/// for a term in `df` of `articles` articles.
pub(super) fn idf(df: u64, articles: u64) -> f32 {
    let df = df.min(articles);
    (1.0 + ((articles - df) as f32 + 0.5) / (df as f32 + 0.5)).ln()
}
