//! The OpenSearch cluster `.ci/run` starts (tests/opensearch/cluster) is reachable from the tests.
//! Tests that need a cluster read its URL from `LEDE_TEST_OPENSEARCH` and skip with a notice when
//! it is unset (no Java or Maven on the machine, or a plain `cargo test`).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use crate::harness::{TestEnv, spellings_corpus};

/// The test cluster's base URL, or `None` (with a notice) when there is none.
pub fn cluster_url(test: &str) -> Option<String> {
    match std::env::var("LEDE_TEST_OPENSEARCH") {
        Ok(url) if !url.is_empty() => Some(url.trim_end_matches('/').to_string()),
        _ => {
            eprintln!(
                "{test}: skipped, LEDE_TEST_OPENSEARCH is not set (tests/opensearch/README.md)"
            );
            None
        }
    }
}

/// A GET on a plain-HTTP `url` (`http://host:port`) and `path`: the response body.
fn get(url: &str, path: &str) -> String {
    let host = url.strip_prefix("http://").expect("an http:// URL");
    let mut stream = TcpStream::connect(host).expect("connect to the cluster");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    response
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_string())
        .unwrap_or_default()
}

#[test]
fn the_test_cluster_is_green_with_its_analysis_plugins() {
    let Some(url) = cluster_url("the_test_cluster_is_green_with_its_analysis_plugins") else {
        return;
    };
    let health = get(&url, "/_cluster/health?wait_for_status=green&timeout=20s");
    assert!(health.contains("\"status\":\"green\""), "{health}");
    let plugins = get(&url, "/_cat/plugins?h=component");
    assert!(plugins.contains("CommonAnalysisPlugin"), "{plugins}");
}

/// A fresh index name on the test cluster for `test`, and the `--opensearch` target for it.
pub fn target(url: &str, test: &str) -> (String, String) {
    let name = format!("lede-it-{test}-{}", std::process::id());
    let target = format!("{url}/{name}");
    drop_index(&target);
    (name, target)
}

pub fn drop_index(target: &str) {
    let os = lede::OpenSearch::connect(target).unwrap();
    let _ = os.client().send(
        lede::remote::client::Method::Delete,
        &format!("/{}", os.index_name()),
        None,
        "application/json",
    );
}

/// The JSON a command prints, without what differs by engine or run (times, the index's name).
fn json_of(env: &TestEnv, args: &[&str]) -> serde_json::Value {
    let (code, out, err) = env.run(args);
    assert!(code == 0 || code == 1, "{args:?}: {code}\n{err}");
    let mut v: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    for key in [
        "took_ms",
        "index",
        "indexed_at",
        "bytes",
        "segments",
        "deleted",
    ] {
        if let Some(o) = v.as_object_mut() {
            o.remove(key);
        }
    }
    v
}

/// A small corpus written for these tests: the three spellings of the compound, metadata to
/// count, dates over two years, and words for phrases, proximity, prefixes and fuzzy words.
pub fn agreement_corpus(env: &TestEnv) {
    spellings_corpus(env);
    env.write(
        "corpus/economy/2023-05-02-grain.json",
        r#"{"title": "Grain exports rise", "body": "Wheat and barley exports rose sharply in May, traders said. The harbour handled record grain tonnage.", "authors": ["Jo Park"], "date": "2023-05-02", "topics": ["grain", "trade"], "source": "Harbour Gazette"}"#,
    );
    env.write(
        "corpus/economy/2023-11-20-ferry.txt",
        "Ferry levy doubles\n\nThe harbour board doubled the ferry levy. Officials in Moscow said nothing about it.\n\nAuthor: Jo Park\n",
    );
    env.write(
        "corpus/space/2023-08-01-launch.txt",
        "Rocket launch delayed\n\nThe satellites waited on the pad while engineers checked the rocket. Launch officials said the satellite launch would slip.\n\nAuthor: Tom Bell\n",
    );
}

#[test]
fn opensearch_answers_as_the_local_engine() {
    let Some(url) = cluster_url("opensearch_answers_as_the_local_engine") else {
        return;
    };
    let env = TestEnv::new();
    agreement_corpus(&env);
    let (_, remote) = target(&url, "agree");
    let (code, _, err) = env.run(&["index", "corpus", "--index", "local", "-q"]);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = env.run(&[
        "index",
        "corpus",
        "--opensearch",
        &remote,
        "--shards",
        "2",
        "--replicas",
        "1",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("\"added\":7"), "{out}");

    let searches: &[&[&str]] = &[
        &["search", "anti-satellite"],
        &["search", "antisatellite"],
        &["search", "\"anti satellite\""],
        &["search", "satellite launch"],
        &["search", "satell*"],
        &["search", "title:satellite*"],
        &["search", "satelite~1"],
        &["search", "officials w/3 moscow"],
        &["search", "launch pre/3 slip"],
        &["search", "harbour AND NOT ferry"],
        &["search", "author:\"jo park\" OR topic:grain"],
        &["search", "section:/space", "--sort", "newest"],
        &["search", "date:2023", "--sort", "oldest"],
        &["search", "the of"],
        &[
            "search",
            "*",
            "--facet",
            "author",
            "--facet",
            "section",
            "--facet",
            "year",
            "--facet",
            "topic",
            "--filter",
            "section=space",
            "-n",
            "0",
        ],
        &[
            "search",
            "satellite",
            "--since",
            "2024",
            "--filter",
            "author=Ana Ruiz",
        ],
        &["trend", "satellite", "harbour", "--by", "year"],
        &["trend", "satellite", "--split", "author", "--normalize"],
        &[
            "show",
            "corpus/space/2024-01-10-hyphen.txt",
            "-q",
            "anti-satellite",
        ],
        &["stats"],
    ];
    for args in searches {
        let with = |more: &[&str]| {
            let mut a: Vec<&str> = args.to_vec();
            a.extend_from_slice(more);
            a.push("--json");
            if args[0] == "search" {
                a.extend_from_slice(&["--passages", "0"]);
            }
            json_of(&env, &a)
        };
        let local = with(&["--index", "local"]);
        let remote = with(&["--opensearch", &remote]);
        if args[0] == "search" {
            // Scores differ in their last digits (Lucene's and tantivy's length norms), which
            // may swap hits of nearly equal score: by relevance, the same hits in any order.
            let ranked = !args.contains(&"--sort");
            let strip = |mut v: serde_json::Value| {
                let hits = v["hits"].as_array_mut().unwrap();
                for h in hits.iter_mut() {
                    let h = h.as_object_mut().unwrap();
                    h.remove("score");
                    if ranked {
                        h.remove("rank");
                    }
                }
                if ranked {
                    hits.sort_by_key(|h| h["id"].as_str().unwrap_or("").to_string());
                }
                // The local engine ranks the any-word fall-back in coordination tiers and says
                // so; the cluster does not: the notes agree up to that claim.
                if let Some(notes) = v["notes"].as_array_mut() {
                    for n in notes.iter_mut() {
                        let text = n.as_str().unwrap_or("").to_string();
                        *n = text
                            .split(", more of the words")
                            .next()
                            .unwrap_or("")
                            .into();
                    }
                }
                v
            };
            assert_eq!(strip(local), strip(remote), "{args:?}");
        } else {
            assert_eq!(local, remote, "{args:?}");
        }
    }

    // Every spelling of the compound, whichever of the joined ones is typed, on the cluster too.
    for q in ["anti-satellite", "antisatellite"] {
        let v = json_of(&env, &["search", q, "--opensearch", &remote, "--json"]);
        assert_eq!(v["total"], 3, "{q}: {v}");
    }

    // Passages are the body's own text, highlights on the words matched.
    let v = json_of(
        &env,
        &[
            "search",
            "anti-satellite",
            "--json",
            "--opensearch",
            &remote,
        ],
    );
    for hit in v["hits"].as_array().unwrap() {
        let p = &hit["passages"][0];
        let text = p["text"].as_str().unwrap();
        let (s, e) = (
            p["highlights"][0][0].as_u64().unwrap() as usize,
            p["highlights"][0][1].as_u64().unwrap() as usize,
        );
        assert!(text[s..e].to_lowercase().contains("satellite"), "{p}");
    }
    // --all streams every match.
    let (code, out, _) = env.run(&[
        "search",
        "satellite",
        "--all",
        "--format",
        "jsonl",
        "--opensearch",
        &remote,
    ]);
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), 4, "{out}");

    // Incremental: nothing changed, nothing sent; a change and a removal are both seen.
    let (_, out, _) = env.run(&["index", "corpus", "--opensearch", &remote, "--json"]);
    assert!(
        out.contains("\"unchanged\":7") && out.contains("\"commits\":0"),
        "{out}"
    );
    env.write(
        "corpus/economy/2023-11-20-ferry.txt",
        "Ferry levy triples\n\nThe harbour board tripled the ferry levy.\n\nAuthor: Jo Park\n",
    );
    std::fs::remove_file(env.path().join("corpus/space/2024-02-11-spaced.txt")).unwrap();
    let (_, out, _) = env.run(&["index", "corpus", "--opensearch", &remote, "--json"]);
    assert!(
        out.contains("\"updated\":1") && out.contains("\"deleted\":1"),
        "{out}"
    );
    assert!(out.contains("\"total\":6"), "{out}");
    let v = json_of(
        &env,
        &[
            "search",
            "triples OR tripled",
            "--json",
            "--opensearch",
            &remote,
        ],
    );
    assert_eq!(v["total"], 1);
    drop_index(&remote);
}

#[test]
fn a_cluster_that_cannot_answer_is_exit_2_with_a_reason() {
    let env = TestEnv::new();
    // Nothing listens on port 9 (discard) of this machine's loopback.
    let (code, _, err) = env.run(&["search", "x", "--opensearch", "http://127.0.0.1:9/news"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("cannot reach the cluster"), "{err}");
    let (code, _, err) = env.run(&["stats", "--opensearch", "http://127.0.0.1:9"]);
    assert_eq!(code, 2);
    assert!(err.contains("name the index"), "{err}");
    let Some(url) = cluster_url("a_cluster_that_cannot_answer_is_exit_2_with_a_reason") else {
        return;
    };
    let (_, remote) = target(&url, "missing");
    let (code, _, err) = env.run(&["search", "x", "--opensearch", &remote]);
    assert_eq!(code, 2);
    assert!(err.contains("there is no index"), "{err}");
}

/// Counts files done and, at the `at`th, kills node 3 of the test cluster.
struct KillingReporter {
    done: std::sync::atomic::AtomicUsize,
    at: usize,
    killed: std::sync::Mutex<Option<std::time::Instant>>,
}

impl lede::indexer::Reporter for KillingReporter {
    fn file_done(&self, _bytes: u64, _articles: u64) {
        let n = self.done.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
        if n == self.at {
            let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/opensearch/cluster");
            let status = std::process::Command::new(script)
                .args(["stop-node", "3"])
                .status()
                .expect("tests/opensearch/cluster runs");
            assert!(status.success(), "stop-node 3 failed");
            *self.killed.lock().unwrap() = Some(std::time::Instant::now());
        }
    }
}

/// Issue 16, point 4: with 3 nodes and one replica, node 3 is killed in the middle of an index
/// run while another thread searches in a loop: no search fails, and the run ends with every
/// article present. It leaves the cluster with 2 nodes (yellow), so it runs only when
/// `LEDE_TEST_OPENSEARCH_FAULTS=1` (`.ci/run` runs it last, on its own).
#[test]
fn a_node_lost_fails_no_search_and_loses_no_article() {
    let Some(url) = cluster_url("a_node_lost_fails_no_search_and_loses_no_article") else {
        return;
    };
    if std::env::var("LEDE_TEST_OPENSEARCH_FAULTS").as_deref() != Ok("1") {
        eprintln!(
            "a_node_lost_fails_no_search_and_loses_no_article: skipped, set LEDE_TEST_OPENSEARCH_FAULTS=1 (it kills node 3)"
        );
        return;
    }
    use lede::remote::bulk::Layout;
    use lede::{IndexRequest, OpenSearch, SearchRequest};
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

    let env = TestEnv::new();
    const SEARCHED: usize = 300;
    const INDEXED: usize = 3_000;
    for i in 0..SEARCHED {
        let word = if i % 3 == 0 { "satellite" } else { "harbour" };
        env.write(
            &format!("a/{i:04}.txt"),
            format!("Report {i}\n\nA {word} story, number {i}.\n"),
        );
    }
    for i in 0..INDEXED {
        env.write(
            &format!("b/{}/{i:05}.txt", i % 10),
            format!("Item {i}\n\nThe ferry levy note {i}.\n"),
        );
    }
    let layout = Layout {
        shards: 3,
        replicas: 1,
    };
    let (_, searched) = target(&url, "fault-a");
    let (_, indexed) = target(&url, "fault-b");
    let a = OpenSearch::connect(&searched).unwrap();
    let silent = lede::indexer::Silent;
    lede::remote::index(
        &a,
        &IndexRequest::new(vec![env.path().join("a")], env.path().join("x")),
        layout,
        &silent,
    )
    .unwrap();

    let stop = AtomicBool::new(false);
    let (ok, failed) = (AtomicUsize::new(0), std::sync::Mutex::new(Vec::new()));
    let reporter = KillingReporter {
        done: AtomicUsize::new(0),
        at: 2_100,
        killed: Default::default(),
    };
    let started = std::time::Instant::now();
    let summary = std::thread::scope(|scope| {
        scope.spawn(|| {
            let req = SearchRequest {
                query: "satellite".into(),
                passages: 0,
                ..Default::default()
            };
            while !stop.load(Ordering::SeqCst) {
                match a.search(&req) {
                    Ok(r) if r.total == SEARCHED.div_ceil(3) => {
                        ok.fetch_add(1, Ordering::SeqCst);
                    }
                    Ok(r) => failed.lock().unwrap().push(format!("total {}", r.total)),
                    Err(e) => failed.lock().unwrap().push(e.to_string()),
                }
            }
        });
        let b = OpenSearch::connect(&indexed).unwrap();
        let req = IndexRequest::new(vec![env.path().join("b")], env.path().join("y"));
        let summary = lede::remote::index(&b, &req, layout, &reporter);
        // Searches go on a while after the run, with the cluster yellow.
        std::thread::sleep(Duration::from_secs(3));
        stop.store(true, Ordering::SeqCst);
        summary
    });
    let summary = summary.expect("the index run ends well");
    let killed = reporter
        .killed
        .lock()
        .unwrap()
        .expect("node 3 was killed during the run");
    let health = a
        .client()
        .call(lede::remote::client::Method::Get, "/_cluster/health", None)
        .unwrap();
    eprintln!(
        "fault test: node 3 killed {:.1} s into the run; {} searches answered in full, {} failed; \
         index run {:.1} s, {} articles; cluster {} with {} nodes",
        killed.duration_since(started).as_secs_f64(),
        ok.load(Ordering::SeqCst),
        failed.lock().unwrap().len(),
        summary.seconds,
        summary.total,
        health["status"],
        health["number_of_nodes"],
    );
    assert_eq!(failed.lock().unwrap().as_slice(), &[] as &[String]);
    assert!(ok.load(Ordering::SeqCst) > 10);
    assert_eq!(summary.total, INDEXED as u64, "{summary:?}");
    assert_eq!(summary.warnings, 0, "{summary:?}");
    assert_eq!(health["number_of_nodes"], 2);
    drop_index(&searched);
    drop_index(&indexed);
}
