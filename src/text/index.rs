//! The sentence index of a case: every sentence once, annotated with what it
//! is about and who speaks.
//!
//! A criterion quotes sentences as evidence; a physician trusts a quote only
//! when it is about the item (its body region and side), comes from the
//! clinical record (not the request or the utilization review's paraphrase),
//! is dated by what it observes, and is a finding when a finding is asked
//! for. Each [`Sentence`] carries those facts, read from its own words and
//! from the heading or lead-in it sits under, so the engine can scope
//! evidence without knowing how records are laid out.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use crate::case::{Case, DocId, Document, DocumentKind};
use crate::fact::{BodyRegion, FuzzyDate, Side, Span};

use super::anatomy::{PLACES, Place};
use super::certainty::{self, Trigger};
use super::dates;
use super::phrase::{normalize, word_matches};
use super::wrap::{dewrap, sentences_in};

/// Who speaks in a sentence. Only the clinical record is evidence about the
/// patient; the request and the review of it are the dispute itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    /// The patient's records: reports, examinations, studies, summaries.
    Clinical,
    /// The request for authorization, or a sentence that states it.
    Request,
    /// A utilization review determination, or a sentence that reports one.
    UtilizationReview,
}

/// How a sentence's regions were found, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RegionFrom {
    /// The sentence names them, or its lead-in label does ("Left knee: …").
    Words,
    /// Carried from the sentence before it in the same paragraph.
    Context,
    /// The heading the sentence sits under ("LUMBAR SPINE EXAMINATION").
    Heading,
    /// Nothing says.
    Unknown,
}

/// One sentence of a document, annotated.
#[derive(Debug, Clone)]
pub struct Sentence {
    pub doc: DocId,
    /// The sentence in the document's original text.
    pub span: Span,
    /// Normalized for matching ([`normalize`]).
    pub norm: String,
    /// The sentence as printed, whitespace collapsed (the evidence quote).
    pub quote: String,
    /// When what the sentence reports happened: the date an opening phrase
    /// gives it ("On 03/18/2016, …", carried through its paragraph), else
    /// the document's own date. A date elsewhere in the sentence dates only
    /// the event it belongs to, not the sentence.
    pub date: Option<FuzzyDate>,
    /// The body regions the sentence is about.
    pub regions: Vec<BodyRegion>,
    pub sides: Vec<Side>,
    pub region_from: RegionFrom,
    pub source: Source,
    /// A diagnosis label (a "Diagnoses:" list, "was diagnosed with"), not
    /// an examination or study finding.
    pub diagnosis_line: bool,
    /// Under a plan, recommendations or requests heading: what it names is
    /// proposed, in the requesting physician's voice, not done.
    pub planned_section: bool,
    /// A heading or title line: it names a section, it is no evidence.
    pub heading: bool,
    /// Certainty triggers in `norm`, found once.
    pub triggers: Vec<Trigger>,
}

impl Sentence {
    /// The regions the sentence or its heading states. A region only
    /// carried from the sentence before is a reading aid, too weak to rule
    /// evidence in or out: summaries move between regions without saying.
    pub fn stated_regions(&self) -> &[BodyRegion] {
        match self.region_from {
            RegionFrom::Words | RegionFrom::Heading => &self.regions,
            RegionFrom::Context | RegionFrom::Unknown => &[],
        }
    }

    /// The certainty of `start..end` of [`Sentence::norm`] by the toolkit's
    /// one policy.
    pub fn certainty_of(
        &self,
        start: usize,
        end: usize,
        facet: certainty::Facet,
    ) -> Option<crate::fact::Certainty> {
        let review = certainty::review_triggers(&self.triggers);
        let reading = certainty::read(&self.triggers, &review, start, end, facet.treatment);
        certainty::settle(&reading, facet)
    }
}

/// Every sentence of a case, with a lookup from a fact's sentence span.
#[derive(Debug, Clone, Default)]
pub struct SentenceIndex {
    pub sentences: Vec<Sentence>,
    by_span: HashMap<(DocId, Span), usize>,
}

impl SentenceIndex {
    /// Splits and annotates every document of the case.
    pub fn build(case: &Case) -> SentenceIndex {
        let mut sentences = Vec::new();
        for doc in &case.documents {
            annotate_document(doc, &mut sentences);
        }
        let by_span = sentences
            .iter()
            .enumerate()
            .map(|(i, s)| ((s.doc, s.span), i))
            .collect();
        SentenceIndex { sentences, by_span }
    }

    /// The sentence a fact was found in (the extractor splits with the same
    /// splitter, so its sentence span is a key here).
    pub fn at(&self, doc: DocId, span: Span) -> Option<&Sentence> {
        self.by_span
            .get(&(doc, span))
            .and_then(|&i| self.sentences.get(i))
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Sentence> {
        self.sentences.iter()
    }

    pub fn len(&self) -> usize {
        self.sentences.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sentences.is_empty()
    }
}

fn re(pattern: &str) -> Regex {
    // Built-in literals, exercised by the unit tests.
    Regex::new(pattern).unwrap_or_else(|e| panic!("bad built-in pattern: {e}"))
}

/// Words that report a utilization review's decision or reasoning.
static UR_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\butilization review\b|\bUR\b|\bnon-?certif|\bnoncertif|\bnot certified\b|\b(?:partially |was |were )certified\b|\bmodified to\b|\bupheld\b|\bclaims administrator\b|\bindependent medical review\b|\bIMR\b|\bnot medically (?:necessary|indicated)\b|\bdenied the request|\brequests? (?:was|were) (?:denied|modified)\b|\bprior (?:review|denial)\b|\breviewer\b",
    )
});

/// Words that state a request for treatment.
static REQUEST_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\brequest(?:s|ed|ing)?\b|\bauthori[sz]ation\b|\bRFA\b|\bre-?requested\b|\bis being sought\b",
    )
});

/// A lead-in or heading that introduces diagnoses.
static DIAGNOSIS_LABEL: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\b(?:diagnos[ei]s|assessment)\b"));

/// A sentence that states a diagnosis rather than a finding.
static DIAGNOSIS_SENTENCE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^(?:the |his |her |current |working |discharge |final )?(?:diagnos[ei]s|assessment)\b|\bdiagnosed (?:with|as)\b|\b(?:diagnos[ei]s|diagnoses) (?:include|included|includes|are|were|was|is|of)\b",
    )
});

/// Spinal levels name their region ("L4-5", "C5-C6", "T12").
static SPINAL_LEVEL: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b([CTL])\s?(\d{1,2})(?:\s*(?:-|/)\s*[CTLS]?\s?\d{1,2})?\b|\bS1\b"));

/// "back" names the low back only as a body part ("back pain", "her back"),
/// not in "back to work" or "came back".
fn back_is_anatomy(lower: &str, start: usize, end: usize) -> bool {
    let before = lower[..start].split_whitespace().next_back().unwrap_or("");
    let after = lower[end..]
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("");
    matches!(
        before,
        "his" | "her" | "the" | "their" | "my" | "of" | "to" | "and"
    ) && !matches!(after, "to" | "in" | "on" | "of" | "from" | "at")
        || matches!(
            after,
            "pain"
                | "ache"
                | "aches"
                | "injury"
                | "spasm"
                | "spasms"
                | "stiffness"
                | "tenderness"
                | "complaints"
                | "symptoms"
                | "surgery"
                | "brace"
                | "strain"
                | "sprain"
                | "and"
        )
}

/// The regions and sides named in `lower` (any lower-cased text).
pub fn places(lower: &str) -> (Vec<BodyRegion>, Vec<Side>) {
    let mut regions = Vec::new();
    let mut sides = Vec::new();
    if let Some((automaton, kinds)) = PLACES.as_ref() {
        for (start, end, pattern) in word_matches(automaton, lower) {
            match kinds.get(pattern) {
                Some(Place::Region(r)) => {
                    if lower.get(start..end) == Some("back") && !back_is_anatomy(lower, start, end)
                    {
                        continue;
                    }
                    if !regions.contains(r) {
                        regions.push(*r);
                    }
                }
                Some(Place::Side(s)) if !sides.contains(s) => sides.push(*s),
                _ => {}
            }
        }
    }
    (regions, sides)
}

/// The regions a text's spinal levels name (from the text as printed: level
/// letters are capitals).
fn level_regions(text: &str, regions: &mut Vec<BodyRegion>) {
    for c in SPINAL_LEVEL.captures_iter(text) {
        let r = match c.get(1).map(|m| m.as_str()) {
            Some("C") => BodyRegion::Cervical,
            Some("T") => BodyRegion::Thoracic,
            _ => BodyRegion::Lumbar,
        };
        if !regions.contains(&r) {
            regions.push(r);
        }
    }
}

/// Whether a sentence reads as a heading: short, and ending in a colon or
/// written in capitals.
fn is_heading(quote: &str) -> bool {
    let t = quote.trim();
    t.len() <= 60
        && (t.ends_with(':')
            || (t.chars().any(|c| c.is_ascii_uppercase()) && !t.chars().any(|c| c.is_lowercase())))
}

/// The label before a colon at the start of a sentence ("Left knee: …"),
/// if short enough to be one.
fn lead_in(quote: &str) -> Option<&str> {
    let colon = quote.find(':')?;
    (colon > 0 && colon <= 40).then(|| &quote[..colon])
}

fn source_of(doc: &Document, quote: &str) -> Source {
    match doc.kind {
        DocumentKind::RequestForAuthorization => Source::Request,
        DocumentKind::UtilizationReview => Source::UtilizationReview,
        _ if UR_WORDS.is_match(quote) => Source::UtilizationReview,
        _ if REQUEST_WORDS.is_match(quote) => Source::Request,
        _ => Source::Clinical,
    }
}

/// A heading or lead-in that introduces plans, recommendations or requests.
static PLAN_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^\s*(?:treatment\s+)?(?:plan|plan\s+of\s+care|recommendations?|requests?|requested(?:\s+services|\s+treatment)?|treatment\s+requested|authori[sz]ation\s+requested|disposition|orders?)\b",
    )
});

/// A heading that lists what is being requested.
static REQUEST_LABEL: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\brequest|\bauthori[sz]ation\b|\bRFA\b"));

/// What the heading a sentence sits under says.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Section {
    pub regions: Vec<BodyRegion>,
    pub sides: Vec<Side>,
    /// Under a "Diagnoses" or "Assessment" heading.
    pub diagnoses: bool,
    /// Under a plan, recommendations or requests heading (or after such a
    /// lead-in on the sentence's own line): treatments named there are
    /// proposed, not done.
    pub plan: bool,
    /// Under a heading that lists requested services.
    pub request: bool,
}

/// The section each sentence of a de-wrapped text sits under, in the order
/// of `spans`: a heading opens a section that lasts to the next heading; a
/// lead-in label ("Plan: …") marks its own sentence. The extractor and the
/// sentence index read sections from here alone.
pub fn sections(flat: &str, spans: &[Span]) -> Vec<Section> {
    let mut current = Section::default();
    let mut out = Vec::with_capacity(spans.len());
    for span in spans {
        let quote = flat.get(span.start..span.end).unwrap_or("").trim();
        if is_heading(quote) {
            let lower = quote.to_ascii_lowercase();
            let (mut regions, sides) = places(&lower);
            level_regions(quote, &mut regions);
            current = Section {
                regions,
                sides,
                diagnoses: DIAGNOSIS_LABEL.is_match(quote),
                plan: PLAN_LABEL.is_match(quote),
                request: PLAN_LABEL.is_match(quote) && REQUEST_LABEL.is_match(quote),
            };
            out.push(current.clone());
            continue;
        }
        let mut this = current.clone();
        if let Some(label) = lead_in(quote) {
            this.plan |= PLAN_LABEL.is_match(label);
            this.request |= PLAN_LABEL.is_match(label) && REQUEST_LABEL.is_match(label);
        }
        out.push(this);
    }
    out
}

fn annotate_document(doc: &Document, out: &mut Vec<Sentence>) {
    let (flat, map) = dewrap(&doc.text);
    let lower = flat.to_ascii_lowercase();
    let spans = sentences_in(&flat);
    let found = dates::find_dates(&flat, doc.date);
    let dated = dates::event_dates(&lower, &found);
    let governing = dates::governing(&lower, &spans, &dated);
    // A published letter's summary is dated by the letter, not by what it
    // retells (see `ExtractContext::observed_on_document_date`).
    let doc_date = doc
        .date
        .filter(|_| doc.kind != DocumentKind::CaseSummary)
        .map(FuzzyDate::day);
    let bytes = flat.as_bytes();
    let headed = sections(&flat, &spans);
    // The regions of the sentence before, within a paragraph, and where
    // they came from: a heading's regions stay the heading's.
    let mut context: (Vec<BodyRegion>, Vec<Side>, RegionFrom) =
        (Vec::new(), Vec::new(), RegionFrom::Unknown);
    for (i, span) in spans.iter().enumerate() {
        let Some(text) = flat.get(span.start..span.end) else {
            continue;
        };
        let quote = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if quote.is_empty() {
            continue;
        }
        let new_line = span.start == 0 || bytes.get(span.start.saturating_sub(1)) == Some(&b'\n');
        let section = headed.get(i).cloned().unwrap_or_default();
        if new_line {
            context = (
                section.regions.clone(),
                section.sides.clone(),
                RegionFrom::Heading,
            );
        }
        let own_lower = lower.get(span.start..span.end).unwrap_or("");
        let (mut regions, sides) = places(own_lower);
        level_regions(text, &mut regions);
        if is_heading(&quote) {
            context = (regions.clone(), sides.clone(), RegionFrom::Heading);
        }
        let label_diagnoses = lead_in(&quote).is_some_and(|l| DIAGNOSIS_LABEL.is_match(l));
        let (regions, sides, region_from) = if !regions.is_empty() {
            (regions, sides, RegionFrom::Words)
        } else if !context.0.is_empty() {
            let sides = if sides.is_empty() {
                context.1.clone()
            } else {
                sides
            };
            (context.0.clone(), sides, context.2)
        } else {
            (Vec::new(), sides, RegionFrom::Unknown)
        };
        if region_from == RegionFrom::Words {
            context = (regions.clone(), sides.clone(), RegionFrom::Context);
        }
        let norm = normalize(&quote);
        let triggers = certainty::find_triggers(&norm);
        out.push(Sentence {
            doc: doc.id,
            span: map.span_to_original(*span),
            heading: is_heading(&quote),
            source: if section.request || section.plan {
                Source::Request
            } else {
                source_of(doc, &quote)
            },
            planned_section: section.plan,
            diagnosis_line: section.diagnoses
                || label_diagnoses
                || DIAGNOSIS_SENTENCE.is_match(&quote),
            date: governing.get(i).copied().flatten().or(doc_date),
            norm,
            quote,
            regions,
            sides,
            region_from,
            triggers,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::Document;
    use chrono::NaiveDate;

    fn index(kind: DocumentKind, text: &str) -> Vec<Sentence> {
        let mut doc = Document::new(DocId(0), kind, "note", text.to_string());
        doc.date = NaiveDate::from_ymd_opt(2016, 10, 10);
        let mut out = Vec::new();
        annotate_document(&doc, &mut out);
        out
    }

    fn find<'a>(s: &'a [Sentence], words: &str) -> &'a Sentence {
        s.iter()
            .find(|x| x.quote.contains(words))
            .unwrap_or_else(|| panic!("no sentence with {words:?}"))
    }

    #[test]
    fn regions_come_from_words_lead_ins_and_headings() {
        let s = index(
            DocumentKind::ProgressReport,
            "PHYSICAL EXAMINATION:\n\nLeft knee: medial joint line tenderness. Strength is 4/5.\n\nLUMBAR SPINE\n\nThere is paraspinal spasm.\nReflexes are symmetric.\n",
        );
        let knee = find(&s, "joint line");
        assert_eq!(knee.regions, vec![BodyRegion::Knee]);
        assert_eq!(knee.sides, vec![Side::Left]);
        let carried = find(&s, "Strength is 4/5");
        assert_eq!(
            carried.regions,
            vec![BodyRegion::Knee],
            "under the lead-in's heading"
        );
        assert_eq!(carried.region_from, RegionFrom::Context);
        let heading = index(
            DocumentKind::ProgressReport,
            "RIGHT KNEE:\n\nJoint line tenderness. Quadriceps strength 4/5.\n",
        );
        let under = find(&heading, "Quadriceps");
        assert_eq!(under.regions, vec![BodyRegion::Knee]);
        assert_eq!(
            under.region_from,
            RegionFrom::Heading,
            "a heading's region stays stated"
        );
        let spasm = find(&s, "paraspinal spasm");
        assert_eq!(spasm.regions, vec![BodyRegion::Lumbar]);
        assert_eq!(spasm.region_from, RegionFrom::Heading);
        assert_eq!(find(&s, "Reflexes").regions, vec![BodyRegion::Lumbar]);
    }

    #[test]
    fn back_names_the_low_back_only_as_anatomy() {
        assert_eq!(places("she has low back pain").0, vec![BodyRegion::Lumbar]);
        assert_eq!(places("her back hurts").0, vec![BodyRegion::Lumbar]);
        assert!(places("he went back to work on light duty").0.is_empty());
        assert!(places("she came back in two weeks").0.is_empty());
    }

    #[test]
    fn cauda_equina_signs_are_about_the_low_back() {
        assert_eq!(places("No saddle anesthesia.").0, vec![BodyRegion::Lumbar]);
        assert_eq!(
            places("She denies saddle numbness or perineal tingling.").0,
            vec![BodyRegion::Lumbar]
        );
    }

    #[test]
    fn spinal_levels_name_their_region() {
        let s = index(
            DocumentKind::ImagingReport,
            "There is a 3 mm protrusion at L4-5.",
        );
        assert_eq!(s[0].regions, vec![BodyRegion::Lumbar]);
    }

    #[test]
    fn request_and_review_sentences_are_not_clinical() {
        let s = index(
            DocumentKind::CaseSummary,
            "The patient reports numbness in the left leg. The provider requested an MRI of the lumbar spine. Utilization review non-certified the MRI on 11/01/2016. The patient denied bowel changes.",
        );
        assert_eq!(find(&s, "numbness").source, Source::Clinical);
        assert_eq!(find(&s, "requested an MRI").source, Source::Request);
        assert_eq!(find(&s, "non-certified").source, Source::UtilizationReview);
        assert_eq!(
            find(&s, "denied bowel").source,
            Source::Clinical,
            "a patient's denial"
        );
        let rfa = index(
            DocumentKind::RequestForAuthorization,
            "Lumbar MRI for radiculopathy.",
        );
        assert_eq!(rfa[0].source, Source::Request);
    }

    #[test]
    fn dates_inside_a_sentence_do_not_date_it() {
        let s = index(
            DocumentKind::ProgressReport,
            "She reports that her numbness has been worse ever since the MRI of 03/18/2016 was read. On 09/01/2016, she fell. She now uses a cane.",
        );
        let doc_day = FuzzyDate::day(NaiveDate::from_ymd_opt(2016, 10, 10).unwrap());
        assert_eq!(find(&s, "worse ever since").date, Some(doc_day));
        let fell = FuzzyDate::day(NaiveDate::from_ymd_opt(2016, 9, 1).unwrap());
        assert_eq!(find(&s, "she fell").date, Some(fell));
        assert_eq!(
            find(&s, "uses a cane").date,
            Some(fell),
            "carried in the paragraph"
        );
    }

    #[test]
    fn plan_and_request_sections_are_proposals() {
        let s = index(
            DocumentKind::ProgressReport,
            "OBJECTIVE:\n\nAntalgic gait.\n\nPLAN\n1. Physical therapy 2 times a week for 6 weeks.\n2. Naproxen 550 mg #60.\n\nREQUESTED SERVICES:\n1. Lumbar MRI.\n",
        );
        assert!(!find(&s, "Antalgic").planned_section);
        assert!(find(&s, "Physical therapy").planned_section);
        assert_eq!(find(&s, "Physical therapy").source, Source::Request);
        assert!(find(&s, "PLAN").heading);
        assert!(!find(&s, "Antalgic").heading);
        assert!(find(&s, "Lumbar MRI").planned_section);
        assert_eq!(find(&s, "Lumbar MRI").source, Source::Request);
        let lead = index(
            DocumentKind::ProgressReport,
            "Plan: acupuncture for six visits.",
        );
        assert!(lead[0].planned_section);
    }

    #[test]
    fn diagnosis_lines_are_told_from_findings() {
        let s = index(
            DocumentKind::ProgressReport,
            "DIAGNOSES:\n\n1. Lumbar radiculopathy.\n\nEXAM:\n\nDecreased sensation in the L5 dermatome.\nHe was diagnosed with a meniscal tear.\n",
        );
        assert!(find(&s, "Lumbar radiculopathy").diagnosis_line);
        assert!(!find(&s, "Decreased sensation").diagnosis_line);
        assert!(find(&s, "diagnosed with").diagnosis_line);
    }
}
