//! Golden check of extraction against facts verified by reading dev letters.
//!
//! `tests/golden/facts.ron` lists, per letter (by file name), the facts a
//! reader verified in its clinical case summary: kind, concept, certainty,
//! region, side, date and the byte range in the letter's .txt file (spans and
//! labels only, no text). Letters marked `held_out` were never used to tune
//! the extractor, so their figures are reported apart: they say how it does
//! on text it has not seen, the tuned ones only that it does not regress.
//!
//! The test extracts from the imported case summary and prints, for each set,
//! precision and recall per kind (a fact is found when kind and concept agree
//! and the spans overlap), then over the matched pairs precision and recall of
//! region, side, date and each certainty value. Floors keep the tuned set from
//! regressing and the held-out set from collapsing.
//!
//! The ignored `golden_draft_entries` (run with `GOLDEN_DRAFT=CM17-0000001.txt,…`
//! and `--ignored`) prints the extractor's facts for those letters as draft
//! entries to verify by reading (never commit unread drafts);
//! `GOLDEN_VERBOSE=1` prints every miss and extra.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use imrdesk::case::DocumentKind;
use imrdesk::extract::{ExtractContext, extract_document};
use imrdesk::fact::{BodyRegion, Certainty, DatePrecision, Fact, FactKind, FuzzyDate, Side};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct GoldenLetter {
    letter: String,
    /// Never looked at while tuning the extractor.
    #[serde(default)]
    held_out: bool,
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
    /// The date of the event the fact belongs to: "YYYY-MM-DD", or
    /// "YYYY-MM" / "YYYY" when the text gives only that much.
    #[serde(default)]
    date: Option<String>,
}

fn overlaps(a: (usize, usize), b: (usize, usize)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

fn overlap_len(a: (usize, usize), b: (usize, usize)) -> usize {
    a.1.min(b.1).saturating_sub(a.0.max(b.0))
}

/// A date in the golden notation, at the precision the extractor knows it.
fn date_label(d: &FuzzyDate) -> String {
    match d.precision {
        DatePrecision::Day => d.date.format("%Y-%m-%d").to_string(),
        DatePrecision::Month => d.date.format("%Y-%m").to_string(),
        DatePrecision::Year => d.date.format("%Y").to_string(),
    }
}

/// Whether a golden date is written in the notation `date_label` produces,
/// so a typing slip in facts.ron fails loudly instead of scoring as a miss.
fn valid_date_label(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
    match parts.as_slice() {
        [y] => digits(y, 4),
        [y, m] => digits(y, 4) && digits(m, 2),
        [y, m, d] => {
            digits(y, 4)
                && digits(m, 2)
                && digits(d, 2)
                && chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()
        }
        _ => false,
    }
}

/// The letter's text, and the case summary's facts with spans shifted to
/// file offsets, and the summary's byte range in the file.
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

fn is_absent(c: Certainty) -> bool {
    matches!(c, Certainty::Negated | Certainty::Normal)
}

/// Agreement as the rules read certainty: affirmed and historical both
/// assert the fact.
fn same_reading(a: Certainty, b: Certainty) -> bool {
    a == b || (is_asserted(a) && is_asserted(b))
}

const CERTAINTIES: [Certainty; 6] = [
    Certainty::Affirmed,
    Certainty::Historical,
    Certainty::Negated,
    Certainty::Normal,
    Certainty::Hypothetical,
    Certainty::Hedged,
];

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

#[derive(Default)]
struct KindScore {
    extracted: usize,
    correct: usize,
    golden: usize,
    found: usize,
}

/// One attribute over matched pairs: how often the extractor gives it, how
/// often the golden label has it, and how often both give the same value.
#[derive(Default, Clone, Copy)]
struct AttrScore {
    predicted: usize,
    labelled: usize,
    right: usize,
}

impl AttrScore {
    fn add<T: PartialEq>(&mut self, predicted: Option<T>, labelled: Option<T>) {
        self.predicted += usize::from(predicted.is_some());
        self.labelled += usize::from(labelled.is_some());
        self.right += usize::from(predicted.is_some() && predicted == labelled);
    }
    fn precision(&self) -> f64 {
        ratio(self.right, self.predicted)
    }
    fn recall(&self) -> f64 {
        ratio(self.right, self.labelled)
    }
}

/// Everything measured on one set of letters (tuned or held out).
#[derive(Default)]
struct Tally {
    letters: usize,
    per_kind: BTreeMap<String, KindScore>,
    region: AttrScore,
    side: AttrScore,
    date: AttrScore,
    certainty: BTreeMap<String, AttrScore>,
    pairs: usize,
    reading_agree: usize,
    /// Pairs whose golden certainty is one the extractor has long produced
    /// (not hedged or normal), and their agreement: the regression floor.
    core_pairs: usize,
    core_agree: usize,
    absent_flags: usize,
    absent_right: usize,
}

impl Tally {
    fn precision(&self) -> f64 {
        let (c, e) = self
            .per_kind
            .values()
            .fold((0, 0), |(c, e), s| (c + s.correct, e + s.extracted));
        ratio(c, e)
    }
    fn recall(&self) -> f64 {
        let (f, g) = self
            .per_kind
            .values()
            .fold((0, 0), |(f, g), s| (f + s.found, g + s.golden));
        ratio(f, g)
    }
    fn reading_agreement(&self) -> f64 {
        ratio(self.reading_agree, self.pairs)
    }
    fn core_agreement(&self) -> f64 {
        ratio(self.core_agree, self.core_pairs)
    }
    fn absent_precision(&self) -> f64 {
        ratio(self.absent_right, self.absent_flags)
    }
}

fn verbose() -> bool {
    std::env::var_os("GOLDEN_VERBOSE").is_some()
}

/// The extracted fact that answers a golden one: same kind and concept,
/// overlapping span, the largest overlap winning.
fn best_match<'a>(g: &GoldenFact, facts: &'a [Fact]) -> Option<&'a Fact> {
    facts
        .iter()
        .filter(|f| {
            f.kind == g.kind
                && f.concept == g.concept
                && overlaps((g.start, g.end), (f.span.start, f.span.end))
        })
        .max_by_key(|f| overlap_len((g.start, g.end), (f.span.start, f.span.end)))
}

fn check_labels(letter: &GoldenLetter, text: &str, range: (usize, usize)) {
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
        if let Some(d) = &g.date {
            assert!(
                valid_date_label(d),
                "{}: golden date {d:?} at {}..{} is not YYYY-MM-DD, YYYY-MM or YYYY",
                letter.letter,
                g.start,
                g.end
            );
        }
    }
}

fn score_letter(letter: &GoldenLetter, text: &str, facts: &[Fact], t: &mut Tally) {
    t.letters += 1;
    for f in facts {
        let s = t.per_kind.entry(f.kind.label().to_string()).or_default();
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
        } else if verbose() {
            eprintln!(
                "{} extra: {:?} {} {:?} {}..{} {:?}",
                letter.letter,
                f.kind,
                f.concept,
                f.certainty,
                f.span.start,
                f.span.end,
                f.span.slice(text)
            );
        }
        if is_absent(f.certainty) {
            t.absent_flags += 1;
            if matching.iter().any(|g| is_absent(g.certainty)) {
                t.absent_right += 1;
            }
        }
    }
    for g in &letter.facts {
        let s = t.per_kind.entry(g.kind.label().to_string()).or_default();
        s.golden += 1;
        let Some(f) = best_match(g, facts) else {
            if verbose() {
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
            continue;
        };
        s.found += 1;
        score_pair(letter, g, f, t);
    }
}

fn score_pair(letter: &GoldenLetter, g: &GoldenFact, f: &Fact, t: &mut Tally) {
    t.region.add(f.region, g.region);
    t.side.add(f.side, g.side);
    let predicted_date = f.date.as_ref().map(date_label);
    t.date.add(predicted_date.clone(), g.date.clone());
    for c in CERTAINTIES {
        t.certainty.entry(c.to_string()).or_default().add(
            (f.certainty == c).then_some(()),
            (g.certainty == c).then_some(()),
        );
    }
    t.pairs += 1;
    t.reading_agree += usize::from(same_reading(f.certainty, g.certainty));
    if !matches!(g.certainty, Certainty::Hedged | Certainty::Normal) {
        t.core_pairs += 1;
        t.core_agree += usize::from(same_reading(f.certainty, g.certainty));
    }
    let differs = f.region != g.region
        || f.side != g.side
        || predicted_date != g.date
        || !same_reading(f.certainty, g.certainty);
    if differs && verbose() {
        eprintln!(
            "{} {} {}..{}: extracted {:?} {:?} {:?} {:?}, golden {:?} {:?} {:?} {:?}",
            letter.letter,
            g.concept,
            g.start,
            g.end,
            f.certainty,
            f.region,
            f.side,
            predicted_date,
            g.certainty,
            g.region,
            g.side,
            g.date
        );
    }
}

fn print_tally(title: &str, t: &Tally) {
    let facts: usize = t.per_kind.values().map(|s| s.golden).sum();
    println!("== {title}: {} letters, {facts} golden facts", t.letters);
    println!(
        "{:<26} {:>9} {:>9} {:>7} {:>7}",
        "kind", "precision", "recall", "extr.", "golden"
    );
    for (kind, s) in &t.per_kind {
        println!(
            "{kind:<26} {:>9.3} {:>9.3} {:>7} {:>7}",
            ratio(s.correct, s.extracted),
            ratio(s.found, s.golden),
            s.extracted,
            s.golden
        );
    }
    let (c, e, f, g) = t.per_kind.values().fold((0, 0, 0, 0), |acc, s| {
        (
            acc.0 + s.correct,
            acc.1 + s.extracted,
            acc.2 + s.found,
            acc.3 + s.golden,
        )
    });
    println!(
        "overall precision {:.3} ({c}/{e}), recall {:.3} ({f}/{g})",
        t.precision(),
        t.recall()
    );
    println!(
        "{:<26} {:>9} {:>9} {:>7} {:>7} {:>7}   (over {} matched facts)",
        "attribute", "precision", "recall", "right", "extr.", "golden", t.pairs
    );
    // "n/a" where nothing was predicted (or labelled): a ratio of 0/0 says
    // nothing, and printing it as 1.000 would read as a success.
    let figure = |num: usize, den: usize| {
        if den == 0 {
            "n/a".to_string()
        } else {
            format!("{:.3}", ratio(num, den))
        }
    };
    let row = |name: &str, a: &AttrScore| {
        println!(
            "{name:<26} {:>9} {:>9} {:>7} {:>7} {:>7}",
            figure(a.right, a.predicted),
            figure(a.right, a.labelled),
            a.right,
            a.predicted,
            a.labelled
        );
    };
    row("region", &t.region);
    row("side", &t.side);
    row("date", &t.date);
    for c in CERTAINTIES {
        let a = t.certainty.get(&c.to_string()).copied().unwrap_or_default();
        row(&format!("certainty {c}"), &a);
    }
    println!(
        "certainty agreement {:.3} ({}/{}); without golden hedged/normal {:.3} ({}/{}); absence (negated or normal) precision {:.3} ({}/{})",
        t.reading_agreement(),
        t.reading_agree,
        t.pairs,
        t.core_agreement(),
        t.core_agree,
        t.core_pairs,
        t.absent_precision(),
        t.absent_right,
        t.absent_flags
    );
}

/// Minimum figures a set must keep. Hedged and normal certainty have no
/// floor of their own: the extractor is only starting to produce them.
struct Floors {
    precision: f64,
    recall: f64,
    absent_precision: f64,
    core_certainty: f64,
    region_precision: f64,
    region_recall: f64,
    side_precision: f64,
    side_recall: f64,
    date_precision: f64,
    date_recall: f64,
}

fn assert_floors(title: &str, t: &Tally, floors: &Floors) {
    let checks = [
        ("precision", t.precision(), floors.precision),
        ("recall", t.recall(), floors.recall),
        (
            "absence precision",
            t.absent_precision(),
            floors.absent_precision,
        ),
        (
            "certainty agreement (golden not hedged/normal)",
            t.core_agreement(),
            floors.core_certainty,
        ),
        (
            "region precision",
            t.region.precision(),
            floors.region_precision,
        ),
        ("region recall", t.region.recall(), floors.region_recall),
        ("side precision", t.side.precision(), floors.side_precision),
        ("side recall", t.side.recall(), floors.side_recall),
        ("date precision", t.date.precision(), floors.date_precision),
        ("date recall", t.date.recall(), floors.date_recall),
    ];
    let failed: Vec<String> = checks
        .iter()
        .filter(|(_, got, floor)| got < floor)
        .map(|(name, got, floor)| format!("{title} {name} {got:.3} fell below {floor}"))
        .collect();
    assert!(failed.is_empty(), "{}", failed.join("; "));
}

// Floors a little under the figures reached on the tuned letters (see the
// closing note of issue 10); raise them as extraction improves, never lower
// them to make a change pass.
const TUNED: Floors = Floors {
    precision: 0.98,
    recall: 0.95,
    absent_precision: 0.95,
    core_certainty: 0.97,
    region_precision: 0.88,
    region_recall: 0.85,
    side_precision: 0.79,
    side_recall: 0.81,
    date_precision: 0.75,
    date_recall: 0.82,
};

// Held-out letters were never tuned on: looser floors that still catch a
// collapse.
const HELD_OUT: Floors = Floors {
    precision: 0.92,
    recall: 0.85,
    absent_precision: 0.85,
    core_certainty: 0.90,
    region_precision: 0.80,
    region_recall: 0.78,
    side_precision: 0.75,
    side_recall: 0.70,
    date_precision: 0.85,
    date_recall: 0.85,
};

fn load_golden() -> Vec<GoldenLetter> {
    let golden_text = include_str!("golden/facts.ron");
    ron::from_str(golden_text).unwrap_or_else(|e| panic!("tests/golden/facts.ron: {e}"))
}

#[test]
fn golden_precision_recall_per_attribute() {
    let Some(dir) = common::corpus_dir("golden extraction check") else {
        return;
    };
    let golden = load_golden();
    let held_out = golden.iter().filter(|l| l.held_out).count();
    assert!(golden.len() >= 20, "at least twenty letters are annotated");
    assert!(held_out >= 6, "at least six letters are held out");
    let mut names: Vec<&str> = golden.iter().map(|l| l.letter.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), golden.len(), "a letter is annotated twice");

    let (mut tuned, mut unseen) = (Tally::default(), Tally::default());
    for letter in &golden {
        let (text, facts, range) = extract_letter(&dir.join(&letter.letter));
        check_labels(letter, &text, range);
        let tally = if letter.held_out {
            &mut unseen
        } else {
            &mut tuned
        };
        score_letter(letter, &text, &facts, tally);
    }
    print_tally("tuned", &tuned);
    print_tally("held out", &unseen);
    assert_floors("tuned", &tuned, &TUNED);
    assert_floors("held out", &unseen, &HELD_OUT);
}

/// Not a check but an annotation aid: prints draft entries for the letters
/// named in `GOLDEN_DRAFT`, each with the words it covers, to verify and
/// correct by reading the summary (the printed words stay out of facts.ron).
#[test]
#[ignore = "annotation aid: GOLDEN_DRAFT=CM..txt cargo test --test extract_golden -- --ignored --nocapture"]
fn golden_draft_entries() {
    let list = std::env::var_os("GOLDEN_DRAFT")
        .unwrap_or_else(|| panic!("set GOLDEN_DRAFT to a comma-separated list of letter files"));
    let Some(dir) = common::corpus_dir("golden draft entries") else {
        return;
    };
    for name in list.to_string_lossy().split(',').filter(|n| !n.is_empty()) {
        let (text, facts, range) = extract_letter(&dir.join(name));
        println!(
            "  (letter: {name:?}, summary: {}..{}, facts: [",
            range.0, range.1
        );
        for f in &facts {
            let opt = |v: Option<String>| v.map_or("None".to_string(), |v| format!("Some({v})"));
            println!(
                "    (kind: {:?}, concept: {:?}, certainty: {:?}, start: {}, end: {}, region: {}, side: {}, date: {}), // {:?}",
                f.kind,
                f.concept,
                f.certainty,
                f.span.start,
                f.span.end,
                opt(f.region.map(|r| format!("{r:?}"))),
                opt(f.side.map(|s| format!("{s:?}"))),
                opt(f.date.as_ref().map(|d| format!("{:?}", date_label(d)))),
                f.span.slice(&text)
            );
        }
        println!("  ]),");
    }
}
