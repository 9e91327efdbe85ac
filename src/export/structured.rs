//! The structured review as RON (our native notation) and JSON (for other
//! systems): the whole [`LetterContent`], whose field docs are the schema.
//!
//! JSON layout (serde's default mapping; enums are their variant names):
//!
//! - `schema_version` (number): [`SCHEMA_VERSION`]; readers refuse newer.
//! - `meta`: `case_number`, `date_of_injury`, `date_assigned`,
//!   `ur_denial_date`, `application_received`, `decision_date`,
//!   `decision_due` (ISO dates or null), `priority` (`Standard`|`Expedited`).
//! - `credentials`: `licensure` and `specialties` (string arrays).
//! - `documents[]`: `id`, `kind` (e.g. `ProgressReport`), `title`, `date`.
//! - `summary` (string; blank lines separate paragraphs).
//! - `items[]`: `id`, `text`, `partial` (`original`/`authorized`/`disputed`
//!   or null), `request` (the parsed request or null), `decision` and
//!   `suggested` (`MedicallyNecessary`|`NotMedicallyNecessary`|
//!   `PartiallyCertified`), `guideline` (`id`, `title`, `citation` or null),
//!   `rationale`, `checklist[]` (`id`, `question`, `suggested`, `answer`
//!   (`Met`|`NotMet`|`NotDocumented`), `origin` (`Engine`|`Override`|
//!   `Manual`), `override_reason`, `evidence[]` (`doc`, `quote`, `date`)).
//! - `draft` (bool), `signature` (`reviewer_name`, `credentials`,
//!   `signed_at` RFC 3339, `content_hash` SHA-256 hex; or null),
//!   `audit[]` (`at`, `action`).
//! - `case` and `analysis` (optional): the full case with its records and
//!   the engine's analysis as computed, as the review file stores them.

use super::ExportError;
use super::content::{LetterContent, SCHEMA_VERSION};

/// Serialises the review as pretty RON.
pub fn to_ron(content: &LetterContent) -> Result<String, ExportError> {
    let config = ron::ser::PrettyConfig::new().struct_names(true);
    ron::ser::to_string_pretty(content, config).map_err(|e| ExportError::Serialize {
        format: "RON",
        cause: e.to_string(),
    })
}

/// Serialises the review as pretty JSON.
pub fn to_json(content: &LetterContent) -> Result<String, ExportError> {
    serde_json::to_string_pretty(content).map_err(|e| ExportError::Serialize {
        format: "JSON",
        cause: e.to_string(),
    })
}

/// Reads a RON export back, refusing newer schema versions.
pub fn from_ron(text: &str) -> Result<LetterContent, ExportError> {
    let content: LetterContent = ron::from_str(text).map_err(|e| ExportError::Parse {
        format: "RON",
        cause: e.to_string(),
    })?;
    supported(content)
}

/// Reads a JSON export back, refusing newer schema versions.
pub fn from_json(text: &str) -> Result<LetterContent, ExportError> {
    let content: LetterContent = serde_json::from_str(text).map_err(|e| ExportError::Parse {
        format: "JSON",
        cause: e.to_string(),
    })?;
    supported(content)
}

fn supported(content: LetterContent) -> Result<LetterContent, ExportError> {
    if content.schema_version > SCHEMA_VERSION {
        return Err(ExportError::NewerSchema {
            found: content.schema_version,
            supported: SCHEMA_VERSION,
        });
    }
    Ok(content)
}
