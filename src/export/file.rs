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
//! neither as final nor silently as a draft); one signed with a legacy
//! keyless hash or an untrusted key exports marked "signature not verified".
//!
//! The destination is guarded ([`check_destination`]): never an input of the
//! same run, never an existing review file, never a FIFO, device or socket.
//! The output is written atomically through a temp file of ours in the
//! target folder (removed on every error path; stale ones from a killed
//! run are removed first), keeping an existing file's permissions, so a
//! failed export — a full disk included — leaves the old file intact.

use std::path::{Path, PathBuf};

use super::check::{ConsistencyIssue, Severity, check};
use super::content::LetterContent;
use super::{ExportError, Format, export};
use crate::assessment::Analysis;
use crate::case::Case;
use crate::guideline::Library;
use crate::review::file::{ReviewFileError, is_review_path, load as load_review};
use crate::review::{FileSystem, KeyStore, RealFs, ReviewState, Verification};

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
    /// Problems of the rendering itself, e.g. characters the PDF fonts lack
    /// (printed as "?"), each a sentence naming what is affected.
    pub warnings: Vec<String>,
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
    check_destination(output, &[file])?;
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
    check_destination(output, &[])?;
    let content = review_content(state, output)?;
    export_content(&content, output, format, output, false, fs)
}

/// The letter content of a review, after its signature is checked with the
/// trusted keys of the settings folder: an altered review is refused
/// (`source` names it); a legacy or untrusted one is marked.
fn review_content(state: &ReviewState, source: &Path) -> Result<LetterContent, ExportError> {
    let mut content = LetterContent::from_review(state);
    content.unverified = match trust_check(state) {
        Verification::Altered { reason } => {
            return Err(ExportError::Review(Box::new(
                ReviewFileError::SignatureMismatch {
                    path: source.to_path_buf(),
                    reason,
                },
            )));
        }
        Verification::Legacy { signer } => Some(format!(
            "signed by {signer} with an older keyless hash; the signer cannot be verified."
        )),
        Verification::Intact {
            trusted: false,
            fingerprint,
            ..
        } => Some(format!(
            "signed with key {fingerprint}, which is not in this installation's trusted keys."
        )),
        Verification::Intact { trusted: true, .. } | Verification::Unsigned => None,
    };
    Ok(content)
}

/// The review's signature checked against the settings folder's trusted
/// keys; with no readable key store, nothing is trusted.
fn trust_check(state: &ReviewState) -> Verification {
    match KeyStore::open_default() {
        Ok(store) => store.verify(state),
        Err(_) => crate::review::signature::check(state),
    }
}

/// Refuses a destination that would lose something: an input of this run
/// (a file named among `inputs`, or a file inside an input folder), an
/// existing review file, or anything that is not a regular file. Called
/// before any work so a refused export costs nothing.
pub fn check_destination(output: &Path, inputs: &[&Path]) -> Result<(), ExportError> {
    let refuse = |why: String| ExportError::Write {
        path: output.to_path_buf(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidInput, why),
    };
    let Ok(meta) = std::fs::metadata(output) else {
        // Absent (or a dangling link): nothing to lose. The parent folder of
        // a new file inside an input folder is still checked below.
        return check_new_in_input_folder(output, inputs).map_err(refuse);
    };
    if let Some(kind) = crate::ingest::special_kind(meta.file_type()) {
        return Err(refuse(format!(
            "{kind}, not a regular file; refusing to write to it"
        )));
    }
    if meta.is_dir() {
        return Err(refuse("a folder; give a file name".into()));
    }
    for input in inputs {
        if same_file(output, input) || inside(output, input) {
            return Err(refuse(format!(
                "it is an input of this export ({}); choose another file name",
                input.display()
            )));
        }
    }
    if is_review_path(output) || looks_like_review(output) {
        return Err(refuse(
            "it is an existing review file; an export never replaces a review".into(),
        ));
    }
    Ok(())
}

/// A new file written straight into a records folder that is an input would
/// become one of its records the next time the folder is read.
fn check_new_in_input_folder(output: &Path, inputs: &[&Path]) -> Result<(), String> {
    for input in inputs {
        if input.is_dir() && inside(output, input) {
            return Err(format!(
                "it is inside the records folder {} being exported; choose another folder",
                input.display()
            ));
        }
    }
    Ok(())
}

/// Whether two paths name the same file (same device and inode on Unix).
fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(x), Ok(y)) = (std::fs::metadata(a), std::fs::metadata(b)) {
            return x.dev() == y.dev() && x.ino() == y.ino();
        }
        false
    }
    #[cfg(not(unix))]
    {
        matches!(
            (std::fs::canonicalize(a), std::fs::canonicalize(b)),
            (Ok(x), Ok(y)) if x == y
        )
    }
}

/// Whether `path` lies directly in the folder `dir`.
fn inside(path: &Path, dir: &Path) -> bool {
    if !dir.is_dir() {
        return false;
    }
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    same_file(parent, dir)
}

/// Whether an existing file's first bytes are those of a review file
/// (`(format_version: N, mode: …`), whatever its extension.
fn looks_like_review(path: &Path) -> bool {
    use std::io::Read;
    let mut head = Vec::new();
    let read = std::fs::File::open(path).and_then(|f| f.take(512).read_to_end(&mut head));
    if read.is_err() {
        return false;
    }
    let text = String::from_utf8_lossy(&head);
    let compact: String = text
        .trim_start_matches('\u{FEFF}')
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let Some(rest) = compact.strip_prefix("(format_version:") else {
        return false;
    };
    let rest = rest.trim_start_matches(|c: char| c.is_ascii_digit());
    rest.starts_with(",mode:")
}

/// Writes `bytes` to `output` for a command that read `inputs` (`eval
/// --json`): the same destination guard and atomic write as an export.
pub fn write_guarded(output: &Path, bytes: &[u8], inputs: &[&Path]) -> Result<(), ExportError> {
    check_destination(output, inputs)?;
    clean_temps_beside(output);
    write_atomic(output, bytes)
}

/// Removes stale temp files of ours beside `output`, left by a killed run.
fn clean_temps_beside(output: &Path) {
    let dir = match output.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    crate::review::env::clean_stale_temps(dir);
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
    let warnings = render_warnings(content, format)?;
    let bytes = export(content, format)?;
    clean_temps_beside(output);
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
        warnings,
    })
}

/// What the chosen format cannot show faithfully: for a PDF, the characters
/// its embedded fonts lack, listed so a "?" in the letter is never silent.
fn render_warnings(content: &LetterContent, format: Format) -> Result<Vec<String>, ExportError> {
    if format != Format::Pdf {
        return Ok(Vec::new());
    }
    let missing = super::pdf::missing_chars(content)?;
    if missing.is_empty() {
        return Ok(Vec::new());
    }
    let listed: Vec<String> = missing
        .iter()
        .take(40)
        .map(|c| format!("{c} (U+{:04X})", u32::from(*c)))
        .collect();
    let more = missing.len().saturating_sub(listed.len());
    let tail = if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    };
    Ok(vec![format!(
        "the PDF fonts lack {} character(s), printed as \"?\": {}{tail}; the other formats keep them",
        missing.len(),
        listed.join(", ")
    )])
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
        return review_content(&state, file);
    }
    let is_ron = file
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("ron"));
    if is_ron {
        match load_review(&RealFs, file) {
            Ok(state) => return review_content(&state, file),
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
