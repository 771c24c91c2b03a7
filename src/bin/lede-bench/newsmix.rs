//! The news mix: the corpus issue 17 compares lede with other engines on. BBC News as it is
//! (one article per file), Reuters-21578 split into one article per file (title line, blank
//! line, body: the BBC layout, which every engine reads as plain text), and the seed article,
//! written into a folder at bench time from `SHARED/corpora` and `SHARED/seed`. Reuters
//! records without a title or a body are left out, as a one-article-per-file archive would
//! not hold them. Nothing of it is kept in the project.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Context;

use lede::corpus::{self, ReadOptions};

/// What was written.
#[derive(Debug, Clone, Copy, Default)]
pub struct Mix {
    pub files: u64,
    pub bytes: u64,
}

/// Writes the news mix from `shared` (the folder holding `corpora/` and `seed/`) into `out`.
pub fn write(shared: &Path, out: &Path) -> anyhow::Result<Mix> {
    let bbc = shared.join("corpora/bbc");
    let reuters = shared.join("corpora/reuters21578");
    let seed = shared.join("seed");
    for dir in [&bbc, &reuters, &seed] {
        anyhow::ensure!(
            dir.is_dir(),
            "no '{}' (the news mix needs BBC, Reuters-21578 and the seed under --shared)",
            dir.display()
        );
    }
    let mut mix = Mix::default();
    copy_tree(&bbc, &out.join("bbc"), &mut mix)?;
    copy_tree(&seed, &out.join("seed"), &mut mix)?;

    let target = out.join("reuters");
    let opts = ReadOptions::default();
    let walk = corpus::walk(std::slice::from_ref(&reuters));
    let mut n = 0u64;
    for file in walk.files.iter().filter(|f| {
        f.path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("sgm"))
    }) {
        let Ok(read) = corpus::read(file, &opts) else {
            continue;
        };
        for a in read.articles {
            if a.title.trim().is_empty() || a.body.trim().is_empty() {
                continue;
            }
            // A folder per thousand articles, as an archive would shard them.
            let dir = target.join(format!("{:02}", n / 1000));
            if n.is_multiple_of(1000) {
                fs::create_dir_all(&dir)?;
            }
            let text = format!("{}\n\n{}\n", a.title.trim(), a.body.trim());
            fs::write(dir.join(format!("{n:05}.txt")), &text)?;
            mix.files += 1;
            mix.bytes += text.len() as u64;
            n += 1;
        }
    }
    Ok(mix)
}

fn copy_tree(from: &Path, to: &Path, mix: &mut Mix) -> anyhow::Result<()> {
    for entry in walkdir::WalkDir::new(from).follow_links(true) {
        let entry = entry?;
        // The corpus's own README is not an article.
        let readme = entry
            .file_name()
            .to_string_lossy()
            .to_ascii_lowercase()
            .starts_with("readme");
        if !entry.file_type().is_file() || readme {
            continue;
        }
        let rel = entry.path().strip_prefix(from)?;
        let dest: PathBuf = to.join(rel);
        if let Some(parent) = dest.parent() {
            fs::create_dir_all(parent)?;
        }
        let bytes = fs::copy(entry.path(), &dest)
            .with_context(|| format!("copying '{}'", entry.path().display()))?;
        mix.files += 1;
        mix.bytes += bytes;
    }
    Ok(())
}
