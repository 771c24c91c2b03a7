//! One file per command: each takes its arguments, calls the library, and prints the results
//! to stdout and notes, progress and warnings to stderr.

pub mod batch;
pub mod eval;
pub mod index;
pub mod optimize;
pub mod saved;
pub mod search;
pub mod serve;
pub mod show;
pub mod similar;
pub mod stats;
pub mod terms;
pub mod trend;
pub mod watch;
