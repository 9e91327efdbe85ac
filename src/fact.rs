//! Clinical facts: what the extractor finds in the records, each tied to the
//! exact words it came from.
//!
//! Facts are the common language between extraction, the timeline, the
//! guideline rules and the GUI. A fact never exists without a source span, so
//! every answer built on it can quote its evidence.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::case::DocId;

/// A byte range into a document's text (`start..end`, UTF-8 boundaries).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether `other` lies inside this span.
    pub fn contains(&self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// The text of the span, or "" if it does not fit the string (a stale span
    /// must never panic the UI).
    pub fn slice<'a>(&self, text: &'a str) -> &'a str {
        text.get(self.start..self.end).unwrap_or("")
    }
}

/// How precisely a date is known; "March 2015" is a month, "in 2011" a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum DatePrecision {
    Day,
    Month,
    Year,
}

/// A date with its precision. For month and year precision `date` is the first
/// day of the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct FuzzyDate {
    pub date: NaiveDate,
    pub precision: DatePrecision,
}

impl FuzzyDate {
    pub fn day(date: NaiveDate) -> Self {
        FuzzyDate {
            date,
            precision: DatePrecision::Day,
        }
    }
}

impl fmt::Display for FuzzyDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.precision {
            DatePrecision::Day => write!(f, "{}", self.date.format("%m/%d/%Y")),
            DatePrecision::Month => write!(f, "{}", self.date.format("%m/%Y")),
            DatePrecision::Year => write!(f, "{}", self.date.format("%Y")),
        }
    }
}

/// Whether the text asserts the fact, denies it, reports it as past, or only
/// plans or supposes it. Guideline rules count only the certainty they ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Certainty {
    Affirmed,
    Negated,
    Historical,
    /// Planned, requested, recommended or conditional ("if symptoms persist").
    Hypothetical,
    /// Raised but not established: "rule out", "suspected", "possible",
    /// "cannot exclude". A criterion that needs the finding is not met by it.
    Hedged,
    /// A normal result of a test or examination ("sensation intact",
    /// "strength 5/5", "straight leg raise negative"): an observation that
    /// the finding is absent, shown as normal rather than struck through.
    Normal,
}

impl fmt::Display for Certainty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Certainty::Affirmed => "affirmed",
            Certainty::Negated => "negated",
            Certainty::Historical => "historical",
            Certainty::Hypothetical => "planned",
            Certainty::Hedged => "hedged",
            Certainty::Normal => "normal",
        })
    }
}

/// Whom the fact is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Subject {
    Patient,
    /// Family history or another person.
    Other,
}

/// Body regions as guidelines divide them (the MTUS volumes follow these lines).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum BodyRegion {
    Head,
    Cervical,
    Thoracic,
    Lumbar,
    Shoulder,
    Elbow,
    /// Forearm, wrist and hand (one MTUS volume).
    WristHand,
    Hip,
    Knee,
    AnkleFoot,
    Chest,
    Abdomen,
    Psyche,
    Systemic,
}

impl BodyRegion {
    pub const ALL: [BodyRegion; 14] = [
        BodyRegion::Head,
        BodyRegion::Cervical,
        BodyRegion::Thoracic,
        BodyRegion::Lumbar,
        BodyRegion::Shoulder,
        BodyRegion::Elbow,
        BodyRegion::WristHand,
        BodyRegion::Hip,
        BodyRegion::Knee,
        BodyRegion::AnkleFoot,
        BodyRegion::Chest,
        BodyRegion::Abdomen,
        BodyRegion::Psyche,
        BodyRegion::Systemic,
    ];

    /// The words a reviewer uses for the region.
    pub fn label(self) -> &'static str {
        match self {
            BodyRegion::Head => "head",
            BodyRegion::Cervical => "cervical spine",
            BodyRegion::Thoracic => "thoracic spine",
            BodyRegion::Lumbar => "lumbar spine",
            BodyRegion::Shoulder => "shoulder",
            BodyRegion::Elbow => "elbow",
            BodyRegion::WristHand => "wrist/hand",
            BodyRegion::Hip => "hip",
            BodyRegion::Knee => "knee",
            BodyRegion::AnkleFoot => "ankle/foot",
            BodyRegion::Chest => "chest",
            BodyRegion::Abdomen => "abdomen",
            BodyRegion::Psyche => "psyche",
            BodyRegion::Systemic => "systemic",
        }
    }

    /// Whether the region is part of the spine (spinal rules share criteria).
    pub fn is_spine(self) -> bool {
        matches!(
            self,
            BodyRegion::Cervical | BodyRegion::Thoracic | BodyRegion::Lumbar
        )
    }
}

impl fmt::Display for BodyRegion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Side {
    Left,
    Right,
    Bilateral,
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Side::Left => "left",
            Side::Right => "right",
            Side::Bilateral => "bilateral",
        })
    }
}

/// The kinds of clinical fact. Guideline rules name these kinds (and a concept
/// within the kind); the library is validated against this list at load time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum FactKind {
    /// Age or sex of the patient.
    Demographics,
    /// The date of the industrial injury.
    InjuryDate,
    /// How the injury happened (fall, lifting, motor vehicle accident…).
    InjuryMechanism,
    Diagnosis,
    Symptom,
    /// Physical examination findings: deficits, provocative tests, ROM, tenderness, spasm.
    ExamFinding,
    /// Imaging studies (MRI, CT, X-ray, ultrasound, bone scan).
    Imaging,
    /// EMG / nerve conduction studies.
    Electrodiagnostic,
    /// Operations, done or planned.
    Surgery,
    /// Non-surgical procedures other than injections.
    Procedure,
    /// Physical therapy, chiropractic, acupuncture, home exercise and similar courses.
    Therapy,
    Medication,
    Injection,
    /// Functional improvement documented, or its documented absence.
    FunctionalImprovement,
    /// Pain on a 0–10 scale.
    PainScore,
    /// TTD, modified duty, full duty, permanent and stationary / MMI.
    WorkStatus,
    /// Red flags for serious pathology (fracture, tumour, infection, cauda equina,
    /// progressive neurologic deficit).
    RedFlag,
    /// Urine drug screens, CURES checks, opioid agreements.
    DrugMonitoring,
    /// A request for authorization and its date.
    Request,
    /// A utilization review decision and its date.
    UtilizationReview,
}

impl FactKind {
    pub const ALL: [FactKind; 20] = [
        FactKind::Demographics,
        FactKind::InjuryDate,
        FactKind::InjuryMechanism,
        FactKind::Diagnosis,
        FactKind::Symptom,
        FactKind::ExamFinding,
        FactKind::Imaging,
        FactKind::Electrodiagnostic,
        FactKind::Surgery,
        FactKind::Procedure,
        FactKind::Therapy,
        FactKind::Medication,
        FactKind::Injection,
        FactKind::FunctionalImprovement,
        FactKind::PainScore,
        FactKind::WorkStatus,
        FactKind::RedFlag,
        FactKind::DrugMonitoring,
        FactKind::Request,
        FactKind::UtilizationReview,
    ];

    /// The label a reviewer reads.
    pub fn label(self) -> &'static str {
        match self {
            FactKind::Demographics => "demographics",
            FactKind::InjuryDate => "injury date",
            FactKind::InjuryMechanism => "injury mechanism",
            FactKind::Diagnosis => "diagnosis",
            FactKind::Symptom => "symptom",
            FactKind::ExamFinding => "exam finding",
            FactKind::Imaging => "imaging",
            FactKind::Electrodiagnostic => "electrodiagnostic study",
            FactKind::Surgery => "surgery",
            FactKind::Procedure => "procedure",
            FactKind::Therapy => "therapy",
            FactKind::Medication => "medication",
            FactKind::Injection => "injection",
            FactKind::FunctionalImprovement => "functional improvement",
            FactKind::PainScore => "pain score",
            FactKind::WorkStatus => "work status",
            FactKind::RedFlag => "red flag",
            FactKind::DrugMonitoring => "drug monitoring",
            FactKind::Request => "request",
            FactKind::UtilizationReview => "utilization review",
        }
    }
}

impl fmt::Display for FactKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// One clinical fact found in a document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fact {
    pub kind: FactKind,
    /// The canonical concept within the kind, from the extractor's vocabulary
    /// (e.g. "straight_leg_raise", "mri", "physical_therapy", "ttd").
    /// Guideline rules match on it; see `extract::vocabulary`.
    pub concept: String,
    pub doc: DocId,
    /// The words that express the fact.
    pub span: Span,
    /// The sentence around it: what an evidence quote shows.
    pub sentence: Span,
    pub certainty: Certainty,
    pub subject: Subject,
    /// When the fact happened (or was reported, if only that is known).
    pub date: Option<FuzzyDate>,
    pub region: Option<BodyRegion>,
    pub side: Option<Side>,
    /// A number that belongs to the fact: visits, pain score, age, percent
    /// relief, milligrams.
    pub value: Option<f64>,
    /// Free detail: spinal level ("L4-5"), dose ("10/325 mg"), response ("improved").
    pub detail: Option<String>,
}

impl Fact {
    /// Whether the fact is asserted about the patient now (or in the past),
    /// which is what most criteria count as evidence.
    pub fn is_positive(&self) -> bool {
        self.subject == Subject::Patient
            && matches!(self.certainty, Certainty::Affirmed | Certainty::Historical)
    }

    /// Whether the text says the finding is absent: denied, or examined and
    /// found normal. Rules that ask for a finding's absence count both.
    pub fn is_absent(&self) -> bool {
        self.subject == Subject::Patient
            && matches!(self.certainty, Certainty::Negated | Certainty::Normal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn span_slice_never_panics() {
        let text = "naïve";
        assert_eq!(Span::new(0, 2).slice(text), "na");
        assert_eq!(Span::new(2, 3).slice(text), "", "inside a UTF-8 char");
        assert_eq!(Span::new(3, 99).slice(text), "");
    }

    #[test]
    fn fuzzy_date_prints_its_precision() {
        let d = NaiveDate::from_ymd_opt(2015, 3, 1).unwrap();
        let month = FuzzyDate {
            date: d,
            precision: DatePrecision::Month,
        };
        assert_eq!(month.to_string(), "03/2015");
        assert_eq!(FuzzyDate::day(d).to_string(), "03/01/2015");
    }
}
