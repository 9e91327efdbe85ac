//! Bad input: every failure names the file and its cause, and never panics.

use std::path::{Path, PathBuf};

use imrdesk::case::{Case, FORMAT_VERSION};
use imrdesk::ingest::{self, ImportError};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/ingest")
        .join(name)
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write temp file");
    p
}

fn err_of(path: &Path) -> ImportError {
    match ingest::load(path) {
        Ok(_) => panic!("{} should not import", path.display()),
        Err(e) => {
            let msg = e.to_string();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("?");
            assert!(msg.contains(name), "message does not name the file: {msg}");
            e
        }
    }
}

#[test]
fn missing_file() {
    let e = err_of(Path::new("/nonexistent/dir/letter.txt"));
    assert!(matches!(e, ImportError::NotFound { .. }), "{e}");
}

#[test]
fn empty_and_whitespace_files() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let e = err_of(&write(tmp.path(), "empty.txt", b""));
    assert!(matches!(e, ImportError::Empty { .. }), "{e}");
    let e = err_of(&write(tmp.path(), "spaces.txt", b"  \n\t\n"));
    assert!(matches!(e, ImportError::Empty { .. }), "{e}");
    let e = err_of(&write(tmp.path(), "empty.pdf", b""));
    assert!(matches!(e, ImportError::Empty { .. }), "{e}");
}

#[test]
fn binary_file() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let e = err_of(&write(
        tmp.path(),
        "image.txt",
        &[0x89, b'P', b'N', b'G', 0, 0, 0, 13],
    ));
    assert!(matches!(e, ImportError::Binary { .. }), "{e}");
}

#[test]
fn non_utf8_text_is_a_warning_not_an_error() {
    let tmp = tempfile::tempdir().expect("tempdir");
    // Latin-1 bytes for an accented name in an otherwise plain note.
    let p = write(
        tmp.path(),
        "latin1.txt",
        b"PROGRESS REPORT\nDate of service: 05/06/2017\nSeen by Dr. Mu\xf1oz for knee pain.\n",
    );
    let imported = ingest::load(&p).expect("imports with a warning");
    assert_eq!(imported.warnings.len(), 2, "{:?}", imported.warnings);
    assert!(imported.warnings[0].contains("not valid UTF-8"));
    assert!(imported.warnings[0].contains("latin1.txt"));
    assert!(imported.case.documents[0].text.contains('\u{FFFD}'));
}

#[test]
fn image_only_pdf_with_nothing_to_read_says_so() {
    // The fixture's only page is an image without text: OCR runs and finds
    // nothing (tests/ocr.rs covers scans with text).
    let e = err_of(&fixture("image_only.pdf"));
    assert!(matches!(e, ImportError::NoTextLayer { .. }), "{e}");
    assert!(!e.to_string().contains("OCR is not supported"), "{e}");
    assert!(e.to_string().contains("image_only.pdf"), "{e}");
}

#[test]
fn password_protected_pdf() {
    let e = err_of(&fixture("encrypted.pdf"));
    assert!(matches!(e, ImportError::EncryptedPdf { .. }), "{e}");
}

#[test]
fn truncated_and_fake_pdfs_are_corrupt() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let whole = std::fs::read(fixture("short_report.pdf")).expect("fixture");
    let e = err_of(&write(tmp.path(), "cut.pdf", &whole[..whole.len() / 3]));
    assert!(matches!(e, ImportError::CorruptPdf { .. }), "{e}");
    let e = err_of(&write(
        tmp.path(),
        "fake.pdf",
        b"this is plain text named .pdf",
    ));
    assert!(matches!(e, ImportError::CorruptPdf { .. }), "{e}");
}

#[test]
fn malformed_ron_reports_line_and_column() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let p = write(
        tmp.path(),
        "review.ron",
        b"Case(\n    format_version: 1,\n    meta: CaseMeta(case_number: Some(\"A\"),,),\n)\n",
    );
    let e = err_of(&p);
    match &e {
        ImportError::MalformedRon { line, column, .. } => {
            assert_eq!(*line, 3);
            assert!(*column > 1);
        }
        other => panic!("expected MalformedRon, got {other}"),
    }
    assert!(e.to_string().contains("review.ron:3:"), "{e}");
}

#[test]
fn newer_ron_version_names_both_versions() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut case = Case::new();
    case.format_version = FORMAT_VERSION + 4;
    let p = write(
        tmp.path(),
        "future.ron",
        ingest::save_case_ron(&case).as_bytes(),
    );
    let e = err_of(&p);
    assert!(matches!(e, ImportError::NewerVersion { .. }), "{e}");
    let msg = e.to_string();
    assert!(
        msg.contains(&(FORMAT_VERSION + 4).to_string())
            && msg.contains(&FORMAT_VERSION.to_string())
    );
}

#[test]
fn ron_round_trip_through_load() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let demo = ingest::demo_case();
    let p = write(
        tmp.path(),
        "demo.ron",
        ingest::save_case_ron(&demo).as_bytes(),
    );
    let back = ingest::load(&p).expect("saved case loads");
    assert_eq!(back.case, demo);
}

#[test]
fn letter_without_items_is_not_a_letter() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let p = write(
        tmp.path(),
        "headless.txt",
        b"Case Number: QQ11-0000001\n\nCLINICAL CASE SUMMARY\nA short invented summary.\n\nIMR ISSUES, DECISIONS AND RATIONALES\nNothing decided.\n",
    );
    let e = err_of(&p);
    assert!(matches!(e, ImportError::NotALetter { .. }), "{e}");
}

#[test]
fn unsupported_extension_and_empty_folder() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let e = err_of(&write(tmp.path(), "notes.docx", b"PK\x03\x04"));
    assert!(matches!(e, ImportError::UnsupportedType { .. }), "{e}");
    let empty = tmp.path().join("emptyfolder");
    std::fs::create_dir(&empty).expect("mkdir");
    let e = err_of(&empty);
    assert!(matches!(e, ImportError::NoRecords { .. }), "{e}");
}

#[test]
fn folder_over_the_file_limit() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("huge");
    std::fs::create_dir(&dir).expect("mkdir");
    for i in 0..=ingest::MAX_FOLDER_FILES {
        std::fs::write(dir.join(format!("r{i}.txt")), "x").expect("write");
    }
    let e = err_of(&dir);
    assert!(matches!(e, ImportError::TooManyFiles { .. }), "{e}");
}

#[test]
fn file_over_the_size_limit() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let p = tmp.path().join("big.txt");
    let f = std::fs::File::create(&p).expect("create");
    // A sparse file: the size check must refuse it before reading.
    f.set_len(ingest::MAX_FILE_BYTES + 1).expect("set_len");
    let e = err_of(&p);
    assert!(matches!(e, ImportError::TooLarge { .. }), "{e}");
    assert!(e.to_string().contains("64 MiB"));
}

#[test]
fn cut_or_shuffled_letters_never_panic() {
    let path = fixture("letter_variants.txt");
    let text = std::fs::read_to_string(&path).expect("fixture");
    let mut ok = 0;
    for cut in (0..text.len()).step_by(7) {
        if !text.is_char_boundary(cut) {
            continue;
        }
        let piece = &text[..cut];
        if ingest::letter_from_text(piece, &path).is_ok() {
            ok += 1;
        }
        let _ = ingest::records_from_texts(
            vec![ingest::RecordText {
                origin: path.clone(),
                text: text[cut..].to_string(),
            }],
            imrdesk::case::CaseSource::Manual,
        );
    }
    // Cuts after the first decision line parse; earlier cuts are refused.
    assert!(ok > 0);
    let mut lines: Vec<&str> = text.lines().collect();
    lines.reverse();
    let reversed = lines.join("\n");
    let _ = ingest::letter_from_text(&reversed, &path);
}
