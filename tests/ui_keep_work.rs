//! Issue 12 in the real window: no work lost (the unsaved prompt before
//! open, new, quit and window close; one autosave per case; a restore offer
//! that names the case), the letter follows the review (an override reaches
//! the exported letter; a stale rationale is asked about at finalize), the
//! letter's header is the signer's, a records folder opens as a case, any
//! path can be saved, and exports go to absolute paths.
#![cfg(feature = "gui")]

mod ui_support;

use std::path::{Path, PathBuf};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use imrdesk::app::{Action, ScriptedDialogs, Settings, Workstation, real_backend};
use imrdesk::assessment::{Answer, Decision};
use imrdesk::case::ItemId;
use imrdesk::review::{Command, RealFs, Status, file};
use ui_support::{harness, wait_for_workers};

fn letter_fixture() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/ingest/letter_variants.txt"
    ))
}

fn demo_folder() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/cases/demo"))
}

fn case_number(h: &Harness<'static, Workstation>) -> Option<String> {
    h.state()
        .open
        .as_ref()
        .and_then(|o| o.review.case.meta.case_number.clone())
}

fn make_dirty(ws: &mut Workstation, note: &str) {
    ws.handle(Action::Review(Command::SetNote {
        item: ItemId(0),
        text: note.into(),
    }));
    assert!(ws.open.as_ref().is_some_and(|o| o.dirty));
}

/// Decides every item as suggested.
fn decide_all(ws: &mut Workstation) {
    let items: Vec<(ItemId, Option<Decision>)> = ws
        .open
        .as_ref()
        .map(|o| {
            o.review
                .items
                .iter()
                .map(|i| {
                    (
                        i.item,
                        o.review.current_suggestion(i.item).map(|s| s.decision),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    for (item, d) in items {
        ws.handle(Action::Review(Command::Decide {
            item,
            decision: Some(d.unwrap_or(Decision::NotMedicallyNecessary)),
        }));
    }
}

/// The first criterion the engine left "not documented", with its question.
fn undocumented_criterion(ws: &Workstation) -> (ItemId, String, String) {
    let open = ws.open.as_ref().expect("a case is open");
    for a in &open.review.analysis.items {
        for c in &a.criteria {
            if c.answer == Answer::NotDocumented {
                return (a.item, c.id.clone(), c.question.trim().to_string());
            }
        }
    }
    panic!("the demo has a criterion the engine could not document")
}

const REASON: &str = "the flexion-extension films of the invented chart show the finding";

fn override_to_met(ws: &mut Workstation) -> (ItemId, String) {
    let (item, criterion, question) = undocumented_criterion(ws);
    ws.handle(Action::Review(Command::SetAnswer {
        item,
        criterion,
        answer: Answer::Met,
        reason: Some(REASON.into()),
    }));
    (item, question)
}

#[test]
fn unsaved_prompt_before_open_new_and_quit() {
    let mut ws = ui_support::in_memory(real_backend(), ui_support::signing_settings());
    ws.open_demo();
    make_dirty(&mut ws, "unsaved work");
    let mut h = harness(ws);
    h.run();

    // New (the demo case): asked, and Cancel keeps everything.
    h.state_mut().push_action(Action::OpenDemo);
    h.run();
    assert!(h.query_by_label("Save changes?").is_some());
    assert!(
        h.query_by_label_contains("Case DEMO-0001 has changes")
            .is_some()
    );
    h.get_by_label("Cancel").click();
    h.run();
    assert!(h.query_by_label("Save changes?").is_none());
    assert!(h.state().open.as_ref().is_some_and(|o| o.dirty));

    // Open: asked; Discard opens the other case.
    h.state_mut().push_action(Action::OpenPath {
        path: letter_fixture(),
        training: false,
    });
    h.run();
    assert!(h.query_by_label("Save changes?").is_some());
    assert!(
        h.state().services.job.is_none(),
        "nothing loads before the answer"
    );
    h.get_by_label("Discard changes").click();
    h.step();
    wait_for_workers(&mut h);
    assert_eq!(case_number(&h).as_deref(), Some("ZZ19-0004321"));

    // Quit: asked; Discard lets the window close.
    make_dirty(h.state_mut(), "more work");
    h.state_mut().push_action(Action::Quit);
    h.run();
    assert!(h.query_by_label("Save changes?").is_some());
    assert!(!h.state().close_now);
    h.get_by_label("Discard changes").click();
    h.run();
    assert!(h.state().close_now && h.state().quit_confirmed);
}

#[test]
fn a_signed_review_is_never_replaced_without_the_prompt() {
    let mut ws = ui_support::in_memory(real_backend(), ui_support::signing_settings());
    ws.open_demo();
    decide_all(&mut ws);
    ws.handle(Action::Finalize);
    ui_support::sign_in_memory(&mut ws);
    assert_eq!(
        ws.open.as_ref().map(|o| o.review.status),
        Some(Status::Finalized),
        "{:?}",
        ws.last_message()
    );
    let mut h = harness(ws);
    h.run();
    h.state_mut().push_action(Action::OpenDemo);
    h.run();
    assert!(
        h.query_by_label_contains("holds a signed review that is not saved")
            .is_some()
    );
}

#[test]
fn window_close_autosaves_first_then_asks() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = ui_support::on_disk(real_backend(), Settings::default(), dir.path());
    ws.open_demo();
    make_dirty(&mut ws, "work before the window closed");
    let target = ws.autosave_target().expect("an autosave target");
    let mut h = harness(ws);
    h.run();
    // The window manager closes the window: the close is held back...
    assert!(!h.state_mut().close_requested());
    // ...but the work is already on disk, whatever happens next.
    let auto = file::autosave_path(&target);
    let saved = file::load(&RealFs, &auto).expect("the exit autosave was written");
    assert_eq!(saved.items[0].note, "work before the window closed");
    h.run();
    assert!(h.query_by_label("Save changes?").is_some());
    h.get_by_label("Discard changes").click();
    h.run();
    assert!(h.state().quit_confirmed);
    assert!(
        h.state_mut().close_requested(),
        "the next close goes through"
    );
}

#[test]
fn two_untitled_cases_never_share_an_autosave() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = ui_support::on_disk(real_backend(), Settings::default(), dir.path());
    ws.open_demo();
    make_dirty(&mut ws, "demo work");
    ws.autosave_now();
    let first = ws.autosave_target().expect("target");
    ws.open_path_blocking(&letter_fixture(), false);
    make_dirty(&mut ws, "letter work");
    ws.autosave_now();
    let second = ws.autosave_target().expect("target");
    assert_ne!(first, second);
    let a = file::load(&RealFs, &file::autosave_path(&first)).expect("first autosave");
    let b = file::load(&RealFs, &file::autosave_path(&second)).expect("second autosave");
    assert_eq!(a.items[0].note, "demo work");
    assert_eq!(b.items[0].note, "letter work");
}

#[test]
fn restore_offer_names_the_case_and_restores_into_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = ui_support::on_disk(real_backend(), Settings::default(), dir.path());
    ws.open_demo();
    make_dirty(&mut ws, "restored note");
    ws.autosave_now();
    drop(ws);

    let mut ws = ui_support::on_disk(real_backend(), Settings::default(), dir.path());
    ws.open_demo();
    let mut h = harness(ws);
    h.run();
    assert!(h.query_by_label("Restore unsaved work?").is_some());
    assert!(
        h.query_by_label_contains("Case DEMO-0001: unsaved work was autosaved on ")
            .is_some()
    );
    h.get_by_label("Restore the autosave").click();
    h.step();
    wait_for_workers(&mut h);
    let open = h.state().open.as_ref().expect("open");
    assert_eq!(open.review.items[0].note, "restored note");
    assert_eq!(open.path, None, "untitled work stays untitled");
    assert!(open.dirty);
}

#[test]
fn override_then_regenerate_reaches_the_exported_letter() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut ws = ui_support::on_disk(real_backend(), ui_support::signing_settings(), dir.path());
    ws.open_demo();
    let (item, question) = override_to_met(&mut ws);
    let index = ws
        .open
        .as_ref()
        .and_then(|o| o.review.items.iter().position(|i| i.item == item))
        .unwrap_or(0);
    ws.handle(Action::SelectItem(index));
    let mut h = harness(ws);
    h.state_mut()
        .push_action(Action::FocusPane(imrdesk::app::Pane::Decision));
    h.run();
    // The decision panel says the rationale no longer follows the answers.
    assert!(
        h.query_by_label_contains("This rationale was drafted before the review changed")
            .is_some()
    );
    h.get_by_label("Regenerate draft").click();
    h.run();
    assert!(
        h.query_by_label_contains("This rationale was drafted before the review changed")
            .is_none()
    );
    let path = dir.path().join("letter.txt");
    h.state_mut().export_to(path.clone());
    let letter = std::fs::read_to_string(&path).expect("exported");
    let flat = letter.split_whitespace().collect::<Vec<_>>().join(" ");
    let expected = format!("{question} Yes. The flexion-extension films");
    assert!(flat.contains(&expected), "{expected:?} in:\n{flat}");
    assert!(
        !flat.contains(&format!(
            "{question} The records provided do not document it"
        )),
        "the old finding is gone"
    );
}

#[test]
fn finalize_with_a_stale_rationale_asks_and_offers_a_new_draft() {
    let mut ws = ui_support::in_memory(real_backend(), ui_support::signing_settings());
    ws.open_demo();
    decide_all(&mut ws);
    let (item, _) = override_to_met(&mut ws);
    ws.handle(Action::Finalize);
    let mut h = harness(ws);
    h.run();
    assert!(h.query_by_label_contains("Your signature covers").is_some());
    assert!(
        h.query_by_label_contains("Some rationales were drafted before the review changed")
            .is_some()
    );
    let lines = h
        .state()
        .open
        .as_ref()
        .map(|o| imrdesk::app::signing_summary(&o.review))
        .unwrap_or_default();
    let override_line = lines
        .iter()
        .find(|l| l.trim_start().starts_with("override:"))
        .expect("the override is listed");
    assert!(override_line.ends_with(&format!("set to met — reason: {REASON}")));
    assert!(
        h.query_all_by_label_contains(REASON).count() >= 2,
        "shown in the dialog"
    );
    assert!(h.query_by_label("Sign with these rationales").is_some());
    h.get_by_label("Regenerate these rationales").click();
    h.run();
    assert!(
        h.state()
            .open
            .as_ref()
            .is_some_and(|o| o.review.rationale_stale(item).is_empty())
    );
    assert!(h.query_by_label("Sign").is_some());
    h.get_by_label(imrdesk::app::ATTESTATION).click();
    h.run();
    let keys = tempfile::tempdir().expect("key folder");
    h.state_mut().services.key_dir = Some(keys.path().to_path_buf());
    h.get_by_label("Sign").click();
    h.run();
    // The passphrase step: the first signature creates the key.
    h.get_by_label("Passphrase:").click();
    h.run();
    h.get_by_label("Passphrase:").type_text("a test passphrase");
    h.run();
    h.get_by_label("Sign and finalize").click();
    h.run();
    assert_eq!(
        h.state().open.as_ref().map(|o| o.review.status),
        Some(Status::Finalized)
    );
}

#[test]
fn missing_credentials_open_settings_at_finalize() {
    let settings = Settings {
        reviewer_name: "Dr. Test Reviewer".into(),
        ..Settings::default()
    };
    let mut ws = ui_support::in_memory(real_backend(), settings);
    ws.open_demo();
    decide_all(&mut ws);
    ws.handle(Action::Finalize);
    assert_eq!(ws.modal, Some(imrdesk::app::Modal::Settings));
}

#[test]
fn the_letter_header_is_the_signers_on_an_imported_published_case() {
    let dir = tempfile::tempdir().expect("temp dir");
    let letter = ui_support::invented_letter(
        "ZZ20-0000777",
        "03/04/2017",
        "01/22/2019",
        "Invented Expert Specialty",
        "Lumbar MRI without contrast",
        "Upheld",
    );
    let path = dir.path().join("published.txt");
    std::fs::write(&path, letter).expect("write");
    let settings = Settings {
        reviewer_name: "Dr. New Signer".into(),
        credentials: "MD, Board Certified in Physical Medicine; licensed in California".into(),
        ..Settings::default()
    };
    let mut ws = ui_support::on_disk(real_backend(), settings, dir.path());
    ws.open_path_blocking(&path, false);
    assert_eq!(
        ws.open
            .as_ref()
            .map(|o| o.review.case.reviewer.specialties.clone()),
        Some(vec!["Invented Expert Specialty".to_string()]),
        "the expert stays in the case as its reference"
    );
    decide_all(&mut ws);
    ws.handle(Action::Finalize);
    ui_support::sign_in_memory(&mut ws);
    let out = dir.path().join("new-letter.txt");
    ws.export_to(out.clone());
    let text = std::fs::read_to_string(&out).expect("exported");
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        text.contains("Specialty: MD, Board Certified in Physical Medicine"),
        "{text}"
    );
    assert!(text.contains("State(s) of licensure: California"), "{text}");
    assert!(
        text.contains("Decision date: 03/02/2026"),
        "the signing date: {text}"
    );
    assert!(!text.contains("Invented Expert Specialty"), "{text}");
    assert!(!text.contains("Decision date: 01/22/2019"), "{text}");
}

/// A copy of the demo records in a folder named `name` under `dir`.
fn records_folder(dir: &Path, name: &std::ffi::OsStr) -> PathBuf {
    let folder = dir.join(name);
    std::fs::create_dir_all(&folder).expect("folder");
    for entry in std::fs::read_dir(demo_folder()).expect("demo records") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), folder.join(entry.file_name())).expect("copy");
    }
    folder
}

#[test]
fn a_records_folder_opens_as_a_case() {
    let dir = tempfile::tempdir().expect("temp dir");
    let folder = records_folder(dir.path(), std::ffi::OsStr::new("worker records"));
    let mut dialogs = ScriptedDialogs::default();
    dialogs.answers.push_back(Some(folder.clone()));
    let ws = ui_support::with_env(
        real_backend(),
        Settings::default(),
        Box::new(RealFs),
        dialogs,
        Some(dir.path().join("autosave")),
    );
    let mut h = harness(ws);
    h.run();
    h.get_by_label("File").click();
    h.run();
    h.get_by_label("Open records folder…").click();
    h.run();
    h.step();
    wait_for_workers(&mut h);
    let open = h
        .state()
        .open
        .as_ref()
        .expect("the folder opened as a case");
    assert_eq!(open.origin.as_deref(), Some(folder.as_path()));
    assert_eq!(open.review.items.len(), 6);
    assert!(
        h.state().library.rows.is_empty(),
        "not read as a case library"
    );
}

#[cfg(unix)]
#[test]
fn a_review_of_a_non_utf8_folder_saves_to_a_non_utf8_path_and_reopens() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().expect("temp dir");
    let folder = records_folder(dir.path(), std::ffi::OsStr::from_bytes(b"caf\xe9 records"));
    let mut ws = ui_support::on_disk(real_backend(), Settings::default(), dir.path());
    ws.open_path_blocking(&folder, false);
    make_dirty(&mut ws, "kept across a non-UTF-8 path");
    let path = dir
        .path()
        .join(std::ffi::OsStr::from_bytes(b"r\xe9view.imrreview"));
    ws.save_to(path.clone());
    assert!(
        ws.last_message().is_some_and(|m| !m.error),
        "{:?}",
        ws.last_message()
    );
    let mut again = ui_support::on_disk(real_backend(), Settings::default(), dir.path());
    again.open_path_blocking(&path, false);
    let open = again.open.as_ref().expect("reopened");
    assert_eq!(open.review.items[0].note, "kept across a non-UTF-8 path");
    assert!(
        open.review
            .case
            .documents
            .iter()
            .all(|d| d.origin.as_deref().is_none_or(|o| o.starts_with(&folder))),
        "document origins keep their exact bytes"
    );
    // The settings keep the path too.
    let settings = ron::to_string(&again.settings).expect("settings serialise");
    let back: Settings = ron::from_str(&settings).expect("settings parse");
    assert_eq!(back.recent, again.settings.recent);
}

#[test]
fn export_goes_to_an_absolute_path_in_the_last_folder() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut dialogs = ScriptedDialogs::default();
    dialogs
        .answers
        .push_back(Some(PathBuf::from("typed-letter.txt")));
    let settings = Settings {
        last_folder: Some(dir.path().to_path_buf()),
        ..Settings::default()
    };
    let mut ws = ui_support::with_env(
        real_backend(),
        settings,
        Box::new(RealFs),
        dialogs,
        Some(dir.path().join("autosave")),
    );
    ws.open_demo();
    let proposed = ws.proposed_path(imrdesk::app::DialogKind::ExportLetter);
    assert!(proposed.is_absolute() && proposed.starts_with(dir.path()));
    let mut h = harness(ws);
    h.state_mut()
        .push_action(Action::StartDialog(imrdesk::app::DialogKind::ExportLetter));
    h.run();
    let written = dir.path().join("typed-letter.txt");
    assert!(
        written.is_file(),
        "written in the last folder, not the working folder"
    );
    let full = written.display().to_string();
    assert!(
        h.state().messages.iter().any(|m| m.text.contains(&full)),
        "the message names the full path {full}"
    );
}

#[test]
fn the_case_summary_is_edited_in_the_window_with_undo() {
    let mut ws = ui_support::in_memory(real_backend(), Settings::default());
    ws.open_demo();
    let before = ws
        .open
        .as_ref()
        .map(|o| o.review.summary.clone())
        .unwrap_or_default();
    // The window dates the demo to the clock: its last progress report,
    // written 10/10/2016, falls on 01/24/2026.
    assert!(before.contains("01/24/2026"), "{before}");
    let mut h = harness(ws);
    h.run();
    let label = "Edit the drafted summary; every finding names its report and date";
    h.get_by_label(label).focus();
    h.run();
    h.get_by_label(label).type_text(" Invented addition.");
    h.run();
    let summary = h
        .state()
        .open
        .as_ref()
        .map(|o| o.review.summary.clone())
        .unwrap_or_default();
    assert!(summary.contains("Invented addition."), "{summary}");
    let open = h.state_mut().open.as_mut().expect("open");
    assert!(open.letter_preview().contains("Invented addition."));
    assert!(
        open.review
            .audit
            .iter()
            .any(|a| a.action == "Clinical case summary edited")
    );
    h.state_mut()
        .handle(Action::Shortcut(imrdesk::app::Shortcut::Undo));
    assert_eq!(
        h.state().open.as_ref().map(|o| o.review.summary.clone()),
        Some(before)
    );
}

#[test]
fn the_override_dialog_names_the_question_not_the_id() {
    let mut ws = ui_support::in_memory(real_backend(), ui_support::signing_settings());
    ws.open_demo();
    let (item, criterion, question) = undocumented_criterion(&ws);
    ws.handle(Action::SetAnswer {
        item,
        criterion: criterion.clone(),
        answer: Answer::Met,
    });
    let mut h = harness(ws);
    h.run();
    assert!(h.query_by_label("Reason for the override").is_some());
    let shown = question.trim_end_matches('?');
    assert!(
        h.query_by_label_contains(&format!("set \"{shown}\" to"))
            .is_some(),
        "the dialog asks about {shown:?}"
    );
    assert!(
        h.query_by_label_contains(&format!("set \"{criterion}\" to"))
            .is_none(),
        "the dialog does not show the id {criterion:?}"
    );
}
