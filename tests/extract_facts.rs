//! Extraction on invented sentences modelled on how records and case
//! summaries are phrased (no corpus text).

use chrono::NaiveDate;
use imrdesk::case::{Case, DocId, Document, DocumentKind};
use imrdesk::extract::{ExtractContext, drug_class, extract_case, extract_document, vocabulary};
use imrdesk::fact::{BodyRegion, Certainty, DatePrecision, Fact, FactKind, Side, Subject};

fn doc(text: &str, date: Option<NaiveDate>) -> Document {
    Document {
        id: DocId(3),
        kind: DocumentKind::ProgressReport,
        title: "Progress report".into(),
        date,
        text: text.into(),
        origin: None,
        page_starts: vec![],
    }
}

fn facts(text: &str) -> Vec<Fact> {
    let d = doc(text, NaiveDate::from_ymd_opt(2016, 10, 10));
    extract_document(
        &d,
        &ExtractContext {
            document_date: d.date,
            observed_on_document_date: true,
            injury_date: NaiveDate::from_ymd_opt(2014, 1, 2),
        },
    )
}

fn find<'a>(facts: &'a [Fact], concept: &str) -> Option<&'a Fact> {
    facts.iter().find(|f| f.concept == concept)
}

fn certainty(text: &str, concept: &str) -> Option<Certainty> {
    find(&facts(text), concept).map(|f| f.certainty)
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

#[test]
fn demographics_and_injury() {
    let text = "The injured worker is a 52-year-old female who was injured on 3/14/2013 when she slipped and fell at work.";
    let f = facts(text);
    let age = find(&f, "age").map(|f| f.value);
    assert_eq!(age, Some(Some(52.0)));
    assert_eq!(
        find(&f, "sex").and_then(|f| f.detail.clone()).as_deref(),
        Some("female")
    );
    let injury = find(&f, "injury_date").and_then(|f| f.date).map(|d| d.date);
    assert_eq!(injury, Some(ymd(2013, 3, 14)));
    let fall = find(&f, "fall").map(|f| (f.kind, f.certainty));
    assert_eq!(fall, Some((FactKind::InjuryMechanism, Certainty::Affirmed)));
    // The injury date dates the injury, not the other facts of the sentence.
    assert_eq!(
        find(&f, "age").and_then(|f| f.date).map(|d| d.date),
        Some(ymd(2016, 10, 10))
    );
}

#[test]
fn spans_index_the_original_text() {
    let text = "Exam showed a positive straight leg\n     raise on the left.";
    let f = facts(text);
    let slr = find(&f, "straight_leg_raise").map(|f| f.span.slice(text).to_string());
    assert_eq!(slr.as_deref(), Some("straight leg\n     raise"));
    let fact = find(&f, "straight_leg_raise");
    assert_eq!(fact.map(|f| f.certainty), Some(Certainty::Affirmed));
    assert_eq!(fact.and_then(|f| f.side), Some(Side::Left));
    assert_eq!(fact.and_then(|f| f.region), Some(BodyRegion::Lumbar));
    assert_eq!(fact.map(|f| f.sentence.slice(text)), Some(text));
}

#[test]
fn exam_findings_with_negation() {
    let text = "Spurling's test was negative. Tinel's sign was positive at the right wrist. \
                Sensation was intact to light touch. There was decreased sensation in the left L5 dermatome. \
                Motor strength was 5/5. No spasm was noted. Hawkins and Neer tests were positive on the left.";
    let f = facts(text);
    let get = |c: &str| find(&f, c).map(|f| f.certainty);
    // A normal examination result is its own value, not a negated symptom.
    assert_eq!(get("spurling"), Some(Certainty::Normal));
    assert_eq!(get("tinel"), Some(Certainty::Affirmed));
    assert_eq!(
        find(&f, "tinel").and_then(|f| f.region),
        Some(BodyRegion::WristHand)
    );
    assert_eq!(find(&f, "tinel").and_then(|f| f.side), Some(Side::Right));
    let sensory: Vec<Certainty> = f
        .iter()
        .filter(|f| f.concept == "sensory_deficit")
        .map(|f| f.certainty)
        .collect();
    assert_eq!(sensory, vec![Certainty::Normal, Certainty::Affirmed]);
    assert_eq!(get("spasm"), Some(Certainty::Normal));
    assert_eq!(get("hawkins"), Some(Certainty::Affirmed));
    assert_eq!(get("neer"), Some(Certainty::Affirmed));
    let f = facts(
        "There was a positive straight leg raise on the left at 45 degrees and negative on the right.",
    );
    assert_eq!(
        find(&f, "straight_leg_raise").map(|f| f.certainty),
        Some(Certainty::Affirmed)
    );
    let f = facts("A prior denial was made for imaging as there were no red flags.");
    assert!(
        find(&f, "red_flag").is_none(),
        "a review's reasoning is not an exam"
    );
}

#[test]
fn review_language_does_not_negate_the_patient() {
    let text = "On 11/02/2016, utilization review non-certified the request for an epidural steroid injection \
                citing lack of documentation of radiculopathy on exam.";
    let f = facts(text);
    assert_eq!(
        find(&f, "epidural_steroid").map(|f| f.certainty),
        Some(Certainty::Hypothetical)
    );
    assert!(
        find(&f, "radiculopathy").is_none(),
        "the record's silence is not a negated finding"
    );
    let ur = find(&f, "ur_decision");
    assert_eq!(
        ur.and_then(|f| f.detail.clone()).as_deref(),
        Some("non-certified")
    );
    assert_eq!(
        ur.and_then(|f| f.date).map(|d| d.date),
        Some(ymd(2016, 11, 2))
    );

    assert_eq!(
        certainty(
            "The request for 12 sessions of physical therapy was denied.",
            "physical_therapy"
        ),
        Some(Certainty::Hypothetical)
    );
    assert_eq!(
        certainty(
            "Chiropractic care is not medically necessary.",
            "chiropractic"
        ),
        Some(Certainty::Hypothetical)
    );
    assert_eq!(
        certainty(
            "Utilization review denied the MRI due to no red flags.",
            "red_flag"
        ),
        None
    );
    // Outside review language, a denial is the patient's.
    assert_eq!(
        certainty("He denied bowel or bladder incontinence.", "bowel_bladder"),
        Some(Certainty::Negated)
    );
    assert_eq!(
        certainty("There were no red flags.", "red_flag"),
        Some(Certainty::Negated)
    );
}

#[test]
fn functional_improvement_documented_or_absent() {
    assert_eq!(
        certainty(
            "Acupuncture provided functional improvement.",
            "functional_improvement"
        ),
        Some(Certainty::Affirmed)
    );
    assert!(
        find(
            &facts("Prior acupuncture provided functional improvement."),
            "functional_improvement"
        )
        .is_some_and(Fact::is_positive)
    );
    assert_eq!(
        certainty(
            "She reported no functional improvement with therapy.",
            "functional_improvement"
        ),
        Some(Certainty::Negated)
    );
    assert_eq!(
        certainty(
            "Physical therapy was tried without benefit.",
            "functional_improvement"
        ),
        Some(Certainty::Negated)
    );
    // The record's silence is not a documented absence.
    assert_eq!(
        certainty(
            "There was no documentation of functional improvement from prior therapy.",
            "functional_improvement"
        ),
        None
    );
    // ...but the therapy it mentions did happen.
    assert_eq!(
        certainty(
            "There was no documentation of functional improvement from prior physical therapy.",
            "physical_therapy"
        ),
        Some(Certainty::Historical)
    );
}

#[test]
fn treatments_done_planned_and_historical() {
    let f = facts(
        "She is status post L4-5 microdiscectomy in 2012. She completed 18 visits of physical therapy. \
                   The plan is to request lumbar fusion. Acupuncture x 6 is recommended.",
    );
    let disc = find(&f, "discectomy");
    assert_eq!(disc.map(|f| f.certainty), Some(Certainty::Historical));
    assert_eq!(disc.and_then(|f| f.detail.clone()).as_deref(), Some("L4-5"));
    assert_eq!(
        disc.and_then(|f| f.date).map(|d| (d.date, d.precision)),
        Some((ymd(2012, 1, 1), DatePrecision::Year))
    );
    let pt = find(&f, "physical_therapy");
    assert_eq!(pt.and_then(|f| f.value), Some(18.0));
    assert_eq!(pt.map(|f| f.certainty), Some(Certainty::Historical));
    assert_eq!(
        find(&f, "fusion").map(|f| f.certainty),
        Some(Certainty::Hypothetical)
    );
    let acu = find(&f, "acupuncture");
    assert_eq!(
        acu.map(|f| (f.certainty, f.value)),
        Some((Certainty::Hypothetical, Some(6.0)))
    );
}

#[test]
fn injections_with_relief() {
    let f = facts(
        "A right L5-S1 transforaminal epidural steroid injection on 04/05/2016 gave 60% pain relief for six weeks.",
    );
    let esi = find(&f, "epidural_steroid");
    assert_eq!(esi.map(|f| f.certainty), Some(Certainty::Affirmed));
    assert_eq!(esi.and_then(|f| f.value), Some(60.0));
    assert_eq!(esi.and_then(|f| f.detail.clone()).as_deref(), Some("L5-S1"));
    assert_eq!(esi.and_then(|f| f.side), Some(Side::Right));
    assert_eq!(
        esi.and_then(|f| f.date).map(|d| d.date),
        Some(ymd(2016, 4, 5))
    );
}

#[test]
fn medications_with_strength_and_class() {
    let f = facts(
        "Current medications include Norco 10/325 mg every 6 hours as needed, tramadol ER 150mg daily, \
                   Prilosec 20 mg and Flexeril.",
    );
    let norco = find(&f, "hydrocodone_acetaminophen");
    assert_eq!(
        norco.and_then(|f| f.detail.clone()).as_deref(),
        Some("10/325 mg every 6 hours")
    );
    assert_eq!(norco.and_then(|f| f.value), Some(10.0));
    assert_eq!(
        find(&f, "tramadol")
            .and_then(|f| f.detail.clone())
            .as_deref(),
        Some("150 mg daily")
    );
    assert!(find(&f, "omeprazole").is_some());
    assert!(find(&f, "cyclobenzaprine").is_some());
    assert_eq!(drug_class("hydrocodone_acetaminophen"), Some("opioid"));
    assert_eq!(drug_class("omeprazole"), Some("ppi"));
    assert_eq!(drug_class("cyclobenzaprine"), Some("muscle_relaxant"));
    assert_eq!(drug_class("gabapentin"), Some("antiepileptic"));
    assert_eq!(drug_class("no_such_drug"), None);
}

#[test]
fn pain_scores_work_status_monitoring() {
    let f = facts(
        "Pain was rated 7/10 without medications and 4/10 with medications. \
                   He remains temporarily totally disabled. A urine drug screen on 9/1/16 was consistent. \
                   A signed opioid agreement is on file. CURES was reviewed.",
    );
    let scores: Vec<f64> = f
        .iter()
        .filter(|f| f.kind == FactKind::PainScore)
        .filter_map(|f| f.value)
        .collect();
    assert_eq!(scores, vec![7.0, 4.0]);
    assert_eq!(
        find(&f, "ttd").map(|f| f.certainty),
        Some(Certainty::Affirmed)
    );
    assert_eq!(
        find(&f, "urine_drug_screen")
            .and_then(|f| f.date)
            .map(|d| d.date),
        Some(ymd(2016, 9, 1))
    );
    assert!(find(&f, "opioid_agreement").is_some());
    assert!(find(&f, "cures").is_some());
    // A date is not a pain score.
    assert!(
        facts("Pain was discussed on 10/10/2016.")
            .iter()
            .all(|f| f.kind != FactKind::PainScore)
    );
}

#[test]
fn dates_govern_following_sentences() {
    let f = facts(
        "In a progress report dated 08/12/2016, the worker reported neck pain. \
                   Examination revealed cervical tenderness.\n\nShe uses a TENS unit.",
    );
    let tender = find(&f, "tenderness").and_then(|f| f.date).map(|d| d.date);
    assert_eq!(tender, Some(ymd(2016, 8, 12)));
    assert_eq!(
        find(&f, "tenderness").and_then(|f| f.region),
        Some(BodyRegion::Cervical)
    );
    // A new paragraph falls back to the document date.
    let tens = find(&f, "tens").and_then(|f| f.date).map(|d| d.date);
    assert_eq!(tens, Some(ymd(2016, 10, 10)));
    // Relative dates resolve against the document date.
    let f = facts("She underwent a right knee arthroscopy 2 years ago.");
    let a = find(&f, "arthroscopy").and_then(|f| f.date);
    assert_eq!(
        a.map(|d| (d.date, d.precision)),
        Some((ymd(2014, 1, 1), DatePrecision::Year))
    );
}

#[test]
fn a_date_inside_a_sentence_dates_only_its_event() {
    let f = facts("Her numbness is worse since the MRI of 03/18/2016 showed a disc protrusion.");
    let mri = find(&f, "mri").and_then(|f| f.date).map(|d| d.date);
    assert_eq!(mri, Some(ymd(2016, 3, 18)), "the study's own date");
    let numb = find(&f, "numbness").and_then(|f| f.date).map(|d| d.date);
    assert_eq!(
        numb,
        Some(ymd(2016, 10, 10)),
        "observed on the report's date"
    );
}

#[test]
fn family_history_is_someone_else() {
    let f = facts("Family history of diabetes. She has diabetes herself as well.");
    let subjects: Vec<Subject> = f
        .iter()
        .filter(|f| f.concept == "diabetes")
        .map(|f| f.subject)
        .collect();
    assert_eq!(subjects, vec![Subject::Other, Subject::Patient]);
}

#[test]
fn conditional_and_hypothetical() {
    assert_eq!(
        certainty(
            "If symptoms persist, he would consider carpal tunnel release.",
            "carpal_tunnel_release"
        ),
        Some(Certainty::Hypothetical)
    );
    assert_eq!(
        certainty(
            "A PPI is used to prevent GI bleeding in patients on NSAIDs.",
            "gi_disorder"
        ),
        Some(Certainty::Hypothetical)
    );
    assert_eq!(
        certainty("She has dyspepsia from naproxen.", "gi_disorder"),
        Some(Certainty::Affirmed)
    );
}

#[test]
fn vocabulary_names_every_required_concept() {
    let required = [
        (
            FactKind::ExamFinding,
            &[
                "straight_leg_raise",
                "spurling",
                "hawkins",
                "neer",
                "tinel",
                "phalen",
                "mcmurray",
                "drawer",
                "sensory_deficit",
                "motor_weakness",
                "reflex_change",
                "range_of_motion_limited",
                "tenderness",
                "spasm",
                "antalgic_gait",
            ][..],
        ),
        (
            FactKind::Symptom,
            &[
                "pain",
                "radiating_pain",
                "numbness",
                "tingling",
                "weakness",
                "instability",
                "locking",
            ][..],
        ),
        (
            FactKind::Diagnosis,
            &[
                "radiculopathy",
                "disc_herniation",
                "stenosis",
                "sprain_strain",
                "meniscus_tear",
                "rotator_cuff_tear",
                "impingement",
                "carpal_tunnel",
                "osteoarthritis",
                "neuropathy",
                "fracture",
                "crps",
                "myofascial_pain",
                "depression",
                "insomnia",
                "gi_disorder",
            ][..],
        ),
        (
            FactKind::Imaging,
            &["mri", "ct", "x_ray", "ultrasound", "bone_scan"][..],
        ),
        (FactKind::Electrodiagnostic, &["emg", "ncs"][..]),
        (
            FactKind::Therapy,
            &[
                "physical_therapy",
                "chiropractic",
                "acupuncture",
                "home_exercise",
                "tens",
                "massage",
                "aquatic_therapy",
                "failed_conservative_care",
            ][..],
        ),
        (
            FactKind::Injection,
            &[
                "epidural_steroid",
                "facet",
                "trigger_point",
                "cortisone",
                "prp",
            ][..],
        ),
        (
            FactKind::Surgery,
            &[
                "surgery",
                "fusion",
                "arthroscopy",
                "discectomy",
                "laminectomy",
                "rotator_cuff_repair",
                "carpal_tunnel_release",
                "meniscectomy",
                "arthroplasty",
            ][..],
        ),
        (
            FactKind::Medication,
            &[
                "tramadol",
                "hydrocodone_acetaminophen",
                "oxycodone",
                "cyclobenzaprine",
                "gabapentin",
                "omeprazole",
            ][..],
        ),
        (
            FactKind::FunctionalImprovement,
            &["functional_improvement"][..],
        ),
        (FactKind::PainScore, &["pain_score"][..]),
        (
            FactKind::WorkStatus,
            &["ttd", "modified_duty", "full_duty", "permanent_stationary"][..],
        ),
        (
            FactKind::RedFlag,
            &[
                "red_flag",
                "cauda_equina",
                "infection",
                "tumor",
                "progressive_neuro_deficit",
                "bowel_bladder",
            ][..],
        ),
        (
            FactKind::DrugMonitoring,
            &[
                "urine_drug_screen",
                "cures",
                "opioid_agreement",
                "aberrant_behavior",
            ][..],
        ),
        (FactKind::Demographics, &["age", "sex"][..]),
        (FactKind::InjuryDate, &["injury_date"][..]),
        (
            FactKind::InjuryMechanism,
            &[
                "fall",
                "lifting",
                "motor_vehicle",
                "repetitive",
                "struck",
                "other",
            ][..],
        ),
        (FactKind::Request, &["rfa"][..]),
        (FactKind::UtilizationReview, &["ur_decision"][..]),
    ];
    let vocab = vocabulary();
    for (kind, concepts) in required {
        for c in concepts {
            assert!(vocab.contains(&(kind, *c)), "missing {kind:?} {c}");
        }
    }
    let mut seen = std::collections::HashSet::new();
    for entry in vocab {
        assert!(seen.insert(*entry), "duplicate {entry:?}");
    }
}

#[test]
fn extract_case_keeps_document_order_and_ids() {
    let mut case = Case::new();
    let mut a = doc("Knee pain.", None);
    a.id = DocId(1);
    let mut b = doc("Neck pain.", None);
    b.id = DocId(2);
    case.documents = vec![a, b];
    let f = extract_case(&case);
    let docs: Vec<DocId> = f.iter().map(|f| f.doc).collect();
    assert_eq!(docs, vec![DocId(1), DocId(2)]);
    assert_eq!(f.first().and_then(|f| f.region), Some(BodyRegion::Knee));
}

#[test]
fn hostile_input_never_panics() {
    for text in [
        "",
        "\n\n\x0c",
        "é-\n10-",
        "5/",
        "ﬁ 10/10/10/10 ——— (((",
        "no no no not without",
        "L4-",
        "x 99999999999999999999 visits",
    ] {
        let _ = facts(text);
    }
    let long = "Pain 7/10. ".repeat(2000);
    assert_eq!(
        facts(&long)
            .iter()
            .filter(|f| f.kind == FactKind::PainScore)
            .count(),
        2000
    );
}
