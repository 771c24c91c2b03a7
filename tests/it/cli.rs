//! The real binary in a temporary folder: output, exit codes and error text.

use crate::harness::{TestEnv, spellings_corpus};

fn indexed() -> TestEnv {
    let env = TestEnv::new();
    spellings_corpus(&env);
    let (code, out, err) = env.run(&["index", "corpus"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("indexed 4 articles from 4 files"), "{out}");
    env
}

#[test]
fn search_prints_ranked_hits_with_passages() {
    let env = indexed();
    let (code, out, err) = env.run(&["search", "anti-satellite", "--color", "never"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.is_empty(), "{err}");
    let titles: Vec<&str> = out.lines().filter(|l| l.ends_with(']')).collect();
    assert_eq!(titles.len(), 3, "{out}");
    assert!(out.contains("   Ana Ruiz · 2024-01-10 · corpus/space/2024-01-10-hyphen.txt\n"));
    assert!(
        out.contains("   Li Wei · 2024-03-12 09:30 UTC · corpus/space/2024-03-12-joined.txt\n")
    );
    assert!(out.contains("   Delegates argued over an anti-satellite test ban for hours.\n"));
    assert!(!out.contains("Air defence"), "{out}");
    assert!(out.ends_with("ms)\n") && out.contains("3 articles match; showing 1-3"));
}

#[test]
fn json_gives_offsets_and_highlight_ranges() {
    let env = indexed();
    let (code, out, _) = env.run(&["search", "antisatellite", "--json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["query"], "antisatellite");
    assert_eq!(v["total"], 3);
    assert_eq!(v["lede_json"], 1);
    let hits = v["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 3);
    for hit in hits {
        let p = &hit["passages"][0];
        let text = p["text"].as_str().unwrap();
        let ranges: Vec<String> = p["highlights"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                text[r[0].as_u64().unwrap() as usize..r[1].as_u64().unwrap() as usize].to_string()
            })
            .collect();
        assert_eq!(ranges.len(), 1, "{p}");
        assert!(
            ["anti-satellite", "antisatellite", "anti satellite"].contains(&ranges[0].as_str()),
            "{ranges:?}"
        );
        assert_eq!(p["offset"], 0);
    }
    let joined = hits
        .iter()
        .find(|h| h["title"] == "Ministry denies test")
        .unwrap();
    assert_eq!(joined["authors"], serde_json::json!(["Li Wei"]));
    assert_eq!(joined["date"], "2024-03-12T09:30:00Z");
    assert_eq!(joined["path"], "corpus/space/2024-03-12-joined.txt");
    assert_eq!(
        joined["passages"][0]["highlights"],
        serde_json::json!([[24, 37]])
    );
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let env = indexed();
    let bold_red = "\u{1b}[1m\u{1b}[31m";
    let (_, piped, _) = env.run(&["search", "antisatellite"]);
    assert!(!piped.contains('\u{1b}'), "{piped}");
    let (_, always, _) = env.run(&["search", "antisatellite", "--color", "always"]);
    assert!(
        always.contains(&format!("{bold_red}antisatellite")),
        "{always:?}"
    );
    let out = env
        .lede()
        .env("NO_COLOR", "1")
        .args(["search", "antisatellite"])
        .output()
        .unwrap();
    assert!(!String::from_utf8(out.stdout).unwrap().contains('\u{1b}'));
}

/// Runs lede on a terminal (a pseudo-terminal from `script`), or `None` when there is no
/// `script` to make one.
fn on_a_terminal(env: &crate::harness::TestEnv, args: &str, no_color: bool) -> Option<String> {
    let lede = assert_cmd::cargo::cargo_bin("lede");
    let mut cmd = std::process::Command::new("script");
    cmd.current_dir(env.path())
        .args(["-qec", &format!("{} {args}", lede.display()), "/dev/null"])
        .env("TERM", "xterm-256color")
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR")
        .env_remove("CLICOLOR_FORCE");
    if no_color {
        cmd.env("NO_COLOR", "1");
    }
    match cmd.output() {
        Ok(out) => {
            let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
            assert!(out.status.success(), "{stdout}");
            Some(stdout)
        }
        Err(_) => {
            eprintln!("skipped: no `script` to run lede on a terminal");
            None
        }
    }
}

#[test]
fn a_terminal_gets_colour_unless_no_color() {
    let env = indexed();
    let Some(tty) = on_a_terminal(&env, "search antisatellite", false) else {
        return;
    };
    assert!(tty.contains("\u{1b}[1m\u{1b}[31mantisatellite"), "{tty:?}");
    let tty = on_a_terminal(&env, "search antisatellite", true).unwrap();
    assert!(
        tty.contains("antisatellite") && !tty.contains('\u{1b}'),
        "{tty:?}"
    );
}

#[test]
fn a_terminal_gets_a_progress_bar_and_quiet_prints_nothing() {
    let env = TestEnv::new();
    spellings_corpus(&env);
    let Some(tty) = on_a_terminal(&env, "index corpus", false) else {
        return;
    };
    // The bar (bytes, rate, files and articles, ETA), drawn at least once before the summary.
    assert!(tty.contains(" B/") && tty.contains("ETA"), "{tty:?}");
    assert!(tty.contains("indexed 4 articles from 4 files"), "{tty:?}");
    let (code, out, err) = env.run(&["index", "corpus", "--rebuild", "--quiet"]);
    assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""));
}

#[test]
fn no_hits_exit_1_and_say_so() {
    let env = indexed();
    let (code, out, err) = env.run(&["search", "zebra"]);
    assert_eq!(code, 1);
    assert_eq!(out, "");
    assert_eq!(err, "lede: no articles match \"zebra\"\n");
}

#[test]
fn huge_pages_and_heaps_are_no_crash() {
    let env = indexed();
    let max = u64::MAX.to_string();
    for args in [
        vec!["search", "satellite", "--limit", max.as_str()],
        vec![
            "search",
            "satellite",
            "--limit",
            "4000000000",
            "--offset",
            max.as_str(),
        ],
        vec![
            "similar",
            "corpus/space/2024-01-10-hyphen.txt",
            "--limit",
            "3000000000",
        ],
    ] {
        let (code, _, err) = env.run(&args);
        assert_eq!(
            (code, err.contains("panicked")),
            (0, false),
            "{args:?}: {err}"
        );
    }
    let (code, out, _) = env.run(&["search", "satellite", "--limit", &max, "--json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["hits"].as_array().unwrap().len(), 3);
    let (code, _, err) = env.run(&["index", "corpus", "--heap", "9000"]);
    assert_eq!(code, 2);
    assert!(err.contains("9000 is not in 32..=4000"), "{err}");
}

#[test]
fn query_syntax_errors_exit_2_with_place() {
    let env = indexed();
    let (code, out, err) = env.run(&["search", "(anti OR satellite"]);
    assert_eq!(code, 2);
    assert_eq!(out, "");
    assert_eq!(
        err,
        "lede: cannot read the query \"(anti OR satellite\": '(' is never closed (at column 1)\n"
    );
    let (code, _, err) = env.run(&["search", "satellite AND"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("'AND' needs a word after it (at column 11)"),
        "{err}"
    );
}

#[test]
fn pasted_headlines_are_read_as_words_with_a_note() {
    let env = indexed();
    let (code, out, err) = env.run(&["search", "Ministry's denies: test"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("1. Ministry denies test"), "{out}");
    assert_eq!(
        err,
        "lede: note: read the apostrophe in \"Ministry's\" as part of the word\n\
         lede: note: read \"denies:\" as a word: 'denies' is not a field (fields: title, body, \
         exact, author, source, section, topic, place, person, org, language, format, date)\n\
         lede: note: only 1 article has all 3 words: showing articles with any of them, more of \
         the words ranking higher (that one first)\n"
    );
    let (code, _, err) = env.run(&["search", "\"Ministry denies"]);
    assert_eq!(code, 0);
    assert!(err.contains("read the unmatched '\"' at column 1 as part of the text"));
}

#[test]
fn search_builds_the_default_index_from_corpus_once() {
    let env = TestEnv::new();
    spellings_corpus(&env);
    let (code, out, err) = env.run(&["search", "antisatellite"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.starts_with(
            "lede: no index at 'index' yet: building it from 'corpus' first\nindexed 4 articles"
        ),
        "{err}"
    );
    assert!(out.contains("3 articles match"), "{out}");
    let (code, _, err) = env.run(&["search", "antisatellite"]);
    assert_eq!(code, 0);
    assert_eq!(err, "");
}

#[test]
fn missing_index_and_corpus_are_named() {
    let env = TestEnv::new();
    let (code, _, err) = env.run(&["search", "x"]);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "lede: no index at 'index' and no corpus at 'corpus' to build it from \
         (run `lede index CORPUS` on a folder of articles)\n"
    );
    let (code, _, err) = env.run(&["search", "x", "--index", "elsewhere"]);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "lede: no index at 'elsewhere' (run `lede index CORPUS --index elsewhere` first)\n"
    );
}

#[test]
fn bad_corpus_and_index_paths_get_one_line() {
    let env = TestEnv::new();
    env.write("notes.txt", "A note\n\nbody\n");
    let (code, _, err) = env.run(&["index", "notes.txt"]);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "lede: 'notes.txt' is not a folder (lede indexes folders of articles)\n"
    );
    let (code, _, err) = env.run(&["index", "nowhere"]);
    assert_eq!(code, 2);
    assert_eq!(err, "lede: no such folder 'nowhere'\n");
    spellings_corpus(&env);
    let (code, _, err) = env.run(&["index", "corpus", "--index", "notes.txt/idx"]);
    assert_eq!(code, 2);
    assert!(
        err.starts_with("lede: cannot write the index folder 'notes.txt/idx': "),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1);
}

#[test]
fn a_locked_index_is_refused() {
    let env = indexed();
    let store = lede::index::store::open(&env.path().join("index")).unwrap();
    let _writer: tantivy::IndexWriter = store.index.writer(15_000_000).unwrap();
    let (code, _, err) = env.run(&["index", "corpus"]);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "lede: another lede index is writing to 'index' (wait for it to finish)\n"
    );
    // searching needs no lock
    let (code, _, _) = env.run(&["search", "antisatellite"]);
    assert_eq!(code, 0);
}

#[test]
fn a_damaged_index_says_how_to_rebuild() {
    let env = indexed();
    std::fs::write(env.path().join("index/meta.json"), "{garbage").unwrap();
    let (code, _, err) = env.run(&["search", "antisatellite"]);
    assert_eq!(code, 2);
    assert!(
        err.starts_with("lede: the index at 'index' is damaged (Data corruption")
            && err.ends_with(": run `lede index --rebuild --index index` to build it again\n"),
        "{err}"
    );
    let (code, _, err) = env.run(&["index", "corpus", "--rebuild"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, _) = env.run(&["search", "antisatellite"]);
    assert_eq!(code, 0);
}

#[test]
fn another_schema_version_asks_for_rebuild() {
    let env = indexed();
    let meta = env.path().join("index/meta.json");
    let text = std::fs::read_to_string(&meta).unwrap();
    let version = lede::index::schema::SCHEMA_VERSION;
    let old = text.replace(
        &format!("\\\"lede_schema\\\":{version}"),
        "\\\"lede_schema\\\":0",
    );
    assert_ne!(old, text, "the payload holds the schema version");
    std::fs::write(&meta, old).unwrap();
    let (code, _, err) = env.run(&["search", "antisatellite"]);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        format!(
            "lede: the index at 'index' was built by a lede of schema 0, and this lede reads \
             schema {version} (run `lede index --rebuild --index index`)\n"
        )
    );
    let (code, _, _) = env.run(&["index", "corpus"]);
    assert_eq!(code, 2);
    let (code, _, err) = env.run(&["index", "corpus", "--rebuild"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, _) = env.run(&["search", "antisatellite"]);
    assert_eq!(code, 0);
}

#[test]
fn reindexing_replaces_the_index() {
    let env = indexed();
    std::fs::remove_file(env.path().join("corpus/space/2024-03-12-joined.txt")).unwrap();
    let (code, out, _) = env.run(&["index", "corpus"]);
    assert_eq!(code, 0);
    assert_eq!(
        out.lines().nth(1),
        Some("files: 0 added, 0 updated, 1 deleted, 3 unchanged; the index holds 3 articles")
    );
    let (_, out, _) = env.run(&["search", "antisatellite", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v["total"], 2,
        "the hyphenated and the spaced spellings are left"
    );
}

#[test]
fn skipped_files_are_counted_with_reasons() {
    let env = TestEnv::new();
    spellings_corpus(&env);
    env.write("corpus/README.TXT", "about this corpus");
    env.write("corpus/photo.jpg", [0xFFu8, 0xD8, 0xFF, 0x00]);
    env.write("corpus/empty.txt", "\n\n");
    env.write("corpus/blob.txt", b"\x00\x01\x02binary");
    env.write(
        "corpus/latin1.txt",
        b"Price rise\n\nTickets now cost \xA35.\n",
    );
    let (code, out, err) = env.run(&["index", "corpus"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        format!(
            "{}files: 5 added, 0 updated, 0 deleted, 0 unchanged; the index holds 5 articles\n\
             skipped 4 files:\n  binary file: 1 (corpus/blob.txt)\n  no text: 1 (corpus/empty.txt)\n  \
             unsupported extension .TXT: 1 (corpus/README.TXT)\n  unsupported extension .jpg: 1 (corpus/photo.jpg)\n\
             1 warning about files that were indexed (printed above)\n",
            out.lines().next().unwrap().to_string() + "\n"
        )
    );
    assert!(out.starts_with("indexed 5 articles from 5 files"), "{out}");
    assert!(
        err.contains("lede: warning: corpus/blob.txt: binary file\n"),
        "{err}"
    );
    assert!(
        err.contains("lede: warning: corpus/empty.txt: no text\n"),
        "{err}"
    );
    assert!(err.contains(
        "lede: warning: corpus/latin1.txt: not valid UTF-8 (first bad byte at offset 29), read as Windows-1252\n"
    ), "{err}");
    let (_, out, _) = env.run(&["search", "tickets", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["hits"][0]["passages"][0]["text"], "Tickets now cost £5.");
}

#[test]
fn index_summary_as_json() {
    let env = TestEnv::new();
    spellings_corpus(&env);
    let (code, out, _) = env.run(&["index", "corpus", "--json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["articles"], 4);
    assert_eq!(v["files"], 4);
    assert!(v["bytes"].as_u64().unwrap() > 200);
}

#[test]
fn a_closed_pipe_is_a_quiet_exit() {
    use std::process::{Command, Stdio};
    let env = TestEnv::new();
    let para = "The tide rose over the harbour wall again tonight. ".repeat(40);
    for i in 0..400 {
        env.write(
            &format!("corpus/t{i:03}.txt"),
            format!("Tide {i}\n\n{para}\n"),
        );
    }
    assert_eq!(env.run(&["index", "corpus"]).0, 0);
    let batch = "tide\n".repeat(600);
    env.write("queries.txt", &batch);
    let runs: [&[&str]; 5] = [
        &["search", "tide", "--limit", "400", "--passages", "3"],
        &[
            "search",
            "tide",
            "--all",
            "--format",
            "csv",
            "--fields",
            "path,title,passages",
        ],
        &["search", "tide", "--limit", "400", "--format", "csv"],
        &["batch", "queries.txt", "--format", "jsonl"],
        &["batch", "queries.txt", "--format", "csv"],
    ];
    for args in runs {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("lede"))
            .current_dir(env.path())
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert_eq!(String::from_utf8_lossy(&out.stderr), "", "{args:?}");
    }
}

#[test]
fn help_teaches_the_query_language() {
    let env = TestEnv::new();
    let (code, out, _) = env.run(&["search", "--help"]);
    assert_eq!(code, 0);
    assert!(out.contains("\"phrases\"~N"));
    assert!(out.contains("anti-satellite matches"));
    let (code, _, err) = env.run(&["search"]);
    assert_eq!(code, 2);
    assert!(err.contains("QUERY"));
}

#[test]
fn the_bundled_corpus_has_every_format_and_all_three_spellings() {
    let env = TestEnv::new();
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let (code, _, err) = env.run(&["index", corpus.to_str().unwrap(), "--strict"]);
    assert_eq!(code, 0, "the bundled corpus is clean: {err}");
    let (_, out, _) = env.run(&["search", "*", "--json", "--limit", "0", "--facet", "format"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let formats: Vec<&str> = v["facets"][0]["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["value"].as_str().unwrap())
        .collect();
    for format in ["txt", "json", "html", "sgml", "feed"] {
        assert!(formats.contains(&format), "{format}: {formats:?}");
    }
    let (_, out, _) = env.run(&["search", "anti-satellite", "--json", "--limit", "50"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let mut spellings = std::collections::BTreeSet::new();
    for hit in v["hits"].as_array().unwrap() {
        for p in hit["passages"].as_array().unwrap() {
            let text = p["text"].as_str().unwrap();
            for r in p["highlights"].as_array().unwrap() {
                let s = r[0].as_u64().unwrap() as usize;
                let e = r[1].as_u64().unwrap() as usize;
                spellings.insert(text[s..e].to_lowercase());
            }
        }
    }
    assert_eq!(
        spellings.into_iter().collect::<Vec<_>>(),
        ["anti satellite", "anti-satellite", "antisatellite"]
    );
}
