//! Evidence is about its item: invented patients with two injured regions.
//! No quote for one region's item comes from the other region, from the
//! other side of a one-sided request, from the request itself or from the
//! utilization review; a document is cited by its own date.

use chrono::NaiveDate;
use imrdesk::assessment::{Analysis, Evidence};
use imrdesk::case::{Case, DisputedItem, DocId, Document, DocumentKind, ItemId};
use imrdesk::engine::analyze;
use imrdesk::guideline::Library;

fn doc(id: u32, kind: DocumentKind, date: (i32, u32, u32), text: &str) -> Document {
    let mut d = Document::new(DocId(id), kind, kind.label(), text.to_string());
    d.date = NaiveDate::from_ymd_opt(date.0, date.1, date.2);
    d
}

fn item(id: u32, text: &str) -> DisputedItem {
    DisputedItem {
        id: ItemId(id),
        text: text.to_string(),
        partial: None,
        depends_on: None,
    }
}

/// A warehouse clerk (invented) who twisted her right knee and strained her
/// low back in one fall.
fn knee_and_back() -> Case {
    let mut case = Case::new();
    case.patient.age = Some(47);
    case.documents = vec![
        doc(
            0,
            DocumentKind::ProgressReport,
            (2016, 10, 10),
            "SUBJECTIVE:\n\nShe reports right knee pain with clicking and giving way. Her low back pain is constant.\n\n\
             RIGHT KNEE:\n\nMedial joint line tenderness. McMurray test positive. Quadriceps strength 4/5.\n\n\
             LUMBAR SPINE:\n\nParaspinal tenderness. Straight leg raise negative bilaterally. Sensation intact in both legs.\n\n\
             TREATMENT:\n\nShe completed 8 sessions of physical therapy for the right knee without improvement. \
             She has not had therapy for the back.\n\n\
             DIAGNOSES:\n\n1. Lumbar radiculopathy.\n2. Right knee medial meniscus tear.\n",
        ),
        doc(
            1,
            DocumentKind::ImagingReport,
            (2016, 8, 2),
            "MRI OF THE RIGHT KNEE\n\nThere is a horizontal tear of the posterior horn of the medial meniscus.\n",
        ),
        doc(
            2,
            DocumentKind::RequestForAuthorization,
            (2016, 10, 12),
            "Requested: MRI of the lumbar spine for radiculopathy with positive straight leg raise and failed conservative care. \
             Right knee arthroscopic partial meniscectomy.\n",
        ),
        doc(
            3,
            DocumentKind::UtilizationReview,
            (2016, 10, 20),
            "Utilization review non-certified the lumbar MRI. The reviewer noted decreased sensation and weakness.\n",
        ),
    ];
    case.items = vec![
        item(0, "MRI of the lumbar spine"),
        item(1, "Right knee arthroscopic partial medial meniscectomy"),
    ];
    case
}

/// A mechanic (invented) with a left shoulder injury and neck pain, whose
/// right wrist was treated years earlier.
fn shoulder_and_neck() -> Case {
    let mut case = Case::new();
    case.patient.age = Some(58);
    case.documents = vec![doc(
        0,
        DocumentKind::ProgressReport,
        (2017, 3, 6),
        "He has left shoulder pain with overhead reaching and night pain. \
         Examination of the left shoulder shows a positive Hawkins test and painful arc. \
         The right wrist shows a healed scar and positive Tinel's sign from a prior injury. \
         Cervical spine: tenderness over the paraspinals without radicular signs. \
         He completed 12 physical therapy visits for the left shoulder with little improvement. \
         A left shoulder injection on 01/15/2017 gave two weeks of relief. \
         The plan is a referral to an orthopedic surgeon to consider surgery.",
    )];
    case.items = vec![
        item(0, "MRI of the left shoulder"),
        item(1, "EMG/NCS of the bilateral upper extremities"),
        item(2, "MRI of the cervical spine"),
    ];
    case
}

fn quotes(analysis: &Analysis, item: u32) -> Vec<(String, Evidence)> {
    let a = analysis
        .items
        .iter()
        .find(|a| a.item == ItemId(item))
        .unwrap_or_else(|| panic!("item {item} assessed"));
    a.criteria
        .iter()
        .flat_map(|c| c.evidence.iter().map(|e| (c.id.clone(), e.clone())))
        .collect()
}

fn any_quote_with(q: &[(String, Evidence)], words: &[&str]) -> Option<String> {
    q.iter()
        .find(|(_, e)| {
            let l = e.quote.to_lowercase();
            words.iter().any(|w| l.contains(w))
        })
        .map(|(c, e)| format!("{c}: {}", e.quote))
}

#[test]
fn knee_and_back_quotes_stay_in_their_region() {
    let lib = Library::builtin().expect("library");
    let case = knee_and_back();
    let analysis = analyze(&case, &lib);
    let lumbar = quotes(&analysis, 0);
    assert!(!lumbar.is_empty(), "the lumbar MRI has evidence");
    assert_eq!(
        any_quote_with(&lumbar, &["knee", "mcmurray", "quadriceps", "meniscus"]),
        None,
        "a knee sentence quoted for the lumbar MRI"
    );
    let knee = quotes(&analysis, 1);
    assert!(!knee.is_empty(), "the knee surgery has evidence");
    assert_eq!(
        any_quote_with(&knee, &["lumbar", "low back", "straight leg", "paraspinal"]),
        None,
        "a back sentence quoted for the knee surgery"
    );
}

#[test]
fn request_and_review_are_never_clinical_evidence() {
    let lib = Library::builtin().expect("library");
    let case = knee_and_back();
    let analysis = analyze(&case, &lib);
    for a in &analysis.items {
        for c in &a.criteria {
            for e in &c.evidence {
                let kind = case.document(e.doc).map(|d| d.kind);
                let paperwork = matches!(
                    kind,
                    Some(DocumentKind::RequestForAuthorization | DocumentKind::UtilizationReview)
                );
                assert!(
                    !paperwork || c.answer == imrdesk::assessment::Answer::NotDocumented,
                    "{}: {:?} answered {:?} by {:?}: {}",
                    a.request.text,
                    c.id,
                    c.answer,
                    kind,
                    e.quote
                );
            }
        }
    }
}

#[test]
fn a_diagnosis_line_is_not_an_examination_finding() {
    let lib = Library::builtin().expect("library");
    let case = knee_and_back();
    let analysis = analyze(&case, &lib);
    let lumbar = &analysis.items[0];
    let nerve = lumbar
        .criteria
        .iter()
        .find(|c| c.id == "nerve_compromise")
        .expect("low back imaging asks for nerve compromise");
    assert_ne!(
        nerve.answer,
        imrdesk::assessment::Answer::Met,
        "only 'Diagnoses: lumbar radiculopathy' and the request speak of it: {nerve:?}"
    );
}

#[test]
fn each_sentence_is_quoted_once_per_criterion() {
    let lib = Library::builtin().expect("library");
    for case in [knee_and_back(), shoulder_and_neck()] {
        let analysis = analyze(&case, &lib);
        for a in &analysis.items {
            for c in &a.criteria {
                let mut seen = std::collections::HashSet::new();
                for e in &c.evidence {
                    assert!(
                        seen.insert((e.doc, e.span)),
                        "{} / {}: quoted twice: {}",
                        a.request.text,
                        c.id,
                        e.quote
                    );
                }
            }
        }
    }
}

#[test]
fn shoulder_quotes_exclude_the_other_wrist_and_the_neck() {
    let lib = Library::builtin().expect("library");
    let case = shoulder_and_neck();
    let analysis = analyze(&case, &lib);
    let shoulder = quotes(&analysis, 0);
    assert!(!shoulder.is_empty());
    assert_eq!(
        any_quote_with(&shoulder, &["wrist", "tinel", "cervical"]),
        None,
        "another region quoted for the shoulder MRI"
    );
    let neck = quotes(&analysis, 2);
    assert_eq!(
        any_quote_with(&neck, &["wrist", "tinel", "hawkins", "painful arc"]),
        None,
        "another region quoted for the cervical MRI"
    );
    // A surgical referral being considered answers "is surgery considered".
    let considered = analysis.items[0]
        .criteria
        .iter()
        .find(|c| c.id == "surgery_considered")
        .expect("shoulder imaging asks whether surgery is considered");
    assert_eq!(
        considered.answer,
        imrdesk::assessment::Answer::Met,
        "{considered:?}"
    );
}

#[test]
fn the_case_summary_cites_each_report_by_its_own_date() {
    // An invented first report, written a week after the urgent-care visit
    // it mentions, and a progress report naming an earlier consultation.
    let mut case = Case::new();
    case.patient.age = Some(52);
    case.documents = vec![
        doc(
            0,
            DocumentKind::DoctorsFirstReport,
            (2019, 4, 9),
            "HISTORY:\n\nHe was seen at an urgent care clinic on 04/02/2019, given naproxen and told to rest.\n",
        ),
        doc(
            1,
            DocumentKind::ProgressReport,
            (2019, 7, 30),
            "HISTORY:\n\nHe was seen by orthopedic surgery on 07/15/2019, who recommended arthroscopy of the left shoulder.\n\n\
             EXAM:\n\nLeft shoulder: positive Hawkins and Neer signs.\n",
        ),
    ];
    case.items = vec![item(1, "Left shoulder arthroscopy")];
    let library = Library::builtin().expect("library");
    let analysis = analyze(&case, &library);
    let summary = imrdesk::engine::summary::draft_summary(&case, &analysis);
    assert!(summary.contains("naproxen"), "{summary}");
    assert!(!summary.contains("report of 04/02/2019"), "{summary}");
    assert!(!summary.contains("of 07/15/2019 records"), "{summary}");
    assert!(summary.contains("of 04/09/2019 records"), "{summary}");
}
