//! What each command does: the wiring between the command line's requests, the library and
//! the terminal. Progress and warnings go to stderr; results go to stdout.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use anyhow::Result;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::cli::{
    BatchArgs, ColorWhen, Command, DEFAULT_CORPUS, DEFAULT_INDEX, EvalArgs, FormatArg, IndexArgs,
    OptimizeArgs, SearchArgs, ShowArgs, SimilarArgs, StatsArgs, TrendArgs, WatchArgs,
};
use lede::indexer::{self, IndexRequest, Reporter};
use lede::output::Column;
use lede::query::Combine;
use lede::search::Engine;
use lede::watch::WatchEvent;
use lede::{Error, output, store};

/// Runs one command and gives the exit status (errors are the caller's to print).
pub fn run(command: Command) -> Result<ExitCode> {
    match command {
        Command::Index(args) => index(&args),
        Command::Search(args) => search(&args),
        Command::Trend(args) => trend(&args),
        Command::Batch(args) => batch(&args),
        Command::Similar(args) => similar(&args),
        Command::Eval(args) => eval(&args),
        Command::Show(args) => show(&args),
        Command::Watch(args) => watch(&args),
        Command::Stats(args) => stats(&args),
        Command::Optimize(args) => optimize(&args),
    }
}

fn index(args: &IndexArgs) -> Result<ExitCode> {
    let req = args.to_request();
    let reporter = StderrReporter::new(!args.corpus.quiet);
    let existed = req.index.exists();
    let summary = indexer::run(&req, &reporter)?;
    if !summary.committed && !existed {
        // --strict refused the run: leave no empty index behind either.
        let _ = std::fs::remove_dir_all(&req.index);
    }
    reporter.finish();
    let mut out = io::stdout().lock();
    if args.corpus.json {
        output::write_index_json(&mut out, &summary)?;
    } else if !args.corpus.quiet {
        output::write_index_summary(&mut out, &summary)?;
    }
    out.flush()?;
    if !summary.committed {
        anyhow::bail!(
            "--strict: {} {} in the corpus, so the index was left as it was",
            summary.problems(),
            if summary.problems() == 1 {
                "problem"
            } else {
                "problems"
            }
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn search(args: &SearchArgs) -> Result<ExitCode> {
    let req = args.to_request();
    let format = args.output.format();
    let columns = columns(&args.output.fields, format)?;
    if args.explain_query {
        let reading = lede::query::reading(&req.query, lede::analyzer::Analysis::DEFAULT)?;
        let mut out = io::stdout().lock();
        if matches!(format, FormatArg::Json | FormatArg::Jsonl) {
            serde_json::to_writer(&mut out, &reading)?;
            writeln!(out)?;
        } else {
            output::write_reading(&mut out, &reading)?;
        }
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    let dir = match &args.index {
        Some(dir) => dir.clone(),
        None => {
            let dir = PathBuf::from(DEFAULT_INDEX);
            build_default_index(&dir)?;
            dir
        }
    };
    let engine = Engine::open(&dir)?;
    if let Some(agg) = &args.agg {
        if format == FormatArg::Csv {
            anyhow::bail!("--agg prints JSON: --format csv cannot hold it");
        }
        return aggregate(&engine, &req, agg);
    }
    let stdout = io::stdout();
    let color = use_color(args.output.color, &stdout);
    let mut out = io::BufWriter::new(stdout.lock());
    let total = if args.all {
        // Every match, written as it comes (json is written a hit per line, as jsonl).
        let io_err = |e| lede::Error::io("stdout", e);
        match format {
            FormatArg::Csv => {
                let mut csv = output::CsvHits::new(io::stdout(), columns)?;
                let total = engine
                    .for_each_hit(&req, print_notes, |hit| csv.write(&hit).map_err(io_err))?;
                csv.finish()?;
                total
            }
            FormatArg::Text => engine.for_each_hit(&req, print_notes, |hit| {
                output::write_hit_text(&mut out, &hit, color).map_err(io_err)
            })?,
            FormatArg::Json | FormatArg::Jsonl => {
                engine.for_each_hit(&req, print_notes, |hit| {
                    output::write_hit_jsonl(&mut out, &hit, &columns).map_err(io_err)
                })?
            }
        }
    } else {
        let results = engine.search(&req)?;
        print_notes(&results.notes);
        let explained = if args.explain {
            Some(engine.explain(&req, &results.hits)?)
        } else {
            None
        };
        match (format, &explained) {
            (FormatArg::Json, Some(explained)) => {
                let mut value = serde_json::to_value(&results)?;
                if let Some(hits) = value["hits"].as_array_mut() {
                    for (hit, e) in hits.iter_mut().zip(explained) {
                        hit["explain"] = serde_json::to_value(e)?;
                    }
                }
                serde_json::to_writer(&mut out, &value)?;
                writeln!(out)?;
            }
            (FormatArg::Text, Some(explained)) if results.total > 0 => {
                output::write_text_explained(&mut out, &results, explained, color)?;
            }
            (FormatArg::Text, _) if results.total == 0 => {}
            _ => write_results(&mut out, &results, format, columns, color)?,
        }
        results.total
    };
    out.flush()?;
    if total == 0 {
        eprintln!("lede: no articles match {:?}", req.query);
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// Search results in the format asked for.
fn write_results(
    out: &mut impl Write,
    results: &lede::SearchResults,
    format: FormatArg,
    columns: Vec<Column>,
    color: bool,
) -> Result<()> {
    match format {
        FormatArg::Json => output::write_json(out, results)?,
        FormatArg::Jsonl => {
            for hit in &results.hits {
                output::write_hit_jsonl(out, hit, &columns)?;
            }
        }
        FormatArg::Csv => {
            let mut csv = output::CsvHits::new(out, columns)?;
            for hit in &results.hits {
                csv.write(hit)?;
            }
            csv.finish()?;
        }
        FormatArg::Text => output::write_text(out, results, color)?,
    }
    Ok(())
}

/// What reading a query had to say, on stderr.
fn print_notes(notes: &[String]) {
    for note in notes {
        eprintln!("lede: note: {note}");
    }
}

/// `--agg`: Elasticsearch-style aggregations over the matches, printed as their JSON result.
fn aggregate(engine: &Engine, req: &lede::SearchRequest, agg: &str) -> Result<ExitCode> {
    let (result, total, notes) = engine.aggregate(req, agg)?;
    print_notes(&notes);
    let mut out = io::stdout().lock();
    serde_json::to_writer(&mut out, &result)?;
    writeln!(out)?;
    out.flush()?;
    if total == 0 {
        eprintln!("lede: no articles match {:?}", req.query);
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// The columns of csv and jsonl: those asked for, or the defaults.
fn columns(names: &[String], format: FormatArg) -> Result<Vec<Column>> {
    if !names.is_empty() {
        return Column::parse_list(names).map_err(anyhow::Error::msg);
    }
    Ok(match format {
        FormatArg::Csv => Column::CSV_DEFAULT.to_vec(),
        _ => Column::ALL.to_vec(),
    })
}

fn use_color(when: ColorWhen, stdout: &io::Stdout) -> bool {
    match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => anstream::AutoStream::choice(stdout) != anstream::ColorChoice::Never,
    }
}

fn trend(args: &TrendArgs) -> Result<ExitCode> {
    let req = args.to_request();
    let engine = Engine::open(&args.index)?;
    let results = engine.trend(&req)?;
    print_notes(&results.notes);
    let stdout = io::stdout();
    let color = use_color(ColorWhen::Auto, &stdout);
    let mut out = io::BufWriter::new(stdout.lock());
    match args.format() {
        FormatArg::Json => {
            serde_json::to_writer(&mut out, &results)?;
            writeln!(out)?;
        }
        FormatArg::Jsonl => output::write_trend_jsonl(&mut out, &results)?,
        FormatArg::Csv => output::write_trend_csv(&mut out, &results)?,
        FormatArg::Text => output::write_trend_text(&mut out, &results, color)?,
    }
    out.flush()?;
    let any = results.series.iter().any(|s| s.total > 0);
    Ok(if any {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn batch(args: &BatchArgs) -> Result<ExitCode> {
    let text = if args.file.as_os_str() == "-" {
        io::read_to_string(io::stdin())?
    } else {
        std::fs::read_to_string(&args.file).map_err(|e| lede::Error::io(&args.file, e))?
    };
    let lines = lede::batch::parse(&text);
    let engine = Engine::open(&args.index)?;
    let combine = if args.any {
        Combine::Any
    } else {
        Combine::Auto
    };
    let rows = engine.batch(&lines, &args.scope.to_scope(), combine, args.top);
    let mut out = io::BufWriter::new(io::stdout().lock());
    let format = if args.json {
        FormatArg::Json
    } else {
        args.format
    };
    match format {
        FormatArg::Json => {
            serde_json::to_writer(
                &mut out,
                &serde_json::json!({"lede_json": lede::search::JSON_VERSION, "rows": rows}),
            )?;
            writeln!(out)?;
        }
        FormatArg::Jsonl => {
            for row in &rows {
                serde_json::to_writer(&mut out, row)?;
                writeln!(out)?;
            }
        }
        FormatArg::Csv => output::write_batch_csv(&mut out, &rows)?,
        FormatArg::Text => output::write_batch_text(&mut out, &rows)?,
    }
    out.flush()?;
    let errors = rows.iter().filter(|r| r.error.is_some()).count();
    if errors > 0 {
        eprintln!("lede: {errors} of {} queries could not be read", rows.len());
        return Ok(ExitCode::from(2));
    }
    if rows.is_empty() {
        eprintln!("lede: no queries in '{}'", args.file.display());
    }
    // As for a search: 1 when nothing matched (no query found anything, or there was none).
    if rows.iter().all(|r| r.total.unwrap_or(0) == 0) {
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

fn eval(args: &EvalArgs) -> Result<ExitCode> {
    use lede::eval::{self, Evaluator, Variant};
    let collection = eval::read(&args.dir)?;
    let mut evaluator = Evaluator::new(&collection);
    let mut runs = Vec::new();
    for variant in [Variant::LEDE, Variant::TANTIVY] {
        let mut run = evaluator.run(&variant, |_| true)?;
        if !args.verbose {
            run.per_query.clear();
        }
        runs.push(run);
    }
    let variants = if args.variants {
        // Choose on the odd-numbered queries, report on the even-numbered ones.
        let mut rows = Vec::new();
        for variant in eval::variants() {
            let train = evaluator.run(&variant, |i| i % 2 == 0)?.mean;
            let test = evaluator.run(&variant, |i| i % 2 == 1)?.mean;
            rows.push(output::VariantRow {
                variant: variant.describe(),
                train,
                test,
            });
        }
        rows.sort_by(|a, b| {
            b.train
                .map
                .total_cmp(&a.train.map)
                .then(a.variant.cmp(&b.variant))
        });
        Some(rows)
    } else {
        None
    };
    let judged = collection
        .queries
        .iter()
        .filter(|(q, _)| collection.qrels.get(q).is_some_and(|r| !r.is_empty()))
        .count();
    let mut out = io::BufWriter::new(io::stdout().lock());
    if args.json {
        serde_json::to_writer(
            &mut out,
            &serde_json::json!({
                "lede_json": lede::search::JSON_VERSION,
                "collection": collection.name,
                "documents": collection.docs.len(),
                "queries": judged,
                "notes": collection.notes,
                "runs": runs,
                "variants": variants,
            }),
        )?;
        writeln!(out)?;
    } else {
        writeln!(
            out,
            "{}: {} documents, {} queries with judgments",
            collection.name,
            collection.docs.len(),
            judged
        )?;
        for note in &collection.notes {
            writeln!(out, "  ({note})")?;
        }
        output::write_eval(&mut out, &runs, variants.as_deref())?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn show(args: &ShowArgs) -> Result<ExitCode> {
    let engine = Engine::open(&args.index)?;
    let shown = engine.show(&args.article, args.query.as_deref())?;
    print_notes(&shown.notes);
    let stdout = io::stdout();
    let color = use_color(args.color, &stdout);
    let mut out = io::BufWriter::new(stdout.lock());
    if args.json {
        serde_json::to_writer(&mut out, &shown)?;
        writeln!(out)?;
    } else {
        output::write_shown(&mut out, &shown, color)?;
    }
    out.flush()?;
    if args.query.is_some() && shown.matches.is_empty() && shown.title_matches.is_empty() {
        eprintln!("lede: the query matches neither the title nor the body of this article");
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

fn similar(args: &SimilarArgs) -> Result<ExitCode> {
    let engine = Engine::open(&args.index)?;
    let results = engine.similar(&args.article, args.limit, args.passages)?;
    let format = args.output.format();
    let columns = columns(&args.output.fields, format)?;
    let stdout = io::stdout();
    let color = use_color(args.output.color, &stdout);
    let mut out = io::BufWriter::new(stdout.lock());
    write_results(&mut out, &results, format, columns, color)?;
    out.flush()?;
    Ok(if results.hits.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Ctrl-C (or SIGTERM) asks `lede watch` to commit what is pending and stop.
static STOP: AtomicBool = AtomicBool::new(false);

fn watch(args: &WatchArgs) -> Result<ExitCode> {
    let req = args.corpus.to_request();
    let (json, quiet) = (args.corpus.json, args.corpus.quiet);
    ctrlc::set_handler(|| STOP.store(true, Ordering::SeqCst))?;
    let reporter = StderrReporter::new(!quiet);
    lede::watch::watch(&req, &reporter, &STOP, |event| {
        reporter.finish();
        let (kind, summary) = match event {
            WatchEvent::Synced(s) => ("synced", s),
            WatchEvent::Batch(s) => ("batch", s),
        };
        // A line per event, on stdout, flushed at once: a watch is read as it goes.
        let mut out = io::stdout().lock();
        let written = if json {
            output::write_watch_json(&mut out, kind, summary)
        } else if quiet {
            Ok(())
        } else {
            output::write_watch_line(&mut out, kind, summary, &req.roots)
        };
        let _ = written.and_then(|_| out.flush());
    })?;
    Ok(ExitCode::SUCCESS)
}

fn stats(args: &StatsArgs) -> Result<ExitCode> {
    let stats = lede::stats::stats(&args.index)?;
    let mut out = io::stdout().lock();
    match args.format() {
        FormatArg::Json | FormatArg::Jsonl => {
            serde_json::to_writer(&mut out, &stats)?;
            writeln!(out)?;
        }
        FormatArg::Csv => output::write_stats_csv(&mut out, &stats)?,
        FormatArg::Text => output::write_stats(&mut out, &stats)?,
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn optimize(args: &OptimizeArgs) -> Result<ExitCode> {
    let summary = lede::stats::optimize(&args.index)?;
    let mut out = io::stdout().lock();
    if args.json {
        serde_json::to_writer(&mut out, &summary)?;
        writeln!(out)?;
    } else {
        writeln!(
            out,
            "merged {} segments into {}, removing {} deleted documents: {:.1} MB to {:.1} MB in {:.2} s",
            summary.segments_before,
            summary.segments_after,
            output::thousands(summary.deleted_removed),
            summary.bytes_before as f64 / 1e6,
            summary.bytes_after as f64 / 1e6,
            summary.seconds
        )?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// On a fresh clone `lede search` works at once: the default index is built from the bundled
/// corpus when it does not exist yet.
fn build_default_index(dir: &Path) -> Result<()> {
    if store::exists(dir) {
        return Ok(());
    }
    let corpus = PathBuf::from(DEFAULT_CORPUS);
    if !corpus.is_dir() {
        return Err(Error::NoIndexNoCorpus {
            index: dir.to_path_buf(),
            corpus,
        }
        .into());
    }
    eprintln!(
        "lede: no index at '{}' yet: building it from '{}' first",
        dir.display(),
        corpus.display()
    );
    let reporter = StderrReporter::new(true);
    let summary = indexer::run(
        &IndexRequest::new(vec![corpus], dir.to_path_buf()),
        &reporter,
    )?;
    reporter.finish();
    output::write_index_summary(&mut io::stderr().lock(), &summary)?;
    Ok(())
}

/// Progress bar and warnings on stderr; the bar shows only on a terminal.
struct StderrReporter {
    bar: ProgressBar,
    verbose: bool,
    files: AtomicU64,
    articles: AtomicU64,
}

impl StderrReporter {
    fn new(verbose: bool) -> StderrReporter {
        let target = if verbose {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let bar = ProgressBar::with_draw_target(None, target);
        bar.set_style(
            ProgressStyle::with_template(
                "{bar:30} {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} \
                 · {msg} · ETA {eta}",
            )
            .expect("a valid template"),
        );
        StderrReporter {
            bar,
            verbose,
            files: AtomicU64::new(0),
            articles: AtomicU64::new(0),
        }
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Reporter for StderrReporter {
    fn start(&self, _files: u64, bytes: u64) {
        self.bar.set_length(bytes);
    }

    fn file_done(&self, bytes: u64, articles: u64) {
        let files = self.files.fetch_add(1, Ordering::Relaxed) + 1;
        let articles = self.articles.fetch_add(articles, Ordering::Relaxed) + articles;
        self.bar.set_message(format!(
            "{} files, {} articles",
            output::thousands(files),
            output::thousands(articles)
        ));
        self.bar.inc(bytes);
    }

    fn warn(&self, path: &Path, message: &str) {
        if self.verbose {
            self.bar
                .suspend(|| eprintln!("lede: warning: {}: {message}", path.display()));
        }
    }
}
