//! The decision engine: for each disputed item, choose the guideline by the
//! MTUS order, answer its criteria from the records with quoted evidence,
//! suggest a decision as requested, and draft the rationale.
//!
//! Pure functions over a [`Case`] and a [`Library`]: no GUI, no I/O, so the
//! GUI, the command line, `eval` and the tests all get the same answers.

mod answer;
mod rationale;
mod select;
pub mod summary;

use crate::assessment::{
    Analysis, Answer, CriterionResult, Decision, ItemAssessment, Strength, Suggestion,
};
use crate::case::Case;
use crate::fact::Fact;
use crate::guideline::{Guideline, Library, RequestField};
use crate::request::{self, Category, Request};
use crate::timeline::Timeline;

pub use answer::answer_criteria;
pub use rationale::{ReviewedAnswer, draft_from_answers, draft_rationale};
pub use select::{candidates, choose};

/// How decisions are framed. IMR decides each item as requested; utilization
/// review may certify part of a request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ReviewMode {
    #[default]
    Imr,
    UtilizationReview,
}

/// Analyses a case: extracts its facts and timeline, then assesses every
/// disputed item.
pub fn analyze(case: &Case, library: &Library) -> Analysis {
    let facts = crate::extract::extract_case(case);
    let timeline = crate::timeline::build(case, &facts);
    analyze_with_facts(case, library, facts, timeline)
}

/// Analyses a case given the extractor's facts and timeline: every disputed
/// item gets a guideline, answered criteria, a suggestion and a draft.
pub fn analyze_with_facts(
    case: &Case,
    library: &Library,
    facts: Vec<Fact>,
    timeline: Timeline,
) -> Analysis {
    let sentences = crate::text::SentenceIndex::build(case);
    let requests = request::parse_case(case);
    let mut items: Vec<ItemAssessment> = Vec::with_capacity(requests.len());
    let mut warnings = Vec::new();
    for req in requests {
        let choice = choose(library, &req);
        let guideline = choice.as_ref().and_then(|c| library.get(&c.id));
        let criteria = match guideline {
            Some(g) => answer_criteria(g, &req, case, &facts, &sentences),
            None => {
                warnings.push(format!(
                    "No guideline in the library covers item {} ({}).",
                    req.item, req.text
                ));
                Vec::new()
            }
        };
        let parent = req.depends_on.and_then(|p| {
            items
                .iter()
                .find(|i| i.item == p)
                .map(|i| i.suggestion.decision)
        });
        let answers: Vec<Answer> = criteria.iter().map(|c| c.answer).collect();
        let suggestion = decide(
            guideline,
            &req,
            &criteria,
            &answers,
            parent,
            ReviewMode::Imr,
        );
        let mut assessment = ItemAssessment {
            item: req.item,
            request: req,
            guideline: choice,
            criteria,
            suggestion,
            rationale_draft: String::new(),
        };
        assessment.rationale_draft = draft_rationale(guideline, &assessment, case);
        items.push(assessment);
    }
    Analysis {
        facts,
        timeline,
        items,
        warnings,
    }
}

/// Recomputes the suggestion for an item from answers the reviewer may have
/// overridden, so the GUI can show the consequence of an override at once.
/// `answers` follow the order of `assessment.criteria`; `parent` is the
/// current decision on the item this one depends on, if any.
pub fn suggest(
    library: &Library,
    assessment: &ItemAssessment,
    answers: &[Answer],
    parent: Option<Decision>,
) -> Suggestion {
    let guideline = assessment
        .guideline
        .as_ref()
        .and_then(|c| library.get(&c.id));
    decide(
        guideline,
        &assessment.request,
        &assessment.criteria,
        answers,
        parent,
        ReviewMode::Imr,
    )
}

/// The decision rule applied to a set of answers.
pub fn decide(
    guideline: Option<&Guideline>,
    req: &Request,
    criteria: &[CriterionResult],
    answers: &[Answer],
    parent: Option<Decision>,
    mode: ReviewMode,
) -> Suggestion {
    let upheld_as =
        |strength: Strength, reasons: Vec<String>, alternative: Option<String>| Suggestion {
            decision: Decision::NotMedicallyNecessary,
            reasons,
            alternative,
            strength,
        };
    let upheld = |reasons, alternative| upheld_as(Strength::Clear, reasons, alternative);
    if req.depends_on.is_some() && parent == Some(Decision::NotMedicallyNecessary) {
        return upheld(
            vec![
                "The surgery this service belongs to is not medically necessary, so the \
                 associated service is not either."
                    .to_string(),
            ],
            None,
        );
    }
    let Some(g) = guideline else {
        return upheld_as(
            Strength::Borderline,
            vec![
                "No guideline in the library addresses this request, so medical necessity \
                 is not established."
                    .to_string(),
            ],
            None,
        );
    };
    let missing: Vec<&'static str> = g
        .requires
        .iter()
        .filter(|f| !field_given(req, **f))
        .map(|f| f.label())
        .collect();
    let mut missing = missing;
    if is_rental(&req.text) && req.duration_days.is_none() && !missing.contains(&"the duration") {
        missing.push("the rental period");
    }
    if !missing.is_empty() {
        return upheld(
            vec![format!(
                "The request does not state {}, which the decision needs; an open-ended \
                 request cannot be found medically necessary.",
                join_words(&missing)
            )],
            g.alternative.clone(),
        );
    }
    if g.decision.not_recommended {
        return upheld(
            vec![format!(
                "{} does not recommend this treatment.",
                short_source(g)
            )],
            g.alternative.clone(),
        );
    }
    let answer_of = |id: &str| -> Answer {
        criteria
            .iter()
            .position(|c| c.id == id)
            .and_then(|i| answers.get(i).copied())
            .unwrap_or(Answer::NotDocumented)
    };
    let holds = |id: &str| -> bool {
        match id.strip_prefix('!') {
            Some(inner) => answer_of(inner) != Answer::Met,
            None => answer_of(id) == Answer::Met,
        }
    };
    for path in &g.decision.paths {
        if path.iter().all(|id| holds(id)) {
            let reasons = path
                .iter()
                .filter_map(|id| describe(g, id, &answer_of))
                .collect();
            // Clear when every exclusion is answered "no" on evidence, not
            // merely undocumented.
            let firm = path.iter().all(|id| match id.strip_prefix('!') {
                Some(inner) => answer_of(inner) == Answer::NotMet,
                None => true,
            });
            return Suggestion {
                decision: Decision::MedicallyNecessary,
                reasons,
                alternative: None,
                strength: if firm {
                    Strength::Clear
                } else {
                    Strength::Borderline
                },
            };
        }
    }
    if let Some((n, of)) = &g.decision.at_least {
        let met: Vec<&String> = of.iter().filter(|id| holds(id)).collect();
        if met.len() as u32 >= *n {
            return Suggestion {
                decision: Decision::MedicallyNecessary,
                reasons: met
                    .iter()
                    .filter_map(|id| describe(g, id, &answer_of))
                    .collect(),
                alternative: None,
                strength: Strength::Clear,
            };
        }
    }
    // Not supported: name the failing criteria of the path that came closest,
    // preferring a path that fails on something missing over one that fails
    // only because a finding is present (a "!" criterion).
    // A path fails on evidence when a criterion on it is answered against
    // the request (a finding absent or contradicted, an exclusion present),
    // not merely undocumented.
    let fails_on_evidence = |path: &Vec<String>| {
        path.iter()
            .filter(|id| !holds(id))
            .any(|id| match id.strip_prefix('!') {
                Some(inner) => answer_of(inner) == Answer::Met,
                None => answer_of(id) == Answer::NotMet,
            })
    };
    // The path that came closest names the reasons: fewest failing
    // criteria, then one that fails on what is missing (it tells the reader
    // what would support the request) over one the records answer against,
    // then one without an exclusion.
    let closest = g.decision.paths.iter().min_by_key(|p| {
        let failing: Vec<&String> = p.iter().filter(|id| !holds(id)).collect();
        let negated = failing.iter().filter(|id| id.starts_with('!')).count();
        (failing.len(), fails_on_evidence(p), negated)
    });
    // Clear when every path fails on evidence: documenting more could not
    // turn it. Borderline when some path fails only on what is missing.
    let every_path_answered =
        !g.decision.paths.is_empty() && g.decision.paths.iter().all(fails_on_evidence);
    let mut reasons: Vec<String> = match closest {
        Some(path) => path
            .iter()
            .filter(|id| !holds(id))
            .filter_map(|id| describe(g, id, &answer_of))
            .collect(),
        None => Vec::new(),
    };
    if let Some((n, of)) = &g.decision.at_least {
        reasons.push(format!(
            "Fewer than {n} of the {} criteria that can support the request are met.",
            of.len()
        ));
    }
    let over_limit = g.decision.paths.iter().any(|p| {
        p.iter().any(|id| {
            answer_of(id.trim_start_matches('!')) == Answer::NotMet
                && g.criterion(id.trim_start_matches('!'))
                    .is_some_and(|c| c.rule.is_request_limit())
        })
    });
    let decision = if over_limit && mode == ReviewMode::UtilizationReview && g.alternative.is_some()
    {
        Decision::PartiallyCertified
    } else {
        Decision::NotMedicallyNecessary
    };
    // The supported alternative is named only when the request exceeds a limit.
    let alternative = if over_limit {
        g.alternative.clone()
    } else {
        None
    };
    let strength = if over_limit || every_path_answered {
        Strength::Clear
    } else {
        Strength::Borderline
    };
    Suggestion {
        decision,
        reasons,
        alternative,
        strength,
    }
}

/// One sentence explaining how a criterion stands.
fn describe(g: &Guideline, id: &str, answer_of: &dyn Fn(&str) -> Answer) -> Option<String> {
    let (negate, inner) = match id.strip_prefix('!') {
        Some(i) => (true, i),
        None => (false, id),
    };
    let c = g.criterion(inner)?;
    let answer = answer_of(inner);
    let finding = c.question.trim_end_matches('?');
    Some(match (negate, answer) {
        (true, Answer::Met) => {
            format!("{finding}: yes, so the guideline asks for more than this request documents.")
        }
        (false, Answer::Met) => format!("{finding}: met."),
        (_, Answer::NotMet) => format!("{finding}: not met."),
        (_, Answer::NotDocumented) => format!("{finding}: not documented."),
    })
}

/// Whether the request is a rental, which needs a rental period to be decided.
fn is_rental(text: &str) -> bool {
    let t = text.to_lowercase();
    crate::text::find_term(&t, "rental").is_some() || crate::text::find_term(&t, "rent").is_some()
}

fn field_given(req: &Request, field: RequestField) -> bool {
    match field {
        RequestField::Region => req.region.is_some(),
        RequestField::Quantity => req.quantity.is_some(),
        RequestField::Visits => req.visits.is_some(),
        RequestField::Duration => req.duration_days.is_some(),
        RequestField::Strength => req.strength.is_some(),
    }
}

fn join_words(words: &[&str]) -> String {
    match words {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {}", init.join(", "), last),
    }
}

/// The deciding source's volume, for short mentions in sentences.
pub(crate) fn short_source(g: &Guideline) -> String {
    g.sources
        .first()
        .map(|s| {
            let v = s.volume.trim_start_matches("MTUS ");
            if s.volume.starts_with("MTUS ") {
                format!("The MTUS ({v})")
            } else {
                v.to_string()
            }
        })
        .unwrap_or_else(|| "The guideline".to_string())
}

/// Whether the category is one the library is expected to cover; used by
/// `eval` for its coverage figure.
pub fn is_recognised(category: Category) -> bool {
    category != Category::Other
}
