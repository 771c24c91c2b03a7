//! The index side: the schema (the only home of the index's field names), the analysis
//! chain, the index folder and its files (`folder`), opening and creating an index on disk
//! (`store`), telling a damaged one (`damage`), indexing a corpus incrementally (`indexer`),
//! rebuilding it aside (`rebuild`), keeping it current (`watch`), and merging it
//! (`maintenance`).

pub mod analyzer;
pub(crate) mod damage;
pub mod dedup;
pub(crate) mod folder;
pub mod indexer;
pub mod maintenance;
pub mod minhash;
pub(crate) mod rebuild;
mod roots;
pub mod schema;
pub mod store;
pub mod watch;

use std::path::PathBuf;

use crate::error::Error;

impl Error {
    /// Wraps a tantivy error with the index it concerns, recognising the lock held by a writer.
    pub fn index(path: impl Into<PathBuf>, source: tantivy::TantivyError) -> Error {
        let path = path.into();
        match source {
            tantivy::TantivyError::LockFailure(
                tantivy::directory::error::LockError::LockBusy,
                _,
            ) => Error::Locked(path),
            // A segment file that meta.json names and the folder lacks.
            tantivy::TantivyError::OpenReadError(
                tantivy::directory::error::OpenReadError::FileDoesNotExist(file),
            ) => {
                let name = file.file_name().unwrap_or(file.as_os_str());
                Error::Damaged {
                    reason: format!("its file '{}' is missing", name.to_string_lossy()),
                    path,
                }
            }
            // A damaged file (meta.json that is not JSON, a truncated segment): say how to
            // recover, and keep tantivy's account short (it quotes the whole file).
            reason if format!("{reason:?}").to_lowercase().contains("corrupt") => {
                let text = match &reason {
                    tantivy::TantivyError::DataCorruption(c) => format!("{c:?}"),
                    other => other.to_string(),
                };
                let text = text.split(" Content:").next().unwrap_or_default();
                Error::Damaged {
                    path,
                    reason: text.chars().take(200).collect(),
                }
            }
            reason => Error::Index {
                path,
                reason: reason.to_string(),
            },
        }
    }
}
