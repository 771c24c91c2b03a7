//! Measuring relevance on IR test collections (`lede eval`): documents, queries and relevance
//! judgments in the SMART layout (`X.ALL`, `X.QUE`, `X.REL`, as the TIME collection) or in
//! TREC's (`<DOC>` files, topics, qrels); a temporary index in memory; MAP, nDCG@10, P@10,
//! recall@100 and MRR, per query and on average.
//!
//! `variants` compares analysis and ranking choices: it chooses on one half of the queries
//! and reports on the other, so that the choice is not fitted to the figures it reports.

pub mod known;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::{Error, Result};
use crate::index::analyzer::Analysis;
use crate::index::store;
use crate::model::article::Article;
use crate::model::{Combine, SearchRequest};
use crate::query::Ranking;
use crate::search::Engine;

/// A test collection.
#[derive(Debug, Default)]
pub struct Collection {
    pub name: String,
    /// (id, text)
    pub docs: Vec<(String, String)>,
    /// Titles of documents that have one, by id.
    pub titles: HashMap<String, String>,
    /// Index each document as `lede index` reads a `.txt` file of it (the first line its
    /// title), to measure what a user who writes the documents one per file gets.
    pub as_files: bool,
    /// (query id, text)
    pub queries: Vec<(String, String)>,
    /// Query id -> the ids of its relevant documents.
    pub qrels: HashMap<String, HashSet<String>>,
    /// What was left out, and why.
    pub notes: Vec<String>,
}

/// How deep a ranking is read (for average precision).
const DEPTH: usize = 1000;

/// Reads the collection in `dir`: SMART files if there is a `*.ALL`, TREC files otherwise.
pub fn read(dir: &Path) -> Result<Collection> {
    let entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    let with_ext = |ext: &str| {
        entries
            .iter()
            .find(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case(ext)))
            .cloned()
    };
    let mut c = match (with_ext("ALL"), with_ext("QUE"), with_ext("REL")) {
        (Some(all), Some(que), Some(rel)) => {
            let read = |p: &Path| std::fs::read_to_string(p).map_err(|e| Error::io(p, e));
            smart(&read(&all)?, &read(&que)?, &read(&rel)?)
        }
        _ => trec(&entries)?,
    };
    // `lede eval .` is named after the folder it is, not "".
    c.name = std::fs::canonicalize(dir)
        .unwrap_or_else(|_| dir.to_path_buf())
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // Judgments of documents that are not in the collection cannot be found: say so.
    let ids: HashSet<&String> = c.docs.iter().map(|(id, _)| id).collect();
    let mut missing = 0;
    for rel in c.qrels.values_mut() {
        let before = rel.len();
        rel.retain(|d| ids.contains(d));
        missing += before - rel.len();
    }
    if missing > 0 {
        c.notes.push(format!(
            "{missing} judgments name documents past the {} present, and are left out",
            c.docs.len()
        ));
    }
    if c.docs.is_empty() || c.queries.is_empty() {
        return Err(Error::io(
            dir,
            std::io::Error::other(
                "no documents or no queries: expected X.ALL, X.QUE and X.REL (SMART) or <DOC> files, topics and qrels (TREC)",
            ),
        ));
    }
    Ok(c)
}

/// SMART: `*TEXT n ...` records (ids are 1-based positions), `*FIND n` queries, and lines of
/// `query doc doc ...` judgments.
pub fn smart(all: &str, que: &str, rel: &str) -> Collection {
    let records = |text: &str, marker: &str| -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix(marker) {
                let id = rest.split_whitespace().next().unwrap_or("").to_string();
                out.push((id, String::new()));
            } else if line.starts_with("*STOP") {
                break;
            } else if let Some((_, body)) = out.last_mut()
                && !line.trim().is_empty()
            {
                body.push_str(line.trim());
                body.push('\n');
            }
        }
        out
    };
    let docs = records(all, "*TEXT")
        .into_iter()
        .enumerate()
        .map(|(i, (_, text))| ((i + 1).to_string(), text))
        .collect();
    let queries = records(que, "*FIND");
    let mut qrels: HashMap<String, HashSet<String>> = HashMap::new();
    for line in rel.lines() {
        let mut parts = line.split_whitespace();
        if let Some(q) = parts.next() {
            qrels
                .entry(q.to_string())
                .or_default()
                .extend(parts.map(str::to_string));
        }
    }
    Collection {
        docs,
        queries,
        qrels,
        ..Collection::default()
    }
}

/// TREC: `<DOC>` records with `<DOCNO>` in any file but the topics and qrels; topics with
/// `<num>` and `<title>`; qrels lines `query 0 doc relevance` (relevance above 0 counts).
fn trec(files: &[PathBuf]) -> Result<Collection> {
    let mut c = Collection::default();
    for path in files.iter().filter(|p| p.is_file()) {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        let text = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let text = String::from_utf8_lossy(&text);
        if name.contains("qrel") {
            for line in text.lines() {
                let f: Vec<&str> = line.split_whitespace().collect();
                if let [q, _, doc, rel, ..] = f.as_slice()
                    && rel.parse::<i32>().is_ok_and(|r| r > 0)
                {
                    c.qrels
                        .entry(q.to_string())
                        .or_default()
                        .insert(doc.to_string());
                }
            }
        } else if name.contains("topic") {
            for top in text.split("<top>").skip(1) {
                let num = tag_line(top, "<num>")
                    .map(|n| n.trim_start_matches("Number:").trim().to_string());
                let title = tag_line(top, "<title>")
                    .map(|t| t.trim_start_matches("Topic:").trim().to_string());
                if let (Some(num), Some(title)) = (num, title) {
                    c.queries.push((num, title));
                }
            }
        } else {
            for doc in text.split("<DOC>").skip(1) {
                let Some(no) = between(doc, "<DOCNO>", "</DOCNO>") else {
                    continue;
                };
                let body = between(doc, "<TEXT>", "</TEXT>").unwrap_or(doc);
                c.docs.push((no.trim().to_string(), body.to_string()));
            }
        }
    }
    Ok(c)
}

/// The text after `tag` up to the end of its line (TREC topics leave tags unclosed).
fn tag_line<'a>(text: &'a str, tag: &str) -> Option<&'a str> {
    let at = text.find(tag)? + tag.len();
    text[at..]
        .lines()
        .next()
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

fn between<'a>(text: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let start = text.find(open)? + open.len();
    let end = text[start..].find(close)? + start;
    Some(&text[start..end])
}

/// Scores of one ranking against its judgments.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq)]
pub struct Scores {
    pub map: f64,
    pub ndcg10: f64,
    pub p10: f64,
    pub recall100: f64,
    pub mrr: f64,
    /// Whether a relevant document is among the first 10 (1 or 0; on average, the share of
    /// queries where one is).
    pub success10: f64,
}

impl Scores {
    /// The scores of one ranked list.
    pub fn of(ranked: &[String], relevant: &HashSet<String>) -> Scores {
        if relevant.is_empty() {
            return Scores::default();
        }
        let is_rel = |d: &String| relevant.contains(d);
        let mut hits = 0.0;
        let mut sum_precision = 0.0;
        let mut first = None;
        for (i, d) in ranked.iter().take(DEPTH).enumerate() {
            if is_rel(d) {
                hits += 1.0;
                sum_precision += hits / (i + 1) as f64;
                first.get_or_insert(i + 1);
            }
        }
        let dcg: f64 = ranked
            .iter()
            .take(10)
            .enumerate()
            .filter(|(_, d)| is_rel(d))
            .map(|(i, _)| 1.0 / ((i + 2) as f64).log2())
            // Not `sum()`, which gives -0.0 for nothing, printed as "-0.0000".
            .fold(0.0, |a, b| a + b);
        let ideal: f64 = (0..relevant.len().min(10))
            .map(|i| 1.0 / ((i + 2) as f64).log2())
            .sum();
        let n = relevant.len() as f64;
        Scores {
            map: sum_precision / n,
            ndcg10: dcg / ideal,
            p10: ranked.iter().take(10).filter(|d| is_rel(d)).count() as f64 / 10.0,
            recall100: ranked.iter().take(100).filter(|d| is_rel(d)).count() as f64 / n,
            mrr: first.map_or(0.0, |r| 1.0 / r as f64),
            success10: if first.is_some_and(|r| r <= 10) {
                1.0
            } else {
                0.0
            },
        }
    }

    /// The mean of several.
    pub fn mean(all: &[Scores]) -> Scores {
        let n = all.len().max(1) as f64;
        let sum = |f: fn(&Scores) -> f64| all.iter().map(f).sum::<f64>() / n;
        Scores {
            map: sum(|s| s.map),
            ndcg10: sum(|s| s.ndcg10),
            p10: sum(|s| s.p10),
            recall100: sum(|s| s.recall100),
            mrr: sum(|s| s.mrr),
            success10: sum(|s| s.success10),
        }
    }
}

/// A way to analyse and rank, to be measured.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Variant {
    pub analysis: Analysis,
    pub ranking: Ranking,
    pub combine: Combine,
}

impl Variant {
    /// What lede does.
    pub const LEDE: Variant = Variant {
        analysis: Analysis::DEFAULT,
        ranking: Ranking::DEFAULT,
        combine: Combine::Auto,
    };

    /// tantivy's defaults: its default tokenizer, any word, no boosts.
    pub const TANTIVY: Variant = Variant {
        analysis: Analysis::TANTIVY,
        ranking: Ranking::TANTIVY,
        combine: Combine::Any,
    };

    /// A short description.
    pub fn describe(&self) -> String {
        if self.analysis.plain_tantivy {
            return "tantivy defaults (default tokenizer, any word, no boosts)".into();
        }
        let r = &self.ranking;
        let mut parts = vec![
            if self.analysis.stem {
                "stems"
            } else {
                "no stems"
            }
            .to_string(),
            if self.analysis.stop_words {
                "stop words out"
            } else {
                "stop words in"
            }
            .to_string(),
            format!("{:?}", self.combine).to_lowercase(),
        ];
        if r.proximity_weight > 0.0 {
            parts.push(format!(
                "proximity {}/{}",
                r.proximity_weight, r.proximity_slop
            ));
        }
        if r.tier_words > 0 {
            parts.push(format!("tiers to {} words", r.tier_words));
        }
        if r.coordination > 0.0 {
            parts.push(format!("coordination {}", r.coordination));
        }
        if r.feedback_terms > 0 {
            parts.push(format!(
                "feedback {} terms x{} from {}",
                r.feedback_terms, r.feedback_weight, r.feedback_docs
            ));
        }
        if r.exact_weight > 0.0 {
            parts.push(format!("exact form {}", r.exact_weight));
        }
        if r.exact_tier && r.exact_weight > 0.0 {
            parts.push("exact tiers".to_string());
        }
        if r.title_boost != crate::query::TITLE_BOOST {
            parts.push(format!("title x{}", r.title_boost));
        }
        parts.join(", ")
    }
}

/// The scores of one variant on some queries.
#[derive(Debug, Clone, Serialize)]
pub struct Run {
    pub variant: String,
    pub mean: Scores,
    /// (query id, scores), with `--verbose`.
    pub per_query: Vec<(String, Scores)>,
}

/// Builds in-memory indexes of a collection (one per analysis) and runs queries on them.
pub struct Evaluator<'c> {
    collection: &'c Collection,
    indexes: HashMap<(bool, bool, bool), store::Store>,
}

impl<'c> Evaluator<'c> {
    pub fn new(collection: &'c Collection) -> Evaluator<'c> {
        Evaluator {
            collection,
            indexes: HashMap::new(),
        }
    }

    fn index(&mut self, analysis: Analysis) -> Result<store::Store> {
        let key = (analysis.stem, analysis.stop_words, analysis.plain_tantivy);
        if let Some(s) = self.indexes.get(&key) {
            return Ok(s.clone());
        }
        let articles = self.collection.docs.iter().map(|(id, text)| {
            if self.collection.as_files {
                Article {
                    id: id.clone(),
                    path: id.clone(),
                    ..crate::corpus::txt::parse(text).0
                }
            } else {
                Article {
                    id: id.clone(),
                    path: id.clone(),
                    title: self.collection.titles.get(id).cloned().unwrap_or_default(),
                    body: text.clone(),
                    format: "txt",
                    ..Article::default()
                }
            }
        });
        let (store, _) = store::in_ram_from(articles, analysis)?;
        self.indexes.insert(key, store.clone());
        Ok(store)
    }

    /// Runs `variant` on the queries whose position passes `keep` (all of them, or a half).
    pub fn run(&mut self, variant: &Variant, keep: impl Fn(usize) -> bool) -> Result<Run> {
        let store = self.index(variant.analysis)?;
        let engine = Engine::tuned(
            store,
            Path::new("(memory)"),
            variant.analysis,
            variant.ranking,
        )?;
        let mut per_query = Vec::new();
        for (i, (qid, text)) in self.collection.queries.iter().enumerate() {
            let Some(relevant) = self.collection.qrels.get(qid).filter(|r| !r.is_empty()) else {
                continue;
            };
            if !keep(i) {
                continue;
            }
            let req = SearchRequest {
                query: plain_text(text),
                limit: DEPTH,
                passages: 0,
                combine: variant.combine,
                ..SearchRequest::default()
            };
            let ranked: Vec<String> = match engine.search(&req) {
                Ok(r) => r.hits.into_iter().map(|h| h.id).collect(),
                Err(_) => Vec::new(),
            };
            per_query.push((qid.clone(), Scores::of(&ranked, relevant)));
        }
        let scores: Vec<Scores> = per_query.iter().map(|(_, s)| *s).collect();
        Ok(Run {
            variant: variant.describe(),
            mean: Scores::mean(&scores),
            per_query,
        })
    }
}

/// A test collection's query as plain words: lower case (so that "AND" or "NOT" in a query
/// written in capitals is a word, not an operator) and letters, digits, hyphens and
/// apostrophes only.
pub fn plain_text(text: &str) -> String {
    text.to_lowercase()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '\'' {
                c
            } else {
                ' '
            }
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// lede's variant with some settings changed (`lede eval --try`): `name=value` pairs separated
/// by commas, over `title`, `slop`, `proximity`, `coordination`, `tiers`, `exact`, `fuzzy`,
/// `min-all`, `match` (auto, all, any), `stems` and `stop-words` (on, off).
pub fn variant_from(settings: &str) -> std::result::Result<Variant, String> {
    let mut v = Variant::LEDE;
    for pair in settings.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (name, value) = pair
            .split_once('=')
            .ok_or_else(|| format!("'{pair}': write name=value"))?;
        let num = || {
            value
                .parse::<f32>()
                .map_err(|_| format!("'{pair}': {value} is not a number"))
        };
        let on = || match value {
            "on" | "yes" | "true" => Ok(true),
            "off" | "no" | "false" => Ok(false),
            _ => Err(format!("'{pair}': write on or off")),
        };
        let r = &mut v.ranking;
        match name {
            "title" => r.title_boost = num()?,
            "slop" => r.proximity_slop = num()? as u32,
            "proximity" => r.proximity_weight = num()?,
            "coordination" => r.coordination = num()?,
            "tiers" => r.tier_words = num()? as usize,
            "exact" => r.exact_weight = num()?,
            "exact-tier" => r.exact_tier = on()?,
            "fuzzy" => r.fuzzy_weight = num()?,
            "fb-docs" => r.feedback_docs = num()? as usize,
            "fb-terms" => r.feedback_terms = num()? as usize,
            "fb-weight" => r.feedback_weight = num()?,
            "min-all" => r.min_all_hits = num()? as usize,
            "stems" => v.analysis.stem = on()?,
            "stop-words" => v.analysis.stop_words = !on()?,
            "match" => {
                v.combine = match value {
                    "auto" => Combine::Auto,
                    "all" => Combine::All,
                    "any" => Combine::Any,
                    _ => return Err(format!("'{pair}': auto, all or any")),
                }
            }
            _ => return Err(format!("'{name}' is no setting")),
        }
    }
    Ok(v)
}

/// The variants `lede eval --variants` compares.
pub fn variants() -> Vec<Variant> {
    let mut out = vec![Variant::TANTIVY];
    for (stem, stop_words) in [(true, false), (true, true), (false, false), (false, true)] {
        for combine in [Combine::Auto, Combine::Any] {
            for (proximity_weight, proximity_slop) in
                [(0.0, 0), (0.5, 4), (1.0, 4), (1.0, 10), (2.0, 10)]
            {
                for coordination in [0.0, 0.5, 1.0] {
                    if combine == Combine::Auto && coordination > 0.0 {
                        // Auto falls back to any word with the same bonus; Any covers it.
                        continue;
                    }
                    out.push(Variant {
                        analysis: Analysis {
                            stem,
                            stop_words,
                            plain_tantivy: false,
                        },
                        ranking: Ranking {
                            proximity_weight,
                            proximity_slop,
                            coordination,
                            ..Ranking::DEFAULT
                        },
                        combine,
                    });
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(ids: &[&str]) -> HashSet<String> {
        ids.iter().map(|s| s.to_string()).collect()
    }

    fn list(ids: &[&str]) -> Vec<String> {
        ids.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn metrics_on_a_ranking_with_known_answers() {
        // Relevant: a, b, c. Ranked: a (rel), x, b (rel), y, z, then nothing.
        let s = Scores::of(&list(&["a", "x", "b", "y", "z"]), &set(&["a", "b", "c"]));
        // AP = (1/1 + 2/3) / 3
        assert!((s.map - (1.0 + 2.0 / 3.0) / 3.0).abs() < 1e-12);
        // DCG = 1/log2(2) + 1/log2(4) = 1.5; IDCG = 1 + 1/log2(3) + 1/log2(4)
        let ideal = 1.0 + 1.0 / 3f64.log2() + 0.5;
        assert!((s.ndcg10 - 1.5 / ideal).abs() < 1e-12);
        assert!((s.p10 - 0.2).abs() < 1e-12);
        assert!((s.recall100 - 2.0 / 3.0).abs() < 1e-12);
        assert!((s.mrr - 1.0).abs() < 1e-12);
        let none = Scores::of(&list(&["x", "y"]), &set(&["a"]));
        assert_eq!(none, Scores::default());
        assert!(
            none.ndcg10.is_sign_positive(),
            "0, not -0 (printed \"-0.0000\")"
        );
        let late = Scores::of(&list(&["x", "y", "a"]), &set(&["a"]));
        assert!((late.mrr - 1.0 / 3.0).abs() < 1e-12 && (late.map - 1.0 / 3.0).abs() < 1e-12);
        let mean = Scores::mean(&[s, none]);
        assert!((mean.p10 - 0.1).abs() < 1e-12);
    }

    #[test]
    fn smart_layout() {
        let all = "*TEXT 017 01/04/63 PAGE 020\n\nTHE ALLIES AFTER NASSAU\n\nSECOND LINE\n*TEXT 020 01/04/63 PAGE 021\n\nKENNEDY SPOKE\n*STOP\n";
        let que = "*FIND      1\n\n KENNEDY PRESSURE .\n\n*FIND      2\n\n NASSAU ALLIES\n*STOP\n";
        let rel = "1  2\n\n2  1 3\n";
        let c = smart(all, que, rel);
        assert_eq!(
            c.docs,
            [
                (
                    "1".to_string(),
                    "THE ALLIES AFTER NASSAU\nSECOND LINE\n".to_string()
                ),
                ("2".to_string(), "KENNEDY SPOKE\n".to_string())
            ]
        );
        assert_eq!(
            c.queries[0],
            ("1".to_string(), "KENNEDY PRESSURE .\n".to_string())
        );
        assert_eq!(c.qrels["2"], set(&["1", "3"]));
    }

    #[test]
    fn trec_layout() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("docs.trec"), "<DOC>\n<DOCNO> D1 </DOCNO>\n<TEXT>grain exports rose</TEXT>\n</DOC>\n<DOC><DOCNO>D2</DOCNO><TEXT>oil prices</TEXT></DOC>").unwrap();
        std::fs::write(
            dir.path().join("topics.txt"),
            "<top>\n<num> Number: 401\n<title> grain exports\n<desc> ...\n</top>\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("qrels.txt"),
            "401 0 D1 1\n401 0 D2 0\n401 0 D9 1\n",
        )
        .unwrap();
        let c = read(dir.path()).unwrap();
        assert_eq!(c.docs.len(), 2);
        assert_eq!(
            c.queries,
            [("401".to_string(), "grain exports".to_string())]
        );
        assert_eq!(c.qrels["401"], set(&["D1"]));
        assert_eq!(
            c.notes,
            ["1 judgments name documents past the 2 present, and are left out"]
        );
        let mut ev = Evaluator::new(&c);
        let run = ev.run(&Variant::LEDE, |_| true).unwrap();
        assert_eq!(run.mean.map, 1.0);
        assert_eq!(run.mean.mrr, 1.0);
    }

    #[test]
    fn queries_become_plain_words() {
        assert_eq!(
            plain_text(" U.S . POLICY AND (NOT) VIET NAM'S \n"),
            "u s policy and not viet nam's"
        );
    }
}
