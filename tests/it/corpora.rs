//! Real corpora from ../shared: run when present, skipped with a notice when not.

use std::path::PathBuf;

use crate::harness::TestEnv;

fn shared(rel: &str) -> Option<PathBuf> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared")
        .join(rel);
    if path.exists() {
        Some(path)
    } else {
        eprintln!("skipped: {} is absent", path.display());
        None
    }
}

#[test]
fn bbc_and_seed_together_rank_the_seed_first_for_anti_satellite() {
    let (Some(bbc), Some(seed)) = (shared("corpora/bbc"), shared("seed")) else {
        return;
    };
    let env = TestEnv::new();
    let (code, out, err) = env.run(&[
        "index",
        bbc.to_str().unwrap(),
        seed.to_str().unwrap(),
        "--index",
        "idx",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("indexed 2,226 articles from 2,226 files"),
        "{out}"
    );
    // BBC's README.TXT is not an article; sport/199.txt is Latin-1 and read as such.
    assert!(out.contains("unsupported extension .TXT: 1"), "{out}");
    assert!(err.contains("sport/199.txt: not valid UTF-8"), "{err}");

    let (code, out, err) = env.run(&["search", "anti-satellite", "--index", "idx", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let top = &v["hits"][0];
    assert!(
        top["path"]
            .as_str()
            .unwrap()
            .ends_with("seed/000_3a8178c19693c342.txt"),
        "{top}"
    );
    assert_eq!(top["authors"], serde_json::json!(["zmhuaxia"]));
    let highlighted: Vec<String> = top["passages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| {
            let text = p["text"].as_str().unwrap().to_string();
            p["highlights"]
                .as_array()
                .unwrap()
                .iter()
                .map(move |r| {
                    text[r[0].as_u64().unwrap() as usize..r[1].as_u64().unwrap() as usize]
                        .to_string()
                })
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(
        highlighted.iter().any(|h| h == "anti satellite"),
        "{highlighted:?}"
    );
    assert!(
        highlighted.iter().all(|h| h == "anti satellite"),
        "{highlighted:?}"
    );

    let (code, out, _) = env.run(&["search", "the", "--index", "idx", "--json", "--limit", "0"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(v["total"].as_u64().unwrap() > 2000);
}
