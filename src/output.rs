//! Writers for results: text for people (colour only when asked) and JSON for scripts.
//!
//! Every writer takes `&mut impl Write`, so tests write into a `Vec<u8>`. Whether to colour is
//! decided by the front end (terminal, `--color`, NO_COLOR) and passed in; this module only
//! paints the highlight ranges that `passages.rs` computed.

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};

use crate::dates;
use crate::facets::FacetCounts;
use crate::indexer::IndexSummary;
use crate::passages::Passage;
use crate::search::{Hit, SearchResults};
use crate::stats::IndexStats;

const TITLE: Style = Style::new().bold();
const MATCH: Style = Style::new()
    .bold()
    .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Red)));
const META: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Green)));
const DIM: Style = Style::new().dimmed();

/// Paints text in a style, or leaves it plain.
struct Painter {
    color: bool,
}

impl Painter {
    fn paint(&self, w: &mut impl Write, style: Style, text: &str) -> io::Result<()> {
        if self.color {
            write!(w, "{style}{text}{style:#}")
        } else {
            w.write_all(text.as_bytes())
        }
    }
}

/// Search results as text: a block per hit, then a line with the count.
pub fn write_text(w: &mut impl Write, results: &SearchResults, color: bool) -> io::Result<()> {
    let p = Painter { color };
    for hit in &results.hits {
        write_hit(w, &p, hit)?;
    }
    write_facets(w, &p, &results.facets)?;
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

fn write_hit(w: &mut impl Write, p: &Painter, hit: &Hit) -> io::Result<()> {
    write!(w, "{}. ", hit.rank)?;
    let title = if hit.title.is_empty() {
        "(untitled)"
    } else {
        &hit.title
    };
    p.paint(w, TITLE, title)?;
    write!(w, "  ")?;
    p.paint(w, DIM, &format!("[{:.2}]", hit.score))?;
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
        w.write_all(flat_keep_edges(before, &flat).as_bytes())?;
        p.paint(w, MATCH, &flat(&text[start..end]))?;
        at = end;
    }
    w.write_all(flat_keep_edges(&text[at..], &flat).as_bytes())?;
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

/// Search results as one JSON object on one line.
pub fn write_json(w: &mut impl Write, results: &SearchResults) -> io::Result<()> {
    serde_json::to_writer(&mut *w, results)?;
    writeln!(w)
}

/// The summary of an indexing run, for people.
pub fn write_index_summary(w: &mut impl Write, s: &IndexSummary) -> io::Result<()> {
    if s.changed() || s.files > 0 {
        writeln!(
            w,
            "indexed {} {} from {} {} ({:.1} MB) in {:.2} s: {:.1} MB/s",
            thousands(s.articles),
            plural(s.articles, "article", "articles"),
            thousands(s.files),
            plural(s.files, "file", "files"),
            s.bytes as f64 / 1e6,
            s.seconds,
            s.mb_per_second()
        )?;
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
    writeln!(
        w,
        "{now} {} added, {} updated, {} deleted: {} {} written; the index holds {} {}",
        thousands(s.added),
        thousands(s.updated),
        thousands(s.deleted),
        thousands(s.articles),
        plural(s.articles, "article", "articles"),
        thousands(s.total),
        plural(s.total, "article", "articles")
    )
}

/// A watch event as one JSON object: `{"event": "batch", ...the summary}`.
pub fn write_watch_json(w: &mut impl Write, kind: &str, s: &IndexSummary) -> io::Result<()> {
    let mut value = serde_json::to_value(s)?;
    if let serde_json::Value::Object(map) = &mut value {
        map.insert("event".into(), kind.into());
    }
    serde_json::to_writer(&mut *w, &value)?;
    writeln!(w)
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

/// The summary of an indexing run as one JSON object.
pub fn write_index_json(w: &mut impl Write, s: &IndexSummary) -> io::Result<()> {
    serde_json::to_writer(&mut *w, s)?;
    writeln!(w)
}

fn plural<'a>(n: u64, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// 1234567 as "1,234,567".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn results() -> SearchResults {
        SearchResults {
            lede_json: 1,
            query: "orbit".into(),
            notes: vec![],
            total: 1,
            offset: 0,
            took_ms: 1.25,
            hits: vec![Hit {
                rank: 1,
                score: 3.5,
                id: "c/a.txt".into(),
                path: "c/a.txt".into(),
                title: "Low orbit".into(),
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
