//! Issue 18, the query side: no query aborts a run, pasted text is never a syntax error,
//! and every figure shown is right. Each test is named for the probe that found the fault.

use crate::harness::TestEnv;

/// Three dated articles and one undated, with topics, made for these tests.
fn indexed() -> TestEnv {
    let env = TestEnv::new();
    let article = |title: &str, date: Option<&str>, topic: &str, body: &str| {
        let mut v = serde_json::json!({"title": title, "topics": [topic], "body": body});
        if let Some(d) = date {
            v["date"] = d.into();
        }
        v.to_string()
    };
    env.write(
        "corpus/wire.jsonl",
        [
            article(
                "Crude rises",
                Some("2024-01-10"),
                "crude",
                "Crude oil prices rose on Monday.",
            ),
            article(
                "Crude falls",
                Some("2024-03-12"),
                "crude",
                "Oil prices fell as stocks grew.",
            ),
            article(
                "Wheat harvest",
                Some("2024-03-20"),
                "grain",
                "The wheat harvest was large.",
            ),
            article(
                "Undated note",
                None,
                "grain",
                "Oil and wheat, a note without a date.",
            ),
        ]
        .join("\n"),
    );
    let (code, _, err) = env.run(&["index", "corpus", "--quiet"]);
    assert_eq!(code, 0, "{err}");
    env
}

fn total(env: &TestEnv, args: &[&str]) -> (i32, u64, String) {
    let mut all = vec!["search", "--json"];
    all.extend_from_slice(args);
    let (code, out, err) = env.run(&all);
    let total = serde_json::from_str::<serde_json::Value>(&out)
        .ok()
        .and_then(|v| v["total"].as_u64())
        .unwrap_or(u64::MAX);
    (code, total, err)
}

#[test]
fn deeply_nested_queries_are_refused_with_a_message_not_a_crash() {
    let env = indexed();
    for (what, query) in [
        ("parens", "(".repeat(9_000) + "oil" + &")".repeat(9_000)),
        (
            "excluded groups",
            "-(".repeat(9_000) + "oil" + &")".repeat(9_000),
        ),
        (
            "fields",
            "title:(".repeat(9_000) + "oil" + &")".repeat(9_000),
        ),
        (
            "NOTs",
            "oil ".to_string() + &"NOT ".repeat(20_000) + "wheat",
        ),
    ] {
        let (code, _, err) = env.run(&["search", "--", &query]);
        assert_eq!(code, 2, "{what}: {err}");
        assert!(
            err.contains("the query nests more than 100 levels deep"),
            "{what}: {err}"
        );
    }
    // In a batch, the deep line is an error row and the others still run.
    let deep = "(".repeat(9_000) + "oil" + &")".repeat(9_000);
    env.write("queries.txt", format!("oil\n{deep}\nwheat\n"));
    let (code, out, _) = env.run(&["batch", "queries.txt", "--json"]);
    assert_eq!(code, 2);
    let rows: serde_json::Value = serde_json::from_str(&out).unwrap();
    let totals: Vec<_> = rows["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["total"].as_u64())
        .collect();
    assert_eq!(totals, [Some(3), None, Some(2)]);
}

#[test]
fn a_moderately_nested_query_still_works() {
    let env = indexed();
    let query = "(".repeat(50) + "wheat" + &")".repeat(50);
    assert_eq!(total(&env, &[&query]).1, 2);
}

#[test]
fn an_open_date_range_matches_every_dated_article() {
    let env = indexed();
    assert_eq!(total(&env, &["date:[* TO *]"]), (0, 3, String::new()));
    assert_eq!(total(&env, &["wheat OR date:[* TO *]"]).1, 4);
    assert_eq!(total(&env, &["date:[* TO *]", "--sort", "newest"]).1, 3);
    let (code, out, err) = env.run(&["trend", "date:[* TO *]", "--by", "year", "--json"]);
    assert_eq!(code, 0, "{err}");
    let t: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(t["series"][0]["total"], 3);
}

#[test]
fn pasted_text_is_never_a_syntax_error() {
    let env = indexed();
    for query in [
        "crude\u{a0}oil",
        "crude\u{3000}oil",
        "prices > forecasts",
        "<b>oil</b>",
        "oil ()",
        "oil^1e3",
        "wheat\tharvest",
    ] {
        let (code, _, err) = env.run(&["search", query]);
        assert!(code == 0 || code == 1, "{query:?}: exit {code}: {err}");
    }
    let (code, n, err) = total(&env, &["crude\u{a0}oil", "--match", "all"]);
    assert_eq!((code, n), (0, 2), "{err}");
    let (_, _, err) = env.run(&["search", "prices > forecasts"]);
    assert!(err.contains("read the '>' at column 8 as a space"), "{err}");
    let (_, _, err) = env.run(&["search", "oil ()"]);
    assert!(err.contains("left out the empty '()' at column 5"), "{err}");
    let (_, _, err) = env.run(&["search", "oil^1e3"]);
    assert!(err.contains("read the '^' at column 4 as text"), "{err}");
}

#[test]
fn trend_normalize_draws_shares_and_says_n_a_where_no_share_exists() {
    let env = indexed();
    // January: 1 of 1 article mentions crude; February: no article at all; March: 1 of 2.
    let (code, out, err) = env.run(&[
        "trend",
        "crude",
        "--by",
        "month",
        "--normalize",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let t: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        t["buckets"],
        serde_json::json!(["2024-01", "2024-02", "2024-03"])
    );
    assert_eq!(
        t["series"][0]["ratios"],
        serde_json::json!([1.0, null, 0.5])
    );
    let (_, text, _) = env.run(&["trend", "crude", "--by", "month", "--normalize"]);
    let bar = |month: &str| {
        let line = text.lines().find(|l| l.contains(month)).unwrap();
        line.matches('█').count()
    };
    assert_eq!(
        (bar("2024-01"), bar("2024-02"), bar("2024-03")),
        (40, 0, 20)
    );
    assert!(
        text.contains("2024-02") && text.contains("of 0 (n/a)"),
        "{text}"
    );
    let (_, csv, _) = env.run(&["trend", "crude", "--by", "month", "--normalize", "--csv"]);
    assert!(csv.contains("2024-02,0,0,\n"), "{csv}");
}

#[test]
fn escape_codes_in_articles_are_shown_not_run() {
    let env = TestEnv::new();
    env.write(
        "corpus/evil.txt",
        "Title \u{1b}[31mred\u{1b}[0m news\n\nThe body rings a bell \u{7} and clears \u{1b}[2J the screen.\n",
    );
    env.run(&["index", "corpus", "--quiet"]);
    for args in [
        vec!["search", "news", "--color", "never"],
        vec!["search", "bell", "--color", "always"],
        vec![
            "show",
            "corpus/evil.txt",
            "--query",
            "bell",
            "--color",
            "never",
        ],
    ] {
        let (code, out, _) = env.run(&args);
        assert_eq!(code, 0);
        assert!(!out.contains('\u{7}'), "{args:?}: {out:?}");
        assert!(out.contains("\\x1b[31mred"), "{args:?}: {out:?}");
        if args.contains(&"never") {
            assert!(!out.contains('\u{1b}'), "{args:?}: {out:?}");
        }
    }
}

#[test]
fn a_filter_value_no_article_has_says_so() {
    let env = indexed();
    let (code, out, err) = env.run(&["search", "oil", "--filter", "topic=crud", "--json"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v["notes"],
        serde_json::json!(["no article has topic 'crud'; did you mean 'crude'?"])
    );
    assert!(err.contains("no article has topic 'crud'; did you mean 'crude'?"));
}

#[test]
fn until_before_since_is_an_error_not_an_empty_result() {
    let env = indexed();
    let (code, _, err) = env.run(&["search", "oil", "--since", "2025", "--until", "2023"]);
    assert_eq!(code, 2);
    assert!(
        err.contains(
            "the span of dates is empty: it starts at 2025-01-01 and ends before it, at 2024-01-01"
        ),
        "{err}"
    );
}

#[test]
fn sorting_by_date_when_no_match_is_dated_says_so() {
    let env = indexed();
    let (code, out, _) = env.run(&["search", "note", "--sort", "newest", "--json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v["notes"],
        serde_json::json!([
            "none of the 1 matching articles has a date: sorted by date, they stand in path order"
        ])
    );
}

#[test]
fn an_article_is_found_by_any_spelling_of_its_path() {
    let env = indexed();
    let absolute = env.path().join("corpus/wire.jsonl#2");
    for key in [
        "corpus/wire.jsonl#2",
        "./corpus/wire.jsonl#2",
        absolute.to_str().unwrap(),
    ] {
        let (code, out, err) = env.run(&["show", key, "--json"]);
        assert_eq!(code, 0, "{key}: {err}");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["article"]["title"], "Crude falls", "{key}");
    }
}
