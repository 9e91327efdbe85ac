//! Answering a guideline's criteria: met, not met or not documented, each
//! met / not-met answer with the sentences that show it. No evidence, no
//! claim: a criterion the records are silent on is *not documented*.

use std::cmp::Reverse;
use std::collections::HashSet;
use std::sync::LazyLock;

use regex::Regex;

use crate::assessment::{Answer, CriterionResult, Evidence};
use crate::case::{Case, DocumentKind};
use crate::fact::{BodyRegion, Certainty, Fact, FactKind, FuzzyDate, Side};
use crate::guideline::{Expect, Guideline, Operation, RegionScope, Rule};
use crate::request::Request;
use crate::text::certainty::Facet;
use crate::text::counted;
use crate::text::{self, Phrases, Sentence, SentenceIndex, Source};

/// At most this many quotes per answer: enough to show the pattern without
/// burying the reviewer.
const MAX_QUOTES: usize = 3;

/// Answers every criterion of `g` for the request.
pub fn answer_criteria(
    g: &Guideline,
    req: &Request,
    case: &Case,
    facts: &[Fact],
    sentences: &SentenceIndex,
) -> Vec<CriterionResult> {
    g.criteria
        .iter()
        .map(|c| {
            let ctx = Context {
                req,
                case,
                facts,
                sentences,
                findings_only: c.findings_only,
            };
            let (answer, evidence, note) = ctx.eval(&c.rule);
            CriterionResult {
                id: c.id.clone(),
                question: c.question.clone(),
                answer,
                evidence,
                note,
            }
        })
        .collect()
}

struct Context<'a> {
    req: &'a Request,
    case: &'a Case,
    facts: &'a [Fact],
    sentences: &'a SentenceIndex,
    /// The criterion asks for examination, imaging or electrodiagnostic
    /// findings: a diagnosis line alone does not answer it.
    findings_only: bool,
}

/// Words of a radicular or neurologic finding: in a limb, they speak of the
/// spinal region that supplies it.
static RADICULAR: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"\b(?:radiat\w*|radicul\w*|dermatom\w*|myotom\w*|numb\w*|tingl\w*|paresthes\w*|sensation|sensory|reflex\w*|sciatica|straight leg|spurling\w*|nerve root\w*|[lcs]\d(?:-\d)?)\b",
    )
    .ok()
});

/// The limb a spinal region supplies, and the regions of that limb.
fn limb_of_spine(spine: BodyRegion) -> &'static [BodyRegion] {
    match spine {
        BodyRegion::Cervical => &[
            BodyRegion::Shoulder,
            BodyRegion::Elbow,
            BodyRegion::WristHand,
        ],
        BodyRegion::Lumbar => &[BodyRegion::Hip, BodyRegion::Knee, BodyRegion::AnkleFoot],
        _ => &[],
    }
}

/// How closely a piece of evidence is about the item: named for its region
/// (and side), or silent on region. Evidence about another region, or the
/// other side of a one-sided request, is not about the item at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Aboutness {
    Named,
    Silent,
}

/// A piece of evidence found for a criterion, before scoping is settled.
struct Found {
    evidence: Evidence,
    about: Aboutness,
    source: Source,
    diagnosis_line: bool,
}

/// How the found evidence speaks of the criterion.
#[derive(Default)]
struct Findings {
    affirmed: Vec<Found>,
    negated: Vec<Found>,
}

type Outcome = (Answer, Vec<Evidence>, String);

fn limit(value: Option<u32>, max: u32, what: &str) -> Outcome {
    match value {
        Some(v) if v <= max => (
            Answer::Met,
            Vec::new(),
            format!("{v} {what} requested; the guideline supports up to {max}."),
        ),
        Some(v) => (
            Answer::NotMet,
            Vec::new(),
            format!("{v} {what} requested; the guideline supports up to {max}."),
        ),
        None => (
            Answer::NotDocumented,
            Vec::new(),
            format!("The request does not state the {what}."),
        ),
    }
}

impl Context<'_> {
    /// Whether evidence with these regions and sides is about the item.
    /// A request without a region takes everything; evidence silent on
    /// region applies to every item; a spinal item also takes radicular
    /// findings in the limb it supplies.
    fn about(&self, regions: &[BodyRegion], sides: &[Side], norm: &str) -> Option<Aboutness> {
        let Some(want) = self.req.region else {
            return Some(Aboutness::Silent);
        };
        if regions.is_empty() {
            return Some(Aboutness::Silent);
        }
        let other_side = match self.req.side {
            Some(side @ (Side::Left | Side::Right)) => {
                !sides.is_empty() && !sides.contains(&side) && !sides.contains(&Side::Bilateral)
            }
            _ => false,
        };
        if regions.contains(&want) {
            return (!other_side).then_some(Aboutness::Named);
        }
        let limb = limb_of_spine(want);
        let radicular = RADICULAR.as_ref().is_some_and(|r| r.is_match(norm));
        (!limb.is_empty() && radicular && !other_side && regions.iter().all(|r| limb.contains(r)))
            .then_some(Aboutness::Silent)
    }

    /// Settles a criterion on what the clinical record says about the item.
    /// The request and the utilization review are the dispute, not a record
    /// of the patient, and a diagnosis label is not a finding: when only
    /// they speak to the criterion, it is "not documented", quoting them
    /// with the reason. One sentence is quoted once, the ones named for the
    /// item first, then the most recent.
    fn settle(&self, expect: Expect, found: Findings, what: &str) -> Outcome {
        let (yes, no) = match expect {
            Expect::Present => (found.affirmed, found.negated),
            Expect::Absent => (found.negated, found.affirmed),
        };
        let usable =
            |f: &Found| f.source == Source::Clinical && !(self.findings_only && f.diagnosis_line);
        let (clin_yes, other_yes): (Vec<Found>, Vec<Found>) = yes.into_iter().partition(usable);
        let (clin_no, other_no): (Vec<Found>, Vec<Found>) = no.into_iter().partition(usable);
        let clin_yes = ranked(clin_yes);
        let clin_no = ranked(clin_no);
        if !clin_yes.is_empty() {
            let n = clin_yes.len();
            return (
                Answer::Met,
                clin_yes.into_iter().take(MAX_QUOTES).collect(),
                format!(
                    "{} in the records {} it ({what}).",
                    counted(n, "sentence", "sentences"),
                    agree(n, "supports", "support")
                ),
            );
        }
        if !clin_no.is_empty() {
            let n = clin_no.len();
            return (
                Answer::NotMet,
                clin_no.into_iter().take(MAX_QUOTES).collect(),
                format!(
                    "{} in the records {} it ({what}).",
                    counted(n, "sentence", "sentences"),
                    agree(n, "contradicts", "contradict")
                ),
            );
        }
        let others: Vec<Found> = other_yes.into_iter().chain(other_no).collect();
        if others.is_empty() {
            return (
                Answer::NotDocumented,
                Vec::new(),
                format!("The records provided do not mention it ({what})."),
            );
        }
        let why = if others.iter().any(|f| f.source == Source::UtilizationReview) {
            "only the utilization review determination speaks to it"
        } else if others.iter().any(|f| f.source == Source::Request) {
            "only the request itself speaks to it, and a request is not a clinical finding"
        } else {
            "only a diagnosis is listed, without an examination or study finding"
        };
        (
            Answer::NotDocumented,
            ranked(others).into_iter().take(MAX_QUOTES).collect(),
            format!(
                "The medical records provided do not document it ({what}); {why}, quoted here."
            ),
        )
    }

    /// A fact as evidence, scoped by its own region and side, else by its
    /// sentence's; none from a heading.
    fn found_fact(&self, f: &Fact) -> Option<Found> {
        let sentence = self.sentences.at(f.doc, f.sentence);
        // A heading names a section ("URINE DRUG SCREEN"); it is no evidence.
        if sentence.is_some_and(|s| s.heading) {
            return None;
        }
        let regions: Vec<BodyRegion> = match f.region {
            Some(r) => vec![r],
            None => sentence
                .map(|s| s.stated_regions().to_vec())
                .unwrap_or_default(),
        };
        let sides: Vec<Side> = match f.side {
            Some(s) => vec![s],
            None => sentence.map(|s| s.sides.clone()).unwrap_or_default(),
        };
        let norm = sentence.map(|s| s.norm.as_str()).unwrap_or("");
        let about = self.about(&regions, &sides, norm)?;
        let doc = self.case.document(f.doc);
        let source = match (sentence, doc.map(|d| d.kind)) {
            (_, Some(DocumentKind::UtilizationReview)) => Source::UtilizationReview,
            (_, Some(DocumentKind::RequestForAuthorization)) => Source::Request,
            (Some(s), _) => s.source,
            (None, _) => Source::Clinical,
        };
        let quote = doc
            .map(|d| {
                f.sentence
                    .slice(&d.text)
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default();
        let date = f
            .date
            .or(sentence.and_then(|s| s.date))
            .or_else(|| doc.and_then(|d| d.date).map(FuzzyDate::day));
        Some(Found {
            evidence: Evidence {
                doc: f.doc,
                span: f.sentence,
                quote,
                date,
            },
            about,
            source,
            diagnosis_line: sentence.is_some_and(|s| s.diagnosis_line)
                || f.kind == FactKind::Diagnosis,
        })
    }

    /// A sentence as evidence, scoped by its regions and sides. A heading
    /// is no evidence. For a criterion that asks what is planned, a
    /// treater's own plan in a clinical record speaks for the record.
    fn found_sentence(&self, s: &Sentence, planned_rule: bool) -> Option<Found> {
        if s.heading {
            return None;
        }
        let about = self.about(s.stated_regions(), &s.sides, &s.norm)?;
        let clinical_document = self.case.document(s.doc).is_some_and(|d| {
            !matches!(
                d.kind,
                DocumentKind::RequestForAuthorization | DocumentKind::UtilizationReview
            )
        });
        let source = if planned_rule && s.planned_section && clinical_document {
            Source::Clinical
        } else {
            s.source
        };
        Some(Found {
            evidence: Evidence {
                doc: s.doc,
                span: s.span,
                quote: s.quote.clone(),
                date: s.date,
            },
            about,
            source,
            diagnosis_line: s.diagnosis_line,
        })
    }
}

/// Evidence in the order a reviewer reads it, each sentence once: named for
/// the item before silent on region, then the most recent first.
fn ranked(mut found: Vec<Found>) -> Vec<Evidence> {
    found.sort_by_key(|f| (f.about, Reverse(f.evidence.date)));
    let mut seen_span = HashSet::new();
    let mut seen_quote = HashSet::new();
    found
        .into_iter()
        .filter(|f| {
            seen_span.insert((f.evidence.doc, f.evidence.span))
                && seen_quote.insert(f.evidence.quote.to_lowercase())
        })
        .map(|f| f.evidence)
        .collect()
}

/// How a sentence speaks of a rule's phrases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mention {
    Affirmed,
    Negated,
    Planned,
}

/// The mention of the phrases in one sentence: an affirmed mention outweighs
/// a denied or planned one; hedged ("rule out") and record-silence ("no
/// documentation of") mentions are neither.
fn mention(phrases: &Phrases, s: &Sentence) -> Option<Mention> {
    let facet = Facet {
        treatment: true,
        ..Facet::default()
    };
    let mut best = None;
    for m in phrases.find_all(&s.norm) {
        let this = match s.certainty_of(m.start, m.end, facet) {
            // A plan's list names what is proposed, not what was done.
            Some(Certainty::Affirmed) if s.planned_section => Mention::Planned,
            Some(Certainty::Affirmed | Certainty::Historical) => Mention::Affirmed,
            Some(Certainty::Negated | Certainty::Normal) => Mention::Negated,
            Some(Certainty::Hypothetical) => Mention::Planned,
            Some(Certainty::Hedged) | None => continue,
        };
        if best.is_none() || (best != Some(Mention::Affirmed) && this == Mention::Affirmed) {
            best = Some(this);
        }
    }
    best
}

impl Context<'_> {
    /// The operation a post-operative service belongs to, named in the
    /// surgery item it depends on or in its own words, and its initial
    /// course: half the general course, at least one visit.
    fn initial_postoperative_course(&self, operations: &[Operation], otherwise: u32) -> Outcome {
        let parent = self
            .req
            .depends_on
            .and_then(|id| self.case.items.iter().find(|i| i.id == id))
            .map(|i| i.disputed_text().to_lowercase());
        let own = self.req.text.to_lowercase();
        let names = |text: &str, o: &Operation| {
            o.terms
                .iter()
                .any(|t| text::find_term(text, &t.to_lowercase()).is_some())
        };
        let operation = parent
            .as_deref()
            .and_then(|p| operations.iter().find(|o| names(p, o)))
            .or_else(|| operations.iter().find(|o| names(&own, o)));
        let (general, course) = match operation {
            Some(o) => (
                o.visits,
                format!(
                    "after {} the guideline sets {} visits over {} weeks, an initial course of {}",
                    o.name,
                    o.visits,
                    o.weeks,
                    (o.visits / 2).max(1)
                ),
            ),
            None => (
                otherwise,
                format!(
                    "the operation is not named, so the general course of {otherwise} visits \
                     applies, an initial course of {}",
                    (otherwise / 2).max(1)
                ),
            ),
        };
        let initial = (general / 2).max(1);
        match self.req.visits {
            Some(v) => {
                let answer = if v <= initial {
                    Answer::Met
                } else {
                    Answer::NotMet
                };
                (
                    answer,
                    Vec::new(),
                    format!("{v} visits requested; {course}."),
                )
            }
            None => (
                Answer::NotDocumented,
                Vec::new(),
                format!("The request does not state the visits; {course}."),
            ),
        }
    }

    fn eval(&self, rule: &Rule) -> Outcome {
        match rule {
            Rule::Fact {
                kind,
                concepts,
                expect,
                region,
            } => {
                let mut found = Findings::default();
                for f in self.facts.iter().filter(|f| {
                    f.kind == *kind
                        && concepts.iter().any(|c| c == &f.concept)
                        && (*region == RegionScope::Any
                            || f.region.is_none_or(|r| Some(r) == self.req.region))
                }) {
                    let Some(ev) = self.found_fact(f) else {
                        continue;
                    };
                    if f.is_positive() {
                        found.affirmed.push(ev);
                    } else if f.is_absent() {
                        found.negated.push(ev);
                    }
                }
                self.settle(*expect, found, &format!("{kind} facts"))
            }
            Rule::Phrase {
                terms,
                expect,
                near,
                planned,
                compiled,
            } => {
                let mut found = Findings::default();
                let (phrases, near_words) = compiled.get(terms, near);
                for s in self.sentences.iter() {
                    let Some(m) = mention(phrases, s) else {
                        continue;
                    };
                    if !near_words.is_empty() && !near_words.any_in(&s.norm) {
                        continue;
                    }
                    let Some(ev) = self.found_sentence(s, *planned) else {
                        continue;
                    };
                    match m {
                        Mention::Affirmed => found.affirmed.push(ev),
                        Mention::Negated => found.negated.push(ev),
                        Mention::Planned if *planned => found.affirmed.push(ev),
                        Mention::Planned => {}
                    }
                }
                let what = terms
                    .iter()
                    .take(3)
                    .map(|t| format!("\"{t}\""))
                    .collect::<Vec<_>>()
                    .join(", ");
                self.settle(*expect, found, &format!("phrases such as {what}"))
            }
            Rule::AnyOf(rules) => {
                let outcomes: Vec<Outcome> = rules.iter().map(|r| self.eval(r)).collect();
                for want in [Answer::Met, Answer::NotMet] {
                    let hits: Vec<&Outcome> = outcomes.iter().filter(|o| o.0 == want).collect();
                    if !hits.is_empty() {
                        let mut seen = HashSet::new();
                        let evidence = hits
                            .iter()
                            .flat_map(|o| o.1.iter().cloned())
                            .filter(|e| seen.insert((e.doc, e.span)))
                            .take(MAX_QUOTES)
                            .collect();
                        let note = hits
                            .iter()
                            .map(|o| o.2.as_str())
                            .collect::<Vec<_>>()
                            .join(" ");
                        return (want, evidence, note);
                    }
                }
                (
                    Answer::NotDocumented,
                    Vec::new(),
                    "The records provided do not address it.".to_string(),
                )
            }
            Rule::VisitsAtMost(max) => limit(self.req.visits, *max, "visits"),
            Rule::InitialPostoperativeCourse {
                operations,
                otherwise,
            } => self.initial_postoperative_course(operations, *otherwise),
            Rule::QuantityAtMost(max) => limit(self.req.quantity, *max, "units"),
            Rule::DurationAtMost(max) => limit(self.req.duration_days, *max, "days"),
            Rule::Given(field) => {
                let given = match field {
                    crate::guideline::RequestField::Region => self.req.region.is_some(),
                    crate::guideline::RequestField::Quantity => self.req.quantity.is_some(),
                    crate::guideline::RequestField::Visits => self.req.visits.is_some(),
                    crate::guideline::RequestField::Duration => self.req.duration_days.is_some(),
                    crate::guideline::RequestField::Strength => self.req.strength.is_some(),
                };
                if given {
                    (
                        Answer::Met,
                        Vec::new(),
                        format!("The request states {}.", field.label()),
                    )
                } else {
                    (
                        Answer::NotMet,
                        Vec::new(),
                        format!("The request does not state {}.", field.label()),
                    )
                }
            }
            Rule::RequestMentions(words) => {
                let t = self.req.text.to_lowercase();
                match words
                    .iter()
                    .find(|w| text::find_term(&t, &w.to_lowercase()).is_some())
                {
                    Some(w) => (
                        Answer::Met,
                        Vec::new(),
                        format!("The request says \"{w}\"."),
                    ),
                    // Silence in the request is not evidence either way.
                    None => (
                        Answer::NotDocumented,
                        Vec::new(),
                        "The request as written does not say so.".to_string(),
                    ),
                }
            }
            Rule::PartlyCertified => {
                match self
                    .case
                    .item(self.req.item)
                    .and_then(|i| i.partial.as_ref())
                {
                    Some(p) => (
                        Answer::Met,
                        Vec::new(),
                        format!(
                            "Utilization review certified part of the request ({}); only the remainder is disputed.",
                            p.authorized.trim()
                        ),
                    ),
                    None => (
                        Answer::NotMet,
                        Vec::new(),
                        "No part of the request was certified by utilization review.".to_string(),
                    ),
                }
            }
            Rule::RegionIn(regions) => match self.req.region {
                Some(r) if regions.contains(&r) => (
                    Answer::Met,
                    Vec::new(),
                    format!("The request is for the {r}."),
                ),
                Some(r) => (
                    Answer::NotMet,
                    Vec::new(),
                    format!("The request is for the {r}, a region the guideline does not cover."),
                ),
                None => (
                    Answer::NotDocumented,
                    Vec::new(),
                    "The request does not name the body part.".to_string(),
                ),
            },
            // Resolved when the library loads; an unresolved name answers nothing.
            Rule::Uses(name) => (
                Answer::NotDocumented,
                Vec::new(),
                format!("The definition {name} is not in the library."),
            ),
            Rule::AgeAtLeast(min) => match self.case.patient.age {
                Some(age) if age >= *min => (
                    Answer::Met,
                    Vec::new(),
                    format!("The patient is {age} years old (at least {min})."),
                ),
                Some(age) => (
                    Answer::NotMet,
                    Vec::new(),
                    format!("The patient is {age} years old (under {min})."),
                ),
                None => (
                    Answer::NotDocumented,
                    Vec::new(),
                    "The patient's age is not documented.".to_string(),
                ),
            },
        }
    }
}

/// The verb agreeing with a count.
fn agree<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}
