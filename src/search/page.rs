//! One pass over the matches (the count, the facets, the best hits) and the page of hits it
//! gives, by score or by date, equal scores and dates ordered by path so that the order
//! never depends on how documents sit in segments.

use tantivy::collector::{Count, MultiCollector, TopDocs};
use tantivy::query::Query;
use tantivy::{DocAddress, Searcher, TantivyDocument};

use super::Engine;
use super::collect::Dated;
use super::facets;
use crate::error::{Error, Result};
use crate::model::{FacetCounts, SearchRequest, Sort};

impl Engine {
    /// One pass over the matches: the count, the facets, and the best hits (enough of them to
    /// cover the page and, almost always, the scores tied with its last hit), or for a sort by
    /// date every match with its date.
    pub(super) fn first_pass(
        &self,
        searcher: &Searcher,
        query: &dyn Query,
        req: &SearchRequest,
    ) -> Result<FirstPass> {
        let err = |e| Error::index(&self.dir, e);
        let by_date = req.sort != Sort::Relevance && req.limit > 0;
        let fetch = if by_date {
            1
        } else {
            req.offset + req.limit + 16
        };
        let mut multi = MultiCollector::new();
        let count = multi.add_collector(Count);
        let top = multi.add_collector(TopDocs::with_limit(fetch).order_by_score());
        let schema = self.store.index.schema();
        let dated = by_date.then(|| {
            multi.add_collector(Dated {
                field: schema.get_field_name(self.store.fields.date).to_string(),
            })
        });
        let facet_requests = self.facet_sections(&req.facets);
        let collectors = facets::collectors(&facet_requests, &schema, &self.store.fields);
        let sections: Vec<_> = collectors
            .sections
            .into_iter()
            .map(|c| multi.add_collector(c))
            .collect();
        let calendar: Vec<_> = collectors
            .calendar
            .into_iter()
            .map(|c| multi.add_collector(c))
            .collect();
        let terms = collectors.terms.map(|c| multi.add_collector(c));
        let mut fruits = searcher.search(query, &multi).map_err(err)?;
        let section_counts = sections
            .into_iter()
            .map(|h| h.extract(&mut fruits))
            .collect();
        let term_counts = terms.map(|h| h.extract(&mut fruits));
        Ok(FirstPass {
            total: count.extract(&mut fruits),
            top: top.extract(&mut fruits),
            fetched: fetch,
            facets: facets::counts(
                &facet_requests,
                section_counts,
                calendar
                    .into_iter()
                    .map(|h| h.extract(&mut fruits))
                    .collect(),
                term_counts,
            ),
            dated: dated.map(|h| h.extract(&mut fruits)),
        })
    }

    /// The page of hits by date (undated last), equal dates ordered by path.
    pub(super) fn page_by_date(
        &self,
        searcher: &Searcher,
        mut dated: Vec<(Option<i64>, DocAddress)>,
        newest: bool,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<(f32, TantivyDocument)>> {
        let err = |e| Error::index(&self.dir, e);
        let key = |d: &Option<i64>| match d {
            Some(secs) if newest => (0, -secs),
            Some(secs) => (0, *secs),
            None => (1, 0),
        };
        dated.sort_by_key(|(d, _)| key(d));
        let end = (offset + limit).min(dated.len());
        if offset >= end {
            return Ok(Vec::new());
        }
        // Widen the page to whole runs of equal dates, and order those runs by path.
        let mut start = offset;
        while start > 0 && key(&dated[start - 1].0) == key(&dated[offset].0) {
            start -= 1;
        }
        let mut stop = end;
        while stop < dated.len() && key(&dated[stop].0) == key(&dated[end - 1].0) {
            stop += 1;
        }
        let schema = self.store.index.schema();
        let path_name = schema.get_field_name(self.store.fields.path);
        let mut window: Vec<((i32, i64), String, DocAddress)> = Vec::with_capacity(stop - start);
        for (date, addr) in &dated[start..stop] {
            window.push((key(date), self.path_of(searcher, path_name, *addr)?, *addr));
        }
        window.sort();
        window
            .into_iter()
            .skip(offset - start)
            .take(end - offset)
            .map(|(_, _, addr)| Ok((0.0, searcher.doc::<TantivyDocument>(addr).map_err(err)?)))
            .collect()
    }

    /// The page `offset..offset+limit` of hits by score, equal scores ordered by path. When
    /// the first pass did not reach past the run of scores equal to the page's last, fetches
    /// more, so that the order never depends on how documents sit in segments.
    pub(super) fn page(
        &self,
        searcher: &Searcher,
        query: &dyn Query,
        offset: usize,
        limit: usize,
        first: FirstPass,
    ) -> Result<Vec<(f32, TantivyDocument)>> {
        let want = offset + limit;
        let err = |e| Error::index(&self.dir, e);
        if limit == 0 || first.total <= offset {
            return Ok(Vec::new());
        }
        let mut found = first.top;
        let mut fetch = first.fetched;
        loop {
            let last_wanted = found
                .get(want.min(found.len()).saturating_sub(1))
                .map(|f| f.0);
            let complete = found.len() < fetch || found.last().map(|f| f.0) != last_wanted;
            if complete || fetch >= first.total {
                break;
            }
            fetch = (fetch * 2).min(first.total);
            found = searcher
                .search(query, &TopDocs::with_limit(fetch).order_by_score())
                .map_err(err)?;
        }
        // Ordered by score and then path. Paths come from their fast column, and only for
        // runs of equal scores that reach into the page (each lookup decodes a block of the
        // column's dictionary); only the page's own documents are read from the store (each
        // read decompresses a block, and the first pass fetches 16 more than the page).
        let schema = self.store.index.schema();
        let path_name = schema.get_field_name(self.store.fields.path);
        found.sort_by(|a, b| b.0.total_cmp(&a.0));
        let mut keyed: Vec<(f32, String, DocAddress)> = found
            .into_iter()
            .map(|(score, addr)| (score, String::new(), addr))
            .collect();
        let mut i = 0;
        while i < keyed.len() {
            let mut j = i + 1;
            while j < keyed.len() && keyed[j].0.total_cmp(&keyed[i].0).is_eq() {
                j += 1;
            }
            if j - i > 1 && i < want && j > offset {
                for k in &mut keyed[i..j] {
                    k.1 = self.path_of(searcher, path_name, k.2)?;
                }
                keyed[i..j].sort_by(|a, b| a.1.cmp(&b.1));
            }
            i = j;
        }
        keyed
            .into_iter()
            .skip(offset)
            .take(limit)
            .map(|(score, _, addr)| Ok((score, searcher.doc(addr).map_err(err)?)))
            .collect()
    }

    /// The path of a document, from the path's fast column.
    fn path_of(&self, searcher: &Searcher, path_name: &str, addr: DocAddress) -> Result<String> {
        let segment = searcher.segment_reader(addr.segment_ord);
        let mut path = String::new();
        if let Some(column) = segment
            .fast_fields()
            .str(path_name)
            .map_err(|e| Error::index(&self.dir, e))?
            && let Some(ord) = column.term_ords(addr.doc_id).next()
        {
            column
                .ord_to_str(ord, &mut path)
                .map_err(|e| Error::io(&self.dir, e))?;
        }
        Ok(path)
    }
}

/// What the first pass over the matches found.
pub(super) struct FirstPass {
    pub(super) total: usize,
    /// The best hits by score, at most `fetched` of them.
    pub(super) top: Vec<(f32, DocAddress)>,
    pub(super) fetched: usize,
    pub(super) facets: Vec<FacetCounts>,
    /// Every match with its date, for a sort by date.
    pub(super) dated: Option<Vec<(Option<i64>, DocAddress)>>,
}
