//! Golden check of extraction against facts verified by reading dev letters.
//!
//! `tests/golden/facts.ron` lists, per letter (by file name), the facts a
//! reader verified in its clinical case summary: kind, concept, certainty and
//! the byte range in the letter's .txt file (spans and labels only, no text).
//! The test extracts from the imported case summary, scores precision and
//! recall per kind and the precision of negation flags, prints them, and
//! asserts floors at the figures reached so they cannot regress.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use imrdesk::case::DocumentKind;
use imrdesk::extract::{ExtractContext, extract_document};
use imrdesk::fact::{BodyRegion, Certainty, Fact, FactKind, Side};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct GoldenLetter {
    letter: String,
    facts: Vec<GoldenFact>,
}

#[derive(Debug, Deserialize)]
struct GoldenFact {
    kind: FactKind,
    concept: String,
    certainty: Certainty,
    start: usize,
    end: usize,
    #[serde(default)]
    region: Option<BodyRegion>,
    #[serde(default)]
    side: Option<Side>,
}

fn overlaps(a: (usize, usize), b: (usize, usize)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

/// Extracted facts of the letter's case summary, spans shifted to file offsets.
fn extract_letter(path: &Path) -> (String, Vec<Fact>, (usize, usize)) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let case = imrdesk::ingest::letter_from_text(&text, path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let doc = case
        .documents
        .iter()
        .find(|d| d.kind == DocumentKind::CaseSummary)
        .unwrap_or_else(|| panic!("{}: no case summary", path.display()));
    let offset = text
        .find(&doc.text)
        .unwrap_or_else(|| panic!("{}: summary is not a substring", path.display()));
    let mut facts = extract_document(doc, &ExtractContext::for_document(&case, doc));
    for f in &mut facts {
        f.span.start += offset;
        f.span.end += offset;
    }
    let range = (offset, offset + doc.text.len());
    (text, facts, range)
}

fn is_asserted(c: Certainty) -> bool {
    matches!(c, Certainty::Affirmed | Certainty::Historical)
}

#[derive(Default)]
struct Score {
    extracted: usize,
    correct: usize,
    golden: usize,
    found: usize,
}

#[test]
fn golden_precision_recall_and_negation() {
    let Some(dir) = common::corpus_dir("golden extraction check") else {
        return;
    };
    let golden_text = include_str!("golden/facts.ron");
    let golden: Vec<GoldenLetter> =
        ron::from_str(golden_text).unwrap_or_else(|e| panic!("facts.ron: {e}"));
    assert!(golden.len() >= 10, "at least ten letters are annotated");

    let mut per_kind: BTreeMap<String, Score> = BTreeMap::new();
    let (mut neg_flags, mut neg_right, mut neg_golden, mut neg_found) = (0, 0, 0, 0);
    let (mut cert_pairs, mut cert_agree) = (0, 0);
    let (mut region_pairs, mut region_agree) = (0, 0);
    for letter in &golden {
        let path = dir.join(&letter.letter);
        let (text, facts, range) = extract_letter(&path);
        for g in &letter.facts {
            assert!(
                g.start < g.end
                    && range.0 <= g.start
                    && g.end <= range.1
                    && text.is_char_boundary(g.start)
                    && text.is_char_boundary(g.end),
                "{}: golden span {}..{} outside the case summary",
                letter.letter,
                g.start,
                g.end
            );
        }
        for f in &facts {
            let s = per_kind.entry(f.kind.label().to_string()).or_default();
            s.extracted += 1;
            let matching: Vec<&GoldenFact> = letter
                .facts
                .iter()
                .filter(|g| {
                    g.kind == f.kind
                        && g.concept == f.concept
                        && overlaps((g.start, g.end), (f.span.start, f.span.end))
                })
                .collect();
            if !matching.is_empty() {
                s.correct += 1;
                cert_pairs += 1;
                // Affirmed and historical both assert the fact (rules count
                // both); agreement compares that reading.
                let same =
                    |a: Certainty, b: Certainty| a == b || (is_asserted(a) && is_asserted(b));
                if matching.iter().any(|g| same(g.certainty, f.certainty)) {
                    cert_agree += 1;
                }
                if let Some(g) = matching.iter().find(|g| g.region.is_some()) {
                    region_pairs += 1;
                    if g.region == f.region && (g.side.is_none() || g.side == f.side) {
                        region_agree += 1;
                    }
                }
            } else if std::env::var_os("GOLDEN_VERBOSE").is_some() {
                eprintln!(
                    "{} extra: {:?} {} {:?} {}..{} {:?}",
                    letter.letter,
                    f.kind,
                    f.concept,
                    f.certainty,
                    f.span.start,
                    f.span.end,
                    f.span.slice(&text)
                );
            }
            if f.certainty == Certainty::Negated {
                neg_flags += 1;
                if matching.iter().any(|g| g.certainty == Certainty::Negated) {
                    neg_right += 1;
                }
            }
        }
        for g in &letter.facts {
            let s = per_kind.entry(g.kind.label().to_string()).or_default();
            s.golden += 1;
            let hit = facts.iter().find(|f| {
                f.kind == g.kind
                    && f.concept == g.concept
                    && overlaps((g.start, g.end), (f.span.start, f.span.end))
            });
            if hit.is_some() {
                s.found += 1;
            } else if std::env::var_os("GOLDEN_VERBOSE").is_some() {
                eprintln!(
                    "{} missed: {:?} {} {:?} {}..{} {:?}",
                    letter.letter,
                    g.kind,
                    g.concept,
                    g.certainty,
                    g.start,
                    g.end,
                    text.get(g.start..g.end).unwrap_or("")
                );
            }
            if g.certainty == Certainty::Negated {
                neg_golden += 1;
                if hit.is_some_and(|f| f.certainty == Certainty::Negated) {
                    neg_found += 1;
                }
            }
        }
    }

    let ratio = |a: usize, b: usize| if b == 0 { 1.0 } else { a as f64 / b as f64 };
    println!(
        "{:<26} {:>9} {:>9} {:>7} {:>7}",
        "kind", "precision", "recall", "extr.", "golden"
    );
    let (mut te, mut tc, mut tg, mut tf) = (0, 0, 0, 0);
    for (kind, s) in &per_kind {
        println!(
            "{kind:<26} {:>9.3} {:>9.3} {:>7} {:>7}",
            ratio(s.correct, s.extracted),
            ratio(s.found, s.golden),
            s.extracted,
            s.golden
        );
        te += s.extracted;
        tc += s.correct;
        tg += s.golden;
        tf += s.found;
    }
    let precision = ratio(tc, te);
    let recall = ratio(tf, tg);
    let negation_precision = ratio(neg_right, neg_flags);
    let negation_recall = ratio(neg_found, neg_golden);
    let certainty_agreement = ratio(cert_agree, cert_pairs);
    let region_agreement = ratio(region_agree, region_pairs);
    println!("overall precision {precision:.3} ({tc}/{te}), recall {recall:.3} ({tf}/{tg})");
    println!(
        "negation precision {negation_precision:.3} ({neg_right}/{neg_flags}), negation recall {negation_recall:.3} ({neg_found}/{neg_golden})"
    );
    println!(
        "certainty agreement on matched facts {certainty_agreement:.3} ({cert_agree}/{cert_pairs})"
    );
    println!(
        "region/side agreement on matched facts {region_agreement:.3} ({region_agree}/{region_pairs})"
    );

    // Floors at the figures reached (see the closing note); raise them as
    // extraction improves, never lower them.
    assert!(
        precision >= FLOOR_PRECISION,
        "precision {precision:.3} fell below {FLOOR_PRECISION}"
    );
    assert!(
        recall >= FLOOR_RECALL,
        "recall {recall:.3} fell below {FLOOR_RECALL}"
    );
    assert!(
        negation_precision >= FLOOR_NEGATION_PRECISION,
        "negation precision {negation_precision:.3} fell below {FLOOR_NEGATION_PRECISION}"
    );
    assert!(
        region_agreement >= FLOOR_REGION,
        "region agreement {region_agreement:.3} fell below {FLOOR_REGION}"
    );
    assert!(
        certainty_agreement >= FLOOR_CERTAINTY,
        "certainty agreement {certainty_agreement:.3} fell below {FLOOR_CERTAINTY}"
    );
}

const FLOOR_PRECISION: f64 = 0.99;
const FLOOR_RECALL: f64 = 0.97;
const FLOOR_NEGATION_PRECISION: f64 = 0.99;
const FLOOR_REGION: f64 = 0.95;
const FLOOR_CERTAINTY: f64 = 0.975;
