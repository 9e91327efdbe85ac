//! Crash-safe saves: a child process saves a large review over and over and is
//! killed with SIGKILL at random moments. The file on disk must always be one
//! complete version (never half of one), and the autosave must bring back the
//! work after a kill.
//!
//! The child is this same test binary, re-run with `IMRDESK_SAVE_CHILD` set.
//! `IMRDESK_KILLS` raises the number of kills for a manual soak run.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use imrdesk::case::{Case, DocId, Document, DocumentKind};
use imrdesk::guideline::Library;
use imrdesk::review::file::{autosave, autosave_path, load, newer_autosave, save};
use imrdesk::review::{RealFs, ReviewState};

const CHILD_ENV: &str = "IMRDESK_SAVE_CHILD";

/// A review big enough that a save takes a while (a few MB of records).
fn big_review(marker: &str) -> ReviewState {
    let mut case = imrdesk::ingest::demo_case();
    case.meta.case_number = Some(marker.to_string());
    // Analyse the demo records only: the bulk below is there to make the save
    // slow, not to be analysed.
    let analysis = match Library::builtin() {
        Ok(library) => imrdesk::engine::analyze(&case, &library),
        Err(e) => panic!("built-in library loads: {e}"),
    };
    let page = "The patient reports low back pain radiating to the left leg, rated 6/10. \
                Examination shows a positive straight leg raise on the left at 40 degrees. \
                Work status: modified duty with no lifting over 20 pounds.\n";
    for i in 0..8u32 {
        case.documents.push(Document {
            id: DocId(1000 + i),
            kind: DocumentKind::ProgressReport,
            title: format!("Progress report {marker} {i}"),
            date: None,
            text: page.repeat(300),
            origin: None,
            page_starts: Vec::new(),
        });
    }
    ReviewState::new(case, analysis)
}

fn marker_of(case: &Case) -> Option<&str> {
    case.meta.case_number.as_deref()
}

/// The child: alternate two versions of the review for ever (until killed),
/// saving the file and writing the autosave.
#[test]
fn child_saver() {
    let Ok(path) = std::env::var(CHILD_ENV) else {
        return; // only runs as the child of `saves_survive_sigkill`
    };
    let path = PathBuf::from(path);
    let a = big_review("KILL-A");
    let b = big_review("KILL-B");
    println!("ready");
    let _ = std::io::Write::flush(&mut std::io::stdout());
    // Alternate which version comes first, so both get written within the
    // kill window.
    let first_b = std::env::var("IMRDESK_SAVE_FIRST").is_ok_and(|v| v == "B");
    for round in u64::from(first_b).. {
        let state = if round % 2 == 0 { &a } else { &b };
        if let Err(e) = save(&RealFs, state, &path) {
            panic!("save failed: {e}");
        }
        if let Err(e) = autosave(&RealFs, state, &path) {
            panic!("autosave failed: {e}");
        }
    }
}

fn spawn_child(path: &Path, first: &str) -> Child {
    let exe = std::env::current_exe().expect("test binary path");
    Command::new(exe)
        .args(["--exact", "child_saver", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, path)
        .env("IMRDESK_SAVE_FIRST", first)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("child starts")
}

/// Blocks until the child has built its reviews and starts saving.
fn wait_until_ready(child: &mut Child) {
    use std::io::BufRead;
    let Some(stdout) = child.stdout.take() else {
        return;
    };
    let mut reader = std::io::BufReader::new(stdout);
    let mut line = String::new();
    while reader.read_line(&mut line).map(|n| n > 0).unwrap_or(false) {
        if line.contains("ready") {
            break;
        }
        line.clear();
    }
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
fn saves_survive_sigkill() {
    if std::env::var(CHILD_ENV).is_ok() {
        return;
    }
    let kills: usize = std::env::var("IMRDESK_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("review.ron");
    // The first complete version exists before any child runs.
    save(&RealFs, &big_review("KILL-A"), &path).expect("initial save");
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);

    let started = Instant::now();
    let mut delays = Delays(0x9e37_79b9_7f4a_7c15);
    let (mut seen_a, mut seen_b, mut restored) = (0, 0, 0);
    for kill in 0..kills {
        let mut child = spawn_child(&path, if kill % 2 == 0 { "B" } else { "A" });
        wait_until_ready(&mut child);
        // Kill anywhere in the next few saves: mid-write, mid-rename, between.
        std::thread::sleep(Duration::from_millis(delays.next_ms(400)));
        child.kill().expect("SIGKILL delivered");
        let _ = child.wait();

        let state = load(&RealFs, &path)
            .unwrap_or_else(|e| panic!("after kill {kill}, the saved file is damaged: {e}"));
        match marker_of(&state.case) {
            Some("KILL-A") => seen_a += 1,
            Some("KILL-B") => seen_b += 1,
            other => panic!("after kill {kill}, unexpected content {other:?}"),
        }
        if let Some(auto) = newer_autosave(&RealFs, &path) {
            let state = load(&RealFs, &auto)
                .unwrap_or_else(|e| panic!("after kill {kill}, the autosave is damaged: {e}"));
            assert!(matches!(marker_of(&state.case), Some("KILL-A" | "KILL-B")));
            restored += 1;
        }
    }
    assert!(!autosave_path(&path).as_os_str().is_empty());
    println!(
        "kill test: {kills} kills of a {size}-byte review save in {:.1} s; file held version A {seen_a} times, B {seen_b} times, never damaged; autosave restored {restored} times",
        started.elapsed().as_secs_f64()
    );
    assert_eq!(seen_a + seen_b, kills);
    assert!(
        seen_a > 0 && seen_b > 0,
        "kills landed at different moments (A {seen_a}, B {seen_b})"
    );
}
