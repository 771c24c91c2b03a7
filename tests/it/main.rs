//! lede's integration tests: one binary, modules by layer.
//!
//! `library` runs the engine on in-memory indexes; `cli` runs the real binary in temporary
//! folders; `corpora` indexes the shared real corpora when they are present.

mod cli;
mod corpora;
mod harness;
mod incremental;
mod library;
mod messy;
mod queries;
mod relevance;
mod scripting;
mod trust;
