//! The panels that are mostly text and buttons: menu, case bar, status bar,
//! case summary, checklist, decision editor, letter preview, training
//! reveal, and the dialogs. Each reads the state and pushes [`Action`]s.

use egui::{Color32, RichText};

use crate::assessment::{Answer, Decision};
use crate::fact::{Fact, FactKind};
use crate::review::training;
use crate::review::{Command, Mode, Status};

use super::files::DialogKind;
use super::shortcuts::{self, Shortcut};
use super::theme::{Theme, ThemeKind};
use super::{Action, CasePanel, Modal, OpenCase, Pane, Settings, Workstation};
pub use crate::text::counted;

/// A menu entry that does what its keyboard shortcut does, showing the keys.
fn shortcut_entry(
    ui: &mut egui::Ui,
    ctx: &egui::Context,
    enabled: bool,
    label: impl Into<egui::WidgetText>,
    shortcut: Shortcut,
    actions: &mut Vec<Action>,
) {
    let button = egui::Button::new(label).shortcut_text(shortcuts::label(ctx, shortcut));
    if ui
        .add_enabled(enabled, button)
        .on_hover_text(shortcut.tooltip())
        .clicked()
    {
        actions.push(Action::Shortcut(shortcut));
    }
}

pub fn menu_bar(ui: &mut egui::Ui, ws: &Workstation, actions: &mut Vec<Action>) {
    let ctx = ui.ctx().clone();
    let sc = |s: Shortcut| shortcuts::label(&ctx, s);
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("File", |ui| {
            shortcut_entry(ui, &ctx, true, "Open…", Shortcut::Open, actions);
            if ui
                .button("Open records folder…")
                .on_hover_text("A folder holding one case's records, opened as that case")
                .clicked()
            {
                actions.push(Action::StartDialog(DialogKind::OpenFolder));
            }
            if ui
                .button("Open case library…")
                .on_hover_text("A folder of published letters, listed in the Case library pane")
                .clicked()
            {
                actions.push(Action::StartDialog(DialogKind::OpenLibrary));
            }
            if ui.button("Open the demo case").clicked() {
                actions.push(Action::OpenDemo);
            }
            ui.menu_button("Recent files", |ui| {
                if ws.settings.recent.is_empty() {
                    ui.label("No recent files");
                }
                for p in ws.settings.recent.clone() {
                    if ui.button(p.display().to_string()).clicked() {
                        actions.push(Action::OpenPath {
                            path: p,
                            training: false,
                        });
                    }
                }
            });
            ui.separator();
            let has_case = ws.open.is_some();
            shortcut_entry(ui, &ctx, has_case, "Save", Shortcut::Save, actions);
            shortcut_entry(ui, &ctx, has_case, "Save as…", Shortcut::SaveAs, actions);
            shortcut_entry(
                ui,
                &ctx,
                has_case,
                "Export letter…",
                Shortcut::Export,
                actions,
            );
            ui.separator();
            if ui.button("Settings…").clicked() {
                actions.push(Action::ShowSettings);
            }
            ui.separator();
            if ui.button("Quit").clicked() {
                actions.push(Action::Quit);
            }
        });
        ui.menu_button("Edit", |ui| {
            let (can_undo, can_redo) = ws.open.as_ref().map_or((false, false), |o| {
                (o.review.can_undo(), o.review.can_redo())
            });
            let undo_text = ws
                .open
                .as_ref()
                .and_then(|o| o.review.undo_label())
                .map(|l| format!("Undo: {}", short(l, 40)))
                .unwrap_or_else(|| "Undo".into());
            shortcut_entry(ui, &ctx, can_undo, undo_text, Shortcut::Undo, actions);
            shortcut_entry(ui, &ctx, can_redo, "Redo", Shortcut::Redo, actions);
            shortcut_entry(
                ui,
                &ctx,
                true,
                "Search documents",
                Shortcut::Search,
                actions,
            );
        });
        ui.menu_button("View", |ui| {
            for p in Pane::ALL {
                if ui.button(p.title()).clicked() {
                    actions.push(Action::FocusPane(p));
                }
            }
            ui.separator();
            for (kind, name) in [
                (ThemeKind::Light, "Light theme"),
                (ThemeKind::Dark, "Dark theme"),
            ] {
                if ui.radio(ws.settings.theme == kind, name).clicked() {
                    actions.push(Action::SetTheme(kind));
                }
            }
            if ui
                .add(
                    egui::Button::new("Presentation mode")
                        .selected(ws.presentation)
                        .shortcut_text(sc(Shortcut::TogglePresentation)),
                )
                .clicked()
            {
                actions.push(Action::Shortcut(Shortcut::TogglePresentation));
            }
            if ui.button("Reset panel layout").clicked() {
                actions.push(Action::ResetLayout);
            }
        });
        ui.menu_button("Help", |ui| {
            ui.label(RichText::new("Keyboard shortcuts").strong());
            egui::Grid::new("shortcut-help")
                .striped(true)
                .show(ui, |ui| {
                    for b in shortcuts::TABLE {
                        ui.label(ctx.format_shortcut(&b.keys));
                        ui.label(b.command.text())
                            .on_hover_text(b.command.tooltip());
                        ui.end_row();
                    }
                });
        });
        let training = ws
            .open
            .as_ref()
            .is_some_and(|o| o.review.mode == Mode::Training);
        let label = if training {
            "Training mode: on"
        } else {
            "Training mode"
        };
        if ui
            .add(egui::Button::new(label).selected(training))
            .on_hover_text(shortcuts::hint(&ctx, Shortcut::ToggleTraining))
            .clicked()
        {
            actions.push(Action::Shortcut(Shortcut::ToggleTraining));
        }
        if ui
            .add(egui::Button::new("Presentation").selected(ws.presentation))
            .on_hover_text(shortcuts::hint(&ctx, Shortcut::TogglePresentation))
            .clicked()
        {
            actions.push(Action::Shortcut(Shortcut::TogglePresentation));
        }
    });
}

fn short(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n).collect();
        t.push('…');
        t
    }
}

/// What stands in for an identifier on a projected screen.
pub const HIDDEN_WHILE_PRESENTING: &str = "identifiers hidden while presenting";

/// How late a determination is, in the unit a reader takes in at a glance:
/// days for the first two months, then months, then years.
pub fn overdue_text(days: i64) -> String {
    match days {
        ..=0 => "due today".to_string(),
        1 => "1 day overdue".to_string(),
        2..=60 => format!("{days} days overdue"),
        61..=730 => format!("overdue by {} months", days / 30),
        _ => format!("overdue by {} years", days / 365),
    }
}

pub fn case_bar(ui: &mut egui::Ui, ws: &Workstation, _actions: &mut [Action]) {
    let theme = ws.theme();
    let Some(open) = &ws.open else {
        ui.label(RichText::new("No case open").heading());
        return;
    };
    let case = &open.review.case;
    let meta = &case.meta;
    let today = ws.services.env.clock.now().date_naive();
    ui.horizontal_wrapped(|ui| {
        let title = if ws.presentation {
            format!("Case ({HIDDEN_WHILE_PRESENTING})")
        } else {
            open.title()
        };
        ui.label(RichText::new(title).heading().strong());
        ui.separator();
        let patient = match (case.patient.age, case.patient.sex) {
            (Some(a), Some(s)) => format!("{a}-year-old {s}"),
            (Some(a), None) => format!("{a} years old"),
            (None, Some(s)) => s.to_string(),
            (None, None) => "patient details not stated".into(),
        };
        ui.label(format!("Patient: {patient}"));
        ui.separator();
        ui.label(format!(
            "Injury: {}",
            meta.date_of_injury
                .map(|d| d.format("%m/%d/%Y").to_string())
                .unwrap_or_else(|| "unknown".into())
        ));
        ui.separator();
        let decided = open
            .review
            .items
            .iter()
            .filter(|i| i.decision.is_some())
            .count();
        ui.label(format!(
            "Items: {} ({} decided)",
            open.review.items.len(),
            decided
        ));
        ui.separator();
        match (meta.decision_date, meta.due_date()) {
            (Some(decided), _) => {
                ui.label(
                    RichText::new(format!("Decided {}", decided.format("%m/%d/%Y")))
                        .color(theme.weak_text),
                );
            }
            (None, Some(due)) => {
                let left = (due - today).num_days();
                let (text, color) =
                    if open.review.mode == Mode::Training {
                        (
                            format!("Due {} ({})", due.format("%m/%d/%Y"), meta.priority),
                            theme.weak_text,
                        )
                    } else if left < 0 {
                        (
                            format!(
                                "Due {} — {} ({})",
                                due.format("%m/%d/%Y"),
                                overdue_text(-left),
                                meta.priority
                            ),
                            theme.not_met,
                        )
                    } else {
                        let color = if left <= 3 {
                            theme.not_documented
                        } else {
                            theme.text
                        };
                        (
                            format!(
                                "Due {} — {left} days left ({})",
                                due.format("%m/%d/%Y"),
                                meta.priority
                            ),
                            color,
                        )
                    };
                let basis = match (meta.decision_due, meta.application_received) {
                    (Some(_), _) => "The due date is stated in the case file.".to_string(),
                    (None, Some(app)) => format!(
                        "{} days ({} review) from the IMR application received {}.",
                        meta.priority.days(),
                        meta.priority,
                        app.format("%m/%d/%Y")
                    ),
                    (None, None) => String::new(),
                };
                ui.label(RichText::new(text).color(color))
                    .on_hover_text(basis);
            }
            (None, None) => {
                ui.label(RichText::new("Due date unknown").color(theme.weak_text))
                    .on_hover_text(
                        "No IMR application-received date was found in the records; the due date counts from it.",
                    );
            }
        }
        ui.separator();
        let status_color = match open.review.status {
            Status::Finalized => theme.met,
            Status::Amended => theme.not_documented,
            Status::Draft => theme.text,
        };
        let mut status = format!("Status: {}", open.review.status);
        if open.review.mode == Mode::Training {
            status.push_str(" · training exercise");
        }
        if open.dirty {
            status.push_str(" · unsaved changes");
        }
        ui.label(RichText::new(status).color(status_color).strong());
    });
}

pub fn status_bar(ui: &mut egui::Ui, ws: &Workstation, actions: &mut Vec<Action>) {
    ui.horizontal(|ui| {
        if let Some(job) = &ws.services.job {
            let (p, stage) = job.progress();
            let name = job
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| job.path.display().to_string());
            ui.label(format!("Loading {name}"))
                .on_hover_text(job.path.display().to_string());
            ui.add(
                egui::ProgressBar::new(p)
                    .desired_width(300.0)
                    .text(super::files::percent_text(p, stage)),
            );
            if ui
                .button("Cancel")
                .on_hover_text("Stop loading this file")
                .clicked()
            {
                actions.push(Action::CancelLoad);
            }
            ui.separator();
        }
        if let Some(m) = ws.messages.last() {
            let color = if m.error {
                ws.theme().not_met
            } else {
                ws.theme().weak_text
            };
            ui.label(RichText::new(&m.text).color(color));
        }
    });
}

pub fn welcome(ui: &mut egui::Ui, _ws: &Workstation, actions: &mut Vec<Action>) {
    ui.vertical_centered(|ui| {
        ui.add_space(60.0);
        ui.heading("imrdesk — Independent Medical Review workstation");
        ui.add_space(12.0);
        ui.label("Open a published determination letter, a folder of records, or a saved review. You can also drop a file onto this window.");
        ui.add_space(12.0);
        if ui.button("Open…").clicked() {
            actions.push(Action::Shortcut(Shortcut::Open));
        }
        if ui.button("Open the demo case").clicked() {
            actions.push(Action::OpenDemo);
        }
    });
}

/// The summary's fact lists: short names per kind, without repeats. Built
/// once per case (see `OpenCase::summary_facts`).
pub fn summary_fact_lists(facts: &[Fact]) -> Vec<(&'static str, Vec<String>)> {
    const MAX: usize = 12;
    // A requested or planned medication is not a current one: it is listed
    // on its own line, marked as such.
    let planned = |f: &Fact| {
        f.subject == crate::fact::Subject::Patient
            && f.certainty == crate::fact::Certainty::Hypothetical
    };
    let sections: [(&'static str, FactKind, bool); 9] = [
        ("Diagnoses", FactKind::Diagnosis, false),
        ("Surgeries", FactKind::Surgery, false),
        ("Imaging and studies", FactKind::Imaging, false),
        ("Current complaints", FactKind::Symptom, false),
        ("Examination", FactKind::ExamFinding, false),
        ("Medications", FactKind::Medication, false),
        (
            "Medications requested or planned",
            FactKind::Medication,
            true,
        ),
        ("Therapy and injections", FactKind::Therapy, false),
        ("Work status", FactKind::WorkStatus, false),
    ];
    sections
        .iter()
        .map(|(title, kind, requested)| {
            let mut seen = std::collections::BTreeSet::new();
            let mut out = Vec::new();
            let wanted = |f: &&Fact| {
                f.kind == *kind
                    && if *requested {
                        planned(f)
                    } else {
                        f.is_positive()
                    }
            };
            for f in facts.iter().filter(wanted) {
                let name = describe_fact(f);
                if seen.insert(name.clone()) {
                    out.push(name);
                    if out.len() >= MAX {
                        break;
                    }
                }
            }
            (*title, out)
        })
        .filter(|(_, list)| !list.is_empty())
        .collect()
}

fn describe_fact(f: &Fact) -> String {
    let mut s = f.concept.replace('_', " ");
    if let Some(r) = f.region {
        s = format!(
            "{s}, {}{}",
            f.side.map(|x| format!("{x} ")).unwrap_or_default(),
            r
        );
    }
    if let Some(d) = &f.detail {
        s = format!("{s} ({d})");
    }
    if let Some(date) = f.date {
        s = format!("{s} — {date}");
    }
    s
}

/// The case summary pane; `presenting` hides the case number.
pub fn summary(
    ui: &mut egui::Ui,
    open: &CasePanel<'_>,
    theme: &Theme,
    presenting: bool,
    actions: &mut Vec<Action>,
) {
    egui::ScrollArea::vertical()
        .id_salt("summary-scroll")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            let case = &open.review.case;
            let m = &case.meta;
            let date = |d: Option<chrono::NaiveDate>| {
                d.map(|d| d.format("%m/%d/%Y").to_string())
                    .unwrap_or_else(|| "—".into())
            };
            // The disputed items come first: they are what the review is
            // about, and the summary pane is short in the default layout.
            ui.label(RichText::new(format!("Disputed items ({})", case.items.len())).strong());
            for item in &case.items {
                let category = open
                    .review
                    .assessment(item.id)
                    .map(|a| a.request.category.label())
                    .unwrap_or("");
                ui.horizontal_wrapped(|ui| {
                    ui.spacing_mut().item_spacing.x = 4.0;
                    ui.label(RichText::new(item.id.to_string()).color(theme.weak_text));
                    ui.label(item.disputed_text());
                    if !category.is_empty() {
                        ui.label(RichText::new(format!("· {category}")).color(theme.weak_text));
                    }
                });
            }
            ui.add_space(6.0);
            // Header dates two pairs to a row, so they take half the height.
            let specialty = if case.reviewer.specialties.is_empty() {
                "—".to_string()
            } else {
                case.reviewer.specialties.join(", ")
            };
            let pairs = [
                (
                    "Case number",
                    if presenting {
                        HIDDEN_WHILE_PRESENTING.to_string()
                    } else {
                        m.case_number.clone().unwrap_or_else(|| "—".into())
                    },
                ),
                ("Date of injury", date(m.date_of_injury)),
                ("UR denial", date(m.ur_denial_date)),
                ("Application received", date(m.application_received)),
                ("Priority", m.priority.to_string()),
                ("Due", date(m.due_date())),
                ("Reviewer specialty", specialty),
            ];
            egui::Grid::new("summary-grid")
                .num_columns(4)
                .striped(true)
                .spacing([12.0, 2.0])
                .show(ui, |ui| {
                    for row in pairs.chunks(2) {
                        for (k, v) in row {
                            ui.label(RichText::new(*k).color(theme.weak_text));
                            ui.label(v.as_str());
                        }
                        ui.end_row();
                    }
                });
            summary_editor(ui, open, theme, actions);
            for (title, list) in &open.view.summary_facts {
                ui.add_space(4.0);
                ui.label(RichText::new(*title).strong());
                for item in list {
                    ui.label(format!("• {item}"));
                }
            }
            ui.add_space(6.0);
            ui.label(RichText::new(format!("Records ({})", case.documents.len())).strong());
            for d in case.documents.iter().take(200) {
                ui.label(format!(
                    "{} — {} ({})",
                    d.title,
                    d.kind,
                    d.date
                        .map(|x| x.format("%m/%d/%Y").to_string())
                        .unwrap_or_else(|| "undated".into())
                ));
            }
            if case.documents.len() > 200 {
                ui.label(format!(
                    "… and {} more (see Documents)",
                    case.documents.len() - 200
                ));
            }
            let warnings: Vec<&String> = open
                .warnings
                .iter()
                .chain(&open.review.analysis.warnings)
                .collect();
            if !warnings.is_empty() {
                ui.add_space(6.0);
                ui.label(
                    RichText::new("Notes on the analysis")
                        .strong()
                        .color(theme.not_documented),
                );
                for w in warnings {
                    ui.label(format!("• {w}"));
                }
            }
        });
}

/// The clinical case summary the letter prints, editable: each change is a
/// review command (undo, audit, signed with the rest).
fn summary_editor(
    ui: &mut egui::Ui,
    open: &CasePanel<'_>,
    theme: &Theme,
    actions: &mut Vec<Action>,
) {
    if open.hide_engine {
        return;
    }
    ui.add_space(4.0);
    egui::CollapsingHeader::new(
        RichText::new("Clinical case summary (printed in the letter)").strong(),
    )
    .id_salt("case-summary-editor")
    .default_open(true)
    .show(ui, |ui| {
        let review = &open.review;
        let mut text = review.summary.clone();
        let label = ui.label(
            RichText::new("Edit the drafted summary; every finding names its report and date")
                .small()
                .color(theme.weak_text),
        );
        let edit = ui
            .add_enabled(
                !review.is_read_only(),
                egui::TextEdit::multiline(&mut text)
                    .desired_rows(8)
                    .desired_width(f32::INFINITY)
                    .id_salt("case-summary-text"),
            )
            .labelled_by(label.id);
        if edit.changed() && text != review.summary {
            actions.push(Action::Review(Command::EditSummary { text }));
        }
    });
}

/// The item selector shared by checklist and decision panels: one row that
/// scrolls sideways, so a case with many items does not push the criteria
/// out of a short pane; the selected item is kept in view.
fn item_tabs(ui: &mut egui::Ui, open: &CasePanel<'_>, theme: &Theme, actions: &mut Vec<Action>) {
    egui::ScrollArea::horizontal()
        .id_salt("item-tabs")
        .auto_shrink([false, true])
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                for (i, item) in open.review.items.iter().enumerate() {
                    let full = open
                        .review
                        .case
                        .item(item.item)
                        .map(|x| x.disputed_text().to_string())
                        .unwrap_or_default();
                    // The item being worked on reads in full (the room, or the
                    // reviewer, sees the whole request); the others are shortened.
                    let text = if i == open.view.selected_item {
                        full.clone()
                    } else {
                        short(&full, 34)
                    };
                    // Decided items read "(decided)" and turn the "met" colour, so
                    // what is left to do stands out.
                    let label = if item.decision.is_some() {
                        RichText::new(format!("Item {} (decided): {text}", item.item))
                            .color(theme.met)
                    } else {
                        RichText::new(format!("Item {}: {text}", item.item))
                    };
                    let resp = ui
                        .selectable_label(i == open.view.selected_item, label)
                        .on_hover_text(format!(
                            "{full}\nSelect this disputed item ({} / {})",
                            shortcuts::label(ui.ctx(), Shortcut::PreviousItem),
                            shortcuts::label(ui.ctx(), Shortcut::NextItem)
                        ));
                    // Scroll to the selected item once each time the selection
                    // changes (by click or Ctrl+Up/Down), then leave the row alone.
                    if i == open.view.selected_item {
                        let shown = ui.scope_id().with("item-tabs-shown");
                        let last = ui.ctx().data(|d| d.get_temp::<usize>(shown));
                        if last != Some(i) {
                            resp.scroll_to_me(None);
                            ui.ctx().data_mut(|d| d.insert_temp(shown, i));
                        }
                    }
                    if resp.clicked() {
                        actions.push(Action::SelectItem(i));
                    }
                }
            })
        });
}

fn decision_text(d: Decision) -> &'static str {
    match d {
        Decision::MedicallyNecessary => "Medically necessary (the denial is overturned)",
        Decision::NotMedicallyNecessary => "Not medically necessary (the denial is upheld)",
        Decision::PartiallyCertified => "Partially certified",
    }
}

pub fn checklist(
    ui: &mut egui::Ui,
    open: &mut CasePanel<'_>,
    theme: &Theme,
    actions: &mut Vec<Action>,
) {
    if open.review.items.is_empty() {
        ui.label("This case has no disputed items.");
        return;
    }
    item_tabs(ui, open, theme, actions);
    ui.separator();
    let Some(id) = open.item_id() else { return };
    let hide = open.hide_engine;
    let review = &open.review;
    let Some(assessment) = review.assessment(id) else {
        ui.label("The engine has no assessment for this item.");
        return;
    };
    let Some(item_review) = review.item_review(id) else {
        return;
    };
    let read_only = review.is_read_only();
    egui::ScrollArea::vertical()
        .id_salt(("checklist-scroll", open.view.selected_item))
        .auto_shrink([false, false])
        .show(ui, |ui| {
            // Request.
            // The header is kept to a few lines so that, in a short pane
            // (1280×800), the criteria and their evidence are in view.
            let req = &assessment.request;
            let mut parts = vec![req.category.label().to_string()];
            if let Some(m) = &req.modality {
                parts.push(m.clone());
            }
            if let Some(r) = req.region {
                parts.push(format!(
                    "{}{}",
                    req.side.map(|s| format!("{s} ")).unwrap_or_default(),
                    r
                ));
            }
            if let Some(d) = &req.drug {
                parts.push(d.clone());
            }
            if let Some(s) = &req.strength {
                parts.push(s.clone());
            }
            if let Some(q) = req.quantity {
                parts.push(format!("#{q}"));
            }
            if let Some(v) = req.visits {
                parts.push(format!("{v} visits"));
            }
            if let Some(f) = &req.frequency {
                parts.push(f.clone());
            }
            if let Some(d) = req.duration_days {
                parts.push(format!("{d} days"));
            }
            if let Some(d) = req.retrospective_date {
                parts.push(format!("retrospective, DOS {}", d.format("%m/%d/%Y")));
            }
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(format!("Request: {}", req.text)).strong());
                ui.label(RichText::new(format!("· {}", parts.join(" · "))).color(theme.weak_text));
            });
            // Guideline: title and citation on one line; why it applies on
            // hover and in the letter.
            match &assessment.guideline {
                Some(g) => {
                    ui.horizontal_wrapped(|ui| {
                        ui.label(RichText::new(format!("Guideline: {}", g.title)).strong())
                            .on_hover_text(format!("Why this guideline: {}", g.why));
                        ui.label(RichText::new(format!("· {}", g.citation)).color(theme.weak_text))
                            .on_hover_text(format!("Why this guideline: {}", g.why));
                    });
                }
                None => {
                    ui.label(
                        RichText::new("No guideline in the library addresses this request.")
                            .color(theme.not_documented),
                    );
                }
            }
            // Live suggestion.
            if hide {
                ui.label(
                    RichText::new("Suggested decision: hidden in training mode")
                        .italics()
                        .color(theme.weak_text),
                );
            } else if let Some(s) = review.current_suggestion(id) {
                let changed = s.decision != assessment.suggestion.decision;
                let color = if s.decision == Decision::MedicallyNecessary {
                    theme.met
                } else {
                    theme.not_met
                };
                ui.horizontal_wrapped(|ui| {
                    ui.label("Suggested decision:");
                    ui.label(RichText::new(s.decision.label()).strong().color(color));
                    if changed {
                        ui.label(
                            RichText::new(format!(
                                "(changed by your answers; the engine said {})",
                                assessment.suggestion.decision
                            ))
                            .small(),
                        );
                    }
                });
                for r in &s.reasons {
                    ui.label(RichText::new(format!("• {r}")).small());
                }
                if let Some(a) = &s.alternative {
                    ui.label(RichText::new(format!("Would be supported: {a}")).small());
                }
            }
            ui.separator();
            ui.label(
                RichText::new({
                    let k = |s| shortcuts::label(ui.ctx(), s);
                    format!(
                        "Criteria — {}/{} to move, {} met · {} not met · {} not documented",
                        k(Shortcut::NextCriterion),
                        k(Shortcut::PreviousCriterion),
                        k(Shortcut::AnswerMet),
                        k(Shortcut::AnswerNotMet),
                        k(Shortcut::AnswerNotDocumented)
                    )
                })
                .small()
                .color(theme.weak_text),
            );
            let mut hovered = None;
            for (ci, (c, result)) in item_review
                .criteria
                .iter()
                .zip(&assessment.criteria)
                .enumerate()
            {
                let selected = ci == open.view.selected_criterion;
                let frame = if selected {
                    egui::Frame::group(ui.style())
                        .stroke(egui::Stroke::new(2.0, Color32::from(theme.accent)))
                } else {
                    egui::Frame::group(ui.style())
                };
                let card = frame.show(ui, |ui| {
                    ui.set_width(ui.available_width());
                    let q = ui.add(
                        egui::Label::new(RichText::new(&result.question).strong())
                            .sense(egui::Sense::click()),
                    );
                    if q.clicked() {
                        actions.push(Action::SelectCriterion(ci));
                    }
                    ui.horizontal_wrapped(|ui| {
                        if !hide {
                            ui.label(
                                RichText::new(format!("Engine: {}", result.answer))
                                    .color(theme.answer_color(result.answer)),
                            );
                            ui.separator();
                        }
                        ui.label("Answer:");
                        for (n, a) in Answer::ALL.iter().enumerate() {
                            let text = RichText::new(format!("{} {}", n + 1, a.label()));
                            let text = if c.answer == *a {
                                text.strong().color(theme.answer_color(*a))
                            } else {
                                text
                            };
                            let resp = ui.add_enabled(
                                !read_only,
                                egui::Button::new(text).selected(c.answer == *a),
                            );
                            if resp.clicked() && c.answer != *a {
                                actions.push(Action::SelectCriterion(ci));
                                actions.push(Action::SetAnswer {
                                    item: id,
                                    criterion: c.id.clone(),
                                    answer: *a,
                                });
                            }
                        }
                    });
                    if review.is_override(id, c) {
                        match &c.override_reason {
                            Some(r) => {
                                ui.label(RichText::new(format!("Override reason: {r}")).italics());
                            }
                            None => {
                                ui.label(
                                    RichText::new("Override without a reason — needed to finalize")
                                        .color(theme.not_met),
                                );
                            }
                        }
                    }
                    if !hide {
                        if !result.note.is_empty() {
                            ui.label(RichText::new(&result.note).small().color(theme.weak_text));
                        }
                        for e in &result.evidence {
                            let doc = review.case.document(e.doc);
                            let title = doc.map(|d| d.title.as_str()).unwrap_or("record");
                            let date = e.date.map(|d| format!(", {d}")).unwrap_or_default();
                            let link = ui
                                .link(
                                    RichText::new(format!(
                                        "“{}” — {title}{date}",
                                        short(e.quote.trim(), 220)
                                    ))
                                    .small(),
                                )
                                .on_hover_text("Show this sentence in the documents");
                            if link.clicked() {
                                actions.push(Action::ShowSource {
                                    doc: e.doc,
                                    span: e.span,
                                });
                            }
                        }
                    }
                });
                if ui.rect_contains_pointer(card.response.rect) {
                    hovered = Some(ci);
                }
            }
            if hovered != open.view.hovered_criterion {
                actions.push(Action::HoverCriterion(hovered));
            }
        });
}

pub fn decision(
    ui: &mut egui::Ui,
    open: &mut CasePanel<'_>,
    theme: &Theme,
    settings: &Settings,
    actions: &mut Vec<Action>,
) {
    if open.review.items.is_empty() {
        ui.label("This case has no disputed items.");
        return;
    }
    let review = &open.review;
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(format!("Review status: {}", review.status)).strong());
        match review.status {
            Status::Finalized => {
                if let Some(sig) = &review.signature {
                    ui.label(format!(
                        "Signed by {}, {} on {} — hash {}",
                        sig.reviewer_name,
                        sig.credentials,
                        sig.signed_at.format("%m/%d/%Y %H:%M UTC"),
                        sig.content_hash.get(..16).unwrap_or(&sig.content_hash)
                    ));
                }
                ui.label(RichText::new("Read-only.").color(theme.weak_text));
                if ui
                    .button("Amend…")
                    .on_hover_text("Reopen the finalized review; the reason is logged")
                    .clicked()
                {
                    actions.push(Action::AskAmend);
                }
            }
            _ => {
                let signer = if settings.reviewer_name.trim().is_empty() {
                    "set your name in Settings first".to_string()
                } else {
                    format!("signs as {}", settings.reviewer_name)
                };
                if ui
                    .button("Finalize and sign")
                    .on_hover_text(signer)
                    .clicked()
                {
                    actions.push(Action::Finalize);
                }
            }
        }
    });
    // The item row sits right under the status row: the rationale below
    // keeps the height on a laptop screen.
    let n = open.review.items.len();
    ui.horizontal(|ui| {
        if ui
            .add_enabled(
                open.view.selected_item > 0,
                egui::Button::new("Previous item"),
            )
            .clicked()
        {
            actions.push(Action::SelectItem(
                open.view.selected_item.saturating_sub(1),
            ));
        }
        if ui
            .add_enabled(
                open.view.selected_item + 1 < n,
                egui::Button::new("Next item"),
            )
            .clicked()
        {
            actions.push(Action::SelectItem(open.view.selected_item + 1));
        }
        let title = open
            .item_id()
            .and_then(|id| {
                open.review
                    .case
                    .item(id)
                    .map(|i| format!("Item {id} of {n}: {}", i.disputed_text()))
            })
            .unwrap_or_default();
        ui.add(egui::Label::new(RichText::new(title).strong()).truncate());
    });
    ui.separator();
    let Some(id) = open.item_id() else { return };
    let hide = open.hide_engine;
    let review = &open.review;
    let Some(item) = review.item_review(id) else {
        return;
    };
    let read_only = review.is_read_only();
    egui::ScrollArea::vertical().id_salt(("decision-scroll", open.view.selected_item)).auto_shrink([false, false]).show(ui, |ui| {
        let suggestion = if hide { None } else { review.current_suggestion(id) };
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new("Your decision").strong());
            if let Some(s) = &suggestion {
                ui.label(RichText::new(format!("(suggested: {})", s.decision.label())).color(theme.weak_text));
            }
        });
        // Both choices on one line where the pane is wide enough.
        ui.horizontal_wrapped(|ui| {
            for d in [Decision::MedicallyNecessary, Decision::NotMedicallyNecessary] {
                let resp = ui.add_enabled(!read_only, egui::RadioButton::new(item.decision == Some(d), decision_text(d)));
                if resp.clicked() && item.decision != Some(d) {
                    actions.push(Action::Review(Command::Decide { item: id, decision: Some(d) }));
                }
            }
        });
        if let (Some(d), Some(s)) = (item.decision, &suggestion)
            && d != s.decision
        {
            ui.label(RichText::new(format!("Differs from the suggestion ({}); the difference is recorded in the audit log.", s.decision.label())).color(theme.not_documented));
        }
        ui.add_space(2.0);
        ui.horizontal(|ui| {
            ui.label(RichText::new("Rationale").strong());
            if item.rationale_edited {
                ui.label(RichText::new("edited").small().color(theme.weak_text));
            }
            if ui.add_enabled(!read_only, egui::Button::new("Regenerate draft"))
                .on_hover_text("Draft the rationale again from the current answers; asks before replacing your edits")
                .clicked()
            {
                actions.push(Action::AskRegenerate(id));
            }
            let copy = ui
                .add_enabled(!item.rationale.trim().is_empty(), egui::Button::new("Copy rationale"))
                .on_hover_text("Copy this item's rationale to the clipboard");
            if copy.clicked() {
                ui.ctx().copy_text(item.rationale.clone());
                actions.push(Action::Notify(format!("Rationale of item {id} copied to the clipboard")));
            }
        });
        let stale = review.rationale_stale(id);
        if !stale.is_empty() {
            ui.label(
                RichText::new(format!(
                    "This rationale was drafted before the review changed ({}). Regenerate the draft, or make sure it says what you decided.",
                    stale.join("; ")
                ))
                .color(theme.not_documented),
            );
        }
        let mut text = item.rationale.clone();
        let label = ui.label(RichText::new("Rationale text for the letter").small().color(theme.weak_text));
        let edit = ui.add_enabled(
            !read_only,
            egui::TextEdit::multiline(&mut text)
                .desired_rows(10)
                .desired_width(f32::INFINITY)
                .id_salt(("rationale", id.0)),
        ).labelled_by(label.id);
        if edit.changed() && text != item.rationale {
            actions.push(Action::Review(Command::EditRationale { item: id, text }));
        }
        ui.add_space(4.0);
        let mut note = item.note.clone();
        let note_label = ui.label(RichText::new("Private note (not printed)").small().color(theme.weak_text));
        let note_edit = ui.add_enabled(
            !read_only,
            egui::TextEdit::singleline(&mut note).desired_width(f32::INFINITY).id_salt(("note", id.0)),
        ).labelled_by(note_label.id);
        if note_edit.changed() && note != item.note {
            actions.push(Action::Review(Command::SetNote { item: id, text: note }));
        }
        if let Some(last) = review.audit.last() {
            ui.collapsing(format!("Audit log ({} entries)", review.audit.len()), |ui| {
                for a in review.audit.iter().rev().take(200) {
                    ui.label(RichText::new(format!("{} — {}", a.at.format("%m/%d/%Y %H:%M:%S"), a.action)).small());
                }
            });
            let _ = last;
        }
    });
}

/// The letter preview; `presenting` masks the patient's identifiers.
pub fn letter(ui: &mut egui::Ui, open: &mut CasePanel<'_>, presenting: bool) {
    if open.hide_engine {
        ui.label("The letter preview is hidden in training mode until you reveal: it would show the suggested decisions.");
        return;
    }
    let mut text = open.letter_preview().to_string();
    if presenting {
        let number = open
            .review
            .case
            .meta
            .case_number
            .clone()
            .unwrap_or_default();
        text = crate::text::identifiers::masked(&text, &[number.as_str()]);
    }
    egui::ScrollArea::vertical()
        .id_salt("letter-scroll")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            ui.add(egui::Label::new(RichText::new(text).monospace()).wrap());
        });
}

pub fn training(
    ui: &mut egui::Ui,
    open: &mut CasePanel<'_>,
    theme: &Theme,
    session: &[training::CaseScore],
    actions: &mut Vec<Action>,
) {
    if open.review.mode != Mode::Training {
        ui.label(format!(
            "Training mode is off. Turn it on (toolbar or {}) to work this case as an exercise: the engine's suggestions and the expert's decisions stay hidden until you reveal them.",
            shortcuts::label(ui.ctx(), Shortcut::ToggleTraining)
        ));
        session_summary(ui, session, theme);
        return;
    }
    if open.hide_engine {
        let decided = open
            .review
            .items
            .iter()
            .filter(|i| i.decision.is_some())
            .count();
        ui.label(format!(
            "Answer the criteria and decide each item, then reveal. Decided: {decided} of {}.",
            open.review.items.len()
        ));
        if ui.button("Reveal engine and expert").clicked() {
            actions.push(Action::Reveal);
        }
        session_summary(ui, session, theme);
        return;
    }
    let score = training::score(open.review);
    let (agree, judged) = score.points();
    ui.horizontal_wrapped(|ui| {
        let headline = if judged == 0 {
            "No published expert decision for this case: compare with the engine".to_string()
        } else {
            format!("Score: {agree} of {judged} items match the expert")
        };
        ui.label(RichText::new(headline).heading());
        if ui.button("Add this case to the session summary").clicked() {
            actions.push(Action::RecordScore);
        }
    });
    egui::ScrollArea::vertical()
        .id_salt("training-scroll")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            for item in &score.items {
                ui.separator();
                ui.label(RichText::new(format!("{} {}", item.item, item.text)).strong());
                // Without a published decision the expert column is empty
                // throughout: leave it out (the headline says why).
                let with_expert = judged > 0;
                // The question gets the width the answer columns leave
                // (about half a font size per character), not a fixed cut.
                let answers = if with_expert { 3.0 } else { 2.0 } * 150.0;
                let char_width = ui.text_style_height(&egui::TextStyle::Body) * 0.5;
                let question_chars =
                    ((ui.available_width() - answers) / char_width).clamp(30.0, 160.0) as usize;
                egui::Grid::new(("reveal", item.item.0))
                    .striped(true)
                    .num_columns(if with_expert { 4 } else { 3 })
                    .show(ui, |ui| {
                        ui.label("");
                        ui.label(RichText::new("Trainee").strong());
                        ui.label(RichText::new("Engine").strong());
                        if with_expert {
                            ui.label(RichText::new("Expert").strong());
                        }
                        ui.end_row();
                        ui.label("Decision");
                        ui.label(item.trainee.map(|d| d.label()).unwrap_or("—"));
                        ui.label(item.engine.label());
                        if with_expert {
                            let expert = item.expert.map(|d| d.label()).unwrap_or("not published");
                            let color = match item.trainee_agrees_with_expert() {
                                Some(true) => theme.met,
                                Some(false) => theme.not_met,
                                None => theme.weak_text,
                            };
                            ui.label(RichText::new(expert).color(color));
                        }
                        ui.end_row();
                        for c in &item.criteria {
                            ui.label(short(&c.question, question_chars))
                                .on_hover_text(&c.question);
                            ui.label(
                                RichText::new(c.trainee.label())
                                    .color(theme.answer_color(c.trainee)),
                            );
                            ui.label(
                                RichText::new(c.engine.label()).color(theme.answer_color(c.engine)),
                            );
                            if with_expert {
                                ui.label("—");
                            }
                            ui.end_row();
                        }
                    });
                ui.label(
                    RichText::new(format!(
                        "Criteria agreement with the engine: {:.0}%",
                        item.criteria_agreement() * 100.0
                    ))
                    .small(),
                );
                if let Some(r) = open
                    .review
                    .case
                    .reference
                    .as_ref()
                    .and_then(|r| r.for_item(item.item))
                {
                    egui::CollapsingHeader::new("Expert's rationale")
                        .id_salt(("expert", item.item.0))
                        .show(ui, |ui| {
                            ui.label(&r.guideline_line);
                            ui.label(&r.rationale);
                        });
                }
            }
            ui.separator();
            session_summary(ui, session, theme);
        });
}

fn session_summary(ui: &mut egui::Ui, session: &[training::CaseScore], theme: &Theme) {
    if session.is_empty() {
        return;
    }
    let s = training::summarise(session);
    ui.add_space(6.0);
    ui.label(RichText::new("Session summary").strong());
    ui.label(format!(
        "{} · {} of {} items agree with the expert ({:.0}%) · Cohen's kappa {}",
        counted(session.len(), "case", "cases"),
        s.agreed,
        s.judged,
        s.agreement * 100.0,
        s.kappa
            .map(|k| format!("{k:.2}"))
            .unwrap_or_else(|| "undefined (one class only)".into())
    ));
    for c in session {
        let (a, j) = c.points();
        ui.label(RichText::new(format!("• {}: {a}/{j}", c.label)).color(theme.weak_text));
    }
}

/// What a signature covers, item by item, the attestation, and Sign. A
/// rationale drafted before the review changed is named, with the offer to
/// draft it again, before anything is signed.
#[allow(clippy::too_many_arguments)]
fn finalize_dialog(
    ui: &mut egui::Ui,
    open: &OpenCase,
    settings: &Settings,
    theme: &Theme,
    attest: &mut bool,
    actions: &mut Vec<Action>,
    close: &mut bool,
    escape: bool,
) {
    ui.heading("Finalize and sign");
    ui.label(format!(
        "You sign as {}, {}. Your signature covers:",
        settings.reviewer_name.trim(),
        settings.credentials.trim()
    ));
    let review = &open.review;
    egui::ScrollArea::vertical()
        .max_height(340.0)
        .show(ui, |ui| {
            for line in signing_summary(review) {
                ui.label(line);
            }
        });
    let stale = review.stale_rationales();
    if !stale.is_empty() {
        ui.add_space(4.0);
        ui.label(
            RichText::new("Some rationales were drafted before the review changed:")
                .strong()
                .color(theme.not_documented),
        );
        for (id, changes) in &stale {
            ui.label(
                RichText::new(format!("• Item {id}: {}", changes.join("; ")))
                    .color(theme.not_documented),
            );
        }
        if ui.button("Regenerate these rationales").on_hover_text("Drafts them again from the current answers and reasons (Undo brings your text back)").clicked() {
            actions.push(Action::RegenerateStale);
        }
    }
    ui.add_space(4.0);
    ui.checkbox(attest, ATTESTATION);
    ui.horizontal(|ui| {
        let label = if stale.is_empty() {
            "Sign"
        } else {
            "Sign with these rationales"
        };
        if ui.add_enabled(*attest, egui::Button::new(label)).clicked() {
            actions.push(Action::Sign);
            *close = true;
        }
        if ui.button("Cancel").clicked() || escape {
            *close = true;
        }
    });
}

/// The attestation the reviewer gives before signing.
pub const ATTESTATION: &str = "I attest that I reviewed the records listed, that the decisions and rationales are my own, and that I have no conflict of interest in this case.";

/// One line per item of what a signature covers: the decision, each
/// override with its reason, and whether the rationale is the draft or
/// the reviewer's text; then the case summary.
pub fn signing_summary(review: &crate::review::ReviewState) -> Vec<String> {
    let mut out = Vec::new();
    for item in &review.items {
        let text = review
            .case
            .item(item.item)
            .map(|i| i.disputed_text().to_string())
            .unwrap_or_default();
        let decision = item
            .decision
            .map(|d| d.label().to_string())
            .unwrap_or_else(|| "no decision".into());
        out.push(format!("Item {}: {text} — {decision}", item.item));
        for c in &item.criteria {
            if review.is_override(item.item, c) {
                let question = review.criterion_question(item.item, &c.id);
                out.push(format!(
                    "    override: \"{question}\" set to {} — reason: {}",
                    c.answer,
                    c.override_reason.as_deref().unwrap_or("none given")
                ));
            }
        }
        out.push(format!(
            "    rationale: {}",
            if item.rationale_edited {
                "edited by you"
            } else {
                "the draft, not edited"
            }
        ));
    }
    out.push(format!(
        "Clinical case summary ({} words) and the list of {} documents reviewed.",
        review.summary.split_whitespace().count(),
        review.case.documents.len()
    ));
    out
}

/// Draws the open dialog, if any, and turns its buttons into actions.
pub fn modal(ctx: &egui::Context, ws: &mut Workstation, actions: &mut Vec<Action>) {
    let Some(mut modal) = ws.modal.take() else {
        return;
    };
    let mut close = false;
    let enter = ctx.input(|i| i.key_pressed(egui::Key::Enter));
    let escape = ctx.input(|i| i.key_pressed(egui::Key::Escape));
    egui::Modal::new(egui::Id::unique("imrdesk-modal")).show(ctx, |ui| {
        ui.set_max_width(520.0);
        match &mut modal {
            Modal::OverrideReason { item, criterion, answer, reason } => {
                ui.heading("Reason for the override");
                let question = ws
                    .open
                    .as_ref()
                    .map(|o| o.review.criterion_question(*item, criterion))
                    .unwrap_or_else(|| criterion.clone());
                ui.label(format!("Item {item}: set \"{question}\" to {answer}. In one line, why?"));
                let label = ui.label("Reason:");
                let edit = ui.add(egui::TextEdit::singleline(reason).desired_width(480.0).id_salt("override-reason")).labelled_by(label.id);
                edit.request_focus();
                ui.horizontal(|ui| {
                    let ok = ui.add_enabled(!reason.trim().is_empty(), egui::Button::new("Override")).clicked();
                    if ok || (enter && !reason.trim().is_empty()) {
                        actions.push(Action::Review(Command::SetAnswer {
                            item: *item,
                            criterion: criterion.clone(),
                            answer: *answer,
                            reason: Some(reason.trim().to_string()),
                        }));
                        close = true;
                    }
                    if ui.button("Cancel").clicked() || escape {
                        close = true;
                    }
                });
            }
            Modal::Amend { reason } => {
                ui.heading("Amend the finalized review");
                ui.label("The signature is removed and the review becomes editable. The reason is kept in the audit log.");
                let label = ui.label("Reason for the amendment:");
                ui.add(egui::TextEdit::singleline(reason).desired_width(480.0).id_salt("amend-reason")).labelled_by(label.id);
                ui.horizontal(|ui| {
                    if ui.add_enabled(!reason.trim().is_empty(), egui::Button::new("Reopen for amendment")).clicked() {
                        actions.push(Action::Review(Command::Amend { reason: reason.trim().to_string() }));
                        close = true;
                    }
                    if ui.button("Cancel").clicked() || escape {
                        close = true;
                    }
                });
            }
            Modal::Sign { passphrase } => {
                ui.heading("Sign the determination");
                ui.label(match ws.key_fingerprint() {
                    Some(fp) => format!("Your signing key {fp} is unlocked with its passphrase."),
                    None => "A signing key is created now, protected by this passphrase (at least 8 characters).".to_string(),
                });
                let label = ui.label("Passphrase:");
                let field = ui.add(egui::TextEdit::singleline(passphrase).password(true).desired_width(320.0).id_salt("sign-passphrase")).labelled_by(label.id);
                // Typed at once, without reaching for the mouse.
                field.request_focus();
                ui.horizontal(|ui| {
                    if ui.add_enabled(!passphrase.is_empty(), egui::Button::new("Sign and finalize")).clicked() || (enter && !passphrase.is_empty()) {
                        actions.push(Action::SignWith { passphrase: std::mem::take(passphrase) });
                        close = true;
                    }
                    if ui.button("Cancel").clicked() || escape {
                        close = true;
                    }
                });
            }
            Modal::ConfirmRegenerate(item) => {
                ui.heading("Replace your edited rationale?");
                ui.label("You edited this rationale. A new draft replaces your text (Undo brings it back).");
                ui.horizontal(|ui| {
                    if ui.button("Replace with a new draft").clicked() {
                        actions.push(Action::Review(Command::RegenerateRationale { item: *item, overwrite_edits: true }));
                        close = true;
                    }
                    if ui.button("Keep my text").clicked() || escape {
                        close = true;
                    }
                });
            }
            Modal::Missing(list) => {
                ui.heading("The review cannot be finalized yet");
                for m in list.iter() {
                    ui.label(format!("• {m}"));
                }
                if ui.button("OK").clicked() || escape || enter {
                    close = true;
                }
            }
            Modal::Restore { autosave, saved, case, at } => {
                ui.heading("Restore unsaved work?");
                let when = at
                    .map(|t| format!(" on {}", t.format("%m/%d/%Y at %H:%M UTC")))
                    .unwrap_or_default();
                ui.label(match saved {
                    Some(p) => format!(
                        "Case {case}: work autosaved{when} is newer than the saved review {}.",
                        p.display()
                    ),
                    None => format!("Case {case}: unsaved work was autosaved{when}."),
                });
                ui.label(RichText::new(format!("Autosave: {}", autosave.display())).small());
                ui.horizontal(|ui| {
                    if ui.button("Restore the autosave").clicked() {
                        actions.push(Action::OpenPath { path: autosave.clone(), training: false });
                        close = true;
                    }
                    if ui.button("Ignore it").clicked() || escape {
                        close = true;
                    }
                });
            }
            Modal::PathEntry { kind, path, why } => {
                ui.heading(match kind {
                    DialogKind::OpenFile => "Open a file",
                    DialogKind::OpenFolder => "Open a records folder",
                    DialogKind::OpenLibrary => "Open a case library",
                    DialogKind::SaveReview => "Save the review",
                    DialogKind::ExportLetter => "Export the letter",
                });
                ui.label(why.as_str());
                let label = ui.label("Path:");
                let edit = ui.add(egui::TextEdit::singleline(path).desired_width(480.0).id_salt("path-entry")).labelled_by(label.id);
                edit.request_focus();
                ui.horizontal(|ui| {
                    if ui.add_enabled(!path.trim().is_empty(), egui::Button::new("OK")).clicked() || (enter && !path.trim().is_empty()) {
                        let p = std::path::PathBuf::from(path.trim());
                        match kind {
                            DialogKind::OpenFile => actions.push(Action::OpenPath { path: p, training: false }),
                            other => actions.push(Action::ChosePath { kind: *other, path: p }),
                        }
                        close = true;
                    }
                    if ui.button("Cancel").clicked() || escape {
                        close = true;
                    }
                });
            }
            Modal::ExportReport { path, refused, issues } => {
                ui.heading(if *refused { "Export refused: the letter is inconsistent" } else { "Exported — please check these points" });
                ui.label(if *refused {
                    format!("{} was not written. Correct these items, then export again:", path.display())
                } else {
                    format!("{} was written. The checks raised:", path.display())
                });
                egui::ScrollArea::vertical().max_height(300.0).show(ui, |ui| {
                    for issue in issues.iter() {
                        ui.label(format!("• {issue}"));
                    }
                });
                if ui.button("OK").clicked() || escape || enter {
                    close = true;
                }
            }
            Modal::Unsaved { case, signed, .. } => {
                ui.heading("Save changes?");
                ui.label(if *signed {
                    format!("Case {case} holds a signed review that is not saved. Discarding loses the signature and the work behind it.")
                } else {
                    format!("Case {case} has changes that are not saved.")
                });
                ui.horizontal(|ui| {
                    if ui.button("Save").clicked() || enter {
                        actions.push(Action::Unsaved(super::UnsavedChoice::Save));
                    }
                    if ui.button("Discard changes").clicked() {
                        actions.push(Action::Unsaved(super::UnsavedChoice::Discard));
                    }
                    if ui.button("Cancel").clicked() || escape {
                        actions.push(Action::Unsaved(super::UnsavedChoice::Cancel));
                    }
                });
            }
            Modal::Finalize { attest } => {
                if let Some(open) = &ws.open {
                    finalize_dialog(ui, open, &ws.settings, &ws.theme, attest, actions, &mut close, escape);
                } else {
                    close = true;
                }
            }
            Modal::Settings => {
                ui.heading("Settings");
                egui::Grid::new("settings-grid").num_columns(2).show(ui, |ui| {
                    let mut name = ws.settings.reviewer_name.clone();
                    let mut credentials = ws.settings.credentials.clone();
                    let l = ui.label("Reviewer name:");
                    let a = ui.add(egui::TextEdit::singleline(&mut name).desired_width(300.0)).labelled_by(l.id);
                    ui.end_row();
                    let l = ui.label("Credentials:");
                    let b = ui.add(egui::TextEdit::singleline(&mut credentials).hint_text("MD, Board Certified in …").desired_width(300.0)).labelled_by(l.id);
                    ui.end_row();
                    if a.changed() || b.changed() {
                        actions.push(Action::SetSigner { name, credentials });
                    }
                    ui.label("Signing key:");
                    ui.label(ws.key_fingerprint().unwrap_or_else(|| "none yet (created when you first finalize)".into()));
                    ui.end_row();
                });
                ocr_cache_control(ui);
                if ui.button("Close").clicked() || escape {
                    close = true;
                }
            }
        }
    });
    if !close {
        ws.modal = Some(modal);
    }
}

/// The OCR cache's size and a button to clear it: the cache holds the text
/// of scanned records, so the reviewer can remove it from this machine.
fn ocr_cache_control(ui: &mut egui::Ui) {
    use crate::ingest::ocr;
    ui.horizontal(|ui| {
        let where_ = ocr::cache_dir().map_or_else(|| "no cache folder".to_string(), |d| d.display().to_string());
        ui.label(format!("OCR cache: {:.1} MB", ocr::cache_size() as f64 / 1e6))
            .on_hover_text(format!("Text read from scanned pages, kept so a case is not OCR'd twice; never leaves this machine. {where_}"));
        if ui.button("Clear OCR cache").clicked() {
            let note = match ocr::clear_cache() {
                Ok(n) => format!("{n} cached file(s) removed"),
                Err(e) => format!("The OCR cache could not be cleared: {e}"),
            };
            ui.ctx().data_mut(|d| d.insert_temp(egui::Id::unique("ocr-cache-note"), note));
        }
    });
    if let Some(note) = ui
        .ctx()
        .data(|d| d.get_temp::<String>(egui::Id::unique("ocr-cache-note")))
    {
        ui.label(note);
    }
}

/// The command palette (Ctrl+K): type part of a command's name, pick with
/// the arrow keys, run with Enter, leave with Escape. `None` while it stays
/// open; `Some(None)` when dismissed; `Some(Some(command))` to run one.
pub fn palette(ctx: &egui::Context, palette: &mut super::Palette) -> Option<Option<Shortcut>> {
    let matches = shortcuts::palette_matches(&palette.query);
    let (up, down, enter, escape) = ctx.input_mut(|i| {
        (
            i.consume_key(egui::Modifiers::NONE, egui::Key::ArrowUp),
            i.consume_key(egui::Modifiers::NONE, egui::Key::ArrowDown),
            i.consume_key(egui::Modifiers::NONE, egui::Key::Enter),
            i.consume_key(egui::Modifiers::NONE, egui::Key::Escape),
        )
    });
    if escape {
        return Some(None);
    }
    if down && palette.selected + 1 < matches.len() {
        palette.selected += 1;
    }
    if up {
        palette.selected = palette.selected.saturating_sub(1);
    }
    palette.selected = palette.selected.min(matches.len().saturating_sub(1));
    if enter {
        return Some(matches.get(palette.selected).copied());
    }
    let mut chosen = None;
    let response = egui::Modal::new(egui::Id::unique("command-palette")).show(ctx, |ui| {
        ui.set_width(480.0);
        ui.label(RichText::new("Command palette").strong());
        let edit = ui.add(
            egui::TextEdit::singleline(&mut palette.query)
                .hint_text("Type a command…")
                .desired_width(f32::INFINITY),
        );
        edit.request_focus();
        if edit.changed() {
            palette.selected = 0;
        }
        ui.separator();
        egui::ScrollArea::vertical()
            .max_height(360.0)
            .show(ui, |ui| {
                for (i, command) in matches.iter().enumerate() {
                    let keys = shortcuts::label(ctx, *command);
                    let button = egui::Button::new(command.text())
                        .selected(i == palette.selected)
                        .shortcut_text(keys);
                    let resp = ui
                        .add_sized([ui.available_width(), 0.0], button)
                        .on_hover_text(command.tooltip());
                    if i == palette.selected {
                        resp.scroll_to_me(None);
                    }
                    if resp.clicked() {
                        chosen = Some(*command);
                    }
                }
                if matches.is_empty() {
                    ui.label("No command matches.");
                }
            });
    });
    if chosen.is_some() {
        return Some(chosen);
    }
    response.should_close().then_some(None)
}

#[cfg(test)]
mod tests {
    use super::overdue_text;

    #[test]
    fn overdue_reads_in_days_months_then_years() {
        assert_eq!(overdue_text(1), "1 day overdue");
        assert_eq!(overdue_text(45), "45 days overdue");
        assert_eq!(overdue_text(95), "overdue by 3 months");
        assert_eq!(overdue_text(3640), "overdue by 9 years");
    }

    #[test]
    fn requested_medications_are_listed_as_requested_not_current() {
        use super::summary_fact_lists;
        use crate::case::DocId;
        use crate::fact::{Certainty, Fact, FactKind, Span, Subject};
        let med = |concept: &str, certainty| Fact {
            kind: FactKind::Medication,
            concept: concept.to_string(),
            doc: DocId(0),
            span: Span::new(0, 1),
            sentence: Span::new(0, 1),
            certainty,
            subject: Subject::Patient,
            date: None,
            region: None,
            side: None,
            value: None,
            detail: None,
        };
        let lists = summary_fact_lists(&[
            med("naproxen", Certainty::Affirmed),
            med("tramadol", Certainty::Hypothetical),
        ]);
        let find = |t: &str| {
            lists
                .iter()
                .find(|(title, _)| *title == t)
                .map(|(_, l)| l.clone())
        };
        assert_eq!(find("Medications"), Some(vec!["naproxen".to_string()]));
        assert_eq!(
            find("Medications requested or planned"),
            Some(vec!["tramadol".to_string()])
        );
    }
}
