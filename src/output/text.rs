//! Text for people: ranked hits with their passages and facets, an article shown whole, how
//! a query was read, trends drawn as bars, batches and stats as tables, the summary of an
//! index run. Colour only when the caller says so; escapes in the text are never painted raw.

use std::io::{self, Write};

use super::{DIM, MATCH, META, Painter, TITLE, clean, plural, thousands};
use crate::eval::{Run, Scores};
use crate::index::indexer::IndexSummary;
use crate::model::{
    BatchRow, Explained, FacetCounts, Hit, IndexStats, Passage, Reading, SearchResults, Shown,
    TrendResults, dates,
};

/// Search results as text: a block per hit, then a line with the count.
pub fn write_text(w: &mut impl Write, results: &SearchResults, color: bool) -> io::Result<()> {
    let p = Painter { color };
    for hit in &results.hits {
        write_hit(w, &p, hit)?;
    }
    write_facets(w, &p, &results.facets)?;
    write_count(w, &p, results)
}

/// The last line of text results: how many match, which are shown, how long it took.
fn write_count(w: &mut impl Write, p: &Painter, results: &SearchResults) -> io::Result<()> {
    let shown = match results.hits.len() {
        0 => String::new(),
        n => format!("; showing {}-{}", results.offset + 1, results.offset + n),
    };
    let noun = if results.total == 1 {
        "article matches"
    } else {
        "articles match"
    };
    let line = format!(
        "{} {noun}{shown} ({:.1} ms)",
        thousands(results.total as u64),
        results.took_ms
    );
    p.paint(w, DIM, &line)?;
    writeln!(w)
}

/// Search results as text with, under each hit, why it scored as it did.
pub fn write_text_explained(
    w: &mut impl Write,
    results: &SearchResults,
    explained: &[Explained],
    color: bool,
) -> io::Result<()> {
    let p = Painter { color };
    for (hit, e) in results.hits.iter().zip(explained) {
        let mut block = Vec::new();
        write_hit(&mut block, &p, hit)?;
        // the hit's block ends with a blank line: the explanation goes before it
        let text = String::from_utf8_lossy(&block);
        w.write_all(text.trim_end_matches('\n').as_bytes())?;
        writeln!(w)?;
        write_explained(w, &p, e, 1)?;
        writeln!(w)?;
    }
    write_facets(w, &p, &results.facets)?;
    write_count(w, &p, results)
}

fn write_explained(w: &mut impl Write, p: &Painter, e: &Explained, depth: usize) -> io::Result<()> {
    write!(w, "{}", "   ".repeat(depth))?;
    p.paint(w, DIM, &format!("{:>7.3}", e.value))?;
    writeln!(w, "  {}", e.description)?;
    for d in &e.details {
        write_explained(w, p, d, depth + 1)?;
    }
    Ok(())
}

/// How a query was read, for people.
pub fn write_reading(w: &mut impl Write, r: &Reading) -> io::Result<()> {
    writeln!(w, "read as: {}", r.tree)?;
    writeln!(
        w,
        "         (+ required, - excluded, ? optional, * all or any as the mode decides; words without a field search title^{} and body)",
        crate::query::TITLE_BOOST
    )?;
    for word in &r.words {
        let terms = if word.terms.is_empty() {
            "(no terms: stop words or punctuation)".to_string()
        } else {
            word.terms.join(" ")
        };
        writeln!(
            w,
            "  {:<20} {:<18} {} -> {}",
            word.text,
            word.kind,
            word.fields.join(", "),
            terms
        )?;
        if !word.spellings.is_empty() {
            writeln!(
                w,
                "  {:<20} {:<18} also: {}",
                "",
                "spellings",
                word.spellings.join(" OR ")
            )?;
        }
    }
    for note in &r.notes {
        writeln!(w, "note: {note}")?;
    }
    Ok(())
}

/// A whole article: metadata, then numbered paragraphs with the matches marked (in colour,
/// or as `[[...]]`).
pub fn write_shown(w: &mut impl Write, s: &Shown, color: bool) -> io::Result<()> {
    let p = Painter { color };
    let a = &s.article;
    if a.title.is_empty() {
        p.paint(w, TITLE, "(untitled)")?;
    } else {
        let mut at = 0;
        for &(ms, me) in &s.title_matches {
            p.paint(w, TITLE, &a.title[at..ms])?;
            mark(w, &p, &a.title[ms..me])?;
            at = me;
        }
        p.paint(w, TITLE, &a.title[at..])?;
    }
    writeln!(w)?;
    let mut meta: Vec<String> = Vec::new();
    if !a.authors.is_empty() {
        meta.push(a.authors.join(", "));
    }
    if let Some(date) = a.date {
        meta.push(dates::display(date));
    }
    meta.extend(a.source.clone());
    meta.push(a.id.clone());
    p.paint(w, META, &meta.join(" · "))?;
    writeln!(w)?;
    let mut more = vec![format!("section {}", a.section)];
    for (name, list) in [
        ("topics", &a.topics),
        ("places", &a.places),
        ("people", &a.people),
        ("orgs", &a.orgs),
    ] {
        if !list.is_empty() {
            more.push(format!("{name} {}", list.join(", ")));
        }
    }
    more.extend(a.language.as_ref().map(|l| format!("language {l}")));
    more.push(format!("{} words", thousands(a.word_count)));
    more.extend(a.url.clone());
    p.paint(w, DIM, &more.join(" · "))?;
    writeln!(w, "\n")?;
    for para in &s.paragraphs {
        write!(w, "[{}] ", para.number)?;
        let (start, end) = (para.offset, para.offset + para.text.len());
        let mut at = start;
        for &(ms, me) in s
            .matches
            .iter()
            .filter(|&&(ms, me)| ms >= start && me <= end)
        {
            w.write_all(clean(&s.body[at..ms]).as_bytes())?;
            mark(w, &p, &s.body[ms..me])?;
            at = me;
        }
        w.write_all(clean(&s.body[at..end]).as_bytes())?;
        writeln!(w, "\n")?;
    }
    let found = s.matches.len() + s.title_matches.len();
    if found > 0 {
        p.paint(
            w,
            DIM,
            &format!(
                "{} {}",
                thousands(found as u64),
                if found == 1 { "match" } else { "matches" }
            ),
        )?;
        writeln!(w)?;
    }
    Ok(())
}

/// A match in `lede show`: in colour on a terminal, else between `[[` and `]]`.
fn mark(w: &mut impl Write, p: &Painter, text: &str) -> io::Result<()> {
    if p.color {
        p.paint(w, MATCH, text)
    } else {
        write!(w, "[[{}]]", clean(text))
    }
}

/// One hit as text (for `--all`, which writes hits as they come).
pub fn write_hit_text(w: &mut impl Write, hit: &Hit, color: bool) -> io::Result<()> {
    write_hit(w, &Painter { color }, hit)
}

fn write_hit(w: &mut impl Write, p: &Painter, hit: &Hit) -> io::Result<()> {
    write!(w, "{}. ", hit.rank)?;
    let title = if hit.title.is_empty() {
        "(untitled)"
    } else {
        &hit.title
    };
    p.paint(w, TITLE, title)?;
    if let Some(score) = hit.score {
        write!(w, "  ")?;
        p.paint(w, DIM, &format!("[{score:.2}]"))?;
    }
    writeln!(w)?;

    let mut meta: Vec<String> = Vec::new();
    if !hit.authors.is_empty() {
        meta.push(hit.authors.join(", "));
    }
    if let Some(date) = hit.date {
        meta.push(dates::display(date));
    }
    meta.extend(hit.source.clone());
    meta.push(hit.id.clone());
    write!(w, "   ")?;
    p.paint(w, META, &meta.join(" · "))?;
    writeln!(w)?;
    if !hit.copies.is_empty() {
        write!(w, "   ")?;
        p.paint(w, DIM, &super::newsroom::copies_line(&hit.copies))?;
        writeln!(w)?;
    }

    for passage in &hit.passages {
        write!(w, "   ")?;
        write_passage(w, p, passage)?;
        writeln!(w)?;
    }
    writeln!(w)
}

/// Facets as a compact table: a line per facet, its values by count.
fn write_facets(w: &mut impl Write, p: &Painter, facets: &[FacetCounts]) -> io::Result<()> {
    for f in facets {
        let name = match &f.under {
            Some(under) if under != "/" => format!("{} {under}", f.field.name()),
            _ => f.field.name().to_string(),
        };
        let shown = if f.values.len() < f.distinct {
            format!(" ({} of {})", f.values.len(), thousands(f.distinct as u64))
        } else {
            String::new()
        };
        p.paint(w, TITLE, &format!("{name}{shown}:"))?;
        if f.values.is_empty() {
            write!(w, " (none)")?;
        }
        for v in &f.values {
            write!(w, "  {} ", v.value)?;
            p.paint(w, DIM, &thousands(v.count))?;
        }
        writeln!(w)?;
    }
    if !facets.is_empty() {
        writeln!(w)?;
    }
    Ok(())
}

/// A passage on one line: line breaks become spaces, cuts become ellipses.
fn write_passage(w: &mut impl Write, p: &Painter, passage: &Passage) -> io::Result<()> {
    let flat = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let text = &passage.text;
    if passage.cut_before {
        write!(w, "… ")?;
    }
    let mut at = 0;
    for &(start, end) in &passage.highlights {
        let before = &text[at..start];
        w.write_all(clean(&flat_keep_edges(before, &flat)).as_bytes())?;
        p.paint(w, MATCH, &flat(&text[start..end]))?;
        at = end;
    }
    w.write_all(clean(&flat_keep_edges(&text[at..], &flat)).as_bytes())?;
    if passage.cut_after {
        write!(w, " …")?;
    }
    Ok(())
}

/// Collapses white space inside `s` but keeps one space at each edge that had some, so that
/// the text around a highlight keeps its spacing.
fn flat_keep_edges(s: &str, flat: &dyn Fn(&str) -> String) -> String {
    let inner = flat(s);
    if inner.is_empty() {
        return if s.is_empty() {
            String::new()
        } else {
            " ".into()
        };
    }
    let lead = if s.starts_with(char::is_whitespace) {
        " "
    } else {
        ""
    };
    let trail = if s.ends_with(char::is_whitespace) {
        " "
    } else {
        ""
    };
    format!("{lead}{inner}{trail}")
}

/// The summary of an indexing run, for people.
pub fn write_index_summary(w: &mut impl Write, s: &IndexSummary) -> io::Result<()> {
    // "83 articles from 72 files (0.1 MB) in 0.06 s"
    let read = format!(
        "{} {} from {} {} ({:.1} MB) in {:.2} s",
        thousands(s.articles),
        plural(s.articles, "article", "articles"),
        thousands(s.files),
        plural(s.files, "file", "files"),
        s.bytes as f64 / 1e6,
        s.seconds,
    );
    if !s.committed {
        writeln!(w, "read {read}; nothing was committed (--strict)")?;
    } else if s.changed() || s.files > 0 {
        writeln!(w, "indexed {read}: {:.1} MB/s", s.mb_per_second())?;
        writeln!(
            w,
            "files: {} added, {} updated, {} deleted, {} unchanged; the index holds {} {}",
            thousands(s.added),
            thousands(s.updated),
            thousands(s.deleted),
            thousands(s.unchanged),
            thousands(s.total),
            plural(s.total, "article", "articles")
        )?;
    } else {
        writeln!(
            w,
            "up to date: {} {} unchanged, checked in {:.2} s; the index holds {} {}",
            thousands(s.unchanged),
            plural(s.unchanged, "file", "files"),
            s.seconds,
            thousands(s.total),
            plural(s.total, "article", "articles")
        )?;
    }
    let lacking: Vec<String> = [
        (s.untitled, "no title"),
        (s.bodiless, "no body (a title only)"),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{} with {what}", thousands(*n)))
    .collect();
    if !lacking.is_empty() {
        writeln!(w, "  of the articles written, {}", lacking.join(", "))?;
    }
    if s.empty_records > 0 {
        writeln!(
            w,
            "left out {} {} with no text inside files",
            thousands(s.empty_records),
            plural(s.empty_records, "record", "records")
        )?;
    }
    let skipped = s.skipped_count() as u64;
    if skipped > 0 {
        writeln!(
            w,
            "skipped {} {}:",
            thousands(skipped),
            plural(skipped, "file", "files")
        )?;
        for (reason, paths) in &s.skipped {
            let shown: Vec<&str> = paths.iter().take(3).map(String::as_str).collect();
            let more = match paths.len().saturating_sub(3) {
                0 => String::new(),
                n => format!(" and {n} more"),
            };
            writeln!(
                w,
                "  {reason}: {} ({}{more})",
                paths.len(),
                shown.join(", ")
            )?;
        }
    }
    if s.warnings > 0 {
        writeln!(
            w,
            "{} {} about files that were indexed (printed above)",
            thousands(s.warnings),
            plural(s.warnings, "warning", "warnings")
        )?;
    }
    Ok(())
}

/// A line for a watch event: the time, what changed, and the index's size.
pub fn write_watch_line(
    w: &mut impl Write,
    kind: &str,
    s: &IndexSummary,
    roots: &[std::path::PathBuf],
) -> io::Result<()> {
    let now = jiff::ZonedDateTime::now().strftime("%H:%M:%S").to_string();
    if kind == "synced" {
        let roots: Vec<String> = roots.iter().map(|r| format!("'{}'", r.display())).collect();
        return writeln!(
            w,
            "{now} up to date ({} added, {} updated, {} deleted, {} unchanged); the index holds {} {}; watching {} (Ctrl-C to stop)",
            thousands(s.added),
            thousands(s.updated),
            thousands(s.deleted),
            thousands(s.unchanged),
            thousands(s.total),
            plural(s.total, "article", "articles"),
            roots.join(" and ")
        );
    }
    let skipped = match s.skipped_count() {
        0 => String::new(),
        n => format!(", {n} skipped (see the warnings)"),
    };
    writeln!(
        w,
        "{now} {} added, {} updated, {} deleted{skipped}: {} {} written; the index holds {} {}",
        thousands(s.added),
        thousands(s.updated),
        thousands(s.deleted),
        thousands(s.articles),
        plural(s.articles, "article", "articles"),
        thousands(s.total),
        plural(s.total, "article", "articles")
    )
}

/// What an index holds, for people.
pub fn write_stats(w: &mut impl Write, s: &IndexStats) -> io::Result<()> {
    let roots: Vec<String> = s.roots.iter().map(|r| format!("'{r}'")).collect();
    writeln!(w, "index:      {}", s.index.display())?;
    writeln!(w, "articles:   {}", thousands(s.articles))?;
    writeln!(
        w,
        "deleted:    {} (until merged away)",
        thousands(s.deleted)
    )?;
    writeln!(w, "segments:   {}", s.segments)?;
    writeln!(w, "size:       {:.1} MB", s.bytes as f64 / 1e6)?;
    writeln!(
        w,
        "corpus:     {}",
        if roots.is_empty() {
            "-".into()
        } else {
            roots.join(", ")
        }
    )?;
    writeln!(w, "indexed at: {}", s.indexed_at.as_deref().unwrap_or("-"))?;
    writeln!(w, "schema:     {}", s.schema)?;
    for f in &s.by {
        let values: Vec<String> = f
            .values
            .iter()
            .map(|v| format!("{} {}", v.value, thousands(v.count)))
            .collect();
        let label = format!("{}:", f.field.name());
        let more = match f.distinct.saturating_sub(f.values.len()) {
            0 => String::new(),
            n => format!(", and {n} more"),
        };
        writeln!(
            w,
            "{label:<11} {}{more}",
            if values.is_empty() {
                "-".into()
            } else {
                values.join(", ")
            }
        )?;
    }
    Ok(())
}

/// Width of the longest bar of a trend chart.
const BAR_WIDTH: usize = 40;

/// A trend as bar charts: a block per series, a line per bucket.
pub fn write_trend_text(w: &mut impl Write, t: &TrendResults, color: bool) -> io::Result<()> {
    let p = Painter { color };
    let label_width = t.buckets.iter().map(|b| b.len()).max().unwrap_or(0).max(7);
    for (n, s) in t.series.iter().enumerate() {
        if n > 0 {
            writeln!(w)?;
        }
        let name = match &s.split {
            Some(v) if v.is_empty() => format!("{} (no value)", s.label),
            Some(v) => format!("{} · {v}", s.label),
            None => s.label.clone(),
        };
        p.paint(w, TITLE, &name)?;
        writeln!(
            w,
            "  {} {}, {} undated",
            thousands(s.total),
            if s.total == 1 { "match" } else { "matches" },
            thousands(s.undated)
        )?;
        // Normalised, the bars are the shares (attention, not the archive's volume); else
        // the counts.
        let height = |i: usize| match &s.ratios {
            Some(ratios) => ratios[i].unwrap_or(0.0),
            None => s.counts[i] as f64,
        };
        let max = (0..t.buckets.len())
            .map(height)
            .fold(0.0, f64::max)
            .max(f64::MIN_POSITIVE);
        for (i, bucket) in t.buckets.iter().enumerate() {
            let count = s.counts[i];
            let len = ((height(i) / max) * BAR_WIDTH as f64).ceil() as usize;
            write!(w, "  {bucket:<label_width$} ")?;
            p.paint(w, MATCH, &"█".repeat(len))?;
            write!(
                w,
                "{} {}",
                " ".repeat(BAR_WIDTH - len.min(BAR_WIDTH)),
                thousands(count)
            )?;
            if let (Some(ratios), Some(totals)) = (&s.ratios, &t.totals) {
                match ratios[i] {
                    Some(ratio) => {
                        write!(w, " of {} ({:.2}%)", thousands(totals[i]), ratio * 100.0)?
                    }
                    None => write!(w, " of 0 (n/a)")?,
                }
            }
            writeln!(w)?;
        }
    }
    if t.series.is_empty() || t.buckets.is_empty() {
        writeln!(w, "no dated matches")?;
    }
    Ok(())
}

/// Batch rows as a table for people.
pub fn write_batch_text(w: &mut impl Write, rows: &[BatchRow]) -> io::Result<()> {
    let width = rows
        .iter()
        .map(|r| r.label.chars().count())
        .max()
        .unwrap_or(5)
        .max(5);
    writeln!(w, "{:<5} {:<width$} {:>9}  top", "line", "label", "total")?;
    for r in rows {
        match (&r.error, r.total) {
            (Some(e), _) => writeln!(
                w,
                "{:<5} {:<width$} {:>9}  {}",
                r.line,
                clean(&r.label),
                "error",
                clean(e)
            )?,
            (None, Some(total)) => writeln!(
                w,
                "{:<5} {:<width$} {:>9}  {}",
                r.line,
                clean(&r.label),
                thousands(total as u64),
                clean(&r.top.join(", "))
            )?,
            (None, None) => {}
        }
    }
    Ok(())
}

/// A variant's scores on the half of the queries it was chosen on, and on the other half.
#[derive(Debug, Clone, serde::Serialize)]
pub struct VariantRow {
    pub variant: String,
    pub train: Scores,
    pub test: Scores,
}

/// Evaluation results as tables: the runs, then (with variants) every variant by its score on
/// the choosing half, with its score on the reporting half.
pub fn write_eval(
    w: &mut impl Write,
    runs: &[Run],
    variants: Option<&[VariantRow]>,
) -> io::Result<()> {
    let width = runs
        .iter()
        .map(|r| r.variant.len())
        .max()
        .unwrap_or(10)
        .max(20);
    let scores = |s: &Scores| {
        format!(
            "{:>6.4} {:>8.4} {:>6.4} {:>6.4} {:>6.4}",
            s.map, s.ndcg10, s.p10, s.recall100, s.mrr
        )
    };
    writeln!(w)?;
    writeln!(
        w,
        "{:<width$}  {:>6} {:>8} {:>6} {:>6} {:>6}",
        "", "MAP", "nDCG@10", "P@10", "R@100", "MRR"
    )?;
    for (i, r) in runs.iter().enumerate() {
        let name = if i == 0 {
            format!("lede: {}", r.variant)
        } else {
            r.variant.clone()
        };
        writeln!(w, "{name:<width$}  {}", scores(&r.mean))?;
    }
    for r in runs.iter().filter(|r| !r.per_query.is_empty()).take(1) {
        writeln!(w, "\nper query (lede):")?;
        for (q, s) in &r.per_query {
            writeln!(w, "  {q:<8}  {}", scores(s))?;
        }
    }
    if let Some(rows) = variants {
        let width = rows.iter().map(|r| r.variant.len()).max().unwrap_or(10);
        writeln!(
            w,
            "\nvariants, best first on the choosing half (odd queries); reported on the other half:"
        )?;
        writeln!(
            w,
            "{:<width$}  {:>8} {:>8}  {:>8} {:>8}",
            "", "MAP", "nDCG@10", "MAP", "nDCG@10"
        )?;
        writeln!(
            w,
            "{:<width$}  {:>17}  {:>17}",
            "", "choosing half", "reporting half"
        )?;
        for r in rows {
            writeln!(
                w,
                "{:<width$}  {:>8.4} {:>8.4}  {:>8.4} {:>8.4}",
                r.variant, r.train.map, r.train.ndcg10, r.test.map, r.test.ndcg10
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::write_json;

    fn results() -> SearchResults {
        SearchResults {
            lede_json: 1,
            query: "orbit".into(),
            notes: vec![],
            mode: crate::model::Combine::All,
            total: 1,
            offset: 0,
            took_ms: 1.25,
            hits: vec![Hit {
                rank: 1,
                score: Some(3.5),
                id: "c/a.txt".into(),
                path: "c/a.txt".into(),
                title: "Low orbit".into(),
                title_highlights: vec![],
                authors: vec!["Ana Ruiz".into()],
                date: dates::parse("2024-03-05"),
                source: None,
                section: "/".into(),
                topics: vec![],
                places: vec![],
                people: vec![],
                orgs: vec![],
                language: Some("en".into()),
                url: None,
                word_count: 6,
                format: "txt",
                passages: vec![Passage {
                    text: "The orbit\n\nwas low".into(),
                    offset: 10,
                    highlights: vec![(4, 9)],
                    cut_before: true,
                    cut_after: false,
                }],
                copies: vec![],
            }],
            facets: vec![],
        }
    }

    #[test]
    fn plain_text_has_no_escape_codes() {
        let mut out = Vec::new();
        write_text(&mut out, &results(), false).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "1. Low orbit  [3.50]\n   Ana Ruiz · 2024-03-05 · c/a.txt\n   … The orbit was low\n\n\
             1 article matches; showing 1-1 (1.2 ms)\n"
        );
    }

    #[test]
    fn colour_paints_the_highlight() {
        let mut out = Vec::new();
        write_text(&mut out, &results(), true).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(
            out.contains(&format!("The {MATCH}orbit{MATCH:#} was low")),
            "{out:?}"
        );
    }

    #[test]
    fn json_is_one_line_with_offsets_and_ranges() {
        let mut out = Vec::new();
        write_json(&mut out, &results()).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(out.iter().filter(|&&b| b == b'\n').count(), 1);
        assert_eq!(v["hits"][0]["passages"][0]["offset"], 10);
        assert_eq!(
            v["hits"][0]["passages"][0]["highlights"],
            serde_json::json!([[4, 9]])
        );
        assert_eq!(v["hits"][0]["date"], "2024-03-05T00:00:00Z");
    }

    #[test]
    fn big_numbers_get_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(21578), "21,578");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
