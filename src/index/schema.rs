//! The index schema: the only place where field names are written.
//!
//! Owns the field list and options, the schema version recorded in every commit, the
//! `Fields` handles, and the two conversions `Article -> TantivyDocument` and back.

use jiff::Timestamp;
use tantivy::schema::{
    FAST, FacetOptions, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions, Value,
};
use tantivy::{DateTime, TantivyDocument};

use crate::index::analyzer::{EXACT_ANALYZER, KEYWORD_ANALYZER, NEWS_ANALYZER};
use crate::model::FacetField;
use crate::model::article::{ARTICLE_FORMATS, Article};

/// Bumped whenever the schema or the analysis changes in a way an old index cannot serve.
pub const SCHEMA_VERSION: u32 = 7;

/// Handles to every field of the schema.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub id: Field,
    pub path: Field,
    pub title: Field,
    pub body: Field,
    pub author: Field,
    pub date: Field,
    pub source: Field,
    pub section: Field,
    pub topic: Field,
    pub place: Field,
    pub person: Field,
    pub org: Field,
    pub language: Field,
    pub url: Field,
    pub word_count: Field,
    pub format: Field,
    pub file_size: Field,
    pub file_mtime: Field,
    pub file_inode: Field,
    pub file_ctime: Field,
    /// Title and body again, neither stemmed nor stripped of stop words (`exact:`).
    pub exact: Field,
    /// Near-duplicate group: the smallest article id of the group (`index/dedup.rs`).
    pub group: Field,
    /// Articles in the group, as of the last grouping.
    pub group_size: Field,
    /// MinHash LSH band keys of the body and of its opening (`index/minhash.rs`).
    pub bands: Field,
    /// Fingerprint of title and body: what saved searches compare to tell a changed article.
    pub version: Field,
    /// The index's commit opstamp when the article was written: what grouping compares.
    pub written: Field,
}

/// What the walk saw of the file an article came from, all from one `stat`: a re-run reads a
/// file again when any of it differs. Size and modification time tell an edit; the inode number
/// and the status-change time tell another file at the same path, as when one file is renamed
/// over another of the same size and mtime (`cp -p`, `rsync -t` and `tar x` restore mtimes, and
/// no tool can set a ctime: a rename or a write always moves it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FileStamp {
    pub size: u64,
    pub mtime_ns: u64,
    pub inode: u64,
    pub ctime_ns: u64,
}

/// Builds the schema of a new index.
pub fn build() -> Schema {
    let mut sb = Schema::builder();
    let news = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(NEWS_ANALYZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored();
    // Metadata values: searched lower-cased and folded (`author:zmhuaxia`), counted as
    // written (the fast column keeps the raw value for facets and aggregations).
    let keyword = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(KEYWORD_ANALYZER)
                .set_index_option(IndexRecordOption::Basic),
        )
        .set_stored()
        .set_fast(tantivy::tokenizer::RAW_TOKENIZER_NAME);
    sb.add_text_field("id", STRING | STORED | FAST);
    sb.add_text_field("path", keyword_raw());
    sb.add_text_field("title", news.clone());
    sb.add_text_field("body", news);
    sb.add_text_field(
        "exact",
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(EXACT_ANALYZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        ),
    );
    sb.add_text_field("author", keyword.clone());
    sb.add_date_field("date", INDEXED | STORED | FAST);
    sb.add_text_field("source", keyword.clone());
    sb.add_facet_field("section", FacetOptions::default().set_stored());
    sb.add_text_field("topic", keyword.clone());
    sb.add_text_field("place", keyword.clone());
    sb.add_text_field("person", keyword.clone());
    sb.add_text_field("org", keyword.clone());
    sb.add_text_field("language", keyword);
    sb.add_text_field("url", STRING | STORED);
    sb.add_u64_field("word_count", STORED | FAST);
    sb.add_text_field("format", keyword_raw());
    // What a re-run compares to tell changed files from unchanged ones.
    sb.add_u64_field("file_size", FAST);
    sb.add_u64_field("file_mtime", FAST);
    sb.add_u64_field("file_inode", FAST);
    sb.add_u64_field("file_ctime", FAST);
    // Near-duplicate groups and versions (docs/newsroom.md).
    sb.add_text_field("group", STRING | STORED | FAST);
    sb.add_u64_field("group_size", STORED | FAST);
    sb.add_u64_field("bands", FAST);
    sb.add_u64_field("version", STORED | FAST);
    sb.add_u64_field("written", FAST);
    sb.build()
}

/// Whether a schema found in a folder's `meta.json` is one a lede wrote (of any version): it
/// has the fields every lede schema has had. For an index created but never committed, whose
/// `meta.json` carries no payload to say so.
pub fn is_lede_schema(schema: &Schema) -> bool {
    ["id", "path", "title", "body", "file_size", "file_mtime"]
        .iter()
        .all(|name| schema.get_field(name).is_ok())
}

/// A value kept whole, searched and counted exactly as written (`format:sgml`).
fn keyword_raw() -> TextOptions {
    (STRING | STORED).set_fast(tantivy::tokenizer::RAW_TOKENIZER_NAME)
}

impl Fields {
    /// The field a facet counts.
    pub fn facet(&self, facet: FacetField) -> Field {
        match facet {
            FacetField::Author => self.author,
            FacetField::Source => self.source,
            FacetField::Section => self.section,
            FacetField::Topic => self.topic,
            FacetField::Place => self.place,
            FacetField::Person => self.person,
            FacetField::Org => self.org,
            FacetField::Language => self.language,
            FacetField::Format => self.format,
            FacetField::Year | FacetField::Month => self.date,
        }
    }

    /// Looks the fields up in a schema; `None` when one is missing (not a lede schema).
    pub fn from_schema(schema: &Schema) -> Option<Fields> {
        let f = |name: &str| schema.get_field(name).ok();
        Some(Fields {
            id: f("id")?,
            path: f("path")?,
            title: f("title")?,
            body: f("body")?,
            author: f("author")?,
            date: f("date")?,
            source: f("source")?,
            section: f("section")?,
            topic: f("topic")?,
            place: f("place")?,
            person: f("person")?,
            org: f("org")?,
            language: f("language")?,
            url: f("url")?,
            word_count: f("word_count")?,
            format: f("format")?,
            file_size: f("file_size")?,
            file_mtime: f("file_mtime")?,
            file_inode: f("file_inode")?,
            file_ctime: f("file_ctime")?,
            exact: f("exact")?,
            group: f("group")?,
            group_size: f("group_size")?,
            bands: f("bands")?,
            version: f("version")?,
            written: f("written")?,
        })
    }

    /// The tantivy document for an article read from a file with this stamp.
    pub fn document(&self, a: &Article, stamp: FileStamp) -> TantivyDocument {
        // Alone in its group until grouping says otherwise (`index/dedup.rs`).
        self.document_in_group(a, stamp, &a.id, 1)
    }

    /// The document for an article in a near-duplicate group of `size` articles.
    pub fn document_in_group(
        &self,
        a: &Article,
        stamp: FileStamp,
        group: &str,
        size: u64,
    ) -> TantivyDocument {
        let mut doc = TantivyDocument::default();
        doc.add_text(self.id, &a.id);
        doc.add_text(self.path, &a.path);
        doc.add_text(self.title, &a.title);
        doc.add_text(self.body, &a.body);
        doc.add_text(self.exact, &a.title);
        doc.add_text(self.exact, &a.body);
        let many = [
            (self.author, &a.authors),
            (self.topic, &a.topics),
            (self.place, &a.places),
            (self.person, &a.people),
            (self.org, &a.orgs),
        ];
        for (field, values) in many {
            for v in values {
                doc.add_text(field, v);
            }
        }
        if let Some(ts) = a.date {
            doc.add_date(self.date, DateTime::from_timestamp_secs(ts.as_second()));
        }
        for (field, value) in [
            (self.source, &a.source),
            (self.language, &a.language),
            (self.url, &a.url),
        ] {
            if let Some(v) = value {
                doc.add_text(field, v);
            }
        }
        doc.add_facet(self.section, tantivy::schema::Facet::from_path(&a.section));
        doc.add_u64(self.word_count, a.word_count());
        doc.add_text(self.format, a.format);
        doc.add_u64(self.file_size, stamp.size);
        doc.add_u64(self.file_mtime, stamp.mtime_ns);
        doc.add_u64(self.file_inode, stamp.inode);
        doc.add_u64(self.file_ctime, stamp.ctime_ns);
        doc.add_text(self.group, group);
        doc.add_u64(self.group_size, size);
        for band in crate::index::minhash::keys(&a.body) {
            doc.add_u64(self.bands, band);
        }
        doc.add_u64(
            self.version,
            crate::index::minhash::fingerprint(&a.title, &a.body),
        );
        doc
    }

    /// The article stored in a document.
    pub fn article(&self, doc: &TantivyDocument) -> Article {
        let one = |field: Field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .map(str::to_string)
        };
        let all = |field: Field| {
            doc.get_all(field)
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect::<Vec<_>>()
        };
        Article {
            id: one(self.id).unwrap_or_default(),
            path: one(self.path).unwrap_or_default(),
            title: one(self.title).unwrap_or_default(),
            body: one(self.body).unwrap_or_default(),
            authors: all(self.author),
            date: doc
                .get_first(self.date)
                .and_then(|v| v.as_datetime())
                .and_then(|d| Timestamp::from_second(d.into_timestamp_secs()).ok()),
            source: one(self.source),
            section: doc
                .get_first(self.section)
                .and_then(|v| v.as_facet())
                // the encoded form separates the steps with NUL bytes
                .map(|f| {
                    f.split('\0')
                        .filter(|s| !s.is_empty())
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default(),
            topics: all(self.topic),
            places: all(self.place),
            people: all(self.person),
            orgs: all(self.org),
            language: one(self.language),
            url: one(self.url),
            format: one(self.format)
                .and_then(|f| ARTICLE_FORMATS.iter().find(|known| **known == f))
                .copied()
                .unwrap_or("unknown"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::QUERY_FIELDS;

    #[test]
    fn an_article_survives_the_round_trip() {
        let schema = build();
        let fields = Fields::from_schema(&schema).unwrap();
        let a = Article {
            id: "c/x.txt".into(),
            path: "c/x.txt".into(),
            title: "T".into(),
            body: "B b".into(),
            authors: vec!["Ana Ruiz".into(), "Li Wei".into()],
            date: crate::model::dates::parse("2024-03-05"),
            source: Some("Gazette".into()),
            section: vec!["space".into(), "defence".into()],
            topics: vec!["asat".into()],
            language: Some("en".into()),
            url: Some("https://example.org/x".into()),
            format: "txt",
            ..Article::default()
        };
        let back = fields.article(&fields.document(&a, FileStamp::default()));
        assert_eq!(back, a);
    }

    #[test]
    fn query_fields_exist() {
        let schema = build();
        for name in QUERY_FIELDS {
            assert!(schema.get_field(name).is_ok(), "{name}");
        }
    }
}
