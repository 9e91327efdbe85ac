//! Scanned case files: invented records are typeset, rendered, turned,
//! speckled or reduced to 1-bit fax, wrapped as image-only PDFs and
//! imported; the result must match the text version of the same records.
//! Needs `tesseract` and `pdftoppm` (scripts/setup.sh installs them).

mod ocr_gen;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use imrdesk::case::{Case, DocumentKind};
use imrdesk::ingest::{self, ImportError, ocr};
use ocr_gen::{RECORDS, Scan};

/// A cache folder for this test binary only, so runs never read the user's
/// cache and every test sees the same folder.
fn setup() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("imrdesk-ocr-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("cache dir");
        // SAFETY: set once, before any OCR runs, to the same value for
        // every test of this binary.
        unsafe { std::env::set_var("IMRDESK_CACHE_DIR", &dir) };
        dir
    })
}

fn texts_folder(dir: &Path) -> PathBuf {
    let folder = dir.join("text");
    std::fs::create_dir_all(&folder).expect("folder");
    for (name, text) in RECORDS {
        std::fs::write(folder.join(name), text).expect("record written");
    }
    folder
}

fn scanned_folder(dir: &Path, scan: Scan) -> PathBuf {
    let folder = dir.join("scanned");
    std::fs::create_dir_all(&folder).expect("folder");
    for (name, text) in RECORDS {
        let pdf = ocr_gen::scanned_pdf(&[text], scan, dir);
        std::fs::write(folder.join(name.replace(".txt", ".pdf")), pdf).expect("scan written");
    }
    folder
}

fn items(case: &Case) -> Vec<String> {
    case.items
        .iter()
        .map(|i| i.disputed_text().to_lowercase())
        .collect()
}

/// (kind, concept, date) of every fact the extractor finds.
fn facts(case: &Case) -> Vec<String> {
    imrdesk::extract::extract_case(case)
        .iter()
        .map(|f| format!("{:?}|{}|{:?}", f.kind, f.concept, f.date))
        .collect()
}

fn assert_same_case(text: &Case, scanned: &Case, variant: &str) {
    let ur = scanned
        .documents
        .iter()
        .find(|d| d.kind == DocumentKind::UtilizationReview)
        .map_or("no UR document", |d| d.text.as_str());
    assert_eq!(
        items(text),
        items(scanned),
        "{variant}: disputed items; UR read as:\n{ur}"
    );
    let text_dates: HashSet<_> = text.documents.iter().filter_map(|d| d.date).collect();
    let scan_dates: HashSet<_> = scanned.documents.iter().filter_map(|d| d.date).collect();
    assert_eq!(text_dates.len(), RECORDS.len(), "{variant}: text dates");
    assert_eq!(text_dates, scan_dates, "{variant}: document dates");
    let want = facts(text);
    let mut got = facts(scanned);
    let found = want
        .iter()
        .filter(|f| match got.iter().position(|g| g == *f) {
            Some(i) => {
                got.swap_remove(i);
                true
            }
            None => false,
        })
        .count();
    assert!(
        want.len() >= 10,
        "the text version has {} facts",
        want.len()
    );
    let recall = found as f64 / want.len() as f64;
    eprintln!(
        "{variant}: {found} of {} facts found ({:.0}%)",
        want.len(),
        recall * 100.0
    );
    assert!(
        recall >= 0.9,
        "{variant}: fact recall {recall:.2} under 0.90"
    );
}

#[test]
fn scanned_records_give_the_same_items_dates_and_facts() {
    setup();
    let tmp = tempfile::tempdir().expect("tempdir");
    let text = ingest::load(&texts_folder(tmp.path())).expect("text records");
    for (variant, scan) in [
        (
            "turned 2 degrees, speckled",
            Scan {
                degrees: 2.0,
                noise: 0.001,
                ..Scan::CLEAN
            },
        ),
        (
            "1-bit fax, turned 1 degree",
            Scan {
                degrees: 1.0,
                noise: 0.001,
                fax: true,
                ..Scan::CLEAN
            },
        ),
    ] {
        let dir = tempfile::tempdir().expect("tempdir");
        let started = Instant::now();
        let scanned = ingest::load(&scanned_folder(dir.path(), scan)).expect("scanned records");
        eprintln!("{variant}: imported in {:.1?}", started.elapsed());
        assert_same_case(&text.case, &scanned.case, variant);
        for doc in &scanned.case.documents {
            let layout = scanned
                .case
                .layout(doc.id)
                .expect("scanned pages keep a layout");
            let page = layout.scanned.first().expect("one scanned page");
            assert_eq!(page.page, 1);
            assert!(page.confidence > 50.0, "{variant}: {}", page.confidence);
            // Every word box points at its own word in the text.
            for w in &page.words {
                let word = &doc.text[w.start..w.end];
                assert!(!word.trim().is_empty() && !word.contains('\n'), "{word:?}");
                assert!(w.left + w.width <= page.width && w.top + w.height <= page.height);
            }
        }
    }
}

#[test]
fn a_case_file_pdf_splits_into_one_document_per_record() {
    setup();
    let dir = tempfile::tempdir().expect("tempdir");
    let pages: Vec<&str> = RECORDS.iter().map(|(_, t)| *t).collect();
    let pdf = ocr_gen::scanned_pdf(
        &pages,
        Scan {
            degrees: 1.5,
            noise: 0.005,
            ..Scan::CLEAN
        },
        dir.path(),
    );
    let path = dir.path().join("case_file.pdf");
    std::fs::write(&path, &pdf).expect("written");
    let imported = ingest::load(&path).expect("case file imports");
    let case = &imported.case;
    let got: Vec<(DocumentKind, String, u32)> = case
        .documents
        .iter()
        .map(|d| {
            let l = case.layout(d.id).expect("split documents keep a layout");
            assert_eq!(l.first_page, l.last_page, "one page per record");
            (
                d.kind,
                d.date.map(|d| d.to_string()).unwrap_or_default(),
                l.first_page,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (DocumentKind::ProgressReport, "2021-04-12".into(), 1),
            (DocumentKind::ImagingReport, "2021-05-03".into(), 2),
            (
                DocumentKind::RequestForAuthorization,
                "2021-05-20".into(),
                3
            ),
            (DocumentKind::UtilizationReview, "2021-05-28".into(), 4),
        ],
        "{:?}",
        imported.warnings
    );
    assert_eq!(case.items.len(), 4, "{:?}", case.items);
    for l in &case.layouts[1..] {
        assert!(
            l.boundary
                .as_deref()
                .is_some_and(|r| r.contains("new report heading")),
            "{:?}",
            l.boundary
        );
    }
    // A fact's words can be boxed on the page it came from.
    let facts = imrdesk::extract::extract_case(case);
    let fact = facts
        .iter()
        .find(|f| f.concept.contains("straight_leg"))
        .expect("the straight leg raise is found in the scan");
    let page = case
        .layout(fact.doc)
        .and_then(|l| l.scanned_at(fact.span.start))
        .expect("the fact lies on a scanned page");
    assert!(
        page.boxes_in(fact.span.start, fact.span.end).count() >= 1,
        "no word box under the fact"
    );
}

#[test]
fn mixed_blank_and_damaged_pages_are_reported_by_number() {
    setup();
    let dir = tempfile::tempdir().expect("tempdir");
    let typeset = ocr_gen::text_pdf(&[RECORDS[0].1, RECORDS[1].1]);
    let images = ocr_gen::render(&typeset, 2, 150, dir.path());
    let blank = ocr_gen::Image {
        width: 300,
        height: 400,
        pixels: vec![255; 300 * 400],
    };
    let speck = ocr_gen::Image {
        width: 1,
        height: 1,
        pixels: vec![0],
    };
    let [first, second]: [ocr_gen::Image; 2] = images.try_into().ok().expect("two pages");
    let mut pdf = ocr_gen::image_pdf(&[first, blank, speck, second], false);
    // Spoil the third page's image data so it cannot be decoded.
    let marker = ocr_gen::deflate(&[0]);
    if let Some(at) = pdf
        .windows(marker.len())
        .position(|w| w == marker.as_slice())
    {
        pdf[at] = b'X';
        pdf[at + 1] = b'X';
    }
    let path = dir.path().join("mixed.pdf");
    std::fs::write(&path, &pdf).expect("written");
    let started = Instant::now();
    let imported = ingest::load(&path).expect("the readable pages import");
    assert!(started.elapsed() < Duration::from_secs(120));
    let w = imported.warnings.join("\n");
    assert!(
        w.contains("mixed.pdf: page 2 is an image in which OCR found no text"),
        "{w}"
    );
    assert!(w.contains("mixed.pdf: page 3"), "{w}");
    let text: String = imported
        .case
        .documents
        .iter()
        .map(|d| d.text.as_str())
        .collect();
    assert!(text.contains("Straight leg raise"), "{text}");
    assert!(text.contains("paracentral"), "{text}");
}

#[test]
fn an_encrypted_pdf_stays_an_error() {
    setup();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ingest/encrypted.pdf");
    match ingest::load(&path) {
        Err(ImportError::EncryptedPdf { path: p }) => assert_eq!(p, path),
        other => panic!("expected EncryptedPdf, got {other:?}"),
    }
}

#[test]
fn ocr_results_are_cached_by_content_and_can_be_cleared() {
    let cache = setup().join("ocr");
    let dir = tempfile::tempdir().expect("tempdir");
    let pdf = ocr_gen::scanned_pdf(&[RECORDS[1].1], Scan::CLEAN, dir.path());
    let path = dir.path().join("mri.pdf");
    std::fs::write(&path, &pdf).expect("written");
    let first = ingest::load(&path).expect("imports");
    let file = cache.join(format!("{}.json", ocr::cache_key(&pdf)));
    assert!(file.is_file(), "no cache file {}", file.display());
    // A cached page is not OCR'd again: the cached text is what is read,
    // so changing the cache changes the import.
    let cached = std::fs::read_to_string(&file).expect("cache");
    std::fs::write(&file, cached.replace("paracentral", "PARACACHED")).expect("edit");
    let second = ingest::load(&path).expect("imports from the cache");
    assert!(second.case.documents[0].text.contains("PARACACHED"));
    assert_ne!(first.case.documents[0].text, second.case.documents[0].text);
    assert!(ocr::clear_cache().expect("cleared") >= 1);
    assert!(!file.exists());
}
