//! The review layer without any UI: commands, undo, finalize rules,
//! signatures, autosave/restore and atomic saves.

use std::path::Path;
use std::time::{Duration, SystemTime};

use chrono::{TimeZone, Utc};
use imrdesk::assessment::{
    Analysis, Answer, CriterionResult, Decision, Evidence, GuidelineChoice, ItemAssessment,
    Suggestion,
};
use imrdesk::case::{Case, DisputedItem, DocId, Document, DocumentKind, ItemId};
use imrdesk::fact::Span;
use imrdesk::request::{Category, Request};
use imrdesk::review::file::{self, ReviewFileError};
use imrdesk::review::{
    Command, FileSystem, FixedClock, MemoryFs, Missing, Mode, RealFs, Refusal, ReviewState, Status,
};
use imrdesk::timeline::Timeline;

fn criterion(id: &str, question: &str, answer: Answer) -> CriterionResult {
    CriterionResult {
        id: id.into(),
        question: question.into(),
        answer,
        evidence: vec![Evidence {
            doc: DocId(0),
            span: Span::new(0, 10),
            quote: "Invented quote for the test.".into(),
            date: None,
        }],
        note: String::new(),
    }
}

fn guideline(title: &str) -> Option<GuidelineChoice> {
    Some(GuidelineChoice {
        id: "test-guideline".into(),
        title: title.into(),
        citation: format!("{title}, Section: Test"),
        why: "Chosen for the test.".into(),
    })
}

/// Three invented items: a fusion (not supported), post-operative therapy
/// that depends on it, and a knee MRI (supported).
fn fixture() -> (Case, Analysis) {
    let mut case = Case::new();
    case.meta.case_number = Some("TEST-0001".into());
    case.documents.push(Document {
        id: DocId(0),
        kind: DocumentKind::ProgressReport,
        title: "Progress report".into(),
        date: None,
        text: "The worker reports low back pain after lifting a crate.".into(),
        origin: None,
        page_starts: vec![],
    });
    let texts = [
        "Lumbar fusion L4-5",
        "Post-operative physical therapy 12 visits",
        "MRI right knee",
    ];
    for (i, t) in texts.iter().enumerate() {
        case.items.push(DisputedItem {
            id: ItemId(i as u32),
            text: (*t).into(),
            partial: None,
            depends_on: (i == 1).then_some(ItemId(0)),
        });
    }
    let fusion = ItemAssessment {
        item: ItemId(0),
        request: Request::bare(ItemId(0), texts[0], Category::Surgery),
        guideline: guideline("Fusion test guideline"),
        criteria: vec![
            criterion(
                "instability",
                "Is segmental instability shown?",
                Answer::NotDocumented,
            ),
            criterion("conservative", "Has conservative care failed?", Answer::Met),
        ],
        suggestion: Suggestion {
            decision: Decision::NotMedicallyNecessary,
            reasons: vec!["Instability is not documented.".into()],
            alternative: None,
            strength: imrdesk::assessment::Strength::Clear,
        },
        rationale_draft: "Engine draft for the fusion.".into(),
    };
    let therapy = ItemAssessment {
        item: ItemId(1),
        request: Request::bare(ItemId(1), texts[1], Category::PhysicalTherapy),
        guideline: guideline("Post-operative therapy test guideline"),
        criteria: vec![criterion(
            "surgery",
            "Is the surgery certified?",
            Answer::NotMet,
        )],
        suggestion: Suggestion {
            decision: Decision::NotMedicallyNecessary,
            reasons: vec!["The surgery is not certified.".into()],
            alternative: None,
            strength: imrdesk::assessment::Strength::Clear,
        },
        rationale_draft: "Engine draft for therapy.".into(),
    };
    let mri = ItemAssessment {
        item: ItemId(2),
        request: Request::bare(ItemId(2), texts[2], Category::Imaging),
        guideline: guideline("Knee imaging test guideline"),
        criteria: vec![criterion(
            "mechanical",
            "Are mechanical symptoms documented?",
            Answer::Met,
        )],
        suggestion: Suggestion {
            decision: Decision::MedicallyNecessary,
            reasons: vec!["Mechanical symptoms are documented.".into()],
            alternative: None,
            strength: imrdesk::assessment::Strength::Clear,
        },
        rationale_draft: "Engine draft for the MRI.".into(),
    };
    let analysis = Analysis {
        facts: vec![],
        timeline: Timeline::default(),
        items: vec![fusion, therapy, mri],
        warnings: vec![],
    };
    (case, analysis)
}

fn clock() -> FixedClock {
    FixedClock::new(
        Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
            .single()
            .unwrap_or_default(),
    )
}

fn set(item: u32, criterion: &str, answer: Answer, reason: Option<&str>) -> Command {
    Command::SetAnswer {
        item: ItemId(item),
        criterion: criterion.into(),
        answer,
        reason: reason.map(String::from),
    }
}

fn decide_all(state: &mut ReviewState, clock: &FixedClock) {
    for i in 0..3 {
        let d = state
            .current_suggestion(ItemId(i))
            .map(|s| s.decision)
            .unwrap_or(Decision::NotMedicallyNecessary);
        state
            .apply(
                Command::Decide {
                    item: ItemId(i),
                    decision: Some(d),
                },
                clock,
            )
            .unwrap_or_default();
    }
}

fn finalize(name: &str) -> Command {
    Command::Finalize {
        reviewer_name: name.into(),
        credentials: "MD, Orthopedic Surgery".into(),
        signer: imrdesk::review::Signer::generate().unwrap_or_else(|e| panic!("signer: {e}")),
    }
}

#[test]
fn new_review_starts_from_the_engine() {
    let (case, analysis) = fixture();
    let state = ReviewState::new(case, analysis);
    assert_eq!(state.status, Status::Draft);
    assert_eq!(state.items.len(), 3);
    assert_eq!(state.items[0].criteria[0].answer, Answer::NotDocumented);
    assert_eq!(state.items[0].rationale, "Engine draft for the fusion.");
    assert_eq!(
        state.current_suggestion(ItemId(0)).map(|s| s.decision),
        Some(Decision::NotMedicallyNecessary)
    );
}

#[test]
fn override_changes_suggestion_live_and_dependents_follow() {
    let (case, analysis) = fixture();
    let mut state = ReviewState::new(case, analysis);
    let c = clock();
    // The therapy follows the fusion: both not supported at first.
    assert_eq!(
        state.current_suggestion(ItemId(1)).map(|s| s.decision),
        Some(Decision::NotMedicallyNecessary)
    );
    state
        .apply(
            set(
                0,
                "instability",
                Answer::Met,
                Some("Flexion films show 5 mm slip"),
            ),
            &c,
        )
        .unwrap_or_default();
    assert_eq!(
        state.current_suggestion(ItemId(0)).map(|s| s.decision),
        Some(Decision::MedicallyNecessary)
    );
    assert_eq!(
        state.items[0].criteria[0].override_reason.as_deref(),
        Some("Flexion films show 5 mm slip")
    );
    assert!(state.is_override(ItemId(0), &state.items[0].criteria[0]));
    // Setting the engine's answer back clears the override and its reason.
    state
        .apply(set(0, "instability", Answer::NotDocumented, None), &c)
        .unwrap_or_default();
    assert_eq!(state.items[0].criteria[0].override_reason, None);
    assert_eq!(
        state.current_suggestion(ItemId(0)).map(|s| s.decision),
        Some(Decision::NotMedicallyNecessary)
    );
}

#[test]
fn decision_against_suggestion_is_recorded() {
    let (case, analysis) = fixture();
    let mut state = ReviewState::new(case, analysis);
    let c = clock();
    let r = state.apply(
        Command::Decide {
            item: ItemId(2),
            decision: Some(Decision::NotMedicallyNecessary),
        },
        &c,
    );
    assert!(r.is_ok());
    assert_eq!(
        state.items[2].differs_from_suggestion,
        Some(Decision::MedicallyNecessary)
    );
    let last = state
        .audit
        .last()
        .map(|a| a.action.clone())
        .unwrap_or_default();
    assert!(
        last.contains("the suggestion was medically necessary"),
        "{last}"
    );
}

#[test]
fn undo_redo_and_coalesced_typing() {
    let (case, analysis) = fixture();
    let mut state = ReviewState::new(case, analysis);
    let c = clock();
    assert_eq!(state.apply(Command::Undo, &c), Err(Refusal::NothingToUndo));
    for text in ["T", "Th", "The new text"] {
        state
            .apply(
                Command::EditRationale {
                    item: ItemId(2),
                    text: text.into(),
                },
                &c,
            )
            .unwrap_or_default();
    }
    state
        .apply(
            set(2, "mechanical", Answer::NotMet, Some("Exam normal")),
            &c,
        )
        .unwrap_or_default();
    assert_eq!(state.items[2].criteria[0].answer, Answer::NotMet);
    assert!(state.apply(Command::Undo, &c).is_ok());
    assert_eq!(state.items[2].criteria[0].answer, Answer::Met);
    assert_eq!(state.items[2].rationale, "The new text");
    // The three keystrokes are one step.
    assert!(state.apply(Command::Undo, &c).is_ok());
    assert_eq!(state.items[2].rationale, "Engine draft for the MRI.");
    assert!(!state.items[2].rationale_edited);
    assert!(!state.can_undo());
    assert!(state.apply(Command::Redo, &c).is_ok());
    assert_eq!(state.items[2].rationale, "The new text");
    // The audit log keeps everything, undo included; the three keystrokes
    // are one entry, as they are one undo step.
    assert!(state.audit.iter().any(|a| a.action.starts_with("Undo:")));
    let typed = state
        .audit
        .iter()
        .filter(|a| a.action == "Item #3: rationale edited")
        .count();
    assert_eq!(typed, 1, "{:?}", state.audit);
    assert_eq!(state.audit.len(), 5, "{:?}", state.audit);
    // Entries name the checklist question, not the criterion's id.
    assert!(
        state
            .audit
            .iter()
            .all(|a| !a.action.contains("\"mechanical\"")),
        "{:?}",
        state.audit
    );
}

#[test]
fn undo_is_capped() {
    let (case, analysis) = fixture();
    let mut state = ReviewState::new(case, analysis);
    let c = clock();
    // Decisions are separate steps (typing in one note would be one step).
    for i in 0..(imrdesk::review::UNDO_CAP + 50) {
        state
            .apply(
                Command::Decide {
                    item: ItemId(0),
                    decision: (i % 2 == 0).then_some(Decision::MedicallyNecessary),
                },
                &c,
            )
            .unwrap_or_default();
    }
    let mut undone = 0;
    while state.apply(Command::Undo, &c).is_ok() {
        undone += 1;
    }
    assert_eq!(undone, imrdesk::review::UNDO_CAP);
}

#[test]
fn regenerate_never_silently_overwrites_edits() {
    let (case, analysis) = fixture();
    let mut state = ReviewState::new(case, analysis);
    let c = clock();
    state
        .apply(
            Command::EditRationale {
                item: ItemId(0),
                text: "My own words.".into(),
            },
            &c,
        )
        .unwrap_or_default();
    let regen = |force| Command::RegenerateRationale {
        item: ItemId(0),
        overwrite_edits: force,
    };
    assert_eq!(
        state.apply(regen(false), &c),
        Err(Refusal::RationaleEdited(ItemId(0)))
    );
    assert_eq!(state.items[0].rationale, "My own words.");
    // After an override the draft is rebuilt from the answers.
    state
        .apply(
            set(0, "instability", Answer::Met, Some("Flexion films")),
            &c,
        )
        .unwrap_or_default();
    assert!(state.apply(regen(true), &c).is_ok());
    let text = &state.items[0].rationale;
    assert!(
        text.to_lowercase()
            .starts_with("the request is for lumbar fusion l4-5."),
        "{text}"
    );
    // The overridden criterion cites the reviewer's reason, in a whole sentence.
    assert!(
        text.contains("Is segmental instability shown? Yes. Flexion films."),
        "{text}"
    );
    assert!(
        text.contains("Fusion test guideline, Section: Test"),
        "{text}"
    );
    assert!(!state.items[0].rationale_edited);
}

#[test]
fn finalize_lists_what_is_missing_then_signs_and_locks() {
    let (case, analysis) = fixture();
    let mut state = ReviewState::new(case, analysis);
    let c = clock();
    state
        .apply(set(2, "mechanical", Answer::NotMet, None), &c)
        .unwrap_or_default();
    state
        .apply(
            Command::EditRationale {
                item: ItemId(1),
                text: "   ".into(),
            },
            &c,
        )
        .unwrap_or_default();
    let Err(Refusal::Incomplete(missing)) = state.apply(finalize(""), &c) else {
        panic!("finalize should be refused");
    };
    assert!(missing.contains(&Missing::ItemUndecided(ItemId(0))));
    assert!(missing.contains(&Missing::RationaleEmpty(ItemId(1))));
    let unexplained = missing.iter().find_map(|m| match m {
        Missing::OverrideWithoutReason {
            item: ItemId(2),
            criterion,
            question,
        } => Some((criterion.as_str(), question.as_str())),
        _ => None,
    });
    let Some(("mechanical", question)) = unexplained else {
        panic!("item 2's override without a reason is missing: {missing:?}");
    };
    assert!(
        !question.is_empty() && question != "mechanical",
        "the reviewer is shown the checklist question, not the id: {question}"
    );
    assert!(missing.contains(&Missing::ReviewerName));
    assert_eq!(state.status, Status::Draft);

    state
        .apply(
            Command::SetOverrideReason {
                item: ItemId(2),
                criterion: "mechanical".into(),
                reason: "No locking or catching on exam".into(),
            },
            &c,
        )
        .unwrap_or_default();
    state
        .apply(
            Command::RegenerateRationale {
                item: ItemId(1),
                overwrite_edits: true,
            },
            &c,
        )
        .unwrap_or_default();
    decide_all(&mut state, &c);
    assert!(state.apply(finalize("Dr. Ada Example"), &c).is_ok());
    assert_eq!(state.status, Status::Finalized);
    let sig = state.signature.clone();
    assert!(sig.as_ref().is_some_and(|s| s.content_hash.len() == 64));
    assert!(state.signature_valid());

    // Read-only: every edit refused, nothing changes.
    let before = state.items.clone();
    assert_eq!(
        state.apply(set(0, "conservative", Answer::NotMet, Some("x")), &c),
        Err(Refusal::ReadOnly)
    );
    assert_eq!(state.apply(Command::Undo, &c), Err(Refusal::ReadOnly));
    assert_eq!(state.items, before);

    // Amend reopens it, with a reason in the audit log.
    assert_eq!(
        state.apply(Command::Amend { reason: " ".into() }, &c),
        Err(Refusal::AmendReasonRequired)
    );
    assert!(
        state
            .apply(
                Command::Amend {
                    reason: "Late record received".into()
                },
                &c
            )
            .is_ok()
    );
    assert_eq!(state.status, Status::Amended);
    assert!(state.signature.is_none());
    assert!(
        state
            .audit
            .last()
            .is_some_and(|a| a.action.contains("Late record received"))
    );
    assert!(
        state
            .apply(
                set(0, "conservative", Answer::NotMet, Some("PT not tried")),
                &c
            )
            .is_ok()
    );
    assert_eq!(
        state.apply(
            Command::Amend {
                reason: "again".into()
            },
            &c
        ),
        Err(Refusal::NotFinalized)
    );
}

#[test]
fn training_mode_starts_blank_and_needs_no_reasons() {
    let (case, analysis) = fixture();
    let mut state = ReviewState::new_training(case, analysis);
    let c = clock();
    assert_eq!(state.mode, Mode::Training);
    assert!(state.items.iter().all(|i| i.rationale.is_empty()));
    assert!(
        state.items[0]
            .criteria
            .iter()
            .all(|c| c.answer == Answer::NotDocumented)
    );
    state
        .apply(set(0, "conservative", Answer::NotMet, None), &c)
        .unwrap_or_default();
    let missing = state.missing_for_finalize("Trainee");
    assert!(
        !missing
            .iter()
            .any(|m| matches!(m, Missing::OverrideWithoutReason { .. }))
    );
}

fn finalized_state() -> ReviewState {
    let (case, analysis) = fixture();
    let mut state = ReviewState::new(case, analysis);
    let c = clock();
    decide_all(&mut state, &c);
    state
        .apply(finalize("Dr. Ada Example"), &c)
        .unwrap_or_default();
    state
}

#[test]
fn save_and_load_round_trip_and_verify_signature() {
    let fs = MemoryFs::new();
    let path = Path::new("/reviews/case.imrreview");
    let state = finalized_state();
    assert_eq!(state.status, Status::Finalized);
    file::save(&fs, &state, path).unwrap_or_else(|e| panic!("{e}"));
    let loaded = file::load(&fs, path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(loaded, state);

    // Tamper with a rationale: the signature no longer matches.
    let text = String::from_utf8(fs.read(path).unwrap_or_default()).unwrap_or_default();
    let tampered = text.replacen("Engine draft for the MRI.", "Something else.", 1);
    assert_ne!(tampered, text);
    fs.write_atomic(path, tampered.as_bytes())
        .unwrap_or_default();
    match file::load(&fs, path) {
        Err(e @ ReviewFileError::SignatureMismatch { .. }) => {
            assert!(e.to_string().contains("signature does not match"));
            assert!(e.to_string().contains("case.imrreview"));
        }
        other => panic!("expected a signature mismatch, got {other:?}"),
    }
}

#[test]
fn newer_format_and_malformed_files_are_refused_with_the_file_named() {
    let fs = MemoryFs::new();
    let path = Path::new("/reviews/new.imrreview");
    let text = file::to_ron(&finalized_state(), path).unwrap_or_default();
    // The review's own version comes first (the case inside has its own).
    let current = format!("format_version: {}", imrdesk::review::REVIEW_FORMAT_VERSION);
    let newer = text.replacen(&current, "format_version: 99", 1);
    fs.write_atomic(path, newer.as_bytes()).unwrap_or_default();
    let err = file::load(&fs, path)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        err.contains("newer imrdesk") && err.contains("new.imrreview"),
        "{err}"
    );

    fs.write_atomic(path, b"(format_version: 1,\n  mode: Review,\n  case: [[")
        .unwrap_or_default();
    match file::load(&fs, path) {
        Err(ReviewFileError::Malformed { line, .. }) => assert!(line >= 1),
        other => panic!("expected malformed, got {other:?}"),
    }
    fs.write_atomic(path, &[0xff, 0xfe, 0x00])
        .unwrap_or_default();
    assert!(matches!(
        file::load(&fs, path),
        Err(ReviewFileError::NotUtf8 { .. })
    ));
}

#[test]
fn autosave_is_offered_only_when_newer() {
    let fs = MemoryFs::new();
    let path = Path::new("/reviews/case.imrreview");
    let (case, analysis) = fixture();
    let state = ReviewState::new(case, analysis);
    let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
    fs.set_time(t0);
    file::save(&fs, &state, path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(file::newer_autosave(&fs, path), None);

    fs.set_time(t0 + Duration::from_secs(60));
    let auto = file::autosave(&fs, &state, path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(auto, Path::new("/reviews/case.imrreview.autosave"));
    assert_eq!(file::newer_autosave(&fs, path), Some(auto.clone()));
    assert!(file::load(&fs, &auto).is_ok());

    // Saving again removes the stale autosave.
    fs.set_time(t0 + Duration::from_secs(120));
    file::save(&fs, &state, path).unwrap_or_else(|e| panic!("{e}"));
    assert!(!fs.exists(&auto));
    assert_eq!(file::newer_autosave(&fs, path), None);

    // A never-saved review with an autosave is offered too.
    let fresh = Path::new("/reviews/unsaved.imrreview");
    file::autosave(&fs, &state, fresh).unwrap_or_else(|e| panic!("{e}"));
    assert!(file::newer_autosave(&fs, fresh).is_some());
}

#[test]
fn atomic_save_on_disk_replaces_whole_file_and_leaves_no_temp() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("disk.imrreview");
    let fs = RealFs;
    std::fs::write(&path, "old content").unwrap_or_default();
    let state = finalized_state();
    file::save(&fs, &state, &path).unwrap_or_else(|e| panic!("{e}"));
    let loaded = file::load(&fs, &path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(loaded.signature, state.signature);
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert_eq!(names.len(), 1, "only the review file remains: {names:?}");
    // Saving into a missing directory fails with the path named, and nothing is written.
    let bad = dir.path().join("missing").join("x.imrreview");
    let err = file::save(&fs, &state, &bad)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        err.contains("x.imrreview") || err.contains("missing"),
        "{err}"
    );
}

#[test]
fn training_score_compares_trainee_engine_and_expert() {
    use imrdesk::case::{ExpertOutcome, Reference, ReferenceItem};
    use imrdesk::review::training;
    let (mut case, analysis) = fixture();
    case.reference = Some(Reference {
        items: (0..3)
            .map(|i| ReferenceItem {
                item: ItemId(i),
                outcome: if i == 2 {
                    ExpertOutcome::Overturned
                } else {
                    ExpertOutcome::Upheld
                },
                guideline_line: String::new(),
                claims_administrator_line: None,
                rationale: "Invented expert rationale.".into(),
            })
            .collect(),
    });
    let mut state = ReviewState::new_training(case, analysis);
    let c = clock();
    for (i, d) in [
        Decision::NotMedicallyNecessary,
        Decision::NotMedicallyNecessary,
        Decision::NotMedicallyNecessary,
    ]
    .into_iter()
    .enumerate()
    {
        state
            .apply(
                Command::Decide {
                    item: ItemId(i as u32),
                    decision: Some(d),
                },
                &c,
            )
            .unwrap_or_default();
    }
    let score = training::score(&state);
    assert_eq!(score.points(), (2, 3));
    assert_eq!(score.items[2].engine, Decision::MedicallyNecessary);
    assert_eq!(score.items[2].expert, Some(Decision::MedicallyNecessary));
    assert_eq!(score.items[2].trainee_agrees_with_expert(), Some(false));
    // Trainee left "mechanical" not documented; the engine said met.
    assert_eq!(score.items[2].criteria_agreement(), 0.0);
    let summary = training::summarise(&[score]);
    assert_eq!((summary.agreed, summary.judged), (2, 3));
    assert!((summary.agreement - 2.0 / 3.0).abs() < 1e-9);
    // The trainee said "no" throughout: kappa is 0 (no better than chance).
    assert_eq!(summary.kappa.map(|k| (k * 1000.0).round()), Some(0.0));
}

#[test]
fn typing_an_override_reason_is_one_audit_entry_with_the_final_text() {
    let (case, analysis) = fixture();
    let mut state = ReviewState::new(case, analysis);
    let c = clock();
    state
        .apply(set(2, "mechanical", Answer::NotMet, Some("E")), &c)
        .unwrap_or_default();
    let before = state.audit.len();
    for reason in ["Ex", "Exam", "Exam normal on two visits"] {
        let r = state.apply(
            Command::SetOverrideReason {
                item: ItemId(2),
                criterion: "mechanical".into(),
                reason: reason.into(),
            },
            &c,
        );
        assert!(r.is_ok(), "{r:?}");
    }
    assert_eq!(state.audit.len(), before + 1, "{:?}", state.audit);
    let last = state.audit.last().map(|a| a.action.as_str()).unwrap_or("");
    assert!(last.ends_with(": Exam normal on two visits"), "{last}");
    // One undo step takes the whole typed reason back.
    assert!(state.apply(Command::Undo, &c).is_ok());
    assert_eq!(
        state.items[2].criteria[0].override_reason.as_deref(),
        Some("E")
    );
}
