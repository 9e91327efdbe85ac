//! The reviewer's work on a case, kept apart from any window.
//!
//! [`ReviewState`] holds the case, the engine's analysis *as computed*, and
//! everything the reviewer adds: answers and overrides with reasons, notes,
//! decisions, rationales, status, signature and an audit log. It changes only
//! through [`Command`]s applied by [`ReviewState::apply`], the single place
//! where edits are checked, recorded for undo and written to the audit log.
//! The GUI, the exporters and the tests all go through it, so a rule such as
//! "a finalized review is read-only" holds everywhere at once.

pub mod env;
pub mod file;
pub mod rule;
pub mod signature;
pub mod training;

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::assessment::{Analysis, Answer, Decision, ItemAssessment, Suggestion};
use crate::case::{Case, ItemId};

pub use env::{Clock, FileSystem, FixedClock, MemoryFs, RealFs, SystemClock};
pub use signature::{KeyStore, Seal, SignatureError, Signer, Verification};

/// The review file's format version. Version 2 added Ed25519 seals: a
/// finalized review of version 2 or later without one was tampered with,
/// while version 1 files carry the older keyless hash (legacy, read-only).
pub const SEALED_FORMAT_VERSION: u32 = 2;
/// The newest review format this build writes and reads.
pub const REVIEW_FORMAT_VERSION: u32 = SEALED_FORMAT_VERSION;

/// How many undo steps are kept; older ones are dropped so a long session
/// cannot grow memory without bound.
pub const UNDO_CAP: usize = 200;

/// Why the review exists: a real determination, or a training exercise in
/// which the engine's answers start hidden and overrides need no reason.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Mode {
    #[default]
    Review,
    Training,
}

/// Where the review stands. A finalized review is read-only until amended.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    #[default]
    Draft,
    Finalized,
    /// Reopened after finalization; editable, and finalized again when done.
    Amended,
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Status::Draft => "Draft",
            Status::Finalized => "Finalized",
            Status::Amended => "Amended (reopened)",
        })
    }
}

/// The reviewer's answer to one criterion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriterionReview {
    /// The criterion id, as in [`crate::assessment::CriterionResult::id`].
    pub id: String,
    /// The answer as it stands (starts as the engine's suggestion in review
    /// mode, as "not documented" in training mode).
    pub answer: Answer,
    /// The reviewer's one-line reason when the answer differs from the engine's.
    #[serde(default)]
    pub override_reason: Option<String>,
}

/// The reviewer's work on one disputed item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemReview {
    pub item: ItemId,
    /// One entry per criterion of the engine's assessment, in the same order.
    pub criteria: Vec<CriterionReview>,
    /// The reviewer's decision; `None` until decided.
    pub decision: Option<Decision>,
    /// The suggested decision at the moment the reviewer decided, when the
    /// two differ: the difference a later audit asks about.
    #[serde(default)]
    pub differs_from_suggestion: Option<Decision>,
    /// The rationale the letter will print.
    pub rationale: String,
    /// Whether the reviewer typed in the rationale; a regenerated draft never
    /// replaces edited text without being asked to.
    pub rationale_edited: bool,
    /// Private notes; never printed in the letter.
    #[serde(default)]
    pub note: String,
    /// The answers and decision the rationale was last drafted from; when
    /// they no longer match, the rationale may say something the review no
    /// longer does (see [`ReviewState::rationale_stale`]). `None` for files
    /// saved before this was kept, and in training.
    #[serde(default)]
    pub drafted_from: Option<DraftBasis>,
}

/// What a drafted rationale was written from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftBasis {
    /// One answer per criterion, in the item's criterion order.
    pub answers: Vec<Answer>,
    /// The decision the draft concludes with.
    pub decision: Option<Decision>,
}

/// Who signed, when, and the hash of what they signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signature {
    pub reviewer_name: String,
    /// Credentials as printed under the signature ("MD, Board Certified in …").
    pub credentials: String,
    pub signed_at: DateTime<Utc>,
    /// SHA-256 (hex) over the canonical serialisation of the signed content.
    pub content_hash: String,
}

/// A signature an amendment replaced, kept so the new signature covers it
/// (the chain) and the record shows who signed before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriorSignature {
    pub signature: Signature,
    #[serde(default)]
    pub seal: Option<Seal>,
    pub reopened_at: DateTime<Utc>,
    pub reason: String,
}

/// Which guideline library a review was decided against: its id and a hash
/// of its content, so a later reader knows the criteria did not change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LibraryStamp {
    pub id: String,
    pub content_hash: String,
}

/// One line of the audit log: what happened, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    pub action: String,
}

/// The reviewer's whole work on a case; see the module documentation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewState {
    /// File format version; newer files are refused when opened.
    pub format_version: u32,
    #[serde(default)]
    pub mode: Mode,
    pub case: Case,
    /// The engine's output as it was when the review started.
    pub analysis: Analysis,
    /// One entry per disputed item, in item order.
    pub items: Vec<ItemReview>,
    pub status: Status,
    pub signature: Option<Signature>,
    /// The Ed25519 seal of [`Self::signature`] (absent in legacy reviews).
    #[serde(default)]
    pub seal: Option<Seal>,
    /// Signatures replaced by amendments, oldest first; each new signature covers them.
    #[serde(default)]
    pub prior_signatures: Vec<PriorSignature>,
    /// The guideline library the review was decided against, when known.
    #[serde(default)]
    pub library: Option<LibraryStamp>,
    /// Append-only; undo adds an entry rather than removing one.
    pub audit: Vec<AuditEntry>,
    /// The clinical case summary the letter prints, drafted from the records
    /// and edited by the reviewer; blank lines separate paragraphs. Empty in
    /// files saved before it was kept: the letter then drafts it afresh.
    #[serde(default)]
    pub summary: String,
    #[serde(skip)]
    history: History,
    /// The guideline library the live suggestions are recomputed with
    /// ([`ReviewState::use_library`]); not saved (the stamp above is).
    #[serde(skip)]
    rules: Rules,
}

/// The library a review's live suggestions use, given by whoever opened
/// the review. Two reviews compare equal whatever library they were given.
#[derive(Clone, Default)]
pub struct Rules(Option<std::sync::Arc<crate::guideline::Library>>);

impl Rules {
    pub fn get(&self) -> Option<&crate::guideline::Library> {
        self.0.as_deref()
    }
}

impl PartialEq for Rules {
    fn eq(&self, _: &Rules) -> bool {
        true
    }
}

impl std::fmt::Debug for Rules {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.get() {
            Some(l) => write!(f, "Rules({})", l.name()),
            None => write!(f, "Rules(none)"),
        }
    }
}

impl LibraryStamp {
    /// The stamp of `library`: its name and content hash.
    pub fn of(library: &crate::guideline::Library) -> LibraryStamp {
        LibraryStamp {
            id: library.name().to_string(),
            content_hash: library.content_hash().to_string(),
        }
    }
}

/// An edit to the review. Every change goes through [`ReviewState::apply`].
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Set a criterion's answer. A reason is kept when the answer differs
    /// from the engine's; setting the engine's answer clears the override.
    SetAnswer {
        item: ItemId,
        criterion: String,
        answer: Answer,
        reason: Option<String>,
    },
    /// Give or change the reason of an existing override.
    SetOverrideReason {
        item: ItemId,
        criterion: String,
        reason: String,
    },
    SetNote {
        item: ItemId,
        text: String,
    },
    /// The reviewer's decision (`None` withdraws it).
    Decide {
        item: ItemId,
        decision: Option<Decision>,
    },
    /// Replace the rationale with the reviewer's text.
    EditRationale {
        item: ItemId,
        text: String,
    },
    /// Replace the clinical case summary with the reviewer's text.
    EditSummary {
        text: String,
    },
    /// Replace the rationale with a fresh draft. Refused when the text was
    /// edited unless `overwrite_edits` says the reviewer confirmed.
    RegenerateRationale {
        item: ItemId,
        overwrite_edits: bool,
    },
    /// Check and sign with the unlocked key; refused with the list of what
    /// is missing.
    Finalize {
        reviewer_name: String,
        credentials: String,
        signer: Signer,
    },
    /// Reopen a finalized review; the reason goes into the audit log.
    Amend {
        reason: String,
    },
    Undo,
    Redo,
}

/// Something a review still lacks before it can be finalized.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Missing {
    ItemUndecided(ItemId),
    RationaleEmpty(ItemId),
    /// `question` is what the reviewer sees on the checklist; `criterion` the id.
    OverrideWithoutReason {
        item: ItemId,
        criterion: String,
        question: String,
    },
    ReviewerName,
}

impl fmt::Display for Missing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Missing::ItemUndecided(i) => write!(f, "Item {i}: no decision"),
            Missing::RationaleEmpty(i) => write!(f, "Item {i}: the rationale is empty"),
            Missing::OverrideWithoutReason { item, question, .. } => write!(
                f,
                "Item {item}: the override of \"{question}\" has no reason"
            ),
            Missing::ReviewerName => f.write_str("Reviewer name is not set (Settings)"),
        }
    }
}

/// Why a command was not applied. The review is unchanged when one is returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the review is finalized and read-only; amend it to make changes")]
    ReadOnly,
    #[error("there is no disputed item {0}")]
    UnknownItem(ItemId),
    #[error("item {item} has no criterion \"{criterion}\"")]
    UnknownCriterion { item: ItemId, criterion: String },
    #[error("criterion \"{criterion}\" of item {item} is not overridden")]
    NotOverridden { item: ItemId, criterion: String },
    #[error("the rationale of item {0} was edited; confirm to replace it with a new draft")]
    RationaleEdited(ItemId),
    #[error("the review cannot be finalized yet: {}", list(.0))]
    Incomplete(Vec<Missing>),
    #[error("only a finalized review can be amended")]
    NotFinalized,
    #[error("an amendment needs a reason")]
    AmendReasonRequired,
    #[error("nothing to undo")]
    NothingToUndo,
    #[error("nothing to redo")]
    NothingToRedo,
}

/// " (signed by X on …, key F, signature S…)" for the amendment's log entry.
fn describe_prior(p: &PriorSignature) -> String {
    let key = p
        .seal
        .as_ref()
        .map(|s| {
            let fp = signature::unhex_fingerprint(&s.public_key);
            format!(
                ", key {fp}, signature {}",
                s.signature.get(..16).unwrap_or(&s.signature)
            )
        })
        .unwrap_or_else(|| ", legacy keyless signature".to_string());
    format!(
        " (replaces the signature by {} of {} UTC{key})",
        p.signature.reviewer_name,
        p.signature.signed_at.format("%Y-%m-%d %H:%M")
    )
}

fn list(missing: &[Missing]) -> String {
    missing
        .iter()
        .map(|m| m.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

/// The part of the state undo restores. The audit log and the signature
/// are deliberately outside it: history is never rewritten.
#[derive(Debug, Clone, PartialEq)]
struct Snapshot {
    label: String,
    items: Vec<ItemReview>,
    summary: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
struct History {
    undo: Vec<Snapshot>,
    redo: Vec<Snapshot>,
    /// Consecutive edits of one text (a rationale, or the summary) make one
    /// undo step, the way typing in an editor undoes by the word group
    /// rather than by the key.
    coalesce: Option<Typing>,
}

/// One undo or redo step: the newest snapshot of `from` becomes the items,
/// and the items it replaces go onto `to` under the same label. Undo and redo
/// are the same move with the stacks swapped.
fn step(
    from: &mut Vec<Snapshot>,
    to: &mut Vec<Snapshot>,
    items: &mut Vec<ItemReview>,
    summary: &mut String,
) -> Option<String> {
    let snap = from.pop()?;
    let current = std::mem::replace(items, snap.items);
    let current_summary = std::mem::replace(summary, snap.summary);
    to.push(Snapshot {
        label: snap.label.clone(),
        items: current,
        summary: current_summary,
    });
    Some(snap.label)
}

/// The text being typed into, for coalescing undo steps.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Typing {
    Rationale(ItemId),
    Summary,
    Note(ItemId),
    Reason(ItemId, String),
}

impl ReviewState {
    /// A new draft review whose answers start as the engine's suggestions and
    /// whose rationales start as the engine's drafts.
    pub fn new(case: Case, analysis: Analysis) -> Self {
        let items = case
            .items
            .iter()
            .map(|item| {
                let assessment = analysis.items.iter().find(|a| a.item == item.id);
                ItemReview {
                    item: item.id,
                    criteria: assessment
                        .map(|a| {
                            a.criteria
                                .iter()
                                .map(|c| CriterionReview {
                                    id: c.id.clone(),
                                    answer: c.answer,
                                    override_reason: None,
                                })
                                .collect()
                        })
                        .unwrap_or_default(),
                    decision: None,
                    differs_from_suggestion: None,
                    rationale: assessment
                        .map(|a| a.rationale_draft.clone())
                        .unwrap_or_default(),
                    rationale_edited: false,
                    note: String::new(),
                    drafted_from: assessment.map(|a| DraftBasis {
                        answers: a.criteria.iter().map(|c| c.answer).collect(),
                        decision: Some(a.suggestion.decision),
                    }),
                }
            })
            .collect();
        let summary = crate::engine::summary::draft_summary(&case, &analysis);
        ReviewState {
            format_version: REVIEW_FORMAT_VERSION,
            mode: Mode::Review,
            case,
            analysis,
            items,
            status: Status::Draft,
            signature: None,
            seal: None,
            prior_signatures: Vec::new(),
            library: None,
            audit: Vec::new(),
            summary,
            history: History::default(),
            rules: Rules::default(),
        }
    }

    /// Gives the review the guideline library its live suggestions are
    /// recomputed with. A review still open for work records the library's
    /// stamp (which the signature then covers); a finalized review takes the
    /// library only when it is the one it was signed against, so its letter
    /// never recomputes a suggestion from another library. Returns whether
    /// the library was taken.
    pub fn use_library(&mut self, library: std::sync::Arc<crate::guideline::Library>) -> bool {
        let stamp = LibraryStamp::of(&library);
        if self.is_read_only() {
            if self.library.as_ref() != Some(&stamp) {
                return false;
            }
        } else {
            self.library = Some(stamp);
        }
        self.rules = Rules(Some(library));
        true
    }

    /// The library given by [`ReviewState::use_library`], if any.
    pub fn rules(&self) -> Option<&crate::guideline::Library> {
        self.rules.get()
    }

    /// A training exercise: every answer starts as "not documented" and the
    /// rationales start empty, so nothing the engine found shows through.
    pub fn new_training(case: Case, analysis: Analysis) -> Self {
        let mut state = ReviewState::new(case, analysis);
        state.mode = Mode::Training;
        for item in &mut state.items {
            for c in &mut item.criteria {
                c.answer = Answer::NotDocumented;
            }
            item.rationale.clear();
            item.drafted_from = None;
        }
        state
    }

    /// A key naming the case, stable across runs: the case number and every
    /// document's title, date and text, hashed. Untitled work autosaves
    /// under it, so two cases never share an autosave file.
    pub fn case_key(&self) -> String {
        let mut hasher = Sha256::new();
        hasher.update(
            self.case
                .meta
                .case_number
                .as_deref()
                .unwrap_or("")
                .as_bytes(),
        );
        for d in &self.case.documents {
            hasher.update([0u8]);
            hasher.update(d.title.as_bytes());
            hasher.update(d.date.map(|x| x.to_string()).unwrap_or_default().as_bytes());
            hasher.update(d.text.as_bytes());
        }
        for i in &self.case.items {
            hasher.update([1u8]);
            hasher.update(i.disputed_text().as_bytes());
        }
        let digest = hasher.finalize();
        digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
    }

    /// What changed since the rationale of `id` was drafted: one line per
    /// criterion whose answer changed, and the decision if it did. Empty
    /// when the rationale still matches the review (or nothing is known
    /// about its draft, or it is empty).
    pub fn rationale_stale(&self, id: ItemId) -> Vec<String> {
        let Some(item) = self.item_review(id) else {
            return Vec::new();
        };
        let Some(basis) = &item.drafted_from else {
            return Vec::new();
        };
        if item.rationale.trim().is_empty() {
            return Vec::new();
        }
        let mut changed = Vec::new();
        for (i, c) in item.criteria.iter().enumerate() {
            if basis.answers.get(i).is_some_and(|a| *a != c.answer) {
                let question = self
                    .assessment(id)
                    .and_then(|a| a.criteria.iter().find(|x| x.id == c.id))
                    .map(|x| x.question.trim().to_string())
                    .unwrap_or_else(|| c.id.clone());
                changed.push(format!("\"{question}\" is now {}", c.answer));
            }
        }
        let decision = item
            .decision
            .or_else(|| self.current_suggestion(id).map(|s| s.decision));
        if let (Some(now), Some(then)) = (decision, basis.decision)
            && now != then
        {
            changed.push(format!("the decision is now {now} (drafted as {then})"));
        }
        changed
    }

    /// The items whose rationale is stale, with what changed.
    pub fn stale_rationales(&self) -> Vec<(ItemId, Vec<String>)> {
        self.items
            .iter()
            .map(|i| (i.item, self.rationale_stale(i.item)))
            .filter(|(_, c)| !c.is_empty())
            .collect()
    }

    /// Whether commands other than `Amend` are refused.
    pub fn is_read_only(&self) -> bool {
        self.status == Status::Finalized
    }

    pub fn can_undo(&self) -> bool {
        !self.history.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.history.redo.is_empty()
    }

    /// What the next undo would revert, for the menu label.
    pub fn undo_label(&self) -> Option<&str> {
        self.history.undo.last().map(|s| s.label.as_str())
    }

    pub fn item_review(&self, id: ItemId) -> Option<&ItemReview> {
        self.items.iter().find(|i| i.item == id)
    }

    pub fn assessment(&self, id: ItemId) -> Option<&ItemAssessment> {
        self.analysis.items.iter().find(|a| a.item == id)
    }

    /// The engine's own answer to a criterion, as computed.
    /// A criterion as a reader knows it: the checklist's question, or the id
    /// when the analysis no longer has it. Audit entries and refusals name
    /// criteria this way, never by their internal ids alone.
    pub fn criterion_question(&self, item: ItemId, criterion: &str) -> String {
        self.assessment(item)
            .and_then(|a| a.criteria.iter().find(|c| c.id == criterion))
            .map(|c| c.question.trim().trim_end_matches('?').to_string())
            .filter(|q| !q.is_empty())
            .unwrap_or_else(|| criterion.to_string())
    }

    pub fn engine_answer(&self, item: ItemId, criterion: &str) -> Option<Answer> {
        self.assessment(item)?
            .criteria
            .iter()
            .find(|c| c.id == criterion)
            .map(|c| c.answer)
    }

    /// Whether the reviewer's answer differs from the engine's.
    pub fn is_override(&self, item: ItemId, criterion: &CriterionReview) -> bool {
        self.mode == Mode::Review
            && self
                .engine_answer(item, &criterion.id)
                .is_some_and(|a| a != criterion.answer)
    }

    /// The decision the current answers support, recomputed live from the
    /// guideline's rule (see [`rule`]); `None` for an unknown item.
    pub fn current_suggestion(&self, id: ItemId) -> Option<Suggestion> {
        rule::suggest(self, id, 0)
    }

    /// Everything that stops the review from being finalized, in item order.
    pub fn missing_for_finalize(&self, reviewer_name: &str) -> Vec<Missing> {
        let mut missing = Vec::new();
        for item in &self.items {
            if item.decision.is_none() {
                missing.push(Missing::ItemUndecided(item.item));
            }
            if item.rationale.trim().is_empty() {
                missing.push(Missing::RationaleEmpty(item.item));
            }
            for c in &item.criteria {
                let no_reason = c
                    .override_reason
                    .as_deref()
                    .is_none_or(|r| r.trim().is_empty());
                if self.is_override(item.item, c) && no_reason {
                    missing.push(Missing::OverrideWithoutReason {
                        item: item.item,
                        criterion: c.id.clone(),
                        question: self.criterion_question(item.item, &c.id),
                    });
                }
            }
        }
        if reviewer_name.trim().is_empty() {
            missing.push(Missing::ReviewerName);
        }
        missing
    }

    /// SHA-256 (hex) of everything the letter and the record rest on,
    /// serialised canonically (see [`Self::canonical_bytes`]): what the
    /// Ed25519 seal signs.
    pub fn content_hash(
        &self,
        reviewer_name: &str,
        credentials: &str,
        signed_at: DateTime<Utc>,
    ) -> String {
        let bytes = self.canonical_bytes(reviewer_name, credentials, signed_at);
        signature::hex(&Sha256::digest(&bytes))
    }

    /// The canonical serialisation a signature covers: compact RON, fields in
    /// declaration order, no maps, so the same content always gives the same
    /// bytes. It holds the case, the analysis, the mode, every answer,
    /// override reason, decision, rationale and note, the case summary the
    /// letter prints, the whole audit log,
    /// the signatures an amendment replaced (the chain), the guideline
    /// library stamp, the format version and the signer.
    pub fn canonical_bytes(
        &self,
        reviewer_name: &str,
        credentials: &str,
        signed_at: DateTime<Utc>,
    ) -> Vec<u8> {
        #[derive(Serialize)]
        struct Signed<'a> {
            format_version: u32,
            mode: Mode,
            case: &'a Case,
            analysis: &'a Analysis,
            items: &'a [ItemReview],
            summary: &'a str,
            audit: &'a [AuditEntry],
            prior_signatures: &'a [PriorSignature],
            library: &'a Option<LibraryStamp>,
            reviewer_name: &'a str,
            credentials: &'a str,
            signed_at: DateTime<Utc>,
        }
        let content = Signed {
            format_version: self.format_version,
            mode: self.mode,
            case: &self.case,
            analysis: &self.analysis,
            items: &self.items,
            summary: &self.summary,
            audit: &self.audit,
            prior_signatures: &self.prior_signatures,
            library: &self.library,
            reviewer_name,
            credentials,
            signed_at,
        };
        // Serialising plain data into a String cannot fail; should it ever,
        // the empty text hashes to a value no real review matches.
        ron::to_string(&content).unwrap_or_default().into_bytes()
    }

    /// The keyless hash of format-1 reviews (case, analysis, items, signer),
    /// kept only to recognise legacy reviews; it proves nothing about who signed.
    pub fn legacy_content_hash(
        &self,
        reviewer_name: &str,
        credentials: &str,
        signed_at: DateTime<Utc>,
    ) -> String {
        #[derive(Serialize)]
        struct Signed<'a> {
            case: &'a Case,
            analysis: &'a Analysis,
            items: &'a [ItemReview],
            #[serde(skip_serializing_if = "str::is_empty")]
            summary: &'a str,
            reviewer_name: &'a str,
            credentials: &'a str,
            signed_at: DateTime<Utc>,
        }
        let content = Signed {
            case: &self.case,
            analysis: &self.analysis,
            items: &self.items,
            summary: &self.summary,
            reviewer_name,
            credentials,
            signed_at,
        };
        let text = ron::to_string(&content).unwrap_or_default();
        signature::hex(&Sha256::digest(text.as_bytes()))
    }

    /// Whether a finalized review's signature matches its content (Ed25519,
    /// or a legacy keyless hash). A draft has nothing to verify and passes.
    /// Trust in the signer is a separate question: [`KeyStore::verify`].
    pub fn signature_valid(&self) -> bool {
        signature::check(self).is_acceptable()
    }

    /// Records the guideline library the review is decided against; covered
    /// by the signature from then on.
    pub fn set_library(&mut self, stamp: Option<LibraryStamp>) {
        if !self.is_read_only() {
            self.library = stamp;
        }
    }

    /// Applies a command: checks it, records undo, changes the state, and
    /// appends to the audit log. Returns the audit text of what was done.
    pub fn apply(&mut self, cmd: Command, clock: &dyn Clock) -> Result<String, Refusal> {
        let read_only_ok = matches!(cmd, Command::Amend { .. });
        if self.is_read_only() && !read_only_ok {
            return Err(Refusal::ReadOnly);
        }
        // Typing that continues the last edit (as undo coalesces it) updates
        // that edit's audit entry instead of adding one per keystroke: the
        // same coalescing key means the last entry is that typing's.
        let mut continues_typing = false;
        let action = match cmd {
            Command::Undo => {
                let History { undo, redo, .. } = &mut self.history;
                let label = step(undo, redo, &mut self.items, &mut self.summary)
                    .ok_or(Refusal::NothingToUndo)?;
                self.history.coalesce = None;
                format!("Undo: {label}")
            }
            Command::Redo => {
                let History { undo, redo, .. } = &mut self.history;
                let label = step(redo, undo, &mut self.items, &mut self.summary)
                    .ok_or(Refusal::NothingToRedo)?;
                self.history.coalesce = None;
                format!("Redo: {label}")
            }
            Command::Finalize {
                reviewer_name,
                credentials,
                signer,
            } => {
                self.finalize(reviewer_name, credentials, &signer, clock)?;
                // The audit entry is part of the signed content, already written.
                return Ok(self
                    .audit
                    .last()
                    .map(|a| a.action.clone())
                    .unwrap_or_default());
            }
            Command::Amend { reason } => {
                if self.status != Status::Finalized {
                    return Err(Refusal::NotFinalized);
                }
                if reason.trim().is_empty() {
                    return Err(Refusal::AmendReasonRequired);
                }
                let at = clock.now();
                let prior = self.signature.take().map(|signature| PriorSignature {
                    signature,
                    seal: self.seal.take(),
                    reopened_at: at,
                    reason: reason.trim().to_string(),
                });
                let by = prior.as_ref().map(describe_prior).unwrap_or_default();
                self.prior_signatures.extend(prior);
                self.status = Status::Amended;
                self.history = History::default();
                format!("Reopened for amendment: {}{by}", reason.trim())
            }
            edit => {
                let (label, coalesce) = self.check_edit(&edit)?;
                let skip_snapshot = coalesce.is_some() && coalesce == self.history.coalesce;
                continues_typing = skip_snapshot;
                if !skip_snapshot {
                    self.history.undo.push(Snapshot {
                        label: label.clone(),
                        items: self.items.clone(),
                        summary: self.summary.clone(),
                    });
                    if self.history.undo.len() > UNDO_CAP {
                        self.history.undo.remove(0);
                    }
                }
                self.history.redo.clear();
                self.history.coalesce = coalesce;
                self.perform(edit);
                label
            }
        };
        let at = clock.now();
        match self.audit.last_mut() {
            Some(last) if continues_typing => {
                last.at = at;
                last.action.clone_from(&action);
            }
            _ => self.audit.push(AuditEntry {
                at,
                action: action.clone(),
            }),
        }
        Ok(action)
    }

    /// Checks, writes the audit entry, then signs everything including it.
    fn finalize(
        &mut self,
        reviewer_name: String,
        credentials: String,
        signer: &Signer,
        clock: &dyn Clock,
    ) -> Result<(), Refusal> {
        let missing = self.missing_for_finalize(&reviewer_name);
        if !missing.is_empty() {
            return Err(Refusal::Incomplete(missing));
        }
        let at = clock.now();
        let chained = self
            .prior_signatures
            .last()
            .and_then(|p| p.seal.as_ref())
            .map(|s| {
                format!(
                    "; amends the signature {}",
                    s.signature.get(..16).unwrap_or(&s.signature)
                )
            })
            .unwrap_or_default();
        self.format_version = self.format_version.max(REVIEW_FORMAT_VERSION);
        self.audit.push(AuditEntry {
            at,
            action: format!(
                "Finalized and signed by {reviewer_name} (key {}{chained})",
                signer.fingerprint()
            ),
        });
        let hash = self.content_hash(&reviewer_name, &credentials, at);
        self.seal = Some(signer.seal(&hash));
        self.signature = Some(Signature {
            reviewer_name,
            credentials,
            signed_at: at,
            content_hash: hash,
        });
        self.status = Status::Finalized;
        self.history = History::default();
        Ok(())
    }

    /// Validates an edit and describes it; the state is not touched. The
    /// second value is the coalescing key for rationale typing.
    fn check_edit(&self, cmd: &Command) -> Result<(String, Option<Typing>), Refusal> {
        let item_of = |id: ItemId| self.item_review(id).ok_or(Refusal::UnknownItem(id));
        let criterion_of = |id: ItemId, c: &str| {
            item_of(id)?
                .criteria
                .iter()
                .find(|x| x.id == c)
                .ok_or_else(|| Refusal::UnknownCriterion {
                    item: id,
                    criterion: c.to_string(),
                })
        };
        Ok(match cmd {
            Command::SetAnswer {
                item,
                criterion,
                answer,
                reason,
            } => {
                criterion_of(*item, criterion)?;
                let why = reason
                    .as_deref()
                    .filter(|r| !r.trim().is_empty())
                    .map(|r| format!(" — reason: {}", r.trim()))
                    .unwrap_or_default();
                let question = self.criterion_question(*item, criterion);
                (
                    format!("Item {item}: \"{question}\" set to {answer}{why}"),
                    None,
                )
            }
            Command::SetOverrideReason {
                item,
                criterion,
                reason,
            } => {
                let c = criterion_of(*item, criterion)?;
                if !self.is_override(*item, c) {
                    return Err(Refusal::NotOverridden {
                        item: *item,
                        criterion: criterion.clone(),
                    });
                }
                let question = self.criterion_question(*item, criterion);
                (
                    format!("Item {item}: reason for \"{question}\": {}", reason.trim()),
                    Some(Typing::Reason(*item, criterion.clone())),
                )
            }
            Command::SetNote { item, .. } => {
                item_of(*item)?;
                (
                    format!("Item {item}: note edited"),
                    Some(Typing::Note(*item)),
                )
            }
            Command::Decide { item, decision } => {
                item_of(*item)?;
                let suggested = self.current_suggestion(*item).map(|s| s.decision);
                let text = match (decision, suggested) {
                    (None, _) => format!("Item {item}: decision withdrawn"),
                    (Some(d), Some(s)) if *d != s => {
                        format!("Item {item}: decided {d} (the suggestion was {s})")
                    }
                    (Some(d), _) => format!("Item {item}: decided {d}"),
                };
                (text, None)
            }
            Command::EditRationale { item, .. } => {
                item_of(*item)?;
                (
                    format!("Item {item}: rationale edited"),
                    Some(Typing::Rationale(*item)),
                )
            }
            Command::EditSummary { .. } => (
                "Clinical case summary edited".to_string(),
                Some(Typing::Summary),
            ),
            Command::RegenerateRationale {
                item,
                overwrite_edits,
            } => {
                let it = item_of(*item)?;
                if it.rationale_edited && !overwrite_edits {
                    return Err(Refusal::RationaleEdited(*item));
                }
                (format!("Item {item}: rationale regenerated"), None)
            }
            Command::Finalize { .. } | Command::Amend { .. } | Command::Undo | Command::Redo => {
                (String::from("(not an edit)"), None)
            }
        })
    }

    /// Performs a checked edit.
    fn perform(&mut self, cmd: Command) {
        match cmd {
            Command::SetAnswer {
                item,
                criterion,
                answer,
                reason,
            } => {
                let engine = self.engine_answer(item, &criterion);
                let training = self.mode == Mode::Training;
                if let Some(c) = self.criterion_mut(item, &criterion) {
                    c.answer = answer;
                    c.override_reason = if training || engine == Some(answer) {
                        None
                    } else {
                        reason
                            .map(|r| r.trim().to_string())
                            .filter(|r| !r.is_empty())
                            .or(c.override_reason.take())
                    };
                }
            }
            Command::SetOverrideReason {
                item,
                criterion,
                reason,
            } => {
                if let Some(c) = self.criterion_mut(item, &criterion) {
                    let r = reason.trim().to_string();
                    c.override_reason = (!r.is_empty()).then_some(r);
                }
            }
            Command::SetNote { item, text } => {
                if let Some(i) = self.item_mut(item) {
                    i.note = text;
                }
            }
            Command::Decide { item, decision } => {
                let suggested = self.current_suggestion(item).map(|s| s.decision);
                if let Some(i) = self.item_mut(item) {
                    i.decision = decision;
                    i.differs_from_suggestion = match (decision, suggested) {
                        (Some(d), Some(s)) if d != s => Some(s),
                        _ => None,
                    };
                }
            }
            Command::EditRationale { item, text } => {
                if let Some(i) = self.item_mut(item) {
                    i.rationale = text;
                    i.rationale_edited = true;
                }
            }
            Command::EditSummary { text } => self.summary = text,
            Command::RegenerateRationale { item, .. } => {
                let draft = rule::draft_rationale(self, item);
                let decision = self
                    .item_review(item)
                    .and_then(|i| i.decision)
                    .or_else(|| self.current_suggestion(item).map(|s| s.decision));
                let training = self.mode == Mode::Training;
                if let Some(i) = self.item_mut(item) {
                    i.rationale = draft;
                    i.rationale_edited = false;
                    i.drafted_from = (!training).then(|| DraftBasis {
                        answers: i.criteria.iter().map(|c| c.answer).collect(),
                        decision,
                    });
                }
            }
            Command::Finalize { .. } | Command::Amend { .. } | Command::Undo | Command::Redo => {}
        }
    }

    fn item_mut(&mut self, id: ItemId) -> Option<&mut ItemReview> {
        self.items.iter_mut().find(|i| i.item == id)
    }

    fn criterion_mut(&mut self, id: ItemId, criterion: &str) -> Option<&mut CriterionReview> {
        self.item_mut(id)?
            .criteria
            .iter_mut()
            .find(|c| c.id == criterion)
    }
}
