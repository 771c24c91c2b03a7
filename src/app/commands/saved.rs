//! `lede saved`: searches kept with the index (`saved-searches.json`), listed, removed, and
//! run, with `--new` for only what matches for the first time; text, JSON, JSON Lines, CSV
//! or an Atom feed.

use std::io::{self, Write};

use anyhow::Result;
use lede::model::SavedList;
use lede::output::{self, Format, Printer, write_one};
use lede::search::saved;
use lede::{Engine, index};

use crate::app::args::{ColorWhen, SavedCommand};
use crate::app::config::print_notes;
use crate::app::exit::Exit;

pub fn run(command: &SavedCommand) -> Result<Exit> {
    let dir = command.index();
    if !index::store::exists(&dir) {
        return Err(lede::Error::NoIndex { index: dir }.into());
    }
    let mut out = io::BufWriter::new(io::stdout().lock());
    let exit = match command {
        SavedCommand::Add { name, search } => {
            Engine::open(&dir)?.save_search(name, search.to_request())?;
            eprintln!("lede: saved '{name}' in {}", dir.display());
            Exit::Success
        }
        SavedCommand::List { json, .. } => {
            let all = saved::load(&dir)?;
            if json.json {
                write_one(&mut out, &SavedList::new(&all))?;
            } else {
                for s in &all {
                    let last = s.last_run.map_or("never run".into(), |t| {
                        format!("last run {}", t.strftime("%Y-%m-%d %H:%M"))
                    });
                    writeln!(
                        out,
                        "{}\t{}\t{last}, {} runs",
                        s.name, s.request.query, s.runs
                    )?;
                }
            }
            Exit::found(!all.is_empty())
        }
        SavedCommand::Rm { name, .. } => {
            saved::remove(&dir, name)?;
            eprintln!("lede: removed '{name}'");
            Exit::Success
        }
        SavedCommand::Run {
            name,
            new,
            format,
            json,
            ..
        } => {
            let engine = Engine::open(&dir)?;
            let run = engine.run_saved(name, *new)?;
            print_notes(&run.results.notes);
            let printer = |f| Printer::new(f, &[], ColorWhen::Auto.resolve());
            match format.resolve(json.json) {
                None => output::write_atom(&mut out, &run, &dir.to_string_lossy())?,
                Some(Format::Json) => write_one(&mut out, &run)?,
                Some(Format::Text) => {
                    if *new {
                        writeln!(
                            out,
                            "{}: {} new of {} matching{}",
                            run.name,
                            run.new,
                            run.matched,
                            if run.baseline {
                                " (first run: baseline set)"
                            } else {
                                ""
                            }
                        )?;
                    }
                    if !run.results.hits.is_empty() {
                        printer(Format::Text)
                            .map_err(anyhow::Error::msg)?
                            .results(&mut out, &run.results)?;
                    }
                }
                Some(rows) => printer(rows)
                    .map_err(anyhow::Error::msg)?
                    .results(&mut out, &run.results)?,
            }
            if *new {
                Exit::found(run.new > 0)
            } else {
                Exit::found(run.matched > 0)
            }
        }
    };
    out.flush()?;
    Ok(exit)
}
