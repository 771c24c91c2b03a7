//! Writers for results: text for people (colour only when asked) and JSON, JSON Lines and CSV
//! for scripts, and the [`Printer`] a command picks once to print search results in one of
//! them.
//!
//! Every writer takes `&mut impl Write`, so tests write into a `Vec<u8>`. Whether to colour is
//! decided by the front end (terminal, `--color`, NO_COLOR) and passed in; this module only
//! paints the highlight ranges that the passages computed.

mod newsroom;
mod table;
mod text;

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};

use crate::model::{Hit, SearchResults};

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

/// How search results are printed, chosen once per command: the format, the columns of csv
/// and jsonl, and whether to colour text.
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
                serde_json::to_writer(&mut *w, &value)?;
                writeln!(w)
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
