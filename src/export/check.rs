//! Consistency checks run before a letter leaves the workstation.
//!
//! Each check catches a mistake that real determinations have been appealed
//! on: the rationale discusses another body part, side or spinal level than
//! the request; the decision word contradicts the rationale's conclusion; no
//! guideline is cited; a date is quoted that appears nowhere in the case; or
//! an unsigned review goes out as final. The checks are heuristics over text,
//! so most are warnings the reviewer confirms; the ones that make a letter
//! wrong on its face are errors that block a final export.

use std::collections::BTreeSet;
use std::fmt;

use chrono::NaiveDate;
use once_cell::sync::Lazy;
use regex::Regex;
use serde::{Deserialize, Serialize};

use super::content::{LetterContent, LetterItem};
use crate::assessment::{Answer, Decision};
use crate::case::{Case, ItemId};
use crate::fact::{BodyRegion, Side};

/// How serious an issue is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Severity {
    /// Worth a second look; the export may go ahead.
    Warning,
    /// The letter would be wrong as sent: a final export is refused.
    Error,
}

/// What a consistency issue is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum IssueKind {
    /// The rationale discusses another body region than the request.
    RegionMismatch,
    /// The rationale discusses the other side than the request.
    SideMismatch,
    /// The rationale names other spinal levels than the request.
    LevelMismatch,
    /// The decision contradicts the rationale's concluding sentence.
    DecisionContradictsRationale,
    /// The rationale states no conclusion the check can read.
    NoConclusion,
    /// The rationale is empty.
    EmptyRationale,
    /// No guideline is cited.
    NoCitation,
    /// The rationale quotes a date that appears nowhere in the case.
    UnknownDate,
    /// The letter is marked final but the review is not signed.
    UnfinalizedAsFinal,
    /// The answers or the decision changed after the rationale was drafted.
    RationaleStale,
    /// The rationale answers a criterion otherwise than the checklist does.
    RationaleContradictsAnswer,
}

/// One finding, with the item it concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsistencyIssue {
    pub severity: Severity,
    pub kind: IssueKind,
    /// The item concerned; `None` for issues about the whole letter.
    pub item: Option<ItemId>,
    /// A sentence that names the item and what is wrong.
    pub message: String,
}

impl fmt::Display for ConsistencyIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, "{sev}: {}", self.message)
    }
}

/// Whether any issue blocks a final export.
pub fn blocks_final(issues: &[ConsistencyIssue]) -> bool {
    issues.iter().any(|i| i.severity == Severity::Error)
}

/// Runs every check on the letter against the case it was written for.
pub fn check(content: &LetterContent, case: &Case) -> Vec<ConsistencyIssue> {
    let mut issues = Vec::new();
    if !content.draft && content.signature.is_none() {
        issues.push(ConsistencyIssue {
            severity: Severity::Error,
            kind: IssueKind::UnfinalizedAsFinal,
            item: None,
            message: "The letter is marked final but the review has not been finalized and \
                      signed; export it as a draft or finalize the review first."
                .into(),
        });
    }
    let known = case_dates(case);
    for (index, item) in content.items.iter().enumerate() {
        check_item(index, item, &known, &mut issues);
    }
    issues
}

fn check_item(
    index: usize,
    item: &LetterItem,
    known: &BTreeSet<NaiveDate>,
    issues: &mut Vec<ConsistencyIssue>,
) {
    let name = format!("Item {} ({})", index + 1, item.text.trim());
    let mut push = |severity, kind, message: String| {
        issues.push(ConsistencyIssue {
            severity,
            kind,
            item: Some(item.id),
            message: format!("{name}: {message}"),
        })
    };
    let rationale = item.rationale.trim();
    if item
        .guideline
        .as_ref()
        .is_none_or(|g| g.citation.trim().is_empty())
    {
        push(
            Severity::Warning,
            IssueKind::NoCitation,
            "no guideline is cited.".into(),
        );
    }
    if rationale.is_empty() {
        push(
            Severity::Error,
            IssueKind::EmptyRationale,
            "the rationale is empty.".into(),
        );
        return;
    }

    if !item.rationale_changes.is_empty() {
        push(
            Severity::Warning,
            IssueKind::RationaleStale,
            format!(
                "the rationale was drafted before the review changed ({}); regenerate it or check \
                 that it still says what you decided.",
                item.rationale_changes.join("; ")
            ),
        );
    }
    for (question, said, answer) in contradicted_answers(item) {
        push(
            Severity::Error,
            IssueKind::RationaleContradictsAnswer,
            format!(
                "the rationale answers \"{question}\" with \"{said}\" but the checklist says it is {answer}."
            ),
        );
    }

    match conclusion(rationale) {
        Some((positive, sentence)) => {
            let decided_positive = item.decision == Decision::MedicallyNecessary;
            if positive != decided_positive {
                push(
                    Severity::Error,
                    IssueKind::DecisionContradictsRationale,
                    format!(
                        "the decision is \"{}\" but the rationale concludes \"{}\".",
                        item.decision.label(),
                        sentence.trim()
                    ),
                );
            }
        }
        None => push(
            Severity::Warning,
            IssueKind::NoConclusion,
            "the rationale does not state whether the request is medically necessary.".into(),
        ),
    }

    let request_text = item.text.as_str();
    let requested_region = item
        .request
        .as_ref()
        .and_then(|r| r.region)
        .or_else(|| single(regions_in(request_text)));
    let mut requested_regions: BTreeSet<BodyRegion> = regions_in(request_text);
    requested_regions.extend(limb_regions(request_text));
    if let Some(r) = &item.request {
        requested_regions.extend(r.region);
        requested_regions.extend(r.other_regions.iter().copied());
    }
    if let Some(region) = requested_region {
        let mut discussed = regions_in(rationale);
        // Naming a limb ("pain down both legs") discusses every region along it.
        discussed.extend(limb_regions(rationale));
        if !discussed.is_empty() && discussed.is_disjoint(&requested_regions) {
            let names: Vec<&str> = discussed.iter().map(|r| r.label()).collect();
            push(
                Severity::Error,
                IssueKind::RegionMismatch,
                format!(
                    "the request is for the {} but the rationale discusses only the {}.",
                    region.label(),
                    names.join(" and ")
                ),
            );
        }
    }

    let requested_side = item
        .request
        .as_ref()
        .and_then(|r| r.side)
        .or_else(|| side_in(request_text));
    if let Some(side @ (Side::Left | Side::Right)) = requested_side {
        let (own, other) = match side {
            Side::Left => (&*LEFT, &*RIGHT),
            _ => (&*RIGHT, &*LEFT),
        };
        if other.is_match(rationale) && !own.is_match(rationale) && !BILATERAL.is_match(rationale) {
            push(
                Severity::Error,
                IssueKind::SideMismatch,
                format!(
                    "the request is for the {side} side but the rationale discusses only the other side."
                ),
            );
        }
    }

    let requested_levels = levels_in(request_text);
    if !requested_levels.is_empty() {
        let discussed = levels_in(rationale);
        if !discussed.is_empty() && discussed.is_disjoint(&requested_levels) {
            push(
                Severity::Error,
                IssueKind::LevelMismatch,
                format!(
                    "the request names {} but the rationale discusses {}.",
                    join_levels(&requested_levels),
                    join_levels(&discussed)
                ),
            );
        }
    }

    let mut unknown: Vec<NaiveDate> = dates_in(rationale)
        .into_iter()
        .filter(|d| !known.contains(d))
        .collect();
    unknown.dedup();
    if !unknown.is_empty() {
        let list: Vec<String> = unknown
            .iter()
            .map(|d| d.format("%m/%d/%Y").to_string())
            .collect();
        push(
            Severity::Warning,
            IssueKind::UnknownDate,
            format!(
                "the rationale cites {} that appear(s) in no record or header date of the case.",
                list.join(", ")
            ),
        );
    }
}

/// The criteria whose question the rationale repeats and answers otherwise
/// than the checklist: the drafter writes "question Yes: …" / "question
/// The records provided do not document it.", so an answer changed after
/// drafting shows as a question followed by the old answer.
fn contradicted_answers(item: &LetterItem) -> Vec<(String, String, Answer)> {
    let mut out = Vec::new();
    for c in &item.checklist {
        let question = c.question.trim();
        if question.len() < 8 {
            continue;
        }
        let Some(at) = item.rationale.find(question) else {
            continue;
        };
        let after = item.rationale[at + question.len()..].trim_start();
        let word = |w: &str| {
            after
                .strip_prefix(w)
                .is_some_and(|rest| rest.starts_with([':', '.', ',']))
        };
        let said = if word("Yes") {
            Answer::Met
        } else if word("No") {
            Answer::NotMet
        } else if after.starts_with("The records provided do not document") {
            Answer::NotDocumented
        } else {
            continue;
        };
        if said != c.answer {
            let words: String = after
                .split_whitespace()
                .take(7)
                .collect::<Vec<_>>()
                .join(" ");
            out.push((question.to_string(), words, c.answer));
        }
    }
    out
}

fn single(set: BTreeSet<BodyRegion>) -> Option<BodyRegion> {
    if set.len() == 1 {
        set.into_iter().next()
    } else {
        None
    }
}

static NEGATIVE: Lazy<Regex> = Lazy::new(|| {
    // A negation up to three words before the verdict ("is determined to not
    // be medically necessary", "cannot be deemed medically necessary"),
    // without crossing punctuation.
    Regex::new(
        r"(?i)\b((not|cannot|can't|never|no\s+longer)(\s+\w+){0,3}?\s+(medically\s+)?(necessary|indicated|supported|warranted|recommended|certified|appropriate|established|justified)|non-?certified|upheld|unnecessary|unsupported|is\s+denied)\b",
    )
    .expect("constant pattern compiles")
});

static POSITIVE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(
        r"(?i)\b(medically\s+necessary|(is|are|was|were|been)\s+(medically\s+)?(supported|warranted|indicated|recommended|certified|appropriate|established)|overturned)\b",
    )
    .expect("constant pattern compiles")
});

/// The polarity of the rationale's last concluding sentence: `true` when it
/// says the request is medically necessary, with the sentence.
pub fn conclusion(rationale: &str) -> Option<(bool, String)> {
    for sentence in sentences(rationale).into_iter().rev() {
        if NEGATIVE.is_match(&sentence) {
            return Some((false, sentence));
        }
        if POSITIVE.is_match(&sentence) {
            return Some((true, sentence));
        }
    }
    None
}

fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        cur.push(c);
        let next = chars.get(i + 1).copied();
        if matches!(c, '.' | '!' | '?') && next.is_none_or(char::is_whitespace) {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.trim().is_empty() {
        out.push(cur);
    }
    out
}

static REGION_WORDS: Lazy<Vec<(BodyRegion, Regex)>> = Lazy::new(|| {
    [
        (
            BodyRegion::Cervical,
            r"(?i)\b(cervical|neck|C[1-7]\s*-\s*C?[1-7])\b",
        ),
        (
            BodyRegion::Thoracic,
            r"(?i)\b(thoracic|T1?[0-9]\s*-\s*T?1?[0-9])\b",
        ),
        (
            BodyRegion::Lumbar,
            r"(?i)\b(lumbar|lumbosacral|low(er)?\s+back|L[1-5]\s*-\s*(L?[1-5]|S1))\b",
        ),
        (BodyRegion::Shoulder, r"(?i)\bshoulders?\b"),
        (BodyRegion::Elbow, r"(?i)\belbows?\b"),
        (
            BodyRegion::WristHand,
            r"(?i)\b(wrists?|hands?|carpal|fingers?|thumbs?)\b",
        ),
        (BodyRegion::Hip, r"(?i)\bhips?\b"),
        (BodyRegion::Knee, r"(?i)\bknees?\b"),
        (BodyRegion::AnkleFoot, r"(?i)\b(ankles?|foot|feet)\b"),
    ]
    .into_iter()
    .map(|(r, p)| (r, Regex::new(p).expect("constant pattern compiles")))
    .collect()
});

/// The body regions a text names.
pub fn regions_in(text: &str) -> BTreeSet<BodyRegion> {
    REGION_WORDS
        .iter()
        .filter(|(_, re)| re.is_match(text))
        .map(|(r, _)| *r)
        .collect()
}

static UPPER_LIMB: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)\b(upper\s+(extremit(y|ies)|limbs?)|arms?)\b")
        .expect("constant pattern compiles")
});
static LOWER_LIMB: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)\b(lower\s+(extremit(y|ies)|limbs?)|legs?)\b")
        .expect("constant pattern compiles")
});

/// A request for a whole limb ("EMG of the upper extremities") concerns
/// every region along it, from the spinal roots to the hand or foot.
fn limb_regions(text: &str) -> Vec<BodyRegion> {
    let mut out = Vec::new();
    if UPPER_LIMB.is_match(text) {
        out.extend([
            BodyRegion::Cervical,
            BodyRegion::Shoulder,
            BodyRegion::Elbow,
            BodyRegion::WristHand,
        ]);
    }
    if LOWER_LIMB.is_match(text) {
        out.extend([
            BodyRegion::Lumbar,
            BodyRegion::Hip,
            BodyRegion::Knee,
            BodyRegion::AnkleFoot,
        ]);
    }
    out
}

static LEFT: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"(?i)\bleft\b").expect("constant pattern compiles"));
static RIGHT: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"(?i)\bright\b").expect("constant pattern compiles"));
static BILATERAL: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"(?i)\b(bilateral(ly)?|both)\b").expect("constant pattern compiles"));

fn side_in(text: &str) -> Option<Side> {
    match (
        LEFT.is_match(text),
        RIGHT.is_match(text),
        BILATERAL.is_match(text),
    ) {
        (_, _, true) | (true, true, _) => Some(Side::Bilateral),
        (true, false, _) => Some(Side::Left),
        (false, true, _) => Some(Side::Right),
        _ => None,
    }
}

static LEVEL: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"\b([CTL])(\d{1,2})\s*-\s*([CTLS]?)(\d{1,2})\b").expect("constant pattern compiles")
});

/// Spinal motion segments a text names, normalised ("L4-5" = "L4-L5").
pub fn levels_in(text: &str) -> BTreeSet<String> {
    LEVEL
        .captures_iter(text)
        .map(|c| {
            let a = c.get(1).map_or("", |m| m.as_str());
            let b = c.get(3).map_or("", |m| m.as_str());
            let b = if b.is_empty() { a } else { b };
            format!(
                "{a}{}-{b}{}",
                c.get(2).map_or("", |m| m.as_str()),
                c.get(4).map_or("", |m| m.as_str())
            )
        })
        .collect()
}

fn join_levels(levels: &BTreeSet<String>) -> String {
    levels.iter().cloned().collect::<Vec<_>>().join(", ")
}

// One pattern per separator: a mixed "5-10/10" is a pain range, not a date.
static NUMERIC_DATES: Lazy<[Regex; 2]> = Lazy::new(|| {
    [
        Regex::new(r"\b(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})\b").expect("constant pattern compiles"),
        Regex::new(r"\b(\d{1,2})-(\d{1,2})-(\d{4}|\d{2})\b").expect("constant pattern compiles"),
    ]
});
static ISO_DATE: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"\b(\d{4})-(\d{2})-(\d{2})\b").expect("constant pattern compiles"));
static NAMED_DATE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(
        r"(?i)\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b",
    )
    .expect("constant pattern compiles")
});

/// Full dates (day, month and year) written in a text, in the forms records
/// and rationales use: 11/07/14, 10-13-2016, 2016-10-13, October 13, 2016.
pub fn dates_in(text: &str) -> Vec<NaiveDate> {
    let num = |s: Option<regex::Match>| s.and_then(|m| m.as_str().parse::<i32>().ok());
    let mut out = Vec::new();
    for c in NUMERIC_DATES.iter().flat_map(|re| re.captures_iter(text)) {
        if let (Some(m), Some(d), Some(y)) = (num(c.get(1)), num(c.get(2)), num(c.get(3))) {
            let year = match y {
                0..=49 => 2000 + y,
                50..=99 => 1900 + y,
                _ => y,
            };
            if let Some(date) = NaiveDate::from_ymd_opt(year, m as u32, d as u32) {
                out.push(date);
            }
        }
    }
    for c in ISO_DATE.captures_iter(text) {
        if let (Some(y), Some(m), Some(d)) = (num(c.get(1)), num(c.get(2)), num(c.get(3)))
            && let Some(date) = NaiveDate::from_ymd_opt(y, m as u32, d as u32)
        {
            out.push(date);
        }
    }
    for c in NAMED_DATE.captures_iter(text) {
        let month = c.get(1).map(|m| m.as_str().to_ascii_lowercase());
        let month = match month.as_deref() {
            Some("jan") => 1,
            Some("feb") => 2,
            Some("mar") => 3,
            Some("apr") => 4,
            Some("may") => 5,
            Some("jun") => 6,
            Some("jul") => 7,
            Some("aug") => 8,
            Some("sep") | Some("sept") => 9,
            Some("oct") => 10,
            Some("nov") => 11,
            Some("dec") => 12,
            _ => continue,
        };
        if let (Some(d), Some(y)) = (num(c.get(2)), num(c.get(3)))
            && let Some(date) = NaiveDate::from_ymd_opt(y, month, d as u32)
        {
            out.push(date);
        }
    }
    out.sort();
    out
}

/// Every date the case knows: header dates, document dates, dates written in
/// the records and in the disputed items.
fn case_dates(case: &Case) -> BTreeSet<NaiveDate> {
    let m = &case.meta;
    let mut set: BTreeSet<NaiveDate> = [
        m.date_of_injury,
        m.date_assigned,
        m.ur_denial_date,
        m.application_received,
        m.decision_date,
        m.decision_due,
    ]
    .into_iter()
    .flatten()
    .collect();
    for d in &case.documents {
        set.extend(d.date);
        set.extend(dates_in(&d.text));
    }
    for i in &case.items {
        set.extend(dates_in(&i.text));
    }
    set
}
