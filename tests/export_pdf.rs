//! The PDF letter read back with the same PDF reader the importer uses:
//! every item and decision in order, "page X of Y" right on every page, the
//! fonts embedded, drafts watermarked.

mod export_support;

use export_support::*;
use imrdesk::export::{Format, LetterContent, export, pdf};

fn pages_of(bytes: &[u8]) -> Vec<String> {
    pdf_extract::extract_text_from_mem_by_pages(bytes).expect("our PDF must be readable")
}

fn flat(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Writes the PDF where a person can look at it (target/export-samples).
fn keep(name: &str, bytes: &[u8]) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/target/export-samples");
    if std::fs::create_dir_all(dir).is_ok() {
        let _ = std::fs::write(format!("{dir}/{name}"), bytes);
    }
}

fn assert_in_order(haystack: &str, needles: &[String]) {
    let mut from = 0;
    for n in needles {
        match haystack[from..].find(n.as_str()) {
            Some(at) => from += at + n.len(),
            None => panic!("{n:?} missing or out of order after byte {from}:\n{haystack}"),
        }
    }
}

fn long_letter() -> LetterContent {
    let mut c = signed();
    // A reviewer who writes at length: the letter must paginate.
    for item in &mut c.items {
        let extra = (0..6)
            .map(|i| {
                format!(
                    "Paragraph {i} repeats the weighing of the records in other words, \
                so that the letter runs over several pages and the layout has to break \
                paragraphs and keep headings with what follows them."
                )
            })
            .collect::<Vec<_>>()
            .join("\n\n");
        let r = std::mem::take(&mut item.rationale);
        item.rationale = format!("{extra}\n\n{r}");
    }
    c
}

#[test]
fn pdf_text_holds_items_and_decisions_in_order() {
    let c = signed();
    let bytes = export(&c, Format::Pdf).unwrap();
    keep("signed.pdf", &bytes);
    assert!(bytes.starts_with(b"%PDF-"));
    let text = flat(&pages_of(&bytes).join("\n"));
    let mut needles = Vec::new();
    for (i, item) in c.items.iter().enumerate() {
        needles.push(format!("Item {}: {}", i + 1, item.text));
        needles.push(format!("Decision: {}", item.decision.imr_outcome()));
        needles.push(item.guideline.as_ref().unwrap().citation.clone());
    }
    assert_in_order(&text, &needles);
    for doc in &c.documents {
        assert!(text.contains(&flat(&doc.title)), "document {}", doc.title);
    }
    assert!(text.contains("Physical Medicine & Rehabilitation"));
    assert!(!text.contains("DRAFT"));
    assert!(!text.contains("Invented Reviewer"));
}

#[test]
fn page_count_and_page_numbers_agree() {
    for (name, c) in [("short.pdf", signed()), ("long.pdf", long_letter())] {
        let bytes = export(&c, Format::Pdf).unwrap();
        keep(name, &bytes);
        let pages = pages_of(&bytes);
        let expected = pdf::page_count(&c).unwrap();
        assert_eq!(pages.len(), expected, "{name}");
        for (i, page) in pages.iter().enumerate() {
            let footer = format!("page {} of {}", i + 1, expected);
            assert!(
                flat(page).contains(&footer),
                "{name}: page {} lacks {footer:?}",
                i + 1
            );
            assert!(
                page.contains("CM99-0000042"),
                "{name}: case number on page {}",
                i + 1
            );
        }
    }
    assert!(pdf::page_count(&long_letter()).unwrap() > pdf::page_count(&signed()).unwrap());
    assert!(pdf::page_count(&long_letter()).unwrap() >= 3);
}

#[test]
fn every_word_of_the_letter_reaches_the_pdf() {
    let c = long_letter();
    let bytes = export(&c, Format::Pdf).unwrap();
    let text = flat(&pages_of(&bytes).join(" "));
    for line in imrdesk::export::letter::plain_lines(&imrdesk::export::letter::blocks(&c)) {
        // Field labels print without their colon and table cells without
        // the separator the plain lines use.
        for word in line.split_whitespace().filter(|w| *w != "|") {
            let word = word.strip_suffix(':').unwrap_or(word);
            assert!(text.contains(word), "{word:?} of {line:?}");
        }
    }
}

#[test]
fn drafts_carry_the_watermark_on_every_page() {
    let mut c = long_letter();
    c.draft = true;
    c.signature = None;
    let bytes = export(&c, Format::Pdf).unwrap();
    keep("draft.pdf", &bytes);
    let pages = pages_of(&bytes);
    assert!(pages.len() > 1);
    for p in &pages {
        assert!(p.contains("DRAFT"));
    }
}

#[test]
fn fonts_are_embedded_subsets_with_unicode_maps() {
    let bytes = export(&signed(), Format::Pdf).unwrap();
    let raw = String::from_utf8_lossy(&bytes);
    assert!(raw.contains("/FontFile2"));
    assert!(raw.contains("/ToUnicode"));
    assert!(raw.contains("+DejaVuSans"));
    // Subsetting keeps the letter small next to the 1.4 MB of full fonts.
    assert!(bytes.len() < 120_000, "{} bytes", bytes.len());
}

#[test]
fn characters_outside_ascii_survive_and_unknown_ones_do_not_break() {
    let mut c = signed();
    c.items[0].rationale = "Señora Müller’s MRI — 5 mm; ≥ 50% relief. \u{1F600} Therefore the request is not medically necessary.".into();
    let bytes = export(&c, Format::Pdf).unwrap();
    let text = pages_of(&bytes).join(" ");
    assert!(
        text.contains("Señora Müller’s MRI — 5 mm; ≥ 50% relief."),
        "{text}"
    );
}

#[test]
fn bookmarks_lead_to_sections_and_items() {
    let bytes = export(&signed(), Format::Pdf).unwrap();
    let raw = String::from_utf8_lossy(&bytes);
    assert!(raw.contains("/Outlines"));
    assert!(raw.contains("/UseOutlines"));
    assert!(raw.contains("/Lang (en-US)"));
    assert!(raw.contains("/DisplayDocTitle true"));
    for title in [
        "(Documents reviewed)",
        "(Disputed items and decisions)",
        "(Item 1: MRI of the lumbar spine without contrast)",
        "(Item 3: Cyclobenzaprine 7.5 mg #60)",
    ] {
        assert!(raw.contains(title), "bookmark {title}");
    }
    // Same letter, same bytes: the document ID comes from the content.
    assert_eq!(bytes, export(&signed(), Format::Pdf).unwrap());
}
