//! Relevance tools through the real binary: eval on a hand-made collection (known answers)
//! and on TIME, the fall-back to any word, --explain, --explain-query, show, and exact.

use crate::harness::TestEnv;

/// A tiny SMART collection written for this test: three documents, two queries.
fn tiny(env: &TestEnv) {
    env.write(
        "tiny/T.ALL",
        "*TEXT 001 01/04/63 PAGE 001\n\nGRAIN SHIPS LEFT THE HARBOUR\n\
         *TEXT 002 01/04/63 PAGE 002\n\nTHE HARBOUR FROZE IN WINTER\n\
         *TEXT 003 01/04/63 PAGE 003\n\nOIL PRICES ROSE AND GRAIN FELL\n*STOP\n",
    );
    env.write(
        "tiny/T.QUE",
        "*FIND 1\n\n GRAIN SHIPS .\n\n*FIND 2\n\n FROZEN HARBOUR .\n*STOP\n",
    );
    env.write("tiny/T.REL", "1 1\n2 2 4\n");
}

#[test]
fn eval_on_a_hand_made_collection() {
    let env = TestEnv::new();
    tiny(&env);
    let (code, out, err) = env.run(&["eval", "tiny", "--json", "--verbose"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["documents"], 3);
    assert_eq!(v["queries"], 2);
    assert_eq!(
        v["notes"],
        serde_json::json!(["1 judgments name documents past the 3 present, and are left out"])
    );
    let lede = &v["runs"][0];
    // Query 1: document 1 first (both words). Query 2: "frozen harbour" finds 2 ("froze"
    // stems to "froze", not "frozen": only harbour matches) first, as it is the shortest.
    let per: Vec<(String, f64)> = lede["per_query"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            (
                q[0].as_str().unwrap().to_string(),
                q[1]["map"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(per[0], ("1".to_string(), 1.0));
    assert_eq!(per[1].0, "2");
    assert_eq!(lede["mean"]["p10"], 0.1);
    let (code, text, _) = env.run(&["eval", "tiny"]);
    assert_eq!(code, 0);
    assert!(
        text.starts_with("tiny: 3 documents, 2 queries with judgments\n"),
        "{text}"
    );
    assert!(
        text.contains("lede: stems, stop words out, auto, proximity 0.5/4"),
        "{text}"
    );
}

#[test]
fn eval_on_time_beats_tantivy_defaults() {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora/time");
    if !path.exists() {
        eprintln!("skipped: {} is absent", path.display());
        return;
    }
    let env = TestEnv::new();
    let (code, out, err) = env.run(&["eval", path.to_str().unwrap(), "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["documents"], 423);
    assert_eq!(
        v["queries"], 82,
        "query 15 judges only documents past the collection"
    );
    let (lede, tantivy) = (&v["runs"][0]["mean"], &v["runs"][1]["mean"]);
    for metric in ["map", "ndcg10"] {
        let (l, t) = (
            lede[metric].as_f64().unwrap(),
            tantivy[metric].as_f64().unwrap(),
        );
        eprintln!("TIME {metric}: lede {l:.4}, tantivy defaults {t:.4}");
        assert!(l > t, "{metric}: {l} <= {t}");
    }
}

fn corpus(env: &TestEnv) {
    env.write("corpus/a.txt", "Harbour budget approved\n\nThe harbour board approved the agency's budget for expenses.\n\nTo be or not to be was the question.\n");
    env.write(
        "corpus/b.txt",
        "Ferry expense\n\nOne expense was the ferry.\n",
    );
    env.write(
        "corpus/c.txt",
        "Grain ships\n\nGrain ships left the harbour at dawn.\n",
    );
    let (code, _, err) = env.run(&["index"]);
    assert_eq!(code, 0, "{err}");
}

fn total(env: &TestEnv, args: &[&str]) -> u64 {
    let mut all = vec!["search", "--json", "--limit", "0"];
    all.extend_from_slice(args);
    let (_, out, err) = env.run(&all);
    serde_json::from_str::<serde_json::Value>(&out)
        .unwrap_or_else(|_| panic!("{out} {err}"))["total"]
        .as_u64()
        .unwrap()
}

#[test]
fn exact_words_are_not_stemmed_and_keep_stop_words() {
    let env = TestEnv::new();
    corpus(&env);
    assert_eq!(
        total(&env, &["expenses"]),
        2,
        "stemmed: expense and expenses"
    );
    assert_eq!(total(&env, &["exact:expenses"]), 1);
    assert_eq!(total(&env, &["expenses", "--exact"]), 1);
    assert_eq!(
        total(&env, &["\"to be or not to be\""]),
        1,
        "quoted, stop words are kept (issue 13)"
    );
    assert_eq!(total(&env, &["exact:\"to be or not to be\""]), 1);
    let (_, out, _) = env.run(&["search", "exact:expenses", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let p = &v["hits"][0]["passages"][0];
    let r = &p["highlights"][0];
    let text = p["text"].as_str().unwrap();
    assert_eq!(
        &text[r[0].as_u64().unwrap() as usize..r[1].as_u64().unwrap() as usize],
        "expenses"
    );
}

#[test]
fn explain_names_terms_fields_and_boosts() {
    let env = TestEnv::new();
    corpus(&env);
    let (code, out, _) = env.run(&[
        "search",
        "harbour",
        "--explain",
        "--color",
        "never",
        "-n",
        "1",
    ]);
    assert_eq!(code, 0);
    assert!(out.contains("Boost x2"), "{out}");
    assert!(
        out.contains("title:harbour: BM25 with 1 occurrence(s)"),
        "{out}"
    );
    assert!(
        out.contains("body:harbour: BM25 with 1 occurrence(s)"),
        "{out}"
    );
    // A phrase names its field and words (tantivy's explanation does not); the proximity
    // bonus of neighbouring words is "near".
    let explained = |query: &str| {
        let (code, out, err) =
            env.run(&["search", query, "--explain", "--color", "never", "-n", "1"]);
        assert_eq!(code, 0, "{err}");
        out
    };
    let out = explained("\"budget for expenses\"");
    assert!(
        out.contains("exact:\"budget for expenses\": BM25 with 1 occurrence(s)"),
        "{out}"
    );
    let out = explained("harbour board");
    assert!(
        out.contains("near body:\"harbour board\": BM25 with 1 occurrence(s)"),
        "{out}"
    );
    let out = explained("exact:\"board approved\"");
    assert!(
        out.contains("exact:\"board approved\": BM25 with 1 occurrence(s)"),
        "{out}"
    );
    let (_, out, _) = env.run(&["search", "harbour", "--explain", "--json", "-n", "1"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let hit = &v["hits"][0];
    let score = hit["score"].as_f64().unwrap();
    assert!(
        (hit["explain"]["value"].as_f64().unwrap() - score).abs() < 1e-3,
        "{hit}"
    );
}

#[test]
fn explain_query_tells_how_the_query_was_read() {
    let env = TestEnv::new();
    let (code, out, _) = env.run(&[
        "search",
        "anti-satellite tests satell* topic:grain",
        "--explain-query",
    ]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "read as: (*anti-satellite *tests *satell* *\"topic\":grain)\n\
         \x20        (+ required, - excluded, ? optional, * all or any as the mode decides; words without a field search title^2 and body)\n\
         \x20 anti-satellite       word               title, body -> anti satellit\n\
         \x20                      spellings          also: \"anti satellite\" OR antisatellite\n\
         \x20 tests                word               title, body -> test\n\
         \x20 satell*              prefix             exact -> satell*\n\
         \x20 grain                word               topic -> grain\n"
    );
}

#[test]
fn show_marks_every_match_in_numbered_paragraphs() {
    let env = TestEnv::new();
    corpus(&env);
    let (code, out, _) = env.run(&[
        "show",
        "corpus/a.txt",
        "--query",
        "harbour budgets",
        "--color",
        "never",
    ]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with("[[Harbour]] [[budget]] approved\ncorpus/a.txt\nsection / · "),
        "{out}"
    );
    assert!(
        out.contains("[1] The [[harbour]] board approved the agency's [[budget]] for expenses.\n"),
        "{out}"
    );
    assert!(
        out.contains("[2] To be or not to be was the question.\n"),
        "{out}"
    );
    let (_, out, _) = env.run(&["show", "corpus/a.txt", "--query", "budget", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let body = v["body"].as_str().unwrap();
    for p in v["paragraphs"].as_array().unwrap() {
        let offset = p["offset"].as_u64().unwrap() as usize;
        assert!(body[offset..].starts_with(p["text"].as_str().unwrap()));
    }
    let m = &v["matches"][0];
    assert_eq!(
        &body[m[0].as_u64().unwrap() as usize..m[1].as_u64().unwrap() as usize],
        "budget"
    );
    // A prefix longer than its stem, and a phrase with stop words in it, are marked too.
    for (query, marked) in [
        ("expenses*", "[[expenses]]"),
        ("\"budget for expenses\"", "[[budget for expenses]]"),
    ] {
        let (code, out, err) = env.run(&["show", "corpus/a.txt", "--query", query]);
        assert_eq!(code, 0, "{query}: {err}");
        assert!(out.contains(marked), "{query}: {out}");
    }
    let (code, _, err) = env.run(&["show", "corpus/a.txt", "--query", "zebra"]);
    assert_eq!(
        (code, err.as_str()),
        (
            1,
            "lede: the query matches neither the title nor the body of this article\n"
        )
    );
    // A title-only query marks the title (and nothing in the body).
    let (code, out, _) = env.run(&[
        "show",
        "corpus/a.txt",
        "--query",
        "title:approved",
        "--json",
    ]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["title_matches"], serde_json::json!([[15, 23]]));
    assert_eq!(v["matches"], serde_json::json!([]));
}
