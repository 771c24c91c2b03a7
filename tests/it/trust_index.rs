//! Issue 18, the index on disk: every file in the index folder gets the same permissions.

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

fn is_segment_file(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or("");
    stem.len() == 32 && stem.bytes().all(|b| b.is_ascii_hexdigit())
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
