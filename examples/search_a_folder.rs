//! # Searching a folder of articles from Rust
//!
//! What `lede index` and `lede search` do, through the library: index a folder, then ask the
//! one search API, [`lede::Backend`], for ranked hits with passages and a facet.
//!
//! ```sh
//! cargo run --example search_a_folder                          # the bundled corpus/, "anti-satellite"
//! cargo run --example search_a_folder -- ~/archive "yukos oil"  # any folder, any query
//! ```
//!
//! The index is built in a temporary folder and removed at the end; a real program would keep
//! it, as `lede index` keeps `index/`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use lede::{Backend, Engine, FacetField, FacetRequest, IndexRequest, SearchRequest, indexer};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let folder = PathBuf::from(args.next().unwrap_or_else(|| "corpus".into()));
    let query = args.next().unwrap_or_else(|| "anti-satellite".into());
    match search_a_folder(&folder, &query, &mut std::io::stdout()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // lede's errors are written for the user: what went wrong and what to do.
            eprintln!("search_a_folder: {err}");
            ExitCode::from(2)
        }
    }
}

fn search_a_folder(
    folder: &Path,
    query: &str,
    out: &mut dyn Write,
) -> Result<(), Box<dyn std::error::Error>> {
    // # Indexing
    //
    // An `IndexRequest` names the folders to read and where the index lives; its other fields
    // (`rebuild`, `heap_bytes`, the readers' limits) have the CLI's defaults. `indexer::run`
    // reports progress to a `Reporter`; `Silent` ignores it.
    let index = tempfile::tempdir()?;
    let request = IndexRequest::new(vec![folder.into()], index.path().into());
    let summary = indexer::run(&request, &indexer::Silent)?;
    writeln!(
        out,
        "indexed {} articles from {} files in {}",
        summary.articles,
        summary.files,
        folder.display()
    )?;

    // # Searching
    //
    // `Engine` is the local backend; `lede::OpenSearch` is the same trait on a cluster, so the
    // code below runs unchanged on either. A request is plain data: the query in lede's query
    // language (docs/query-language.md), how many hits and passages, facets to count, filters.
    let engine = Engine::open(index.path())?;
    let backend: &dyn Backend = &engine;
    let results = backend.search(&SearchRequest {
        query: query.into(),
        limit: 5,
        passages: 1,
        facets: vec![FacetRequest {
            field: FacetField::Year,
            size: 5,
            under: Vec::new(),
        }],
        ..Default::default()
    })?;

    // # Reading the results
    //
    // `total` counts every match; `hits` is the page. Highlights are byte ranges into the
    // passage's text, so marking them needs no second pass over the article.
    writeln!(out, "{} articles match {query:?}", results.total)?;
    for hit in &results.hits {
        writeln!(out, "{}. {}  ({})", hit.rank, hit.title, hit.path)?;
        for passage in &hit.passages {
            let mut marked = String::new();
            let mut at = 0;
            for &(start, end) in &passage.highlights {
                marked.push_str(&passage.text[at..start]);
                marked.push_str(&format!("[{}]", &passage.text[start..end]));
                at = end;
            }
            marked.push_str(&passage.text[at..]);
            writeln!(out, "   {marked}")?;
        }
    }
    for facet in &results.facets {
        let counts: Vec<String> = facet
            .values
            .iter()
            .map(|v| format!("{} {}", v.value, v.count))
            .collect();
        writeln!(out, "by year: {}", counts.join(", "))?;
    }
    Ok(())
}

// `cargo test` runs this (Cargo.toml sets `test = true` for the example), so the example
// cannot drift from the library it shows.
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_corpus_finds_all_three_spellings() {
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let mut out = Vec::new();
        search_a_folder(&corpus, "anti-satellite", &mut out).unwrap();
        let out = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            lines[0],
            format!("indexed 83 articles from 72 files in {}", corpus.display())
        );
        assert_eq!(lines[1], r#"10 articles match "anti-satellite""#);
        assert!(
            lines[2].starts_with("1. Anti satellite fears: constellation operators"),
            "{out}"
        );
        assert!(lines[3].contains("an [anti satellite] strike"), "{out}");
        assert!(
            lines[5].contains("direct-ascent [anti-satellite] missile"),
            "{out}"
        );
        assert_eq!(lines.last().unwrap(), &"by year: 2024 5, 2023 3, 2025 2");
    }

    #[test]
    fn a_missing_folder_is_an_error_that_names_it() {
        let err = search_a_folder(Path::new("/no/such/folder"), "x", &mut Vec::new()).unwrap_err();
        assert!(err.to_string().contains("/no/such/folder"), "{err}");
    }
}
