//! Records importer: the built-in demo case, folders and several files.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use imrdesk::case::{CaseSource, DocId, DocumentKind, ItemId, Sex};
use imrdesk::ingest;

fn demo_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/cases/demo")
}

#[test]
fn demo_case_has_the_records_and_items_a_review_needs() {
    let case = ingest::demo_case();
    assert_eq!(case.source, CaseSource::Demo);
    assert_eq!(case.meta.case_number.as_deref(), Some("DEMO-0001"));
    assert_eq!(
        case.meta.date_of_injury,
        NaiveDate::from_ymd_opt(2016, 2, 15)
    );
    assert_eq!(
        case.meta.ur_denial_date,
        NaiveDate::from_ymd_opt(2016, 10, 18)
    );
    assert_eq!(case.patient.age, Some(47));
    assert_eq!(case.patient.sex, Some(Sex::Male));
    assert!(case.reference.is_none());

    let kinds: Vec<DocumentKind> = case.documents.iter().map(|d| d.kind).collect();
    use DocumentKind::*;
    assert_eq!(
        kinds,
        [
            DoctorsFirstReport,
            ImagingReport,
            ProgressReport,
            ImagingReport,
            ProgressReport,
            ElectrodiagnosticReport,
            ProgressReport,
            ProgressReport,
            RequestForAuthorization,
            UtilizationReview,
            // The IMR application's acknowledgment: it dates the review.
            Other,
        ]
    );
    assert_eq!(
        case.meta.application_received,
        NaiveDate::from_ymd_opt(2016, 11, 7)
    );
    // Sorted by date, ids in order.
    let dates: Vec<NaiveDate> = case.documents.iter().filter_map(|d| d.date).collect();
    assert_eq!(
        dates.len(),
        case.documents.len(),
        "every demo record is dated"
    );
    assert!(dates.windows(2).all(|w| w[0] <= w[1]));
    assert_eq!(
        dates[1],
        NaiveDate::from_ymd_opt(2016, 3, 18).unwrap_or_default()
    );
    for (i, d) in case.documents.iter().enumerate() {
        assert_eq!(d.id, DocId(i as u32));
        assert!(!d.text.is_empty());
    }

    let texts: Vec<&str> = case.items.iter().map(|i| i.disputed_text()).collect();
    assert_eq!(
        texts,
        [
            "MRI of the lumbar spine without contrast (repeat)",
            "Physical therapy 2 times a week for 6 weeks, lumbar spine",
            "Cyclobenzaprine 7.5 mg #90",
            "Tramadol ER 150 mg #30",
            "Right knee arthroscopic partial medial meniscectomy",
            "Associated surgical service: post-operative physical therapy 2 times a week for 6 weeks, right knee",
        ]
    );
    let partial = case.items[3].partial.as_ref().expect("modified request");
    assert_eq!(partial.original, "Tramadol ER 150 mg #60");
    assert_eq!(partial.authorized, "Tramadol ER 150 mg #30");
    assert_eq!(case.items[5].depends_on, Some(ItemId(4)));
}

#[test]
fn demo_folder_imports_the_same_as_the_embedded_demo() {
    let imported = ingest::load(&demo_dir()).expect("demo folder loads");
    assert!(imported.warnings.is_empty(), "{:?}", imported.warnings);
    let demo = ingest::demo_case();
    assert_eq!(imported.case.items, demo.items);
    assert_eq!(imported.case.meta, demo.meta);
    assert_eq!(imported.case.documents.len(), demo.documents.len());
    for (a, b) in imported.case.documents.iter().zip(&demo.documents) {
        assert_eq!((a.kind, a.date, &a.text), (b.kind, b.date, &b.text));
    }
    assert!(matches!(imported.case.source, CaseSource::Records(_)));
}

#[test]
fn several_files_make_one_case_and_rfa_is_the_fallback() {
    let dir = demo_dir();
    let files: Vec<PathBuf> = [
        "08_progress_report_4.txt",
        "09_rfa.txt",
        "01_doctors_first_report.txt",
    ]
    .iter()
    .map(|n| dir.join(n))
    .collect();
    let imported = ingest::load_many(&files).expect("files load");
    let case = &imported.case;
    assert_eq!(case.documents.len(), 3);
    assert_eq!(case.documents[0].kind, DocumentKind::DoctorsFirstReport);
    // No UR letter: the RFA's six requested services are the items.
    assert_eq!(case.items.len(), 6);
    assert_eq!(case.items[3].text, "Tramadol ER 150 mg #60");
    assert!(case.items.iter().all(|i| i.partial.is_none()));
    assert_eq!(case.items[5].depends_on, Some(ItemId(4)));
}

#[test]
fn folder_skips_other_files_with_a_warning() {
    let tmp = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        tmp.path().join("report.txt"),
        "PROGRESS REPORT\nDate of service: 02/03/2018\nThe patient is a 30 year old woman.\n",
    )
    .expect("write");
    std::fs::write(tmp.path().join("photo.jpg"), [0xFFu8, 0xD8, 0xFF, 0xE0]).expect("write");
    std::fs::write(tmp.path().join("blank.txt"), "").expect("write");
    std::fs::create_dir(tmp.path().join("older")).expect("mkdir");
    let imported = ingest::load(tmp.path()).expect("folder loads");
    assert_eq!(imported.case.documents.len(), 1);
    assert_eq!(
        imported.case.documents[0].kind,
        DocumentKind::ProgressReport
    );
    assert_eq!(imported.case.patient.sex, Some(Sex::Female));
    let w = imported.warnings.join("\n");
    assert!(w.contains("photo.jpg"), "{w}");
    assert!(w.contains("blank.txt") && w.contains("empty"), "{w}");
    assert!(w.contains("older: subfolder skipped"), "{w}");
}

#[test]
fn text_pdf_record_is_read_through_its_text_layer() {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ingest/short_report.pdf");
    let imported = ingest::load(&p).expect("pdf record loads");
    let doc = &imported.case.documents[0];
    assert_eq!(doc.kind, DocumentKind::ProgressReport);
    assert_eq!(doc.date, NaiveDate::from_ymd_opt(2017, 1, 5));
    assert!(doc.text.contains("invented patient"));
}
