//! The command line read into requests: flags, defaults and refusals.

use super::*;
use clap::CommandFactory;

#[test]
fn cli_is_well_formed() {
    Cli::command().debug_assert();
}

#[test]
fn section_facets_take_a_path_and_a_size() {
    let f = |arg: &str| parse::facet(arg).map(|r| (r.under, r.size));
    let path = |p: &[&str]| p.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(f("section=5"), Ok((vec![], 5)));
    assert_eq!(
        f("section=/bbc"),
        Ok((path(&["bbc"]), parse::DEFAULT_FACET_SIZE))
    );
    assert_eq!(f("section=bbc/tech=3"), Ok((path(&["bbc", "tech"]), 3)));
    // A folder named by a number, written as a path.
    assert_eq!(
        f("section=/2019"),
        Ok((path(&["2019"]), parse::DEFAULT_FACET_SIZE))
    );
    assert_eq!(f("section=/2019=2"), Ok((path(&["2019"]), 2)));
    assert!(f("section=/bbc=x").unwrap_err().contains("not 'x'"));
}

#[test]
fn search_flags_become_a_request() {
    let cli = Cli::try_parse_from([
        "lede",
        "search",
        "anti-satellite",
        "test",
        "--limit",
        "5",
        "--offset",
        "10",
        "--passages",
        "1",
        "--any",
    ])
    .unwrap();
    let Command::Search(args) = cli.command else {
        panic!("not search")
    };
    let req = args.to_request();
    assert_eq!(req.query, "anti-satellite test");
    assert_eq!((req.limit, req.offset, req.passages), (5, 10, 1));
    assert_eq!(req.combine, Combine::Any);
    assert_eq!(args.index.index, None);
}

#[test]
fn trend_and_batch_take_match_as_search_does() {
    for (flags, want) in [
        (&["--match", "all"][..], Combine::All),
        (&["--match", "any"][..], Combine::Any),
        (&["--match", "auto"][..], Combine::Auto),
        (&["--any"][..], Combine::Any),
        (&[][..], Combine::Auto),
    ] {
        let mut argv = vec!["lede", "trend", "grain"];
        argv.extend(flags);
        let Command::Trend(args) = Cli::try_parse_from(&argv).unwrap().command else {
            panic!("not trend")
        };
        assert_eq!(args.to_request().combine, want, "{flags:?}");
        let mut argv = vec!["lede", "batch", "queries.txt"];
        argv.extend(flags);
        let Command::Batch(args) = Cli::try_parse_from(&argv).unwrap().command else {
            panic!("not batch")
        };
        assert_eq!(args.matching.combine(), want, "{flags:?}");
        let mut argv = vec!["lede", "terms", "grain"];
        argv.extend(flags);
        let Command::Terms(args) = Cli::try_parse_from(&argv).unwrap().command else {
            panic!("not terms")
        };
        assert_eq!(args.matching.combine(), want, "{flags:?}");
    }
}

#[test]
fn one_format_flag_group_for_every_command_that_has_formats() {
    use lede::output::Format;
    for command in [
        &["stats"][..],
        &["trend", "x"],
        &["batch", "q.txt"],
        &["terms", "x"],
    ] {
        for (flags, want) in [
            (&[][..], Format::Text),
            (&["--json"][..], Format::Json),
            (&["--csv"][..], Format::Csv),
            (&["--format", "jsonl"][..], Format::Jsonl),
        ] {
            let mut argv = vec!["lede"];
            argv.extend(command);
            argv.extend(flags);
            let format = match Cli::try_parse_from(&argv).unwrap().command {
                Command::Stats(a) => a.output.resolve(),
                Command::Trend(a) => a.output.resolve(),
                Command::Batch(a) => a.output.resolve(),
                Command::Terms(a) => a.output.resolve(),
                other => panic!("{other:?}"),
            };
            assert_eq!(format, want, "{argv:?}");
        }
        // Two formats at once are refused, not one silently preferred.
        for flags in [
            &["--json", "--csv"][..],
            &["--json", "--format", "csv"],
            &["--csv", "--format", "text"],
        ] {
            let mut argv = vec!["lede"];
            argv.extend(command);
            argv.extend(flags);
            let err = Cli::try_parse_from(&argv).unwrap_err();
            assert_eq!(
                err.kind(),
                clap::error::ErrorKind::ArgumentConflict,
                "{argv:?}"
            );
        }
    }
}

#[test]
fn a_folder_and_a_cluster_at_once_are_refused() {
    for argv in [
        &[
            "lede",
            "search",
            "x",
            "--index",
            "i",
            "--opensearch",
            "http://h:9200/n",
        ][..],
        &[
            "lede",
            "serve",
            "--opensearch",
            "http://h:9200/n",
            "--index",
            "i",
        ],
        &[
            "lede",
            "index",
            "corpus",
            "--index",
            "i",
            "--opensearch",
            "http://h:9200/n",
        ],
        &[
            "lede",
            "stats",
            "--index",
            "i",
            "--opensearch",
            "http://h:9200/n",
        ],
    ] {
        let err = Cli::try_parse_from(argv).unwrap_err();
        assert_eq!(
            err.kind(),
            clap::error::ErrorKind::ArgumentConflict,
            "{argv:?}"
        );
    }
}

#[test]
fn index_is_one_flag_with_one_default() {
    for argv in [
        &["lede", "stats"][..],
        &["lede", "search", "x"],
        &["lede", "index"],
        &["lede", "serve"],
        &["lede", "saved", "list"],
    ] {
        let path = match Cli::try_parse_from(argv).unwrap().command {
            Command::Stats(a) => a.index.path(),
            Command::Search(a) => a.index.path(),
            Command::Index(a) => a.corpus.index.path(),
            Command::Serve(a) => a.index.path(),
            Command::Saved(c) => c.index(),
            other => panic!("{other:?}"),
        };
        assert_eq!(path, PathBuf::from("index"), "{argv:?}");
    }
    let cli = Cli::try_parse_from(["lede", "similar", "a.txt", "--index", "elsewhere"]).unwrap();
    let Command::Similar(args) = cli.command else {
        panic!("not similar")
    };
    assert_eq!(args.index.path(), PathBuf::from("elsewhere"));
}

#[test]
fn index_defaults_to_corpus_and_index() {
    let cli = Cli::try_parse_from(["lede", "index"]).unwrap();
    let Command::Index(args) = cli.command else {
        panic!("not index")
    };
    let req = args.to_request();
    assert_eq!(req.roots, [PathBuf::from("corpus")]);
    assert_eq!(req.index, PathBuf::from("index"));
    assert_eq!(req.heap_bytes, DEFAULT_HEAP_BYTES);
}

#[test]
fn reading_options() {
    let cli = Cli::try_parse_from([
        "lede",
        "index",
        "c",
        "--field",
        "body=story_text",
        "--field",
        "authors=meta.by",
        "--ext",
        ".TXT=txt",
        "--max-file-mb",
        "5",
        "--strict",
    ])
    .unwrap();
    let Command::Index(args) = cli.command else {
        panic!("not index")
    };
    let req = args.to_request();
    assert_eq!(
        req.read.fields.overrides,
        [
            (Target::Body, "story_text".into()),
            (Target::Authors, "meta.by".into())
        ]
    );
    assert_eq!(req.read.extensions, [("TXT".into(), Format::Txt)]);
    assert_eq!(req.read.max_bytes, 5 << 20);
    assert!(req.strict);
    let err = Cli::try_parse_from(["lede", "index", "--field", "bodyy=x"]).unwrap_err();
    assert!(
        err.to_string()
            .contains("unknown field 'bodyy' (fields: id, title, body,")
    );
    let err = Cli::try_parse_from(["lede", "index", "--ext", "doc=word"]).unwrap_err();
    assert!(
        err.to_string()
            .contains("unknown reader 'word' (readers: txt, json")
    );
}

#[test]
fn facets() {
    let cli = Cli::try_parse_from([
        "lede",
        "search",
        "x",
        "--facet",
        "topic",
        "--facet",
        "author=3",
        "--facet",
        "section=/bbc/sport",
    ])
    .unwrap();
    let Command::Search(args) = cli.command else {
        panic!("not search")
    };
    let f = args.to_request().facets;
    assert_eq!((f[0].field, f[0].size), (FacetField::Topic, 10));
    assert_eq!((f[1].field, f[1].size), (FacetField::Author, 3));
    assert_eq!(
        (f[2].field, &f[2].under),
        (
            FacetField::Section,
            &vec!["bbc".to_string(), "sport".into()]
        )
    );
    let err = Cli::try_parse_from(["lede", "search", "x", "--facet", "colour"]).unwrap_err();
    assert!(
        err.to_string()
            .contains("unknown facet 'colour' (facets: author, source,")
    );
    let err = Cli::try_parse_from(["lede", "search", "x", "--facet", "topic=many"]).unwrap_err();
    assert!(
        err.to_string()
            .contains("expected a number of values after 'topic=', not 'many'")
    );
    let err = Cli::try_parse_from(["lede", "search", "x", "--facet", "autor"]).unwrap_err();
    assert!(err.to_string().contains("did you mean 'author'?"), "{err}");
    let cli = Cli::try_parse_from(["lede", "search", "x", "--facet", "section=bbc/tech"]).unwrap();
    let Command::Search(args) = cli.command else {
        panic!("not search")
    };
    assert_eq!(
        args.to_request().facets[0].under,
        ["bbc".to_string(), "tech".into()]
    );
}

#[test]
fn bad_values_are_refused() {
    assert!(Cli::try_parse_from(["lede", "search"]).is_err());
    assert!(Cli::try_parse_from(["lede", "search", "x", "--limit", "many"]).is_err());
    assert!(Cli::try_parse_from(["lede", "search", "x", "--color", "sometimes"]).is_err());
}
