//! The text of a PDF: its text layer through `pdf-extract`, and OCR
//! ([`super::ocr`]) for scanned pages that have none.
//!
//! Pages are joined with form feeds so the text has the same shape as
//! `pdftotext` output and the letter and records parsers need no PDF special
//! case. `pdf-extract` can panic on malformed files; a panic is caught and
//! reported as a corrupt PDF instead of taking the workstation down.
//!
//! Hostile files are defused before pdf-extract sees them: a content stream
//! that inflates past [`MAX_INFLATED_STREAM`] is not inflated (its page is
//! reported), a damaged stream keeps the text before the damage, and all
//! pages are read in one pass so the time is linear in the page count.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use pdf_extract::content::Content;
use pdf_extract::{Dictionary, Document, Object, ObjectId, Stream};

use super::ImportError;
use super::ocr::{self, OcrPage};

/// Serialises swaps of the process-wide panic hook.
static HOOK_LOCK: Mutex<()> = Mutex::new(());

/// Largest size one content or form stream may inflate to (32 MiB). A real
/// page's drawing is kilobytes; a stream past this is a decompression bomb
/// and its page is skipped with a warning instead of filling the memory.
pub const MAX_INFLATED_STREAM: usize = 32 * 1024 * 1024;

/// A page with fewer printable characters than this in its text layer, and
/// an image on it, is treated as scanned and read by OCR: a scan often
/// carries a stray stamp or a fax header line as text.
pub const MIN_TEXT_CHARS: usize = 40;

/// Most pages one failure may cost: after a page makes pdf-extract fail,
/// it is blanked and the file read again, at most this many times.
const MAX_RETRIES: usize = 16;

/// A PDF's text with what was learnt on the way.
#[derive(Debug, Clone, Default)]
pub struct PdfText {
    /// Every page's text, pages separated by `\x0c`.
    pub text: String,
    /// Problems met, each naming the file and the page.
    pub warnings: Vec<String>,
    /// The pages read by OCR (page index from 0 → what OCR saw), with word
    /// boxes relative to the page's own text.
    pub scanned: Vec<(usize, OcrPage)>,
}

thread_local! {
    /// The OCR layouts of the PDFs this thread read last, by path, until the
    /// records importer takes them: the text goes through importers that only
    /// carry strings, the layouts ride beside it.
    static LAYOUTS: RefCell<HashMap<PathBuf, Vec<(usize, OcrPage)>>> = RefCell::new(HashMap::new());
}

/// The OCR'd pages of the PDF at `path` read last on this thread (empty when
/// it had none); taking them clears them.
pub(crate) fn take_layout(path: &Path) -> Vec<(usize, OcrPage)> {
    LAYOUTS.with(|l| l.borrow_mut().remove(path).unwrap_or_default())
}

/// Extracts the text of every page of a PDF held in memory, pages separated
/// by `\x0c`, with a warning for each page that could not be read. Scanned
/// pages are OCR'd (see [`pdf_document`]); their word boxes are kept for the
/// records importer of this thread.
pub fn pdf_text(bytes: &[u8], path: &Path) -> Result<(String, Vec<String>), ImportError> {
    let doc = pdf_document(bytes, path)?;
    if !doc.scanned.is_empty() {
        LAYOUTS.with(|l| {
            l.borrow_mut()
                .insert(path.to_path_buf(), doc.scanned.clone())
        });
    }
    Ok((doc.text, doc.warnings))
}

/// Reads a PDF: the text layer of each page, and OCR for the pages that have
/// none (or only a few characters over an image).
///
/// PDFs encrypted with an empty user password (common for published letters)
/// are read; a real password, a file with no text even after OCR, or a file
/// whose pages all fail gives an error naming `path`.
pub fn pdf_document(bytes: &[u8], path: &Path) -> Result<PdfText, ImportError> {
    let head = &bytes[..bytes.len().min(1024)];
    if !head.windows(5).any(|w| w == b"%PDF-") {
        return Err(ImportError::CorruptPdf {
            path: path.to_path_buf(),
            cause: "no %PDF header; the file is not a PDF".into(),
        });
    }
    let (mut pages, mut warnings, to_ocr) = {
        // A poisoned lock only means another extraction panicked; the guard
        // protects no data, so carry on.
        let _guard = HOOK_LOCK.lock().unwrap_or_else(|p| p.into_inner());
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let result = extract_pages(bytes, path);
        std::panic::set_hook(previous);
        result?
    };
    let mut scanned = Vec::new();
    if !to_ocr.is_empty() {
        let numbers: Vec<(u32, u32)> = to_ocr.iter().map(|&(i, dpi)| (i as u32 + 1, dpi)).collect();
        let (read, mut w) = ocr::ocr_pdf_pages(bytes, path, &numbers);
        warnings.append(&mut w);
        for ((index, _), page) in to_ocr.into_iter().zip(read) {
            if let Some(page) = page
                && page.text.trim().len() > pages[index].trim().len()
            {
                pages[index] = page.text.clone();
                scanned.push((index, page));
            }
        }
    }
    if pages.iter().all(|p| p.trim().is_empty()) {
        return Err(ImportError::NoTextLayer {
            path: path.to_path_buf(),
        });
    }
    Ok(PdfText {
        text: pages.join("\x0c"),
        warnings,
        scanned,
    })
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "the PDF reader failed on this file".into())
}

/// Pages' texts, warnings, and the pages to OCR (index from 0, resolution).
type Extracted = (Vec<String>, Vec<String>, Vec<(usize, u32)>);

/// Loads, decrypts, defuses and reads every page; runs with the quiet panic
/// hook set.
fn extract_pages(bytes: &[u8], path: &Path) -> Result<Extracted, ImportError> {
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
    let total = numbers.len();
    let mut warnings = Vec::new();
    let mut failures: HashMap<u32, String> = HashMap::new();
    let mut verdicts = HashMap::new();
    for &(n, id) in &numbers {
        let defused = defuse_streams(&mut doc, id, &mut verdicts);
        if let Some(note) = defused.damaged {
            warnings.push(format!(
                "{}: page {n} of {total}: {note}; the text before the damage is kept",
                path.display()
            ));
        }
        let hazard = defused
            .refused
            .or_else(|| page_hazard(&doc, id).map(str::to_string));
        if let Some(cause) = hazard {
            failures.insert(n, cause);
        }
    }
    for (&n, _) in failures.iter() {
        if let Some(&(_, id)) = numbers.iter().find(|(m, _)| *m == n) {
            blank_page(&mut doc, id);
        }
    }
    let mut texts = read_all_pages(&mut doc, &numbers, &mut failures);
    let mut failed: Vec<(&u32, &String)> = failures.iter().collect();
    failed.sort();
    for (n, cause) in &failed {
        warnings.push(format!(
            "{}: page {n} of {total} could not be read ({cause}); its text is missing",
            path.display()
        ));
        if let Some(t) = texts.get_mut(**n as usize - 1) {
            t.clear();
        }
    }
    if failed.len() == total {
        return Err(corrupt(failed[0].1.clone()));
    }
    let to_ocr = numbers
        .iter()
        .enumerate()
        .filter(|(i, (n, _))| !failures.contains_key(n) && printable(&texts[*i]) < MIN_TEXT_CHARS)
        .filter_map(|(i, (_, id))| Some((i, image_dpi(&doc, *id)?)))
        .collect();
    texts.truncate(total);
    Ok((texts, warnings, to_ocr))
}

fn printable(text: &str) -> usize {
    text.chars().filter(|c| !c.is_whitespace()).count()
}

/// The resolution of the page's widest image XObject (pixels across per
/// inch of page), when the page draws one: a scan is one image per page,
/// and OCR reads it best at its own resolution.
fn image_dpi(doc: &Document, page: ObjectId) -> Option<u32> {
    let resources = page_resources(doc, page)?;
    let xobjects = dict_at(doc, resources, b"XObject")?;
    let widest = xobjects
        .iter()
        .filter_map(|(_, o)| doc.dereference(o).ok()?.1.as_stream().ok())
        .filter(|s| {
            s.dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Image".as_slice())
        })
        .filter_map(|s| s.dict.get(b"Width").ok()?.as_i64().ok())
        .max()?;
    let points = page_width_points(doc, page).unwrap_or(612.0);
    let dpi = (widest as f64 * 72.0 / points.max(1.0)).round();
    Some(dpi.clamp(ocr::MIN_DPI as f64, ocr::MAX_DPI as f64) as u32)
}

/// The page's width in points from its (possibly inherited) media box.
fn page_width_points(doc: &Document, page: ObjectId) -> Option<f64> {
    let mut seen = HashSet::new();
    let mut node = page;
    while seen.insert(node) {
        let dict = doc.get_dictionary(node).ok()?;
        if let Ok(b) = dict.get(b"MediaBox").and_then(Object::as_array) {
            let n: Vec<f64> = b
                .iter()
                .filter_map(|o| o.as_float().ok().map(f64::from))
                .collect();
            return (n.len() == 4).then(|| (n[2] - n[0]).abs());
        }
        node = dict.get(b"Parent").and_then(Object::as_reference).ok()?;
    }
    None
}

/// The page's own or inherited resources, not following a looping chain.
fn page_resources(doc: &Document, page: ObjectId) -> Option<&Dictionary> {
    let mut seen = HashSet::new();
    let mut node = page;
    while seen.insert(node) {
        let dict = doc.get_dictionary(node).ok()?;
        if let Some(r) = dict_at(doc, dict, b"Resources") {
            return Some(r);
        }
        node = dict.get(b"Parent").and_then(Object::as_reference).ok()?;
    }
    None
}

/// Reads every page in one pass of pdf-extract (its per-page call walks the
/// whole page tree each time: quadratic in the page count). A page that
/// makes it fail is recorded in `failures`, blanked, and the pass repeated.
fn read_all_pages(
    doc: &mut Document,
    numbers: &[(u32, ObjectId)],
    failures: &mut HashMap<u32, String>,
) -> Vec<String> {
    for _ in 0..=MAX_RETRIES {
        let mut collector = PageCollector::new();
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            pdf_extract::output_doc(doc, &mut collector)
        }));
        let cause = match outcome {
            Ok(Ok(())) => return collector.finish(numbers.len()),
            Ok(Err(e)) => e.to_string(),
            Err(p) => panic_message(p.as_ref()),
        };
        // The page begun and not ended is the one that failed; failing
        // before any page began means the file itself cannot be read.
        let page = collector.open_page().unwrap_or(1);
        failures.insert(page, cause);
        if let Some(&(_, id)) = numbers.iter().find(|(n, _)| *n == page) {
            blank_page(doc, id);
        }
    }
    for &(n, _) in numbers {
        failures
            .entry(n)
            .or_insert_with(|| "too many damaged pages before it".into());
    }
    vec![String::new(); numbers.len()]
}

/// Gathers pdf-extract's output as plain text, page by page, with the
/// same spacing rules as its `PlainTextOutput` (a space for a gap wider
/// than a tenth of the font size, a line break for a move down).
#[derive(Default)]
struct PageCollector {
    /// The page begun and not yet ended.
    open: Option<u32>,
    /// Finished pages by number.
    pages: HashMap<u32, String>,
    current: String,
    page_height: f64,
    last_end: f64,
    last_y: f64,
    first_char: bool,
}

impl PageCollector {
    fn new() -> PageCollector {
        PageCollector::default()
    }

    /// The page being read when the pass stopped.
    fn open_page(&self) -> Option<u32> {
        self.open
    }

    /// Each page's text, in page order (missing pages empty).
    fn finish(mut self, count: usize) -> Vec<String> {
        (1..=count as u32)
            .map(|n| self.pages.remove(&n).unwrap_or_default())
            .collect()
    }
}

impl pdf_extract::OutputDev for PageCollector {
    fn begin_page(
        &mut self,
        page_num: u32,
        media_box: &pdf_extract::MediaBox,
        _: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), pdf_extract::OutputError> {
        self.open = Some(page_num);
        self.current.clear();
        self.page_height = media_box.ury - media_box.lly;
        self.last_end = 100_000.0;
        self.last_y = 0.0;
        self.first_char = false;
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), pdf_extract::OutputError> {
        if let Some(n) = self.open.take() {
            self.pages.insert(n, std::mem::take(&mut self.current));
        }
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &pdf_extract::Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        char: &str,
    ) -> Result<(), pdf_extract::OutputError> {
        // The page flipped so y grows downwards, as PlainTextOutput does.
        let (x, y) = (trm.m31, self.page_height - trm.m32);
        let sx = font_size * trm.m11 + font_size * trm.m21;
        let sy = font_size * trm.m12 + font_size * trm.m22;
        let size = (sx * sy).abs().sqrt();
        if self.first_char {
            if (y - self.last_y).abs() > size * 1.5 {
                self.current.push('\n');
            }
            if x < self.last_end && (y - self.last_y).abs() > size * 0.5 {
                self.current.push('\n');
            }
            if x > self.last_end + size * 0.1 {
                self.current.push(' ');
            }
        }
        self.current.push_str(char);
        self.first_char = false;
        self.last_y = y;
        self.last_end = x + width * size;
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), pdf_extract::OutputError> {
        self.first_char = true;
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), pdf_extract::OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), pdf_extract::OutputError> {
        Ok(())
    }
}

/// What defusing a page's streams found.
#[derive(Default)]
struct Defused {
    /// Why the page must be skipped (a stream past the inflation limit).
    refused: Option<String>,
    /// A stream that was damaged part-way (its readable start is kept).
    damaged: Option<String>,
}

/// The verdict on one stream, kept so a stream shared by many pages is
/// inflated once.
#[derive(Clone)]
enum Verdict {
    Fine,
    Damaged(String),
    TooLarge,
}

/// Inflates each Flate content stream of `page` within
/// [`MAX_INFLATED_STREAM`] and stores it uncompressed, so pdf-extract never
/// inflates without a bound: a stream past the limit refuses the page, a
/// stream damaged part-way keeps what inflated before the damage.
fn defuse_streams(
    doc: &mut Document,
    page: ObjectId,
    verdicts: &mut HashMap<ObjectId, Verdict>,
) -> Defused {
    let mut out = Defused::default();
    let mut ids = doc.get_page_contents(page);
    ids.extend(form_ids(doc, page));
    for id in ids {
        let verdict = match verdicts.get(&id) {
            Some(v) => v.clone(),
            None => {
                let v = defuse_stream(doc, id);
                verdicts.insert(id, v.clone());
                v
            }
        };
        match verdict {
            Verdict::Fine => {}
            Verdict::Damaged(cause) => out.damaged = Some(cause),
            Verdict::TooLarge => {
                out.refused = Some(format!(
                    "a stream inflates past the limit of {} MiB",
                    MAX_INFLATED_STREAM / (1024 * 1024)
                ))
            }
        }
    }
    out
}

/// The form XObjects named in the page's resources (one level: nested
/// forms are bounded by [`draws_exceed`]'s bounded reads).
fn form_ids(doc: &Document, page: ObjectId) -> Vec<ObjectId> {
    let Some(xobjects) = page_resources(doc, page).and_then(|r| dict_at(doc, r, b"XObject")) else {
        return Vec::new();
    };
    xobjects
        .iter()
        .filter_map(|(_, o)| o.as_reference().ok())
        .filter(|id| {
            doc.get_object(*id)
                .ok()
                .and_then(|o| o.as_stream().ok())
                .and_then(|s| s.dict.get(b"Subtype").ok()?.as_name().ok())
                == Some(b"Form".as_slice())
        })
        .collect()
}

fn defuse_stream(doc: &mut Document, id: ObjectId) -> Verdict {
    let Ok(Object::Stream(stream)) = doc.get_object_mut(id) else {
        return Verdict::Fine;
    };
    let only_flate = matches!(stream.filters().as_deref(), Ok([b"FlateDecode"]));
    if !only_flate {
        return Verdict::Fine;
    }
    let has_params = stream.dict.get(b"DecodeParms").is_ok();
    match bounded_inflate(&stream.content, MAX_INFLATED_STREAM) {
        Inflated::Whole(bytes) => {
            if !has_params {
                stream.set_plain_content(bytes);
            }
            Verdict::Fine
        }
        Inflated::TooLarge => {
            stream.set_plain_content(Vec::new());
            Verdict::TooLarge
        }
        Inflated::Damaged(bytes, cause) if !bytes.is_empty() && !has_params => {
            stream.set_plain_content(bytes);
            Verdict::Damaged(format!("a content stream is damaged ({cause})"))
        }
        Inflated::Damaged(..) => Verdict::Fine,
    }
}

/// The result of inflating within a limit.
enum Inflated {
    Whole(Vec<u8>),
    TooLarge,
    /// What inflated before the data went wrong, and why.
    Damaged(Vec<u8>, String),
}

/// Inflates zlib data, stopping past `limit` bytes of output.
fn bounded_inflate(data: &[u8], limit: usize) -> Inflated {
    let mut decoder = flate2::read::ZlibDecoder::new(data).take(limit as u64 + 1);
    let mut out = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        match decoder.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => out.extend_from_slice(&chunk[..n]),
            Err(e) => return Inflated::Damaged(out, e.to_string()),
        }
        if out.len() > limit {
            return Inflated::TooLarge;
        }
    }
    Inflated::Whole(out)
}

/// Makes a page that must not be read harmless to pdf-extract's one pass:
/// no content, no resources, its own media box (no parent walk).
fn blank_page(doc: &mut Document, page: ObjectId) {
    let empty = doc.add_object(Stream::new(Dictionary::new(), Vec::new()));
    if let Ok(dict) = doc.get_dictionary_mut(page) {
        dict.set("Contents", Object::Reference(empty));
        dict.set("Resources", Object::Dictionary(Dictionary::new()));
        dict.set(
            "MediaBox",
            Object::Array(vec![0.into(), 0.into(), 612.into(), 792.into()]),
        );
    }
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
    let content: Vec<u8> = doc
        .get_page_contents(page)
        .into_iter()
        .filter_map(|id| doc.get_object(id).ok()?.as_stream().ok())
        .flat_map(|s| match s.filters().as_deref() {
            Ok([b"FlateDecode"]) => match bounded_inflate(&s.content, MAX_INFLATED_STREAM) {
                Inflated::Whole(b) | Inflated::Damaged(b, _) => b,
                Inflated::TooLarge => Vec::new(),
            },
            _ => s.content.clone(),
        })
        .collect();
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
        let bytes = match form.filters().as_deref() {
            Ok([b"FlateDecode"]) => match bounded_inflate(&form.content, MAX_INFLATED_STREAM) {
                Inflated::Whole(b) | Inflated::Damaged(b, _) => b,
                Inflated::TooLarge => return true,
            },
            Ok(_) => form
                .decompressed_content()
                .unwrap_or_else(|_| form.content.clone()),
            Err(_) => form.content.clone(),
        };
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
