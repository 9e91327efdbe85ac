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

/// The export format a file name asks for by its extension; plain text
/// when the extension names no export format.
pub fn format_for(path: &Path) -> Format {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if name.ends_with(".fhir.json") {
        return Format::Fhir;
    }
    path.extension()
        .and_then(|e| e.to_str())
        .and_then(|e| Format::from_str(e).ok())
        .unwrap_or(Format::Text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_from_the_file_name() {
        assert_eq!(format_for(Path::new("/x/a-letter.PDF")), Format::Pdf);
        assert_eq!(format_for(Path::new("a.docx")), Format::Docx);
        assert_eq!(format_for(Path::new("a.fhir.json")), Format::Fhir);
        assert_eq!(format_for(Path::new("a.json")), Format::Json);
        assert_eq!(format_for(Path::new("a")), Format::Text);
        assert_eq!(format_for(Path::new("a.xyz")), Format::Text);
    }
}
