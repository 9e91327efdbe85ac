//! Golden files for the invented demo-like case: the exact bytes of every
//! text format, so a change in wording or layout shows up in review.
//! Run with `UPDATE_GOLDEN=1` to rewrite them after an intended change.

mod export_support;

use export_support::*;
use imrdesk::export::{Format, LetterContent, export};

fn golden(name: &str, content: &LetterContent, format: Format) {
    let path = format!("{}/tests/golden/export/{name}", env!("CARGO_MANIFEST_DIR"));
    let actual = String::from_utf8(export(content, format).unwrap()).unwrap();
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{path}: {e} (run with UPDATE_GOLDEN=1 to create it)"));
    if actual != expected {
        let line = actual
            .lines()
            .zip(expected.lines())
            .position(|(a, b)| a != b)
            .map_or("length".to_string(), |n| format!("line {}", n + 1));
        panic!("{name} differs from its golden file at {line}; UPDATE_GOLDEN=1 rewrites it");
    }
}

#[test]
fn signed_letter_goldens() {
    let c = signed();
    golden("signed.txt", &c, Format::Text);
    golden("signed.md", &c, Format::Markdown);
    golden("signed.html", &c, Format::Html);
    golden("signed.json", &c, Format::Json);
    golden("signed.ron", &c, Format::Ron);
    golden("signed.fhir.json", &c, Format::Fhir);
}

#[test]
fn draft_letter_goldens() {
    let c = draft();
    golden("draft.txt", &c, Format::Text);
    golden("draft.md", &c, Format::Markdown);
}
