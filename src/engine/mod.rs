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
use crate::guideline::{Guideline, Library, Node, RequestField};
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
    decide_branches(g, &answer_of, mode)
}

/// The pure decision over a guideline's branches, given each criterion's
/// answer: the first branch met certifies (borderline when it rests on an
/// exclusion the records are silent on); otherwise the branch that came
/// closest names the reasons, and the suggestion is clear only when every
/// branch is answered "not met" on the evidence or a request limit is
/// exceeded. Shared by the engine and the review's live suggestion.
pub fn decide_branches(
    g: &Guideline,
    answer_of: &dyn Fn(&str) -> Answer,
    mode: ReviewMode,
) -> Suggestion {
    let holds = |(id, negated): (&str, bool)| -> bool {
        if negated {
            answer_of(id) != Answer::Met
        } else {
            answer_of(id) == Answer::Met
        }
    };
    let evals: Vec<Eval> = g
        .decision
        .certify
        .iter()
        .map(|b| evaluate(&b.when, answer_of))
        .collect();
    if let Some((branch, e)) = g
        .decision
        .certify
        .iter()
        .zip(&evals)
        .find(|(_, e)| e.answer == Answer::Met)
    {
        let reasons = branch
            .when
            .leaves()
            .into_iter()
            .filter(|l| holds(*l))
            .filter_map(|(id, negated)| describe(g, id, negated, answer_of))
            .collect();
        return Suggestion {
            decision: Decision::MedicallyNecessary,
            reasons,
            alternative: None,
            strength: if e.assumed {
                Strength::Borderline
            } else {
                Strength::Clear
            },
        };
    }
    // The branch that came closest names the reasons: fewest failing
    // criteria, then one that fails on what is missing (it tells the reader
    // what would support the request) over one the records answer against,
    // then one without an exclusion.
    let closest = g
        .decision
        .certify
        .iter()
        .zip(&evals)
        .min_by_key(|(b, e)| {
            let failing: Vec<(&str, bool)> =
                b.when.leaves().into_iter().filter(|l| !holds(*l)).collect();
            let negated = failing.iter().filter(|(_, n)| *n).count();
            (failing.len(), e.answer == Answer::NotMet, negated)
        })
        .map(|(b, _)| b);
    // Clear when every branch is answered "not met": documenting more could
    // not turn it. Borderline when some branch is only not documented.
    let every_branch_answered =
        !evals.is_empty() && evals.iter().all(|e| e.answer == Answer::NotMet);
    let reasons: Vec<String> = closest
        .map(|b| {
            b.when
                .leaves()
                .into_iter()
                .filter(|l| !holds(*l))
                .filter_map(|(id, negated)| describe(g, id, negated, answer_of))
                .collect()
        })
        .unwrap_or_default();
    let over_limit = g.decision.referenced_ids().into_iter().any(|id| {
        answer_of(id) == Answer::NotMet
            && g.criterion(id).is_some_and(|c| c.rule.is_request_limit())
    });
    let decision = if over_limit && mode == ReviewMode::UtilizationReview && g.alternative.is_some()
    {
        Decision::PartiallyCertified
    } else {
        Decision::NotMedicallyNecessary
    };
    // The supported alternative is named only when the request exceeds a
    // limit: IMR cannot modify, so "as requested" is declined and the
    // rationale says what would be supported.
    let alternative = if over_limit {
        g.alternative.clone()
    } else {
        None
    };
    let strength = if over_limit || every_branch_answered {
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

/// A node's three-valued answer, and whether a "met" rests on an
/// exclusion the records are silent on (a [`Node::NotShown`] assumption).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Eval {
    pub answer: Answer,
    pub assumed: bool,
}

/// Kleene's three-valued evaluation of a decision node.
pub fn evaluate(node: &Node, answer_of: &dyn Fn(&str) -> Answer) -> Eval {
    let plain = |answer| Eval {
        answer,
        assumed: false,
    };
    match node {
        Node::Is(id) => plain(answer_of(id)),
        Node::NotShown(id) => match answer_of(id) {
            Answer::Met => plain(Answer::NotMet),
            Answer::NotMet => plain(Answer::Met),
            Answer::NotDocumented => Eval {
                answer: Answer::Met,
                assumed: true,
            },
        },
        Node::Not(inner) => {
            let e = evaluate(inner, answer_of);
            let answer = match e.answer {
                Answer::Met => Answer::NotMet,
                Answer::NotMet => Answer::Met,
                Answer::NotDocumented => Answer::NotDocumented,
            };
            Eval {
                answer,
                assumed: e.assumed,
            }
        }
        Node::All(xs) => {
            let es: Vec<Eval> = xs.iter().map(|x| evaluate(x, answer_of)).collect();
            if es.iter().any(|e| e.answer == Answer::NotMet) {
                plain(Answer::NotMet)
            } else if es.iter().all(|e| e.answer == Answer::Met) {
                Eval {
                    answer: Answer::Met,
                    assumed: es.iter().any(|e| e.assumed),
                }
            } else {
                plain(Answer::NotDocumented)
            }
        }
        Node::Any(xs) => {
            let es: Vec<Eval> = xs.iter().map(|x| evaluate(x, answer_of)).collect();
            if let Some(e) = es
                .iter()
                .filter(|e| e.answer == Answer::Met)
                .min_by_key(|e| e.assumed)
            {
                *e
            } else if es.iter().all(|e| e.answer == Answer::NotMet) {
                plain(Answer::NotMet)
            } else {
                plain(Answer::NotDocumented)
            }
        }
        Node::AtLeast(n, xs) => {
            let es: Vec<Eval> = xs.iter().map(|x| evaluate(x, answer_of)).collect();
            let met = es.iter().filter(|e| e.answer == Answer::Met).count() as u32;
            let open = es
                .iter()
                .filter(|e| e.answer == Answer::NotDocumented)
                .count() as u32;
            if met >= *n {
                let firm = es
                    .iter()
                    .filter(|e| e.answer == Answer::Met && !e.assumed)
                    .count() as u32;
                Eval {
                    answer: Answer::Met,
                    assumed: firm < *n,
                }
            } else if met + open < *n {
                plain(Answer::NotMet)
            } else {
                plain(Answer::NotDocumented)
            }
        }
    }
}

/// The all-criteria rule, for an assessment whose guideline is not in the
/// library at hand: supported when every criterion is met; otherwise the
/// criteria not met or not documented are the reasons. `criteria` pairs
/// each question with its current answer.
pub fn decide_all_criteria(
    title: &str,
    criteria: &[(&str, Answer)],
    alternative: Option<String>,
) -> Suggestion {
    let reasons: Vec<String> = criteria
        .iter()
        .filter(|(_, a)| *a != Answer::Met)
        .map(|(q, a)| format!("{q} — {a}."))
        .collect();
    if reasons.is_empty() {
        return Suggestion {
            decision: Decision::MedicallyNecessary,
            reasons: vec![format!(
                "Every criterion of {title} is met on the current answers."
            )],
            alternative: None,
            strength: Strength::Clear,
        };
    }
    Suggestion {
        decision: Decision::NotMedicallyNecessary,
        reasons,
        alternative,
        strength: if criteria.iter().any(|(_, a)| *a == Answer::NotMet) {
            Strength::Clear
        } else {
            Strength::Borderline
        },
    }
}

/// One sentence explaining how a criterion stands (`negated`: the branch
/// asks that it is not shown).
fn describe(
    g: &Guideline,
    id: &str,
    negated: bool,
    answer_of: &dyn Fn(&str) -> Answer,
) -> Option<String> {
    let c = g.criterion(id)?;
    let answer = answer_of(id);
    let finding = c.question.trim_end_matches('?');
    Some(match (negated, answer) {
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
