//! The engine end to end on invented cases: real output, evidence that
//! quotes the records, dependency of associated services, and no peeking
//! at the expert's reference.

use chrono::NaiveDate;
use imrdesk::assessment::{Answer, Decision};
use imrdesk::case::{
    Case, DisputedItem, DocId, Document, DocumentKind, ExpertOutcome, ItemId, Reference,
    ReferenceItem,
};
use imrdesk::engine::{analyze, suggest};
use imrdesk::guideline::Library;

const SUMMARY: &str = "The patient is a 52 year old woman who hurt her low back lifting boxes on 03/02/2016. \
She reports low back pain radiating to the left leg with numbness in the foot. \
On 09/14/2016 the examination showed a positive straight leg raise on the left and decreased sensation in the L5 dermatome. \
There were no red flags. \
She completed 12 sessions of physical therapy without improvement in function. \
An MRI of the lumbar spine on 05/20/2016 showed a disc herniation at L4-5 with nerve root compression. \
The surgeon recommended a lumbar decompression, and the patient would consider surgery. \
Current medications included tramadol and naproxen.";

fn item(id: u32, text: &str, depends_on: Option<u32>) -> DisputedItem {
    DisputedItem {
        id: ItemId(id),
        text: text.to_string(),
        partial: None,
        depends_on: depends_on.map(ItemId),
    }
}

fn case() -> Case {
    let mut case = Case::new();
    case.documents.push(Document {
        id: DocId(0),
        kind: DocumentKind::CaseSummary,
        title: "Clinical case summary".into(),
        date: NaiveDate::from_ymd_opt(2016, 10, 1),
        text: SUMMARY.to_string(),
        origin: None,
        page_starts: vec![0],
    });
    case.patient.age = Some(52);
    case.items = vec![
        item(
            0,
            "Physical therapy 2 times a week for 6 weeks for the lumbar spine",
            None,
        ),
        item(1, "Lumbar decompression at L4-5", None),
        item(
            2,
            "Associated surgical service: post-operative physical therapy x12",
            Some(1),
        ),
        item(3, "Ultrasound therapy 2 times a week for 4 weeks", None),
    ];
    case
}

#[test]
fn analysis_gives_every_item_a_guideline_answers_and_a_draft() {
    let lib = Library::builtin().expect("library");
    let c = case();
    let a = analyze(&c, &lib);
    assert_eq!(a.items.len(), 4);
    for it in &a.items {
        assert!(it.guideline.is_some(), "item {} has a guideline", it.item);
        assert!(!it.criteria.is_empty());
        assert!(
            it.rationale_draft.starts_with("The request is for"),
            "{}",
            it.rationale_draft
        );
        assert!(it.rationale_draft.ends_with('.'), "{}", it.rationale_draft);
        for cr in &it.criteria {
            if cr.answer != Answer::NotDocumented && !cr.evidence.is_empty() {
                for ev in &cr.evidence {
                    let doc = c.document(ev.doc).expect("evidence names a document");
                    let original = ev.span.slice(&doc.text);
                    assert_eq!(
                        original.split_whitespace().collect::<Vec<_>>().join(" "),
                        ev.quote,
                        "the quote is the sentence at the span"
                    );
                }
            }
        }
    }
    // 12 visits with a failed earlier course: over the limit and no improvement.
    let pt = &a.items[0];
    assert_eq!(pt.suggestion.decision, Decision::NotMedicallyNecessary);
    let fi = pt
        .criteria
        .iter()
        .find(|c| c.id == "functional_improvement")
        .expect("criterion");
    assert_eq!(fi.answer, Answer::NotMet, "{fi:?}");
    assert!(pt.suggestion.alternative.is_some());
    assert!(pt.rationale_draft.contains("cannot modify"));
    // Ultrasound therapy is not recommended.
    assert_eq!(
        a.items[3].suggestion.decision,
        Decision::NotMedicallyNecessary
    );
}

#[test]
fn associated_service_follows_its_surgery() {
    let lib = Library::builtin().expect("library");
    let a = analyze(&case(), &lib);
    let surgery = &a.items[1];
    let service = &a.items[2];
    if surgery.suggestion.decision == Decision::NotMedicallyNecessary {
        assert_eq!(service.suggestion.decision, Decision::NotMedicallyNecessary);
        assert!(service.suggestion.reasons[0].contains("surgery"));
    }
    // Whatever the engine said, a non-certified surgery takes the service with it.
    let answers: Vec<Answer> = service.criteria.iter().map(|_| Answer::Met).collect();
    let s = suggest(
        &lib,
        service,
        &answers,
        Some(Decision::NotMedicallyNecessary),
    );
    assert_eq!(s.decision, Decision::NotMedicallyNecessary);
    let s = suggest(&lib, service, &answers, Some(Decision::MedicallyNecessary));
    assert_eq!(
        s.decision,
        Decision::MedicallyNecessary,
        "all criteria met and surgery certified"
    );
}

#[test]
fn overriding_answers_changes_the_suggestion() {
    let lib = Library::builtin().expect("library");
    let a = analyze(&case(), &lib);
    let pt = &a.items[0];
    let mut answers: Vec<Answer> = pt.criteria.iter().map(|c| c.answer).collect();
    for (i, c) in pt.criteria.iter().enumerate() {
        if c.id == "functional_improvement" {
            answers[i] = Answer::Met;
        }
    }
    // Still 12 visits against a course of 10: IMR cannot modify the request.
    let s = suggest(&lib, pt, &answers, None);
    assert_eq!(s.decision, Decision::NotMedicallyNecessary);
    for (i, c) in pt.criteria.iter().enumerate() {
        if c.id == "within_course" {
            answers[i] = Answer::Met;
        }
    }
    let s = suggest(&lib, pt, &answers, None);
    assert_eq!(s.decision, Decision::MedicallyNecessary);
}

#[test]
fn the_reference_is_never_visible_to_the_engine() {
    let lib = Library::builtin().expect("library");
    let plain = case();
    let mut with_reference = plain.clone();
    with_reference.reference = Some(Reference {
        items: (0..4)
            .map(|i| ReferenceItem {
                item: ItemId(i),
                outcome: ExpertOutcome::Overturned,
                guideline_line: "Decision based on MTUS Knee Complaints 2004.".into(),
                claims_administrator_line: None,
                rationale: "The request is medically necessary because of red flags and progressive weakness.".into(),
            })
            .collect(),
    });
    assert_eq!(analyze(&plain, &lib), analyze(&with_reference, &lib));
    assert_eq!(
        analyze(&with_reference.without_reference(), &lib),
        analyze(&with_reference, &lib)
    );
}

#[test]
fn odd_text_never_panics() {
    let lib = Library::builtin().expect("library");
    for text in [
        "",
        ".",
        "...\n\n\u{c}\n",
        "Naïve café — straight leg raise était positive. No red flags… 4/5 strength; ½ relief.",
        "Dr. X. e.g. no. 5. (A) 1/2/3/4 99/99/9999 13-45-2016.",
        "ＭＲＩ 腰椎 straight leg raise\u{0}\u{feff} positive",
    ] {
        let mut c = case();
        c.documents[0].text = text.to_string();
        let a = analyze(&c, &lib);
        assert_eq!(a.items.len(), 4);
        for it in &a.items {
            assert!(it.rationale_draft.ends_with('.'));
        }
    }
}

/// A records folder where only the utilization review letter speaks to a
/// criterion: its words are the decision under review, so the criterion is
/// "not documented" (with the UR sentence shown), while a progress report's
/// sentence on another criterion is used as evidence.
#[test]
fn utilization_review_sentences_do_not_answer_criteria_alone() {
    let mut case = Case::new();
    let doc = |id: u32, kind: DocumentKind, text: &str| Document {
        id: DocId(id),
        kind,
        title: format!("{kind:?}"),
        date: NaiveDate::from_ymd_opt(2016, 9, 1 + id),
        text: text.to_string(),
        origin: None,
        page_starts: vec![0],
    };
    case.documents.push(doc(
        0,
        DocumentKind::ProgressReport,
        "The patient finished 8 sessions of physical therapy for the low back last spring. \
         Lumbar range of motion is limited and painful. Home exercise program reviewed.",
    ));
    case.documents.push(doc(
        1,
        DocumentKind::UtilizationReview,
        "The reviewer found that earlier therapy produced functional improvement.",
    ));
    case.items = vec![item(
        0,
        "Physical therapy 2 times a week for 4 weeks, lumbar spine",
        None,
    )];
    let a = analyze(&case, &Library::builtin().expect("library"));
    let pt = &a.items[0];
    let fi = pt
        .criteria
        .iter()
        .find(|c| c.id == "functional_improvement")
        .expect("functional improvement criterion");
    assert_eq!(fi.answer, Answer::NotDocumented, "{fi:?}");
    assert!(fi.evidence.iter().all(|e| e.doc == DocId(1)), "{fi:?}");
    assert!(fi.note.contains("utilization review"), "{}", fi.note);
    let prior = pt
        .criteria
        .iter()
        .find(|c| c.id == "prior_course")
        .expect("prior course criterion");
    assert_eq!(prior.answer, Answer::Met, "{prior:?}");
    assert!(
        prior.evidence.iter().all(|e| e.doc == DocId(0)),
        "{prior:?}"
    );
}

/// Post-operative therapy is measured against the initial course for the
/// operation its surgery names: half of 12 visits after a meniscectomy, half
/// of 8 after a carpal tunnel release.
#[test]
fn postoperative_therapy_follows_the_operation_of_its_surgery() {
    let lib = Library::builtin().expect("library");
    let course = |surgery: &str, therapy: &str| {
        let mut c = case();
        c.items = vec![item(0, surgery, None), item(1, therapy, Some(0))];
        let a = analyze(&c, &lib);
        let crit = a.items[1]
            .criteria
            .iter()
            .find(|c| c.id == "initial_course")
            .cloned()
            .expect("initial course criterion");
        (crit.answer, crit.note)
    };
    let (answer, note) = course(
        "Right knee arthroscopic partial medial meniscectomy",
        "Associated surgical service: post-operative physical therapy x12",
    );
    assert_eq!(answer, Answer::NotMet, "{note}");
    assert!(
        note.contains("meniscectomy") && note.contains("initial course of 6"),
        "{note}"
    );
    let (answer, note) = course(
        "Right knee arthroscopic partial medial meniscectomy",
        "Associated surgical service: post-operative physical therapy x6",
    );
    assert_eq!(answer, Answer::Met, "{note}");
    let (answer, note) = course(
        "Left carpal tunnel release",
        "Post-operative occupational therapy 2 times a week for 4 weeks",
    );
    assert_eq!(answer, Answer::NotMet, "{note}");
    assert!(note.contains("initial course of 4"), "{note}");
    let (answer, note) = course(
        "Left shoulder surgery",
        "Post-operative physical therapy x12",
    );
    assert_eq!(answer, Answer::Met, "{note}");
    assert!(note.contains("not named"), "{note}");
}

#[test]
fn suggestions_say_how_strong_they_are() {
    use imrdesk::assessment::Strength;
    let lib = Library::builtin().expect("library");
    // Over a limit, or not recommended at all: clear.
    let a = analyze(&case(), &lib);
    let ultrasound = a
        .items
        .iter()
        .find(|i| i.request.text.contains("Ultrasound"))
        .expect("ultrasound item");
    assert_eq!(
        ultrasound.suggestion.decision,
        Decision::NotMedicallyNecessary
    );
    assert_eq!(
        ultrasound.suggestion.strength,
        Strength::Clear,
        "{:?}",
        ultrasound.suggestion
    );
    // A record silent on everything the guideline asks: borderline.
    let mut silent = Case::new();
    silent.documents.push(Document::new(
        DocId(0),
        DocumentKind::CaseSummary,
        "Clinical case summary",
        "The patient is a 40 year old man seen for follow-up.".to_string(),
    ));
    silent.items = vec![item(0, "MRI of the lumbar spine", None)];
    let s = analyze(&silent, &lib);
    let mri = &s.items[0].suggestion;
    assert_eq!(mri.decision, Decision::NotMedicallyNecessary);
    assert_eq!(mri.strength, Strength::Borderline, "{mri:?}");
}
