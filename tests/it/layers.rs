//! The library's layers import one way (docs/architecture.md): a file uses its own layer and
//! those below it, never one above. `python3 ../shared/tools/layers.py src` finds import
//! cycles; this test also finds an upward import that makes no cycle yet, and runs in CI.

use std::path::Path;

/// The layers, lowest first; modules on one line share a layer and may not import each other.
const LAYERS: &[&[&str]] = &[
    &["error"],
    &["model"],
    &["corpus"],
    &["index"],
    &["query"],
    &["search"],
    &["remote", "eval"],
    &["output"],
    &["serve"],
];

fn rank(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

/// The top-level modules a line of code names as `crate::NAME` (comments left out).
fn crate_modules(line: &str) -> Vec<&str> {
    let code = line.split("//").next().unwrap_or("");
    code.match_indices("crate::")
        .map(|(i, _)| {
            let rest = &code[i + "crate::".len()..];
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            &rest[..end]
        })
        .collect()
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The lines (numbered from 1) of a file of `module`, at layer `own`, that import a module of
/// its own layer or above.
fn upward_lines<'a>(module: &str, own: usize, text: &'a str) -> Vec<(usize, &'a str)> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| {
            crate_modules(line)
                .iter()
                .any(|used| *used != module && rank(used).is_some_and(|theirs| theirs >= own))
        })
        .map(|(n, line)| (n + 1, line.trim()))
        .collect()
}

#[test]
fn the_library_imports_downward_only() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut upward = Vec::new();
    let mut checked = 0;
    for file in &files {
        let rel = file.strip_prefix(&src).unwrap();
        let top = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let module = top.trim_end_matches(".rs");
        // The binaries (main.rs + app/, bin/) sit above the library; lib.rs is its root.
        let Some(own) = rank(module) else {
            assert!(
                ["lib", "main", "app", "bin"].contains(&module),
                "{}: a top-level module missing from LAYERS",
                rel.display()
            );
            continue;
        };
        checked += 1;
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in upward_lines(module, own, &text) {
            upward.push(format!("{}:{n}: {line}", rel.display()));
        }
    }
    assert!(checked > 70, "only {checked} library files found");
    assert!(
        upward.is_empty(),
        "imports that point up or sideways:\n{}",
        upward.join("\n")
    );
}

#[test]
fn an_upward_or_sideways_import_is_found() {
    let text = "use crate::model::Hit;\nuse crate::search::Engine;\n/// [x](crate::serve)\n";
    assert_eq!(
        upward_lines("query", 4, text),
        [(2, "use crate::search::Engine;")]
    );
    assert_eq!(
        upward_lines("remote", 6, "use crate::eval::Run;\nuse crate::remote::x;"),
        [(1, "use crate::eval::Run;")]
    );
    assert!(upward_lines("serve", 8, text).is_empty());
}

#[test]
fn crate_paths_are_read_from_code_not_comments() {
    assert_eq!(
        crate_modules("use crate::model::{Hit, Passage}; // crate::serve"),
        ["model"]
    );
    assert_eq!(
        crate_modules("let e = crate::error::Error::io(crate::search::X);"),
        ["error", "search"]
    );
}
