//! Re-indexing: incremental runs, roots, a killed indexer, searching alongside, `watch`,
//! `stats` and `optimize`, through the real binary.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::TestEnv;

fn article(i: usize) -> String {
    format!(
        "Harbour note {i}\n\nThe tide table for day {i} was posted at the quay. Marker m{i}.\n\nAuthor: Desk\n"
    )
}

fn total(env: &TestEnv, query: &str) -> u64 {
    let (_, out, err) = env.run(&["search", query, "--json", "--limit", "0"]);
    let v: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|_| panic!("no JSON: {out} {err}"));
    v["total"].as_u64().unwrap()
}

fn summary(env: &TestEnv, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["index", "--json"];
    all.extend_from_slice(args);
    let (code, out, err) = env.run(&all);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

fn counts(s: &serde_json::Value) -> [u64; 5] {
    ["added", "updated", "deleted", "unchanged", "total"].map(|k| s[k].as_u64().unwrap())
}

#[test]
fn second_runs_read_only_what_changed() {
    let env = TestEnv::new();
    for i in 0..5 {
        env.write(&format!("corpus/n{i}.txt"), article(i));
    }
    env.write(
        "corpus/wire.jsonl",
        "{\"title\": \"A\", \"body\": \"wire one\"}\n{\"title\": \"B\", \"body\": \"wire two\"}\n",
    );
    assert_eq!(counts(&summary(&env, &[])), [6, 0, 0, 0, 7]);

    let again = summary(&env, &[]);
    assert_eq!(counts(&again), [0, 0, 0, 6, 7]);
    assert_eq!(again["files"], 0, "unchanged files are not read");
    let (_, out, _) = env.run(&["index"]);
    assert!(
        out.starts_with("up to date: 6 files unchanged, checked in "),
        "{out}"
    );

    // Edit one, add one, delete one; a JSON Lines file is replaced as a whole.
    env.write(
        "corpus/n1.txt",
        "Harbour note 1\n\nRewritten: the quay is closed.\n",
    );
    env.write("corpus/n9.txt", article(9));
    std::fs::remove_file(env.path().join("corpus/n2.txt")).unwrap();
    env.write(
        "corpus/wire.jsonl",
        "{\"title\": \"C\", \"body\": \"wire three\"}\n",
    );
    let s = summary(&env, &[]);
    assert_eq!(counts(&s), [1, 2, 1, 3, 6]);
    assert_eq!(s["articles"], 3);
    assert_eq!(total(&env, "m1"), 0);
    assert_eq!(total(&env, "rewritten"), 1);
    assert_eq!(total(&env, "m2"), 0);
    assert_eq!(total(&env, "m9"), 1);
    assert_eq!(total(&env, "wire"), 1);
    let (_, out, _) = env.run(&["index"]);
    assert!(out.starts_with("up to date: 6 files unchanged"), "{out}");

    // --keep-deleted keeps a gone file's articles; --rebuild starts again.
    std::fs::remove_file(env.path().join("corpus/n3.txt")).unwrap();
    assert_eq!(counts(&summary(&env, &["--keep-deleted"])), [0, 0, 0, 5, 6]);
    assert_eq!(total(&env, "m3"), 1);
    assert_eq!(counts(&summary(&env, &["--rebuild"])), [5, 0, 0, 0, 5]);
    assert_eq!(total(&env, "m3"), 0);
}

#[test]
fn other_roots_need_add_or_rebuild() {
    let env = TestEnv::new();
    env.write("a/one.txt", article(1));
    env.write("b/two.txt", article(2));
    assert_eq!(summary(&env, &["a"])["total"], 1);
    let (code, _, err) = env.run(&["index", "b"]);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "lede: the index at 'index' holds 'a', not 'b': add --add to index it beside them, \
         or --rebuild to start again from what you give\n"
    );
    assert_eq!(total(&env, "m1"), 1, "nothing was removed");
    assert_eq!(counts(&summary(&env, &["b", "--add"])), [1, 0, 0, 0, 2]);
    // Both roots are now the index's own, and either one alone updates just itself.
    assert_eq!(counts(&summary(&env, &["a", "b"])), [0, 0, 0, 2, 2]);
    std::fs::remove_file(env.path().join("b/two.txt")).unwrap();
    let s = summary(&env, &["a"]);
    assert_eq!(
        counts(&s),
        [0, 0, 0, 1, 2],
        "a run over 'a' leaves 'b' alone"
    );
    assert_eq!(counts(&summary(&env, &["b", "a"])), [0, 0, 1, 1, 1]);
    let (_, out, _) = env.run(&["stats", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["roots"], serde_json::json!(["a", "b"]));
}

fn spawn(env: &TestEnv, args: &[&str], envs: &[(&str, &str)]) -> Child {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("lede"));
    cmd.current_dir(env.path())
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd.spawn().unwrap()
}

fn committed(env: &TestEnv) -> Option<u64> {
    let (code, out, _) = env.run(&["stats", "--json"]);
    if code != 0 {
        return None;
    }
    let v: serde_json::Value = serde_json::from_str(&out).ok()?;
    v["articles"].as_u64()
}

#[test]
fn a_killed_indexer_keeps_its_last_commit_and_the_next_run_finishes() {
    let env = TestEnv::new();
    let n: u64 = 3000;
    for i in 0..n {
        env.write(&format!("corpus/d{}/n{i}.txt", i % 10), article(i as usize));
    }
    let mut child = spawn(&env, &["index", "--commit-every", "25"], &[]);
    let start = Instant::now();
    let seen = loop {
        if let Some(k) = committed(&env).filter(|&k| k > 0) {
            break k;
        }
        assert!(start.elapsed() < Duration::from_secs(60), "no commit came");
        std::thread::sleep(Duration::from_millis(10));
    };
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(
        !status.success(),
        "killed mid-run (it had committed {seen})"
    );
    let after_kill = committed(&env).unwrap();
    assert!(after_kill >= seen && after_kill < n, "{after_kill}");
    assert_eq!(
        total(&env, "tide"),
        after_kill,
        "the last commit is searchable"
    );

    let s = summary(&env, &[]);
    assert_eq!(s["total"], n, "{s}");
    assert_eq!(
        s["added"].as_u64().unwrap() + s["unchanged"].as_u64().unwrap(),
        n
    );
    assert_eq!(total(&env, "tide"), n);
    assert_eq!(total(&env, "m2999"), 1, "no duplicates");
}

#[test]
fn killed_in_the_final_commit_searches_go_on_and_the_next_run_finishes() {
    let env = TestEnv::new();
    for i in 0..40 {
        env.write(&format!("corpus/n{i}.txt"), article(i));
    }
    assert_eq!(summary(&env, &[])["total"], 40);
    for i in 40..60 {
        env.write(&format!("corpus/n{i}.txt"), article(i));
    }
    for i in 0..5 {
        std::fs::remove_file(env.path().join(format!("corpus/n{i}.txt"))).unwrap();
    }
    let mut child = spawn(&env, &["index"], &[("LEDE_PAUSE_IN_FINAL_COMMIT", "1")]);
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    assert!(line.contains("pausing in the final commit"), "{line}");

    // While it holds the lock: searches see the last commit; another indexer is refused.
    assert_eq!(total(&env, "tide"), 40);
    let started = Instant::now();
    let (code, _, err) = env.run(&["index"]);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "lede: another lede index is writing to 'index' (wait for it to finish)\n"
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "refused at once"
    );

    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(total(&env, "tide"), 40, "the killed commit never happened");
    let s = summary(&env, &[]);
    assert_eq!(counts(&s), [20, 0, 5, 35, 55]);
    assert_eq!(total(&env, "m0"), 0);
    assert_eq!(total(&env, "m59"), 1);
}

#[test]
fn stats_and_optimize() {
    let env = TestEnv::new();
    for i in 0..6 {
        env.write(&format!("corpus/n{i}.txt"), article(i));
    }
    env.write(
        "corpus/w.jsonl",
        "{\"title\": \"J\", \"body\": \"json body\", \"source\": \"Wire\"}\n",
    );
    summary(&env, &[]);
    std::fs::remove_file(env.path().join("corpus/n0.txt")).unwrap();
    env.write("corpus/n1.txt", "Harbour note 1\n\nchanged\n");
    summary(&env, &[]);
    let (code, out, _) = env.run(&["stats", "--json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["articles"], 6);
    // Deleted documents take room until merged away: as many as the segments hold beyond the
    // live articles (how many depends on how the writer's threads split the documents, and
    // on merges of segments that are mostly deleted).
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(env.path().join("index/meta.json")).unwrap())
            .unwrap();
    let segments = meta["segments"].as_array().unwrap();
    let max_docs: u64 = segments
        .iter()
        .map(|s| s["max_doc"].as_u64().unwrap())
        .sum();
    let deleted = v["deleted"].as_u64().unwrap();
    assert_eq!(deleted, max_docs - 6, "{v}");
    assert_eq!(v["segments"].as_u64().unwrap(), segments.len() as u64);
    assert_eq!(v["roots"], serde_json::json!(["corpus"]));
    assert_eq!(v["by"][0]["field"], "format");
    assert_eq!(
        v["by"][0]["values"][0],
        serde_json::json!({"value": "txt", "count": 5})
    );
    assert_eq!(
        v["by"][1]["values"][0],
        serde_json::json!({"value": "Wire", "count": 1})
    );
    let (_, text, _) = env.run(&["stats"]);
    assert!(
        text.contains("articles:   6\n") && text.contains("corpus:     'corpus'\n"),
        "{text}"
    );

    let (code, out, err) = env.run(&["optimize", "--json"]);
    assert_eq!(code, 0, "{err}");
    let o: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(o["segments_after"], 1);
    assert_eq!(o["deleted_removed"], deleted);
    let (_, out, _) = env.run(&["stats", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (
            v["articles"].as_u64(),
            v["deleted"].as_u64(),
            v["segments"].as_u64()
        ),
        (Some(6), Some(0), Some(1))
    );
    assert_eq!(
        v["roots"],
        serde_json::json!(["corpus"]),
        "the payload survives the merge"
    );
    let files = std::fs::read_dir(env.path().join("index")).unwrap().count();
    assert!(files <= 12, "merged-away files are gone ({files} files)");
    assert_eq!(total(&env, "changed"), 1);
}

/// Reads lines from a child's stdout until one contains `want`.
fn wait_for(lines: &mut impl Iterator<Item = std::io::Result<String>>, want: &str) -> String {
    for line in lines.by_ref() {
        let line = line.unwrap();
        if line.contains(want) {
            return line;
        }
    }
    panic!("the watch ended before printing {want:?}");
}

#[test]
fn watch_follows_files_that_appear_change_and_vanish() {
    let env = TestEnv::new();
    env.write("corpus/a.txt", article(1));
    let mut child = spawn(&env, &["watch"], &[]);
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let mut lines = stdout.lines();
    let first = wait_for(&mut lines, "watching");
    assert!(first.contains("up to date (1 added, 0 updated, 0 deleted, 0 unchanged); the index holds 1 article; watching 'corpus'"), "{first}");

    env.write("corpus/sub/b.txt", article(2));
    let line = wait_for(&mut lines, "added");
    assert!(
        line.contains(
            "1 added, 0 updated, 0 deleted: 1 article written; the index holds 2 articles"
        ),
        "{line}"
    );
    assert_eq!(total(&env, "m2"), 1);

    env.write("corpus/sub/b.txt", "Harbour note 2\n\nEdited at noon.\n");
    let line = wait_for(&mut lines, "updated");
    assert!(line.contains("0 added, 1 updated, 0 deleted"), "{line}");
    assert_eq!(total(&env, "noon"), 1);
    assert_eq!(total(&env, "m2"), 0);

    std::fs::remove_file(env.path().join("corpus/a.txt")).unwrap();
    let line = wait_for(&mut lines, "deleted");
    assert!(
        line.contains(
            "0 added, 0 updated, 1 deleted: 0 articles written; the index holds 1 article"
        ),
        "{line}"
    );
    assert_eq!(total(&env, "m1"), 0);

    // A batch of nothing but a bad file still gets its line.
    env.write("corpus/bad.json", "{\"title\": ");
    let line = wait_for(&mut lines, "skipped");
    assert!(
        line.contains("0 added, 0 updated, 0 deleted, 1 skipped (see the warnings)"),
        "{line}"
    );

    // Ctrl-C: what is pending is committed, and the watch ends cleanly.
    env.write("corpus/c.txt", article(3));
    std::thread::sleep(Duration::from_millis(100)); // seen, not yet indexed (see watch::QUIET)
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "{status}");
    assert_eq!(
        total(&env, "m3"),
        1,
        "the last file was indexed before stopping"
    );
}
