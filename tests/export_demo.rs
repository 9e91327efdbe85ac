//! The built-in demo case through the real engine into every format: the
//! letter a first-time user exports must list every record with its kind and
//! date and every disputed item with its decision, in order, in each format.

use imrdesk::export::{Format, LetterContent, check, export, pdf};
use imrdesk::guideline::Library;
use imrdesk::ingest::demo_case;

fn demo_letter() -> LetterContent {
    let case = demo_case();
    let analysis =
        imrdesk::engine::analyze(&case.without_reference(), &Library::builtin().unwrap());
    LetterContent::from_analysis(&case, &analysis)
}

fn flat(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn demo_letter_holds_every_record_and_item_in_every_format() {
    let c = demo_letter();
    assert!(c.draft);
    assert!(!c.items.is_empty() && !c.documents.is_empty());
    let mut texts = Vec::new();
    for format in [Format::Text, Format::Markdown, Format::Html] {
        texts.push((
            format,
            String::from_utf8(export(&c, format).unwrap()).unwrap(),
        ));
    }
    let pdf_bytes = export(&c, Format::Pdf).unwrap();
    let pages = pdf_extract::extract_text_from_mem_by_pages(&pdf_bytes).unwrap();
    assert_eq!(pages.len(), pdf::page_count(&c).unwrap());
    texts.push((Format::Pdf, pages.join("\n")));
    for (format, text) in &texts {
        let text = flat(text)
            .replace("&amp;", "&")
            .replace("&#39;", "'")
            .replace("&quot;", "\"")
            .replace('\\', "");
        let mut from = 0;
        for (i, item) in c.items.iter().enumerate() {
            let needle = format!("Item {}: {}", i + 1, flat(&item.text));
            let at = text[from..]
                .find(&needle)
                .unwrap_or_else(|| panic!("{format}: {needle:?}"));
            from += at + needle.len();
            let word = item.decision.imr_outcome();
            let at = text[from..]
                .find(word)
                .unwrap_or_else(|| panic!("{format}: decision of {needle:?}"));
            from += at;
        }
        for d in &c.documents {
            assert!(
                text.contains(d.kind.label()),
                "{format}: kind {}",
                d.kind.label()
            );
            if let Some(date) = d.date {
                assert!(
                    text.contains(&date.format("%m/%d/%Y").to_string()),
                    "{format}: date {date}"
                );
            }
        }
    }
}

#[test]
fn demo_draft_passes_the_blocking_checks() {
    // The engine's own draft must not contradict itself or discuss another
    // body part than the request: those would block the reviewer's final.
    let c = demo_letter();
    let case = demo_case();
    let blocking: Vec<_> = check(&c, &case)
        .into_iter()
        .filter(|i| i.severity == imrdesk::export::Severity::Error)
        .collect();
    assert!(blocking.is_empty(), "{blocking:#?}");
}

#[test]
fn demo_samples_for_eyes() {
    // Written where a person can open them (target/export-samples).
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/target/export-samples");
    if std::fs::create_dir_all(dir).is_ok() {
        let c = demo_letter();
        for f in [Format::Pdf, Format::Docx, Format::Html, Format::Fhir] {
            let _ = std::fs::write(
                format!("{dir}/demo.{}", f.extension()),
                export(&c, f).unwrap(),
            );
        }
    }
}
