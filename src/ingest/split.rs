//! A case file is many documents: split a paged file (a PDF, or a text
//! file with form feeds) at report boundaries, and let the reviewer merge or
//! split documents afterwards.
//!
//! A new document starts at a page that restarts "Page 1 of N", at a fax
//! cover sheet (and the page after it), at a new report heading (a
//! recognised title in capitals among the page's first lines, of another
//! kind or with another date), or at a new labelled date of service or
//! examination. Each document keeps the reason, so the split can be checked
//! and corrected.

use std::path::Path;

use chrono::NaiveDate;
use once_cell::sync::Lazy;
use regex::Regex;

use super::ocr::OcrPage;
use super::page_starts;
use super::records::{detect_date, detect_kind_and_title, labelled_date};
use crate::case::{Case, DocId, Document, DocumentKind, DocumentLayout, ScannedPage, WordBox};

static PAGE_K_OF_N: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"(?i)\bpage\s+(\d{1,4})\s+of\s+(\d{1,4})\b").expect("static regex"));

static FAX_COVER: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)\b(?:fax|facsimile)\s+(?:cover|transmittal)(?:\s+sheet)?\b")
        .expect("static regex")
});

/// A run of pages that forms one document, pages counted from 0.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub first_page: usize,
    pub last_page: usize,
    /// Why a document starts here; `None` for the file's first page.
    pub reason: Option<String>,
}

/// What the split remembers of the document being built.
struct Current {
    kind: DocumentKind,
    date: Option<NaiveDate>,
    fax_cover: bool,
}

impl Current {
    fn of(page: &str) -> Current {
        Current {
            kind: heading_kind(page)
                .map(|(k, _)| k)
                .unwrap_or(DocumentKind::Other),
            date: labelled_date(page),
            fax_cover: FAX_COVER.is_match(head(page, 8).as_str()),
        }
    }
}

/// Splits pages into documents at report boundaries (see the module text).
pub fn split_pages(pages: &[&str]) -> Vec<Part> {
    let Some(first) = pages.first() else {
        return Vec::new();
    };
    let mut parts = vec![Part {
        first_page: 0,
        last_page: 0,
        reason: None,
    }];
    let mut current = Current::of(first);
    for (i, page) in pages.iter().enumerate().skip(1) {
        match boundary(page, &current) {
            Some(reason) => {
                parts.push(Part {
                    first_page: i,
                    last_page: i,
                    reason: Some(reason),
                });
                current = Current::of(page);
            }
            None => {
                if let Some(last) = parts.last_mut() {
                    last.last_page = i;
                }
                if current.date.is_none() {
                    current.date = labelled_date(page);
                }
                if current.kind == DocumentKind::Other {
                    current.kind = heading_kind(page).map(|(k, _)| k).unwrap_or(current.kind);
                }
            }
        }
    }
    parts
}

/// Why `page` starts a new document after the one described by `current`.
fn boundary(page: &str, current: &Current) -> Option<String> {
    if page.trim().is_empty() {
        return None;
    }
    let numbering = PAGE_K_OF_N
        .captures(page)
        .and_then(|c| Some((c.get(1)?.as_str().parse::<u32>().ok()?, c.get(2)?.as_str())));
    if current.fax_cover {
        return Some("first page after a fax cover sheet".into());
    }
    match numbering {
        Some((1, n)) => return Some(format!("page numbering restarts (\"Page 1 of {n}\")")),
        Some(_) => return None,
        None => {}
    }
    if FAX_COVER.is_match(head(page, 8).as_str()) {
        return Some("fax cover sheet".into());
    }
    let date = labelled_date(page);
    let new_date = matches!((date, current.date), (Some(d), Some(c)) if d != c);
    if let Some((kind, title)) = heading_kind(page)
        && (kind != current.kind || new_date)
    {
        return Some(format!("new report heading: \"{title}\""));
    }
    if new_date {
        let d = date.map(|d| d.format("%m/%d/%Y").to_string());
        return Some(format!(
            "new date of service or examination: {}",
            d.unwrap_or_default()
        ));
    }
    None
}

/// The page's first `n` non-blank lines.
fn head(page: &str, n: usize) -> String {
    page.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(n)
        .collect::<Vec<_>>()
        .join("\n")
}

/// The kind and title of a report heading among the page's first five
/// lines: a short line, mostly capitals, that a kind rule recognises. Prose
/// that mentions "request for authorization" is not a heading.
fn heading_kind(page: &str) -> Option<(DocumentKind, String)> {
    page.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(5)
        .filter(|l| l.len() <= 80 && mostly_capitals(l))
        .find_map(|line| match detect_kind_and_title(line) {
            (DocumentKind::Other, _) => None,
            found => Some(found),
        })
}

fn mostly_capitals(line: &str) -> bool {
    let letters: Vec<char> = line.chars().filter(|c| c.is_alphabetic()).collect();
    letters.len() >= 3
        && letters.iter().filter(|c| c.is_uppercase()).count() * 10 >= letters.len() * 7
}

/// Splits one file's text (pages separated by `\x0c`) into documents, each
/// with its layout: page range, reason, and the OCR'd pages it holds
/// (`scanned`: page index from 0 and what OCR read). Ids are left at 0 for
/// the caller to number. A file of one document with no scanned page gets
/// no layout.
pub fn documents_of(
    origin: &Path,
    text: &str,
    scanned: &[(usize, OcrPage)],
) -> Vec<(Document, Option<DocumentLayout>)> {
    let pages: Vec<&str> = text.split('\x0c').collect();
    let parts = split_pages(&pages);
    let single = parts.len() <= 1;
    parts
        .into_iter()
        .map(|part| {
            let mut body = String::new();
            let mut layout = DocumentLayout {
                doc: DocId(0),
                first_page: part.first_page as u32 + 1,
                last_page: part.last_page as u32 + 1,
                boundary: part.reason.clone(),
                scanned: Vec::new(),
            };
            let run = pages
                .iter()
                .enumerate()
                .take(part.last_page + 1)
                .skip(part.first_page);
            for (index, page) in run {
                if index > part.first_page {
                    body.push('\x0c');
                }
                let at = body.len();
                body.push_str(page);
                if let Some((_, read)) = scanned.iter().find(|(i, _)| *i == index) {
                    layout.scanned.push(scanned_page(index, at, read));
                }
            }
            let (kind, title) = detect_kind_and_title(&body);
            let doc = Document {
                id: DocId(0),
                kind,
                title,
                date: detect_date(&body),
                page_starts: page_starts(&body),
                text: body,
                origin: Some(origin.to_path_buf()),
            };
            let keep = !single || !layout.scanned.is_empty();
            (doc, keep.then_some(layout))
        })
        .collect()
}

/// A page OCR read, its word offsets moved to where the page starts in the
/// document text.
fn scanned_page(index: usize, at: usize, read: &OcrPage) -> ScannedPage {
    ScannedPage {
        page: index as u32 + 1,
        dpi: read.dpi,
        width: read.width,
        height: read.height,
        confidence: read.confidence,
        text_end: at + read.text.len(),
        words: read
            .words
            .iter()
            .map(|w| WordBox {
                start: w.start + at,
                end: w.end + at,
                ..*w
            })
            .collect(),
    }
}

/// Why a merge or a split was refused.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum SplitError {
    #[error("document {0} is not in this case")]
    NoSuchDocument(DocId),
    #[error(
        "documents {0} and {1} come from different files; only pages of one file can be merged"
    )]
    DifferentFiles(DocId, DocId),
    #[error("a document cannot be merged with itself")]
    SameDocument,
    #[error("document {doc} has {pages} page(s); it can be split before pages 2 to {pages}")]
    BadPage { doc: DocId, pages: usize },
}

/// Merges document `second` into `first` (the reviewer says the split cut
/// one report in two): the text of `second` follows as new pages, its
/// layout joins, and `second` is removed. The documents must come from the
/// same file.
pub fn merge_documents(case: &mut Case, first: DocId, second: DocId) -> Result<(), SplitError> {
    if first == second {
        return Err(SplitError::SameDocument);
    }
    let a = position(case, first)?;
    let b = position(case, second)?;
    if case.documents[a].origin != case.documents[b].origin {
        return Err(SplitError::DifferentFiles(first, second));
    }
    let taken = case.documents.remove(b);
    let a = position(case, first)?;
    let target = &mut case.documents[a];
    let shift = target.text.len() + 1;
    target.text.push('\x0c');
    target.text.push_str(&taken.text);
    let extra: Vec<usize> = if taken.page_starts.is_empty() {
        vec![0]
    } else {
        taken.page_starts.clone()
    };
    if target.page_starts.is_empty() {
        target.page_starts.push(0);
    }
    target.page_starts.extend(extra.iter().map(|s| s + shift));
    if target.date.is_none() {
        target.date = taken.date;
    }
    let taken_layout = take_layout(case, second);
    let layout = layout_mut(case, first);
    if let Some(other) = taken_layout {
        layout.first_page = layout.first_page.min(other.first_page);
        layout.last_page = layout.last_page.max(other.last_page);
        layout.scanned.extend(
            other
                .scanned
                .into_iter()
                .map(|p| shifted(p, shift as isize)),
        );
    }
    layout.boundary = layout
        .boundary
        .take()
        .map(|r| format!("{r}; merged with {second} by the reviewer"));
    Ok(())
}

/// Splits document `id` before its page `page` (1-based within the
/// document, 2 or later): the pages from there become a new document whose
/// kind, title and date are read from its own text. Returns the new id.
pub fn split_document(case: &mut Case, id: DocId, page: usize) -> Result<DocId, SplitError> {
    let i = position(case, id)?;
    let doc = &case.documents[i];
    let starts = if doc.page_starts.is_empty() {
        vec![0]
    } else {
        doc.page_starts.clone()
    };
    if page < 2 || page > starts.len() {
        return Err(SplitError::BadPage {
            doc: id,
            pages: starts.len(),
        });
    }
    let cut = starts[page - 1];
    let new_id = DocId(case.documents.iter().map(|d| d.id.0 + 1).max().unwrap_or(0));
    let doc = &mut case.documents[i];
    let tail = doc.text[cut..].to_string();
    // The form feed before the cut belongs to neither half.
    let head_end = doc.text[..cut].strip_suffix('\x0c').map_or(cut, str::len);
    doc.text.truncate(head_end);
    doc.page_starts = starts[..page - 1].to_vec();
    let (kind, title) = detect_kind_and_title(&tail);
    let new_doc = Document {
        id: new_id,
        kind,
        title,
        date: detect_date(&tail),
        page_starts: starts[page - 1..].iter().map(|s| s - cut).collect(),
        text: tail,
        origin: doc.origin.clone(),
    };
    case.documents.insert(i + 1, new_doc);
    let layout = layout_mut(case, id);
    let first_page = layout.first_page + page as u32 - 1;
    let moved: Vec<ScannedPage> = layout
        .scanned
        .iter()
        .filter(|p| p.page >= first_page)
        .cloned()
        .map(|p| shifted(p, -(cut as isize)))
        .collect();
    layout.scanned.retain(|p| p.page < first_page);
    let last_page = layout.last_page.max(first_page);
    layout.last_page = first_page - 1;
    case.layouts.push(DocumentLayout {
        doc: new_id,
        first_page,
        last_page,
        boundary: Some(format!("split before page {page} of {id} by the reviewer")),
        scanned: moved,
    });
    Ok(new_id)
}

fn position(case: &Case, id: DocId) -> Result<usize, SplitError> {
    case.documents
        .iter()
        .position(|d| d.id == id)
        .ok_or(SplitError::NoSuchDocument(id))
}

fn take_layout(case: &mut Case, id: DocId) -> Option<DocumentLayout> {
    let i = case.layouts.iter().position(|l| l.doc == id)?;
    Some(case.layouts.remove(i))
}

/// The layout of `id`, made (covering the document's pages from 1) when the
/// document had none.
fn layout_mut(case: &mut Case, id: DocId) -> &mut DocumentLayout {
    let i = match case.layouts.iter().position(|l| l.doc == id) {
        Some(i) => i,
        None => {
            let pages = case.document(id).map_or(1, |d| d.page_starts.len().max(1)) as u32;
            case.layouts.push(DocumentLayout {
                doc: id,
                first_page: 1,
                last_page: pages,
                boundary: None,
                scanned: Vec::new(),
            });
            case.layouts.len() - 1
        }
    };
    &mut case.layouts[i]
}

fn shifted(mut page: ScannedPage, by: isize) -> ScannedPage {
    let mv = |x: usize| (x as isize + by).max(0) as usize;
    page.text_end = mv(page.text_end);
    for w in &mut page.words {
        w.start = mv(w.start);
        w.end = mv(w.end);
    }
    page
}

#[cfg(test)]
mod tests {
    use super::*;

    const PR: &str = "PRIMARY TREATING PHYSICIAN PROGRESS REPORT\nDate of service: 03/04/2016\nLow back pain persists.";
    const PR_2: &str = "Continued from the previous page.\nPlan: continue home exercise.";
    const MRI: &str = "MRI LUMBAR SPINE\nDate of exam: 02/01/2016\nImpression: disc protrusion.";
    const UR: &str = "UTILIZATION REVIEW DETERMINATION\nDate of determination: 03/20/2016\nRequested service: Physical therapy x 12 - non-certified";

    #[test]
    fn reports_split_at_headings_and_continuations_stay() {
        let parts = split_pages(&[MRI, PR, PR_2, UR]);
        assert_eq!(parts.len(), 3, "{parts:?}");
        assert_eq!((parts[1].first_page, parts[1].last_page), (1, 2));
        assert!(
            parts[1]
                .reason
                .as_deref()
                .unwrap_or("")
                .contains("new report heading")
        );
        assert_eq!(parts[2].first_page, 3);
    }

    #[test]
    fn page_numbering_fax_covers_and_dates_make_boundaries() {
        let p1 = "Page 1 of 2\nPROGRESS NOTE\nDate of service: 01/05/2016";
        let p2 = "Page 2 of 2\nPROGRESS NOTE\nDate of service: 01/05/2016\nmore";
        let fax = "FAX COVER SHEET\nTo: claims\nPages: 3";
        let again = "Page 1 of 1\nfollow-up";
        let parts = split_pages(&[p1, p2, fax, again]);
        let reasons: Vec<_> = parts
            .iter()
            .map(|p| p.reason.clone().unwrap_or_default())
            .collect();
        assert_eq!(parts.len(), 3, "{reasons:?}");
        assert!(reasons[1].contains("fax cover"), "{reasons:?}");
        assert!(reasons[2].contains("after a fax cover"), "{reasons:?}");
        let dated = split_pages(&[
            "Progress note\nDate of service: 01/05/2016",
            "Date of service: 02/09/2016\nseen again",
        ]);
        assert_eq!(dated.len(), 2);
        assert!(
            dated[1]
                .reason
                .as_deref()
                .unwrap_or("")
                .contains("02/09/2016")
        );
    }

    #[test]
    fn prose_naming_a_kind_is_not_a_heading() {
        let ur2 =
            "The request for authorization was reviewed against the guideline.\nRationale follows.";
        assert_eq!(split_pages(&[UR, ur2]).len(), 1);
    }

    fn case_of(text: &str) -> Case {
        let mut case = Case::new();
        for (i, (mut d, layout)) in documents_of(Path::new("file.pdf"), text, &[])
            .into_iter()
            .enumerate()
        {
            d.id = DocId(i as u32);
            case.documents.push(d);
            if let Some(mut l) = layout {
                l.doc = DocId(i as u32);
                case.layouts.push(l);
            }
        }
        case
    }

    #[test]
    fn documents_carry_page_ranges_and_merge_and_split_round_trip() {
        let text = [MRI, PR, PR_2, UR].join("\x0c");
        let mut case = case_of(&text);
        assert_eq!(case.documents.len(), 3);
        assert_eq!(case.documents[1].kind, DocumentKind::ProgressReport);
        let l = case.layout(DocId(1)).expect("layout");
        assert_eq!((l.first_page, l.last_page), (2, 3));
        assert_eq!(case.documents[1].page_starts.len(), 2);

        merge_documents(&mut case, DocId(1), DocId(2)).expect("merge");
        assert_eq!(case.documents.len(), 2);
        assert!(case.documents[1].text.ends_with("non-certified"));
        assert_eq!(case.layout(DocId(1)).map(|l| l.last_page), Some(4));

        let new = split_document(&mut case, DocId(1), 3).expect("split");
        assert_eq!(case.documents.len(), 3);
        let tail = case.document(new).expect("new doc");
        assert_eq!(tail.kind, DocumentKind::UtilizationReview);
        assert_eq!(tail.text, UR);
        assert_eq!(case.documents[1].text, [PR, PR_2].join("\x0c"));
        assert_eq!(case.layout(new).map(|l| l.first_page), Some(4));
        assert_eq!(
            split_document(&mut case, new, 2),
            Err(SplitError::BadPage { doc: new, pages: 1 })
        );
        assert_eq!(
            merge_documents(&mut case, new, new),
            Err(SplitError::SameDocument)
        );
    }
}
