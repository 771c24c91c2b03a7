//! `--collapse`: one hit per near-duplicate group (`index/dedup.rs`). Every match is read
//! with its group, each group's representative chosen (the best-ranked; with a sort by date
//! the oldest or newest), and the query narrowed to the representatives, so that the count,
//! the facets, the page and `trend` all count stories instead of copies. Each representative
//! keeps the ids of the matching copies it stands for.

use std::collections::HashMap;

use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, TermSetQuery};
use tantivy::{DocAddress, Searcher, Term};

use super::Engine;
use crate::error::{Error, Result};
use crate::model::Sort;

/// A query narrowed to one match per group.
pub(super) struct Collapsed {
    /// The query, matching only each group's representative, scored as before.
    pub(super) query: Box<dyn Query>,
    /// Each representative's id, with the ids of the other matching articles of its group
    /// (sorted).
    pub(super) copies: HashMap<String, Vec<String>>,
    /// Articles that matched before collapsing.
    pub(super) matches: usize,
}

impl Collapsed {
    /// The note that says what collapsing did.
    pub(super) fn note(&self) -> String {
        format!(
            "collapsed {} matching articles into {} stories (near-duplicates grouped)",
            self.matches,
            self.copies.len()
        )
    }
}

/// One match as collapsing sees it.
struct Match {
    score: f32,
    id: String,
    group: String,
    date: Option<i64>,
}

impl Engine {
    /// Reads every match of `query` with its group and narrows the query to one per group:
    /// the highest score (ties: the smallest id), or with `Sort::Oldest` / `Sort::Newest` the
    /// earliest / latest date (undated last).
    pub(super) fn collapse(
        &self,
        searcher: &Searcher,
        query: Box<dyn Query>,
        sort: Sort,
    ) -> Result<Collapsed> {
        let err = |e| Error::index(&self.dir, e);
        let total = searcher.search(query.as_ref(), &Count).map_err(err)?;
        let found: Vec<(f32, DocAddress)> = searcher
            .search(
                query.as_ref(),
                &TopDocs::with_limit(total.max(1)).order_by_score(),
            )
            .map_err(err)?;
        let matches = self.read_matches(searcher, &found)?;
        let key = |m: &Match| -> (i32, i64, f32) {
            match (sort, m.date) {
                (Sort::Relevance, _) => (0, 0, -m.score),
                (Sort::Oldest, Some(d)) => (0, d, 0.0),
                (Sort::Newest, Some(d)) => (0, -d, 0.0),
                (_, None) => (1, 0, 0.0),
            }
        };
        let mut groups: HashMap<&str, Vec<&Match>> = HashMap::new();
        for m in &matches {
            groups.entry(m.group.as_str()).or_default().push(m);
        }
        let mut copies = HashMap::new();
        for members in groups.values() {
            let best = members
                .iter()
                .min_by(|a, b| {
                    let (ka, kb) = (key(a), key(b));
                    (ka.0, ka.1)
                        .cmp(&(kb.0, kb.1))
                        .then(ka.2.total_cmp(&kb.2))
                        .then_with(|| a.id.cmp(&b.id))
                })
                .expect("a group has a member");
            let mut others: Vec<String> = members
                .iter()
                .filter(|m| m.id != best.id)
                .map(|m| m.id.clone())
                .collect();
            others.sort();
            copies.insert(best.id.clone(), others);
        }
        let id_field = self.store.fields.id;
        let terms = copies.keys().map(|id| Term::from_field_text(id_field, id));
        let only = ConstScoreQuery::new(Box::new(TermSetQuery::new(terms)), 0.0);
        let query = BooleanQuery::new(vec![(Occur::Must, query), (Occur::Must, Box::new(only))]);
        Ok(Collapsed {
            query: Box::new(query),
            copies,
            matches: total,
        })
    }

    fn read_matches(&self, searcher: &Searcher, found: &[(f32, DocAddress)]) -> Result<Vec<Match>> {
        let err = |e| Error::index(&self.dir, e);
        let schema = self.store.index.schema();
        let fields = &self.store.fields;
        let mut columns = HashMap::new();
        let mut out = Vec::with_capacity(found.len());
        for &(score, addr) in found {
            if let std::collections::hash_map::Entry::Vacant(slot) = columns.entry(addr.segment_ord)
            {
                let fast = searcher.segment_reader(addr.segment_ord).fast_fields();
                let ids = fast.str(schema.get_field_name(fields.id)).map_err(err)?;
                let groups = fast.str(schema.get_field_name(fields.group)).map_err(err)?;
                let dates = fast.date(schema.get_field_name(fields.date)).map_err(err)?;
                slot.insert((ids, groups, dates));
            }
            let (ids, groups, dates) = &columns[&addr.segment_ord];
            let text = |c: &Option<tantivy::columnar::StrColumn>| -> Result<String> {
                let mut s = String::new();
                if let Some(c) = c
                    && let Some(ord) = c.term_ords(addr.doc_id).next()
                {
                    c.ord_to_str(ord, &mut s)
                        .map_err(|e| Error::io(&self.dir, e))?;
                }
                Ok(s)
            };
            let id = text(ids)?;
            let group = text(groups)?;
            out.push(Match {
                score,
                group: if group.is_empty() { id.clone() } else { group },
                id,
                date: dates.first(addr.doc_id).map(|d| d.into_timestamp_secs()),
            });
        }
        Ok(out)
    }
}

impl Engine {
    /// Every near-duplicate group of two or more articles: its id (the smallest article id
    /// in it) and its members' ids, sorted.
    pub fn groups(&self) -> Result<std::collections::BTreeMap<String, Vec<String>>> {
        self.guarded(|| {
            let searcher = self.reader.searcher();
            let mut found = Vec::new();
            for (ord, segment) in searcher.segment_readers().iter().enumerate() {
                for doc in segment.doc_ids_alive() {
                    found.push((0.0, DocAddress::new(ord as u32, doc)));
                }
            }
            let mut groups: std::collections::BTreeMap<String, Vec<String>> = Default::default();
            for m in self.read_matches(&searcher, &found)? {
                groups.entry(m.group).or_default().push(m.id);
            }
            groups.retain(|_, members| members.len() > 1);
            for members in groups.values_mut() {
                members.sort();
            }
            Ok(groups)
        })
    }
}
