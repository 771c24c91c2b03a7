//! The corpus folders of a run, compared by the folder they are, not by how they are written:
//! a folder given twice (`corpus corpus/`, `./x` and `x`, or by its full path), or inside
//! another root, is walked once, under the outer root and the name the index knows it by.

use std::path::{Path, PathBuf};

use crate::corpus;
use crate::error::{Error, Result};

/// The roots of a run: which folders to walk, under which names; which recorded roots stay;
/// and what to tell the user about the others.
#[derive(Debug, Default, PartialEq)]
pub(super) struct RootPlan {
    /// (name, path) of each folder to walk, in the order given.
    pub(super) walked: Vec<(String, PathBuf)>,
    /// The recorded roots that stay.
    pub(super) kept: Vec<String>,
    /// Recorded roots that name a folder another kept root covers under another name: the
    /// articles under them are second copies.
    pub(super) purge: Vec<String>,
    pub(super) notes: Vec<String>,
}

/// Compares roots by the folder they are (`canon`, the canonical path; `None` for a folder
/// that is not there), not by how they are written: a folder given twice (`corpus corpus/`,
/// `./x` and `x`, or by its full path), or inside another root, is walked once, under the
/// outer root and the name the index already knows it by.
pub(super) fn plan_roots(
    given: &[PathBuf],
    recorded: &[String],
    canon: impl Fn(&Path) -> Option<PathBuf>,
) -> RootPlan {
    struct Root {
        name: String,
        canon: Option<PathBuf>,
        recorded: bool,
        /// Position among the given roots.
        order: usize,
    }
    let mut all: Vec<Root> = recorded
        .iter()
        .map(|name| Root {
            name: name.clone(),
            canon: canon(Path::new(name)),
            recorded: true,
            order: usize::MAX,
        })
        .chain(given.iter().enumerate().map(|(order, path)| Root {
            name: root_name(path),
            canon: canon(path),
            recorded: false,
            order,
        }))
        .collect();
    // Outer folders first; for the same folder, a recorded root before a given one, and of
    // two recorded names the one given again.
    let names: Vec<String> = given.iter().map(|p| root_name(p)).collect();
    all.sort_by_key(|r| {
        (
            r.canon.as_ref().map_or(0, |c| c.components().count()),
            !r.recorded,
            !names.contains(&r.name),
        )
    });
    let mut plan = RootPlan::default();
    let mut kept: Vec<&Root> = Vec::new();
    // (order given, name, path) of the folders to walk.
    let mut walked: Vec<(usize, String, PathBuf)> = Vec::new();
    for root in &all {
        let outer = root.canon.as_ref().and_then(|c| {
            kept.iter()
                .find(|k| k.canon.as_ref().is_some_and(|kc| c.starts_with(kc)))
        });
        match outer {
            None => {
                if root.recorded {
                    plan.kept.push(root.name.clone());
                } else {
                    walked.push((root.order, root.name.clone(), given[root.order].clone()));
                }
                kept.push(root);
            }
            Some(outer) => {
                let same = root.canon == outer.canon;
                if root.recorded {
                    plan.notes.push(format!(
                        "the index covered '{}' twice: {} '{}'; its articles are kept once",
                        outer.name,
                        if same { "also as" } else { "and inside it," },
                        root.name
                    ));
                    if root.name != outer.name && !is_under(&root.name, &outer.name) {
                        plan.purge.push(root.name.clone());
                    }
                    continue;
                }
                if !(same && root.name == outer.name) {
                    plan.notes.push(if same {
                        format!("'{}' is '{}': indexed once", root.name, outer.name)
                    } else {
                        format!(
                            "'{}' is inside '{}': indexed once, as part of '{}'",
                            root.name, outer.name, outer.name
                        )
                    });
                }
                let path = if outer.recorded {
                    PathBuf::from(&outer.name)
                } else {
                    given[outer.order].clone()
                };
                if !walked.iter().any(|(_, name, _)| *name == outer.name) {
                    walked.push((root.order, outer.name.clone(), path));
                }
            }
        }
    }
    walked.sort_by_key(|(order, _, _)| *order);
    plan.walked = walked
        .into_iter()
        .map(|(_, name, path)| (name, path))
        .collect();
    plan
}

/// A root as recorded: the path as given, without `./` or a trailing `/`.
pub fn root_name(root: &Path) -> String {
    let cleaned = corpus::walk::clean(root);
    let s = cleaned.to_string_lossy();
    let s = s.trim_end_matches('/');
    if s.is_empty() { "/".into() } else { s.into() }
}

/// Whether `path` lies under the folder `root` (both as the walk writes them).
pub(super) fn is_under(path: &str, root: &str) -> bool {
    if root == "." {
        return !path.starts_with('/') && !path.starts_with("../");
    }
    path.strip_prefix(root)
        .is_some_and(|rest| rest.starts_with('/'))
}

pub(super) fn check_root(root: &Path) -> Result<()> {
    match std::fs::metadata(root) {
        Ok(m) if m.is_dir() => Ok(()),
        Ok(_) => Err(Error::NotAFolder(root.into())),
        Err(_) => Err(Error::NoSuchFolder(root.into())),
    }
}
