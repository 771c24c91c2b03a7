//! Why each hit scored as it did (`--explain`): tantivy's explanation made readable, each
//! term and phrase named with its field and words.

use tantivy::schema::Field;
use tantivy::{Searcher, Term};

use super::Engine;
use super::hits::idf;
use crate::error::{Error, Result};
use crate::index::schema::Fields;
use crate::model::{Explained, Hit, SearchRequest};
use crate::query;

impl Engine {
    /// Why each of these hits scored as it did: tantivy's explanation, as a tree.
    pub fn explain(&self, req: &SearchRequest, hits: &[Hit]) -> Result<Vec<Explained>> {
        self.guarded(|| {
            let err = |e| Error::index(&self.dir, e);
            let searcher = self.reader.searcher();
            let (parsed, _) = self.parse_request(req)?;
            let phrases = PhraseLabel::of(&searcher, &self.store.fields, &parsed);
            hits.iter()
                .map(|h| {
                    let addr = self.find(&searcher, &h.id)?;
                    let e = parsed.query.explain(&searcher, addr).map_err(err)?;
                    let value =
                        serde_json::to_value(&e).map_err(|e| Error::Aggregation(e.to_string()))?;
                    Ok(Explained::from_json(
                        &value,
                        &self.store.index.schema(),
                        &phrases,
                    ))
                })
                .collect()
        })
    }
}

impl Explained {
    /// tantivy's explanation (as JSON), made readable: a term's BM25 factors on one line with
    /// its field and text, a phrase's with its field and words (see [`PhraseLabel`]), and
    /// wrappers of a single part left out.
    pub(super) fn from_json(
        v: &serde_json::Value,
        schema: &tantivy::schema::Schema,
        phrases: &[PhraseLabel],
    ) -> Explained {
        let value = v["value"].as_f64().unwrap_or(0.0) as f32;
        let description = v["description"].as_str().unwrap_or("").to_string();
        let context: Vec<String> = v["context"]
            .as_array()
            .map(|c| {
                c.iter()
                    .filter_map(|s| s.as_str())
                    .map(|s| readable_terms(s.trim_start_matches("Term="), schema))
                    .collect()
            })
            .unwrap_or_default();
        let details: Vec<&serde_json::Value> = v["details"]
            .as_array()
            .map(|d| d.iter().collect())
            .unwrap_or_default();
        if description.starts_with("TermQuery") {
            // (K1+1) x idf x tf: say which term, how often, how rare, in how long a field.
            let find = |prefix: &str| {
                details
                    .iter()
                    .find(|d| {
                        d["description"]
                            .as_str()
                            .is_some_and(|s| s.starts_with(prefix))
                    })
                    .copied()
            };
            let idf = find("idf").and_then(|d| d["value"].as_f64()).unwrap_or(0.0);
            let tf = find("freq / ");
            let part = |name: &str| {
                tf.and_then(|t| t["details"].as_array())
                    .and_then(|d| {
                        d.iter().find(|x| {
                            x["description"]
                                .as_str()
                                .is_some_and(|s| s.starts_with(name))
                        })
                    })
                    .and_then(|x| x["value"].as_f64())
                    .unwrap_or(0.0)
            };
            let term = if context.is_empty() {
                "term".to_string()
            } else {
                context.join(", ")
            };
            return Explained {
                value,
                description: format!(
                    "{term}: BM25 with {} occurrence(s), idf {idf:.2}, field length {} (average {:.1})",
                    part("freq,"),
                    part("dl,"),
                    part("avgdl,")
                ),
                details: Vec::new(),
            };
        }
        let mut children: Vec<Explained> = details
            .iter()
            .map(|d| Explained::from_json(d, schema, phrases))
            .collect();
        if children.len() == 1 && description == "Phrase Scorer" {
            let mut phrase = children.remove(0);
            let label = details
                .first()
                .and_then(|d| PhraseLabel::find(d, phrases))
                .unwrap_or("phrase");
            phrase.description = phrase.description.replacen("term", label, 1);
            return phrase;
        }
        if children.len() == 1 && description.contains("sum of") {
            return children.remove(0);
        }
        let description = description.replace("BooleanClause. sum of", "sum of");
        let description = match (description.as_str(), context.is_empty()) {
            (d, true) => d
                .trim_end_matches(" ...")
                .trim_end_matches("...")
                .to_string(),
            (d, false) => format!("{} [{}]", d.trim_end_matches(" ..."), context.join(", ")),
        };
        Explained {
            value,
            description,
            details: children,
        }
    }
}

/// What a phrase of the query is called in `--explain`. tantivy's explanation of a phrase
/// names neither its field nor its words, only its BM25 factors: the phrase is known again by
/// its idf (the sum of its words') and the average length of its field.
pub struct PhraseLabel {
    label: String,
    idf: f64,
    avgdl: f64,
}

impl PhraseLabel {
    /// The phrases a query may score: its phrases in each field they search, and each pair of
    /// neighbouring words (the proximity bonus, `near`).
    pub(super) fn of(
        searcher: &Searcher,
        fields: &Fields,
        parsed: &query::ParsedQuery,
    ) -> Vec<PhraseLabel> {
        use crate::query::Pattern;
        use tantivy::query::Bm25StatisticsProvider;
        let schema = searcher.schema();
        // The statistics tantivy's BM25 takes, from the same provider.
        let n = Bm25StatisticsProvider::total_num_docs(searcher).unwrap_or(0);
        let mut out = Vec::new();
        let mut add = |kind: &str, field: Field, terms: &[String]| {
            let avgdl = Bm25StatisticsProvider::total_num_tokens(searcher, field)
                .map(|t| t as f32 / n.max(1) as f32)
                .unwrap_or(0.0);
            let idf: f32 = terms
                .iter()
                .filter(|t| !t.is_empty())
                .map(|t| {
                    let term = Term::from_field_text(field, t);
                    idf(
                        Bm25StatisticsProvider::doc_freq(searcher, &term).unwrap_or(0),
                        n,
                    )
                })
                .sum();
            let words: Vec<&str> = terms
                .iter()
                .map(|t| if t.is_empty() { "_" } else { t.as_str() })
                .collect();
            out.push(PhraseLabel {
                label: format!(
                    "{kind}{}:\"{}\"",
                    schema.get_field_name(field),
                    words.join(" ")
                ),
                idf: idf as f64,
                avgdl: avgdl as f64,
            });
        };
        for (patterns, field) in [
            (&parsed.patterns, fields.body),
            (&parsed.title_patterns, fields.title),
        ] {
            for p in patterns.iter() {
                match p {
                    Pattern::Phrase { terms, .. } => add("", field, terms),
                    Pattern::Exact(inner) => {
                        if let Pattern::Phrase { terms, .. } = inner.as_ref() {
                            add("", fields.exact, terms);
                        }
                    }
                    _ => {}
                }
            }
        }
        let words: Vec<&String> = parsed
            .patterns
            .iter()
            .filter_map(|p| match p {
                Pattern::Term(t) => Some(t),
                _ => None,
            })
            .collect();
        for pair in words.windows(2) {
            add("near ", fields.body, &[pair[0].clone(), pair[1].clone()]);
        }
        out
    }

    /// The label of the phrase whose BM25 explanation (as JSON) this is.
    pub(super) fn find<'p>(
        bm25: &serde_json::Value,
        phrases: &'p [PhraseLabel],
    ) -> Option<&'p str> {
        let detail = |v: &serde_json::Value, prefix: &str| -> Option<f64> {
            v["details"].as_array()?.iter().find_map(|d| {
                d["description"]
                    .as_str()
                    .filter(|s| s.starts_with(prefix))
                    .and(d["value"].as_f64())
            })
        };
        let idf = detail(bm25, "idf")?;
        let tf = bm25["details"].as_array()?.iter().find(|d| {
            d["description"]
                .as_str()
                .is_some_and(|s| s.starts_with("freq / "))
        })?;
        let avgdl = detail(tf, "avgdl,")?;
        phrases
            .iter()
            .find(|p| (p.idf - idf).abs() < 1e-3 && (p.avgdl - avgdl).abs() < 1e-3)
            .map(|p| p.label.as_str())
    }
}

/// tantivy writes a term as `Term(field=3, type=Str, "satellit")`: name the field instead.
pub(super) fn readable_terms(text: &str, schema: &tantivy::schema::Schema) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("Term(field=") {
        out.push_str(&rest[..at]);
        let after = &rest[at + "Term(field=".len()..];
        let Some(end) = after.find(')') else {
            out.push_str(&rest[at..]);
            return out;
        };
        let inner = &after[..end];
        let id: Option<u32> = inner.split(',').next().and_then(|n| n.trim().parse().ok());
        let value = inner.rsplit(", ").next().unwrap_or("").trim_matches('"');
        match id {
            Some(id) => {
                let name = schema.get_field_name(Field::from_field_id(id));
                out.push_str(&format!("{name}:{value}"));
            }
            None => out.push_str(&rest[at..at + "Term(field=".len() + end + 1]),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}
