//! The one table of keyboard shortcuts. Menus show the same bindings, and
//! the settings page lists them, so a key is defined in exactly one place.

use egui::{Key, KeyboardShortcut, Modifiers};

/// Something the keyboard (or a menu) can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Shortcut {
    Open,
    Save,
    SaveAs,
    Export,
    Undo,
    Redo,
    NextItem,
    PreviousItem,
    NextCriterion,
    PreviousCriterion,
    AnswerMet,
    AnswerNotMet,
    AnswerNotDocumented,
    Search,
    ZoomIn,
    ZoomOut,
    ToggleTraining,
    TogglePresentation,
}

/// Whether a binding may fire while a text field has the keyboard: command
/// keys with Ctrl do; bare keys (1, 2, 3, J, K) would eat typing, so they don't.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Anywhere,
    OutsideText,
}

const CTRL: Modifiers = Modifiers::COMMAND;
const CTRL_SHIFT: Modifiers = Modifiers {
    alt: false,
    ctrl: false,
    shift: true,
    mac_cmd: false,
    command: true,
};

/// Every binding: action, keys, scope, and the words a reviewer reads.
pub const TABLE: &[(Shortcut, KeyboardShortcut, Scope, &str)] = &[
    (
        Shortcut::Open,
        KeyboardShortcut::new(CTRL, Key::O),
        Scope::Anywhere,
        "Open a case or review",
    ),
    (
        Shortcut::SaveAs,
        KeyboardShortcut::new(CTRL_SHIFT, Key::S),
        Scope::Anywhere,
        "Save review as…",
    ),
    (
        Shortcut::Save,
        KeyboardShortcut::new(CTRL, Key::S),
        Scope::Anywhere,
        "Save review",
    ),
    (
        Shortcut::Export,
        KeyboardShortcut::new(CTRL, Key::E),
        Scope::Anywhere,
        "Export the letter",
    ),
    (
        Shortcut::Redo,
        KeyboardShortcut::new(CTRL_SHIFT, Key::Z),
        Scope::Anywhere,
        "Redo",
    ),
    (
        Shortcut::Undo,
        KeyboardShortcut::new(CTRL, Key::Z),
        Scope::OutsideText,
        "Undo",
    ),
    (
        Shortcut::Redo,
        KeyboardShortcut::new(CTRL, Key::Y),
        Scope::Anywhere,
        "Redo",
    ),
    (
        Shortcut::NextItem,
        KeyboardShortcut::new(CTRL, Key::ArrowDown),
        Scope::Anywhere,
        "Next disputed item",
    ),
    (
        Shortcut::PreviousItem,
        KeyboardShortcut::new(CTRL, Key::ArrowUp),
        Scope::Anywhere,
        "Previous disputed item",
    ),
    (
        Shortcut::NextCriterion,
        KeyboardShortcut::new(Modifiers::NONE, Key::J),
        Scope::OutsideText,
        "Next criterion",
    ),
    (
        Shortcut::PreviousCriterion,
        KeyboardShortcut::new(Modifiers::NONE, Key::K),
        Scope::OutsideText,
        "Previous criterion",
    ),
    (
        Shortcut::AnswerMet,
        KeyboardShortcut::new(Modifiers::NONE, Key::Num1),
        Scope::OutsideText,
        "Answer: met",
    ),
    (
        Shortcut::AnswerNotMet,
        KeyboardShortcut::new(Modifiers::NONE, Key::Num2),
        Scope::OutsideText,
        "Answer: not met",
    ),
    (
        Shortcut::AnswerNotDocumented,
        KeyboardShortcut::new(Modifiers::NONE, Key::Num3),
        Scope::OutsideText,
        "Answer: not documented",
    ),
    (
        Shortcut::Search,
        KeyboardShortcut::new(CTRL, Key::F),
        Scope::Anywhere,
        "Search the documents",
    ),
    (
        Shortcut::ZoomIn,
        KeyboardShortcut::new(CTRL, Key::Equals),
        Scope::Anywhere,
        "Zoom the timeline in",
    ),
    (
        Shortcut::ZoomOut,
        KeyboardShortcut::new(CTRL, Key::Minus),
        Scope::Anywhere,
        "Zoom the timeline out",
    ),
    (
        Shortcut::ToggleTraining,
        KeyboardShortcut::new(CTRL_SHIFT, Key::T),
        Scope::Anywhere,
        "Toggle training mode",
    ),
    (
        Shortcut::TogglePresentation,
        KeyboardShortcut::new(Modifiers::NONE, Key::F5),
        Scope::Anywhere,
        "Toggle presentation mode",
    ),
];

/// The first binding of an action, formatted for a menu ("Ctrl+S").
pub fn label(ctx: &egui::Context, action: Shortcut) -> String {
    TABLE
        .iter()
        .find(|(a, ..)| *a == action)
        .map(|(_, k, ..)| ctx.format_shortcut(k))
        .unwrap_or_default()
}

/// The actions pressed this frame, consuming their key events. Entries with
/// more modifiers come first in the table so Ctrl+Shift+S is not taken for Ctrl+S.
pub fn pressed(ctx: &egui::Context) -> Vec<Shortcut> {
    let typing = ctx.egui_wants_keyboard_input();
    ctx.input_mut(|input| {
        TABLE
            .iter()
            .filter(|(_, _, scope, _)| !(typing && *scope == Scope::OutsideText))
            .filter(|(_, keys, ..)| input.consume_shortcut(keys))
            .map(|(a, ..)| *a)
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_binding_is_used_twice() {
        for (i, (_, a, ..)) in TABLE.iter().enumerate() {
            for (_, b, ..) in &TABLE[i + 1..] {
                assert!(a != b, "duplicate binding {a:?}");
            }
        }
    }
}
