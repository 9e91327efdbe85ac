//! The letter's input model: everything a determination letter and its
//! structured exports print, gathered in one place.
//!
//! Renderers read only this model, never the engine or the review state, so
//! every format says exactly the same thing and the exporters can be tested
//! with hand-built content. It is also the documented schema of the JSON and
//! RON exports: each field's doc comment below is its schema entry.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::assessment::{Analysis, Answer, Decision, Evidence};
use crate::case::{
    Case, CaseMeta, DocId, DocumentKind, ItemId, PartialCertification, ReviewerCredentials,
};
use crate::fact::FuzzyDate;
use crate::request::Request;
use crate::review::{Mode, ReviewState, Signature, Status};

/// Version of the structured export schema (JSON/RON of [`LetterContent`]).
/// Bumped when a field changes meaning, so other systems can refuse what they
/// do not understand.
pub const SCHEMA_VERSION: u32 = 1;

/// A determination letter and the review behind it, ready to render.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LetterContent {
    /// [`SCHEMA_VERSION`] at the time of export.
    pub schema_version: u32,
    /// Header: case number, dates, priority.
    pub meta: CaseMeta,
    /// Licensure and specialty. The reviewer's name is deliberately absent
    /// from the letter body; only [`Signature`] carries it.
    pub credentials: ReviewerCredentials,
    /// Every record the reviewer read, each with its kind and date.
    pub documents: Vec<DocumentEntry>,
    /// The clinical case summary; blank lines separate paragraphs.
    pub summary: String,
    /// The disputed items, in the order the letter lists them.
    pub items: Vec<LetterItem>,
    /// True until the review is finalized: drafts are watermarked "DRAFT".
    pub draft: bool,
    /// Present once the reviewer signed (finalized reviews only).
    #[serde(default)]
    pub signature: Option<Signature>,
    /// The review's audit log, oldest first (empty for engine-only drafts).
    #[serde(default)]
    pub audit: Vec<AuditLine>,
    /// Why the signature could not be verified (a legacy keyless hash, or a
    /// key not in the trusted list); printed as "Signature not verified".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unverified: Option<String>,
    /// The whole case the letter was written from (records included), so the
    /// structured export stands on its own. The letter formats ignore it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<Case>,
    /// The engine's analysis as computed (facts, evidence, suggestions).
    /// The letter formats ignore it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub analysis: Option<Analysis>,
}

/// One record in the "documents reviewed" list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentEntry {
    pub id: DocId,
    pub kind: DocumentKind,
    pub title: String,
    /// The document's own date; `None` prints as "undated" rather than hiding it.
    pub date: Option<NaiveDate>,
}

/// One disputed item: what was asked, what was decided, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LetterItem {
    pub id: ItemId,
    /// The text IMR decides (the disputed remainder of a partial certification).
    pub text: String,
    /// Present when utilization review certified part of the original request.
    #[serde(default)]
    pub partial: Option<PartialCertification>,
    /// The parsed request (region, side, quantity…), when the engine ran;
    /// the consistency checks compare the rationale against it.
    #[serde(default)]
    pub request: Option<Request>,
    /// The decision the letter prints.
    pub decision: Decision,
    /// The engine's suggestion, kept so a reader sees where the reviewer differed.
    #[serde(default)]
    pub suggested: Option<Decision>,
    /// The guideline applied.
    #[serde(default)]
    pub guideline: Option<GuidelineRef>,
    /// The rationale as printed; blank lines separate paragraphs.
    pub rationale: String,
    /// The checklist behind the decision (the FHIR export's answers).
    #[serde(default)]
    pub checklist: Vec<ChecklistAnswer>,
    /// What changed in the review since the rationale was drafted (answers,
    /// the decision); the consistency checks warn when it is not empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rationale_changes: Vec<String>,
}

/// The guideline an item was decided on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuidelineRef {
    /// The library id ("mtus-low-back-imaging").
    pub id: String,
    pub title: String,
    /// The citation exactly as the letter prints it.
    pub citation: String,
}

/// Who filled a checklist answer. Interoperable exports keep the origin so a
/// receiving system can tell machine suggestions from physician judgement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AnswerOrigin {
    /// The engine's suggestion, accepted as is.
    Engine,
    /// The reviewer changed the engine's answer.
    Override,
    /// The reviewer answered without seeing a suggestion (training mode,
    /// where the engine's answers stay hidden).
    Manual,
}

/// One criterion of the checklist, answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChecklistAnswer {
    /// The criterion id within its guideline.
    pub id: String,
    pub question: String,
    /// What the engine suggested.
    pub suggested: Answer,
    /// The answer as it stands.
    pub answer: Answer,
    pub origin: AnswerOrigin,
    /// The reviewer's reason, for overrides.
    #[serde(default)]
    pub override_reason: Option<String>,
    /// The quotes behind the engine's answer.
    #[serde(default)]
    pub evidence: Vec<EvidenceQuote>,
}

/// A quoted sentence from a record, with where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceQuote {
    pub doc: DocId,
    pub quote: String,
    pub date: Option<NaiveDate>,
}

/// One line of the review's audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditLine {
    pub at: DateTime<Utc>,
    pub action: String,
}

impl LetterContent {
    /// A draft letter carrying the engine's suggestions: what the reviewer
    /// starts from, and what an unfinalized case exports as.
    pub fn from_analysis(case: &Case, analysis: &Analysis) -> LetterContent {
        let items = case
            .items
            .iter()
            .map(|item| {
                let assessment = analysis.items.iter().find(|a| a.item == item.id);
                match assessment {
                    Some(a) => LetterItem {
                        id: item.id,
                        text: item.disputed_text().to_string(),
                        partial: item.partial.clone(),
                        request: Some(a.request.clone()),
                        decision: a.suggestion.decision,
                        suggested: Some(a.suggestion.decision),
                        guideline: a.guideline.as_ref().map(|g| GuidelineRef {
                            id: g.id.clone(),
                            title: g.title.clone(),
                            citation: g.citation.clone(),
                        }),
                        rationale: a.rationale_draft.clone(),
                        checklist: a
                            .criteria
                            .iter()
                            .map(|c| ChecklistAnswer {
                                id: c.id.clone(),
                                question: c.question.clone(),
                                suggested: c.answer,
                                answer: c.answer,
                                origin: AnswerOrigin::Engine,
                                override_reason: None,
                                evidence: c.evidence.iter().map(quote_of).collect(),
                            })
                            .collect(),
                        rationale_changes: Vec::new(),
                    },
                    // An item the engine did not assess still appears: the
                    // letter must list every disputed item, and the
                    // consistency check names the missing citation.
                    None => LetterItem {
                        id: item.id,
                        text: item.disputed_text().to_string(),
                        partial: item.partial.clone(),
                        request: None,
                        decision: Decision::NotMedicallyNecessary,
                        suggested: None,
                        guideline: None,
                        rationale: String::new(),
                        checklist: Vec::new(),
                        rationale_changes: Vec::new(),
                    },
                }
            })
            .collect();
        LetterContent {
            schema_version: SCHEMA_VERSION,
            meta: case.meta.clone(),
            credentials: case.reviewer.clone(),
            documents: documents_of(case),
            summary: draft_summary(case, analysis),
            items,
            draft: true,
            signature: None,
            audit: Vec::new(),
            unverified: None,
            case: Some(case.clone()),
            analysis: Some(analysis.clone()),
        }
    }

    /// The letter as the reviewer's work stands. A review that is not
    /// finalized exports as a draft: undecided items carry the decision the
    /// current answers support, so the draft still reads as a whole letter.
    pub fn from_review(state: &ReviewState) -> LetterContent {
        let mut content = LetterContent::from_analysis(&state.case, &state.analysis);
        for letter_item in &mut content.items {
            let Some(review) = state.item_review(letter_item.id) else {
                continue;
            };
            let assessment = state.assessment(letter_item.id);
            let suggested = state
                .current_suggestion(letter_item.id)
                .map(|s| s.decision)
                .or(letter_item.suggested);
            letter_item.suggested = suggested;
            if let Some(d) = review.decision.or(suggested) {
                letter_item.decision = d;
            }
            letter_item.rationale = review.rationale.clone();
            letter_item.rationale_changes = state.rationale_stale(letter_item.id);
            letter_item.checklist = review
                .criteria
                .iter()
                .map(|c| {
                    let engine = assessment.and_then(|a| a.criteria.iter().find(|e| e.id == c.id));
                    let overridden = state.is_override(letter_item.id, c);
                    ChecklistAnswer {
                        id: c.id.clone(),
                        question: engine.map(|e| e.question.clone()).unwrap_or_default(),
                        suggested: engine.map_or(c.answer, |e| e.answer),
                        answer: c.answer,
                        origin: if state.mode == Mode::Training {
                            AnswerOrigin::Manual
                        } else if overridden {
                            AnswerOrigin::Override
                        } else {
                            AnswerOrigin::Engine
                        },
                        override_reason: c.override_reason.clone(),
                        evidence: engine
                            .map(|e| e.evidence.iter().map(quote_of).collect())
                            .unwrap_or_default(),
                    }
                })
                .collect();
        }
        let finalized = state.status == Status::Finalized;
        if !state.summary.trim().is_empty() {
            content.summary = normalise_paragraphs(&state.summary);
        }
        // The letter is the signer's: a published case's expert (its
        // licensure, specialties and decision date) stays in the case as
        // the training reference and never heads a new letter.
        content.credentials = ReviewerCredentials::default();
        content.meta.decision_date = None;
        if let (true, Some(sig)) = (finalized, &state.signature) {
            content.credentials = credentials_of(&sig.credentials);
            content.meta.decision_date = Some(sig.signed_at.date_naive());
        }
        content.draft = !finalized;
        content.signature = if finalized {
            state.signature.clone()
        } else {
            None
        };
        content.audit = state
            .audit
            .iter()
            .map(|a| AuditLine {
                at: a.at,
                action: a.action.clone(),
            })
            .collect();
        content
    }

    /// The case number as printed, or a placeholder that says it is missing.
    pub fn case_label(&self) -> &str {
        self.meta
            .case_number
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or("(no case number)")
    }
}

/// The signer's credentials line ("MD, Board Certified in Orthopedic
/// Surgery; licensed in California") as the letter's credential fields:
/// a part naming a license goes to licensure, the rest is the specialty.
pub fn credentials_of(text: &str) -> ReviewerCredentials {
    let mut out = ReviewerCredentials::default();
    for part in text
        .split([';', '\n'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let lower = part.to_lowercase();
        if let Some(rest) = lower
            .strip_prefix("licensed in ")
            .or_else(|| lower.strip_prefix("licensure: "))
            .or_else(|| lower.strip_prefix("license: "))
        {
            let start = part.len() - rest.len();
            out.licensure.extend(
                part[start..]
                    .split([',', '/'])
                    .map(|s| s.trim().trim_start_matches("and ").to_string())
                    .filter(|s| !s.is_empty()),
            );
        } else {
            out.specialties.push(part.to_string());
        }
    }
    out
}

/// The "documents reviewed" list of a case, oldest first, undated last.
pub fn documents_of(case: &Case) -> Vec<DocumentEntry> {
    let mut docs: Vec<DocumentEntry> = case
        .documents
        .iter()
        .map(|d| DocumentEntry {
            id: d.id,
            kind: d.kind,
            title: d.title.clone(),
            date: d.date,
        })
        .collect();
    docs.sort_by_key(|d| (d.date.is_none(), d.date, d.id));
    docs
}

fn quote_of(e: &Evidence) -> EvidenceQuote {
    EvidenceQuote {
        doc: e.doc,
        quote: e.quote.clone(),
        date: e.date.map(|d: FuzzyDate| d.date),
    }
}

/// A first clinical summary from the case and the extracted facts, for the
/// reviewer to edit (see [`crate::engine::summary`]).
pub fn draft_summary(case: &Case, analysis: &Analysis) -> String {
    crate::engine::summary::draft_summary(case, analysis)
}

/// Joins hard-wrapped lines into paragraphs (blank lines stay paragraph breaks).
pub fn normalise_paragraphs(text: &str) -> String {
    crate::engine::summary::normalise_paragraphs(text)
}

/// Splits text into its paragraphs (blank-line separated), whitespace-normalised.
pub fn paragraphs(text: &str) -> Vec<String> {
    normalise_paragraphs(text)
        .split("\n\n")
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}
