//! The OpenSearch cluster `.ci/run` starts (tests/opensearch/cluster) is reachable from the tests.
//! Tests that need a cluster read its URL from `LEDE_TEST_OPENSEARCH` and skip with a notice when
//! it is unset (no Java or Maven on the machine, or a plain `cargo test`).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

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
