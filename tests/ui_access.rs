//! Every control a reviewer can reach has an accessible name (what a screen
//! reader says and what these tests query by), in every main view, and the
//! keyboard shortcuts the workstation promises are bound and act.
#![cfg(feature = "gui")]

mod ui_support;

use egui::Key;
use egui_kittest::Harness;
use egui_kittest::kittest::NodeT;
use imrdesk::app::{Action, Pane, Settings, Workstation, real_backend, shortcuts};
use imrdesk::review::Mode;

/// Roles a user operates; each needs a name.
fn interactive(role: egui::accesskit::Role) -> bool {
    use egui::accesskit::Role;
    matches!(
        role,
        Role::Button
            | Role::CheckBox
            | Role::RadioButton
            | Role::TextInput
            | Role::MultilineTextInput
            | Role::Link
            | Role::Slider
            | Role::ComboBox
            | Role::Tab
            | Role::MenuItem
            | Role::Switch
    )
}

/// The interactive nodes without a name, as "role at (x, y)".
fn unnamed(h: &Harness<'static, Workstation>) -> Vec<String> {
    let root = h.root();
    root.children_recursive()
        .filter(|n| interactive(n.accesskit_node().role()))
        .filter(|n| {
            let node = n.accesskit_node();
            !node.has_label() && node.value().is_none_or(|v| v.trim().is_empty())
        })
        .map(|n| {
            let node = n.accesskit_node();
            format!("{:?} at {:?}", node.role(), n.rect().center())
        })
        .collect()
}

fn demo() -> Harness<'static, Workstation> {
    let mut ws = ui_support::in_memory(real_backend(), ui_support::signing_settings());
    ws.open_demo();
    let mut h = ui_support::harness(ws);
    h.run();
    h
}

#[test]
fn every_control_in_every_view_has_a_name() {
    let mut h = demo();
    let mut missing = Vec::new();
    let mut seen = 0usize;
    let mut check = |h: &Harness<'static, Workstation>, view: &str| {
        seen += h
            .root()
            .children_recursive()
            .filter(|n| interactive(n.accesskit_node().role()))
            .count();
        missing.extend(unnamed(h).into_iter().map(|m| format!("{view}: {m}")));
    };
    check(&h, "default layout");
    for pane in [
        Pane::Documents,
        Pane::Timeline,
        Pane::Library,
        Pane::Letter,
        Pane::Training,
    ] {
        h.state_mut().push_action(Action::FocusPane(pane));
        h.run();
        check(&h, pane.title());
    }
    // Presentation mode shows one pane at a time.
    h.state_mut().presentation = true;
    for pane in Pane::ALL {
        h.state_mut().push_action(Action::FocusPane(pane));
        h.run();
        check(&h, &format!("presentation, {}", pane.title()));
    }
    h.state_mut().presentation = false;
    // A modal: the override reason.
    h.state_mut()
        .push_action(Action::FocusPane(Pane::Checklist));
    h.run();
    h.key_press(Key::Num3);
    h.run();
    h.key_press(Key::Num2);
    h.run();
    check(&h, "override dialog");
    assert!(
        seen > 60,
        "the views hold many controls ({seen} seen); the walk found them"
    );
    assert!(
        missing.is_empty(),
        "controls without an accessible name:\n{}",
        missing.join("\n")
    );
}

#[test]
fn the_promised_shortcuts_are_bound() {
    use shortcuts::Shortcut;
    // Open, save, undo/redo, next/previous item and criterion, set answer,
    // search, zoom, training and presentation.
    for s in [
        Shortcut::Open,
        Shortcut::Save,
        Shortcut::SaveAs,
        Shortcut::Export,
        Shortcut::Undo,
        Shortcut::Redo,
        Shortcut::NextItem,
        Shortcut::PreviousItem,
        Shortcut::NextCriterion,
        Shortcut::PreviousCriterion,
        Shortcut::AnswerMet,
        Shortcut::AnswerNotMet,
        Shortcut::AnswerNotDocumented,
        Shortcut::Search,
        Shortcut::ZoomIn,
        Shortcut::ZoomOut,
        Shortcut::ToggleTraining,
        Shortcut::TogglePresentation,
    ] {
        assert!(
            shortcuts::TABLE.iter().any(|b| b.command == s),
            "{s:?} has a key"
        );
    }
}

#[test]
fn shortcuts_act_on_the_window() {
    let mut h = demo();
    let cmd = egui::Modifiers::COMMAND;
    // Next item, next criterion.
    h.key_press_modifiers(cmd, Key::ArrowDown);
    h.run();
    assert_eq!(
        h.state().open.as_ref().map(|o| o.view.selected_item),
        Some(1)
    );
    h.key_press_modifiers(cmd, Key::ArrowUp);
    h.run();
    assert_eq!(
        h.state().open.as_ref().map(|o| o.view.selected_item),
        Some(0)
    );
    h.key_press(Key::J);
    h.run();
    assert_eq!(
        h.state().open.as_ref().map(|o| o.view.selected_criterion),
        Some(1)
    );
    h.key_press(Key::K);
    h.run();
    assert_eq!(
        h.state().open.as_ref().map(|o| o.view.selected_criterion),
        Some(0)
    );
    // Search focuses the documents' search field.
    h.key_press_modifiers(cmd, Key::F);
    h.run();
    assert_eq!(h.state().focused_pane, Pane::Documents);
    // Zoom goes to the timeline.
    h.key_press(Key::Escape);
    h.run();
    h.key_press_modifiers(cmd, Key::Equals);
    h.run();
    assert_eq!(h.state().focused_pane, Pane::Timeline);
    // Training and presentation toggle.
    h.key_press_modifiers(egui::Modifiers::COMMAND | egui::Modifiers::SHIFT, Key::T);
    h.run();
    assert_eq!(
        h.state().open.as_ref().map(|o| o.review.mode),
        Some(Mode::Training)
    );
    h.key_press(Key::F5);
    h.run();
    assert!(h.state().presentation);
    // Undo / redo of a decision.
    let mut ws = ui_support::in_memory(real_backend(), Settings::default());
    ws.open_demo();
    let mut h = ui_support::harness(ws);
    h.run();
    let first = h.state().open.as_ref().and_then(|o| o.item_id());
    let Some(first) = first else {
        panic!("the demo has items")
    };
    h.state_mut()
        .push_action(Action::Review(imrdesk::review::Command::Decide {
            item: first,
            decision: Some(imrdesk::assessment::Decision::NotMedicallyNecessary),
        }));
    h.run();
    let decided = |h: &Harness<'static, Workstation>| {
        h.state()
            .open
            .as_ref()
            .and_then(|o| o.review.items.first().and_then(|i| i.decision))
            .is_some()
    };
    assert!(decided(&h));
    h.key_press_modifiers(cmd, Key::Z);
    h.run();
    assert!(!decided(&h), "Ctrl+Z undoes");
    h.key_press_modifiers(cmd, Key::Y);
    h.run();
    assert!(decided(&h), "Ctrl+Y redoes");
}
