//! Issue 13 (ranking round 2), one test per example, on small corpora made up here: the
//! any-word fall-back ranks more of the words first and says how many have them all; the word
//! as typed outranks its stem; fuzzy words put the word itself first; quoted stop words stay;
//! sloppy phrases keep their order; titles are highlighted; --explain names the parts.

use crate::harness::{article, engine};
use lede::model::Explained;
use lede::{Combine, Engine, SearchRequest, SearchResults, Sort};

fn request(query: &str) -> SearchRequest {
    SearchRequest {
        query: query.into(),
        limit: 100,
        ..Default::default()
    }
}

fn run(engine: &Engine, req: &SearchRequest) -> SearchResults {
    engine.search(req).unwrap()
}

fn paths(results: &SearchResults) -> Vec<String> {
    results.hits.iter().map(|h| h.path.clone()).collect()
}

/// The issue's `betrayal troubles boris`: one article has all three words, in its body only;
/// four have one of them in their title (boost 2), one has two.
fn betrayal() -> Engine {
    engine(&[
        article(
            "all",
            "Parliament's record of scandal",
            "A tale of betrayal, money troubles and a resignation; Boris said little at the time.",
        ),
        article("t1", "Boris opposes apology", "Boris spoke to the mayor."),
        article(
            "t2",
            "Crowd troubles at the match",
            "Troubles again in the stands.",
        ),
        article(
            "t3",
            "Betrayal claimed",
            "A claim of betrayal by the board.",
        ),
        article(
            "t4",
            "More troubles for the firm",
            "The firm faces troubles.",
        ),
        article("two", "A quiet week", "Boris and his troubles, again."),
    ])
}

#[test]
fn issue13_fallback_ranks_more_of_the_words_above_title_matches() {
    let results = run(&betrayal(), &request("betrayal troubles boris"));
    assert_eq!(results.mode, Combine::Any);
    assert_eq!(paths(&results)[..2], ["all", "two"]);
    assert_eq!(results.total, 6);
    assert_eq!(
        results.notes,
        [
            "only 1 article has all 3 words: showing articles with any of them, more of the words \
          ranking higher (that one first)"
        ]
    );
}

#[test]
fn issue13_the_note_claims_no_order_under_a_sort_by_date() {
    let req = SearchRequest {
        sort: Sort::Oldest,
        ..request("betrayal troubles boris")
    };
    let results = run(&betrayal(), &req);
    assert_eq!(
        results.notes,
        [
            "only 1 article has all 3 words: showing articles with any of them",
            // None of these made-up articles has a date (issue 18: a date sort says so).
            "none of the 6 matching articles has a date: sorted by date, they stand in path order"
        ]
    );
    let req = request("boris troubles");
    assert_eq!(
        run(&betrayal(), &req).notes,
        [
            "only 2 articles have both words: showing articles with any of them, more of the \
          words ranking higher (those 2 first)"
        ]
    );
}

#[test]
fn issue13_a_word_repeated_counts_once() {
    // `boris boris troubles`: "two" (boris and troubles) ranks above "t1" (boris twice).
    let results = run(&betrayal(), &request("boris boris troubles"));
    let order = paths(&results);
    let at = |p: &str| order.iter().position(|x| x == p).unwrap();
    assert!(at("two") < at("t1"), "{order:?}");
}

#[test]
fn issue13_match_all_and_any_are_kept() {
    let all = SearchRequest {
        combine: Combine::All,
        ..request("betrayal troubles boris")
    };
    assert_eq!(paths(&run(&betrayal(), &all)), ["all"]);
    let any = SearchRequest {
        combine: Combine::Any,
        ..request("betrayal troubles boris")
    };
    let results = run(&betrayal(), &any);
    assert_eq!(results.total, 6);
    assert_eq!(paths(&results)[..2], ["all", "two"]);
}

#[test]
fn issue13_the_word_as_typed_outranks_one_that_only_shares_its_stem() {
    let e = engine(&[
        article(
            "yuko",
            "Yuko visits Yuko",
            "Minister Yuko met Yuko officials; Yuko spoke.",
        ),
        article(
            "yukos",
            "Oil firm in court",
            "The court heard the case of Yukos.",
        ),
    ]);
    assert_eq!(paths(&run(&e, &request("yukos"))), ["yukos", "yuko"]);
    assert_eq!(paths(&run(&e, &request("yuko"))), ["yuko", "yukos"]);
}

#[test]
fn issue13_a_fuzzy_word_finds_itself_first_and_not_common_words() {
    let mut articles = vec![
        article(
            "yamani",
            "Saudi minister",
            "Sheikh Yamani said output would hold.",
        ),
        article("yamaha", "Yamaha pact", "Yamaha signed a pact."),
    ];
    for i in 0..25 {
        articles.push(article(
            &format!("many{i:02}"),
            "Many things",
            "Many people came.",
        ));
    }
    let results = run(&engine(&articles), &request("yamani~2"));
    // "many" (stem "mani", two edits away) is in 25 articles, over 20 times as many as yamani:
    // another word, left out. Yamaha (two edits) stays, below the word itself.
    assert_eq!(paths(&results), ["yamani", "yamaha"]);
    // A misspelling that is in no article finds its neighbours.
    let results = run(&engine(&articles), &request("yamanni~1"));
    assert_eq!(paths(&results), ["yamani"]);
}

#[test]
fn issue13_a_quoted_phrase_keeps_its_stop_words() {
    let e = engine(&[
        article("band", "Live tonight", "The Who played their old songs."),
        article("who", "Questions", "Nobody knew who said it."),
        article(
            "it",
            "Jobs",
            "Demand for IT jobs grew; jobs in it were many.",
        ),
        article("jobs", "Jobs", "New jobs were created."),
    ]);
    assert_eq!(paths(&run(&e, &request("\"The Who\""))), ["band"]);
    let mut who = paths(&run(&e, &request("who")));
    who.sort();
    assert_eq!(who, ["band", "who"]);
    // The index folds case, so "IT" is "it": quoted, the phrase is searched as written.
    assert_eq!(paths(&run(&e, &request("\"IT jobs\""))), ["it"]);
    let mut unquoted = paths(&run(&e, &request("IT jobs")));
    unquoted.sort();
    assert_eq!(unquoted, ["it", "jobs"]);
}

#[test]
fn issue13_a_sloppy_phrase_keeps_its_order() {
    let e = engine(&[
        article(
            "ordered",
            "Talks",
            "OPEC ministers held a meeting in Vienna.",
        ),
        article("reversed", "Talks", "The meeting of OPEC ended early."),
        article(
            "far",
            "Talks",
            "OPEC said that one more ministerial meeting is due.",
        ),
        article("close", "Talks", "The OPEC meeting ended."),
    ]);
    let mut found = paths(&run(&e, &request("\"opec meeting\"~3")));
    found.sort();
    assert_eq!(found, ["close", "ordered"]);
    // pre/4: the second word within 4 words after the first, the same articles.
    let mut pre = paths(&run(&e, &request("opec pre/4 meeting")));
    pre.sort();
    assert_eq!(pre, found);
}

#[test]
fn issue13_titles_are_highlighted() {
    let e = engine(&[article(
        "a",
        "Yukos bankruptcy: the Yukos case",
        "The court heard the Yukos case.",
    )]);
    let results = run(&e, &request("yukos case"));
    let hit = &results.hits[0];
    assert_eq!(hit.title_highlights, [(0, 5), (22, 27), (28, 32)]);
    assert_eq!(&hit.title[22..27], "Yukos");
}

fn descriptions(e: &Explained, out: &mut Vec<String>) {
    out.push(e.description.clone());
    for d in &e.details {
        descriptions(d, out);
    }
}

#[test]
fn issue13_explain_names_coordination_and_exact_form() {
    let e = betrayal();
    let req = request("betrayal troubles boris");
    let results = run(&e, &req);
    let explained = e.explain(&req, &results.hits[..1]).unwrap();
    let mut all = Vec::new();
    descriptions(&explained[0], &mut all);
    for want in [
        "coordination: word 1 of 3 present",
        "coordination: word 2 of 3 present",
        "coordination: word 3 of 3 present",
        "exact form",
    ] {
        assert!(all.iter().any(|d| d == want), "{want} not in {all:#?}");
    }
}
