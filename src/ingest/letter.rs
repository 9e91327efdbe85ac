//! Published IMR determination letters (pdftotext or pdf-extract text).
//!
//! A letter has four parts: a header of labelled fields, the reviewer's
//! credentials, the clinical case summary and the item blocks (item, decision,
//! guideline lines, rationale). The summary becomes the case's only document;
//! everything after it is the expert's reasoning and goes into the
//! [`Reference`], which the engine never reads.
//!
//! The parser works on lines with byte offsets so the summary stays an exact
//! substring of the input, and it matches labels on whitespace-normalised text
//! because PDF extraction moves spaces and sometimes reorders header lines.

use std::path::Path;

use once_cell::sync::Lazy;
use regex::Regex;

use super::{ImportError, normalize_ws, page_starts, parse_date};
use crate::case::{
    Case, CaseSource, DisputedItem, DocId, Document, DocumentKind, ExpertOutcome, ItemId,
    PartialCertification, Patient, Priority, Reference, ReferenceItem, ReviewerCredentials, Sex,
};

const CA_LABEL: &str = "Claims Administrator guideline:";
const MAXIMUS_LABEL: &str = "MAXIMUS guideline:";
const RATIONALE_LABEL: &str = "Decision rationale:";

/// Whether a text reads as a published determination letter rather than a
/// clinical record: it has the issues heading, or the case-number header
/// together with the case-summary heading.
pub fn looks_like_letter(text: &str) -> bool {
    static CASE_NUMBER_LABEL: Lazy<Regex> =
        Lazy::new(|| Regex::new(r"(?i)Case\s+Number\s*:").expect("static regex"));
    let cut = text
        .char_indices()
        .nth(200_000)
        .map(|(i, _)| i)
        .unwrap_or(text.len());
    let head = text.get(..cut).unwrap_or(text);
    ISSUES_RE.is_match(head) || (CASE_NUMBER_LABEL.is_match(head) && SUMMARY_RE.is_match(head))
}

/// One line of the input with its byte range (without the newline).
#[derive(Debug, Clone, Copy)]
struct Line<'a> {
    start: usize,
    end: usize,
    raw: &'a str,
}

impl<'a> Line<'a> {
    /// The line without surrounding whitespace and form feeds.
    fn clean(&self) -> &'a str {
        self.raw.trim()
    }
}

fn split_lines(text: &str) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    for piece in text.split_inclusive('\n') {
        let end = start + piece.len();
        let body = piece.strip_suffix('\n').unwrap_or(piece);
        let body = body.strip_suffix('\r').unwrap_or(body);
        out.push(Line {
            start,
            end: start + body.len(),
            raw: body,
        });
        start = end;
    }
    out
}

/// A section heading's byte range and the line it starts on.
#[derive(Debug, Clone, Copy)]
struct Heading {
    start: usize,
    end: usize,
    line: usize,
}

static SUMMARY_RE: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"CLINICAL\s+CASE\s+SUMMARY").expect("static regex"));
static ISSUES_RE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"IMR\s+ISSUES,?\s+DECISIONS,?\s+AND\s+RATIONALES?").expect("static regex")
});
static METHOD_RE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"HOW\s+THE\s+IMR\s+FINAL\s+DETERMINATION\s+WAS\s+MADE").expect("static regex")
});

/// Finds a heading anywhere in the text (PDF extraction may join it to a
/// neighbouring line), in capitals as letters print it.
fn find_heading(text: &str, lines: &[Line<'_>], re: &Regex) -> Option<Heading> {
    let m = re.find(text)?;
    let line = lines
        .iter()
        .position(|l| l.start <= m.start() && m.start() <= l.end)
        .unwrap_or(0);
    Some(Heading {
        start: m.start(),
        end: m.end(),
        line,
    })
}

static LICENSURE_RE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)\bStates?(?:\(s\))?\s+of\s+Licensure\s*:").expect("static regex")
});
static SPECIALTY_RE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)\b(?:Board\s+)?Certifications?(?:\(s\))?\s*/\s*Specialt(?:y|ies)\s*:")
        .expect("static regex")
});

static DATE_RE: &str = r"(\d{1,2}[/-]\d{1,2}[/-]\d{2,4})";

static HEADER_FIELDS: Lazy<[(Field, Regex); 7]> = Lazy::new(|| {
    let re = |p: &str| Regex::new(p).expect("static regex");
    [
        (
            Field::CaseNumber,
            re(r"(?i)Case Number:\s*([A-Z]{1,4}\d{2}-?\d{3,10})"),
        ),
        (
            Field::Assigned,
            re(&format!(r"(?i)Date Assigned:\s*{DATE_RE}")),
        ),
        (
            Field::Injury,
            re(&format!(r"(?i)Date of Injury:\s*{DATE_RE}")),
        ),
        (
            Field::Decision,
            re(&format!(r"(?i)Decision Date:\s*{DATE_RE}")),
        ),
        (
            Field::Denial,
            re(&format!(r"(?i)UR Denial Date:\s*{DATE_RE}")),
        ),
        (
            Field::Application,
            re(&format!(r"(?i)Application\s*(?:Received:?\s*)?{DATE_RE}")),
        ),
        (Field::Priority, re(r"(?i)Priority:\s*(Standard|Expedited)")),
    ]
});

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    CaseNumber,
    Assigned,
    Injury,
    Decision,
    Denial,
    Application,
    Priority,
}

static AGE_SEX: Lazy<Regex> = Lazy::new(|| {
    Regex::new(
        r"(?i)\b(\d{1,3})[\s-]*(?:years?|yrs?)[\s-]*old\b[^.]{0,24}?\b(male|female|man|woman|gentleman|lady)\b",
    )
    .expect("static regex")
});

static SEX_ONLY: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)\b(?:is|was) an?\s+(male|female|man|woman)\b").expect("static regex")
});

static DECISION_INLINE: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"^(.*?):\s*(Upheld|Overturned)$").expect("static regex"));
static DECISION_ALONE: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"^(Upheld|Overturned)$").expect("static regex"));

static PARTIAL_REMAINING: Lazy<Regex> = Lazy::new(|| {
    Regex::new(
        r"(?i)^(?:The request for\s+)?(.+?),?\s+was the original request\.\s*(.+?)\s+(?:was|were) authorized by the Claims Administrator\.\s*The remaining IMR eligible portion of the original request(?:,|\s+is|\s+was)?\s*(.+)$",
    )
    .expect("static regex")
});
static PARTIAL_ALTERNATIVE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(
        r"(?i)^(?:The request for\s+)?(.+?),?\s+was the original request\.\s*The Claims Administrator authorized\s+(.+?),?\s+leaving the original request IMR eligible\.\s*The original request,?\s*(.+)$",
    )
    .expect("static regex")
});

static ASSOCIATED: Lazy<Regex> = Lazy::new(|| {
    Regex::new(
        r"(?i)\b(associated surgical|post[\s-]?op(erative(ly)?)?\b|pre[\s-]?op(erative)?\b|peri[\s-]?operative|assistant surgeon|surgical assistant|surgical clearance)",
    )
    .expect("static regex")
});
static SURGERY: Lazy<Regex> = Lazy::new(|| {
    Regex::new(
        r"(?i)(surgery|arthroscop|ectomy\b|otomy\b|plasty\b|desis\b|fusion|\brepair\b|\brelease\b|decompression|\bORIF\b|open reduction|internal fixation|reconstruction|replacement|debridement)",
    )
    .expect("static regex")
});
static NOT_SURGERY: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)^(consult|referral|refer\b|evaluation|eval\b|office visit|follow[\s-]?up|second opinion)")
        .expect("static regex")
});

/// Parses a published determination letter into a case with its reference.
///
/// `origin` is recorded as the case source and named in errors. A text with
/// no decided item is refused: without items there is nothing to review.
pub fn letter_from_text(text: &str, origin: &Path) -> Result<Case, ImportError> {
    let lines = split_lines(text);
    let method = find_heading(text, &lines, &METHOD_RE);
    let summary = find_heading(text, &lines, &SUMMARY_RE);
    let issues = find_heading(text, &lines, &ISSUES_RE);

    let mut case = Case::new();
    case.source = CaseSource::PublishedLetter(origin.to_path_buf());

    // Header: everything before the first section we know.
    let header_end = [method, summary, issues]
        .into_iter()
        .flatten()
        .map(|h| h.start)
        .min()
        .unwrap_or(text.len().min(2000));
    parse_header(text.get(..header_end).unwrap_or(""), &mut case);

    parse_credentials(&lines, &mut case.reviewer);

    // Summary: from the heading (minus the fixed introduction) to the issues heading.
    if let Some(sh) = summary {
        let from = sh.end;
        let to = issues
            .filter(|ih| ih.start >= sh.end)
            .map(|ih| ih.start)
            .unwrap_or(text.len());
        if let Some(body) = summary_span(text, from, to).and_then(|(s, e)| text.get(s..e)) {
            case.patient = patient_from_summary(body);
            case.documents.push(Document {
                id: DocId(0),
                kind: DocumentKind::CaseSummary,
                title: DocumentKind::CaseSummary.label().to_string(),
                date: case.meta.decision_date,
                text: body.to_string(),
                origin: Some(origin.to_path_buf()),
                page_starts: page_starts(body),
            });
        }
    }

    let issues_start = issues.map(|h| h.line + 1).unwrap_or(0);
    // A repeated issues section: only the first copy's items are read, as
    // the import warning says; the second copy starts where the items end.
    let issues_end = issues
        .and_then(|h| ISSUES_RE.find_at(text, h.end))
        .and_then(|m| lines.iter().position(|l| l.end > m.start()))
        .unwrap_or(lines.len());
    let blocks = parse_items(lines.get(..issues_end).unwrap_or(&lines), issues_start);
    if blocks.is_empty() {
        return Err(ImportError::NotALetter {
            path: origin.to_path_buf(),
            reason: "no disputed item with a decision (Upheld/Overturned) was found".into(),
        });
    }
    let mut reference = Reference::default();
    for (i, block) in blocks.into_iter().enumerate() {
        let id = ItemId(i as u32);
        let (text, partial) = split_partial(&block.item);
        case.items.push(DisputedItem {
            id,
            text,
            partial,
            depends_on: None,
        });
        reference.items.push(ReferenceItem {
            item: id,
            outcome: block.outcome,
            guideline_line: block.maximus,
            claims_administrator_line: block.claims_administrator,
            rationale: block.rationale,
        });
    }
    link_dependencies(&mut case.items);
    case.reference = Some(reference);
    Ok(case)
}

fn parse_header(header: &str, case: &mut Case) {
    let norm = normalize_ws(header);
    for (field, re) in HEADER_FIELDS.iter() {
        let Some(value) = re.captures(&norm).and_then(|c| c.get(1)) else {
            continue;
        };
        let value = value.as_str();
        let meta = &mut case.meta;
        match field {
            Field::CaseNumber => meta.case_number = Some(value.to_string()),
            Field::Assigned => meta.date_assigned = parse_date(value),
            Field::Injury => meta.date_of_injury = parse_date(value),
            Field::Decision => meta.decision_date = parse_date(value),
            Field::Denial => meta.ur_denial_date = parse_date(value),
            Field::Application => meta.application_received = parse_date(value),
            Field::Priority => {
                meta.priority = if value.eq_ignore_ascii_case("expedited") {
                    Priority::Expedited
                } else {
                    Priority::Standard
                }
            }
        }
    }
}

fn strip_label<'a>(line: &'a str, label: &str) -> Option<&'a str> {
    let head = line.get(..label.len())?;
    if head.eq_ignore_ascii_case(label) {
        line.get(label.len()..)
    } else {
        None
    }
}

fn split_list(s: &str) -> Vec<String> {
    s.split([',', ';'])
        .map(normalize_ws)
        .filter(|p| !p.is_empty())
        .collect()
}

fn parse_credentials(lines: &[Line<'_>], reviewer: &mut ReviewerCredentials) {
    for (i, line) in lines.iter().enumerate() {
        let clean = line.clean();
        let specialty_at = SPECIALTY_RE.find(clean);
        if let Some(m) = LICENSURE_RE.find(clean) {
            // PDF text may put both labels on one line.
            let end = specialty_at
                .filter(|s| s.start() >= m.end())
                .map_or(clean.len(), |s| s.start());
            reviewer.licensure = split_list(clean.get(m.end()..end).unwrap_or(""));
        }
        if let Some(m) = specialty_at {
            let rest = clean.get(m.end()..).unwrap_or("");
            let rest = SUMMARY_RE
                .find(rest)
                .map_or(rest, |h| rest.get(..h.start()).unwrap_or(""));
            // The specialty list may wrap onto following lines, up to a blank
            // line or the next heading.
            let mut all = rest.to_string();
            for next in lines.iter().skip(i + 1) {
                let c = next.clean();
                if c.is_empty() || SUMMARY_RE.is_match(c) || c.contains(':') || c.len() > 80 {
                    break;
                }
                all.push(' ');
                all.push_str(c);
            }
            reviewer.specialties = split_list(&all);
            return;
        }
    }
}

/// The summary's byte span: the section without its fixed introduction and
/// without surrounding whitespace.
fn summary_span(text: &str, from: usize, to: usize) -> Option<(usize, usize)> {
    let section = text.get(from..to)?;
    let mut start = from;
    let intro_probe: String = section.chars().take(400).collect();
    let lower = intro_probe.to_ascii_lowercase();
    if normalize_ws(&lower).contains("developed the following clinical case summary")
        && let Some(pos) = lower.find("medical records:")
    {
        start = from + pos + "medical records:".len();
    }
    let body = text.get(start..to)?;
    let lead = body.len() - body.trim_start().len();
    let trimmed = body.trim();
    if trimmed.is_empty() {
        return None;
    }
    Some((start + lead, start + lead + trimmed.len()))
}

fn sex_of(word: &str) -> Sex {
    match word.to_ascii_lowercase().as_str() {
        "male" | "man" | "gentleman" => Sex::Male,
        _ => Sex::Female,
    }
}

fn patient_from_summary(summary: &str) -> Patient {
    let opening: String = summary.chars().take(800).collect();
    let norm = normalize_ws(&opening);
    let mut patient = Patient::default();
    if let Some(c) = AGE_SEX.captures(&norm) {
        patient.age = c
            .get(1)
            .and_then(|m| m.as_str().parse::<u32>().ok())
            .filter(|a| (1..=120).contains(a));
        patient.sex = c.get(2).map(|m| sex_of(m.as_str()));
    } else if let Some(c) = SEX_ONLY.captures(&norm) {
        patient.sex = c.get(1).map(|m| sex_of(m.as_str()));
    }
    patient
}

/// One decided item block as printed.
#[derive(Debug)]
struct Block {
    item: String,
    outcome: ExpertOutcome,
    claims_administrator: Option<String>,
    maximus: String,
    rationale: String,
}

fn outcome_of(word: &str) -> ExpertOutcome {
    if word == "Overturned" {
        ExpertOutcome::Overturned
    } else {
        ExpertOutcome::Upheld
    }
}

fn is_label_line(clean: &str) -> bool {
    [CA_LABEL, MAXIMUS_LABEL, RATIONALE_LABEL]
        .iter()
        .any(|l| strip_label(clean, l).is_some())
}

fn ends_sentence(clean: &str) -> bool {
    let t = clean.trim_end_matches(['"', '\'', ')', '\u{201d}', '\u{2019}']);
    t.ends_with('.') && !t.ends_with("..")
}

/// A partial-certification sentence that has started but whose opening
/// ("X was the original request.") has not been reached yet.
fn needs_more(acc: &str) -> bool {
    let lower = acc.to_ascii_lowercase();
    lower.contains("original request") && !lower.contains("was the original request")
}

fn parse_items(lines: &[Line<'_>], from: usize) -> Vec<Block> {
    // Skip the fixed sentence that introduces the items.
    let mut region_start = from;
    for (i, line) in lines.iter().enumerate().skip(from).take(6) {
        if line
            .clean()
            .to_ascii_lowercase()
            .ends_with("set forth below:")
        {
            region_start = i + 1;
            break;
        }
    }
    // Decision lines, with where their item text starts.
    let mut decisions: Vec<(usize, usize, ExpertOutcome)> = Vec::new();
    let mut floor = region_start;
    for i in region_start..lines.len() {
        let Some(line) = lines.get(i) else { break };
        let clean = line.clean();
        let word = if let Some(c) = DECISION_INLINE.captures(clean) {
            c.get(2).map(|m| m.as_str())
        } else if let Some(c) = DECISION_ALONE.captures(clean) {
            c.get(1).map(|m| m.as_str())
        } else {
            None
        };
        let Some(word) = word else { continue };
        let start = item_start(lines, i, floor);
        decisions.push((start, i, outcome_of(word)));
        floor = i + 1;
    }
    let mut blocks = Vec::new();
    for (k, &(start, dline, outcome)) in decisions.iter().enumerate() {
        let body_end = decisions.get(k + 1).map(|d| d.0).unwrap_or(lines.len());
        let item_lines = lines.get(start..=dline).unwrap_or(&[]);
        let item = item_text(item_lines);
        let body = lines.get(dline + 1..body_end).unwrap_or(&[]);
        let (ca, maximus, rationale) = split_body(body);
        blocks.push(Block {
            item,
            outcome,
            claims_administrator: ca,
            maximus: maximus.unwrap_or_default(),
            rationale: rationale.unwrap_or_default(),
        });
    }
    blocks
}

fn item_start(lines: &[Line<'_>], decision: usize, floor: usize) -> usize {
    let mut start = decision;
    // A decision word alone on its line always takes the nearest text line
    // above it, whatever that line ends with.
    if lines
        .get(decision)
        .is_some_and(|l| DECISION_ALONE.is_match(l.clean()))
    {
        let mut k = decision;
        while k > floor && lines.get(k - 1).is_some_and(|l| l.clean().is_empty()) {
            k -= 1;
        }
        if k > floor {
            start = k - 1;
        }
    }
    while start > floor {
        let Some(prev) = lines.get(start - 1) else {
            break;
        };
        let prev = prev.clean();
        if prev.is_empty() {
            // Blank lines around a page break (PDF text puts some there) do
            // not end an item; a plain blank line does.
            let mut run = start - 1;
            let mut page_break = false;
            while run > floor && lines.get(run).is_some_and(|l| l.clean().is_empty()) {
                page_break |= lines.get(run).is_some_and(|l| l.raw.contains('\x0c'));
                run -= 1;
            }
            page_break |= lines
                .get(run)
                .is_some_and(|l| l.raw.trim_end_matches([' ', '\t']).ends_with('\x0c'));
            let run_is_blank = lines.get(run).is_some_and(|l| l.clean().is_empty());
            if page_break && !run_is_blank {
                start = run + 1;
                continue;
            }
            break;
        }
        let lower = prev.to_ascii_lowercase();
        if is_label_line(prev) || lower.ends_with("set forth below:") {
            break;
        }
        if ends_sentence(prev) {
            let acc: Vec<&str> = lines
                .get(start..=decision)
                .unwrap_or(&[])
                .iter()
                .map(|l| l.clean())
                .collect();
            if !needs_more(&acc.join(" ")) {
                break;
            }
        }
        start -= 1;
    }
    start
}

/// The item as written: the item lines joined, without the decision word,
/// the colon before it and a trailing "is".
fn item_text(lines: &[Line<'_>]) -> String {
    let joined = normalize_ws(
        &lines
            .iter()
            .map(|l| l.clean())
            .collect::<Vec<_>>()
            .join(" "),
    );
    let mut t = joined.as_str();
    for word in ["Upheld", "Overturned"] {
        if let Some(s) = t.strip_suffix(word) {
            t = s.trim_end();
            break;
        }
    }
    let t = t.strip_suffix(':').unwrap_or(t).trim_end();
    let t = t.strip_suffix(" is").unwrap_or(t).trim_end();
    let t = t.strip_suffix(',').unwrap_or(t).trim_end();
    t.to_string()
}

fn split_body(body: &[Line<'_>]) -> (Option<String>, Option<String>, Option<String>) {
    let mut parts: [Option<String>; 3] = [None, None, None];
    let mut current: Option<usize> = None;
    for line in body {
        let clean = line.clean();
        let mut rest = clean;
        for (slot, label) in [CA_LABEL, MAXIMUS_LABEL, RATIONALE_LABEL]
            .iter()
            .enumerate()
        {
            if let Some(r) = strip_label(clean, label) {
                current = Some(slot);
                rest = r;
                if let Some(p) = parts.get_mut(slot) {
                    p.get_or_insert_with(String::new);
                }
                break;
            }
        }
        if let Some(slot) = current
            && let Some(Some(p)) = parts.get_mut(slot)
        {
            p.push(' ');
            p.push_str(rest);
        }
    }
    let [a, b, c] = parts.map(|p| p.map(|s| normalize_ws(&s)));
    (a, b, c)
}

/// Splits a partial-certification item into its disputed remainder and the
/// three parts; any other item is returned as written.
fn split_partial(item: &str) -> (String, Option<PartialCertification>) {
    for re in [&*PARTIAL_REMAINING, &*PARTIAL_ALTERNATIVE] {
        if let Some(c) = re.captures(item) {
            let get = |i: usize| {
                c.get(i)
                    .map(|m| {
                        m.as_str()
                            .trim()
                            .trim_end_matches([',', '.'])
                            .trim()
                            .to_string()
                    })
                    .unwrap_or_default()
            };
            let original = get(1);
            let authorized = get(2);
            let mut disputed = get(3);
            if disputed.is_empty() {
                disputed = original.clone();
            }
            return (
                disputed.clone(),
                Some(PartialCertification {
                    original,
                    authorized,
                    disputed,
                }),
            );
        }
    }
    split_partial_general(item).unwrap_or_else(|| (item.to_string(), None))
}

static ORIGINAL_MARK: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i),?\s+(?:was|is)\s+the\s+original\s+request\.?").expect("static regex")
});
static ELIGIBLE_MARK: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)\bThe\s+(?:remaining\s+IMR\s+eligible\s+portion\s+of\s+the\s+original\s+request|original\s+request)\s*,?\s*(?:is\s*:?\s+|was\s+)?")
        .expect("static regex")
});
static AUTHORIZED_NOISE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)^(?:the\s+)?claims\s+administrator\s+(?:authorized|certified|approved|modified\s+(?:the\s+request\s+)?to)\s+|,?\s+(?:was|were)\s+(?:authorized|certified|approved)\s+by\s+the\s+claims\s+administrator|,?\s*leaving\s+the\s+original\s+request\s+IMR\s+eligible")
        .expect("static regex")
});

/// Any other wording built on "X was the original request": the authorized
/// part is the sentence in between without its fixed words, the remainder
/// follows the last "The (remaining …) original request"; without one the
/// whole original request stays eligible.
fn split_partial_general(item: &str) -> Option<(String, Option<PartialCertification>)> {
    let mark = ORIGINAL_MARK.find(item)?;
    let clean = |s: &str| {
        s.trim()
            .trim_end_matches([',', '.', ':'])
            .trim()
            .to_string()
    };
    let original = item.get(..mark.start()).unwrap_or("");
    let original = original
        .strip_prefix("The request for ")
        .unwrap_or(original);
    let original = clean(original);
    let after = item.get(mark.end()..).unwrap_or("");
    let (middle, disputed) = match ELIGIBLE_MARK.find_iter(after).last() {
        Some(m) => (
            after.get(..m.start()).unwrap_or(""),
            clean(after.get(m.end()..).unwrap_or("")),
        ),
        None => (after, String::new()),
    };
    let authorized = clean(&AUTHORIZED_NOISE.replace_all(middle.trim(), ""));
    let disputed = if disputed.is_empty() {
        original.clone()
    } else {
        disputed
    };
    if original.is_empty() {
        return None;
    }
    Some((
        disputed.clone(),
        Some(PartialCertification {
            original,
            authorized,
            disputed,
        }),
    ))
}

/// Links associated surgical services to the surgery they serve: the
/// nearest surgery item before them, else the first one after.
pub(crate) fn link_dependencies(items: &mut [DisputedItem]) {
    let is_assoc: Vec<bool> = items
        .iter()
        .map(|i| ASSOCIATED.is_match(i.disputed_text()))
        .collect();
    let surgeries: Vec<ItemId> = items
        .iter()
        .zip(&is_assoc)
        .filter(|(i, assoc)| {
            let t = i.disputed_text();
            !**assoc && SURGERY.is_match(t) && !NOT_SURGERY.is_match(t.trim())
        })
        .map(|(i, _)| i.id)
        .collect();
    if surgeries.is_empty() {
        return;
    }
    for (item, assoc) in items.iter_mut().zip(is_assoc) {
        if !assoc {
            continue;
        }
        let before = surgeries.iter().rev().find(|s| **s < item.id);
        let after = surgeries.iter().find(|s| **s > item.id);
        item.depends_on = before.or(after).copied();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(text: &str) -> Case {
        match letter_from_text(text, Path::new("fixture.txt")) {
            Ok(c) => c,
            Err(e) => panic!("fixture did not parse: {e}"),
        }
    }

    #[test]
    fn patient_from_opening_sentence() {
        let p =
            patient_from_summary("The injured worker is a 38-year-old woman who hurt her back.");
        assert_eq!((p.age, p.sex), (Some(38), Some(Sex::Female)));
        let p = patient_from_summary("The applicant is a male warehouse worker.");
        assert_eq!((p.age, p.sex), (None, Some(Sex::Male)));
    }

    #[test]
    fn decision_alone_after_a_full_stop_and_joined_headings() {
        let c = case(
            "Case Number: AB12-0000001  CLINICAL CASE SUMMARY\n\
             The worker is a 30 year old man. IMR ISSUES, DECISIONS AND RATIONALES\n\
             Items are set forth below:\nCompound cream 240 gm.\n\nUpheld\n\
             MAXIMUS guideline: X.\nDecision rationale: Y.\n",
        );
        assert_eq!(c.items.len(), 1);
        assert_eq!(c.items[0].text, "Compound cream 240 gm.");
        assert_eq!(c.documents[0].text, "The worker is a 30 year old man.");
        assert_eq!(c.patient.sex, Some(Sex::Male));
    }

    #[test]
    fn a_repeated_issues_section_contributes_only_its_first_copy() {
        let section = "IMR ISSUES, DECISIONS AND RATIONALES\n\
             Items are set forth below:\nCompound cream 240 gm.\n\nUpheld\n\
             MAXIMUS guideline: X.\nDecision rationale: Y.\n";
        let second = section.replace("Compound cream 240 gm.", "Lumbar MRI.");
        let c = case(&format!(
            "Case Number: AB12-0000001\nCLINICAL CASE SUMMARY\nThe worker is a 30 year old man.\n{section}{second}"
        ));
        assert_eq!(c.items.len(), 1);
        assert_eq!(c.items[0].text, "Compound cream 240 gm.");
        let rationale = c.reference.as_ref().map(|r| r.items[0].rationale.clone());
        assert_eq!(rationale.as_deref(), Some("Y."));
    }

    #[test]
    fn credentials_on_one_line() {
        let lines = split_lines(
            "State(s) of Licensure: Ohio, Utah Certification(s)/Specialty: Internal Medicine\n\nCLINICAL CASE SUMMARY\n",
        );
        let mut r = ReviewerCredentials::default();
        parse_credentials(&lines, &mut r);
        assert_eq!(r.licensure, ["Ohio", "Utah"]);
        assert_eq!(r.specialties, ["Internal Medicine"]);
    }

    #[test]
    fn item_text_strips_decision_and_is() {
        let lines = split_lines("Ankle brace, left is: Overturned");
        assert_eq!(item_text(&lines), "Ankle brace, left");
    }

    #[test]
    fn partial_remaining_wording() {
        let (text, p) = split_partial(
            "Naproxen 550mg #60 was the original request. Naproxen 550mg #30 was authorized by the Claims Administrator. The remaining IMR eligible portion of the original request, Naproxen 550mg #30",
        );
        let p = p.expect("partial");
        assert_eq!(text, "Naproxen 550mg #30");
        assert_eq!(p.original, "Naproxen 550mg #60");
        assert_eq!(p.authorized, "Naproxen 550mg #30");
    }

    #[test]
    fn partial_alternative_wording() {
        let (text, p) = split_partial(
            "Home health aide 8 hours daily was the original request. The Claims Administrator authorized a nursing evaluation, leaving the original request IMR eligible. The original request, Home health aide 8 hours daily",
        );
        let p = p.expect("partial");
        assert_eq!(text, "Home health aide 8 hours daily");
        assert_eq!(p.authorized, "a nursing evaluation");
        assert_eq!(p.disputed, p.original);
    }

    #[test]
    fn partial_other_wordings() {
        let (text, p) = split_partial(
            "Chiropractic care x8 was the original request. The Claims Administrator certified chiropractic care x4. The remaining IMR eligible portion of the original request, Chiropractic care x4",
        );
        let p = p.expect("partial");
        assert_eq!(text, "Chiropractic care x4");
        assert_eq!(p.original, "Chiropractic care x8");
        assert_eq!(p.authorized, "chiropractic care x4");
        let (text, p) = split_partial(
            "Lumbar brace was the original request. The Claims Administrator authorized a lumbar support belt.",
        );
        let p = p.expect("partial");
        assert_eq!(text, "Lumbar brace");
        assert_eq!(p.authorized, "a lumbar support belt");
        assert_eq!(p.disputed, "Lumbar brace");
    }

    #[test]
    fn associated_services_link_to_surgery() {
        let mk = |i: u32, t: &str| DisputedItem {
            id: ItemId(i),
            text: t.into(),
            partial: None,
            depends_on: None,
        };
        let mut items = vec![
            mk(0, "Left shoulder arthroscopic rotator cuff repair"),
            mk(1, "Associated surgical service: sling"),
            mk(2, "Post-operative physical therapy x12"),
            mk(3, "Ibuprofen 800mg #60"),
        ];
        link_dependencies(&mut items);
        assert_eq!(items[1].depends_on, Some(ItemId(0)));
        assert_eq!(items[2].depends_on, Some(ItemId(0)));
        assert_eq!(items[3].depends_on, None);
        assert_eq!(items[0].depends_on, None);
    }

    #[test]
    fn no_items_is_an_error() {
        let err = letter_from_text(
            "Case Number: CM00-0000001\nCLINICAL CASE SUMMARY\nA summary.\n",
            Path::new("x.txt"),
        );
        match err {
            Err(ImportError::NotALetter { path, .. }) => assert_eq!(path, Path::new("x.txt")),
            other => panic!("expected NotALetter, got {other:?}"),
        }
    }

    #[test]
    fn header_with_reordered_application_line() {
        let c = case(
            "Case Number: XX99-0000123\nPriority: Expedited Application\nReceived: 03/04/2019\n\
             Date of Injury: 1/2/2015\nIMR ISSUES, DECISIONS AND RATIONALES\nBrace: Upheld\n\
             MAXIMUS guideline: A chapter.\nDecision rationale: Reasons.\n",
        );
        assert_eq!(c.meta.case_number.as_deref(), Some("XX99-0000123"));
        assert_eq!(c.meta.priority, Priority::Expedited);
        assert_eq!(
            c.meta.application_received,
            chrono::NaiveDate::from_ymd_opt(2019, 3, 4)
        );
        assert_eq!(c.items.len(), 1);
    }
}
