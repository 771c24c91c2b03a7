//! The HTML reader (`.html`, `.htm`): one article per page, read with a real HTML parser.
//!
//! Metadata comes from Open Graph and article meta tags, then `<title>`, bylines, `<time>` and
//! JSON-LD. The body is the text of the main article element (`[itemprop=articleBody]`,
//! `article`, `main`), without scripts, styles, navigation, headers, footers and asides,
//! in paragraphs. [`fragment_text`] turns any HTML snippet (a feed's description) into text.

use ego_tree::NodeRef;
use scraper::{ElementRef, Html, Node, Selector};
use serde_json::Value;

use crate::model::article::{Article, split_authors};
use crate::model::dates;

/// Elements whose text is never article text.
const SKIPPED: &[&str] = &[
    "script", "style", "nav", "header", "footer", "aside", "form", "noscript", "template", "svg",
    "button", "iframe", "figure", "select", "head",
];

/// Elements that start a new paragraph.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "blockquote",
    "pre",
    "table",
    "tr",
    "dl",
    "dt",
    "dd",
    "hr",
    "address",
    "figcaption",
];

/// The encoding an HTML page declares in its first kilobyte (`<meta charset=...>`).
pub fn declared_charset(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]).to_ascii_lowercase();
    let at = head.find("charset=")? + "charset=".len();
    let label: String = head[at..]
        .trim_start_matches(['"', '\''])
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':'))
        .collect();
    encoding_rs::Encoding::for_label(label.as_bytes())
}

/// Reads one page.
pub fn parse(text: &str) -> Article {
    let doc = Html::parse_document(text);
    let ld = json_ld(&doc);
    let ld_text = |key: &str| ld.as_ref().and_then(|v| v.get(key)).and_then(value_text);

    let title = meta(&doc, "og:title")
        .or_else(|| first_text(&doc, "title"))
        .or_else(|| first_text(&doc, "h1"))
        .or_else(|| ld_text("headline"))
        .unwrap_or_default();

    let mut authors: Vec<String> = all_meta(&doc, "author")
        .into_iter()
        .chain(all_meta(&doc, "article:author"))
        .filter(|a| !a.starts_with("http"))
        .flat_map(|a| split_authors(&a))
        .collect();
    if authors.is_empty() {
        authors = bylines(&doc);
    }
    if authors.is_empty() {
        authors = ld
            .as_ref()
            .and_then(|v| v.get("author"))
            .map(value_names)
            .unwrap_or_default();
    }
    dedup(&mut authors);

    let date = [
        "article:published_time",
        "date",
        "pubdate",
        "publishdate",
        "dc.date",
        "datepublished",
    ]
    .iter()
    .find_map(|name| meta(&doc, name).and_then(|d| dates::parse(&d)))
    .or_else(|| {
        select_all(&doc, "time[datetime]").find_map(|t| t.attr("datetime").and_then(dates::parse))
    })
    .or_else(|| ld_text("datePublished").and_then(|d| dates::parse(&d)));

    let mut topics: Vec<String> = all_meta(&doc, "article:tag");
    if topics.is_empty() {
        topics = meta(&doc, "keywords")
            .or_else(|| ld_text("keywords"))
            .map(|k| {
                k.split(',')
                    .map(|t| t.trim().to_string())
                    .filter(|t| !t.is_empty())
                    .collect()
            })
            .unwrap_or_default();
    }

    let language = select_all(&doc, "html[lang]")
        .next()
        .and_then(|h| h.attr("lang"))
        .map(str::to_string)
        .or_else(|| ld_text("inLanguage"))
        .map(|l| {
            l.split(['-', '_'])
                .next()
                .unwrap_or("")
                .to_ascii_lowercase()
        })
        .filter(|l| !l.is_empty());

    let mut body = main_text(&doc);
    // Pages repeat the headline at the top of the article.
    if let Some(rest) = body.strip_prefix(&title)
        && (rest.is_empty() || rest.starts_with("\n\n"))
    {
        body = rest.trim_start().to_string();
    }

    Article {
        title,
        body,
        authors,
        date,
        url: select_all(&doc, "link[rel=canonical]")
            .find_map(|l| l.attr("href").map(str::to_string))
            .or_else(|| meta(&doc, "og:url")),
        source: meta(&doc, "og:site_name").or_else(|| {
            ld.as_ref()
                .and_then(|v| v.get("publisher"))
                .and_then(value_text)
        }),
        section: meta(&doc, "article:section")
            .or_else(|| ld_text("articleSection"))
            .map(|s| vec![s])
            .unwrap_or_default(),
        topics,
        language,
        format: "html",
        ..Article::default()
    }
}

/// The text of an HTML fragment, in paragraphs.
pub fn fragment_text(html: &str) -> String {
    let doc = Html::parse_fragment(html);
    let mut text = TextBuilder::default();
    walk(*doc.root_element(), &mut text);
    text.finish()
}

fn selector(css: &str) -> Selector {
    Selector::parse(css).expect("lede's own selectors are valid")
}

fn select_all<'a>(doc: &'a Html, css: &str) -> impl Iterator<Item = ElementRef<'a>> + 'a {
    let sel = selector(css);
    doc.select(&sel).collect::<Vec<_>>().into_iter()
}

/// `<meta property=NAME content=...>` or `<meta name=NAME ...>` or `itemprop`, any case.
fn all_meta(doc: &Html, name: &str) -> Vec<String> {
    select_all(doc, "meta[content]")
        .filter(|m| {
            ["property", "name", "itemprop"]
                .iter()
                .any(|a| m.attr(a).is_some_and(|v| v.eq_ignore_ascii_case(name)))
        })
        .filter_map(|m| m.attr("content").map(|c| c.trim().to_string()))
        .filter(|c| !c.is_empty())
        .collect()
}

fn meta(doc: &Html, name: &str) -> Option<String> {
    all_meta(doc, name).into_iter().next()
}

fn first_text(doc: &Html, css: &str) -> Option<String> {
    select_all(doc, css)
        .map(|e| squash(&e.text().collect::<String>()))
        .find(|t| !t.is_empty())
}

/// Names in bylines: `rel=author` links, `itemprop=author`, `.byline` and `.author`.
fn bylines(doc: &Html) -> Vec<String> {
    let text = first_text(doc, "[rel~=author], [itemprop~=author], .byline, .author");
    text.map(|t| {
        let t = t.trim();
        let t = t
            .strip_prefix("By ")
            .or_else(|| t.strip_prefix("by "))
            .unwrap_or(t);
        split_authors(t)
    })
    .unwrap_or_default()
}

/// The first JSON-LD object that describes an article (or the first object at all).
fn json_ld(doc: &Html) -> Option<Value> {
    let mut objects = Vec::new();
    for script in select_all(doc, "script[type=\"application/ld+json\"]") {
        let Ok(value) = serde_json::from_str::<Value>(&script.text().collect::<String>()) else {
            continue;
        };
        let mut stack = vec![value];
        while let Some(v) = stack.pop() {
            match v {
                Value::Array(items) => stack.extend(items),
                Value::Object(mut o) => {
                    if let Some(graph) = o.remove("@graph") {
                        stack.push(graph);
                    }
                    objects.push(Value::Object(o));
                }
                _ => {}
            }
        }
    }
    let is_article = |v: &Value| {
        v.get("@type")
            .and_then(value_text)
            .is_some_and(|t| t.ends_with("Article") || t == "Report")
    };
    let i = objects.iter().position(is_article).unwrap_or(0);
    (!objects.is_empty()).then(|| objects.swap_remove(i))
}

fn value_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Value::Object(o) => o.get("name").and_then(value_text),
        Value::Array(a) => a.iter().find_map(value_text),
        _ => None,
    }
}

fn value_names(v: &Value) -> Vec<String> {
    match v {
        Value::Array(a) => a.iter().filter_map(value_text).collect(),
        other => value_text(other)
            .map(|s| split_authors(&s))
            .unwrap_or_default(),
    }
}

fn dedup(names: &mut Vec<String>) {
    let mut seen = std::collections::HashSet::new();
    names.retain(|n| seen.insert(n.to_lowercase()));
}

/// The text of the main article element, in paragraphs.
fn main_text(doc: &Html) -> String {
    let root = [
        "[itemprop~=articleBody]",
        "article",
        "main",
        "[role=main]",
        "body",
    ]
    .iter()
    .find_map(|css| select_all(doc, css).next());
    let Some(root) = root else {
        return String::new();
    };
    let mut text = TextBuilder::default();
    walk(*root, &mut text);
    text.finish()
}

/// The text under `node`, in document order. Iterative, with its own stack: a page of tens of
/// thousands of nested elements (which html5ever builds happily) would overflow the thread's
/// stack if each level were a call.
fn walk(node: NodeRef<'_, Node>, out: &mut TextBuilder) {
    enum Step<'a> {
        Enter(NodeRef<'a, Node>),
        /// The end of a block element: a paragraph ends there.
        Close,
    }
    let mut stack = vec![Step::Enter(node)];
    while let Some(step) = stack.pop() {
        let node = match step {
            Step::Enter(node) => node,
            Step::Close => {
                out.paragraph();
                continue;
            }
        };
        match node.value() {
            Node::Text(t) => out.push(t),
            Node::Element(e) => {
                let name = e.name();
                if SKIPPED.contains(&name)
                    || e.has_class("byline", scraper::CaseSensitivity::AsciiCaseInsensitive)
                {
                    continue;
                }
                if name == "br" {
                    out.line_break();
                    continue;
                }
                if BLOCKS.contains(&name) {
                    out.paragraph();
                    stack.push(Step::Close);
                }
                stack.extend(node.children().rev().map(Step::Enter));
            }
            Node::Document | Node::Fragment => {
                stack.extend(node.children().rev().map(Step::Enter));
            }
            _ => {}
        }
    }
}

/// Collects text with white space collapsed, in paragraphs.
#[derive(Default)]
struct TextBuilder {
    paragraphs: Vec<String>,
    current: String,
    /// White space was seen since the last word.
    space: bool,
}

impl TextBuilder {
    fn push(&mut self, text: &str) {
        for (i, word) in text.split_whitespace().enumerate() {
            let starts_with_space = i > 0 || text.starts_with(char::is_whitespace);
            if !self.current.is_empty() && (self.space || starts_with_space) {
                self.current.push(' ');
            }
            self.current.push_str(word);
            self.space = false;
        }
        if text.ends_with(char::is_whitespace) {
            self.space = true;
        }
    }

    fn line_break(&mut self) {
        if !self.current.is_empty() {
            self.current.push('\n');
        }
        self.space = false;
    }

    fn paragraph(&mut self) {
        let p = self.current.trim();
        if !p.is_empty() {
            self.paragraphs.push(p.to_string());
        }
        self.current.clear();
        self.space = false;
    }

    fn finish(mut self) -> String {
        self.paragraph();
        self.paragraphs.join("\n\n")
    }
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<!doctype html>
<html lang="en-GB"><head>
<meta charset="utf-8">
<title>Tidal turbine beats targets | Harbour Gazette</title>
<meta property="og:title" content="Tidal turbine beats targets">
<meta property="og:site_name" content="The Harbour Gazette">
<meta property="article:published_time" content="2024-05-02T07:15:00+01:00">
<meta property="article:section" content="science">
<meta property="article:tag" content="energy"><meta property="article:tag" content="tides">
<meta name="author" content="Linnea Harcourt">
<link rel="canonical" href="https://harbourgazette.example/tidal">
<script>var tracking = "not text";</script>
<style>p { color: red }</style>
</head><body>
<header><nav><a href="/">Home</a> <a href="/science">Science</a></nav></header>
<article>
  <h1>Tidal turbine beats targets</h1>
  <p class="byline">By Linnea Harcourt</p>
  <p>The turbine off Skerholm Point made <em>more</em> power than planned.</p>
  <aside>Read more: the harbour's other projects</aside>
  <p>Engineers said the blades<br>held up well.</p>
  <figure><img src="x.jpg"><figcaption>The turbine</figcaption></figure>
</article>
<footer>© The Harbour Gazette</footer>
</body></html>"#;

    #[test]
    fn a_news_page() {
        let a = parse(PAGE);
        assert_eq!(a.title, "Tidal turbine beats targets");
        assert_eq!(a.authors, ["Linnea Harcourt"]);
        assert_eq!(a.date.unwrap().to_string(), "2024-05-02T06:15:00Z");
        assert_eq!(a.source.as_deref(), Some("The Harbour Gazette"));
        assert_eq!(a.section, ["science"]);
        assert_eq!(a.topics, ["energy", "tides"]);
        assert_eq!(a.language.as_deref(), Some("en"));
        assert_eq!(
            a.url.as_deref(),
            Some("https://harbourgazette.example/tidal")
        );
        assert_eq!(
            a.body,
            "The turbine off Skerholm Point made more power than planned.\n\n\
             Engineers said the blades\nheld up well."
        );
    }

    #[test]
    fn fallbacks_title_h1_byline_time_and_json_ld() {
        let page = r#"<html><body><main>
            <h1>Choir wins regional prize</h1>
            <span class="byline">by Owen Brackenridge and Isla Grieve</span>
            <time datetime="2025-05-17">Saturday</time>
            <div>Dunmere's choir won.</div>
            </main>
            <script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
              {"@type": "WebSite", "name": "Ledger"},
              {"@type": "NewsArticle", "headline": "ignored", "keywords": "choirs, music",
               "publisher": {"@type": "Organization", "name": "The Northern Ledger"}}]}</script>
            </body></html>"#;
        let a = parse(page);
        assert_eq!(a.title, "Choir wins regional prize");
        assert_eq!(a.authors, ["Owen Brackenridge", "Isla Grieve"]);
        assert_eq!(a.date.unwrap().to_string(), "2025-05-17T00:00:00Z");
        assert_eq!(a.source.as_deref(), Some("The Northern Ledger"));
        assert_eq!(a.topics, ["choirs", "music"]);
        assert_eq!(a.body, "Saturday\n\nDunmere's choir won.");
    }

    #[test]
    fn json_ld_dates_and_authors() {
        let page = r#"<html><head><script type="application/ld+json">
            {"@type": "NewsArticle", "headline": "Budget passes", "datePublished": "2024-02-27T18:00:00Z",
             "author": [{"@type": "Person", "name": "Alasdair Fenwick"}], "inLanguage": "en"}
            </script></head><body><p>By one vote.</p></body></html>"#;
        let a = parse(page);
        assert_eq!(a.title, "Budget passes");
        assert_eq!(a.authors, ["Alasdair Fenwick"]);
        assert_eq!(a.date.unwrap().to_string(), "2024-02-27T18:00:00Z");
        assert_eq!(a.language.as_deref(), Some("en"));
        assert_eq!(a.body, "By one vote.");
    }

    /// Issue 18: 20,000 to 30,000 nested elements overflowed the stack and aborted `lede index`.
    /// Read here on a thread with a 512 KiB stack (a quarter of rayon's), so any recursion
    /// per level of nesting would still fail.
    #[test]
    fn deeply_nested_html_is_read_without_overflowing_the_stack() {
        let reads = std::thread::Builder::new()
            .stack_size(512 << 10)
            .spawn(|| {
                let mut texts = Vec::new();
                for tag in ["div", "span", "b", "blockquote"] {
                    let depth = 30_000;
                    let page = format!(
                        "<html><head><title>Deep {tag}</title></head><body>{}the bottom{}</body></html>",
                        format!("<{tag}>").repeat(depth),
                        format!("</{tag}>").repeat(depth)
                    );
                    let a = parse(&page);
                    texts.push((a.title, a.body));
                    let unclosed = format!("<p>top {}", format!("<{tag}>x ").repeat(depth));
                    let text = fragment_text(&unclosed);
                    texts.push((String::new(), text[..=text.find('x').unwrap()].to_string()));
                }
                texts
            })
            .unwrap()
            .join()
            .expect("no stack overflow");
        assert_eq!(
            reads,
            [
                ("Deep div".to_string(), "the bottom".to_string()),
                (String::new(), "top\n\nx".to_string()),
                ("Deep span".to_string(), "the bottom".to_string()),
                (String::new(), "top x".to_string()),
                ("Deep b".to_string(), "the bottom".to_string()),
                (String::new(), "top x".to_string()),
                ("Deep blockquote".to_string(), "the bottom".to_string()),
                (String::new(), "top\n\nx".to_string()),
            ]
        );
    }

    #[test]
    fn charsets_and_fragments() {
        let enc = declared_charset(b"<html><head><meta charset=\"ISO-8859-1\">").unwrap();
        assert_eq!(enc.name(), "windows-1252");
        let enc = declared_charset(
            b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=shift_jis\">",
        )
        .unwrap();
        assert_eq!(enc.name(), "Shift_JIS");
        assert!(declared_charset(b"<html><p>no charset</p>").is_none());
        assert_eq!(
            fragment_text("<p>First &amp; <b>bold</b>.</p><p>Second</p>"),
            "First & bold.\n\nSecond"
        );
        assert_eq!(fragment_text("plain text, no tags"), "plain text, no tags");
    }
}
