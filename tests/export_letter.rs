//! The text formats (Markdown, HTML, plain text) and the structured review
//! (RON, JSON), each read back and compared with the letter's content.

mod export_support;

use chrono::{TimeZone, Utc};
use export_support::*;
use imrdesk::assessment::{Answer, Decision};
use imrdesk::case::ItemId;
use imrdesk::export::{
    AnswerOrigin, ExportError, Format, LetterContent, export, letter, structured,
};
use imrdesk::review::{Command, FixedClock, ReviewState};
use quick_xml::Reader;
use quick_xml::events::Event;

fn text_of(content: &LetterContent, format: Format) -> String {
    String::from_utf8(export(content, format).unwrap()).unwrap()
}

/// Asserts each needle occurs in the haystack, in the given order.
fn assert_in_order(haystack: &str, needles: &[String]) {
    let mut from = 0;
    for n in needles {
        match haystack[from..].find(n.as_str()) {
            Some(at) => from += at + n.len(),
            None => panic!("{n:?} missing or out of order after byte {from}"),
        }
    }
}

fn items_and_decisions(content: &LetterContent) -> Vec<String> {
    let mut v = Vec::new();
    for (i, item) in content.items.iter().enumerate() {
        v.push(format!("Item {}", i + 1));
        v.push(item.decision.imr_outcome().to_string());
    }
    v
}

#[test]
fn draft_from_analysis_keeps_every_item_in_order() {
    let c = draft();
    assert!(c.draft);
    assert_eq!(c.items.len(), 3);
    let ids: Vec<ItemId> = c.items.iter().map(|i| i.id).collect();
    assert_eq!(ids, vec![ItemId(0), ItemId(1), ItemId(2)]);
    assert!(
        c.items
            .iter()
            .all(|i| i.decision == Decision::NotMedicallyNecessary)
    );
    assert!(
        c.items[0]
            .checklist
            .iter()
            .all(|a| a.origin == AnswerOrigin::Engine)
    );
    // Documents oldest first, the undated one last and still listed.
    let dates: Vec<_> = c.documents.iter().map(|d| d.date).collect();
    assert_eq!(dates.first(), Some(&Some(d(2016, 6, 20))));
    assert_eq!(dates.last(), Some(&None));
    assert!(c.summary.contains("47-year-old female"), "{}", c.summary);
    assert!(c.summary.contains("03/14/2015"));
}

#[test]
fn text_formats_hold_every_item_and_decision_in_order() {
    let c = signed();
    for format in [Format::Text, Format::Markdown, Format::Html] {
        let raw = text_of(&c, format);
        let out = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        assert_in_order(&out, &items_and_decisions(&c));
        for item in &c.items {
            assert!(out.contains("Upheld"), "{format}");
            let cite = &item.guideline.as_ref().unwrap().citation;
            // Markdown escapes nothing in these citations; HTML neither.
            assert!(out.contains(cite.as_str()), "{format}: citation {cite}");
        }
        for doc in &c.documents {
            assert!(
                out.contains(doc.kind.label())
                    || format == Format::Html
                        && out.contains(&imrdesk::export::html::escape(doc.kind.label())),
                "{format}: {}",
                doc.kind.label()
            );
        }
        assert!(
            !out.contains("Invented Reviewer"),
            "{format}: the reviewer's name leaked"
        );
        assert!(
            !out.contains("DRAFT"),
            "{format}: a signed letter is not a draft"
        );
    }
}

#[test]
fn drafts_are_marked_draft_everywhere() {
    let c = draft();
    for format in [Format::Text, Format::Markdown, Format::Html] {
        let out = text_of(&c, format);
        assert!(out.contains("DRAFT"), "{format}");
    }
}

#[test]
fn final_without_signature_is_refused() {
    let mut c = draft();
    c.draft = false;
    for format in Format::ALL {
        assert!(matches!(export(&c, format), Err(ExportError::NotFinalized)));
    }
}

#[test]
fn html_is_well_formed_xml() {
    let mut c = signed();
    c.items[0]
        .rationale
        .push_str(" A <b>tag</b> & an \"ampersand\" 'quote' \u{7}bell.");
    let html = text_of(&c, Format::Html);
    let mut reader = Reader::from_str(&html);
    reader.config_mut().check_end_names = true;
    let mut depth = 0i32;
    let mut text = String::new();
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => break,
            Ok(Event::Start(_)) => depth += 1,
            Ok(Event::End(_)) => depth -= 1,
            Ok(Event::Text(t)) => text.push_str(&t.decode().unwrap()),
            Ok(Event::GeneralRef(r)) => text.push_str(&format!("&{};", r.decode().unwrap())),
            Ok(_) => {}
            Err(e) => panic!("HTML not well-formed at {}: {e}", reader.buffer_position()),
        }
        assert!(depth >= 0);
    }
    assert_eq!(depth, 0, "unclosed elements");
    assert!(text.contains("&lt;b&gt;tag&lt;/b&gt;"));
    assert!(!html.contains('\u{7}'));
}

#[test]
fn ron_and_json_round_trip_equal() {
    for c in [draft(), signed()] {
        let ron = text_of(&c, Format::Ron);
        assert_eq!(structured::from_ron(&ron).unwrap(), c);
        let json = text_of(&c, Format::Json);
        assert_eq!(structured::from_json(&json).unwrap(), c);
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["schema_version"], 1);
        assert_eq!(v["items"][1]["decision"], "NotMedicallyNecessary");
        // The structured review stands on its own: the case with its
        // records and the engine's analysis travel with the letter.
        assert_eq!(v["case"]["meta"]["case_number"], "CM99-0000042");
        assert_eq!(v["case"]["documents"].as_array().unwrap().len(), 5);
        assert_eq!(v["analysis"]["items"].as_array().unwrap().len(), 3);
    }
}

#[test]
fn newer_schema_is_refused() {
    let mut c = draft();
    c.schema_version = 99;
    let json = String::from_utf8(export(&c, Format::Json).unwrap()).unwrap();
    assert!(matches!(
        structured::from_json(&json),
        Err(ExportError::NewerSchema { found: 99, .. })
    ));
    assert!(structured::from_json("{ not json").is_err());
}

#[test]
fn format_names_parse() {
    for (s, f) in [
        ("md", Format::Markdown),
        ("HTML", Format::Html),
        ("txt", Format::Text),
        ("ron", Format::Ron),
        ("json", Format::Json),
    ] {
        assert_eq!(s.parse::<Format>().unwrap(), f);
    }
    for f in Format::ALL {
        assert_eq!(f.extension().parse::<Format>().unwrap(), f);
    }
    assert!("doc".parse::<Format>().is_err());
}

#[test]
fn markdown_escapes_markup_in_free_text() {
    let mut c = signed();
    c.items[0].rationale =
        "Use *this* | and _that_. Therefore it is not medically necessary.".into();
    let md = text_of(&c, Format::Markdown);
    assert!(md.contains(r"Use \*this\* \| and \_that\_."));
}

#[test]
fn from_review_follows_the_reviewer() {
    let clock = FixedClock::new(Utc.with_ymd_and_hms(2016, 11, 8, 9, 0, 0).unwrap());
    let mut state = ReviewState::new(case(), analysis());
    state
        .apply(
            Command::SetAnswer {
                item: ItemId(1),
                criterion: "within-visit-limit".into(),
                answer: Answer::Met,
                reason: Some("The therapist's plan caps the course at 10 visits.".into()),
            },
            &clock,
        )
        .unwrap();
    let edited = "The request is for therapy of the right shoulder. It is medically necessary.";
    state
        .apply(
            Command::EditRationale {
                item: ItemId(1),
                text: edited.into(),
            },
            &clock,
        )
        .unwrap();
    state
        .apply(
            Command::Decide {
                item: ItemId(1),
                decision: Some(Decision::MedicallyNecessary),
            },
            &clock,
        )
        .unwrap();

    let draft = LetterContent::from_review(&state);
    assert!(draft.draft, "an unfinalized review exports as a draft");
    assert!(draft.signature.is_none());
    assert_eq!(draft.items[1].decision, Decision::MedicallyNecessary);
    assert_eq!(draft.items[1].rationale, edited);
    let answer = &draft.items[1].checklist[0];
    assert_eq!(answer.origin, AnswerOrigin::Override);
    assert_eq!(answer.suggested, Answer::NotMet);
    assert_eq!(answer.answer, Answer::Met);
    assert!(
        answer
            .override_reason
            .as_deref()
            .unwrap()
            .contains("10 visits")
    );
    assert_eq!(draft.items[0].checklist[0].origin, AnswerOrigin::Engine);
    assert!(!draft.audit.is_empty());

    decide_and_sign(&mut state, &[0, 2], &clock);
    let fin = LetterContent::from_review(&state);
    assert!(!fin.draft);
    let sig = fin.signature.as_ref().unwrap();
    assert_eq!(sig.reviewer_name, "Dr. Invented Reviewer");
    let txt = text_of(&fin, Format::Text);
    assert!(txt.contains(&sig.content_hash));
    assert!(!txt.contains("Invented Reviewer"));
    assert_in_order(
        &txt,
        &[
            "Item 1".into(),
            "Upheld".into(),
            "Item 2".into(),
            "Overturned".into(),
            "Item 3".into(),
            "Upheld".into(),
        ],
    );
}

#[test]
fn every_block_line_reaches_the_text_export() {
    let c = signed();
    let txt = text_of(&c, Format::Text);
    let flat: String = txt
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    for line in letter::plain_lines(&letter::blocks(&c)) {
        let line = line.to_lowercase();
        // Table cells print in aligned columns, without the separator the
        // plain lines put between them.
        for word in line.split_whitespace().filter(|w| *w != "|") {
            assert!(flat.contains(word), "{word:?} of {line:?} missing");
        }
    }
}

#[test]
fn training_answers_are_manual_not_engine() {
    let clock = FixedClock::new(Utc.with_ymd_and_hms(2016, 11, 8, 9, 0, 0).unwrap());
    let mut state = ReviewState::new_training(case(), analysis());
    state
        .apply(
            Command::SetAnswer {
                item: ItemId(0),
                criterion: "red-flag".into(),
                answer: Answer::NotMet,
                reason: None,
            },
            &clock,
        )
        .unwrap();
    let c = LetterContent::from_review(&state);
    assert!(
        c.items
            .iter()
            .flat_map(|i| &i.checklist)
            .all(|a| a.origin == AnswerOrigin::Manual)
    );
    assert_eq!(c.items[0].checklist[1].answer, Answer::NotMet);
    let fhir: serde_json::Value =
        serde_json::from_slice(&export(&c, Format::Fhir).unwrap()).unwrap();
    let qr = fhir["entry"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["resource"]["resourceType"] == "QuestionnaireResponse")
        .unwrap();
    let origin = &qr["resource"]["item"][0]["answer"][0]["extension"][0]["extension"];
    assert_eq!(origin[0]["valueCode"], "manual");
    assert_eq!(origin[1]["url"], "author");
}

#[test]
fn partial_certification_prints_what_was_authorized_and_what_is_decided() {
    use imrdesk::case::PartialCertification;
    let mut case = case();
    case.items[2].partial = Some(PartialCertification {
        original: "Cyclobenzaprine 7.5 mg #90".into(),
        authorized: "Cyclobenzaprine 7.5 mg #30".into(),
        disputed: "Cyclobenzaprine 7.5 mg #60".into(),
    });
    let mut c = LetterContent::from_analysis(&case, &analysis());
    c.items[2].decision = Decision::PartiallyCertified;
    let txt = text_of(&c, Format::Text);
    let flat = txt.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains(
        "The original request was Cyclobenzaprine 7.5 mg #90. The claims administrator authorized \
         Cyclobenzaprine 7.5 mg #30. This review decides the remainder: Cyclobenzaprine 7.5 mg #60."
    ), "{flat}");
    // IMR cannot modify a request: a partial certification prints as upheld.
    assert!(flat.contains("Item 3: Cyclobenzaprine 7.5 mg #60 Request:"));
    assert!(flat.contains("remainder: Cyclobenzaprine 7.5 mg #60. Decision: Upheld."));
}

#[test]
fn plain_text_stays_within_78_columns() {
    let mut c = signed();
    c.documents[0].title = "A very long document title that goes on and on about the clinic visit and its many findings".into();
    let txt = text_of(&c, Format::Text);
    for line in txt.lines() {
        assert!(
            line.chars().count() <= 78,
            "{} chars: {line}",
            line.chars().count()
        );
    }
    assert!(txt.contains("  06/20/2016  Imaging report"));
}

#[test]
fn markdown_paragraphs_never_turn_into_lists() {
    use imrdesk::export::markdown::escape;
    assert_eq!(escape("12. visits were used"), r"12\. visits were used");
    assert_eq!(escape("3) the request"), r"3\) the request");
    assert_eq!(escape("- a dash"), r"\- a dash");
    assert_eq!(
        escape("2016 was the year. 5. not a list"),
        "2016 was the year. 5. not a list"
    );
    assert_eq!(escape("7.5 mg"), "7.5 mg");
}

/// The demo records case (invented records in `assets/cases/demo`), analysed.
fn demo_records() -> (imrdesk::case::Case, imrdesk::assessment::Analysis) {
    let case = imrdesk::ingest::demo_case();
    let library = imrdesk::guideline::Library::builtin().expect("built-in library");
    let analysis = imrdesk::engine::analyze(&case, &library);
    (case, analysis)
}

#[test]
fn drafted_summary_of_a_records_case_is_prose_with_dated_findings() {
    let (case, analysis) = demo_records();
    let summary = imrdesk::engine::summary::draft_summary(&case, &analysis);
    let paragraphs: Vec<&str> = summary.split("\n\n").collect();
    assert!(paragraphs.len() >= 5, "{summary}");
    // No list fragments: every paragraph is whole sentences.
    for p in &paragraphs {
        assert!(p.ends_with('.'), "paragraph without a full stop: {p}");
        assert!(
            p.split_whitespace().count() >= 8,
            "too short for prose: {p}"
        );
    }
    assert!(!summary.contains("record(s) were reviewed"));
    // Findings carry the report and the date they come from.
    assert!(
        summary.contains("As to the current complaints, the progress report"),
        "{summary}"
    );
    assert!(summary.contains("On examination, the "), "{summary}");
    assert!(
        summary.contains("As to imaging and studies, the imaging report"),
        "{summary}"
    );
    assert!(summary.contains("As to work status, the "), "{summary}");
    assert!(
        summary.contains("Utilization review denied the request on 10/18/2016"),
        "{summary}"
    );
    assert!(summary.contains("of 10/10/2016 records \""), "{summary}");
    for d in case
        .documents
        .iter()
        .filter(|d| d.kind == imrdesk::case::DocumentKind::ImagingReport)
    {
        let date = d
            .date
            .map(|x| x.format("%m/%d/%Y").to_string())
            .unwrap_or_default();
        assert!(
            summary.contains(&date),
            "imaging of {date} is in the summary: {summary}"
        );
    }
    for item in &case.items {
        let lower = summary.to_lowercase();
        assert!(
            lower.contains(&item.disputed_text().to_lowercase()),
            "{}",
            item.disputed_text()
        );
    }
}

/// The text a reader gets from each letter format: PDF through a PDF text
/// extractor, DOCX from its document part, the rest as written.
fn readable_text(content: &LetterContent, format: Format) -> String {
    let bytes = export(content, format).expect("export");
    let text = match format {
        Format::Pdf => pdf_extract::extract_text_from_mem(&bytes).expect("readable PDF"),
        Format::Docx => {
            use std::io::Read;
            let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
            let mut xml = String::new();
            zip.by_name("word/document.xml")
                .expect("document part")
                .read_to_string(&mut xml)
                .expect("utf-8");
            let mut out = String::new();
            let mut in_tag = false;
            for c in xml.replace("</w:p>", "\n").chars() {
                match c {
                    '<' => in_tag = true,
                    '>' => in_tag = false,
                    c if !in_tag => out.push(c),
                    _ => {}
                }
            }
            out
        }
        _ => String::from_utf8(bytes).expect("utf-8"),
    };
    let text = text
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn every_document_of_the_case_is_listed_by_kind_title_and_date_in_every_letter_format() {
    let (case, analysis) = demo_records();
    let content = LetterContent::from_review(&ReviewState::new(case.clone(), analysis));
    for format in [
        Format::Pdf,
        Format::Docx,
        Format::Markdown,
        Format::Html,
        Format::Text,
    ] {
        let text = readable_text(&content, format);
        for doc in &case.documents {
            let title = imrdesk::engine::summary::title_case(doc.title.trim());
            let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
            let date = doc
                .date
                .map(|d| d.format("%m/%d/%Y").to_string())
                .unwrap_or_default();
            assert!(text.contains(&date), "{format:?}: date {date} of {title}");
            assert!(
                text.contains(doc.kind.label()),
                "{format:?}: kind of {title}"
            );
            assert!(text.contains(&title), "{format:?}: title {title}");
        }
    }
}
