//! The DOCX letter opened as a package: a valid zip with the parts Word
//! needs, every XML part well-formed, and document.xml holding the letter.

mod export_support;

use std::io::{Cursor, Read};

use export_support::*;
use imrdesk::export::{Format, LetterContent, export, letter};
use quick_xml::Reader;
use quick_xml::events::Event;

fn parts(bytes: &[u8]) -> Vec<(String, String)> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("a valid zip");
    let mut out = Vec::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut s = String::new();
        f.read_to_string(&mut s).unwrap();
        out.push((f.name().unwrap().to_string(), s));
    }
    out
}

/// Parses XML strictly and returns the text of its w:t elements (or all
/// text, for non-Word parts), paragraphs separated by newlines.
fn xml_text(name: &str, xml: &str) -> String {
    let mut reader = Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let mut text = String::new();
    let mut depth = 0i32;
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => break,
            Ok(Event::Start(e)) => {
                depth += 1;
                if e.name().as_ref() == b"w:p" {
                    text.push('\n');
                }
            }
            Ok(Event::End(_)) => depth -= 1,
            Ok(Event::Text(t)) => text.push_str(&t.decode().unwrap()),
            Ok(Event::GeneralRef(r)) => {
                let name = r.decode().unwrap();
                text.push_str(match name.as_ref() {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "apos" | "#39" => "'",
                    other => panic!("unexpected entity {other}"),
                });
            }
            Ok(_) => {}
            Err(e) => panic!(
                "{name} is not well-formed at {}: {e}",
                reader.buffer_position()
            ),
        }
    }
    assert_eq!(depth, 0, "{name}: unclosed elements");
    text
}

fn part<'a>(parts: &'a [(String, String)], name: &str) -> &'a str {
    &parts
        .iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("missing {name}"))
        .1
}

fn docx(c: &LetterContent) -> Vec<(String, String)> {
    parts(&export(c, Format::Docx).unwrap())
}

#[test]
fn package_has_the_parts_word_needs_and_all_parse() {
    let p = docx(&signed());
    for name in [
        "[Content_Types].xml",
        "_rels/.rels",
        "word/document.xml",
        "word/_rels/document.xml.rels",
        "word/styles.xml",
        "word/header1.xml",
        "word/footer1.xml",
        "docProps/core.xml",
    ] {
        xml_text(name, part(&p, name));
    }
    let types = part(&p, "[Content_Types].xml");
    // Every part but the relationships has a declared content type.
    for (name, _) in &p {
        if !name.ends_with(".rels") && name != "[Content_Types].xml" {
            assert!(types.contains(&format!("PartName=\"/{name}\"")), "{name}");
        }
    }
    let rels = part(&p, "word/_rels/document.xml.rels");
    let doc = part(&p, "word/document.xml");
    for id in ["rIdHeader1", "rIdFooter1"] {
        assert!(rels.contains(id) && doc.contains(id), "{id}");
    }
    assert!(part(&p, "_rels/.rels").contains("Target=\"word/document.xml\""));
    let footer = part(&p, "word/footer1.xml");
    assert!(footer.contains(" PAGE ") && footer.contains(" NUMPAGES "));
    assert!(xml_text("footer", footer).contains("CM99-0000042"));
}

#[test]
fn document_holds_the_letter_in_order() {
    let c = signed();
    let p = docx(&c);
    let text = xml_text("document", part(&p, "word/document.xml"));
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut from = 0;
    for (i, item) in c.items.iter().enumerate() {
        for needle in [
            format!("Item {}: {}", i + 1, item.text),
            format!("Decision: {}", item.decision.imr_outcome()),
            item.guideline.as_ref().unwrap().citation.clone(),
        ] {
            let at = flat[from..]
                .find(&needle)
                .unwrap_or_else(|| panic!("{needle:?} out of order"));
            from += at + needle.len();
        }
    }
    for line in letter::plain_lines(&letter::blocks(&c)) {
        for word in line.split_whitespace().filter(|w| *w != "|") {
            let word = word.strip_suffix(':').unwrap_or(word);
            assert!(flat.contains(word), "{word:?} of {line:?}");
        }
    }
    assert!(!text.contains("DRAFT"));
    assert!(!text.contains("Invented Reviewer"));
}

#[test]
fn markup_in_free_text_is_escaped() {
    let mut c = signed();
    c.items[0].rationale =
        "Pain <5/10> & \"better\" since 'June'. Therefore not medically necessary.".into();
    let p = docx(&c);
    let text = xml_text("document", part(&p, "word/document.xml"));
    assert!(text.contains("Pain <5/10> & \"better\" since 'June'."));
}

#[test]
fn drafts_say_draft_in_the_header_of_every_page() {
    let p = docx(&draft());
    let header = part(&p, "word/header1.xml");
    assert!(xml_text("header", header).contains("DRAFT"));
    assert!(header.contains("PowerPlusWaterMarkObject") && header.contains("string=\"DRAFT\""));
    assert!(!part(&docx(&signed()), "word/header1.xml").contains("WaterMark"));
    assert!(xml_text("document", part(&p, "word/document.xml")).contains("DRAFT"));
}

#[test]
fn same_letter_same_bytes() {
    assert_eq!(
        export(&signed(), Format::Docx).unwrap(),
        export(&signed(), Format::Docx).unwrap()
    );
}

#[test]
fn sample_for_eyes() {
    // Written where a person can open it (target/export-samples).
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/target/export-samples");
    if std::fs::create_dir_all(dir).is_ok() {
        let _ = std::fs::write(
            format!("{dir}/draft.docx"),
            export(&draft(), Format::Docx).unwrap(),
        );
        let _ = std::fs::write(
            format!("{dir}/draft.html"),
            export(&draft(), Format::Html).unwrap(),
        );
    }
}
