//! What every command prints, pinned: the output of a fixed set of commands on the bundled
//! corpus (tests/fixtures/json-before/, first captured with the binary of ee2cc1d, before the
//! restructuring of issue 12, which changed none of it), compared with today's. Commands
//! added since (terms, saved searches, --collapse) and the first set's gaps (eval, optimize)
//! are pinned from when they were added; `watch` runs until stopped and is tested in cli.rs. What varies
//! from run to run (timings, the temporary index folder, its size on disk, the commit time,
//! the order of `--all`, which is index order) is masked on both sides.
//!
//! A change meant to alter output runs `LEDE_BLESS=1 cargo test json_before` to write the new
//! output into the fixtures, so that the difference is in the commit for review.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

/// (name, arguments); `INDEX` stands for the temporary index folder.
const COMMANDS: &[(&str, &[&str])] = &[
    ("index", &["index", "corpus", "--index", "INDEX", "--json"]),
    (
        "search-hyphen",
        &["search", "anti-satellite", "--index", "INDEX", "--json"],
    ),
    (
        "search-facets",
        &[
            "search",
            "satell* OR debris",
            "--index",
            "INDEX",
            "--json",
            "--facet",
            "year",
            "--facet",
            "author=5",
            "--facet",
            "section",
            "--facet",
            "month",
        ],
    ),
    (
        "search-sort",
        &[
            "search",
            "debris OR satellite",
            "--index",
            "INDEX",
            "--json",
            "--sort",
            "newest",
            "--limit",
            "4",
            "--offset",
            "1",
        ],
    ),
    (
        "search-filter",
        &[
            "search",
            "satellite",
            "--filter",
            "section=orbit-weekly/space",
            "--index",
            "INDEX",
            "--json",
            "--since",
            "2023",
            "--until",
            "2025-06",
        ],
    ),
    (
        "search-jsonl",
        &[
            "search",
            "satellite",
            "--index",
            "INDEX",
            "--format",
            "jsonl",
            "--fields",
            "rank,id,title,date,passages",
        ],
    ),
    (
        "search-csv",
        &["search", "satellite", "--index", "INDEX", "--format", "csv"],
    ),
    (
        "search-explain",
        &[
            "search",
            "debris",
            "--index",
            "INDEX",
            "--json",
            "--explain",
            "--limit",
            "3",
        ],
    ),
    (
        "search-near",
        &[
            "search",
            "debris w/5 satellite",
            "--index",
            "INDEX",
            "--json",
        ],
    ),
    (
        "search-reading",
        &[
            "search",
            "anti-satellite \"space debris\" title:launch satell* w/3 ban",
            "--index",
            "INDEX",
            "--explain-query",
            "--json",
        ],
    ),
    (
        "search-none",
        &["search", "xyzzyplugh", "--index", "INDEX", "--json"],
    ),
    (
        "search-any",
        &[
            "search",
            "frost lantern telescope choir",
            "--index",
            "INDEX",
            "--json",
            "--passages",
            "1",
        ],
    ),
    (
        "search-all",
        &["search", "debris", "--index", "INDEX", "--all", "--json"],
    ),
    (
        "search-agg",
        &[
            "search",
            "debris",
            "--index",
            "INDEX",
            "--agg",
            "{\"by_source\":{\"terms\":{\"field\":\"source\"}}}",
        ],
    ),
    (
        "search-bad",
        &["search", "bad (query", "--index", "INDEX", "--json"],
    ),
    (
        "search-notes",
        &[
            "search",
            "Date: the council's vote",
            "--index",
            "INDEX",
            "--json",
        ],
    ),
    (
        "trend",
        &[
            "trend",
            "anti-satellite",
            "debris",
            "--by",
            "year",
            "--index",
            "INDEX",
            "--json",
        ],
    ),
    (
        "trend-split",
        &[
            "trend",
            "sats=satellite",
            "--split",
            "source",
            "--normalize",
            "--index",
            "INDEX",
            "--json",
        ],
    ),
    (
        "trend-jsonl",
        &[
            "trend",
            "satellite",
            "--by",
            "month",
            "--index",
            "INDEX",
            "--format",
            "jsonl",
        ],
    ),
    (
        "trend-csv",
        &[
            "trend",
            "satellite",
            "--by",
            "year",
            "--normalize",
            "--index",
            "INDEX",
            "--csv",
        ],
    ),
    ("batch", &["batch", "BATCH", "--index", "INDEX", "--json"]),
    (
        "batch-jsonl",
        &["batch", "BATCH", "--index", "INDEX", "--format", "jsonl"],
    ),
    (
        "show",
        &[
            "show",
            "corpus/orbit-weekly/space/2024-09-10-operators-seek-tracking-data.txt",
            "--query",
            "debris tracking",
            "--index",
            "INDEX",
            "--json",
        ],
    ),
    (
        "similar",
        &[
            "similar",
            "corpus/orbit-weekly/space/2024-09-10-operators-seek-tracking-data.txt",
            "--index",
            "INDEX",
            "--json",
            "--limit",
            "3",
        ],
    ),
    ("stats", &["stats", "--index", "INDEX", "--json"]),
    (
        "stats-csv",
        &["stats", "--index", "INDEX", "--format", "csv"],
    ),
    (
        "reindex",
        &["index", "corpus", "--index", "INDEX", "--json"],
    ),
    // Pinned since (they came after the restructuring, or were missing from the first set).
    (
        "search-collapse",
        &[
            "search",
            "satellite",
            "--collapse",
            "--index",
            "INDEX",
            "--json",
        ],
    ),
    (
        "terms",
        &["terms", "satellite", "--index", "INDEX", "--json"],
    ),
    (
        "terms-csv",
        &["terms", "satellite", "--index", "INDEX", "--csv"],
    ),
    (
        "saved-add",
        &[
            "saved",
            "add",
            "orbit",
            "satellite debris",
            "--filter",
            "section=orbit-weekly/space",
            "--index",
            "INDEX",
        ],
    ),
    (
        "saved-list",
        &["saved", "list", "--index", "INDEX", "--json"],
    ),
    (
        "saved-run",
        &[
            "saved", "run", "orbit", "--new", "--index", "INDEX", "--json",
        ],
    ),
    (
        "saved-rerun",
        &[
            "saved", "run", "orbit", "--new", "--index", "INDEX", "--json",
        ],
    ),
    (
        "saved-run-all",
        &["saved", "run", "orbit", "--index", "INDEX", "--json"],
    ),
    ("eval", &["eval", "COLLECTION", "--json"]),
    // Last: it merges the index's segments.
    ("optimize", &["optimize", "--index", "INDEX", "--json"]),
];

/// Keys whose values differ from run to run.
const VOLATILE: &[&str] = &[
    "took_ms",
    "seconds",
    "mb_per_second",
    "bytes",
    "indexed_at",
    "index",
    "segments",
    // Clock times of saved searches, and segment counts that follow the writer's threads.
    "at",
    "created",
    "last_run",
    "first_seen",
    "segments_before",
    "bytes_before",
    "bytes_after",
];

fn mask(value: &mut Value, keys: &[&str]) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if keys.contains(&key.as_str()) {
                    *v = Value::Null;
                } else {
                    mask(v, keys);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| mask(v, keys)),
        _ => {}
    }
}

/// The output with what varies masked: JSON lines by key, CSV rows of stats by name.
fn normalise(name: &str, text: &str) -> String {
    // `--all` is in index order, and a hit's rank is its place in it.
    let mut keys = VOLATILE.to_vec();
    if name == "search-all" {
        keys.push("rank");
    }
    // An index run's `bytes` are the corpus's, fixed; elsewhere (stats) the index's on disk.
    if name == "index" || name == "reindex" {
        keys.retain(|k| *k != "bytes");
    }
    let mut lines: Vec<String> = text
        .lines()
        .map(|line| match serde_json::from_str::<Value>(line) {
            Ok(mut v) if line.starts_with('{') => {
                mask(&mut v, &keys);
                v.to_string()
            }
            _ => match line.split_once(',') {
                Some((key, _)) if name == "stats-csv" && VOLATILE.contains(&key) => key.to_string(),
                _ => line.to_string(),
            },
        })
        .collect();
    if name == "search-all" {
        lines.sort();
    }
    lines.join("\n")
}

#[test]
fn every_command_prints_what_it_printed_before_the_restructuring() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fixtures = root.join("tests/fixtures/json-before");
    let tmp = tempfile::tempdir().unwrap();
    let index = tmp.path().join("index");
    let batch = tmp.path().join("queries.txt");
    std::fs::write(&batch, "asat\tanti-satellite\ndebris\nbroken (\n").unwrap();
    // A SMART test collection of three documents and two queries, for `eval`.
    let collection = tmp.path().join("tiny");
    std::fs::create_dir(&collection).unwrap();
    std::fs::write(
        collection.join("T.ALL"),
        "*TEXT 001 01/04/63 PAGE 001\n\nGRAIN SHIPS LEFT THE HARBOUR\n\
         *TEXT 002 01/04/63 PAGE 002\n\nTHE HARBOUR FROZE IN WINTER\n\
         *TEXT 003 01/04/63 PAGE 003\n\nOIL PRICES ROSE AND GRAIN FELL\n*STOP\n",
    )
    .unwrap();
    std::fs::write(
        collection.join("T.QUE"),
        "*FIND 1\n\n GRAIN SHIPS .\n\n*FIND 2\n\n FROZEN HARBOUR .\n*STOP\n",
    )
    .unwrap();
    std::fs::write(collection.join("T.REL"), "1 1\n2 2 3\n").unwrap();
    let mut differ = Vec::new();
    for (name, args) in COMMANDS {
        let args: Vec<&str> = args
            .iter()
            .map(|a| match *a {
                "INDEX" => index.to_str().unwrap(),
                "BATCH" => batch.to_str().unwrap(),
                "COLLECTION" => collection.to_str().unwrap(),
                a => a,
            })
            .collect();
        let out = Command::cargo_bin("lede")
            .unwrap()
            .current_dir(root)
            .env_remove("NO_COLOR")
            .env_remove("LEDE_OPENSEARCH")
            .args(&args)
            .output()
            .unwrap();
        let code = out.status.code().unwrap_or(-1);
        let unchanged = || {
            let was = std::fs::read_to_string(fixtures.join(format!("{name}.out"))).ok();
            let was_code = std::fs::read_to_string(fixtures.join(format!("{name}.code"))).ok();
            was.is_some_and(|was| {
                normalise(name, &was) == normalise(name, &String::from_utf8_lossy(&out.stdout))
            }) && was_code.is_some_and(|c| c.trim() == code.to_string())
                && (code == 0
                    || std::fs::read(fixtures.join(format!("{name}.err"))).ok()
                        == Some(out.stderr.clone()))
        };
        // Blessing rewrites only what changed beyond the masked values, so the diff shows it.
        if std::env::var_os("LEDE_BLESS").is_some() && !unchanged() {
            std::fs::write(fixtures.join(format!("{name}.out")), &out.stdout).unwrap();
            std::fs::write(fixtures.join(format!("{name}.code")), format!("{code}\n")).unwrap();
            let err = fixtures.join(format!("{name}.err"));
            if code != 0 {
                std::fs::write(err, &out.stderr).unwrap();
            } else if err.exists() {
                std::fs::remove_file(err).unwrap();
            }
            continue;
        }
        if std::env::var_os("LEDE_BLESS").is_some() {
            continue;
        }
        let expected_code: i32 = std::fs::read_to_string(fixtures.join(format!("{name}.code")))
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        let expected = std::fs::read_to_string(fixtures.join(format!("{name}.out"))).unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        if code != expected_code || normalise(name, &stdout) != normalise(name, &expected) {
            differ.push(format!(
                "{name}: exit {code} (was {expected_code})\n--- before\n{}\n--- now\n{}",
                normalise(name, &expected),
                normalise(name, &stdout)
            ));
        }
        if expected_code != 0 {
            let err = std::fs::read_to_string(fixtures.join(format!("{name}.err"))).unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            if stderr != err {
                differ.push(format!(
                    "{name}: stderr\n--- before\n{err}--- now\n{stderr}"
                ));
            }
        }
    }
    assert!(differ.is_empty(), "{}", differ.join("\n\n"));
}
