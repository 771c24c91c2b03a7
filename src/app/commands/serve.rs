//! `lede serve`: the URL on stdout once listening, then requests until Ctrl-C or SIGTERM.

use std::io::{self, Write};

use anyhow::Result;

use super::index::build_default;
use crate::app::args::ServeArgs;
use crate::app::exit::Exit;

pub fn run(args: &ServeArgs) -> Result<Exit> {
    let ready = |addr: std::net::SocketAddr| {
        if !addr.ip().is_loopback() {
            eprintln!(
                "lede: warning: listening on {addr}: anyone who can reach it can search and \
                 read the whole index"
            );
        }
        let mut out = io::stdout().lock();
        let _ = writeln!(out, "http://{addr}").and_then(|_| out.flush());
    };
    if let Some(os) = args.remote.open(&args.index)? {
        lede::serve::serve_cluster(os, args.listen, ready)?;
        return Ok(Exit::Success);
    }
    let dir = args.index.path();
    if args.index.index.is_none() {
        build_default(&dir)?;
    }
    lede::serve::serve(&dir, args.listen, ready)?;
    Ok(Exit::Success)
}
