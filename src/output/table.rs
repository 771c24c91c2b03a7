//! Output for scripts: JSON (one object, with `lede_json`), JSON Lines and CSV, with the
//! columns a caller picks ([`Column`]). The keys are those of docs/output.md.

use std::io::{self, Write};

use crate::index::indexer::IndexSummary;
use crate::model::{BatchRow, Hit, IndexStats, JSON_VERSION, SearchResults, TrendResults};

/// One JSON value (an object with `lede_json`, or a row of JSON Lines) on a line of its own.
pub fn write_one(w: &mut impl Write, value: &impl serde::Serialize) -> io::Result<()> {
    serde_json::to_writer(&mut *w, value)?;
    writeln!(w)
}

/// Search results as one JSON object on one line.
pub fn write_json(w: &mut impl Write, results: &SearchResults) -> io::Result<()> {
    write_one(w, results)
}

/// A watch event as one JSON object: `{"event": "batch", ...the summary}`.
pub fn write_watch_json(w: &mut impl Write, kind: &str, s: &IndexSummary) -> io::Result<()> {
    write_tagged(w, s, &[("event", kind)])
}

/// The summary of an indexing run as one JSON object.
pub fn write_index_json(w: &mut impl Write, s: &IndexSummary) -> io::Result<()> {
    write_tagged(w, s, &[])
}

/// A value as one line of JSON, with `lede_json` and other keys added at the top level.
fn write_tagged(
    w: &mut impl Write,
    value: &impl serde::Serialize,
    extra: &[(&str, &str)],
) -> io::Result<()> {
    let mut value = serde_json::to_value(value)?;
    if let serde_json::Value::Object(map) = &mut value {
        map.insert("lede_json".into(), JSON_VERSION.into());
        for (k, v) in extra {
            map.insert((*k).into(), (*v).into());
        }
    }
    serde_json::to_writer(&mut *w, &value)?;
    writeln!(w)
}

/// A column of csv and jsonl output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Rank,
    Score,
    Id,
    Path,
    Title,
    Authors,
    Date,
    Source,
    Section,
    Topics,
    Places,
    People,
    Orgs,
    Language,
    Url,
    WordCount,
    Format,
    Passages,
    /// With `--collapse`: the ids of the copies a hit stands for (asked for by name only).
    Copies,
}

impl Column {
    pub const ALL: [Column; 18] = [
        Column::Rank,
        Column::Score,
        Column::Id,
        Column::Path,
        Column::Title,
        Column::Authors,
        Column::Date,
        Column::Source,
        Column::Section,
        Column::Topics,
        Column::Places,
        Column::People,
        Column::Orgs,
        Column::Language,
        Column::Url,
        Column::WordCount,
        Column::Format,
        Column::Passages,
    ];

    /// Columns given only when asked for by name.
    pub const ON_REQUEST: [Column; 1] = [Column::Copies];

    /// The columns of csv when none are asked for.
    pub const CSV_DEFAULT: [Column; 8] = [
        Column::Rank,
        Column::Score,
        Column::Date,
        Column::Title,
        Column::Authors,
        Column::Source,
        Column::Section,
        Column::Id,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Column::Rank => "rank",
            Column::Score => "score",
            Column::Id => "id",
            Column::Path => "path",
            Column::Title => "title",
            Column::Authors => "authors",
            Column::Date => "date",
            Column::Source => "source",
            Column::Section => "section",
            Column::Topics => "topics",
            Column::Places => "places",
            Column::People => "people",
            Column::Orgs => "orgs",
            Column::Language => "language",
            Column::Url => "url",
            Column::WordCount => "word_count",
            Column::Format => "format",
            Column::Passages => "passages",
            Column::Copies => "copies",
        }
    }

    /// Parses a list of names; an unknown one is an error naming the known ones.
    pub fn parse_list(names: &[String]) -> Result<Vec<Column>, String> {
        names
            .iter()
            .map(|n| {
                let n = n.trim();
                Column::ALL
                    .into_iter()
                    .chain(Column::ON_REQUEST)
                    .find(|c| c.name() == n)
                    .ok_or_else(|| {
                        let all: Vec<&str> = Column::ALL
                            .iter()
                            .chain(&Column::ON_REQUEST)
                            .map(|c| c.name())
                            .collect();
                        let hint = crate::model::fields::guess(n, all.iter().copied());
                        format!(
                            "unknown field '{n}' for --fields (fields: {}){hint}",
                            all.join(", ")
                        )
                    })
            })
            .collect()
    }

    /// The value of this column for a hit, as JSON text (serialized from the typed value, so
    /// a score keeps its f32 digits and a passage its keys' order, as in `--json`).
    fn json(self, hit: &Hit) -> String {
        let text = match self {
            Column::Rank => serde_json::to_string(&hit.rank),
            Column::Score => serde_json::to_string(&hit.score),
            Column::Id => serde_json::to_string(&hit.id),
            Column::Path => serde_json::to_string(&hit.path),
            Column::Title => serde_json::to_string(&hit.title),
            Column::Authors => serde_json::to_string(&hit.authors),
            Column::Date => serde_json::to_string(&hit.date),
            Column::Source => serde_json::to_string(&hit.source),
            Column::Section => serde_json::to_string(&hit.section),
            Column::Topics => serde_json::to_string(&hit.topics),
            Column::Places => serde_json::to_string(&hit.places),
            Column::People => serde_json::to_string(&hit.people),
            Column::Orgs => serde_json::to_string(&hit.orgs),
            Column::Language => serde_json::to_string(&hit.language),
            Column::Url => serde_json::to_string(&hit.url),
            Column::WordCount => serde_json::to_string(&hit.word_count),
            Column::Format => serde_json::to_string(&hit.format),
            Column::Passages => serde_json::to_string(&hit.passages),
            Column::Copies => serde_json::to_string(&hit.copies),
        };
        text.unwrap_or_else(|_| "null".into())
    }

    /// The value of this column for a hit, as a csv cell: lists joined with "; ", passages
    /// with " … ".
    fn cell(self, hit: &Hit) -> String {
        let join = |v: &[String]| v.join("; ");
        match self {
            Column::Rank => hit.rank.to_string(),
            Column::Score => hit.score.map(|s| format!("{s:.4}")).unwrap_or_default(),
            Column::Id => hit.id.clone(),
            Column::Path => hit.path.clone(),
            Column::Title => hit.title.clone(),
            Column::Authors => join(&hit.authors),
            Column::Date => hit.date.map(|d| d.to_string()).unwrap_or_default(),
            Column::Source => hit.source.clone().unwrap_or_default(),
            Column::Section => hit.section.clone(),
            Column::Topics => join(&hit.topics),
            Column::Places => join(&hit.places),
            Column::People => join(&hit.people),
            Column::Orgs => join(&hit.orgs),
            Column::Language => hit.language.clone().unwrap_or_default(),
            Column::Url => hit.url.clone().unwrap_or_default(),
            Column::WordCount => hit.word_count.to_string(),
            Column::Format => hit.format.to_string(),
            Column::Passages => hit
                .passages
                .iter()
                .map(|p| p.text.split_whitespace().collect::<Vec<_>>().join(" "))
                .collect::<Vec<_>>()
                .join(" … "),
            Column::Copies => join(&hit.copies),
        }
    }
}

/// One hit as one line of JSON (the chosen columns in the order given, or all).
pub fn write_hit_jsonl(w: &mut impl Write, hit: &Hit, columns: &[Column]) -> io::Result<()> {
    write_json_line(w, columns.iter().map(|c| (c.name(), c.json(hit))))
}

/// One JSON object on a line, its keys in the order given (serde_json's maps sort them), each
/// value already JSON text.
fn write_json_line<'a>(
    w: &mut impl Write,
    pairs: impl IntoIterator<Item = (&'a str, String)>,
) -> io::Result<()> {
    w.write_all(b"{")?;
    for (i, (key, value)) in pairs.into_iter().enumerate() {
        if i > 0 {
            w.write_all(b",")?;
        }
        serde_json::to_writer(&mut *w, key)?;
        w.write_all(b":")?;
        w.write_all(value.as_bytes())?;
    }
    w.write_all(b"}\n")
}

/// Hits as csv: a header row, then a row per hit.
pub struct CsvHits<W: Write> {
    out: csv::Writer<W>,
    columns: Vec<Column>,
}

impl<W: Write> CsvHits<W> {
    pub fn new(w: W, columns: Vec<Column>) -> io::Result<CsvHits<W>> {
        let mut out = csv::Writer::from_writer(w);
        out.write_record(columns.iter().map(|c| c.name()))?;
        Ok(CsvHits { out, columns })
    }

    pub fn write(&mut self, hit: &Hit) -> io::Result<()> {
        self.out
            .write_record(self.columns.iter().map(|c| c.cell(hit)))
            .map_err(io::Error::other)
    }

    pub fn finish(mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// A trend as csv: a row per bucket (then `undated`), a column per series (and with
/// `normalize`, `articles` and a ratio column per series).
pub fn write_trend_csv(w: &mut impl Write, t: &TrendResults) -> io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    let names: Vec<String> = t
        .series
        .iter()
        .map(|s| match &s.split {
            Some(v) => format!("{}:{v}", s.label),
            None => s.label.clone(),
        })
        .collect();
    let mut header = vec!["bucket".to_string()];
    header.extend(names.iter().cloned());
    if t.totals.is_some() {
        header.push("articles".into());
        header.extend(names.iter().map(|n| format!("{n} ratio")));
    }
    out.write_record(&header)?;
    for (i, bucket) in t.buckets.iter().enumerate() {
        let mut row = vec![bucket.clone()];
        row.extend(t.series.iter().map(|s| s.counts[i].to_string()));
        if let Some(totals) = &t.totals {
            row.push(totals[i].to_string());
            row.extend(t.series.iter().map(|s| {
                s.ratios
                    .as_ref()
                    .and_then(|r| r[i].map(|ratio| format!("{ratio:.6}")))
                    .unwrap_or_default()
            }));
        }
        out.write_record(&row)?;
    }
    let mut row = vec!["undated".to_string()];
    row.extend(t.series.iter().map(|s| s.undated.to_string()));
    if t.totals.is_some() {
        row.push(t.totals_undated.unwrap_or(0).to_string());
        row.extend(t.series.iter().map(|_| String::new()));
    }
    out.write_record(&row)?;
    out.flush()
}

/// A trend as JSON Lines: an object per series and bucket (`bucket` is null for the undated),
/// with `articles` and `ratio` under `normalize`.
pub fn write_trend_jsonl(w: &mut impl Write, t: &TrendResults) -> io::Result<()> {
    use serde_json::Value;
    for s in &t.series {
        let buckets = t.buckets.iter().map(Some).chain([None]).enumerate();
        for (i, bucket) in buckets {
            let mut row: Vec<(&str, Value)> = vec![
                ("label", s.label.as_str().into()),
                ("query", s.query.as_str().into()),
            ];
            if let Some(split) = &s.split {
                row.push(("split", split.as_str().into()));
            }
            row.push(("bucket", bucket.map(String::as_str).into()));
            row.push(("count", bucket.map_or(s.undated, |_| s.counts[i]).into()));
            if let Some(totals) = &t.totals {
                let articles = bucket.map_or(t.totals_undated.unwrap_or(0), |_| totals[i]);
                row.push(("articles", articles.into()));
            }
            if let (Some(ratios), Some(_)) = (&s.ratios, bucket) {
                row.push(("ratio", ratios[i].map_or(Value::Null, Value::from)));
            }
            write_json_line(w, row.into_iter().map(|(k, v)| (k, v.to_string())))?;
        }
    }
    Ok(())
}

/// Index stats as csv, one fact per row: `stat,value,count` (`format,txt,64`; `articles,83,`).
pub fn write_stats_csv(w: &mut impl Write, s: &IndexStats) -> io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(["stat", "value", "count"])?;
    let scalars = [
        ("index", s.index.display().to_string()),
        ("articles", s.articles.to_string()),
        ("deleted", s.deleted.to_string()),
        ("segments", s.segments.to_string()),
        ("bytes", s.bytes.to_string()),
        ("indexed_at", s.indexed_at.clone().unwrap_or_default()),
        ("schema", s.schema.to_string()),
    ];
    for (stat, value) in scalars {
        out.write_record([stat, value.as_str(), ""])?;
    }
    for root in &s.roots {
        out.write_record(["corpus", root.as_str(), ""])?;
    }
    for f in &s.by {
        for v in &f.values {
            out.write_record([f.field.name(), v.value.as_str(), &v.count.to_string()])?;
        }
    }
    out.flush()
}

/// Batch rows as csv: line, label, query, total, top (ids joined with "; "), error.
pub fn write_batch_csv(w: &mut impl Write, rows: &[BatchRow]) -> io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(["line", "label", "query", "total", "top", "error"])?;
    for r in rows {
        out.write_record([
            r.line.to_string(),
            r.label.clone(),
            r.query.clone(),
            r.total.map(|t| t.to_string()).unwrap_or_default(),
            r.top.join("; "),
            r.error.clone().unwrap_or_default(),
        ])?;
    }
    out.flush()
}
