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

use crate::harness::{TestEnv, spellings_corpus};

/// A `lede serve` running on a free port; stopped (SIGTERM, then SIGKILL) when dropped.
struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Server {
    /// Starts `lede serve --index INDEX --listen 127.0.0.1:0` in `dir` and waits for its line.
    fn start(dir: &Path, index: &str) -> Server {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("lede"))
            .args(["serve", "--index", index, "--listen", "127.0.0.1:0"])
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
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    let body = body.unwrap_or("");
    write!(
        stream,
        "{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
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
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 || line.trim().is_empty() {
            break;
        }
        let (name, value) = line.split_once(':').unwrap_or((&line, ""));
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
    Ok((status, String::from_utf8_lossy(&raw).into_owned()))
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
    let meta: Value =
        serde_json::from_slice(&std::fs::read(env.path().join("idx/meta.json")).unwrap()).unwrap();
    let id = meta["segments"][0]["segment_id"]
        .as_str()
        .unwrap()
        .replace('-', "");
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
    assert!(
        first["url"].as_str().unwrap().contains("q=anti-satellite"),
        "the state is not in the URL"
    );
    assert!(first["bars"].as_u64().unwrap() > 0, "no histogram");
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
