//! Scoring a training exercise: the trainee's answers and decisions set
//! beside the engine's and the published expert's, per item and across a
//! session (agreement and Cohen's kappa).

use serde::{Deserialize, Serialize};

use crate::assessment::{Answer, Decision};
use crate::case::ItemId;

use super::ReviewState;

/// One criterion, three ways (the expert's letters do not publish criterion
/// answers, so only trainee and engine appear).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CriterionComparison {
    pub id: String,
    pub question: String,
    pub trainee: Answer,
    pub engine: Answer,
}

/// One item, side by side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemComparison {
    pub item: ItemId,
    pub text: String,
    pub trainee: Option<Decision>,
    pub engine: Decision,
    /// The expert's finding as a decision (Overturned → medically necessary).
    pub expert: Option<Decision>,
    pub criteria: Vec<CriterionComparison>,
}

impl ItemComparison {
    /// Whether the trainee reached the expert's decision; `None` when either is missing.
    pub fn trainee_agrees_with_expert(&self) -> Option<bool> {
        Some(self.trainee? == self.expert?)
    }

    /// Share of criteria on which trainee and engine agree (1.0 when there are none).
    pub fn criteria_agreement(&self) -> f64 {
        if self.criteria.is_empty() {
            return 1.0;
        }
        let same = self
            .criteria
            .iter()
            .filter(|c| c.trainee == c.engine)
            .count();
        same as f64 / self.criteria.len() as f64
    }
}

/// The reveal of one case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseScore {
    /// Case number or title, for the session summary.
    pub label: String,
    pub items: Vec<ItemComparison>,
}

impl CaseScore {
    /// Items where the trainee matched the expert, out of those the expert decided.
    pub fn points(&self) -> (usize, usize) {
        let judged: Vec<bool> = self
            .items
            .iter()
            .filter_map(|i| i.trainee_agrees_with_expert())
            .collect();
        (judged.iter().filter(|a| **a).count(), judged.len())
    }
}

fn as_decision(outcome: crate::case::ExpertOutcome) -> Decision {
    if outcome.is_medically_necessary() {
        Decision::MedicallyNecessary
    } else {
        Decision::NotMedicallyNecessary
    }
}

/// Builds the side-by-side for a review (normally a training one).
pub fn score(state: &ReviewState) -> CaseScore {
    let items = state
        .items
        .iter()
        .filter_map(|review| {
            let assessment = state.assessment(review.item)?;
            let expert = state
                .case
                .reference
                .as_ref()
                .and_then(|r| r.for_item(review.item))
                .map(|r| as_decision(r.outcome));
            let criteria = review
                .criteria
                .iter()
                .zip(&assessment.criteria)
                .map(|(c, r)| CriterionComparison {
                    id: c.id.clone(),
                    question: r.question.clone(),
                    trainee: c.answer,
                    engine: r.answer,
                })
                .collect();
            Some(ItemComparison {
                item: review.item,
                text: state
                    .case
                    .item(review.item)
                    .map(|i| i.disputed_text().to_string())
                    .unwrap_or_default(),
                trainee: review.decision,
                engine: assessment.suggestion.decision,
                expert,
                criteria,
            })
        })
        .collect();
    CaseScore {
        label: state
            .case
            .meta
            .case_number
            .clone()
            .unwrap_or_else(|| "Case".into()),
        items,
    }
}

/// Agreement with the expert across a training session.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SessionSummary {
    /// Items where both trainee and expert decided.
    pub judged: usize,
    pub agreed: usize,
    /// `agreed / judged`; 0 when nothing was judged.
    pub agreement: f64,
    /// Cohen's kappa for the two raters (trainee, expert) over the binary
    /// decision; `None` when chance agreement is total (kappa undefined).
    pub kappa: Option<f64>,
}

/// Summarises a session of scored cases.
pub fn summarise(cases: &[CaseScore]) -> SessionSummary {
    let pairs: Vec<(bool, bool)> = cases
        .iter()
        .flat_map(|c| &c.items)
        .filter_map(|i| {
            Some((
                i.trainee? == Decision::MedicallyNecessary,
                i.expert? == Decision::MedicallyNecessary,
            ))
        })
        .collect();
    let judged = pairs.len();
    let agreed = pairs.iter().filter(|(a, b)| a == b).count();
    SessionSummary {
        judged,
        agreed,
        agreement: if judged == 0 {
            0.0
        } else {
            agreed as f64 / judged as f64
        },
        kappa: cohen_kappa(&pairs),
    }
}

/// Cohen's kappa for two raters on a yes/no judgement:
/// (observed − expected) / (1 − expected).
pub fn cohen_kappa(pairs: &[(bool, bool)]) -> Option<f64> {
    if pairs.is_empty() {
        return None;
    }
    let n = pairs.len() as f64;
    let observed = pairs.iter().filter(|(a, b)| a == b).count() as f64 / n;
    let a_yes = pairs.iter().filter(|(a, _)| *a).count() as f64 / n;
    let b_yes = pairs.iter().filter(|(_, b)| *b).count() as f64 / n;
    let expected = a_yes * b_yes + (1.0 - a_yes) * (1.0 - b_yes);
    if (1.0 - expected).abs() < 1e-12 {
        return None;
    }
    Some((observed - expected) / (1.0 - expected))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kappa_matches_hand_computation() {
        // 10 pairs: 4 yes/yes, 4 no/no, 1 yes/no, 1 no/yes.
        let mut pairs = vec![(true, true); 4];
        pairs.extend(vec![(false, false); 4]);
        pairs.push((true, false));
        pairs.push((false, true));
        // observed 0.8, expected 0.5 → kappa 0.6
        let k = cohen_kappa(&pairs).unwrap_or(f64::NAN);
        assert!((k - 0.6).abs() < 1e-9, "kappa {k}");
    }

    #[test]
    fn kappa_undefined_when_all_one_class() {
        assert_eq!(cohen_kappa(&[(true, true), (true, true)]), None);
        assert_eq!(cohen_kappa(&[]), None);
    }
}
