//! The OpenSearch backend: the same [`Backend`] as the local [`crate::Engine`], answered by an
//! OpenSearch (or Elasticsearch-compatible) cluster over HTTP. `OpenSearch::connect("http://
//! host:9200/news")` names the cluster and the index; `index` (the `bulk` file) fills it from
//! the same readers as the local indexer.
//!
//! One file per job: `client` (HTTP, retries, auth), `dsl` (lede's query tree made Query DSL),
//! `answer` (OpenSearch's answers made lede's results), `trend`, `bulk` (indexing). What
//! differs from the local engine (scores, passages) is in docs/opensearch.md.

mod answer;
pub mod bulk;
pub mod client;
mod dsl;
mod trend;

use std::path::PathBuf;
use std::time::Instant;

use serde_json::{Value, json};

use crate::error::{Error, QueryError, Result};
use crate::model::{
    Backend, Combine, Hit, IndexStats, JSON_VERSION, Paragraph, Scope, SearchRequest,
    SearchResults, Shown, Sort, TrendRequest, TrendResults,
};
use crate::query::{self, Ranking};
use answer::field;
use client::{Client, Method};

pub use bulk::index;

/// The environment variable that may name the cluster and index instead of `--opensearch`.
pub const OPENSEARCH_VAR: &str = "LEDE_OPENSEARCH";

/// The deepest page OpenSearch serves (`index.max_result_window` of the template).
const MAX_WINDOW: usize = 10_000;

/// Hits fetched per request by `--all`.
const STREAM_PAGE: usize = 500;

/// How long a point in time for `--all` lives between two pages.
const KEEP_ALIVE: &str = "2m";

/// An index on an OpenSearch cluster.
pub struct OpenSearch {
    client: Client,
    index: String,
    ranking: Ranking,
}

/// A query read for a request: the DSL with its scope, how words combined, the notes.
struct Prepared {
    query: Value,
    mode: Combine,
    notes: Vec<String>,
}

impl OpenSearch {
    /// The cluster and index named by `target`, `http://host:9200/INDEX` (the last part of the
    /// path is the index). Nothing is sent yet.
    pub fn connect(target: &str) -> Result<OpenSearch> {
        let target = target.trim().trim_end_matches('/');
        let bad = |reason: &str| Error::Remote {
            url: target.to_string(),
            reason: reason.to_string(),
        };
        let after_scheme = target.find("://").map_or(0, |i| i + 3);
        let Some(slash) = target[after_scheme..].rfind('/').map(|i| i + after_scheme) else {
            return Err(bad(
                "name the index after the address: --opensearch http://HOST:9200/INDEX",
            ));
        };
        let (base, index) = (&target[..slash], &target[slash + 1..]);
        let valid = !index.is_empty()
            && !index.starts_with(['_', '-', '+'])
            && index
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c));
        if !valid {
            return Err(bad(&format!(
                "'{index}' is no index name (lower case letters, digits, - _ .)"
            )));
        }
        Ok(OpenSearch {
            client: Client::new(base)?,
            index: index.to_string(),
            ranking: Ranking::DEFAULT,
        })
    }

    /// `http://host:9200/INDEX`, as given.
    pub fn target(&self) -> String {
        format!("{}/{}", self.client.base(), self.index)
    }

    /// The index name.
    pub fn index_name(&self) -> &str {
        &self.index
    }

    /// The HTTP client (for the indexer and tests).
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// A request to this index (`rest` starts with `/`); a missing index is said as such.
    fn call(&self, method: Method, rest: &str, body: Option<&Value>) -> Result<Value> {
        let path = format!("/{}{rest}", self.index);
        self.client.call(method, &path, body).map_err(|e| match e {
            Error::Remote { reason, .. } if reason.contains("index_not_found_exception") => {
                self.client.error(format!(
                    "there is no index '{}' (run `lede index CORPUS --opensearch {}` first)",
                    self.index,
                    self.target()
                ))
            }
            other => other,
        })
    }

    /// Reads `text` for this request: DSL, scope, and for `Combine::Auto` whether every word
    /// is required (while at least `max(min_all_hits, wanted)` articles have them all).
    fn prepare(
        &self,
        text: &str,
        combine: Combine,
        scope: &Scope,
        exact: bool,
        wanted: usize,
    ) -> Result<Prepared> {
        let (node, mut notes) = query::read_tree(text)?;
        let qerr = |message: String| {
            Error::Query(QueryError {
                query: text.to_string(),
                message,
                column: None,
            })
        };
        let first = dsl::translate(&node, combine, exact, &self.ranking).map_err(qerr)?;
        if first.matches_nothing && text.chars().any(char::is_alphanumeric) {
            notes.push(
                "the query has only stop words (the, of, and, ...), which the index leaves out"
                    .to_string(),
            );
        }
        let simple = combine != Combine::Auto
            || first.implicit_clauses < 2
            || first.matches_nothing
            || self.ranking.min_all_hits == 0;
        let all = dsl::scoped(first.query, scope);
        if simple {
            let mode = if combine == Combine::Any {
                Combine::Any
            } else {
                Combine::All
            };
            return Ok(Prepared {
                query: all,
                mode,
                notes,
            });
        }
        let count = self.count(&all)?;
        if count >= self.ranking.min_all_hits.max(wanted) {
            return Ok(Prepared {
                query: all,
                mode: Combine::All,
                notes,
            });
        }
        let any = dsl::translate(&node, Combine::Any, exact, &self.ranking).map_err(qerr)?;
        // The cluster ranks by BM25 alone, without the local engine's coordination tiers:
        // the note claims no order.
        notes.push(query::fallback_note(count, first.implicit_clauses, false));
        Ok(Prepared {
            query: dsl::scoped(any.query, scope),
            mode: Combine::Any,
            notes,
        })
    }

    /// Articles matching `query`.
    fn count(&self, query: &Value) -> Result<usize> {
        let answer = self.call(Method::Post, "/_count", Some(&json!({ "query": query })))?;
        Ok(answer["count"].as_u64().unwrap_or(0) as usize)
    }

    /// Runs one search.
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResults> {
        let started = Instant::now();
        let wanted = req.offset.saturating_add(req.limit);
        let prepared = self.prepare(&req.query, req.combine, &req.scope, req.exact, wanted)?;
        if req.offset >= MAX_WINDOW && req.limit > 0 {
            return Err(self.client.error(format!(
                "OpenSearch pages no further than hit {MAX_WINDOW}: use --all for every match"
            )));
        }
        let size = req.limit.min(MAX_WINDOW - req.offset.min(MAX_WINDOW));
        let mut body = json!({
            "query": prepared.query,
            "from": req.offset.min(MAX_WINDOW),
            "size": size,
            "track_total_hits": true,
            "sort": sort(req.sort),
            "_source": source(req.passages),
        });
        if size > 0 {
            body["highlight"] = highlight(req.passages);
        }
        if !req.facets.is_empty() {
            body["aggs"] = Value::Object(answer::facet_aggs(&req.facets));
        }
        let answer = self.call(Method::Post, &search_path(req.sort), Some(&body))?;
        let scored = req.sort == Sort::Relevance;
        let hits = answer["hits"]["hits"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .enumerate()
            .map(|(i, doc)| answer::hit(doc, req.offset + i + 1, scored, req.passages))
            .collect();
        Ok(SearchResults {
            lede_json: JSON_VERSION,
            query: req.query.clone(),
            notes: prepared.notes,
            mode: prepared.mode,
            total: answer["hits"]["total"]["value"].as_u64().unwrap_or(0) as usize,
            offset: req.offset,
            took_ms: started.elapsed().as_secs_f64() * 1e3,
            hits,
            facets: answer::facet_counts(&req.facets, &answer["aggregations"]),
        })
    }

    /// Every match, a page at a time through a point in time (memory holds one page), in
    /// path order, or by date with a date sort.
    pub fn for_each_hit(
        &self,
        req: &SearchRequest,
        notes: &mut dyn FnMut(&[String]),
        each: &mut dyn FnMut(Hit) -> Result<()>,
    ) -> Result<usize> {
        let prepared = self.prepare(&req.query, req.combine, &req.scope, req.exact, 0)?;
        notes(&prepared.notes);
        let pit = self.call(
            Method::Post,
            &format!("/_search/point_in_time?keep_alive={KEEP_ALIVE}"),
            None,
        )?;
        let Some(pit_id) = pit["pit_id"].as_str().map(str::to_string) else {
            return Err(self.client.error("no point in time was opened"));
        };
        let result = self.stream(req, &prepared.query, &pit_id, each);
        // A point in time left open expires by itself; closing it is a courtesy.
        let _ = self.client.call(
            Method::Delete,
            "/_search/point_in_time",
            Some(&json!({ "pit_id": [pit_id] })),
        );
        result
    }

    fn stream(
        &self,
        req: &SearchRequest,
        query: &Value,
        pit_id: &str,
        each: &mut dyn FnMut(Hit) -> Result<()>,
    ) -> Result<usize> {
        let mut sort = sort(req.sort);
        if req.sort == Sort::Relevance {
            // Index order has no meaning across shards: path order, scores kept.
            sort = json!([{field::PATH: "asc"}, {field::ID: "asc"}]);
        }
        let mut after: Option<Value> = None;
        let mut total = 0;
        let mut rank = 0;
        loop {
            let mut body = json!({
                "query": query,
                "size": STREAM_PAGE,
                "sort": sort,
                "track_scores": req.sort == Sort::Relevance,
                "track_total_hits": after.is_none(),
                "_source": source(req.passages),
                "pit": {"id": pit_id, "keep_alive": KEEP_ALIVE},
            });
            body["highlight"] = highlight(req.passages);
            if let Some(after) = &after {
                body["search_after"] = after.clone();
            }
            let answer = self.client.call(
                Method::Post,
                "/_search?allow_partial_search_results=false",
                Some(&body),
            )?;
            if after.is_none() {
                total = answer["hits"]["total"]["value"].as_u64().unwrap_or(0) as usize;
            }
            let docs = answer["hits"]["hits"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            for doc in &docs {
                rank += 1;
                each(answer::hit(
                    doc,
                    rank,
                    req.sort == Sort::Relevance,
                    req.passages,
                ))?;
            }
            match docs.last() {
                Some(last) if docs.len() == STREAM_PAGE => after = Some(last["sort"].clone()),
                _ => break,
            }
        }
        Ok(total.max(rank))
    }

    /// One article whole, by id or else by path, with the matches of `query` marked.
    pub fn show(&self, key: &str, query: Option<&str>) -> Result<Shown> {
        let find = |field: &str| -> Result<Value> {
            self.call(
                Method::Post,
                "/_search",
                Some(&json!({"query": {"term": {field: key}}, "size": 2,
                    "sort": [{field::ID: "asc"}], "track_total_hits": true})),
            )
        };
        let mut found = find(field::ID)?;
        if found["hits"]["hits"].as_array().is_none_or(Vec::is_empty) {
            found = find(field::PATH)?;
        }
        let docs = found["hits"]["hits"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let doc = match docs.as_slice() {
            [] => return Err(Error::NotFound(key.to_string())),
            [doc] => doc.clone(),
            [a, b, ..] => {
                let id = |d: &Value| d["_source"][field::ID].as_str().unwrap_or("").to_string();
                return Err(Error::ManyArticles {
                    path: key.to_string(),
                    count: found["hits"]["total"]["value"].as_u64().unwrap_or(2) as usize,
                    examples: vec![id(a), id(b)],
                });
            }
        };
        let article = answer::hit(&doc, 1, false, 0);
        let body = doc["_source"][field::BODY]
            .as_str()
            .unwrap_or("")
            .to_string();
        let (mut matches, mut title_matches, mut notes) = (Vec::new(), Vec::new(), Vec::new());
        if let Some(q) = query {
            let prepared = self.prepare(q, Combine::Any, &Scope::default(), false, 0)?;
            notes = prepared.notes;
            let marked = self.call(
                Method::Post,
                "/_search",
                Some(&json!({
                    "query": {"ids": {"values": [doc["_id"]]}},
                    "size": 1,
                    "_source": false,
                    "highlight": {
                        "pre_tags": [answer::PRE], "post_tags": [answer::POST],
                        "highlight_query": prepared.query,
                        "fields": {
                            field::BODY: {"type": "unified", "number_of_fragments": 0},
                            field::TITLE: {"type": "unified", "number_of_fragments": 0},
                        },
                    },
                })),
            )?;
            let marks = &marked["hits"]["hits"][0]["highlight"];
            let ranges = |field: &str, plain: &str| {
                marks[field][0]
                    .as_str()
                    .map(answer::unmark)
                    .filter(|(text, _)| text == plain)
                    .map(|(_, ranges)| ranges)
                    .unwrap_or_default()
            };
            matches = ranges(field::BODY, &body);
            title_matches = ranges(field::TITLE, &article.title);
        }
        Ok(Shown {
            lede_json: JSON_VERSION,
            paragraphs: Paragraph::split(&body),
            article,
            body,
            matches,
            title_matches,
            notes,
        })
    }

    /// What the index holds: articles, deleted documents, segments and bytes of the primary
    /// shards, the corpus roots, and articles per format, source and language.
    pub fn stats(&self) -> Result<IndexStats> {
        let stats = self.call(Method::Get, "/_stats/docs,store,segments", None)?;
        let primaries = &stats["_all"]["primaries"];
        let mapping = self.call(Method::Get, "/_mapping", None)?;
        let meta = mapping
            .as_object()
            .and_then(|m| m.values().next())
            .map(|m| m["mappings"]["_meta"].clone())
            .unwrap_or(Value::Null);
        let req = SearchRequest {
            query: "*".into(),
            limit: 0,
            facets: [
                crate::model::FacetField::Format,
                crate::model::FacetField::Source,
                crate::model::FacetField::Language,
            ]
            .into_iter()
            .map(|field| crate::model::FacetRequest {
                field,
                size: 20,
                under: Vec::new(),
            })
            .collect(),
            ..SearchRequest::default()
        };
        let counts = self.search(&req)?;
        Ok(IndexStats {
            lede_json: JSON_VERSION,
            index: PathBuf::from(self.target()),
            articles: counts.total as u64,
            deleted: primaries["docs"]["deleted"].as_u64().unwrap_or(0),
            segments: primaries["segments"]["count"].as_u64().unwrap_or(0) as usize,
            bytes: primaries["store"]["size_in_bytes"].as_u64().unwrap_or(0),
            roots: meta["roots"]
                .as_array()
                .map(|r| {
                    r.iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default(),
            indexed_at: meta["indexed_at"].as_str().map(str::to_string),
            schema: meta["schema"].as_u64().unwrap_or(0) as u32,
            by: counts.facets,
        })
    }
}

/// `_search`, with every shard's term statistics for a ranked search (scores then agree with
/// a single index's far better than per-shard BM25), and never a partial answer: a shard that
/// cannot answer fails the request, which the client retries.
fn search_path(sort: Sort) -> String {
    let dfs = if sort == Sort::Relevance {
        "&search_type=dfs_query_then_fetch"
    } else {
        ""
    };
    format!("/_search?allow_partial_search_results=false{dfs}")
}

/// The order of hits, ties broken by path (then id) as the local engine does.
fn sort(sort: Sort) -> Value {
    match sort {
        Sort::Relevance => json!([{"_score": "desc"}, {field::PATH: "asc"}, {field::ID: "asc"}]),
        Sort::Newest => json!([{field::DATE: {"order": "desc", "missing": "_last"}},
            {field::PATH: "asc"}, {field::ID: "asc"}]),
        Sort::Oldest => json!([{field::DATE: {"order": "asc", "missing": "_last"}},
            {field::PATH: "asc"}, {field::ID: "asc"}]),
    }
}

/// The stored fields a hit needs (the body only for passages).
fn source(passages: usize) -> Value {
    if passages > 0 {
        json!({"excludes": [field::FILE_SIZE, field::FILE_MTIME]})
    } else {
        json!({"excludes": [field::BODY, field::FILE_SIZE, field::FILE_MTIME]})
    }
}

/// The title whole, with the words that matched marked, and passages from the unified
/// highlighter (it reads the offsets the template indexes), sentence-sized, the beginning of
/// the body when nothing in it matched. (`number_of_fragments: 0` is the whole field, so
/// the body is not asked for when no passage is.)
fn highlight(passages: usize) -> Value {
    let mut fields = json!({field::TITLE: {"type": "unified", "number_of_fragments": 0}});
    if passages > 0 {
        fields[field::BODY] = json!({"type": "unified", "fragment_size": 400,
            "number_of_fragments": passages, "no_match_size": 200});
    }
    json!({"pre_tags": [answer::PRE], "post_tags": [answer::POST], "fields": fields})
}

impl Backend for OpenSearch {
    fn search(&self, req: &SearchRequest) -> Result<SearchResults> {
        OpenSearch::search(self, req)
    }

    fn for_each_hit(
        &self,
        req: &SearchRequest,
        notes: &mut dyn FnMut(&[String]),
        each: &mut dyn FnMut(Hit) -> Result<()>,
    ) -> Result<usize> {
        OpenSearch::for_each_hit(self, req, notes, each)
    }

    fn trend(&self, req: &TrendRequest) -> Result<TrendResults> {
        OpenSearch::trend(self, req)
    }

    fn show(&self, key: &str, query: Option<&str>) -> Result<Shown> {
        OpenSearch::show(self, key, query)
    }

    fn stats(&self) -> Result<IndexStats> {
        OpenSearch::stats(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_name_a_cluster_and_an_index() {
        let os = OpenSearch::connect("http://127.0.0.1:9200/news/").unwrap();
        assert_eq!(os.target(), "http://127.0.0.1:9200/news");
        assert_eq!(os.index_name(), "news");
        let os = OpenSearch::connect("http://proxy/search/news").unwrap();
        assert_eq!(os.client().base(), "http://proxy/search");
        assert!(OpenSearch::connect("http://127.0.0.1:9200").is_err());
        assert!(OpenSearch::connect("http://127.0.0.1:9200/News").is_err());
        assert!(OpenSearch::connect("ftp://x/news").is_err());
    }

    #[test]
    fn paragraphs_have_offsets() {
        let p = Paragraph::split("One.\n\n  Two.\n\n");
        assert_eq!(p.len(), 2);
        assert_eq!(p[1].offset, 8);
    }
}
