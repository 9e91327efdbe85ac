//! The largest supported case, measured: a records folder at the importer's
//! file-count limit ([`MAX_FOLDER_FILES`]) of invented progress reports, run
//! through the real pipeline (import from disk, extraction, timeline,
//! guideline engine), then opened in the workstation to time its frames; and
//! one document at the per-file limit ([`MAX_FILE_BYTES`]).
//!
//! `cargo bench --bench limits` prints the figures the README's *Limits*
//! section quotes. Targets: the whole import + analysis under 10 s, a median
//! frame under 8 ms. Under `cargo test` (no `--bench` argument) it runs the
//! same code on a small folder, so the bench cannot rot.
//!
//! Knobs: `IMRDESK_LIMIT_FILES` (files in the folder, default the limit),
//! `IMRDESK_LIMIT_PAGES` (pages per report, default 3), `IMRDESK_LIMIT_RUNS`
//! (repetitions for the medians, default 3), `IMRDESK_LIMIT_BIG_MB` (size of
//! the single large document, default the limit; 0 skips it).

mod support;

use std::fmt::Write as _;
use std::path::Path;
use std::sync::OnceLock;
use std::time::Instant;

use chrono::{Days, NaiveDate};
use imrdesk::app::{Action, Pane};
use imrdesk::assessment::Analysis;
use imrdesk::case::Case;
use imrdesk::guideline::Library;
use imrdesk::ingest::{MAX_FILE_BYTES, MAX_FOLDER_FILES};
use support::{Lcg, frame, median_frame_ms};

const REGIONS: &[&str] = &[
    "low back",
    "neck",
    "right shoulder",
    "left knee",
    "right wrist",
];
const MEDS: &[&str] = &[
    "ibuprofen 800 mg twice a day",
    "naproxen 550 mg twice a day",
    "gabapentin 300 mg three times a day",
    "tramadol 50 mg every 8 hours as needed",
    "cyclobenzaprine 10 mg at bedtime",
    "omeprazole 20 mg daily",
];
const FINDINGS: &[&str] = &[
    "Tenderness over the paraspinal muscles with guarding on flexion.",
    "Straight leg raise is negative on both sides at 70 degrees.",
    "Grip strength is reduced on the right compared with the left.",
    "Range of motion is limited by pain at the end of flexion.",
    "Sensation is intact to light touch in both lower extremities.",
    "There is no effusion; the joint line is mildly tender.",
    "Reflexes are symmetric and motor strength is 5/5 throughout.",
];
const PLANS: &[&str] = &[
    "Continue the home exercise program and return in four weeks.",
    "Physical therapy twice a week for three weeks is requested.",
    "Refill the current medication; a urine drug screen was consistent.",
    "Consider a specialist consultation if symptoms persist.",
    "Ice, activity modification and a gradual return to full duty.",
];

/// One invented progress report of `pages` pages (form feeds between pages,
/// about 3 KB each), dated `date`.
fn report(rng: &mut Lcg, date: NaiveDate, pages: usize) -> String {
    let mut text = String::with_capacity(pages * 3200);
    let _ = writeln!(
        text,
        "PRIMARY TREATING PHYSICIAN'S PROGRESS REPORT (PR-2)\n"
    );
    let _ = writeln!(text, "Date of service: {}", date.format("%m/%d/%Y"));
    let _ = writeln!(text, "Date of injury: 02/15/2016\n");
    for page in 0..pages {
        if page > 0 {
            text.push('\x0c');
        }
        let region = rng.pick(REGIONS);
        let _ = writeln!(text, "SUBJECTIVE");
        for _ in 0..8 {
            let _ = writeln!(
                text,
                "The patient reports {region} pain of {}/10, worse with lifting and better with rest.\n\
                 He takes {} and notes {} relief lasting a few hours after each dose.",
                2 + rng.next() % 7,
                rng.pick(MEDS),
                ["little", "some", "moderate"][rng.next() % 3],
            );
        }
        let _ = writeln!(text, "\nOBJECTIVE");
        for _ in 0..14 {
            let _ = writeln!(text, "{}", rng.pick(FINDINGS));
        }
        let _ = writeln!(text, "\nASSESSMENT");
        let _ = writeln!(
            text,
            "1. Strain of the {region}, improving slowly.\n2. Sleep disturbance due to pain."
        );
        let _ = writeln!(text, "\nPLAN");
        for _ in 0..5 {
            let _ = writeln!(text, "{}", rng.pick(PLANS));
        }
        let _ = writeln!(
            text,
            "\nWORK STATUS\nModified duty with a {} pound lifting limit until the next visit on {}.\n",
            10 + 5 * (rng.next() % 4),
            (date + Days::new(28)).format("%m/%d/%Y"),
        );
    }
    text
}

/// Writes the demo case's request and determination (so the engine has items
/// to assess) and `files - 2` generated reports. Returns (pages, bytes).
fn write_folder(dir: &Path, files: usize, pages_per_report: usize) -> (usize, u64) {
    let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/cases/demo");
    let mut pages = 0;
    let mut bytes = 0u64;
    for name in ["09_rfa.txt", "10_ur_determination.txt"] {
        let text = std::fs::read_to_string(Path::new(demo).join(name))
            .unwrap_or_else(|e| panic!("demo file {name}: {e}"));
        bytes += text.len() as u64;
        pages += 1;
        std::fs::write(dir.join(name), text).unwrap_or_else(|e| panic!("write {name}: {e}"));
    }
    let mut rng = Lcg(2016);
    let start = NaiveDate::from_ymd_opt(2016, 3, 1).unwrap_or_default();
    for i in 0..files.saturating_sub(2) {
        let date = start + Days::new((i as u64 * 3) % 3650);
        let n = 1 + (pages_per_report * 2 - 1).min(rng.next() % (pages_per_report * 2));
        let text = report(&mut rng, date, n.max(1));
        pages += n.max(1);
        bytes += text.len() as u64;
        let name = format!("report_{i:05}.txt");
        std::fs::write(dir.join(&name), text).unwrap_or_else(|e| panic!("write {name}: {e}"));
    }
    (pages, bytes)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}

/// Peak resident memory of this process so far (Linux), in MB.
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Timings of one pass through the pipeline, in ms.
struct Pass {
    import: f64,
    extract: f64,
    timeline: f64,
    engine: f64,
    case: Case,
    analysis: Analysis,
}

fn pipeline(path: &Path, library: &Library) -> Pass {
    let t = Instant::now();
    let imported = imrdesk::ingest::load(path).unwrap_or_else(|e| panic!("import: {e}"));
    let import = ms(t);
    let case = imported.case.without_reference();
    let t = Instant::now();
    let facts = imrdesk::extract::extract_case(&case);
    let extract = ms(t);
    let t = Instant::now();
    let timeline = imrdesk::timeline::build(&case, &facts);
    let timeline_ms = ms(t);
    let t = Instant::now();
    let analysis = imrdesk::engine::analyze_with_facts(&case, library, facts, timeline);
    let engine = ms(t);
    Pass {
        import,
        extract,
        timeline: timeline_ms,
        engine,
        case,
        analysis,
    }
}

static OPENED: OnceLock<(Case, Analysis)> = OnceLock::new();

fn opened_case(_today: chrono::NaiveDate) -> Case {
    OPENED.get().map_or_else(Case::new, |o| o.0.clone())
}

fn opened_analysis(_case: &Case, _library: &Library) -> Analysis {
    OPENED.get().map_or_else(
        || Analysis {
            facts: Vec::new(),
            timeline: imrdesk::timeline::Timeline { events: Vec::new() },
            items: Vec::new(),
            warnings: Vec::new(),
        },
        |o| o.1.clone(),
    )
}

/// An invented published letter of about `target` bytes: the usual sections
/// with a clinical case summary of generated progress-report paragraphs.
fn big_letter(target: u64) -> String {
    let mut text = String::with_capacity(target as usize + 8192);
    text.push_str(
        "Case Number:          QA00-0000002\n\
         Date Assigned:        01/05/2017                      Date of Injury:      03/14/2015\n\
         Decision Date:        01/30/2017                      UR Denial Date:      12/01/2016\n\
         Priority:             Standard                        Application          12/20/2016\n\
         \x20                                                     Received:\n\n\
         \x20                HOW THE IMR FINAL DETERMINATION WAS MADE\n\
         An invented paragraph on how the reviewer was chosen.\n\n\
         The Expert Reviewer has the following credentials:\n\
         State(s) of Licensure: California\n\
         Certification(s)/Specialty: Orthopedic Surgery\n\n\
         \x20                               CLINICAL CASE SUMMARY\n\
         The expert reviewer developed the following clinical case summary based on a review of the\n\
         case file, including all medical records:\n\n",
    );
    let tail = "\n                      IMR ISSUES, DECISIONS AND RATIONALES\n\
         The Final Determination was based on decisions for the disputed items/services set forth below:\n\n\
         MRI of the lumbar spine without contrast: Upheld\n\n\
         Decision rationale: An invented rationale; the request is not medically necessary.\n";
    let mut rng = Lcg(60);
    let start = NaiveDate::from_ymd_opt(2016, 3, 1).unwrap_or_default();
    let mut day = 0u64;
    while (text.len() + tail.len()) as u64 + 4096 < target {
        let date = start + Days::new(day % 3650);
        let _ = writeln!(
            text,
            "A progress report dated {} notes {} pain of {}/10. {} {}\n",
            date.format("%m/%d/%Y"),
            rng.pick(REGIONS),
            2 + rng.next() % 7,
            rng.pick(FINDINGS),
            rng.pick(PLANS)
        );
        day += 7;
    }
    text.push_str(tail);
    text
}

/// The export half of the limits: a published letter just under the
/// per-file limit, exported in every letter format from the file on disk
/// (import, engine, render, atomic write), each timed once.
fn export_big_letter(dir: &Path, big_mb: usize, library: &Library) {
    let target = (big_mb as u64 * 1024 * 1024).min(MAX_FILE_BYTES);
    let letter = big_letter(target);
    let path = dir.join("large_letter.txt");
    std::fs::write(&path, &letter).unwrap_or_else(|e| panic!("write: {e}"));
    let size = letter.len() as f64 / (1024.0 * 1024.0);
    drop(letter);
    for format in ["pdf", "docx", "html", "txt"] {
        let out = dir.join(format!("large_letter_export.{format}"));
        let t = Instant::now();
        let outcome = imrdesk::export::export_file(&path, format, &out, library)
            .unwrap_or_else(|e| panic!("export {format}: {e}"));
        let took = ms(t);
        println!(
            "limits: export of a {size:.1} MB letter as {format}: {took:.0} ms, {:.1} MB written",
            outcome.bytes as f64 / (1024.0 * 1024.0)
        );
        assert!(outcome.draft, "an engine draft is watermarked");
        assert!(outcome.bytes > 0);
        let _ = std::fs::remove_file(&out);
    }
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --all-targets` does not.
    let full = std::env::args().any(|a| a == "--bench");
    let files = env_usize(
        "IMRDESK_LIMIT_FILES",
        if full { MAX_FOLDER_FILES } else { 12 },
    );
    let pages_per_report = env_usize("IMRDESK_LIMIT_PAGES", 3).max(1);
    let runs = env_usize("IMRDESK_LIMIT_RUNS", if full { 3 } else { 1 }).max(1);
    let big_mb = env_usize(
        "IMRDESK_LIMIT_BIG_MB",
        if full {
            (MAX_FILE_BYTES / (1024 * 1024)) as usize
        } else {
            1
        },
    );
    let frames = if full { 60 } else { 5 };
    assert!(
        files <= MAX_FOLDER_FILES,
        "{files} files is above the importer's limit of {MAX_FOLDER_FILES}"
    );

    let library = Library::builtin().unwrap_or_else(|e| panic!("built-in library: {e}"));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let folder = dir.path().join("records");
    std::fs::create_dir(&folder).unwrap_or_else(|e| panic!("mkdir: {e}"));
    let (pages, bytes) = write_folder(&folder, files, pages_per_report);
    let mb = bytes as f64 / (1024.0 * 1024.0);
    println!(
        "limits: records folder of {files} files, {pages} pages, {mb:.1} MB ({runs} runs, medians)"
    );

    let mut passes = Vec::with_capacity(runs);
    for _ in 0..runs {
        passes.push(pipeline(&folder, &library));
    }
    let pick = |f: fn(&Pass) -> f64| median(passes.iter().map(f).collect());
    let import = pick(|p| p.import);
    let extract = pick(|p| p.extract);
    let timeline = pick(|p| p.timeline);
    let engine = pick(|p| p.engine);
    let total = pick(|p| p.import + p.extract + p.timeline + p.engine);
    let Some(last) = passes.pop() else {
        return;
    };
    drop(passes);
    println!(
        "limits: import {import:.0} ms, extract {extract:.0} ms, timeline {timeline:.0} ms, \
         engine {engine:.0} ms; total {total:.0} ms ({:.2} ms/page)",
        total / pages.max(1) as f64
    );
    println!(
        "limits: {} documents, {} facts, {} timeline events, {} items",
        last.case.documents.len(),
        last.analysis.facts.len(),
        last.analysis.timeline.events.len(),
        last.analysis.items.len()
    );
    assert_eq!(
        last.case.documents.len(),
        files,
        "every file became a document"
    );
    assert!(
        !last.analysis.items.is_empty(),
        "the engine assessed the requests"
    );
    assert!(!last.analysis.facts.is_empty(), "facts were extracted");

    let _ = OPENED.set((last.case, last.analysis));
    let ctx = egui::Context::default();
    let t = Instant::now();
    let mut ws = support::workstation(opened_case, opened_analysis);
    frame(&ctx, &mut ws);
    let first = ms(t);
    let documents_view = median_frame_ms(&ctx, &mut ws, frames);
    ws.push_action(Action::FocusPane(Pane::Timeline));
    let timeline_view = median_frame_ms(&ctx, &mut ws, frames);
    println!(
        "limits: workstation at this size: open + first frame {first:.0} ms; median frame \
         {documents_view:.2} ms (documents), {timeline_view:.2} ms (timeline)"
    );
    drop(ws);

    if big_mb > 0 {
        // One text document at the per-file limit (just under it: the limit
        // refuses anything larger).
        let target = (big_mb as u64 * 1024 * 1024).min(MAX_FILE_BYTES) - 4096;
        let mut rng = Lcg(64);
        let mut text = String::with_capacity(target as usize + 8192);
        let start = NaiveDate::from_ymd_opt(2016, 3, 1).unwrap_or_default();
        let mut day = 0u64;
        let mut big_pages = 0;
        while (text.len() as u64) < target {
            let chunk = report(&mut rng, start + Days::new(day % 3650), 4);
            if (text.len() + chunk.len() + 1) as u64 > target {
                break;
            }
            text.push_str(&chunk);
            text.push('\x0c');
            big_pages += 4;
            day += 7;
        }
        let big = dir.path().join("one_large_record.txt");
        std::fs::write(&big, &text).unwrap_or_else(|e| panic!("write: {e}"));
        let big_size = text.len() as f64 / (1024.0 * 1024.0);
        drop(text);
        let pass = pipeline(&big, &library);
        println!(
            "limits: one document of {big_size:.1} MB, {big_pages} pages: import {:.0} ms, \
             extract {:.0} ms, timeline {:.0} ms, engine {:.0} ms; total {:.0} ms",
            pass.import,
            pass.extract,
            pass.timeline,
            pass.engine,
            pass.import + pass.extract + pass.timeline + pass.engine
        );
        assert!(!pass.analysis.facts.is_empty());
    }
    if big_mb > 0 {
        export_big_letter(dir.path(), big_mb, &library);
    }
    if let Some(rss) = peak_rss_mb() {
        println!("limits: peak resident memory {rss:.0} MB");
    }
}
