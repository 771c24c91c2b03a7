//! From files on disk to `Article`s: which reader takes a file, reading and decoding its bytes,
//! and the metadata the path gives (section folders, a date in the path).
//!
//! Each format has one reader module; adding a format is a reader plus one arm in [`Format`].
//! A file that cannot be read is a [`Skip`] with a reason, never a stop.

pub mod txt;
pub mod walk;

use std::borrow::Cow;
use std::fmt;
use std::path::Path;

use crate::article::Article;
use crate::dates;
pub use walk::{CorpusFile, Walk, WalkProblem, walk};

/// The formats lede reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Txt,
}

impl Format {
    /// The reader for a file name's extension (matched exactly: `README.TXT` is not `.txt`).
    pub fn for_path(path: &Path) -> Option<Format> {
        match path.extension()?.to_str()? {
            "txt" | "text" => Some(Format::Txt),
            _ => None,
        }
    }
}

/// Why a file gave no articles.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Skip {
    /// No reader for this extension (the extension, or "" for none).
    Unsupported(String),
    /// The file could not be read (permission denied, vanished, ...).
    Unreadable(String),
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
            Skip::Unreadable(reason) => write!(f, "unreadable: {reason}"),
            Skip::Binary => write!(f, "binary file"),
            Skip::Empty => write!(f, "no text"),
        }
    }
}

/// What reading one file gave: its articles and the warnings met on the way.
#[derive(Debug, Default)]
pub struct FileArticles {
    pub articles: Vec<Article>,
    pub warnings: Vec<String>,
}

/// Reads every article in a file found by the walk.
pub fn read(file: &CorpusFile) -> Result<FileArticles, Skip> {
    let format = Format::for_path(&file.path).ok_or_else(|| {
        Skip::Unsupported(
            file.path
                .extension()
                .map(|e| e.to_string_lossy().into_owned())
                .unwrap_or_default(),
        )
    })?;
    let bytes = std::fs::read(&file.path).map_err(|e| Skip::Unreadable(io_reason(&e)))?;
    let mut out = FileArticles::default();
    let text = decode_text(&bytes, &mut out.warnings)?;
    match format {
        Format::Txt => {
            let (article, warnings) = txt::parse(&text);
            out.warnings.extend(warnings);
            out.articles.push(article);
        }
    }
    let path = file.path.to_string_lossy();
    for article in &mut out.articles {
        finish(article, &path, &file.folders);
    }
    out.articles.retain(Article::has_text);
    if out.articles.is_empty() {
        return Err(Skip::Empty);
    }
    Ok(out)
}

/// Fills what the path tells: id and path, the section folders, a date written in the path.
fn finish(article: &mut Article, path: &str, folders: &[String]) {
    if article.id.is_empty() {
        article.id = path.to_string();
    }
    article.path = path.to_string();
    if article.section.is_empty() {
        article.section = folders.to_vec();
    }
    if article.date.is_none() {
        article.date = dates::from_path(path);
    }
}

/// Text from bytes that declare no encoding: UTF-8 (a BOM is dropped), UTF-16 with a BOM, and
/// otherwise Windows-1252, which every byte decodes in and which old archives mostly are.
pub fn decode_text<'a>(bytes: &'a [u8], warnings: &mut Vec<String>) -> Result<Cow<'a, str>, Skip> {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom..]);
        if had_errors {
            warnings.push(format!("invalid {} (bad bytes replaced)", encoding.name()));
        }
        return Ok(text);
    }
    let head = &bytes[..bytes.len().min(8192)];
    if head.contains(&0) {
        return Err(Skip::Binary);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(Cow::Borrowed(text)),
        Err(e) => {
            warnings.push(format!(
                "not valid UTF-8 (first bad byte at offset {}), read as Windows-1252",
                e.valid_up_to()
            ));
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            Ok(text)
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
        assert_eq!(
            decode_text(b"\xEF\xBB\xBFcaf\xC3\xA9", &mut w).unwrap(),
            "café"
        );
        assert_eq!(decode_text(b"\xA3600m", &mut w).unwrap(), "£600m");
        assert_eq!(
            w,
            ["not valid UTF-8 (first bad byte at offset 0), read as Windows-1252"]
        );
        assert_eq!(decode_text(b"a\0b", &mut w), Err(Skip::Binary));
        let utf16 = b"\xFF\xFEh\0i\0";
        assert_eq!(decode_text(utf16, &mut w).unwrap(), "hi");
    }

    #[test]
    fn readers_by_extension() {
        assert_eq!(Format::for_path(Path::new("a/b.txt")), Some(Format::Txt));
        assert_eq!(Format::for_path(Path::new("README.TXT")), None);
        assert_eq!(Format::for_path(Path::new("notes")), None);
    }

    #[test]
    fn finish_fills_path_section_and_date() {
        let mut a = Article::default();
        finish(
            &mut a,
            "corpus/gazette/space/2024-03-05-asat.txt",
            &["gazette".into(), "space".into()],
        );
        assert_eq!(a.id, "corpus/gazette/space/2024-03-05-asat.txt");
        assert_eq!(a.section, ["gazette", "space"]);
        assert_eq!(a.date.unwrap().to_string(), "2024-03-05T00:00:00Z");
    }
}
