//! The review file: RON on disk, written atomically, with an autosave beside
//! it and a check that a finalized review still matches its signature.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::ReviewState;
use super::env::FileSystem;
use super::signature::{self, Verification};
use super::{REVIEW_FORMAT_VERSION as FORMAT_VERSION, Status};

/// The extension of review files, so the open dialog can filter on it.
pub const REVIEW_EXTENSION: &str = "imrreview";

/// Whether `path` names a review file by its extension: a saved review
/// (`.imrreview`) or its autosave (`….autosave`). Every opener (window,
/// `analyze`, `export`) uses this, so a review is never mistaken for a letter
/// and its signature is always checked.
pub fn is_review_path(path: &Path) -> bool {
    path.extension().is_some_and(|e| {
        e.eq_ignore_ascii_case(REVIEW_EXTENSION) || e.eq_ignore_ascii_case("autosave")
    })
}

/// Review files larger than this are refused before parsing: no real review
/// is near it, and reading one would stall the window.
pub const MAX_REVIEW_BYTES: usize = 256 * 1024 * 1024;

/// Why a review file could not be saved or opened. Every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum ReviewFileError {
    #[error("{}: cannot read the file: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: cannot write the file: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: the file is not UTF-8 text, so it is not a review file", path.display())]
    NotUtf8 { path: PathBuf },
    #[error("{}: the file is too large for a review file ({size} bytes; the limit is {limit})", path.display())]
    TooLarge {
        path: PathBuf,
        size: u64,
        limit: usize,
    },
    #[error("{}: malformed review file at line {line}, column {column}: {message}", path.display())]
    Malformed {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error(
        "{}: written by a newer imrdesk (format version {found}; this version reads up to {supported})",
        path.display()
    )]
    TooNew {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
    #[error(
        "{}: signature does not match — the finalized review was changed after it was signed ({reason})",
        path.display()
    )]
    SignatureMismatch { path: PathBuf, reason: String },
    #[error("{}: the review is marked finalized but is not complete: {missing}", path.display())]
    Incomplete { path: PathBuf, missing: String },
    #[error("{}: cannot serialise the review: {message}", path.display())]
    Serialise { path: PathBuf, message: String },
}

/// The review as the file stores it (pretty RON, so a reviewer or an auditor
/// can read it in a text editor).
pub fn to_ron(state: &ReviewState, path: &Path) -> Result<String, ReviewFileError> {
    let config = ron::ser::PrettyConfig::new()
        .depth_limit(12)
        .indentor("  ".to_string());
    ron::ser::to_string_pretty(state, config).map_err(|e| ReviewFileError::Serialise {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

/// Parses review text; `path` only names the file in errors. Checks the
/// format version before the body, so a newer file is refused with that
/// reason rather than with a confusing parse error, and verifies the
/// signature of a finalized review.
pub fn from_ron(text: &str, path: &Path) -> Result<ReviewState, ReviewFileError> {
    #[derive(Deserialize)]
    struct VersionProbe {
        format_version: u32,
    }
    let malformed = |e: ron::error::SpannedError| ReviewFileError::Malformed {
        path: path.to_path_buf(),
        line: e.span.start.line,
        column: e.span.start.col,
        message: e.code.to_string(),
    };
    let probe: VersionProbe = ron::from_str(text).map_err(malformed)?;
    if probe.format_version > FORMAT_VERSION {
        return Err(ReviewFileError::TooNew {
            path: path.to_path_buf(),
            found: probe.format_version,
            supported: FORMAT_VERSION,
        });
    }
    let state: ReviewState = ron::from_str(text).map_err(malformed)?;
    check_finalized(&state, path)?;
    Ok(state)
}

/// A finalized review must match its signature and pass the finalize checks
/// again (every item decided, every rationale present, overrides
/// explained): a file edited to look finalized is refused, whoever signed it.
fn check_finalized(state: &ReviewState, path: &Path) -> Result<(), ReviewFileError> {
    if let Verification::Altered { reason } = signature::check(state) {
        return Err(ReviewFileError::SignatureMismatch {
            path: path.to_path_buf(),
            reason,
        });
    }
    if state.status != Status::Finalized {
        return Ok(());
    }
    let signer = state
        .signature
        .as_ref()
        .map(|s| s.reviewer_name.as_str())
        .unwrap_or_default();
    let missing = state.missing_for_finalize(signer);
    if missing.is_empty() {
        return Ok(());
    }
    Err(ReviewFileError::Incomplete {
        path: path.to_path_buf(),
        missing: missing
            .iter()
            .map(|m| m.to_string())
            .collect::<Vec<_>>()
            .join("; "),
    })
}

/// Saves atomically (the old file stays intact until the new one is
/// complete) and removes the now stale autosave.
pub fn save(fs: &dyn FileSystem, state: &ReviewState, path: &Path) -> Result<(), ReviewFileError> {
    let text = to_ron(state, path)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        // Temp files a killed save left behind (ours only, by prefix and age).
        super::env::clean_stale_temps(dir);
    }
    fs.write_atomic(path, text.as_bytes())
        .map_err(|source| ReviewFileError::Write {
            path: path.to_path_buf(),
            source,
        })?;
    let autosave = autosave_path(path);
    if fs.modified(&autosave).is_some() {
        // A stale autosave left behind only means a needless restore offer.
        let _ = fs.remove(&autosave);
    }
    Ok(())
}

/// Writes the autosave beside `path` (the saved file itself is untouched).
pub fn autosave(
    fs: &dyn FileSystem,
    state: &ReviewState,
    path: &Path,
) -> Result<PathBuf, ReviewFileError> {
    let target = autosave_path(path);
    let text = to_ron(state, &target)?;
    fs.write_atomic(&target, text.as_bytes())
        .map_err(|source| ReviewFileError::Write {
            path: target.clone(),
            source,
        })?;
    Ok(target)
}

/// Opens a review file.
pub fn load(fs: &dyn FileSystem, path: &Path) -> Result<ReviewState, ReviewFileError> {
    // The real filesystem checks the size before reading and bounds the read
    // (see `RealFs::read`); the check here covers every other filesystem.
    let too_large = |size: u64| ReviewFileError::TooLarge {
        path: path.to_path_buf(),
        size,
        limit: MAX_REVIEW_BYTES,
    };
    let bytes = fs.read(path).map_err(|source| match source.kind() {
        // Its size, from the metadata the read checked first.
        std::io::ErrorKind::FileTooLarge => {
            too_large(std::fs::metadata(path).map_or(MAX_REVIEW_BYTES as u64 + 1, |m| m.len()))
        }
        _ => ReviewFileError::Read {
            path: path.to_path_buf(),
            source,
        },
    })?;
    if bytes.len() > MAX_REVIEW_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    let text = String::from_utf8(bytes).map_err(|_| ReviewFileError::NotUtf8 {
        path: path.to_path_buf(),
    })?;
    // An editor may have added a byte-order mark; RON does not allow one.
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(&text);
    from_ron(text, path)
}

/// The autosave of `path`: the same name with `.autosave` appended, in the
/// same directory (so it lives and dies with the review).
pub fn autosave_path(path: &Path) -> PathBuf {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".autosave");
    path.with_file_name(name)
}

/// The autosave to offer for restoring: one exists and is newer than the
/// saved file (or the file was never saved).
pub fn newer_autosave(fs: &dyn FileSystem, path: &Path) -> Option<PathBuf> {
    let autosave = autosave_path(path);
    let auto_time = fs.modified(&autosave)?;
    match fs.modified(path) {
        Some(saved_time) if saved_time >= auto_time => None,
        _ => Some(autosave),
    }
}
