//! Shared by the reader targets: the input written to a file with the format's extension and
//! read through `lede::corpus::read`, the same call the indexer makes (so byte-order marks,
//! the binary check, charset declarations and the per-format decoding are fuzzed too). The
//! library reads only paths, so each run rewrites one file in a per-process folder.

use std::path::PathBuf;
use std::sync::OnceLock;

use lede::corpus::{self, CorpusFile, ReadOptions};

/// `<tmp>/lede-fuzz-<pid>`: the root; files go one folder below it (a section).
fn root() -> &'static PathBuf {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        let root = std::env::temp_dir().join(format!("lede-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(root.join("section")).expect("temp folder");
        root
    })
}

/// Reads `data` as a file named `f.<ext>`: any result is fine, a panic is a finding.
pub fn read(data: &[u8], ext: &str) {
    let root = root();
    let path = root.join("section").join(format!("f.{ext}"));
    std::fs::write(&path, data).expect("temp file");
    let file = CorpusFile {
        path,
        root_depth: root.components().count() as u16,
        size: data.len() as u64,
        mtime_ns: 0,
    };
    if let Ok(read) = corpus::read(&file, &ReadOptions::default()) {
        for article in &read.articles {
            // What the indexer does next with an article: it must not panic either.
            assert!(article.has_text());
        }
    }
}
