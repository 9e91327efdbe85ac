//! Drafting the rationale in the order published determinations use: the
//! request, what the guideline says (cited), the facts of this case with
//! their dates, and the conclusion. The reviewer edits the draft; it must
//! already read as finished prose, with no blanks to fill.

use crate::assessment::{Answer, CriterionResult, Decision, ItemAssessment, Suggestion};
use crate::case::{Case, DocumentKind};
use crate::guideline::Guideline;

/// Longest quote kept whole; longer sentences are cut at a word boundary.
const QUOTE_LIMIT: usize = 280;

/// One criterion as the reviewer left it: the answer, and the reason when it
/// differs from the engine's. The drafter needs both, because an override
/// has no quoted evidence behind it and the reason is what the letter cites.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReviewedAnswer<'a> {
    pub answer: Answer,
    /// The reviewer's reason; `Some` only for overrides.
    pub override_reason: Option<&'a str>,
}

/// The draft rationale for one assessed item, on the engine's own answers.
pub fn draft_rationale(g: Option<&Guideline>, a: &ItemAssessment, case: &Case) -> String {
    let answers: Vec<ReviewedAnswer> = a
        .criteria
        .iter()
        .map(|c| ReviewedAnswer {
            answer: c.answer,
            override_reason: None,
        })
        .collect();
    draft_from_answers(g, a, case, &answers, &a.suggestion, a.suggestion.decision)
}

/// The draft rationale on the reviewer's answers (one per criterion of `a`,
/// in order), the suggestion those answers support, and the decision the
/// letter will print. Regenerating a draft after an override goes through
/// here, so it reads as complete as the engine's first draft and cites the
/// reviewer's reason where the engine had no quote.
pub fn draft_from_answers(
    g: Option<&Guideline>,
    a: &ItemAssessment,
    case: &Case,
    answers: &[ReviewedAnswer],
    suggestion: &Suggestion,
    decision: Decision,
) -> String {
    let text = lower_first(a.request.text.trim().trim_end_matches(['.', ':']));
    let text = text.as_str();
    let mut paragraphs = vec![opening(g, a, text)];
    let follows_surgery = a.request.depends_on.is_some()
        && suggestion.decision == Decision::NotMedicallyNecessary
        && suggestion.reasons.first().is_some_and(|r| {
            r.starts_with("The surgery this service belongs to")
                || r.starts_with("This service belongs to item")
        });
    let mut out = Vec::new();
    if follows_surgery {
        out.push(
            "In this case, the surgery this service is associated with has not been found \
             medically necessary."
                .to_string(),
        );
    } else if !a.criteria.is_empty() {
        out.push("In this case, the records were reviewed against each criterion.".to_string());
        for (i, c) in a.criteria.iter().enumerate() {
            let reviewed = answers.get(i).copied().unwrap_or(ReviewedAnswer {
                answer: c.answer,
                override_reason: None,
            });
            out.push(format!(
                "{} {}",
                c.question.trim(),
                criterion_answer(c, reviewed, case)
            ));
        }
    }
    paragraphs.push(out);
    paragraphs.push(conclusion(text, suggestion, decision, follows_surgery, a));
    paragraphs
        .iter()
        .filter(|p| !p.is_empty())
        .map(|p| p.join(" "))
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// The request and what the guideline says, cited.
fn opening(g: Option<&Guideline>, a: &ItemAssessment, text: &str) -> Vec<String> {
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
        // A guideline from outside the built-in library: its citation is
        // all the assessment keeps.
        None => match a
            .guideline
            .as_ref()
            .filter(|r| !r.citation.trim().is_empty())
        {
            Some(r) => out.push(format!(
                "The applicable guideline is {}.",
                r.citation.trim().trim_end_matches('.')
            )),
            None => out.push(
                "No guideline in the library addresses this request, so the records were weighed \
                 against generally accepted standards of practice."
                    .to_string(),
            ),
        },
    }
    out
}

/// The answer to one criterion as the letter states it: the engine's quote
/// when the reviewer kept its answer, the reviewer's reason when not.
fn criterion_answer(c: &CriterionResult, reviewed: ReviewedAnswer, case: &Case) -> String {
    if reviewed.answer != c.answer {
        let reason = reviewed
            .override_reason
            .map(|r| r.trim().trim_end_matches('.'))
            .filter(|r| !r.is_empty());
        return match (reviewed.answer, reason) {
            (Answer::Met, Some(r)) => format!("Yes. {}.", upper_first(r)),
            (Answer::NotMet, Some(r)) => format!("No. {}.", upper_first(r)),
            (Answer::Met, None) => "Yes, on the reviewer's reading of the records.".to_string(),
            (Answer::NotMet, None) => "No, on the reviewer's reading of the records.".to_string(),
            (Answer::NotDocumented, Some(r)) => {
                format!(
                    "The records provided do not document it. {}.",
                    upper_first(r)
                )
            }
            (Answer::NotDocumented, None) => "The records provided do not document it.".to_string(),
        };
    }
    match (c.answer, c.evidence.first()) {
        (Answer::Met, Some(ev)) | (Answer::NotMet, Some(ev)) => {
            let yes = if c.answer == Answer::Met { "Yes" } else { "No" };
            let document = case.document(ev.doc);
            let doc = document
                .map(|d| kind_mid_sentence(d.kind.label()))
                .unwrap_or_else(|| "record".to_string());
            // A document is cited by its own date, never by a date written
            // inside the quoted sentence. A summary has none: its sentences
            // carry their dates in the quote.
            let when = match document
                .filter(|d| d.kind != DocumentKind::CaseSummary)
                .and_then(|d| d.date)
            {
                Some(d) => format!(" dated {}", d.format("%m/%d/%Y")),
                None => String::new(),
            };
            format!("{yes}: the {doc}{when} records \"{}\".", clip(&ev.quote))
        }
        (Answer::Met, None) => format!("Yes. {}", c.note.trim()),
        (Answer::NotMet, None) => format!("No. {}", c.note.trim()),
        (Answer::NotDocumented, _) => "The records provided do not document it.".to_string(),
    }
}

/// What decides the request, and the decision sentence. The reasons are the
/// suggestion's only when the letter's decision is the suggested one.
fn conclusion(
    text: &str,
    suggestion: &Suggestion,
    decision: Decision,
    follows_surgery: bool,
    a: &ItemAssessment,
) -> Vec<String> {
    let mut out = Vec::new();
    let agrees = suggestion.decision == decision;
    match decision {
        Decision::MedicallyNecessary => {
            if agrees {
                out.push("The guideline's criteria are met.".to_string());
            } else {
                out.push(
                    "Weighing the records as a whole against the guideline, the reviewer finds \
                     the findings above sufficient."
                        .to_string(),
                );
            }
            out.push(format!(
                "Therefore, the request for {text} is medically necessary."
            ));
        }
        Decision::NotMedicallyNecessary | Decision::PartiallyCertified => {
            if agrees && !follows_surgery {
                if a.criteria.is_empty() {
                    if let Some(first) = suggestion.reasons.first() {
                        out.push(first.clone());
                    }
                } else if !suggestion.reasons.is_empty() {
                    out.push(format!(
                        "What decides the request: {}",
                        suggestion.reasons.join(" ")
                    ));
                }
                if let Some(alt) = &suggestion.alternative {
                    let alt = alt.trim().trim_end_matches('.');
                    out.push(format!(
                        "Independent medical review cannot modify a request; {alt}."
                    ));
                }
            } else if !agrees {
                out.push(
                    "Weighing the records as a whole against the guideline, the reviewer does \
                     not find the findings above sufficient."
                        .to_string(),
                );
            }
            out.push(format!(
                "Therefore, the request for {text} is not medically necessary."
            ));
        }
    }
    out
}

fn upper_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A document kind as it reads mid-sentence: "progress report (PR-2)",
/// with acronyms kept.
pub(super) fn kind_mid_sentence(label: &str) -> String {
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
