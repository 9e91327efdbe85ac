//! Hostile and degenerate content never panics and always yields a readable
//! export: empty letters, control characters, scripts the font lacks,
//! enormous words and rationales.

mod export_support;

use export_support::*;
use imrdesk::export::{Format, LetterContent, export, structured};

fn all_formats(c: &LetterContent) {
    for f in Format::ALL {
        let bytes = export(c, f).unwrap_or_else(|e| panic!("{f}: {e}"));
        assert!(!bytes.is_empty(), "{f}");
    }
}

#[test]
fn empty_letter_exports() {
    let mut c = draft();
    c.items.clear();
    c.documents.clear();
    c.summary.clear();
    c.meta = Default::default();
    c.credentials = Default::default();
    all_formats(&c);
    let txt = String::from_utf8(export(&c, Format::Text).unwrap()).unwrap();
    assert!(txt.contains("(no case number)"));
    assert!(txt.contains("No documents are listed"));
}

#[test]
fn strange_text_survives_every_format() {
    let mut c = draft();
    c.items[0].rationale =
        "Tab\there, NUL \u{0} bell \u{7}, RTL \u{5e9}\u{5dc}\u{5d5}\u{5dd}, CJK \u{75db}\u{307f}, \
        emoji \u{1F9B4}, combining e\u{301}, <script>alert(1)</script> & ]]> \"quotes\". \
        Therefore it is not medically necessary."
            .into();
    c.summary = "\u{FEFF}Line one\r\nline two\r\n\r\n\u{2028}para".into();
    c.items[1].text = "*bold* _x_ [link](http://x) | pipe # hash".into();
    all_formats(&c);
    let json = String::from_utf8(export(&c, Format::Json).unwrap()).unwrap();
    assert_eq!(structured::from_json(&json).unwrap(), c);
    let ron = String::from_utf8(export(&c, Format::Ron).unwrap()).unwrap();
    assert_eq!(structured::from_ron(&ron).unwrap(), c);
    for f in [Format::Text, Format::Markdown, Format::Html] {
        let out = String::from_utf8(export(&c, f).unwrap()).unwrap();
        assert!(
            !out.contains('\u{0}') && !out.contains('\u{7}') && !out.contains('\u{FEFF}'),
            "{f}"
        );
    }
    let pdf = export(&c, Format::Pdf).unwrap();
    let text = pdf_extract::extract_text_from_mem(&pdf).unwrap();
    assert!(text.contains("Therefore it is not medically necessary."));
}

#[test]
fn enormous_words_and_rationales_paginate() {
    let mut c = signed();
    c.items[0].rationale = format!(
        "{} Therefore the request is not medically necessary.",
        "x".repeat(20_000)
    );
    c.items[1].rationale = "The request is for therapy of the right shoulder. ".repeat(800)
        + "Therefore it is not medically necessary.";
    let started = std::time::Instant::now();
    all_formats(&c);
    let pages = imrdesk::export::pdf::page_count(&c).unwrap();
    assert!(pages > 10, "{pages}");
    // Layout is linear: a long letter still exports in seconds in a debug build.
    assert!(started.elapsed().as_secs() < 60, "{:?}", started.elapsed());
}
