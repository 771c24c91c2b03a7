//! Filters, dates, sorting, the added query syntax, facets, trends, batch, similar and
//! aggregations, on in-memory indexes with known answers.

use lede::Analysis;
use lede::Ranking;
use lede::model::BatchLine;
use lede::search::batch;
use lede::{
    Article, Combine, Engine, FacetField, FacetRequest, Filter, Interval, Scope, SearchRequest,
    Sort, TrendQuery, TrendRequest,
};

fn a(path: &str, date: Option<&str>, topics: &[&str], source: &str, body: &str) -> Article {
    Article {
        id: path.into(),
        path: path.into(),
        title: format!("Note {path}"),
        body: body.into(),
        date: date.and_then(lede::model::dates::parse),
        topics: topics.iter().map(|t| t.to_string()).collect(),
        source: Some(source.into()),
        section: vec![
            "wire".into(),
            if topics.contains(&"grain") {
                "farm".into()
            } else {
                "energy".into()
            },
        ],
        format: "txt",
        ..Article::default()
    }
}

fn engine() -> Engine {
    let docs = [
        a(
            "a",
            Some("1987-02-27"),
            &["grain"],
            "Reuters",
            "wheat exports rose as the harbour loaded grain",
        ),
        a(
            "b",
            Some("1987-03-02"),
            &["grain", "wheat"],
            "Reuters",
            "grain prices fell; the wheat harvest was large",
        ),
        a(
            "c",
            Some("1987-03-31T23:00:00Z"),
            &["crude"],
            "Wire",
            "crude oil exports and satellite images of tankers",
        ),
        a(
            "d",
            Some("1987-05-15"),
            &["grain"],
            "Wire",
            "the satellites watched grain ships leave the harbour",
        ),
        a(
            "e",
            None,
            &["grain"],
            "Reuters",
            "undated grain note about a harbour",
        ),
        a(
            "f",
            Some("1987-03-02"),
            &["crude"],
            "Reuters",
            "oil prices rose while exports of wheat slowed",
        ),
    ];
    Engine::in_memory(&docs, Analysis::DEFAULT, Ranking::DEFAULT).unwrap()
}

fn req(query: &str) -> SearchRequest {
    SearchRequest {
        query: query.into(),
        limit: 100,
        passages: 1,
        ..SearchRequest::default()
    }
}

fn paths(engine: &Engine, r: &SearchRequest) -> Vec<String> {
    let mut p: Vec<String> = engine
        .search(r)
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.path)
        .collect();
    if r.sort == Sort::Relevance {
        p.sort();
    }
    p
}

fn filter(field: FacetField, value: &str) -> Filter {
    Filter {
        field,
        value: value.into(),
    }
}

#[test]
fn filters_same_field_either_different_fields_both() {
    let e = engine();
    let mut r = req("*");
    r.scope.filters = vec![
        filter(FacetField::Topic, "grain"),
        filter(FacetField::Topic, "crude"),
    ];
    assert_eq!(paths(&e, &r), ["a", "b", "c", "d", "e", "f"]);
    r.scope.filters.push(filter(FacetField::Source, "wire"));
    assert_eq!(paths(&e, &r), ["c", "d"]);
    r.scope.filters = vec![filter(FacetField::Section, "/wire/farm")];
    assert_eq!(paths(&e, &r), ["a", "b", "d", "e"]);
    r.scope.filters = vec![
        filter(FacetField::Year, "1987"),
        filter(FacetField::Topic, "Grain"),
    ];
    assert_eq!(
        paths(&e, &r),
        ["a", "b", "d"],
        "case does not matter; undated left out"
    );
}

#[test]
fn filters_do_not_change_scores() {
    let e = engine();
    let plain = e.search(&req("harbour")).unwrap();
    let mut r = req("harbour");
    r.scope.filters = vec![filter(FacetField::Source, "reuters")];
    let filtered = e.search(&r).unwrap();
    let score =
        |res: &lede::SearchResults, p: &str| res.hits.iter().find(|h| h.path == p).unwrap().score;
    assert_eq!(score(&plain, "a"), score(&filtered, "a"));
    assert_eq!(filtered.total, 2);
}

#[test]
fn dates_in_scope_and_in_the_query_language() {
    let e = engine();
    let mut r = req("*");
    let p = |s: &str| lede::model::dates::period(s).unwrap();
    r.scope.from = Some(p("1987-03").0);
    r.scope.to = Some(p("1987-03").1);
    assert_eq!(
        paths(&e, &r),
        ["b", "c", "f"],
        "until 1987-03 takes in the whole month"
    );
    assert_eq!(paths(&e, &req("date:1987-03")), ["b", "c", "f"]);
    assert_eq!(
        paths(&e, &req("date:[1987-03-01 TO 1987-03-31]")),
        ["b", "c", "f"]
    );
    assert_eq!(
        paths(&e, &req("date:[1987-03-01 TO 1987-03-31}")),
        ["b", "f"]
    );
    assert_eq!(paths(&e, &req("grain date:[* TO 1987-03-02]")), ["a", "b"]);
    assert_eq!(paths(&e, &req("date:1987-03-02")), ["b", "f"]);
    // Found by `lede serve`'s hostile queries (issue 14): tantivy panicked on a range with no
    // bound; it is every dated article.
    assert_eq!(
        paths(&e, &req("date:[* TO *]")),
        paths(&e, &req("date:[1678 TO 2261]"))
    );
    assert!(!paths(&e, &req("date:[* TO *]")).is_empty());
    let err = e
        .search(&req("date:[soon TO 1988]"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("'soon' is not a date"), "{err}");
}

#[test]
fn sorted_by_date_with_ties_by_path_and_undated_last() {
    let e = engine();
    let mut r = req("*");
    r.sort = Sort::Newest;
    assert_eq!(paths(&e, &r), ["d", "c", "b", "f", "a", "e"]);
    r.sort = Sort::Oldest;
    assert_eq!(paths(&e, &r), ["a", "b", "f", "c", "d", "e"]);
    // Pages cut through a tie in the same order.
    r.limit = 2;
    r.offset = 1;
    assert_eq!(paths(&e, &r), ["b", "f"]);
    let res = e.search(&r).unwrap();
    assert_eq!(res.hits[0].rank, 2);
    assert_eq!(res.hits[0].score, None, "no score when sorted by date");
}

#[test]
fn prefix_fuzzy_and_proximity() {
    let e = engine();
    assert_eq!(paths(&e, &req("satell*")), ["c", "d"]);
    assert_eq!(paths(&e, &req("harb*")), ["a", "d", "e"]);
    assert_eq!(paths(&e, &req("wheet~1")), ["a", "b", "f"]);
    assert!(paths(&e, &req("wheet")).is_empty());
    assert_eq!(paths(&e, &req("exports w/3 wheat")), ["a", "f"]);
    assert_eq!(paths(&e, &req("wheat pre/2 exports")), ["a"]);
    assert_eq!(paths(&e, &req("exports pre/4 wheat")), ["f"]);
    // A whole word is a prefix of itself, and of its plural, stemmed or not.
    assert_eq!(paths(&e, &req("satellite*")), ["c", "d"]);
    assert_eq!(paths(&e, &req("body:satellite*")), ["c", "d"]);
    // Nearness is a constraint, not a word: the other words follow the mode (all here).
    assert_eq!(paths(&e, &req("exports w/3 wheat oil")), ["f"]);
    let res = e.search(&req("exports w/3 wheat oil")).unwrap();
    assert_eq!((res.mode, res.notes.len()), (Combine::All, 0));
    // A stray symbol is no word: it does not make "all words" fail over to "any".
    let res = e.search(&req("harbour ]")).unwrap();
    assert_eq!(res.mode, Combine::All);
    assert_eq!(res.total, 3);
    for (q, msg) in [
        ("h*", "a prefix needs at least 2 letters"),
        ("wheat~3", "a fuzzy word takes 1 to 2 edits"),
        ("wheat~0", "a fuzzy word takes 1 to 2 edits"),
        ("w/3 wheat", "'w/3' needs a word on each side"),
        ("w/3", "'w/3' needs a word on each side"),
        ("wheat pre/2", "'pre/2' needs a word on each side"),
    ] {
        let err = e.search(&req(q)).unwrap_err().to_string();
        assert!(err.contains(msg), "{q}: {err}");
    }
}

fn highlighted(e: &Engine, q: &str, path: &str) -> Vec<String> {
    let res = e.search(&req(q)).unwrap();
    let hit = res.hits.iter().find(|h| h.path == path).unwrap();
    let p = &hit.passages[0];
    p.highlights
        .iter()
        .map(|&(s, e)| p.text[s..e].to_string())
        .collect()
}

#[test]
fn added_syntax_is_highlighted() {
    let e = engine();
    assert_eq!(highlighted(&e, "satell*", "d"), ["satellites"]);
    // A prefix whose stem is shorter than it ("satellite" -> "satellit") is matched, and
    // marked, among the words as written; in `body:` among the stems.
    assert_eq!(highlighted(&e, "satellite*", "d"), ["satellites"]);
    assert_eq!(highlighted(&e, "body:satellite*", "d"), ["satellites"]);
    assert_eq!(highlighted(&e, "wheet~1", "b"), ["wheat"]);
    // Nearness marks the two words, not what stands between them.
    assert_eq!(
        highlighted(&e, "exports w/3 wheat", "f"),
        ["exports", "wheat"]
    );
    // A phrase with a stop word inside is marked whole where it stands.
    assert_eq!(
        highlighted(&e, "\"exports of wheat\"", "f"),
        ["exports of wheat"]
    );
    assert_eq!(
        highlighted(&e, "\"ships leave the harbour\"", "d"),
        ["ships leave the harbour"]
    );
}

#[test]
fn facets_count_every_match_not_the_page() {
    let e = engine();
    let mut r = req("*");
    r.limit = 1;
    r.facets = [
        FacetField::Topic,
        FacetField::Month,
        FacetField::Year,
        FacetField::Source,
        FacetField::Section,
    ]
    .into_iter()
    .map(|field| FacetRequest {
        field,
        size: 10,
        under: vec![],
    })
    .collect();
    r.facets.push(FacetRequest {
        field: FacetField::Section,
        size: 10,
        under: vec!["wire".into()],
    });
    let res = e.search(&r).unwrap();
    assert_eq!(res.hits.len(), 1);
    let f = |i: usize| -> Vec<(String, u64)> {
        res.facets[i]
            .values
            .iter()
            .map(|v| (v.value.clone(), v.count))
            .collect()
    };
    let own = |v: &[(&str, u64)]| {
        v.iter()
            .map(|(s, n)| (s.to_string(), *n))
            .collect::<Vec<_>>()
    };
    assert_eq!(f(0), own(&[("grain", 4), ("crude", 2), ("wheat", 1)]));
    assert_eq!(f(1), own(&[("1987-03", 3), ("1987-02", 1), ("1987-05", 1)]));
    assert_eq!(f(2), own(&[("1987", 5)]));
    assert_eq!(f(3), own(&[("Reuters", 4), ("Wire", 2)]));
    assert_eq!(f(4), own(&[("wire", 6)]));
    assert_eq!(f(5), own(&[("farm", 4), ("energy", 2)]));
}

#[test]
fn trends_count_calendar_buckets_and_add_up() {
    let e = engine();
    let r = TrendRequest {
        queries: vec![
            TrendQuery {
                label: "grain".into(),
                query: "grain".into(),
            },
            TrendQuery {
                label: "oil".into(),
                query: "oil".into(),
            },
        ],
        interval: Interval::Month,
        normalize: true,
        ..TrendRequest::default()
    };
    let t = e.trend(&r).unwrap();
    assert_eq!(t.buckets, ["1987-02", "1987-03", "1987-04", "1987-05"]);
    assert_eq!(t.series[0].counts, [1, 1, 0, 1]);
    assert_eq!(t.series[0].undated, 1);
    assert_eq!(t.series[0].total, 4);
    assert_eq!(
        t.series[0].total as usize,
        e.search(&req("grain")).unwrap().total
    );
    assert_eq!(t.series[1].counts, [0, 2, 0, 0]);
    assert_eq!(t.totals.as_deref(), Some(&[1, 3, 0, 1][..]));
    assert_eq!(t.totals_undated, Some(1));
    let ratios = t.series[1].ratios.clone().unwrap();
    // An empty month has no share at all (issue 18): None, not 0.
    assert!((ratios[1].unwrap() - 2.0 / 3.0).abs() < 1e-9 && ratios[2].is_none());

    let split = e
        .trend(&TrendRequest {
            queries: vec![TrendQuery {
                label: "g".into(),
                query: "grain".into(),
            }],
            interval: Interval::Year,
            split: Some(FacetField::Source),
            ..TrendRequest::default()
        })
        .unwrap();
    let by: Vec<(Option<String>, Vec<u64>, u64)> = split
        .series
        .iter()
        .map(|s| (s.split.clone(), s.counts.clone(), s.undated))
        .collect();
    assert_eq!(
        by,
        [
            (Some("Reuters".into()), vec![2], 1),
            (Some("Wire".into()), vec![1], 0)
        ]
    );
}

#[test]
fn batch_rows_equal_single_searches() {
    let e = engine();
    let lines = batch::parse("grain\nasat\tsatell*\n(broken\n");
    let mut scope = Scope::default();
    scope.filters.push(filter(FacetField::Source, "reuters"));
    let rows = batch::run(&e, &lines, &scope, Combine::All, 2);
    let single = |q: &str| {
        let mut r = req(q);
        r.scope = scope.clone();
        e.search(&r).unwrap().total
    };
    assert_eq!(rows[0].total, Some(single("grain")));
    assert_eq!(rows[0].top.len(), 2);
    assert_eq!(
        (rows[1].label.as_str(), rows[1].total),
        ("asat", Some(single("satell*")))
    );
    assert_eq!(rows[2].total, None);
    assert_eq!(
        rows[2].error.as_deref(),
        Some("line 3: cannot read the query \"(broken\": '(' is never closed (at column 1)")
    );
    assert_eq!(
        lines[2],
        BatchLine {
            line: 3,
            label: "(broken".into(),
            query: "(broken".into()
        }
    );
}

#[test]
fn similar_articles_leave_out_the_article() {
    let e = engine();
    let res = e.similar("b", 5, 0).unwrap();
    assert!(!res.hits.is_empty());
    assert!(res.hits.iter().all(|h| h.path != "b"));
    assert_eq!(
        e.similar("nope", 5, 0).unwrap_err().to_string(),
        "no article 'nope' in the index (give its path or id as `lede search` shows them)"
    );
}

#[test]
fn similar_articles_are_the_same_every_time() {
    // 40 words that tie (each once in "q" and in one other article): 30 of them are taken,
    // the same 30 every time.
    let words: Vec<String> = (0..40).map(|i| format!("kw{i:02}z")).collect();
    let mut docs = vec![a("q", None, &[], "Wire", &words.join(" "))];
    for (i, w) in words.iter().enumerate() {
        docs.push(a(&format!("d{i:02}"), None, &[], "Wire", w));
    }
    let e = Engine::in_memory(&docs, Analysis::DEFAULT, Ranking::DEFAULT).unwrap();
    let want: Vec<String> = (0..30).map(|i| format!("d{i:02}")).collect();
    for _ in 0..10 {
        let mut got: Vec<String> = e
            .similar("q", 100, 0)
            .unwrap()
            .hits
            .into_iter()
            .map(|h| h.path)
            .collect();
        got.sort();
        assert_eq!(got, want);
    }
}

#[test]
fn aggregations_and_their_errors() {
    let e = engine();
    let (v, total, _) = e
        .aggregate(
            &req("grain"),
            r#"{"by_source": {"terms": {"field": "source"}}}"#,
        )
        .unwrap();
    assert_eq!(total, 4);
    assert_eq!(
        v["by_source"]["buckets"],
        serde_json::json!([{"key": "Reuters", "doc_count": 3}, {"key": "Wire", "doc_count": 1}])
    );
    let err = e
        .aggregate(&req("grain"), r#"{"x": {"terms": {"field": }}}"#)
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("cannot run --agg: not an aggregation at line 1, column 27"),
        "{err}"
    );
    // tantivy gives empty buckets for a field it does not know; lede names the fields.
    let nested = r#"{"y": {"histogram": {"field": "word_count", "interval": 10},
                          "aggs": {"z": {"terms": {"field": "autor"}}}}}"#;
    let err = e.aggregate(&req("grain"), nested).unwrap_err().to_string();
    assert!(
        err.starts_with("cannot run --agg: no field 'autor' to aggregate (fields: "),
        "{err}"
    );
    assert!(err.ends_with("; did you mean 'author'?"), "{err}");
}

#[test]
fn every_match_streams_in_a_stable_order() {
    let e = engine();
    let mut seen = Vec::new();
    let total = e
        .for_each_hit(
            &req("grain"),
            |_| {},
            |h| {
                seen.push(h.path);
                Ok(())
            },
        )
        .unwrap();
    assert_eq!(total, 4);
    assert_eq!(seen.len(), 4);
    let mut again = Vec::new();
    e.for_each_hit(
        &req("grain"),
        |_| {},
        |h| {
            again.push(h.path);
            Ok(())
        },
    )
    .unwrap();
    assert_eq!(seen, again);
}
