//! Which engine a command talks to: the local index folder, or with `--opensearch URL/INDEX`
//! (or `LEDE_OPENSEARCH`) an index on an OpenSearch cluster. Commands hold a
//! `Box<dyn Backend>` and do not know which.

use std::path::Path;

use anyhow::Result;
use lede::remote::OPENSEARCH_VAR;
use lede::{Backend, Engine, OpenSearch};

use super::args::RemoteArgs;

impl RemoteArgs {
    /// The cluster and index asked for: the flag, else the environment variable.
    pub fn target(&self) -> Option<String> {
        self.opensearch
            .clone()
            .or_else(|| std::env::var(OPENSEARCH_VAR).ok())
            .filter(|t| !t.trim().is_empty())
    }

    /// The OpenSearch index asked for, if any.
    pub fn open(&self) -> Result<Option<OpenSearch>> {
        Ok(match self.target() {
            Some(target) => Some(OpenSearch::connect(&target)?),
            None => None,
        })
    }
}

/// The backend a command searches: the cluster when one is named, else the index in `dir`.
pub fn open_backend(remote: &RemoteArgs, dir: &Path) -> Result<Box<dyn Backend>> {
    Ok(match remote.open()? {
        Some(os) => Box::new(os),
        None => Box::new(Engine::open(dir)?),
    })
}
