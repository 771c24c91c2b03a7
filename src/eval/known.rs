//! Known-item test collections, generated from a corpus when they are measured (nothing of the
//! corpus is stored): for a sample of its articles, a query of 3 to 5 of the article's rarer
//! words, as a reader who remembers an article types them, and the article as the one answer.
//!
//! How a query is made, deterministically: the article's words (from its body, or from its
//! title for `Source::Title`) of at least 4 letters that the query analyzer keeps (no stop
//! words), lower-cased, distinct; of those in at least 2 articles (a word of one article alone
//! would make the search trivial), the 8 rarest by document frequency (ties by the word);
//! 3, 4 or 5 of them (by the article's position) chosen by a hash of the article's id; written
//! in the order they first stand in the text. Articles whose text another article repeats
//! (the same title and body, or for titles the same title) are all answers to the query made
//! from one of them; for titles only articles with a title of their own are sampled. A query
//! whose words all stand in the same text (title or body) of another article too is left out
//! (a story repeated or corrected under another title: no ranking could tell them apart), and
//! a note says how many were.

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::Path;

use super::Collection;
use crate::corpus::{self, ReadOptions};
use crate::error::{Error, Result};
use crate::index::analyzer::{self, Analysis};
use crate::model::article::Article;

/// Where the words of a known-item query come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Body,
    Title,
}

/// About this many queries are made.
pub const SAMPLE: usize = 200;

/// The fewest articles a query word must be in.
const MIN_DF: usize = 2;

/// A query's words are chosen among the article's this many rarest.
const RAREST: usize = 8;

/// Every article of the corpus in `dir`, as `lede index` reads them.
pub fn read_corpus(dir: &Path) -> Result<Vec<Article>> {
    let walk = corpus::walk(&[dir.to_path_buf()]);
    let opts = ReadOptions::default();
    let mut out = Vec::new();
    for file in &walk.files {
        if let Ok(read) = corpus::read(file, &opts) {
            out.extend(read.articles);
        }
    }
    if out.is_empty() {
        return Err(Error::io(
            dir,
            std::io::Error::other("no articles lede can read"),
        ));
    }
    Ok(out)
}

/// The words of `text` a query may use: lower-cased, letters only, at least 4 of them.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphabetic())
        .filter(|w| w.chars().count() >= 4)
        .map(str::to_lowercase)
        .collect()
}

fn hash(s: &str) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}

/// The known-item collection of `articles`, named `name`.
pub fn collection(name: &str, articles: &[Article], source: Source) -> Collection {
    let mut query_analyzer = Analysis::DEFAULT.query();
    let mut kept: HashMap<String, bool> = HashMap::new();
    let mut keeps = |w: &str| {
        *kept
            .entry(w.to_string())
            .or_insert_with(|| !analyzer::tokens(&mut query_analyzer, w).is_empty())
    };
    // Document frequency of each word as written (lower-cased), over title and body.
    let mut df: HashMap<String, usize> = HashMap::new();
    for a in articles {
        let mut seen: HashSet<String> = words(&a.title).into_iter().collect();
        seen.extend(words(&a.body));
        for w in seen {
            *df.entry(w).or_default() += 1;
        }
    }
    // Articles that share their text are answers to one another's queries.
    let key = |a: &Article| match source {
        Source::Body => format!("{}\n{}", a.title.trim(), a.body.trim()),
        Source::Title => a.title.trim().to_lowercase(),
    };
    let mut same: HashMap<String, Vec<String>> = HashMap::new();
    for a in articles {
        same.entry(key(a)).or_default().push(a.id.clone());
    }
    let eligible: Vec<&Article> = articles
        .iter()
        .filter(|a| match source {
            Source::Body => !a.body.trim().is_empty(),
            Source::Title => !a.title.trim().is_empty() && same[&key(a)].len() == 1,
        })
        .collect();
    let step = (eligible.len() / SAMPLE).max(1);
    let mut c = Collection {
        name: name.to_string(),
        ..Collection::default()
    };
    for a in articles {
        c.docs.push((a.id.clone(), a.body.clone()));
        c.titles.insert(a.id.clone(), a.title.clone());
    }
    // Which articles hold each word in the source text (title or body), to tell whether a
    // query's words identify its article.
    let mut holders: HashMap<String, HashSet<usize>> = HashMap::new();
    for (n, a) in articles.iter().enumerate() {
        let text = match source {
            Source::Body => &a.body,
            Source::Title => &a.title,
        };
        for w in words(text) {
            holders.entry(w).or_default().insert(n);
        }
    }
    let position: HashMap<&str, usize> = articles
        .iter()
        .enumerate()
        .map(|(n, a)| (a.id.as_str(), n))
        .collect();
    let mut skipped = 0;
    for (i, a) in eligible.iter().step_by(step).enumerate() {
        let text = match source {
            Source::Body => &a.body,
            Source::Title => &a.title,
        };
        let mut order: Vec<String> = Vec::new();
        for w in words(text) {
            if !order.contains(&w) && keeps(&w) {
                order.push(w);
            }
        }
        let mut rare: Vec<(usize, &String)> = order
            .iter()
            .map(|w| (df.get(w).copied().unwrap_or(0), w))
            .filter(|(n, _)| *n >= MIN_DF)
            .collect();
        rare.sort();
        rare.truncate(RAREST);
        let want = 3 + i % 3;
        if rare.len() < 3 {
            continue;
        }
        // Pick `want` of the rarest by a hash of the id: a fixed, repeatable choice.
        let mut picked: Vec<&String> = rare.iter().map(|(_, w)| *w).collect();
        picked.sort_by_key(|w| hash(&format!("{}/{w}", a.id)));
        picked.truncate(want);
        let query: Vec<&str> = order
            .iter()
            .filter(|w| picked.contains(w))
            .map(String::as_str)
            .collect();
        // Words that all stand in the same text of another article (a story repeated or
        // corrected under a new title) do not identify this one: no ranking could.
        let answers: HashSet<usize> = same[&key(a)]
            .iter()
            .map(|id| position[id.as_str()])
            .collect();
        let mut common: Option<HashSet<usize>> = None;
        for w in &query {
            let with = holders.get(*w).cloned().unwrap_or_default();
            common = Some(match common {
                None => with,
                Some(c) => c.intersection(&with).copied().collect(),
            });
        }
        if common.is_some_and(|c| c.iter().any(|n| !answers.contains(n))) {
            skipped += 1;
            continue;
        }
        let qid = format!("{}", c.queries.len() + 1);
        c.queries.push((qid.clone(), query.join(" ")));
        c.qrels
            .insert(qid, same[&key(a)].iter().cloned().collect::<HashSet<_>>());
    }
    if skipped > 0 {
        c.notes.push(format!(
            "{skipped} sampled articles left out: their query's words all stand in another \
             article's {} too",
            match source {
                Source::Body => "body",
                Source::Title => "title",
            }
        ));
    }
    c
}
