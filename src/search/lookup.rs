//! One article by id or path (`lede show`): its metadata, body, paragraphs and every match
//! of a query marked in its body and title.

use std::collections::HashMap;
use std::path::Path;

use tantivy::query::TermQuery;
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};

use super::Engine;
use super::collect::Dated;
use super::hits::hit;
use super::passages::PassageFinder;
use crate::error::{Error, Result};
use crate::model::{Combine, JSON_VERSION, Paragraph, Scope, Shown};

impl Engine {
    /// The article with this id, or else this path (its first article, for files of many).
    pub(super) fn find(&self, searcher: &Searcher, key: &str) -> Result<DocAddress> {
        let err = |e| Error::index(&self.dir, e);
        let fields = &self.store.fields;
        let find = |field, key: &str| -> Result<Vec<DocAddress>> {
            let q = TermQuery::new(Term::from_field_text(field, key), IndexRecordOption::Basic);
            let mut top = searcher
                .search(
                    &q,
                    &Dated {
                        field: self
                            .store
                            .index
                            .schema()
                            .get_field_name(fields.date)
                            .to_string(),
                    },
                )
                .map_err(err)?;
            top.sort_by_key(|(_, addr)| *addr);
            Ok(top.into_iter().map(|(_, addr)| addr).collect())
        };
        for key in self.keys_for(key) {
            if let Some(&addr) = find(fields.id, &key)?.first() {
                return Ok(addr);
            }
            match find(fields.path, &key)?.as_slice() {
                [] => continue,
                [addr] => return Ok(*addr),
                // A file of many articles: which one is meant?
                many => {
                    let id = |addr: &DocAddress| -> Result<String> {
                        let doc: TantivyDocument = searcher.doc(*addr).map_err(err)?;
                        Ok(doc
                            .get_first(fields.id)
                            .and_then(|v| v.as_str())
                            .unwrap_or_default()
                            .to_string())
                    };
                    return Err(Error::ManyArticles {
                        path: key.to_string(),
                        count: many.len(),
                        examples: {
                            // The first records of the file, as numbered in it (documents sit
                            // in the index in the order readers finished them).
                            let mut ids = many
                                .iter()
                                .take(1_000)
                                .map(id)
                                .collect::<Result<Vec<String>>>()?;
                            let record = |id: &String| {
                                id.rsplit_once('#')
                                    .and_then(|(_, n)| n.parse::<u64>().ok())
                                    .unwrap_or(u64::MAX)
                            };
                            ids.sort_by_key(|id| (record(id), id.clone()));
                            ids.truncate(2);
                            ids
                        },
                    });
                }
            }
        }
        Err(Error::NotFound(key.to_string()))
    }

    /// The key as given, then (for a path written otherwise than the walk wrote it:
    /// `./corpus/a.txt`, an absolute path, a path from another folder) the same file as the
    /// index stores it, under one of its roots; a `#record` suffix is kept.
    fn keys_for(&self, key: &str) -> Vec<String> {
        let mut keys = vec![key.to_string()];
        let (file, record) = match key.rsplit_once('#') {
            Some((file, record)) if !Path::new(key).exists() => (file, Some(record)),
            _ => (key, None),
        };
        let Ok(wanted) = Path::new(file).canonicalize() else {
            return keys;
        };
        let roots = self.store.payload().map(|p| p.roots).unwrap_or_default();
        for root in roots {
            let Ok(canonical_root) = Path::new(&root).canonicalize() else {
                continue;
            };
            if let Ok(rest) = wanted.strip_prefix(&canonical_root) {
                let stored = Path::new(&root).join(rest).to_string_lossy().into_owned();
                keys.push(match record {
                    Some(record) => format!("{stored}#{record}"),
                    None => stored,
                });
            }
        }
        keys.dedup();
        keys
    }

    /// A whole article, with every match of `query` in its body (for `lede show`).
    pub fn show(&self, key: &str, query: Option<&str>) -> Result<Shown> {
        self.guarded(|| {
            let err = |e| Error::index(&self.dir, e);
            let searcher = self.reader.searcher();
            let addr = self.find(&searcher, key)?;
            let doc: TantivyDocument = searcher.doc(addr).map_err(err)?;
            let fields = &self.store.fields;
            let mut finder = PassageFinder::new(Vec::new(), &HashMap::new());
            let hit = hit(fields, 1, None, &doc, &mut finder, 0);
            let body = fields.article(&doc).body;
            let (matches, title_matches, notes) = match query {
                Some(q) => {
                    let parsed = self.parse(q, Combine::Any, &Scope::default(), false)?;
                    let finder = |patterns| {
                        PassageFinder::with_analyzer(
                            patterns,
                            &HashMap::new(),
                            self.analysis.index(),
                        )
                    };
                    (
                        finder(parsed.patterns).highlights(&body),
                        finder(parsed.title_patterns).highlights(&hit.title),
                        parsed.notes,
                    )
                }
                None => (Vec::new(), Vec::new(), Vec::new()),
            };
            let paragraphs = Paragraph::split(&body);
            Ok(Shown {
                lede_json: JSON_VERSION,
                article: hit,
                body,
                paragraphs,
                matches,
                title_matches,
                notes,
            })
        })
    }
}
