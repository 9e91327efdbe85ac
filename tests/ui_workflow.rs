//! The real workstation driven through egui_kittest: select, override with
//! a reason, decide, edit, finalize, read-only, amend, training hide/reveal.
#![cfg(feature = "gui")]

mod ui_support;

use chrono::NaiveDate;
use egui::Key;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use imrdesk::app::{Backend, Workstation};
use imrdesk::assessment::{
    Analysis, Answer, CriterionResult, Decision, Evidence, GuidelineChoice, ItemAssessment,
    Suggestion,
};
use imrdesk::case::{
    Case, DisputedItem, DocId, Document, DocumentKind, ExpertOutcome, ItemId, Reference,
    ReferenceItem,
};
use imrdesk::fact::{Certainty, Fact, FactKind, FuzzyDate, Span, Subject};
use imrdesk::review::{Mode, Status};
use imrdesk::timeline::{Lane, Timeline, TimelineEvent};

const REPORT: &str = "Progress report. The patient is a 51-year-old warehouse clerk with low back pain radiating to the left calf.\nExam shows a positive straight leg raise on the left. There is no bowel or bladder change.\nPlan: MRI of the lumbar spine and a course of physical therapy.";

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn span_of(text: &str, needle: &str) -> Span {
    let start = text.find(needle).unwrap_or(0);
    Span::new(start, start + needle.len())
}

/// The fixture is dated as written, whatever day the window asks for.
fn fixture_case_on(_today: NaiveDate) -> Case {
    let mut case = Case::new();
    case.meta.case_number = Some("DEMO-TEST".into());
    case.meta.date_of_injury = Some(day(2025, 6, 3));
    case.meta.application_received = Some(day(2026, 2, 20));
    case.patient.age = Some(51);
    case.documents.push(Document {
        id: DocId(0),
        kind: DocumentKind::ProgressReport,
        title: "Progress report".into(),
        date: Some(day(2026, 1, 12)),
        text: REPORT.into(),
        origin: None,
        page_starts: vec![],
    });
    for (i, t) in ["MRI lumbar spine", "Physical therapy 8 visits lumbar"]
        .iter()
        .enumerate()
    {
        case.items.push(DisputedItem {
            id: ItemId(i as u32),
            text: (*t).into(),
            partial: None,
            depends_on: None,
        });
    }
    case.reference = Some(Reference {
        items: vec![
            ReferenceItem {
                item: ItemId(0),
                outcome: ExpertOutcome::Overturned,
                guideline_line: "Invented guideline line".into(),
                claims_administrator_line: None,
                rationale: "Invented expert reasoning for the test.".into(),
            },
            ReferenceItem {
                item: ItemId(1),
                outcome: ExpertOutcome::Upheld,
                guideline_line: "Invented guideline line".into(),
                claims_administrator_line: None,
                rationale: "Invented expert reasoning for the test.".into(),
            },
        ],
    });
    case
}

fn fixture_analysis(case: &Case, _library: &imrdesk::guideline::Library) -> Analysis {
    let text = REPORT;
    let slr = span_of(
        text,
        "Exam shows a positive straight leg raise on the left.",
    );
    let bowel = span_of(text, "There is no bowel or bladder change.");
    let crit = |id: &str, q: &str, a: Answer, span: Span| CriterionResult {
        id: id.into(),
        question: q.into(),
        answer: a,
        evidence: vec![Evidence {
            doc: DocId(0),
            span,
            quote: span.slice(text).into(),
            date: Some(FuzzyDate::day(day(2026, 1, 12))),
        }],
        note: String::new(),
    };
    let guideline = |t: &str| {
        Some(GuidelineChoice {
            id: format!("test-{t}"),
            title: format!("{t} test guideline"),
            citation: format!("Test volume, Section: {t}"),
            why: "The request names this body part.".into(),
        })
    };
    let items = case
        .items
        .iter()
        .map(|item| {
            let first = item.id == ItemId(0);
            let criteria = if first {
                vec![
                    crit(
                        "neuro",
                        "Is there a focal neurologic finding?",
                        Answer::Met,
                        slr,
                    ),
                    crit(
                        "red-flags",
                        "Is a red flag documented?",
                        Answer::NotMet,
                        bowel,
                    ),
                ]
            } else {
                vec![crit(
                    "trial",
                    "Was a prior therapy trial documented?",
                    Answer::NotDocumented,
                    slr,
                )]
            };
            ItemAssessment {
                item: item.id,
                request: imrdesk::request::parse(item),
                guideline: guideline(if first {
                    "Low back imaging"
                } else {
                    "Physical medicine"
                }),
                criteria,
                suggestion: Suggestion {
                    decision: Decision::NotMedicallyNecessary,
                    reasons: vec!["A criterion is not met.".into()],
                    alternative: None,
                    strength: imrdesk::assessment::Strength::Clear,
                },
                rationale_draft: format!("Engine draft for {}.", item.text),
            }
        })
        .collect();
    let fact = |kind, span: Span, certainty| Fact {
        kind,
        concept: "test_concept".into(),
        doc: DocId(0),
        span,
        sentence: span,
        certainty,
        subject: Subject::Patient,
        date: None,
        region: None,
        side: None,
        value: None,
        detail: None,
    };
    Analysis {
        facts: vec![
            fact(
                FactKind::ExamFinding,
                span_of(text, "positive straight leg raise"),
                Certainty::Affirmed,
            ),
            fact(
                FactKind::RedFlag,
                span_of(text, "bowel or bladder change"),
                Certainty::Negated,
            ),
        ],
        timeline: Timeline {
            events: vec![TimelineEvent {
                date: FuzzyDate::day(day(2026, 1, 12)),
                lane: Lane::Reports,
                label: "Progress report".into(),
                doc: Some(DocId(0)),
                span: Some(slr),
                fact: None,
            }],
        },
        items,
        warnings: vec![],
    }
}

fn backend() -> Backend {
    Backend {
        demo_case: fixture_case_on,
        import: |p| Err(format!("{}: not available in this test", p.display())),
        analyze: fixture_analysis,
    }
}

fn harness() -> Harness<'static, Workstation> {
    let mut ws = ui_support::in_memory(backend(), ui_support::signing_settings());
    ws.open_demo();
    ui_support::harness(ws)
}

fn suggestion(h: &Harness<'_, Workstation>, item: u32) -> Option<Decision> {
    h.state()
        .open
        .as_ref()
        .and_then(|o| o.review.current_suggestion(ItemId(item)))
        .map(|s| s.decision)
}

#[test]
fn starts_on_the_demo_case_with_every_panel() {
    let mut h = harness();
    h.run();
    assert!(h.query_by_label_contains("Items: 2 (0 decided)").is_some());
    assert!(
        h.query_by_label_contains("Due 03/22/2026").is_some(),
        "due date with days left"
    );
    assert!(h.query_by_label_contains("20 days left").is_some());
    for title in [
        "Case summary",
        "Documents",
        "Checklist",
        "Decision & rationale",
    ] {
        assert!(h.query_all_by_label(title).next().is_some(), "{title} tab");
    }
    assert!(
        h.query_by_label_contains("Request: MRI lumbar spine")
            .is_some()
    );
}

#[test]
fn full_review_workflow() {
    let mut h = harness();
    h.run();

    // Select the second item, then back to the first.
    match h
        .get_all_by_label_contains("Item #2: Physical therapy")
        .next()
    {
        Some(n) => n.click(),
        None => panic!("not found: {}", "Item #2: Physical therapy"),
    }
    h.run();
    assert_eq!(
        h.state().open.as_ref().map(|o| o.view.selected_item),
        Some(1)
    );
    assert!(
        h.query_by_label_contains("Request: Physical therapy 8 visits")
            .is_some()
    );
    match h.get_all_by_label_contains("Item #1: MRI lumbar").next() {
        Some(n) => n.click(),
        None => panic!("not found: {}", "Item #1: MRI lumbar"),
    }
    h.run();
    assert_eq!(
        h.state().open.as_ref().map(|o| o.view.selected_item),
        Some(0)
    );

    // Override the red-flag criterion (the second) with the keyboard: J, then 1.
    assert_eq!(suggestion(&h, 0), Some(Decision::NotMedicallyNecessary));
    h.key_press(Key::J);
    h.run();
    assert_eq!(
        h.state().open.as_ref().map(|o| o.view.selected_criterion),
        Some(1)
    );
    h.key_press(Key::Num1);
    h.run();
    assert!(
        h.query_by_label_contains("Reason for the override")
            .is_some()
    );
    h.get_by_label("Reason:")
        .type_text("Cauda equina symptoms in the ER note");
    h.run();
    h.get_by_label("Override").click();
    h.run();
    let review = &h.state().open.as_ref().map(|o| o.review.clone());
    let c = review
        .as_ref()
        .and_then(|r| r.items.first())
        .and_then(|i| i.criteria.get(1));
    assert_eq!(c.map(|c| c.answer), Some(Answer::Met));
    assert_eq!(
        c.and_then(|c| c.override_reason.clone()).as_deref(),
        Some("Cauda equina symptoms in the ER note")
    );
    // The suggested decision follows at once.
    assert_eq!(suggestion(&h, 0), Some(Decision::MedicallyNecessary));
    assert!(
        h.query_by_label_contains("changed by your answers")
            .is_some()
    );

    // Decide the first item.
    match h
        .get_all_by_label("Medically necessary (the denial is overturned)")
        .next()
    {
        Some(n) => n.click(),
        None => panic!(
            "not found: {}",
            "Medically necessary (the denial is overturned)"
        ),
    }
    h.run();
    let decided = h
        .state()
        .open
        .as_ref()
        .and_then(|o| o.review.items.first())
        .and_then(|i| i.decision);
    assert_eq!(decided, Some(Decision::MedicallyNecessary));

    // Edit the rationale.
    let editor = h.get_by_label("Rationale text for the letter");
    editor.focus();
    h.run();
    h.get_by_label("Rationale text for the letter")
        .type_text(" Reviewed in full.");
    h.run();
    let item0 = h
        .state()
        .open
        .as_ref()
        .and_then(|o| o.review.items.first().cloned());
    assert!(item0.as_ref().is_some_and(|i| i.rationale_edited));
    assert!(
        item0
            .as_ref()
            .is_some_and(|i| i.rationale.contains("Reviewed in full.")),
        "{:?}",
        item0.map(|i| i.rationale)
    );

    // Finalize too early: the missing list is shown.
    h.get_by_label("Finalize and sign").click();
    h.run();
    assert!(
        h.query_by_label_contains("cannot be finalized yet")
            .is_some()
    );
    assert!(h.query_by_label_contains("Item #2: no decision").is_some());
    h.get_by_label("OK").click();
    h.run();

    // Decide the second item through the keyboard-selected tab and finalize.
    h.key_press_modifiers(egui::Modifiers::COMMAND, Key::ArrowDown);
    h.run();
    match h
        .get_all_by_label("Not medically necessary (the denial is upheld)")
        .next()
    {
        Some(n) => n.click(),
        None => panic!(
            "not found: {}",
            "Not medically necessary (the denial is upheld)"
        ),
    }
    h.run();
    let keys = tempfile::tempdir().expect("key folder");
    h.state_mut().services.key_dir = Some(keys.path().to_path_buf());
    h.get_by_label("Finalize and sign").click();
    h.run();
    // The dialog says what is signed and asks for the attestation first.
    assert!(h.query_by_label_contains("Your signature covers").is_some());
    assert!(
        h.query_by_label_contains("rationale: edited by you")
            .is_some()
    );
    assert_eq!(
        h.state().open.as_ref().map(|o| o.review.status),
        Some(Status::Draft),
        "nothing is signed before the attestation"
    );
    h.get_by_label(imrdesk::app::ATTESTATION).click();
    h.run();
    // The first decision differs from the drafted rationale's, so the
    // dialog asks whether to sign the rationale as it stands.
    match h.query_by_label("Sign") {
        Some(sign) => sign.click(),
        None => h.get_by_label("Sign with these rationales").click(),
    }
    h.run();
    // The first finalize creates the signing key under the passphrase.
    h.get_by_label("Passphrase:").click();
    h.run();
    h.get_by_label("Passphrase:").type_text("a test passphrase");
    h.run();
    h.get_by_label("Sign and finalize").click();
    h.run();
    let status = h.state().open.as_ref().map(|o| o.review.status);
    assert_eq!(status, Some(Status::Finalized));
    assert!(
        h.query_by_label_contains("Signed by Dr. Test Reviewer")
            .is_some()
    );

    // Read-only: keys and buttons change nothing.
    let before = h.state().open.as_ref().map(|o| o.review.items.clone());
    h.key_press(Key::Num2);
    h.run();
    assert!(h.query_by_label("Reason for the override").is_none());
    assert_eq!(
        h.state().open.as_ref().map(|o| o.review.items.clone()),
        before
    );
    assert!(
        h.state()
            .last_message()
            .is_some_and(|m| m.error && m.text.contains("read-only"))
    );

    // Amend.
    h.get_by_label("Amend…").click();
    h.run();
    h.get_by_label("Reason for the amendment:").focus();
    h.run();
    h.get_by_label("Reason for the amendment:")
        .type_text("Late imaging report");
    h.run();
    h.get_by_label("Reopen for amendment").click();
    h.run();
    let open = h.state().open.as_ref();
    assert_eq!(open.map(|o| o.review.status), Some(Status::Amended));
    assert!(open.is_some_and(|o| {
        o.review
            .audit
            .iter()
            .any(|a| a.action.contains("Late imaging report"))
    }));
}

#[test]
fn evidence_click_scrolls_documents_to_the_sentence() {
    let mut h = harness();
    h.run();
    match h
        .get_all_by_label_contains("“Exam shows a positive straight leg raise")
        .next()
    {
        Some(n) => n.click(),
        None => panic!("not found: {}", "“Exam shows a positive straight leg raise"),
    }
    h.run();
    let focus = h.state().open.as_ref().and_then(|o| o.view.focus);
    assert_eq!(focus.map(|f| f.0), Some(DocId(0)));
    // Documents panel is now the active tab and shows the fact highlights.
    assert!(
        h.query_all_by_label("positive straight leg raise")
            .next()
            .is_some()
    );
}

#[test]
fn training_mode_hides_then_reveals() {
    let mut h = harness();
    h.run();
    assert!(h.query_all_by_label_contains("Engine: ").next().is_some());
    h.get_by_label("Training mode").click();
    h.run();
    assert_eq!(
        h.state().open.as_ref().map(|o| o.review.mode),
        Some(Mode::Training)
    );
    assert!(
        h.query_all_by_label_contains("Engine: ").next().is_none(),
        "engine answers hidden"
    );
    assert!(
        h.query_by_label_contains("hidden in training mode")
            .is_some()
    );
    assert!(
        h.query_by_label_contains("Engine draft").is_none(),
        "no engine draft"
    );
    // Decide both as not necessary, then reveal.
    for i in 0..2u32 {
        h.state_mut().push_action(imrdesk::app::Action::Review(
            imrdesk::review::Command::Decide {
                item: ItemId(i),
                decision: Some(Decision::NotMedicallyNecessary),
            },
        ));
    }
    h.run();
    h.state_mut().push_action(imrdesk::app::Action::FocusPane(
        imrdesk::app::Pane::Training,
    ));
    h.run();
    h.get_by_label("Reveal engine and expert").click();
    h.run();
    assert!(
        h.query_by_label_contains("Score: 1 of 2 items match the expert")
            .is_some()
    );
    assert!(h.query_all_by_label("Expert").next().is_some());
    h.get_by_label("Add this case to the session summary")
        .click();
    h.run();
    assert_eq!(h.state().session.len(), 1);
    assert!(h.query_by_label_contains("Cohen's kappa").is_some());
    // Training off restores the review.
    h.get_by_label("Training mode: on").click();
    h.run();
    assert_eq!(
        h.state().open.as_ref().map(|o| o.review.mode),
        Some(Mode::Review)
    );
}

#[test]
fn presentation_mode_changes_theme_not_panels() {
    let mut h = harness();
    h.run();
    let body = h.state().theme().body_size;
    h.key_press(Key::F5);
    h.run();
    assert!(h.state().presentation);
    assert!(h.state().theme().body_size > body);
    assert_eq!(h.state().theme().name, "Presentation");
}

#[test]
fn save_opens_path_field_when_no_dialog_and_autosaves() {
    let mut h = harness();
    h.run();
    // Any edit makes the review dirty.
    h.key_press(Key::Num3);
    h.run();
    h.get_by_label("Cancel").click();
    h.run();
    h.state_mut().push_action(imrdesk::app::Action::Review(
        imrdesk::review::Command::SetNote {
            item: ItemId(0),
            text: "check the ER note".into(),
        },
    ));
    h.run();
    assert!(h.state().open.as_ref().is_some_and(|o| o.dirty));
    h.state_mut().autosave_now();
    assert!(h.state().last_message().is_none_or(|m| !m.error));
    // The scripted dialog has no answer queued: the save is cancelled quietly.
    h.key_press_modifiers(egui::Modifiers::COMMAND, Key::S);
    h.run();
    assert!(h.state().open.as_ref().is_some_and(|o| o.dirty));
}
