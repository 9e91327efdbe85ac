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
    add(
        "utf16le_letter.txt",
        &utf16(&full, false),
        Expect::ErrorOrWarning,
    );
    add(
        "utf16be_letter.txt",
        &utf16(&full, true),
        Expect::ErrorOrWarning,
    );
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
