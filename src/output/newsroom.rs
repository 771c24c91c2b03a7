//! Writers for the newsroom workflows: the copies line of a collapsed hit, significant terms
//! as text and CSV, and a saved search as an Atom feed (RFC 4287): a run's, or its newest
//! matches'.

use std::io::{self, Write};

use jiff::Timestamp;

use crate::model::{Hit, SavedRun, SavedSearch, SearchResults, TermsResults};

/// "+ 2 copies: a.txt, b.txt" (a collapsed hit's other matching articles).
pub fn copies_line(copies: &[String]) -> String {
    format!(
        "+ {} {}: {}",
        copies.len(),
        if copies.len() == 1 { "copy" } else { "copies" },
        copies.join(", ")
    )
}

/// Significant terms as a table for people.
pub fn write_terms_text(w: &mut impl Write, t: &TermsResults) -> io::Result<()> {
    writeln!(
        w,
        "{} significant terms in {} of {} matches{} against {} articles (score: JLH)",
        t.terms.len(),
        t.foreground,
        t.matches,
        if t.sampled {
            " (a sample: the best-scoring)"
        } else {
            ""
        },
        t.background
    )?;
    if t.terms.is_empty() {
        return Ok(());
    }
    let width = t.terms.iter().map(|x| x.term.chars().count()).max();
    let width = width.unwrap_or(4).max(4);
    writeln!(
        w,
        "{:<width$}  {:>9}  {:>7}  {:>7}",
        "term", "score", "fg", "bg"
    )?;
    for x in &t.terms {
        writeln!(
            w,
            "{:<width$}  {:>9.4}  {:>7}  {:>7}",
            x.term, x.score, x.fg, x.bg
        )?;
    }
    Ok(())
}

/// Significant terms as CSV: term, kind, score, fg, bg, fg_size, bg_size.
pub fn write_terms_csv(w: &mut impl Write, t: &TermsResults) -> io::Result<()> {
    let mut csv = csv::Writer::from_writer(w);
    csv.write_record(["term", "kind", "score", "fg", "bg", "fg_size", "bg_size"])?;
    for x in &t.terms {
        csv.write_record([
            x.term.clone(),
            x.kind.to_string(),
            format!("{:.6}", x.score),
            x.fg.to_string(),
            x.bg.to_string(),
            t.foreground.to_string(),
            t.background.to_string(),
        ])?;
    }
    csv.flush()
}

/// A run of a saved search as an Atom feed. Ids are tag URIs made of the index, the search's
/// name and each article's id, the same on every run; an entry's `updated` is when the
/// article's current version first matched (stored with the search), so a changed article
/// shows as an updated entry and an unchanged one never moves.
pub fn write_atom(w: &mut impl Write, run: &SavedRun, index: &str) -> io::Result<()> {
    write_feed(
        w,
        &Feed {
            id: feed_id(index, &run.name),
            name: &run.name,
            subtitle: format!(
                "{} ({} matching, {} new)",
                run.results.query, run.matched, run.new
            ),
            updated: run.at,
            entries: run
                .results
                .hits
                .iter()
                .map(|h| (h, run.first_seen.get(&h.id).copied().unwrap_or(run.at)))
                .collect(),
        },
    )
}

/// The newest matches of a saved search as an Atom feed that records nothing, for readers that
/// keep their own "what is new" (`GET /api/saved/NAME/feed.atom`). Ids are those of
/// [`write_atom`]; an entry's `updated` is the article's date (the search's creation for an
/// undated one) and the feed's is the newest of them, so the same matches give the same bytes.
pub fn write_latest_atom(
    w: &mut impl Write,
    search: &SavedSearch,
    latest: &SearchResults,
    index: &str,
) -> io::Result<()> {
    let entries: Vec<(&Hit, Timestamp)> = latest
        .hits
        .iter()
        .map(|h| (h, h.date.unwrap_or(search.created)))
        .collect();
    let updated = entries
        .iter()
        .map(|(_, t)| *t)
        .max()
        .unwrap_or(search.created);
    write_feed(
        w,
        &Feed {
            id: feed_id(index, &search.name),
            name: &search.name,
            subtitle: format!(
                "{} (the newest {} of {} matching)",
                search.request.query,
                entries.len(),
                latest.total
            ),
            updated,
            entries,
        },
    )
}

/// What an Atom feed of a saved search holds.
struct Feed<'a> {
    id: String,
    name: &'a str,
    subtitle: String,
    updated: Timestamp,
    /// Each hit with its entry's `updated`.
    entries: Vec<(&'a Hit, Timestamp)>,
}

/// `tag:lede,2026:INDEX/saved/NAME`, percent-encoded.
fn feed_id(index: &str, name: &str) -> String {
    format!("tag:lede,2026:{}/saved/{}", pct(index), pct(name))
}

fn write_feed(w: &mut impl Write, feed: &Feed) -> io::Result<()> {
    writeln!(w, r#"<?xml version="1.0" encoding="utf-8"?>"#)?;
    writeln!(w, r#"<feed xmlns="http://www.w3.org/2005/Atom">"#)?;
    writeln!(w, "  <id>{}</id>", esc(&feed.id))?;
    writeln!(w, "  <title>lede: {}</title>", esc(feed.name))?;
    writeln!(w, "  <subtitle>{}</subtitle>", esc(&feed.subtitle))?;
    writeln!(w, "  <updated>{}</updated>", atom_time(feed.updated))?;
    writeln!(w, "  <author><name>lede</name></author>")?;
    writeln!(w, r#"  <generator>lede</generator>"#)?;
    for (hit, updated) in &feed.entries {
        writeln!(w, "  <entry>")?;
        writeln!(
            w,
            "    <id>{}</id>",
            esc(&format!("{}/{}", feed.id, pct(&hit.id)))
        )?;
        let title = if hit.title.is_empty() {
            "(untitled)"
        } else {
            &hit.title
        };
        writeln!(w, "    <title>{}</title>", esc(title))?;
        writeln!(w, "    <updated>{}</updated>", atom_time(*updated))?;
        if let Some(date) = hit.date {
            writeln!(w, "    <published>{}</published>", atom_time(date))?;
        }
        for a in &hit.authors {
            writeln!(w, "    <author><name>{}</name></author>", esc(a))?;
        }
        if let Some(url) = &hit.url {
            writeln!(w, r#"    <link rel="alternate" href="{}"/>"#, esc(url))?;
        }
        let summary: Vec<&str> = hit.passages.iter().map(|p| p.text.as_str()).collect();
        if !summary.is_empty() {
            writeln!(w, "    <summary>{}</summary>", esc(&summary.join(" … ")))?;
        }
        writeln!(w, "    <content type=\"text\">{}</content>", esc(&hit.id))?;
        writeln!(w, "  </entry>")?;
    }
    writeln!(w, "</feed>")
}

fn atom_time(t: jiff::Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// XML text and attribute escaping.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// Percent-encoding for the parts of a tag URI (everything but unreserved characters and /).
fn pct(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_parts_are_encoded_and_text_escaped() {
        assert_eq!(pct("a b#1/c"), "a%20b%231/c");
        assert_eq!(esc("<a & \"b\">"), "&lt;a &amp; &quot;b&quot;&gt;");
    }
}
