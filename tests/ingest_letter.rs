//! The letter importer on an invented letter that exercises each layout
//! variant found in published letters.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use imrdesk::case::{CaseSource, DocumentKind, ExpertOutcome, ItemId, Priority, Sex};
use imrdesk::ingest;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/ingest")
        .join(name)
}

fn variants() -> (String, imrdesk::case::Case) {
    let path = fixture("letter_variants.txt");
    let text = std::fs::read_to_string(&path).expect("fixture present");
    let case = ingest::letter_from_text(&text, &path).expect("fixture parses");
    (text, case)
}

#[test]
fn header_and_reviewer() {
    let (_, case) = variants();
    let m = &case.meta;
    assert_eq!(m.case_number.as_deref(), Some("ZZ19-0004321"));
    assert_eq!(m.date_assigned, NaiveDate::from_ymd_opt(2019, 3, 1));
    assert_eq!(m.date_of_injury, NaiveDate::from_ymd_opt(2017, 6, 14));
    assert_eq!(m.decision_date, NaiveDate::from_ymd_opt(2019, 3, 22));
    assert_eq!(m.ur_denial_date, NaiveDate::from_ymd_opt(2019, 2, 11));
    assert_eq!(m.application_received, NaiveDate::from_ymd_opt(2019, 2, 25));
    assert_eq!(m.priority, Priority::Standard);
    assert_eq!(case.reviewer.licensure, ["Oregon", "Nevada"]);
    assert_eq!(
        case.reviewer.specialties,
        [
            "Orthopaedic Surgery",
            "Sports Medicine",
            "Physical Medicine & Rehabilitation"
        ]
    );
    assert_eq!(case.patient.age, Some(52));
    assert_eq!(case.patient.sex, Some(Sex::Female));
    assert!(matches!(case.source, CaseSource::PublishedLetter(_)));
}

#[test]
fn summary_is_an_exact_substring_without_reasoning() {
    let (text, case) = variants();
    assert_eq!(case.documents.len(), 1);
    let doc = &case.documents[0];
    assert_eq!(doc.kind, DocumentKind::CaseSummary);
    assert!(text.contains(&doc.text));
    assert!(doc.text.starts_with("The claimant is a 52-year-old"));
    assert!(doc.text.ends_with("listed below."));
    assert!(!doc.text.contains("rationale"));
    // One page break inside the summary.
    assert_eq!(doc.page_starts.len(), 2);
    let second = doc.page_starts[1];
    assert!(doc.text[second..].starts_with("of 6/10"));
}

#[test]
fn every_item_variant() {
    let (_, case) = variants();
    let texts: Vec<&str> = case.items.iter().map(|i| i.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "Right shoulder arthroscopic subacromial decompression with distal clavicle excision",
            "Associated surgical service: Post-operative physical therapy two times a week for six weeks for the right shoulder",
            "Meloxicam 15mg #30",
            "Interferential unit rental for three months",
            "Pre-operative electrocardiogram and basic metabolic panel for the right shoulder procedure",
        ]
    );
    let p = case.items[2]
        .partial
        .as_ref()
        .expect("remaining-portion partial");
    assert_eq!(p.original, "Meloxicam 15mg #60");
    assert_eq!(p.authorized, "Meloxicam 15mg #30");
    assert_eq!(p.disputed, "Meloxicam 15mg #30");
    let p = case.items[3].partial.as_ref().expect("alternative partial");
    assert_eq!(p.authorized, "a one month trial of a TENS unit");
    assert_eq!(p.original, p.disputed);
    assert!(case.items[0].partial.is_none());
    // Associated services point at the surgery.
    assert_eq!(case.items[1].depends_on, Some(ItemId(0)));
    assert_eq!(case.items[4].depends_on, Some(ItemId(0)));
    assert_eq!(case.items[2].depends_on, None);
}

#[test]
fn reference_per_item() {
    let (_, case) = variants();
    let r = case.reference.as_ref().expect("reference");
    let outcomes: Vec<ExpertOutcome> = r.items.iter().map(|i| i.outcome).collect();
    use ExpertOutcome::*;
    assert_eq!(outcomes, [Overturned, Upheld, Upheld, Upheld, Overturned]);
    assert_eq!(
        r.items[0].guideline_line,
        "Decision based on a shoulder chapter and a surgery topic, both invented for this fixture."
    );
    assert_eq!(
        r.items[0].claims_administrator_line.as_deref(),
        Some("Decision based on a shoulder chapter, invented for the fixture.")
    );
    assert!(
        r.items[0]
            .rationale
            .ends_with("The request is medically necessary.")
    );
    assert_eq!(
        r.items[1].rationale,
        "Missing blank lines between blocks must still parse. Not medically necessary."
    );
    assert_eq!(r.items[2].claims_administrator_line, None);
    // The engine's view has no reference.
    assert!(case.without_reference().reference.is_none());
}

#[test]
fn load_dispatches_letters_and_single_records() {
    let letter = ingest::load(&fixture("letter_variants.txt")).expect("letter loads");
    assert!(letter.case.reference.is_some());
    assert!(letter.warnings.is_empty());
    let note = ingest::load(&fixture("plain_note.txt")).expect("note loads as a record");
    assert!(note.case.reference.is_none());
    assert_eq!(note.case.documents.len(), 1);
    assert_eq!(note.case.documents[0].kind, DocumentKind::Other);
    assert!(note.case.items.is_empty());
    assert!(
        note.warnings
            .iter()
            .any(|w| w.contains("no disputed items")),
        "{:?}",
        note.warnings
    );
}

#[test]
fn seed_letter_without_header_still_imports() {
    // The seeds sit beside the corpus: <shared>/seeds and <shared>/corpus/dev.
    let seeds = std::env::var_os("IMRDESK_CORPUS")
        .map(|c| PathBuf::from(c).join("../../seeds"))
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds"));
    let Ok(rd) = std::fs::read_dir(&seeds) else {
        eprintln!(
            "seed folder {} is absent: seed test skipped",
            seeds.display()
        );
        return;
    };
    let mut n = 0;
    for entry in rd.flatten() {
        let p = entry.path();
        if p.extension().and_then(|e| e.to_str()) != Some("txt") {
            continue;
        }
        let imported = ingest::load(&p).expect("seed loads");
        assert!(!imported.case.items.is_empty());
        // The seed has no header block: the import says so.
        assert!(
            imported.warnings.iter().any(|w| w.contains("header lacks")),
            "{:?}",
            imported.warnings
        );
        assert!(imported.case.reference.is_some());
        n += 1;
    }
    assert!(n > 0, "no seed letter found in {}", seeds.display());
}
