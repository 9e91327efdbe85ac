//! The trainer's case library: a folder of published letters read on a
//! worker thread into a sortable, filterable table, and a chosen list to
//! step through during a session.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use chrono::NaiveDate;
use egui::RichText;

use crate::case::ExpertOutcome;
use crate::request::Category;

use super::Action;
use super::files::Backend;
use super::panels::counted;
use super::theme::Theme;

/// One letter in the library.
#[derive(Debug, Clone, PartialEq)]
pub struct LibraryRow {
    pub path: PathBuf,
    pub case_number: String,
    pub injury: Option<NaiveDate>,
    pub decided: Option<NaiveDate>,
    pub specialty: String,
    /// Each item's text and category.
    pub items: Vec<(String, Category)>,
    /// The expert's outcomes (hidden in training mode).
    pub outcomes: Vec<ExpertOutcome>,
}

/// Table columns, for sorting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    CaseNumber,
    Injury,
    Decided,
    Specialty,
    Items,
    Outcome,
}

/// The library's state.
#[derive(Default)]
pub struct CaseLibrary {
    pub folder: Option<PathBuf>,
    pub rows: Vec<LibraryRow>,
    pub errors: Vec<String>,
    pub filter: String,
    pub sort: Option<(Column, bool)>,
    /// Whether cases open as training exercises (and outcomes are hidden).
    pub training: bool,
    /// Rows picked for the session, in order.
    pub chosen: Vec<usize>,
    /// Position in `chosen` of the case being shown.
    pub position: Option<usize>,
    /// "Clear list" was pressed and waits for a confirmation: a trainer's
    /// picked session is not thrown away by one click beside "Next case".
    pub confirm_clear: bool,
    job: Option<LibraryJob>,
}

struct LibraryJob {
    rx: Receiver<Result<LibraryRow, String>>,
    done: Arc<AtomicUsize>,
    total: Arc<AtomicUsize>,
    cancel: Arc<AtomicBool>,
}

impl CaseLibrary {
    /// Starts reading every `.txt`/`.pdf` letter in `folder`.
    pub fn start(&mut self, folder: PathBuf, backend: Backend) {
        self.cancel();
        self.rows.clear();
        self.errors.clear();
        self.chosen.clear();
        self.position = None;
        self.folder = Some(folder.clone());
        let (tx, rx) = channel();
        let done = Arc::new(AtomicUsize::new(0));
        let total = Arc::new(AtomicUsize::new(0));
        let cancel = Arc::new(AtomicBool::new(false));
        let (done2, total2, cancel2) = (done.clone(), total.clone(), cancel.clone());
        std::thread::spawn(move || {
            let mut files: Vec<PathBuf> = match std::fs::read_dir(&folder) {
                Ok(rd) => rd
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|e| e == "txt" || e == "pdf"))
                    .collect(),
                Err(e) => {
                    let _ = tx.send(Err(format!(
                        "{}: cannot list the folder: {e}",
                        folder.display()
                    )));
                    return;
                }
            };
            files.sort();
            // Prefer the text rendering when both a .txt and a .pdf exist.
            let txt: std::collections::HashSet<PathBuf> = files
                .iter()
                .filter(|p| p.extension().is_some_and(|e| e == "txt"))
                .map(|p| p.with_extension(""))
                .collect();
            files.retain(|p| {
                p.extension().is_some_and(|e| e == "txt") || !txt.contains(&p.with_extension(""))
            });
            total2.store(files.len(), Ordering::Relaxed);
            for path in files {
                if cancel2.load(Ordering::Relaxed) {
                    return;
                }
                let row = std::panic::catch_unwind(|| (backend.import)(&path))
                    .unwrap_or_else(|_| {
                        Err(format!(
                            "{}: the reader failed on this file",
                            path.display()
                        ))
                    })
                    .map(|(case, _)| row_of(path.clone(), &case));
                done2.fetch_add(1, Ordering::Relaxed);
                if tx.send(row).is_err() {
                    return;
                }
            }
        });
        self.job = Some(LibraryJob {
            rx,
            done,
            total,
            cancel,
        });
    }

    pub fn loading(&self) -> bool {
        self.job.is_some()
    }

    /// Stops reading; true when a read was running.
    pub fn cancel(&mut self) -> bool {
        match self.job.take() {
            Some(job) => {
                job.cancel.store(true, Ordering::Relaxed);
                true
            }
            None => false,
        }
    }

    /// Collects rows read so far; returns a message when reading finished.
    pub fn poll(&mut self, _backend: Backend) -> Option<String> {
        let job = self.job.as_ref()?;
        loop {
            match job.rx.try_recv() {
                Ok(Ok(row)) => self.rows.push(row),
                Ok(Err(e)) => self.errors.push(e),
                Err(TryRecvError::Empty) => return None,
                Err(TryRecvError::Disconnected) => {
                    self.job = None;
                    return Some(format!(
                        "Case library: {} read, {} could not be read",
                        counted(self.rows.len(), "letter", "letters"),
                        self.errors.len()
                    ));
                }
            }
        }
    }

    /// Progress of the read: (done, total).
    pub fn progress(&self) -> Option<(usize, usize)> {
        self.job.as_ref().map(|j| {
            (
                j.done.load(Ordering::Relaxed),
                j.total.load(Ordering::Relaxed),
            )
        })
    }

    /// Rows shown after filtering and sorting (indices into `rows`).
    pub fn visible(&self) -> Vec<usize> {
        let needle = self.filter.trim().to_lowercase();
        let mut idx: Vec<usize> = (0..self.rows.len())
            .filter(|&i| {
                needle.is_empty()
                    || self.rows.get(i).is_some_and(|r| {
                        let mut hay = format!("{} {} ", r.case_number, r.specialty);
                        for (t, c) in &r.items {
                            hay.push_str(t);
                            hay.push(' ');
                            hay.push_str(c.label());
                            hay.push(' ');
                        }
                        if !self.training {
                            for o in &r.outcomes {
                                hay.push_str(&o.to_string());
                                hay.push(' ');
                            }
                        }
                        needle
                            .split_whitespace()
                            .all(|w| hay.to_lowercase().contains(w))
                    })
            })
            .collect();
        if let Some((col, ascending)) = self.sort {
            idx.sort_by(|&a, &b| {
                let (Some(x), Some(y)) = (self.rows.get(a), self.rows.get(b)) else {
                    return std::cmp::Ordering::Equal;
                };
                let ord = match col {
                    Column::CaseNumber => x.case_number.cmp(&y.case_number),
                    Column::Injury => x.injury.cmp(&y.injury),
                    Column::Decided => x.decided.cmp(&y.decided),
                    Column::Specialty => x.specialty.cmp(&y.specialty),
                    Column::Items => x.items.len().cmp(&y.items.len()),
                    Column::Outcome => overturned(x).cmp(&overturned(y)),
                };
                if ascending { ord } else { ord.reverse() }
            });
        }
        idx
    }

    /// Opens row `i`; when it is in the chosen list, the position follows.
    pub fn select(&mut self, i: usize) -> Option<PathBuf> {
        let row = self.rows.get(i)?;
        self.position = self.chosen.iter().position(|&c| c == i);
        Some(row.path.clone())
    }

    /// The next (or previous) case of the chosen list.
    pub fn step(&mut self, forward: bool) -> Option<PathBuf> {
        if self.chosen.is_empty() {
            return None;
        }
        let n = self.chosen.len();
        let next = match (self.position, forward) {
            (None, _) => 0,
            (Some(p), true) => (p + 1).min(n - 1),
            (Some(p), false) => p.saturating_sub(1),
        };
        self.position = Some(next);
        let row = *self.chosen.get(next)?;
        self.rows.get(row).map(|r| r.path.clone())
    }
}

fn overturned(r: &LibraryRow) -> usize {
    r.outcomes
        .iter()
        .filter(|o| o.is_medically_necessary())
        .count()
}

fn row_of(path: PathBuf, case: &crate::case::Case) -> LibraryRow {
    LibraryRow {
        case_number: case.meta.case_number.clone().unwrap_or_else(|| {
            path.file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default()
        }),
        injury: case.meta.date_of_injury,
        decided: case.meta.decision_date,
        specialty: case.reviewer.specialties.join(", "),
        items: case
            .items
            .iter()
            .map(|i| {
                (
                    i.disputed_text().to_string(),
                    crate::request::parse(i).category,
                )
            })
            .collect(),
        outcomes: case
            .reference
            .as_ref()
            .map(|r| r.items.iter().map(|i| i.outcome).collect())
            .unwrap_or_default(),
        path,
    }
}

/// Draws the library panel.
pub fn show(ui: &mut egui::Ui, lib: &mut CaseLibrary, theme: &Theme, actions: &mut Vec<Action>) {
    ui.horizontal_wrapped(|ui| {
        if ui
            .button("Open a folder of letters…")
            .on_hover_text("Read every published letter in a folder")
            .clicked()
        {
            actions.push(Action::StartDialog(super::files::DialogKind::OpenLibrary));
        }
        ui.checkbox(&mut lib.training, "Training (hide expert decisions)");
        let label = ui.label("Filter:");
        ui.add(
            egui::TextEdit::singleline(&mut lib.filter)
                .hint_text("e.g. lumbar mri")
                .desired_width(180.0),
        )
        .labelled_by(label.id);
        if let Some((done, total)) = lib.progress() {
            let fraction = if total == 0 {
                0.0
            } else {
                done as f32 / total as f32
            };
            let stage = if total == 0 {
                "listing the folder".to_string()
            } else {
                format!("{done} of {total} letters read")
            };
            ui.add(
                egui::ProgressBar::new(fraction)
                    .desired_width(260.0)
                    .text(super::files::percent_text(fraction, &stage)),
            );
            if ui.button("Cancel").clicked() {
                actions.push(Action::CancelLoad);
            }
        }
    });
    if lib.rows.is_empty() {
        ui.label(
            RichText::new("Open a folder of published IMR letters to list them here; pick cases for a session and step through them.")
                .color(theme.weak_text),
        );
        return;
    }
    // The session line is always drawn, empty or not, so ticking the first
    // case does not push the table down under the pointer.
    let picked = !lib.chosen.is_empty();
    ui.horizontal(|ui| {
        if picked {
            ui.label(format!(
                "Session list: {}{}",
                counted(lib.chosen.len(), "case", "cases"),
                lib.position
                    .map(|p| format!(" — showing {} of {}", p + 1, lib.chosen.len()))
                    .unwrap_or_default()
            ));
        } else {
            ui.label("Session list: none yet — tick cases to step through them");
        }
        if ui
            .add_enabled(picked, egui::Button::new("Previous case"))
            .clicked()
        {
            actions.push(Action::StepLibrary(false));
        }
        if ui
            .add_enabled(picked, egui::Button::new("Next case"))
            .clicked()
        {
            actions.push(Action::StepLibrary(true));
        }
        if picked {
            ui.add_space(24.0);
            if lib.confirm_clear {
                ui.label("Clear the session list?");
                if ui.button("Clear").clicked() {
                    lib.chosen.clear();
                    lib.position = None;
                    lib.confirm_clear = false;
                }
                if ui.button("Keep").clicked() {
                    lib.confirm_clear = false;
                }
            } else if ui.button("Clear list…").clicked() {
                lib.confirm_clear = true;
            }
        }
    });
    let visible = lib.visible();
    ui.label(
        RichText::new(format!(
            "{} of {}",
            visible.len(),
            counted(lib.rows.len(), "letter", "letters")
        ))
        .small(),
    );
    // What a trainer picks by (items, outcomes) comes before the long
    // specialty lists, so it is in view without scrolling sideways.
    let mut columns = vec![
        (Column::CaseNumber, "Case"),
        (Column::Injury, "Injury"),
        (Column::Decided, "Decided"),
    ];
    if !lib.training {
        columns.push((Column::Outcome, "Expert decisions"));
    }
    columns.push((Column::Items, "Disputed items"));
    columns.push((Column::Specialty, "Specialty"));
    let date = |d: Option<NaiveDate>| {
        d.map(|d| d.format("%m/%d/%Y").to_string())
            .unwrap_or_default()
    };
    egui::ScrollArea::both()
        .id_salt("library-scroll")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            egui::Grid::new("library-grid")
                .striped(true)
                .num_columns(columns.len() + 1)
                .show(ui, |ui| {
                    ui.label(RichText::new("Pick").strong());
                    for (col, name) in &columns {
                        let arrow = match lib.sort {
                            Some((c, true)) if c == *col => " (ascending)",
                            Some((c, false)) if c == *col => " (descending)",
                            _ => "",
                        };
                        if ui
                            .button(format!("{name}{arrow}"))
                            .on_hover_text("Sort by this column")
                            .clicked()
                        {
                            lib.sort = match lib.sort {
                                Some((c, true)) if c == *col => Some((*col, false)),
                                _ => Some((*col, true)),
                            };
                        }
                    }
                    ui.end_row();
                    for &i in &visible {
                        let Some(r) = lib.rows.get(i).cloned() else {
                            continue;
                        };
                        let mut on = lib.chosen.contains(&i);
                        // No visible text (the case number is the next
                        // column) but an accessible name of its own.
                        let pick = ui
                            .checkbox(&mut on, "")
                            .on_hover_text("Add to the session list");
                        let name = format!("Pick {}", r.case_number);
                        pick.widget_info(|| {
                            egui::WidgetInfo::selected(egui::Role::CheckBox, true, on, &name)
                        });
                        if pick.changed() {
                            if on {
                                lib.chosen.push(i);
                            } else {
                                lib.chosen.retain(|&c| c != i);
                            }
                        }
                        if ui
                            .link(&r.case_number)
                            .on_hover_text("Open this case")
                            .clicked()
                        {
                            actions.push(Action::OpenLibraryCase(i));
                        }
                        ui.label(date(r.injury));
                        ui.label(date(r.decided));
                        if !lib.training {
                            let outcomes: Vec<String> =
                                r.outcomes.iter().map(|o| o.to_string()).collect();
                            ui.label(outcome_summary(r.outcomes.len(), overturned(&r)))
                                .on_hover_text(outcomes.join(", "));
                        }
                        let text: Vec<String> = r
                            .items
                            .iter()
                            .map(|(t, c)| format!("{t} [{}]", c.label()))
                            .collect();
                        let joined = text.join("; ");
                        ui.label(clipped(&joined, 56)).on_hover_text(joined);
                        ui.label(clipped(&r.specialty, 40))
                            .on_hover_text(&r.specialty);
                        ui.end_row();
                    }
                });
        });
}

/// The expert's outcomes in a few words: "3 upheld", "1 overturned",
/// "1 of 4 overturned" (the full list is in the hover text).
fn outcome_summary(items: usize, overturned: usize) -> String {
    match (items, overturned) {
        (0, _) => "—".to_string(),
        (n, 0) => format!("{n} upheld"),
        (n, o) if o == n => format!("{n} overturned"),
        (n, o) => format!("{o} of {n} overturned"),
    }
}

/// At most `max` characters, with an ellipsis when cut.
fn clipped(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let cut: String = text.chars().take(max.saturating_sub(1)).collect();
        format!("{}…", cut.trim_end())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_in_a_few_words() {
        assert_eq!(outcome_summary(3, 0), "3 upheld");
        assert_eq!(outcome_summary(1, 1), "1 overturned");
        assert_eq!(outcome_summary(4, 1), "1 of 4 overturned");
        assert_eq!(outcome_summary(0, 0), "—");
    }

    #[test]
    fn clipped_keeps_short_text_and_marks_cuts() {
        assert_eq!(clipped("MRI", 5), "MRI");
        assert_eq!(clipped("abcdef", 4), "abc…");
    }

    fn row(n: &str, outcome: ExpertOutcome, cat: Category) -> LibraryRow {
        LibraryRow {
            path: PathBuf::from(format!("{n}.txt")),
            case_number: n.into(),
            injury: None,
            decided: None,
            specialty: "Orthopedic Surgery".into(),
            items: vec![("MRI lumbar spine".into(), cat)],
            outcomes: vec![outcome],
        }
    }

    #[test]
    fn filter_sort_and_step() {
        let mut lib = CaseLibrary {
            rows: vec![
                row("B", ExpertOutcome::Upheld, Category::Imaging),
                row("A", ExpertOutcome::Overturned, Category::Imaging),
                row("C", ExpertOutcome::Upheld, Category::Opioid),
            ],
            ..CaseLibrary::default()
        };
        lib.filter = "imaging".into();
        assert_eq!(lib.visible(), vec![0, 1]);
        lib.filter = "overturned".into();
        assert_eq!(lib.visible(), vec![1]);
        lib.training = true;
        assert!(
            lib.visible().is_empty(),
            "outcomes are not searchable in training"
        );
        lib.training = false;
        lib.filter.clear();
        lib.sort = Some((Column::CaseNumber, true));
        assert_eq!(lib.visible(), vec![1, 0, 2]);
        lib.sort = Some((Column::Outcome, false));
        assert_eq!(lib.visible().first(), Some(&1));
        lib.chosen = vec![2, 0];
        assert_eq!(lib.step(true), Some(PathBuf::from("C.txt")));
        assert_eq!(lib.step(true), Some(PathBuf::from("B.txt")));
        assert_eq!(lib.step(true), Some(PathBuf::from("B.txt")));
        assert_eq!(lib.step(false), Some(PathBuf::from("C.txt")));
    }
}
