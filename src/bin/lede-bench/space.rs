//! `lede-bench space INDEX`: where an index's bytes go, by component (term dictionary,
//! postings, positions, fast fields, field norms, document store) and field, summed over the
//! segments (tantivy's own space usage), to see what an option of the schema or the store
//! costs.

use std::collections::BTreeMap;
use std::path::Path;

use tantivy::Index;

pub fn print(dir: &Path) -> anyhow::Result<()> {
    let index = Index::open_in_dir(dir)?;
    let searcher = index.reader()?.searcher();
    let usage = searcher.space_usage()?;
    let mut rows: BTreeMap<(String, String), u64> = BTreeMap::new();
    let mut store = 0u64;
    let mut store_offsets = 0u64;
    for seg in usage.segments() {
        let parts = [
            ("termdict", seg.termdict()),
            ("postings", seg.postings()),
            ("positions", seg.positions()),
            ("fast", seg.fast_fields()),
            ("fieldnorms", seg.fieldnorms()),
        ];
        for (part, per_field) in parts {
            for f in per_field.fields() {
                *rows
                    .entry((part.to_string(), f.field_name().to_string()))
                    .or_default() += f.total().get_bytes();
            }
        }
        store += seg.store().data_usage().get_bytes();
        store_offsets += seg.store().offsets_usage().get_bytes();
    }
    let total = usage.total().get_bytes();
    let mb = |b: u64| b as f64 / 1e6;
    println!(
        "{} segments, {} documents, {:.2} MB",
        usage.segments().len(),
        searcher.num_docs(),
        mb(total)
    );
    println!("{:<12}{:<14}{:>10}{:>8}", "component", "field", "MB", "%");
    let mut sorted: Vec<_> = rows.into_iter().filter(|(_, b)| *b > 0).collect();
    sorted.push((("store".into(), "(all)".into()), store));
    sorted.push((("store".into(), "(offsets)".into()), store_offsets));
    sorted.sort_by_key(|b| std::cmp::Reverse(b.1));
    for ((part, field), bytes) in sorted {
        println!(
            "{part:<12}{field:<14}{:>10.3}{:>7.1}%",
            mb(bytes),
            100.0 * bytes as f64 / total.max(1) as f64
        );
    }
    Ok(())
}
