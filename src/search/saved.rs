//! Saved searches: kept with the index in `saved-searches.json` (written atomically), and run
//! for what is new. A run compares the version of every matching article (the fingerprint of
//! its text, recorded when it was indexed) with the versions earlier runs saw: an article is
//! new when no run saw it match, or when it changed since. The first run sets the baseline.
//! Re-indexing, even `--rebuild`, keeps versions, so it re-announces nothing; near-duplicate
//! regrouping rewrites articles without changing their versions.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use tantivy::DocAddress;
use tantivy::collector::{Count, TopDocs};

use super::Engine;
use crate::error::{Error, Result};
use crate::index::folder::write_atomically;
use crate::model::{Hit, JSON_VERSION, SavedRun, SavedSearch, SearchRequest, SearchResults, Seen};

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

/// Saves a new search; a name already taken is an error (remove it first).
pub fn add(dir: &Path, name: &str, request: SearchRequest) -> Result<()> {
    if name.trim().is_empty() || name.contains(char::is_control) {
        return Err(problem(dir, format!("{name:?} cannot name a saved search")));
    }
    let mut all = load(dir)?;
    if all.iter().any(|s| s.name == name) {
        return Err(problem(
            dir,
            format!("a search named '{name}' is saved already (`lede saved rm {name}` first)"),
        ));
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
        return Err(unknown(dir, name));
    }
    store(dir, &all)
}

fn unknown(dir: &Path, name: &str) -> Error {
    problem(
        dir,
        format!("no saved search named '{name}' (`lede saved list` shows them)"),
    )
}

impl Engine {
    /// Runs the saved search `name` of this engine's index folder and records the run: with
    /// `new_only`, the hits are the articles matching for the first time (all of them, in date
    /// order, newest first), else the search's page.
    pub fn run_saved(&self, name: &str, new_only: bool) -> Result<SavedRun> {
        self.guarded(|| {
            let mut all = load(&self.dir)?;
            let search = all
                .iter_mut()
                .find(|s| s.name == name)
                .ok_or_else(|| unknown(&self.dir, name))?;
            let run = self.run_search(search, new_only, Timestamp::now())?;
            store(&self.dir, &all)?;
            Ok(run)
        })
    }

    /// Runs a saved search at `now`, updating what it has seen.
    pub fn run_search(
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
            let mut results = if new_only {
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
            if baseline {
                results.notes.push(format!(
                    "first run of '{}': {} matching articles recorded as the baseline; later runs \
                 with --new show what is new since",
                    search.name,
                    matching.len()
                ));
            }
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
