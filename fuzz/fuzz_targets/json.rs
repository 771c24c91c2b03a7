//! The JSON readers on any bytes, as one document (`.json`) and as JSON Lines (`.jsonl`);
//! gzip input also as `.jsonl.gz`. Must never panic (a skip or warnings are fine).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../src/reader.rs"]
mod reader;

fuzz_target!(|data: &[u8]| {
    reader::read(data, "json");
    reader::read(data, "jsonl");
    if data.starts_with(&[0x1f, 0x8b]) {
        reader::read(data, "jsonl.gz");
    }
});
