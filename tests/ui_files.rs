//! Files in the real window: drag and drop, the restore offer for a newer
//! autosave, the trainer's case library, export through the consistency
//! checks (refused with the item named), the remembered dialog folder, and
//! copying one rationale to the clipboard.
#![cfg(feature = "gui")]

mod ui_support;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use egui::Key;
use egui_kittest::kittest::{NodeT, Queryable};
use imrdesk::app::{Action, Pane, ScriptedDialogs, Settings, Workstation, real_backend};
use imrdesk::assessment::Decision;
use imrdesk::case::ItemId;
use imrdesk::review::{Command, MemoryFs, Mode, Status, file};
use ui_support::{harness, wait_for_workers};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/ingest"
    ))
    .join(name)
}

fn case_number(h: &egui_kittest::Harness<'static, Workstation>) -> Option<String> {
    h.state()
        .open
        .as_ref()
        .and_then(|o| o.review.case.meta.case_number.clone())
}

#[test]
fn dropping_a_letter_onto_the_window_opens_it() {
    let mut ws = ui_support::in_memory(real_backend(), Settings::default());
    ws.open_demo();
    let mut h = harness(ws);
    h.run();
    assert_eq!(case_number(&h).as_deref(), Some("DEMO-0001"));
    h.input_mut()
        .dropped_files
        .push(Arc::new(ui_support::Dropped(fixture(
            "letter_variants.txt",
        ))));
    h.step();
    assert!(
        h.state().services.job.is_some(),
        "the drop starts a background load"
    );
    wait_for_workers(&mut h);
    assert_eq!(case_number(&h).as_deref(), Some("ZZ19-0004321"));
    // The case bar names the dropped case and the status bar says it opened.
    assert!(h.query_all_by_label("ZZ19-0004321").next().is_some());
    assert!(h.query_by_label_contains("Opened ").is_some());
    let n = h.state().open.as_ref().map_or(0, |o| o.review.items.len());
    assert_eq!(n, 5, "every item of the dropped letter");
}

/// Saves the demo review in `dir`, then changes it and autosaves, so the
/// autosave is newer than the saved file (as after a crash).
fn saved_with_newer_autosave(dir: &Path) -> PathBuf {
    let mut ws = ui_support::on_disk(real_backend(), Settings::default(), dir);
    ws.open_demo();
    let path = dir.join("worker.imrreview");
    ws.save_to(path.clone());
    assert!(path.is_file(), "saved");
    ws.handle(Action::Review(Command::SetNote {
        item: ItemId(0),
        text: "work after the last save".into(),
    }));
    // File times have coarse resolution on some filesystems.
    std::thread::sleep(std::time::Duration::from_millis(30));
    ws.autosave_now();
    assert!(file::autosave_path(&path).is_file(), "autosaved");
    path
}

fn note_of_first_item(h: &egui_kittest::Harness<'static, Workstation>) -> Option<String> {
    h.state()
        .open
        .as_ref()
        .and_then(|o| o.review.items.first().map(|i| i.note.clone()))
}

/// The workstation after opening a saved review whose autosave is newer:
/// the restore offer is up.
fn opened_with_newer_autosave(
    dir: &Path,
) -> (egui_kittest::Harness<'static, Workstation>, PathBuf) {
    let saved = saved_with_newer_autosave(dir);
    let mut ws = ui_support::on_disk(real_backend(), Settings::default(), dir);
    ws.open_path_blocking(&saved, false);
    let mut h = harness(ws);
    h.run();
    (h, saved)
}

#[test]
fn restore_offer_accepted_restores_the_work() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut h, saved) = opened_with_newer_autosave(dir.path());
    assert!(h.query_by_label("Restore unsaved work?").is_some());
    assert_eq!(note_of_first_item(&h).as_deref(), Some(""));
    h.get_by_label("Restore the autosave").click();
    h.step();
    wait_for_workers(&mut h);
    assert!(h.query_by_label("Restore unsaved work?").is_none());
    assert_eq!(
        note_of_first_item(&h).as_deref(),
        Some("work after the last save")
    );
    let open = h.state().open.as_ref();
    assert!(
        open.is_some_and(|o| o.dirty),
        "restored work is not yet saved"
    );
    assert_eq!(
        open.and_then(|o| o.path.clone()),
        Some(saved),
        "saving writes the original file, not the autosave"
    );
}

#[test]
fn restore_offer_declined_keeps_the_saved_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut h, saved) = opened_with_newer_autosave(dir.path());
    h.get_by_label("Ignore it").click();
    h.run();
    assert!(h.query_by_label("Restore unsaved work?").is_none());
    assert_eq!(note_of_first_item(&h).as_deref(), Some(""));
    let open = h.state().open.as_ref();
    assert!(open.is_some_and(|o| !o.dirty));
    assert_eq!(open.and_then(|o| o.path.clone()), Some(saved));
}

const LETTERS: [(&str, &str, &str, &str, &str, &str); 4] = [
    (
        "ZZ01-0000102",
        "05/06/2016",
        "01/22/2019",
        "Pain Medicine",
        "Tramadol 50mg #60",
        "Upheld",
    ),
    (
        "ZZ01-0000104",
        "09/10/2015",
        "01/25/2019",
        "Physical Medicine & Rehabilitation",
        "Physical therapy 12 visits for the neck",
        "Upheld",
    ),
    (
        "ZZ01-0000101",
        "03/04/2017",
        "01/20/2019",
        "Orthopedic Surgery",
        "MRI of the lumbar spine without contrast",
        "Upheld",
    ),
    (
        "ZZ01-0000103",
        "07/08/2018",
        "01/18/2019",
        "Orthopedic Surgery",
        "Repeat MRI of the lumbar spine",
        "Overturned",
    ),
];

fn visible_case_numbers(h: &egui_kittest::Harness<'static, Workstation>) -> Vec<String> {
    let lib = &h.state().library;
    lib.visible()
        .iter()
        .filter_map(|&i| lib.rows.get(i).map(|r| r.case_number.clone()))
        .collect()
}

#[test]
fn case_library_lists_sorts_filters_and_opens_cases() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (i, (number, injury, decided, specialty, item, outcome)) in LETTERS.iter().enumerate() {
        let text = ui_support::invented_letter(number, injury, decided, specialty, item, outcome);
        std::fs::write(dir.path().join(format!("letter{i}.txt")), text).expect("write letter");
    }
    let mut dialogs = ScriptedDialogs::default();
    dialogs.answers.push_back(Some(dir.path().to_path_buf()));
    let mut ws = ui_support::with_env(
        real_backend(),
        Settings::default(),
        Box::new(MemoryFs::new()),
        dialogs,
        None,
    );
    ws.open_demo();
    let mut h = harness(ws);
    h.run();
    h.state_mut().push_action(Action::FocusPane(Pane::Library));
    h.run();
    h.get_by_label("Open a folder of letters…").click();
    h.step();
    wait_for_workers(&mut h);
    assert!(
        h.state().library.errors.is_empty(),
        "{:?}",
        h.state().library.errors
    );
    assert!(h.query_by_label("4 of 4 letters").is_some());
    for (number, ..) in LETTERS {
        assert!(h.query_by_label(number).is_some(), "row {number}");
    }
    assert!(h.query_by_label_contains("Expert decisions").is_some());
    assert!(h.query_by_label("1 overturned").is_some());
    // Picking a case for the session list, by its accessible name; the
    // rows stay where they were, so the next click lands on the row aimed at.
    let row_before = h.get_by_label("Pick ZZ01-0000101").rect();
    h.get_by_label("Pick ZZ01-0000104").click();
    h.run();
    assert_eq!(h.state().library.chosen.len(), 1);
    assert_eq!(h.get_by_label("Pick ZZ01-0000101").rect(), row_before);
    assert!(h.query_by_label_contains("Session list: 1 case").is_some());
    assert!(h.query_by_label_contains("1 cases").is_none());
    // "Clear list" beside "Next case" asks first; "Keep" keeps the list.
    h.get_by_label("Clear list…").click();
    h.run();
    assert_eq!(
        h.state().library.chosen.len(),
        1,
        "one click clears nothing"
    );
    assert!(h.query_by_label("Clear the session list?").is_some());
    h.get_by_label("Keep").click();
    h.run();
    assert_eq!(h.state().library.chosen.len(), 1);
    assert!(h.query_by_label("Clear the session list?").is_none());

    // Sort by case number, then reverse it.
    h.get_by_label("Case").click();
    h.run();
    assert_eq!(
        visible_case_numbers(&h),
        [
            "ZZ01-0000101",
            "ZZ01-0000102",
            "ZZ01-0000103",
            "ZZ01-0000104"
        ]
    );
    h.get_by_label("Case (ascending)").click();
    h.run();
    assert_eq!(
        visible_case_numbers(&h).first().map(String::as_str),
        Some("ZZ01-0000104")
    );
    assert!(h.query_by_label("Case (descending)").is_some());

    // Filter: every word must match.
    h.get_by_label("Filter:").focus();
    h.run();
    h.get_by_label("Filter:").type_text("lumbar mri");
    h.run();
    assert!(h.query_by_label("2 of 4 letters").is_some());
    assert!(h.query_by_label("ZZ01-0000102").is_none());
    assert!(h.query_by_label("ZZ01-0000103").is_some());

    // Training hides the expert's decisions (the column and the search).
    h.get_by_label("Training (hide expert decisions)").click();
    h.run();
    assert!(h.query_by_label_contains("Expert decisions").is_none());
    assert!(h.query_by_label("1 overturned").is_none());

    // Open a case from the table: it opens as a training exercise.
    h.get_by_label("ZZ01-0000103").click();
    h.step();
    wait_for_workers(&mut h);
    assert_eq!(case_number(&h).as_deref(), Some("ZZ01-0000103"));
    assert_eq!(
        h.state().open.as_ref().map(|o| o.review.mode),
        Some(Mode::Training)
    );
    // A published case was decided long ago: the bar shows when, not a
    // deadline overdue by years.
    h.run();
    assert!(h.query_by_label("Decided 01/18/2019").is_some());
    assert!(h.query_by_label_contains("overdue").is_none());
}

/// Decides every demo item as the engine suggests and gives the knee
/// surgery a rationale about the wrong knee.
fn demo_with_wrong_side(dir: &Path) -> (Workstation, Arc<std::sync::Mutex<Vec<Option<PathBuf>>>>) {
    let mut dialogs = ScriptedDialogs::default();
    let started = dialogs.started_in.clone();
    dialogs.answers.push_back(Some(dir.join("refused.pdf")));
    dialogs.answers.push_back(Some(dir.join("draft.txt")));
    let mut ws = ui_support::with_env(
        real_backend(),
        ui_support::signing_settings(),
        Box::new(imrdesk::review::RealFs),
        dialogs,
        Some(dir.to_path_buf()),
    );
    ws.open_demo();
    let items: Vec<(ItemId, String, Option<Decision>)> = ws
        .open
        .as_ref()
        .map(|o| {
            o.review
                .items
                .iter()
                .map(|i| {
                    let text = o
                        .review
                        .case
                        .items
                        .iter()
                        .find(|c| c.id == i.item)
                        .map(|c| c.text.clone())
                        .unwrap_or_default();
                    let d = o.review.current_suggestion(i.item).map(|s| s.decision);
                    (i.item, text, d)
                })
                .collect()
        })
        .unwrap_or_default();
    let knee = items
        .iter()
        .find(|(_, t, _)| t.contains("knee arthroscopic"))
        .map(|(id, ..)| *id);
    let Some(knee) = knee else {
        panic!("the demo has a knee surgery item: {items:?}")
    };
    for (id, _, d) in &items {
        let decision = if *id == knee {
            Decision::NotMedicallyNecessary
        } else {
            d.unwrap_or(Decision::NotMedicallyNecessary)
        };
        ws.handle(Action::Review(Command::Decide {
            item: *id,
            decision: Some(decision),
        }));
    }
    ws.handle(Action::Review(Command::EditRationale {
        item: knee,
        text: "The left knee shows no mechanical symptoms and no failed course of supervised therapy is documented for the left knee. The request is not medically necessary.".into(),
    }));
    (ws, started)
}

#[test]
fn export_runs_the_consistency_checks_and_names_the_item() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut ws, started) = demo_with_wrong_side(dir.path());
    ws.finalize_with(imrdesk::review::Signer::generate().expect("signing key"));
    assert_eq!(
        ws.open.as_ref().map(|o| o.review.status),
        Some(Status::Finalized),
        "{:?}",
        ws.modal
    );
    let mut h = harness(ws);
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, Key::E);
    h.run();
    // Refused, with the item and the side named; nothing written.
    assert!(
        h.query_by_label("Export refused: the letter is inconsistent")
            .is_some(),
        "{:?} {:?}",
        h.state().modal,
        h.state().last_message()
    );
    // Labels keep their text in the AccessKit value.
    let issue = h
        .query_all_by_label_contains("discusses only the other side")
        .filter_map(|n| n.accesskit_node().value())
        .find(|l| l.starts_with("• Item 5 (Right knee arthroscopic"));
    assert!(
        issue.is_some(),
        "the refusal names the knee item and the wrong side: {:?}",
        h.state().modal
    );
    assert!(!dir.path().join("refused.pdf").exists());
    assert!(h.state().last_message().is_some_and(|m| m.error));
    h.get_by_label("OK").click();
    h.run();

    // Amended (a draft again), the same letter goes out watermarked as a
    // draft: the side warning is shown, the file is written.
    h.state_mut().push_action(Action::Review(Command::Amend {
        reason: "Check the side".into(),
    }));
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, Key::E);
    h.run();
    let draft = dir.path().join("draft.txt");
    assert!(draft.is_file(), "the draft is written");
    let text = std::fs::read_to_string(&draft).unwrap_or_default();
    assert!(text.contains("DRAFT"), "draft watermark");
    assert!(
        h.query_by_label("Exported — please check these points")
            .is_some()
    );
    assert!(
        h.state()
            .last_message()
            .is_some_and(|m| m.text.contains("Draft letter"))
    );
    // The second dialog started in the folder of the first export.
    let folders = started.lock().map(|v| v.clone()).unwrap_or_default();
    assert_eq!(folders.len(), 2);
    assert_eq!(
        folders.get(1).cloned().flatten().as_deref(),
        Some(dir.path())
    );
}

#[test]
fn copy_rationale_puts_that_text_on_the_clipboard() {
    let mut ws = ui_support::in_memory(real_backend(), Settings::default());
    ws.open_demo();
    let mut h = harness(ws);
    h.run();
    h.state_mut().push_action(Action::SelectItem(1));
    h.state_mut().push_action(Action::FocusPane(Pane::Decision));
    h.run();
    let expected = h
        .state()
        .open
        .as_ref()
        .and_then(|o| o.review.items.get(1).map(|i| i.rationale.clone()))
        .unwrap_or_default();
    assert!(!expected.trim().is_empty());
    h.get_by_label("Copy rationale").click();
    h.step();
    let copied: Vec<&String> = h
        .output()
        .platform_output
        .commands
        .iter()
        .filter_map(|c| match c {
            egui::OutputCommand::CopyText(t) => Some(t),
            _ => None,
        })
        .collect();
    assert_eq!(copied, vec![&expected]);
    h.run();
    assert!(
        h.state()
            .last_message()
            .is_some_and(|m| m.text.contains("copied to the clipboard"))
    );
}
