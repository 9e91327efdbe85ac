//! Decisions on invented cases, one general rule each: what the guideline
//! supports, IMR's as-requested rule, partial certifications, rentals.

use imrdesk::assessment::Decision;
use imrdesk::case::{
    Case, DisputedItem, DocId, Document, DocumentKind, ItemId, PartialCertification,
};
use imrdesk::engine::analyze;
use imrdesk::guideline::Library;

fn case(summary: &str, items: &[&str]) -> Case {
    let mut c = Case::new();
    c.documents.push(Document {
        id: DocId(0),
        kind: DocumentKind::CaseSummary,
        title: "Clinical case summary".into(),
        date: None,
        text: summary.to_string(),
        origin: None,
        page_starts: vec![0],
    });
    c.items = items
        .iter()
        .enumerate()
        .map(|(i, t)| DisputedItem {
            id: ItemId(i as u32),
            text: t.to_string(),
            partial: None,
            depends_on: None,
        })
        .collect();
    c
}

fn decisions(c: &Case) -> Vec<Decision> {
    let lib = Library::builtin().expect("library");
    analyze(c, &lib)
        .items
        .iter()
        .map(|i| i.suggestion.decision)
        .collect()
}

#[test]
fn lumbar_mri_needs_nerve_compromise_failed_care_and_a_surgical_plan() {
    let supported = case(
        "The worker has leg pain after a fall at work. Straight leg raise was positive on the right with decreased sensation in the L5 dermatome. \
         Symptoms persist despite physical therapy and medications. The spine surgeon is considering surgery.",
        &["MRI of the lumbar spine"],
    );
    assert_eq!(decisions(&supported), vec![Decision::MedicallyNecessary]);
    let not_supported = case(
        "The worker has low back pain after lifting. There were no red flags. Neurologic examination was normal.",
        &["MRI of the lumbar spine"],
    );
    assert_eq!(
        decisions(&not_supported),
        vec![Decision::NotMedicallyNecessary]
    );
}

#[test]
fn red_flags_alone_support_spinal_imaging() {
    let c = case(
        "She reports new bowel incontinence and saddle anesthesia since yesterday.",
        &["MRI of the lumbar spine"],
    );
    assert_eq!(decisions(&c), vec![Decision::MedicallyNecessary]);
}

#[test]
fn knee_mri_after_acute_trauma_with_mechanical_signs() {
    let c = case(
        "He twisted his knee at work last week. The knee gives way and there is locking. There is a large effusion and McMurray's test was positive.",
        &["MRI of the right knee"],
    );
    assert_eq!(decisions(&c), vec![Decision::MedicallyNecessary]);
}

#[test]
fn therapy_over_the_trial_is_declined_as_a_whole_with_the_alternative() {
    let c = case(
        "She strained her neck lifting a tray. Examination showed limited range of motion.",
        &[
            "Physical therapy 3 times a week for 4 weeks for the cervical spine",
            "Physical therapy 2 times a week for 3 weeks for the cervical spine",
        ],
    );
    let lib = Library::builtin().expect("library");
    let a = analyze(&c, &lib);
    assert_eq!(
        a.items[0].suggestion.decision,
        Decision::NotMedicallyNecessary
    );
    let alt = a.items[0]
        .suggestion
        .alternative
        .clone()
        .unwrap_or_default();
    assert!(alt.contains("6 visits"), "{alt}");
    assert_eq!(
        a.items[1].suggestion.decision,
        Decision::MedicallyNecessary,
        "an initial trial of 6"
    );
}

#[test]
fn partial_certification_remainder_needs_improvement_from_the_certified_part() {
    let mut c = case(
        "She strained her neck lifting a tray. Examination showed limited range of motion.",
        &["Physical therapy 4 sessions for the cervical spine"],
    );
    c.items[0].partial = Some(PartialCertification {
        original: "Physical therapy 8 sessions for the cervical spine".into(),
        authorized: "Physical therapy 4 sessions for the cervical spine".into(),
        disputed: "Physical therapy 4 sessions for the cervical spine".into(),
    });
    assert_eq!(decisions(&c), vec![Decision::NotMedicallyNecessary]);
}

#[test]
fn not_recommended_classes_and_open_ended_requests_are_declined() {
    let c = case(
        "Chronic low back pain for two years with neuropathic leg pain. Gabapentin was not tolerated.",
        &[
            "Compound cream gabapentin 10% cyclobenzaprine 2% 240 grams",
            "Therapeutic ultrasound 2 times a week for 3 weeks",
            "Hospital bed rental",
        ],
    );
    assert_eq!(decisions(&c), vec![Decision::NotMedicallyNecessary; 3]);
    let lib = Library::builtin().expect("library");
    let a = analyze(&c, &lib);
    assert!(
        a.items[2].suggestion.reasons[0].contains("rental period"),
        "{:?}",
        a.items[2].suggestion.reasons
    );
}

#[test]
fn ppi_follows_gastrointestinal_risk_with_nsaid_use() {
    let with_risk = case(
        "Current medications include naproxen. She has a history of peptic ulcer.",
        &["Omeprazole 20 mg #30"],
    );
    assert_eq!(decisions(&with_risk), vec![Decision::MedicallyNecessary]);
    let without = case(
        "Current medications include naproxen. She denies gastrointestinal complaints.",
        &["Omeprazole 20 mg #30"],
    );
    assert_eq!(decisions(&without), vec![Decision::NotMedicallyNecessary]);
}

/// Every certifying branch of every guideline is reached by a fixture built
/// from its tree: its criteria answered as the branch asks (met, or denied
/// where it asks that a finding is not shown), everything else undocumented.
#[test]
fn every_decision_branch_is_reached_by_its_fixture() {
    use imrdesk::assessment::Answer;
    use imrdesk::engine::{ReviewMode, decide_branches, evaluate};
    let lib = Library::builtin().expect("library");
    let mut reached = 0;
    for g in lib.guidelines() {
        for (n, b) in g.decision.certify.iter().enumerate() {
            let leaves = b.when.leaves();
            let answer_of = |id: &str| -> Answer {
                match leaves.iter().find(|(l, _)| *l == id) {
                    Some((_, false)) => Answer::Met,
                    Some((_, true)) => Answer::NotMet,
                    None => Answer::NotDocumented,
                }
            };
            let e = evaluate(&b.when, &answer_of);
            assert_eq!(e.answer, Answer::Met, "{} branch {}", g.id, n + 1);
            assert!(!e.assumed, "{} branch {}: firm answers", g.id, n + 1);
            let s = decide_branches(g, &answer_of, ReviewMode::Imr);
            assert_eq!(
                s.decision,
                Decision::MedicallyNecessary,
                "{} branch {}",
                g.id,
                n + 1
            );
            // With its first criterion reversed the branch no longer certifies.
            let (first, negated) = leaves[0];
            let flipped = |id: &str| -> Answer {
                if id == first {
                    if negated { Answer::Met } else { Answer::NotMet }
                } else {
                    answer_of(id)
                }
            };
            assert_eq!(
                evaluate(&b.when, &flipped).answer,
                Answer::NotMet,
                "{} branch {}",
                g.id,
                n + 1
            );
            reached += 1;
        }
    }
    assert!(reached >= 90, "branches reached {reached}");
}

/// Kleene logic: "not documented" is never read as "no"; an exclusion the
/// records are silent on certifies only as a borderline assumption.
#[test]
fn not_documented_propagates_through_the_tree() {
    use imrdesk::assessment::Answer;
    use imrdesk::engine::evaluate;
    use imrdesk::guideline::Node;
    let is = |id: &str| Node::Is(id.to_string());
    let answer_of = |id: &str| match id {
        "yes" => Answer::Met,
        "no" => Answer::NotMet,
        _ => Answer::NotDocumented,
    };
    let ev = |n: &Node| evaluate(n, &answer_of).answer;
    assert_eq!(
        ev(&Node::Not(Box::new(is("unknown")))),
        Answer::NotDocumented
    );
    assert_eq!(
        ev(&Node::All(vec![is("yes"), is("unknown")])),
        Answer::NotDocumented
    );
    assert_eq!(
        ev(&Node::All(vec![is("no"), is("unknown")])),
        Answer::NotMet
    );
    assert_eq!(
        ev(&Node::Any(vec![is("no"), is("unknown")])),
        Answer::NotDocumented
    );
    assert_eq!(ev(&Node::Any(vec![is("yes"), is("unknown")])), Answer::Met);
    assert_eq!(
        ev(&Node::AtLeast(2, vec![is("yes"), is("unknown"), is("no")])),
        Answer::NotDocumented
    );
    assert_eq!(
        ev(&Node::AtLeast(2, vec![is("yes"), is("no"), is("no")])),
        Answer::NotMet
    );
    let silent = evaluate(&Node::NotShown("unknown".into()), &answer_of);
    assert_eq!(silent.answer, Answer::Met);
    assert!(silent.assumed, "an unstated exclusion is an assumption");
    assert_eq!(ev(&Node::NotShown("yes".into())), Answer::NotMet);
}
