//! Which files a corpus holds, in what order: walkdir over each root, sorted by name.
//!
//! Hidden files and folders (a name starting with '.') are left out, as ripgrep and fd do, and
//! so are those an exclude glob (`--exclude`) or the root's `.ledeignore` (gitignore syntax,
//! matched by the `ignore` crate) names. Symlinks are followed; a loop or an unreadable folder
//! is a problem to report, not a stop.
//! What to do with each file (its reader) is decided in `corpus/mod.rs`.

use std::path::{Path, PathBuf};

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use walkdir::WalkDir;

/// A file found by the walk.
#[derive(Debug, Clone, Default)]
pub struct CorpusFile {
    /// The path as the walk found it: the root as given, then the path inside it.
    pub path: PathBuf,
    /// How many leading components of `path` are the root (the rest are the folders between
    /// the root and the file, then its name). Kept as a count: a corpus of a million files
    /// would spend a hundred megabytes on folder names otherwise.
    pub root_depth: u16,
    /// Size in bytes when the walk saw it.
    pub size: u64,
    /// Modification time when the walk saw it, in nanoseconds since the Unix epoch (0 when the
    /// platform does not say). With the size, it tells whether a file changed since the last run.
    pub mtime_ns: u64,
    /// The inode number, and the status-change time in nanoseconds since the Unix epoch (both 0
    /// where the platform has none): they tell another file put at the same path (a rename
    /// over it) from the file the index read, whatever size and mtime it has.
    pub inode: u64,
    pub ctime_ns: u64,
}

/// A path the walk could not follow, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkProblem {
    pub path: PathBuf,
    pub reason: String,
}

/// Everything the walk found: files in a stable order, and the paths it could not enter.
#[derive(Debug, Default)]
pub struct Walk {
    pub files: Vec<CorpusFile>,
    pub problems: Vec<WalkProblem>,
}

/// The file in a corpus root that lists what to leave out, in gitignore syntax.
pub const IGNORE_FILE: &str = ".ledeignore";

/// Walks every root in turn (each sorted by file name, so runs are repeatable).
pub fn walk(roots: &[PathBuf]) -> Walk {
    walk_excluding(roots, &[])
}

/// Walks every root in turn, leaving out what the globs (gitignore lines, matched against
/// the path inside the root) or the root's [`IGNORE_FILE`] name.
pub fn walk_excluding(roots: &[PathBuf], exclude: &[String]) -> Walk {
    let mut out = Walk::default();
    for root in roots {
        walk_from(root, root, exclude, &mut out);
    }
    out
}

/// Walks `start` (a file or folder inside `root`), with folders counted from `root`.
pub fn walk_under(root: &Path, start: &Path, exclude: &[String]) -> Walk {
    let mut out = Walk::default();
    walk_from(root, start, exclude, &mut out);
    out
}

/// Checks an exclude glob (a gitignore line).
pub fn check_exclude(glob: &str) -> Result<(), String> {
    let mut builder = GitignoreBuilder::new("");
    builder.add_line(None, glob).map_err(|e| e.to_string())?;
    builder.build().map(|_| ()).map_err(|e| e.to_string())
}

/// The matcher for one root: the globs, then the root's ignore file (whose lines win).
fn excludes(root: &Path, exclude: &[String], out: &mut Walk) -> Gitignore {
    let mut builder = GitignoreBuilder::new("");
    for glob in exclude {
        if let Err(e) = builder.add_line(None, glob) {
            out.problems.push(WalkProblem {
                path: PathBuf::from(glob),
                reason: format!("not a glob lede reads: {e}"),
            });
        }
    }
    let file = root.join(IGNORE_FILE);
    if file.is_file() {
        // Its lines are relative to the root, as a .gitignore's are to its folder.
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        for line in text.lines() {
            if let Err(e) = builder.add_line(None, line) {
                out.problems.push(WalkProblem {
                    path: clean(&file),
                    reason: format!("a line that is not a glob lede reads: {e}"),
                });
            }
        }
    }
    builder.build().unwrap_or_else(|_| Gitignore::empty())
}

fn walk_from(root: &Path, start: &Path, exclude: &[String], out: &mut Walk) {
    let root_depth = clean(root)
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .count() as u16;
    let ignore = excludes(root, exclude, out);
    let clean_root = clean(root);
    let excluded = |path: &Path, is_dir: bool| match clean(path).strip_prefix(&clean_root) {
        Ok(rest) if !rest.as_os_str().is_empty() => {
            ignore.matched_path_or_any_parents(rest, is_dir).is_ignore()
        }
        _ => false,
    };
    let entries = WalkDir::new(start)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            (e.depth() == 0 || !is_hidden(e.file_name()))
                && !excluded(e.path(), e.file_type().is_dir())
        });
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                let path = err
                    .path()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| start.to_path_buf());
                out.problems.push(WalkProblem {
                    reason: walk_reason(&err, &path),
                    path: clean(&path),
                });
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let meta = match entry.metadata() {
            Ok(m) => m,
            Err(err) => {
                out.problems.push(WalkProblem {
                    reason: walk_reason(&err, entry.path()),
                    path: clean(entry.path()),
                });
                continue;
            }
        };
        let (inode, ctime_ns) = identity(&meta);
        out.files.push(CorpusFile {
            path: clean(entry.path()),
            root_depth,
            size: meta.len(),
            mtime_ns: mtime_ns(&meta),
            inode,
            ctime_ns,
        });
    }
}

/// The modification time of a file, in nanoseconds since the Unix epoch.
pub fn mtime_ns(meta: &std::fs::Metadata) -> u64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as u64)
}

/// The inode number and status-change time (ns) of a file: what tells one file from another
/// put at its path.
#[cfg(unix)]
pub fn identity(meta: &std::fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    let ctime_ns = (meta.ctime().max(0) as u64)
        .saturating_mul(1_000_000_000)
        .saturating_add(meta.ctime_nsec().max(0) as u64);
    (meta.ino(), ctime_ns)
}

/// Elsewhere there is no inode: size and mtime alone tell a change.
#[cfg(not(unix))]
pub fn identity(_meta: &std::fs::Metadata) -> (u64, u64) {
    (0, 0)
}

impl CorpusFile {
    /// The folders between the corpus root and the file.
    pub fn folders(&self) -> Vec<String> {
        let components: Vec<_> = self.path.components().collect();
        let end = components.len().saturating_sub(1);
        let start = (self.root_depth as usize).min(end);
        components[start..end]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect()
    }
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|s| s.starts_with('.'))
}

/// `./corpus/a.txt` is `corpus/a.txt`: the same file gets the same path however it was named.
pub fn clean(path: &Path) -> PathBuf {
    match path.strip_prefix(".") {
        Ok(p) if p.as_os_str().is_empty() => PathBuf::from("."),
        Ok(p) => p.to_path_buf(),
        Err(_) => path.to_path_buf(),
    }
}

fn walk_reason(err: &walkdir::Error, path: &Path) -> String {
    if let Some(ancestor) = err.loop_ancestor() {
        return format!("symlink loop back to '{}'", clean(ancestor).display());
    }
    let is_symlink = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    match err.io_error() {
        Some(io) if io.kind() == std::io::ErrorKind::NotFound && is_symlink => {
            "broken symlink (its target does not exist)".to_string()
        }
        Some(io) if io.kind() == std::io::ErrorKind::PermissionDenied => {
            "permission denied".to_string()
        }
        Some(io) if io.kind() == std::io::ErrorKind::NotFound => {
            "vanished during the walk".to_string()
        }
        Some(io) => io.to_string(),
        None => err.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn walks_sorted_skips_hidden_and_records_folders() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("b/deep")).unwrap();
        fs::create_dir_all(root.join(".git")).unwrap();
        fs::write(root.join("b/deep/z.txt"), "z").unwrap();
        fs::write(root.join("a.txt"), "a").unwrap();
        fs::write(root.join(".hidden.txt"), "h").unwrap();
        fs::write(root.join(".git/config"), "c").unwrap();
        let w = walk(&[root.to_path_buf()]);
        let names: Vec<_> = w
            .files
            .iter()
            .map(|f| f.path.strip_prefix(root).unwrap().to_path_buf())
            .collect();
        assert_eq!(
            names,
            [PathBuf::from("a.txt"), PathBuf::from("b/deep/z.txt")]
        );
        assert_eq!(w.files[1].folders(), ["b", "deep"]);
        assert!(w.files[0].folders().is_empty());
        let dot = CorpusFile {
            path: PathBuf::from("news/2019/a.txt"),
            root_depth: 0,
            ..CorpusFile::default()
        };
        assert_eq!(
            dot.folders(),
            ["news", "2019"],
            "root '.' has no components"
        );
        assert!(w.problems.is_empty());
    }

    #[test]
    fn a_missing_root_is_a_problem() {
        let w = walk(&[PathBuf::from("/nonexistent/lede-test")]);
        assert!(w.files.is_empty());
        assert_eq!(w.problems.len(), 1);
    }
}
