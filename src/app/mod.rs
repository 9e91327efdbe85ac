//! The workstation window (feature `gui`).
//!
//! [`Workstation`] holds everything the window shows and draws it in
//! [`Workstation::ui`], which needs only an `egui::Ui` — so the tests drive
//! the real window through `egui_kittest` without `eframe`.
//!
//! Its state is in three parts:
//! - the session: the open case ([`OpenCase`]: review, path, dirty, the
//!   training stash);
//! - view state: per case ([`CaseView`]: selection, the documents' rows,
//!   search and scroll, the timeline's zoom, caches) and for the window
//!   (layout, presentation, palette, theme);
//! - [`Services`]: the injected effects (clock, filesystem, file dialogs,
//!   engine) and the work running off the UI thread.
//!
//! A pane gets a [`CasePanel`]: the review read-only and the case's view
//! state. Everything else it wants goes back as an [`Action`], and
//! [`Workstation::handle`] applies actions in one place, turning edits into
//! review [`Command`]s.

mod documents;
mod files;
mod letter;
mod library;
mod panels;
pub mod shortcuts;
pub mod theme;
pub mod timeaxis;
mod timeline;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use egui::RichText;
use serde::{Deserialize, Serialize};

use crate::assessment::{Analysis, Answer};
use crate::case::{Case, DocId, ItemId};
use crate::fact::Span;
use crate::review::training::{self, CaseScore};
use crate::review::{Clock, Command, FileSystem, KeyStore, Mode, ReviewState, Signer, file};

pub use documents::{DocRows, Row, Search};
pub use files::{
    Backend, DialogKind, DialogOutcome, FileDialogs, LoadJob, Loaded, NativeDialogs, PendingDialog,
    ScriptedDialogs,
};
pub use letter::letter_text;
pub use library::{CaseLibrary, LibraryRow};
pub use panels::{ATTESTATION, signing_summary};
pub use shortcuts::Shortcut;
pub use theme::{Theme, ThemeKind};
pub use timeline::{TimelineCache, TimelineView};

/// How often unsaved work is written to the autosave file.
pub const AUTOSAVE_SECONDS: i64 = 60;

/// The file-name prefix of untitled work's autosaves; the case key follows.
pub const UNTITLED: &str = "untitled";

/// Most recent files remembered.
pub const MAX_RECENT: usize = 10;

/// The panels. Persisted inside the tile layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Pane {
    Summary,
    Timeline,
    Documents,
    Checklist,
    Decision,
    Letter,
    Training,
    Library,
}

impl Pane {
    pub const ALL: [Pane; 8] = [
        Pane::Summary,
        Pane::Timeline,
        Pane::Documents,
        Pane::Checklist,
        Pane::Decision,
        Pane::Letter,
        Pane::Training,
        Pane::Library,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Pane::Summary => "Case summary",
            Pane::Timeline => "Timeline",
            Pane::Documents => "Documents",
            Pane::Checklist => "Checklist",
            Pane::Decision => "Decision & rationale",
            Pane::Letter => "Letter preview",
            Pane::Training => "Training",
            Pane::Library => "Case library",
        }
    }
}

/// The default arrangement: reading on the left (summary, the timeline in
/// view, the records), deciding on the right.
pub fn default_layout() -> egui_tiles::Tree<Pane> {
    let mut tiles = egui_tiles::Tiles::default();
    let top_left = tiles.insert_pane(Pane::Summary);
    let timeline = tiles.insert_pane(Pane::Timeline);
    let documents = tiles.insert_pane(Pane::Documents);
    // The library's table needs the height of the reading area.
    let library = tiles.insert_pane(Pane::Library);
    let reading = tiles.insert_tab_tile(vec![documents, library]);
    let left = tiles.insert_vertical_tile(vec![top_left, timeline, reading]);
    let checklist = tiles.insert_pane(Pane::Checklist);
    let training = tiles.insert_pane(Pane::Training);
    let check_tabs = tiles.insert_tab_tile(vec![checklist, training]);
    let decision = tiles.insert_pane(Pane::Decision);
    let letter = tiles.insert_pane(Pane::Letter);
    let write_tabs = tiles.insert_tab_tile(vec![decision, letter]);
    let right = tiles.insert_vertical_tile(vec![check_tabs, write_tabs]);
    let root = tiles.insert_horizontal_tile(vec![left, right]);
    if let Some(egui_tiles::Tile::Container(egui_tiles::Container::Linear(lin))) =
        tiles.get_mut(left)
    {
        lin.shares.set_share(top_left, 0.24);
        lin.shares.set_share(timeline, 0.3);
        lin.shares.set_share(reading, 0.46);
    }
    if let Some(egui_tiles::Tile::Container(egui_tiles::Container::Linear(lin))) =
        tiles.get_mut(right)
    {
        lin.shares.set_share(check_tabs, 0.58);
        lin.shares.set_share(write_tabs, 0.42);
    }
    egui_tiles::Tree::new(egui::Id::unique("imrdesk-layout"), root, tiles)
}

/// What persists between runs besides the layout.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Printed under the signature; required to finalize.
    pub reviewer_name: String,
    pub credentials: String,
    pub theme: ThemeKind,
    /// Any path the OS gives, UTF-8 or not (see [`crate::review::env::os_path`]).
    #[serde(with = "crate::review::env::os_path::list")]
    pub recent: Vec<PathBuf>,
    /// The folder of the last file opened, saved or exported: the next
    /// file dialog starts there.
    #[serde(with = "crate::review::env::os_path::option")]
    pub last_folder: Option<PathBuf>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            reviewer_name: String::new(),
            credentials: String::new(),
            theme: ThemeKind::Light,
            recent: Vec::new(),
            last_folder: None,
        }
    }
}

/// An open case and the view state that belongs to it.
pub struct OpenCase {
    pub review: ReviewState,
    /// The review file, once saved or when opened from one.
    pub path: Option<PathBuf>,
    /// The letter, record or folder the case was imported from.
    pub origin: Option<PathBuf>,
    pub dirty: bool,
    /// The review-mode state kept aside while a training exercise runs.
    pub stashed: Option<Box<ReviewState>>,
    /// Training: whether the trainee revealed engine and expert.
    pub revealed: bool,
    pub warnings: Vec<String>,
    /// Names the case for its untitled autosave ([`ReviewState::case_key`]).
    pub case_key: String,
    /// How the panels show this case: selection, scroll, search, zoom and
    /// caches. Never saved, never part of the review.
    pub view: CaseView,
}

/// The view state of an open case. The panels read it with the review and
/// change it only through [`Action`]s, applied in one place
/// ([`Workstation::handle`]), except for what belongs to one panel alone
/// (its search text, its scroll, its zoom).
#[derive(Debug)]
pub struct CaseView {
    pub selected_item: usize,
    pub selected_criterion: usize,
    /// The criterion under the pointer in the checklist: its evidence is
    /// marked on the timeline and in the documents instead of the selected one's.
    pub hovered_criterion: Option<usize>,
    pub selected_fact: Option<usize>,
    /// The sentence to highlight in the documents.
    pub focus: Option<(DocId, Span)>,
    pub documents: DocumentsView,
    pub timeline: TimelineView,
    /// The letter preview and the audit length it was built at: rebuilt
    /// only when the review changed (every change adds an audit entry).
    pub letter_cache: Option<(usize, String)>,
    /// The case summary's fact lists, built once.
    pub summary_facts: Vec<(&'static str, Vec<String>)>,
}

/// The documents panel's own state.
#[derive(Debug)]
pub struct DocumentsView {
    pub rows: DocRows,
    pub search: Search,
    /// A row to bring into view on the next frame (set by "show source").
    pub scroll_to_row: Option<usize>,
    /// Put the keyboard in the search field on the next frame.
    pub focus_search: bool,
}

impl CaseView {
    /// The view of a freshly opened (or re-read) case: nothing selected,
    /// rows, timeline and summary derived from the review.
    pub fn new(review: &ReviewState) -> CaseView {
        CaseView {
            selected_item: 0,
            selected_criterion: 0,
            hovered_criterion: None,
            selected_fact: None,
            focus: None,
            documents: DocumentsView {
                rows: DocRows::build(&review.case, &review.analysis),
                search: Search::default(),
                scroll_to_row: None,
                focus_search: false,
            },
            timeline: TimelineView::new(&review.analysis.timeline, review.case.meta.due_date()),
            letter_cache: None,
            summary_facts: panels::summary_fact_lists(&review.analysis.facts),
        }
    }

    /// The selected item's id in `review`.
    pub fn item_id(&self, review: &ReviewState) -> Option<ItemId> {
        review.items.get(self.selected_item).map(|i| i.item)
    }

    /// The letter preview text of `review`, cached until the review changes.
    pub fn letter_preview(&mut self, review: &ReviewState) -> &str {
        let stamp = review.audit.len();
        if self
            .letter_cache
            .as_ref()
            .is_none_or(|(at, _)| *at != stamp)
        {
            self.letter_cache = Some((stamp, letter_text(review)));
        }
        self.letter_cache.as_ref().map_or("", |(_, t)| t.as_str())
    }
}

/// What a pane is given of the open case: the review to read (never to
/// change: changes go back as [`Action`]s), whether engine output is hidden,
/// and the case's view state.
pub struct CasePanel<'a> {
    pub review: &'a ReviewState,
    /// Training before reveal: suggestions, evidence links and the letter
    /// stay hidden.
    pub hide_engine: bool,
    /// What the import and the reviewer's re-cuts reported.
    pub warnings: &'a [String],
    pub view: &'a mut CaseView,
}

impl CasePanel<'_> {
    /// The selected item's id.
    pub fn item_id(&self) -> Option<ItemId> {
        self.view.item_id(self.review)
    }

    /// The letter preview text, cached until the review changes.
    pub fn letter_preview(&mut self) -> &str {
        self.view.letter_preview(self.review)
    }
}

impl OpenCase {
    pub fn new(review: ReviewState) -> OpenCase {
        let view = CaseView::new(&review);
        let case_key = review.case_key();
        OpenCase {
            review,
            path: None,
            origin: None,
            dirty: false,
            stashed: None,
            revealed: false,
            warnings: Vec::new(),
            case_key,
            view,
        }
    }

    /// The letter preview text, cached until the review changes.
    pub fn letter_preview(&mut self) -> &str {
        self.view.letter_preview(&self.review)
    }

    /// The selected item's id.
    pub fn item_id(&self) -> Option<ItemId> {
        self.view.item_id(&self.review)
    }

    /// The pane's share of this case: the review to read and the view.
    pub fn panel(&mut self) -> CasePanel<'_> {
        CasePanel {
            hide_engine: self.hide_engine(),
            review: &self.review,
            warnings: &self.warnings,
            view: &mut self.view,
        }
    }

    /// Whether engine output must stay hidden (training before reveal).
    pub fn hide_engine(&self) -> bool {
        self.review.mode == Mode::Training && !self.revealed
    }

    /// A title for the window and messages.
    pub fn title(&self) -> String {
        self.review
            .case
            .meta
            .case_number
            .clone()
            .or_else(|| {
                self.path
                    .as_ref()
                    .or(self.origin.as_ref())
                    .and_then(|p| p.file_name())
                    .map(|n| n.to_string_lossy().into_owned())
            })
            .unwrap_or_else(|| "Untitled case".into())
    }
}

/// Everything a panel or a shortcut can ask for.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Review(Command),
    SelectItem(usize),
    SelectCriterion(usize),
    /// Set an answer; asks for a reason when it overrides the engine.
    SetAnswer {
        item: ItemId,
        criterion: String,
        answer: Answer,
    },
    ShowSource {
        doc: DocId,
        span: Span,
    },
    SelectFact(usize),
    ClearFact,
    AskRegenerate(ItemId),
    Finalize,
    /// Unlock (or, the first time, create) the signing key and finalize.
    SignWith {
        passphrase: String,
    },
    AskAmend,
    Reveal,
    RecordScore,
    Shortcut(Shortcut),
    OpenPath {
        path: PathBuf,
        training: bool,
    },
    StartDialog(DialogKind),
    OpenDemo,
    CancelLoad,
    SetTheme(ThemeKind),
    ShowSettings,
    OpenLibraryCase(usize),
    /// Closes the window, after the unsaved-changes prompt when needed.
    Quit,
    /// The answer to the unsaved-changes prompt.
    Unsaved(UnsavedChoice),
    /// Sign from the finalize dialog (the attestation was given).
    Sign,
    /// Regenerate every stale rationale that was not edited by hand.
    RegenerateStale,
    StepLibrary(bool),
    FocusPane(Pane),
    /// The pointer is over a criterion of the checklist (or left it).
    HoverCriterion(Option<usize>),
    /// Back to the default arrangement of panes.
    ResetLayout,
    /// A path typed in the path field for a file dialog that did not open.
    ChosePath {
        kind: DialogKind,
        path: PathBuf,
    },
    /// The signer's name and credentials, from Settings.
    SetSigner {
        name: String,
        credentials: String,
    },
    /// Re-cut the case's documents (scanned case files): the case is read
    /// again and a fresh draft review starts.
    Restructure(Restructure),
    /// A line for the status bar (e.g. after a copy to the clipboard).
    Notify(String),
}

/// How a scanned case file is re-cut into documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Restructure {
    /// Start a new document at `page` (1-based within `doc`).
    Split { doc: DocId, page: usize },
    /// Join `next` onto `doc`.
    Merge { doc: DocId, next: DocId },
}

/// A message in the status bar.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub error: bool,
    pub text: String,
}

/// A dialog over the window.
#[derive(Debug, Clone, PartialEq)]
pub enum Modal {
    OverrideReason {
        item: ItemId,
        criterion: String,
        answer: Answer,
        reason: String,
    },
    Amend {
        reason: String,
    },
    /// The passphrase of the signing key, asked when finalizing.
    Sign {
        passphrase: String,
    },
    ConfirmRegenerate(ItemId),
    Missing(Vec<String>),
    Restore {
        autosave: PathBuf,
        saved: Option<PathBuf>,
        /// The case the autosave belongs to, as the window titles it.
        case: String,
        /// When the autosave was written.
        at: Option<DateTime<Utc>>,
    },
    /// The open case has unsaved changes and `then` would replace it.
    Unsaved {
        case: String,
        signed: bool,
        then: Pending,
    },
    /// What signing covers, item by item, and the attestation.
    Finalize {
        attest: bool,
    },
    PathEntry {
        kind: DialogKind,
        path: String,
        why: String,
    },
    Settings,
    /// What the consistency checks found when exporting to `path`:
    /// `refused` when an error stopped the export.
    ExportReport {
        path: PathBuf,
        refused: bool,
        issues: Vec<String>,
    },
}

/// What the reviewer asked for that would close the open case; it runs
/// once the unsaved-changes prompt is answered.
#[derive(Debug, Clone, PartialEq)]
pub enum Pending {
    OpenPath { path: PathBuf, training: bool },
    OpenDemo,
    Quit,
}

/// The buttons of the unsaved-changes prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnsavedChoice {
    Save,
    Discard,
    Cancel,
}

/// The effects the window uses, injected (see `review::env`).
pub struct Env {
    pub clock: Box<dyn Clock>,
    /// Shared with the autosave writer thread.
    pub fs: Box<dyn FileSystem + Send + Sync>,
    pub dialogs: Box<dyn FileDialogs>,
    pub backend: Backend,
    /// Where untitled work is autosaved; `None` disables that.
    pub autosave_dir: Option<PathBuf>,
    /// The guideline library (built-in or `--guidelines DIR`): the engine
    /// and every review's live suggestions use it.
    pub library: std::sync::Arc<crate::guideline::Library>,
}

/// [`Env`] as the window keeps it: the filesystem shared so autosaves can
/// be written on a worker thread.
struct Effects {
    clock: Box<dyn Clock>,
    fs: std::sync::Arc<dyn FileSystem + Send + Sync>,
    dialogs: Box<dyn FileDialogs>,
    backend: Backend,
    autosave_dir: Option<PathBuf>,
    library: std::sync::Arc<crate::guideline::Library>,
}

/// What the window does to the world, and the work it runs off the UI
/// thread: kept apart from what it shows, so a panel never reaches them.
pub struct Services {
    env: Effects,
    /// A case being read (file, folder or demo) on a worker thread.
    pub job: Option<LoadJob>,
    /// A file dialog waiting for its answer.
    pub dialog: Option<PendingDialog>,
    /// The autosave being written off the UI thread, if any.
    autosave_job: Option<std::sync::mpsc::Receiver<Result<PathBuf, String>>>,
    last_autosave: Option<DateTime<Utc>>,
    /// Where the signing key and trusted keys live (the settings folder;
    /// tests point it at a temporary one).
    pub key_dir: Option<PathBuf>,
}

/// The whole window's state; see the module documentation.
pub struct Workstation {
    pub open: Option<OpenCase>,
    pub settings: Settings,
    pub layout: egui_tiles::Tree<Pane>,
    pub presentation: bool,
    pub focused_pane: Pane,
    pub session: Vec<CaseScore>,
    pub library: CaseLibrary,
    pub modal: Option<Modal>,
    pub messages: Vec<Message>,
    /// The unsaved-changes prompt was answered for quitting: the next close
    /// request goes through.
    pub quit_confirmed: bool,
    /// The window should close (the eframe wrapper sends the command).
    pub close_now: bool,
    /// What runs after a Save chosen in the unsaved prompt completes.
    after_save: Option<Pending>,
    applied_theme: Option<(ThemeKind, bool)>,
    theme: Theme,
    /// The last-shown size of the egui font scale, to detect theme changes.
    pending: Vec<Action>,
    /// The command palette (Ctrl+K), while open.
    pub palette: Option<Palette>,
    /// The effects, and the work running off the UI thread.
    pub services: Services,
}

/// The command palette's state: what was typed and which match is chosen.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Palette {
    pub query: String,
    pub selected: usize,
}

impl Workstation {
    pub fn new(env: Env, settings: Settings, layout: Option<egui_tiles::Tree<Pane>>) -> Self {
        let theme = Theme::load(settings.theme);
        let env = Effects {
            clock: env.clock,
            fs: std::sync::Arc::from(env.fs),
            dialogs: env.dialogs,
            backend: env.backend,
            autosave_dir: env.autosave_dir,
            library: env.library,
        };
        Workstation {
            open: None,
            settings,
            layout: layout.unwrap_or_else(default_layout),
            presentation: false,
            focused_pane: Pane::Checklist,
            session: Vec::new(),
            library: CaseLibrary::default(),
            modal: None,
            messages: Vec::new(),
            services: Services {
                env,
                job: None,
                dialog: None,
                autosave_job: None,
                last_autosave: None,
                key_dir: crate::review::env::settings_dir(),
            },
            quit_confirmed: false,
            close_now: false,
            after_save: None,
            applied_theme: None,
            theme,
            pending: Vec::new(),
            palette: None,
        }
    }

    /// Opens the built-in demo case.
    pub fn open_demo(&mut self) {
        let case =
            (self.services.env.backend.demo_case)(self.services.env.clock.now().date_naive());
        let analysis = (self.services.env.backend.analyze)(
            &case.without_reference(),
            &self.services.env.library,
        );
        self.open_case(case, analysis, None, Vec::new(), false);
    }

    /// Offers the autosave of the open case when it is newer than the
    /// saved file (or, for untitled work, when there is one), naming the
    /// case and when the autosave was written.
    fn offer_restore(&mut self) {
        let Some(open) = &self.open else { return };
        let case = open.title();
        let saved = open.path.clone();
        let Some(target) = self.autosave_target() else {
            return;
        };
        let Some(auto) = file::newer_autosave(self.services.env.fs.as_ref(), &target) else {
            return;
        };
        let at = self
            .services
            .env
            .fs
            .modified(&auto)
            .map(DateTime::<Utc>::from);
        self.modal = Some(Modal::Restore {
            autosave: auto,
            saved,
            case,
            at,
        });
    }

    /// Shows a case as a new review (or a training exercise).
    pub fn open_case(
        &mut self,
        case: Case,
        analysis: Analysis,
        origin: Option<PathBuf>,
        warnings: Vec<String>,
        training: bool,
    ) {
        let review = if training {
            ReviewState::new_training(case, analysis)
        } else {
            ReviewState::new(case, analysis)
        };
        let mut open = self.case_of(review);
        open.origin = origin;
        for w in &warnings {
            self.messages.push(Message {
                error: false,
                text: w.clone(),
            });
        }
        open.warnings = warnings;
        self.open = Some(open);
        self.services.last_autosave = Some(self.services.env.clock.now());
        if !training {
            self.offer_restore();
        }
    }

    /// An open case of `review`, given the window's guideline library.
    fn case_of(&self, mut review: ReviewState) -> OpenCase {
        review.use_library(self.services.env.library.clone());
        OpenCase::new(review)
    }

    /// Shows a saved review.
    pub fn open_review(&mut self, review: ReviewState, path: Option<PathBuf>) {
        let mut open = self.case_of(review);
        open.path = path;
        self.open = Some(open);
        self.services.last_autosave = Some(self.services.env.clock.now());
    }

    /// Starts loading a file off the UI thread, after the unsaved-changes
    /// prompt when the open case has unsaved work.
    pub fn open_path(&mut self, path: PathBuf, training: bool) {
        if self.ask_unsaved(Pending::OpenPath {
            path: path.clone(),
            training,
        }) {
            return;
        }
        self.open_path_now(path, training);
    }

    fn open_path_now(&mut self, path: PathBuf, training: bool) {
        self.remember(&path);
        self.services.job = Some(LoadJob::start(
            path,
            training,
            self.services.env.backend,
            self.services.env.library.clone(),
        ));
    }

    /// Loads a file on this thread (tests and the command line use it).
    pub fn open_path_blocking(&mut self, path: &Path, training: bool) {
        let stage = std::sync::atomic::AtomicU8::new(0);
        let cancel = std::sync::atomic::AtomicBool::new(false);
        let result = files::load_blocking(
            path,
            self.services.env.backend,
            &self.services.env.library,
            &stage,
            &cancel,
        );
        self.finish_load(path.to_path_buf(), training, result);
    }

    fn finish_load(&mut self, path: PathBuf, training: bool, result: Result<Loaded, String>) {
        match result {
            Ok(Loaded::Case {
                case,
                analysis,
                warnings,
            }) => {
                self.open_case(*case, *analysis, Some(path.clone()), warnings, training);
                self.info(format!("Opened {}", path.display()));
            }
            Ok(Loaded::Review(state)) => {
                let is_autosave = path.extension().is_some_and(|e| e == "autosave");
                // A restored autosave saves back to the file it belongs to,
                // unless it is untitled work kept in the autosave folder.
                let saved = if is_autosave {
                    let original = path.with_extension("");
                    let untitled = self.services.env.autosave_dir.as_deref() == original.parent()
                        && original
                            .file_stem()
                            .is_some_and(|s| s.to_string_lossy().starts_with(UNTITLED));
                    (!untitled).then_some(original)
                } else {
                    Some(path.clone())
                };
                self.open_review(*state, saved.clone());
                if let Some(open) = &mut self.open
                    && is_autosave
                {
                    open.dirty = true;
                }
                if !is_autosave {
                    self.offer_restore();
                }
                self.info(format!("Opened review {}", path.display()));
            }
            Err(e) => self.error(e),
        }
    }

    /// Keeps the folder a file was chosen in for the next dialog.
    fn remember_folder(&mut self, path: &Path) {
        let folder = if path.is_dir() {
            Some(path)
        } else {
            path.parent()
        };
        if let Some(f) = folder.filter(|f| !f.as_os_str().is_empty()) {
            self.settings.last_folder = Some(f.to_path_buf());
        }
    }

    fn remember(&mut self, path: &Path) {
        self.remember_folder(path);
        self.settings.recent.retain(|p| p != path);
        self.settings.recent.insert(0, path.to_path_buf());
        self.settings.recent.truncate(MAX_RECENT);
    }

    pub fn info(&mut self, text: impl Into<String>) {
        self.messages.push(Message {
            error: false,
            text: text.into(),
        });
    }

    pub fn error(&mut self, text: impl Into<String>) {
        self.messages.push(Message {
            error: true,
            text: text.into(),
        });
    }

    /// The last message, for tests and the status bar.
    pub fn last_message(&self) -> Option<&Message> {
        self.messages.last()
    }

    pub fn theme(&self) -> &Theme {
        &self.theme
    }

    /// Queues an action as if a panel had emitted it (tests, scripted runs).
    pub fn push_action(&mut self, action: Action) {
        self.pending.push(action);
    }

    /// Draws the whole window and applies what the reviewer did.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        let kind = if self.presentation {
            ThemeKind::Presentation
        } else {
            self.settings.theme
        };
        if self.applied_theme != Some((kind, self.presentation)) {
            self.theme = Theme::load(kind);
            self.theme.apply(&ctx);
            self.applied_theme = Some((kind, self.presentation));
        }
        let mut actions = std::mem::take(&mut self.pending);
        if self.modal.is_none() && self.palette.is_none() {
            actions.extend(shortcuts::pressed(&ctx).into_iter().map(Action::Shortcut));
        }
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .collect()
        });
        for path in dropped {
            actions.push(Action::OpenPath {
                path,
                training: false,
            });
        }
        self.poll_background();

        egui::Panel::top("menu-bar").show(ui, |ui| {
            panels::menu_bar(ui, self, &mut actions);
        });
        egui::Panel::top("case-bar").show(ui, |ui| {
            panels::case_bar(ui, self, &mut actions);
        });
        egui::Panel::bottom("status-bar").show(ui, |ui| {
            panels::status_bar(ui, self, &mut actions);
        });
        egui::CentralPanel::default().show(ui, |ui| {
            if self.open.is_none() {
                panels::welcome(ui, self, &mut actions);
            } else if self.presentation {
                let pane = self.focused_pane;
                ui.horizontal(|ui| {
                    for p in Pane::ALL {
                        if ui.selectable_label(p == pane, p.title()).clicked() {
                            actions.push(Action::FocusPane(p));
                        }
                    }
                });
                ui.separator();
                let mut behavior = PaneBehavior {
                    open: self.open.as_mut(),
                    theme: &self.theme,
                    settings: &self.settings,
                    session: &self.session,
                    library: &mut self.library,
                    actions: &mut actions,
                    presenting: self.presentation,
                };
                behavior.draw(ui, pane);
            } else {
                let mut behavior = PaneBehavior {
                    open: self.open.as_mut(),
                    theme: &self.theme,
                    settings: &self.settings,
                    session: &self.session,
                    library: &mut self.library,
                    actions: &mut actions,
                    presenting: self.presentation,
                };
                self.layout.ui(&mut behavior, ui);
            }
        });
        panels::modal(&ctx, self, &mut actions);
        if let Some(palette) = &mut self.palette
            && let Some(done) = panels::palette(&ctx, palette)
        {
            self.palette = None;
            if let Some(command) = done {
                actions.push(Action::Shortcut(command));
            }
        }
        if !actions.is_empty() {
            // What the actions change is drawn on the next frame.
            ctx.request_repaint();
        }
        for action in actions {
            self.handle(action);
        }
        self.autosave_if_due();
        if self.services.job.is_some() || self.services.dialog.is_some() || self.library.loading() {
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
    }

    fn poll_background(&mut self) {
        if let Some(job) = &self.services.job
            && let Some(result) = job.poll()
        {
            let (path, training) = (job.path.clone(), job.training);
            let cancelled = job.cancel.load(std::sync::atomic::Ordering::Relaxed);
            self.services.job = None;
            if !cancelled {
                self.finish_load(path, training, result);
            }
        }
        if let Some(dialog) = &self.services.dialog
            && let Some(outcome) = dialog.poll()
        {
            let kind = dialog.kind;
            self.services.dialog = None;
            match outcome {
                DialogOutcome::Chosen(path) => self.dialog_chose(kind, path),
                DialogOutcome::Cancelled => {}
                DialogOutcome::Unavailable => {
                    // Start the field in the last folder, with the name the
                    // dialog would have proposed.
                    let path = match kind {
                        DialogKind::SaveReview | DialogKind::ExportLetter => {
                            self.proposed_path(kind).display().to_string()
                        }
                        _ => self.default_folder().display().to_string(),
                    };
                    self.modal = Some(Modal::PathEntry {
                        kind,
                        path,
                        why: "No file dialog is available on this system (no desktop portal or zenity). Type the path instead, or drag a file onto the window.".into(),
                    });
                }
            }
        }
        if let Some(msg) = self.library.poll(self.services.env.backend) {
            self.info(msg);
        }
    }

    /// Acts on a path chosen in a dialog or typed in the path field.
    pub fn dialog_chose(&mut self, kind: DialogKind, path: PathBuf) {
        match kind {
            DialogKind::OpenFile | DialogKind::OpenFolder => self.open_path(path, false),
            DialogKind::OpenLibrary => {
                self.remember_folder(&path);
                self.library.start(path, self.services.env.backend);
                self.layout_focus(Pane::Library);
            }
            DialogKind::SaveReview => {
                self.save_to(path);
                self.continue_after_save();
            }
            DialogKind::ExportLetter => self.export_to(path),
        }
    }

    fn layout_focus(&mut self, pane: Pane) {
        self.focused_pane = pane;
        if let Some(tile) = self.layout.tiles.find_pane(&pane) {
            self.layout.make_active(|id, _| id == tile);
        }
    }

    /// Saves to the current file, or asks where.
    pub fn save(&mut self) {
        match self.open.as_ref().and_then(|o| o.path.clone()) {
            Some(path) => self.save_to(path),
            None => self.start_dialog(DialogKind::SaveReview),
        }
    }

    /// Saves the review to `path` atomically.
    pub fn save_to(&mut self, path: PathBuf) {
        let path = self.absolute(path);
        let path = if path.extension().is_none() {
            path.with_extension(file::REVIEW_EXTENSION)
        } else {
            path
        };
        let Some(open) = &mut self.open else { return };
        match file::save(self.services.env.fs.as_ref(), &open.review, &path) {
            Ok(()) => {
                open.path = Some(path.clone());
                open.dirty = false;
                self.remember(&path);
                self.info(format!("Saved {}", path.display()));
            }
            Err(e) => self.error(e.to_string()),
        }
    }

    /// Exports the review in the format the file extension names (plain
    /// text when it names none), through the same consistency checks as
    /// `imrdesk export`: an error-level issue refuses a final letter and the
    /// dialog names the item; warnings are shown and the export goes ahead;
    /// an unfinalized review goes out as a watermarked draft.
    pub fn export_to(&mut self, path: PathBuf) {
        let path = self.absolute(path);
        let Some(open) = &self.open else { return };
        let format = letter::format_for(&path);
        let result = crate::export::file::export_review_to(
            &open.review,
            format,
            &path,
            self.services.env.fs.as_ref(),
        );
        self.remember_folder(&path);
        match result {
            Ok(outcome) => {
                let what = if outcome.draft {
                    "Draft letter (watermarked DRAFT)"
                } else {
                    "Letter"
                };
                self.info(format!(
                    "{what} exported as {} to {}",
                    format.label(),
                    path.display()
                ));
                if !outcome.issues.is_empty() {
                    self.modal = Some(Modal::ExportReport {
                        path,
                        refused: false,
                        issues: outcome.issues.iter().map(|i| i.to_string()).collect(),
                    });
                }
            }
            Err(crate::export::ExportError::Inconsistent { issues, .. }) => {
                self.error(format!(
                    "{}: not exported — the letter is inconsistent ({} problem{})",
                    path.display(),
                    issues.len(),
                    if issues.len() == 1 { "" } else { "s" }
                ));
                self.modal = Some(Modal::ExportReport {
                    path,
                    refused: true,
                    issues,
                });
            }
            Err(e) => self.error(format!("{}: not exported: {e}", path.display())),
        }
    }

    /// A typed relative path is taken in the folder the reviewer last used
    /// (else the case's own folder, else the home folder), never in the
    /// process's working folder, so the messages can name where it went.
    fn absolute(&self, path: PathBuf) -> PathBuf {
        if path.is_absolute() {
            return path;
        }
        self.default_folder().join(path)
    }

    /// The folder a save, export or path field starts in.
    pub fn default_folder(&self) -> PathBuf {
        let origin_folder = self.open.as_ref().and_then(|o| {
            o.path
                .as_ref()
                .or(o.origin.as_ref())
                .and_then(|p| {
                    if p.is_dir() {
                        Some(p.as_path())
                    } else {
                        p.parent()
                    }
                })
                .filter(|f| f.is_absolute())
                .map(Path::to_path_buf)
        });
        self.settings
            .last_folder
            .clone()
            .filter(|f| f.is_absolute())
            .or(origin_folder)
            .or_else(|| std::env::var_os("HOME").map(PathBuf::from))
            .or_else(|| std::env::current_dir().ok())
            .unwrap_or_else(|| PathBuf::from("/"))
    }

    /// The absolute path a save or export proposes: the suggested name in
    /// [`Workstation::default_folder`].
    pub fn proposed_path(&self, kind: DialogKind) -> PathBuf {
        self.default_folder().join(self.suggested_name(kind))
    }

    /// The file name a save or export dialog proposes.
    fn suggested_name(&self, kind: DialogKind) -> String {
        let name = self
            .open
            .as_ref()
            .map(|o| o.title().replace(['/', '\\'], "-"))
            .unwrap_or_else(|| "review".into());
        match kind {
            DialogKind::SaveReview => format!("{name}.{}", file::REVIEW_EXTENSION),
            DialogKind::ExportLetter => format!("{name}-letter.pdf"),
            _ => String::new(),
        }
    }

    fn start_dialog(&mut self, kind: DialogKind) {
        if self.services.dialog.is_some() {
            return;
        }
        let suggested = self.suggested_name(kind);
        let folder = Some(self.default_folder());
        self.services.dialog = Some(self.services.env.dialogs.start(
            kind,
            &suggested,
            folder.as_deref(),
        ));
    }

    /// Where the current work autosaves.
    pub fn autosave_target(&self) -> Option<PathBuf> {
        let open = self.open.as_ref()?;
        match &open.path {
            Some(p) => Some(p.clone()),
            None => self.services.env.autosave_dir.as_ref().map(|d| {
                d.join(format!(
                    "{UNTITLED}-{}.{}",
                    open.case_key,
                    file::REVIEW_EXTENSION
                ))
            }),
        }
    }

    /// Writes the autosave now if there is unsaved work.
    pub fn autosave_now(&mut self) {
        let Some(target) = self.autosave_target() else {
            return;
        };
        let Some(open) = &self.open else { return };
        if !open.dirty {
            return;
        }
        if let Some(dir) = target.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        match file::autosave(self.services.env.fs.as_ref(), &open.review, &target) {
            Ok(_) => self.services.last_autosave = Some(self.services.env.clock.now()),
            Err(e) => self.error(e.to_string()),
        }
    }

    /// The periodic autosave: the review is copied and written on a worker
    /// thread, so a large case never stalls the window. One write at a time.
    fn autosave_if_due(&mut self) {
        self.poll_autosave();
        let now = self.services.env.clock.now();
        let due = self
            .services
            .last_autosave
            .is_none_or(|t| (now - t).num_seconds() >= AUTOSAVE_SECONDS);
        if !due || self.services.autosave_job.is_some() {
            return;
        }
        self.services.last_autosave = Some(now);
        let Some(target) = self.autosave_target() else {
            return;
        };
        let Some(open) = &self.open else { return };
        if !open.dirty {
            return;
        }
        let review = open.review.clone();
        let fs = self.services.env.fs.clone();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            if let Some(dir) = target.parent() {
                let _ = std::fs::create_dir_all(dir);
            }
            let result = file::autosave(fs.as_ref(), &review, &target).map_err(|e| e.to_string());
            let _ = tx.send(result);
        });
        self.services.autosave_job = Some(rx);
    }

    /// Reports a finished background autosave (errors go to the status bar).
    fn poll_autosave(&mut self) {
        let Some(rx) = &self.services.autosave_job else {
            return;
        };
        match rx.try_recv() {
            Ok(result) => {
                self.services.autosave_job = None;
                if let Err(e) = result {
                    self.error(e);
                }
            }
            Err(std::sync::mpsc::TryRecvError::Empty) => {}
            Err(std::sync::mpsc::TryRecvError::Disconnected) => self.services.autosave_job = None,
        }
    }

    /// Waits for a background autosave still being written (exit, tests).
    pub fn finish_autosave(&mut self) {
        if let Some(rx) = self.services.autosave_job.take()
            && let Ok(Err(e)) = rx.recv()
        {
            self.error(e);
        }
    }

    /// Asks before `then` replaces or closes a case with unsaved changes;
    /// returns whether it asked (then `then` runs once answered).
    fn ask_unsaved(&mut self, then: Pending) -> bool {
        let Some(open) = &self.open else {
            return false;
        };
        if !open.dirty {
            return false;
        }
        self.modal = Some(Modal::Unsaved {
            case: open.title(),
            signed: open.review.status == crate::review::Status::Finalized,
            then,
        });
        true
    }

    /// Runs what the unsaved prompt held back.
    fn run_pending(&mut self, then: Pending) {
        match then {
            Pending::OpenPath { path, training } => self.open_path_now(path, training),
            Pending::OpenDemo => self.open_demo(),
            Pending::Quit => {
                self.quit_confirmed = true;
                self.close_now = true;
            }
        }
    }

    /// After a save chosen in the unsaved prompt: go on with what was asked
    /// if the work is now saved.
    fn continue_after_save(&mut self) {
        let saved = self.open.as_ref().is_some_and(|o| !o.dirty);
        if let Some(then) = self.after_save.take()
            && saved
        {
            self.run_pending(then);
        }
    }

    fn answer_unsaved(&mut self, choice: UnsavedChoice, then: Pending) {
        match choice {
            UnsavedChoice::Cancel => self.info("Kept the case open; nothing was discarded"),
            UnsavedChoice::Discard => {
                // The autosave of discarded work would only come back as a
                // restore offer for work the reviewer chose to drop.
                if let Some(target) = self.autosave_target() {
                    let auto = file::autosave_path(&target);
                    if self.services.env.fs.modified(&auto).is_some() {
                        let _ = self.services.env.fs.remove(&auto);
                    }
                }
                if let Some(open) = &mut self.open {
                    open.dirty = false;
                }
                self.run_pending(then);
            }
            UnsavedChoice::Save => {
                let has_path = self.open.as_ref().is_some_and(|o| o.path.is_some());
                self.after_save = Some(then);
                if has_path {
                    self.save();
                    self.continue_after_save();
                } else {
                    self.start_dialog(DialogKind::SaveReview);
                }
            }
        }
    }

    /// The window was asked to close (its close button, the window manager,
    /// or the session ending). Unsaved work is autosaved first, whatever
    /// happens next; then the close waits for the unsaved prompt. Returns
    /// whether the close may go ahead.
    pub fn close_requested(&mut self) -> bool {
        self.finish_autosave();
        self.autosave_now();
        if self.quit_confirmed {
            return true;
        }
        if self.ask_unsaved(Pending::Quit) {
            return false;
        }
        self.quit_confirmed = true;
        true
    }

    /// Signs the open review, called from the finalize dialog once the
    /// reviewer attested: asks for the passphrase that unlocks (or, the
    /// first time, creates) the reviewer's signing key, then finalizes
    /// through [`Workstation::finalize_with`].
    pub fn sign(&mut self) {
        self.modal = Some(Modal::Sign {
            passphrase: String::new(),
        });
    }

    /// Applies one action (the single place where the window changes state).
    pub fn handle(&mut self, action: Action) {
        match action {
            Action::Review(cmd) => self.apply(cmd),
            Action::SelectItem(i) => {
                if let Some(open) = &mut self.open
                    && i < open.review.items.len()
                {
                    open.view.selected_item = i;
                    open.view.selected_criterion = 0;
                }
            }
            Action::SelectCriterion(c) => {
                if let Some(open) = &mut self.open {
                    let n = open
                        .review
                        .items
                        .get(open.view.selected_item)
                        .map_or(0, |i| i.criteria.len());
                    open.view.selected_criterion = c.min(n.saturating_sub(1));
                }
            }
            Action::SetAnswer {
                item,
                criterion,
                answer,
            } => {
                let Some(open) = &self.open else { return };
                if open.review.is_read_only() {
                    self.error(crate::review::Refusal::ReadOnly.to_string());
                    return;
                }
                let engine = open.review.engine_answer(item, &criterion);
                let needs_reason = open.review.mode == Mode::Review && engine != Some(answer);
                if needs_reason {
                    self.modal = Some(Modal::OverrideReason {
                        item,
                        criterion,
                        answer,
                        reason: String::new(),
                    });
                } else {
                    self.apply(Command::SetAnswer {
                        item,
                        criterion,
                        answer,
                        reason: None,
                    });
                }
            }
            Action::ShowSource { doc, span } => {
                if let Some(open) = &mut self.open {
                    open.view.focus = Some((doc, span));
                    open.view.documents.scroll_to_row =
                        open.view.documents.rows.row_of(doc, span.start);
                }
                self.layout_focus(Pane::Documents);
            }
            Action::SelectFact(fi) => {
                if let Some(open) = &mut self.open {
                    open.view.selected_fact = Some(fi);
                }
            }
            Action::ClearFact => {
                if let Some(open) = &mut self.open {
                    open.view.selected_fact = None;
                }
            }
            Action::AskRegenerate(item) => {
                let edited = self
                    .open
                    .as_ref()
                    .and_then(|o| o.review.item_review(item))
                    .is_some_and(|i| i.rationale_edited);
                if edited {
                    self.modal = Some(Modal::ConfirmRegenerate(item));
                } else {
                    self.apply(Command::RegenerateRationale {
                        item,
                        overwrite_edits: false,
                    });
                }
            }
            Action::Finalize => {
                let Some(open) = &self.open else { return };
                let missing = open
                    .review
                    .missing_for_finalize(&self.settings.reviewer_name);
                let unsigned = self.settings.reviewer_name.trim().is_empty()
                    || self.settings.credentials.trim().is_empty();
                let other: Vec<String> = missing
                    .iter()
                    .filter(|m| **m != crate::review::Missing::ReviewerName)
                    .map(|m| m.to_string())
                    .collect();
                if !other.is_empty() {
                    self.modal = Some(Modal::Missing(other));
                } else if unsigned {
                    self.info("Enter your name and credentials to sign: they head the letter");
                    self.modal = Some(Modal::Settings);
                } else {
                    self.modal = Some(Modal::Finalize { attest: false });
                }
            }
            Action::Sign => {
                if matches!(self.modal, Some(Modal::Finalize { .. })) {
                    self.modal = None;
                }
                self.sign();
            }
            Action::RegenerateStale => {
                let stale: Vec<ItemId> = self
                    .open
                    .as_ref()
                    .map(|o| {
                        o.review
                            .stale_rationales()
                            .into_iter()
                            .map(|(id, _)| id)
                            .collect()
                    })
                    .unwrap_or_default();
                for item in stale {
                    self.apply(Command::RegenerateRationale {
                        item,
                        overwrite_edits: true,
                    });
                }
            }
            Action::Quit => {
                if !self.ask_unsaved(Pending::Quit) {
                    self.run_pending(Pending::Quit);
                }
            }
            Action::Unsaved(choice) => {
                if let Some(Modal::Unsaved { then, .. }) = self.modal.take() {
                    self.answer_unsaved(choice, then);
                }
            }
            Action::SignWith { passphrase } => match self.unlock_signer(&passphrase) {
                Ok(signer) => self.finalize_with(signer),
                Err(e) => {
                    self.error(e);
                    self.modal = Some(Modal::Sign {
                        passphrase: String::new(),
                    });
                }
            },
            Action::AskAmend => {
                self.modal = Some(Modal::Amend {
                    reason: String::new(),
                });
            }
            Action::Reveal => {
                if let Some(open) = &mut self.open {
                    open.revealed = true;
                }
                self.layout_focus(Pane::Training);
            }
            Action::RecordScore => {
                if let Some(open) = &self.open {
                    let score = training::score(&open.review);
                    self.session.retain(|s| s.label != score.label);
                    self.session.push(score);
                    self.info("Score added to the session summary");
                }
            }
            Action::Shortcut(s) => self.shortcut(s),
            Action::OpenPath { path, training } => self.open_path(path, training),
            Action::StartDialog(kind) => self.start_dialog(kind),
            Action::OpenDemo => {
                if !self.ask_unsaved(Pending::OpenDemo) {
                    self.open_demo();
                }
            }
            Action::CancelLoad => {
                if let Some(job) = self.services.job.take() {
                    job.cancel.store(true, std::sync::atomic::Ordering::Relaxed);
                    crate::ingest::ocr::PROGRESS.cancel();
                    self.info(format!("Cancelled loading {}", job.path.display()));
                }
                if self.library.cancel() {
                    self.info("Cancelled reading the case library");
                }
            }
            Action::SetTheme(kind) => self.settings.theme = kind,
            Action::ShowSettings => self.modal = Some(Modal::Settings),
            Action::OpenLibraryCase(i) => {
                if let Some(path) = self.library.select(i) {
                    let training = self.library.training;
                    self.open_path(path, training);
                }
            }
            Action::StepLibrary(forward) => {
                if let Some(path) = self.library.step(forward) {
                    let training = self.library.training;
                    self.open_path(path, training);
                }
            }
            Action::FocusPane(p) => self.layout_focus(p),
            Action::Notify(text) => self.info(text),
            Action::HoverCriterion(c) => {
                if let Some(open) = self.open.as_mut() {
                    open.view.hovered_criterion = c;
                }
            }
            Action::ResetLayout => self.layout = default_layout(),
            Action::ChosePath { kind, path } => self.dialog_chose(kind, path),
            Action::SetSigner { name, credentials } => {
                self.settings.reviewer_name = name;
                self.settings.credentials = credentials;
            }
            Action::Restructure(how) => {
                let library = self.services.env.library.clone();
                if let Some(open) = self.open.as_mut()
                    && let Err(e) = documents::restructure(open, how, library)
                {
                    open.warnings.push(e);
                }
            }
        }
    }

    /// The signing key, unlocked with `passphrase`; created with it the
    /// first time (the key store refuses a short passphrase).
    fn unlock_signer(&self, passphrase: &str) -> Result<Signer, String> {
        let dir = self
            .services
            .key_dir
            .as_deref()
            .ok_or("no settings folder for the signing key (set HOME or IMRDESK_CONFIG_DIR)")?;
        let mut store = KeyStore::open(dir).map_err(|e| e.to_string())?;
        if store.has_key() {
            store.unlock(passphrase)
        } else {
            store.create(passphrase)
        }
        .map_err(|e| e.to_string())
    }

    /// Finalizes the open review, signed by `signer`.
    pub fn finalize_with(&mut self, signer: Signer) {
        self.apply(Command::Finalize {
            reviewer_name: self.settings.reviewer_name.clone(),
            credentials: self.settings.credentials.clone(),
            signer,
        });
    }

    /// The fingerprint of this reviewer's signing key, for Settings.
    pub fn key_fingerprint(&self) -> Option<String> {
        KeyStore::open(self.services.key_dir.as_deref()?)
            .ok()?
            .fingerprint()
    }

    fn apply(&mut self, cmd: Command) {
        let Some(open) = &mut self.open else { return };
        let changes = !matches!(cmd, Command::Finalize { .. });
        match open.review.apply(cmd, self.services.env.clock.as_ref()) {
            Ok(done) => {
                open.dirty = true;
                let _ = changes;
                self.messages.push(Message {
                    error: false,
                    text: done,
                });
            }
            Err(refusal) => self.error(refusal.to_string()),
        }
    }

    fn shortcut(&mut self, s: Shortcut) {
        match s {
            Shortcut::Open => self.start_dialog(DialogKind::OpenFile),
            Shortcut::Save => self.save(),
            Shortcut::SaveAs => self.start_dialog(DialogKind::SaveReview),
            Shortcut::Export => self.start_dialog(DialogKind::ExportLetter),
            Shortcut::Undo => self.apply(Command::Undo),
            Shortcut::Redo => self.apply(Command::Redo),
            Shortcut::NextItem | Shortcut::PreviousItem => {
                if let Some(open) = &self.open {
                    let n = open.review.items.len();
                    if n > 0 {
                        let i = if s == Shortcut::NextItem {
                            (open.view.selected_item + 1).min(n - 1)
                        } else {
                            open.view.selected_item.saturating_sub(1)
                        };
                        self.handle(Action::SelectItem(i));
                    }
                }
            }
            Shortcut::NextCriterion | Shortcut::PreviousCriterion => {
                if let Some(open) = &self.open {
                    let c = if s == Shortcut::NextCriterion {
                        open.view.selected_criterion + 1
                    } else {
                        open.view.selected_criterion.saturating_sub(1)
                    };
                    self.handle(Action::SelectCriterion(c));
                }
            }
            Shortcut::AnswerMet | Shortcut::AnswerNotMet | Shortcut::AnswerNotDocumented => {
                let answer = match s {
                    Shortcut::AnswerMet => Answer::Met,
                    Shortcut::AnswerNotMet => Answer::NotMet,
                    _ => Answer::NotDocumented,
                };
                let target = self.open.as_ref().and_then(|o| {
                    let item = o.review.items.get(o.view.selected_item)?;
                    let c = item.criteria.get(o.view.selected_criterion)?;
                    Some((item.item, c.id.clone()))
                });
                if let Some((item, criterion)) = target {
                    self.handle(Action::SetAnswer {
                        item,
                        criterion,
                        answer,
                    });
                }
            }
            Shortcut::Search => {
                if let Some(open) = &mut self.open {
                    open.view.documents.focus_search = true;
                }
                self.layout_focus(Pane::Documents);
            }
            Shortcut::ZoomIn | Shortcut::ZoomOut => {
                if let Some(open) = &mut self.open {
                    open.view.timeline.zoom_request = Some(if s == Shortcut::ZoomIn {
                        1.5
                    } else {
                        1.0 / 1.5
                    });
                }
                self.layout_focus(Pane::Timeline);
            }
            Shortcut::DecideCertify | Shortcut::DecideNotCertify => {
                let decision = if s == Shortcut::DecideCertify {
                    crate::assessment::Decision::MedicallyNecessary
                } else {
                    crate::assessment::Decision::NotMedicallyNecessary
                };
                if let Some(item) = self.open.as_ref().and_then(OpenCase::item_id) {
                    self.handle(Action::Review(Command::Decide {
                        item,
                        decision: Some(decision),
                    }));
                }
            }
            Shortcut::Finalize => self.handle(Action::Finalize),
            Shortcut::Reveal => {
                if self
                    .open
                    .as_ref()
                    .is_some_and(|o| o.review.mode == Mode::Training)
                {
                    self.handle(Action::Reveal);
                } else {
                    self.info(format!(
                        "Reveal is for training mode ({} starts an exercise)",
                        shortcuts::keys_text(Shortcut::ToggleTraining)
                    ));
                }
            }
            Shortcut::CommandPalette => self.palette = Some(Palette::default()),
            Shortcut::Focus(p) => self.handle(Action::FocusPane(p)),
            Shortcut::ToggleTraining => self.toggle_training(),
            Shortcut::TogglePresentation => self.presentation = !self.presentation,
        }
    }

    /// Turns the open case into a training exercise, or back. The review
    /// made so far is kept aside and restored when training ends.
    pub fn toggle_training(&mut self) {
        let library = self.services.env.library.clone();
        let attach = |mut review: ReviewState| {
            review.use_library(library.clone());
            OpenCase::new(review)
        };
        let Some(open) = &mut self.open else { return };
        if open.review.mode == Mode::Training {
            match open.stashed.take() {
                Some(review) => {
                    let path = open.path.clone();
                    let origin = open.origin.clone();
                    *open = attach(*review);
                    open.path = path;
                    open.origin = origin;
                }
                None => {
                    let review =
                        ReviewState::new(open.review.case.clone(), open.review.analysis.clone());
                    let origin = open.origin.clone();
                    *open = attach(review);
                    open.origin = origin;
                }
            }
            self.info("Training mode off");
        } else {
            let exercise =
                ReviewState::new_training(open.review.case.clone(), open.review.analysis.clone());
            let previous = std::mem::replace(&mut open.review, exercise);
            let origin = open.origin.clone();
            let path = open.path.clone();
            *open = attach(open.review.clone());
            open.stashed = Some(Box::new(previous));
            open.origin = origin;
            open.path = path.map(|p| p.with_extension("training.imrreview"));
            self.info("Training mode: engine suggestions and the expert's decisions are hidden until you reveal them");
        }
    }

    /// Called when the window closes: unsaved work goes to the autosave.
    pub fn on_exit(&mut self) {
        self.finish_autosave();
        self.autosave_now();
    }
}

/// Draws panels for egui_tiles (and the focused pane in presentation mode).
struct PaneBehavior<'a> {
    open: Option<&'a mut OpenCase>,
    theme: &'a Theme,
    settings: &'a Settings,
    session: &'a [CaseScore],
    library: &'a mut CaseLibrary,
    actions: &'a mut Vec<Action>,
    /// Presentation mode: identifiers are masked for the room.
    presenting: bool,
}

impl PaneBehavior<'_> {
    fn draw(&mut self, ui: &mut egui::Ui, pane: Pane) {
        if pane == Pane::Library {
            library::show(ui, self.library, self.theme, self.actions);
            return;
        }
        let Some(open) = self.open.as_deref_mut() else {
            ui.label("No case is open.");
            return;
        };
        let highlight = selected_evidence(open);
        let open = &mut open.panel();
        match pane {
            Pane::Summary => panels::summary(ui, open, self.theme, self.presenting, self.actions),
            Pane::Timeline => timeline::show(
                ui,
                &open.review.case,
                &open.review.analysis.timeline,
                &mut open.view.timeline,
                &highlight,
                self.theme,
                self.actions,
            ),
            Pane::Documents => documents::show(
                ui,
                open,
                &highlight,
                self.theme,
                self.presenting,
                self.actions,
            ),
            Pane::Checklist => panels::checklist(ui, open, self.theme, self.actions),
            Pane::Decision => panels::decision(ui, open, self.theme, self.settings, self.actions),
            Pane::Letter => panels::letter(ui, open, self.presenting),
            Pane::Training => panels::training(ui, open, self.theme, self.session, self.actions),
            Pane::Library => {}
        }
    }
}

impl egui_tiles::Behavior<Pane> for PaneBehavior<'_> {
    fn pane_ui(
        &mut self,
        ui: &mut egui::Ui,
        _tile_id: egui_tiles::TileId,
        pane: &mut Pane,
    ) -> egui_tiles::UiResponse {
        egui::Frame::new().inner_margin(6.0).show(ui, |ui| {
            self.draw(ui, *pane);
        });
        egui_tiles::UiResponse::None
    }

    fn tab_title_for_pane(&mut self, pane: &Pane) -> egui::WidgetText {
        RichText::new(pane.title()).into()
    }

    fn simplification_options(&self) -> egui_tiles::SimplificationOptions {
        egui_tiles::SimplificationOptions {
            all_panes_must_have_tabs: true,
            ..Default::default()
        }
    }

    fn tab_bar_height(&self, style: &egui::Style) -> f32 {
        style.spacing.interact_size.y + 6.0
    }
}

/// The eframe wrapper: persistence and exit hooks around [`Workstation`].
pub struct ImrApp {
    pub workstation: Workstation,
    /// Set by `IMRDESK_EXIT_AFTER_FIRST_FRAME`: when `run` started, for the
    /// startup measurement (see [`FirstFrameProbe`]).
    probe: Option<FirstFrameProbe>,
}

/// Measures startup to the first painted frame: the first frame asks for
/// a second one, and the second starts only after the first was painted
/// and presented; it prints the time since `run` began and closes the
/// window. `benches/startup.rs` runs the release binary this way.
#[derive(Debug, Clone, Copy)]
pub struct FirstFrameProbe {
    started: std::time::Instant,
    frames: u32,
}

/// The environment variable that turns the probe on.
pub const EXIT_AFTER_FIRST_FRAME: &str = "IMRDESK_EXIT_AFTER_FIRST_FRAME";

impl FirstFrameProbe {
    /// A probe when the environment asks for one.
    pub fn from_env(started: std::time::Instant) -> Option<FirstFrameProbe> {
        std::env::var_os(EXIT_AFTER_FIRST_FRAME)
            .filter(|v| !v.is_empty() && v != "0")
            .map(|_| FirstFrameProbe { started, frames: 0 })
    }

    fn on_frame(&mut self, ctx: &egui::Context) {
        self.frames += 1;
        if self.frames == 1 {
            ctx.request_repaint();
        } else if self.frames == 2 {
            println!(
                "first frame painted after {:.1} ms",
                self.started.elapsed().as_secs_f64() * 1000.0
            );
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }
}

/// The last line of defence for unsaved work: when the window system goes
/// away under the window (an X server that stops, a session that ends),
/// winit can panic inside the event loop before `on_exit` runs (winit
/// issue 3686). The app is dropped while that panic unwinds, so the
/// autosave is written here too. After a normal exit the work is already
/// saved or autosaved and this writes nothing new.
impl Drop for ImrApp {
    fn drop(&mut self) {
        self.workstation.on_exit();
    }
}

const SETTINGS_KEY: &str = "imrdesk-settings";
const LAYOUT_KEY: &str = "imrdesk-layout";

impl eframe::App for ImrApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        if let Some(probe) = &mut self.probe {
            probe.on_frame(ui.ctx());
        }
        self.workstation.ui(ui);
    }

    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        if ctx.input(|i| i.viewport().close_requested()) && !self.workstation.close_requested() {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
        }
        if std::mem::take(&mut self.workstation.close_now) {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, SETTINGS_KEY, &self.workstation.settings);
        eframe::set_value(storage, LAYOUT_KEY, &self.workstation.layout);
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        self.workstation.on_exit();
    }

    fn auto_save_interval(&self) -> std::time::Duration {
        std::time::Duration::from_secs(30)
    }
}

pub mod screenshot;

/// The real effects and engine.
pub fn real_env(
    autosave_dir: Option<PathBuf>,
    library: std::sync::Arc<crate::guideline::Library>,
) -> Env {
    Env {
        clock: Box::new(crate::review::SystemClock),
        fs: Box::new(crate::review::RealFs),
        dialogs: Box::new(NativeDialogs),
        backend: backend::real(),
        autosave_dir,
        library,
    }
}

mod backend;

/// The real importers and engine (the window uses them; tests may too).
pub use backend::real as real_backend;

/// Opens the workstation window on `initial` (a letter, a records folder or
/// a review file), or on the demo case, with `library` (the command line's
/// built-in or `--guidelines` library).
pub fn run(initial: Option<PathBuf>, library: crate::guideline::Library) -> Result<(), String> {
    let library = std::sync::Arc::new(library);
    let probe = FirstFrameProbe::from_env(std::time::Instant::now());
    let autosave_dir = eframe::storage_dir("imrdesk");
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("imrdesk — IMR reviewer workstation")
            .with_inner_size([1440.0, 900.0])
            .with_min_inner_size([900.0, 600.0])
            .with_drag_and_drop(true),
        persist_window: true,
        ..Default::default()
    };
    let window = std::panic::AssertUnwindSafe(move || {
        eframe::run_native(
            "imrdesk",
            options,
            Box::new(move |cc| {
                let (settings, layout) = match cc.storage {
                    Some(s) => (
                        eframe::get_value::<Settings>(s, SETTINGS_KEY).unwrap_or_default(),
                        eframe::get_value::<egui_tiles::Tree<Pane>>(s, LAYOUT_KEY),
                    ),
                    None => (Settings::default(), None),
                };
                let mut ws =
                    Workstation::new(real_env(autosave_dir, library.clone()), settings, layout);
                match initial {
                    Some(path) => ws.open_path(path, false),
                    None => ws.open_demo(),
                }
                screenshot::configure(&mut ws);
                Ok(Box::new(ImrApp {
                    workstation: ws,
                    probe,
                }))
            }),
        )
    });
    match std::panic::catch_unwind(window) {
        Ok(result) => result.map_err(|e| format!("cannot open the window: {e}")),
        Err(_) => Err(
            "the window system closed the window unexpectedly; unsaved work was autosaved and \
             is offered for restore at the next start"
                .to_string(),
        ),
    }
}

/// The evidence of the criterion under the pointer, else of the one the
/// reviewer has selected, which the timeline and the documents mark. In
/// training the engine's quotes are the answer key, so none.
fn selected_evidence(open: &OpenCase) -> Vec<crate::assessment::Evidence> {
    if open.review.mode == Mode::Training {
        return Vec::new();
    }
    let Some(item) = open.review.items.get(open.view.selected_item) else {
        return Vec::new();
    };
    let shown = open
        .view
        .hovered_criterion
        .unwrap_or(open.view.selected_criterion);
    let Some(criterion) = item.criteria.get(shown) else {
        return Vec::new();
    };
    open.review
        .assessment(item.item)
        .and_then(|a| a.criteria.iter().find(|c| c.id == criterion.id))
        .map(|c| c.evidence.clone())
        .unwrap_or_default()
}
