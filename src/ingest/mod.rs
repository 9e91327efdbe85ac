//! Importers: turn a published letter, a folder of records or a review file
//! into a [`Case`].
//!
//! Every importer reads through the same guarded file reader, so the limits
//! and the error messages are the same whichever door a file comes in by:
//!
//! * a single file may be at most [`MAX_FILE_BYTES`] (64 MiB) — larger files
//!   are refused rather than read into memory;
//! * a records folder may hold at most [`MAX_FOLDER_FILES`] (2,000) files;
//! * text that is not UTF-8 is decoded with replacement characters and the
//!   import carries a warning, because a few mis-encoded bytes should not
//!   stop a review;
//! * files with NUL bytes or mostly control characters are refused as binary.

mod demo;
mod letter;
mod native;
pub mod ocr;
mod pdf;
mod records;
pub mod split;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use once_cell::sync::Lazy;
use regex::Regex;

use crate::case::Case;

pub use demo::{demo_case, demo_case_as_of};
pub use letter::{letter_from_text, looks_like_letter};
pub use native::{case_from_ron, save_case_ron};
pub use pdf::{MAX_INFLATED_STREAM, PdfText, pdf_document, pdf_text};
pub use records::{
    RecordText, detect_date, detect_kind, detect_kind_and_title, records_from_texts,
};

/// Largest file any importer reads (64 MiB): far above a real record, small
/// enough that a mistaken pick (a disk image, a video) fails fast.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Most files one records folder may hold (2,000): a case file is tens of
/// documents; thousands means the wrong folder was chosen.
pub const MAX_FOLDER_FILES: usize = 2_000;

/// Most bytes one records folder (or one drop of several files) may hold in
/// total (256 MiB): four files at the single-file limit. Each file is under
/// its own limit, but without this many of them would still exhaust memory.
pub const MAX_FOLDER_BYTES: u64 = 256 * 1024 * 1024;

/// Most pages one records folder may hold in total (20,000): a large case
/// file is a few thousand pages.
pub const MAX_FOLDER_PAGES: usize = 20_000;

/// Why a file could not be imported. Every variant names the file, so a
/// message shown alone still tells the reviewer which file to fix.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{}: file not found", .path.display())]
    NotFound { path: PathBuf },
    #[error("{}: cannot be read: {source}", .path.display())]
    Unreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: the file is empty", .path.display())]
    Empty { path: PathBuf },
    #[error("{}: binary data, not a text document", .path.display())]
    Binary { path: PathBuf },
    #[error("{}: file is {size} bytes, over the limit of {limit} bytes (64 MiB)", .path.display())]
    TooLarge {
        path: PathBuf,
        size: u64,
        limit: u64,
    },
    #[error("{}: folder holds {count} files, over the limit of {limit}", .path.display())]
    TooManyFiles {
        path: PathBuf,
        count: usize,
        limit: usize,
    },
    #[error("{}: folder holds {size} bytes of records, over the total limit of {limit} bytes (256 MiB)", .path.display())]
    FolderTooLarge {
        path: PathBuf,
        size: u64,
        limit: u64,
    },
    #[error("{}: folder holds {pages} pages of records, over the total limit of {limit} pages", .path.display())]
    FolderTooManyPages {
        path: PathBuf,
        pages: usize,
        limit: usize,
    },
    #[error("{}: {kind}, not a regular file; only regular files are read", .path.display())]
    NotRegular { path: PathBuf, kind: &'static str },
    #[error("{}: folder holds no .txt or .pdf records", .path.display())]
    NoRecords { path: PathBuf },
    #[error("{}: unsupported file type (use .txt, .pdf, .ron or a folder)", .path.display())]
    UnsupportedType { path: PathBuf },
    #[error("{}: PDF has no text, neither a text layer nor any OCR could read (blank or unreadable scan)", .path.display())]
    NoTextLayer { path: PathBuf },
    #[error("{}: PDF is encrypted with a password; remove the password and try again", .path.display())]
    EncryptedPdf { path: PathBuf },
    #[error("{}: corrupt or unreadable PDF: {cause}", .path.display())]
    CorruptPdf { path: PathBuf, cause: String },
    #[error("{}:{line}:{column}: malformed case file: {message}", .path.display())]
    MalformedRon {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error(
        "{}: case file format version {found} is newer than this program supports ({supported}); update imrdesk",
        .path.display()
    )]
    NewerVersion {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
    #[error("{}: not a recognisable IMR letter: {reason}", .path.display())]
    NotALetter { path: PathBuf, reason: String },
}

/// A case read from disk, with the non-fatal problems met on the way (shown
/// to the reviewer, never dropped silently).
#[derive(Debug, Clone)]
pub struct Imported {
    pub case: Case,
    pub warnings: Vec<String>,
}

/// Loads whatever `path` is: a folder of records, a `.ron` review file, or a
/// `.txt`/`.pdf` that is either a published letter or a single record.
pub fn load(path: &Path) -> Result<Imported, ImportError> {
    let meta = regular_or_dir(path)?;
    if meta.is_dir() {
        return records::load_folder(path);
    }
    if !matches!(
        extension(path).as_deref(),
        Some("ron" | "txt" | "pdf" | "text")
    ) {
        return Err(ImportError::UnsupportedType {
            path: path.to_path_buf(),
        });
    }
    let bytes = read_bytes(path)?;
    load_bytes(path, &bytes)
}

/// Imports a file's contents already in memory exactly as [`load`] imports
/// the file itself (`path` picks the importer by extension and names the file
/// in errors): one door for the disk, drag-and-drop and the fuzz harness.
pub fn load_bytes(path: &Path, bytes: &[u8]) -> Result<Imported, ImportError> {
    check_size(path, bytes)?;
    match extension(path).as_deref() {
        Some("ron") => {
            let (text, warnings) = decode_text(path, bytes)?;
            let case = native::case_from_ron(&text, path)?;
            Ok(Imported { case, warnings })
        }
        Some("txt") | Some("pdf") | Some("text") => {
            let (text, mut warnings) = document_text(path, bytes)?;
            if looks_like_letter(&text) {
                let case = letter_from_text(&text, path)?;
                warnings.extend(letter_warnings(&case, path));
                warnings.extend(section_warnings(&text, path));
                Ok(Imported { case, warnings })
            } else {
                let mut imported = records::records_from_texts(
                    vec![RecordText {
                        origin: path.to_path_buf(),
                        text,
                    }],
                    crate::case::CaseSource::Records(path.to_path_buf()),
                );
                warnings.append(&mut imported.warnings);
                imported.warnings = warnings;
                Ok(imported)
            }
        }
        _ => Err(ImportError::UnsupportedType {
            path: path.to_path_buf(),
        }),
    }
}

/// The section headings of a published letter, each expected exactly once.
const LETTER_SECTIONS: [(&str, &str); 5] = [
    ("case number:", "header"),
    (
        "how the imr final determination was made",
        "how the determination was made",
    ),
    (
        "the expert reviewer has the following credentials",
        "reviewer credentials",
    ),
    ("clinical case summary", "clinical case summary"),
    (
        "imr issues, decisions and rationales",
        "IMR issues, decisions and rationales",
    ),
];

/// Sections missing or repeated: the letter still imports (the first copy
/// of a repeated section is used), but the reviewer is told the document is
/// not in the published shape, since a repeated block may hide an edit.
fn section_warnings(text: &str, path: &Path) -> Vec<String> {
    let lines: Vec<String> = text.lines().map(|l| l.trim().to_lowercase()).collect();
    let mut missing = Vec::new();
    let mut repeated = Vec::new();
    for (heading, name) in LETTER_SECTIONS {
        // A heading starts its line; the same words inside prose do not count.
        match lines.iter().filter(|l| l.starts_with(heading)).count() {
            0 => missing.push(name),
            1 => {}
            _ => repeated.push(name),
        }
    }
    let mut warnings = Vec::new();
    if !missing.is_empty() {
        warnings.push(format!(
            "{}: letter has no section: {}",
            path.display(),
            missing.join(", ")
        ));
    }
    if !repeated.is_empty() {
        warnings.push(format!(
            "{}: letter repeats a section (the first copy is used): {}",
            path.display(),
            repeated.join(", ")
        ));
    }
    warnings
}

/// What a letter lacked: the case still imports, but the reviewer is told
/// which header fields or sections were not found.
fn letter_warnings(case: &Case, path: &Path) -> Vec<String> {
    let m = &case.meta;
    let missing: Vec<&str> = [
        ("case number", m.case_number.is_none()),
        ("date of injury", m.date_of_injury.is_none()),
        ("date assigned", m.date_assigned.is_none()),
        ("UR denial date", m.ur_denial_date.is_none()),
        (
            "application received date",
            m.application_received.is_none(),
        ),
        ("decision date", m.decision_date.is_none()),
    ]
    .into_iter()
    .filter_map(|(name, absent)| absent.then_some(name))
    .collect();
    let mut warnings = Vec::new();
    if !missing.is_empty() {
        warnings.push(format!(
            "{}: letter header lacks {}",
            path.display(),
            missing.join(", ")
        ));
    }
    if case.documents.is_empty() {
        warnings.push(format!(
            "{}: no clinical case summary found; there are no records to read",
            path.display()
        ));
    }
    if case.reviewer.licensure.is_empty() && case.reviewer.specialties.is_empty() {
        warnings.push(format!("{}: no reviewer credentials found", path.display()));
    }
    warnings
}

/// Loads several record files (txt/pdf, or folders of them) as one case: the
/// way a reviewer drops a handful of reports onto the window.
pub fn load_many(paths: &[PathBuf]) -> Result<Imported, ImportError> {
    if let [single] = paths {
        return load(single);
    }
    let mut texts = Vec::new();
    let mut warnings = Vec::new();
    for path in paths {
        let meta = regular_or_dir(path)?;
        if meta.is_dir() {
            let (mut t, mut w) = records::read_folder(path)?;
            texts.append(&mut t);
            warnings.append(&mut w);
        } else {
            match extension(path).as_deref() {
                Some("txt") | Some("pdf") | Some("text") => {
                    let (text, mut w) = read_document(path)?;
                    warnings.append(&mut w);
                    texts.push(RecordText {
                        origin: path.clone(),
                        text,
                    });
                }
                _ => {
                    return Err(ImportError::UnsupportedType { path: path.clone() });
                }
            }
        }
    }
    let first = paths.first().cloned().unwrap_or_default();
    if texts.len() > MAX_FOLDER_FILES {
        return Err(ImportError::TooManyFiles {
            path: first,
            count: texts.len(),
            limit: MAX_FOLDER_FILES,
        });
    }
    let total: u64 = texts.iter().map(|t| t.text.len() as u64).sum();
    if total > MAX_FOLDER_BYTES {
        return Err(ImportError::FolderTooLarge {
            path: first,
            size: total,
            limit: MAX_FOLDER_BYTES,
        });
    }
    check_total_pages(&first, &texts)?;
    let origin = common_parent(paths);
    let mut imported = records::records_from_texts(texts, crate::case::CaseSource::Records(origin));
    warnings.append(&mut imported.warnings);
    imported.warnings = warnings;
    Ok(imported)
}

fn common_parent(paths: &[PathBuf]) -> PathBuf {
    let first = paths.first().cloned().unwrap_or_default();
    let parent = first.parent().map(Path::to_path_buf).unwrap_or_default();
    if paths.iter().all(|p| p.parent() == Some(parent.as_path())) {
        parent
    } else {
        first
    }
}

/// Lower-case extension of a path.
fn extension(path: &Path) -> Option<String> {
    path.extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase())
}

fn io_error(path: &Path, e: std::io::Error) -> ImportError {
    if e.kind() == std::io::ErrorKind::NotFound {
        ImportError::NotFound {
            path: path.to_path_buf(),
        }
    } else {
        ImportError::Unreadable {
            path: path.to_path_buf(),
            source: e,
        }
    }
}

/// Reads a file's bytes within the size limit; refuses empty files and
/// anything that is not a regular file (after following symlinks). The size
/// is checked from the metadata before reading, and the read itself is
/// bounded, so a file that lies about its size (`/proc`, a device behind a
/// symlink) still stops at the limit.
fn read_bytes(path: &Path) -> Result<Vec<u8>, ImportError> {
    let meta = regular_file(path)?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(ImportError::TooLarge {
            path: path.to_path_buf(),
            size: meta.len(),
            limit: MAX_FILE_BYTES,
        });
    }
    let bytes = read_bounded(path, MAX_FILE_BYTES).map_err(|e| match e.kind() {
        std::io::ErrorKind::FileTooLarge => ImportError::TooLarge {
            path: path.to_path_buf(),
            size: MAX_FILE_BYTES + 1,
            limit: MAX_FILE_BYTES,
        },
        _ => io_error(path, e),
    })?;
    check_size(path, &bytes)?;
    Ok(bytes)
}

/// Reads at most `limit` bytes of a file, failing with
/// [`std::io::ErrorKind::FileTooLarge`] when there is more: the one bounded
/// reader every opener (records, letters, review files, guidelines, keys) uses.
pub fn read_bounded(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(std::io::Error::new(
            std::io::ErrorKind::FileTooLarge,
            format!("more than {limit} bytes"),
        ));
    }
    Ok(bytes)
}

/// What kind of non-regular file `file_type` is, for messages.
pub fn special_kind(file_type: std::fs::FileType) -> Option<&'static str> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return Some("a FIFO (named pipe)");
        }
        if file_type.is_socket() {
            return Some("a socket");
        }
        if file_type.is_block_device() || file_type.is_char_device() {
            return Some("a device");
        }
    }
    if file_type.is_file() || file_type.is_dir() {
        None
    } else {
        Some("a special file")
    }
}

/// The metadata of `path` (symlinks followed) when it is a regular file;
/// otherwise an error naming what it is: a dangling symlink, a FIFO, a device
/// or a socket (opening a FIFO would hang, reading a device never ends).
pub fn regular_file(path: &Path) -> Result<std::fs::Metadata, ImportError> {
    let meta = regular_or_dir(path)?;
    if meta.is_dir() {
        return Err(ImportError::NotRegular {
            path: path.to_path_buf(),
            kind: "a folder",
        });
    }
    Ok(meta)
}

/// Like [`regular_file`] but a folder is accepted too.
pub(crate) fn regular_or_dir(path: &Path) -> Result<std::fs::Metadata, ImportError> {
    match std::fs::metadata(path) {
        Ok(meta) => match special_kind(meta.file_type()) {
            Some(kind) => Err(ImportError::NotRegular {
                path: path.to_path_buf(),
                kind,
            }),
            None => Ok(meta),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && is_symlink(path) => {
            Err(ImportError::NotRegular {
                path: path.to_path_buf(),
                kind: "a dangling symbolic link (its target does not exist)",
            })
        }
        Err(e) => Err(io_error(path, e)),
    }
}

fn is_symlink(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

/// The total page bound of a folder (pages are separated by form feeds).
pub(crate) fn check_total_pages(path: &Path, texts: &[RecordText]) -> Result<(), ImportError> {
    let pages: usize = texts
        .iter()
        .map(|t| t.text.matches('\x0c').count() + 1)
        .sum();
    if pages > MAX_FOLDER_PAGES {
        return Err(ImportError::FolderTooManyPages {
            path: path.to_path_buf(),
            pages,
            limit: MAX_FOLDER_PAGES,
        });
    }
    Ok(())
}

/// The size guards on bytes already read: not empty, within the limit.
fn check_size(path: &Path, bytes: &[u8]) -> Result<(), ImportError> {
    let size = bytes.len() as u64;
    if size > MAX_FILE_BYTES {
        return Err(ImportError::TooLarge {
            path: path.to_path_buf(),
            size,
            limit: MAX_FILE_BYTES,
        });
    }
    if bytes.is_empty() {
        return Err(ImportError::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok(())
}

/// Decodes text bytes: refuses binary data, decodes non-UTF-8 with
/// replacement (with a warning), refuses whitespace-only text. Public so a
/// caller holding bytes (the fuzz harness) decodes exactly as the loader does.
pub fn decode_text(path: &Path, bytes: &[u8]) -> Result<(String, Vec<String>), ImportError> {
    if let Some(text) = decode_unicode_bom(bytes) {
        let text = text.map_err(|bad| ImportError::NotALetter {
            path: path.to_path_buf(),
            reason: format!("the file starts with a {bad} byte-order mark but is not valid {bad}"),
        })?;
        return finish_text(path, text, Vec::new());
    }
    if looks_binary(bytes) {
        return Err(ImportError::Binary {
            path: path.to_path_buf(),
        });
    }
    let mut warnings = Vec::new();
    let text = match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => {
            let s = String::from_utf8_lossy(bytes).into_owned();
            let bad = s.matches('\u{FFFD}').count();
            warnings.push(format!(
                "{}: not valid UTF-8; {bad} undecodable byte sequence(s) shown as \u{FFFD}",
                path.display()
            ));
            s
        }
    };
    finish_text(path, text, warnings)
}

/// Drops a UTF-8 byte-order mark, turns lone CR line ends (old Mac files)
/// into LF so line-based parsing sees lines, refuses blank text.
fn finish_text(
    path: &Path,
    text: String,
    warnings: Vec<String>,
) -> Result<(String, Vec<String>), ImportError> {
    let text = text
        .strip_prefix('\u{FEFF}')
        .map(str::to_string)
        .unwrap_or(text);
    let text = normalize_lone_cr(text);
    if text.trim().is_empty() {
        return Err(ImportError::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok((text, warnings))
}

/// Replaces every CR not followed by LF with LF; CRLF is left as it is (every
/// parser already treats it as a line end), so offsets of such files do not move.
pub fn normalize_lone_cr(text: String) -> String {
    if !text.contains('\r') {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() != Some(&'\n') {
            out.push('\n');
        } else {
            out.push(c);
        }
    }
    out
}

/// Text with a UTF-16 or UTF-32 byte-order mark, decoded; `None` without one.
/// The error names the encoding when the bytes after the mark do not decode.
pub fn decode_unicode_bom(bytes: &[u8]) -> Option<Result<String, &'static str>> {
    let units = |body: &[u8], size: usize, le: bool| -> Vec<u32> {
        body.chunks(size)
            .map(|c| {
                let mut v = 0u32;
                for (i, b) in c.iter().enumerate() {
                    let shift = if le { i } else { size - 1 - i } * 8;
                    v |= u32::from(*b) << shift;
                }
                v
            })
            .collect()
    };
    // UTF-32 first: its little-endian mark begins with UTF-16's.
    let (name, size, le) = match bytes {
        [0xFF, 0xFE, 0, 0, ..] => ("UTF-32", 4, true),
        [0, 0, 0xFE, 0xFF, ..] => ("UTF-32", 4, false),
        [0xFF, 0xFE, ..] => ("UTF-16", 2, true),
        [0xFE, 0xFF, ..] => ("UTF-16", 2, false),
        _ => return None,
    };
    let body = bytes.get(size..).unwrap_or_default();
    if !body.len().is_multiple_of(size) {
        return Some(Err(name));
    }
    let units = units(body, size, le);
    let text = if size == 2 {
        let u16s: Vec<u16> = units.iter().map(|&u| u as u16).collect();
        String::from_utf16(&u16s).map_err(|_| name)
    } else {
        units
            .iter()
            .map(|&u| char::from_u32(u).ok_or(name))
            .collect()
    };
    Some(text)
}

/// A NUL byte, or more than 10% control bytes other than whitespace and form
/// feed in the first 8 KiB, marks a file as binary.
fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8192)];
    if head.contains(&0) {
        return true;
    }
    let control = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c))
        .count();
    control * 10 > head.len()
}

/// Reads a `.txt` or `.pdf` document as text (PDF pages joined by form feeds).
pub(crate) fn read_document(path: &Path) -> Result<(String, Vec<String>), ImportError> {
    let bytes = read_bytes(path)?;
    document_text(path, &bytes)
}

/// A `.txt` or `.pdf` document's bytes as text, by the extension of `path`.
fn document_text(path: &Path, bytes: &[u8]) -> Result<(String, Vec<String>), ImportError> {
    if extension(path).as_deref() == Some("pdf") {
        pdf::pdf_text(bytes, path)
    } else {
        decode_text(path, bytes)
    }
}

/// Collapses every run of whitespace (form feeds included) to one space.
pub(crate) fn normalize_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

static NUMERIC_DATE: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"^(\d{1,2})[/-](\d{1,2})[/-](\d{2}|\d{4})$").expect("static regex"));

/// Parses a full calendar date as records print them: 11/07/14,
/// 10-13-2016, 02/26/2016, "October 10, 2015", "Oct 10 2015".
pub(crate) fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim().trim_end_matches(['.', ',', ';', ':']);
    if let Some(c) = NUMERIC_DATE.captures(s) {
        let month: u32 = c.get(1)?.as_str().parse().ok()?;
        let day: u32 = c.get(2)?.as_str().parse().ok()?;
        let ytxt = c.get(3)?.as_str();
        let mut year: i32 = ytxt.parse().ok()?;
        if ytxt.len() == 2 {
            year += if year < 70 { 2000 } else { 1900 };
        }
        return NaiveDate::from_ymd_opt(year, month, day);
    }
    let cleaned = s.replace(',', " ");
    let cleaned = normalize_ws(&cleaned);
    for fmt in ["%B %d %Y", "%b %d %Y"] {
        if let Ok(d) = NaiveDate::parse_from_str(&cleaned, fmt) {
            return Some(d);
        }
    }
    None
}

/// Byte offsets where pages start in `text`: 0, then just after each form feed.
pub(crate) fn page_starts(text: &str) -> Vec<usize> {
    let mut starts = vec![0];
    starts.extend(
        text.match_indices('\x0c')
            .map(|(i, _)| i + 1)
            .filter(|&i| i < text.len()),
    );
    starts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_record_forms() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd);
        assert_eq!(parse_date("11/07/14"), d(2014, 11, 7));
        assert_eq!(parse_date("10-13-2016"), d(2016, 10, 13));
        assert_eq!(parse_date("October 10, 2015"), d(2015, 10, 10));
        assert_eq!(parse_date("13/40/2016"), None);
    }

    #[test]
    fn binary_detection() {
        assert!(looks_binary(b"abc\0def"));
        assert!(looks_binary(&[1u8, 2, 3, 4, 5, 6, 7, 8, b'a']));
        assert!(!looks_binary(b"Progress report\n\x0cPage 2\r\n"));
    }

    #[test]
    fn utf16_and_utf32_with_a_bom_decode_and_lone_cr_becomes_lf() {
        let text = "Progress report\rPain 6/10\r";
        let mut le16 = vec![0xFF, 0xFE];
        le16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        let mut be32 = vec![0, 0, 0xFE, 0xFF];
        be32.extend(text.chars().flat_map(|c| (c as u32).to_be_bytes()));
        for bytes in [le16, be32] {
            let (decoded, warnings) =
                decode_text(Path::new("r.txt"), &bytes).unwrap_or_else(|e| panic!("decode: {e}"));
            assert_eq!(decoded, "Progress report\nPain 6/10\n");
            assert!(warnings.is_empty());
        }
        assert_eq!(normalize_lone_cr("a\r\nb".into()), "a\r\nb");
    }

    #[test]
    fn page_starts_follow_form_feeds() {
        assert_eq!(page_starts("ab\x0ccd\x0c"), vec![0, 3]);
    }
}
