//! The load test of `lede serve`: start the real server on a free loopback port, then N
//! clients, each on one keep-alive connection, send searches with passages and facets until a
//! number of requests or a time limit is reached. Reports requests per second, latency
//! percentiles, errors, the server's resident memory (after warm-up, at the end, peak) and the
//! processor time it spent per request, read from /proc. On a machine shared with other work,
//! latency measures the machine; processor time per request measures the server.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde::Serialize;

use crate::run::{Latency, cpu_model, sample_queries};
use lede::indexer::{self, IndexRequest, Silent};

pub struct ServeOptions {
    pub corpus: Vec<PathBuf>,
    pub index: PathBuf,
    pub reuse: bool,
    pub clients: usize,
    pub requests: usize,
    pub seconds: u64,
    pub queries: usize,
    /// The request sent, with Q for the query (`None`: [`REQUEST`]).
    pub request: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ServeReport {
    pub machine: String,
    pub cores: usize,
    pub corpus: Vec<String>,
    pub articles: u64,
    pub clients: usize,
    pub requests: usize,
    pub errors: usize,
    pub seconds: f64,
    pub requests_per_second: f64,
    pub latency: Latency,
    /// The request each client sends, with a query from the sample in place of Q.
    pub request: String,
    pub rss_start_mb: f64,
    /// After the first tenth of the requests.
    pub rss_warm_mb: f64,
    pub rss_end_mb: f64,
    pub rss_peak_mb: f64,
    /// The server's processor time (user + system) per request, in ms.
    pub cpu_ms_per_request: f64,
}

/// Searches as the page sends them: a page of 10 with 2 passages, and facets.
const REQUEST: &str = "/api/search?q=Q&limit=10&passages=2&facet=source=8&facet=section=8\
                       &facet=topic=8&facet=place=8&facet=year=12&facet=month=3000";

/// A server process, stopped when dropped.
struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

pub fn run(opts: &ServeOptions) -> anyhow::Result<Option<ServeReport>> {
    let missing: Vec<_> = opts.corpus.iter().filter(|c| !c.exists()).collect();
    if !missing.is_empty() && !opts.reuse {
        eprintln!(
            "skipped: {} absent",
            missing
                .iter()
                .map(|p| format!("'{}'", p.display()))
                .collect::<Vec<_>>()
                .join(" and ")
        );
        return Ok(None);
    }
    if !opts.reuse {
        eprintln!("lede-bench: indexing into '{}'", opts.index.display());
        let mut req = IndexRequest::new(opts.corpus.clone(), opts.index.clone());
        req.rebuild = true;
        indexer::run(&req, &Silent)?;
    }
    let queries = sample_queries(&opts.corpus, opts.queries);
    if queries.is_empty() {
        bail!("no queries could be sampled from the corpus");
    }
    let request = opts.request.clone().unwrap_or_else(|| REQUEST.to_string());
    if !request.starts_with('/') || !request.contains('Q') {
        bail!("--request must be a path with Q for the query, like /api/search?q=Q");
    }
    let server = start(&opts.index)?;
    let articles = health(server.addr)?;
    let pid = server.child.id();
    let rss_start = rss_mb(pid, "VmRSS:");
    let cpu_start = cpu_seconds(pid);

    let done = Arc::new(AtomicUsize::new(0));
    let errors = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let warm = Arc::new(Mutex::new(0.0));
    let started = Instant::now();
    let deadline = started + Duration::from_secs(opts.seconds);
    let clients: Vec<_> = (0..opts.clients)
        .map(|c| {
            let (done, errors, stop, warm) =
                (done.clone(), errors.clone(), stop.clone(), warm.clone());
            let (queries, addr, total) = (queries.clone(), server.addr, opts.requests);
            let request = request.clone();
            std::thread::spawn(move || -> Vec<Duration> {
                let mut samples = Vec::new();
                let mut conn = None;
                let mut i = c * 7;
                loop {
                    let n = done.fetch_add(1, Ordering::SeqCst);
                    if n >= total || Instant::now() >= deadline || stop.load(Ordering::SeqCst) {
                        break;
                    }
                    if n == total / 10 {
                        *warm.lock().unwrap() = rss_mb(pid, "VmRSS:");
                    }
                    let q = &queries[i % queries.len()];
                    i += 1;
                    let target = request.replace('Q', &encode(q));
                    let t = Instant::now();
                    match get(&mut conn, addr, &target) {
                        Ok(200) => samples.push(t.elapsed()),
                        _ => {
                            errors.fetch_add(1, Ordering::SeqCst);
                            conn = None;
                        }
                    }
                }
                samples
            })
        })
        .collect();
    let mut samples = Vec::new();
    for c in clients {
        samples.extend(c.join().expect("a client thread"));
    }
    stop.store(true, Ordering::SeqCst);
    let seconds = started.elapsed().as_secs_f64();
    let cpu = cpu_seconds(pid) - cpu_start;
    let requests = samples.len() + errors.load(Ordering::SeqCst);
    let warm = *warm.lock().unwrap();
    Ok(Some(ServeReport {
        machine: cpu_model(),
        cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        corpus: opts
            .corpus
            .iter()
            .map(|p| p.display().to_string())
            .collect(),
        articles,
        clients: opts.clients,
        requests,
        errors: errors.load(Ordering::SeqCst),
        seconds,
        requests_per_second: samples.len() as f64 / seconds,
        latency: Latency::of(samples),
        request,
        rss_start_mb: rss_start,
        rss_warm_mb: warm,
        rss_end_mb: rss_mb(pid, "VmRSS:"),
        rss_peak_mb: rss_mb(pid, "VmHWM:"),
        cpu_ms_per_request: cpu * 1e3 / requests.max(1) as f64,
    }))
}

/// `lede serve` from beside this binary, on a free port.
fn start(index: &std::path::Path) -> anyhow::Result<Server> {
    let exe = std::env::current_exe()?;
    let lede = exe.with_file_name(format!("lede{}", std::env::consts::EXE_SUFFIX));
    let mut child = Command::new(&lede)
        .args(["serve", "--listen", "127.0.0.1:0", "--index"])
        .arg(index)
        .stdout(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot run '{}' (cargo build --release)", lede.display()))?;
    let mut line = String::new();
    BufReader::new(child.stdout.take().context("the server's stdout")?).read_line(&mut line)?;
    let addr = line
        .trim()
        .strip_prefix("http://")
        .and_then(|a| a.parse().ok())
        .with_context(|| format!("lede serve printed {line:?}, not its address"))?;
    Ok(Server { child, addr })
}

fn health(addr: SocketAddr) -> anyhow::Result<u64> {
    let mut conn = None;
    let mut body = Vec::new();
    let status = request(&mut conn, addr, "/api/health", &mut body)?;
    let v: serde_json::Value = serde_json::from_slice(&body)?;
    if status != 200 {
        bail!("the server is not healthy: {v}");
    }
    Ok(v["articles"].as_u64().unwrap_or(0))
}

fn get(conn: &mut Option<TcpStream>, addr: SocketAddr, target: &str) -> std::io::Result<u16> {
    let mut body = Vec::new();
    request(conn, addr, target, &mut body)
}

/// One GET on a kept-alive connection (opened when there is none); the body read whole by
/// its Content-Length.
fn request(
    conn: &mut Option<TcpStream>,
    addr: SocketAddr,
    target: &str,
    body: &mut Vec<u8>,
) -> std::io::Result<u16> {
    if conn.is_none() {
        let s = TcpStream::connect(addr)?;
        s.set_nodelay(true)?;
        s.set_read_timeout(Some(Duration::from_secs(30)))?;
        *conn = Some(s);
    }
    let stream = conn.as_mut().expect("a connection");
    write!(stream, "GET {target} HTTP/1.1\r\nHost: {addr}\r\n\r\n")?;
    let mut reader = BufReader::new(&*stream);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let status = line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut length = 0;
    loop {
        line.clear();
        reader.read_line(&mut line)?;
        if line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().unwrap_or(0);
        }
    }
    body.resize(length, 0);
    reader.read_exact(body)?;
    // The reader buffered nothing past the body: one request is in flight at a time.
    Ok(status)
}

fn encode(q: &str) -> String {
    form_urlencoded::byte_serialize(q.as_bytes()).collect()
}

/// The processor time a process has used (user + system), in seconds, from /proc/PID/stat.
fn cpu_seconds(pid: u32) -> f64 {
    let ticks = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| {
            // The fields after the command's closing parenthesis: utime and stime are the
            // 12th and 13th of them (fields 14 and 15 of the line).
            let rest = s.rsplit_once(')')?.1;
            let f: Vec<&str> = rest.split_whitespace().collect();
            Some(f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?)
        })
        .unwrap_or(0.0);
    // USER_HZ is 100 on every Linux this runs on.
    ticks / 100.0
}

/// A field of /proc/PID/status, in MB.
fn rss_mb(pid: u32, field: &str) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

pub fn print(r: &ServeReport) {
    println!("machine               {} ({} cores)", r.machine, r.cores);
    println!("corpus                {}", r.corpus.join(" + "));
    println!("articles              {}", r.articles);
    println!("request               {}", r.request);
    println!(
        "load                  {} clients, {} requests in {:.1} s: {:.0} requests/s, {} errors",
        r.clients, r.requests, r.seconds, r.requests_per_second, r.errors
    );
    println!(
        "latency               p50 {:.2} ms   p95 {:.2} ms   p99 {:.2} ms   ({} runs)",
        r.latency.p50, r.latency.p95, r.latency.p99, r.latency.runs
    );
    println!(
        "server RSS            {:.0} MB at start, {:.0} MB warm, {:.0} MB at the end, peak {:.0} MB",
        r.rss_start_mb, r.rss_warm_mb, r.rss_end_mb, r.rss_peak_mb
    );
    println!(
        "server CPU            {:.2} ms per request (user + system)",
        r.cpu_ms_per_request
    );
}
