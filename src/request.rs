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

// ---------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------

use std::sync::LazyLock;

use regex::Regex;

use crate::case::{Case, DisputedItem};
use crate::drug::{self, Drug, contains_word};

fn any_word<S: AsRef<str>>(hay: &str, needles: &[S]) -> bool {
    needles.iter().any(|n| contains_word(hay, n.as_ref()))
}

fn re(pattern: &str) -> Regex {
    // Patterns are literals in this file, covered by the unit tests.
    Regex::new(pattern).unwrap_or_else(|e| panic!("bad built-in pattern {pattern}: {e}"))
}

/// Parses every disputed item of a case, linking associated surgical services
/// to the case's surgery item when the importer did not.
pub fn parse_case(case: &Case) -> Vec<Request> {
    let mut requests: Vec<Request> = case.items.iter().map(parse).collect();
    let surgery = requests
        .iter()
        .find(|r| r.category == Category::Surgery)
        .map(|r| r.item);
    if let Some(surgery) = surgery {
        for r in &mut requests {
            if r.item != surgery && r.depends_on.is_none() && is_perioperative(&r.text) {
                r.depends_on = Some(surgery);
                r.category = Category::AssociatedSurgicalService;
            }
        }
    }
    requests
}

/// Words that tie a service to an operation.
fn is_perioperative(text: &str) -> bool {
    let t = text.to_lowercase();
    any_word(
        &t,
        &[
            "pre-op",
            "preop",
            "pre-operative",
            "preoperative",
            "post-op",
            "postop",
            "post-operative",
            "postoperative",
            "post operative",
            "associated surgical service",
            "assistant surgeon",
            "surgical assistant",
            "medical clearance",
        ],
    )
}

/// Turns a disputed item into a structured request. Only the disputed
/// remainder of a partial certification is parsed.
pub fn parse(item: &DisputedItem) -> Request {
    let text = item.disputed_text().trim().to_string();
    let lower = normalise(&text);
    let drug = drug::find_in_request(&lower);
    let category = categorise(&lower, drug, item.depends_on.is_some());
    let mut req = Request::bare(item.id, text.clone(), category);
    req.depends_on = item.depends_on;
    req.modality = modality(&lower, category);
    let regions = regions(&lower, category);
    req.region = regions.first().copied();
    req.other_regions = regions.into_iter().skip(1).collect();
    req.side = side(&lower);
    if category.is_medication() || drug.is_some() {
        req.drug = drug.and_then(|d| d.generic.clone());
        req.strength = strength(&lower);
    }
    req.quantity = quantity(&lower);
    req.frequency = frequency(&lower);
    req.visits = visits(&lower);
    req.duration_days = duration_days(&lower);
    req.retrospective_date = retrospective_date(&lower);
    req
}

/// Lower case, one space between words, unicode dashes as '-'.
fn normalise(text: &str) -> String {
    let t = text.to_lowercase().replace(['\u{2013}', '\u{2014}'], "-");
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The request vocabularies, data in `assets/lexicon/requests.ron`: each
/// list is the words that put an item in one category (see `categorise`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestWords {
    pub associated: Vec<String>,
    pub fce: Vec<String>,
    pub udt: Vec<String>,
    pub gym: Vec<String>,
    pub transport: Vec<String>,
    pub home_health: Vec<String>,
    pub electrodx: Vec<String>,
    pub imaging: Vec<String>,
    pub injection: Vec<String>,
    pub consult: Vec<String>,
    pub surgery: Vec<String>,
    pub acupuncture: Vec<String>,
    pub chiro: Vec<String>,
    pub physio: Vec<String>,
    pub passive: Vec<String>,
    pub dme: Vec<String>,
    pub topical_form: Vec<String>,
    pub oral_suspension: Vec<String>,
    /// Words that make an item naming an operation a visit, not surgery.
    pub not_surgery: Vec<String>,
}

static REQUESTS_RON: &str = include_str!("../assets/lexicon/requests.ron");

/// Parsed once. The table is a built-in asset checked by the unit tests, so
/// a parse failure is a build defect, not a user error.
static WORDS: LazyLock<RequestWords> =
    LazyLock::new(|| ron::from_str(REQUESTS_RON).unwrap_or_default());

fn words() -> &'static RequestWords {
    &WORDS
}

/// Chooses the category. Order matters: the most specific signals first, so
/// "physical therapy evaluation" is therapy and "post-op Norco" is a medication
/// of an associated service only when it depends on a surgery.
fn categorise(t: &str, drug: Option<&Drug>, has_parent: bool) -> Category {
    if any_word(t, &words().fce) {
        return Category::FunctionalCapacityEvaluation;
    }
    if any_word(t, &words().udt) {
        return Category::UrineDrugTesting;
    }
    if has_parent || any_word(t, &words().associated) {
        return Category::AssociatedSurgicalService;
    }
    if any_word(t, &["injection", "injections", "injected"]) && !contains_word(t, "oral") {
        return Category::Injection;
    }
    if let Some(class) = medication_class(t, drug) {
        return class;
    }
    if any_word(t, &words().gym) {
        return Category::Gym;
    }
    if any_word(t, &words().transport) {
        return Category::Transportation;
    }
    if any_word(t, &words().home_health) {
        return Category::HomeHealth;
    }
    if any_word(t, &words().electrodx) {
        return Category::Electrodiagnostics;
    }
    if any_word(t, &words().acupuncture) {
        return Category::Acupuncture;
    }
    if any_word(t, &words().imaging) && !is_therapeutic_ultrasound(t) {
        return Category::Imaging;
    }
    if any_word(t, &words().injection) {
        return Category::Injection;
    }
    if (any_word(t, &words().chiro) || t.contains("chiro")) && !t.contains("under anesthesia") {
        return Category::Chiropractic;
    }
    if any_word(t, &words().physio) || t.contains("physical therap") {
        return Category::PhysicalTherapy;
    }
    if any_word(t, &["tens", "tens unit", "interferential", "h-wave"]) {
        return Category::PassiveModality;
    }
    if any_word(t, &words().surgery) && !any_word(t, &words().not_surgery) {
        return Category::Surgery;
    }
    if any_word(t, &words().consult) {
        return Category::OfficeVisit;
    }
    if any_word(t, &words().passive) && !any_word(t, &["unit", "rental", "purchase", "wrap", "pad"])
    {
        return Category::PassiveModality;
    }
    if any_word(t, &words().dme) || any_word(t, &words().passive) {
        return Category::DurableMedicalEquipment;
    }
    Category::Other
}

/// The medication category, when the text names a drug (or a dosage form of one).
fn medication_class(t: &str, drug: Option<&Drug>) -> Option<Category> {
    let drug = drug?;
    if drug.category == Category::CompoundedOral || any_word(t, &words().oral_suspension) {
        return Some(Category::CompoundedOral);
    }
    // A strength in percent is a topical preparation (gels, creams, patches).
    let percent = STRENGTH
        .captures_iter(t)
        .any(|c| c.get(2).is_some_and(|u| u.as_str() == "%"));
    if drug.category == Category::TopicalAnalgesic || any_word(t, &words().topical_form) || percent
    {
        return Some(Category::TopicalAnalgesic);
    }
    Some(drug.category)
}

fn is_therapeutic_ultrasound(t: &str) -> bool {
    contains_word(t, "ultrasound")
        && !any_word(
            t,
            &["mri", "ct", "x-ray", "diagnostic ultrasound", "guided"],
        )
        && (any_word(t, &["pulsed", "therapeutic", "times", "sessions", "x"])
            || t.contains("times a week"))
}

/// The finer kind within a category.
fn modality(t: &str, category: Category) -> Option<String> {
    let pick = |pairs: &[(&str, &str)]| {
        pairs
            .iter()
            .find(|(needle, _)| {
                contains_word(t, needle) || (needle.len() > 6 && t.contains(needle))
            })
            .map(|(_, m)| m.to_string())
    };
    match category {
        Category::Imaging => pick(&[
            ("mri", "mri"),
            ("magnetic resonance", "mri"),
            ("mra", "mri"),
            ("ct", "ct"),
            ("cat scan", "ct"),
            ("computed tomography", "ct"),
            ("x-ray", "x-ray"),
            ("x-rays", "x-ray"),
            ("xray", "x-ray"),
            ("xrays", "x-ray"),
            ("x ray", "x-ray"),
            ("radiograph", "x-ray"),
            ("radiographs", "x-ray"),
            ("bone scan", "bone scan"),
            ("ultrasound", "ultrasound"),
            ("sonogram", "ultrasound"),
            ("arthrogram", "arthrogram"),
            ("myelogram", "myelogram"),
            ("dexa", "dexa"),
        ]),
        Category::Electrodiagnostics => {
            let emg = any_word(t, &["emg", "electromyography", "electromyogram"]);
            let ncs = any_word(t, &["ncv", "ncs", "nerve conduction"]);
            match (emg, ncs) {
                (true, true) => Some("emg/ncs".into()),
                (true, false) => Some("emg".into()),
                (false, true) => Some("ncs".into()),
                _ => pick(&[("ssep", "ssep")]),
            }
        }
        Category::Injection => pick(&[
            ("epidural", "epidural steroid injection"),
            ("esi", "epidural steroid injection"),
            ("medial branch", "medial branch block"),
            ("facet", "facet injection"),
            ("rhizotomy", "radiofrequency ablation"),
            ("radiofrequency", "radiofrequency ablation"),
            ("trigger point", "trigger point injection"),
            ("prp", "platelet-rich plasma"),
            ("platelet-rich", "platelet-rich plasma"),
            ("platelet rich", "platelet-rich plasma"),
            ("synvisc", "viscosupplementation"),
            ("orthovisc", "viscosupplementation"),
            ("euflexxa", "viscosupplementation"),
            ("viscosupplementation", "viscosupplementation"),
            ("hyaluronic", "viscosupplementation"),
            ("neurolytic", "neurolytic injection"),
            ("botox", "botulinum toxin"),
            ("nerve block", "nerve block"),
            ("block", "nerve block"),
            ("cortisone", "corticosteroid injection"),
            ("steroid", "corticosteroid injection"),
            ("injection", "injection"),
        ]),
        Category::PassiveModality | Category::DurableMedicalEquipment => pick(&[
            ("tens", "tens"),
            ("interferential", "interferential"),
            ("h-wave", "h-wave"),
            ("electrical muscle stimulation", "electrical stimulation"),
            ("electrical stimulation", "electrical stimulation"),
            ("ems", "electrical stimulation"),
            ("e-stim", "electrical stimulation"),
            ("ultrasound", "ultrasound"),
            ("infrared", "infrared"),
            ("laser", "laser"),
            ("shockwave", "shockwave"),
            ("eswt", "shockwave"),
            ("biofeedback", "biofeedback"),
            ("traction", "traction"),
            ("massage", "massage"),
            ("cryotherapy", "cold therapy"),
            ("cold therapy", "cold therapy"),
            ("hot/cold", "hot/cold therapy"),
            ("heat", "heat therapy"),
            ("vascutherm", "cold compression"),
            ("brace", "brace"),
            ("braces", "brace"),
            ("lumbar support", "lumbar support"),
            ("back support", "lumbar support"),
            ("support", "support"),
            ("pillow", "pillow"),
            ("wheelchair", "wheelchair"),
            ("commode", "commode"),
            ("walker", "walker"),
            ("cane", "cane"),
            ("crutches", "crutches"),
            ("orthotic", "orthotics"),
            ("orthotics", "orthotics"),
            ("splint", "splint"),
            ("collar", "collar"),
            ("bed", "hospital bed"),
            ("sling", "sling"),
            ("ultrasling", "sling"),
            ("hearing aids", "hearing aid"),
            ("hearing aid", "hearing aid"),
        ]),
        Category::PhysicalTherapy => {
            if any_word(t, &["evaluation", "eval", "assessment"]) && visits(t).is_none() {
                Some("evaluation".into())
            } else if any_word(t, &["aquatic", "aqua", "pool"]) {
                Some("aquatic therapy".into())
            } else if any_word(t, &["work hardening", "work conditioning"]) {
                Some("work conditioning".into())
            } else if t.contains("functional restoration") {
                Some("functional restoration program".into())
            } else if any_word(t, &["post-op", "postop", "post-operative", "postoperative"]) {
                Some("postsurgical therapy".into())
            } else if any_word(t, &["occupational therapy", "ot"]) {
                Some("occupational therapy".into())
            } else {
                Some("physical therapy".into())
            }
        }
        Category::Chiropractic => {
            if any_word(t, &["evaluation", "eval", "re-exam", "exam"]) && visits(t).is_none() {
                Some("evaluation".into())
            } else {
                Some("manipulation".into())
            }
        }
        Category::Surgery => pick(&[
            ("spinal cord stimulator", "spinal cord stimulator"),
            ("fusion", "fusion"),
            ("arthroplasty", "arthroplasty"),
            ("replacement", "arthroplasty"),
            ("laminectomy", "decompression"),
            ("laminotomy", "decompression"),
            ("discectomy", "discectomy"),
            ("microdiscectomy", "discectomy"),
            ("foraminotomy", "decompression"),
            ("meniscectomy", "meniscectomy"),
            ("carpal tunnel", "carpal tunnel release"),
            ("rotator cuff", "rotator cuff repair"),
            ("acromioplasty", "subacromial decompression"),
            ("arthroscopy", "arthroscopy"),
            ("arthroscopic", "arthroscopy"),
            ("orif", "open reduction internal fixation"),
            ("open reduction", "open reduction internal fixation"),
            ("release", "release"),
            ("repair", "repair"),
            ("decompression", "decompression"),
            ("surgery", "surgery"),
        ]),
        Category::OfficeVisit => pick(&[
            ("psychiatrist", "psychiatric consultation"),
            ("psychologist", "psychological consultation"),
            ("psychological", "psychological consultation"),
            ("psychiatric", "psychiatric consultation"),
            ("pain management", "pain management consultation"),
            ("surgeon", "surgical consultation"),
            ("medication management", "medication management"),
            ("consultation", "consultation"),
            ("consult", "consultation"),
            ("referral", "consultation"),
            ("follow-up", "follow-up visit"),
            ("follow up", "follow-up visit"),
            ("office visit", "follow-up visit"),
        ]),
        Category::AssociatedSurgicalService => pick(&[
            ("assistant surgeon", "assistant surgeon"),
            ("surgical assistant", "assistant surgeon"),
            ("medical clearance", "pre-operative clearance"),
            ("clearance", "pre-operative clearance"),
            ("ekg", "electrocardiogram"),
            ("ecg", "electrocardiogram"),
            ("electrocardiogram", "electrocardiogram"),
            ("chest x-ray", "chest x-ray"),
            ("labs", "laboratory tests"),
            ("lab", "laboratory tests"),
            ("cbc", "laboratory tests"),
            ("urinalysis", "laboratory tests"),
            ("ua", "laboratory tests"),
            ("physical therapy", "postsurgical therapy"),
            ("cryotherapy", "cold therapy"),
            ("cold therapy", "cold therapy"),
            ("vascutherm", "cold compression"),
            ("sling", "sling"),
            ("ultrasling", "sling"),
            ("brace", "brace"),
            ("tens", "tens"),
        ]),
        _ => None,
    }
}

/// Regions named in the request, in order of first mention.
fn regions(t: &str, category: Category) -> Vec<BodyRegion> {
    const TERMS: &[(&str, BodyRegion)] = &[
        ("cervical", BodyRegion::Cervical),
        ("neck", BodyRegion::Cervical),
        ("c-spine", BodyRegion::Cervical),
        ("cervicothoracic", BodyRegion::Cervical),
        ("thoracic", BodyRegion::Thoracic),
        ("t-spine", BodyRegion::Thoracic),
        ("mid back", BodyRegion::Thoracic),
        ("upper back", BodyRegion::Thoracic),
        ("lumbar", BodyRegion::Lumbar),
        ("lumbosacral", BodyRegion::Lumbar),
        ("low back", BodyRegion::Lumbar),
        ("lower back", BodyRegion::Lumbar),
        ("l-spine", BodyRegion::Lumbar),
        ("back", BodyRegion::Lumbar),
        ("sacroiliac", BodyRegion::Lumbar),
        ("si joint", BodyRegion::Lumbar),
        ("shoulder", BodyRegion::Shoulder),
        ("shoulders", BodyRegion::Shoulder),
        ("rotator cuff", BodyRegion::Shoulder),
        ("elbow", BodyRegion::Elbow),
        ("elbows", BodyRegion::Elbow),
        ("wrist", BodyRegion::WristHand),
        ("wrists", BodyRegion::WristHand),
        ("hand", BodyRegion::WristHand),
        ("hands", BodyRegion::WristHand),
        ("finger", BodyRegion::WristHand),
        ("fingers", BodyRegion::WristHand),
        ("thumb", BodyRegion::WristHand),
        ("forearm", BodyRegion::WristHand),
        ("carpal", BodyRegion::WristHand),
        ("hip", BodyRegion::Hip),
        ("hips", BodyRegion::Hip),
        ("pelvis", BodyRegion::Hip),
        ("pelvic", BodyRegion::Hip),
        ("knee", BodyRegion::Knee),
        ("knees", BodyRegion::Knee),
        ("ankle", BodyRegion::AnkleFoot),
        ("ankles", BodyRegion::AnkleFoot),
        ("foot", BodyRegion::AnkleFoot),
        ("feet", BodyRegion::AnkleFoot),
        ("toe", BodyRegion::AnkleFoot),
        ("heel", BodyRegion::AnkleFoot),
        ("head", BodyRegion::Head),
        ("brain", BodyRegion::Head),
        ("chest", BodyRegion::Chest),
        ("abdomen", BodyRegion::Abdomen),
        ("abdominal", BodyRegion::Abdomen),
    ];
    let mut found: Vec<(usize, BodyRegion)> = Vec::new();
    for (term, region) in TERMS {
        if let Some(pos) = word_position(t, term) {
            if *region == BodyRegion::Chest && t.contains("chest x-ray") {
                continue;
            }
            found.push((pos, *region));
        }
    }
    // Electrodiagnostic studies of a limb are read under the spinal chapter
    // of that limb's roots.
    if found.is_empty() && category == Category::Electrodiagnostics {
        if let Some(pos) = t
            .find("lower extremit")
            .or_else(|| t.find("lower limb"))
            .or_else(|| word_position(t, "lle"))
            .or_else(|| word_position(t, "rle"))
        {
            found.push((pos, BodyRegion::Lumbar));
        }
        if let Some(pos) = t
            .find("upper extremit")
            .or_else(|| t.find("upper limb"))
            .or_else(|| word_position(t, "ue"))
            .or_else(|| word_position(t, "rue"))
            .or_else(|| word_position(t, "lue"))
        {
            found.push((pos, BodyRegion::Cervical));
        }
    }
    if found.is_empty() && (t.contains("lower leg") || contains_word(t, "leg")) {
        found.push((0, BodyRegion::AnkleFoot));
    }
    found.sort_by_key(|(pos, _)| *pos);
    let mut out: Vec<BodyRegion> = Vec::new();
    for (_, r) in found {
        if !out.contains(&r) {
            out.push(r);
        }
    }
    // "back" alone only when nothing more specific was said about the spine.
    if out.len() > 1 && out.contains(&BodyRegion::Lumbar) && !mentions_low_back(t) {
        let spine_specific = out
            .iter()
            .any(|r| matches!(r, BodyRegion::Cervical | BodyRegion::Thoracic));
        if spine_specific && contains_word(t, "back") && t.contains("upper back") {
            out.retain(|r| *r != BodyRegion::Lumbar);
        }
    }
    out
}

fn mentions_low_back(t: &str) -> bool {
    any_word(
        t,
        &["lumbar", "lumbosacral", "low back", "lower back", "l-spine"],
    )
}

/// Byte position of `needle` as a whole word.
fn word_position(hay: &str, needle: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(pos) = hay.get(from..)?.find(needle) {
        let start = from + pos;
        let end = start + needle.len();
        let ok_before = hay[..start]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        let ok_after = hay[end..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric());
        if ok_before && ok_after {
            return Some(start);
        }
        from = end;
    }
    None
}

fn side(t: &str) -> Option<Side> {
    if any_word(t, &["bilateral", "bilaterally", "both", "b/l"]) {
        return Some(Side::Bilateral);
    }
    let left = any_word(t, &["left", "lt", "lue", "lle"]);
    let right = any_word(t, &["right", "rt", "rue", "rle"]);
    match (left, right) {
        (true, true) => Some(Side::Bilateral),
        (true, false) => Some(Side::Left),
        (false, true) => Some(Side::Right),
        _ => None,
    }
}

static STRENGTH: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(\d+(?:\.\d+)?(?:\s*[-/]\s*\d+(?:\.\d+)?)*)\s*((?:mg/ml|mg/g|mg|mcg/hr|mcg|gm|g|ml|units?|iu)\b|%)",
    )
});

fn strength(t: &str) -> Option<String> {
    STRENGTH.captures_iter(t).find_map(|c| {
        let unit = c.get(2)?.as_str();
        if unit == "ml" || unit == "g" || unit == "gm" {
            return None; // a volume or a weight dispensed, not a strength
        }
        let number = c.get(1)?.as_str().replace(' ', "");
        Some(format!("{number} {unit}"))
    })
}

static QUANTITY: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:#\s*(\d+)|\bqty:?\s*(\d+)|\bquantity:?\s*(\d+)|\b(\d+)\s*(?:tablets|tabs|capsules|caps|patches|pills)\b)",
    )
});

fn quantity(t: &str) -> Option<u32> {
    QUANTITY.captures(t).and_then(|c| {
        (1..=4)
            .find_map(|i| c.get(i))
            .and_then(|m| m.as_str().parse().ok())
    })
}

/// Counts in requests, including the frequency words "once", "twice", "thrice".
fn number_word(w: &str) -> Option<u32> {
    match w {
        "once" | "single" => Some(1),
        "twice" => Some(2),
        "thrice" => Some(3),
        other => crate::text::number_word(other),
    }
}

const NUM: &str = r"(\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fourteen|sixteen|eighteen|twenty|twenty-four|once|twice|single)";

static FREQ_BY_DURATION: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"{NUM}(?:\s*(?:-|to)\s*{NUM})?\s*(?:times|x|time)?\s*(?:a|per|/|each)?\s*(?:week|wk)(?:ly)?\s*(?:for|x|times|over)?\s*{NUM}\s*(?:weeks|week|wks|wk)"
    ))
});
static TIMES_PAIR: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"\b{NUM}\s*(?:x|times)\s*{NUM}\b(?:\s*(?:weeks|wks))?"
    ))
});
static SESSIONS: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?:\b{NUM}(?:\s*(?:-|to)\s*{NUM})?\s*(?:\(\d+\)\s*)?(?:(?:additional|more|initial|physical|therapy|chiropractic|acupuncture|occupational|aquatic|pt|chiro|of)\s+){{0,3}}(?:sessions|session|visits|visit|treatments|treatment)\b|(?:sessions|visits|treatments),?\s*#?\s*(\d+)\b|\((\d+)\)\s*$)"
    ))
});

static SERVICE_TIMES: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:therapy|pt|physiotherapy|chiropractic|chiro|acupuncture|sessions|visits|treatments)\s*(?:x|×)\s*(\d{1,2})\b(\s*(?:/|a\s|per\b|times|weeks?|wks?|months?|days?))?",
    )
});

static COUNT_IN_PARENS: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?:sessions|visits|treatments)\s*\((\d+)\)"));

/// Visits or sessions requested: an explicit count, or frequency × duration.
/// A range ("2-3 times a week", "12-18 sessions") counts at its upper end,
/// because IMR decides the request as written.
fn visits(t: &str) -> Option<u32> {
    if let Some(n) = COUNT_IN_PARENS.captures(t).and_then(|c| c.get(1)) {
        return n.as_str().parse().ok();
    }
    let counts: Vec<u32> = SESSIONS
        .captures_iter(t)
        .filter_map(|c| {
            let low = c.get(1).and_then(|m| number_word(m.as_str()));
            let high = c.get(2).and_then(|m| number_word(m.as_str()));
            high.or(low)
        })
        .collect();
    // "two sessions for the back and eight sessions for the wrist": one request, summed.
    if counts.len() > 1 && contains_word(t, "and") {
        return Some(counts.iter().sum());
    }
    if let Some(c) = SESSIONS.captures(t) {
        let low = c.get(1).and_then(|m| number_word(m.as_str()));
        let high = c.get(2).and_then(|m| number_word(m.as_str()));
        let trailing = c
            .get(3)
            .or_else(|| c.get(4))
            .and_then(|m| m.as_str().parse().ok());
        if let Some(n) = high.or(low).or(trailing) {
            return Some(n);
        }
    }
    if let Some(c) = FREQ_BY_DURATION.captures(t) {
        let low = c.get(1).and_then(|m| number_word(m.as_str()))?;
        let high = c
            .get(2)
            .and_then(|m| number_word(m.as_str()))
            .unwrap_or(low);
        let weeks = c.get(3).and_then(|m| number_word(m.as_str()))?;
        return Some(high.max(low) * weeks);
    }
    if let Some(c) = TIMES_PAIR.captures(t) {
        let a = c.get(1).and_then(|m| number_word(m.as_str()))?;
        let b = c.get(2).and_then(|m| number_word(m.as_str()))?;
        if a <= 5 && b <= 52 {
            return Some(a * b);
        }
    }
    // "post-operative physical therapy x12": a multiplier after the service
    // is the number of visits, unless a unit follows ("x 2 per week").
    if let Some(c) = SERVICE_TIMES.captures(t)
        && c.get(2).is_none()
    {
        return c.get(1).and_then(|m| m.as_str().parse().ok());
    }
    // "therapy sessions for the neck, #2": the count stands as a quantity.
    if any_word(t, &["sessions", "visits", "treatments", "therapy"]) {
        return quantity(t);
    }
    None
}

static DOSE_FREQUENCY: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"\b(?:{NUM}(?:\s*(?:-|to)\s*{NUM})?\s*(?:times|x)\s*(?:a|per|/)\s*(?:day|week|wk|month)|(?:once|twice|thrice)\s+(?:a|per)\s+(?:day|week)|once daily|daily|twice daily|at bedtime|as needed|every \d+(?:-\d+)?\s*(?:hours|hrs|hr|h)|q\d+h|bid|tid|qid|qhs|qd|prn|nightly|weekly)\b"
    ))
});

fn frequency(t: &str) -> Option<String> {
    DOSE_FREQUENCY.find(t).map(|m| m.as_str().to_string())
}

static DURATION: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?:\b{NUM}[\s-]*(day|days|week|weeks|month|months)\b(?:\s*(?:rental|supply|use|trial|coverage))?|(?:day supply|days supply|supply):?\s*(\d+)|for\s+{NUM}\s+(days|weeks|months))"
    ))
});

static SUPPLY: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?:day supply|days supply|supply)\s*:?\s*(\d+)"));

/// Duration in days of a rental, supply or course.
fn duration_days(t: &str) -> Option<u32> {
    if let Some(n) = SUPPLY.captures(t).and_then(|c| c.get(1)) {
        return n.as_str().parse().ok();
    }
    let unit_days = |u: &str| -> u32 {
        if u.starts_with("week") {
            7
        } else if u.starts_with("month") {
            30
        } else {
            1
        }
    };
    DURATION.captures_iter(t).find_map(|c| {
        let (n, u) = match (c.get(1), c.get(2), c.get(4), c.get(5)) {
            (Some(n), Some(u), _, _) | (_, _, Some(n), Some(u)) => (n, u),
            _ => return None,
        };
        // "#60 day supply" is a quantity, not a duration.
        if t[..n.start()].ends_with('#') {
            return None;
        }
        number_word(n.as_str()).map(|n| n * unit_days(u.as_str()))
    })
}

/// The date of service of a retrospective request ("Retrospective … (DOS 11/18/16)").
fn retrospective_date(t: &str) -> Option<NaiveDate> {
    if !any_word(t, &["retrospective", "retro", "dos", "date of service"]) {
        return None;
    }
    crate::text::dates::find_dates(t, None)
        .into_iter()
        .map(|(_, d)| d)
        .find(|d| d.precision == crate::fact::DatePrecision::Day)
        .map(|d| d.date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(text: &str) -> DisputedItem {
        DisputedItem {
            id: ItemId(0),
            text: text.into(),
            partial: None,
            depends_on: None,
        }
    }

    fn p(text: &str) -> Request {
        parse(&item(text))
    }

    #[test]
    fn request_words_parse() {
        let w: RequestWords = ron::from_str(REQUESTS_RON).expect("requests.ron parses");
        assert!(w.surgery.len() > 20 && !w.not_surgery.is_empty());
        for n in w.surgery.iter().chain(&w.physio).chain(&w.consult) {
            assert_eq!(n, &n.to_lowercase(), "lower case: {n}");
        }
    }

    #[test]
    fn procedure_words_are_read_with_their_object() {
        assert_eq!(
            p("Myofascial release x6 to the lumbar spine").category,
            Category::Chiropractic
        );
        assert_eq!(p("Right carpal tunnel release").category, Category::Surgery);
        assert_eq!(
            p("Consultation with a spine surgeon").category,
            Category::OfficeVisit
        );
        assert_eq!(
            p("Orthopedic surgeon evaluation for the left knee").category,
            Category::OfficeVisit
        );
    }

    #[test]
    fn multiplier_after_a_service_counts_visits() {
        assert_eq!(p("Post-operative physical therapy x12").visits, Some(12));
        assert_eq!(p("Acupuncture x 6 for the neck").visits, Some(6));
        assert_eq!(
            p("Physical therapy x 2 per week for 6 weeks").visits,
            Some(12)
        );
        assert_eq!(p("Physical therapy x 3 weeks").visits, None);
    }

    #[test]
    fn imaging_requests() {
        let r = p("MRI of the lumbar spine without contrast");
        assert_eq!(r.category, Category::Imaging);
        assert_eq!(r.modality.as_deref(), Some("mri"));
        assert_eq!(r.region, Some(BodyRegion::Lumbar));
        let r = p("X-rays of the left shoulder");
        assert_eq!(r.modality.as_deref(), Some("x-ray"));
        assert_eq!(r.region, Some(BodyRegion::Shoulder));
        assert_eq!(r.side, Some(Side::Left));
        let r = p("MRI of neck and right hand without contrast");
        assert_eq!(r.region, Some(BodyRegion::Cervical));
        assert_eq!(r.other_regions, vec![BodyRegion::WristHand]);
        assert_eq!(r.side, Some(Side::Right));
        let r = p("Retrospective CT scan of the thoracic spine (DOS 03/02/17)");
        assert_eq!(r.modality.as_deref(), Some("ct"));
        assert_eq!(r.retrospective_date, NaiveDate::from_ymd_opt(2017, 3, 2));
    }

    #[test]
    fn electrodiagnostics_map_limbs_to_spine() {
        let r = p("EMG/NCV of the bilateral lower extremities");
        assert_eq!(r.category, Category::Electrodiagnostics);
        assert_eq!(r.modality.as_deref(), Some("emg/ncs"));
        assert_eq!(r.region, Some(BodyRegion::Lumbar));
        assert_eq!(r.side, Some(Side::Bilateral));
        let r = p("NCS of the left upper extremity");
        assert_eq!(r.modality.as_deref(), Some("ncs"));
        assert_eq!(r.region, Some(BodyRegion::Cervical));
    }

    #[test]
    fn visits_in_every_form() {
        assert_eq!(
            p("Physical therapy 2 times a week for 3 weeks").visits,
            Some(6)
        );
        assert_eq!(
            p("Physical therapy two times a week for four weeks").visits,
            Some(8)
        );
        assert_eq!(
            p("Physical therapy 2-3 times a week for 6 weeks").visits,
            Some(18)
        );
        assert_eq!(p("Chiropractic 2x6 lumbar spine").visits, Some(12));
        assert_eq!(p("Acupuncture 12 sessions").visits, Some(12));
        assert_eq!(p("Six additional physical therapy visits").visits, Some(6));
        assert_eq!(
            p("Post-op physical therapy 12-18 sessions").visits,
            Some(18)
        );
        assert_eq!(p("Spinal manipulation 1 times 8").visits, Some(8));
        assert_eq!(
            p("Therapy sessions for the cervical spine, #2").visits,
            Some(2)
        );
        assert_eq!(
            p("Physical therapy to the knee 2 times a week for 2 weeks (4)").visits,
            Some(4)
        );
        assert_eq!(
            p("Acupuncture one time a week for six weeks, lumbar").visits,
            Some(6)
        );
        assert_eq!(p("Physical therapy for the lumbar spine").visits, None);
        assert_eq!(
            p("Additional physical therapy two times four visits (8) for the knees").visits,
            Some(8)
        );
        assert_eq!(
            p("two therapy sessions for the neck and eight therapy sessions for the wrist").visits,
            Some(10)
        );
    }

    #[test]
    fn therapy_categories() {
        assert_eq!(
            p("Physical therapy 2x4 right knee").category,
            Category::PhysicalTherapy
        );
        assert_eq!(
            p("Spinal manipulation 2 times a week for 4 weeks").category,
            Category::Chiropractic
        );
        assert_eq!(
            p("Initial acupuncture, 1 to 2 times per week for 4 weeks").category,
            Category::Acupuncture
        );
        assert_eq!(
            p("Pulsed ultrasound 2 times a week for 4 weeks").category,
            Category::PassiveModality
        );
        assert_eq!(
            p("TENS unit, 30 day trial").category,
            Category::PassiveModality
        );
        assert_eq!(
            p("Physical therapy evaluation, cervical spine")
                .modality
                .as_deref(),
            Some("evaluation")
        );
    }

    #[test]
    fn medications_with_strength_and_quantity() {
        let r = p("Norco 10/325mg #60");
        assert_eq!(r.category, Category::Opioid);
        assert_eq!(r.drug.as_deref(), Some("hydrocodone/acetaminophen"));
        assert_eq!(r.strength.as_deref(), Some("10/325 mg"));
        assert_eq!(r.quantity, Some(60));
        let r = p("Cyclobenzaprine 7.5mg #90");
        assert_eq!(r.category, Category::MuscleRelaxant);
        assert_eq!(r.strength.as_deref(), Some("7.5 mg"));
        let r = p("Pantoprazole 40mg, one by mouth, twice a day #60 with one refill");
        assert_eq!(r.category, Category::GastricProtection);
        assert_eq!(r.quantity, Some(60));
        assert_eq!(r.frequency.as_deref(), Some("twice a day"));
        assert_eq!(
            p("Diclofenac sodium 1.5% 60g").category,
            Category::TopicalAnalgesic
        );
        let r = p("Lidocaine 5% patch #30");
        assert_eq!(r.category, Category::TopicalAnalgesic);
        assert_eq!(r.strength.as_deref(), Some("5 %"));
        let r = p("Compound: ketoprofen 20% in cream base 240g");
        assert_eq!(r.category, Category::TopicalAnalgesic);
        let r = p("Gabapentin 10mg/ml oral suspension 300ml");
        assert_eq!(r.category, Category::CompoundedOral);
        let r = p("Zolpidem 10mg #30");
        assert_eq!(r.category, Category::SleepAid);
        let r = p("Oxycodone ER 20mg #60 day supply: 30");
        assert_eq!(r.duration_days, Some(30));
        assert_eq!(p("Gabapentin 600mg #90").category, Category::Antiepileptic);
        assert_eq!(p("Duloxetine 30mg #30").category, Category::Antidepressant);
        assert_eq!(p("Meloxicam (Mobic) 7.5mg #30").category, Category::Nsaid);
        assert_eq!(
            p("Omeprazole").quantity,
            None,
            "a request without quantity keeps it absent"
        );
    }

    #[test]
    fn other_categories() {
        assert_eq!(
            p("Functional capacity evaluation (FCE)").category,
            Category::FunctionalCapacityEvaluation
        );
        assert_eq!(p("Urine drug testing").category, Category::UrineDrugTesting);
        assert_eq!(p("Gym membership, 6 months").category, Category::Gym);
        assert_eq!(
            p("Transportation to and from medical appointments").category,
            Category::Transportation
        );
        assert_eq!(
            p("Home health care 4 hours a day for 2 weeks").category,
            Category::HomeHealth
        );
        assert_eq!(
            p("Lumbar support").category,
            Category::DurableMedicalEquipment
        );
        assert_eq!(
            p("Standard wheelchair for a 2 month rental").duration_days,
            Some(60)
        );
        assert_eq!(
            p("Consultation with a spine surgeon").category,
            Category::OfficeVisit
        );
        assert_eq!(
            p("Follow up office visit times 2").category,
            Category::OfficeVisit
        );
        assert_eq!(
            p("Right L5-S1 epidural steroid injection").category,
            Category::Injection
        );
        assert_eq!(
            p("Right L5-S1 epidural steroid injection")
                .modality
                .as_deref(),
            Some("epidural steroid injection")
        );
        assert_eq!(
            p("Platelet-rich plasma injection to the left knee")
                .modality
                .as_deref(),
            Some("platelet-rich plasma")
        );
        let r = p("Right knee arthroscopic partial meniscectomy");
        assert_eq!(r.category, Category::Surgery);
        assert_eq!(r.region, Some(BodyRegion::Knee));
        assert_eq!(r.side, Some(Side::Right));
        assert_eq!(
            p("Associated surgical service: cold therapy unit, 7 day rental").category,
            Category::AssociatedSurgicalService
        );
        assert_eq!(
            p("Pre-op labs: CBC").category,
            Category::AssociatedSurgicalService
        );
        assert_eq!(
            p("Assistant surgeon").category,
            Category::AssociatedSurgicalService
        );
    }

    #[test]
    fn partial_certification_parses_the_remainder() {
        let mut it = item("Tramadol 50mg #90");
        it.partial = Some(crate::case::PartialCertification {
            original: "Tramadol 50mg #90".into(),
            authorized: "Tramadol 50mg #60".into(),
            disputed: "Tramadol 50mg #30".into(),
        });
        assert_eq!(parse(&it).quantity, Some(30));
    }

    #[test]
    fn associated_services_link_to_the_surgery() {
        let mut case = Case::new();
        case.items = vec![
            DisputedItem {
                id: ItemId(0),
                text: "Left shoulder arthroscopic rotator cuff repair".into(),
                partial: None,
                depends_on: None,
            },
            DisputedItem {
                id: ItemId(1),
                text: "Post-operative physical therapy 12 sessions".into(),
                partial: None,
                depends_on: None,
            },
            DisputedItem {
                id: ItemId(2),
                text: "Naproxen 550mg #60".into(),
                partial: None,
                depends_on: None,
            },
        ];
        let reqs = parse_case(&case);
        assert_eq!(reqs[0].category, Category::Surgery);
        assert_eq!(reqs[1].depends_on, Some(ItemId(0)));
        assert_eq!(reqs[1].category, Category::AssociatedSurgicalService);
        assert_eq!(reqs[2].depends_on, None);
    }

    #[test]
    fn words_match_whole() {
        assert!(contains_word("mri of the knee", "mri"));
        assert!(!contains_word("primrose", "mri"));
        assert!(!contains_word("options", "pt"));
        assert!(contains_word("pt/ot 2x week", "pt"));
    }
}
