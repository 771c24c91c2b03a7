//! Scripted use through the real binary: output formats, --all, trends, batch files,
//! similar articles, aggregations, and the errors of their flags.

use crate::harness::TestEnv;

fn wire(env: &TestEnv) {
    let lines = [
        r#"{"id": "1", "title": "Wheat exports rise", "body": "Wheat and grain exports rose in March.", "date": "1987-03-02", "source": "Reuters", "topics": ["grain", "wheat"]}"#,
        r#"{"id": "2", "title": "Oil prices fall", "body": "Crude oil prices fell.", "date": "1987-03-20", "source": "Reuters", "topics": ["crude"]}"#,
        r#"{"id": "3", "title": "Grain ships wait", "body": "Grain ships waited at the harbour.", "date": "1987-05-01", "source": "Wire", "topics": ["grain"]}"#,
        r#"{"id": "4", "title": "Undated grain note", "body": "A grain note without a date.", "source": "Wire", "topics": ["grain"]}"#,
    ];
    env.write("corpus/wire.jsonl", lines.join("\n") + "\n");
    let (code, _, err) = env.run(&["index"]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn csv_and_jsonl_with_chosen_fields() {
    let env = TestEnv::new();
    wire(&env);
    let (code, out, _) = env.run(&[
        "search",
        "grain",
        "--format",
        "csv",
        "--fields",
        "id,date,topics",
        "--sort",
        "oldest",
    ]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "id,date,topics\n\
         corpus/wire.jsonl#1,1987-03-02T00:00:00Z,grain; wheat\n\
         corpus/wire.jsonl#3,1987-05-01T00:00:00Z,grain\n\
         corpus/wire.jsonl#4,,grain\n"
    );
    let (_, out, _) = env.run(&[
        "search",
        "grain",
        "--format",
        "jsonl",
        "--fields",
        "rank,title",
        "--sort",
        "newest",
    ]);
    assert_eq!(
        out,
        "{\"rank\":1,\"title\":\"Grain ships wait\"}\n{\"rank\":2,\"title\":\"Wheat exports rise\"}\n\
         {\"rank\":3,\"title\":\"Undated grain note\"}\n"
    );
    let (code, _, err) = env.run(&[
        "search",
        "grain",
        "--format",
        "csv",
        "--fields",
        "rank,colour",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("unknown field 'colour' for --fields (fields: rank, score, id,"),
        "{err}"
    );
}

#[test]
fn filters_and_dates_on_the_command_line() {
    let env = TestEnv::new();
    wire(&env);
    let total = |args: &[&str]| {
        let mut all = vec!["search", "--json", "--limit", "0"];
        all.extend_from_slice(args);
        let (_, out, _) = env.run(&all);
        serde_json::from_str::<serde_json::Value>(&out).unwrap()["total"]
            .as_u64()
            .unwrap()
    };
    assert_eq!(
        total(&["*", "--filter", "topic=grain", "--filter", "source=wire"]),
        2
    );
    assert_eq!(
        total(&["*", "--filter", "topic=grain", "--filter", "topic=crude"]),
        4
    );
    assert_eq!(
        total(&["*", "--since", "1987-03-02", "--until", "1987-03"]),
        2
    );
    assert_eq!(total(&["*", "--until", "1987-04"]), 2);
    assert_eq!(total(&["date:1987"]), 3);
    assert_eq!(total(&["topic:grain AND NOT topic:wheat"]), 2);
    let (code, _, err) = env.run(&[
        "search",
        "*",
        "--filter",
        "topics=grain",
        "--filter",
        "sorce=x",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("unknown field 'sorce' (fields: author, source, section, topic, place, person, org, language, format, year, month); did you mean 'source'?"),
        "{err}"
    );
    for date in ["March", "9999", "0001", "0001-03"] {
        let (code, _, err) = env.run(&["search", "*", "--since", date]);
        assert_eq!(code, 2);
        assert!(
            err.contains(&format!(
                "'{date}' is not a date (write YYYY, YYYY-MM or YYYY-MM-DD, from 1678 to 2261)"
            )),
            "{err}"
        );
    }
    let (_, _, err) = env.run(&["search", "topc:grain"]);
    assert!(
        err.contains("'topc' is not a field") && err.contains("did you mean 'topic:'?"),
        "{err}"
    );
}

#[test]
fn trends_as_chart_csv_and_json() {
    let env = TestEnv::new();
    wire(&env);
    let (code, _, err) = env.run(&["trend", "a=grain", "a=crude"]);
    assert_eq!(
        (code, err.as_str()),
        (
            2,
            "lede: two series are labelled 'a': give each its own label (LABEL=QUERY)\n"
        )
    );
    let (code, out, _) = env.run(&["trend", "grain", "oil=crude", "--by", "month"]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "grain  3 matches, 1 undated\n  \
         1987-03 ████████████████████████████████████████ 1\n  \
         1987-04                                          0\n  \
         1987-05 ████████████████████████████████████████ 1\n\n\
         oil  1 match, 0 undated\n  \
         1987-03 ████████████████████████████████████████ 1\n  \
         1987-04                                          0\n  \
         1987-05                                          0\n"
    );
    // A label of several words.
    let (code, out, _) = env.run(&["trend", "crude oil=crude", "--by", "year", "--csv"]);
    assert_eq!(
        (code, out.as_str()),
        (0, "bucket,crude oil\n1987,1\nundated,0\n")
    );
    let (_, out, _) = env.run(&["trend", "grain", "--by", "month", "--normalize", "--csv"]);
    assert_eq!(
        out,
        "bucket,grain,articles,grain ratio\n1987-03,1,2,0.500000\n1987-04,0,0,\n\
         1987-05,1,1,1.000000\nundated,1,1,\n"
    );
    let (_, out, _) = env.run(&[
        "trend", "grain", "--by", "year", "--split", "source", "--json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["buckets"], serde_json::json!(["1987"]));
    assert_eq!(v["series"][0]["split"], "Reuters");
    assert_eq!(v["series"][1]["split"], "Wire");
    assert_eq!(v["series"][1]["undated"], 1);
    let (code, _, err) = env.run(&["trend", "zebra"]);
    assert_eq!((code, err.as_str()), (1, ""));
    let (code, _, err) = env.run(&["trend", "grain", "--split", "month"]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot split by 'month'"), "{err}");
}

#[test]
fn batch_files_give_a_row_per_query() {
    let env = TestEnv::new();
    wire(&env);
    env.write(
        "queries.txt",
        "grain\nno hits\tzebra\n\n# skipped\nbroken\t(grain\n",
    );
    let (code, out, err) = env.run(&["batch", "queries.txt", "--format", "csv", "--top", "1"]);
    assert_eq!(code, 2, "a bad query is an error exit, after every row");
    assert_eq!(err, "lede: 1 of 3 queries could not be read\n");
    assert_eq!(
        out,
        "line,label,query,total,top,error\n\
         1,grain,grain,3,corpus/wire.jsonl#3,\n\
         2,no hits,zebra,0,,\n\
         5,broken,(grain,,,\"line 5: cannot read the query \"\"(grain\"\": '(' is never closed (at column 1)\"\n"
    );
    env.write("good.txt", "grain\ncrude\n");
    let (code, out, _) = env.run(&["batch", "good.txt", "--filter", "source=reuters", "--json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["rows"][0]["total"], 1);
    assert_eq!(v["rows"][0]["mode"], "all");
    assert_eq!(v["rows"][1]["total"], 1);
    env.write("none.txt", "zebra\n");
    let (code, _, _) = env.run(&["batch", "none.txt"]);
    assert_eq!(code, 1, "no query matched");
    env.write("empty.txt", "# nothing yet\n");
    let (code, _, err) = env.run(&["batch", "empty.txt"]);
    assert_eq!(
        (code, err.as_str()),
        (1, "lede: no queries in 'empty.txt'\n")
    );
}

#[test]
fn similar_and_aggregations() {
    let env = TestEnv::new();
    wire(&env);
    let (code, out, _) = env.run(&[
        "similar",
        "corpus/wire.jsonl#3",
        "--format",
        "jsonl",
        "--fields",
        "id",
    ]);
    assert_eq!(code, 0);
    assert!(!out.contains("wire.jsonl#3\""), "{out}");
    assert!(out.contains("corpus/wire.jsonl#4"), "{out}");
    let (code, _, err) = env.run(&["similar", "corpus/nothing.txt"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("no article 'corpus/nothing.txt' in the index"),
        "{err}"
    );
    // A file of many articles names no one article.
    for command in ["similar", "show"] {
        let (code, _, err) = env.run(&[command, "corpus/wire.jsonl"]);
        assert_eq!(
            (code, err.as_str()),
            (
                2,
                "lede: 'corpus/wire.jsonl' holds 4 articles: name one by its id \
                 (corpus/wire.jsonl#1, corpus/wire.jsonl#2, ...)\n"
            ),
            "{command}"
        );
    }
    let (code, out, _) = env.run(&[
        "search",
        "grain",
        "--agg",
        r#"{"by": {"terms": {"field": "source"}}}"#,
    ]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v["by"]["buckets"],
        serde_json::json!([{"key": "Wire", "doc_count": 2}, {"key": "Reuters", "doc_count": 1}])
    );
    let (code, _, err) = env.run(&["search", "grain", "--agg", "{\"by\": "]);
    assert_eq!(code, 2);
    assert!(
        err.starts_with("lede: cannot run --agg: not an aggregation at line 1, column 7"),
        "{err}"
    );
}

#[test]
fn all_streams_every_match_and_the_line_count_equals_the_total() {
    let env = TestEnv::new();
    let n = 100_000;
    let mut text = String::with_capacity(n * 60);
    for i in 0..n {
        text.push_str(&format!(
            "{{\"title\": \"Note {i}\", \"body\": \"tide note {i}\"}}\n"
        ));
    }
    env.write("corpus/many.jsonl", text);
    let (code, _, err) = env.run(&["index"]);
    assert_eq!(code, 0, "{err}");
    let (code, out, _) = env.run(&[
        "search", "tide", "--all", "--format", "jsonl", "--fields", "id",
    ]);
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), n);
    let (_, total, _) = env.run(&["search", "tide", "--json", "--limit", "0"]);
    let v: serde_json::Value = serde_json::from_str(&total).unwrap();
    assert_eq!(v["total"], n as u64);
    let mut ids: Vec<&str> = out.lines().collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n, "every match once");
}

#[test]
fn stats_as_csv_trend_as_json_lines_and_fields_in_order() {
    let env = TestEnv::new();
    wire(&env);
    let (code, out, _) = env.run(&["stats", "--format", "csv"]);
    assert_eq!(code, 0);
    let rows: Vec<&str> = out.lines().collect();
    assert_eq!(rows[0], "stat,value,count");
    assert_eq!(rows[1], "index,index,");
    assert_eq!(rows[2], "articles,4,");
    assert!(rows.contains(&"corpus,corpus,"), "{out}");
    assert!(rows.contains(&"format,json,4"), "{out}");
    assert!(rows.contains(&"source,Reuters,2"), "{out}");

    let (code, out, _) = env.run(&["trend", "grain", "--by", "month", "--format", "jsonl"]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "{\"label\":\"grain\",\"query\":\"grain\",\"bucket\":\"1987-03\",\"count\":1}\n\
         {\"label\":\"grain\",\"query\":\"grain\",\"bucket\":\"1987-04\",\"count\":0}\n\
         {\"label\":\"grain\",\"query\":\"grain\",\"bucket\":\"1987-05\",\"count\":1}\n\
         {\"label\":\"grain\",\"query\":\"grain\",\"bucket\":null,\"count\":1}\n"
    );

    let (_, out, _) = env.run(&[
        "search",
        "oil",
        "--format",
        "jsonl",
        "--fields",
        "title,rank,id",
    ]);
    assert_eq!(
        out,
        "{\"title\":\"Oil prices fall\",\"rank\":1,\"id\":\"corpus/wire.jsonl#2\"}\n"
    );
    // A score reads the same in --json and in JSON Lines (f32 digits, not f64's).
    let score = |text: &str| {
        let at = text.find("\"score\":").unwrap() + 8;
        text[at..].split([',', '}']).next().unwrap().to_string()
    };
    let (_, json, _) = env.run(&["search", "oil", "--json"]);
    let (_, jsonl, _) = env.run(&["search", "oil", "--format", "jsonl", "--fields", "score"]);
    assert_eq!(score(&jsonl), score(&json));
    assert!(score(&json).len() < 12, "{json}");
}

/// The number of articles `lede search ARGS` finds (exit 0 or 1, never an error).
fn total_of(env: &TestEnv, args: &[&str]) -> u64 {
    let mut all = vec!["search", "--limit", "0", "--format", "json"];
    all.extend_from_slice(args);
    let (code, out, err) = env.run(&all);
    assert!(code < 2, "{args:?}: {err}");
    serde_json::from_str::<serde_json::Value>(&out).unwrap()["total"]
        .as_u64()
        .unwrap()
}

#[test]
fn metadata_values_in_the_query_language_are_taken_whole() {
    let env = TestEnv::new();
    env.write(
        "corpus/desk/forex-notes/a.txt",
        "Title: Dollar slips\nDate: 1987-03-02\nTags: money-fx, west-germany\n\nThe dollar slipped against the mark.\n",
    );
    env.write(
        "corpus/desk/b.txt",
        "Title: Money markets calm\nDate: 1987-03-03\nTags: money\n\nMoney markets were calm.\n",
    );
    assert_eq!(env.run(&["index", "corpus"]).0, 0);
    let count = |args: &[&str]| total_of(&env, args);
    // A hyphen inside a value is part of it, not a compound to spell three ways.
    assert_eq!(count(&["topic:money-fx"]), 1);
    assert_eq!(count(&["*", "--filter", "topic=money-fx"]), 1);
    assert_eq!(count(&["section:/desk/forex-notes"]), 1);
    // Without the leading slash, as --filter section= takes it; formats in any case.
    assert_eq!(count(&["section:desk/forex-notes"]), 1);
    assert_eq!(count(&["section:desk"]), 2);
    assert_eq!(count(&["format:TXT"]), 2);
    assert_eq!(count(&["*", "--filter", "format=TXT"]), 2);
}

#[test]
fn all_and_agg_say_their_notes_and_refuse_what_they_cannot_print() {
    let env = TestEnv::new();
    wire(&env);
    let (code, _, err) = env.run(&["search", "grain", "--json", "--format", "jsonl"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("'--json' cannot be used with '--format"),
        "{err}"
    );
    let (code, _, err) = env.run(&["search", "grain", "--format", "csv", "--fields", "titel"]);
    assert_eq!(code, 2);
    assert!(err.ends_with("; did you mean 'title'?\n"), "{err}");
    let (code, _, err) = env.run(&["search", "wheat harbour", "--all", "--format", "jsonl"]);
    assert_eq!(code, 0);
    assert!(
        err.contains("lede: note: no article has both words: showing articles with any of them"),
        "{err}"
    );
    let (code, _, err) = env.run(&["search", "grain", "--all", "--facet", "topic"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("'--all' cannot be used with '--facet"),
        "{err}"
    );
    let agg = r#"{"s": {"terms": {"field": "source"}}}"#;
    let (code, _, err) = env.run(&["search", "grain", "--agg", agg, "--format", "csv"]);
    assert_eq!(
        (code, err.as_str()),
        (2, "lede: --agg prints JSON: --format csv cannot hold it\n")
    );
}

#[test]
fn sections_are_found_in_any_case_and_accents_and_counted_as_written() {
    let env = TestEnv::new();
    env.write(
        "corpus/World/Économie/a.txt",
        "Title: Euro firm\nDate: 2024-01-02\n\nThe euro held firm.\n",
    );
    env.write(
        "corpus/World/b.txt",
        "Title: Summit opens\nDate: 2024-01-03\n\nThe summit opened.\n",
    );
    env.write(
        "corpus/sport/c.txt",
        "Title: Cup final\nDate: 2024-01-04\n\nThe final was played.\n",
    );
    assert_eq!(env.run(&["index", "corpus"]).0, 0);
    let total = |args: &[&str]| total_of(&env, args);
    assert_eq!(total(&["*", "--filter", "section=/world"]), 2);
    assert_eq!(total(&["*", "--filter", "section=world/economie"]), 1);
    assert_eq!(total(&["section:/WORLD/ECONOMIE"]), 1);
    assert_eq!(total(&["section:world"]), 2);
    assert_eq!(total(&["*", "--filter", "section=/nowhere"]), 0);
    let (code, out, err) = env.run(&[
        "search",
        "*",
        "--limit",
        "0",
        "--facet",
        "section=/world",
        "--color",
        "never",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("section /World:  Économie 1"), "{out}");
}
