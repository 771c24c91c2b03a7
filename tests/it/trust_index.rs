//! Issue 18, the index on disk: `--rebuild` builds aside and swaps (searches meanwhile always
//! see a whole index; a killed rebuild leaves the old one; a folder lede did not write is
//! refused and left alone), damage is reported by every command with how to rebuild, never a
//! panic, and every file in the index folder gets the same permissions.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::{TestEnv, cut_to_half, segments};

fn article(i: usize) -> String {
    format!(
        "Harbour note {i}\n\nThe tide table for day {i} was posted at the quay. Marker m{i}.\n\nAuthor: Desk\n"
    )
}

/// `n` articles in `corpus/`, indexed into `index/`.
fn indexed(n: usize) -> TestEnv {
    let env = TestEnv::new();
    for i in 0..n {
        env.write(&format!("corpus/d{}/n{i}.txt", i % 7), article(i));
    }
    let (code, _, err) = env.run(&["index", "corpus", "--quiet"]);
    assert_eq!(code, 0, "{err}");
    env
}

/// (exit code, total) of `lede search QUERY --json`; total is None when there is no JSON.
fn search(env: &TestEnv, query: &str) -> (i32, Option<u64>, String) {
    let (code, out, err) = env.run(&["search", query, "--json", "--limit", "0"]);
    let total = serde_json::from_str::<serde_json::Value>(&out)
        .ok()
        .and_then(|v| v["total"].as_u64());
    (code, total, err)
}

/// Every file under `dir` (recursively) and its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(dir).unwrap().to_path_buf();
            files.insert(rel, std::fs::read(entry.path()).unwrap());
        }
    }
    files
}

fn is_segment_file(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or("");
    stem.len() == 32 && stem.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The segment files in the folder that meta.json does not name.
fn strays(index: &Path) -> Vec<String> {
    let ids: Vec<String> = segments(index).into_iter().map(|(id, _)| id).collect();
    let mut out: Vec<String> = std::fs::read_dir(index)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| is_segment_file(n) && !ids.iter().any(|id| n.starts_with(id.as_str())))
        .collect();
    out.sort();
    out
}

#[test]
fn searches_during_a_rebuild_always_see_a_whole_index() {
    let n = 400;
    let env = indexed(n);
    let lede = assert_cmd::cargo::cargo_bin("lede");
    let dir = env.path().to_path_buf();
    let rebuilds = std::thread::spawn(move || {
        for _ in 0..3 {
            let out = Command::new(&lede)
                .args(["index", "corpus", "--rebuild", "--quiet"])
                .current_dir(&dir)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    });
    let mut searches = 0;
    while !rebuilds.is_finished() {
        let (code, total, err) = search(&env, "tide");
        assert_eq!(
            (code, total),
            (0, Some(n as u64)),
            "search {searches} during a rebuild: {err}"
        );
        searches += 1;
    }
    rebuilds.join().unwrap();
    assert!(searches > 0);
    assert_eq!(search(&env, "tide").1, Some(n as u64));
    assert!(!env.path().join("index/.lede-rebuild").exists());
    assert_eq!(strays(&env.path().join("index")), Vec::<String>::new());
    eprintln!("{searches} searches ran during 3 rebuilds, each saw {n} articles");
}

#[test]
fn a_rebuild_refuses_a_folder_holding_an_index_lede_did_not_write_and_deletes_nothing() {
    let env = TestEnv::new();
    env.write("corpus/a.txt", article(1));
    // Another program's tantivy index: a meta.json with no lede payload, and a segment file.
    env.write(
        "other/meta.json",
        r#"{"index_settings":{"docstore_compression":"lz4","docstore_blocksize":16384},"segments":[{"segment_id":"0123abcd-0123-4567-89ab-0123456789ab","max_doc":1,"deletes":null}],"schema":[{"name":"text","type":"text","options":{"indexing":{"record":"basic","fieldnorms":true,"tokenizer":"default"},"stored":true,"fast":false}}],"opstamp":2}"#,
    );
    env.write("other/0123abcd0123456789ab0123456789ab.store", [7u8; 300]);
    env.write(
        "other/.managed.json",
        r#"["meta.json","0123abcd0123456789ab0123456789ab.store"]"#,
    );
    let before = snapshot(&env.path().join("other"));
    let refused =
        "lede: 'other' holds an index that lede did not write (give lede a folder of its own)\n";
    for args in [
        &["index", "corpus", "--index", "other", "--rebuild"][..],
        &["index", "corpus", "--index", "other"],
        &["search", "tide", "--index", "other"],
    ] {
        let (code, _, err) = env.run(args);
        assert_eq!((code, err.as_str()), (2, refused), "{args:?}");
        assert_eq!(snapshot(&env.path().join("other")), before, "{args:?}");
    }
}

/// Waits until a paused rebuild has moved its new segment files into the index folder.
fn wait_for_swap(index: &Path) {
    let started = Instant::now();
    let aside = index.join(".lede-rebuild");
    loop {
        let moved = aside.join("meta.json").is_file()
            && std::fs::read_dir(&aside).is_ok_and(|entries| {
                !entries
                    .flatten()
                    .any(|e| is_segment_file(&e.file_name().to_string_lossy()))
            })
            && !strays(index).is_empty();
        if moved {
            return;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "no swap came");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_rebuild_killed_while_building_or_swapping_leaves_the_old_index_and_the_next_run_finishes() {
    let env = indexed(30);
    for i in 30..40 {
        env.write(&format!("corpus/new/n{i}.txt"), article(i));
    }
    let index = env.path().join("index");
    for (hook, plain_next_run) in [
        ("LEDE_PAUSE_IN_FINAL_COMMIT", true),
        ("LEDE_PAUSE_IN_SWAP", true),
        ("LEDE_PAUSE_IN_SWAP", false),
    ] {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("lede"))
            .args(["index", "corpus", "--rebuild", "--quiet"])
            .current_dir(env.path())
            .env(hook, "1")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        if hook == "LEDE_PAUSE_IN_SWAP" {
            wait_for_swap(&index);
        } else {
            let mut line = String::new();
            std::io::BufRead::read_line(
                &mut std::io::BufReader::new(child.stderr.take().unwrap()),
                &mut line,
            )
            .unwrap();
            assert!(line.contains("pausing in the final commit"), "{line}");
            assert!(index.join(".lede-rebuild/meta.json").is_file());
        }
        // Searches see the old index, whole, while it is paused and after it is killed.
        assert_eq!(search(&env, "tide").1, Some(30), "{hook}");
        child.kill().unwrap(); // SIGKILL
        assert!(!child.wait().unwrap().success());
        assert_eq!(search(&env, "tide").1, Some(30), "{hook}: after the kill");

        let args: &[&str] = if plain_next_run {
            &["index", "corpus"]
        } else {
            &["index", "corpus", "--rebuild"]
        };
        let (code, out, err) = env.run(args);
        assert_eq!(code, 0, "{hook}: {err}");
        if plain_next_run {
            assert_eq!(
                err,
                "lede: warning: index: cleared what a killed `lede index --rebuild` left in the folder\n"
            );
            assert!(
                out.contains("10 added, 0 updated, 0 deleted, 30 unchanged"),
                "{out}"
            );
        }
        assert_eq!(search(&env, "tide").1, Some(40), "{hook}");
        assert!(!index.join(".lede-rebuild").exists(), "{hook}");
        assert_eq!(strays(&index), Vec::<String>::new(), "{hook}");
        // Back to 30 for the next round.
        for i in 30..40 {
            std::fs::remove_file(env.path().join(format!("corpus/new/n{i}.txt"))).unwrap();
        }
        let (code, _, err) = env.run(&["index", "corpus", "--quiet"]);
        assert_eq!(code, 0, "{err}");
        for i in 30..40 {
            env.write(&format!("corpus/new/n{i}.txt"), article(i));
        }
    }
}

#[test]
fn a_rebuild_keeps_saved_searches_and_starts_grouping_over() {
    let env = indexed(10);
    let (code, _, err) = env.run(&["saved", "add", "tides", "tide"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        env.run(&["saved", "run", "tides", "--new"]).0,
        1,
        "baseline"
    );
    // More commits on the old index: its opstamps run ahead of a new index's.
    for i in 10..14 {
        env.write(&format!("corpus/more/n{i}.txt"), article(i));
        assert_eq!(env.run(&["index", "corpus", "--quiet"]).0, 0);
    }
    let saved = std::fs::read(env.path().join("index/saved-searches.json")).unwrap();
    let (code, _, err) = env.run(&["index", "corpus", "--rebuild", "--quiet"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        std::fs::read(env.path().join("index/saved-searches.json")).unwrap(),
        saved,
        "saved searches stay as they were"
    );
    let mark: serde_json::Value =
        serde_json::from_slice(&std::fs::read(env.path().join("index/groups.json")).unwrap())
            .unwrap();
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(env.path().join("index/meta.json")).unwrap())
            .unwrap();
    assert_eq!(
        mark["grouped_through_opstamp"], meta["opstamp"],
        "grouping's mark is the new index's"
    );
    // The four articles added since the baseline are new; the rebuild re-announces nothing else.
    let (code, out, _) = env.run(&["saved", "run", "tides", "--new", "--json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["results"]["total"], 4, "{out}");
}

/// Damages the index in `index/` one way; gives the reason the message must give.
fn damage(env: &TestEnv, kind: &str) -> String {
    let index = env.path().join("index");
    let (id, max_doc) = segments(&index).remove(0);
    let file = |ext: &str| index.join(format!("{id}.{ext}"));
    match kind {
        "idx overwritten in the middle" => {
            let path = file("idx");
            let mut bytes = std::fs::read(&path).unwrap();
            let mid = bytes.len() / 2;
            bytes[mid..mid + 16].copy_from_slice(b"XXXXXXXXXXXXXXXX");
            std::fs::write(&path, bytes).unwrap();
            format!("its file '{id}.idx' does not match its checksum")
        }
        "store truncated" => {
            cut_to_half(&file("store"));
            format!("its file '{id}.store' is cut short or overwritten at its end")
        }
        // Shorter than the footer's trailer: tantivy itself panicked on 4 to 7 bytes.
        "idx cut to 7 bytes" => {
            std::fs::write(file("idx"), b"7 bytes").unwrap();
            format!("its file '{id}.idx' is cut short or overwritten at its end")
        }
        "a segment file missing" => {
            std::fs::remove_file(file("term")).unwrap();
            format!("its file '{id}.term' is missing")
        }
        "max_doc wrong in meta.json" => {
            let path = index.join("meta.json");
            let text = std::fs::read_to_string(&path).unwrap();
            let wrong = text.replacen(
                &format!("\"max_doc\": {max_doc},"),
                &format!("\"max_doc\": {},", max_doc + 40),
                1,
            );
            assert_ne!(wrong, text);
            std::fs::write(&path, wrong).unwrap();
            format!(
                "meta.json gives segment {} {} documents, and its files hold {max_doc}",
                &id[..8],
                max_doc + 40
            )
        }
        _ => unreachable!(),
    }
}

const DAMAGE: [&str; 5] = [
    "idx overwritten in the middle",
    "store truncated",
    "idx cut to 7 bytes",
    "a segment file missing",
    "max_doc wrong in meta.json",
];

#[test]
fn a_damaged_index_is_reported_by_every_command_and_rebuilt() {
    for kind in DAMAGE {
        let env = indexed(12);
        let (code, _, err) = env.run(&["saved", "add", "tides", "tide"]);
        assert_eq!(code, 0, "{err}");
        let reason = damage(&env, kind);
        let expected = format!(
            "lede: the index at 'index' is damaged ({reason}): run `lede index --rebuild --index index` to build it again\n"
        );
        for args in [
            &["search", "tide"][..],
            &["search", "tide", "--sort", "newest", "--all"],
            &["similar", "corpus/d1/n1.txt"],
            &["trend", "tide"],
            &["show", "corpus/d1/n1.txt"],
            &["stats"],
            &["terms", "tide"],
            &["saved", "run", "tides"],
            &["index", "corpus"],
            &["serve", "--listen", "127.0.0.1:0"],
        ] {
            let (code, out, err) = env.run(args);
            assert_eq!(
                (code, out.as_str(), err.as_str()),
                (2, "", expected.as_str()),
                "{kind}: {args:?}"
            );
        }
        let (code, _, err) = env.run(&["index", "corpus", "--rebuild", "--quiet"]);
        assert_eq!(code, 0, "{kind}: {err}");
        assert_eq!(search(&env, "tide").1, Some(12), "{kind}");
        assert_eq!(strays(&env.path().join("index")), Vec::<String>::new());
    }
}

#[test]
fn a_file_damaged_under_an_open_engine_is_reported_as_damage_not_a_panic() {
    // An engine already open when its files are damaged in place (what a server lives
    // through): the call that meets the bytes ends in an error that names the damage.
    let env = indexed(12);
    let index = env.path().join("index");
    let engine = lede::Engine::open(&index).unwrap();
    for entry in std::fs::read_dir(&index).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if is_segment_file(&name) && name.ends_with(".term") {
            // 64 bytes in its middle overwritten in place (the open engine's maps see them):
            // tantivy panics on them in this build (an overflow in its term dictionary).
            let mut bytes = std::fs::read(&path).unwrap();
            let mid = bytes.len() / 2;
            bytes[mid..mid + 64].fill(0xff);
            std::fs::write(&path, bytes).unwrap();
        }
    }
    let req = lede::model::TermsRequest {
        query: "tide".into(),
        ..Default::default()
    };
    let err = engine.terms(&req).unwrap_err().to_string();
    assert!(
        err.starts_with("the index at '")
            && err.contains("is damaged (its file '")
            && err.contains(".term' does not match its checksum)"),
        "{err}"
    );
}

/// What a file created now gets: the umask's default.
fn new_file_mode(dir: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    let probe = dir.join("probe");
    std::fs::write(&probe, "x").unwrap();
    let mode = std::fs::metadata(&probe).unwrap().permissions().mode() & 0o777;
    std::fs::remove_file(probe).unwrap();
    mode
}

#[test]
fn index_files_are_created_with_the_same_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let env = indexed(12);
    assert_eq!(env.run(&["saved", "add", "tides", "tide"]).0, 0);
    assert_eq!(env.run(&["saved", "run", "tides"]).0, 0);
    env.write("corpus/more/n99.txt", article(99));
    assert_eq!(env.run(&["index", "corpus", "--quiet"]).0, 0);
    let expected = new_file_mode(env.path());
    for round in ["after indexing", "after a rebuild"] {
        let mut modes: BTreeMap<String, u32> = BTreeMap::new();
        for entry in std::fs::read_dir(env.path().join("index")).unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name().to_string_lossy().into_owned();
            let name = if is_segment_file(&name) {
                format!("(segment).{}", name.split_once('.').unwrap().1)
            } else {
                name
            };
            let mode = entry.metadata().unwrap().permissions().mode() & 0o777;
            modes.insert(name, mode);
        }
        let odd: Vec<_> = modes.iter().filter(|(_, m)| **m != expected).collect();
        assert!(odd.is_empty(), "{round}: not {expected:o}: {odd:?}");
        assert!(modes.contains_key("meta.json") && modes.contains_key(".managed.json"));
        assert!(modes.contains_key("saved-searches.json") && modes.contains_key("groups.json"));
        assert_eq!(env.run(&["index", "corpus", "--rebuild", "--quiet"]).0, 0);
    }
}
