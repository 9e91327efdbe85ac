//! Clinical fact extraction: from a document's text to dated, located facts,
//! each tied to the words it came from.
//!
//! The pipeline: [`text::dewrap`] undoes pdftotext line wrapping (keeping a map
//! back to the original offsets), [`text::sentences`] splits sentences,
//! [`dates::find_dates`] normalises dates, a lexicon automaton finds concepts
//! and a scoped trigger reading decides each fact's certainty and subject.
//! Spans in the returned facts always index the document's original text,
//! because that is what the reviewer sees highlighted.

mod facts;
mod lexicon;

use std::sync::LazyLock;

use chrono::NaiveDate;

use crate::case::{Case, Document};
use crate::fact::{Fact, FactKind, FuzzyDate, Span};

use crate::text::{dates, dewrap};

/// What the extractor needs to know beyond the text: the dates that resolve
/// relative phrases and date facts that carry no date of their own.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExtractContext {
    /// The document's own date (date of service or of the report).
    pub document_date: Option<NaiveDate>,
    /// Whether the document's date also dates what it observes. A report's
    /// does; a published letter's case summary is dated by the letter, long
    /// after the events it retells, so its facts take only dates the text
    /// gives them.
    pub observed_on_document_date: bool,
    /// The case's date of injury.
    pub injury_date: Option<NaiveDate>,
}

impl ExtractContext {
    /// The context of one document of a case.
    pub fn for_document(case: &Case, doc: &Document) -> Self {
        ExtractContext {
            document_date: doc.date,
            observed_on_document_date: doc.kind != crate::case::DocumentKind::CaseSummary,
            injury_date: case.meta.date_of_injury,
        }
    }
}

/// Every fact in one document, in text order.
pub fn extract_document(doc: &Document, ctx: &ExtractContext) -> Vec<Fact> {
    facts::extract(&doc.text, doc.id, ctx)
}

/// Every fact in every document of the case, in document order.
pub fn extract_case(case: &Case) -> Vec<Fact> {
    case.documents
        .iter()
        .flat_map(|doc| extract_document(doc, &ExtractContext::for_document(case, doc)))
        .collect()
}

static VOCABULARY: LazyLock<Vec<(FactKind, &'static str)>> = LazyLock::new(|| {
    let mut out: Vec<(FactKind, &'static str)> = vec![
        (FactKind::Demographics, "age"),
        (FactKind::Demographics, "sex"),
        (FactKind::InjuryDate, "injury_date"),
        (FactKind::PainScore, "pain_score"),
        (FactKind::UtilizationReview, "ur_decision"),
    ];
    for line in lexicon::parse_lines() {
        if let Some(kind) = line.kind {
            for concept in line.concepts {
                if !out.contains(&(kind, concept)) {
                    out.push((kind, concept));
                }
            }
        }
    }
    for drug in crate::drug::lexicon() {
        out.push((FactKind::Medication, drug.concept.as_str()));
    }
    out
});

/// Every `(kind, concept)` the extractor can emit. The guideline library
/// validates its rules against this list, so a rule can never wait for a
/// concept that is never produced. Concept names are stable snake_case;
/// medications use the generic name (`hydrocodone_acetaminophen`).
pub fn vocabulary() -> &'static [(FactKind, &'static str)] {
    &VOCABULARY
}

/// The class of a medication concept (one of [`crate::drug::CLASSES`]), so
/// rules can speak of classes while facts keep the drug.
pub fn drug_class(concept: &str) -> Option<&'static str> {
    crate::drug::class_of(concept)
}

/// A dated reference to a report inside a text ("progress report dated
/// 10/12/2016", "PR-2 of 03/04/2015"): the timeline shows these in the
/// Reports lane even when the report itself is not in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportReference {
    /// The words, in the original text.
    pub span: Span,
    pub date: FuzzyDate,
    /// What kind of report, as written ("progress report").
    pub label: String,
}

static REPORT_REF: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(
        r"(?i)\b(progress (?:report|note)s?|PR-?2|primary treating physician'?s? (?:progress )?report|(?:initial |orthopedic |pain management |psychological |neurosurgical )?(?:evaluation|consultation)|(?:office |follow-?up )?(?:visit|note)|(?:AME|QME|PQME) report|doctor'?s first report|operative report|(?:medical )?report)s?\s+(?:dated|of|on|from)\s+",
    )
    .unwrap_or_else(|e| panic!("bad built-in pattern: {e}"))
});

/// Every dated report reference in a document text.
pub fn report_references(text: &str) -> Vec<ReportReference> {
    let (flat, map) = dewrap(text);
    let dates = dates::find_dates(&flat, None);
    let mut out = Vec::new();
    for c in REPORT_REF.captures_iter(&flat) {
        let (Some(all), Some(name)) = (c.get(0), c.get(1)) else {
            continue;
        };
        let lo = dates.partition_point(|(s, _)| s.start < all.end());
        if let Some((s, d)) = dates.get(lo).filter(|(s, _)| s.start == all.end()) {
            out.push(ReportReference {
                span: map.span_to_original(Span::new(all.start(), s.end)),
                date: *d,
                label: name.as_str().to_ascii_lowercase(),
            });
        }
    }
    out
}
