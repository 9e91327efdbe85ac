//! The keyboard alone: deciding, moving between items, the command palette
//! and finalizing, on the built-in demo case with the real engine.
#![cfg(feature = "gui")]

mod ui_support;

use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable;
use imrdesk::app::{Modal, Workstation, real_backend};
use imrdesk::assessment::Decision;

fn demo() -> Workstation {
    let mut ws = ui_support::in_memory(real_backend(), ui_support::signing_settings());
    ws.open_demo();
    ws.modal = None;
    ws
}

#[test]
fn a_case_is_decided_and_finalized_with_keys_only() {
    let mut h = ui_support::harness(demo());
    h.run();
    let n = h.state().open.as_ref().map_or(0, |o| o.review.items.len());
    assert!(n > 1, "the demo has several items");
    for i in 0..n {
        let key = if i % 2 == 0 { Key::M } else { Key::N };
        h.key_press(key);
        h.run();
        h.key_press_modifiers(Modifiers::COMMAND, Key::ArrowDown);
        h.run();
    }
    let decisions: Vec<_> = h
        .state()
        .open
        .as_ref()
        .map(|o| o.review.items.iter().map(|i| i.decision).collect())
        .unwrap_or_default();
    assert_eq!(decisions[0], Some(Decision::MedicallyNecessary));
    assert_eq!(decisions[1], Some(Decision::NotMedicallyNecessary));
    assert!(decisions.iter().all(Option::is_some), "{decisions:?}");

    // Ctrl+K opens the palette; Escape closes it.
    h.key_press_modifiers(Modifiers::COMMAND, Key::K);
    // The palette's text cursor blinks, so the window never settles.
    h.run_steps(3);
    assert!(h.state().palette.is_some(), "Ctrl+K opens the palette");
    h.key_press(Key::Escape);
    h.run_steps(3);
    assert!(h.state().palette.is_none(), "Escape closes the palette");

    // Ctrl+Enter asks to finalize.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Enter);
    h.run();
    assert!(
        matches!(
            h.state().modal,
            Some(Modal::Finalize { .. }) | Some(Modal::Missing(_))
        ),
        "Ctrl+Enter opens the finalize dialog, got {:?}",
        h.state().modal
    );
}

/// Presses Tab until the widget labelled with one of `labels` has the
/// keyboard focus.
fn tab_to(h: &mut egui_kittest::Harness<'static, Workstation>, labels: &[&str]) {
    for _ in 0..40 {
        if labels
            .iter()
            .any(|l| h.query_by_label(l).is_some_and(|n| n.is_focused()))
        {
            return;
        }
        h.key_press(Key::Tab);
        h.run();
    }
    panic!("Tab never reached {labels:?}");
}

#[test]
fn a_case_goes_from_open_to_a_signed_exported_letter_without_the_mouse() {
    let dir = tempfile::tempdir().expect("temp dir");
    let letter = dir.path().join("determination.txt");
    let mut dialogs = imrdesk::app::ScriptedDialogs::default();
    dialogs.answers.push_back(Some(letter.clone()));
    let mut ws = ui_support::with_env(
        real_backend(),
        ui_support::signing_settings(),
        Box::new(imrdesk::review::RealFs),
        dialogs,
        Some(dir.path().join("autosave")),
    );
    ws.open_demo();
    ws.modal = None;
    ws.services.key_dir = Some(dir.path().join("keys"));
    let mut h = ui_support::harness(ws);
    h.run();
    let n = h.state().open.as_ref().map_or(0, |o| o.review.items.len());
    // Each item decided as the engine suggests (M or N), so the drafted
    // rationales agree with the decisions and the letter can go out.
    for i in 0..n {
        let suggested = h.state().open.as_ref().and_then(|o| {
            let item = o.review.items.get(i)?.item;
            o.review.current_suggestion(item).map(|s| s.decision)
        });
        let key = match suggested {
            Some(Decision::MedicallyNecessary) => Key::M,
            _ => Key::N,
        };
        h.key_press(key);
        h.run();
        h.key_press_modifiers(Modifiers::COMMAND, Key::ArrowDown);
        h.run();
    }
    // Finalize: Tab to the attestation, Space ticks it, Tab to Sign, Space.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Enter);
    h.run();
    assert!(
        matches!(h.state().modal, Some(Modal::Finalize { .. })),
        "{:?}",
        h.state().modal
    );
    tab_to(&mut h, &[imrdesk::app::ATTESTATION]);
    h.key_press(Key::Space);
    h.run();
    assert!(matches!(
        h.state().modal,
        Some(Modal::Finalize { attest: true })
    ));
    // "Sign with these rationales" when a decision changed after the draft.
    tab_to(&mut h, &["Sign", "Sign with these rationales"]);
    h.key_press(Key::Space);
    h.run();
    // The passphrase field has the focus: type, Enter.
    assert!(
        matches!(h.state().modal, Some(Modal::Sign { .. })),
        "{:?}",
        h.state().modal
    );
    h.run();
    h.event(egui::Event::Text("a keyboard passphrase".into()));
    h.run();
    h.key_press(Key::Enter);
    h.run();
    assert_eq!(
        h.state().open.as_ref().map(|o| o.review.status),
        Some(imrdesk::review::Status::Finalized),
        "{:?}",
        h.state().messages
    );
    // Ctrl+E exports the letter where the (scripted) dialog says.
    h.key_press_modifiers(Modifiers::COMMAND, Key::E);
    ui_support::wait_for_workers(&mut h);
    h.run();
    let text = std::fs::read_to_string(&letter).unwrap_or_default();
    assert!(
        text.contains("Signed electronically by the independent physician reviewer"),
        "the exported letter is the signed one: {:?}",
        h.state().messages
    );
    assert!(text.contains("medically necessary"), "{text}");
}
