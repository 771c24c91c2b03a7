//! Output settings resolved once from the flags, before any work starts (fd's `Config`,
//! ripgrep's `HiArgs`): the format, whether to colour, the columns, as one [`Printer`]; and
//! what a command prints to stderr beside its results.

use std::io;

use anyhow::Result;
use lede::output::{Format, Printer};

use super::args::{ColorWhen, FormatArg, FormatArgs, OutputArgs, SavedFormat};

impl FormatArgs {
    /// The format asked for: `--json` and `--csv` are short for `--format json|csv`.
    pub fn resolve(&self) -> Format {
        if self.json.json {
            return Format::Json;
        }
        if self.csv {
            return Format::Csv;
        }
        match self.format {
            FormatArg::Text => Format::Text,
            FormatArg::Json => Format::Json,
            FormatArg::Jsonl => Format::Jsonl,
            FormatArg::Csv => Format::Csv,
        }
    }

    /// The printer of a command without `--fields` or `--color`: text is coloured on a
    /// terminal unless NO_COLOR is set.
    pub fn printer(&self) -> Result<Printer> {
        printer(self.resolve(), &[], ColorWhen::Auto)
    }
}

impl OutputArgs {
    /// The printer of search results: the format, the columns of csv and jsonl, the colour.
    pub fn printer(&self) -> Result<Printer> {
        printer(self.format.resolve(), &self.fields, self.color)
    }
}

impl SavedFormat {
    /// A saved search's run as search results in `Format`, or `None` for an Atom feed.
    pub fn resolve(self, json: bool) -> Option<Format> {
        match (json, self) {
            (true, _) | (false, SavedFormat::Json) => Some(Format::Json),
            (false, SavedFormat::Text) => Some(Format::Text),
            (false, SavedFormat::Jsonl) => Some(Format::Jsonl),
            (false, SavedFormat::Csv) => Some(Format::Csv),
            (false, SavedFormat::Atom) => None,
        }
    }
}

impl ColorWhen {
    /// Whether to colour stdout: always, never, or on a terminal unless NO_COLOR is set (and
    /// when CLICOLOR_FORCE asks for it).
    pub fn resolve(self) -> bool {
        match self {
            ColorWhen::Always => true,
            ColorWhen::Never => false,
            ColorWhen::Auto => {
                anstream::AutoStream::choice(&io::stdout()) != anstream::ColorChoice::Never
            }
        }
    }
}

fn printer(format: Format, columns: &[String], color: ColorWhen) -> Result<Printer> {
    Printer::new(format, columns, color.resolve()).map_err(anyhow::Error::msg)
}

/// What reading a query had to say, on stderr.
pub fn print_notes(notes: &[String]) {
    for note in notes {
        eprintln!("lede: note: {note}");
    }
}
