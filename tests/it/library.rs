//! The engine on in-memory indexes: ranking, hyphen forms, ties, paging, passages.

use crate::harness::{article, engine};
use lede::{Analysis, Article, Engine, Ranking, SearchRequest};

fn search(engine: &Engine, query: &str) -> Vec<String> {
    let req = SearchRequest {
        query: query.into(),
        limit: 100,
        ..Default::default()
    };
    engine
        .search(&req)
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.path)
        .collect()
}

fn spellings() -> Engine {
    engine(&spelling_articles())
}

fn spelling_articles() -> Vec<Article> {
    vec![
        article("hyphen", "Talks", "an anti-satellite test ban"),
        article("spaced", "Debris", "the anti satellite weapon"),
        article("joined", "Denial", "no antisatellite activity"),
        article("apart", "Parade", "anti aircraft guns and a satellite"),
        article("plural", "Launch", "two satellites reached orbit"),
        article("cafe", "Meeting", "scientists met at the Café Orla"),
    ]
}

#[test]
fn hyphenated_query_finds_all_three_spellings_and_not_words_apart() {
    let mut hits = search(&spellings(), "anti-satellite");
    hits.sort();
    assert_eq!(hits, ["hyphen", "joined", "spaced"]);
}

#[test]
fn joined_query_finds_all_three_spellings_and_not_words_apart() {
    let mut hits = search(&spellings(), "antisatellite");
    hits.sort();
    assert_eq!(hits, ["hyphen", "joined", "spaced"]);
}

#[test]
fn stemming_and_folding() {
    let e = spellings();
    let mut hits = search(&e, "satellites");
    hits.sort();
    assert_eq!(hits, ["apart", "hyphen", "plural", "spaced"]);
    assert_eq!(search(&e, "cafe"), ["cafe"]);
    assert_eq!(search(&e, "CAFÉ"), ["cafe"]);
}

#[test]
fn all_words_by_default_any_on_request() {
    let e = spellings();
    assert_eq!(search(&e, "debris weapon"), ["spaced"]);
    let strict = SearchRequest {
        query: "debris orbit".into(),
        combine: lede::Combine::All,
        ..Default::default()
    };
    assert_eq!(e.search(&strict).unwrap().total, 0);
    // By default, a query no article matches in full falls back to any word, and says so.
    let auto = e
        .search(&SearchRequest {
            query: "debris orbit".into(),
            ..Default::default()
        })
        .unwrap();
    assert_eq!((auto.total, auto.mode), (2, lede::Combine::Any));
    assert_eq!(
        auto.notes,
        [
            "no article has both words: showing articles with any of them, more of the words \
             ranking higher"
        ]
    );
    let req = SearchRequest {
        query: "debris orbit".into(),
        combine: lede::Combine::Any,
        ..Default::default()
    };
    let r = e.search(&req).unwrap();
    assert_eq!(r.total, 2);
}

#[test]
fn title_matches_outrank_body_matches() {
    let e = engine(&[
        article("body", "Harbour news", "the ferry levy was raised again"),
        article(
            "title",
            "Ferry levy raised",
            "the council voted on Tuesday night",
        ),
    ]);
    assert_eq!(search(&e, "ferry levy"), ["title", "body"]);
}

#[test]
fn equal_scores_are_ordered_by_path_across_pages() {
    let docs: Vec<Article> = ["d", "b", "e", "a", "c"]
        .iter()
        .map(|p| article(p, "Same", "identical text about tides"))
        .collect();
    let e = engine(&docs);
    assert_eq!(search(&e, "tides"), ["a", "b", "c", "d", "e"]);
    let page = |offset| {
        let req = SearchRequest {
            query: "tides".into(),
            limit: 2,
            offset,
            ..Default::default()
        };
        let r = e.search(&req).unwrap();
        assert_eq!(r.total, 5);
        r.hits
            .iter()
            .map(|h| (h.rank, h.path.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(page(0), [(1, "a".to_string()), (2, "b".to_string())]);
    assert_eq!(page(2), [(3, "c".to_string()), (4, "d".to_string())]);
    assert_eq!(page(4), [(5, "e".to_string())]);
    assert!(page(6).is_empty());
}

#[test]
fn passages_highlight_the_compound_in_every_spelling() {
    let e = spellings();
    let r = e
        .search(&SearchRequest {
            query: "anti-satellite".into(),
            ..Default::default()
        })
        .unwrap();
    let mut marked: Vec<String> = r
        .hits
        .iter()
        .map(|h| {
            let p = &h.passages[0];
            p.highlights
                .iter()
                .map(|&(s, e)| p.text[s..e].to_string())
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect();
    marked.sort();
    assert_eq!(
        marked,
        ["anti satellite", "anti-satellite", "antisatellite"]
    );
}

#[test]
fn phrase_and_field_queries() {
    let e = spellings();
    assert_eq!(search(&e, "\"anti satellite weapon\""), ["spaced"]);
    assert_eq!(search(&e, "title:debris"), ["spaced"]);
    assert!(search(&e, "title:weapon").is_empty());
    assert_eq!(
        search(&e, "satellite -debris -orbit -parade -anti"),
        Vec::<String>::new()
    );
    assert_eq!(search(&e, "satellite -weapon -ban -orbit"), ["apart"]);
}

#[test]
fn bad_queries_are_errors_not_panics() {
    let e = spellings();
    for (q, msg) in [
        ("(anti", "'(' is never closed (at column 1)"),
        ("anti OR", "'OR' needs a word after it (at column 6)"),
        ("", "the query is empty"),
        ("-satellite", "only excluded words"),
    ] {
        let err = e
            .search(&SearchRequest {
                query: q.into(),
                ..Default::default()
            })
            .err()
            .unwrap_or_else(|| panic!("{q:?} should fail"));
        assert!(err.to_string().contains(msg), "{q:?}: {err}");
    }
}

fn score_of(engine: &Engine, query: &str, path: &str) -> f32 {
    let req = SearchRequest {
        query: query.into(),
        limit: 100,
        ..Default::default()
    };
    let r = engine.search(&req).unwrap();
    r.hits
        .iter()
        .find(|h| h.path == path)
        .unwrap()
        .score
        .unwrap()
}

#[test]
fn a_hyphenated_match_scores_as_its_best_spelling_not_the_sum() {
    // Without the exact-form part, which a plain word has and a compound has not (its spaced
    // spelling must not rank below the others), so the three queries compare.
    let ranking = Ranking {
        exact_weight: 0.0,
        exact_tier: false,
        ..Ranking::DEFAULT
    };
    let e = Engine::in_memory(&spelling_articles(), Analysis::DEFAULT, ranking).unwrap();
    let hyphen = score_of(&e, "anti-satellite", "hyphen");
    let as_phrase = score_of(&e, "\"anti satellite\"", "hyphen");
    let as_joined = score_of(&e, "antisatellite", "hyphen");
    assert_eq!(hyphen, as_phrase.max(as_joined));
}

#[test]
fn and_not_excludes() {
    let e = spellings();
    let mut hits = search(&e, "satellite AND NOT weapon");
    hits.sort();
    assert_eq!(hits, ["apart", "hyphen", "plural"]);
    assert_eq!(
        search(&e, "satellite AND NOT weapon"),
        search(&e, "satellite -weapon")
    );
    let mut hits = search(&e, "(satellite OR cafe) AND NOT (weapon OR orbit)");
    hits.sort();
    assert_eq!(hits, ["apart", "cafe", "hyphen"]);
}
