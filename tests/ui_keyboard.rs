//! The keyboard alone: deciding, moving between items, the command palette
//! and finalizing, on the built-in demo case with the real engine.
#![cfg(feature = "gui")]

mod ui_support;

use egui::{Key, Modifiers};
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
