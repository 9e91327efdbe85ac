//! Themes as data: colours, type sizes and spacing live in RON files under
//! `assets/theme/` (embedded in the binary). Presentation mode is simply
//! another theme, so no panel has to ask "am I on a projector?".

use egui::{Color32, FontFamily, FontId, TextStyle, Visuals};
use serde::{Deserialize, Serialize};

use crate::fact::{Certainty, FactKind};
use crate::timeline::Lane;

/// Which theme is in use; persisted with the settings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ThemeKind {
    #[default]
    Light,
    Dark,
    Presentation,
}

impl ThemeKind {
    fn source(self) -> &'static str {
        match self {
            ThemeKind::Light => include_str!("../../assets/theme/light.ron"),
            ThemeKind::Dark => include_str!("../../assets/theme/dark.ron"),
            ThemeKind::Presentation => include_str!("../../assets/theme/presentation.ron"),
        }
    }
}

/// An sRGB colour as the theme files write it: `(r, g, b)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl From<Rgb> for Color32 {
    fn from(c: Rgb) -> Self {
        Color32::from_rgb(c.0, c.1, c.2)
    }
}

/// Design tokens for one theme.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Theme {
    pub name: String,
    pub dark: bool,
    pub body_size: f32,
    pub heading_size: f32,
    pub small_size: f32,
    pub mono_size: f32,
    pub item_spacing: (f32, f32),
    pub panel_fill: Rgb,
    pub window_fill: Rgb,
    pub text: Rgb,
    pub weak_text: Rgb,
    pub accent: Rgb,
    pub met: Rgb,
    pub not_met: Rgb,
    pub not_documented: Rgb,
    /// Background of the sentence the reviewer jumped to.
    pub focus_fill: Rgb,
    pub search_fill: Rgb,
    /// Highlight backgrounds by fact group (see [`Theme::fact_fill`]).
    pub fact_fills: Vec<Rgb>,
    /// Strike-through colour of negated facts.
    pub negated_stroke: Rgb,
    /// One colour per timeline lane, in [`Lane::ALL`] order.
    pub lane_fills: Vec<Rgb>,
}

impl Theme {
    /// The theme of that kind, from its embedded file. A file that fails to
    /// parse (caught by the tests) falls back to egui's own look.
    pub fn load(kind: ThemeKind) -> Theme {
        ron::from_str(kind.source()).unwrap_or_else(|_| Theme::fallback(kind))
    }

    fn fallback(kind: ThemeKind) -> Theme {
        let dark = kind == ThemeKind::Dark;
        let (bg, fg) = if dark {
            (Rgb(27, 27, 27), Rgb(220, 220, 220))
        } else {
            (Rgb(248, 248, 248), Rgb(20, 20, 20))
        };
        Theme {
            name: "Fallback".into(),
            dark,
            body_size: 14.0,
            heading_size: 18.0,
            small_size: 12.0,
            mono_size: 13.0,
            item_spacing: (8.0, 5.0),
            panel_fill: bg,
            window_fill: bg,
            text: fg,
            weak_text: fg,
            accent: Rgb(40, 100, 200),
            met: Rgb(30, 130, 60),
            not_met: Rgb(190, 40, 40),
            not_documented: Rgb(150, 110, 20),
            focus_fill: Rgb(255, 230, 120),
            search_fill: Rgb(255, 190, 110),
            fact_fills: vec![Rgb(200, 220, 255)],
            negated_stroke: Rgb(190, 40, 40),
            lane_fills: vec![Rgb(90, 90, 90)],
        }
    }

    /// Sets egui's visuals and text styles from the tokens.
    pub fn apply(&self, ctx: &egui::Context) {
        let mut visuals = if self.dark {
            Visuals::dark()
        } else {
            Visuals::light()
        };
        visuals.panel_fill = self.panel_fill.into();
        visuals.window_fill = self.window_fill.into();
        visuals.extreme_bg_color = self.window_fill.into();
        visuals.override_text_color = Some(self.text.into());
        visuals.hyperlink_color = self.accent.into();
        visuals.selection.bg_fill = Color32::from(self.accent).gamma_multiply(0.35);
        // egui draws the keyboard-focused widget with the "active" style: a
        // thick accent outline makes Tab's position visible everywhere.
        visuals.widgets.active.bg_stroke = egui::Stroke::new(2.5, Color32::from(self.accent));
        let body = self.body_size;
        let (heading, small, mono) = (self.heading_size, self.small_size, self.mono_size);
        let spacing = egui::vec2(self.item_spacing.0, self.item_spacing.1);
        ctx.all_styles_mut(move |style| {
            style.visuals = visuals.clone();
            style.spacing.item_spacing = spacing;
            style.spacing.interact_size.y = (body + 6.0).max(20.0);
            style.text_styles = [
                (
                    TextStyle::Heading,
                    FontId::new(heading, FontFamily::Proportional),
                ),
                (TextStyle::Body, FontId::new(body, FontFamily::Proportional)),
                (
                    TextStyle::Button,
                    FontId::new(body, FontFamily::Proportional),
                ),
                (
                    TextStyle::Small,
                    FontId::new(small, FontFamily::Proportional),
                ),
                (
                    TextStyle::Monospace,
                    FontId::new(mono, FontFamily::Monospace),
                ),
            ]
            .into();
        });
    }

    /// The highlight fill of a fact kind (kinds are grouped so a page does
    /// not turn into a rainbow).
    pub fn fact_fill(&self, kind: FactKind) -> Color32 {
        let group = match kind {
            FactKind::Diagnosis | FactKind::Symptom | FactKind::RedFlag => 0,
            FactKind::ExamFinding | FactKind::FunctionalImprovement | FactKind::PainScore => 1,
            FactKind::Imaging | FactKind::Electrodiagnostic => 2,
            FactKind::Surgery | FactKind::Procedure | FactKind::Injection => 3,
            FactKind::Medication | FactKind::DrugMonitoring => 4,
            FactKind::Therapy | FactKind::WorkStatus => 5,
            FactKind::Demographics
            | FactKind::InjuryDate
            | FactKind::InjuryMechanism
            | FactKind::Request
            | FactKind::UtilizationReview => 6,
        };
        self.fact_fills
            .get(group)
            .or(self.fact_fills.first())
            .copied()
            .map(Color32::from)
            .unwrap_or(Color32::LIGHT_BLUE)
    }

    /// Negated and hypothetical facts are drawn paler, negated ones struck through.
    pub fn fact_fill_for(&self, kind: FactKind, certainty: Certainty) -> Color32 {
        let fill = self.fact_fill(kind);
        match certainty {
            Certainty::Affirmed | Certainty::Historical | Certainty::Normal => fill,
            Certainty::Negated | Certainty::Hypothetical | Certainty::Hedged => {
                fill.gamma_multiply(0.45)
            }
        }
    }

    pub fn lane_fill(&self, lane: Lane) -> Color32 {
        let i = Lane::ALL.iter().position(|l| *l == lane).unwrap_or(0);
        self.lane_fills
            .get(i)
            .or(self.lane_fills.first())
            .copied()
            .map(Color32::from)
            .unwrap_or(Color32::GRAY)
    }

    pub fn answer_color(&self, answer: crate::assessment::Answer) -> Color32 {
        use crate::assessment::Answer;
        match answer {
            Answer::Met => self.met.into(),
            Answer::NotMet => self.not_met.into(),
            Answer::NotDocumented => self.not_documented.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_theme_file_parses() {
        for kind in [ThemeKind::Light, ThemeKind::Dark, ThemeKind::Presentation] {
            let parsed: Result<Theme, _> = ron::from_str(kind.source());
            assert!(parsed.is_ok(), "{kind:?}: {:?}", parsed.err());
        }
        assert!(
            Theme::load(ThemeKind::Presentation).body_size
                > Theme::load(ThemeKind::Light).body_size
        );
    }
}
