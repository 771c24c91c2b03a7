//! A small blocking HTTP client for one OpenSearch cluster: JSON in and out, basic auth from
//! the environment, and retries with exponential backoff for what a healthy cluster recovers
//! from (429 too many requests, 502/503/504, a node that went away mid-request). Everything
//! else becomes an [`Error::Remote`] that says what the cluster answered.

use std::thread::sleep;
use std::time::Duration;

use serde_json::Value;
use ureq::http;

use crate::error::{Error, Result};

/// Attempts for one request before giving up: with the backoff below, about 25 s in all,
/// longer than a 3-node cluster takes to promote replicas after losing a node (~1 s here).
const ATTEMPTS: u32 = 9;

/// The first pause between attempts; doubled each time, at most [`MAX_PAUSE`].
const FIRST_PAUSE: Duration = Duration::from_millis(100);
const MAX_PAUSE: Duration = Duration::from_secs(5);

/// Attempts when the address does not answer at all (refused, reset, timed out): a few, so
/// that a wrong URL or a stopped cluster is said within a second, and a connection that a
/// dying node dropped is tried again.
const CONNECT_ATTEMPTS: u32 = 3;

/// Environment variables with the user name and password for basic auth.
pub const USER_VAR: &str = "LEDE_OPENSEARCH_USER";
pub const PASSWORD_VAR: &str = "LEDE_OPENSEARCH_PASSWORD";

/// Environment variable naming a PEM file of CA certificates to trust for `https://` instead
/// of the Mozilla roots (a cluster with certificates of its own CA); with the `tls` feature.
pub const CA_VAR: &str = "LEDE_OPENSEARCH_CA";

/// The HTTP methods lede uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Head,
    Put,
    Post,
    Delete,
}

/// A cluster's base URL and how to talk to it.
pub struct Client {
    agent: ureq::Agent,
    /// `http://host:9200`, no trailing slash.
    base: String,
    auth: Option<String>,
}

/// What a request gave: the status and the JSON body (`Null` when there is none).
pub struct Answer {
    pub status: u16,
    pub body: Value,
}

impl Client {
    /// A client for `base`, with basic auth when [`USER_VAR`] is set.
    pub fn new(base: &str) -> Result<Client> {
        let base = base.trim_end_matches('/').to_string();
        if base.starts_with("https://") && !cfg!(feature = "tls") {
            return Err(Error::Remote {
                url: base,
                reason: "this lede was built without TLS: build it with `cargo build --release \
                         --features tls` for https:// clusters"
                    .into(),
            });
        }
        if !base.starts_with("http://") && !base.starts_with("https://") {
            return Err(Error::Remote {
                url: base,
                reason: "give the cluster as http://HOST:PORT/INDEX (or https://)".into(),
            });
        }
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(5)))
            .timeout_global(Some(Duration::from_secs(120)));
        #[cfg(feature = "tls")]
        let config = match std::env::var_os(CA_VAR) {
            Some(path) => config.tls_config(ca_config(&base, std::path::Path::new(&path))?),
            None => config,
        };
        let config = config.build();
        let auth = std::env::var(USER_VAR).ok().map(|user| {
            let password = std::env::var(PASSWORD_VAR).unwrap_or_default();
            format!("Basic {}", base64(format!("{user}:{password}").as_bytes()))
        });
        Ok(Client {
            agent: ureq::Agent::new_with_config(config),
            base,
            auth,
        })
    }

    /// The base URL, for messages.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// An error about this cluster.
    pub fn error(&self, reason: impl Into<String>) -> Error {
        Error::Remote {
            url: self.base.clone(),
            reason: reason.into(),
        }
    }

    /// Sends a request, retrying what can be retried; an answer of 400 or more (after the
    /// retries) is an error that quotes the cluster's reason.
    pub fn call(&self, method: Method, path: &str, body: Option<&Value>) -> Result<Value> {
        let body = body.map(|b| b.to_string().into_bytes());
        let answer = self.send(method, path, body, "application/json")?;
        if answer.status >= 400 {
            return Err(self.error(format!(
                "{} {path} answered {}: {}",
                method_name(method),
                answer.status,
                reason(&answer.body)
            )));
        }
        Ok(answer.body)
    }

    /// Sends a request and gives whatever status came back (after retrying 429 and 5xx), for
    /// callers that handle some statuses themselves (404 for an index that does not exist).
    pub fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
        content_type: &str,
    ) -> Result<Answer> {
        let url = format!("{}{}", self.base, path);
        let mut pause = FIRST_PAUSE;
        let mut last = String::new();
        let mut unreachable = 0;
        for attempt in 1..=ATTEMPTS {
            match self.once(method, &url, body.as_deref(), content_type) {
                Ok(answer)
                    if (retryable(answer.status) || transient(&answer.body))
                        && attempt < ATTEMPTS =>
                {
                    last = format!("answered {}: {}", answer.status, reason(&answer.body));
                }
                Ok(answer) => return Ok(answer),
                Err(e) => {
                    unreachable += 1;
                    if unreachable >= CONNECT_ATTEMPTS {
                        return Err(self.error(format!(
                            "cannot reach the cluster: {e} (is it running? check --opensearch \
                             or LEDE_OPENSEARCH)"
                        )));
                    }
                    last = e;
                }
            }
            if attempt < ATTEMPTS {
                sleep(pause);
                pause = (pause * 2).min(MAX_PAUSE);
            }
        }
        Err(self.error(format!(
            "{} {path} failed {ATTEMPTS} times; the last time: {last} (is the cluster up? \
             check --opensearch or LEDE_OPENSEARCH)",
            method_name(method)
        )))
    }

    fn once(
        &self,
        method: Method,
        url: &str,
        body: Option<&[u8]>,
        content_type: &str,
    ) -> std::result::Result<Answer, String> {
        let mut builder = http::Request::builder()
            .method(match method {
                Method::Get => http::Method::GET,
                Method::Head => http::Method::HEAD,
                Method::Put => http::Method::PUT,
                Method::Post => http::Method::POST,
                Method::Delete => http::Method::DELETE,
            })
            .uri(url)
            .header("Content-Type", content_type);
        if let Some(auth) = &self.auth {
            builder = builder.header("Authorization", auth.as_str());
        }
        let request = builder
            .body(body.unwrap_or_default().to_vec())
            .map_err(|e| e.to_string())?;
        let mut response = self.agent.run(request).map_err(|e| e.to_string())?;
        let status = response.status().as_u16();
        if method == Method::Head {
            return Ok(Answer {
                status,
                body: Value::Null,
            });
        }
        let text = response
            .body_mut()
            .with_config()
            .limit(u64::MAX)
            .read_to_string()
            .map_err(|e| e.to_string())?;
        let body = if text.trim().is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        Ok(Answer { status, body })
    }
}

/// Trust the CA certificates of a PEM file (and only those) for `https://`.
#[cfg(feature = "tls")]
fn ca_config(base: &str, path: &std::path::Path) -> Result<ureq::tls::TlsConfig> {
    use ureq::tls::{PemItem, RootCerts, TlsConfig, parse_pem};
    let pem = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let certs: Vec<_> = parse_pem(&pem)
        .filter_map(|item| match item {
            Ok(PemItem::Certificate(c)) => Some(c),
            _ => None,
        })
        .collect();
    if certs.is_empty() {
        return Err(Error::Remote {
            url: base.to_string(),
            reason: format!("no certificate in '{}' ({CA_VAR})", path.display()),
        });
    }
    Ok(TlsConfig::builder()
        .root_certs(RootCerts::new_with_certs(&certs))
        .build())
}

/// Statuses worth another try: the cluster is busy or between states.
pub fn retryable(status: u16) -> bool {
    matches!(status, 429 | 502 | 503 | 504)
}

/// An error answer that another try may not meet: a node that left the cluster in the middle
/// of the request (a search's fetch phase on a node just killed answers 500 with
/// `node_disconnected_exception`). Every request lede retries is idempotent: searches, counts,
/// and bulk writes by `_id`.
pub fn transient(body: &Value) -> bool {
    const TRANSIENT: &[&str] = &[
        "node_disconnected_exception",
        "node_not_connected_exception",
        "node_closed_exception",
        "connect_transport_exception",
        "no_shard_available_action_exception",
        "unavailable_shards_exception",
    ];
    let text = body["error"].to_string();
    TRANSIENT.iter().any(|t| text.contains(t))
}

/// The reason in an error answer (`error.root_cause[0].reason`, `error.reason`), or the
/// answer itself, shortened.
pub fn reason(body: &Value) -> String {
    let error = &body["error"];
    let found = error["root_cause"][0]["reason"]
        .as_str()
        .or_else(|| error["reason"].as_str())
        .or_else(|| error.as_str())
        .map(str::to_string);
    let mut text = found.unwrap_or_else(|| body.to_string());
    if let Some(kind) = error["root_cause"][0]["type"]
        .as_str()
        .or_else(|| error["type"].as_str())
    {
        text = format!("{kind}: {text}");
    }
    if text.len() > 400 {
        let mut cut = 400;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
        text.push_str("...");
    }
    text
}

fn method_name(m: Method) -> &'static str {
    match m {
        Method::Get => "GET",
        Method::Head => "HEAD",
        Method::Put => "PUT",
        Method::Post => "POST",
        Method::Delete => "DELETE",
    }
}

/// Standard base64 with padding (for the basic auth header; not worth a dependency).
fn base64(bytes: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(TABLE[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_pads() {
        assert_eq!(base64(b"admin:admin"), "YWRtaW46YWRtaW4=");
        assert_eq!(base64(b"ab"), "YWI=");
        assert_eq!(base64(b"abc"), "YWJj");
        assert_eq!(base64(b""), "");
    }

    #[test]
    fn a_node_lost_mid_request_is_tried_again() {
        let body = serde_json::json!({"error": {"root_cause": [{"type": "node_disconnected_exception"}],
            "type": "search_phase_execution_exception"}, "status": 500});
        assert!(transient(&body));
        assert!(!transient(
            &serde_json::json!({"error": {"type": "parsing_exception"}})
        ));
    }

    #[test]
    fn reasons_are_quoted() {
        let body = serde_json::json!({"error": {"root_cause": [{"type": "index_not_found_exception",
            "reason": "no such index [news]"}], "reason": "outer"}, "status": 404});
        assert_eq!(
            reason(&body),
            "index_not_found_exception: no such index [news]"
        );
    }
}
