//! The determination letter and its exports.
//!
//! [`LetterContent`] is the one input every format renders: built from the
//! engine's analysis (a draft with its suggestions) or from the reviewer's
//! state. [`export`] turns it into bytes in any [`Format`]; [`check()`] lists
//! the inconsistencies to fix before a letter is sent. Nothing here touches
//! the file system or the network: callers decide where the bytes go.

pub mod check;
pub mod content;
pub mod docx;
pub mod fhir;
pub mod file;
pub mod html;
pub mod letter;
pub mod markdown;
pub mod pdf;
pub mod structured;
pub mod text;

use std::fmt;
use std::str::FromStr;

use thiserror::Error;

pub use crate::review::Signature;
pub use check::{ConsistencyIssue, IssueKind, Severity, blocks_final, check};
pub use content::{
    AnswerOrigin, AuditLine, ChecklistAnswer, DocumentEntry, EvidenceQuote, GuidelineRef,
    LetterContent, LetterItem, SCHEMA_VERSION,
};
pub use file::{ExportOutcome, export_file, export_file_with, load_content, write_atomic};

/// The formats a letter or review exports to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Pdf,
    Docx,
    Markdown,
    Html,
    Text,
    Ron,
    Json,
    Fhir,
}

impl Format {
    /// Every format, in the order menus list them.
    pub const ALL: [Format; 8] = [
        Format::Pdf,
        Format::Docx,
        Format::Markdown,
        Format::Html,
        Format::Text,
        Format::Ron,
        Format::Json,
        Format::Fhir,
    ];

    /// The file extension (without the dot) a saved export gets.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Docx => "docx",
            Format::Markdown => "md",
            Format::Html => "html",
            Format::Text => "txt",
            Format::Ron => "ron",
            Format::Json => "json",
            Format::Fhir => "fhir.json",
        }
    }

    /// The short name the command line takes (`--format fhir`).
    pub fn name(self) -> &'static str {
        match self {
            Format::Fhir => "fhir",
            other => other.extension(),
        }
    }

    /// What a menu shows.
    pub fn label(self) -> &'static str {
        match self {
            Format::Pdf => "PDF letter",
            Format::Docx => "Word letter (DOCX)",
            Format::Markdown => "Markdown letter",
            Format::Html => "HTML letter (printable)",
            Format::Text => "Plain-text letter",
            Format::Ron => "Structured review (RON)",
            Format::Json => "Structured review (JSON)",
            Format::Fhir => "Checklist as FHIR R4 QuestionnaireResponse",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A format name that is not one of ours.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error(
    "unknown export format \"{0}\" (expected one of: pdf, docx, md, html, txt, ron, json, fhir)"
)]
pub struct UnknownFormat(pub String);

impl FromStr for Format {
    type Err = UnknownFormat;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "pdf" => Ok(Format::Pdf),
            "docx" | "word" => Ok(Format::Docx),
            "md" | "markdown" => Ok(Format::Markdown),
            "html" | "htm" => Ok(Format::Html),
            "txt" | "text" => Ok(Format::Text),
            "ron" => Ok(Format::Ron),
            "json" => Ok(Format::Json),
            "fhir" | "fhir.json" => Ok(Format::Fhir),
            other => Err(UnknownFormat(other.to_string())),
        }
    }
}

/// Why an export failed.
#[derive(Debug, Error)]
pub enum ExportError {
    /// A letter marked final must carry the reviewer's signature.
    #[error(
        "the letter is marked final but the review is not signed: finalize the review or export a draft"
    )]
    NotFinalized,
    /// An embedded font could not be read or subset.
    #[error("font {font}: {cause}")]
    Font { font: String, cause: String },
    #[error("could not write {format}: {cause}")]
    Serialize { format: &'static str, cause: String },
    #[error("could not read {format}: {cause}")]
    Parse { format: &'static str, cause: String },
    #[error("the export uses schema version {found}; this program reads up to {supported}")]
    NewerSchema { found: u32, supported: u32 },
    #[error(transparent)]
    UnknownFormat(#[from] UnknownFormat),
    /// The input could not be imported (the message names the file).
    #[error(transparent)]
    Import(Box<crate::ingest::ImportError>),
    /// The review file could not be opened (the message names the file).
    #[error(transparent)]
    Review(Box<crate::review::file::ReviewFileError>),
    #[error("{}: cannot write the export: {source}", path.display())]
    Write {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    /// A final letter failed an error-level consistency check.
    #[error("{}: the final letter is inconsistent, not exported: {}", path.display(), issues.join(" "))]
    Inconsistent {
        path: std::path::PathBuf,
        issues: Vec<String>,
    },
}

/// Renders the letter or the structured review in one format.
///
/// A letter marked final without a signature is refused: an unsigned
/// determination must never look final. Drafts are watermarked "DRAFT".
pub fn export(content: &LetterContent, format: Format) -> Result<Vec<u8>, ExportError> {
    if !content.draft && content.signature.is_none() {
        return Err(ExportError::NotFinalized);
    }
    Ok(match format {
        Format::Pdf => pdf::render(content)?,
        Format::Docx => docx::render(content)?,
        Format::Markdown => markdown::render(content).into_bytes(),
        Format::Html => html::render(content).into_bytes(),
        Format::Text => text::render(content).into_bytes(),
        Format::Ron => structured::to_ron(content)?.into_bytes(),
        Format::Json => structured::to_json(content)?.into_bytes(),
        Format::Fhir => fhir::render(content)?,
    })
}
