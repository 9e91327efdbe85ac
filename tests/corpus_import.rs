//! Imports every dev letter, from its text and from its PDF, and checks the
//! result against counts taken independently of the importer.

mod common;

use std::path::{Path, PathBuf};

use imrdesk::case::Case;
use imrdesk::ingest;
use regex::Regex;

macro_rules! check {
    ($errs:expr, $cond:expr, $($fmt:tt)+) => {
        if !$cond {
            $errs.push(format!($($fmt)+));
        }
    };
}

macro_rules! check_eq {
    ($errs:expr, $a:expr, $b:expr, $($fmt:tt)+) => {
        if $a != $b {
            $errs.push(format!("{}: {:?} != {:?}", format!($($fmt)+), $a, $b));
        }
    };
}

fn letters(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().and_then(|e| e.to_str()) == Some(ext))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Decision lines and, of those, partial certifications, counted with simple
/// patterns that share nothing with the importer.
fn independent_counts(text: &str) -> (usize, usize) {
    let decision = Regex::new(r"(Upheld|Overturned)\s*$").expect("regex");
    let lines: Vec<&str> = text.lines().collect();
    let mut decisions = 0;
    let mut partials = 0;
    for (i, line) in lines.iter().enumerate() {
        if !decision.is_match(line) {
            continue;
        }
        decisions += 1;
        let mut block = line.to_string();
        for prev in lines[..i].iter().rev().take(6) {
            if prev.trim().is_empty() || prev.trim_end().ends_with("below:") {
                break;
            }
            block = format!("{prev} {block}");
        }
        if block.contains("original request") {
            partials += 1;
        }
    }
    (decisions, partials)
}

fn check_letter(case: &Case, name: &str, errs: &mut Vec<String>) {
    let m = &case.meta;
    check!(errs, m.case_number.is_some(), "{name}: case number");
    check!(errs, m.date_assigned.is_some(), "{name}: date assigned");
    check!(errs, m.date_of_injury.is_some(), "{name}: date of injury");
    check!(errs, m.decision_date.is_some(), "{name}: decision date");
    check!(errs, m.ur_denial_date.is_some(), "{name}: UR denial date");
    check!(
        errs,
        m.application_received.is_some(),
        "{name}: application received"
    );
    check!(errs, !case.items.is_empty(), "{name}: no items");
    check!(
        errs,
        !case.reviewer.licensure.is_empty(),
        "{name}: licensure"
    );
    check!(
        errs,
        !case.reviewer.specialties.is_empty(),
        "{name}: specialty"
    );
    check_eq!(
        errs,
        case.documents.len(),
        1,
        "{name}: one summary document"
    );
    let Some(reference) = case.reference.as_ref() else {
        errs.push(format!("{name}: no reference"));
        return;
    };
    check_eq!(
        errs,
        reference.items.len(),
        case.items.len(),
        "{name}: reference per item"
    );
    for (item, r) in case.items.iter().zip(&reference.items) {
        check!(errs, !item.text.is_empty(), "{name}: empty item text");
        check!(
            errs,
            item.text.len() < 400,
            "{name}: item text runs on: {}",
            item.text
        );
        check!(
            errs,
            !r.guideline_line.is_empty(),
            "{name}: MAXIMUS line of {}",
            item.text
        );
        check!(
            errs,
            !r.rationale.is_empty(),
            "{name}: rationale of {}",
            item.text
        );
    }
}

#[test]
fn every_dev_letter_imports_from_text_and_pdf() {
    let Some(dir) = common::corpus_dir("corpus import test") else {
        return;
    };
    let txts = letters(&dir, "txt");
    assert!(
        !txts.is_empty(),
        "no letter (.txt) found in {}",
        dir.display()
    );
    let (mut n_items, mut n_partials, mut n_pdf) = (0, 0, 0);
    let mut errs: Vec<String> = Vec::new();
    for txt in &txts {
        let name = txt
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("?")
            .to_string();
        let text = std::fs::read_to_string(txt).expect("corpus text is UTF-8");
        let case = match ingest::letter_from_text(&text, txt) {
            Ok(c) => c,
            Err(e) => {
                errs.push(e.to_string());
                continue;
            }
        };
        check_letter(&case, &name, &mut errs);

        // The summary is an exact substring and stops before the issues.
        let Some(summary) = case.documents.first().map(|d| d.text.as_str()) else {
            continue;
        };
        check!(
            errs,
            text.contains(summary),
            "{name}: summary not a substring"
        );
        check!(
            errs,
            !summary.contains("IMR ISSUES"),
            "{name}: summary runs into the issues"
        );
        check!(
            errs,
            !summary.contains("Decision rationale"),
            "{name}: summary has rationale"
        );

        let (decisions, partials) = independent_counts(&text);
        check_eq!(
            errs,
            case.items.len(),
            decisions,
            "{name}: items vs decision lines"
        );
        let found_partials = case.items.iter().filter(|i| i.partial.is_some()).count();
        check_eq!(errs, found_partials, partials, "{name}: partial items");
        n_items += case.items.len();
        n_partials += found_partials;

        let pdf = txt.with_extension("pdf");
        if pdf.exists() {
            let from_pdf = match ingest::load(&pdf) {
                Ok(imported) => {
                    check!(
                        errs,
                        imported.warnings.is_empty(),
                        "{name}: PDF warnings {:?}",
                        imported.warnings
                    );
                    imported.case
                }
                Err(e) => {
                    errs.push(e.to_string());
                    continue;
                }
            };
            check_letter(&from_pdf, &format!("{name} (pdf)"), &mut errs);
            check_eq!(errs, from_pdf.meta, case.meta, "{name}: header txt vs pdf");
            check_eq!(
                errs,
                from_pdf.patient,
                case.patient,
                "{name}: patient txt vs pdf"
            );
            check_eq!(
                errs,
                from_pdf.reviewer,
                case.reviewer,
                "{name}: reviewer txt vs pdf"
            );
            check_eq!(errs, from_pdf.items, case.items, "{name}: items txt vs pdf");
            check_eq!(
                errs,
                from_pdf.reference,
                case.reference,
                "{name}: reference txt vs pdf"
            );
            check_eq!(
                errs,
                from_pdf.documents.first().map(|d| ws(&d.text)),
                case.documents.first().map(|d| ws(&d.text)),
                "{name}: summary txt vs pdf"
            );
            n_pdf += 1;
        }
    }
    println!(
        "corpus import: {} letters ({} also from PDF), {} items, {} partial certifications",
        txts.len(),
        n_pdf,
        n_items,
        n_partials
    );
    for e in errs.iter().take(60) {
        eprintln!("{e}");
    }
    assert!(
        errs.is_empty(),
        "{} problems in the corpus import",
        errs.len()
    );
}
