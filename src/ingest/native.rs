//! Native `.ron` case files: what imrdesk writes and reads back.
//!
//! The version is checked before the whole file is parsed, so a file from a
//! newer imrdesk is refused with both versions named instead of failing on an
//! unknown field somewhere in the middle.

use std::path::Path;

use serde::Deserialize;

use super::ImportError;
use crate::case::{Case, FORMAT_VERSION};

/// Only the version field, read leniently (other fields ignored) before
/// the full parse.
#[derive(Deserialize)]
#[serde(rename = "Case")]
struct VersionProbe {
    format_version: u32,
}

/// Parses a case from RON text; `path` is named in errors.
pub fn case_from_ron(text: &str, path: &Path) -> Result<Case, ImportError> {
    let options = ron::Options::default();
    if let Ok(probe) = options.from_str::<VersionProbe>(text)
        && probe.format_version > FORMAT_VERSION
    {
        return Err(ImportError::NewerVersion {
            path: path.to_path_buf(),
            found: probe.format_version,
            supported: FORMAT_VERSION,
        });
    }
    options
        .from_str::<Case>(text)
        .map_err(|e| ImportError::MalformedRon {
            path: path.to_path_buf(),
            line: e.span.start.line,
            column: e.span.start.col,
            message: e.code.to_string(),
        })
}

/// The case as pretty RON, the form imrdesk saves and tests compare.
pub fn save_case_ron(case: &Case) -> String {
    let config = ron::ser::PrettyConfig::new().struct_names(true);
    match ron::ser::to_string_pretty(case, config) {
        Ok(s) => s,
        // Serialising plain data to a String cannot fail for this model;
        // fall back to the compact form rather than panic.
        Err(_) => ron::to_string(case).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let mut case = Case::new();
        case.meta.case_number = Some("DEMO-0002".into());
        let text = save_case_ron(&case);
        let back = case_from_ron(&text, Path::new("c.ron")).expect("parses");
        assert_eq!(back, case);
    }

    #[test]
    fn newer_version_is_refused() {
        let mut case = Case::new();
        case.format_version = FORMAT_VERSION + 1;
        let text = save_case_ron(&case);
        match case_from_ron(&text, Path::new("new.ron")) {
            Err(ImportError::NewerVersion {
                found, supported, ..
            }) => {
                assert_eq!(found, FORMAT_VERSION + 1);
                assert_eq!(supported, FORMAT_VERSION);
            }
            other => panic!("expected NewerVersion, got {other:?}"),
        }
    }

    #[test]
    fn malformed_reports_line_and_column() {
        let text = "Case(\n  format_version: 1,\n  meta: ???\n)";
        match case_from_ron(text, Path::new("bad.ron")) {
            Err(ImportError::MalformedRon { line, column, .. }) => {
                assert_eq!(line, 3);
                assert!(column >= 9, "column {column}");
            }
            other => panic!("expected MalformedRon, got {other:?}"),
        }
    }
}
