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
/// by `\x0c`. PDFs encrypted with an empty user password (common for
/// published letters) are read; a real password, a missing text layer or a
/// damaged file gives an error naming `path`.
pub fn pdf_text(bytes: &[u8], path: &Path) -> Result<String, ImportError> {
    let head = &bytes[..bytes.len().min(1024)];
    if !head.windows(5).any(|w| w == b"%PDF-") {
        return Err(ImportError::CorruptPdf {
            path: path.to_path_buf(),
            cause: "no %PDF header; the file is not a PDF".into(),
        });
    }
    let result = {
        // A poisoned lock only means another extraction panicked; the guard
        // protects no data, so carry on.
        let _guard = HOOK_LOCK.lock().unwrap_or_else(|p| p.into_inner());
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let r = catch_unwind(AssertUnwindSafe(|| {
            pdf_extract::extract_text_from_mem_by_pages(bytes)
        }));
        std::panic::set_hook(previous);
        r
    };
    let pages = match result {
        Err(panic) => {
            let cause = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "the PDF reader failed on this file".into());
            return Err(ImportError::CorruptPdf {
                path: path.to_path_buf(),
                cause,
            });
        }
        Ok(Err(e)) => return Err(map_error(e, path)),
        Ok(Ok(pages)) => pages,
    };
    if pages.iter().all(|p| p.trim().is_empty()) {
        return Err(ImportError::NoTextLayer {
            path: path.to_path_buf(),
        });
    }
    Ok(pages.join("\x0c"))
}

fn map_error(e: pdf_extract::OutputError, path: &Path) -> ImportError {
    use pdf_extract::{Error, OutputError};
    match e {
        OutputError::PdfError(Error::Decryption(_) | Error::InvalidPassword) => {
            ImportError::EncryptedPdf {
                path: path.to_path_buf(),
            }
        }
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
