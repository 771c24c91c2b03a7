//! The messy corpus (tests/fixtures/messy, plus what git cannot hold, made here): every kind
//! of bad input is warned about, counted and skipped, and every good article around it is
//! still indexed.

use std::path::Path;

use crate::harness::TestEnv;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The fixtures, plus a file over the size limit, a symlink loop, a broken symlink, and an
/// unreadable file and folder. Gives whether permissions are enforced (not for root).
fn messy_env() -> (TestEnv, bool) {
    let env = TestEnv::new();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/messy");
    copy_dir(&src, &env.path().join("corpus"));
    let filler = "filler words about the harbour and the tides. ".repeat(30_000);
    env.write(
        "corpus/bad/big.txt",
        format!("Big file\n\nMarker word: pelicanbig. {filler} Marker word: pelicantail.\n"),
    );
    let bad = env.path().join("corpus/bad");
    std::os::unix::fs::symlink("..", bad.join("loop")).unwrap();
    std::os::unix::fs::symlink("nowhere.txt", bad.join("gone.txt")).unwrap();
    env.write(
        "corpus/bad/secret.txt",
        "Secret\n\nMarker word: pelicansecret.\n",
    );
    env.write(
        "corpus/bad/locked/inside.txt",
        "Inside\n\nMarker word: pelicaninside.\n",
    );
    use std::os::unix::fs::PermissionsExt;
    let none = std::fs::Permissions::from_mode(0o000);
    std::fs::set_permissions(bad.join("secret.txt"), none.clone()).unwrap();
    std::fs::set_permissions(bad.join("locked"), none).unwrap();
    let enforced = std::fs::read(bad.join("secret.txt")).is_err();
    if !enforced {
        eprintln!("note: running as root, so permission-denied files are readable here");
    }
    (env, enforced)
}

fn restore_permissions(env: &TestEnv) {
    use std::os::unix::fs::PermissionsExt;
    let bad = env.path().join("corpus/bad");
    for p in [bad.join("secret.txt"), bad.join("locked")] {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

fn total(env: &TestEnv, query: &str) -> u64 {
    let (_, out, _) = env.run(&["search", query, "--json", "--limit", "0"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    v["total"].as_u64().unwrap()
}

#[test]
fn bad_input_is_warned_counted_and_skipped_and_good_articles_survive() {
    let (env, enforced) = messy_env();
    let (code, out, err) = env.run(&["index", "corpus", "--max-file-mb", "1"]);
    restore_permissions(&env);
    assert_eq!(code, 0, "{err}");

    for warning in [
        "corpus/bad/gone.txt: broken symlink (its target does not exist)",
        "corpus/bad/loop: symlink loop back to 'corpus'",
        "corpus/bad/big.txt: larger than 1 MB: only the first 1 MB were read (see --max-file-mb)",
        "corpus/bad/not-gzip.jsonl.gz: corrupt: not a gzip file (invalid gzip header)",
        "corpus/bad/truncated.jsonl.gz: truncated or corrupt gzip (incomplete deflate stream): \
         the 39354 bytes before it were read",
        "corpus/bad/truncated.jsonl.gz: line 294: malformed JSON (skipped)",
        "corpus/bad/latin1.txt: not valid UTF-8 (first bad byte at offset 36), read as Windows-1252",
        "corpus/bad/mixed.jsonl: line 2: malformed JSON (skipped)",
        "corpus/bad/binary.txt: binary file",
        "corpus/bad/empty.txt: no text",
        "corpus/bad/blank.txt: no text",
        "corpus/bad/no-text.json: no text",
        "corpus/bad/broken.rss: malformed XML at byte 238",
    ] {
        assert!(
            err.contains(&format!("lede: warning: {warning}")),
            "{warning}\n{err}"
        );
    }
    // Not article files: counted, never warned about.
    for quiet in ["config.xml", "notes.md", "photo.png", "README"] {
        assert!(!err.contains(quiet), "{quiet}: {err}");
    }
    if enforced {
        assert!(
            err.contains("corpus/bad/secret.txt: unreadable: permission denied"),
            "{err}"
        );
        assert!(
            err.contains("corpus/bad/locked: permission denied"),
            "{err}"
        );
    }

    // 7 good files (9 articles), latin1, mixed (2 of its 4 lines), big, broken.rss (1 item),
    // the truncated gzip (293 whole lines), and, as root, secret.txt and locked/inside.txt.
    let readable = if enforced { 0 } else { 2 };
    assert!(
        out.starts_with(&format!(
            "indexed {} articles from {} files",
            9 + 1 + 2 + 1 + 1 + 293 + readable,
            7 + 5 + readable
        )),
        "{out}"
    );
    assert!(
        out.contains("left out 1 record with no text inside files\n"),
        "{out}"
    );
    assert!(
        out.contains("  XML but not a feed (root element <config>): 1 (corpus/bad/config.xml)\n")
    );
    assert!(
        out.contains(
            "  no text: 3 (corpus/bad/blank.txt, corpus/bad/empty.txt, corpus/bad/no-text.json)\n"
        ),
        "{out}"
    );
    assert!(out.contains("  unsupported extension .md: 1 (corpus/bad/notes.md)\n"));
    assert!(out.contains("  no extension: 1 (corpus/bad/README)\n"));

    for marker in [
        "pelicanplain",
        "pelicanjson",
        "pelicanline1",
        "pelicanline2",
        "pelicanline3",
        "pelicanhtml",
        "pelicansgml",
        "pelicanrss",
        "pelicanatom",
        "pelicanlatin",
        "pelicanmixeda",
        "pelicanmixedb",
        "pelicanbroken",
        "pelicanbig",
        "pelicangz0",
        "pelicangz292",
    ] {
        assert_eq!(total(&env, marker), 1, "{marker}");
    }
    assert_eq!(total(&env, "pelicantail"), 0, "beyond the size limit");
    assert_eq!(total(&env, "pelicangz293"), 0, "the cut-off line");
    assert_eq!(total(&env, "pelicansecret"), u64::from(!enforced));
}

#[test]
fn strict_leaves_the_index_as_it_was() {
    let (env, _) = messy_env();
    restore_permissions(&env);
    let (code, _, _) = env.run(&["index", "corpus/good"]);
    assert_eq!(code, 0);
    assert_eq!(total(&env, "pelicanplain"), 1);
    let (code, out, err) = env.run(&["index", "corpus", "--add", "--strict"]);
    assert_eq!(code, 2);
    assert!(out.starts_with("read "), "the summary is printed: {out}");
    assert!(
        out.lines()
            .next()
            .unwrap()
            .ends_with("; nothing was committed (--strict)"),
        "{out}"
    );
    assert!(
        err.ends_with("so the index was left as it was\n") && err.contains("lede: --strict: "),
        "{err}"
    );
    assert_eq!(
        total(&env, "pelicanbig"),
        0,
        "the strict run was not committed"
    );
    assert_eq!(total(&env, "pelicanplain"), 1);
    // A refused first run leaves no index folder behind.
    let (code, _, _) = env.run(&["index", "corpus", "--index", "fresh", "--strict"]);
    assert_eq!(code, 2);
    assert!(!env.path().join("fresh").exists());
    // A clean corpus passes --strict.
    let (code, _, err) = env.run(&["index", "corpus/good", "--strict", "--rebuild"]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn extensions_and_field_names_on_request() {
    let env = TestEnv::new();
    env.write(
        "corpus/OLD.TXT",
        "Old wire story\n\nThe harbour froze in 1963.\n",
    );
    env.write(
        "corpus/export.story",
        r#"{"head": "Custom export", "story_text": "The ferry ran late.", "meta": {"who": "Ana Ruiz"}}"#,
    );
    let (_, out, _) = env.run(&["index", "corpus"]);
    assert!(out.starts_with("up to date: 0 files unchanged"), "{out}");
    assert!(out.contains("the index holds 0 articles"), "{out}");
    let (code, out, err) = env.run(&[
        "index",
        "corpus",
        "--ext",
        "TXT=txt",
        "--ext",
        "story=json",
        "--field",
        "title=head",
        "--field",
        "body=story_text",
        "--field",
        "authors=meta.who",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("indexed 2 articles"), "{out}");
    let (_, out, _) = env.run(&["search", "ferry", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["hits"][0]["title"], "Custom export");
    assert_eq!(v["hits"][0]["authors"], serde_json::json!(["Ana Ruiz"]));
    assert_eq!(total(&env, "froze"), 1);
}

/// Found by the `feed` fuzz target (issue 18): an XML declaration whose encoding value opens
/// with a byte that is not a quote (here 0xE2, read as a three-byte replacement character)
/// made the encoding sniffing slice inside a character and panic, aborting the run.
#[test]
fn an_xml_declaration_with_a_broken_quote_is_read_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.rss");
    std::fs::write(
        &path,
        b"<?xml version=\"1.0\" encoding=\xe2ISO-8859-1\"?>\n<rss version=\"2.0\"><channel>\
          <item><title>Caf\xe9</title><description>Body</description></item></channel></rss>",
    )
    .unwrap();
    let file = lede::corpus::CorpusFile {
        path,
        root_depth: dir.path().components().count() as u16,
        ..Default::default()
    };
    let read = lede::corpus::read(&file, &lede::corpus::ReadOptions::default()).unwrap();
    assert_eq!(read.articles.len(), 1);
    assert_eq!(read.articles[0].body, "Body");
}
