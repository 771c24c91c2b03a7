//! Issue 18, the index on disk: damage is reported by every command with how to rebuild, never
//! a panic, and every file in the index folder gets the same permissions.

use std::collections::BTreeMap;
use std::path::Path;

use crate::harness::TestEnv;

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

/// The segment ids meta.json lists, with their document counts.
fn segments(index: &Path) -> Vec<(String, u64)> {
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(index.join("meta.json")).unwrap()).unwrap();
    meta["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["segment_id"].as_str().unwrap().replace('-', ""),
                s["max_doc"].as_u64().unwrap(),
            )
        })
        .collect()
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
            let path = file("store");
            let len = std::fs::metadata(&path).unwrap().len();
            std::fs::File::options()
                .write(true)
                .open(&path)
                .unwrap()
                .set_len(len / 2)
                .unwrap();
            format!("its file '{id}.store' is cut short or overwritten at its end")
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

const DAMAGE: [&str; 4] = [
    "idx overwritten in the middle",
    "store truncated",
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
