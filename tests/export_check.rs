//! The consistency checks: each one caught on a letter made wrong on
//! purpose, and none raised on the clean invented case.

mod export_support;

use export_support::*;
use imrdesk::assessment::Decision;
use imrdesk::case::ItemId;
use imrdesk::export::{IssueKind, Severity, blocks_final, check};

fn kinds(issues: &[imrdesk::export::ConsistencyIssue]) -> Vec<IssueKind> {
    issues.iter().map(|i| i.kind).collect()
}

#[test]
fn clean_letter_has_no_issue() {
    let issues = check(&signed(), &case());
    assert!(issues.is_empty(), "{issues:#?}");
    // A draft is allowed to be unsigned.
    assert!(check(&draft(), &case()).is_empty());
}

#[test]
fn unsigned_final_is_an_error() {
    let mut c = draft();
    c.draft = false;
    let issues = check(&c, &case());
    assert_eq!(kinds(&issues), vec![IssueKind::UnfinalizedAsFinal]);
    assert!(blocks_final(&issues));
}

#[test]
fn wrong_spinal_region_is_named_with_its_item() {
    let mut c = signed();
    c.items[0].rationale = "The request is for an MRI of the cervical spine. Neck pain is mild. \
        Therefore the request is not medically necessary."
        .into();
    let issues = check(&c, &case());
    assert_eq!(kinds(&issues), vec![IssueKind::RegionMismatch]);
    assert_eq!(issues[0].item, Some(ItemId(0)));
    assert!(
        issues[0]
            .message
            .starts_with("Item 1 (MRI of the lumbar spine"),
        "{}",
        issues[0].message
    );
    assert!(issues[0].message.contains("cervical spine"));
    assert_eq!(issues[0].severity, Severity::Error);
}

#[test]
fn wrong_side_is_caught() {
    let mut c = signed();
    c.items[1].rationale = c.items[1].rationale.replace("right", "left");
    let issues = check(&c, &case());
    assert_eq!(kinds(&issues), vec![IssueKind::SideMismatch]);
    assert_eq!(issues[0].item, Some(ItemId(1)));
}

#[test]
fn wrong_spinal_level_is_caught() {
    let mut c = signed();
    c.items[0].text = "Lumbar epidural steroid injection at L4-5".into();
    c.items[0].rationale = "The request is for an injection in the lumbar spine at L5-S1. \
        Radiculopathy is not shown. Therefore the request is not medically necessary."
        .into();
    let issues = check(&c, &case());
    assert_eq!(kinds(&issues), vec![IssueKind::LevelMismatch]);
    assert!(issues[0].message.contains("L4-L5") && issues[0].message.contains("L5-S1"));
    // The same level written another way is no mismatch.
    c.items[0].rationale = c.items[0].rationale.replace("L5-S1", "L4-L5");
    assert!(check(&c, &case()).is_empty());
}

#[test]
fn decision_contradicting_the_conclusion_is_caught() {
    let mut c = signed();
    c.items[2].decision = Decision::MedicallyNecessary;
    let issues = check(&c, &case());
    assert_eq!(
        kinds(&issues),
        vec![IssueKind::DecisionContradictsRationale]
    );
    assert!(issues[0].message.contains("Item 3"));

    let mut c = signed();
    c.items[2].rationale =
        "Cyclobenzaprine helps her sleep and work. The request is medically necessary.".into();
    let issues = check(&c, &case());
    assert_eq!(
        kinds(&issues),
        vec![IssueKind::DecisionContradictsRationale]
    );
}

#[test]
fn missing_citation_and_conclusion_are_warnings() {
    let mut c = signed();
    c.items[2].guideline = None;
    c.items[2].rationale = "Cyclobenzaprine was taken for months.".into();
    let issues = check(&c, &case());
    assert_eq!(
        kinds(&issues),
        vec![IssueKind::NoCitation, IssueKind::NoConclusion]
    );
    assert!(!blocks_final(&issues));
    c.items[2].rationale.clear();
    assert_eq!(
        kinds(&check(&c, &case())),
        vec![IssueKind::NoCitation, IssueKind::EmptyRationale]
    );
}

#[test]
fn dates_missing_from_the_case_are_caught() {
    let mut c = signed();
    c.items[0].rationale = RATIONALE_MRI.replace("09/02/2016", "09/03/2016");
    let issues = check(&c, &case());
    assert_eq!(kinds(&issues), vec![IssueKind::UnknownDate]);
    assert!(issues[0].message.contains("09/03/2016"));
    // Dates written in a record count, in any common form.
    c.items[0].rationale = RATIONALE_MRI.replace("09/02/2016", "January 10, 2016");
    assert!(
        check(&c, &case()).is_empty(),
        "the pharmacy printout has 01/10/2016"
    );
    c.items[0].rationale = RATIONALE_MRI.replace("09/02/2016", "9-2-16");
    assert!(check(&c, &case()).is_empty());
}

#[test]
fn pain_ranges_and_scores_are_not_dates() {
    use imrdesk::export::check::dates_in;
    assert!(dates_in("pain 5-10/10, worse at night; 7/10 today").is_empty());
    assert_eq!(dates_in("seen 11/07/14 and 10-13-2016").len(), 2);
    assert!(dates_in("on 02/30/2016").is_empty(), "no such day");
}

#[test]
fn negations_a_few_words_before_the_verdict_count() {
    use imrdesk::export::check::conclusion;
    for s in [
        "The request is determined to not be medically necessary.",
        "It cannot be deemed medically necessary at this time.",
        "The request does not appear medically necessary.",
        "Therefore the injection is not considered medically necessary.",
    ] {
        assert_eq!(conclusion(s).map(|c| c.0), Some(false), "{s}");
    }
    for s in [
        "The patient did not improve with rest. The request is medically necessary.",
        "Therefore the MRI is supported and is medically necessary.",
    ] {
        assert_eq!(conclusion(s).map(|c| c.0), Some(true), "{s}");
    }
    assert_eq!(conclusion("She was seen in clinic."), None);
}

#[test]
fn limb_requests_cover_every_region_along_the_limb() {
    let mut c = signed();
    c.items[0].text = "EMG/NCV of the bilateral upper extremities".into();
    c.items[0].request.as_mut().unwrap().region = Some(imrdesk::fact::BodyRegion::Cervical);
    c.items[0].rationale = "Numbness of the hands suggests carpal tunnel syndrome. Therefore the \
        study is not medically necessary."
        .into();
    assert!(check(&c, &case()).is_empty());
    // A limb request still may not drift to the other limb.
    c.items[0].rationale =
        "The knee exam is normal. Therefore the study is not medically necessary.".into();
    assert_eq!(kinds(&check(&c, &case())), vec![IssueKind::RegionMismatch]);
}
