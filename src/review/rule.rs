//! The live decision rule and the rationale drafter over the reviewer's
//! current answers.
//!
//! The engine computes its suggestion once, from its own answers. When the
//! reviewer overrides an answer the suggestion must follow at once, without
//! re-running extraction; this module recomputes it from the answers as they
//! stand. While the answers equal the engine's, the engine's suggestion (and
//! its reasons) is returned unchanged, so the two never disagree about the
//! same inputs.

use once_cell::sync::Lazy;

use crate::assessment::{Answer, Decision, Strength, Suggestion};
use crate::case::ItemId;
use crate::guideline::Library;

use super::{Mode, ReviewState};

/// The built-in guideline library, loaded once: the engine's decision rules
/// need the guideline itself, not only the stored assessment.
static LIBRARY: Lazy<Result<Library, String>> =
    Lazy::new(|| Library::builtin().map_err(|e| e.to_string()));

/// The built-in library, or why it could not be loaded.
pub fn library() -> Result<&'static Library, &'static str> {
    LIBRARY.as_ref().map_err(|e| e.as_str())
}

/// The library to recompute with: the one the review was given; else, for
/// a review that records no library or records the built-in one, the
/// built-in library. A review stamped with another library that was not
/// given it keeps the engine's stored suggestions (the all-criteria rule
/// only after an override).
fn rules_for(state: &ReviewState) -> Option<&Library> {
    if let Some(lib) = state.rules() {
        return Some(lib);
    }
    let builtin = library().ok()?;
    match &state.library {
        None => Some(builtin),
        Some(stamp) if stamp.content_hash == builtin.content_hash() => Some(builtin),
        Some(_) => None,
    }
}

/// Depth limit for following `depends_on` chains; a cycle in a damaged file
/// must not recurse for ever.
const MAX_DEPENDENCY_DEPTH: usize = 8;

/// The suggestion for `id` from the current answers; see the module docs.
pub(crate) fn suggest(state: &ReviewState, id: ItemId, depth: usize) -> Option<Suggestion> {
    let assessment = state.assessment(id)?;
    let review = state.item_review(id)?;
    let unchanged = state.mode == Mode::Review
        && review.criteria.iter().all(|c| {
            state
                .engine_answer(id, &c.id)
                .is_some_and(|a| a == c.answer)
        });
    let parent = state
        .case
        .item(id)
        .and_then(|i| i.depends_on)
        .or(assessment.request.depends_on)
        .filter(|p| *p != id && depth < MAX_DEPENDENCY_DEPTH);
    let parent_decision = parent.and_then(|p| {
        state
            .item_review(p)
            .and_then(|r| r.decision)
            .or_else(|| suggest(state, p, depth + 1).map(|s| s.decision))
    });
    let engine_rule = assessment
        .guideline
        .as_ref()
        .and_then(|g| rules_for(state).filter(|lib| lib.get(&g.id).is_some()));
    let mut suggestion = if unchanged && parent.is_none() {
        assessment.suggestion.clone()
    } else if let Some(lib) = engine_rule {
        let answers: Vec<Answer> = review.criteria.iter().map(|c| c.answer).collect();
        crate::engine::suggest(lib, assessment, &answers, parent_decision)
    } else {
        from_answers(state, id)?
    };
    if let Some(parent) = parent
        && parent_decision == Some(Decision::NotMedicallyNecessary)
    {
        let parent_text = state
            .case
            .item(parent)
            .map(|i| i.disputed_text().to_string())
            .unwrap_or_default();
        suggestion = Suggestion {
            decision: Decision::NotMedicallyNecessary,
            reasons: vec![format!(
                "This service belongs to item {parent} ({parent_text}), which is not medically necessary."
            )],
            alternative: None,
            strength: Strength::Clear,
        };
    }
    Some(suggestion)
}

/// The all-criteria rule, for assessments whose guideline is not in the
/// built-in library (loaded from elsewhere): a request is supported when
/// every criterion is met; otherwise the criteria not met or not documented
/// are the reasons.
fn from_answers(state: &ReviewState, id: ItemId) -> Option<Suggestion> {
    let assessment = state.assessment(id)?;
    let review = state.item_review(id)?;
    let Some(guideline) = &assessment.guideline else {
        return Some(Suggestion {
            decision: Decision::NotMedicallyNecessary,
            reasons: vec!["No guideline in the library addresses this request.".into()],
            alternative: None,
            strength: Strength::Borderline,
        });
    };
    let answers: Vec<(&str, Answer)> = review
        .criteria
        .iter()
        .zip(&assessment.criteria)
        .map(|(c, result)| (result.question.as_str(), c.answer))
        .collect();
    Some(crate::engine::decide_all_criteria(
        &guideline.title,
        &answers,
        assessment.suggestion.alternative.clone(),
    ))
}

/// A rationale draft for `id` from the current answers, their override
/// reasons and the decision (the reviewer's, else the live suggestion),
/// drafted by the engine's drafter so it reads as complete as the first
/// draft. While nothing differs from the engine, that is the engine's own
/// draft.
pub(crate) fn draft_rationale(state: &ReviewState, id: ItemId) -> String {
    let Some(assessment) = state.assessment(id) else {
        return String::new();
    };
    let Some(review) = state.item_review(id) else {
        return String::new();
    };
    let Some(suggestion) = suggest(state, id, 0) else {
        return String::new();
    };
    let decision = review.decision.unwrap_or(suggestion.decision);
    let guideline = assessment
        .guideline
        .as_ref()
        .and_then(|g| library().ok().and_then(|lib| lib.get(&g.id)));
    let answers: Vec<crate::engine::ReviewedAnswer> = assessment
        .criteria
        .iter()
        .map(|engine| {
            let reviewed = review.criteria.iter().find(|c| c.id == engine.id);
            crate::engine::ReviewedAnswer {
                answer: reviewed.map_or(engine.answer, |c| c.answer),
                override_reason: reviewed.and_then(|c| c.override_reason.as_deref()),
            }
        })
        .collect();
    crate::engine::draft_from_answers(
        guideline,
        assessment,
        &state.case,
        &answers,
        &suggestion,
        decision,
    )
}
