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
    /// A folder of one case's records, opened as that case.
    OpenFolder,
    /// A folder of published letters, read into the case library.
    OpenLibrary,
    SaveReview,
    ExportLetter,
}

/// A file dialog that answers later. `poll` returns `None` while the
/// dialog is still open.
pub trait FileDialogs {
    /// Opens the dialog for `kind`, starting in `folder` when given (the
    /// folder the reviewer last used) with `suggested_name` for saves.
    fn start(
        &mut self,
        kind: DialogKind,
        suggested_name: &str,
        folder: Option<&Path>,
    ) -> PendingDialog;
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
    fn start(
        &mut self,
        kind: DialogKind,
        suggested_name: &str,
        folder: Option<&Path>,
    ) -> PendingDialog {
        let (tx, rx) = channel();
        let name = suggested_name.to_string();
        let folder = folder.filter(|f| f.is_dir()).map(Path::to_path_buf);
        std::thread::spawn(move || {
            let mut dialog = rfd::FileDialog::new();
            if let Some(folder) = folder {
                dialog = dialog.set_directory(folder);
            }
            let picked = match kind {
                DialogKind::OpenFile => dialog
                    .add_filter(
                        "Cases, letters and reviews",
                        &["imrreview", "txt", "pdf", "ron"],
                    )
                    .add_filter("All files", &["*"])
                    .pick_file(),
                DialogKind::OpenFolder | DialogKind::OpenLibrary => dialog.pick_folder(),
                DialogKind::SaveReview => dialog
                    .add_filter("imrdesk review", &[crate::review::file::REVIEW_EXTENSION])
                    .set_file_name(name)
                    .save_file(),
                DialogKind::ExportLetter => dialog
                    .add_filter("PDF letter", &["pdf"])
                    .add_filter("Word letter", &["docx"])
                    .add_filter("HTML, Markdown or plain text", &["html", "md", "txt"])
                    .add_filter(
                        "Structured review (RON, JSON, FHIR .fhir.json)",
                        &["ron", "json"],
                    )
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
/// answer (`None` = cancelled) and records the folder it was asked to
/// start in.
#[derive(Debug, Default, Clone)]
pub struct ScriptedDialogs {
    pub answers: std::collections::VecDeque<Option<PathBuf>>,
    /// The start folder of each dialog opened, shared with the test.
    pub started_in: Arc<std::sync::Mutex<Vec<Option<PathBuf>>>>,
}

impl FileDialogs for ScriptedDialogs {
    fn start(
        &mut self,
        kind: DialogKind,
        _suggested_name: &str,
        folder: Option<&Path>,
    ) -> PendingDialog {
        if let Ok(mut log) = self.started_in.lock() {
            log.push(folder.map(Path::to_path_buf));
        }
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
    /// The built-in demonstration case, dated as of the given day.
    pub demo_case: fn(chrono::NaiveDate) -> Case,
    /// Reads a letter, a record, a records folder or a case file; returns
    /// the case and the import warnings, or a message naming the file.
    pub import: fn(&Path) -> ImportResult,
    /// Runs the engine over a case with the window's guideline library.
    pub analyze: fn(&Case, &crate::guideline::Library) -> Analysis,
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
    /// Bytes to read (the file, or the folder's files): sets the expected
    /// duration the progress estimate runs against.
    size: u64,
    /// The stage last seen and when it was first seen.
    seen: std::cell::Cell<(u8, Instant)>,
}

impl LoadJob {
    /// Starts reading `path`: a review file is parsed, anything else is
    /// imported and analysed.
    pub fn start(
        path: PathBuf,
        training: bool,
        backend: Backend,
        library: Arc<crate::guideline::Library>,
    ) -> LoadJob {
        let (tx, rx) = channel();
        let stage = Arc::new(AtomicU8::new(STAGE_READING));
        let cancel = Arc::new(AtomicBool::new(false));
        let (stage2, cancel2, path2) = (stage.clone(), cancel.clone(), path.clone());
        let size = input_size(&path);
        crate::ingest::ocr::PROGRESS.reset();
        std::thread::spawn(move || {
            let result = std::panic::catch_unwind(|| {
                load_blocking(&path2, backend, &library, &stage2, &cancel2)
            })
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
            size,
            seen: std::cell::Cell::new((STAGE_READING, Instant::now())),
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

    /// Progress as a fraction and the stage's description. The importers
    /// report stages, not bytes, so within a stage the fraction is an
    /// estimate from the input's size (see [`stage_fraction`]).
    pub fn progress(&self) -> (f32, &'static str) {
        let stage = self.stage.load(Ordering::Relaxed);
        let (seen, since) = self.seen.get();
        let since = if seen == stage {
            since
        } else {
            let now = Instant::now();
            self.seen.set((stage, now));
            now
        };
        // Scanned pages: the reading half of the bar counts OCR'd pages.
        let (ocr_done, ocr_total) = crate::ingest::ocr::PROGRESS.pages();
        if stage == STAGE_READING && ocr_total > 0 {
            let f = 0.5 * ocr_done.min(ocr_total) as f32 / ocr_total as f32;
            return (f, "reading the records: OCR of scanned pages");
        }
        let fraction = stage_fraction(stage, since.elapsed(), expected_duration(self.size));
        let text = match stage {
            STAGE_READING => "reading the records",
            STAGE_ANALYSING => "analysing: facts, timeline, guidelines",
            _ => "done",
        };
        (fraction, text)
    }
}

/// Bytes a load will read: the file's size, or the sum over a folder's
/// files (one level, as the records importer reads it).
fn input_size(path: &Path) -> u64 {
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => std::fs::read_dir(path)
            .map(|rd| {
                rd.filter_map(|e| e.ok()?.metadata().ok())
                    .filter(|m| m.is_file())
                    .map(|m| m.len())
                    .sum()
            })
            .unwrap_or(0),
        Ok(m) => m.len(),
        Err(_) => 0,
    }
}

/// How long each stage is expected to take for `bytes` of input: a fixed
/// part plus a rate measured on synthetic records (a few MB per second
/// with the whole engine), kept generous so the bar rarely stalls at the
/// end of a stage.
pub fn expected_duration(bytes: u64) -> Duration {
    Duration::from_millis(300 + bytes / 4_000)
}

/// The bar's fraction: reading fills the first half, analysing the rest up
/// to 99 %; within a stage it approaches the stage's end as time passes
/// (1 − e^(−t/expected)), so it always moves and never claims to be done
/// before the worker is.
pub fn stage_fraction(stage: u8, in_stage: Duration, expected: Duration) -> f32 {
    let t = in_stage.as_secs_f32() / expected.as_secs_f32().max(0.001);
    let within = 1.0 - (-t).exp();
    match stage {
        STAGE_READING => 0.5 * within,
        STAGE_ANALYSING => 0.5 + 0.49 * within,
        _ => 1.0,
    }
}

/// "42 %" with the stage, as the progress bar prints it.
pub fn percent_text(fraction: f32, stage: &str) -> String {
    format!(
        "{:.0} % — {stage}",
        (fraction.clamp(0.0, 1.0) * 100.0).floor()
    )
}

/// Loads synchronously (the worker's body; also used by tests).
pub fn load_blocking(
    path: &Path,
    backend: Backend,
    library: &crate::guideline::Library,
    stage: &AtomicU8,
    cancel: &AtomicBool,
) -> Result<Loaded, String> {
    if crate::review::file::is_review_path(path) {
        return crate::review::file::load(&crate::review::RealFs, path)
            .map(|s| Loaded::Review(Box::new(s)))
            .map_err(|e| e.to_string());
    }
    let (case, warnings) = (backend.import)(path)?;
    if cancel.load(Ordering::Relaxed) {
        return Err(format!("{}: loading cancelled", path.display()));
    }
    stage.store(STAGE_ANALYSING, Ordering::Relaxed);
    let analysis = (backend.analyze)(&case.without_reference(), library);
    Ok(Loaded::Case {
        case: Box::new(case),
        analysis: Box::new(analysis),
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_moves_within_a_stage_and_never_claims_done_early() {
        let expected = Duration::from_secs(1);
        let at = |stage, ms| stage_fraction(stage, Duration::from_millis(ms), expected);
        assert_eq!(at(STAGE_READING, 0), 0.0);
        assert!(at(STAGE_READING, 500) > at(STAGE_READING, 100));
        assert!(at(STAGE_READING, 60_000) <= 0.5);
        assert!(at(STAGE_ANALYSING, 0) >= 0.5);
        assert!(at(STAGE_ANALYSING, 60_000) < 1.0);
        assert_eq!(at(STAGE_DONE, 0), 1.0);
        assert_eq!(percent_text(0.424, "reading"), "42 % — reading");
        assert_eq!(percent_text(1.2, "done"), "100 % — done");
    }

    #[test]
    fn bigger_inputs_are_expected_to_take_longer() {
        assert!(expected_duration(6_000_000) > expected_duration(10_000));
    }
}
