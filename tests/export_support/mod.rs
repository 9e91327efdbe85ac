//! An invented case for the export tests: a warehouse worker with low back
//! and right shoulder complaints and three disputed items. Every name, date
//! and sentence here is made up for the tests.

#![allow(dead_code)]

use chrono::{NaiveDate, TimeZone, Utc};
use imrdesk::assessment::{
    Analysis, Answer, CriterionResult, Decision, Evidence, GuidelineChoice, ItemAssessment,
    Suggestion,
};
use imrdesk::case::{
    Case, CaseMeta, CaseSource, DisputedItem, DocId, Document, DocumentKind, ItemId, Patient,
    Priority, ReviewerCredentials, Sex,
};
use imrdesk::export::{LetterContent, Signature};
use imrdesk::fact::{BodyRegion, FuzzyDate, Side, Span};
use imrdesk::request::{Category, Request};
use imrdesk::review::{Clock, Command, ReviewState};
use imrdesk::timeline::Timeline;

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn doc(id: u32, kind: DocumentKind, title: &str, date: Option<NaiveDate>, text: &str) -> Document {
    Document {
        id: DocId(id),
        kind,
        title: title.into(),
        date,
        text: text.into(),
        origin: None,
        page_starts: Vec::new(),
    }
}

pub fn case() -> Case {
    let mut case = Case::new();
    case.meta = CaseMeta {
        case_number: Some("CM99-0000042".into()),
        date_of_injury: Some(d(2015, 3, 14)),
        date_assigned: Some(d(2016, 10, 20)),
        ur_denial_date: Some(d(2016, 10, 5)),
        application_received: Some(d(2016, 10, 17)),
        decision_date: Some(d(2016, 11, 9)),
        decision_due: None,
        priority: Priority::Standard,
    };
    case.patient = Patient {
        age: Some(47),
        sex: Some(Sex::Female),
    };
    case.reviewer = ReviewerCredentials {
        licensure: vec!["California".into()],
        specialties: vec!["Physical Medicine & Rehabilitation".into()],
    };
    case.source = CaseSource::Demo;
    case.documents = vec![
        doc(
            0,
            DocumentKind::ProgressReport,
            "Progress report, spine clinic",
            Some(d(2016, 9, 2)),
            "Seen today for lower back ache after lifting boxes at the depot. She rates it 6/10. \
             No numbness or weakness in the legs. Reflexes symmetric. Right shoulder aches with \
             overhead reaching; no therapy has been tried for the shoulder. Plan: request MRI of \
             the lumbar spine, therapy for the shoulder, cyclobenzaprine refill.",
        ),
        doc(
            1,
            DocumentKind::ImagingReport,
            "Lumbar spine radiographs",
            Some(d(2016, 6, 20)),
            "Five lumbar vertebrae with mild loss of disc height at L4-5. No fracture.",
        ),
        doc(
            2,
            DocumentKind::RequestForAuthorization,
            "RFA, three items",
            Some(d(2016, 9, 12)),
            "Requested: MRI lumbar spine; PT right shoulder 2x6; cyclobenzaprine 7.5 mg #60.",
        ),
        doc(
            3,
            DocumentKind::UtilizationReview,
            "Utilization review denial",
            Some(d(2016, 10, 5)),
            "All three requested items are non-certified.",
        ),
        doc(
            4,
            DocumentKind::Other,
            "Pharmacy printout",
            None,
            "Cyclobenzaprine 7.5 mg filled monthly since 01/10/2016.",
        ),
    ];
    case.items = vec![
        item(0, "MRI of the lumbar spine without contrast"),
        item(
            1,
            "Physical therapy for the right shoulder, 2 times a week for 6 weeks",
        ),
        item(2, "Cyclobenzaprine 7.5 mg #60"),
    ];
    case
}

fn item(id: u32, text: &str) -> DisputedItem {
    DisputedItem {
        id: ItemId(id),
        text: text.into(),
        partial: None,
        depends_on: None,
    }
}

fn criterion(id: &str, q: &str, answer: Answer, quote: Option<&str>) -> CriterionResult {
    CriterionResult {
        id: id.into(),
        question: q.into(),
        answer,
        evidence: quote
            .map(|q| {
                vec![Evidence {
                    doc: DocId(0),
                    span: Span::new(0, q.len()),
                    quote: q.into(),
                    date: Some(FuzzyDate::day(d(2016, 9, 2))),
                }]
            })
            .unwrap_or_default(),
        note: String::new(),
    }
}

pub const RATIONALE_MRI: &str = "The request is for an MRI of the lumbar spine. The low back \
    imaging guideline supports an MRI when the neurologic examination shows clear signs of nerve \
    compromise in a patient who has not improved with treatment and would consider surgery, or \
    when a red flag is present. In this case the progress report of 09/02/2016 records lower back \
    ache without numbness or weakness, with symmetric reflexes, and no red flag is described.\n\n\
    Therefore the MRI of the lumbar spine is not medically necessary.";

pub const RATIONALE_PT: &str = "The request is for 12 visits of physical therapy for the right \
    shoulder. The chronic pain guideline supports up to 10 visits of therapy for muscle pain; the \
    shoulder guideline supports a course of therapy before other measures. The right shoulder \
    has not had therapy. The request exceeds 10 visits, however, and review decides a request \
    as made. Therefore the therapy as requested is not medically necessary; a course of up to 10 \
    visits would be supported.";

pub const RATIONALE_CYCLO: &str = "The request is for cyclobenzaprine 7.5 mg, 60 tablets. \
    Muscle relaxants are a short second-line option for flare-ups of low back pain. The pharmacy \
    printout shows monthly fills since 01/10/2016, far longer than a short course, and no spasm \
    is recorded on examination. Therefore the request is not medically necessary.";

fn guideline(id: &str, title: &str, citation: &str) -> Option<GuidelineChoice> {
    Some(GuidelineChoice {
        id: id.into(),
        title: title.into(),
        citation: citation.into(),
        why: "The MTUS addresses this request directly.".into(),
    })
}

pub fn analysis() -> Analysis {
    let mut mri = Request::bare(
        ItemId(0),
        "MRI of the lumbar spine without contrast",
        Category::Imaging,
    );
    mri.modality = Some("mri".into());
    mri.region = Some(BodyRegion::Lumbar);
    let mut pt = Request::bare(
        ItemId(1),
        "Physical therapy for the right shoulder, 2 times a week for 6 weeks",
        Category::PhysicalTherapy,
    );
    pt.region = Some(BodyRegion::Shoulder);
    pt.side = Some(Side::Right);
    pt.visits = Some(12);
    let mut cyclo = Request::bare(
        ItemId(2),
        "Cyclobenzaprine 7.5 mg #60",
        Category::MuscleRelaxant,
    );
    cyclo.drug = Some("cyclobenzaprine".into());
    cyclo.quantity = Some(60);
    Analysis {
        facts: Vec::new(),
        timeline: Timeline::default(),
        items: vec![
            ItemAssessment {
                item: ItemId(0),
                request: mri,
                guideline: guideline(
                    "mtus-low-back-imaging",
                    "Low back imaging",
                    "MTUS Low Back Complaints 2004, Section(s): Special Studies",
                ),
                criteria: vec![
                    criterion(
                        "nerve-compromise",
                        "Clear objective signs of nerve compromise on examination?",
                        Answer::NotMet,
                        Some("No numbness or weakness in the legs."),
                    ),
                    criterion(
                        "red-flag",
                        "A red flag is documented?",
                        Answer::NotDocumented,
                        None,
                    ),
                ],
                suggestion: Suggestion {
                    decision: Decision::NotMedicallyNecessary,
                    reasons: vec!["No nerve compromise on examination.".into()],
                    alternative: None,
                    strength: imrdesk::assessment::Strength::Clear,
                },
                rationale_draft: RATIONALE_MRI.into(),
            },
            ItemAssessment {
                item: ItemId(1),
                request: pt,
                guideline: guideline(
                    "mtus-physical-medicine",
                    "Physical medicine",
                    "MTUS Chronic Pain Medical Treatment 2016, Section(s): Physical Medicine",
                ),
                criteria: vec![criterion(
                    "within-visit-limit",
                    "Requested visits within the guideline's limit?",
                    Answer::NotMet,
                    None,
                )],
                suggestion: Suggestion {
                    decision: Decision::NotMedicallyNecessary,
                    reasons: vec!["12 visits exceed the 10 supported.".into()],
                    alternative: Some("up to 10 visits".into()),
                    strength: imrdesk::assessment::Strength::Clear,
                },
                rationale_draft: RATIONALE_PT.into(),
            },
            ItemAssessment {
                item: ItemId(2),
                request: cyclo,
                guideline: guideline(
                    "mtus-muscle-relaxants",
                    "Muscle relaxants",
                    "MTUS Chronic Pain Medical Treatment 2016, Section(s): Muscle Relaxants",
                ),
                criteria: vec![criterion(
                    "short-course",
                    "Short course (2-3 weeks) for an acute flare-up?",
                    Answer::NotMet,
                    None,
                )],
                suggestion: Suggestion {
                    decision: Decision::NotMedicallyNecessary,
                    reasons: vec!["Used for months.".into()],
                    alternative: None,
                    strength: imrdesk::assessment::Strength::Clear,
                },
                rationale_draft: RATIONALE_CYCLO.into(),
            },
        ],
        warnings: Vec::new(),
    }
}

/// The draft from the engine's suggestions.
pub fn draft() -> LetterContent {
    LetterContent::from_analysis(&case(), &analysis())
}

/// A finalized, signed letter.
pub fn signed() -> LetterContent {
    let mut c = draft();
    c.draft = false;
    c.signature = Some(Signature {
        reviewer_name: "Dr. Invented Reviewer".into(),
        credentials: "MD, Physical Medicine & Rehabilitation".into(),
        signed_at: Utc.with_ymd_and_hms(2016, 11, 9, 15, 30, 0).unwrap(),
        content_hash: "0f".repeat(32),
    });
    c
}

/// Decides `items` as not medically necessary and finalizes, signed by the
/// invented reviewer: the common ending of the review-layer export tests.
pub fn decide_and_sign(state: &mut ReviewState, items: &[u32], clock: &dyn Clock) {
    for &id in items {
        state
            .apply(
                Command::Decide {
                    item: ItemId(id),
                    decision: Some(Decision::NotMedicallyNecessary),
                },
                clock,
            )
            .unwrap();
    }
    state
        .apply(
            Command::Finalize {
                reviewer_name: "Dr. Invented Reviewer".into(),
                credentials: "MD".into(),
                signer: imrdesk::review::Signer::generate().unwrap(),
            },
            clock,
        )
        .unwrap();
}
