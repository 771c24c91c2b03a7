//! From files on disk to `Article`s: which reader takes a file, reading its bytes (gzip, size
//! limit), decoding them, and the metadata a path or the text gives (id, section folders, a
//! date in the path, the language).
//!
//! Each format is one reader module; adding a format is a reader plus one arm in [`Format`].
//! A file that cannot be read is a [`Skip`] with a reason, never a stop.

pub(crate) mod feed;
pub(crate) mod html;
pub mod json;
pub(crate) mod sgml;
pub(crate) mod txt;
pub mod walk;

use std::borrow::Cow;
use std::fmt;
use std::io::Read;
use std::path::Path;

use crate::model::article::Article;
use crate::model::dates;
pub use walk::{CorpusFile, Walk, WalkProblem, walk};

/// The formats lede reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Plain text in the seed's layout.
    Txt,
    /// One JSON object, or an array of them.
    Json,
    /// One JSON object per line.
    JsonLines,
    Html,
    /// Reuters-21578 SGML.
    Sgml,
    /// RSS or Atom.
    Feed,
}

/// Extensions read without being asked, matched exactly (`README.TXT` is not `.txt`).
const EXTENSIONS: &[(&str, Format)] = &[
    ("txt", Format::Txt),
    ("text", Format::Txt),
    ("json", Format::Json),
    ("jsonl", Format::JsonLines),
    ("ndjson", Format::JsonLines),
    ("html", Format::Html),
    ("htm", Format::Html),
    ("sgm", Format::Sgml),
    ("sgml", Format::Sgml),
    ("rss", Format::Feed),
    ("atom", Format::Feed),
    ("xml", Format::Feed),
];

impl Format {
    /// The reader named in `--ext EXT=NAME`.
    pub fn from_name(name: &str) -> Option<Format> {
        Some(match name.to_ascii_lowercase().as_str() {
            "txt" | "text" => Format::Txt,
            "json" => Format::Json,
            "jsonl" | "ndjson" => Format::JsonLines,
            "html" | "htm" => Format::Html,
            "sgml" | "sgm" => Format::Sgml,
            "feed" | "rss" | "atom" | "xml" => Format::Feed,
            _ => return None,
        })
    }

    /// Reader names, for error messages.
    pub const NAMES: &'static str = "txt, json, jsonl, html, sgml, feed";
}

/// How files are read, beyond what their extension says.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// JSON keys for article fields (`--field body=story_text`).
    pub fields: json::FieldMap,
    /// More extensions and the reader for each (`--ext TXT=txt`), tried first.
    pub extensions: Vec<(String, Format)>,
    /// Read at most this many bytes of a file (after decompression).
    pub max_bytes: u64,
    /// Index at most this many bytes of one article's title and body (and read at most this
    /// many of a file that is one article).
    pub max_article_bytes: u64,
}

/// Default limit on the bytes read from one file. A file of many records is read a record at
/// a time, so this bounds the file's bytes in memory, not its articles'.
pub const DEFAULT_MAX_BYTES: u64 = 256 << 20;

/// Default limit on one article's text. Indexing an article takes about five times its size
/// (its text, the document holding it twice for `body` and `exact`, and tantivy's postings):
/// a 256 MB article peaked at 1.4 GB. News articles run to kilobytes; 16 MB is far past any
/// and keeps one article's share near 100 MB.
pub const DEFAULT_MAX_ARTICLE_BYTES: u64 = 16 << 20;

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            fields: json::FieldMap::default(),
            extensions: Vec::new(),
            max_bytes: DEFAULT_MAX_BYTES,
            max_article_bytes: DEFAULT_MAX_ARTICLE_BYTES,
        }
    }
}

impl ReadOptions {
    /// Whether some reader takes this file, by its name alone.
    pub fn check(&self, path: &Path) -> Result<(), Skip> {
        match self.format_of(path) {
            (Some(_), _, _) => Ok(()),
            (None, _, ext) => Err(Skip::Unsupported(ext)),
        }
    }

    /// The reader for a file, whether it is gzipped, and its extension (for the skip count).
    fn format_of(&self, path: &Path) -> (Option<Format>, bool, String) {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        let (inner, gz) = match name.strip_suffix(".gz") {
            Some(inner) => (inner, true),
            None => (name.as_ref(), false),
        };
        let ext = match inner.rsplit_once('.') {
            Some((stem, ext)) if !stem.is_empty() => ext,
            _ => "",
        };
        let format = self
            .extensions
            .iter()
            .find(|(e, _)| e == ext)
            .map(|(_, f)| *f)
            .or_else(|| EXTENSIONS.iter().find(|(e, _)| *e == ext).map(|(_, f)| *f));
        let shown = if gz {
            format!("{ext}.gz")
        } else {
            ext.to_string()
        };
        (format.filter(|_| !ext.is_empty()), gz, shown)
    }
}

/// Why a file gave no articles.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Skip {
    /// No reader for this extension (the extension, or "" for none).
    Unsupported(String),
    /// An XML file whose root element is not a feed's.
    NotAFeed(String),
    /// The file could not be read (permission denied, vanished, ...).
    Unreadable(String),
    /// The file is not what its name says (a broken gzip, say).
    Corrupt(String),
    /// The file holds binary data, not text.
    Binary,
    /// The file holds no title and no body text.
    Empty,
}

impl fmt::Display for Skip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Skip::Unsupported(ext) if ext.is_empty() => write!(f, "no extension"),
            Skip::Unsupported(ext) => write!(f, "unsupported extension .{ext}"),
            Skip::NotAFeed(root) => write!(f, "XML but not a feed (root element <{root}>)"),
            Skip::Unreadable(reason) => write!(f, "unreadable: {reason}"),
            Skip::Corrupt(reason) => write!(f, "corrupt: {reason}"),
            Skip::Binary => write!(f, "binary file"),
            Skip::Empty => write!(f, "no text"),
        }
    }
}

impl Skip {
    /// Not an article file (an image, a config file): expected in any archive, so counted
    /// but neither a warning nor a problem for `--strict`.
    pub fn is_expected(&self) -> bool {
        matches!(self, Skip::Unsupported(_) | Skip::NotAFeed(_))
    }
}

/// What reading one file gave: its articles, the warnings met on the way, and the number of
/// records in it that had no text (left out).
#[derive(Debug, Default)]
pub struct FileArticles {
    pub articles: Vec<Article>,
    pub warnings: Vec<String>,
    pub empty_records: u64,
}

/// What reading one file with [`read_each`] gave besides its articles.
#[derive(Debug, Default)]
pub struct ReadReport {
    pub warnings: Vec<String>,
    /// Records in the file that had no text, left out.
    pub empty_records: u64,
    /// Articles handed on.
    pub articles: u64,
}

/// Reads every article in a file found by the walk, into memory (for tests and tools; the
/// indexer reads with [`read_each`]).
pub fn read(file: &CorpusFile, opts: &ReadOptions) -> Result<FileArticles, Skip> {
    let mut articles = Vec::new();
    let report = read_each(file, opts, &mut |a| articles.push(a))?;
    Ok(FileArticles {
        articles,
        warnings: report.warnings,
        empty_records: report.empty_records,
    })
}

/// Reads the articles in a file found by the walk, handing each on as soon as it is read: a
/// file of 400,000 records is never held as 400,000 articles, and records without text cost
/// nothing but a count. `Err` when the file gave no article at all (then `each` was never
/// called).
pub fn read_each(
    file: &CorpusFile,
    opts: &ReadOptions,
    each: &mut dyn FnMut(Article),
) -> Result<ReadReport, Skip> {
    let (format, gz, ext) = opts.format_of(&file.path);
    let format = format.ok_or(Skip::Unsupported(ext))?;
    let mut report = ReadReport::default();
    let single = matches!(format, Format::Txt | Format::Html);
    let bytes = if single && opts.max_article_bytes < opts.max_bytes {
        // A file that is one article: the article's limit is the file's.
        let max = opts.max_article_bytes;
        let mut warnings = Vec::new();
        let bytes = read_bytes(&file.path, gz, max, &mut warnings)?;
        if !warnings.is_empty() {
            report.warnings.push(too_long(max));
        }
        bytes
    } else {
        read_bytes(&file.path, gz, opts.max_bytes, &mut report.warnings)?
    };
    if encoding_rs::Encoding::for_bom(&bytes).is_none()
        && bytes[..bytes.len().min(8192)].contains(&0)
    {
        return Err(Skip::Binary);
    }
    let path = file.path.to_string_lossy();
    let folders = file.folders();
    let (mut empty, mut kept, mut cut) = (0u64, 0u64, 0u64);
    let max_article = opts.max_article_bytes as usize;
    let mut emit = |mut article: Article| {
        if article.has_text() {
            if article.title.len() + article.body.len() > max_article {
                truncate(&mut article.title, max_article);
                truncate(&mut article.body, max_article - article.title.len());
                cut += 1;
            }
            finish(&mut article, &path, &folders);
            kept += 1;
            each(article);
        } else {
            empty += 1;
        }
    };
    let mut warnings = Vec::new();
    match format {
        Format::Txt => {
            let (article, w) = txt::parse(&decode_text(&bytes, &mut warnings));
            // One article of up to the size limit: its bytes go before it is indexed.
            drop(bytes);
            warnings.extend(w);
            emit(article);
        }
        Format::Json | Format::JsonLines => {
            let text = decode_text(&bytes, &mut warnings);
            // Record 0 is a file that is one article: its id is its path.
            let mut each_record = |n: usize, mut article: Article| {
                if n == 0 {
                    article.id.clear();
                } else if article.id.is_empty() {
                    article.id = n.to_string();
                }
                emit(article);
            };
            let sink = json::Sink::new(&mut each_record, &mut warnings);
            if format == Format::Json {
                json::read_document(&text, &opts.fields, sink);
            } else {
                json::read_lines(&text, &opts.fields, sink);
            }
        }
        Format::Html => {
            let article = {
                let text = match html::declared_charset(&bytes) {
                    Some(encoding) if encoding_rs::Encoding::for_bom(&bytes).is_none() => {
                        encoding.decode_without_bom_handling(&bytes).0
                    }
                    _ => decode_text(&bytes, &mut warnings),
                };
                html::parse(&text)
            };
            drop(bytes);
            emit(article);
        }
        Format::Sgml => {
            // Reuters-21578 is Latin-1; Windows-1252 reads it the same and every byte decodes.
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(&bytes);
            let (records, w) = sgml::parse(&text);
            warnings.extend(w);
            for (id, mut article) in records {
                article.id = id;
                emit(article);
            }
        }
        Format::Feed => {
            let text = match xml_encoding(&bytes) {
                Some(encoding) if encoding != encoding_rs::UTF_8 => encoding.decode(&bytes).0,
                _ => decode_text(&bytes, &mut warnings),
            };
            let (items, w) = feed::parse(&text).map_err(|e| Skip::NotAFeed(e.root))?;
            warnings.extend(w);
            for (id, mut article) in items {
                article.id = id;
                emit(article);
            }
        }
    }
    report.warnings.extend(warnings);
    if cut > 0 {
        report.warnings.push(match cut {
            1 => too_long(opts.max_article_bytes),
            n => format!("{n} articles: {}", too_long(opts.max_article_bytes)),
        });
    }
    if kept == 0 {
        // A file that says why it holds nothing (malformed JSON, say) is corrupt, not empty.
        return Err(match report.warnings.first() {
            Some(why) if !single => Skip::Corrupt(why.clone()),
            _ => Skip::Empty,
        });
    }
    if !single {
        report.empty_records = empty;
    }
    report.articles = kept;
    Ok(report)
}

fn too_long(max: u64) -> String {
    format!(
        "an article longer than {} MB: only its first {} MB are indexed (see --max-article-mb)",
        max >> 20,
        max >> 20
    )
}

/// Cuts `text` to at most `max` bytes, at a character boundary.
fn truncate(text: &mut String, max: usize) {
    if text.len() > max {
        let mut end = max;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
}

/// The file's bytes (decompressed when gzipped), at most `max` of them.
fn read_bytes(
    path: &Path,
    gz: bool,
    max: u64,
    warnings: &mut Vec<String>,
) -> Result<Vec<u8>, Skip> {
    let file = std::fs::File::open(path).map_err(|e| Skip::Unreadable(io_reason(&e)))?;
    let mut bytes = Vec::new();
    if gz {
        let mut decoder =
            flate2::read::MultiGzDecoder::new(std::io::BufReader::new(file)).take(max + 1);
        if let Err(e) = decoder.read_to_end(&mut bytes) {
            if bytes.is_empty() {
                return Err(Skip::Corrupt(format!("not a gzip file ({e})")));
            }
            warnings.push(format!(
                "truncated or corrupt gzip ({e}): the {} bytes before it were read",
                bytes.len()
            ));
        }
    } else {
        file.take(max + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| Skip::Unreadable(io_reason(&e)))?;
    }
    if bytes.len() as u64 > max {
        bytes.truncate(max as usize);
        warnings.push(format!(
            "larger than {} MB: only the first {} MB were read (see --max-file-mb)",
            max >> 20,
            max >> 20
        ));
    }
    Ok(bytes)
}

/// The encoding an XML declaration names (`<?xml version="1.0" encoding="ISO-8859-1"?>`).
fn xml_encoding(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(200)]);
    let decl = head.strip_prefix('\u{feff}').unwrap_or(&head);
    let decl = &decl[..decl.find("?>")?];
    let at = decl.find("encoding=")? + "encoding=".len();
    let quoted = &decl[at..];
    // Only an ASCII quote: slicing past any other first character could split it (fuzzing
    // found `encoding=\xe2ISO-8859-1"`, whose replacement character is three bytes).
    let quote = quoted.chars().next().filter(|c| matches!(c, '"' | '\''))?;
    let label = quoted[1..].split(quote).next()?;
    encoding_rs::Encoding::for_label(label.as_bytes())
}

/// Fills what the path and text tell: the id (`path` or `path#record`), the path, the section
/// folders, a date written in the path, the language; a title is one line (a JSON title may
/// hold line breaks and runs of spaces: they become single spaces).
fn finish(article: &mut Article, path: &str, folders: &[String]) {
    if article.title.contains(char::is_whitespace) {
        article.title = article
            .title
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
    }
    article.id = if article.id.is_empty() {
        path.to_string()
    } else {
        format!("{path}#{}", article.id)
    };
    article.path = path.to_string();
    article.section = section(folders, &article.section);
    if article.date.is_none() {
        article.date = dates::from_path(path);
    }
    if article.language.is_none() {
        article.language = detect_language(article);
    }
}

/// The section path: the folders between the corpus root and the file, refined by the
/// section the article names (`politics` in `northern-ledger/` gives
/// `/northern-ledger/politics`); a named part that repeats the folder it sits in is not
/// repeated (`politics` in `northern-ledger/politics/`).
fn section(folders: &[String], named: &[String]) -> Vec<String> {
    let mut path = folders.to_vec();
    for part in named {
        if !path
            .last()
            .is_some_and(|last| last.eq_ignore_ascii_case(part))
        {
            path.push(part.clone());
        }
    }
    path
}

/// The ISO 639-1 code of the article's language, when whatlang is sure of it and there is
/// running prose to tell it by. Tables of figures and codes (wire earnings reports, say) fool
/// any detector, so text with too few ordinary words is left undetected.
fn detect_language(article: &Article) -> Option<String> {
    // The title and the start of the body are plenty, and keep detection cheap.
    let mut sample = String::with_capacity(400);
    sample.push_str(&article.title);
    sample.push_str(". ");
    let body = &article.body;
    let mut end = body.len().min(300);
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    sample.push_str(&body[..end]);
    if !is_prose(&sample) {
        return None;
    }
    if is_plainly_english(&sample) {
        // Most archives are English: this saves whatlang's time (a fifth of indexing).
        return Some("en".to_string());
    }
    let info = whatlang::detect(&sample)?;
    if !info.is_reliable() {
        return None;
    }
    let code = isolang::Language::from_639_3(info.lang().code())?.to_639_1()?;
    Some(code.to_string())
}

/// At least [`PROSE_WORDS`] different lower-case words of five letters or more.
fn is_prose(text: &str) -> bool {
    let mut words = std::collections::HashSet::new();
    for word in text.split(|c: char| !c.is_alphabetic()) {
        if word.chars().count() >= 5 && word.chars().next().is_some_and(char::is_lowercase) {
            words.insert(word);
            if words.len() >= PROSE_WORDS {
                return true;
            }
        }
    }
    false
}

const PROSE_WORDS: usize = 6;

/// English's commonest words, which make up a third or more of running English text and
/// almost none of other languages'.
const ENGLISH_WORDS: &[&str] = &[
    "the", "of", "and", "to", "in", "is", "was", "that", "for", "it", "with", "as", "on", "be",
    "at", "by", "this", "had", "are", "but", "from", "or", "have", "an", "they", "which", "were",
    "their", "has", "been", "would", "will", "its", "who", "said", "not", "there", "than", "after",
];

/// At least 20 words, a quarter of them English's commonest.
fn is_plainly_english(text: &str) -> bool {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .take(80)
        .map(str::to_lowercase)
        .collect();
    let common = words
        .iter()
        .filter(|w| ENGLISH_WORDS.contains(&w.as_str()))
        .count();
    words.len() >= 20 && common * 4 >= words.len()
}

/// Text from bytes that declare no encoding: UTF-8 (a BOM is dropped), UTF-16 with a BOM, and
/// otherwise Windows-1252, which every byte decodes in and which old archives mostly are.
pub fn decode_text<'a>(bytes: &'a [u8], warnings: &mut Vec<String>) -> Cow<'a, str> {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom..]);
        if had_errors {
            warnings.push(format!("invalid {} (bad bytes replaced)", encoding.name()));
        }
        return text;
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(e) => {
            warnings.push(format!(
                "not valid UTF-8 (first bad byte at offset {}), read as Windows-1252",
                e.valid_up_to()
            ));
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            text
        }
    }
}

fn io_reason(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        std::io::ErrorKind::NotFound => "vanished during the walk".into(),
        _ => err.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding() {
        let mut w = Vec::new();
        assert_eq!(decode_text(b"\xEF\xBB\xBFcaf\xC3\xA9", &mut w), "café");
        assert_eq!(decode_text(b"\xA3600m", &mut w), "£600m");
        assert_eq!(
            w,
            ["not valid UTF-8 (first bad byte at offset 0), read as Windows-1252"]
        );
        assert_eq!(decode_text(b"\xFF\xFEh\0i\0", &mut w), "hi");
    }

    #[test]
    fn readers_by_extension() {
        let opts = ReadOptions::default();
        let of = |p: &str| {
            let (f, gz, ext) = opts.format_of(Path::new(p));
            (f, gz, ext)
        };
        assert_eq!(of("a/b.txt"), (Some(Format::Txt), false, "txt".into()));
        assert_eq!(of("README.TXT"), (None, false, "TXT".into()));
        assert_eq!(of("notes"), (None, false, "".into()));
        assert_eq!(of(".txt"), (None, false, "".into()));
        assert_eq!(
            of("x.jsonl.gz"),
            (Some(Format::JsonLines), true, "jsonl.gz".into())
        );
        assert_eq!(of("x.tar.gz"), (None, true, "tar.gz".into()));
        let opts = ReadOptions {
            extensions: vec![("TXT".into(), Format::Txt)],
            ..ReadOptions::default()
        };
        assert_eq!(opts.format_of(Path::new("README.TXT")).0, Some(Format::Txt));
    }

    #[test]
    fn a_file_that_vanished_after_the_walk_is_skipped() {
        let file = CorpusFile {
            path: "/nonexistent/lede/gone.txt".into(),
            root_depth: 0,
            size: 10,
            ..CorpusFile::default()
        };
        assert_eq!(
            read(&file, &ReadOptions::default()).err(),
            Some(Skip::Unreadable("vanished during the walk".into()))
        );
    }

    #[test]
    fn xml_declarations() {
        assert_eq!(
            xml_encoding(b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss/>")
                .map(|e| e.name()),
            Some("windows-1252")
        );
        assert_eq!(
            xml_encoding(b"<?xml version='1.0' encoding='utf-8'?>"),
            Some(encoding_rs::UTF_8)
        );
        assert_eq!(xml_encoding(b"<rss/>"), None);
    }

    #[test]
    fn sections_are_folders_refined_by_the_article() {
        let f = |folders: &[&str], named: &[&str]| {
            let own = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
            section(&own(folders), &own(named))
        };
        assert_eq!(
            f(&["ledger", "politics"], &["Politics"]),
            ["ledger", "politics"]
        );
        assert_eq!(f(&["ledger"], &["politics"]), ["ledger", "politics"]);
        assert_eq!(
            f(&["ledger", "economy"], &["economy", "transport"]),
            ["ledger", "economy", "transport"]
        );
        assert_eq!(f(&[], &["POLITICS"]), ["POLITICS"]);
        assert_eq!(f(&["bbc", "tech"], &[]), ["bbc", "tech"]);
    }

    #[test]
    fn a_title_is_one_line() {
        let mut a = Article {
            title: "  Budget\n  talks\tstall \r\n".into(),
            ..Article::default()
        };
        finish(&mut a, "c/a.json", &[]);
        assert_eq!(a.title, "Budget talks stall");
    }

    #[test]
    fn finish_fills_id_path_section_date_and_language() {
        let mut a = Article {
            title: "Debris talks close with a pledge".into(),
            body: "Delegates from forty countries ended a week of talks with a joint statement \
                   pledging to extend a voluntary moratorium on destructive missile tests."
                .into(),
            ..Article::default()
        };
        finish(
            &mut a,
            "corpus/gazette/space/2024-03-05-asat.txt",
            &["gazette".into(), "space".into()],
        );
        assert_eq!(a.id, "corpus/gazette/space/2024-03-05-asat.txt");
        assert_eq!(a.section, ["gazette", "space"]);
        assert_eq!(a.date.unwrap().to_string(), "2024-03-05T00:00:00Z");
        assert_eq!(a.language.as_deref(), Some("en"));
        let mut t = Article {
            title: "KAPOK CORP 1ST QTR LOSS".into(),
            body: "Shr loss 14 cts vs loss 21 cts Net loss 353,000 vs loss 541,000 Revs 2,668,000"
                .into(),
            ..Article::default()
        };
        finish(&mut t, "c/r.sgm", &[]);
        assert_eq!(t.language, None, "a table is not prose");
        assert!(!is_plainly_english(
            "Le gouvernement a annoncé mardi une hausse des prix du pain et du lait dans tout le \
             pays, une décision que les syndicats ont aussitôt critiquée devant la presse."
        ));
        assert!(!is_plainly_english(
            "Die Regierung hat am Dienstag eine Erhöhung der Preise für Brot und Milch im ganzen \
             Land angekündigt, was die Gewerkschaften sofort vor der Presse kritisierten."
        ));
        let mut b = Article {
            id: "17".into(),
            ..Article::default()
        };
        finish(&mut b, "c/feed.rss", &[]);
        assert_eq!(b.id, "c/feed.rss#17");
        assert_eq!(b.language, None);
    }
}
