//! Issue 18, the data side: no input aborts a run, nothing is indexed twice or lost. Each test
//! is named for what it guards, through the real binary in a temp folder.

use crate::harness::TestEnv;

fn index(env: &TestEnv, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["index", "--json"];
    all.extend_from_slice(args);
    let (code, out, err) = env.run(&all);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap_or_else(|_| panic!("no JSON: {out} {err}"))
}

/// added, updated, deleted, unchanged, total.
fn counts(s: &serde_json::Value) -> [u64; 5] {
    ["added", "updated", "deleted", "unchanged", "total"].map(|k| s[k].as_u64().unwrap())
}

fn note(i: usize) -> String {
    format!("Harbour note {i}\n\nThe tide table for day {i} was posted at the quay.\n")
}

#[test]
fn a_page_of_30000_nested_elements_is_indexed_beside_the_other_files() {
    let env = TestEnv::new();
    let depth = 30_000;
    env.write(
        "corpus/deep.html",
        format!(
            "<html><head><title>Nested deep</title></head><body>{}quay{}</body></html>",
            "<div><span>".repeat(depth),
            "</span></div>".repeat(depth)
        ),
    );
    env.write("corpus/a.txt", note(1));
    let s = index(&env, &["corpus"]);
    assert_eq!(counts(&s), [2, 0, 0, 0, 2]);
    assert_eq!(counts(&index(&env, &["corpus"])), [0, 0, 0, 2, 2]);
}

#[test]
fn a_folder_given_twice_is_indexed_once() {
    let env = TestEnv::new();
    env.write("corpus/a.txt", note(1));
    env.write("corpus/news/b.txt", note(2));
    let s = index(&env, &["corpus", "corpus/", "./corpus", "corpus/news"]);
    assert_eq!(counts(&s), [2, 0, 0, 0, 2]);
    let full = env.path().join("corpus");
    let s = index(&env, &[full.to_str().unwrap()]);
    assert_eq!(
        counts(&s),
        [0, 0, 0, 2, 2],
        "the full path is the same root"
    );
    let (_, _, err) = env.run(&["index", "corpus", "corpus/news"]);
    assert!(
        err.contains("'corpus/news' is inside 'corpus': indexed once, as part of 'corpus'"),
        "{err}"
    );
}

/// Adds a second copy of every article, as lede did when a folder was given twice.
fn duplicate_every_article(dir: &std::path::Path) {
    use tantivy::collector::DocSetCollector;
    use tantivy::query::AllQuery;
    use tantivy::schema::document::TantivyDocument;
    let store = lede::index::store::open(dir).unwrap();
    let payload = store.payload().unwrap();
    let searcher = store.reader(dir).unwrap().searcher();
    let docs = searcher.search(&AllQuery, &DocSetCollector).unwrap();
    let mut writer: tantivy::IndexWriter = store
        .index
        .writer(lede::index::store::SMALL_WRITER_HEAP)
        .unwrap();
    for address in docs {
        let doc: TantivyDocument = searcher.doc(address).unwrap();
        writer.add_document(doc).unwrap();
    }
    let mut commit = writer.prepare_commit().unwrap();
    commit.set_payload(&lede::index::store::payload(&payload.roots));
    commit.commit().unwrap();
}

#[test]
fn an_index_holding_files_twice_is_repaired_on_the_next_run() {
    let env = TestEnv::new();
    env.write("corpus/a.txt", note(1));
    env.write("corpus/b.txt", note(2));
    env.write(
        "corpus/wire.jsonl",
        "{\"title\": \"A\", \"body\": \"wire one\"}\n{\"title\": \"B\", \"body\": \"wire two\"}\n",
    );
    assert_eq!(counts(&index(&env, &["corpus"])), [3, 0, 0, 0, 4]);
    duplicate_every_article(&env.path().join("index"));
    // Only stored fields are copied: the copies have no file stamp, which is fine here.
    let s = index(&env, &["corpus"]);
    assert_eq!(counts(&s), [0, 3, 0, 0, 4]);
    assert_eq!(counts(&index(&env, &["corpus"])), [0, 0, 0, 3, 4]);
}

#[cfg(unix)]
#[test]
fn a_file_with_a_name_that_is_not_utf8_is_unchanged_on_the_next_run() {
    use std::os::unix::ffi::OsStrExt;
    let env = TestEnv::new();
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.txt");
    std::fs::create_dir_all(env.path().join("corpus")).unwrap();
    std::fs::write(env.path().join("corpus").join(name), note(1)).unwrap();
    env.write("corpus/b.txt", note(2));
    assert_eq!(counts(&index(&env, &["corpus"])), [2, 0, 0, 0, 2]);
    assert_eq!(counts(&index(&env, &["corpus"])), [0, 0, 0, 2, 2]);
}

fn total(env: &TestEnv, query: &str) -> u64 {
    let (_, out, err) = env.run(&["search", query, "--json", "--limit", "0"]);
    let v: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|_| panic!("no JSON: {out} {err}"));
    v["total"].as_u64().unwrap()
}

#[test]
fn watch_follows_a_root_moved_away_and_made_again() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let env = TestEnv::new();
    env.write("corpus/a.txt", note(1));
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("lede"))
        .current_dir(env.path())
        .args(["watch", "corpus"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    assert!(first.contains("watching 'corpus'"), "{first}");

    std::fs::rename(env.path().join("corpus"), env.path().join("moved")).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    // Made again whole (a folder renamed into place), so the check sees it with its file.
    env.write("new/b.txt", note(2));
    std::fs::rename(env.path().join("new"), env.path().join("corpus")).unwrap();
    // The re-watch syncs: b is added, a (gone from the new folder) deleted.
    let line = lines.next().unwrap().unwrap();
    assert!(line.contains("1 added, 0 updated, 1 deleted"), "{line}");
    env.write("corpus/c.txt", note(3));
    let line = lines.next().unwrap().unwrap();
    assert!(line.contains("1 added, 0 updated, 0 deleted"), "{line}");
    assert_eq!(total(&env, "day"), 2);

    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains(
            "lede: warning: corpus: the folder was moved or deleted: changes are not followed \
             until it is back (its articles stay in the index)"
        ),
        "{err}"
    );
    assert!(
        err.contains("lede: warning: corpus: the folder was replaced (moved away and made again)"),
        "{err}"
    );
}

#[test]
fn records_without_text_cost_a_count_not_an_article() {
    let env = TestEnv::new();
    let mut lines = "{}\n".repeat(100_000);
    lines.push_str("{\"title\": \"Quay opens\", \"body\": \"The quay opened.\"}\n");
    env.write("corpus/wire.jsonl", lines);
    let s = index(&env, &["corpus"]);
    assert_eq!(counts(&s), [1, 0, 0, 0, 1]);
    assert_eq!(s["empty_records"], 100_000);
}

#[test]
fn json_nested_past_serde_json_limit_is_a_warning() {
    let env = TestEnv::new();
    let deep = format!("{}1{}", "[".repeat(10_000), "]".repeat(10_000));
    env.write(
        "corpus/wire.jsonl",
        format!("{{\"title\": \"Deep\", \"body\": {deep}}}\n{{\"title\": \"Flat\"}}\n"),
    );
    env.write("corpus/deep.json", format!("{{\"title\": {deep}}}"));
    let (code, out, err) = env.run(&["index", "corpus"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("indexed 1 article from 1 file"), "{out}");
    assert!(
        err.contains("wire.jsonl: line 1: JSON nested more than 128 levels deep (skipped)"),
        "{err}"
    );
    assert!(
        err.contains("deep.json: corrupt: malformed JSON at line 1, column 137 (nested more than 128 levels deep): nothing in it could be read"),
        "{err}"
    );
}

#[test]
fn an_article_past_the_limit_is_cut_with_a_warning() {
    let env = TestEnv::new();
    let body = "quay ".repeat(500_000); // 2.5 MB
    env.write("corpus/long.txt", format!("Long\n\n{body}"));
    env.write(
        "corpus/wire.jsonl",
        format!("{{\"title\": \"Long wire\", \"body\": \"{body}\"}}\n{{\"title\": \"Short\"}}\n"),
    );
    let (code, out, err) = env.run(&["index", "corpus", "--max-article-mb", "1"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("indexed 3 articles from 2 files"), "{out}");
    let warning =
        "an article longer than 1 MB: only its first 1 MB are indexed (see --max-article-mb)";
    assert!(err.contains(&format!("long.txt: {warning}")), "{err}");
    assert!(err.contains(&format!("wire.jsonl: {warning}")), "{err}");
}

#[test]
fn exclude_globs_and_ledeignore_leave_files_out() {
    let env = TestEnv::new();
    env.write("corpus/a.txt", note(1));
    env.write(
        "corpus/README.txt",
        "About this corpus\n\nNot an article.\n",
    );
    env.write("corpus/lists/all-topics-strings.lc.txt", "acq\nalum\n");
    env.write("corpus/lists/b.txt", note(2));
    assert_eq!(counts(&index(&env, &["corpus"])), [4, 0, 0, 0, 4]);
    // Left out now: their articles go.
    let s = index(
        &env,
        &["corpus", "--exclude", "README.txt", "--exclude", "*.lc.txt"],
    );
    assert_eq!(counts(&s), [0, 0, 2, 2, 2]);
    env.write("corpus/.ledeignore", "# not articles\n/lists/\n");
    let s = index(&env, &["corpus", "--exclude", "README.txt"]);
    assert_eq!(counts(&s), [0, 0, 1, 1, 1]);
}

#[test]
fn index_with_no_folder_refreshes_the_index_own_folders() {
    let env = TestEnv::new();
    env.write("news/a.txt", note(1));
    env.write("wire/b.txt", note(2));
    assert_eq!(counts(&index(&env, &["news", "wire"])), [2, 0, 0, 0, 2]);
    env.write("wire/c.txt", note(3));
    let s = index(&env, &[]);
    assert_eq!(counts(&s), [1, 0, 0, 2, 3]);
    // Without an index, no folder still means corpus/.
    let (code, _, err) = env.run(&["index", "--index", "other"]);
    assert_eq!(code, 2);
    assert!(err.contains("corpus"), "{err}");
}
