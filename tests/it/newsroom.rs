//! Issue 15, on small corpora written for these tests: near-duplicate groups (made at index
//! time, kept right by incremental runs, `--collapse` in search, facets and trend), `lede
//! terms`, and saved searches with `--new`.

use std::collections::BTreeMap;

use lede::Engine;
use lede::model::{Article, TermsRequest};
use serde_json::Value;

use crate::harness::TestEnv;

const STORY: [&str; 3] = [
    "The central bank raised its main interest rate by half a point on Tuesday, the third \
     increase this year, saying inflation had proved more stubborn than expected. Officials \
     said further moves would depend on wages and energy prices over the coming months.",
    "Markets had expected a smaller step and the currency rose sharply after the announcement. \
     Exporters complained that the stronger currency would hurt their sales abroad this winter, \
     and several large manufacturers warned of job cuts.",
    "Analysts said the decision showed a new resolve at the bank, which had been criticised for \
     moving too slowly when prices first began to climb last spring.",
];

/// The wire story, a paper's copy (new headline, dateline, last paragraph trimmed), another
/// paper's copy (new headline, dateline), a story on the same topic, and one on another.
fn wire_corpus(env: &TestEnv) {
    env.write(
        "corpus/wire/a.txt",
        format!(
            "Title: Bank raises rates again\nDate: 2024-03-01\n\n{}\n",
            STORY.join("\n\n")
        ),
    );
    env.write(
        "corpus/paper1/b.txt",
        format!(
            "Title: Rates up as bank acts on prices\nDate: 2024-03-03\n\nLONDON, March 1 (Wire) - {}\n\n{}\n",
            STORY[0], STORY[1]
        ),
    );
    env.write(
        "corpus/paper2/c.txt",
        format!(
            "Title: Another rise for borrowers\nDate: 2024-03-02\n\nLONDON, March 1 (Wire) - {}\n",
            STORY.join("\n\n")
        ),
    );
    env.write(
        "corpus/paper2/d.txt",
        "Title: Bank holds rates\nDate: 2024-02-10\n\nThe central bank left its interest rate \
         unchanged on Thursday, saying inflation was easing faster than expected and that wages \
         had stopped rising. Officials said the next move could be a cut if energy prices keep \
         falling over the winter months.\n",
    );
    env.write(
        "corpus/sport/e.txt",
        "Title: Cup final\nDate: 2024-03-02\n\nThe home side won the cup final after extra time \
         in front of a full stadium on Saturday night, and the bank holiday crowd sang.\n",
    );
}

fn groups(env: &TestEnv) -> BTreeMap<String, Vec<String>> {
    Engine::open(&env.path().join("index"))
        .unwrap()
        .groups()
        .unwrap()
}

fn group(id: &str, members: &[&str]) -> BTreeMap<String, Vec<String>> {
    BTreeMap::from([(
        id.to_string(),
        members.iter().map(|m| m.to_string()).collect(),
    )])
}

fn json(env: &TestEnv, args: &[&str]) -> Value {
    let (code, out, err) = env.run(args);
    assert!(code <= 1, "{err}");
    serde_json::from_str(&out).unwrap_or_else(|_| panic!("no JSON: {out} {err}"))
}

fn hits(v: &Value) -> Vec<(String, Vec<String>)> {
    v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            let copies = h
                .get("copies")
                .and_then(|c| c.as_array())
                .map(|c| c.iter().map(|x| x.as_str().unwrap().to_string()).collect())
                .unwrap_or_default();
            (h["id"].as_str().unwrap().to_string(), copies)
        })
        .collect()
}

#[test]
fn wire_copies_form_one_group_named_by_its_smallest_id() {
    let env = TestEnv::new();
    wire_corpus(&env);
    assert_eq!(env.run(&["index"]).0, 0);
    assert_eq!(
        groups(&env),
        group(
            "corpus/paper1/b.txt",
            &[
                "corpus/paper1/b.txt",
                "corpus/paper2/c.txt",
                "corpus/wire/a.txt"
            ]
        )
    );
}

#[test]
fn collapse_shows_one_hit_per_story_with_its_copies() {
    let env = TestEnv::new();
    wire_corpus(&env);
    assert_eq!(env.run(&["index"]).0, 0);
    let plain = json(&env, &["search", "bank", "--json"]);
    assert_eq!(plain["total"], 5);
    assert!(
        plain["hits"][0].get("copies").is_none(),
        "no key without --collapse"
    );

    let oldest = json(
        &env,
        &["search", "bank", "--collapse", "--sort", "oldest", "--json"],
    );
    assert_eq!(oldest["total"], 3);
    assert_eq!(
        hits(&oldest),
        vec![
            ("corpus/paper2/d.txt".to_string(), vec![]),
            (
                "corpus/wire/a.txt".to_string(),
                vec![
                    "corpus/paper1/b.txt".to_string(),
                    "corpus/paper2/c.txt".to_string()
                ]
            ),
            ("corpus/sport/e.txt".to_string(), vec![]),
        ]
    );
    // Facets count stories: March holds the wire story and the cup final, not five articles.
    let faceted = json(
        &env,
        &["search", "bank", "--collapse", "--facet", "month", "--json"],
    );
    let months: Vec<(String, u64)> = faceted["facets"][0]["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["value"].as_str().unwrap().to_string(),
                v["count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        months,
        vec![("2024-03".to_string(), 2), ("2024-02".to_string(), 1)]
    );
    let (_, csv, _) = env.run(&[
        "search",
        "bank",
        "--collapse",
        "--sort",
        "oldest",
        "--format",
        "csv",
        "--fields",
        "id,copies",
    ]);
    assert_eq!(
        csv,
        "id,copies\ncorpus/paper2/d.txt,\ncorpus/wire/a.txt,corpus/paper1/b.txt; corpus/paper2/c.txt\ncorpus/sport/e.txt,\n"
    );
    let (_, text, _) = env.run(&["search", "bank", "--collapse", "--sort", "oldest"]);
    assert!(
        text.contains("+ 2 copies: corpus/paper1/b.txt, corpus/paper2/c.txt"),
        "{text}"
    );
}

#[test]
fn trend_collapse_counts_a_story_once_at_its_first_appearance() {
    let env = TestEnv::new();
    wire_corpus(&env);
    assert_eq!(env.run(&["index"]).0, 0);
    let counts = |extra: &[&str]| {
        let mut args = vec!["trend", "rate", "--by", "month", "--json"];
        args.extend_from_slice(extra);
        let v = json(&env, &args);
        v["series"][0]["counts"].clone()
    };
    assert_eq!(counts(&[]), serde_json::json!([1, 3]));
    assert_eq!(counts(&["--collapse"]), serde_json::json!([1, 1]));
}

#[test]
fn incremental_runs_keep_groups_right() {
    let env = TestEnv::new();
    wire_corpus(&env);
    assert_eq!(env.run(&["index"]).0, 0);
    let index = |env: &TestEnv| assert_eq!(env.run(&["index"]).0, 0);

    // The article that names the group goes: the group takes the next smallest id.
    std::fs::remove_file(env.path().join("corpus/paper1/b.txt")).unwrap();
    index(&env);
    assert_eq!(
        groups(&env),
        group(
            "corpus/paper2/c.txt",
            &["corpus/paper2/c.txt", "corpus/wire/a.txt"]
        )
    );
    // A new copy joins, and as the smallest id names the group.
    env.write(
        "corpus/agency/z.txt",
        format!(
            "Title: Borrowing costs climb\n\nPARIS (Wire) - {}\n",
            STORY.join("\n\n")
        ),
    );
    index(&env);
    assert_eq!(
        groups(&env),
        group(
            "corpus/agency/z.txt",
            &[
                "corpus/agency/z.txt",
                "corpus/paper2/c.txt",
                "corpus/wire/a.txt"
            ]
        )
    );
    // A copy rewritten as another story leaves the group.
    env.write(
        "corpus/agency/z.txt",
        "Title: Harvest news\n\nFarmers brought in a record wheat harvest this year, helped by \
         a warm and wet spring across the northern plains and good prices at the markets.\n",
    );
    index(&env);
    assert_eq!(
        groups(&env),
        group(
            "corpus/paper2/c.txt",
            &["corpus/paper2/c.txt", "corpus/wire/a.txt"]
        )
    );
    // Nothing changed: nothing moves.
    index(&env);
    assert_eq!(groups(&env).len(), 1);
}

#[test]
fn in_memory_indexes_are_grouped_too() {
    let article = |id: &str, body: &str| Article {
        id: id.into(),
        path: id.into(),
        title: id.into(),
        body: body.into(),
        format: "txt",
        ..Article::default()
    };
    let engine = Engine::in_memory(
        &[
            article("x", &STORY.join("\n\n")),
            article("y", &format!("TOKYO (Wire) - {}", STORY.join("\n\n"))),
            article("w", STORY[2]),
        ],
        Default::default(),
        Default::default(),
    )
    .unwrap();
    assert_eq!(engine.groups().unwrap(), group("x", &["x", "y"]));
}

/// A small desk: four oil stories among general news.
fn desk_corpus() -> Vec<Article> {
    let mut articles = Vec::new();
    let oil = [
        "Crude oil prices rose as OPEC ministers agreed to cut output by a million barrels a day.",
        "OPEC output fell in March and crude oil prices climbed, traders said, as barrels ran short.",
        "Saudi Arabia told OPEC it would keep crude oil output steady despite falling prices.",
        "Refiners bought more crude oil barrels as prices eased; OPEC meets next month on output.",
    ];
    let general = [
        "The council approved a new park and a library for the town centre after a long debate.",
        "The football club signed a young striker from abroad for a record fee on Monday.",
        "Prices in the shops rose slowly in March, the statistics office said on Tuesday.",
        "A new bridge over the river opened to traffic after three years of building work.",
        "The school board said the town would hire more teachers next year.",
        "Heavy rain flooded roads in the north and the council closed two schools.",
    ];
    let titles = [
        "Ministers agree",
        "Traders report",
        "Saudi stance",
        "Refiners buy",
    ];
    for (i, body) in oil.iter().enumerate() {
        articles.push(Article {
            id: format!("oil/{i}"),
            path: format!("oil/{i}"),
            title: titles[i].to_string(),
            body: body.to_string(),
            format: "txt",
            ..Article::default()
        });
    }
    for (i, body) in general.iter().enumerate() {
        articles.push(Article {
            id: format!("general/{i}"),
            path: format!("general/{i}"),
            title: format!("Local {i}"),
            body: body.to_string(),
            format: "txt",
            ..Article::default()
        });
    }
    articles
}

#[test]
fn terms_lists_what_sets_the_matches_apart() {
    let engine = Engine::in_memory(&desk_corpus(), Default::default(), Default::default()).unwrap();
    let t = engine
        .terms(&TermsRequest {
            query: "crude".into(),
            size: 7,
            ..TermsRequest::default()
        })
        .unwrap();
    assert_eq!(
        (t.matches, t.foreground, t.sampled, t.background),
        (4, 4, false, 10)
    );
    let got: Vec<(&str, &str, u64, u64)> = t
        .terms
        .iter()
        .map(|x| (x.term.as_str(), x.kind, x.fg, x.bg))
        .collect();
    // p_f = 1 and p_b = 0.4: JLH = (1 - 0.4) * 2.5 = 1.5 for the words in all four and only
    // there; "barrels" (3 of 4, only there) comes next with (0.75 - 0.3) * 2.5 = 1.125, and
    // "prices", also in a shop story, after it with (1 - 0.5) * 2 = 1.
    assert_eq!(
        got,
        vec![
            ("crude", "word", 4, 4),
            ("crude oil", "phrase", 4, 4),
            ("oil", "word", 4, 4),
            ("opec", "word", 4, 4),
            ("output", "word", 4, 4),
            ("barrels", "word", 3, 3),
            ("prices", "word", 4, 5),
        ]
    );
    assert!((t.terms[0].score - 1.5).abs() < 1e-9);
    // A sample says so.
    let sampled = engine
        .terms(&TermsRequest {
            query: "crude".into(),
            sample: 2,
            min_doc_count: 1,
            ..TermsRequest::default()
        })
        .unwrap();
    assert!(sampled.sampled);
    assert_eq!(sampled.foreground, 2);
}

#[test]
fn terms_prints_csv_and_json() {
    let env = TestEnv::new();
    wire_corpus(&env);
    assert_eq!(env.run(&["index"]).0, 0);
    let (code, csv, err) = env.run(&["terms", "rate", "--min-docs", "2", "--format", "csv"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        csv.starts_with("term,kind,score,fg,bg,fg_size,bg_size\n"),
        "{csv}"
    );
    let v = json(&env, &["terms", "rate", "--min-docs", "2", "--json"]);
    assert_eq!(v["score"], "jlh");
    assert_eq!(v["matches"], 4);
    assert_eq!(v["sampled"], false);
}

fn saved_ids(env: &TestEnv, name: &str) -> (i32, Vec<String>) {
    let (code, out, err) = env.run(&["saved", "run", name, "--new", "--json"]);
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|_| panic!("{out} {err}"));
    let ids = v["results"]["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_string())
        .collect();
    (code, ids)
}

#[test]
fn saved_searches_report_each_new_match_once() {
    let env = TestEnv::new();
    env.write(
        "corpus/a.txt",
        "Title: Tanker seized\n\nA tanker was seized in the strait.\n",
    );
    env.write(
        "corpus/b.txt",
        "Title: Harvest\n\nFarmers brought in the wheat.\n",
    );
    assert_eq!(env.run(&["index"]).0, 0);
    let (code, _, err) = env.run(&["saved", "add", "tankers", "tanker", "--match", "all"]);
    assert_eq!(code, 0, "{err}");
    let (code, list, _) = env.run(&["saved", "list"]);
    assert_eq!(
        (code, list.starts_with("tankers\ttanker\tnever run")),
        (0, true),
        "{list}"
    );

    // The first run sets the baseline: nothing is new.
    assert_eq!(saved_ids(&env, "tankers"), (1, vec![]));
    // A new article, and one that changed and now matches.
    env.write(
        "corpus/c.txt",
        "Title: Tanker freed\n\nThe seized tanker sailed on Friday.\n",
    );
    env.write(
        "corpus/b.txt",
        "Title: Harvest\n\nFarmers loaded the wheat on a tanker bound for Egypt.\n",
    );
    assert_eq!(env.run(&["index"]).0, 0);
    assert_eq!(
        saved_ids(&env, "tankers"),
        (0, vec!["corpus/b.txt".into(), "corpus/c.txt".into()])
    );
    // Never twice.
    assert_eq!(saved_ids(&env, "tankers"), (1, vec![]));
    // Re-indexing from scratch re-announces nothing.
    assert_eq!(env.run(&["index", "--rebuild"]).0, 0);
    assert_eq!(saved_ids(&env, "tankers"), (1, vec![]));
    // A matching article that changed is new again.
    env.write(
        "corpus/a.txt",
        "Title: Tanker seized\n\nA tanker was seized in the strait at dawn.\n",
    );
    assert_eq!(env.run(&["index"]).0, 0);
    assert_eq!(saved_ids(&env, "tankers"), (0, vec!["corpus/a.txt".into()]));

    assert_eq!(env.run(&["saved", "rm", "tankers"]).0, 0);
    let (code, _, err) = env.run(&["saved", "run", "tankers"]);
    assert_eq!(code, 2);
    assert!(err.contains("no saved search named 'tankers'"), "{err}");
}

#[test]
fn saved_runs_print_an_atom_feed_with_stable_ids() {
    let env = TestEnv::new();
    env.write(
        "corpus/a.txt",
        "Title: Tanker seized\n\nA tanker was seized in the strait.\n",
    );
    assert_eq!(env.run(&["index"]).0, 0);
    assert_eq!(env.run(&["saved", "add", "tankers", "tanker"]).0, 0);
    let feed = |env: &TestEnv| env.run(&["saved", "run", "tankers", "--format", "atom"]).1;
    let first = feed(&env);
    assert!(first.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">"), "{first}");
    for needle in [
        "<id>tag:lede,2026:",
        "/saved/tankers</id>",
        "<title>Tanker seized</title>",
        "/saved/tankers/corpus/a.txt</id>",
        "<updated>",
        "</feed>",
    ] {
        assert!(first.contains(needle), "{needle} in {first}");
    }
    let entry = |f: &str| f[f.find("<entry>").unwrap()..].to_string();
    assert_eq!(
        entry(&first),
        entry(&feed(&env)),
        "entries do not move between runs"
    );
    // A new article with nothing new in its feed: exit 1.
    let (code, out, _) = env.run(&["saved", "run", "tankers", "--new", "--format", "atom"]);
    assert_eq!(code, 1);
    assert!(!out.contains("<entry>"), "{out}");
}

#[test]
fn an_index_of_the_old_schema_asks_for_a_rebuild() {
    let env = TestEnv::new();
    env.write("corpus/a.txt", "Title: T\n\nBody text.\n");
    assert_eq!(env.run(&["index"]).0, 0);
    let meta = env.path().join("index/meta.json");
    let text = std::fs::read_to_string(&meta).unwrap();
    let now = lede::index::schema::SCHEMA_VERSION;
    let old = text.replace(
        &format!("\\\"lede_schema\\\":{now}"),
        &format!("\\\"lede_schema\\\":{}", now - 1),
    );
    assert_ne!(old, text);
    std::fs::write(&meta, old).unwrap();
    let (code, _, err) = env.run(&["search", "body"]);
    assert_eq!(code, 2);
    assert!(err.contains("--rebuild"), "{err}");
}

#[test]
fn copies_that_share_an_id_are_never_lost_to_a_rewrite() {
    let env = TestEnv::new();
    let record = |id: &str, title: &str| {
        serde_json::json!({"id": id, "title": title, "body": STORY.join("\n\n")}).to_string()
    };
    env.write(
        "corpus/f.jsonl",
        format!(
            "{}\n{}\n{}\n",
            record("1", "A"),
            record("1", "B"),
            record("2", "C")
        ),
    );
    assert_eq!(env.run(&["index"]).0, 0);
    assert_eq!(json(&env, &["search", "bank", "--json"])["total"], 3);
    assert_eq!(
        groups(&env),
        group(
            "corpus/f.jsonl#1",
            &["corpus/f.jsonl#1", "corpus/f.jsonl#1", "corpus/f.jsonl#2"]
        )
    );
}
