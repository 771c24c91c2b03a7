//! Near-duplicate signatures: word 5-shingles of an article's body, a MinHash of them cut into
//! LSH bands (what the index stores), and the exact comparison that verifies a candidate pair.
//!
//! Pure functions over text, no tantivy: `dedup.rs` loads the bands, finds candidate pairs
//! and groups articles. The hashes are written by hand so that they never change between
//! builds (the bands are stored in the index).

/// Words per shingle.
pub const SHINGLE_WORDS: usize = 5;
/// LSH bands, each of `ROWS` MinHash values: 20 x 5 finds 99.96% of pairs at Jaccard 0.8,
/// 97.5% at 0.7 and 80% at 0.6 (1 - (1 - J^5)^20).
pub const BANDS: usize = 20;
pub const ROWS: usize = 5;

/// Papers trim copies at the end, which lowers Jaccard (a copy of 60% of the story has at
/// most 0.6) but not the opening: the first `LEAD_WORDS` words get bands of their own,
/// `LEAD_BANDS` of `LEAD_ROWS` rows, which find a pair whose openings have Jaccard 0.7 with
/// 99.9% (a dateline changes the first few shingles only).
pub const LEAD_WORDS: usize = 60;
pub const LEAD_BANDS: usize = 10;
pub const LEAD_ROWS: usize = 3;

/// A pair is a copy when the Jaccard similarity of its shingle sets reaches this...
pub const MIN_JACCARD: f64 = 0.8;
/// ... or when this share of the smaller article's shingles is in the larger (a trimmed
/// copy), provided the smaller has at least `MIN_SIZE_RATIO` of the larger's shingles (a
/// one-paragraph brief inside a long feature is not a copy of it).
pub const MIN_CONTAINMENT: f64 = 0.9;
pub const MIN_SIZE_RATIO: f64 = 0.5;

/// SplitMix64's finaliser: a fixed, well-mixed 64-bit hash step.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// FNV-1a of a word, then mixed.
fn word_hash(word: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in word.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    mix(h)
}

/// The sorted, distinct hashes of the body's word 5-shingles (words: runs of letters and
/// digits, lower-cased). A body of fewer than five words is one shingle; an empty one none.
pub fn shingles(body: &str) -> Vec<u64> {
    let words: Vec<u64> = body
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| word_hash(&w.to_lowercase()))
        .collect();
    if words.is_empty() {
        return Vec::new();
    }
    let mut out: Vec<u64> = words
        .windows(SHINGLE_WORDS.min(words.len()))
        .map(|w| w.iter().fold(0u64, |acc, h| mix(acc.rotate_left(17) ^ h)))
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The LSH keys of an article's body: the bands of its shingles (`BANDS` x `ROWS`), then
/// the bands of its opening's (`LEAD_BANDS` x `LEAD_ROWS`). Empty for a body with no words.
pub fn keys(body: &str) -> Vec<u64> {
    let mut out = bands(&shingles(body));
    let lead: Vec<&str> = body
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(LEAD_WORDS)
        .collect();
    out.extend(minhash_bands(
        &shingles(&lead.join(" ")),
        LEAD_BANDS,
        LEAD_ROWS,
        BANDS,
    ));
    out
}

/// The LSH band keys of a shingle set: one value per band, the band's number in the low 5
/// bits (so that keys of different bands never meet). Empty for an empty set.
pub fn bands(shingles: &[u64]) -> Vec<u64> {
    minhash_bands(shingles, BANDS, ROWS, 0)
}

/// `bands` x `rows` MinHash values cut into band keys numbered from `first`.
///
/// The MinHash is one-permutation hashing with densification (Shrivastava 2017): each shingle
/// is hashed once into one of `bands * rows` bins, the minimum kept per bin, and an empty bin
/// borrows from the next full one. One hash per shingle instead of a hundred, the same
/// estimate.
fn minhash_bands(shingles: &[u64], bands: usize, rows: usize, first: usize) -> Vec<u64> {
    if shingles.is_empty() {
        return Vec::new();
    }
    let hashes = bands * rows;
    let mut mins = vec![u64::MAX; hashes];
    for &s in shingles {
        let h = mix(s ^ 0x5bd1_e995 ^ first as u64);
        let bin = ((u128::from(h) * hashes as u128) >> 64) as usize;
        let value = mix(h);
        if value < mins[bin] {
            mins[bin] = value;
        }
    }
    let filled: Vec<u64> = (0..hashes)
        .map(|i| {
            (0..hashes)
                .map(|step| ((i + step) % hashes, step))
                .find(|(j, _)| mins[*j] != u64::MAX)
                .map(|(j, step)| mix(mins[j] ^ (step as u64).wrapping_mul(0x9E37_79B9)))
                .unwrap_or(0)
        })
        .collect();
    filled
        .chunks(rows)
        .enumerate()
        .map(|(band, values)| {
            let band = first + band;
            let h = values.iter().fold(band as u64, |acc, v| mix(acc ^ v));
            // 32 bits of the band's hash (and its number): the index bit-packs the keys at 37
            // bits instead of 64 (5.1 -> 3.0 MB on the news mix); the few more candidates a
            // shorter key lets meet are verified exactly like the rest.
            ((h >> 32) << 5) | band as u64
        })
        .collect()
}

/// How alike two sorted shingle sets are.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Likeness {
    pub jaccard: f64,
    /// Shared shingles over the smaller set's.
    pub containment: f64,
    /// The smaller set's size over the larger's.
    pub size_ratio: f64,
}

impl Likeness {
    /// Whether the pair counts as copies of one story.
    pub fn is_copy(&self) -> bool {
        self.jaccard >= MIN_JACCARD
            || (self.containment >= MIN_CONTAINMENT && self.size_ratio >= MIN_SIZE_RATIO)
    }
}

/// Compares two sorted, distinct shingle sets exactly.
pub fn likeness(a: &[u64], b: &[u64]) -> Likeness {
    if a.is_empty() || b.is_empty() {
        return Likeness {
            jaccard: 0.0,
            containment: 0.0,
            size_ratio: 0.0,
        };
    }
    let (mut i, mut j, mut shared) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let (small, large) = (a.len().min(b.len()), a.len().max(b.len()));
    Likeness {
        jaccard: shared as f64 / (a.len() + b.len() - shared) as f64,
        containment: shared as f64 / small as f64,
        size_ratio: small as f64 / large as f64,
    }
}

/// A stable 64-bit fingerprint of an article's text (title and body), stored as its version:
/// a changed article gets a new one, a re-indexed unchanged one keeps it.
pub fn fingerprint(title: &str, body: &str) -> u64 {
    let mut h = word_hash(title);
    for chunk in body.as_bytes().chunks(8) {
        let mut word = [0u8; 8];
        word[..chunk.len()].copy_from_slice(chunk);
        h = mix(h ^ u64::from_le_bytes(word));
    }
    mix(h ^ body.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORY: &str = "The central bank raised its main interest rate by half a point on \
        Tuesday, the third increase this year, saying inflation had proved more stubborn than \
        expected. Officials said further moves would depend on wages and energy prices over the \
        coming months. Markets had expected a smaller step and the currency rose sharply after \
        the announcement. Analysts said the decision showed a new resolve at the bank.";

    #[test]
    fn a_copy_with_a_dateline_and_a_trimmed_end_is_a_copy() {
        let copy = format!(
            "LONDON, March 3 - {}",
            STORY.rsplit_once(" Analysts").unwrap().0
        );
        let l = likeness(&shingles(STORY), &shingles(&copy));
        assert!(l.is_copy(), "{l:?}");
        assert!(l.containment > 0.9);
    }

    #[test]
    fn another_story_on_the_topic_is_not() {
        let other = "The central bank left its interest rate unchanged on Thursday, saying \
            inflation was easing faster than expected and that wages had stopped rising.";
        assert!(!likeness(&shingles(STORY), &shingles(other)).is_copy());
    }

    #[test]
    fn copies_share_a_band_and_bands_are_stable() {
        let a = bands(&shingles(STORY));
        let b = bands(&shingles(&STORY.replace("Tuesday", "Wednesday")));
        assert_eq!(a.len(), BANDS);
        assert!(a.iter().zip(&b).any(|(x, y)| x == y));
        assert_eq!(a, bands(&shingles(STORY)));
        assert!(bands(&shingles("")).is_empty());
        assert!(keys("").is_empty());
        assert_eq!(keys(STORY).len(), BANDS + LEAD_BANDS);
        assert_eq!(shingles("one two"), shingles("One, two!"));
    }
}
