//! OCR throughput and memory: pages per second on one worker and on two
//! for a scanned case file of invented records, and the peak memory of
//! importing a 300-page scan. A bench binary, not criterion: each run OCRs
//! tens of pages, so one timed run per setting is the measurement.
//!
//! `cargo bench --bench ocr` (or `cargo test --bench ocr` for a debug build:
//! the time is Tesseract's, which is optimised either way).
//! `OCR_BENCH_PAGES` sets the pages of the throughput runs (default 12);
//! `OCR_BENCH_LARGE=300` adds the large-file run.

#[path = "../tests/ocr_gen/mod.rs"]
mod ocr_gen;

use std::path::Path;
use std::time::Instant;

use imrdesk::ingest;
use ocr_gen::{Image, RECORDS, Scan};

/// Peak resident memory of this process (VmHWM), in MiB.
fn peak_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// The four invented records faxed once (1-bit, turned 1 degree, specks),
/// repeated to `pages` pages of one image-only PDF.
fn case_file(pages: usize, dir: &Path) -> Vec<u8> {
    let texts: Vec<&str> = RECORDS.iter().map(|(_, t)| *t).collect();
    let scan = Scan {
        degrees: 1.0,
        noise: 0.001,
        fax: true,
        ..Scan::CLEAN
    };
    let rendered = ocr_gen::render(&ocr_gen::text_pdf(&texts), texts.len(), scan.dpi, dir);
    let spoilt: Vec<Image> = rendered
        .iter()
        .enumerate()
        .map(|(i, img)| ocr_gen::spoil(img, scan, i as u64 + 1))
        .collect();
    let images: Vec<Image> = (0..pages)
        .map(|i| {
            let src = &spoilt[i % spoilt.len()];
            Image {
                width: src.width,
                height: src.height,
                pixels: src.pixels.clone(),
            }
        })
        .collect();
    ocr_gen::image_pdf(&images, true)
}

/// OCRs `bytes` with `threads` workers and an empty cache; pages per second.
fn run(bytes: &[u8], pages: usize, threads: usize, cache: &Path) -> f64 {
    let fresh = cache.join(format!("t{threads}-{pages}"));
    // SAFETY: this binary is single-threaded outside the OCR call.
    unsafe {
        std::env::set_var("IMRDESK_OCR_THREADS", threads.to_string());
        std::env::set_var("IMRDESK_CACHE_DIR", &fresh);
    }
    let started = Instant::now();
    let doc = ingest::pdf_document(bytes, Path::new("bench.pdf")).expect("the scan imports");
    let secs = started.elapsed().as_secs_f64();
    assert_eq!(doc.scanned.len(), pages, "{:?}", doc.warnings);
    pages as f64 / secs
}

fn main() {
    if ingest::ocr::available().is_err() {
        eprintln!("ocr bench skipped: tesseract or pdftoppm missing (scripts/setup.sh)");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let pages: usize = std::env::var("OCR_BENCH_PAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(12);
    let bytes = case_file(pages, dir.path());
    println!(
        "scanned case file: {pages} pages, {:.1} MB, faxed at 150 dpi (1-bit), OCR'd at {} dpi",
        bytes.len() as f64 / 1e6,
        ingest::ocr::MIN_DPI
    );
    for threads in [1, 2] {
        let rate = run(&bytes, pages, threads, dir.path());
        println!("ocr {threads} worker(s): {rate:.2} pages/s");
    }
    if let Some(large) = std::env::var("OCR_BENCH_LARGE")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
    {
        let bytes = case_file(large, dir.path());
        let before = peak_mib();
        let rate = run(&bytes, large, 2, dir.path());
        println!(
            "ocr {large} pages ({:.1} MB file), 2 workers: {rate:.2} pages/s; peak memory of imrdesk {:.0} MiB (was {before:.0} MiB before the import; each Tesseract worker is a separate process)",
            bytes.len() as f64 / 1e6,
            peak_mib()
        );
    }
}
