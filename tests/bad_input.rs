//! The bad-input battery: files a reviewer might open by mistake, or that
//! arrive damaged. Each is generated here, fed to the real binary, and must
//! end in a clear message naming the file and the cause — never a panic, never
//! a silent partial result.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_imrdesk");

/// What the battery expects of one input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Refused: non-zero exit, one line naming the file and containing the cause.
    Error(&'static str),
    /// Read with a warning naming the file (partially readable input).
    Warning(&'static str),
    /// Either refused or read with a warning: both are honest outcomes, but
    /// silence is not.
    ErrorOrWarning,
}

struct Case {
    name: String,
    path: PathBuf,
    expect: Expect,
}

fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("RUST_BACKTRACE", "0")
        .output()
        .expect("the imrdesk binary runs")
}

/// An invented letter with every section; `skip` drops one section, `dup`
/// repeats one.
fn letter(skip: Option<&str>, dup: Option<&str>) -> String {
    let sections: Vec<(&str, String)> = vec![
        (
            "header",
            "Case Number:          QA00-0000001\nDate Assigned:        01/05/2017                      Date of Injury:      03/14/2015\nDecision Date:        01/30/2017                      UR Denial Date:      12/01/2016\nPriority:             Standard                        Application          12/20/2016\n                                                      Received:\n\n".to_string(),
        ),
        (
            "how",
            "                 HOW THE IMR FINAL DETERMINATION WAS MADE\nAn invented paragraph describing how the reviewer was chosen.\n\n".to_string(),
        ),
        (
            "credentials",
            "The Expert Reviewer has the following credentials:\nState(s) of Licensure: California\nCertification(s)/Specialty: Orthopedic Surgery\n\n".to_string(),
        ),
        (
            "summary",
            "                                CLINICAL CASE SUMMARY\nThe expert reviewer developed the following clinical case summary based on a review of the\ncase file, including all medical records:\n\nThe patient is a 41 year old male who hurt his low back lifting crates on 03/14/2015. A\nprogress report dated 11/02/2016 notes low back pain at 6/10 without radicular findings.\n\n".to_string(),
        ),
        (
            "issues",
            "                      IMR ISSUES, DECISIONS AND RATIONALES\nThe Final Determination was based on decisions for the disputed items/services set forth below:\n\nMRI of the lumbar spine without contrast: Upheld\n\nMAXIMUS guideline: Decision based on an invented citation for this test.\n\nDecision rationale: An invented rationale; the request is not medically necessary.\n".to_string(),
        ),
    ];
    let mut out = String::new();
    for (name, text) in &sections {
        if Some(*name) == skip {
            continue;
        }
        out.push_str(text);
        if Some(*name) == dup {
            out.push_str(text);
        }
    }
    out
}

/// A review-file-shaped RON text with the given version.
fn case_ron(version: &str) -> String {
    format!(
        "(format_version: {version}, meta: (case_number: Some(\"QA\"), date_of_injury: None, date_assigned: None, ur_denial_date: None, application_received: None, decision_date: None, decision_due: None, priority: Standard), patient: (age: None, sex: None), reviewer: (licensure: [], specialties: []), documents: [], items: [])"
    )
}

fn noise(len: usize, seed: u64) -> Vec<u8> {
    // A small xorshift: reproducible noise without a dependency.
    let mut x = seed.max(1);
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x & 0xff) as u8
        })
        .collect()
}

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    let mut out = if big_endian {
        vec![0xfe, 0xff]
    } else {
        vec![0xff, 0xfe]
    };
    for unit in text.encode_utf16() {
        let bytes = if big_endian {
            unit.to_be_bytes()
        } else {
            unit.to_le_bytes()
        };
        out.extend_from_slice(&bytes);
    }
    out
}

fn latin1(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
        .collect()
}

/// A valid PDF of our own making: the demo case's letter, exported by the binary.
fn own_pdf(dir: &Path) -> Vec<u8> {
    let out = dir.join("own.pdf");
    let status = run(&[
        "export",
        concat!(env!("CARGO_MANIFEST_DIR"), "/assets/cases/demo"),
        "--format",
        "pdf",
        "-o",
        out.to_str().expect("temp path is UTF-8"),
    ]);
    assert!(
        status.status.success(),
        "exporting the demo letter failed: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    std::fs::read(&out).expect("exported PDF is readable")
}

fn build_battery(dir: &Path) -> Vec<Case> {
    let mut cases: Vec<Case> = Vec::new();
    let mut add = |name: &str, bytes: &[u8], expect: Expect| {
        let path = dir.join(name);
        std::fs::write(&path, bytes).expect("temp file written");
        cases.push(Case {
            name: name.to_string(),
            path,
            expect,
        });
    };
    let full = letter(None, None);

    // Empty and blank.
    add("empty.txt", b"", Expect::Error("empty"));
    add("empty.pdf", b"", Expect::Error("empty"));
    add("empty.ron", b"", Expect::ErrorOrWarning);
    add("blank.txt", b"   \n\n\t  \n", Expect::Error("empty"));
    add("formfeeds.txt", b"\x0c\x0c\x0c\n", Expect::Error("empty"));
    // Binary noise of several sizes and names.
    for (i, len) in [1usize, 64, 4096, 1 << 20].iter().enumerate() {
        add(
            &format!("noise{i}.txt"),
            &noise(*len, 7 + i as u64),
            Expect::ErrorOrWarning,
        );
        add(
            &format!("noise{i}.pdf"),
            &noise(*len, 99 + i as u64),
            Expect::ErrorOrWarning,
        );
        add(
            &format!("noise{i}.ron"),
            &noise(*len, 1234 + i as u64),
            Expect::ErrorOrWarning,
        );
    }
    let mut nul_letter = full.clone().into_bytes();
    nul_letter.splice(200..200, [0u8; 64]);
    add("nul_bytes.txt", &nul_letter, Expect::ErrorOrWarning);
    add("all_nul.txt", &[0u8; 4096], Expect::Error("binary"));
    add(
        "png_named_txt.txt",
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01",
        Expect::Error("binary"),
    );
    add(
        "zip_named_pdf.pdf",
        b"PK\x03\x04\x14\0\0\0\0\0",
        Expect::ErrorOrWarning,
    );
    // Other encodings.
    let accented = full.replace("hurt his low back", "hurt his low back at the caf\u{e9}");
    add(
        "latin1_letter.txt",
        &latin1(&accented),
        Expect::Warning("UTF-8"),
    );
    // UTF-16 with a byte-order mark now imports as text (see
    // `unicode_and_line_endings_import_like_utf8` below).
    // Size and shape.
    add(
        "huge.txt",
        &vec![b'a'; 100 * 1024 * 1024],
        Expect::Error("limit"),
    );
    let long_line: String = "lumbar pain ".repeat(400_000);
    add(
        "long_line.txt",
        long_line.as_bytes(),
        Expect::ErrorOrWarning,
    );
    add(
        "control_chars.txt",
        "\u{1}\u{2}\u{3}\u{7}\u{8}".repeat(500).as_bytes(),
        Expect::ErrorOrWarning,
    );
    // Letters missing or repeating a section.
    for section in ["header", "how", "credentials", "summary", "issues"] {
        add(
            &format!("letter_without_{section}.txt"),
            letter(Some(section), None).as_bytes(),
            Expect::ErrorOrWarning,
        );
        add(
            &format!("letter_twice_{section}.txt"),
            letter(None, Some(section)).as_bytes(),
            Expect::ErrorOrWarning,
        );
    }
    add(
        "letter_cut_in_half.txt",
        &full.as_bytes()[..full.len() / 2],
        Expect::ErrorOrWarning,
    );
    add(
        "letter_no_decision.txt",
        full.replace(": Upheld", "").as_bytes(),
        Expect::ErrorOrWarning,
    );
    // PDFs: truncated copies of a real PDF of ours, and broken structure.
    let pdf = own_pdf(dir);
    for pct in [5usize, 30, 60, 95] {
        add(
            &format!("truncated_{pct}.pdf"),
            &pdf[..pdf.len() * pct / 100],
            Expect::ErrorOrWarning,
        );
    }
    add(
        "header_only.pdf",
        b"%PDF-1.7\n%%EOF\n",
        Expect::ErrorOrWarning,
    );
    let mut garbled = pdf.clone();
    let mid = garbled.len() / 2;
    let end = (mid + 256).min(garbled.len());
    for b in &mut garbled[mid..end] {
        *b = b'#';
    }
    add("garbled_middle.pdf", &garbled, Expect::ErrorOrWarning);
    for fixture in ["encrypted.pdf", "image_only.pdf"] {
        let src = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/ingest")
            .join(fixture);
        if let Ok(bytes) = std::fs::read(&src) {
            let expect = if fixture == "encrypted.pdf" {
                Expect::Error("encrypted")
            } else {
                Expect::Error("OCR")
            };
            add(fixture, &bytes, expect);
        }
    }
    // RON files: malformed, truncated, future version, wrong types.
    let good = case_ron("1");
    add(
        "malformed.ron",
        good.replace("meta:", "meta").as_bytes(),
        Expect::ErrorOrWarning,
    );
    add(
        "truncated.ron",
        &good.as_bytes()[..good.len() / 2],
        Expect::ErrorOrWarning,
    );
    add(
        "future.ron",
        case_ron("999").as_bytes(),
        Expect::Error("999"),
    );
    add(
        "wrong_types.ron",
        case_ron("\"one\"").as_bytes(),
        Expect::ErrorOrWarning,
    );
    add(
        "not_a_case.ron",
        b"(hello: \"world\")",
        Expect::ErrorOrWarning,
    );
    add(
        "json_named_ron.ron",
        b"{\"format_version\": 1}",
        Expect::ErrorOrWarning,
    );
    // Unsupported kinds of file.
    add(
        "letter.docx",
        b"PK\x03\x04 not really a document",
        Expect::Error("unsupported"),
    );
    add("notes.json", b"{}", Expect::Error("unsupported"));
    cases
}

fn stderr_of(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn every_bad_file_gets_a_clear_message_and_no_panic() {
    let dir = tempfile::tempdir().expect("temp dir");
    let battery = build_battery(dir.path());
    assert!(
        battery.len() >= 50,
        "the battery has {} files",
        battery.len()
    );

    let mut failures = Vec::new();
    let (mut refused, mut warned) = (0, 0);
    for case in &battery {
        let path = case.path.to_str().expect("temp path is UTF-8");
        let out = run(&["analyze", path]);
        let err = stderr_of(&out);
        let names_file = err.contains(&case.name);
        if err.contains("panicked") || out.status.code().is_none() {
            failures.push(format!("{}: crashed: {err}", case.name));
            continue;
        }
        let ok = match case.expect {
            Expect::Error(cause) => !out.status.success() && names_file && err.contains(cause),
            Expect::Warning(cause) => {
                out.status.success() && names_file && err.contains("warning") && err.contains(cause)
            }
            Expect::ErrorOrWarning => {
                names_file && (!out.status.success() || err.contains("warning"))
            }
        };
        if out.status.success() {
            warned += 1;
        } else {
            refused += 1;
            let lines = err.lines().filter(|l| !l.trim().is_empty()).count();
            if lines != 1 {
                failures.push(format!(
                    "{}: expected one error line, got {lines}: {err}",
                    case.name
                ));
            }
        }
        if !ok {
            failures.push(format!(
                "{}: expected {:?}, got exit {:?} and stderr: {err}",
                case.name,
                case.expect,
                out.status.code()
            ));
        }
    }
    println!(
        "bad-input battery: {} files, {refused} refused with an error, {warned} read with a warning, {} failures",
        battery.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn folders_keep_what_can_be_read_and_report_the_rest() {
    let dir = tempfile::tempdir().expect("temp dir");
    let records = dir.path().join("records");
    std::fs::create_dir(&records).expect("folder");
    std::fs::write(
        records.join("progress_report.txt"),
        "PROGRESS REPORT\nDate of service: 09/12/2016\nThe patient reports low back pain rated 5/10.\n",
    )
    .expect("record written");
    std::fs::write(records.join("scan.pdf"), noise(2048, 5)).expect("bad record written");
    let out = run(&["analyze", records.to_str().expect("UTF-8 path")]);
    let err = stderr_of(&out);
    assert!(
        out.status.success(),
        "a folder with one bad file still opens: {err}"
    );
    assert!(
        err.contains("scan.pdf"),
        "the unreadable file is named: {err}"
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    let docs = json["documents"].as_array().expect("documents array");
    assert_eq!(docs.len(), 1, "the readable record is kept");

    let empty = dir.path().join("empty_folder");
    std::fs::create_dir(&empty).expect("folder");
    let out = run(&["analyze", empty.to_str().expect("UTF-8 path")]);
    assert!(!out.status.success());
    assert!(stderr_of(&out).contains("empty_folder"));

    let out = run(&[
        "analyze",
        dir.path().join("missing.txt").to_str().expect("UTF-8"),
    ]);
    assert!(!out.status.success());
    assert!(stderr_of(&out).contains("not found"));
}

// ---- Issue 14: special files, encodings, repeated sections, destinations ----

/// Runs the binary with a time limit: a FIFO used to hang every command, so a
/// regression must fail the test, not stall the suite.
fn run_limited(args: &[&std::ffi::OsStr], env: &[(&str, &Path)]) -> Output {
    use std::io::Read;
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .env("RUST_BACKTRACE", "0")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("the imrdesk binary runs");
    // Drain both pipes while waiting, or a large output would block the child.
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut p) = pipe {
                let _ = p.read_to_end(&mut buf);
            }
            buf
        })
    };
    let out_thread = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let err_thread = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let status = loop {
        if let Ok(Some(status)) = child.try_wait() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("imrdesk {args:?} did not finish within 60 s (hung on a special file?)");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let stdout = out_thread.join().unwrap_or_default();
    let stderr = err_thread.join().unwrap_or_default();
    Output {
        status,
        stdout,
        stderr,
    }
}

fn os(p: &Path) -> &std::ffi::OsStr {
    p.as_os_str()
}

fn item_texts(out: &Output) -> Vec<String> {
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    json["disputed_items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i["text"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn unicode_and_line_endings_import_like_utf8() {
    let dir = tempfile::tempdir().expect("temp dir");
    let full = letter(None, None);
    let mut utf32le = vec![0xFF, 0xFE, 0, 0];
    utf32le.extend(full.chars().flat_map(|c| (c as u32).to_le_bytes()));
    let mut utf32be = vec![0, 0, 0xFE, 0xFF];
    utf32be.extend(full.chars().flat_map(|c| (c as u32).to_be_bytes()));
    let inputs: Vec<(&str, Vec<u8>)> = vec![
        ("lf.txt", full.clone().into_bytes()),
        ("crlf.txt", full.replace('\n', "\r\n").into_bytes()),
        ("cr.txt", full.replace('\n', "\r").into_bytes()),
        ("utf16le.txt", utf16(&full, false)),
        ("utf16be.txt", utf16(&full, true)),
        ("utf32le.txt", utf32le),
        ("utf32be.txt", utf32be),
    ];
    for (name, bytes) in inputs {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).expect("written");
        let out = run_limited(&[os(Path::new("analyze")), os(&path)], &[]);
        assert!(out.status.success(), "{name}: {}", stderr_of(&out));
        assert_eq!(
            item_texts(&out),
            ["MRI of the lumbar spine without contrast"],
            "{name}"
        );
    }
}

#[test]
fn a_repeated_decisions_section_imports_only_its_first_copy() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("twice.txt");
    std::fs::write(&path, letter(None, Some("issues"))).expect("written");
    let out = run_limited(&[os(Path::new("analyze")), os(&path)], &[]);
    let err = stderr_of(&out);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("first copy is used"), "{err}");
    assert_eq!(item_texts(&out).len(), 1, "{err}");
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success(), "mkfifo {}", path.display());
}

#[cfg(unix)]
#[test]
fn special_files_are_errors_when_named_and_warnings_in_a_folder() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().expect("temp dir");
    let fifo = dir.path().join("pipe.txt");
    mkfifo(&fifo);
    let zero = dir.path().join("zero.txt");
    symlink("/dev/zero", &zero).expect("symlink");
    let dangling = dir.path().join("gone.txt");
    symlink(dir.path().join("nowhere.txt"), &dangling).expect("symlink");
    let fifo_review = dir.path().join("pipe.imrreview");
    mkfifo(&fifo_review);
    let zero_review = dir.path().join("zero.imrreview");
    symlink("/dev/zero", &zero_review).expect("symlink");
    for (path, cause) in [
        (&fifo, "FIFO"),
        (&zero, "device"),
        (&dangling, "dangling"),
        (&fifo_review, "FIFO"),
        (&zero_review, "device"),
    ] {
        let out = run_limited(&[os(Path::new("analyze")), os(path)], &[]);
        let err = stderr_of(&out);
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        assert!(!out.status.success(), "{name}: {err}");
        assert!(err.contains(name) && err.contains(cause), "{name}: {err}");
    }

    // In a records folder: the good record is read, every other entry named.
    let records = dir.path().join("records");
    std::fs::create_dir(&records).expect("folder");
    std::fs::write(
        records.join("progress.txt"),
        "PROGRESS REPORT\nDate of service: 09/12/2016\nLow back pain 5/10.\n",
    )
    .expect("record");
    mkfifo(&records.join("pipe.txt"));
    symlink("/dev/zero", records.join("zero.txt")).expect("symlink");
    symlink(records.join("nowhere.txt"), records.join("gone.txt")).expect("symlink");
    std::fs::write(records.join(".hidden.txt"), "hidden").expect("hidden");
    let out = run_limited(&[os(Path::new("analyze")), os(&records)], &[]);
    let err = stderr_of(&out);
    assert!(out.status.success(), "{err}");
    for needle in [
        "pipe.txt",
        "FIFO",
        "zero.txt",
        "device",
        "gone.txt",
        "dangling",
        ".hidden.txt",
    ] {
        assert!(err.contains(needle), "{needle} not in: {err}");
    }

    // A FIFO in a --guidelines folder is named, not waited on.
    let guidelines = dir.path().join("guidelines");
    std::fs::create_dir(&guidelines).expect("folder");
    mkfifo(&guidelines.join("trap.ron"));
    let good = records.join("progress.txt");
    let out = run_limited(
        &[
            os(Path::new("analyze")),
            os(&good),
            os(Path::new("--guidelines")),
            os(&guidelines),
        ],
        &[],
    );
    let err = stderr_of(&out);
    assert!(!out.status.success(), "{err}");
    assert!(err.contains("trap.ron") && err.contains("FIFO"), "{err}");
}

#[test]
fn a_records_folder_has_a_total_size_bound() {
    let dir = tempfile::tempdir().expect("temp dir");
    let records = dir.path().join("big");
    std::fs::create_dir(&records).expect("folder");
    // Sparse files: each under the single-file limit, together over the
    // folder's, and refused from their sizes before anything is read.
    for i in 0..5 {
        let f = std::fs::File::create(records.join(format!("r{i}.txt"))).expect("file");
        f.set_len(60 * 1024 * 1024).expect("sparse length");
    }
    let out = run_limited(&[os(Path::new("analyze")), os(&records)], &[]);
    let err = stderr_of(&out);
    assert!(!out.status.success(), "{err}");
    assert!(err.contains("big") && err.contains("total limit"), "{err}");
}

#[cfg(unix)]
#[test]
fn non_utf8_file_names_are_kept_as_paths_and_shown_lossily() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().expect("temp dir");
    let name = std::ffi::OsStr::from_bytes(b"letter-\xff.txt");
    let path = dir.path().join(name);
    std::fs::write(&path, letter(None, None)).expect("written");
    let out = run_limited(&[os(Path::new("analyze")), os(&path)], &[]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    let empty = dir
        .path()
        .join(std::ffi::OsStr::from_bytes(b"empty-\xfe.txt"));
    std::fs::write(&empty, "").expect("written");
    let out = run_limited(&[os(Path::new("analyze")), os(&empty)], &[]);
    let err = stderr_of(&out);
    assert!(!out.status.success());
    assert!(
        err.contains("empty-\u{FFFD}.txt") && err.contains("empty"),
        "{err}"
    );
    let review = dir.path().join(std::ffi::OsStr::from_bytes(b"out-\xfd.md"));
    let out = run_limited(
        &[
            os(Path::new("export")),
            os(&path),
            os(Path::new("--format")),
            os(Path::new("md")),
            os(Path::new("-o")),
            os(&review),
        ],
        &[],
    );
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(review.exists(), "the export keeps the exact file name");
}

#[test]
fn a_review_file_with_a_byte_order_mark_opens() {
    let dir = tempfile::tempdir().expect("temp dir");
    let library = imrdesk::guideline::Library::builtin().expect("library");
    let case = imrdesk::ingest::demo_case();
    let analysis = imrdesk::engine::analyze(&case, &library);
    let state = imrdesk::review::ReviewState::new(case, analysis);
    let path = dir.path().join("bom.imrreview");
    let text = imrdesk::review::file::to_ron(&state, &path).expect("ron");
    std::fs::write(&path, format!("\u{FEFF}{text}")).expect("written");
    let out = run_limited(&[os(Path::new("analyze")), os(&path)], &[]);
    assert!(out.status.success(), "{}", stderr_of(&out));
}

fn export_to(input: &Path, format: &str, out: &Path) -> Output {
    run_limited(
        &[
            os(Path::new("export")),
            os(input),
            os(Path::new("--format")),
            os(Path::new(format)),
            os(Path::new("-o")),
            os(out),
        ],
        &[],
    )
}

#[cfg(unix)]
#[test]
fn export_and_eval_never_write_over_what_they_read_or_onto_special_files() {
    use std::os::unix::fs::{PermissionsExt, symlink};
    let dir = tempfile::tempdir().expect("temp dir");
    let source = dir.path().join("letter.txt");
    let original = letter(None, None);
    std::fs::write(&source, &original).expect("written");

    // Onto its own input, directly or through a symlink.
    let out = export_to(&source, "txt", &source);
    assert!(!out.status.success(), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains("input of this export"),
        "{}",
        stderr_of(&out)
    );
    let link = dir.path().join("link.txt");
    symlink(&source, &link).expect("symlink");
    let out = export_to(&source, "txt", &link);
    assert!(!out.status.success(), "{}", stderr_of(&out));
    assert_eq!(
        std::fs::read_to_string(&source).unwrap_or_default(),
        original
    );

    // Onto an existing review file, whatever the format.
    let library = imrdesk::guideline::Library::builtin().expect("library");
    let case = imrdesk::ingest::demo_case();
    let analysis = imrdesk::engine::analyze(&case, &library);
    let review = dir.path().join("r.imrreview");
    imrdesk::review::file::save(
        &imrdesk::review::RealFs,
        &imrdesk::review::ReviewState::new(case, analysis),
        &review,
    )
    .expect("saved");
    let before = std::fs::read(&review).unwrap_or_default();
    let out = export_to(&review, "ron", &review);
    assert!(!out.status.success());
    let renamed = dir.path().join("r-copy.ron");
    std::fs::copy(&review, &renamed).expect("copy");
    let out = export_to(&source, "ron", &renamed);
    assert!(!out.status.success(), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains("existing review file"),
        "{}",
        stderr_of(&out)
    );
    assert_eq!(std::fs::read(&review).unwrap_or_default(), before);

    // Onto a FIFO or a device: refused, nothing replaced.
    let fifo = dir.path().join("pipe.txt");
    mkfifo(&fifo);
    let out = export_to(&source, "txt", &fifo);
    assert!(!out.status.success(), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("FIFO"), "{}", stderr_of(&out));
    for device in ["/dev/null", "/dev/full"] {
        let out = export_to(&source, "txt", Path::new(device));
        assert!(!out.status.success(), "{device}: {}", stderr_of(&out));
        assert!(
            stderr_of(&out).contains("a device"),
            "{device}: {}",
            stderr_of(&out)
        );
        assert!(
            Path::new(device).metadata().is_ok_and(|m| !m.is_file()),
            "{device} is still a device"
        );
    }

    // An existing export keeps its permissions; a symlinked one stays a link.
    let target = dir.path().join("old.txt");
    std::fs::write(&target, "old").expect("written");
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    let via = dir.path().join("via.txt");
    symlink(&target, &via).expect("symlink");
    let out = export_to(&source, "txt", &via);
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert!(std::fs::symlink_metadata(&via).is_ok_and(|m| m.file_type().is_symlink()));
    let meta = std::fs::metadata(&target).expect("target");
    assert_eq!(meta.permissions().mode() & 0o777, 0o640);
    assert!(
        std::fs::read_to_string(&target)
            .unwrap_or_default()
            .contains("DRAFT")
    );
    let temps = std::fs::read_dir(dir.path())
        .map(|e| {
            e.flatten()
                .filter(|e| {
                    e.file_name()
                        .to_string_lossy()
                        .starts_with(imrdesk::review::env::TEMP_PREFIX)
                })
                .count()
        })
        .unwrap_or_default();
    assert_eq!(
        temps, 0,
        "no temp file is left after a refused or finished export"
    );

    // eval --json: never onto a letter it evaluates, never onto a device.
    let letters = dir.path().join("letters");
    std::fs::create_dir(&letters).expect("folder");
    let one = letters.join("a.txt");
    std::fs::write(&one, &original).expect("written");
    for dest in [one.as_path(), Path::new("/dev/full")] {
        let out = run_limited(
            &[
                os(Path::new("eval")),
                os(&letters),
                os(Path::new("--json")),
                os(dest),
            ],
            &[],
        );
        assert!(
            !out.status.success(),
            "{}: {}",
            dest.display(),
            stderr_of(&out)
        );
    }
    assert_eq!(std::fs::read_to_string(&one).unwrap_or_default(), original);
}

#[test]
fn characters_the_pdf_fonts_lack_are_listed_in_a_warning() {
    let dir = tempfile::tempdir().expect("temp dir");
    let source = dir.path().join("cjk.txt");
    let text = letter(None, None).replace(
        "hurt his low back",
        "hurt his low back (\u{814E}\u{75DB} in his own words)",
    );
    std::fs::write(&source, text).expect("written");
    let out = export_to(&source, "pdf", &dir.path().join("cjk.pdf"));
    let err = stderr_of(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("warning") && err.contains("U+814E") && err.contains("U+75DB"),
        "{err}"
    );
    let plain = dir.path().join("plain.txt");
    std::fs::write(&plain, letter(None, None)).expect("written");
    let out = export_to(&plain, "pdf", &dir.path().join("plain.pdf"));
    assert!(
        !stderr_of(&out).contains("fonts lack"),
        "{}",
        stderr_of(&out)
    );
}

/// Runs the binary through `sh` after `limits` (shell commands such as
/// `ulimit`), so a test can give it less disk or memory than it would use.
#[cfg(unix)]
fn run_under_shell(limits: &str, args: &[&std::ffi::OsStr]) -> Output {
    Command::new("sh")
        .arg("-c")
        .arg(format!("{limits}; exec \"$0\" \"$@\""))
        .arg(BIN)
        .args(args)
        .env("RUST_BACKTRACE", "0")
        .output()
        .expect("sh runs")
}

/// Runs the binary with a file-size limit of `blocks` × 512 bytes (dash's
/// `ulimit -f` unit) and SIGXFSZ ignored, so a write past the limit fails
/// with EFBIG as on a full disk instead of killing the process.
#[cfg(unix)]
fn run_with_file_limit(blocks: u32, args: &[&std::ffi::OsStr]) -> Output {
    run_under_shell(&format!("trap '' XFSZ; ulimit -f {blocks}"), args)
}

#[cfg(unix)]
#[test]
fn a_write_that_fails_midway_leaves_the_old_file_and_no_temp_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let source = dir.path().join("letter.txt");
    std::fs::write(&source, letter(None, None)).expect("written");
    let letters = dir.path().join("letters");
    std::fs::create_dir(&letters).expect("folder");
    std::fs::copy(&source, letters.join("a.txt")).expect("copied");
    let old = "the previous export, which must survive";
    for (name, args) in [
        ("letter.html", vec!["export", "--format", "html", "-o"]),
        ("summary.json", vec!["eval", "--json"]),
    ] {
        let dest = dir.path().join(name);
        std::fs::write(&dest, old).expect("old file");
        let input = if args[0] == "eval" { &letters } else { &source };
        let mut argv: Vec<&std::ffi::OsStr> = vec![os(Path::new(args[0])), os(input)];
        argv.extend(args[1..].iter().map(|a| os(Path::new(a))));
        argv.push(os(&dest));
        // 2 blocks: 1 KiB, less than either output.
        let out = run_with_file_limit(2, &argv);
        let err = stderr_of(&out);
        assert!(
            !out.status.success(),
            "{name}: the write cannot succeed: {err}"
        );
        assert!(
            err.contains(name),
            "{name}: the error names the file: {err}"
        );
        assert_eq!(
            std::fs::read_to_string(&dest).unwrap_or_default(),
            old,
            "{name}: the old file is intact"
        );
        let leftovers: Vec<String> = std::fs::read_dir(dir.path())
            .expect("listed")
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with('.'))
            .collect();
        assert!(
            leftovers.is_empty(),
            "{name}: temp files left: {leftovers:?}"
        );
    }
}

/// Whether this test runs as root: a file it creates is owned by uid 0.
#[cfg(unix)]
fn running_as_root(dir: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let probe = dir.join("owner-probe");
    std::fs::write(&probe, "").expect("probe written");
    let root = std::fs::metadata(&probe).is_ok_and(|m| m.uid() == 0);
    let _ = std::fs::remove_file(&probe);
    root
}

#[cfg(unix)]
#[test]
fn an_export_over_a_file_keeps_its_owner_and_group() {
    use std::os::unix::fs::{MetadataExt, chown};
    let dir = tempfile::tempdir().expect("temp dir");
    let source = dir.path().join("letter.txt");
    std::fs::write(&source, letter(None, None)).expect("written");
    let target = dir.path().join("shared-letter.txt");
    std::fs::write(&target, "a colleague's earlier export").expect("written");
    // Only root may give a file to someone else; an ordinary user's run
    // checks that the export still replaces the file and keeps its owner.
    let root = running_as_root(dir.path());
    let (uid, gid) = if root {
        (4321, 4322)
    } else {
        eprintln!("not root: checking that the owner is unchanged, not a foreign owner");
        let m = std::fs::metadata(&target).expect("target");
        (m.uid(), m.gid())
    };
    if root {
        chown(&target, Some(uid), Some(gid)).expect("chown as root");
    }
    let out = export_to(&source, "txt", &target);
    assert!(out.status.success(), "{}", stderr_of(&out));
    let meta = std::fs::metadata(&target).expect("target");
    assert_eq!((meta.uid(), meta.gid()), (uid, gid), "owner and group kept");
    assert!(
        std::fs::read_to_string(&target)
            .unwrap_or_default()
            .contains("DRAFT"),
        "the file was replaced by the export"
    );
}

/// Runs the binary with its address space limited to `mib` MiB, so reading
/// a huge file whole before checking its size fails instead of succeeding.
#[cfg(unix)]
fn run_with_memory_limit(mib: u64, args: &[&std::ffi::OsStr]) -> Output {
    run_under_shell(&format!("ulimit -v {}", mib * 1024), args)
}

#[cfg(unix)]
#[test]
fn an_oversized_review_file_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().expect("temp dir");
    // Sparse: 8 GiB on paper, nothing on disk. Read whole, it would not fit
    // in the 3 GiB the binary is given below.
    let huge = dir.path().join("huge.imrreview");
    std::fs::File::create(&huge)
        .and_then(|f| f.set_len(8 << 30))
        .expect("sparse file");
    let zero = dir.path().join("zero.imrreview");
    std::os::unix::fs::symlink("/dev/zero", &zero).expect("symlink");

    match imrdesk::review::file::load(&imrdesk::review::RealFs, &huge) {
        Err(e @ imrdesk::review::file::ReviewFileError::TooLarge { .. }) => {
            let text = e.to_string();
            assert!(text.contains("huge.imrreview"), "{text}");
            assert!(text.contains(&(8u64 << 30).to_string()), "{text}");
        }
        other => panic!("expected too large, got {other:?}"),
    }

    let pdf = dir.path().join("out.pdf");
    for (file, cause) in [(&huge, "too large"), (&zero, "a device")] {
        let name = file.file_name().map(|n| n.to_string_lossy().into_owned());
        let name = name.unwrap_or_default();
        let runs: [Vec<&std::ffi::OsStr>; 3] = [
            vec![os(Path::new("analyze")), os(file)],
            vec![os(Path::new("verify")), os(file)],
            vec![
                os(Path::new("export")),
                os(file),
                os(Path::new("--format")),
                os(Path::new("pdf")),
                os(Path::new("-o")),
                os(&pdf),
            ],
        ];
        for argv in runs {
            let out = run_with_memory_limit(3072, &argv);
            let err = stderr_of(&out);
            let said = format!("{err}{}", String::from_utf8_lossy(&out.stdout));
            assert!(!out.status.success(), "{argv:?}: {said}");
            assert!(
                said.contains(&name) && said.contains(cause),
                "{argv:?} names the file and the cause: {said}"
            );
            assert!(!said.contains("panicked"), "{argv:?}: {said}");
        }
    }
    assert!(!pdf.exists(), "nothing exported");
}
