//! Export from files on disk: a review file (draft or finalized), a case
//! file analysed by the engine, and the inputs that must fail with a message
//! naming the file.

mod export_support;

use chrono::{TimeZone, Utc};
use export_support::*;
use imrdesk::case::ItemId;
use imrdesk::export::{ExportError, Format, export_file, export_file_with};
use imrdesk::guideline::Library;
use imrdesk::review::{Command, FixedClock, RealFs, ReviewState, file};

fn finalized(rationale_for_item_2: Option<&str>) -> ReviewState {
    let clock = FixedClock::new(Utc.with_ymd_and_hms(2016, 11, 9, 10, 0, 0).unwrap());
    let mut state = ReviewState::new(case(), analysis());
    if let Some(text) = rationale_for_item_2 {
        state
            .apply(
                Command::EditRationale {
                    item: ItemId(1),
                    text: text.into(),
                },
                &clock,
            )
            .unwrap();
    }
    decide_and_sign(&mut state, &[0, 1, 2], &clock);
    state
}

fn engine(case: &imrdesk::case::Case) -> imrdesk::assessment::Analysis {
    imrdesk::engine::analyze(case, &Library::builtin().unwrap())
}

#[test]
fn finalized_review_exports_final() {
    let dir = tempfile::tempdir().unwrap();
    let review = dir.path().join("case.review.ron");
    file::save(&RealFs, &finalized(None), &review).unwrap();
    let out = dir.path().join("letter.pdf");
    let outcome = export_file_with(&review, Format::Pdf, &out, false, &engine).unwrap();
    assert!(!outcome.draft);
    assert!(outcome.issues.is_empty(), "{:?}", outcome.issues);
    let bytes = std::fs::read(&out).unwrap();
    assert_eq!(bytes.len(), outcome.bytes);
    let text = pdf_extract::extract_text_from_mem(&bytes).unwrap();
    assert!(!text.contains("DRAFT"));
    assert!(text.contains("Final Determination"));
}

#[test]
fn unfinalized_review_exports_as_draft() {
    let dir = tempfile::tempdir().unwrap();
    let review = dir.path().join("open.ron");
    file::save(&RealFs, &ReviewState::new(case(), analysis()), &review).unwrap();
    let out = dir.path().join("letter.md");
    let outcome = export_file_with(&review, Format::Markdown, &out, false, &engine).unwrap();
    assert!(outcome.draft);
    assert!(std::fs::read_to_string(&out).unwrap().contains("DRAFT"));
}

#[test]
fn inconsistent_final_letter_is_refused_unless_insisted() {
    let dir = tempfile::tempdir().unwrap();
    let review = dir.path().join("wrong.ron");
    let wrong = "The request is for physical therapy of the left shoulder. Therapy is not medically necessary.";
    file::save(&RealFs, &finalized(Some(wrong)), &review).unwrap();
    let out = dir.path().join("letter.txt");
    match export_file_with(&review, Format::Text, &out, false, &engine) {
        Err(ExportError::Inconsistent { path, issues }) => {
            assert_eq!(path, review);
            assert!(issues.iter().any(|i| i.starts_with("Item 2")), "{issues:?}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert!(!out.exists(), "nothing is written when refused");
    let outcome = export_file_with(&review, Format::Text, &out, true, &engine).unwrap();
    assert!(!outcome.issues.is_empty());
    assert!(out.exists());
}

#[test]
fn case_file_is_analysed_by_the_engine_into_a_draft() {
    let dir = tempfile::tempdir().unwrap();
    let case_file = dir.path().join("case.ron");
    std::fs::write(&case_file, imrdesk::ingest::save_case_ron(&case())).unwrap();
    let out = dir.path().join("letter.json");
    let outcome = export_file(&case_file, "json", &out, &Library::builtin().unwrap()).unwrap();
    assert!(outcome.draft);
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(v["items"].as_array().unwrap().len(), 3);
    // The engine chose a guideline for the lumbar MRI.
    assert!(
        v["analysis"]["items"][0]["guideline"].is_object(),
        "{}",
        v["analysis"]["items"][0]
    );
}

#[test]
fn bad_inputs_name_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let lib = Library::builtin().unwrap();
    let missing = dir.path().join("nowhere.txt");
    let err = export_file(&missing, "pdf", &dir.path().join("x.pdf"), &lib).unwrap_err();
    assert!(err.to_string().contains("nowhere.txt"), "{err}");

    let junk = dir.path().join("junk.ron");
    std::fs::write(&junk, "(this is not: [a review").unwrap();
    let err = export_file(&junk, "pdf", &dir.path().join("x.pdf"), &lib).unwrap_err();
    assert!(err.to_string().contains("junk.ron"), "{err}");

    let err = export_file(&junk, "odt", &dir.path().join("x.odt"), &lib).unwrap_err();
    assert!(matches!(err, ExportError::UnknownFormat(_)), "{err}");

    let review = dir.path().join("ok.ron");
    file::save(&RealFs, &finalized(None), &review).unwrap();
    let out = dir.path().join("no-such-dir").join("letter.pdf");
    let err = export_file(&review, "txt", &out, &lib).unwrap_err();
    assert!(
        matches!(err, ExportError::Write { .. }) && err.to_string().contains("letter.pdf"),
        "{err}"
    );
}
