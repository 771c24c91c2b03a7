//! Query-string parameters into the library's requests: [`Params`] (name-value pairs, read
//! with limits and messages that name the parameter), and one function per endpoint that
//! makes the request the matching CLI command makes from the same flags: [`search_request`],
//! [`trend_request`], [`terms_request`]; [`Params::from_json`] reads a saved search's body
//! into the same pairs. It knows nothing of HTTP but the 400 it answers with.

use crate::model::fields::guess;
use crate::model::{
    Combine, FacetRequest, Interval, Scope, SearchRequest, Sort, TermsRequest, TrendRequest, dates,
    parse,
};

use super::reply::ApiError;

/// The longest query accepted, in characters (a pasted paragraph fits; a pasted book does not).
pub const MAX_QUERY_CHARS: usize = 2_000;
/// The most hits one page may ask for.
pub const MAX_LIMIT: usize = 1_000;
/// The deepest a client may page.
pub const MAX_OFFSET: usize = 100_000;
/// The most passages per hit.
pub const MAX_PASSAGES: usize = 20;
/// The most values one facet may return (a month histogram over two centuries fits).
pub const MAX_FACET_SIZE: usize = 5_000;
/// The most repetitions of a repeatable parameter (facet, filter, q of a trend).
pub const MAX_REPEATS: usize = 32;
/// The most significant terms one request may list.
pub const MAX_TERMS: usize = 500;
/// The most matches `/api/terms` reads as its foreground (each is read from the store and
/// analysed again: about a second per 10,000 on two cores).
pub const MAX_TERMS_SAMPLE: usize = 10_000;
/// The longest query string accepted, in bytes, before it is even parsed.
const MAX_QUERY_STRING: usize = 64 * 1024;

/// A query string as name-value pairs, in order.
pub struct Params(Vec<(String, String)>);

impl Params {
    pub fn parse(raw: Option<&str>) -> std::result::Result<Params, ApiError> {
        let raw = raw.unwrap_or("");
        if raw.len() > MAX_QUERY_STRING {
            return Err(ApiError::bad(format!(
                "the query string is {} bytes long; at most {MAX_QUERY_STRING} are read",
                raw.len()
            )));
        }
        Ok(Params(
            form_urlencoded::parse(raw.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        ))
    }

    /// A JSON object read as the same pairs: `{"q": "oil", "limit": 5, "exact": true,
    /// "filter": ["topic=crude", "place=uk"]}` is `q=oil&limit=5&exact=true&filter=...`.
    /// Strings, numbers and booleans are values; an array repeats its name; null is left out.
    pub fn from_json(body: &[u8]) -> std::result::Result<Params, ApiError> {
        use serde_json::Value;
        if body.len() > MAX_QUERY_STRING {
            return Err(ApiError::bad(format!(
                "the body is {} bytes long; at most {MAX_QUERY_STRING} are read",
                body.len()
            )));
        }
        let object = match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(object)) => object,
            Ok(_) => {
                return Err(ApiError::bad(
                    "send one JSON object: {\"name\": ..., \"q\": ...}",
                ));
            }
            Err(e) => return Err(ApiError::bad(format!("the body is not JSON: {e}"))),
        };
        let scalar = |name: &str, v: &Value| -> std::result::Result<Option<String>, ApiError> {
            match v {
                Value::Null => Ok(None),
                Value::String(s) => Ok(Some(s.clone())),
                Value::Number(n) => Ok(Some(n.to_string())),
                Value::Bool(b) => Ok(Some(b.to_string())),
                _ => Err(ApiError::bad(format!(
                    "'{name}' must be a string, a number, true or false"
                ))),
            }
        };
        let mut pairs = Vec::new();
        for (name, value) in &object {
            let values = match value {
                Value::Array(items) => items.iter().collect(),
                one => vec![one],
            };
            for v in values {
                if let Some(v) = scalar(name, v)? {
                    pairs.push((name.clone(), v));
                }
            }
        }
        Ok(Params(pairs))
    }

    /// The value of `name`, taken out of the pairs (for a parameter one endpoint adds to
    /// another's).
    pub fn take(&mut self, name: &str) -> std::result::Result<Option<String>, ApiError> {
        self.one(name)?;
        let at = self.0.iter().position(|(k, _)| k == name);
        Ok(at.map(|i| self.0.remove(i).1))
    }

    /// Refuses a parameter not in `known`, naming the closest known one.
    pub fn only(&self, known: &[&str]) -> std::result::Result<(), ApiError> {
        for (name, _) in &self.0 {
            if !known.contains(&name.as_str()) {
                let hint = guess(name, known.iter().copied());
                let list = if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                };
                return Err(ApiError::bad(format!(
                    "unknown parameter '{name}' (parameters: {list}){hint}"
                )));
            }
        }
        Ok(())
    }

    fn all<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a str> + 'a {
        let name = name.to_string();
        self.0
            .iter()
            .filter(move |(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    /// A parameter given at most once.
    pub fn one(&self, name: &str) -> std::result::Result<Option<&str>, ApiError> {
        let mut values = self.all(name);
        let first = values.next();
        if values.next().is_some() {
            return Err(ApiError::bad(format!("'{name}' is given more than once")));
        }
        Ok(first)
    }

    /// A repeatable parameter, at most [`MAX_REPEATS`] times.
    fn many(&self, name: &str) -> std::result::Result<Vec<&str>, ApiError> {
        let values: Vec<&str> = self.all(name).collect();
        if values.len() > MAX_REPEATS {
            return Err(ApiError::bad(format!(
                "'{name}' is given {} times; at most {MAX_REPEATS}",
                values.len()
            )));
        }
        Ok(values)
    }

    pub fn number(
        &self,
        name: &str,
        default: usize,
        max: usize,
    ) -> std::result::Result<usize, ApiError> {
        match self.one(name)? {
            None => Ok(default),
            Some(v) => match v.trim().parse::<usize>() {
                Ok(n) if n <= max => Ok(n),
                Ok(_) => Err(ApiError::bad(format!(
                    "{name}={v} is too large: at most {max}"
                ))),
                Err(_) => Err(ApiError::bad(format!(
                    "{name} must be a number from 0 to {max}, not '{v}'"
                ))),
            },
        }
    }

    pub fn flag(&self, name: &str) -> std::result::Result<bool, ApiError> {
        match self.one(name)? {
            None => Ok(false),
            Some("" | "1" | "true" | "yes" | "on") => Ok(true),
            Some("0" | "false" | "no" | "off") => Ok(false),
            Some(v) => Err(ApiError::bad(format!(
                "{name} must be true or false, not '{v}'"
            ))),
        }
    }

    /// One of a few words.
    fn choice<T: Copy>(
        &self,
        name: &str,
        choices: &[(&str, T)],
        default: T,
    ) -> std::result::Result<T, ApiError> {
        match self.one(name)? {
            None => Ok(default),
            Some(v) => choices
                .iter()
                .find(|(word, _)| word.eq_ignore_ascii_case(v.trim()))
                .map(|(_, t)| *t)
                .ok_or_else(|| {
                    let words: Vec<&str> = choices.iter().map(|(w, _)| *w).collect();
                    ApiError::bad(format!(
                        "{name} must be one of {}, not '{v}'{}",
                        words.join(", "),
                        guess(v, words.iter().copied())
                    ))
                }),
        }
    }

    /// The filters and dates every request may narrow by.
    fn scope(&self) -> std::result::Result<Scope, ApiError> {
        let filters = self
            .many("filter")?
            .into_iter()
            .map(|f| parse::filter(f).map_err(ApiError::bad))
            .collect::<std::result::Result<_, _>>()?;
        let date = |name: &str| -> std::result::Result<_, ApiError> {
            self.one(name)?
                .filter(|v| !v.trim().is_empty())
                .map(|v| {
                    dates::period(v).ok_or_else(|| {
                        ApiError::bad(format!(
                            "{name}: '{v}' is not a date (write YYYY, YYYY-MM or YYYY-MM-DD, \
                             from 1678 to 2261)"
                        ))
                    })
                })
                .transpose()
        };
        Ok(Scope {
            filters,
            from: date("since")?.map(|(start, _)| start),
            to: date("until")?.map(|(_, end)| end),
        })
    }
}

/// A query: present, not blank, and not too long.
pub fn check_query(q: &str) -> std::result::Result<String, ApiError> {
    let chars = q.chars().count();
    if chars > MAX_QUERY_CHARS {
        return Err(ApiError::bad(format!(
            "the query is {chars} characters long; at most {MAX_QUERY_CHARS} are searched"
        )));
    }
    if q.trim().is_empty() {
        return Err(ApiError::bad(
            "the query is empty (q=WORDS; q=* for every article)",
        ));
    }
    Ok(q.to_string())
}

const MATCH_CHOICES: [(&str, Combine); 3] = [
    ("auto", Combine::Auto),
    ("all", Combine::All),
    ("any", Combine::Any),
];

/// `GET /api/search?...` as the request `lede search` would make from the same flags.
pub fn search_request(p: &Params) -> std::result::Result<SearchRequest, ApiError> {
    p.only(&[
        "q", "limit", "offset", "passages", "match", "filter", "since", "until", "sort", "facet",
        "exact", "collapse",
    ])?;
    let query = check_query(
        p.one("q")?
            .ok_or_else(|| ApiError::bad("give a query: q=WORDS (q=* for every article)"))?,
    )?;
    let facets = p
        .many("facet")?
        .into_iter()
        .map(parse_facet)
        .collect::<std::result::Result<_, _>>()?;
    Ok(SearchRequest {
        query,
        limit: p.number("limit", 10, MAX_LIMIT)?,
        offset: p.number("offset", 0, MAX_OFFSET)?,
        passages: p.number("passages", 2, MAX_PASSAGES)?,
        combine: p.choice("match", &MATCH_CHOICES, Combine::Auto)?,
        facets,
        scope: p.scope()?,
        sort: p.choice(
            "sort",
            &[
                ("relevance", Sort::Relevance),
                ("newest", Sort::Newest),
                ("oldest", Sort::Oldest),
            ],
            Sort::Relevance,
        )?,
        exact: p.flag("exact")?,
        collapse: p.flag("collapse")?,
    })
}

/// `GET /api/trend?...` as the request `lede trend` would make from the same flags.
pub fn trend_request(p: &Params) -> std::result::Result<TrendRequest, ApiError> {
    p.only(&[
        "q",
        "by",
        "split",
        "normalize",
        "match",
        "filter",
        "since",
        "until",
        "collapse",
    ])?;
    let queries = p
        .many("q")?
        .into_iter()
        .map(|q| check_query(q).map(|q| parse::trend_query(&q)))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    if queries.is_empty() {
        return Err(ApiError::bad(
            "give at least one query: q=WORDS, or q=LABEL=WORDS (repeatable)",
        ));
    }
    let split = p
        .one("split")?
        .map(|s| parse::split(s).map_err(ApiError::bad))
        .transpose()?;
    Ok(TrendRequest {
        queries,
        interval: p.choice(
            "by",
            &[
                ("day", Interval::Day),
                ("week", Interval::Week),
                ("month", Interval::Month),
                ("year", Interval::Year),
            ],
            Interval::Month,
        )?,
        split,
        scope: p.scope()?,
        combine: p.choice(
            "match",
            &[("auto", Combine::Auto), ("any", Combine::Any)],
            Combine::Auto,
        )?,
        normalize: p.flag("normalize")?,
        collapse: p.flag("collapse")?,
    })
}

/// `GET /api/terms?...` as the request `lede terms` would make from the same flags (`limit`
/// for `--limit`, `min_docs` for `--min-docs`, `words` for `--words`, `match=any` for `--any`).
pub fn terms_request(p: &Params) -> std::result::Result<TermsRequest, ApiError> {
    p.only(&[
        "q", "limit", "sample", "min_docs", "words", "match", "filter", "since", "until",
    ])?;
    let query = check_query(
        p.one("q")?
            .ok_or_else(|| ApiError::bad("give a query: q=WORDS (q=* for every article)"))?,
    )?;
    let defaults = TermsRequest::default();
    Ok(TermsRequest {
        query,
        combine: p.choice(
            "match",
            &[("auto", Combine::Auto), ("any", Combine::Any)],
            Combine::Auto,
        )?,
        scope: p.scope()?,
        size: p.number("limit", defaults.size, MAX_TERMS)?,
        min_doc_count: p.number("min_docs", defaults.min_doc_count as usize, 1_000_000)? as u64,
        sample: p.number("sample", defaults.sample, MAX_TERMS_SAMPLE)?,
        phrases: !p.flag("words")?,
    })
}

/// `FIELD`, `FIELD=N`, `section=/PATH` or `section=/PATH=N`, as `--facet` reads it, with a
/// bound on the values asked for.
fn parse_facet(arg: &str) -> std::result::Result<FacetRequest, ApiError> {
    let request = parse::facet(arg).map_err(ApiError::bad)?;
    if request.size > MAX_FACET_SIZE {
        return Err(ApiError::bad(format!(
            "at most {MAX_FACET_SIZE} values of a facet, not {}",
            request.size
        )));
    }
    Ok(request)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::FacetField;

    fn search(q: &str) -> std::result::Result<SearchRequest, ApiError> {
        search_request(&Params::parse(Some(q))?)
    }

    #[test]
    fn parameters_become_the_request_the_cli_makes() {
        let req = search(
            "q=anti-satellite+test&limit=5&offset=10&passages=1&match=any&sort=newest\
             &facet=author%3D3&facet=section%3D%2Fbbc%2Fsport&filter=source%3Dbbc&since=2004\
             &until=2005-06",
        )
        .unwrap();
        assert_eq!(req.query, "anti-satellite test");
        assert_eq!((req.limit, req.offset, req.passages), (5, 10, 1));
        assert_eq!(req.combine, Combine::Any);
        assert_eq!(req.sort, Sort::Newest);
        assert_eq!(
            (req.facets[0].field, req.facets[0].size),
            (FacetField::Author, 3)
        );
        assert_eq!(req.facets[1].under, ["bbc".to_string(), "sport".into()]);
        assert_eq!(req.scope.filters[0].value, "bbc");
        assert_eq!(req.scope.from, dates::period("2004").map(|p| p.0));
        assert_eq!(req.scope.to, dates::period("2005-06").map(|p| p.1));
    }

    #[test]
    fn bad_parameters_say_what_is_wrong() {
        let msg = |q: &str| search(q).unwrap_err().message;
        assert!(msg("limit=3").contains("give a query"));
        assert!(msg("q=x&limit=many").contains("limit must be a number"));
        assert!(msg("q=x&limit=1001").contains("at most 1000"));
        assert!(msg("q=x&offset=100001").contains("at most 100000"));
        assert!(msg("q=x&facet=autor").contains("did you mean 'author'?"));
        assert!(msg("q=x&filter=topic").contains("expected FIELD=VALUE, like topic=grain"));
        assert!(msg("q=x&since=yesterday").contains("not a date"));
        assert!(msg("q=x&sort=best").contains("sort must be one of"));
        assert!(msg("q=x&q=y").contains("more than once"));
        assert!(msg("q=x&limt=3").contains("did you mean 'limit'?"));
        assert!(msg(&format!("q={}", "a".repeat(2001))).contains("at most 2000"));
        assert!(msg("q=%20").contains("empty"));
    }

    #[test]
    fn terms_parameters_are_the_terms_flags() {
        let terms = |q: &str| terms_request(&Params::parse(Some(q))?);
        let req =
            terms("q=crude&limit=5&sample=300&min_docs=2&words=1&match=any&since=1987").unwrap();
        assert_eq!(req.query, "crude");
        assert_eq!((req.size, req.sample, req.min_doc_count), (5, 300, 2));
        assert!(!req.phrases);
        assert_eq!(req.combine, Combine::Any);
        assert!(req.scope.from.is_some());
        let defaults = TermsRequest::default();
        let req = terms("q=crude").unwrap();
        assert_eq!(
            (req.size, req.sample, req.min_doc_count, req.phrases),
            (defaults.size, defaults.sample, defaults.min_doc_count, true)
        );
        assert!(
            terms("q=x&limit=501")
                .unwrap_err()
                .message
                .contains("at most 500")
        );
        assert!(
            terms("q=x&sort=newest")
                .unwrap_err()
                .message
                .contains("unknown parameter")
        );
    }

    #[test]
    fn a_json_body_reads_as_the_same_pairs() {
        let mut p = Params::from_json(
            br#"{"name": "opec", "q": "opec quota", "limit": 5, "exact": true,
                 "filter": ["topic=crude", "place=uk"], "since": null}"#,
        )
        .unwrap();
        assert_eq!(p.take("name").unwrap().as_deref(), Some("opec"));
        let req = search_request(&p).unwrap();
        assert_eq!(
            (req.query.as_str(), req.limit, req.exact),
            ("opec quota", 5, true)
        );
        assert_eq!(req.scope.filters.len(), 2);
        assert_eq!(req.scope.from, None);
        let msg = |body: &[u8]| Params::from_json(body).err().unwrap().message;
        assert!(msg(b"[]").contains("one JSON object"));
        assert!(msg(b"{").contains("not JSON"));
        assert!(msg(br#"{"q": [[1]]}"#).contains("must be a string"));
    }

    #[test]
    fn trend_labels_as_on_the_command_line() {
        let req = trend_request(&Params::parse(Some("q=oil+price%3Doil&q=grain&by=year")).unwrap())
            .unwrap();
        assert_eq!(req.queries[0].label, "oil price");
        assert_eq!(req.queries[0].query, "oil");
        assert_eq!(req.queries[1].label, "grain");
        assert_eq!(req.interval, Interval::Year);
    }
}
