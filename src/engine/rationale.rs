//! Drafting the rationale in the order published determinations use: the
//! request, what the guideline says (cited), the facts of this case with
//! their dates, and the conclusion. The reviewer edits the draft; it must
//! already read as finished prose, with no blanks to fill.

use crate::assessment::{Answer, Decision, ItemAssessment};
use crate::case::Case;
use crate::guideline::Guideline;

/// Longest quote kept whole; longer sentences are cut at a word boundary.
const QUOTE_LIMIT: usize = 280;

/// The draft rationale for one assessed item.
pub fn draft_rationale(g: Option<&Guideline>, a: &ItemAssessment, case: &Case) -> String {
    let text = a.request.text.trim().trim_end_matches(['.', ':']);
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
                    let doc = case
                        .document(ev.doc)
                        .map(|d| d.kind.label().to_lowercase())
                        .unwrap_or_else(|| "record".to_string());
                    let when = ev.date.map(|d| format!(" dated {d}")).unwrap_or_default();
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
    match a.suggestion.decision {
        Decision::MedicallyNecessary => out.push(format!(
            "The guideline's criteria are met. Therefore, the request for {text} is medically \
             necessary."
        )),
        Decision::NotMedicallyNecessary | Decision::PartiallyCertified => {
            if !follows_surgery {
                if let Some(first) = a.suggestion.reasons.first()
                    && a.criteria.is_empty()
                {
                    out.push(first.clone());
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
    out.join(" ")
}

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
