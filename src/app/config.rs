//! Output settings resolved once from the flags, before any work starts (fd's `Config`,
//! ripgrep's `HiArgs`): the format, whether to colour, the columns; and what a command prints
//! to stderr beside its results.

use std::io;

use anyhow::Result;
use lede::output::{Format, Printer};

use super::args::{ColorWhen, FormatArg};

impl FormatArg {
    /// The library's format.
    pub fn resolve(self) -> Format {
        match self {
            FormatArg::Text => Format::Text,
            FormatArg::Json => Format::Json,
            FormatArg::Jsonl => Format::Jsonl,
            FormatArg::Csv => Format::Csv,
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

/// The printer of search results for these flags.
pub fn printer(format: FormatArg, columns: &[String], color: ColorWhen) -> Result<Printer> {
    Printer::new(format.resolve(), columns, color.resolve()).map_err(anyhow::Error::msg)
}

/// What reading a query had to say, on stderr.
pub fn print_notes(notes: &[String]) {
    for note in notes {
        eprintln!("lede: note: {note}");
    }
}
