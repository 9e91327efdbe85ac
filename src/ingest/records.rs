//! Record folders and loose record files: each file one document.
//!
//! A document's kind comes from its title and first lines by keyword rules,
//! its date from a "Date of service/exam/report" style label or else the first
//! full date of its header. The disputed items come from the utilization
//! review determination (non-certified or modified services); when there is
//! no usable UR letter, from the services listed on the RFA.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use once_cell::sync::Lazy;
use regex::Regex;

use super::{ImportError, Imported, MAX_FOLDER_FILES, normalize_ws, parse_date, read_document};
use crate::case::{
    Case, CaseSource, DisputedItem, DocId, Document, DocumentKind, DocumentLayout, ItemId,
    PartialCertification, Priority, Sex,
};

/// One record's text and the file it came from.
#[derive(Debug, Clone)]
pub struct RecordText {
    pub origin: PathBuf,
    pub text: String,
}

/// A full date inside free text, numeric or with the month's name.
const DATE_IN_TEXT: &str = r"(?i)\b(\d{1,2}[/-]\d{1,2}[/-](?:\d{4}|\d{2})\b|(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:tember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?\s+\d{1,2},?\s+\d{4})";

static ANY_DATE: Lazy<Regex> = Lazy::new(|| Regex::new(DATE_IN_TEXT).expect("static regex"));

static DATE_LABEL: Lazy<Regex> = Lazy::new(|| {
    Regex::new(&format!(
        r"(?i)\b(?:date\s+of\s+(?:service|exam(?:ination)?|report|visit|evaluation|procedure|surgery|study|determination|request|consultation)|(?:report|exam|examination|visit|service|study|procedure|determination|request)\s+date|DOS)\s*[:#]?\s*{DATE_IN_TEXT}"
    ))
    .expect("static regex")
});

static NOT_DOCUMENT_DATE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)(injury|\bDOI\b|birth|\bDOB\b|hire|received|employed)").expect("static regex")
});

static CASE_NUMBER: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)\b(?:IMR\s+)?case\s+(?:number|no\.?|#)\s*:?\s*([A-Z0-9][A-Z0-9-]{3,20})")
        .expect("static regex")
});
static INJURY_DATE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(&format!(
        r"(?i)\b(?:date\s+of\s+injury|DOI|injury\s+date)\s*:?\s*{DATE_IN_TEXT}"
    ))
    .expect("static regex")
});
/// The date the IMR application was received, as the application form, the
/// IMR organisation's acknowledgment or a note in the records states it; it
/// starts the statutory review period (the case bar's due date).
static APPLICATION_RECEIVED: Lazy<Regex> = Lazy::new(|| {
    Regex::new(&format!(
        r"(?i)\b(?:(?:IMR\s+)?application(?:\s+for\s+(?:independent\s+medical\s+review|IMR))?\s+(?:was\s+)?received(?:\s+(?:on|by\s+the\s+administrative\s+director(?:\s+on)?))?|date\s+(?:the\s+)?(?:IMR\s+)?application\s+(?:was\s+)?received)\s*[:#]?\s*{DATE_IN_TEXT}"
    ))
    .expect("static regex")
});
static AGE_SEX: Lazy<Regex> = Lazy::new(|| {
    Regex::new(
        r"(?i)\b(\d{1,3})[\s-]*(?:years?|yrs?)[\s-]*old\b[^.]{0,24}?\b(male|female|man|woman|gentleman|lady)\b",
    )
    .expect("static regex")
});

/// Kind rules, most specific first: the words a report's *title* uses.
/// They are matched against title lines only (see [`is_title_line`]), so a
/// progress report that says "the MRI was reviewed" stays a progress report.
static KIND_RULES: Lazy<Vec<(DocumentKind, Regex)>> = Lazy::new(|| {
    let re = |p: &str| Regex::new(p).expect("static regex");
    vec![
        (
            DocumentKind::UtilizationReview,
            re(
                r"(?i)utilization\s+review|\bUR\s+(?:determination|decision)|notice\s+of\s+(?:modification|non-?certification|denial)|non-?certification",
            ),
        ),
        (
            DocumentKind::RequestForAuthorization,
            re(r"(?i)request\s+for\s+authori[sz]ation|\bDWC\s+Form\s+RFA\b|\bRFA\b"),
        ),
        (
            DocumentKind::MedicalLegalReport,
            re(
                r"(?i)agreed\s+medical\s+(?:evaluat|examin)|qualified\s+medical\s+(?:evaluat|examin)|\b(?:panel\s+)?[AQ]ME\b|medical[\s-]legal",
            ),
        ),
        (
            DocumentKind::OperativeReport,
            re(r"(?i)operative\s+(?:report|note)|procedure\s+note|pre-?operative\s+diagnosis"),
        ),
        (
            DocumentKind::ElectrodiagnosticReport,
            re(r"(?i)electrodiagnostic|electromyograph|nerve\s+conduction|\bEMG\b|\bNCV\b|\bNCS\b"),
        ),
        (
            DocumentKind::TherapyNote,
            re(
                r"(?i)(?:physical|occupational)\s+therapy\s+(?:daily\s+|progress\s+|treatment\s+|initial\s+|re-?)?(?:note|evaluation|report|visit|assessment)|\b[PO]T\s+(?:daily\s+|progress\s+)?(?:note|eval(?:uation)?)\b|chiropractic\s+(?:note|report|treatment|visit)|acupuncture\s+(?:note|report|treatment|visit)",
            ),
        ),
        (
            DocumentKind::ImagingReport,
            re(
                r"(?i)\bMRI\b|magnetic\s+resonance|radiolog|x-?rays?\b|radiograph|\bCT\b|computed\s+tomography|ultrasound|sonogra|bone\s+scan",
            ),
        ),
        (
            DocumentKind::DoctorsFirstReport,
            re(
                r"(?i)doctor'?s\s+first\s+report|first\s+report\s+of\s+(?:occupational\s+)?injury|\bDFR\b",
            ),
        ),
        (
            DocumentKind::Consultation,
            re(
                r"(?i)consultation|\bconsult\b|(?:orthopedic|neurologic(?:al)?|neurosurgical|pain\s+management|psychological|psychiatric|surgical|spine)\s+(?:initial\s+)?evaluation|initial\s+(?:orthopedic\s+)?(?:evaluation|report)",
            ),
        ),
        (
            DocumentKind::ProgressReport,
            re(
                r"(?i)progress\s+(?:report|note)|\bPR-?2\b|follow[\s-]?up\s+(?:visit|report|evaluation|note)|re-?evaluation|primary\s+treating\s+physician",
            ),
        ),
    ]
});

/// The section headings each kind of report is written in: when no title
/// names the kind, two or more of its headings do.
static KIND_SECTIONS: Lazy<Vec<(DocumentKind, Regex)>> = Lazy::new(|| {
    let re = |p: &str| Regex::new(p).expect("static regex");
    vec![
        (
            DocumentKind::OperativeReport,
            re(
                r"(?i)^(?:pre-?operative\s+diagnos[ie]s|post-?operative\s+diagnos[ie]s|procedures?\s+performed|anesthesia|estimated\s+blood\s+loss|surgeon|assistant\s+surgeon|operative\s+findings|description\s+of\s+(?:the\s+)?procedure)\b",
            ),
        ),
        (
            DocumentKind::ElectrodiagnosticReport,
            re(
                r"(?i)^(?:nerve\s+conduction(?:\s+studies)?|needle\s+(?:emg|examination)|motor\s+ncs|sensory\s+ncs|emg\s+findings|electrodiagnostic\s+(?:findings|impression))\b",
            ),
        ),
        (
            DocumentKind::ImagingReport,
            re(
                r"(?i)^(?:findings|impression|technique|comparison|clinical\s+(?:history|indication)|indication|exam(?:ination)?\s+performed)\b",
            ),
        ),
        (
            DocumentKind::MedicalLegalReport,
            re(
                r"(?i)^(?:apportionment|causation|permanent\s+and\s+stationary|disability\s+(?:rating|status)|records?\s+reviewed|review\s+of\s+records|future\s+medical\s+care|whole\s+person\s+impairment)\b",
            ),
        ),
        (
            DocumentKind::TherapyNote,
            re(
                r"(?i)^(?:treatment\s+provided|therapeutic\s+(?:exercise|activities)|visit\s+(?:number|#)|short[\s-]term\s+goals|long[\s-]term\s+goals|modalities|manual\s+therapy|patient\s+response)\b",
            ),
        ),
        (
            DocumentKind::Consultation,
            re(
                r"(?i)^(?:reason\s+for\s+(?:consultation|referral)|referring\s+physician|recommendations)\b",
            ),
        ),
        (
            DocumentKind::ProgressReport,
            re(
                r"(?i)^(?:subjective|objective|interval\s+history|work\s+status|treatment\s+plan|plan|current\s+medications)\b",
            ),
        ),
    ]
});

/// Whether a line reads as a title or heading rather than a sentence: short,
/// and not prose (no full stop ending it or inside it).
fn is_title_line(line: &str) -> bool {
    let t = line.trim();
    // A line in capitals is a title even with a stray full stop (scans and
    // OCR add them); a sentence in mixed case is not.
    let letters = t.chars().filter(|c| c.is_alphabetic()).count();
    let capitals = t.chars().filter(|c| c.is_uppercase()).count();
    let shouted = letters >= 3 && capitals * 10 >= letters * 8;
    !t.is_empty() && t.len() <= 90 && !t.contains(". ") && (shouted || !t.ends_with('.'))
}

/// The document's kind and title: the first title line of its first 15
/// non-blank lines that a kind rule recognises (a letterhead above the title
/// is skipped); failing that, the kind whose section headings the report is
/// written in.
pub fn detect_kind_and_title(text: &str) -> (DocumentKind, String) {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(15)
        .collect();
    for line in lines.iter().filter(|l| is_title_line(l)) {
        for (kind, re) in KIND_RULES.iter() {
            if re.is_match(line) {
                return (*kind, title_from(line, *kind));
            }
        }
    }
    let kind = kind_from_sections(head_of(text)).unwrap_or(DocumentKind::Other);
    (kind, title_from(lines.first().copied().unwrap_or(""), kind))
}

/// The kind whose section headings occur most (at least two distinct).
fn kind_from_sections(head: &str) -> Option<DocumentKind> {
    let headings: Vec<&str> = head
        .lines()
        .map(str::trim)
        .filter(|l| is_title_line(l) || l.contains(':'))
        .collect();
    KIND_SECTIONS
        .iter()
        .map(|(kind, re)| {
            let mut hits: Vec<String> = headings
                .iter()
                .filter_map(|l| re.find(l).map(|m| m.as_str().to_ascii_lowercase()))
                .collect();
            hits.sort();
            hits.dedup();
            (hits.len(), *kind)
        })
        .filter(|(n, _)| *n >= 2)
        .max_by_key(|(n, _)| *n)
        .map(|(_, kind)| kind)
}

/// The document's kind alone (see [`detect_kind_and_title`]).
pub fn detect_kind(text: &str) -> DocumentKind {
    detect_kind_and_title(text).0
}

fn title_from(line: &str, kind: DocumentKind) -> String {
    let line = normalize_ws(line);
    if line.is_empty() || line.len() > 90 {
        kind.label().to_string()
    } else {
        line
    }
}

/// The document's own date: a labelled date of service/exam/report, else the
/// first full date in the header lines that is not an injury or birth date.
pub fn detect_date(text: &str) -> Option<NaiveDate> {
    let head: String = text.lines().take(40).collect::<Vec<_>>().join("\n");
    if let Some(d) = DATE_LABEL
        .captures(&head)
        .and_then(|c| c.get(1))
        .and_then(|m| parse_date(m.as_str()))
    {
        return Some(d);
    }
    for line in text.lines().take(20) {
        if NOT_DOCUMENT_DATE.is_match(line) {
            continue;
        }
        if let Some(d) = ANY_DATE
            .captures(line)
            .and_then(|c| c.get(1))
            .and_then(|m| parse_date(m.as_str()))
        {
            return Some(d);
        }
    }
    None
}

/// The date a "Date of service/exam/report" style label states in the
/// page's first 40 lines (no fallback to other dates): what the case-file
/// split compares.
pub(crate) fn labelled_date(text: &str) -> Option<NaiveDate> {
    let head: String = text.lines().take(40).collect::<Vec<_>>().join("\n");
    DATE_LABEL
        .captures(&head)
        .and_then(|c| c.get(1))
        .and_then(|m| parse_date(m.as_str()))
}

/// The IMR application's received date stated in a record's first lines.
pub fn application_received(text: &str) -> Option<NaiveDate> {
    APPLICATION_RECEIVED
        .captures_iter(&normalize_ws(head_of(text)))
        .filter_map(|c| c.get(1).and_then(|m| parse_date(m.as_str())))
        .max()
}

/// Lists and reads a folder's record files (txt, pdf). Unreadable single
/// files become warnings; a folder with nothing readable is an error.
pub(crate) fn read_folder(dir: &Path) -> Result<(Vec<RecordText>, Vec<String>), ImportError> {
    let entries = std::fs::read_dir(dir).map_err(|e| super::io_error(dir, e))?;
    let mut files = Vec::new();
    let mut subfolders = Vec::new();
    let mut skipped = Vec::new();
    let mut total_bytes = 0u64;
    for entry in entries {
        let entry = entry.map_err(|e| super::io_error(dir, e))?;
        let path = entry.path();
        let hidden = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if hidden {
            skipped.push(format!("{}: hidden file skipped", path.display()));
            continue;
        }
        match super::regular_or_dir(&path) {
            Ok(meta) if meta.is_dir() => subfolders.push(path),
            Ok(meta) => {
                if is_record_name(&path) {
                    total_bytes = total_bytes.saturating_add(meta.len());
                }
                files.push(path);
            }
            Err(e) => skipped.push(format!("skipped: {e}")),
        }
        if files.len() > MAX_FOLDER_FILES {
            return Err(ImportError::TooManyFiles {
                path: dir.to_path_buf(),
                count: files.len(),
                limit: MAX_FOLDER_FILES,
            });
        }
    }
    if total_bytes > super::MAX_FOLDER_BYTES {
        return Err(ImportError::FolderTooLarge {
            path: dir.to_path_buf(),
            size: total_bytes,
            limit: super::MAX_FOLDER_BYTES,
        });
    }
    skipped.sort();
    files.sort();
    subfolders.sort();
    let mut texts = Vec::new();
    let mut warnings: Vec<String> = subfolders
        .iter()
        .map(|p| {
            format!(
                "{}: subfolder skipped (only the chosen folder's own files are read)",
                p.display()
            )
        })
        .collect();
    warnings.append(&mut skipped);
    let mut first_error = None;
    let mut read_bytes = 0u64;
    for path in files {
        match super::extension(&path).as_deref() {
            Some("txt") | Some("text") | Some("pdf") => match read_document(&path) {
                Ok((text, mut w)) => {
                    // The files may have grown since they were listed.
                    read_bytes = read_bytes.saturating_add(text.len() as u64);
                    if read_bytes > super::MAX_FOLDER_BYTES {
                        return Err(ImportError::FolderTooLarge {
                            path: dir.to_path_buf(),
                            size: read_bytes,
                            limit: super::MAX_FOLDER_BYTES,
                        });
                    }
                    warnings.append(&mut w);
                    texts.push(RecordText { origin: path, text });
                }
                Err(e) => {
                    warnings.push(format!("skipped: {e}"));
                    first_error.get_or_insert(e);
                }
            },
            _ => warnings.push(format!(
                "{}: skipped (not a .txt or .pdf record)",
                path.display()
            )),
        }
    }
    if texts.is_empty() {
        return Err(first_error.unwrap_or(ImportError::NoRecords {
            path: dir.to_path_buf(),
        }));
    }
    super::check_total_pages(dir, &texts)?;
    Ok((texts, warnings))
}

/// Whether a file name is one the folder walk reads as a record.
fn is_record_name(path: &Path) -> bool {
    matches!(
        super::extension(path).as_deref(),
        Some("txt" | "text" | "pdf")
    )
}

/// Imports a folder of records as one case.
pub(crate) fn load_folder(dir: &Path) -> Result<Imported, ImportError> {
    let (texts, mut warnings) = read_folder(dir)?;
    let mut imported = records_from_texts(texts, CaseSource::Records(dir.to_path_buf()));
    warnings.append(&mut imported.warnings);
    imported.warnings = warnings;
    Ok(imported)
}

/// Builds a case from record texts: documents sorted by date (undated last,
/// then by file name) with ids D0, D1, …; items from the UR determination,
/// else from the RFA; header facts (case number, injury date, UR date,
/// patient age and sex) from labelled lines.
pub fn records_from_texts(texts: Vec<RecordText>, source: CaseSource) -> Imported {
    let mut warnings = Vec::new();
    // A case file holds many reports: each file is split at report
    // boundaries (split.rs), keeping page ranges and OCR word boxes.
    let mut split: Vec<(Document, Option<DocumentLayout>)> = texts
        .into_iter()
        .flat_map(|r| {
            let scanned = super::pdf::take_layout(&r.origin);
            super::split::documents_of(&r.origin, &r.text, &scanned)
        })
        .collect();
    split.sort_by(|(a, _), (b, _)| {
        (a.date.is_none(), a.date, &a.origin).cmp(&(b.date.is_none(), b.date, &b.origin))
    });
    let mut layouts = Vec::new();
    for (i, (d, layout)) in split.iter_mut().enumerate() {
        d.id = DocId(i as u32);
        if let Some(mut l) = layout.take() {
            l.doc = d.id;
            layouts.push(l);
        }
    }
    let docs: Vec<Document> = split.into_iter().map(|(d, _)| d).collect();
    for d in &docs {
        if d.date.is_none() {
            let name = d
                .origin
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| d.title.clone());
            warnings.push(format!("{name}: no document date found"));
        }
    }

    let mut case = Case::new();
    case.source = source;
    case.layouts = layouts;
    case.meta.priority = Priority::Standard;
    // Latest UR determination first: it is the one under review.
    let ur = docs
        .iter()
        .rev()
        .find(|d| d.kind == DocumentKind::UtilizationReview);
    let mut items = ur.map(|d| items_from_ur(&d.text)).unwrap_or_default();
    if let Some(d) = ur {
        case.meta.ur_denial_date = d.date;
    }
    let rfa = docs
        .iter()
        .rev()
        .find(|d| d.kind == DocumentKind::RequestForAuthorization);
    if let (true, Some(rfa)) = (items.is_empty(), rfa) {
        items = items_from_rfa(&rfa.text);
        if ur.is_some() && !items.is_empty() {
            warnings.push(
                "no non-certified or modified service found in the UR determination; items taken from the RFA".into(),
            );
        }
    }
    if items.is_empty() {
        warnings.push(
            "no disputed items found (no UR determination or RFA listing services); add them by hand".into(),
        );
    }
    case.items = items;
    super::letter::link_dependencies(&mut case.items);

    // Header facts from labelled lines, UR letter first.
    let mut ordered: Vec<&Document> = Vec::new();
    ordered.extend(ur);
    ordered.extend(docs.iter().filter(|d| Some(d.id) != ur.map(|u| u.id)));
    for d in &ordered {
        if case.meta.case_number.is_none() {
            case.meta.case_number = CASE_NUMBER
                .captures(head_of(&d.text))
                .and_then(|c| c.get(1))
                .map(|m| m.as_str().to_string());
        }
        if case.meta.date_of_injury.is_none() {
            case.meta.date_of_injury = INJURY_DATE
                .captures(head_of(&d.text))
                .and_then(|c| c.get(1))
                .and_then(|m| parse_date(m.as_str()));
        }
    }
    // The latest stated application date: a renewed application restarts
    // the review period.
    case.meta.application_received = docs
        .iter()
        .filter_map(|d| application_received(&d.text))
        .max();
    // Age and sex from the earliest document that states them.
    for d in &docs {
        if let Some(c) = AGE_SEX.captures(&normalize_ws(head_of(&d.text))) {
            case.patient.age = c
                .get(1)
                .and_then(|m| m.as_str().parse().ok())
                .filter(|a: &u32| (1..=120).contains(a));
            case.patient.sex = c
                .get(2)
                .map(|m| match m.as_str().to_ascii_lowercase().as_str() {
                    "male" | "man" | "gentleman" => Sex::Male,
                    _ => Sex::Female,
                });
            break;
        }
    }
    case.documents = docs;
    Imported { case, warnings }
}

/// Header facts (case number, injury date, age and sex) are stated near the
/// top of a record; reading only the first 16 KiB keeps a 2,000-page record
/// fast.
fn head_of(text: &str) -> &str {
    let mut cut = text.len().min(16 * 1024);
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    text.get(..cut).unwrap_or(text)
}

/// The UR decision words we recognise, in a line after the service.
static UR_LINE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(
        r"(?i)^\s*(?:(?:\d{1,2}|[a-z])[.)]\s+|[-*\u{2022}]\s+)?(?:(?:requested\s+)?(?:service|treatment|request|item)\s*:\s*)?(.+?)\s*(?:[-\u{2013}\u{2014}:|]+|\s{2,})\s*(?:(?:decision|determination|outcome)\s*:\s*)?(non-?certified|not\s+certified|not\s+medically\s+necessary|denied|modified|partially\s+certified|certified|approved|authori[sz]ed)\b[\s.:;,-]*(.*)$",
    )
    .expect("static regex")
});
static MODIFIED_TO: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)^\s*(?:modified\s+to|certified\s+as|authori[sz]ed\s*(?:as|:)|certify|approved\s+as)\s*:?\s*(.+)$")
        .expect("static regex")
});

fn list_marker_stripped(s: &str) -> &str {
    static MARKER: Lazy<Regex> = Lazy::new(|| {
        Regex::new(r"^\s*(?:(?:\d{1,2}|[a-z])[.)]\s+|[-*\u{2022}]\s+)").expect("static regex")
    });
    match MARKER.find(s) {
        Some(m) => s.get(m.end()..).unwrap_or(s),
        None => s,
    }
}

static SERVICE_LABEL: Lazy<Regex> = Lazy::new(|| {
    Regex::new(
        r"(?i)^\s*(?:\d{1,2}[.)]\s*)?(?:requested\s+)?(?:service|treatment|request|item|procedure)(?:\s+requested)?\s*:\s*(.+)$",
    )
    .expect("static regex")
});
static DECISION_LABEL: Lazy<Regex> = Lazy::new(|| {
    Regex::new(
        r"(?i)^\s*(?:UR\s+)?(?:decision|determination|outcome|recommendation)\s*:\s*(non-?certified|not\s+certified|not\s+medically\s+necessary|denied|modified|partially\s+certified|certified|approved|authori[sz]ed)\b[\s.:;,-]*(.*)$",
    )
    .expect("static regex")
});
static PROSE_DECISION: Lazy<Regex> = Lazy::new(|| {
    Regex::new(
        r"(?i)\bthe\s+request(?:ed)?\s+(?:for\s+)?(?:an?\s+)?(.{3,160}?)\s+(?:is|was|has\s+been|will\s+be)\s+(non-?certified|not\s+certified|denied|modified|partially\s+certified)(?:\s+to\s+([^.;]{3,160}))?",
    )
    .expect("static regex")
});

/// A label that introduces a decision, never a service name.
static DECISION_WORD_LABEL: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"^(?:ur\s+)?(?:decision|determination|outcome|recommendation|status|result)$")
        .expect("static regex")
});

/// A service and its UR decision, before it becomes an item.
struct UrDecision {
    service: String,
    decision: String,
    /// Text that may name the authorized part of a modified request.
    authorized: Option<String>,
}

fn authorized_from(candidates: &[&str]) -> Option<String> {
    candidates
        .iter()
        .find_map(|c| MODIFIED_TO.captures(c))
        .and_then(|c| c.get(1))
        .map(|m| normalize_ws(m.as_str()).trim_end_matches('.').to_string())
}

/// Service lines of the form "1. Service - Non-certified".
fn ur_line_decisions(lines: &[&str]) -> Vec<UrDecision> {
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(c) = UR_LINE.captures(line) else {
            continue;
        };
        let service = c
            .get(1)
            .map(|m| normalize_ws(m.as_str()))
            .unwrap_or_default();
        // A sentence of prose mentioning a decision is not a service line.
        let lower = service.to_ascii_lowercase();
        if service.len() < 3
            || service.len() > 200
            || service.ends_with('.')
            || lower.starts_with("the ")
            || lower.contains(" was ")
            || lower.contains(" is ")
            || DECISION_WORD_LABEL.is_match(&lower)
        {
            continue;
        }
        let rest = c.get(3).map(|m| m.as_str().trim()).unwrap_or("");
        let next = lines.get(i + 1).copied().unwrap_or("");
        out.push(UrDecision {
            service,
            decision: c
                .get(2)
                .map(|m| normalize_ws(m.as_str()).to_ascii_lowercase())
                .unwrap_or_default(),
            authorized: authorized_from(&[rest, next]),
        });
    }
    out
}

/// Labelled blocks: "Requested service: X" then "Determination: Modified".
fn ur_block_decisions(lines: &[&str]) -> Vec<UrDecision> {
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(service) = SERVICE_LABEL
            .captures(line)
            .and_then(|c| c.get(1))
            .map(|m| normalize_ws(m.as_str()))
        else {
            continue;
        };
        for (k, next) in lines.iter().enumerate().skip(i + 1).take(4) {
            if SERVICE_LABEL.is_match(next) {
                break;
            }
            let Some(c) = DECISION_LABEL.captures(next) else {
                continue;
            };
            let rest = c.get(2).map(|m| m.as_str().trim()).unwrap_or("");
            let after: Vec<&str> = lines.iter().skip(k + 1).take(2).copied().collect();
            let mut candidates = vec![rest];
            candidates.extend(after);
            out.push(UrDecision {
                service: service.clone(),
                decision: c
                    .get(1)
                    .map(|m| normalize_ws(m.as_str()).to_ascii_lowercase())
                    .unwrap_or_default(),
                authorized: authorized_from(&candidates),
            });
            break;
        }
    }
    out
}

/// Prose: "The request for X is non-certified" / "… was modified to Y".
fn ur_prose_decisions(text: &str) -> Vec<UrDecision> {
    let norm = normalize_ws(text);
    PROSE_DECISION
        .captures_iter(&norm)
        .map(|c| UrDecision {
            service: c
                .get(1)
                .map(|m| m.as_str().trim().to_string())
                .unwrap_or_default(),
            decision: c
                .get(2)
                .map(|m| normalize_ws(m.as_str()).to_ascii_lowercase())
                .unwrap_or_default(),
            authorized: c.get(3).map(|m| m.as_str().trim().to_string()),
        })
        .collect()
}

/// Disputed items from a UR determination: every listed service whose
/// decision is non-certified/denied, or modified (a partial certification
/// whose authorized part follows as "Modified to: …"). Service lines are
/// tried first, then labelled blocks, then prose sentences.
pub(crate) fn items_from_ur(text: &str) -> Vec<DisputedItem> {
    let lines: Vec<&str> = text.lines().collect();
    let mut decisions = ur_line_decisions(&lines);
    if decisions.is_empty() {
        decisions = ur_block_decisions(&lines);
    }
    if decisions.is_empty() {
        decisions = ur_prose_decisions(text);
    }
    let mut items: Vec<DisputedItem> = Vec::new();
    for d in decisions {
        let duplicate = items.iter().any(|i| {
            let original = i.partial.as_ref().map_or(&i.text, |p| &p.original);
            original.eq_ignore_ascii_case(&d.service)
        });
        if duplicate {
            continue;
        }
        let id = ItemId(items.len() as u32);
        if d.decision.starts_with("modified") || d.decision.starts_with("partially") {
            let authorized = d.authorized.unwrap_or_default();
            let disputed = remainder(&d.service, &authorized);
            items.push(DisputedItem {
                id,
                text: disputed.clone(),
                partial: Some(PartialCertification {
                    original: d.service,
                    authorized,
                    disputed,
                }),
                depends_on: None,
            });
        } else if d.decision.starts_with("non")
            || d.decision.starts_with("not")
            || d.decision.starts_with("denied")
        {
            items.push(DisputedItem {
                id,
                text: d.service,
                partial: None,
                depends_on: None,
            });
        }
    }
    items
}

static NUMBER: Lazy<Regex> = Lazy::new(|| Regex::new(r"\d+").expect("static regex"));

/// The IMR-eligible remainder of a modified request. When the authorized
/// text is the original with smaller numbers (#90 → #60, 2x6 → 2x3), the
/// remainder is the original with each differing number reduced by the
/// authorized one; otherwise the whole original request remains eligible.
pub(crate) fn remainder(original: &str, authorized: &str) -> String {
    let skeleton = |s: &str| {
        NUMBER
            .replace_all(&s.to_ascii_lowercase(), "#")
            .into_owned()
    };
    if authorized.is_empty() || skeleton(original) != skeleton(authorized) {
        return original.to_string();
    }
    let a: Vec<u64> = NUMBER
        .find_iter(authorized)
        .filter_map(|m| m.as_str().parse().ok())
        .collect();
    let mut out = String::new();
    let mut last = 0;
    let mut changed = false;
    for (k, m) in NUMBER.find_iter(original).enumerate() {
        let (Ok(o), Some(&au)) = (m.as_str().parse::<u64>(), a.get(k)) else {
            return original.to_string();
        };
        out.push_str(original.get(last..m.start()).unwrap_or(""));
        if au < o {
            out.push_str(&(o - au).to_string());
            changed = true;
        } else if au == o {
            out.push_str(m.as_str());
        } else {
            return original.to_string();
        }
        last = m.end();
    }
    out.push_str(original.get(last..).unwrap_or(""));
    if changed { out } else { original.to_string() }
}

static RFA_HEADING: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)^\s*(?:requested\s+(?:services?|treatments?|items?)|(?:services?|treatments?)\s+requested|treatment\s+plan\s*/\s*requests?)\b.*$")
        .expect("static regex")
});

/// Requested services listed on an RFA, under a "Requested services" style
/// heading: one per line until a blank line or the next heading.
pub(crate) fn items_from_rfa(text: &str) -> Vec<DisputedItem> {
    let mut items = Vec::new();
    let mut in_list = false;
    for line in text.lines() {
        let clean = line.trim();
        if RFA_HEADING.is_match(clean) {
            in_list = true;
            continue;
        }
        if !in_list {
            continue;
        }
        if clean.is_empty() {
            if !items.is_empty() {
                in_list = false;
            }
            continue;
        }
        let looks_heading = clean.ends_with(':')
            || (clean.len() > 3
                && clean.chars().all(|c| !c.is_lowercase())
                && clean.chars().any(char::is_alphabetic));
        if looks_heading {
            if !items.is_empty() {
                in_list = false;
            }
            continue;
        }
        let service = normalize_ws(list_marker_stripped(clean));
        if service.len() >= 3 {
            items.push(DisputedItem {
                id: ItemId(items.len() as u32),
                text: service,
                partial: None,
                depends_on: None,
            });
        }
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_from_titles() {
        let k = |t: &str| detect_kind(t);
        assert_eq!(
            k("PRIMARY TREATING PHYSICIAN'S PROGRESS REPORT (PR-2)\n"),
            DocumentKind::ProgressReport
        );
        assert_eq!(
            k("Doctor's First Report of Occupational Injury or Illness"),
            DocumentKind::DoctorsFirstReport
        );
        assert_eq!(
            k("MRI OF THE RIGHT KNEE WITHOUT CONTRAST"),
            DocumentKind::ImagingReport
        );
        assert_eq!(
            k("Electrodiagnostic consultation\nEMG/NCV bilateral lower extremities"),
            DocumentKind::ElectrodiagnosticReport
        );
        assert_eq!(k("OPERATIVE REPORT"), DocumentKind::OperativeReport);
        assert_eq!(k("Panel QME Report"), DocumentKind::MedicalLegalReport);
        assert_eq!(
            k("STATE OF CALIFORNIA\nDWC Form RFA\nRequest for Authorization"),
            DocumentKind::RequestForAuthorization
        );
        assert_eq!(
            k("Utilization Review Determination\nRe: Request for Authorization"),
            DocumentKind::UtilizationReview
        );
        assert_eq!(k("Pharmacy receipt"), DocumentKind::Other);
        assert_eq!(
            k("Orthopedic Consultation\nReason for consultation: left knee pain"),
            DocumentKind::Consultation
        );
        assert_eq!(
            k("PHYSICAL THERAPY DAILY NOTE\nVisit #4"),
            DocumentKind::TherapyNote
        );
        assert_eq!(
            k("MRI LUMBAR SPINE WITHOUT CONTRAST.\nDate of exam: 05/03/2021"),
            DocumentKind::ImagingReport,
            "a stray full stop after a title in capitals (OCR)"
        );
    }

    #[test]
    fn kinds_from_headings_and_content_not_a_mentioned_word() {
        let k = |t: &str| detect_kind(t);
        // A progress note that mentions an MRI is not an imaging report.
        assert_eq!(
            k(
                "Harbor Spine Clinic\nThe MRI of the lumbar spine was reviewed today.\nSUBJECTIVE: pain\nOBJECTIVE: tender\nPLAN: therapy"
            ),
            DocumentKind::ProgressReport
        );
        assert_eq!(
            k(
                "Coastal Imaging Center\nPatient: A. Doe\nCLINICAL HISTORY: knee pain\nTECHNIQUE: sagittal images\nFINDINGS: tear\nIMPRESSION: tear"
            ),
            DocumentKind::ImagingReport
        );
        assert_eq!(
            k(
                "Valley Surgical Center\nPREOPERATIVE DIAGNOSIS: torn meniscus\nPOSTOPERATIVE DIAGNOSIS: same\nANESTHESIA: general"
            ),
            DocumentKind::OperativeReport
        );
        assert_eq!(
            k("Dr. Lane, MD\nRECORDS REVIEWED: many\nCAUSATION: industrial\nAPPORTIONMENT: none"),
            DocumentKind::MedicalLegalReport
        );
    }

    #[test]
    fn application_received_from_forms_and_prose() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd);
        assert_eq!(
            application_received("Form IMR\nApplication received: 11/07/2016\n"),
            d(2016, 11, 7)
        );
        assert_eq!(
            application_received(
                "Note: the worker's application for independent medical review was\nreceived on March 3, 2017."
            ),
            d(2017, 3, 3)
        );
        assert_eq!(
            application_received("Date IMR application received: 2/1/17"),
            d(2017, 2, 1)
        );
        // A request received is not an IMR application.
        assert_eq!(
            application_received("The request for authorization received on 10/11/2016"),
            None
        );
        assert_eq!(application_received("Date of injury: 02/15/2016"), None);
    }

    #[test]
    fn letterhead_above_the_title_is_skipped() {
        let (kind, title) = detect_kind_and_title(
            "Harbor Bone and Joint Group\n12 Pier Road, Suite 4\n\nPROGRESS REPORT (PR-2)\nReview of MRI today.\n",
        );
        assert_eq!(kind, DocumentKind::ProgressReport);
        assert_eq!(title, "PROGRESS REPORT (PR-2)");
    }

    #[test]
    fn dates_from_labels_and_headers() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd);
        assert_eq!(
            detect_date("PR-2\nDate of injury: 01/02/2015\nDate of service: 11/07/16\n"),
            d(2016, 11, 7)
        );
        assert_eq!(
            detect_date("X-ray report\nDOB: 4/4/1970\nMarch 3, 2016\n"),
            d(2016, 3, 3)
        );
        assert_eq!(detect_date("Nothing dated here"), None);
    }

    #[test]
    fn ur_lines_give_denied_and_modified_items() {
        let text = "UTILIZATION REVIEW DETERMINATION\n\
            1. Lumbar epidural steroid injection L5-S1 - Non-certified\n\
            2. Naproxen 550 mg #90 - Modified\n   Modified to: Naproxen 550 mg #60\n\
            3. Follow-up visit - Certified\n\
            The request was denied because records were incomplete.\n";
        let items = items_from_ur(text);
        assert_eq!(items.len(), 2, "{items:?}");
        assert_eq!(items[0].text, "Lumbar epidural steroid injection L5-S1");
        let p = items[1].partial.as_ref().expect("partial");
        assert_eq!(p.original, "Naproxen 550 mg #90");
        assert_eq!(p.authorized, "Naproxen 550 mg #60");
        assert_eq!(p.disputed, "Naproxen 550 mg #30");
    }

    #[test]
    fn ur_blocks_and_prose() {
        let blocks = "Utilization Review\nRequested service: Home H-wave device purchase\n\
            Determination: Non-certified\n\nRequested service: Chiropractic 2x6 neck\n\
            Determination: Modified\nAuthorized: Chiropractic 2x3 neck\n\
            Requested service: Office follow-up\nDetermination: Certified\n";
        let items = items_from_ur(blocks);
        assert_eq!(items.len(), 2, "{items:?}");
        assert_eq!(items[0].text, "Home H-wave device purchase");
        assert_eq!(items[1].disputed_text(), "Chiropractic 2x3 neck");
        let prose = "Notice of non-certification. After review, the request for lumbar\n\
            facet injections at L4-5 is non-certified. The request for\n\
            naproxen 550 mg #90 was modified to naproxen 550 mg #30.";
        let items = items_from_ur(prose);
        let t: Vec<&str> = items.iter().map(|i| i.disputed_text()).collect();
        assert_eq!(
            t,
            ["lumbar facet injections at L4-5", "naproxen 550 mg #60"]
        );
    }

    #[test]
    fn remainder_of_modified_requests() {
        assert_eq!(remainder("PT 2x6 lumbar", "PT 2x3 lumbar"), "PT 2x3 lumbar");
        assert_eq!(remainder("Brace", "Home exercise kit"), "Brace");
        assert_eq!(
            remainder("Gabapentin 300 mg #60", "Gabapentin 300 mg #60"),
            "Gabapentin 300 mg #60"
        );
    }

    #[test]
    fn rfa_fallback_lists_services() {
        let text = "DWC Form RFA\nRequested services:\n1) Acupuncture 2x4 neck\n2) Home TENS unit\n\nPROVIDER SIGNATURE\n";
        let items = items_from_rfa(text);
        let t: Vec<&str> = items.iter().map(|i| i.text.as_str()).collect();
        assert_eq!(t, ["Acupuncture 2x4 neck", "Home TENS unit"]);
    }
}
