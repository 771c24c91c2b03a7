//! The feed reader: RSS 2.0 (and RSS 1.0) items and Atom entries, one article each, from
//! `.rss`, `.atom`, and `.xml` files whose root element is a feed.
//!
//! Read with quick-xml, element by element: title, link, the richest of content:encoded,
//! content, description and summary (HTML in them becomes text), author or dc:creator, the
//! publication date, categories, and guid or id. The feed's own title is the source. An XML
//! error ends the file with a warning; the items read before it are kept.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use crate::corpus::html;
use crate::model::article::{Article, split_authors};
use crate::model::dates;

/// The file is XML, but not a news feed.
#[derive(Debug, PartialEq, Eq)]
pub struct NotAFeed {
    /// The root element found.
    pub root: String,
}

/// One item: its guid (or link, or position) and its article.
pub type Item = (String, Article);

/// The fields of one item as the feed wrote them.
#[derive(Default)]
struct Fields {
    title: String,
    link: String,
    id: String,
    /// (element, text): description, summary, content, encoded.
    bodies: Vec<(String, String)>,
    authors: Vec<String>,
    /// (element, text): pubDate, published, date, updated.
    dates: Vec<(String, String)>,
    categories: Vec<String>,
}

/// Reads the items of a feed.
pub fn parse(text: &str) -> Result<(Vec<Item>, Vec<String>), NotAFeed> {
    let mut reader = Reader::from_str(text);
    let mut items = Vec::new();
    let mut warnings = Vec::new();
    let mut path: Vec<String> = Vec::new();
    let mut item: Option<Fields> = None;
    let mut buf = String::new();
    let mut source: Option<String> = None;
    let mut language: Option<String> = None;
    let mut root_checked = false;
    // Inside an item's title or body, the depth of that element: Atom's `type="xhtml"` puts
    // markup there (`<content><div><p>text</p></div></content>`), whose text all belongs to it.
    let mut capture: Option<usize> = None;
    let mut marked_up = false;

    loop {
        let event = match reader.read_event() {
            Ok(e) => e,
            Err(e) => {
                if !root_checked {
                    return Err(NotAFeed {
                        root: "(not XML)".into(),
                    });
                }
                warnings.push(format!(
                    "malformed XML at byte {} ({e}): the items before it are indexed",
                    reader.error_position()
                ));
                break;
            }
        };
        match event {
            Event::Start(e) if !root_checked => {
                let name = local(&e);
                if !matches!(name.as_str(), "rss" | "feed" | "RDF") {
                    return Err(NotAFeed { root: name });
                }
                root_checked = true;
                path.push(name);
            }
            Event::Empty(e) if !root_checked => return Err(NotAFeed { root: local(&e) }),
            Event::Start(e) if capture.is_some() => {
                marked_up = true;
                let name = local(&e);
                if is_block(&name) {
                    buf.push_str("\n\n");
                }
                path.push(name);
            }
            Event::Empty(e) if capture.is_some() && is_block(&local(&e)) => buf.push('\n'),
            Event::Empty(_) if capture.is_some() => {}
            Event::End(_) if capture.is_some_and(|depth| path.len() > depth) => {
                let block = path.pop().is_some_and(|name| is_block(&name));
                buf.push_str(if block { "\n\n" } else { "" });
            }
            Event::Start(e) => {
                let name = local(&e);
                if item.is_some() && is_text_element(&name) {
                    capture = Some(path.len() + 1);
                }
                if matches!(name.as_str(), "item" | "entry") {
                    item = Some(Fields::default());
                }
                if let Some(fields) = item.as_mut() {
                    attributes(&e, &name, fields);
                }
                buf.clear();
                path.push(name);
            }
            Event::Empty(e) => {
                if let Some(fields) = item.as_mut() {
                    attributes(&e, &local(&e), fields);
                }
            }
            Event::Text(t) => buf.push_str(&t.into_inner()),
            Event::CData(t) => buf.push_str(&t.into_inner()),
            Event::GeneralRef(r) => match r.resolve_char_ref() {
                Ok(Some(c)) => buf.push(c),
                _ => buf.push_str(match &*r {
                    "lt" => "<",
                    "gt" => ">",
                    "amp" => "&",
                    "quot" => "\"",
                    "apos" => "'",
                    "nbsp" => " ",
                    _ => "",
                }),
            },
            Event::End(_) => {
                capture = None;
                let name = path.pop().unwrap_or_default();
                let parent = path.last().map(String::as_str).unwrap_or("");
                let value = if std::mem::take(&mut marked_up) {
                    // XHTML's paragraphs, each once, without the markup's blank lines.
                    let paragraphs: Vec<&str> = buf
                        .split("\n\n")
                        .map(str::trim)
                        .filter(|p| !p.is_empty())
                        .collect();
                    paragraphs.join("\n\n")
                } else {
                    buf.trim().to_string()
                };
                buf.clear();
                match item.as_mut() {
                    Some(_) if matches!(name.as_str(), "item" | "entry") => {
                        let fields = item.take().unwrap_or_default();
                        let n = items.len() + 1;
                        items.push(finish(fields, n, &source, &language));
                    }
                    Some(fields) => assign(fields, &name, parent, value),
                    None if name == "title" && matches!(parent, "channel" | "feed") => {
                        source.get_or_insert(value);
                    }
                    None if name == "language" && parent == "channel" => {
                        language.get_or_insert(value);
                    }
                    None => {}
                }
            }
            Event::Eof => {
                if let Some(fields) = item.take() {
                    let n = items.len() + 1;
                    warnings.push(format!(
                        "the file ends inside item {n} (cut off?): indexed what it holds"
                    ));
                    items.push(finish(fields, n, &source, &language));
                }
                break;
            }
            _ => {}
        }
    }
    if !root_checked {
        return Err(NotAFeed {
            root: "(empty)".into(),
        });
    }
    Ok((items, warnings))
}

/// The elements of an item whose text is a field (the title, the bodies).
fn is_text_element(name: &str) -> bool {
    matches!(
        name,
        "title" | "description" | "summary" | "content" | "encoded"
    )
}

/// XHTML elements that end a paragraph or a line (the rest run on inside the text).
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div" | "br" | "li" | "blockquote" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "tr"
    )
}

fn local(e: &BytesStart) -> String {
    e.local_name().as_ref().to_string()
}

fn attr(e: &BytesStart, name: &str) -> Option<String> {
    e.try_get_attribute(name)
        .ok()
        .flatten()
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.trim().to_string())
        })
        .filter(|v| !v.is_empty())
}

/// Values that Atom keeps in attributes: `<link href>`, `<category term>`.
fn attributes(e: &BytesStart, name: &str, fields: &mut Fields) {
    match name {
        "link" => {
            let rel = attr(e, "rel");
            if let Some(href) = attr(e, "href")
                && rel.as_deref().is_none_or(|r| r == "alternate")
                && fields.link.is_empty()
            {
                fields.link = href;
            }
        }
        "category" => fields.categories.extend(attr(e, "term")),
        _ => {}
    }
}

fn assign(fields: &mut Fields, name: &str, parent: &str, value: String) {
    if value.is_empty() {
        return;
    }
    match name {
        "title" if parent != "source" => fields.title = value,
        "link" if fields.link.is_empty() => fields.link = value,
        "guid" | "id" => fields.id = value,
        "description" | "summary" | "content" | "encoded" => {
            fields.bodies.push((name.to_string(), value))
        }
        "creator" => fields.authors.extend(split_authors(&value)),
        "author" => fields.authors.extend(split_authors(&rss_author(&value))),
        "name" if parent == "author" => fields.authors.extend(split_authors(&value)),
        "pubDate" | "published" | "date" | "updated" | "issued" => {
            fields.dates.push((name.to_string(), value))
        }
        "category" | "subject" => fields.categories.push(value),
        _ => {}
    }
}

/// RSS writes `editor@example.org (Ana Ruiz)`: the name is in the parentheses.
fn rss_author(value: &str) -> String {
    match (value.find('('), value.rfind(')')) {
        (Some(a), Some(b)) if a < b => value[a + 1..b].to_string(),
        _ => value.to_string(),
    }
}

fn finish(f: Fields, n: usize, source: &Option<String>, language: &Option<String>) -> Item {
    let pick = |list: &[(String, String)], order: &[&str]| {
        order
            .iter()
            .find_map(|want| list.iter().find(|(name, _)| name == want))
            .map(|(_, v)| v.clone())
    };
    // Plain text keeps its paragraphs; HTML becomes text.
    let body = pick(&f.bodies, &["encoded", "content", "description", "summary"])
        .map(|text| {
            if text.contains('<') {
                html::fragment_text(&text)
            } else {
                text
            }
        })
        .unwrap_or_default();
    let date = pick(
        &f.dates,
        &["pubDate", "published", "date", "issued", "updated"],
    )
    .and_then(|d| dates::parse(&d));
    let mut authors = f.authors;
    authors.dedup();
    let id = [&f.id, &f.link]
        .into_iter()
        .find(|s| !s.is_empty())
        .cloned()
        .unwrap_or_else(|| n.to_string());
    let article = Article {
        title: html::fragment_text(&f.title),
        body,
        authors,
        date,
        url: Some(f.link).filter(|l| !l.is_empty()),
        source: source.clone(),
        topics: f.categories,
        language: language
            .as_ref()
            .map(|l| {
                l.split(['-', '_'])
                    .next()
                    .unwrap_or("")
                    .to_ascii_lowercase()
            })
            .filter(|l| !l.is_empty()),
        format: "feed",
        ..Article::default()
    };
    (id, article)
}

#[cfg(test)]
mod tests {
    use super::*;

    const RSS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
  <title>Orbit Weekly</title><language>en-gb</language>
  <item>
    <title>Booster lands &amp; flies again</title>
    <link>https://orbitweekly.example/booster</link>
    <guid>ow-2024-0627</guid>
    <description>&lt;p&gt;Short version.&lt;/p&gt;</description>
    <content:encoded><![CDATA[<p>The booster <b>landed</b>.</p><p>It flies again in May.</p>]]></content:encoded>
    <author>desk@orbitweekly.example (Sofia Brandt)</author>
    <pubDate>Thu, 27 Jun 2024 09:00:00 +0000</pubDate>
    <category>launch</category><category>reuse</category>
  </item>
  <item>
    <title>Second item</title>
    <description>Plain text body.</description>
    <dc:creator>Elias Marsh</dc:creator>
    <dc:date>2025-03-19</dc:date>
  </item>
</channel></rss>"#;

    const ATOM: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>The Northern Ledger</title>
  <entry>
    <title type="html">Kelp &lt;em&gt;recovers&lt;/em&gt;</title>
    <link rel="alternate" href="https://ledger.example/kelp"/>
    <link rel="enclosure" href="https://ledger.example/kelp.jpg"/>
    <id>tag:ledger.example,2025:kelp</id>
    <published>2025-10-02T06:00:00Z</published>
    <updated>2025-10-03T06:00:00Z</updated>
    <author><name>Aileen Drummond</name></author>
    <category term="marine"/>
    <summary>Kelp forests are recovering.</summary>
  </entry>
</feed>"#;

    #[test]
    fn rss_items() {
        let (items, warnings) = parse(RSS).unwrap();
        assert!(warnings.is_empty());
        assert_eq!(items.len(), 2);
        let (id, a) = &items[0];
        assert_eq!(id, "ow-2024-0627");
        assert_eq!(a.title, "Booster lands & flies again");
        assert_eq!(a.body, "The booster landed.\n\nIt flies again in May.");
        assert_eq!(a.authors, ["Sofia Brandt"]);
        assert_eq!(a.date.unwrap().to_string(), "2024-06-27T09:00:00Z");
        assert_eq!(a.topics, ["launch", "reuse"]);
        assert_eq!(a.source.as_deref(), Some("Orbit Weekly"));
        assert_eq!(a.language.as_deref(), Some("en"));
        assert_eq!(
            a.url.as_deref(),
            Some("https://orbitweekly.example/booster")
        );
        let (id, b) = &items[1];
        assert_eq!(id, "2");
        assert_eq!(b.body, "Plain text body.");
        assert_eq!(b.authors, ["Elias Marsh"]);
        assert_eq!(b.date.unwrap().to_string(), "2025-03-19T00:00:00Z");
    }

    #[test]
    fn atom_entries() {
        let (items, _) = parse(ATOM).unwrap();
        let (id, a) = &items[0];
        assert_eq!(id, "tag:ledger.example,2025:kelp");
        assert_eq!(a.title, "Kelp recovers");
        assert_eq!(a.url.as_deref(), Some("https://ledger.example/kelp"));
        assert_eq!(a.date.unwrap().to_string(), "2025-10-02T06:00:00Z");
        assert_eq!(a.authors, ["Aileen Drummond"]);
        assert_eq!(a.topics, ["marine"]);
        assert_eq!(a.body, "Kelp forests are recovering.");
        assert_eq!(a.source.as_deref(), Some("The Northern Ledger"));
    }

    #[test]
    fn atom_xhtml_is_read_as_text() {
        let feed = r#"<feed xmlns="http://www.w3.org/2005/Atom"><title>Ledger</title>
<entry><id>x1</id>
<title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Tide <b>gauges</b> fail</div></title>
<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>First <em>para</em>graph.</p><p>Second one.</p></div></content>
</entry></feed>"#;
        let (items, warnings) = parse(feed).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        let a = &items[0].1;
        assert_eq!(a.title, "Tide gauges fail");
        assert_eq!(a.body, "First paragraph.\n\nSecond one.");
    }

    #[test]
    fn a_feed_cut_off_keeps_its_last_item_and_says_so() {
        let cut = &RSS[..RSS.find("<title>Second item</title>").unwrap() + 26];
        let (items, warnings) = parse(cut).unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[1].1.title, "Second item");
        assert_eq!(
            warnings,
            ["the file ends inside item 2 (cut off?): indexed what it holds"]
        );
    }

    #[test]
    fn other_xml_is_not_a_feed() {
        assert_eq!(
            parse("<?xml version=\"1.0\"?><config><a/></config>").err(),
            Some(NotAFeed {
                root: "config".into()
            })
        );
    }

    #[test]
    fn broken_xml_keeps_the_items_before() {
        let cut = RSS.replace("<title>Second item</title>", "<title>Second item</oops>");
        let (items, warnings) = parse(&cut).unwrap();
        assert_eq!(items.len(), 1);
        assert!(
            warnings[0].starts_with("malformed XML at byte "),
            "{warnings:?}"
        );
    }
}
