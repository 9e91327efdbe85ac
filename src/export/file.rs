//! Exporting from a file on disk to a file on disk: what `imrdesk export`
//! and the GUI's export dialog call.
//!
//! The input may be a review file (`.imrreview`, its autosave, or `.ron`), a published
//! letter (text or PDF), a case RON, or a folder of records. A review exports
//! as it stands (a draft until finalized); anything else exports as a draft
//! with the engine's suggestions. The consistency checks run first: a final
//! letter with an error-level issue is refused unless the caller insists,
//! and every issue is returned so the caller can show it. A finalized review
//! whose signature no longer matches is refused outright (it can go out
//! neither as final nor silently as a draft). The output is
//! written atomically, so a failed export never leaves half a file.

use std::path::{Path, PathBuf};

use super::check::{ConsistencyIssue, Severity, check};
use super::content::LetterContent;
use super::{ExportError, Format, export};
use crate::assessment::Analysis;
use crate::case::Case;
use crate::guideline::Library;
use crate::review::file::{ReviewFileError, is_review_path, load as load_review};
use crate::review::{FileSystem, RealFs, ReviewState};

/// What an export did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportOutcome {
    pub format: Format,
    pub output: PathBuf,
    /// True when the letter went out as a draft (watermarked).
    pub draft: bool,
    pub bytes: usize,
    /// Every consistency issue found, warnings included.
    pub issues: Vec<ConsistencyIssue>,
}

/// Exports `file` to `output` in the named format, analysing non-review
/// inputs with the built-in engine and `library`.
pub fn export_file(
    file: &Path,
    format: &str,
    output: &Path,
    library: &Library,
) -> Result<ExportOutcome, ExportError> {
    let format: Format = format.parse()?;
    export_file_with(file, format, output, false, &|case: &Case| {
        crate::engine::analyze(case, library)
    })
}

/// Exports with a caller-chosen analysis (e.g. with the extractor's facts)
/// and, with `allow_inconsistent`, past error-level consistency issues.
pub fn export_file_with(
    file: &Path,
    format: Format,
    output: &Path,
    allow_inconsistent: bool,
    analyze: &dyn Fn(&Case) -> Analysis,
) -> Result<ExportOutcome, ExportError> {
    let content = load_content(file, analyze)?;
    export_content(&content, file, format, output, allow_inconsistent, &RealFs)
}

/// Exports the review as it stands in memory (the workstation's export):
/// the same consistency checks and refusal as [`export_file`], written
/// atomically through `fs`. An unfinalized review goes out as a draft.
pub fn export_review_to(
    state: &ReviewState,
    format: Format,
    output: &Path,
    fs: &dyn FileSystem,
) -> Result<ExportOutcome, ExportError> {
    let content = LetterContent::from_review(state);
    export_content(&content, output, format, output, false, fs)
}

/// The one export path: check, refuse a final letter with an error-level
/// issue (naming `source`) unless `allow_inconsistent`, render, write.
fn export_content(
    content: &LetterContent,
    source: &Path,
    format: Format,
    output: &Path,
    allow_inconsistent: bool,
    fs: &dyn FileSystem,
) -> Result<ExportOutcome, ExportError> {
    let issues = match &content.case {
        Some(case) => check(content, case),
        None => Vec::new(),
    };
    let errors: Vec<&ConsistencyIssue> = issues
        .iter()
        .filter(|i| i.severity == Severity::Error)
        .collect();
    if !content.draft && !allow_inconsistent && !errors.is_empty() {
        return Err(ExportError::Inconsistent {
            path: source.to_path_buf(),
            issues: errors.iter().map(|i| i.message.clone()).collect(),
        });
    }
    let bytes = export(content, format)?;
    fs.write_atomic(output, &bytes)
        .map_err(|source| ExportError::Write {
            path: output.to_path_buf(),
            source,
        })?;
    Ok(ExportOutcome {
        format,
        output: output.to_path_buf(),
        draft: content.draft,
        bytes: bytes.len(),
        issues,
    })
}

/// The letter content of an input file: the review as it stands, or a draft
/// from the engine's analysis of the case (the expert reference of a
/// published letter is removed first; the engine never sees it).
pub fn load_content(
    file: &Path,
    analyze: &dyn Fn(&Case) -> Analysis,
) -> Result<LetterContent, ExportError> {
    if is_review_path(file) {
        // A review file is only ever a review: any failure to open it,
        // a signature that no longer matches above all, ends the export, so a
        // changed finalized review can never go out as final.
        let state = load_review(&RealFs, file).map_err(|e| ExportError::Review(Box::new(e)))?;
        return Ok(LetterContent::from_review(&state));
    }
    let is_ron = file
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("ron"));
    if is_ron {
        match load_review(&RealFs, file) {
            Ok(state) => return Ok(LetterContent::from_review(&state)),
            // Not a review: perhaps a case file; fall through to the importer.
            Err(ReviewFileError::Malformed { .. }) => {}
            Err(e) => return Err(ExportError::Review(Box::new(e))),
        }
    }
    let imported = crate::ingest::load(file).map_err(|e| ExportError::Import(Box::new(e)))?;
    let case = imported.case.without_reference();
    let analysis = analyze(&case);
    Ok(LetterContent::from_analysis(&case, &analysis))
}

/// Writes through a temporary file in the same folder, then renames it over
/// the target: readers see the old file or the new one, never a partial one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), ExportError> {
    RealFs
        .write_atomic(path, bytes)
        .map_err(|source| ExportError::Write {
            path: path.to_path_buf(),
            source,
        })
}
