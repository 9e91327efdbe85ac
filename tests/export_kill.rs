//! Crash-safe exports: `imrdesk export` is killed with SIGKILL at random
//! moments while it replaces an existing export. The file on disk must always
//! be either the old export or a complete new one, never part of one; and the
//! temp files a killed run leaves behind (recognisable by their prefix) are
//! gone after the next export in that folder.
//!
//! `IMRDESK_KILLS` raises the number of kills for a manual soak run.

#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime};

use imrdesk::case::{DocId, Document, DocumentKind};
use imrdesk::guideline::Library;
use imrdesk::review::env::TEMP_PREFIX;
use imrdesk::review::file::save;
use imrdesk::review::{RealFs, ReviewState};

const BIN: &str = env!("CARGO_BIN_EXE_imrdesk");

/// A draft review of invented records, large enough (a few MB as JSON) that
/// an export takes long enough to be killed in the middle.
fn big_review() -> ReviewState {
    let mut case = imrdesk::ingest::demo_case();
    let analysis = match Library::builtin() {
        Ok(library) => imrdesk::engine::analyze(&case, &library),
        Err(e) => panic!("built-in library loads: {e}"),
    };
    let page = "Invented progress note: low back pain 5/10, straight leg raise negative, \
                home exercise continued, modified duty.\n";
    for i in 0..12u32 {
        case.documents.push(Document {
            id: DocId(2000 + i),
            kind: DocumentKind::ProgressReport,
            title: format!("Invented progress report {i}"),
            date: None,
            text: page.repeat(2000),
            origin: None,
            page_starts: Vec::new(),
        });
    }
    ReviewState::new(case, analysis)
}

fn export_command(input: &Path, out: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(["export"])
        .arg(input)
        .args(["--format", "json", "-o"])
        .arg(out)
        .env("RUST_BACKTRACE", "0")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

fn temps_in(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| e.file_name().to_string_lossy().starts_with(TEMP_PREFIX))
                .map(|e| e.path())
                .collect()
        })
        .unwrap_or_default()
}

/// Reproducible pseudo-random delays.
struct Delays(u64);

impl Delays {
    fn next_ms(&mut self, max: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % max
    }
}

#[test]
fn a_killed_export_never_damages_the_old_file_and_leaves_no_temp_file() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let input = dir.path().join("big.imrreview");
    save(&RealFs, &big_review(), &input).unwrap_or_else(|e| panic!("save: {e}"));
    let out = dir.path().join("export.json");

    // The complete export, as an uninterrupted run writes it; its duration
    // sets the window the kills fall in (most of a run is reading the review,
    // the write is at its end).
    let started = std::time::Instant::now();
    let status = export_command(&input, &out)
        .status()
        .unwrap_or_else(|e| panic!("export runs: {e}"));
    assert!(status.success());
    let run_ms = (started.elapsed().as_millis() as u64).max(50);
    let complete = std::fs::read(&out).unwrap_or_else(|e| panic!("read: {e}"));
    assert!(complete.len() > 1_000_000, "{} bytes", complete.len());

    // The "old" file: a different, recognisable content with its own mode.
    let old = b"{\"old\": true}\n".to_vec();
    std::fs::write(&out, &old).unwrap_or_else(|e| panic!("write old: {e}"));
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o640))
            .unwrap_or_else(|e| panic!("chmod: {e}"));
    }

    let kills: u32 = std::env::var("IMRDESK_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(12);
    let mut delays = Delays(0x9E37_79B9_7F4A_7C15);
    let mut killed_mid_run = 0;
    for _ in 0..kills {
        let mut child = export_command(&input, &out)
            .spawn()
            .unwrap_or_else(|e| panic!("export starts: {e}"));
        // Kill in the last 40% of a run, where the temp file is being written.
        let at = run_ms * 6 / 10 + delays.next_ms(run_ms * 5 / 10);
        std::thread::sleep(Duration::from_millis(at));
        if child.try_wait().ok().flatten().is_none() {
            killed_mid_run += 1;
        }
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let now = std::fs::read(&out).unwrap_or_else(|e| panic!("the export file exists: {e}"));
        assert!(
            now == old || now == complete,
            "after a kill the file is neither the old one nor a complete export ({} bytes)",
            now.len()
        );
    }
    assert!(killed_mid_run > 0, "no run was killed while still running");

    // The next run cleans what the killed ones left: age the leftovers past
    // the stale threshold (a live write is never touched), then export.
    let past = SystemTime::now() - Duration::from_secs(600);
    let leftovers = temps_in(dir.path());
    eprintln!(
        "run {run_ms} ms, {kills} kills, {killed_mid_run} mid-run, {} temp file(s) left behind",
        leftovers.len()
    );
    for temp in leftovers {
        if let Ok(f) = std::fs::File::options().append(true).open(&temp) {
            let _ = f.set_modified(past);
        }
    }
    let status = export_command(&input, &out)
        .status()
        .unwrap_or_else(|e| panic!("export runs: {e}"));
    assert!(status.success());
    assert_eq!(
        std::fs::read(&out).unwrap_or_default(),
        complete,
        "the last run completes"
    );
    let left = temps_in(dir.path());
    assert!(
        left.is_empty(),
        "temp files left after the next run: {left:?}"
    );
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out)
            .map(|m| m.permissions().mode() & 0o777)
            .unwrap_or_default();
        assert_eq!(mode, 0o640, "the existing file's permissions are kept");
    }
}
