//! Helpers shared by the integration tests.

use std::path::PathBuf;

/// The published letters the corpus tests read: `IMRDESK_CORPUS`, else
/// `../shared/corpus/dev` beside the crate. When the folder is absent the
/// test says so on stderr and is skipped (it never passes silently).
pub fn corpus_dir(test: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("IMRDESK_CORPUS").map_or_else(
        || PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus/dev")),
        PathBuf::from,
    );
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("corpus folder {} is absent: {test} skipped", dir.display());
        None
    }
}
