//! `lede serve` through real sockets: the API's JSON against the CLI's `--json`, bad input,
//! traversal attempts, reloading after an index run, a clean stop, and the page in a real
//! headless Chromium (skipped with a notice when chromium or chromedriver is absent).
//!
//! The HTTP client is a few lines over `TcpStream`: requests go out byte for byte as written
//! (`/%2e%2e/` stays encoded), which a client library would normalise.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::harness::{TestEnv, cut_to_half, segments, spellings_corpus};

/// A `lede serve` running on a free port; stopped (SIGTERM, then SIGKILL) when dropped.
struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Server {
    /// Starts `lede serve --index INDEX --listen 127.0.0.1:0` in `dir` and waits for its line.
    fn start(dir: &Path, index: &str) -> Server {
        Server::start_with(dir, &["--index", index])
    }

    /// Starts `lede serve ARGS --listen 127.0.0.1:0` in `dir` and waits for its line.
    fn start_with(dir: &Path, args: &[&str]) -> Server {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("lede"))
            .env_remove("LEDE_OPENSEARCH")
            .arg("serve")
            .args(args)
            .args(["--listen", "127.0.0.1:0"])
            .current_dir(dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("lede serve starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let addr = line
            .trim()
            .strip_prefix("http://")
            .unwrap_or_else(|| panic!("expected http://ADDR, got {line:?}"))
            .parse()
            .unwrap();
        Server { child, addr }
    }

    fn get(&self, target: &str) -> (u16, String) {
        http(self.addr, "GET", target, None).unwrap()
    }

    /// GET that must succeed with JSON.
    fn json(&self, target: &str) -> Value {
        let (status, body) = self.get(target);
        assert_eq!(status, 200, "{target}: {body}");
        serde_json::from_str(&body).unwrap()
    }

    /// Sends SIGTERM and gives the exit code.
    fn terminate(mut self) -> Option<i32> {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(10) {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP/1.1 exchange: (status, body). `target` is sent as it is. The body is read by its
/// Content-Length (chromedriver keeps the connection open whatever the request says), chunk
/// by chunk, or to the end.
fn http(
    addr: SocketAddr,
    method: &str,
    target: &str,
    body: Option<&str>,
) -> std::io::Result<(u16, String)> {
    let headers = format!("Host: {addr}\r\nContent-Type: application/json\r\n");
    http_with(addr, method, target, &headers, body)
}

/// [`http`] with the header lines given (each ending in CRLF; Connection and Content-Length
/// are added).
fn http_with(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &str,
    body: Option<&str>,
) -> std::io::Result<(u16, String)> {
    exchange(addr, method, target, headers, body).map(|(status, _, body)| (status, body))
}

/// A response's headers: (lower-case name, value).
type Headers = Vec<(String, String)>;

/// One exchange: (status, the response's headers, body).
fn exchange(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &str,
    body: Option<&str>,
) -> std::io::Result<(u16, Headers, String)> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    let body = body.unwrap_or("");
    write!(
        stream,
        "{method} {target} HTTP/1.1\r\n{headers}Connection: close\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    )?;
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let status = line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let (mut length, mut chunked) = (None, false);
    let mut response_headers = Vec::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 || line.trim().is_empty() {
            break;
        }
        let (name, value) = line.split_once(':').unwrap_or((&line, ""));
        response_headers.push((name.to_ascii_lowercase(), value.trim().to_string()));
        match name.to_ascii_lowercase().as_str() {
            "content-length" => length = value.trim().parse::<usize>().ok(),
            "transfer-encoding" => chunked = value.to_ascii_lowercase().contains("chunked"),
            _ => {}
        }
    }
    let mut raw = Vec::new();
    if chunked {
        loop {
            line.clear();
            reader.read_line(&mut line)?;
            let n = usize::from_str_radix(line.trim(), 16).unwrap_or(0);
            if n == 0 {
                break;
            }
            let mut chunk = vec![0; n + 2];
            reader.read_exact(&mut chunk)?;
            raw.extend_from_slice(&chunk[..n]);
        }
    } else if let Some(n) = length {
        raw.resize(n, 0);
        reader.read_exact(&mut raw)?;
    } else {
        reader.read_to_end(&mut raw)?;
    }
    Ok((
        status,
        response_headers,
        String::from_utf8_lossy(&raw).into_owned(),
    ))
}

/// `"took_ms":12.3` made `"took_ms":0`: the one field that differs between two runs.
fn without_timing(json: &str) -> String {
    let mut out = String::new();
    let mut rest = json;
    while let Some(i) = rest.find("\"took_ms\":") {
        let (before, after) = rest.split_at(i + "\"took_ms\":".len());
        out.push_str(before);
        out.push('0');
        let end = after
            .find(|c: char| !(c.is_ascii_digit() || ".eE+-".contains(c)))
            .unwrap_or(after.len());
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// The bundled corpus plus the four spellings articles, indexed into `idx` in the env.
fn indexed_env() -> TestEnv {
    let env = TestEnv::new();
    spellings_corpus(&env);
    let bundled = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let (code, _, err) = env.run(&[
        "index",
        "corpus",
        bundled.to_str().unwrap(),
        "--index",
        "idx",
        "-q",
    ]);
    assert_eq!(code, 0, "{err}");
    env
}

#[test]
fn serve_api_json_is_the_cli_json() {
    let env = indexed_env();
    let server = Server::start(env.path(), "idx");
    let article = server.json("/api/search?q=anti-satellite&limit=1")["hits"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let article_url = article.replace('#', "%23");
    let cases: Vec<(String, Vec<&str>)> =
        vec![
        (
            "/api/search?q=anti-satellite".into(),
            vec!["search", "anti-satellite", "--json"],
        ),
        (
            "/api/search?q=anti-satellite&facet=source&facet=section&facet=year&facet=author%3D3\
             &limit=3&offset=1&passages=3"
                .into(),
            vec![
                "search",
                "anti-satellite",
                "--facet",
                "source",
                "--facet",
                "section",
                "--facet",
                "year",
                "--facet",
                "author=3",
                "--limit",
                "3",
                "--offset",
                "1",
                "--passages",
                "3",
                "--json",
            ],
        ),
        (
            "/api/search?q=satellite+debris&match=any&sort=newest&since=2024-02&until=2025\
             &filter=section%3D%2Fspace&facet=month"
                .into(),
            vec![
                "search",
                "satellite debris",
                "--match",
                "any",
                "--sort",
                "newest",
                "--since",
                "2024-02",
                "--until",
                "2025",
                "--filter",
                "section=/space",
                "--facet",
                "month",
                "--json",
            ],
        ),
        (
            "/api/search?q=*&filter=author%3DAna+Ruiz&facet=section%3D%2Fspace%3D2&exact=1".into(),
            vec![
                "search",
                "*",
                "--filter",
                "author=Ana Ruiz",
                "--facet",
                "section=/space=2",
                "--exact",
                "--json",
            ],
        ),
        (
            "/api/trend?q=anti-satellite&by=year".into(),
            vec!["trend", "anti-satellite", "--by", "year", "--json"],
        ),
        (
            "/api/trend?q=orbit%3Dsatellite&q=harbour&by=month&normalize=1&split=source".into(),
            vec![
                "trend",
                "orbit=satellite",
                "harbour",
                "--by",
                "month",
                "--normalize",
                "--split",
                "source",
                "--json",
            ],
        ),
        (
            format!("/api/articles/{article_url}"),
            vec!["show", &article, "--json"],
        ),
        (
            format!("/api/articles/{article_url}?q=anti-satellite+treaty"),
            vec!["show", &article, "--query", "anti-satellite treaty", "--json"],
        ),
        ("/api/stats".into(), vec!["stats", "--json"]),
    ];
    for (target, args) in cases {
        let mut args = args.clone();
        if args[0] != "search" || !args.contains(&"--index") {
            args.extend(["--index", "idx"]);
        }
        let (code, cli, err) = env.run(&args);
        assert!(code == 0 || code == 1, "lede {args:?}: {err}");
        let (status, api) = server.get(&target);
        assert_eq!(status, 200, "{target}: {api}");
        assert_eq!(
            without_timing(&api),
            without_timing(&cli),
            "GET {target} differs from lede {args:?}"
        );
    }
    let health = server.json("/api/health");
    assert_eq!(health["status"], "ok");
    assert_eq!(health["lede_json"], 1);
}

/// A cluster that does not answer is an error at start (exit 2, its reason), as a missing
/// folder is, not a server that fails every request.
#[test]
fn serve_over_a_cluster_that_does_not_answer_is_exit_2_at_once() {
    let env = TestEnv::new();
    let (code, out, err) = env.run(&[
        "serve",
        "--opensearch",
        "http://127.0.0.1:9/news",
        "--listen",
        "127.0.0.1:0",
    ]);
    assert_eq!(code, 2, "{out}{err}");
    assert_eq!(out, "");
    assert!(
        err.starts_with("lede: OpenSearch at 'http://127.0.0.1:9': cannot reach the cluster"),
        "{err}"
    );
}

/// `lede serve --opensearch`: the same API over a cluster's index, through the same `Backend`;
/// what reads a local index only says so.
#[test]
fn serve_over_opensearch_answers_as_the_cli_over_opensearch() {
    let Some(url) =
        crate::opensearch::cluster_url("serve_over_opensearch_answers_as_the_cli_over_opensearch")
    else {
        return;
    };
    let env = TestEnv::new();
    crate::opensearch::agreement_corpus(&env);
    let (_, remote) = crate::opensearch::target(&url, "serve");
    let (code, _, err) = env.run(&["index", "corpus", "--opensearch", &remote, "-q"]);
    assert_eq!(code, 0, "{err}");
    let server = Server::start_with(env.path(), &["--opensearch", &remote]);
    let health = server.json("/api/health");
    assert_eq!(
        (health["status"].as_str(), health["articles"].as_u64()),
        (Some("ok"), Some(7))
    );
    let article = server.json("/api/search?q=ferry&limit=1")["hits"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(article, "corpus/economy/2023-11-20-ferry.txt");
    let cases: Vec<(String, Vec<&str>)> = vec![
        (
            "/api/search?q=anti-satellite&facet=year&facet=author".into(),
            vec![
                "search",
                "anti-satellite",
                "--facet",
                "year",
                "--facet",
                "author",
            ],
        ),
        (
            "/api/search?q=harbour&sort=newest&since=2023-06".into(),
            vec![
                "search", "harbour", "--sort", "newest", "--since", "2023-06",
            ],
        ),
        (
            "/api/trend?q=harbour&by=year".into(),
            vec!["trend", "harbour", "--by", "year"],
        ),
        (
            format!("/api/articles/{article}?q=ferry+levy"),
            vec!["show", &article, "--query", "ferry levy"],
        ),
        ("/api/stats".into(), vec!["stats"]),
    ];
    for (target, args) in cases {
        let mut args = args.clone();
        args.extend(["--opensearch", &remote, "--json"]);
        let (code, cli, err) = env.run(&args);
        assert_eq!(code, 0, "lede {args:?}: {err}");
        let (status, api) = server.get(&target);
        assert_eq!(status, 200, "{target}: {api}");
        assert_eq!(
            without_timing(&api),
            without_timing(&cli),
            "GET {target} differs from lede {args:?}"
        );
    }
    for target in ["/api/terms?q=harbour", "/api/saved", "/api/saved/x"] {
        let (status, body) = server.get(target);
        assert_eq!(status, 501, "{target}: {body}");
        assert!(body.contains("need a local index"), "{target}: {body}");
    }
    crate::opensearch::drop_index(&remote);
}

#[test]
fn serve_bad_input_is_a_json_error_with_a_client_status() {
    let env = indexed_env();
    let server = Server::start(env.path(), "idx");
    let long = format!("/api/search?q={}", "word+".repeat(600));
    let cases: &[(&str, u16, &str)] = &[
        ("/api/search?q=date%3Anever", 400, "cannot read the query"),
        ("/api/search", 400, "give a query"),
        ("/api/search?q=x&limit=lots", 400, "limit must be a number"),
        ("/api/search?q=x&limit=1001", 400, "at most 1000"),
        ("/api/search?q=x&offset=100001", 400, "at most 100000"),
        (
            "/api/search?q=x&facet=colour",
            400,
            "unknown facet 'colour'",
        ),
        (
            "/api/search?q=x&filter=nope",
            400,
            "expected FIELD=VALUE, like topic=grain",
        ),
        ("/api/search?q=x&since=soon", 400, "not a date"),
        ("/api/search?q=x&sort=best", 400, "sort must be one of"),
        ("/api/search?q=x&qq=y", 400, "unknown parameter 'qq'"),
        (&long, 400, "at most 2000"),
        ("/api/trend", 400, "give at least one query"),
        (
            "/api/trend?q=a%3Dx&q=a%3Dy",
            400,
            "two series are labelled 'a'",
        ),
        ("/api/trend?q=x&split=year", 400, "cannot split by 'year'"),
        (
            "/api/articles/no%2Fsuch%2Farticle.txt",
            404,
            "no article 'no/such/article.txt'",
        ),
        (
            "/api/articles/x?colour=red",
            400,
            "unknown parameter 'colour'",
        ),
        ("/api/nothing", 404, "no such page"),
        ("/favicon.ico", 404, "no such page"),
    ];
    for (target, want, message) in cases {
        let (status, body) = server.get(target);
        assert_eq!(status, *want, "{target}: {body}");
        let v: Value = serde_json::from_str(&body).unwrap_or_else(|_| panic!("{target}: {body}"));
        let error = v["error"].as_str().unwrap_or_default();
        assert!(error.contains(message), "{target}: {error}");
    }
    let (status, body) = http(server.addr, "POST", "/api/search?q=x", Some("{}")).unwrap();
    assert_eq!(status, 405, "{body}");
    // Whatever a client types, the answer is a 200 or a 4xx, never a 5xx.
    for q in [
        "%22",
        "(((",
        ")",
        "title%3A",
        "*%3A*",
        "a~99",
        "%22a+b%22~-1",
        "%5B1+TO",
        "%00",
        "%FF%FE",
        "AND",
        "NOT",
        "-",
        "%2B",
        "a%5E-1",
        "a%5Ebig",
        "w%2F5",
        "a+w%2F0+b",
        "%F0%9F%92%A5",
        "section%3A%2F..%2F..",
        "date%3A%5B*+TO+*%5D",
        "date%3A99999",
    ] {
        let (status, body) = server.get(&format!("/api/search?q={q}&facet=section&facet=month"));
        assert!(status == 200 || status == 400, "q={q}: {status} {body}");
        let (status, body) = server.get(&format!("/api/trend?q={q}"));
        assert!(
            status == 200 || status == 400,
            "trend q={q}: {status} {body}"
        );
    }
    assert_eq!(server.json("/api/health")["status"], "ok");
}

#[test]
fn serve_never_serves_a_file_outside_the_page() {
    let env = indexed_env();
    let server = Server::start(env.path(), "idx");
    env.write("secret.txt", "the password is swordfish");
    for target in [
        "/../Cargo.toml",
        "/%2e%2e/Cargo.toml",
        "/%2e%2e/",
        "/static/../../etc/passwd",
        "/static/..%2f..%2fetc%2fpasswd",
        "/..%2f..%2f..%2fetc%2fpasswd",
        "/page.js/../../secret.txt",
        "/secret.txt",
        "/idx/meta.json",
        "//etc/passwd",
        "/api/articles/..%2Fsecret.txt",
        "/api/articles/..%2F..%2F..%2Fetc%2Fpasswd",
        "/api/articles/%2Fetc%2Fpasswd",
    ] {
        let (status, body) = server.get(target);
        assert!(status == 404 || status == 400, "{target}: {status}");
        for secret in ["swordfish", "root:", "[package]", "segments"] {
            assert!(!body.contains(secret), "{target} gave away a file: {body}");
        }
    }
    // The page and its two files are there, and say that nothing is loaded from elsewhere.
    for target in ["/", "/page.css", "/page.js"] {
        let (status, body) = server.get(target);
        assert_eq!(status, 200, "{target}");
        // The script names SVG's namespace, which is no address to fetch.
        let body = body.replace("http://www.w3.org/2000/svg", "");
        assert!(
            !body.contains("http://") && !body.contains("https://"),
            "{target}"
        );
    }
    let (_, page) = server.get("/");
    assert!(page.contains("<script src=\"/page.js\">"));
}

#[test]
fn serve_sees_a_new_commit_and_never_fails_meanwhile() {
    let env = indexed_env();
    let server = Server::start(env.path(), "idx");
    let word = "zanzibarite";
    assert_eq!(
        server.json(&format!("/api/search?q={word}"))["total"],
        0,
        "not there yet"
    );
    let before = server.json("/api/health")["articles"].as_u64().unwrap();
    // Searches go on while an indexer writes; every one must answer 200.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let searcher = {
        let (stop, addr) = (stop.clone(), server.addr);
        std::thread::spawn(move || {
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                let (status, body) =
                    http(addr, "GET", "/api/search?q=satellite&facet=source", None).unwrap();
                assert_eq!(status, 200, "a search failed while indexing: {body}");
                n += 1;
            }
            n
        })
    };
    for i in 0..30 {
        env.write(
            &format!("corpus/new/2025-01-{:02}-new.txt", i % 28 + 1),
            format!("New article {i}\n\nThe {word} mineral was found again, sample {i}.\n"),
        );
    }
    let (code, _, err) = env.run(&[
        "index",
        "corpus",
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("corpus")
            .to_str()
            .unwrap(),
        "--index",
        "idx",
        "-q",
        "--commit-every",
        "5",
    ]);
    assert_eq!(code, 0, "{err}");
    let indexed = Instant::now();
    let mut total = 0;
    while indexed.elapsed() < Duration::from_secs(5) {
        total = server.json(&format!("/api/search?q={word}"))["total"]
            .as_u64()
            .unwrap();
        if total == 28 {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let seen_after = indexed.elapsed();
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let searches = searcher.join().expect("no search failed");
    // 30 writes of 28 distinct files.
    assert_eq!(total, 28, "the new commit was not seen within 5 s");
    assert!(
        seen_after < Duration::from_secs(2),
        "seen only after {seen_after:?}"
    );
    assert_eq!(
        server.json("/api/health")["articles"].as_u64().unwrap(),
        before + 28
    );
    eprintln!(
        "serve: the commit was seen {} ms after `lede index` ended; {searches} searches ran meanwhile",
        seen_after.as_millis()
    );
}

/// Polls `target` until it answers `status` (at most 5 s); gives the body.
fn await_status(server: &Server, target: &str, status: u16) -> String {
    let started = Instant::now();
    loop {
        let (got, body) = server.get(target);
        if got == status {
            return body;
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{target}: still {got} after 5 s: {body}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn serve_reports_an_index_damaged_under_it_until_a_rebuild() {
    let env = indexed_env();
    let server = Server::start(env.path(), "idx");
    assert_eq!(server.get("/api/search?q=satellite").0, 200);
    // One segment file overwritten in its middle, in place, while the server has it open.
    let (id, _) = segments(&env.path().join("idx")).remove(0);
    let path = env.path().join(format!("idx/{id}.idx"));
    let mut bytes = std::fs::read(&path).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid..mid + 16].copy_from_slice(b"XXXXXXXXXXXXXXXX");
    std::fs::write(&path, bytes).unwrap();
    let damaged = json!({
        "error": format!(
            "the index at 'idx' is damaged (its file '{id}.idx' does not match its checksum): \
             run `lede index --rebuild --index idx` to build it again"
        )
    });
    for target in ["/api/search?q=satellite", "/api/health", "/api/stats"] {
        let body = await_status(&server, target, 500);
        assert_eq!(
            serde_json::from_str::<Value>(&body).unwrap(),
            damaged,
            "{target}"
        );
    }
    let bundled = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let (code, _, err) = env.run(&[
        "index",
        "corpus",
        bundled.to_str().unwrap(),
        "--index",
        "idx",
        "--rebuild",
        "-q",
    ]);
    assert_eq!(code, 0, "{err}");
    await_status(&server, "/api/search?q=satellite", 200);
    assert_eq!(server.get("/api/health").0, 200);
}

/// A segment file cut short in place under the server: its mapping of the file now reaches
/// past the file's end, and a read there would kill the process (SIGBUS). The damage check
/// reads the file afresh, so the server says what is wrong and stays up.
#[test]
fn serve_survives_a_segment_file_cut_short_under_it() {
    let env = indexed_env();
    let server = Server::start(env.path(), "idx");
    assert_eq!(server.get("/api/search?q=satellite").0, 200);
    let (id, _) = segments(&env.path().join("idx")).remove(0);
    cut_to_half(&env.path().join(format!("idx/{id}.store")));
    let body = await_status(&server, "/api/health", 500);
    assert!(
        body.contains(&format!(
            "its file '{id}.store' is cut short or overwritten at its end"
        )),
        "{body}"
    );
    assert_eq!(await_status(&server, "/api/search?q=satellite", 500), body);
    assert_eq!(
        server.terminate(),
        Some(0),
        "the server stopped cleanly, it did not crash"
    );
}

#[test]
fn serve_prints_one_line_and_stops_cleanly_on_sigterm() {
    let env = indexed_env();
    let server = Server::start(env.path(), "idx");
    assert_eq!(server.json("/api/health")["status"], "ok");
    assert_eq!(server.terminate(), Some(0));
    // A taken port is an error that says what to do.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let (code, out, err) = env.run(&[
        "serve",
        "--index",
        "idx",
        "--listen",
        &format!("127.0.0.1:{port}"),
    ]);
    assert_eq!((code, out.as_str()), (2, ""), "{err}");
    assert!(err.contains("cannot listen there"), "{err}");
    // No index: refused before listening.
    let (code, out, err) = env.run(&["serve", "--index", "nowhere", "--listen", "127.0.0.1:0"]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.contains("no index at 'nowhere'"), "{err}");
}

// ---- the page in a real browser ----

/// A chromedriver session over headless Chromium, spoken to in WebDriver's JSON.
struct Browser {
    driver: Child,
    addr: SocketAddr,
    session: String,
    _profile: tempfile::TempDir,
}

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

impl Browser {
    fn start() -> Option<Browser> {
        let (chromium, driver) = (Path::new("/usr/bin/chromium"), which("chromedriver"));
        let Some(driver) = driver.filter(|_| chromium.exists()) else {
            eprintln!(
                "skipped: the browser test needs chromium and chromedriver \
                 (apt-get install chromium chromium-driver)"
            );
            return None;
        };
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
        let started = Instant::now();
        while http(addr, "GET", "/status", None).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "chromedriver did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let profile = tempfile::tempdir().unwrap();
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--disable-dev-shm-usage", "--window-size=1280,900",
                    format!("--user-data-dir={}", profile.path().display()),
                ],
            },
        }}});
        let mut browser = Browser {
            driver: child,
            addr,
            session: String::new(),
            _profile: profile,
        };
        let v = browser.call("POST", "/session", Some(caps));
        browser.session = v["sessionId"].as_str().expect("a session").to_string();
        Some(browser)
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let body = body.map(|b| b.to_string());
        let (status, text) = http(self.addr, method, path, body.as_deref()).unwrap();
        let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        assert_eq!(status, 200, "WebDriver {method} {path}: {text}");
        v["value"].clone()
    }

    fn session(&self, method: &str, path: &str, body: Value) -> Value {
        let path = format!("/session/{}{path}", self.session);
        let body = (method == "POST").then_some(body);
        self.call(method, &path, body)
    }

    fn goto(&self, url: &str) {
        self.session("POST", "/url", json!({"url": url}));
    }

    fn find(&self, css: &str) -> String {
        let v = self.session(
            "POST",
            "/element",
            json!({"using": "css selector", "value": css}),
        );
        v[ELEMENT].as_str().unwrap().to_string()
    }

    fn click(&self, css: &str) {
        let id = self.find(css);
        self.session("POST", &format!("/element/{id}/click"), json!({}));
    }

    fn type_into(&self, css: &str, text: &str) {
        let id = self.find(css);
        self.session(
            "POST",
            &format!("/element/{id}/value"),
            json!({"text": text}),
        );
    }

    /// Presses keys (WebDriver codes: "\u{E015}" is ArrowDown) on whatever has the focus.
    fn press(&self, keys: &[&str]) {
        let actions: Vec<Value> = keys
            .iter()
            .flat_map(|k| {
                [
                    json!({"type": "keyDown", "value": k}),
                    json!({"type": "keyUp", "value": k}),
                ]
            })
            .collect();
        self.session(
            "POST",
            "/actions",
            json!({"actions": [{"type": "key", "id": "keys", "actions": actions}]}),
        );
    }

    fn script(&self, js: &str) -> Value {
        self.session("POST", "/execute/sync", json!({"script": js, "args": []}))
    }

    /// Waits up to 10 s for `js` to return something truthy.
    fn wait_for(&self, what: &str, js: &str) -> Value {
        let started = Instant::now();
        loop {
            let v = self.script(js);
            if !(v.is_null() || v == json!(false) || v == json!(0) || v == json!("")) {
                return v;
            }
            if started.elapsed() > Duration::from_secs(10) {
                let status = self.script("return document.getElementById('status').textContent");
                panic!("waited 10 s for {what}; the page says {status}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn screenshot(&self, path: &Path) {
        let png = self.session("GET", "/screenshot", Value::Null);
        std::fs::write(path, base64_decode(png.as_str().unwrap())).unwrap();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = http(
                self.addr,
                "DELETE",
                &format!("/session/{}", self.session),
                None,
            );
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|dir| Path::new(dir).join(name))
        .find(|p| p.is_file())
}

fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let digits: Vec<u8> = text
        .bytes()
        .filter(|c| c.is_ascii_alphanumeric() || *c == b'+' || *c == b'/')
        .map(value)
        .collect();
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, d)| n | (u32::from(*d) << (18 - 6 * i)));
        out.extend_from_slice(&n.to_be_bytes()[1..chunk.len()]);
    }
    out
}

/// The state of the results, as the page shows it, in `state` (the caller returns it).
const PAGE_STATE: &str = "
    const text = (e) => e.textContent;
    const state = {
      titles: [...document.querySelectorAll('#hits .hit .title')].map(text),
      marks: [...document.querySelectorAll('#hits mark')].map(text),
      title_marks: [...document.querySelectorAll('#hits .title mark')].map(text),
      status: document.getElementById('status').textContent,
      facets: [...document.querySelectorAll('#facets section')].map((s) =>
        s.dataset.field + ': ' + [...s.querySelectorAll('li')].map((li) =>
          li.querySelector('.name').textContent + '=' + li.querySelector('.count').textContent)
          .join(', ')),
      bars: document.querySelectorAll('#histogram rect.bar').length,
      url: location.search,
    };";

#[test]
fn serve_page_in_headless_chromium() {
    let Some(browser) = Browser::start() else {
        return;
    };
    // The bundled corpus, and the seed article when ../shared holds it.
    let env = TestEnv::new();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let seed = root.join("../shared/seed");
    let mut args = vec![
        "index".to_string(),
        root.join("corpus").display().to_string(),
    ];
    let seed_title = match std::fs::read_dir(&seed) {
        Ok(files) => {
            args.push(seed.display().to_string());
            let first = files.flatten().map(|f| f.path()).min().unwrap();
            let text = std::fs::read_to_string(first).unwrap();
            Some(text.lines().next().unwrap().trim().to_string())
        }
        Err(_) => {
            eprintln!(
                "note: {} is absent: the browser test looks for the bundled corpus's articles only",
                seed.display()
            );
            None
        }
    };
    args.extend(["--index".into(), "idx".into(), "-q".into()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, _, err) = env.run(&args);
    assert_eq!(code, 0, "{err}");
    let server = Server::start(env.path(), "idx");
    let base = format!("http://{}", server.addr);

    browser.goto(&format!("{base}/"));
    browser.wait_for(
        "the page",
        "return document.getElementById('status').textContent.includes('Type to search')",
    );
    browser.type_into("#q", "anti-satellite");
    let first = browser.wait_for(
        "hits for anti-satellite",
        &format!("{PAGE_STATE} return state.titles.length && state;"),
    );
    let titles: Vec<&str> = first["titles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    if let Some(seed_title) = &seed_title {
        assert!(
            titles.contains(&seed_title.as_str()),
            "the seed is not among {titles:?}"
        );
    }
    // Every spelling is highlighted: anti-satellite, anti satellite, antisatellite.
    let marks: Vec<String> = first["marks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap().to_lowercase())
        .collect();
    assert!(!marks.is_empty(), "no highlights");
    assert!(
        marks
            .iter()
            .all(|m| m.contains("anti") || m.contains("satellite")),
        "{marks:?}"
    );
    // Titles are marked too ("Allies condemn anti-satellite missile test ...").
    let title_marks = first["title_marks"].as_array().unwrap();
    assert!(
        title_marks
            .iter()
            .any(|m| m.as_str().unwrap().to_lowercase() == "anti-satellite"),
        "{title_marks:?}"
    );
    assert!(
        first["url"].as_str().unwrap().contains("q=anti-satellite"),
        "the state is not in the URL"
    );
    assert!(first["bars"].as_u64().unwrap() > 0, "no histogram");
    // The distinctive words of the matches, from /api/terms, below the facets.
    let words = browser.wait_for(
        "the distinctive words",
        "return [...document.querySelectorAll('#facets .terms .name')].map((n) => n.textContent)\
         .join(',')",
    );
    assert!(
        words.as_str().unwrap().split(',').any(|w| w == "satellite"),
        "{words}"
    );
    let shot = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("lede-serve-search.png");
    browser.screenshot(&shot);

    // Click the first source value: the counts follow the results.
    let before = first["facets"].clone();
    browser.click("#facets section[data-field=source] li:nth-child(1) button.value");
    let after = browser.wait_for(
        "the facet filter",
        &format!(
            "{PAGE_STATE} return state.url.includes('f=source') \
             && JSON.stringify(state.facets) !== JSON.stringify({before}) && state;"
        ),
    );
    assert_ne!(after["titles"], first["titles"], "the hits did not change");
    assert!(
        browser
            .script("return document.querySelectorAll('#chips .chip').length")
            .as_u64()
            == Some(1)
    );
    let shot_filtered = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("lede-serve-facet.png");
    browser.screenshot(&shot_filtered);

    // Back undoes the filter; the keyboard opens a hit with every match marked, Esc goes back.
    browser.session("POST", "/back", json!({}));
    browser.wait_for(
        "Back",
        &format!(
            "{PAGE_STATE} return !state.url.includes('f=source') \
             && JSON.stringify(state.facets) === JSON.stringify({before})"
        ),
    );
    browser.click("#q");
    browser.press(&["\u{E015}", "\u{E007}"]);
    let marked = browser.wait_for(
        "the article view",
        "return !document.getElementById('article').hidden && document.querySelectorAll('#article mark').length",
    );
    assert!(marked.as_u64().unwrap() > 0);
    assert!(
        browser
            .script("return location.search")
            .as_str()
            .unwrap()
            .contains("a=")
    );
    let shot_article = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("lede-serve-article.png");
    browser.screenshot(&shot_article);
    browser.press(&["\u{E00C}"]);
    browser.wait_for("Esc back to the hits", "return document.getElementById('article').hidden && document.querySelectorAll('#hits .hit').length");
    eprintln!(
        "serve: screenshots in {}, {} and {}",
        shot.display(),
        shot_filtered.display(),
        shot_article.display()
    );
}

/// Seven short articles written for these tests: three on tankers in the Strait of Hormuz
/// (two with "oil tanker", two with "seized"), three on the wheat harvest, one on oil prices.
/// Dated by their file names.
fn tanker_env() -> TestEnv {
    let env = TestEnv::new();
    for (file, text) in [
        (
            "2024-03-01-seized.txt",
            "Title: Tanker seized in Hormuz\n\nForces seized an oil tanker in the Strait of \
             Hormuz on Monday.\n",
        ),
        (
            "2024-03-04-freed.txt",
            "Title: Tanker freed\n\nThe seized tanker left the Strait of Hormuz with its crude \
             cargo.\n",
        ),
        (
            "2024-03-06-rates.txt",
            "Title: Insurers raise rates\n\nInsurers raised rates for every oil tanker crossing \
             the Strait of Hormuz.\n",
        ),
        (
            "2024-03-02-harvest.txt",
            "Title: Harvest begins\n\nFarmers began the wheat harvest under clear skies.\n",
        ),
        (
            "2024-03-03-wheat.txt",
            "Title: Wheat prices fall\n\nWheat prices fell as farmers sold the harvest.\n",
        ),
        (
            "2024-03-05-rain.txt",
            "Title: Rain delays harvest\n\nRain delayed the harvest and farmers waited.\n",
        ),
        (
            "2024-03-07-prices.txt",
            "Title: Oil prices rise\n\nOil prices rose after the seizure, traders said.\n",
        ),
    ] {
        env.write(&format!("corpus/{file}"), text);
    }
    let (code, _, err) = env.run(&["index", "corpus", "--index", "idx", "-q"]);
    assert_eq!(code, 0, "{err}");
    env
}

/// `GET target` and `lede args --index idx` print the same JSON, timings aside.
fn assert_same_json(env: &TestEnv, server: &Server, target: &str, args: &[&str]) -> Value {
    let mut args = args.to_vec();
    args.extend(["--index", "idx"]);
    let (code, cli, err) = env.run(&args);
    assert!(code == 0 || code == 1, "lede {args:?}: {err}");
    let (status, api) = server.get(target);
    assert_eq!(status, 200, "{target}: {api}");
    assert_eq!(
        without_timing(&api),
        without_timing(&cli),
        "GET {target} differs from lede {args:?}"
    );
    serde_json::from_str(&api).unwrap()
}

/// (term, kind, fg, bg, score to 4 places) of a terms result.
fn term_rows(v: &Value) -> Vec<(String, String, u64, u64, String)> {
    v["terms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["term"].as_str().unwrap().to_string(),
                t["kind"].as_str().unwrap().to_string(),
                t["fg"].as_u64().unwrap(),
                t["bg"].as_u64().unwrap(),
                format!("{:.4}", t["score"].as_f64().unwrap()),
            )
        })
        .collect()
}

#[test]
fn serve_terms_are_the_cli_terms() {
    let env = tanker_env();
    let server = Server::start(env.path(), "idx");
    // Foreground: the 3 tanker articles of 7. JLH with fg = 3 of 3, bg = 3 of 7:
    // (1 - 3/7) * (7/3) = 4/3; fg 2 of 3, bg 2 of 7: (2/3 - 2/7) * (7/3) = 8/9;
    // "oil": fg 2, bg 3: (2/3 - 3/7) * (14/9) = 10/27. "of" is a stop word, so "strait hormuz"
    // is no phrase.
    let v = assert_same_json(
        &env,
        &server,
        "/api/terms?q=tanker&min_docs=2",
        &["terms", "tanker", "--min-docs", "2", "--json"],
    );
    let row = |t: &str, k: &str, fg, bg, s: &str| (t.into(), k.into(), fg, bg, s.into());
    assert_eq!(
        term_rows(&v),
        vec![
            row("hormuz", "word", 3, 3, "1.3333"),
            row("strait", "word", 3, 3, "1.3333"),
            row("tanker", "word", 3, 3, "1.3333"),
            row("oil tanker", "phrase", 2, 2, "0.8889"),
            row("seized", "word", 2, 2, "0.8889"),
            row("oil", "word", 2, 3, "0.3704"),
        ]
    );
    assert_eq!(
        (
            &v["matches"],
            &v["foreground"],
            &v["background"],
            &v["sampled"]
        ),
        (&json!(3), &json!(3), &json!(7), &json!(false))
    );
    let v = assert_same_json(
        &env,
        &server,
        "/api/terms?q=tanker&min_docs=2&words=1&limit=2",
        &[
            "terms",
            "tanker",
            "--min-docs",
            "2",
            "--words",
            "-n",
            "2",
            "--json",
        ],
    );
    assert_eq!(
        term_rows(&v),
        vec![
            row("hormuz", "word", 3, 3, "1.3333"),
            row("strait", "word", 3, 3, "1.3333"),
        ]
    );
    // Dates, --any and a sample: the best-scoring 2 of the 4 matches after March 2nd.
    let v = assert_same_json(
        &env,
        &server,
        "/api/terms?q=tanker+wheat&match=any&since=2024-03-03&until=2024-03-07&sample=2\
         &min_docs=1&limit=5",
        &[
            "terms",
            "tanker wheat",
            "--any",
            "--since",
            "2024-03-03",
            "--until",
            "2024-03-07",
            "--sample",
            "2",
            "--min-docs",
            "1",
            "-n",
            "5",
            "--json",
        ],
    );
    assert_eq!(
        (&v["matches"], &v["foreground"], &v["sampled"]),
        (&json!(3), &json!(2), &json!(true))
    );

    for (target, message) in [
        ("/api/terms", "give a query"),
        ("/api/terms?q=x&limit=501", "at most 500"),
        ("/api/terms?q=x&sample=10001", "at most 10000"),
        ("/api/terms?q=x&min_docs=few", "min_docs must be a number"),
        ("/api/terms?q=x&match=all", "match must be one of auto, any"),
        ("/api/terms?q=x&facet=source", "unknown parameter 'facet'"),
        ("/api/terms?q=x&word=1", "did you mean 'words'?"),
        ("/api/terms?q=x&since=soon", "not a date"),
        ("/api/terms?q=date%3Anever", "cannot read the query"),
        (
            "/api/terms?q=x&since=2025&until=2024",
            "the span of dates is empty",
        ),
    ] {
        let (status, body) = server.get(target);
        assert_eq!(status, 400, "{target}: {body}");
        let v: Value = serde_json::from_str(&body).unwrap();
        let error = v["error"].as_str().unwrap_or_default();
        assert!(error.contains(message), "{target}: {error}");
    }
}

/// `"at":"2026-..."` made `"at":"T"`: when a run ran.
fn without_run_time(json: &str) -> String {
    let mut out = String::new();
    let mut rest = json;
    while let Some(i) = rest.find("\"at\":\"") {
        let (before, after) = rest.split_at(i + "\"at\":\"".len());
        out.push_str(before);
        out.push('T');
        rest = &after[after.find('"').unwrap()..];
    }
    out.push_str(rest);
    without_timing(&out)
}

/// The entries of an Atom feed: (id, updated), checked to be well-formed XML with one feed.
fn atom_entries(feed: &str) -> Vec<(String, String)> {
    let mut reader = quick_xml::Reader::from_str(feed);
    let (mut path, mut entries, mut feeds) = (Vec::<String>::new(), Vec::new(), 0);
    let mut entry = (String::new(), String::new());
    loop {
        match reader.read_event().expect("well-formed XML") {
            quick_xml::events::Event::Start(e) => {
                let name = e.name().as_ref().to_string();
                if name == "feed" {
                    feeds += 1;
                }
                path.push(name);
            }
            quick_xml::events::Event::End(_) => {
                let closed = path.pop();
                if closed.as_deref() == Some("entry") {
                    entries.push(std::mem::take(&mut entry));
                }
            }
            quick_xml::events::Event::Text(t) => {
                let text = t.into_inner().to_string();
                match path.iter().map(String::as_str).collect::<Vec<_>>()[..] {
                    ["feed", "entry", "id"] => entry.0 = text,
                    ["feed", "entry", "updated"] => entry.1 = text,
                    _ => {}
                }
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(feeds, 1, "{feed}");
    assert!(path.is_empty(), "{feed}");
    entries
}

#[test]
fn serve_saved_searches_are_read_without_taking_what_is_new() {
    let env = tanker_env();
    let (code, _, err) = env.run(&["saved", "add", "tankers", "tanker", "--index", "idx"]);
    assert_eq!(code, 0, "{err}");
    let server = Server::start(env.path(), "idx");
    let list = assert_same_json(&env, &server, "/api/saved", &["saved", "list", "--json"]);
    assert_eq!(list["saved"][0]["name"], "tankers");
    assert_eq!(list["saved"][0]["runs"], 0);

    // Never run: the server says what a run would, and records nothing.
    let peek = server.json("/api/saved/tankers");
    assert_eq!(
        (&peek["baseline"], &peek["matched"], &peek["new"]),
        (&json!(true), &json!(3), &json!(0))
    );
    assert!(
        peek["results"]["notes"][0]
            .as_str()
            .unwrap()
            .contains("has not been run yet"),
        "{peek}"
    );
    assert_eq!(server.json("/api/saved")["saved"][0]["runs"], 0);

    // The CLI's first run sets the baseline; then the API's run is the CLI's next run.
    assert_eq!(env.run(&["saved", "run", "tankers", "--index", "idx"]).0, 0);
    let (status, api) = server.get("/api/saved/tankers");
    assert_eq!(status, 200, "{api}");
    let (code, cli, err) = env.run(&["saved", "run", "tankers", "--json", "--index", "idx"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(without_run_time(&api), without_run_time(&cli));

    // A new article: the server counts it as new however often it is asked, and the CLI's
    // --new still reports it.
    env.write(
        "corpus/2024-03-08-aground.txt",
        "Title: Tanker aground\n\nA tanker ran aground near the Strait of Hormuz.\n",
    );
    let (code, _, err) = env.run(&["index", "corpus", "--index", "idx", "-q"]);
    assert_eq!(code, 0, "{err}");
    let started = Instant::now();
    while server.json("/api/search?q=aground")["total"] != 1 {
        assert!(started.elapsed() < Duration::from_secs(5), "no reload");
        std::thread::sleep(Duration::from_millis(50));
    }
    for _ in 0..2 {
        let peek = server.json("/api/saved/tankers");
        assert_eq!((&peek["matched"], &peek["new"]), (&json!(4), &json!(1)));
    }

    // The feed: the newest matches by date, ids as the CLI's feed, the article's date as
    // `updated`, the same bytes on every request.
    let (status, headers, feed) = exchange(
        server.addr,
        "GET",
        "/api/saved/tankers/feed.atom",
        &format!("Host: {}\r\n", server.addr),
        None,
    )
    .unwrap();
    assert_eq!(status, 200, "{feed}");
    assert!(
        headers.contains(&(
            "content-type".into(),
            "application/atom+xml; charset=utf-8".into()
        )),
        "{headers:?}"
    );
    let id = |file: &str, date: &str| {
        (
            format!("tag:lede,2026:idx/saved/tankers/corpus/{file}"),
            format!("{date}T00:00:00Z"),
        )
    };
    assert_eq!(
        atom_entries(&feed),
        vec![
            id("2024-03-08-aground.txt", "2024-03-08"),
            id("2024-03-06-rates.txt", "2024-03-06"),
            id("2024-03-04-freed.txt", "2024-03-04"),
            id("2024-03-01-seized.txt", "2024-03-01"),
        ]
    );
    assert!(
        feed.contains("<updated>2024-03-08T00:00:00Z</updated>\n  <author>"),
        "{feed}"
    );
    assert_eq!(server.get("/api/saved/tankers/feed.atom").1, feed);
    let (_, two) = server.get("/api/saved/tankers/feed.atom?limit=2");
    assert_eq!(atom_entries(&two).len(), 2);
    // Neither the runs nor the feed took "new" away: the CLI's --new reports the article.
    let (code, out, err) = env.run(&[
        "saved", "run", "tankers", "--new", "--json", "--index", "idx",
    ]);
    assert_eq!(code, 0, "{err}");
    let run: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        run["results"]["hits"][0]["id"],
        "corpus/2024-03-08-aground.txt"
    );
    assert_eq!(run["new"], 1);
    // The CLI's feed has the same entry ids; nothing is left new.
    let (code, cli_feed, _) = env.run(&[
        "saved", "run", "tankers", "--format", "atom", "--index", "idx",
    ]);
    assert_eq!(code, 0);
    let cli_ids: Vec<String> = atom_entries(&cli_feed).into_iter().map(|e| e.0).collect();
    assert!(
        cli_ids.contains(&id("2024-03-01-seized.txt", "").0),
        "{cli_feed}"
    );
    let (code, out, _) = env.run(&[
        "saved", "run", "tankers", "--new", "--json", "--index", "idx",
    ]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(server.json("/api/saved/tankers")["new"], 0);
}

#[test]
fn serve_saved_searches_are_changed_from_this_machine_with_checked_names() {
    let env = tanker_env();
    let server = Server::start(env.path(), "idx");
    let post = |body: &str| http(server.addr, "POST", "/api/saved", Some(body)).unwrap();
    let error = |(status, body): (u16, String)| {
        let v: Value = serde_json::from_str(&body).unwrap_or_else(|_| panic!("{body}"));
        (status, v["error"].as_str().unwrap_or_default().to_string())
    };

    let (status, body) = post(
        r#"{"name": "hormuz tankers", "q": "tanker", "limit": 2, "since": "2024-03-02", "facet": ["year", "month"], "exact": true}"#,
    );
    assert_eq!(status, 201, "{body}");
    let saved: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(saved["name"], "hormuz tankers");
    assert_eq!(saved["request"]["limit"], 2);
    assert_eq!(saved["request"]["facets"].as_array().unwrap().len(), 2);
    // The CLI sees it, and runs it.
    let (code, list, _) = env.run(&["saved", "list", "--index", "idx"]);
    assert_eq!(
        (code, list.starts_with("hormuz tankers\ttanker\tnever run")),
        (0, true),
        "{list}"
    );
    let (code, run, err) = env.run(&["saved", "run", "hormuz tankers", "--json", "--index", "idx"]);
    assert_eq!(code, 0, "{err}");
    let run: Value = serde_json::from_str(&run).unwrap();
    assert_eq!(run["results"]["hits"].as_array().unwrap().len(), 2);

    for (body, want, message) in [
        (
            r#"{"name": "hormuz tankers", "q": "x"}"#,
            409,
            "is saved already",
        ),
        (
            r#"{"name": "../../etc/passwd", "q": "x"}"#,
            400,
            "cannot name a saved search",
        ),
        (
            r#"{"name": ".hidden", "q": "x"}"#,
            400,
            "cannot name a saved search",
        ),
        (
            r#"{"name": "a/b", "q": "x"}"#,
            400,
            "cannot name a saved search",
        ),
        (
            r#"{"name": "", "q": "x"}"#,
            400,
            "cannot name a saved search",
        ),
        (r#"{"q": "x"}"#, 400, "give the search a name"),
        (
            r#"{"name": "broken", "q": "date:never"}"#,
            400,
            "cannot read the query",
        ),
        (r#"{"name": "nameless"}"#, 400, "give a query"),
        (
            r#"{"name": "red", "q": "x", "colour": "red"}"#,
            400,
            "unknown parameter 'colour'",
        ),
        (
            r#"{"name": "big", "q": "x", "limit": 5000}"#,
            400,
            "at most 1000",
        ),
        (r#"{"name": "obj", "q": {"a": 1}}"#, 400, "must be a string"),
        ("[1, 2]", 400, "send one JSON object"),
        ("name=x&q=y", 400, "not JSON"),
    ] {
        let (status, message_got) = error(post(body));
        assert_eq!(status, want, "{body}: {message_got}");
        assert!(message_got.contains(message), "{body}: {message_got}");
    }
    // Nothing that failed was saved.
    let names: Vec<Value> = server.json("/api/saved")["saved"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].clone())
        .collect();
    assert_eq!(names, vec![json!("hormuz tankers")]);

    // Not JSON, another site's page, another host name: refused before anything is read.
    let headers = |extra: &str| format!("Host: {}\r\n{extra}", server.addr);
    let body = Some(r#"{"name": "sneaky", "q": "x"}"#);
    for (head, want, message) in [
        (
            headers("Content-Type: text/plain\r\n"),
            415,
            "Content-Type: application/json",
        ),
        (headers(""), 415, "Content-Type: application/json"),
        (
            headers("Content-Type: application/json\r\nOrigin: http://evil.example\r\n"),
            403,
            "another site",
        ),
        (
            "Host: evil.example:7700\r\nContent-Type: application/json\r\n".to_string(),
            403,
            "own address",
        ),
    ] {
        let (status, message_got) =
            error(http_with(server.addr, "POST", "/api/saved", &head, body).unwrap());
        assert_eq!(status, want, "{head}: {message_got}");
        assert!(message_got.contains(message), "{head}: {message_got}");
    }

    // Names in addresses: checked before anything is read, never a path.
    env.write("idx/../secret.txt", "the password is swordfish");
    for target in [
        "/api/saved/..",
        "/api/saved/%2e%2e",
        "/api/saved/..%2F..%2Fetc%2Fpasswd",
        "/api/saved/..%2Fsecret.txt",
        "/api/saved/..%2Fsecret.txt/feed.atom",
        "/api/saved/%2Fetc%2Fpasswd/feed.atom",
        "/api/saved/a%00b",
    ] {
        let (status, body) = server.get(target);
        assert_eq!(status, 400, "{target}: {body}");
        assert!(
            body.contains("cannot name a saved search"),
            "{target}: {body}"
        );
        assert!(
            !body.contains("swordfish") && !body.contains("root:"),
            "{body}"
        );
    }
    for target in [
        "/api/saved/nothing",
        "/api/saved/nothing/feed.atom",
        "/api/saved/hormuz%20tankers/other",
    ] {
        let (status, body) = server.get(target);
        assert_eq!(status, 404, "{target}: {body}");
    }
    let (status, body) = server.get("/api/saved/nothing");
    assert!(
        body.contains("no saved search named 'nothing'"),
        "{status} {body}"
    );
    let (status, body) = server.get("/api/saved/hormuz%20tankers?new=1");
    assert!(
        status == 400 && body.contains("unknown parameter 'new'"),
        "{body}"
    );

    // Removing: 204, then 404; other methods 405.
    let delete = |target: &str| http(server.addr, "DELETE", target, None).unwrap();
    assert_eq!(delete("/api/saved/hormuz%20tankers").0, 204);
    let (status, body) = delete("/api/saved/hormuz%20tankers");
    assert!(
        status == 404 && body.contains("no saved search named"),
        "{status} {body}"
    );
    assert_eq!(delete("/api/saved/..%2Fx").0, 400);
    assert_eq!(
        http(server.addr, "PUT", "/api/saved", Some("{}"))
            .unwrap()
            .0,
        405
    );
    assert_eq!(
        http(server.addr, "DELETE", "/api/search", None).unwrap().0,
        405
    );
    let (code, list, _) = env.run(&["saved", "list", "--json", "--index", "idx"]);
    assert_eq!(
        (code, list.as_str()),
        (1, "{\"lede_json\":1,\"saved\":[]}\n")
    );
}
