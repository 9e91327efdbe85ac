//! Drafting the clinical case summary of a records case as prose, in the
//! order published summaries read: who was injured and how, the current
//! complaints and examination, imaging and studies, surgery, treatment to
//! date and its response, work status, then the request and the
//! utilization review decision. Every finding carries the report and the
//! date it comes from, quoted from that report, so the reviewer can check it
//! and a reader can find it. An imported letter already has its summary,
//! which is used as is.

use chrono::NaiveDate;

use super::rationale::kind_mid_sentence;
use crate::assessment::Analysis;
use crate::case::{Case, Document, DocumentKind};
use crate::fact::{Fact, FactKind};

/// Longest quoted sentence kept whole; longer ones are cut at a word.
const QUOTE_LIMIT: usize = 240;

/// Most quotes one paragraph carries, so a long file stays readable.
const MAX_QUOTES: usize = 4;

/// The first clinical summary of a case, for the reviewer to edit; blank
/// lines separate paragraphs.
pub fn draft_summary(case: &Case, analysis: &Analysis) -> String {
    if let Some(doc) = case
        .documents
        .iter()
        .find(|d| d.kind == DocumentKind::CaseSummary && !d.text.trim().is_empty())
    {
        return normalise_paragraphs(&doc.text);
    }
    let mut quoted = Quoted::new(case, analysis);
    let paras = [
        introduction(case, &mut quoted),
        complaints_and_exam(&mut quoted),
        studies(&mut quoted),
        surgery(&mut quoted),
        treatment(&mut quoted),
        work_status(&mut quoted),
        request_and_review(case, &mut quoted),
    ];
    paras
        .into_iter()
        .filter(|p| !p.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Affirmed facts with the sentence each comes from; a sentence is quoted
/// once in the whole summary.
struct Quoted<'a> {
    case: &'a Case,
    facts: Vec<&'a Fact>,
    used: Vec<String>,
}

impl<'a> Quoted<'a> {
    fn new(case: &'a Case, analysis: &'a Analysis) -> Quoted<'a> {
        let facts = analysis
            .facts
            .iter()
            .filter(|f| f.is_positive() || f.is_absent())
            // The denial's own account and the IMR paperwork are not the
            // clinical record; the request paragraph names them instead.
            .filter(|f| {
                case.document(f.doc).is_some_and(|d| {
                    !matches!(
                        d.kind,
                        DocumentKind::CaseSummary | DocumentKind::UtilizationReview
                    )
                })
            })
            .collect();
        Quoted {
            case,
            facts,
            used: Vec::new(),
        }
    }

    /// The facts of these kinds, oldest first.
    fn of(&self, kinds: &[FactKind]) -> Vec<&'a Fact> {
        let mut out: Vec<&Fact> = self
            .facts
            .iter()
            .copied()
            .filter(|f| kinds.contains(&f.kind))
            .collect();
        out.sort_by_key(|f| (self.date_of(f), f.doc, f.sentence.start));
        out
    }

    fn date_of(&self, f: &Fact) -> Option<NaiveDate> {
        f.date
            .map(|d| d.date)
            .or_else(|| self.case.document(f.doc).and_then(|d| d.date))
    }

    /// The sentence of `f` as a quote, unless it was quoted already.
    fn take(&mut self, f: &Fact) -> Option<(String, &'a Document)> {
        let doc = self.case.document(f.doc)?;
        let sentence = f
            .sentence
            .slice(&doc.text)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let sentence = sentence
            .trim()
            .trim_end_matches(['.', ';', ','])
            .to_string();
        let form_line = sentence.matches(':').count() >= 3;
        let title = sentence.eq_ignore_ascii_case(doc.title.trim());
        if sentence.is_empty() || form_line || title || self.used.contains(&sentence) {
            return None;
        }
        self.used.push(sentence.clone());
        Some((clip(&sentence), doc))
    }

    /// "the progress report (PR-2) of 02/01/2026 records: "…"" for each
    /// new sentence among `facts`, newest last, at most [`MAX_QUOTES`].
    fn quotes(&mut self, facts: &[&Fact], newest: bool) -> Vec<String> {
        let ordered: Vec<&Fact> = if newest {
            facts.iter().rev().copied().collect()
        } else {
            facts.to_vec()
        };
        // Quotes from one report on one date read as one clause.
        let mut groups: Vec<(String, Vec<String>)> = Vec::new();
        let mut taken = 0;
        for f in ordered {
            if taken >= MAX_QUOTES {
                break;
            }
            if let Some((quote, doc)) = self.take(f) {
                taken += 1;
                // A report is cited by its own date; a date written inside
                // the quote (an earlier visit, a study) orders the facts but
                // never names the report.
                let from = source(doc, doc.date);
                match groups.iter_mut().find(|(s, _)| *s == from) {
                    Some((_, quotes)) => quotes.push(quote),
                    None => groups.push((from, vec![quote])),
                }
            }
        }
        if newest {
            groups.reverse();
            for (_, quotes) in &mut groups {
                quotes.reverse();
            }
        }
        groups
            .into_iter()
            .map(|(from, quotes)| {
                let quotes: Vec<String> = quotes.iter().map(|q| format!("\"{q}\"")).collect();
                format!("{from} records {}", join_list(&quotes))
            })
            .collect()
    }
}

/// Age, sex, injury date and mechanism, and the treating diagnoses.
fn introduction(case: &Case, quoted: &mut Quoted) -> String {
    let mut first = String::from("The injured worker");
    let described = case.patient.age.is_some() || case.patient.sex.is_some();
    match (case.patient.age, case.patient.sex) {
        (Some(age), Some(sex)) => first.push_str(&format!(" is a {age}-year-old {sex}")),
        (Some(age), None) => first.push_str(&format!(" is {age} years old")),
        (None, Some(sex)) => first.push_str(&format!(" is a {sex}")),
        (None, None) => {}
    }
    let joiner = if described { " who was" } else { " was" };
    match case.meta.date_of_injury {
        Some(d) => first.push_str(&format!(
            "{joiner} injured at work on {}.",
            d.format("%m/%d/%Y")
        )),
        None => first.push_str(if described {
            "; the date of injury is not documented."
        } else {
            " has no documented date of injury."
        }),
    }
    let mut out = vec![first];
    let mechanism = quoted.of(&[FactKind::InjuryMechanism]);
    let how = quoted.quotes(&mechanism[..mechanism.len().min(1)], false);
    if let Some(how) = how.first() {
        out.push(format!("As to how it happened, {how}."));
    }
    let diagnoses = diagnoses(quoted);
    if !diagnoses.is_empty() {
        out.push(format!(
            "The diagnoses in the records are {}.",
            join_list(&diagnoses)
        ));
    }
    out.join(" ")
}

/// Each distinct diagnosis in the records' words, with its level.
fn diagnoses(quoted: &Quoted) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for f in quoted.of(&[FactKind::Diagnosis]) {
        if !f.is_positive() {
            continue;
        }
        let Some(doc) = quoted.case.document(f.doc) else {
            continue;
        };
        let words = f
            .span
            .slice(&doc.text)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        let words = if words.is_empty() {
            f.concept.replace('_', " ")
        } else {
            words
        };
        let label = match f.detail.as_deref().map(str::trim) {
            Some(level) if !level.is_empty() && !words.contains(&level.to_lowercase()) => {
                format!("{words} at {level}")
            }
            _ => words,
        };
        if !out
            .iter()
            .any(|o| o == &label || o.starts_with(&format!("{label} at")))
        {
            out.retain(|o| !label.starts_with(&format!("{o} at")));
            out.push(label);
        }
    }
    out
}

/// The current complaints and the examination, from the most recent
/// reports that describe them.
fn complaints_and_exam(quoted: &mut Quoted) -> String {
    let complaints = quoted.of(&[FactKind::Symptom, FactKind::PainScore]);
    let complaints = quoted.quotes(&complaints, true);
    let exam = quoted.of(&[FactKind::ExamFinding]);
    let exam = quoted.quotes(&exam, true);
    let mut out = Vec::new();
    if !complaints.is_empty() {
        out.push(format!(
            "As to the current complaints, {}.",
            join_clauses(&complaints)
        ));
    }
    if !exam.is_empty() {
        out.push(format!("On examination, {}.", join_clauses(&exam)));
    }
    out.join(" ")
}

/// Imaging and electrodiagnostic studies with their dates and findings.
fn studies(quoted: &mut Quoted) -> String {
    let study_docs: Vec<_> = quoted
        .case
        .documents
        .iter()
        .filter(|d| {
            matches!(
                d.kind,
                DocumentKind::ImagingReport | DocumentKind::ElectrodiagnosticReport
            )
        })
        .map(|d| d.id)
        .collect();
    let mut found = Vec::new();
    for doc in &study_docs {
        // The findings of each study, from its own report: the diagnoses it
        // states first, else what it says of the study.
        let mut facts: Vec<&Fact> = quoted
            .of(&[FactKind::Diagnosis])
            .into_iter()
            .filter(|f| f.doc == *doc)
            .collect();
        if facts.is_empty() {
            facts = quoted
                .of(&[FactKind::Imaging, FactKind::Electrodiagnostic])
                .into_iter()
                .filter(|f| f.doc == *doc)
                .collect();
        }
        // What a study found before what it ruled out.
        facts.sort_by_key(|f| !f.is_positive());
        found.extend(quoted.quotes(&facts[..facts.len().min(2)], false));
    }
    if study_docs.is_empty() {
        let facts = quoted.of(&[FactKind::Imaging, FactKind::Electrodiagnostic]);
        found = quoted.quotes(&facts, false);
    }
    if found.is_empty() {
        return String::new();
    }
    format!("As to imaging and studies, {}.", join_clauses(&found))
}

/// Operations done or planned.
fn surgery(quoted: &mut Quoted) -> String {
    let facts = quoted.of(&[FactKind::Surgery]);
    let found = quoted.quotes(&facts, false);
    if found.is_empty() {
        return String::new();
    }
    format!("As to surgery, {}.", join_clauses(&found))
}

/// Treatment to date, then what the records say of its response.
fn treatment(quoted: &mut Quoted) -> String {
    let given = quoted.of(&[
        FactKind::Therapy,
        FactKind::Medication,
        FactKind::Injection,
        FactKind::Procedure,
    ]);
    let given = quoted.quotes(&given, false);
    let response = quoted.of(&[FactKind::FunctionalImprovement]);
    let response = quoted.quotes(&response, true);
    let mut out = Vec::new();
    if !given.is_empty() {
        out.push(format!(
            "As to treatment to date, {}.",
            join_clauses(&given)
        ));
    }
    if !response.is_empty() {
        out.push(format!(
            "As to the response to treatment, {}.",
            join_clauses(&response)
        ));
    }
    out.join(" ")
}

/// The most recent work status.
fn work_status(quoted: &mut Quoted) -> String {
    let facts = quoted.of(&[FactKind::WorkStatus]);
    let latest = quoted.quotes(&facts[facts.len().saturating_sub(1)..], false);
    match latest.first() {
        Some(q) => format!("As to work status, {q}."),
        None => String::new(),
    }
}

/// The disputed request and the utilization review decision.
fn request_and_review(case: &Case, quoted: &mut Quoted) -> String {
    let requests: Vec<&str> = case
        .items
        .iter()
        .map(|i| i.disputed_text().trim())
        .collect();
    if requests.is_empty() {
        return String::new();
    }
    let rfa = case
        .documents
        .iter()
        .filter(|d| d.kind == DocumentKind::RequestForAuthorization)
        .filter_map(|d| d.date)
        .max();
    let mut out = vec![match rfa {
        Some(d) => format!(
            "A request for authorization dated {} asked for {}.",
            d.format("%m/%d/%Y"),
            join_requests(&requests)
        ),
        None => format!(
            "The treating physician requested {}.",
            join_requests(&requests)
        ),
    }];
    let ur = match case.meta.ur_denial_date {
        Some(d) => format!(
            "Utilization review denied the request on {}",
            d.format("%m/%d/%Y")
        ),
        None => "Utilization review denied the request".to_string(),
    };
    let determination = case
        .documents
        .iter()
        .filter(|d| d.kind == DocumentKind::UtilizationReview)
        .max_by_key(|d| d.date);
    match determination {
        Some(d) => out.push(format!(
            "{ur}; its reasons are set out in {}.",
            source(d, d.date)
        )),
        None => out.push(format!("{ur}.")),
    }
    let _ = quoted;
    out.join(" ")
}

/// Requests often hold commas themselves, so they are joined with
/// semicolons: "a; b; and c".
fn join_requests(requests: &[&str]) -> String {
    let parts: Vec<String> = requests
        .iter()
        .map(|r| lower_request(r.trim().trim_end_matches('.')))
        .collect();
    join_clauses(&parts)
}

/// A request mid-sentence: an opening capital is lowered unless the first
/// word is an acronym or a name-like word ("MRI", "Tramadol" keep theirs
/// only when all caps or followed by a dose).
fn lower_request(text: &str) -> String {
    let first = text.split_whitespace().next().unwrap_or("");
    let acronym = first
        .chars()
        .filter(|c| c.is_alphabetic())
        .all(char::is_uppercase);
    if acronym {
        return text.to_string();
    }
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// "the imaging report "MRI lumbar spine" of 01/10/2026": the document's
/// kind, its title when it says more, and the date.
fn source(doc: &Document, date: Option<NaiveDate>) -> String {
    let kind = kind_mid_sentence(doc.kind.label());
    // The title names the study; other reports are named by their kind.
    let study = matches!(
        doc.kind,
        DocumentKind::ImagingReport
            | DocumentKind::ElectrodiagnosticReport
            | DocumentKind::OperativeReport
            | DocumentKind::Other
    );
    let title = title_case(doc.title.trim());
    let named = if !study || title.is_empty() || title.eq_ignore_ascii_case(doc.kind.label()) {
        format!("the {kind}")
    } else {
        format!("the {kind} \u{201c}{title}\u{201d}")
    };
    match date.or(doc.date) {
        Some(d) => format!("{named} of {}", d.format("%m/%d/%Y")),
        None => format!("{named} (undated)"),
    }
}

/// Acronyms kept in capitals when an all-caps title is set in sentence case.
const ACRONYMS: &[&str] = &[
    "MRI", "CT", "EMG", "NCV", "NCS", "MRA", "EMG/NCV", "PR-2", "RFA", "QME", "AME", "X-RAY",
    "DWC", "MTUS", "IMR", "UR",
];

/// Names kept capitalised when an all-caps title is set in sentence case.
const NAMES: &[&str] = &["CALIFORNIA"];

/// An all-caps title ("MRI OF THE LUMBAR SPINE") in sentence case ("MRI of
/// the lumbar spine"); other titles unchanged. Records shout their titles;
/// a letter reads better without it.
pub fn title_case(title: &str) -> String {
    let has_lower = title.chars().any(char::is_lowercase);
    if has_lower {
        return title.to_string();
    }
    title
        .split_whitespace()
        .enumerate()
        .map(|(i, w)| {
            let bare = w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-' && c != '/');
            if ACRONYMS.contains(&bare) {
                w.to_string()
            } else if i == 0 || NAMES.contains(&bare) {
                let lower = w.to_lowercase();
                let mut c = lower.chars();
                c.next()
                    .map(|f| f.to_uppercase().chain(c).collect())
                    .unwrap_or_default()
            } else {
                w.to_lowercase()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Clauses joined as one sentence: "a; b; and c".
fn join_clauses(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{}; and {last}", init.join("; ")),
    }
}

/// Items joined as a list: "a, b and c".
fn join_list<S: AsRef<str>>(parts: &[S]) -> String {
    let parts: Vec<&str> = parts.iter().map(|p| p.as_ref()).collect();
    match parts.as_slice() {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn clip(sentence: &str) -> String {
    if sentence.len() <= QUOTE_LIMIT {
        return sentence.to_string();
    }
    let mut cut = QUOTE_LIMIT;
    while !sentence.is_char_boundary(cut) {
        cut -= 1;
    }
    let head = &sentence[..cut];
    let head = head.rsplit_once(' ').map(|(h, _)| h).unwrap_or(head);
    format!("{head} …")
}

/// Joins hard-wrapped lines into paragraphs (blank lines stay paragraph breaks).
pub fn normalise_paragraphs(text: &str) -> String {
    let mut paras: Vec<String> = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            if !current.is_empty() {
                paras.push(std::mem::take(&mut current));
            }
            continue;
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(&line.split_whitespace().collect::<Vec<_>>().join(" "));
    }
    if !current.is_empty() {
        paras.push(current);
    }
    paras.join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_and_clauses_read_as_english() {
        assert_eq!(join_list(&["a", "b", "c"]), "a, b and c");
        assert_eq!(join_clauses(&["x".into(), "y".into()]), "x; and y");
        assert_eq!(
            kind_mid_sentence("Progress report (PR-2)"),
            "progress report (PR-2)"
        );
    }

    #[test]
    fn long_quotes_are_cut_at_a_word() {
        let long = "word ".repeat(80);
        let clipped = clip(long.trim());
        assert!(clipped.len() <= QUOTE_LIMIT + 4);
        assert!(clipped.ends_with(" …"));
    }
}
