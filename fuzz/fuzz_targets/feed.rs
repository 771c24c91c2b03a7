//! The feed reader (RSS, Atom) on any bytes: must never panic (a skip or warnings are fine).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../src/reader.rs"]
mod reader;

fuzz_target!(|data: &[u8]| reader::read(data, "rss"));
