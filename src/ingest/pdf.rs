//! The text layer of a PDF, through `pdf-extract`.
//!
//! Pages are joined with form feeds so the text has the same shape as
//! `pdftotext` output and the letter and records parsers need no PDF special
//! case. `pdf-extract` can panic on malformed files; a panic is caught and
//! reported as a corrupt PDF instead of taking the workstation down.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::Mutex;

use super::ImportError;

/// Serialises swaps of the process-wide panic hook.
static HOOK_LOCK: Mutex<()> = Mutex::new(());

/// Extracts the text of every page of a PDF held in memory, pages separated
/// by `\x0c`, with a warning for each page that could not be read.
///
/// PDFs encrypted with an empty user password (common for published letters)
/// are read; a real password, a missing text layer or a file whose pages all
/// fail gives an error naming `path`. Pages are read one by one (the same
/// per-page call `extract_text_from_mem_by_pages` makes) so that a damaged
/// page is reported instead of silently ending the text there.
pub fn pdf_text(bytes: &[u8], path: &Path) -> Result<(String, Vec<String>), ImportError> {
    let head = &bytes[..bytes.len().min(1024)];
    if !head.windows(5).any(|w| w == b"%PDF-") {
        return Err(ImportError::CorruptPdf {
            path: path.to_path_buf(),
            cause: "no %PDF header; the file is not a PDF".into(),
        });
    }
    // A poisoned lock only means another extraction panicked; the guard
    // protects no data, so carry on.
    let _guard = HOOK_LOCK.lock().unwrap_or_else(|p| p.into_inner());
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = extract_pages(bytes, path);
    std::panic::set_hook(previous);
    let (pages, warnings) = result?;
    if pages.iter().all(|p| p.trim().is_empty()) {
        return Err(ImportError::NoTextLayer {
            path: path.to_path_buf(),
        });
    }
    Ok((pages.join("\x0c"), warnings))
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "the PDF reader failed on this file".into())
}

/// Loads, decrypts and reads each page; runs with the quiet panic hook set.
fn extract_pages(bytes: &[u8], path: &Path) -> Result<(Vec<String>, Vec<String>), ImportError> {
    let corrupt = |cause: String| ImportError::CorruptPdf {
        path: path.to_path_buf(),
        cause,
    };
    let loaded = catch_unwind(AssertUnwindSafe(|| pdf_extract::Document::load_mem(bytes)))
        .map_err(|p| corrupt(panic_message(p.as_ref())))?;
    let mut doc = loaded.map_err(|e| map_error(e, path))?;
    if doc.is_encrypted() {
        let decrypted = catch_unwind(AssertUnwindSafe(|| doc.decrypt("")))
            .map_err(|p| corrupt(panic_message(p.as_ref())))?;
        decrypted.map_err(|e| map_error(e, path))?;
    }
    let numbers: Vec<u32> = doc.get_pages().keys().copied().collect();
    if numbers.is_empty() {
        return Err(corrupt("the document has no pages".into()));
    }
    let mut pages = Vec::with_capacity(numbers.len());
    let mut warnings = Vec::new();
    let mut failures = Vec::new();
    for &n in &numbers {
        let mut text = String::new();
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let mut out = pdf_extract::PlainTextOutput::new(&mut text);
            pdf_extract::output_doc_page(&doc, &mut out, n)
        }));
        let cause = match outcome {
            Ok(Ok(())) => None,
            Ok(Err(e)) => Some(e.to_string()),
            Err(p) => Some(panic_message(p.as_ref())),
        };
        match cause {
            None => pages.push(text),
            Some(cause) => {
                warnings.push(format!(
                    "{}: page {n} of {} could not be read ({cause}); its text is missing",
                    path.display(),
                    numbers.len()
                ));
                failures.push(cause);
                pages.push(String::new());
            }
        }
    }
    if failures.len() == numbers.len() {
        return Err(corrupt(failures.swap_remove(0)));
    }
    Ok((pages, warnings))
}

fn map_error(e: pdf_extract::Error, path: &Path) -> ImportError {
    use pdf_extract::Error;
    match e {
        Error::Decryption(_) | Error::InvalidPassword => ImportError::EncryptedPdf {
            path: path.to_path_buf(),
        },
        other => ImportError::CorruptPdf {
            path: path.to_path_buf(),
            cause: other.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_pdf_bytes_are_refused() {
        match pdf_text(b"hello world", Path::new("a.pdf")) {
            Err(ImportError::CorruptPdf { path, .. }) => assert_eq!(path, Path::new("a.pdf")),
            other => panic!("expected CorruptPdf, got {other:?}"),
        }
    }

    #[test]
    fn truncated_pdf_is_corrupt_not_a_panic() {
        let bytes =
            b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type";
        assert!(matches!(
            pdf_text(bytes, Path::new("t.pdf")),
            Err(ImportError::CorruptPdf { .. })
        ));
    }
}
