//! Reading the values users write for facets, filters, splits, dates and labelled trend
//! queries (`author=5`, `topic=grain`, `2024-03`, `oil price=oil price*`): one reader for
//! the command line and the server, with the same messages.

use jiff::Timestamp;

use super::dates;
use super::fields::{FacetField, guess};
use super::request::{FacetRequest, Filter, TrendQuery};

/// Values a facet shows unless told otherwise.
pub const DEFAULT_FACET_SIZE: usize = 10;

/// `FIELD`, `FIELD=N`, `section=/PATH` or `section=/PATH=N`.
pub fn facet(arg: &str) -> Result<FacetRequest, String> {
    let (name, value) = match arg.split_once('=') {
        Some((name, value)) => (name, Some(value)),
        None => (arg, None),
    };
    let field = FacetField::from_name(name).ok_or_else(|| {
        let hint = guess(name, FacetField::ALL.map(FacetField::name));
        format!(
            "unknown facet '{name}' (facets: {}){hint}",
            FacetField::names()
        )
    })?;
    let mut request = FacetRequest {
        field,
        size: DEFAULT_FACET_SIZE,
        under: Vec::new(),
    };
    match value {
        None => {}
        // `section=/bbc`, or `section=bbc/tech` (a section path, with or without its slash;
        // a folder named by a number needs the slash: `section=/2019`), and a size after it:
        // `section=/bbc=5`.
        Some(path)
            if field == FacetField::Section
                && (path.starts_with('/') || path.parse::<usize>().is_err()) =>
        {
            let (path, size) = match path.rsplit_once('=') {
                Some((path, n)) => (path, Some(n)),
                None => (path, None),
            };
            if let Some(n) = size {
                request.size = n.parse().map_err(|_| {
                    format!("expected a number of values after '{name}={path}=', not '{n}'")
                })?;
            }
            request.under = path
                .split('/')
                .filter(|p| !p.is_empty())
                .map(str::to_string)
                .collect();
        }
        Some(n) => {
            request.size = n
                .parse()
                .map_err(|_| format!("expected a number of values after '{name}=', not '{n}'"))?;
        }
    }
    Ok(request)
}

/// A field a trend may be split by: any metadata field but section, year and month.
pub fn split(arg: &str) -> Result<FacetField, String> {
    match FacetField::from_name(arg) {
        Some(f) if f != FacetField::Section && !f.is_calendar() => Ok(f),
        _ => Err(format!(
            "cannot split by '{arg}' (fields: author, source, topic, place, person, org, language, format)"
        )),
    }
}

/// `FIELD=VALUE`: a filter.
pub fn filter(arg: &str) -> Result<Filter, String> {
    let (name, value) = arg
        .split_once('=')
        .filter(|(_, v)| !v.is_empty())
        .ok_or_else(|| format!("expected FIELD=VALUE, like topic=grain, not '{arg}'"))?;
    let field = FacetField::from_name(name).ok_or_else(|| {
        let hint = guess(name, FacetField::ALL.map(FacetField::name));
        format!(
            "unknown field '{name}' (fields: {}){hint}",
            FacetField::names()
        )
    })?;
    if field.is_calendar() && dates::period(value).is_none() {
        return Err(format!(
            "'{value}' is not a {} (write YYYY or YYYY-MM)",
            field.name()
        ));
    }
    Ok(Filter {
        field,
        value: value.to_string(),
    })
}

/// A day, a month or a year, as the span of time it covers.
pub fn period(arg: &str) -> Result<(Timestamp, Timestamp), String> {
    dates::period(arg).ok_or_else(|| {
        format!("'{arg}' is not a date (write YYYY, YYYY-MM or YYYY-MM-DD, from 1678 to 2261)")
    })
}

/// `LABEL=QUERY` names a series; anything else is its own label. A label is words (letters,
/// digits, `_ - .` and spaces between them), so a query with `=` in it stays whole.
pub fn trend_query(q: &str) -> TrendQuery {
    match q.split_once('=') {
        Some((label, query))
            if !label.trim().is_empty()
                && label.trim() == label
                && label
                    .chars()
                    .all(|c| c.is_alphanumeric() || " _-.".contains(c))
                && !query.is_empty() =>
        {
            TrendQuery {
                label: label.into(),
                query: query.into(),
            }
        }
        _ => TrendQuery {
            label: q.into(),
            query: q.into(),
        },
    }
}
