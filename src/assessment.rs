//! What the engine says about a case: for each disputed item, the guideline it
//! chose, each criterion's suggested answer with evidence, the suggested
//! decision and a drafted rationale.
//!
//! These are plain data so the review layer can store them as computed (the
//! review file keeps what the engine suggested at the time) and the GUI,
//! exports and `eval` can read them without calling back into the engine.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::case::{DocId, ItemId};
use crate::fact::{Fact, FuzzyDate, Span};
use crate::request::Request;
use crate::timeline::Timeline;

/// The engine's whole output for a case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    /// Every fact found, in document order.
    pub facts: Vec<Fact>,
    pub timeline: Timeline,
    /// One assessment per disputed item, in item order.
    pub items: Vec<ItemAssessment>,
    /// Things the reviewer should know about the analysis itself
    /// (an undated document, an item that could not be parsed).
    #[serde(default)]
    pub warnings: Vec<String>,
}

/// The engine's view of one disputed item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemAssessment {
    pub item: ItemId,
    pub request: Request,
    /// The guideline applied, or `None` when no guideline in the library fits.
    pub guideline: Option<GuidelineChoice>,
    pub criteria: Vec<CriterionResult>,
    pub suggestion: Suggestion,
    /// The drafted rationale: request → guideline → facts → conclusion.
    pub rationale_draft: String,
}

/// Which guideline was chosen and why (the MTUS order made visible).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuidelineChoice {
    /// The library id of the guideline ("mtus-low-back-imaging").
    pub id: String,
    pub title: String,
    /// The citation exactly as the letter prints it after "Decision based on".
    pub citation: String,
    /// One sentence: why this guideline (rank in the MTUS order, what it covers).
    pub why: String,
}

/// A criterion's answer. Without evidence the answer is `NotDocumented`: the
/// engine never claims what the records do not show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Answer {
    Met,
    NotMet,
    NotDocumented,
}

impl Answer {
    pub const ALL: [Answer; 3] = [Answer::Met, Answer::NotMet, Answer::NotDocumented];

    pub fn label(self) -> &'static str {
        match self {
            Answer::Met => "met",
            Answer::NotMet => "not met",
            Answer::NotDocumented => "not documented",
        }
    }
}

impl fmt::Display for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// One criterion of the chosen guideline, answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CriterionResult {
    /// The criterion id within its guideline.
    pub id: String,
    /// The question as the checklist shows it (our words).
    pub question: String,
    pub answer: Answer,
    /// The quotes behind a met / not-met answer.
    pub evidence: Vec<Evidence>,
    /// A short explanation of how the answer was reached ("2 visits requested;
    /// the guideline supports up to 10").
    pub note: String,
}

/// A quote from the records that supports an answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub doc: DocId,
    /// The sentence quoted.
    pub span: Span,
    pub quote: String,
    /// The date of the fact or of the document.
    pub date: Option<FuzzyDate>,
}

/// The decision on an item as requested. IMR decides only the first two;
/// utilization review may also certify part of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Decision {
    /// The treatment is medically necessary: the UR denial is overturned.
    MedicallyNecessary,
    /// The treatment is not medically necessary: the UR denial is upheld.
    NotMedicallyNecessary,
    /// Utilization review only: part of the request is certified.
    PartiallyCertified,
}

impl Decision {
    pub fn label(self) -> &'static str {
        match self {
            Decision::MedicallyNecessary => "medically necessary",
            Decision::NotMedicallyNecessary => "not medically necessary",
            Decision::PartiallyCertified => "partially certified",
        }
    }

    /// The word a published IMR letter prints for this decision.
    pub fn imr_outcome(self) -> &'static str {
        match self {
            Decision::MedicallyNecessary => "Overturned",
            Decision::NotMedicallyNecessary | Decision::PartiallyCertified => "Upheld",
        }
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The engine's suggested decision, with the criteria that carried it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Suggestion {
    pub decision: Decision,
    /// Sentences naming the deciding criteria ("No red flags are documented").
    pub reasons: Vec<String>,
    /// What the guideline would support instead, when there is such a thing
    /// ("an initial trial of 6 visits would be supported").
    pub alternative: Option<String>,
    /// How firmly the suggestion stands; see [`Strength`].
    #[serde(default)]
    pub strength: Strength,
}

/// How a suggestion was reached. A reviewer spends time on the borderline
/// ones: they rest on what the records do not document, and a record the
/// engine did not read could turn them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Strength {
    /// A limit is exceeded, a required finding is absent or contradicted,
    /// the guideline does not recommend the treatment, or every criterion
    /// that carries it is met on evidence.
    Clear,
    /// It rests on criteria the records do not document.
    #[default]
    Borderline,
}

impl Strength {
    pub fn label(self) -> &'static str {
        match self {
            Strength::Clear => "clear",
            Strength::Borderline => "borderline",
        }
    }
}

impl fmt::Display for Strength {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}
