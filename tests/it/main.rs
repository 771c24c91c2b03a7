//! lede's integration tests: one binary, modules by layer.
//!
//! `library` runs the engine on in-memory indexes; `cli` runs the real binary in temporary
//! folders; `corpora` indexes the shared real corpora when they are present.

mod cli;
mod corpora;
mod harness;
mod incremental;
mod incremental_props;
mod json_before;
mod layers;
mod library;
mod messy;
mod newsroom;
mod newsroom_eval;
mod opensearch;
mod queries;
mod ranking;
mod relevance;
mod scripting;
mod serve;
mod trust;
mod trust_data;
mod trust_index;
