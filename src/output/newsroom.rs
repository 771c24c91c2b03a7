//! Writers for the newsroom workflows: the copies line of a collapsed hit, significant terms
//! as text and CSV, and a saved search's run as an Atom feed (RFC 4287).

use std::io::{self, Write};

use crate::model::{SavedRun, TermsResults};

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
    let feed_id = format!("tag:lede,2026:{}/saved/{}", pct(index), pct(&run.name));
    writeln!(w, r#"<?xml version="1.0" encoding="utf-8"?>"#)?;
    writeln!(w, r#"<feed xmlns="http://www.w3.org/2005/Atom">"#)?;
    writeln!(w, "  <id>{}</id>", esc(&feed_id))?;
    writeln!(w, "  <title>lede: {}</title>", esc(&run.name))?;
    writeln!(
        w,
        "  <subtitle>{}</subtitle>",
        esc(&format!(
            "{} ({} matching, {} new)",
            run.results.query, run.matched, run.new
        ))
    )?;
    writeln!(w, "  <updated>{}</updated>", atom_time(run.at))?;
    writeln!(w, "  <author><name>lede</name></author>")?;
    writeln!(w, r#"  <generator>lede</generator>"#)?;
    for hit in &run.results.hits {
        let first = run.first_seen.get(&hit.id).copied().unwrap_or(run.at);
        writeln!(w, "  <entry>")?;
        writeln!(
            w,
            "    <id>{}</id>",
            esc(&format!("{feed_id}/{}", pct(&hit.id)))
        )?;
        let title = if hit.title.is_empty() {
            "(untitled)"
        } else {
            &hit.title
        };
        writeln!(w, "    <title>{}</title>", esc(title))?;
        writeln!(w, "    <updated>{}</updated>", atom_time(first))?;
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
