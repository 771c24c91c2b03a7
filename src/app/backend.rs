//! Which engine a command talks to: the local index folder, or with `--opensearch URL/INDEX`
//! (or `LEDE_OPENSEARCH`) an index on an OpenSearch cluster. Commands hold a
//! `Box<dyn Backend>` and do not know which.

use anyhow::Result;
use lede::remote::OPENSEARCH_VAR;
use lede::{Backend, Engine, OpenSearch};

use super::args::{IndexDir, RemoteArgs};

impl RemoteArgs {
    /// The cluster and index asked for: `--opensearch`, else the environment variable unless
    /// `--index` names a folder (a flag beats the environment; clap refuses the two flags
    /// together).
    pub fn target(&self, index: &IndexDir) -> Option<String> {
        self.opensearch
            .clone()
            .or_else(|| {
                index
                    .index
                    .is_none()
                    .then(|| std::env::var(OPENSEARCH_VAR).ok())
                    .flatten()
            })
            .filter(|t| !t.trim().is_empty())
    }

    /// The OpenSearch index asked for, if any.
    pub fn open(&self, index: &IndexDir) -> Result<Option<OpenSearch>> {
        Ok(match self.target(index) {
            Some(target) => Some(OpenSearch::connect(&target)?),
            None => None,
        })
    }
}

/// The backend a command searches: the cluster when one is named, else the index folder.
pub fn open_backend(remote: &RemoteArgs, index: &IndexDir) -> Result<Box<dyn Backend>> {
    Ok(match remote.open(index)? {
        Some(os) => Box::new(os),
        None => Box::new(Engine::open(&index.path())?),
    })
}
