//! Effects of the window kept behind traits: the native file dialog (run on
//! a worker thread so the window never freezes), and long loads with
//! progress and cancel.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::time::{Duration, Instant};

use crate::assessment::Analysis;
use crate::case::Case;

/// What the reviewer asked the dialog for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialogKind {
    /// A letter, a record or a review file.
    OpenFile,
    /// A folder of records, or of letters for the case library.
    OpenFolder,
    SaveReview,
    ExportLetter,
}

/// A file dialog that answers later. `poll` returns `None` while the
/// dialog is still open.
pub trait FileDialogs {
    fn start(&mut self, kind: DialogKind, suggested_name: &str) -> PendingDialog;
}

/// A dialog in progress.
pub struct PendingDialog {
    pub kind: DialogKind,
    rx: Receiver<Option<PathBuf>>,
    started: Instant,
}

/// How a dialog ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DialogOutcome {
    Chosen(PathBuf),
    Cancelled,
    /// Closed at once without a choice: most likely no dialog backend (no
    /// desktop portal, no zenity). The window then offers a path field.
    Unavailable,
}

impl PendingDialog {
    /// A dialog whose answer is already known (tests, scripted runs).
    pub fn ready(kind: DialogKind, answer: Option<PathBuf>) -> PendingDialog {
        let (tx, rx) = channel();
        let _ = tx.send(answer);
        PendingDialog {
            kind,
            rx,
            started: Instant::now() - Duration::from_secs(5),
        }
    }

    pub fn poll(&self) -> Option<DialogOutcome> {
        match self.rx.try_recv() {
            Ok(Some(p)) => Some(DialogOutcome::Chosen(p)),
            Ok(None) if self.started.elapsed() < Duration::from_millis(250) => {
                Some(DialogOutcome::Unavailable)
            }
            Ok(None) => Some(DialogOutcome::Cancelled),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(DialogOutcome::Unavailable),
        }
    }
}

/// The native dialogs through `rfd`, each on its own thread.
#[derive(Debug, Default)]
pub struct NativeDialogs;

impl FileDialogs for NativeDialogs {
    fn start(&mut self, kind: DialogKind, suggested_name: &str) -> PendingDialog {
        let (tx, rx) = channel();
        let name = suggested_name.to_string();
        std::thread::spawn(move || {
            let dialog = rfd::FileDialog::new();
            let picked = match kind {
                DialogKind::OpenFile => dialog
                    .add_filter(
                        "Cases, letters and reviews",
                        &["imrreview", "txt", "pdf", "ron"],
                    )
                    .add_filter("All files", &["*"])
                    .pick_file(),
                DialogKind::OpenFolder => dialog.pick_folder(),
                DialogKind::SaveReview => dialog
                    .add_filter("imrdesk review", &[crate::review::file::REVIEW_EXTENSION])
                    .set_file_name(name)
                    .save_file(),
                DialogKind::ExportLetter => dialog
                    .add_filter("PDF letter", &["pdf"])
                    .add_filter("Plain text", &["txt"])
                    .add_filter("HTML, Markdown, RON, JSON", &["html", "md", "ron", "json"])
                    .set_file_name(name)
                    .save_file(),
            };
            let _ = tx.send(picked);
        });
        PendingDialog {
            kind,
            rx,
            started: Instant::now(),
        }
    }
}

/// Dialogs that answer from a queue, for tests: each `start` takes the next
/// answer (`None` = cancelled).
#[derive(Debug, Default)]
pub struct ScriptedDialogs {
    pub answers: std::collections::VecDeque<Option<PathBuf>>,
}

impl FileDialogs for ScriptedDialogs {
    fn start(&mut self, kind: DialogKind, _suggested_name: &str) -> PendingDialog {
        PendingDialog::ready(kind, self.answers.pop_front().flatten())
    }
}

/// What an importer returns: the case and its warnings, or a message
/// naming the file.
pub type ImportResult = Result<(Case, Vec<String>), String>;

/// The engine and importers the window calls; injected so tests can use
/// small fixtures and the benchmark a synthetic case.
#[derive(Clone, Copy)]
pub struct Backend {
    /// The built-in demonstration case.
    pub demo_case: fn() -> Case,
    /// Reads a letter, a record, a records folder or a case file; returns
    /// the case and the import warnings, or a message naming the file.
    pub import: fn(&Path) -> ImportResult,
    /// Runs the engine over a case.
    pub analyze: fn(&Case) -> Analysis,
}

/// Stages of a load, for the progress bar.
pub const STAGE_READING: u8 = 0;
pub const STAGE_ANALYSING: u8 = 1;
pub const STAGE_DONE: u8 = 2;

/// What a finished load delivers.
pub enum Loaded {
    Case {
        case: Box<Case>,
        analysis: Box<Analysis>,
        warnings: Vec<String>,
    },
    Review(Box<crate::review::ReviewState>),
}

/// A load running on a worker thread. Cancel stops waiting at once; the
/// worker's result is dropped when it arrives.
pub struct LoadJob {
    pub path: PathBuf,
    pub training: bool,
    pub stage: Arc<AtomicU8>,
    pub cancel: Arc<AtomicBool>,
    rx: Receiver<Result<Loaded, String>>,
}

impl LoadJob {
    /// Starts reading `path`: a review file is parsed, anything else is
    /// imported and analysed.
    pub fn start(path: PathBuf, training: bool, backend: Backend) -> LoadJob {
        let (tx, rx) = channel();
        let stage = Arc::new(AtomicU8::new(STAGE_READING));
        let cancel = Arc::new(AtomicBool::new(false));
        let (stage2, cancel2, path2) = (stage.clone(), cancel.clone(), path.clone());
        std::thread::spawn(move || {
            let result =
                std::panic::catch_unwind(|| load_blocking(&path2, backend, &stage2, &cancel2))
                    .unwrap_or_else(|_| {
                        Err(format!(
                            "{}: the file could not be read (the reader failed on it)",
                            path2.display()
                        ))
                    });
            stage2.store(STAGE_DONE, Ordering::Relaxed);
            let _ = tx.send(result);
        });
        LoadJob {
            path,
            training,
            stage,
            cancel,
            rx,
        }
    }

    /// The result once the worker is done.
    pub fn poll(&self) -> Option<Result<Loaded, String>> {
        match self.rx.try_recv() {
            Ok(r) => Some(r),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(Err(format!(
                "{}: loading stopped unexpectedly",
                self.path.display()
            ))),
        }
    }

    /// Progress as a fraction and a description.
    pub fn progress(&self) -> (f32, &'static str) {
        match self.stage.load(Ordering::Relaxed) {
            STAGE_READING => (0.25, "Reading the records…"),
            STAGE_ANALYSING => (0.7, "Analysing: facts, timeline, guidelines…"),
            _ => (1.0, "Done"),
        }
    }
}

/// Loads synchronously (the worker's body; also used by tests).
pub fn load_blocking(
    path: &Path,
    backend: Backend,
    stage: &AtomicU8,
    cancel: &AtomicBool,
) -> Result<Loaded, String> {
    let is_review = path
        .extension()
        .is_some_and(|e| e == crate::review::file::REVIEW_EXTENSION || e == "autosave");
    if is_review {
        return crate::review::file::load(&crate::review::RealFs, path)
            .map(|s| Loaded::Review(Box::new(s)))
            .map_err(|e| e.to_string());
    }
    let (case, warnings) = (backend.import)(path)?;
    if cancel.load(Ordering::Relaxed) {
        return Err(format!("{}: loading cancelled", path.display()));
    }
    stage.store(STAGE_ANALYSING, Ordering::Relaxed);
    let analysis = (backend.analyze)(&case.without_reference());
    Ok(Loaded::Case {
        case: Box::new(case),
        analysis: Box::new(analysis),
        warnings,
    })
}
