//! Many searches in one run (`lede batch`): a file of queries, one per line (or
//! `label<TAB>query`), each run with the same scope, a row each. A bad query gives an error
//! row with its line number, and the run goes on.

use crate::model::{Backend, BatchLine, BatchRow, Combine, Scope, SearchRequest};

/// The queries of a batch file: blank lines and lines starting with `#` are skipped; a line
/// with a tab is `label<TAB>query`, otherwise the query is its own label.
pub fn parse(text: &str) -> Vec<BatchLine> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map(|(i, l)| {
            let (label, query) = match l.split_once('\t') {
                Some((label, query)) => (label.trim(), query.trim()),
                None => (l.trim(), l.trim()),
            };
            BatchLine {
                line: i + 1,
                label: label.to_string(),
                query: query.to_string(),
            }
        })
        .collect()
}

/// Runs each query within `scope` on `backend`; the counts are those of the single searches.
pub fn run(
    backend: &dyn Backend,
    lines: &[BatchLine],
    scope: &Scope,
    combine: Combine,
    top: usize,
) -> Vec<BatchRow> {
    lines
        .iter()
        .map(|l| {
            let req = SearchRequest {
                query: l.query.clone(),
                limit: top,
                passages: 0,
                combine,
                scope: scope.clone(),
                ..SearchRequest::default()
            };
            let (total, top, error, mode) = match backend.search(&req) {
                Ok(r) => (
                    Some(r.total),
                    r.hits.into_iter().map(|h| h.id).collect(),
                    None,
                    Some(r.mode),
                ),
                Err(e) => (
                    None,
                    Vec::new(),
                    Some(format!("line {}: {e}", l.line)),
                    None,
                ),
            };
            BatchRow {
                line: l.line,
                label: l.label.clone(),
                query: l.query.clone(),
                total,
                top,
                error,
                mode,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_labels_and_comments() {
        let lines = parse("grain\n\n# a comment\nasat\tanti-satellite\n  oil  \n");
        assert_eq!(
            lines,
            [
                BatchLine {
                    line: 1,
                    label: "grain".into(),
                    query: "grain".into()
                },
                BatchLine {
                    line: 4,
                    label: "asat".into(),
                    query: "anti-satellite".into()
                },
                BatchLine {
                    line: 5,
                    label: "oil".into(),
                    query: "oil".into()
                },
            ]
        );
    }
}
