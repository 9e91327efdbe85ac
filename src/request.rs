//! Request parsing: a disputed item's free text becomes a structured request
//! the guideline rules can reason about.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::case::ItemId;
use crate::fact::{BodyRegion, Side};

/// The treatment categories of the guideline taxonomy (GUIDELINES.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Category {
    Imaging,
    Electrodiagnostics,
    PhysicalTherapy,
    Chiropractic,
    Acupuncture,
    PassiveModality,
    Opioid,
    Nsaid,
    GastricProtection,
    MuscleRelaxant,
    TopicalAnalgesic,
    CompoundedOral,
    Antidepressant,
    Antiepileptic,
    SleepAid,
    /// Medications that fit no class above.
    OtherMedication,
    Injection,
    Surgery,
    AssociatedSurgicalService,
    DurableMedicalEquipment,
    OfficeVisit,
    FunctionalCapacityEvaluation,
    HomeHealth,
    UrineDrugTesting,
    Gym,
    Transportation,
    Other,
}

impl Category {
    pub const ALL: [Category; 27] = [
        Category::Imaging,
        Category::Electrodiagnostics,
        Category::PhysicalTherapy,
        Category::Chiropractic,
        Category::Acupuncture,
        Category::PassiveModality,
        Category::Opioid,
        Category::Nsaid,
        Category::GastricProtection,
        Category::MuscleRelaxant,
        Category::TopicalAnalgesic,
        Category::CompoundedOral,
        Category::Antidepressant,
        Category::Antiepileptic,
        Category::SleepAid,
        Category::OtherMedication,
        Category::Injection,
        Category::Surgery,
        Category::AssociatedSurgicalService,
        Category::DurableMedicalEquipment,
        Category::OfficeVisit,
        Category::FunctionalCapacityEvaluation,
        Category::HomeHealth,
        Category::UrineDrugTesting,
        Category::Gym,
        Category::Transportation,
        Category::Other,
    ];

    /// The label a reviewer reads.
    pub fn label(self) -> &'static str {
        match self {
            Category::Imaging => "imaging",
            Category::Electrodiagnostics => "electrodiagnostics",
            Category::PhysicalTherapy => "physical therapy / OT",
            Category::Chiropractic => "chiropractic / manipulation",
            Category::Acupuncture => "acupuncture",
            Category::PassiveModality => "passive modality / TENS",
            Category::Opioid => "medication: opioid",
            Category::Nsaid => "medication: NSAID",
            Category::GastricProtection => "medication: PPI / H2 blocker",
            Category::MuscleRelaxant => "medication: muscle relaxant",
            Category::TopicalAnalgesic => "medication: topical / compounded analgesic",
            Category::CompoundedOral => "medication: compounded oral suspension",
            Category::Antidepressant => "medication: antidepressant",
            Category::Antiepileptic => "medication: antiepileptic",
            Category::SleepAid => "medication: sleep aid",
            Category::OtherMedication => "medication: other",
            Category::Injection => "injection",
            Category::Surgery => "surgery",
            Category::AssociatedSurgicalService => "associated surgical service",
            Category::DurableMedicalEquipment => "durable medical equipment",
            Category::OfficeVisit => "office visit / consultation",
            Category::FunctionalCapacityEvaluation => "functional capacity evaluation",
            Category::HomeHealth => "home health",
            Category::UrineDrugTesting => "urine drug testing",
            Category::Gym => "gym membership",
            Category::Transportation => "transportation",
            Category::Other => "other",
        }
    }

    /// Whether the category is a medication (the request carries a drug).
    pub fn is_medication(self) -> bool {
        matches!(
            self,
            Category::Opioid
                | Category::Nsaid
                | Category::GastricProtection
                | Category::MuscleRelaxant
                | Category::TopicalAnalgesic
                | Category::CompoundedOral
                | Category::Antidepressant
                | Category::Antiepileptic
                | Category::SleepAid
                | Category::OtherMedication
        )
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A disputed item, understood. Every field but `category` and `text` may be
/// absent: a request missing what the decision needs is itself a finding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request {
    pub item: ItemId,
    /// The text that was parsed (the disputed remainder for partial certifications).
    pub text: String,
    pub category: Category,
    /// Finer kind within the category: "mri", "x-ray", "emg", "ncs",
    /// "epidural steroid injection", "arthroscopy", "tens unit"…
    pub modality: Option<String>,
    pub region: Option<BodyRegion>,
    /// Further regions when the request names several ("MRI of neck and right hand").
    #[serde(default)]
    pub other_regions: Vec<BodyRegion>,
    pub side: Option<Side>,
    /// Generic drug name, lower case ("tramadol", "hydrocodone/acetaminophen").
    pub drug: Option<String>,
    /// As written: "10/325 mg", "7.5 mg", "5%".
    pub strength: Option<String>,
    /// Dispensed quantity ("#60" → 60).
    pub quantity: Option<u32>,
    /// Dosing or visit frequency as written ("2 times a week", "BID").
    pub frequency: Option<String>,
    /// Number of visits or sessions (explicit, or frequency × duration).
    pub visits: Option<u32>,
    /// Duration in days (weeks and months converted), for rentals, courses and supplies.
    pub duration_days: Option<u32>,
    /// Date of service for a retrospective request.
    pub retrospective_date: Option<NaiveDate>,
    /// For associated surgical services: the surgery item they belong to.
    pub depends_on: Option<ItemId>,
}

impl Request {
    /// A request of the given category with nothing else known.
    pub fn bare(item: ItemId, text: impl Into<String>, category: Category) -> Self {
        Request {
            item,
            text: text.into(),
            category,
            modality: None,
            region: None,
            other_regions: Vec::new(),
            side: None,
            drug: None,
            strength: None,
            quantity: None,
            frequency: None,
            visits: None,
            duration_days: None,
            retrospective_date: None,
            depends_on: None,
        }
    }
}
