//! The workstation setup the UI tests share: a fixed clock, injected
//! effects, a harness around `Workstation::ui`, and a way to wait for the
//! window's worker threads (loads, the case library).
//!
//! Each `tests/ui_*.rs` file uses a different part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use egui_kittest::Harness;
use imrdesk::app::{Backend, Env, ScriptedDialogs, Settings, Workstation};
use imrdesk::review::{FileSystem, FixedClock, MemoryFs, RealFs};

/// The tests' "now": 2 March 2026, 10:00 UTC.
pub fn clock() -> FixedClock {
    FixedClock::new(
        Utc.with_ymd_and_hms(2026, 3, 2, 10, 0, 0)
            .single()
            .unwrap_or_default(),
    )
}

/// Settings with a reviewer who may sign.
pub fn signing_settings() -> Settings {
    Settings {
        reviewer_name: "Dr. Test Reviewer".into(),
        credentials: "MD".into(),
        ..Settings::default()
    }
}

/// A workstation on an in-memory filesystem (nothing touches the disk).
pub fn in_memory(backend: Backend, settings: Settings) -> Workstation {
    with_env(
        backend,
        settings,
        Box::new(MemoryFs::new()),
        ScriptedDialogs::default(),
        Some(PathBuf::from("/mem/autosave")),
    )
}

/// A workstation on the real filesystem, autosaving untitled work into
/// `autosave_dir` (a test's temporary folder).
pub fn on_disk(backend: Backend, settings: Settings, autosave_dir: &Path) -> Workstation {
    with_env(
        backend,
        settings,
        Box::new(RealFs),
        ScriptedDialogs::default(),
        Some(autosave_dir.to_path_buf()),
    )
}

/// A workstation with every effect chosen by the caller.
pub fn with_env(
    backend: Backend,
    settings: Settings,
    fs: Box<dyn FileSystem + Send + Sync>,
    dialogs: ScriptedDialogs,
    autosave_dir: Option<PathBuf>,
) -> Workstation {
    let env = Env {
        clock: Box::new(clock()),
        fs,
        dialogs: Box::new(dialogs),
        backend,
        autosave_dir,
        library: library(),
    };
    Workstation::new(env, settings, None)
}

/// The built-in guideline library, loaded once for the test binary.
pub fn library() -> std::sync::Arc<imrdesk::guideline::Library> {
    static LIBRARY: std::sync::OnceLock<std::sync::Arc<imrdesk::guideline::Library>> =
        std::sync::OnceLock::new();
    LIBRARY
        .get_or_init(|| {
            std::sync::Arc::new(
                imrdesk::guideline::Library::builtin()
                    .unwrap_or_else(|e| panic!("built-in library: {e}")),
            )
        })
        .clone()
}

/// A harness drawing the whole window at a laptop-sized resolution.
pub fn harness(ws: Workstation) -> Harness<'static, Workstation> {
    Harness::builder()
        .with_size(egui::vec2(1440.0, 900.0))
        .build_ui_state(|ui, ws: &mut Workstation| ws.ui(ui), ws)
}

/// Steps the window until the background load and the library read are
/// done (or 60 s passed, which fails the test).
pub fn wait_for_workers(h: &mut Harness<'static, Workstation>) {
    let start = Instant::now();
    loop {
        h.step();
        let ws = h.state();
        if ws.services.job.is_none() && !ws.library.loading() {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "background work did not finish within 60 s"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    h.run();
}

/// An invented published-letter text in the layout the letter importer
/// reads (header, credentials, summary, one decided item).
pub fn invented_letter(
    case_number: &str,
    injury: &str,
    decided: &str,
    specialty: &str,
    item: &str,
    outcome: &str,
) -> String {
    let rationale = if outcome == "Overturned" {
        "The records document the findings the guideline asks for. The request is medically necessary."
    } else {
        "The records do not document the findings the guideline asks for. The request is not medically necessary."
    };
    format!(
        "Case Number:          {case_number}\n\
Date Assigned:        01/05/2019          Date of Injury:      {injury}\n\
Decision Date:        {decided}          UR Denial Date:      12/10/2018\n\
Priority:             Standard            Application Received: 12/20/2018\n\
\n\
                 HOW THE IMR FINAL DETERMINATION WAS MADE\n\
An invented paragraph on how reviewers are chosen.\n\
\n\
The Expert Reviewer has the following credentials:\n\
State(s) of Licensure: California\n\
Certification(s)/Specialty: {specialty}\n\
\n\
                                CLINICAL CASE SUMMARY\n\
The expert reviewer developed the following clinical case summary based on a review of the\n\
case file, including all medical records:\n\
\n\
The claimant is a 47-year-old warehouse worker injured on {injury}. A progress note\n\
describes pain at 5/10 and work at modified duty.\n\
\n\
                      IMR ISSUES, DECISIONS AND RATIONALES\n\
The Final Determination was based on decisions for the disputed items/services set forth below:\n\
\n\
{item}: {outcome}\n\
\n\
MAXIMUS guideline: An invented citation for this test.\n\
\n\
Decision rationale: {rationale}\n"
    )
}

/// A dropped file as the window integration hands it to egui.
#[derive(Debug)]
pub struct Dropped(pub PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

/// Signs the open review as the finalize dialog's Sign button does, then
/// answers the passphrase step with a key that lives only in memory, so a
/// test never touches a real signing key.
#[allow(dead_code)]
pub fn sign_in_memory(ws: &mut imrdesk::app::Workstation) {
    ws.handle(imrdesk::app::Action::Sign);
    assert!(
        matches!(ws.modal, Some(imrdesk::app::Modal::Sign { .. })),
        "Sign asks for the passphrase"
    );
    ws.modal = None;
    ws.finalize_with(imrdesk::review::Signer::generate().expect("signing key"));
}
