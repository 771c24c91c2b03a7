//! A deterministic generator of synthetic news corpora, for measuring lede from 10^3 to 10^6
//! articles: words drawn from a Zipf-distributed vocabulary (with English function words at
//! the top, and some hyphenated compounds), sentences, paragraphs, titles, authors, dates and
//! sections. The same seed gives the same corpus, byte for byte, whatever the thread count.

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

/// English function words, most frequent first: the head of the distribution.
const FUNCTION_WORDS: &[&str] = &[
    "the", "of", "and", "to", "a", "in", "that", "is", "was", "he", "for", "it", "with", "as",
    "his", "on", "be", "at", "by", "had", "are", "but", "from", "or", "have", "an", "they",
    "which", "one", "were", "you", "all", "she", "there", "would", "their", "we", "him", "been",
    "has", "when", "who", "will", "more", "no", "if", "out", "so", "said", "what", "up", "its",
    "about", "into", "than", "them", "can", "only", "other", "new", "some", "could", "time",
    "these", "two", "may", "then", "do", "first", "any", "my", "now", "such", "like", "our",
    "over", "even", "most", "made", "after", "also", "did", "many", "before", "must", "through",
    "back", "years", "where", "much", "your", "way", "well", "down", "should", "because", "each",
];

const SECTIONS: &[&str] = &[
    "world",
    "politics",
    "business",
    "science",
    "technology",
    "sport",
    "culture",
    "opinion",
];
const SUBSECTIONS: &[&str] = &["news", "analysis", "features", "briefs"];
const SOURCES: &[&str] = &[
    "The Daily Ledger",
    "Harbour Post",
    "Northern Wire",
    "Evening Courier",
];

/// How to generate.
pub struct GenOptions {
    pub articles: u64,
    pub seed: u64,
    pub out: PathBuf,
    /// JSON Lines files of 10,000 articles instead of one file per article.
    pub jsonl: bool,
}

/// What was written.
pub struct GenSummary {
    pub files: u64,
    pub articles: u64,
    pub bytes: u64,
}

/// The word model: a vocabulary and the cumulative Zipf weights of its ranks.
struct Model {
    words: Vec<String>,
    cdf: Vec<f64>,
    names: Vec<String>,
}

const VOCABULARY: usize = 60_000;
const ZIPF_EXPONENT: f64 = 1.07;
const JSONL_LINES: u64 = 10_000;

impl Model {
    fn new(seed: u64) -> Model {
        let mut rng = fastrand::Rng::with_seed(seed ^ 0x005E_ED0F_u64);
        let mut words: Vec<String> = FUNCTION_WORDS.iter().map(|w| w.to_string()).collect();
        let mut seen: std::collections::HashSet<String> = words.iter().cloned().collect();
        while words.len() < VOCABULARY {
            let syllables = 1 + rng.usize(0..4);
            let w = pseudo_word(&mut rng, syllables);
            if seen.insert(w.clone()) {
                words.push(w);
            }
        }
        let mut cdf = Vec::with_capacity(words.len());
        let mut sum = 0.0;
        for rank in 1..=words.len() {
            sum += 1.0 / (rank as f64).powf(ZIPF_EXPONENT);
            cdf.push(sum);
        }
        for c in &mut cdf {
            *c /= sum;
        }
        let names = (0..600)
            .map(|_| {
                let first = capitalise(&pseudo_word(&mut rng, 2));
                let syllables = 2 + rng.usize(0..2);
                let last = capitalise(&pseudo_word(&mut rng, syllables));
                format!("{first} {last}")
            })
            .collect();
        Model { words, cdf, names }
    }

    fn word(&self, rng: &mut fastrand::Rng) -> &str {
        let u = rng.f64();
        let i = self
            .cdf
            .partition_point(|&c| c < u)
            .min(self.words.len() - 1);
        &self.words[i]
    }

    /// A content word (not a function word), for titles and compounds.
    fn content_word(&self, rng: &mut fastrand::Rng) -> &str {
        loop {
            let w = self.word(rng);
            if !FUNCTION_WORDS.contains(&w) {
                return w;
            }
        }
    }
}

fn pseudo_word(rng: &mut fastrand::Rng, syllables: usize) -> String {
    const ONSETS: &[&str] = &[
        "b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "br", "st",
        "tr", "pl", "gr", "ch", "sh", "th", "",
    ];
    const VOWELS: &[&str] = &["a", "e", "i", "o", "u", "ea", "ou", "ai", "io"];
    const CODAS: &[&str] = &["", "", "n", "r", "s", "t", "l", "nd", "st", "m"];
    let mut w = String::new();
    for _ in 0..syllables {
        w.push_str(ONSETS[rng.usize(0..ONSETS.len())]);
        w.push_str(VOWELS[rng.usize(0..VOWELS.len())]);
    }
    w.push_str(CODAS[rng.usize(0..CODAS.len())]);
    w
}

fn capitalise(w: &str) -> String {
    let mut c = w.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// One generated article.
struct Generated {
    title: String,
    body: String,
    author: String,
    date: String,
    section: &'static str,
    sub: &'static str,
    source: &'static str,
    tags: Vec<String>,
}

fn article(model: &Model, seed: u64, id: u64) -> Generated {
    let mut rng = fastrand::Rng::with_seed(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ id);
    let title_len = 5 + rng.usize(0..7);
    let title: Vec<String> = (0..title_len)
        .map(|i| {
            let w = if i % 3 == 1 {
                model.word(&mut rng)
            } else {
                model.content_word(&mut rng)
            };
            if i == 0 { capitalise(w) } else { w.to_string() }
        })
        .collect();
    let paragraphs = 3 + rng.usize(0..6);
    let mut body = String::new();
    for p in 0..paragraphs {
        if p > 0 {
            body.push_str("\n\n");
        }
        for s in 0..(2 + rng.usize(0..4)) {
            if s > 0 {
                body.push(' ');
            }
            let len = 8 + rng.usize(0..22);
            for i in 0..len {
                if i > 0 {
                    body.push(if rng.u8(0..20) == 0 { ',' } else { ' ' });
                    if !body.ends_with(' ') {
                        body.push(' ');
                    }
                }
                if rng.u16(0..200) == 0 {
                    // a hyphenated compound, now and then
                    body.push_str(model.content_word(&mut rng));
                    body.push('-');
                    body.push_str(model.content_word(&mut rng));
                } else if i == 0 {
                    body.push_str(&capitalise(model.word(&mut rng)));
                } else {
                    body.push_str(model.word(&mut rng));
                }
            }
            body.push('.');
        }
    }
    let day = rng.i64(0..(26 * 365));
    let date = jiff::civil::date(2000, 1, 1)
        .checked_add(jiff::Span::new().days(day))
        .unwrap_or(jiff::civil::date(2000, 1, 1));
    Generated {
        title: title.join(" "),
        body,
        author: model.names[rng.usize(0..model.names.len())].clone(),
        date: date.to_string(),
        section: SECTIONS[rng.usize(0..SECTIONS.len())],
        sub: SUBSECTIONS[rng.usize(0..SUBSECTIONS.len())],
        source: SOURCES[rng.usize(0..SOURCES.len())],
        tags: (0..1 + rng.usize(0..3))
            .map(|_| model.content_word(&mut rng).to_string())
            .collect(),
    }
}

/// Writes the corpus.
pub fn generate(opts: &GenOptions) -> io::Result<GenSummary> {
    let model = Model::new(opts.seed);
    fs::create_dir_all(&opts.out)?;
    if opts.jsonl {
        let parts = opts.articles.div_ceil(JSONL_LINES);
        let bytes: io::Result<Vec<u64>> = (0..parts)
            .into_par_iter()
            .map(|part| {
                let path = opts.out.join(format!("part-{part:05}.jsonl"));
                let mut w = BufWriter::new(fs::File::create(&path)?);
                let end = ((part + 1) * JSONL_LINES).min(opts.articles);
                for id in part * JSONL_LINES..end {
                    let a = article(&model, opts.seed, id);
                    let line = serde_json::json!({
                        "id": id, "title": a.title, "body": a.body, "author": a.author,
                        "date": a.date, "source": a.source,
                        "section": format!("{}/{}", a.section, a.sub), "tags": a.tags,
                    });
                    serde_json::to_writer(&mut w, &line)?;
                    w.write_all(b"\n")?;
                }
                w.flush()?;
                Ok(fs::metadata(&path)?.len())
            })
            .collect();
        let bytes = bytes?;
        return Ok(GenSummary {
            files: parts,
            articles: opts.articles,
            bytes: bytes.iter().sum(),
        });
    }
    let bytes: io::Result<Vec<u64>> = (0..opts.articles)
        .into_par_iter()
        .map(|id| {
            let a = article(&model, opts.seed, id);
            let dir = opts.out.join(a.section).join(a.sub).join(&a.date[..4]);
            fs::create_dir_all(&dir)?;
            let text = format!(
                "Title: {}\nDate: {}\nAuthor: {}\nSource: {}\nTags: {}\n\n{}\n",
                a.title,
                a.date,
                a.author,
                a.source,
                a.tags.join(", "),
                a.body
            );
            let path = dir.join(format!("{}-{id:07}.txt", a.date));
            write_file(&path, text.as_bytes())?;
            Ok(text.len() as u64)
        })
        .collect();
    let bytes = bytes?;
    Ok(GenSummary {
        files: opts.articles,
        articles: opts.articles,
        bytes: bytes.iter().sum(),
    })
}

fn write_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    fs::write(path, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_article() {
        let m = Model::new(1);
        let a = article(&m, 1, 42);
        let b = article(&Model::new(1), 1, 42);
        assert_eq!((a.title.clone(), a.body.clone()), (b.title, b.body));
        let c = article(&m, 2, 42);
        assert_ne!(a.body, c.body);
        assert!(a.body.split_whitespace().count() > 40);
    }

    #[test]
    fn frequencies_follow_zipf() {
        let m = Model::new(7);
        let mut rng = fastrand::Rng::with_seed(3);
        let mut the = 0;
        let n = 100_000;
        for _ in 0..n {
            if m.word(&mut rng) == "the" {
                the += 1;
            }
        }
        // rank 1 of a Zipf(1.07) over 60,000 words holds 1/H = 1/8.3, about 12% of the tokens
        let share = the as f64 / n as f64;
        assert!((0.11..0.13).contains(&share), "{share}");
    }
}
