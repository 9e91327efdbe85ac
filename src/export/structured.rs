//! The structured review as RON (our native notation) and JSON (for other
//! systems): the whole [`LetterContent`], whose field docs are the schema.

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
