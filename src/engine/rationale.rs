//! Drafting the rationale in the order published determinations use: the
//! request, what the guideline says (cited), the facts of this case with
//! their dates, and the conclusion. The reviewer edits the draft; it must
//! already read as finished prose, with no blanks to fill.

use crate::assessment::{Answer, Decision, ItemAssessment};
use crate::case::{Case, DocumentKind};
use crate::guideline::Guideline;

/// Longest quote kept whole; longer sentences are cut at a word boundary.
const QUOTE_LIMIT: usize = 280;

/// The draft rationale for one assessed item.
pub fn draft_rationale(g: Option<&Guideline>, a: &ItemAssessment, case: &Case) -> String {
    let text = lower_first(a.request.text.trim().trim_end_matches(['.', ':']));
    let text = text.as_str();
    let mut out: Vec<String> = vec![format!("The request is for {text}.")];
    match g {
        Some(g) => {
            let statement = g.statement.trim().trim_end_matches('.');
            let cite = g
                .sources
                .first()
                .map(|s| {
                    if s.sections.is_empty() {
                        s.volume.clone()
                    } else {
                        format!("{}, {}", s.volume, s.sections.join(", "))
                    }
                })
                .unwrap_or_default();
            out.push(format!("{statement} ({cite})."));
        }
        None => out.push(
            "No guideline in the library addresses this request, so the records were weighed \
             against generally accepted standards of practice."
                .to_string(),
        ),
    }
    let follows_surgery = a.request.depends_on.is_some()
        && a.suggestion.decision == Decision::NotMedicallyNecessary
        && a.suggestion
            .reasons
            .first()
            .is_some_and(|r| r.starts_with("The surgery this service belongs to"));
    // Three paragraphs: the request and the guideline; this case against the
    // criteria; what decides it.
    let mut paragraphs = vec![std::mem::take(&mut out)];
    if follows_surgery {
        out.push(
            "In this case, the surgery this service is associated with has not been found \
             medically necessary."
                .to_string(),
        );
    } else if !a.criteria.is_empty() {
        out.push("In this case, the records were reviewed against each criterion.".to_string());
        for c in &a.criteria {
            let question = c.question.trim();
            let answer = match (c.answer, c.evidence.first()) {
                (Answer::Met, Some(ev)) | (Answer::NotMet, Some(ev)) => {
                    let yes = if c.answer == Answer::Met { "Yes" } else { "No" };
                    let document = case.document(ev.doc);
                    let doc = document
                        .map(|d| kind_mid_sentence(d.kind.label()))
                        .unwrap_or_else(|| "record".to_string());
                    // A document is cited by its own date, never by a date
                    // written inside the quoted sentence. A summary has none:
                    // its sentences carry their dates in the quote.
                    let when = document
                        .filter(|d| d.kind != DocumentKind::CaseSummary)
                        .and_then(|d| d.date)
                        .map(|d| format!(" dated {}", d.format("%m/%d/%Y")))
                        .unwrap_or_default();
                    format!("{yes}: the {doc}{when} records \"{}\".", clip(&ev.quote))
                }
                (Answer::Met, None) => format!("Yes. {}", c.note.trim()),
                (Answer::NotMet, None) => format!("No. {}", c.note.trim()),
                (Answer::NotDocumented, _) => {
                    "The records provided do not document it.".to_string()
                }
            };
            out.push(format!("{question} {answer}"));
        }
    }
    paragraphs.push(std::mem::take(&mut out));
    match a.suggestion.decision {
        Decision::MedicallyNecessary => out.push(format!(
            "The guideline's criteria are met. Therefore, the request for {text} is medically \
             necessary."
        )),
        Decision::NotMedicallyNecessary | Decision::PartiallyCertified => {
            if !follows_surgery {
                if a.criteria.is_empty() {
                    if let Some(first) = a.suggestion.reasons.first() {
                        out.push(first.clone());
                    }
                } else if !a.suggestion.reasons.is_empty() {
                    out.push(format!(
                        "What decides the request: {}",
                        a.suggestion.reasons.join(" ")
                    ));
                }
                if let Some(alt) = &a.suggestion.alternative {
                    let alt = alt.trim().trim_end_matches('.');
                    out.push(format!(
                        "Independent medical review cannot modify a request; {alt}."
                    ));
                }
            }
            out.push(format!(
                "Therefore, the request for {text} is not medically necessary."
            ));
        }
    }
    paragraphs.push(out);
    paragraphs
        .iter()
        .filter(|p| !p.is_empty())
        .map(|p| p.join(" "))
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// A document kind as it reads mid-sentence: "progress report (PR-2)",
/// with acronyms kept.
fn kind_mid_sentence(label: &str) -> String {
    label
        .split(' ')
        .map(|word| {
            if word.chars().skip(1).any(char::is_uppercase) {
                word.to_string()
            } else {
                word.to_lowercase()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// "Six physical therapy visits" reads better mid-sentence as "six physical
/// therapy visits"; acronyms and names ("MRI", "Norco") keep their capital.
fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && second.is_lowercase() => {
            let rest: String = text.chars().skip(1).collect();
            let lowered = first.to_lowercase().collect::<String>() + &rest;
            let word = text.split_whitespace().next().unwrap_or("").to_lowercase();
            if COMMON_WORDS.contains(&word.trim_matches(|c: char| !c.is_alphanumeric())) {
                lowered
            } else {
                text.to_string()
            }
        }
        _ => text.to_string(),
    }
}

/// Opening words of requests that are plain English, not names.
const COMMON_WORDS: &[&str] = &[
    "additional",
    "associated",
    "chiropractic",
    "chiropractor",
    "consult",
    "consultation",
    "continue",
    "continued",
    "eight",
    "electrical",
    "five",
    "follow",
    "four",
    "functional",
    "gym",
    "home",
    "initial",
    "office",
    "one",
    "outpatient",
    "physical",
    "post-op",
    "postoperative",
    "pre-op",
    "preoperative",
    "purchase",
    "referral",
    "rental",
    "retrospective",
    "six",
    "ten",
    "three",
    "twelve",
    "two",
    "urine",
    "occupational",
    "acupuncture",
    "aquatic",
    "massage",
    "therapeutic",
    "lumbar",
    "cervical",
    "right",
    "left",
    "bilateral",
    "compound",
    "topical",
    "transportation",
    "durable",
    "hot",
    "cold",
    "back",
    "knee",
    "wrist",
    "elbow",
    "shoulder",
    "hip",
    "cervical",
    "platelet-rich",
    "epidural",
    "trigger",
    "medical",
    "sit-stand",
];

fn clip(quote: &str) -> String {
    if quote.len() <= QUOTE_LIMIT {
        return quote.trim_end_matches('.').to_string();
    }
    let mut cut = QUOTE_LIMIT;
    while !quote.is_char_boundary(cut) {
        cut -= 1;
    }
    let head = &quote[..cut];
    let head = head.rsplit_once(' ').map(|(h, _)| h).unwrap_or(head);
    format!("{head} …")
}
