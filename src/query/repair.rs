//! Pasted text made readable by tantivy's grammar: what is not meant as an operator is
//! escaped (apostrophes, colons after words that are no field, stray quotes and brackets, a
//! lone `+` or `-`), with a note saying how it was read; operators used wrongly are refused
//! with what is wrong and the column where.

use crate::model::QUERY_FIELDS;
use crate::model::fields::did_you_mean;

/// The 1-based character column of byte offset `pos` in `text`.
pub fn column_of(text: &str, pos: usize) -> usize {
    text[..pos.min(text.len())].chars().count() + 1
}

/// The query text after repairs, and notes on what was repaired.
pub struct Repaired {
    pub text: String,
    pub notes: Vec<String>,
}

/// Escapes what in pasted text is not meant as an operator, so tantivy's grammar reads it as
/// words: apostrophes in words, colons after words that are no field, an unmatched quote,
/// stray brackets, `^` without a number, a lone `+` or `-`. Parentheses are operators: an
/// unmatched one is an error, given as (message, column).
pub fn repair(input: &str) -> Result<Repaired, (String, usize)> {
    // Pasted text keeps its no-break and ideographic spaces, tabs and line breaks: all of them
    // separate words, as a space does (one character for one, so columns stay true).
    let chars: Vec<char> = input
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect();
    let mut out = String::with_capacity(input.len() + 8);
    let mut notes = Vec::new();
    let is_word = |c: char| c.is_alphanumeric();

    // An odd number of double quotes: the last one is a character, not a delimiter.
    let quotes: Vec<usize> = (0..chars.len())
        .filter(|&i| chars[i] == '"' && (i == 0 || chars[i - 1] != '\\'))
        .collect();
    let stray_quote = (quotes.len() % 2 == 1).then(|| quotes[quotes.len() - 1]);
    if let Some(q) = stray_quote {
        notes.push(format!(
            "read the unmatched '\"' at column {} as part of the text",
            q + 1
        ));
    }

    let mut open_parens: Vec<usize> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let prev = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1).copied();
        match c {
            '\\' => {
                out.push(c);
                if let Some(n) = next {
                    out.push(n);
                    i += 1;
                }
            }
            '"' if Some(i) == stray_quote => out.push_str("\\\""),
            '"' => {
                // A phrase: copied as it is, up to its closing quote.
                let end = (i + 1..chars.len())
                    .find(|&j| chars[j] == '"' && chars[j - 1] != '\\')
                    .unwrap_or(chars.len() - 1);
                out.extend(&chars[i..=end]);
                i = end;
            }
            '\'' if prev.is_some_and(is_word) => {
                out.push_str("\\'");
                note_apostrophe(&mut notes, &chars, i);
            }
            '\'' => {
                // A single-quoted phrase if a closing quote ends a word later on; else an
                // apostrophe. Phrases are rewritten with double quotes.
                let close = (i + 1..chars.len()).find(|&j| {
                    chars[j] == '\'' && chars.get(j + 1).is_none_or(|n| !is_word(*n)) && j > i + 1
                });
                match close {
                    Some(j) => {
                        out.push('"');
                        for &pc in &chars[i + 1..j] {
                            if pc == '"' {
                                out.push('\\');
                            }
                            out.push(pc);
                        }
                        out.push('"');
                        i = j;
                    }
                    None => {
                        out.push_str("\\'");
                        note_apostrophe(&mut notes, &chars, i);
                    }
                }
            }
            ':' => {
                let word = word_before(&chars, i);
                let lower = word.to_lowercase();
                let spaced = next.is_some_and(|n| n.is_whitespace());
                if !word.is_empty() && QUERY_FIELDS.contains(&lower.as_str()) {
                    let rest = chars[i + 1..].iter().find(|c| !c.is_whitespace());
                    if rest.is_none_or(|&r| r == ')') {
                        return Err((format!("'{lower}:' needs a word or phrase after it"), i + 1));
                    }
                    if spaced {
                        // `Date: talks postponed`: a headline's label, not a field (a field's
                        // value follows its colon directly, `date:1987-03`).
                        out.push_str("\\:");
                        notes.push(format!(
                            "read \"{word}:\" as a word: a space follows the colon (for the field, write {lower}:VALUE)"
                        ));
                    } else {
                        if word != lower {
                            out.truncate(out.len() - word.len());
                            out.push_str(&lower);
                        }
                        out.push(':');
                    }
                } else {
                    out.push_str("\\:");
                    if word.is_empty() {
                        note_once(&mut notes, "read a ':' that follows no word as text");
                    } else {
                        let hint = did_you_mean(&word, QUERY_FIELDS.iter().copied())
                            .map(|f| format!("; did you mean '{f}:'?"))
                            .unwrap_or_default();
                        notes.push(format!(
                            "read \"{word}:\" as a word: '{word}' is not a field (fields: {}){hint}",
                            QUERY_FIELDS.join(", ")
                        ));
                    }
                }
            }
            '^' if prev.is_some_and(|p| !p.is_whitespace()) && boost_len(&chars[i + 1..]) > 0 => {
                out.push(c)
            }
            '[' | '{' if out.ends_with(':') => {
                // A range after a field (`date:[1987-03 TO 1987-06}`): copied as it is.
                match (i + 1..chars.len()).find(|&j| matches!(chars[j], ']' | '}')) {
                    Some(end) => {
                        out.extend(&chars[i..=end]);
                        i = end;
                    }
                    None => {
                        return Err(("this range is never closed with ']' or '}'".into(), i + 1));
                    }
                }
            }
            '<' | '>' if !out.ends_with(':') => {
                // `profits > forecasts`, `<b>oil</b>`: not a range (that is `field:>5`).
                out.push(' ');
                note_once(
                    &mut notes,
                    &format!("read the '{c}' at column {} as a space", i + 1),
                );
            }
            '(' if chars[i + 1..]
                .iter()
                .find(|c| !c.is_whitespace())
                .is_some_and(|&c| c == ')') =>
            {
                // `()`: a group of nothing is left out.
                let close = (i + 1..chars.len()).find(|&j| chars[j] == ')').unwrap_or(i);
                out.push(' ');
                note_once(
                    &mut notes,
                    &format!("left out the empty '()' at column {}", i + 1),
                );
                i = close;
            }
            '^' | '`' | '[' | ']' | '{' | '}' => {
                out.extend(['\\', c]);
                note_once(
                    &mut notes,
                    &format!("read the '{c}' at column {} as text", i + 1),
                );
            }
            '+' | '-'
                if prev.is_none_or(char::is_whitespace)
                    && next.is_none_or(|n| n.is_whitespace()) =>
            {
                out.extend(['\\', c]);
                note_once(
                    &mut notes,
                    &format!("read the lone '{c}' at column {} as text", i + 1),
                );
            }
            '(' => {
                open_parens.push(i);
                out.push(c);
            }
            ')' => {
                if open_parens.pop().is_none() {
                    return Err(("')' closes no '('".into(), i + 1));
                }
                out.push(c);
            }
            _ => out.push(c),
        }
        i += 1;
    }
    if let Some(&open) = open_parens.first() {
        return Err(("'(' is never closed".into(), open + 1));
    }
    Ok(Repaired { text: out, notes })
}

/// The length of a boost's number at the start of `rest` (`2`, `1.5`), or 0 when it is not
/// one tantivy reads (`1e3`, `2x`): then the `^` is text.
fn boost_len(rest: &[char]) -> usize {
    let digits = |from: usize| {
        rest[from..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count()
    };
    let mut n = digits(0);
    if n > 0 && rest.get(n) == Some(&'.') && digits(n + 1) > 0 {
        n += 1 + digits(n + 1);
    }
    match rest.get(n) {
        Some(c) if c.is_alphanumeric() || matches!(c, '.' | '_') => 0,
        _ => n,
    }
}

/// Refuses a query nested deeper than `max` (groups in groups, `NOT NOT ...`, `--x`), which
/// no reader of it could mean, before any parser walks it: given as (message, column).
pub fn check_depth(input: &str, max: usize) -> Result<(), (String, usize)> {
    let too_deep = |col: usize| {
        Err((
            format!(
                "the query nests more than {max} levels deep (groups, NOT or - in a row): write it flatter"
            ),
            col,
        ))
    };
    let (mut parens, mut unary, mut in_quotes) = (0usize, 0usize, false);
    let mut word = String::new();
    let mut word_start = 0;
    let end_word = |word: &mut String, unary: &mut usize| {
        // NOT and a word of signs alone stack up; any other word ends the run.
        if word == "NOT" || (!word.is_empty() && word.chars().all(|c| c == '-' || c == '+')) {
            *unary += 1;
        } else if !word.is_empty() {
            *unary = 0;
        }
        word.clear();
    };
    for (col, c) in input.chars().enumerate() {
        if c == '"' {
            in_quotes = !in_quotes;
        }
        if in_quotes {
            continue;
        }
        match c {
            '(' => {
                end_word(&mut word, &mut unary);
                parens += 1;
            }
            ')' => {
                end_word(&mut word, &mut unary);
                parens = parens.saturating_sub(1);
            }
            '-' | '+' if word.chars().all(|w| w == '-' || w == '+') => {
                if word.is_empty() {
                    word_start = col;
                }
                word.push(c);
                unary += 1;
                if parens + unary > max {
                    return too_deep(word_start + 1);
                }
                continue;
            }
            c if c.is_whitespace() => end_word(&mut word, &mut unary),
            c => {
                if word.is_empty() {
                    word_start = col;
                }
                word.push(c);
            }
        }
        if parens + unary > max {
            return too_deep(col + 1);
        }
    }
    Ok(())
}

/// Refuses AND, OR and NOT without a word where they need one, saying which and where.
pub fn check_operators(input: &str) -> Result<(), (String, usize)> {
    // Words outside quotes, with their 1-based columns; a quoted phrase is one word.
    let mut words: Vec<(String, usize)> = Vec::new();
    let mut current: Option<(String, usize)> = None;
    let mut in_quotes = false;
    for (col, c) in input.chars().enumerate() {
        if c == '"' {
            in_quotes = !in_quotes;
        }
        if c.is_whitespace() && !in_quotes {
            words.extend(current.take());
        } else {
            current
                .get_or_insert_with(|| (String::new(), col + 1))
                .0
                .push(c);
        }
    }
    words.extend(current);
    for (i, (word, col)) in words.iter().enumerate() {
        let bare = word.trim_matches(['(', ')']);
        let next = words.get(i + 1).map(|w| w.0.as_str());
        if bare.ends_with("[TO")
            || bare.ends_with("{TO")
            || (bare.ends_with(['[', '{']) && next == Some("TO"))
        {
            return Err((
                "a range needs a value before TO ([2024 TO 2025], or [* TO 2025] for no start)"
                    .into(),
                *col,
            ));
        }
        // What follows the last quote: where `~N` and `^N` of a phrase are written.
        let tail = bare.rfind('"').map_or(bare, |q| &bare[q..]);
        if tail.starts_with("\"~") && !tail[2..].starts_with(|c: char| c.is_ascii_digit()) {
            return Err((
                "'~' after a phrase needs the number of words it may stretch by (\"a b\"~2)".into(),
                *col,
            ));
        }
        if let Some((_, boost)) = tail.rsplit_once('^')
            && !boost.is_empty()
            && boost
                .parse::<f32>()
                .is_ok_and(|b| !b.is_finite() || b <= 0.0)
                | boost.starts_with('-')
        {
            return Err((
                format!("'^{boost}': a boost is a positive number (debris^2)"),
                *col,
            ));
        }
        if let Some((field, "*")) = bare.split_once(':')
            && !field.is_empty()
        {
            return Err((
                format!(
                    "'{bare}': give the field a word or a prefix ({field}:satell*); '*' alone matches every article"
                ),
                *col,
            ));
        }
        if matches!(bare, "TO]" | "TO}") {
            return Err((
                "a range needs a value after TO ([2024 TO 2025], or [2024 TO *] for no end)".into(),
                *col,
            ));
        }
    }
    let is_op = |w: &str| matches!(w.trim_matches(['(', ')']), "AND" | "OR" | "NOT");
    for (i, (word, col)) in words.iter().enumerate() {
        if !is_op(word) {
            continue;
        }
        let op = word.trim_matches(['(', ')']);
        let before = i.checked_sub(1).map(|j| words[j].0.as_str());
        let after = words.get(i + 1).map(|w| w.0.as_str());
        let nothing_before =
            word.starts_with('(') || before.is_none_or(|b| is_op(b) || b.ends_with('('));
        let nothing_after = word.ends_with(')')
            || after.is_none_or(|a| (is_op(a) && a != "NOT") || a.starts_with(')'));
        if op != "NOT" && nothing_before {
            return Err((format!("'{op}' needs a word before it"), *col));
        }
        if nothing_after {
            return Err((format!("'{op}' needs a word after it"), *col));
        }
    }
    Ok(())
}

/// Notes the word around the apostrophe at `chars[i]`, which is read as part of it.
fn note_apostrophe(notes: &mut Vec<String>, chars: &[char], i: usize) {
    let start = (0..i)
        .rev()
        .find(|&j| chars[j].is_whitespace())
        .map_or(0, |j| j + 1);
    let end = (i..chars.len())
        .find(|&j| chars[j].is_whitespace())
        .unwrap_or(chars.len());
    let word: String = chars[start..end].iter().collect();
    note_once(
        notes,
        &format!("read the apostrophe in \"{word}\" as part of the word"),
    );
}

fn note_once(notes: &mut Vec<String>, note: &str) {
    if !notes.iter().any(|n| n == note) {
        notes.push(note.to_string());
    }
}

/// The word right before `chars[i]`: the run back to a space, a parenthesis or a quote, without
/// a leading `+` or `-` operator.
fn word_before(chars: &[char], i: usize) -> String {
    let start = (0..i)
        .rev()
        .find(|&j| chars[j].is_whitespace() || "()\"".contains(chars[j]))
        .map_or(0, |j| j + 1);
    let word: String = chars[start..i].iter().collect();
    word.trim_start_matches(['+', '-']).to_string()
}
