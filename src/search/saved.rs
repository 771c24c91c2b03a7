//! Saved searches: kept with the index in `saved-searches.json` (written atomically), and run
//! for what is new. A run compares the version of every matching article (the fingerprint of
//! its text, recorded when it was indexed) with the versions earlier runs saw: an article is
//! new when no run saw it match, or when it changed since. The first run sets the baseline.
//! Re-indexing, even `--rebuild`, keeps versions, so it re-announces nothing; near-duplicate
//! regrouping rewrites articles without changing their versions.
//!
//! Two ways to look without recording, for readers that must not move a baseline (the server):
//! [`Engine::peek_saved`] answers what a run would say now, and [`Engine::latest_saved`] gives
//! the newest matches by date, for a feed whose readers keep their own "what is new".

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use tantivy::DocAddress;
use tantivy::collector::{Count, TopDocs};

use super::Engine;
use crate::error::{Error, Result};
use crate::index::folder::write_atomically;
use crate::model::{
    Hit, JSON_VERSION, SavedRun, SavedSearch, SearchRequest, SearchResults, Seen, Sort,
};

/// The file in the index folder that holds the saved searches.
pub const SAVED_FILE: &str = "saved-searches.json";

#[derive(Debug, Default, Serialize, Deserialize)]
struct SavedFile {
    lede_saved: u32,
    searches: Vec<SavedSearch>,
}

fn problem(dir: &Path, reason: String) -> Error {
    Error::Index {
        path: dir.into(),
        reason,
    }
}

/// The searches saved with the index in `dir` (none when there is no file yet).
pub fn load(dir: &Path) -> Result<Vec<SavedSearch>> {
    let path = dir.join(SAVED_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io(&path, e)),
    };
    let file: SavedFile = serde_json::from_str(&text)
        .map_err(|e| problem(dir, format!("{SAVED_FILE} is not readable: {e}")))?;
    Ok(file.searches)
}

/// Writes the saved searches (a temporary file renamed over the old one).
pub fn store(dir: &Path, searches: &[SavedSearch]) -> Result<()> {
    let file = SavedFile {
        lede_saved: 1,
        searches: searches.to_vec(),
    };
    let text = serde_json::to_string_pretty(&file).expect("saved searches serialise");
    write_atomically(&dir.join(SAVED_FILE), text.as_bytes())
}

/// The longest name of a saved search, in characters.
pub const MAX_NAME_CHARS: usize = 64;

/// Refuses a name that cannot name a saved search: it must be 1 to [`MAX_NAME_CHARS`] letters,
/// digits, spaces, `-`, `_` or `.`, starting and ending with a letter or digit. A name is only
/// ever a key in [`SAVED_FILE`], never part of a path; the rule keeps names that read the same
/// in a URL segment, a tag URI and a shell (no `/`, no `..`, no control characters).
pub fn check_name(name: &str) -> Result<()> {
    let count = name.chars().count();
    let ends_ok = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let ok = (1..=MAX_NAME_CHARS).contains(&count)
        && ends_ok(name.chars().next())
        && ends_ok(name.chars().last())
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(Error::SavedName(name.to_string()))
    }
}

/// The saved search `name` of the index in `dir`.
pub fn find(dir: &Path, name: &str) -> Result<SavedSearch> {
    load(dir)?
        .into_iter()
        .find(|s| s.name == name)
        .ok_or_else(|| Error::NoSavedSearch(name.to_string()))
}

/// Saves a new search; a name already taken is an error (remove it first).
pub fn add(dir: &Path, name: &str, request: SearchRequest) -> Result<()> {
    check_name(name)?;
    let mut all = load(dir)?;
    if all.iter().any(|s| s.name == name) {
        return Err(Error::SavedExists(name.to_string()));
    }
    all.push(SavedSearch {
        name: name.to_string(),
        request,
        created: Timestamp::now(),
        last_run: None,
        runs: 0,
        seen: BTreeMap::new(),
    });
    store(dir, &all)
}

/// Removes a saved search; an unknown name is an error.
pub fn remove(dir: &Path, name: &str) -> Result<()> {
    let mut all = load(dir)?;
    let before = all.len();
    all.retain(|s| s.name != name);
    if all.len() == before {
        return Err(Error::NoSavedSearch(name.to_string()));
    }
    store(dir, &all)
}

impl Engine {
    /// Saves a search with this engine's index, after reading its query, so that a search
    /// that cannot run is never saved.
    pub fn save_search(&self, name: &str, request: SearchRequest) -> Result<()> {
        check_name(name)?;
        self.parse(
            &request.query,
            request.combine,
            &request.scope,
            request.exact,
        )?;
        add(&self.dir, name, request)
    }

    /// Runs the saved search `name` of this engine's index folder and records the run: with
    /// `new_only`, the hits are the articles matching for the first time (all of them, in date
    /// order, newest first), else the search's page.
    pub fn run_saved(&self, name: &str, new_only: bool) -> Result<SavedRun> {
        let mut all = load(&self.dir)?;
        let search = all
            .iter_mut()
            .find(|s| s.name == name)
            .ok_or_else(|| Error::NoSavedSearch(name.to_string()))?;
        let run = self.run_search(search, new_only, Timestamp::now())?;
        store(&self.dir, &all)?;
        Ok(run)
    }

    /// What `run_saved(name, false)` would answer now, recording nothing: `new` counts what a
    /// run with `--new` would report, and the saved search (its baseline, what it has seen,
    /// its runs) is left as it was. For readers that must not take "new" away from the
    /// person who runs the search.
    pub fn peek_saved(&self, name: &str) -> Result<SavedRun> {
        let mut copy = find(&self.dir, name)?;
        let never_run = copy.last_run.is_none();
        let mut run = self.evaluate(&mut copy, false, Timestamp::now())?;
        if never_run {
            run.results.notes.push(format!(
                "'{name}' has not been run yet: its first `lede saved run` records the {} \
                 matching articles as its baseline (nothing was recorded now)",
                run.matched
            ));
        }
        Ok(run)
    }

    /// The saved search `name` and its `limit` newest matches by date (undated ones last),
    /// without facets, recording nothing.
    pub fn latest_saved(&self, name: &str, limit: usize) -> Result<(SavedSearch, SearchResults)> {
        let search = find(&self.dir, name)?;
        let req = SearchRequest {
            sort: Sort::Newest,
            limit,
            offset: 0,
            facets: Vec::new(),
            ..search.request.clone()
        };
        let results = self.search(&req)?;
        Ok((search, results))
    }

    /// Runs a saved search at `now`, updating what it has seen.
    pub fn run_search(
        &self,
        search: &mut SavedSearch,
        new_only: bool,
        now: Timestamp,
    ) -> Result<SavedRun> {
        let mut run = self.evaluate(search, new_only, now)?;
        if run.baseline {
            run.results.notes.push(format!(
                "first run of '{}': {} matching articles recorded as the baseline; later runs \
                 with --new show what is new since",
                search.name, run.matched
            ));
        }
        Ok(run)
    }

    /// A run of `search` at `now`: what matches, what is new, and `search` updated with what
    /// it has now seen (stored by the caller, or not).
    fn evaluate(
        &self,
        search: &mut SavedSearch,
        new_only: bool,
        now: Timestamp,
    ) -> Result<SavedRun> {
        self.guarded(|| {
            let req = &search.request;
            let matching = self.versions(req)?;
            let baseline = search.last_run.is_none();
            let mut fresh: HashSet<String> = HashSet::new();
            for (id, version) in &matching {
                let version = format!("{version:016x}");
                if search.seen.get(id).map(|s| &s.version) != Some(&version) {
                    if !baseline {
                        fresh.insert(id.clone());
                    }
                    search.seen.insert(
                        id.clone(),
                        Seen {
                            version,
                            first: now,
                        },
                    );
                }
            }
            search.last_run = Some(now);
            search.runs += 1;
            let results = if new_only {
                let mut hits: Vec<Hit> = Vec::new();
                let mut notes = Vec::new();
                let all = SearchRequest {
                    collapse: false,
                    ..req.clone()
                };
                self.for_each_hit(
                    &all,
                    &mut |n: &[String]| notes.extend_from_slice(n),
                    &mut |hit: Hit| {
                        if fresh.contains(&hit.id) {
                            hits.push(hit);
                        }
                        Ok(())
                    },
                )?;
                hits.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.id.cmp(&b.id)));
                for (i, h) in hits.iter_mut().enumerate() {
                    h.rank = i + 1;
                    h.score = None;
                }
                SearchResults {
                    lede_json: JSON_VERSION,
                    query: req.query.clone(),
                    notes,
                    mode: req.combine,
                    total: hits.len(),
                    offset: 0,
                    took_ms: 0.0,
                    hits,
                    facets: Vec::new(),
                }
            } else {
                self.search(req)?
            };
            let first_seen = results
                .hits
                .iter()
                .filter_map(|h| Some((h.id.clone(), search.seen.get(&h.id)?.first)))
                .collect();
            Ok(SavedRun {
                name: search.name.clone(),
                at: now,
                baseline,
                matched: matching.len(),
                new: fresh.len(),
                results,
                first_seen,
            })
        })
    }

    /// Every match of a request, with its version.
    fn versions(&self, req: &SearchRequest) -> Result<Vec<(String, u64)>> {
        let err = |e| Error::index(&self.dir, e);
        let searcher = self.reader.searcher();
        let (parsed, _) = self.parse_request(req)?;
        let total = searcher
            .search(parsed.query.as_ref(), &Count)
            .map_err(err)?;
        let found: Vec<(f32, DocAddress)> = searcher
            .search(
                parsed.query.as_ref(),
                &TopDocs::with_limit(total.max(1)).order_by_score(),
            )
            .map_err(err)?;
        let mut by_segment: std::collections::BTreeMap<u32, Vec<u32>> = Default::default();
        for (_, addr) in &found {
            by_segment
                .entry(addr.segment_ord)
                .or_default()
                .push(addr.doc_id);
        }
        let schema = self.store.index.schema();
        let mut out = Vec::with_capacity(found.len());
        for (ord, docs) in by_segment {
            let fast = searcher.segment_reader(ord).fast_fields();
            let ids = fast
                .str(schema.get_field_name(self.store.fields.id))
                .map_err(err)?;
            let versions = fast
                .u64(schema.get_field_name(self.store.fields.version))
                .map_err(err)?;
            for doc in docs {
                let mut id = String::new();
                if let Some(ids) = &ids
                    && let Some(t) = ids.term_ords(doc).next()
                {
                    ids.ord_to_str(t, &mut id)
                        .map_err(|e| Error::io(&self.dir, e))?;
                }
                out.push((id, versions.first(doc).unwrap_or(0)));
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::check_name;

    #[test]
    fn names_are_words_never_paths() {
        for name in [
            "opec",
            "oil price 1987",
            "Ölpreis",
            "a",
            "x-y_z.2",
            &"n".repeat(64),
        ] {
            assert!(check_name(name).is_ok(), "{name}");
        }
        for name in [
            "",
            " ",
            "..",
            ".",
            "../x",
            "a/b",
            "a\\b",
            ".hidden",
            "trailing ",
            "x.",
            "a\u{0}b",
            "tab\there",
            "q?x",
            "a%2Fb",
            &"n".repeat(65),
        ] {
            assert!(check_name(name).is_err(), "{name:?}");
        }
    }
}
