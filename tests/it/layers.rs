//! The library's layers import one way (docs/architecture.md): a file uses its own layer and
//! those below it, never one above. `python3 ../shared/tools/layers.py src` finds import
//! cycles; this test also finds an upward import that makes no cycle yet, and runs in CI.
//! It reads `crate::a::b`, `crate::{a, b::c}` (over several lines too) and the names lib.rs
//! re-exports at the root (`crate::Engine` is the search layer's); a name it cannot place
//! fails the test rather than pass unseen.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

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

/// Code without its `//` comments (and doc comments); strings holding `//` are rare enough in
/// this code base that a line cut there only hides text, never adds a false import.
fn code(text: &str) -> String {
    text.lines()
        .map(|line| line.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

fn ident(text: &str) -> &str {
    let end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    &text[..end]
}

/// The first names of the paths in a `{...}` group that starts `text` (nested groups belong to
/// the path before them), and the group's length.
fn group_names(text: &str) -> (Vec<&str>, usize) {
    let mut names = Vec::new();
    let (mut depth, mut item_start) = (0, true);
    for (i, c) in text.char_indices() {
        match c {
            '{' => {
                depth += 1;
                if depth == 1 {
                    item_start = true;
                    continue;
                }
            }
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return (names, i + 1);
                }
            }
            ',' if depth == 1 => item_start = true,
            c if depth == 1 && item_start && !c.is_whitespace() => {
                item_start = false;
                let name = ident(&text[i..]);
                if !name.is_empty() && name != "self" {
                    names.push(name);
                }
            }
            _ => {}
        }
    }
    (names, text.len())
}

/// Every name used right after `crate::` in `code`, with its line (from 1).
fn crate_names(code: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    for (i, _) in code.match_indices("crate::") {
        let line = code[..i].matches('\n').count() + 1;
        let rest = &code[i + "crate::".len()..];
        if rest.starts_with('{') {
            out.extend(group_names(rest).0.into_iter().map(|n| (line, n)));
        } else {
            out.push((line, ident(rest)));
        }
    }
    out
}

/// The root names lib.rs re-exports, each with the module it comes from
/// (`pub use search::Engine;`, `pub use index::{indexer, watch};`, `pub use indexer::X;`).
fn root_names(lib: &str) -> HashMap<String, String> {
    let mut names: HashMap<String, String> = HashMap::new();
    for statement in code(lib).split(';') {
        let Some(path) = statement.trim().strip_prefix("pub use ") else {
            continue;
        };
        let first = ident(path);
        let module = if rank(first).is_some() {
            first.to_string()
        } else {
            names
                .get(first)
                .cloned()
                .unwrap_or_else(|| first.to_string())
        };
        let exported: Vec<&str> = match path.find('{') {
            Some(open) => group_names(&path[open..])
                .0
                .into_iter()
                .map(|n| n.rsplit("::").next().unwrap_or(n))
                .collect(),
            None => vec![path.rsplit("::").next().unwrap_or(path).trim()],
        };
        for name in exported {
            names.insert(name.to_string(), module.clone());
        }
    }
    names
}

/// The lines of a file of `module` that name a module (or root name) of its own layer or
/// above, and the names it could not place.
fn upward(module: &str, text: &str, roots: &HashMap<String, String>) -> Vec<String> {
    let own = rank(module).expect("a layer's module");
    let mut found = Vec::new();
    for (line, name) in crate_names(&code(text)) {
        let target = match rank(name) {
            Some(_) => name,
            None => match roots.get(name) {
                Some(m) => m.as_str(),
                None => {
                    found.push(format!("{line}: crate::{name} is in no layer"));
                    continue;
                }
            },
        };
        if target != module && rank(target).is_some_and(|theirs| theirs >= own) {
            found.push(format!("{line}: crate::{name} ({target})"));
        }
    }
    found
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn the_library_imports_downward_only() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let roots = root_names(&std::fs::read_to_string(src.join("lib.rs")).unwrap());
    assert_eq!(roots.get("Engine").map(String::as_str), Some("search"));
    assert_eq!(roots.get("IndexRequest").map(String::as_str), Some("index"));
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut bad = Vec::new();
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
        if rank(module).is_none() {
            assert!(
                ["lib", "main", "app", "bin"].contains(&module),
                "{}: a top-level module missing from LAYERS",
                rel.display()
            );
            continue;
        }
        checked += 1;
        let text = std::fs::read_to_string(file).unwrap();
        bad.extend(
            upward(module, &text, &roots)
                .into_iter()
                .map(|b| format!("{}:{b}", rel.display())),
        );
    }
    assert!(checked > 70, "only {checked} library files found");
    assert!(
        bad.is_empty(),
        "imports that point up or sideways:\n{}",
        bad.join("\n")
    );
}

#[test]
fn upward_imports_are_found_in_every_form() {
    let roots = root_names(
        "pub use error::{Error, Result};\npub use index::{indexer, watch};\n\
         pub use indexer::{IndexRequest, IndexSummary};\npub use search::Engine; // crate::serve",
    );
    assert_eq!(roots["IndexSummary"], "index");
    assert_eq!(roots["Engine"], "search");
    let text = "use crate::model::Hit;\n\
                use crate::search::X; // crate::serve in a comment\n\
                use crate::{\n    error::Result,\n    output::Printer,\n};\n\
                let e = crate::Engine::open(p);\n\
                use crate::{self as c, index::{store, schema}};\n\
                use crate::nowhere::Y;\n";
    assert_eq!(
        upward("query", text, &roots),
        [
            "2: crate::search (search)",
            "3: crate::output (output)",
            "7: crate::Engine (search)",
            "9: crate::nowhere is in no layer",
        ]
    );
    assert!(upward("serve", "use crate::{output, search::Engine};", &roots).is_empty());
    assert_eq!(
        upward("remote", "use crate::eval::Run;", &roots),
        ["1: crate::eval (eval)"]
    );
}
