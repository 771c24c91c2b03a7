//! A temporary folder to build corpora in and run the real `lede` binary from.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// An article of the in-memory tests: its path is its id.
pub fn article(path: &str, title: &str, body: &str) -> lede::Article {
    lede::Article {
        id: path.into(),
        path: path.into(),
        title: title.into(),
        body: body.into(),
        format: "txt",
        ..lede::Article::default()
    }
}

/// An engine over these articles, in memory, with the default analysis and ranking.
pub fn engine(articles: &[lede::Article]) -> lede::Engine {
    lede::Engine::in_memory(articles, lede::Analysis::DEFAULT, lede::Ranking::DEFAULT).unwrap()
}

/// The segment ids an index's meta.json lists, with their document counts.
pub fn segments(index: &Path) -> Vec<(String, u64)> {
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(index.join("meta.json")).unwrap()).unwrap();
    meta["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["segment_id"].as_str().unwrap().replace('-', ""),
                s["max_doc"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// Cuts a file to half its length, in place (as a disk or a careless hand might).
pub fn cut_to_half(path: &Path) {
    let len = std::fs::metadata(path).unwrap().len();
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_len(len / 2)
        .unwrap();
}

pub struct TestEnv {
    pub dir: tempfile::TempDir,
}

impl TestEnv {
    pub fn new() -> TestEnv {
        TestEnv {
            dir: tempfile::tempdir().expect("a temp dir"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file (and its folders) under the temp dir.
    pub fn write(&self, rel: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let path = self.dir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, content).unwrap();
        path
    }

    /// `lede` run from the temp dir, with no colour settings or cluster (`LEDE_OPENSEARCH`)
    /// inherited from the developer's shell.
    pub fn lede(&self) -> Command {
        let mut cmd = Command::cargo_bin("lede").expect("the lede binary");
        cmd.current_dir(self.dir.path())
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .env_remove("CLICOLOR")
            .env_remove("LEDE_OPENSEARCH");
        cmd
    }

    /// Runs `lede` with args; gives (exit code, stdout, stderr).
    pub fn run(&self, args: &[&str]) -> (i32, String, String) {
        let out = self.lede().args(args).output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    }
}

/// Four short articles, written for these tests: each spelling of the compound once, and
/// one that has "anti" and "satellite" apart.
pub fn spellings_corpus(env: &TestEnv) {
    env.write(
        "corpus/space/2024-01-10-hyphen.txt",
        "Treaty talks stall\n\nDelegates argued over an anti-satellite test ban for hours.\n\nAuthor: Ana Ruiz\n",
    );
    env.write(
        "corpus/space/2024-02-11-spaced.txt",
        "Debris warning issued\n\nThe anti satellite weapon left a cloud of debris in orbit.\n\nBy Tom Bell\n",
    );
    env.write(
        "corpus/space/2024-03-12-joined.txt",
        "Title: Ministry denies test\nDate: 2024-03-12T09:30:00Z\nAuthor: Li Wei\n\nThe ministry denied any antisatellite activity last week.\n",
    );
    env.write(
        "corpus/defence/2024-04-13-apart.txt",
        "Air defence upgrade\n\nNew anti aircraft guns arrived. A weather satellite watched the parade.\n\nAuthor: Ana Ruiz\n",
    );
}
