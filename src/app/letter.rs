//! The letter preview and export, through the export module's renderers so
//! the preview is exactly what will be written.

use std::path::Path;
use std::str::FromStr;

use crate::export::{self, Format, LetterContent};
use crate::review::ReviewState;

/// The letter as plain text, as the review stands (a draft until finalized).
pub fn letter_text(state: &ReviewState) -> String {
    export::text::render(&LetterContent::from_review(state))
}

/// The letter (or structured review) in the format the file extension names
/// (plain text when the extension is not an export format).
pub fn letter_bytes(state: &ReviewState, path: &Path) -> Result<Vec<u8>, String> {
    let format = path
        .extension()
        .and_then(|e| e.to_str())
        .and_then(|e| Format::from_str(e).ok())
        .unwrap_or(Format::Text);
    export::export(&LetterContent::from_review(state), format)
        .map_err(|e| format!("{}: {e}", path.display()))
}
