//! How a run ends, as ripgrep and grep say it: 0 when something matched (or the command did
//! its work), 1 when nothing matched, 2 on an error.

use std::process::ExitCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Something matched, or the command did what it was asked.
    Success,
    /// Nothing matched.
    NoMatch,
    /// An error (printed by `main`), or a batch with queries that could not be read.
    Error,
}

impl Exit {
    /// `Success` when something matched, else `NoMatch`.
    pub fn found(any: bool) -> Exit {
        if any { Exit::Success } else { Exit::NoMatch }
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        match exit {
            Exit::Success => ExitCode::SUCCESS,
            Exit::NoMatch => ExitCode::from(1),
            Exit::Error => ExitCode::from(2),
        }
    }
}
