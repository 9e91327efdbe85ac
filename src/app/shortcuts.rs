//! The command table, in the manner of rerun's `UICommand`: every command a
//! reviewer can give has its text, its tooltip and its keyboard bindings
//! here, and nowhere else. Menus, the help sheet, hover hints and the
//! command palette (Ctrl+K) all read this table, so a key or a wording is
//! defined in exactly one place.

use egui::{Key, KeyboardShortcut, Modifiers};

use super::Pane;

/// A command the keyboard, a menu or the command palette can give.
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
    /// Decide the selected item: medically necessary (certify).
    DecideCertify,
    /// Decide the selected item: not medically necessary.
    DecideNotCertify,
    Finalize,
    Reveal,
    Search,
    ZoomIn,
    ZoomOut,
    ToggleTraining,
    TogglePresentation,
    CommandPalette,
    Focus(Pane),
}

/// The name of the command rerun-style code expects.
pub type UICommand = Shortcut;

/// Whether a binding may fire while a text field has the keyboard: command
/// keys with Ctrl do; bare keys (1, 2, 3, J, K, M, N) would eat typing, so they don't.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Anywhere,
    OutsideText,
}

impl Scope {
    /// Whether two scopes can be active at the same moment (outside a text
    /// field both are), so a key bound in both would be ambiguous.
    pub fn overlaps(self, other: Scope) -> bool {
        self == other || self == Scope::Anywhere || other == Scope::Anywhere
    }
}

const CTRL: Modifiers = Modifiers::COMMAND;
const CTRL_SHIFT: Modifiers = Modifiers {
    alt: false,
    ctrl: false,
    shift: true,
    mac_cmd: false,
    command: true,
};
const NONE: Modifiers = Modifiers::NONE;
const ALT: Modifiers = Modifiers::ALT;

/// One keyboard binding of a command.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub command: Shortcut,
    pub keys: KeyboardShortcut,
    pub scope: Scope,
}

const fn bind(command: Shortcut, modifiers: Modifiers, key: Key, scope: Scope) -> Binding {
    Binding {
        command,
        keys: KeyboardShortcut::new(modifiers, key),
        scope,
    }
}

use Scope::{Anywhere, OutsideText};

/// Every binding. Entries with more modifiers come first so Ctrl+Shift+S is
/// not taken for Ctrl+S when the events are consumed.
pub const TABLE: &[Binding] = &[
    bind(Shortcut::Open, CTRL, Key::O, Anywhere),
    bind(Shortcut::SaveAs, CTRL_SHIFT, Key::S, Anywhere),
    bind(Shortcut::Save, CTRL, Key::S, Anywhere),
    bind(Shortcut::Export, CTRL, Key::E, Anywhere),
    bind(Shortcut::Redo, CTRL_SHIFT, Key::Z, Anywhere),
    bind(Shortcut::Undo, CTRL, Key::Z, OutsideText),
    bind(Shortcut::Redo, CTRL, Key::Y, Anywhere),
    bind(Shortcut::NextItem, CTRL, Key::ArrowDown, Anywhere),
    bind(Shortcut::PreviousItem, CTRL, Key::ArrowUp, Anywhere),
    bind(Shortcut::NextCriterion, NONE, Key::J, OutsideText),
    bind(Shortcut::PreviousCriterion, NONE, Key::K, OutsideText),
    bind(Shortcut::AnswerMet, NONE, Key::Num1, OutsideText),
    bind(Shortcut::AnswerNotMet, NONE, Key::Num2, OutsideText),
    bind(Shortcut::AnswerNotDocumented, NONE, Key::Num3, OutsideText),
    bind(Shortcut::DecideCertify, NONE, Key::M, OutsideText),
    bind(Shortcut::DecideNotCertify, NONE, Key::N, OutsideText),
    bind(Shortcut::Finalize, CTRL, Key::Enter, Anywhere),
    bind(Shortcut::Reveal, CTRL_SHIFT, Key::R, Anywhere),
    bind(Shortcut::Search, CTRL, Key::F, Anywhere),
    bind(Shortcut::ZoomIn, CTRL, Key::Equals, Anywhere),
    bind(Shortcut::ZoomOut, CTRL, Key::Minus, Anywhere),
    bind(Shortcut::ToggleTraining, CTRL_SHIFT, Key::T, Anywhere),
    bind(Shortcut::TogglePresentation, NONE, Key::F5, Anywhere),
    bind(Shortcut::CommandPalette, CTRL, Key::K, Anywhere),
    bind(Shortcut::Focus(Pane::Checklist), ALT, Key::Num1, Anywhere),
    bind(Shortcut::Focus(Pane::Documents), ALT, Key::Num2, Anywhere),
    bind(Shortcut::Focus(Pane::Decision), ALT, Key::Num3, Anywhere),
    bind(Shortcut::Focus(Pane::Timeline), ALT, Key::Num4, Anywhere),
    bind(Shortcut::Focus(Pane::Summary), ALT, Key::Num5, Anywhere),
    bind(Shortcut::Focus(Pane::Letter), ALT, Key::Num6, Anywhere),
    bind(Shortcut::Focus(Pane::Training), ALT, Key::Num7, Anywhere),
    bind(Shortcut::Focus(Pane::Library), ALT, Key::Num8, Anywhere),
];

impl Shortcut {
    /// Every command, in the order the help sheet and the palette list them.
    pub fn all() -> Vec<Shortcut> {
        let mut all = vec![
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
            Shortcut::DecideCertify,
            Shortcut::DecideNotCertify,
            Shortcut::Finalize,
            Shortcut::Reveal,
            Shortcut::Search,
            Shortcut::ZoomIn,
            Shortcut::ZoomOut,
            Shortcut::ToggleTraining,
            Shortcut::TogglePresentation,
            Shortcut::CommandPalette,
        ];
        all.extend(Pane::ALL.map(Shortcut::Focus));
        all
    }

    /// The words a menu entry or the palette shows.
    pub fn text(self) -> String {
        match self {
            Shortcut::Open => "Open a case or review…".into(),
            Shortcut::Save => "Save review".into(),
            Shortcut::SaveAs => "Save review as…".into(),
            Shortcut::Export => "Export the letter…".into(),
            Shortcut::Undo => "Undo".into(),
            Shortcut::Redo => "Redo".into(),
            Shortcut::NextItem => "Next disputed item".into(),
            Shortcut::PreviousItem => "Previous disputed item".into(),
            Shortcut::NextCriterion => "Next criterion".into(),
            Shortcut::PreviousCriterion => "Previous criterion".into(),
            Shortcut::AnswerMet => "Answer: met".into(),
            Shortcut::AnswerNotMet => "Answer: not met".into(),
            Shortcut::AnswerNotDocumented => "Answer: not documented".into(),
            Shortcut::DecideCertify => "Decide: medically necessary".into(),
            Shortcut::DecideNotCertify => "Decide: not medically necessary".into(),
            Shortcut::Finalize => "Finalize and sign…".into(),
            Shortcut::Reveal => "Reveal engine and expert (training)".into(),
            Shortcut::Search => "Search the documents".into(),
            Shortcut::ZoomIn => "Zoom the timeline in".into(),
            Shortcut::ZoomOut => "Zoom the timeline out".into(),
            Shortcut::ToggleTraining => "Toggle training mode".into(),
            Shortcut::TogglePresentation => "Toggle presentation mode".into(),
            Shortcut::CommandPalette => "Command palette".into(),
            Shortcut::Focus(p) => format!("Go to: {}", p.title()),
        }
    }

    /// The longer explanation shown on hover.
    pub fn tooltip(self) -> &'static str {
        match self {
            Shortcut::Open => "Open a letter, a records folder or a saved review",
            Shortcut::Save => "Write the review to its file (asks where the first time)",
            Shortcut::SaveAs => "Write the review to a new file",
            Shortcut::Export => "Export the determination letter (text, HTML, PDF, DOCX, FHIR)",
            Shortcut::Undo => "Undo the last change to the review",
            Shortcut::Redo => "Redo the change last undone",
            Shortcut::NextItem | Shortcut::PreviousItem => {
                "Move between the disputed items; the checklist and decision start at the top"
            }
            Shortcut::NextCriterion | Shortcut::PreviousCriterion => {
                "Move between the selected item's criteria"
            }
            Shortcut::AnswerMet | Shortcut::AnswerNotMet | Shortcut::AnswerNotDocumented => {
                "Answer the selected criterion; overriding the engine asks for a reason"
            }
            Shortcut::DecideCertify | Shortcut::DecideNotCertify => {
                "Record your decision on the selected item"
            }
            Shortcut::Finalize => "Check every item is decided and sign the determination",
            Shortcut::Reveal => {
                "Training: show the engine's suggestions and the expert's decisions"
            }
            Shortcut::Search => "Find words in the case documents",
            Shortcut::ZoomIn | Shortcut::ZoomOut => "Change the timeline's scale",
            Shortcut::ToggleTraining => {
                "Hide the engine's suggestions and the expert's decisions until you reveal them"
            }
            Shortcut::TogglePresentation => "Large type, high contrast, one panel, no identifiers",
            Shortcut::CommandPalette => "Find any command by typing part of its name",
            Shortcut::Focus(_) => "Show this panel and give it the keyboard",
        }
    }

    /// The first binding of the command.
    pub fn keys(self) -> Option<KeyboardShortcut> {
        TABLE.iter().find(|b| b.command == self).map(|b| b.keys)
    }
}

/// The first binding of a command, formatted for a menu ("Ctrl+S"); empty
/// when the command has none.
pub fn label(ctx: &egui::Context, action: Shortcut) -> String {
    action
        .keys()
        .map(|k| ctx.format_shortcut(&k))
        .unwrap_or_default()
}

/// The first binding of a command as text, for messages written outside a
/// frame (no `egui::Context` at hand); the same form as [`label`] on Linux.
pub fn keys_text(action: Shortcut) -> String {
    action
        .keys()
        .map(|k| k.format(&egui::ModifierNames::NAMES, false))
        .unwrap_or_default()
}

/// A hint for hover texts: the tooltip with the keys in brackets.
pub fn hint(ctx: &egui::Context, action: Shortcut) -> String {
    let keys = label(ctx, action);
    if keys.is_empty() {
        action.tooltip().to_string()
    } else {
        format!("{} ({keys})", action.tooltip())
    }
}

/// The commands pressed this frame, consuming their key events.
pub fn pressed(ctx: &egui::Context) -> Vec<Shortcut> {
    let typing = ctx.egui_wants_keyboard_input();
    ctx.input_mut(|input| {
        TABLE
            .iter()
            .filter(|b| !(typing && b.scope == Scope::OutsideText))
            .filter(|b| input.consume_shortcut(&b.keys))
            .map(|b| b.command)
            .collect()
    })
}

/// How well `query` matches `text` as a fuzzy subsequence (case-insensitive):
/// `None` when some query character is missing; higher is better (adjacent
/// and word-start matches score more).
pub fn fuzzy_score(query: &str, text: &str) -> Option<i32> {
    let text: Vec<char> = text.to_lowercase().chars().collect();
    let mut score = 0;
    let mut at = 0;
    let mut last: Option<usize> = None;
    for q in query.to_lowercase().chars().filter(|c| !c.is_whitespace()) {
        let found = (at..text.len()).find(|&i| text[i] == q)?;
        score += 1;
        if last.is_some_and(|l| l + 1 == found) {
            score += 3;
        }
        if found == 0 || !text[found - 1].is_alphanumeric() {
            score += 2;
        }
        last = Some(found);
        at = found + 1;
    }
    Some(score)
}

/// The palette's matches for `query`, best first.
pub fn palette_matches(query: &str) -> Vec<Shortcut> {
    let mut scored: Vec<(i32, usize, Shortcut)> = Shortcut::all()
        .into_iter()
        .filter(|c| *c != Shortcut::CommandPalette)
        .enumerate()
        .filter_map(|(i, c)| fuzzy_score(query, &c.text()).map(|s| (s, i, c)))
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().map(|(_, _, c)| c).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_read_as_the_menus_show_them() {
        assert_eq!(keys_text(Shortcut::ToggleTraining), "Ctrl+Shift+T");
        assert_eq!(keys_text(Shortcut::NextCriterion), "J");
        assert_eq!(keys_text(Shortcut::Finalize), "Ctrl+Enter");
    }

    #[test]
    fn no_shortcut_is_bound_twice_in_one_scope() {
        for (i, a) in TABLE.iter().enumerate() {
            for b in &TABLE[i + 1..] {
                assert!(
                    !(a.keys == b.keys && a.scope.overlaps(b.scope)),
                    "{:?} and {:?} share {:?}",
                    a.command,
                    b.command,
                    a.keys
                );
            }
        }
    }

    #[test]
    fn every_bound_command_is_listed_with_words() {
        let all = Shortcut::all();
        for b in TABLE {
            assert!(all.contains(&b.command), "{:?} is not listed", b.command);
        }
        for c in all {
            assert!(!c.text().is_empty() && !c.tooltip().is_empty(), "{c:?}");
        }
    }

    #[test]
    fn the_keyboard_reaches_deciding_finalizing_and_revealing() {
        for c in [
            Shortcut::DecideCertify,
            Shortcut::DecideNotCertify,
            Shortcut::Finalize,
            Shortcut::Reveal,
            Shortcut::CommandPalette,
        ] {
            assert!(c.keys().is_some(), "{c:?} has no key");
        }
        for p in Pane::ALL {
            assert!(Shortcut::Focus(p).keys().is_some(), "no key focuses {p:?}");
        }
    }

    #[test]
    fn the_palette_finds_commands_by_fragments() {
        assert_eq!(
            palette_matches("fin sig").first(),
            Some(&Shortcut::Finalize)
        );
        assert!(palette_matches("zzzq").is_empty());
        assert!(fuzzy_score("exp", "Export the letter…").is_some());
        assert!(fuzzy_score("xe", "ex").is_none());
    }
}
