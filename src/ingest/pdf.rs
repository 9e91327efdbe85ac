//! The text layer of a PDF, through `pdf-extract`.
//!
//! Pages are joined with form feeds so the text has the same shape as
//! `pdftotext` output and the letter and records parsers need no PDF special
//! case. `pdf-extract` can panic on malformed files; a panic is caught and
//! reported as a corrupt PDF instead of taking the workstation down.

use std::collections::HashSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::Mutex;

use pdf_extract::content::Content;
use pdf_extract::{Dictionary, Document, Object, ObjectId, Stream};

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
    let numbers: Vec<(u32, ObjectId)> = doc.get_pages().into_iter().collect();
    if numbers.is_empty() {
        return Err(corrupt("the document has no pages".into()));
    }
    let mut pages = Vec::with_capacity(numbers.len());
    let mut warnings = Vec::new();
    let mut failures = Vec::new();
    for &(n, id) in &numbers {
        let mut text = String::new();
        let cause = match page_hazard(&doc, id) {
            Some(hazard) => Some(hazard.to_string()),
            None => {
                let outcome = catch_unwind(AssertUnwindSafe(|| {
                    let mut out = pdf_extract::PlainTextOutput::new(&mut text);
                    pdf_extract::output_doc_page(&doc, &mut out, n)
                }));
                match outcome {
                    Ok(Ok(())) => None,
                    Ok(Err(e)) => Some(e.to_string()),
                    Err(p) => Some(panic_message(p.as_ref())),
                }
            }
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

/// Most form drawings (`Do` operators, nested or not) one page may make, and
/// the deepest nesting of forms. pdf-extract draws a form by recursing into
/// it, so forms that draw themselves would overflow the stack, and forms that
/// each draw the next several times would run for hours; no real record
/// comes near either limit.
const MAX_FORM_DRAWS: usize = 1_000;
const MAX_FORM_DEPTH: usize = 24;

/// Why a page must not be handed to pdf-extract, which would loop forever
/// or exhaust the stack on it: its `/Parent` chain (followed for inherited
/// keys) loops, or its forms draw each other in a loop or without end.
fn page_hazard(doc: &Document, page: ObjectId) -> Option<&'static str> {
    let mut seen = HashSet::new();
    let mut node = page;
    let mut resources = None;
    loop {
        if !seen.insert(node) {
            return Some("the page tree loops back on itself");
        }
        let Ok(dict) = doc.get_dictionary(node) else {
            break;
        };
        if resources.is_none() {
            resources = dict_at(doc, dict, b"Resources");
        }
        match dict.get(b"Parent").and_then(Object::as_reference) {
            Ok(parent) => node = parent,
            Err(_) => break,
        }
    }
    let content = doc.get_page_content(page).ok()?;
    let empty = Dictionary::new();
    let mut budget = MAX_FORM_DRAWS;
    if draws_exceed(doc, &content, resources.unwrap_or(&empty), 0, &mut budget) {
        return Some("its drawings nest in a loop or too many times");
    }
    None
}

/// The dictionary under `key`, following a reference.
fn dict_at<'a>(doc: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Dictionary> {
    let object = dict.get(key).ok()?;
    doc.dereference(object).ok()?.1.as_dict().ok()
}

/// The stream under `key`, following a reference.
fn stream_at<'a>(doc: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Stream> {
    let object = dict.get(key).ok()?;
    doc.dereference(object).ok()?.1.as_stream().ok()
}

/// Walks the `Do` operators of `content` as pdf-extract will (each drawn
/// stream with its own resources, else the caller's), spending `budget`;
/// true once the budget runs out or forms nest deeper than
/// [`MAX_FORM_DEPTH`]. A stream pdf-extract cannot parse is not followed: it
/// reports those itself.
fn draws_exceed(
    doc: &Document,
    content: &[u8],
    resources: &Dictionary,
    depth: usize,
    budget: &mut usize,
) -> bool {
    let Ok(content) = Content::decode(content) else {
        return false;
    };
    let xobjects = dict_at(doc, resources, b"XObject");
    for op in content.operations.iter().filter(|op| op.operator == "Do") {
        let Some(name) = op.operands.first().and_then(|o| o.as_name().ok()) else {
            continue;
        };
        let Some(form) = xobjects.and_then(|x| stream_at(doc, x, name)) else {
            continue;
        };
        if *budget == 0 || depth >= MAX_FORM_DEPTH {
            return true;
        }
        *budget -= 1;
        let inner = dict_at(doc, &form.dict, b"Resources").unwrap_or(resources);
        let bytes = form
            .decompressed_content()
            .unwrap_or_else(|_| form.content.clone());
        if draws_exceed(doc, &bytes, inner, depth + 1, budget) {
            return true;
        }
    }
    false
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

    /// A PDF of `objects` (numbered from 1, the first the catalog) with a
    /// correct cross-reference table.
    fn pdf_of(objects: &[String]) -> Vec<u8> {
        let mut out = b"%PDF-1.4\n".to_vec();
        let mut offsets = Vec::new();
        for (i, body) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend(format!("{} 0 obj\n{body}\nendobj\n", i + 1).bytes());
        }
        let xref = out.len();
        out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).bytes());
        for o in offsets {
            out.extend(format!("{o:010} 00000 n \n").bytes());
        }
        out.extend(
            format!(
                "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
                objects.len() + 1
            )
            .bytes(),
        );
        out
    }

    fn stream(dict: &str, data: &str) -> String {
        format!(
            "<< {dict} /Length {} >>\nstream\n{data}\nendstream",
            data.len()
        )
    }

    const TEXT: &str = "BT /F1 12 Tf 72 700 Td (Invented page text) Tj ET";

    /// Catalog, a page tree of `pages`, then the font as object 3.
    fn document(pages: &[&str], rest: &[String]) -> Vec<u8> {
        let kids: Vec<String> = (0..pages.len()).map(|i| format!("{} 0 R", 4 + i)).collect();
        let mut objects = vec![
            "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
            format!(
                "<< /Type /Pages /Kids [{}] /Count {} >>",
                kids.join(" "),
                pages.len()
            ),
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
        ];
        objects.extend(pages.iter().map(|p| p.to_string()));
        objects.extend(rest.iter().cloned());
        pdf_of(&objects)
    }

    #[test]
    fn a_readable_page_keeps_its_text() {
        let page = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R >>";
        let bytes = document(&[page], &[stream("", TEXT)]);
        let (text, warnings) = pdf_text(&bytes, Path::new("ok.pdf")).expect("readable");
        assert!(text.contains("Invented page text"), "{text:?}");
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn a_page_whose_parent_chain_loops_is_reported_not_followed() {
        // No MediaBox anywhere, and the page is its own parent: pdf-extract
        // would look for an inherited MediaBox forever.
        let looping = "<< /Type /Page /Parent 4 0 R /Resources << /Font << /F1 3 0 R >> >> /Contents 6 0 R >>";
        let good = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents 6 0 R >>";
        let bytes = document(&[looping, good], &[stream("", TEXT)]);
        let (text, warnings) = pdf_text(&bytes, Path::new("loop.pdf")).expect("page 2 reads");
        assert!(text.contains("Invented page text"));
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("loop.pdf") && warnings[0].contains("page 1 of 2"));
        assert!(warnings[0].contains("loops back"), "{}", warnings[0]);
    }

    #[test]
    fn forms_that_draw_themselves_or_fan_out_are_refused() {
        let page = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> /XObject << /X 6 0 R >> >> /Contents 5 0 R >>";
        let contents = stream("", &format!("{TEXT}\n/X Do"));
        // A form that draws itself: pdf-extract would overflow the stack.
        let itself = stream("/Type /XObject /Subtype /Form /BBox [0 0 9 9]", "/X Do");
        // Twenty forms each drawing the next three times: 3^20 drawings.
        let mut fan = Vec::new();
        for i in 0..20 {
            fan.push(stream(
                &format!(
                    "/Type /XObject /Subtype /Form /BBox [0 0 9 9] /Resources << /XObject << /Y {} 0 R >> >>",
                    7 + i
                ),
                "/Y Do /Y Do /Y Do",
            ));
        }
        fan.push(stream(
            "/Type /XObject /Subtype /Form /BBox [0 0 9 9]",
            "0 0 m",
        ));
        for rest in [
            vec![contents.clone(), itself],
            [vec![contents.clone()], fan].concat(),
        ] {
            match pdf_text(&document(&[page], &rest), Path::new("forms.pdf")) {
                Err(ImportError::CorruptPdf { path, cause }) => {
                    assert_eq!(path, Path::new("forms.pdf"));
                    assert!(cause.contains("drawings nest"), "{cause}");
                }
                other => panic!("expected CorruptPdf, got {other:?}"),
            }
        }
    }

    #[test]
    fn a_form_drawn_a_few_times_is_read() {
        let page = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> /XObject << /X 6 0 R >> >> /Contents 5 0 R >>";
        let contents = stream("", "/X Do /X Do");
        let form = stream(
            "/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >>",
            TEXT,
        );
        let bytes = document(&[page], &[contents, form]);
        let (text, warnings) = pdf_text(&bytes, Path::new("form.pdf")).expect("readable");
        assert!(text.contains("Invented page text"), "{text:?}");
        assert!(warnings.is_empty(), "{warnings:?}");
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
