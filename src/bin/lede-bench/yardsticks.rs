//! Yardsticks: the engines a user would pick instead of lede, run by `lede-bench run
//! --yardsticks` on the same files in the same invocation, so that lede is reported as ratios
//! against them as well as in absolute figures. Each is looked for on PATH and skipped with a
//! notice when absent; nothing here builds or installs them.
//!
//! - Xapian: `omindex` (xapian-omega) indexes the folders as a web site of plain-text files
//!   (English stems and positions, its defaults); `quest -m 10` (xapian-tools) searches,
//!   printing each hit's stored data (its 512-byte sample of the text, its "passage").
//! - tantivy-cli: an index of two stored `en_stem` text fields with positions (title, body:
//!   the first line and the rest of each file), written as JSON Lines to `tantivy index`'s
//!   standard input (the conversion is timed with it) with lede's writer settings (a thread
//!   per core, 256 MB heap); `tantivy search -q` prints every matching document (it has no
//!   top-k and no snippets: that is what its users get).

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use serde::Serialize;

/// An engine lede is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Xapian,
    TantivyCli,
}

impl Engine {
    pub const ALL: [Engine; 2] = [Engine::Xapian, Engine::TantivyCli];

    pub fn name(self) -> &'static str {
        match self {
            Engine::Xapian => "xapian",
            Engine::TantivyCli => "tantivy-cli",
        }
    }

    /// The programs it needs, indexing first.
    fn programs(self) -> &'static [&'static str] {
        match self {
            Engine::Xapian => &["omindex", "quest"],
            Engine::TantivyCli => &["tantivy"],
        }
    }

    /// Its version, or a notice saying which program is missing.
    pub fn find(self) -> Result<String, String> {
        for program in self.programs() {
            let ok = Command::new(program)
                .arg("--help")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok();
            if !ok {
                return Err(format!(
                    "{}: '{program}' is not on PATH, skipped{}",
                    self.name(),
                    match self {
                        Engine::Xapian => " (apt-get install xapian-omega xapian-tools)",
                        Engine::TantivyCli => " (cargo install tantivy-cli)",
                    }
                ));
            }
        }
        let out = Command::new(self.programs()[self.programs().len() - 1])
            .arg("--version")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default();
        Ok(out.lines().next().unwrap_or(self.name()).to_string())
    }

    /// Indexes every file under `roots` into a new index at `dir`; the seconds it took.
    pub fn index(self, roots: &[PathBuf], dir: &Path) -> anyhow::Result<f64> {
        if dir.exists() {
            std::fs::remove_dir_all(dir)?;
        }
        let started = Instant::now();
        match self {
            Engine::Xapian => {
                for (i, root) in roots.iter().enumerate() {
                    let status = Command::new("omindex")
                        .arg("--db")
                        .arg(dir)
                        .arg(format!("--url=/{i}/"))
                        .arg("--follow")
                        .arg(root)
                        .stdout(Stdio::null())
                        .stderr(Stdio::null())
                        .status()?;
                    anyhow::ensure!(status.success(), "omindex failed: {status}");
                }
            }
            Engine::TantivyCli => tantivy_cli_index(roots, dir)?,
        }
        Ok(started.elapsed().as_secs_f64())
    }

    /// The whole search process for `query` on the index at `dir`.
    pub fn search(self, dir: &Path, query: &str) -> Command {
        let mut cmd = match self {
            Engine::Xapian => {
                let mut c = Command::new("quest");
                c.arg("-d").arg(dir).args(["-m", "10", query]);
                c
            }
            Engine::TantivyCli => {
                let mut c = Command::new("tantivy");
                c.args(["search", "-i"]).arg(dir).args(["-q", query]);
                c
            }
        };
        cmd.stdout(Stdio::null()).stderr(Stdio::null());
        cmd
    }
}

/// One yardstick's figures, and lede's as ratios of them (below 1: lede is faster or smaller).
#[derive(Debug, Serialize, Clone, Default)]
pub struct Yardstick {
    pub engine: String,
    pub version: String,
    pub index_seconds: f64,
    pub index_bytes: u64,
    pub process: crate::run::Latency,
    pub lede_index_time_ratio: f64,
    pub lede_index_size_ratio: f64,
    pub lede_search_p50_ratio: f64,
    pub lede_search_p95_ratio: f64,
}

/// The schema `tantivy new` would write for two stored, stemmed fields with positions.
const TANTIVY_CLI_META: &str = r#"{"index_settings":{"docstore_compression":"lz4","docstore_blocksize":16384},"segments":[],"schema":[{"name":"title","type":"text","options":{"indexing":{"record":"position","fieldnorms":true,"tokenizer":"en_stem"},"stored":true,"fast":false}},{"name":"body","type":"text","options":{"indexing":{"record":"position","fieldnorms":true,"tokenizer":"en_stem"},"stored":true,"fast":false}}],"opstamp":0}"#;

fn tantivy_cli_index(roots: &[PathBuf], dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join("meta.json"), TANTIVY_CLI_META)?;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut child = Command::new("tantivy")
        .args(["index", "-i"])
        .arg(dir)
        .args(["-t", &threads.to_string(), "-m", "256000000"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let mut stdin = BufWriter::new(child.stdin.take().expect("piped"));
    for root in roots {
        for entry in walkdir::WalkDir::new(root).follow_links(true) {
            let entry = entry?;
            if !entry.file_type().is_file() {
                continue;
            }
            let raw = std::fs::read(entry.path())?;
            let text = String::from_utf8_lossy(&raw);
            let text = text.trim_start();
            let (title, body) = text.split_once('\n').unwrap_or((text, ""));
            serde_json::to_writer(
                &mut stdin,
                &serde_json::json!({"title": title, "body": body}),
            )?;
            stdin.write_all(b"\n")?;
        }
    }
    drop(stdin);
    let status = child.wait()?;
    anyhow::ensure!(status.success(), "tantivy index failed: {status}");
    Ok(())
}
