//! The body of every fuzz target, in one place: `fuzz/fuzz_targets/*.rs`
//! (libFuzzer) and `tests/fuzz_regressions.rs` (cargo test) both include this
//! file with `#[path]`, so a regression input is replayed through exactly the
//! code the fuzzer ran.
//!
//! Each body feeds the bytes to the same public entry the product uses and
//! returns an [`Outcome`]: the input was accepted, or refused with an error
//! that names the file. A panic, a hang or an out-of-memory is the bug; so
//! is a broken invariant the window relies on (a span or page start outside
//! its text or inside a UTF-8 character, a saved review that cannot be opened
//! again), which the bodies check with `assert!`.

#![allow(dead_code)]

use std::fmt::Display;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use chrono::NaiveDate;
use imrdesk::case::{
    Case, CaseSource, DisputedItem, DocId, Document, DocumentKind, ItemId, PartialCertification,
};
use imrdesk::fact::{Fact, Span};
use imrdesk::guideline::Library;
use imrdesk::ingest::{self, RecordText};
use imrdesk::review::{FileSystem, MemoryFs};

/// Every target, in the order the scripts run them.
pub const TARGETS: [&str; 7] = [
    "letter_text",
    "pdf",
    "records_file",
    "review_ron",
    "extract",
    "request",
    "engine",
];

/// What a target made of one input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Imported or analysed; `parts` counts what came out (documents, items,
    /// facts), so a regression test can tell "read something" from "nothing".
    Accepted { parts: usize },
    /// Refused with this message (which names the file it was given).
    Refused(String),
}

/// Runs the target called `name` on `data`; `None` for an unknown name.
pub fn run(name: &str, data: &[u8]) -> Option<Outcome> {
    let run: fn(&[u8]) -> Outcome = match name {
        "letter_text" => letter_text,
        "pdf" => pdf,
        "records_file" => records_file,
        "review_ron" => review_ron,
        "extract" => extract,
        "request" => request,
        "engine" => engine,
        _ => return None,
    };
    Some(run(data))
}

/// A letter's text file through the loader's door (decode, then the letter
/// parser or, if it does not look like a letter, the records parser), and
/// the letter parser alone on text the door sent elsewhere, so it sees any
/// text, not only letter-shaped text.
pub fn letter_text(data: &[u8]) -> Outcome {
    let path = Path::new("fuzz-letter.txt");
    let text = String::from_utf8_lossy(data);
    if !ingest::looks_like_letter(&text) {
        match ingest::letter_from_text(&text, path) {
            Ok(case) => check_case(&case),
            Err(e) => named(&e, path),
        }
    }
    imported(ingest::load_bytes(path, data), path)
}

/// Bytes as a PDF file through the loader's door (text layer, then the
/// letter or records parser).
pub fn pdf(data: &[u8]) -> Outcome {
    let path = Path::new("fuzz.pdf");
    imported(ingest::load_bytes(path, data), path)
}

/// Separates the files of one records folder in a `records_file` input.
pub const RECORD_SEPARATOR: u8 = 0x1e;

/// A records folder: the input split at [`RECORD_SEPARATOR`] into up to
/// eight files, each decoded as the folder reader decodes it, then built
/// into one case.
pub fn records_file(data: &[u8]) -> Outcome {
    let mut texts = Vec::new();
    let mut refusal = None;
    for (i, part) in data.split(|&b| b == RECORD_SEPARATOR).take(8).enumerate() {
        let origin = PathBuf::from(format!("fuzz-records/{i:02}.txt"));
        match ingest::decode_text(&origin, part) {
            Ok((text, _warnings)) => texts.push(RecordText { origin, text }),
            Err(e) => {
                named(&e, &origin);
                refusal.get_or_insert_with(|| e.to_string());
            }
        }
    }
    if texts.is_empty() {
        return Outcome::Refused(refusal.unwrap_or_else(|| "no record files".into()));
    }
    let imported = ingest::records_from_texts(texts, CaseSource::Records("fuzz-records".into()));
    check_case(&imported.case);
    Outcome::Accepted {
        parts: imported.case.documents.len() + imported.case.items.len(),
    }
}

/// Bytes as a review file opened from disk (an in-memory disk), and as a
/// native `.ron` case file. A review that opens must save and open again.
pub fn review_ron(data: &[u8]) -> Outcome {
    let case_path = Path::new("fuzz.ron");
    if let Err(e) = ingest::load_bytes(case_path, data) {
        named(&e, case_path);
    }
    let path = Path::new("fuzz.imrreview");
    let fs = MemoryFs::new();
    if let Err(e) = fs.write_atomic(path, data) {
        return Outcome::Refused(format!("in-memory write failed: {e}"));
    }
    match imrdesk::review::file::load(&fs, path) {
        Ok(state) => {
            check_case(&state.case);
            let saved = imrdesk::review::file::to_ron(&state, path);
            let reopened = saved
                .as_deref()
                .map_err(|e| e.to_string())
                .and_then(|text| {
                    imrdesk::review::file::from_ron(text, path).map_err(|e| e.to_string())
                });
            assert!(
                reopened.is_ok(),
                "an opened review must save and open again: {reopened:?}"
            );
            Outcome::Accepted {
                parts: state.case.documents.len() + state.items.len(),
            }
        }
        Err(e) => {
            named(&e, path);
            Outcome::Refused(e.to_string())
        }
    }
}

/// UTF-8 text as one dated document of a case, through the fact extractor
/// (and the report-reference finder that links facts to cited reports).
pub fn extract(data: &[u8]) -> Outcome {
    let Ok(text) = std::str::from_utf8(data) else {
        return Outcome::Refused("not UTF-8".into());
    };
    let mut case = Case::new();
    case.meta.date_of_injury = NaiveDate::from_ymd_opt(2019, 3, 14);
    case.documents.push(Document {
        id: DocId(0),
        kind: DocumentKind::ProgressReport,
        title: "Fuzz progress report".into(),
        date: NaiveDate::from_ymd_opt(2020, 6, 1),
        text: text.to_string(),
        origin: None,
        page_starts: vec![0],
    });
    let facts = imrdesk::extract::extract_case(&case);
    check_facts(&case, &facts);
    let references = imrdesk::extract::report_references(text);
    Outcome::Accepted {
        parts: facts.len() + references.len(),
    }
}

/// UTF-8 text as disputed items, one per line (at most 16); a line
/// `original|authorized|disputed` is a partial certification.
pub fn request(data: &[u8]) -> Outcome {
    let Ok(text) = std::str::from_utf8(data) else {
        return Outcome::Refused("not UTF-8".into());
    };
    let mut case = Case::new();
    for (i, line) in text.lines().take(16).enumerate() {
        let mut fields = line.split('|');
        let first = fields.next().unwrap_or_default();
        let partial = match (fields.next(), fields.next()) {
            (Some(authorized), Some(disputed)) => Some(PartialCertification {
                original: first.to_string(),
                authorized: authorized.to_string(),
                disputed: disputed.to_string(),
            }),
            _ => None,
        };
        case.items.push(DisputedItem {
            id: ItemId(i as u32),
            text: first.to_string(),
            partial,
            depends_on: None,
        });
    }
    let requests = imrdesk::request::parse_case(&case);
    assert_eq!(requests.len(), case.items.len(), "one request per item");
    Outcome::Accepted {
        parts: requests.len(),
    }
}

/// The built-in guideline library, loaded once.
static LIBRARY: LazyLock<Library> = LazyLock::new(|| {
    Library::builtin().unwrap_or_else(|e| panic!("the built-in guideline library: {e}"))
});

/// UTF-8 text as a one-file records case (with its first line as an item
/// when the records name none), through the whole analysis.
pub fn engine(data: &[u8]) -> Outcome {
    let Ok(text) = std::str::from_utf8(data) else {
        return Outcome::Refused("not UTF-8".into());
    };
    let origin = PathBuf::from("fuzz-engine/record.txt");
    let mut imported = ingest::records_from_texts(
        vec![RecordText {
            origin,
            text: text.to_string(),
        }],
        CaseSource::Records("fuzz-engine".into()),
    );
    let case = &mut imported.case;
    if case.items.is_empty() {
        case.items.push(DisputedItem {
            id: ItemId(0),
            text: text.lines().next().unwrap_or_default().to_string(),
            partial: None,
            depends_on: None,
        });
    }
    let analysis = imrdesk::engine::analyze(case, &LIBRARY);
    check_facts(case, &analysis.facts);
    assert_eq!(
        analysis.items.len(),
        case.items.len(),
        "one assessment per item"
    );
    Outcome::Accepted {
        parts: analysis.facts.len() + analysis.items.len(),
    }
}

/// The outcome of an import, checking the case or the error's file name.
fn imported(result: Result<ingest::Imported, ingest::ImportError>, path: &Path) -> Outcome {
    match result {
        Ok(imported) => {
            check_case(&imported.case);
            Outcome::Accepted {
                parts: imported.case.documents.len() + imported.case.items.len(),
            }
        }
        Err(e) => {
            named(&e, path);
            Outcome::Refused(e.to_string())
        }
    }
}

/// An error shown alone must still say which file it is about.
fn named(error: &impl Display, path: &Path) {
    let message = error.to_string();
    assert!(
        message.contains(&path.display().to_string()),
        "error does not name {}: {message}",
        path.display()
    );
}

/// Page starts index their document's text at character boundaries.
fn check_case(case: &Case) {
    for doc in &case.documents {
        for &start in &doc.page_starts {
            assert!(
                doc.text.is_char_boundary(start),
                "{}: page start {start} is outside the text or inside a character",
                doc.id
            );
        }
    }
}

/// Fact spans lie in their document's text, on character boundaries, with
/// the words inside the sentence quoted around them.
fn check_facts(case: &Case, facts: &[Fact]) {
    for fact in facts {
        let Some(doc) = case.document(fact.doc) else {
            panic!("fact {} points at no document {}", fact.concept, fact.doc);
        };
        for span in [fact.span, fact.sentence] {
            assert!(
                valid_span(&doc.text, span),
                "fact {} has span {span:?} outside {} bytes or inside a character",
                fact.concept,
                doc.text.len()
            );
        }
    }
}

fn valid_span(text: &str, span: Span) -> bool {
    span.start <= span.end && text.is_char_boundary(span.start) && text.is_char_boundary(span.end)
}
