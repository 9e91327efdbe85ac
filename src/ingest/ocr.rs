//! OCR of scanned PDF pages, offline: Poppler's `pdftoppm` rasterizes a
//! page to a grey image and Tesseract (`tesseract`, TSV output) reads it.
//!
//! Both run as subprocesses of Debian's maintained packages (`poppler-utils`,
//! `tesseract-ocr`): no Rust binding to build against a C++ library, no
//! network, and Poppler decodes every image filter scans use (CCITT fax,
//! JBIG2, JPEG). Pages are read by a pool of workers (one page per worker),
//! each subprocess bounded in time; results are cached by the file's content
//! hash in the user's cache folder so reopening a case does not OCR again.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::case::WordBox;

/// Lowest and highest resolution a scanned page is rasterized at for OCR
/// (dots per inch). A page is read at its image's own resolution within
/// these bounds: resampling a 150-dpi fax to another grid smears the small
/// type Tesseract must read, and above 300 dpi it only costs time.
pub const MIN_DPI: u32 = 200;
pub const MAX_DPI: u32 = 300;

/// Mean word confidence (0–100) under which an OCR'd page is flagged: below
/// it Tesseract misreads enough words that the reviewer must check the page.
pub const LOW_CONFIDENCE: f32 = 70.0;

/// Longest one page's rasterization or recognition may take before it is
/// stopped and reported: a real page takes a second or two.
pub const PAGE_TIMEOUT: Duration = Duration::from_secs(60);

/// Version of the cache file layout; bump when [`OcrPage`] changes.
const CACHE_VERSION: u32 = 1;

/// What OCR read on one page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OcrPage {
    /// The page's text, lines as Tesseract found them.
    pub text: String,
    /// Each word with its byte range in `text` and its box on the image.
    pub words: Vec<WordBox>,
    /// Mean word confidence, 0–100 (0 when no word was found).
    pub confidence: f32,
    pub dpi: u32,
    /// Image size in pixels.
    pub width: u32,
    pub height: u32,
}

/// Why a page could not be OCR'd.
#[derive(Debug, thiserror::Error)]
pub enum OcrError {
    #[error("{tool} is not installed (run scripts/setup.sh)")]
    ToolMissing { tool: &'static str },
    #[error("page {page} could not be rasterized: {cause}")]
    Rasterize { page: u32, cause: String },
    #[error("page {page} could not be recognised: {cause}")]
    Recognize { page: u32, cause: String },
    #[error("page {page}: {tool} took over {secs} s and was stopped")]
    Timeout {
        page: u32,
        tool: &'static str,
        secs: u64,
    },
    #[error("{}: cannot be written for OCR: {source}", .path.display())]
    TempFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Pages OCR'd so far and pages to OCR, for the load's progress bar, and the
/// request to stop between pages. Process-wide because the import runs
/// behind a plain function pointer; one load runs at a time.
pub struct OcrProgress {
    done: AtomicUsize,
    total: AtomicUsize,
    cancel: AtomicBool,
}

/// The progress of the OCR running now (see [`OcrProgress`]).
pub static PROGRESS: OcrProgress = OcrProgress {
    done: AtomicUsize::new(0),
    total: AtomicUsize::new(0),
    cancel: AtomicBool::new(false),
};

impl OcrProgress {
    /// Pages done and pages to do in the current load.
    pub fn pages(&self) -> (usize, usize) {
        (
            self.done.load(Ordering::Relaxed),
            self.total.load(Ordering::Relaxed),
        )
    }

    /// Asks the workers to stop before their next page.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// Clears the counters and the cancel request before a new load.
    pub fn reset(&self) {
        self.done.store(0, Ordering::Relaxed);
        self.total.store(0, Ordering::Relaxed);
        self.cancel.store(false, Ordering::Relaxed);
    }

    fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
}

/// Workers to OCR with: `IMRDESK_OCR_THREADS` when set (the benchmark
/// measures one and two), else every core.
pub fn worker_count() -> usize {
    std::env::var("IMRDESK_OCR_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
        })
}

/// Whether both tools are installed.
pub fn available() -> Result<(), OcrError> {
    for (tool, flag) in [("pdftoppm", "-v"), ("tesseract", "--version")] {
        let ok = Command::new(tool)
            .arg(flag)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok();
        if !ok {
            return Err(OcrError::ToolMissing { tool });
        }
    }
    Ok(())
}

/// OCRs `pages` (1-based, each with the resolution to read it at) of the PDF `bytes` read from `path`: one result
/// per page asked (None when it failed or was cancelled) and the warnings,
/// each naming the file and page — a failure, a page with no text, a page
/// under [`LOW_CONFIDENCE`].
pub fn ocr_pdf_pages(
    bytes: &[u8],
    path: &Path,
    pages: &[(u32, u32)],
) -> (Vec<Option<OcrPage>>, Vec<String>) {
    let key = cache_key(bytes);
    let mut cached = read_cache(&key);
    let missing: Vec<(u32, u32)> = pages
        .iter()
        .copied()
        .filter(|(p, dpi)| cached.get(p).is_none_or(|c| c.dpi != *dpi))
        .collect();
    let mut warnings = Vec::new();
    if !missing.is_empty() {
        match ocr_uncached(bytes, &missing) {
            Ok(results) => {
                for ((page, _), result) in missing.iter().zip(results) {
                    match result {
                        Some(Ok(read)) => {
                            cached.insert(*page, read);
                        }
                        Some(Err(e)) => warnings.push(format!("{}: OCR: {e}", path.display())),
                        None => warnings.push(format!(
                            "{}: page {page}: OCR cancelled; its text is missing",
                            path.display()
                        )),
                    }
                }
                write_cache(&key, &cached);
            }
            Err(e) => warnings.push(format!(
                "{}: {} scanned page(s) not read: {e}",
                path.display(),
                missing.len()
            )),
        }
    }
    let out = pages.iter().map(|(p, _)| cached.get(p).cloned()).collect();
    for (page, _) in pages {
        if let Some(read) = cached.get(page) {
            warnings.extend(quality_warning(path, *page, read));
        }
    }
    (out, warnings)
}

/// The warning a page read by OCR earns: no text, or low confidence.
fn quality_warning(path: &Path, page: u32, read: &OcrPage) -> Option<String> {
    if read.text.trim().is_empty() {
        Some(format!(
            "{}: page {page} is an image in which OCR found no text",
            path.display()
        ))
    } else if read.confidence < LOW_CONFIDENCE {
        Some(format!(
            "{}: page {page} was read by OCR with {:.0}% confidence (under {:.0}%); check its text against the page image",
            path.display(),
            read.confidence,
            LOW_CONFIDENCE
        ))
    } else {
        None
    }
}

type PageResult = Option<Result<OcrPage, OcrError>>;

/// Writes the PDF to a private temporary file and OCRs `pages` on
/// [`worker_count`] workers, one page each at a time.
fn ocr_uncached(bytes: &[u8], pages: &[(u32, u32)]) -> Result<Vec<PageResult>, OcrError> {
    available()?;
    let mut file = tempfile::Builder::new()
        .prefix(".imrdesk-ocr-")
        .suffix(".pdf")
        .tempfile()
        .map_err(|e| OcrError::TempFile {
            path: std::env::temp_dir(),
            source: e,
        })?;
    file.write_all(bytes).map_err(|e| OcrError::TempFile {
        path: file.path().to_path_buf(),
        source: e,
    })?;
    let pdf = file.path().to_path_buf();
    PROGRESS.total.fetch_add(pages.len(), Ordering::Relaxed);
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<PageResult>> = Mutex::new((0..pages.len()).map(|_| None).collect());
    let workers = worker_count().min(pages.len()).max(1);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    if PROGRESS.cancelled() {
                        break;
                    }
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&(page, dpi)) = pages.get(i) else {
                        break;
                    };
                    let read = ocr_page(&pdf, page, dpi);
                    PROGRESS.done.fetch_add(1, Ordering::Relaxed);
                    let mut guard = results.lock().unwrap_or_else(|p| p.into_inner());
                    guard[i] = Some(read);
                }
            });
        }
    });
    Ok(results.into_inner().unwrap_or_else(|p| p.into_inner()))
}

/// Rasterizes and reads one page.
pub fn ocr_page(pdf: &Path, page: u32, dpi: u32) -> Result<OcrPage, OcrError> {
    let image = rasterize(pdf, page, dpi)?;
    let cleaned = despeckle(&image);
    let tsv = run_bounded(
        Command::new("tesseract")
            .args(["stdin", "stdout", "--psm", "3", "-l", "eng", "tsv"])
            .env("OMP_THREAD_LIMIT", "1"),
        &cleaned,
        page,
        "tesseract",
    )
    .map_err(|e| match e {
        Bounded::Timeout(secs) => OcrError::Timeout {
            page,
            tool: "tesseract",
            secs,
        },
        Bounded::Failed(cause) => OcrError::Recognize { page, cause },
    })?;
    let mut read = parse_tsv(&String::from_utf8_lossy(&tsv));
    read.dpi = dpi;
    read.width = image.width;
    read.height = image.height;
    Ok(read)
}

/// A page as a grey image.
#[derive(Debug, Clone)]
pub struct GreyImage {
    pub width: u32,
    pub height: u32,
    /// One byte per pixel, rows from the top.
    pub pixels: Vec<u8>,
}

/// Renders page `page` (1-based) of the PDF at `pdf` to a grey image at
/// `dpi`: what OCR reads, and what the documents panel shows.
pub fn rasterize(pdf: &Path, page: u32, dpi: u32) -> Result<GreyImage, OcrError> {
    let n = page.to_string();
    let pgm = run_bounded(
        Command::new("pdftoppm")
            .args(["-r", &dpi.to_string(), "-f", &n, "-l", &n, "-gray"])
            .arg(pdf),
        &[],
        page,
        "pdftoppm",
    )
    .map_err(|e| match e {
        Bounded::Timeout(secs) => OcrError::Timeout {
            page,
            tool: "pdftoppm",
            secs,
        },
        Bounded::Failed(cause) => OcrError::Rasterize { page, cause },
    })?;
    parse_pgm(pgm).map_err(|cause| OcrError::Rasterize { page, cause })
}

/// Most pixels a dark blob may have and still be a speck: a full stop at
/// 150 dpi in 10-point type is about 9.
const SPECK_PIXELS: usize = 2;

/// The page as a PGM with scanner and fax speckle removed: a dark blob of
/// at most [`SPECK_PIXELS`] pixels, or a light pixel with dark all round,
/// is noise; Tesseract otherwise reads specks as stray punctuation.
fn despeckle(image: &GreyImage) -> Vec<u8> {
    let (w, h) = (image.width as usize, image.height as usize);
    let src = &image.pixels;
    let mut out = format!("P5\n{w} {h}\n255\n").into_bytes();
    let header = out.len();
    out.extend_from_slice(src);
    if w < 3 || h < 3 || src.len() < w * h {
        return out;
    }
    let dark = |i: usize| src[i] < 128;
    let mut seen = vec![false; w * h];
    let mut blob = Vec::with_capacity(SPECK_PIXELS + 1);
    for start in 0..w * h {
        if seen[start] || !dark(start) {
            continue;
        }
        // Flood the blob, stopping once it is too big to be a speck.
        blob.clear();
        blob.push(start);
        seen[start] = true;
        let mut next = 0;
        while next < blob.len() && blob.len() <= SPECK_PIXELS {
            let i = blob[next];
            next += 1;
            let (x, y) = (i % w, i / w);
            for (dx, dy) in [
                (-1, -1),
                (0, -1),
                (1, -1),
                (-1, 0),
                (1, 0),
                (-1, 1),
                (0, 1),
                (1, 1),
            ] {
                let (nx, ny) = (x as isize + dx, y as isize + dy);
                if nx < 0 || ny < 0 || nx >= w as isize || ny >= h as isize {
                    continue;
                }
                let j = ny as usize * w + nx as usize;
                if !seen[j] && dark(j) {
                    seen[j] = true;
                    blob.push(j);
                }
            }
        }
        if blob.len() <= SPECK_PIXELS {
            for &i in &blob {
                out[header + i] = 255;
            }
        }
    }
    for y in 1..h - 1 {
        for x in 1..w - 1 {
            let i = y * w + x;
            if !dark(i)
                && [
                    i - w - 1,
                    i - w,
                    i - w + 1,
                    i - 1,
                    i + 1,
                    i + w - 1,
                    i + w,
                    i + w + 1,
                ]
                .iter()
                .all(|&j| dark(j))
            {
                out[header + i] = 0;
            }
        }
    }
    out
}

/// Parses a binary 8-bit PGM (`P5`).
fn parse_pgm(pgm: Vec<u8>) -> Result<GreyImage, String> {
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 && i < pgm.len() {
        while i < pgm.len() && pgm[i].is_ascii_whitespace() {
            i += 1;
        }
        if pgm.get(i) == Some(&b'#') {
            while i < pgm.len() && pgm[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        let start = i;
        while i < pgm.len() && !pgm[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(String::from_utf8_lossy(&pgm[start..i]).into_owned());
    }
    if fields.len() < 4 || fields[0] != "P5" || fields[3] != "255" {
        return Err("the renderer gave no image (an empty or undrawable page)".into());
    }
    let width: u32 = fields[1].parse().map_err(|_| "bad image width")?;
    let height: u32 = fields[2].parse().map_err(|_| "bad image height")?;
    let data = i + 1;
    let size = width as usize * height as usize;
    if pgm.len() < data + size {
        return Err("the renderer's image is truncated".into());
    }
    let pixels = pgm[data..data + size].to_vec();
    Ok(GreyImage {
        width,
        height,
        pixels,
    })
}

/// Why a bounded subprocess gave no output.
enum Bounded {
    Timeout(u64),
    Failed(String),
}

/// Runs `cmd` with `input` on its stdin, returning its stdout; killed after
/// [`PAGE_TIMEOUT`].
fn run_bounded(
    cmd: &mut Command,
    input: &[u8],
    page: u32,
    tool: &'static str,
) -> Result<Vec<u8>, Bounded> {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| Bounded::Failed(format!("{tool} could not start: {e}")))?;
    let mut stdin = child.stdin.take();
    let mut stdout = child.stdout.take();
    let mut stderr = child.stderr.take();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        if let Some(s) = stdin.as_mut() {
            // A tool that exits early closes the pipe; its status says why.
            let _ = s.write_all(&input);
        }
    });
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        if let Some(s) = stdout.as_mut() {
            let _ = s.read_to_end(&mut out);
        }
        out
    });
    let errors = std::thread::spawn(move || {
        let mut out = Vec::new();
        if let Some(s) = stderr.as_mut() {
            let _ = s.take(4096).read_to_end(&mut out);
        }
        out
    });
    let deadline = Instant::now() + PAGE_TIMEOUT;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(10)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(Bounded::Timeout(PAGE_TIMEOUT.as_secs()));
            }
            Err(e) => return Err(Bounded::Failed(e.to_string())),
        }
    };
    let _ = writer.join();
    let out = reader.join().unwrap_or_default();
    let err = errors.join().unwrap_or_default();
    if !status.success() {
        let msg = String::from_utf8_lossy(&err);
        let first = msg.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        return Err(Bounded::Failed(format!(
            "{tool} failed on page {page} ({status}){}",
            if first.is_empty() {
                String::new()
            } else {
                format!(": {first}")
            }
        )));
    }
    Ok(out)
}

/// Builds the page text and word boxes from Tesseract's TSV: words of a
/// line joined by spaces, lines by newlines, blocks and paragraphs by a
/// blank line.
fn parse_tsv(tsv: &str) -> OcrPage {
    let mut page = OcrPage::default();
    let mut last_line = None;
    let mut last_par = None;
    let (mut sum, mut weight) = (0.0f32, 0usize);
    for row in tsv.lines().skip(1) {
        let f: Vec<&str> = row.splitn(12, '\t').collect();
        if f.len() < 12 || f[0] != "5" {
            continue;
        }
        let word = f[11].trim();
        let conf: f32 = f[10].parse().unwrap_or(0.0);
        if word.is_empty() || is_speck(word, conf) {
            continue;
        }
        let num = |i: usize| f[i].parse::<u32>().unwrap_or(0);
        let par = (num(2), num(3));
        let line = (par, num(4));
        if last_line != Some(line) {
            if !page.text.is_empty() {
                page.text.push('\n');
                if last_par != Some(par) {
                    page.text.push('\n');
                }
            }
        } else {
            page.text.push(' ');
        }
        last_line = Some(line);
        last_par = Some(par);
        let start = page.text.len();
        page.text.push_str(word);
        page.words.push(WordBox {
            start,
            end: page.text.len(),
            left: num(6),
            top: num(7),
            width: num(8),
            height: num(9),
            confidence: conf.max(0.0),
        });
        let chars = word.chars().count();
        sum += conf.max(0.0) * chars as f32;
        weight += chars;
    }
    strip_stray_stops(&mut page);
    if !page.text.is_empty() {
        page.text.push('\n');
    }
    page.confidence = if weight == 0 {
        0.0
    } else {
        sum / weight as f32
    };
    page
}

/// Removes a full stop Tesseract glued to a word it was unsure of when the
/// next word on the line starts with a small letter or a digit: a real full
/// stop is followed by a capital, a speck after a word is read as one.
fn strip_stray_stops(page: &mut OcrPage) {
    let mut cut = Vec::new();
    for pair in page.words.windows(2) {
        let (word, next) = (&pair[0], &pair[1]);
        let same_line = page.text[word.end..next.start].chars().all(|c| c == ' ');
        let follows = page.text[next.start..].chars().next();
        if word.confidence < 90.0
            && word.end - word.start > 1
            && page.text[..word.end].ends_with('.')
            && same_line
            && follows.is_some_and(|c| c.is_lowercase() || c.is_ascii_digit())
        {
            cut.push(word.end - 1);
        }
    }
    for &at in cut.iter().rev() {
        page.text.remove(at);
        for w in page.words.iter_mut() {
            if w.end > at {
                w.end -= 1;
            }
            if w.start > at {
                w.start -= 1;
            }
        }
    }
}

/// A "word" of punctuation alone read with low confidence: a speck of dirt
/// or fax noise, which would otherwise sit in front of a list number or a
/// service name. Dashes are kept: records use a lone dash as a separator
/// ("service - Non-certified") and Tesseract is unsure of short marks.
fn is_speck(word: &str, confidence: f32) -> bool {
    confidence < SPECK_CONFIDENCE
        && !word.chars().any(|c| {
            c.is_alphanumeric()
                || matches!(c, '-' | '\u{2013}' | '\u{2014}' | '#' | '&' | '/' | '%')
        })
}

/// Confidence under which a punctuation-only word is dropped as a speck.
const SPECK_CONFIDENCE: f32 = 60.0;

/// The folder OCR results are cached in: `IMRDESK_CACHE_DIR`, else
/// `$XDG_CACHE_HOME/imrdesk/ocr`, else `~/.cache/imrdesk/ocr`. It holds case
/// text, so it stays on this machine and under the user's home.
pub fn cache_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("IMRDESK_CACHE_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir).join("ocr"));
    }
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    Some(base.join("imrdesk").join("ocr"))
}

/// Deletes every cached OCR result (Settings → Clear OCR cache); returns
/// how many files were removed.
pub fn clear_cache() -> std::io::Result<usize> {
    let Some(dir) = cache_dir() else {
        return Ok(0);
    };
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e),
    };
    let mut removed = 0;
    for entry in entries {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "json") {
            std::fs::remove_file(&path)?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// Bytes the OCR cache takes on disk (shown beside the clear button).
pub fn cache_size() -> u64 {
    cache_dir()
        .and_then(|d| std::fs::read_dir(d).ok())
        .map(|rd| {
            rd.filter_map(|e| e.ok()?.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

/// The cache file's name: the file's SHA-256 (each cached page records
/// the resolution it was read at).
pub fn cache_key(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[derive(Serialize, Deserialize)]
struct CacheFile {
    version: u32,
    pages: BTreeMap<u32, OcrPage>,
}

/// The cached pages for `key`; an unreadable or older cache is ignored
/// (it is only a cache: the pages are OCR'd again).
fn read_cache(key: &str) -> BTreeMap<u32, OcrPage> {
    let Some(path) = cache_dir().map(|d| d.join(format!("{key}.json"))) else {
        return BTreeMap::new();
    };
    std::fs::read(&path)
        .ok()
        .and_then(|b| serde_json::from_slice::<CacheFile>(&b).ok())
        .filter(|c| c.version == CACHE_VERSION)
        .map(|c| c.pages)
        .unwrap_or_default()
}

/// Stores the pages for `key` through a temporary file in the cache folder
/// (owner-only permissions); a cache that cannot be written is skipped.
fn write_cache(key: &str, pages: &BTreeMap<u32, OcrPage>) {
    let Some(dir) = cache_dir() else { return };
    if pages.is_empty() || std::fs::create_dir_all(&dir).is_err() {
        return;
    }
    let file = CacheFile {
        version: CACHE_VERSION,
        pages: pages.clone(),
    };
    let Ok(json) = serde_json::to_vec(&file) else {
        return;
    };
    if let Ok(mut tmp) = tempfile::NamedTempFile::new_in(&dir)
        && tmp.write_all(&json).is_ok()
    {
        let _ = tmp.persist(dir.join(format!("{key}.json")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tsv_words_become_lines_with_boxes() {
        let tsv = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n\
            1\t1\t0\t0\t0\t0\t0\t0\t100\t100\t-1\t\n\
            5\t1\t1\t1\t1\t1\t10\t20\t30\t12\t96.5\tPROGRESS\n\
            5\t1\t1\t1\t1\t2\t45\t20\t30\t12\t90\tREPORT\n\
            5\t1\t2\t1\t1\t1\t10\t60\t20\t12\t40\tknee\n\
            5\t1\t2\t1\t1\t2\t40\t60\t5\t5\t20\t*\n";
        let page = parse_tsv(tsv);
        assert_eq!(page.text, "PROGRESS REPORT\n\nknee\n");
        assert_eq!(page.words.len(), 3);
        assert_eq!(&page.text[page.words[1].start..page.words[1].end], "REPORT");
        assert_eq!(page.words[2].top, 60);
        // Weighted by characters: (96.5*8 + 90*6 + 40*4) / 18.
        assert!((page.confidence - 81.78).abs() < 0.1, "{}", page.confidence);
    }

    #[test]
    fn a_page_without_words_has_no_text_and_zero_confidence() {
        let page = parse_tsv("level\tpage_num\n1\t1\t0\t0\t0\t0\t0\t0\t9\t9\t-1\t\n");
        assert!(page.text.is_empty());
        assert_eq!(page.confidence, 0.0);
        let w = quality_warning(Path::new("s.pdf"), 3, &page).expect("warned");
        assert!(w.contains("s.pdf") && w.contains("page 3") && w.contains("no text"));
    }

    #[test]
    fn pgm_header_is_parsed_and_garbage_refused() {
        let mut pgm = b"P5\n# c\n3 2\n255\n".to_vec();
        pgm.extend([0, 1, 2, 3, 4, 5]);
        let img = parse_pgm(pgm).expect("valid");
        assert_eq!((img.width, img.height), (3, 2));
        assert_eq!(img.pixels, vec![0, 1, 2, 3, 4, 5]);
        assert!(parse_pgm(b"P5\n3 2\n255\n\x00".to_vec()).is_err());
        assert!(parse_pgm(Vec::new()).is_err());
    }
}
