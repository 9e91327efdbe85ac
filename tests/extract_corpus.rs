//! Extraction over every dev letter: no panic, every span inside its
//! document on character boundaries and inside its sentence, and facts of
//! the kinds every case summary has.

mod common;

use std::path::PathBuf;

use imrdesk::extract::extract_case;
use imrdesk::fact::{Certainty, FactKind};

#[test]
fn every_letter_extracts_sound_facts() {
    let Some(dir) = common::corpus_dir("corpus extraction check") else {
        return;
    };
    let entries =
        std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no letters in {}", dir.display());
    let (mut total, mut negated, mut with_age, mut with_ur) = (0, 0, 0, 0);
    for path in &paths {
        let text =
            std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let case = imrdesk::ingest::letter_from_text(&text, path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let facts = extract_case(&case);
        for f in &facts {
            let doc = case
                .document(f.doc)
                .unwrap_or_else(|| panic!("{}: fact names a missing document", path.display()));
            assert!(
                !f.span.slice(&doc.text).is_empty(),
                "{}: empty or misplaced span {:?} for {}",
                path.display(),
                f.span,
                f.concept
            );
            assert!(
                f.sentence.contains(f.span),
                "{}: span outside its sentence",
                path.display()
            );
            if f.certainty == Certainty::Negated {
                negated += 1;
            }
        }
        if facts.iter().any(|f| f.concept == "age") {
            with_age += 1;
        }
        if facts.iter().any(|f| f.kind == FactKind::UtilizationReview) {
            with_ur += 1;
        }
        total += facts.len();
    }
    let n = paths.len();
    println!(
        "{n} letters: {total} facts, {negated} negated; age found in {with_age}, UR decision in {with_ur}"
    );
    assert!(total >= n * 15, "too few facts: {total} for {n} letters");
    assert!(
        with_age * 10 >= n * 9,
        "age found in only {with_age} of {n} letters"
    );
    assert!(
        with_ur * 10 >= n * 8,
        "UR decision found in only {with_ur} of {n} letters"
    );
}
