//! Writers for results: text for people (colour only when asked) and JSON, JSON Lines and CSV
//! for scripts, and the [`Printer`] a command picks once to print what it found (search
//! results, trends, batch rows, terms, stats, a query's reading) in one of them.
//!
//! Every writer takes `&mut impl Write`, so tests write into a `Vec<u8>`. Whether to colour is
//! decided by the front end (terminal, `--color`, NO_COLOR) and passed in; this module only
//! paints the highlight ranges that the passages computed.

mod newsroom;
mod table;
mod text;

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};

use crate::model::{
    BatchRow, Hit, IndexStats, JSON_VERSION, Reading, SearchResults, TermsResults, TrendResults,
};

pub use newsroom::*;
pub use table::*;
pub use text::*;

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
    /// Writes text from an article or a file name, in colour when asked: its control
    /// characters are shown, not obeyed (see [`clean`]).
    fn paint(&self, w: &mut impl Write, style: Style, text: &str) -> io::Result<()> {
        let text = clean(text);
        if self.color {
            write!(w, "{style}{text}{style:#}")
        } else {
            w.write_all(text.as_bytes())
        }
    }
}

/// Text with its control characters (other than line breaks and tabs) written out as `\x1b`,
/// so that an escape sequence in a title, a body or a file name is shown on the terminal,
/// never run by it (whatever `--color` says).
pub fn clean(text: &str) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| c.is_control() && c != '\n' && c != '\t';
    if !text.contains(bad) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if bad(c) {
            out.push_str(&format!("\\x{:02x}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
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

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// For people: colour on a terminal, passages with their matches marked.
    Text,
    /// One JSON object (`lede_json`).
    Json,
    /// A JSON object per line.
    Jsonl,
    Csv,
}

/// How a command prints what it found, chosen once from its flags: the format, the columns of
/// csv and jsonl search results, and whether to colour text. Each kind of result has its
/// method, so no command matches on the format itself.
#[derive(Debug, Clone)]
pub enum Printer {
    Text { color: bool },
    Json,
    Jsonl { columns: Vec<Column> },
    Csv { columns: Vec<Column> },
}

impl Printer {
    /// The printer for `format`, with the columns named (or the format's defaults).
    pub fn new(format: Format, columns: &[String], color: bool) -> Result<Printer, String> {
        let columns = if columns.is_empty() {
            match format {
                Format::Csv => Column::CSV_DEFAULT.to_vec(),
                _ => Column::ALL.to_vec(),
            }
        } else {
            Column::parse_list(columns)?
        };
        Ok(match format {
            Format::Text => Printer::Text { color },
            Format::Json => Printer::Json,
            Format::Jsonl => Printer::Jsonl { columns },
            Format::Csv => Printer::Csv { columns },
        })
    }

    /// Whether this printer writes text for people.
    pub fn is_text(&self) -> bool {
        matches!(self, Printer::Text { .. })
    }

    /// Whether this printer writes CSV.
    pub fn is_csv(&self) -> bool {
        matches!(self, Printer::Csv { .. })
    }

    /// Trend series: JSON whole, a line per bucket, a CSV row per bucket, or bars.
    pub fn trend(&self, w: &mut impl Write, t: &TrendResults) -> io::Result<()> {
        match self {
            Printer::Text { color } => write_trend_text(w, t, *color),
            Printer::Json => write_one(w, t),
            Printer::Jsonl { .. } => write_trend_jsonl(w, t),
            Printer::Csv { .. } => write_trend_csv(w, t),
        }
    }

    /// A batch's rows: JSON as one object (`lede_json`, `rows`), else a line or row each.
    pub fn batch(&self, w: &mut impl Write, rows: &[BatchRow]) -> io::Result<()> {
        match self {
            Printer::Text { .. } => write_batch_text(w, rows),
            Printer::Json => write_one(
                w,
                &serde_json::json!({"lede_json": JSON_VERSION, "rows": rows}),
            ),
            Printer::Jsonl { .. } => rows.iter().try_for_each(|row| write_one(w, row)),
            Printer::Csv { .. } => write_batch_csv(w, rows),
        }
    }

    /// Significant terms: JSON whole, a line per term, a CSV row per term, or a table.
    pub fn terms(&self, w: &mut impl Write, t: &TermsResults) -> io::Result<()> {
        match self {
            Printer::Text { .. } => write_terms_text(w, t),
            Printer::Json => write_one(w, t),
            Printer::Jsonl { .. } => t.terms.iter().try_for_each(|term| write_one(w, term)),
            Printer::Csv { .. } => write_terms_csv(w, t),
        }
    }

    /// What an index holds: one JSON object (for json and jsonl alike), CSV, or text.
    pub fn stats(&self, w: &mut impl Write, s: &IndexStats) -> io::Result<()> {
        match self {
            Printer::Text { .. } => write_stats(w, s),
            Printer::Json | Printer::Jsonl { .. } => write_one(w, s),
            Printer::Csv { .. } => write_stats_csv(w, s),
        }
    }

    /// How a query was read (`--explain-query`): JSON for json and jsonl, else text (CSV has
    /// no rows to give it).
    pub fn reading(&self, w: &mut impl Write, r: &Reading) -> io::Result<()> {
        match self {
            Printer::Json | Printer::Jsonl { .. } => write_one(w, r),
            Printer::Text { .. } | Printer::Csv { .. } => write_reading(w, r),
        }
    }

    /// A page of results.
    pub fn results(&self, w: &mut impl Write, results: &SearchResults) -> io::Result<()> {
        match self {
            Printer::Text { color } => write_text(w, results, *color),
            Printer::Json => write_json(w, results),
            Printer::Jsonl { columns } => {
                for hit in &results.hits {
                    write_hit_jsonl(w, hit, columns)?;
                }
                Ok(())
            }
            Printer::Csv { columns } => {
                let mut csv = CsvHits::new(w, columns.clone())?;
                for hit in &results.hits {
                    csv.write(hit)?;
                }
                csv.finish()
            }
        }
    }

    /// A page of results with why each hit scored as it did: text with the explanation under
    /// each hit, JSON with an `explain` key in each hit; other formats leave it out.
    pub fn explained(
        &self,
        w: &mut impl Write,
        results: &SearchResults,
        explained: &[crate::model::Explained],
    ) -> io::Result<()> {
        match self {
            Printer::Text { color } => write_text_explained(w, results, explained, *color),
            Printer::Json => {
                let mut value = serde_json::to_value(results)?;
                if let Some(hits) = value["hits"].as_array_mut() {
                    for (hit, e) in hits.iter_mut().zip(explained) {
                        hit["explain"] = serde_json::to_value(e)?;
                    }
                }
                write_one(w, &value)
            }
            _ => self.results(w, results),
        }
    }

    /// A stream of hits, one at a time, for a search that prints every match: JSON is written
    /// a hit per line, as jsonl.
    pub fn stream<W: Write>(&self, w: W) -> io::Result<HitStream<W>> {
        Ok(match self {
            Printer::Text { color } => HitStream::Text { w, color: *color },
            Printer::Json => HitStream::Jsonl {
                w,
                columns: Column::ALL.to_vec(),
            },
            Printer::Jsonl { columns } => HitStream::Jsonl {
                w,
                columns: columns.clone(),
            },
            Printer::Csv { columns } => HitStream::Csv(Box::new(CsvHits::new(w, columns.clone())?)),
        })
    }
}

/// Hits written as they come (see [`Printer::stream`]).
pub enum HitStream<W: Write> {
    Text { w: W, color: bool },
    Jsonl { w: W, columns: Vec<Column> },
    Csv(Box<CsvHits<W>>),
}

impl<W: Write> HitStream<W> {
    pub fn hit(&mut self, hit: &Hit) -> io::Result<()> {
        match self {
            HitStream::Text { w, color } => write_hit_text(w, hit, *color),
            HitStream::Jsonl { w, columns } => write_hit_jsonl(w, hit, columns),
            HitStream::Csv(csv) => csv.write(hit),
        }
    }

    pub fn finish(self) -> io::Result<()> {
        match self {
            HitStream::Text { mut w, .. } | HitStream::Jsonl { mut w, .. } => w.flush(),
            HitStream::Csv(csv) => (*csv).finish(),
        }
    }
}
