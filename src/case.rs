//! The case model: what a reviewer is asked to decide, and the records it rests on.
//!
//! A [`Case`] is the unit every other layer works on. Importers build it (from a
//! published letter, a folder of records, or a review file); the engine reads it;
//! the review layer wraps it with the reviewer's work. It is plain serde data so
//! it round-trips through RON (our native file) and JSON (for other systems).

use std::fmt;
use std::path::PathBuf;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Version of the case/review file format. Files from a newer version are
/// refused rather than half-read, because silently dropping fields would lose
/// a reviewer's work.
pub const FORMAT_VERSION: u32 = 1;

/// One IMR case: header, patient, reviewer, records and the disputed items.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Case {
    /// File format version this case was written with.
    pub format_version: u32,
    /// Header dates and identifiers.
    pub meta: CaseMeta,
    /// What is known of the injured worker (no names: reviews stay de-identified).
    pub patient: Patient,
    /// The credentials of the reviewer who decides (from a letter, or from settings).
    pub reviewer: ReviewerCredentials,
    /// The records: every document the reviewer reads.
    pub documents: Vec<Document>,
    /// The disputed treatments, in the order the letter will list them.
    pub items: Vec<DisputedItem>,
    /// The published expert decision, only for imported letters. The engine
    /// never reads it; training mode hides it until the trainee commits.
    #[serde(default)]
    pub reference: Option<Reference>,
    /// Where the case came from, for messages and the letter's document list.
    #[serde(default)]
    pub source: CaseSource,
    /// Where each document sits in the file it came from (page range, why a
    /// case file was split there) and what OCR read on its scanned pages.
    /// Empty for cases read from text; absent from older files.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub layouts: Vec<DocumentLayout>,
}

impl Case {
    /// An empty case of the current format version.
    pub fn new() -> Self {
        Case {
            format_version: FORMAT_VERSION,
            meta: CaseMeta::default(),
            patient: Patient::default(),
            reviewer: ReviewerCredentials::default(),
            documents: Vec::new(),
            items: Vec::new(),
            reference: None,
            source: CaseSource::default(),
            layouts: Vec::new(),
        }
    }

    /// The document with this id, if present.
    pub fn document(&self, id: DocId) -> Option<&Document> {
        self.documents.iter().find(|d| d.id == id)
    }

    /// The page layout of a document, when it came from a paged file.
    pub fn layout(&self, id: DocId) -> Option<&DocumentLayout> {
        self.layouts.iter().find(|l| l.doc == id)
    }

    /// The disputed item with this id, if present.
    pub fn item(&self, id: ItemId) -> Option<&DisputedItem> {
        self.items.iter().find(|i| i.id == id)
    }

    /// The same case with the expert's reference removed: what the engine and
    /// a trainee may see.
    pub fn without_reference(&self) -> Case {
        Case {
            reference: None,
            ..self.clone()
        }
    }
}

impl Default for Case {
    fn default() -> Self {
        Case::new()
    }
}

/// Header fields of an IMR case.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseMeta {
    /// The IMR case number (e.g. "CM16-0000000"), when known.
    pub case_number: Option<String>,
    pub date_of_injury: Option<NaiveDate>,
    pub date_assigned: Option<NaiveDate>,
    pub ur_denial_date: Option<NaiveDate>,
    pub application_received: Option<NaiveDate>,
    /// The date of the final determination (published letters carry it).
    pub decision_date: Option<NaiveDate>,
    /// Explicit due date; when absent it is derived from the application date
    /// and the priority (see [`CaseMeta::due_date`]).
    pub decision_due: Option<NaiveDate>,
    pub priority: Priority,
}

impl CaseMeta {
    /// When the determination is due: the explicit due date, or the
    /// application date plus the statutory review period for the priority.
    pub fn due_date(&self) -> Option<NaiveDate> {
        self.decision_due.or_else(|| {
            self.application_received
                .and_then(|d| d.checked_add_days(chrono::Days::new(self.priority.days())))
        })
    }
}

/// Review priority; it sets the statutory deadline.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Priority {
    #[default]
    Standard,
    Expedited,
}

impl Priority {
    /// Days allowed for the determination (standard 30, expedited 3).
    pub fn days(self) -> u64 {
        match self {
            Priority::Standard => 30,
            Priority::Expedited => 3,
        }
    }
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Priority::Standard => "Standard",
            Priority::Expedited => "Expedited",
        })
    }
}

/// De-identified patient attributes that guidelines use (age bands, sex-specific criteria).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Patient {
    pub age: Option<u32>,
    pub sex: Option<Sex>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Sex {
    Male,
    Female,
}

impl fmt::Display for Sex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Sex::Male => "male",
            Sex::Female => "female",
        })
    }
}

/// The reviewer's licensure and specialty, as the letter prints them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewerCredentials {
    /// States of licensure, e.g. ["California"].
    pub licensure: Vec<String>,
    /// Board certifications / specialties, e.g. ["Orthopedic Surgery"].
    pub specialties: Vec<String>,
}

/// Stable identifier of a document within a case.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct DocId(pub u32);

impl fmt::Display for DocId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "D{}", self.0)
    }
}

/// Stable identifier of a disputed item within a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ItemId(pub u32);

impl fmt::Display for ItemId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0 + 1)
    }
}

/// One source document (a report, a letter's case summary, a UR letter).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    pub id: DocId,
    pub kind: DocumentKind,
    /// A short human title ("Progress report (PR-2)", "MRI lumbar spine").
    pub title: String,
    /// The document's own date (date of service or of the report).
    pub date: Option<NaiveDate>,
    /// The full text; fact spans are byte ranges into it.
    pub text: String,
    /// The file it was read from, if any (any OS path, UTF-8 or not).
    #[serde(default, with = "crate::review::env::os_path::option")]
    pub origin: Option<PathBuf>,
    /// Byte offsets where a new page starts (from PDF page breaks or form feeds).
    #[serde(default)]
    pub page_starts: Vec<usize>,
}

impl Document {
    /// A document with no date, origin or page breaks yet: importers and
    /// tests fill in what they know.
    pub fn new(id: DocId, kind: DocumentKind, title: &str, text: String) -> Document {
        Document {
            id,
            kind,
            title: title.to_string(),
            date: None,
            text,
            origin: None,
            page_starts: Vec::new(),
        }
    }
}

/// How a document maps onto the pages of its source file: a case file split
/// into reports keeps each report's page range and the reason the split
/// started it, and a scanned page keeps the word boxes OCR found, so a quote
/// can be checked against the page image.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DocumentLayout {
    pub doc: DocId,
    /// First page of the source file in this document (1-based).
    pub first_page: u32,
    /// Last page of the source file in this document (inclusive).
    pub last_page: u32,
    /// Why the case-file split started a document here; `None` when the
    /// document starts its file.
    #[serde(default)]
    pub boundary: Option<String>,
    /// The pages of this document read by OCR.
    #[serde(default)]
    pub scanned: Vec<ScannedPage>,
}

impl DocumentLayout {
    /// The scanned page whose text holds byte `at` of the document.
    pub fn scanned_at(&self, at: usize) -> Option<&ScannedPage> {
        self.scanned
            .iter()
            .find(|p| p.words.first().is_some_and(|w| w.start <= at) && p.text_end > at)
    }
}

/// A page read by OCR: its size at the resolution it was read, the mean
/// word confidence, and each word's box.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ScannedPage {
    /// Page number in the source file (1-based).
    pub page: u32,
    /// Resolution the page was rasterized at for OCR (dots per inch).
    pub dpi: u32,
    /// Image size in pixels at `dpi`.
    pub width: u32,
    pub height: u32,
    /// Mean word confidence, 0–100.
    pub confidence: f32,
    /// End of this page's text in the document (byte offset).
    pub text_end: usize,
    pub words: Vec<WordBox>,
}

impl ScannedPage {
    /// The boxes of the words overlapping the byte range `start..end` of the
    /// document text.
    pub fn boxes_in(&self, start: usize, end: usize) -> impl Iterator<Item = &WordBox> {
        self.words
            .iter()
            .filter(move |w| w.start < end && w.end > start)
    }
}

/// One word OCR read: its byte range in the document text and its box on
/// the page image (pixels from the top left, at the page's `dpi`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct WordBox {
    pub start: usize,
    pub end: usize,
    pub left: u32,
    pub top: u32,
    pub width: u32,
    pub height: u32,
    /// Tesseract's confidence in this word, 0–100.
    pub confidence: f32,
}

/// What kind of record a document is; it sets the timeline lane and which
/// facts the extractor trusts from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum DocumentKind {
    /// The clinical case summary of a published determination letter.
    CaseSummary,
    DoctorsFirstReport,
    /// Progress report (PR-2) from the treating physician.
    ProgressReport,
    ImagingReport,
    ElectrodiagnosticReport,
    OperativeReport,
    /// Agreed or qualified medical evaluator report (AME/QME).
    MedicalLegalReport,
    /// A specialist's consultation or evaluation at the treater's request.
    Consultation,
    /// A therapist's note: physical or occupational therapy, chiropractic,
    /// acupuncture.
    TherapyNote,
    /// Request for authorization (DWC Form RFA).
    RequestForAuthorization,
    UtilizationReview,
    Other,
}

impl DocumentKind {
    /// Every kind, in display order.
    pub const ALL: [DocumentKind; 12] = [
        DocumentKind::CaseSummary,
        DocumentKind::DoctorsFirstReport,
        DocumentKind::ProgressReport,
        DocumentKind::ImagingReport,
        DocumentKind::ElectrodiagnosticReport,
        DocumentKind::OperativeReport,
        DocumentKind::MedicalLegalReport,
        DocumentKind::Consultation,
        DocumentKind::TherapyNote,
        DocumentKind::RequestForAuthorization,
        DocumentKind::UtilizationReview,
        DocumentKind::Other,
    ];

    /// The label a reviewer reads.
    pub fn label(self) -> &'static str {
        match self {
            DocumentKind::CaseSummary => "Clinical case summary",
            DocumentKind::DoctorsFirstReport => "Doctor's first report",
            DocumentKind::ProgressReport => "Progress report (PR-2)",
            DocumentKind::ImagingReport => "Imaging report",
            DocumentKind::ElectrodiagnosticReport => "Electrodiagnostic report",
            DocumentKind::OperativeReport => "Operative report",
            DocumentKind::MedicalLegalReport => "AME/QME report",
            DocumentKind::Consultation => "Consultation",
            DocumentKind::TherapyNote => "Therapy note",
            DocumentKind::RequestForAuthorization => "Request for authorization",
            DocumentKind::UtilizationReview => "Utilization review determination",
            DocumentKind::Other => "Other record",
        }
    }
}

impl fmt::Display for DocumentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A disputed treatment or service, as written in the application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisputedItem {
    pub id: ItemId,
    /// The item as written (for partial certifications: the disputed remainder).
    pub text: String,
    /// Present when utilization review certified part of the original request.
    #[serde(default)]
    pub partial: Option<PartialCertification>,
    /// The item this one depends on (an associated surgical service → its surgery).
    #[serde(default)]
    pub depends_on: Option<ItemId>,
}

impl DisputedItem {
    /// The text IMR decides: the disputed remainder of a partial
    /// certification, otherwise the item as written.
    pub fn disputed_text(&self) -> &str {
        match &self.partial {
            Some(p) if !p.disputed.trim().is_empty() => &p.disputed,
            _ => &self.text,
        }
    }
}

/// Utilization review certified part of a request; IMR decides only the remainder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartialCertification {
    /// The original request in full.
    pub original: String,
    /// What the claims administrator authorized (may be an alternative service).
    pub authorized: String,
    /// The IMR-eligible remainder. Equal to `original` when the administrator
    /// authorized a different service and left the whole request eligible.
    pub disputed: String,
}

/// The expert's published decision on a case, kept only for training and evaluation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    pub items: Vec<ReferenceItem>,
}

impl Reference {
    /// The reference for one item.
    pub fn for_item(&self, id: ItemId) -> Option<&ReferenceItem> {
        self.items.iter().find(|r| r.item == id)
    }
}

/// The expert's decision, cited guideline and rationale for one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferenceItem {
    pub item: ItemId,
    pub outcome: ExpertOutcome,
    /// The "MAXIMUS guideline" line as printed, whitespace-normalised.
    pub guideline_line: String,
    /// The "Claims Administrator guideline" line as printed, if any.
    #[serde(default)]
    pub claims_administrator_line: Option<String>,
    /// The expert's decision rationale as printed.
    pub rationale: String,
}

/// Outcome of an IMR as letters print it. "Upheld" means the denial stands:
/// the treatment is not medically necessary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ExpertOutcome {
    Upheld,
    Overturned,
}

impl ExpertOutcome {
    /// Whether the expert found the item medically necessary.
    pub fn is_medically_necessary(self) -> bool {
        matches!(self, ExpertOutcome::Overturned)
    }
}

impl fmt::Display for ExpertOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ExpertOutcome::Upheld => "Upheld",
            ExpertOutcome::Overturned => "Overturned",
        })
    }
}

/// Where a case was read from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum CaseSource {
    /// Built by hand or in memory.
    #[default]
    Manual,
    /// A published determination letter (text or PDF).
    PublishedLetter(#[serde(with = "crate::review::env::os_path")] PathBuf),
    /// A folder (or a list of files) of records.
    Records(#[serde(with = "crate::review::env::os_path")] PathBuf),
    /// The built-in demonstration case.
    Demo,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_date_follows_priority() {
        let mut meta = CaseMeta {
            application_received: NaiveDate::from_ymd_opt(2016, 11, 15),
            ..CaseMeta::default()
        };
        assert_eq!(meta.due_date(), NaiveDate::from_ymd_opt(2016, 12, 15));
        meta.priority = Priority::Expedited;
        assert_eq!(meta.due_date(), NaiveDate::from_ymd_opt(2016, 11, 18));
        meta.decision_due = NaiveDate::from_ymd_opt(2016, 12, 1);
        assert_eq!(meta.due_date(), NaiveDate::from_ymd_opt(2016, 12, 1));
    }

    #[test]
    fn partial_item_decides_the_remainder() {
        let item = DisputedItem {
            id: ItemId(0),
            text: "Tramadol 50mg #90".into(),
            partial: Some(PartialCertification {
                original: "Tramadol 50mg #90".into(),
                authorized: "Tramadol 50mg #60".into(),
                disputed: "Tramadol 50mg #30".into(),
            }),
            depends_on: None,
        };
        assert_eq!(item.disputed_text(), "Tramadol 50mg #30");
    }

    #[test]
    fn reference_can_be_stripped() {
        let mut case = Case::new();
        case.reference = Some(Reference::default());
        assert!(case.without_reference().reference.is_none());
    }
}
