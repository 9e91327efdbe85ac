//! Answering a guideline's criteria: met, not met or not documented, each
//! met / not-met answer with the sentences that show it. No evidence, no
//! claim: a criterion the records are silent on is *not documented*.

use crate::assessment::{Answer, CriterionResult, Evidence};
use crate::case::{Case, DocumentKind};
use crate::fact::{Certainty, Fact, FuzzyDate};
use crate::guideline::{Expect, Guideline, Operation, RegionScope, Rule};
use crate::request::Request;

use super::text::{self, Mention, Phrases, Sentence};

/// At most this many quotes per answer: enough to show the pattern without
/// burying the reviewer.
const MAX_QUOTES: usize = 3;

/// Answers every criterion of `g` for the request.
pub fn answer_criteria(
    g: &Guideline,
    req: &Request,
    case: &Case,
    facts: &[Fact],
    sentences: &[Sentence],
) -> Vec<CriterionResult> {
    let ctx = Context {
        req,
        case,
        facts,
        sentences,
    };
    g.criteria
        .iter()
        .map(|c| {
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
    sentences: &'a [Sentence],
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

fn settle(expect: Expect, affirmed: Vec<Evidence>, negated: Vec<Evidence>, what: &str) -> Outcome {
    let (yes, no) = match expect {
        Expect::Present => (affirmed, negated),
        Expect::Absent => (negated, affirmed),
    };
    let n_yes = yes.len();
    let n_no = no.len();
    if !yes.is_empty() {
        (
            Answer::Met,
            yes.into_iter().take(MAX_QUOTES).collect(),
            format!("{n_yes} sentence(s) in the records support it ({what})."),
        )
    } else if !no.is_empty() {
        (
            Answer::NotMet,
            no.into_iter().take(MAX_QUOTES).collect(),
            format!("{n_no} sentence(s) in the records contradict it ({what})."),
        )
    } else {
        (
            Answer::NotDocumented,
            Vec::new(),
            format!("The records provided do not mention it ({what})."),
        )
    }
}

impl Context<'_> {
    /// Settles a criterion on the medical records first. A utilization
    /// review determination is the decision under review, not a record of
    /// the patient: its sentences count only when no clinical record speaks
    /// to the criterion, and then the answer is "not documented", with the
    /// reviewer pointed at what utilization review said.
    fn settle(
        &self,
        expect: Expect,
        affirmed: Vec<Evidence>,
        negated: Vec<Evidence>,
        what: &str,
    ) -> Outcome {
        let from_ur = |e: &Evidence| {
            self.case
                .document(e.doc)
                .is_some_and(|d| d.kind == DocumentKind::UtilizationReview)
        };
        let clinical = |v: &[Evidence]| {
            v.iter()
                .filter(|e| !from_ur(e))
                .cloned()
                .collect::<Vec<_>>()
        };
        let (clin_yes, clin_no) = (clinical(&affirmed), clinical(&negated));
        if clin_yes.is_empty() && clin_no.is_empty() && !(affirmed.is_empty() && negated.is_empty())
        {
            let quotes: Vec<Evidence> = affirmed
                .into_iter()
                .chain(negated)
                .take(MAX_QUOTES)
                .collect();
            let note = format!(
                "The medical records provided do not document it ({what}); only the \
                 utilization review determination speaks to it, quoted here."
            );
            return (Answer::NotDocumented, quotes, note);
        }
        settle(expect, clin_yes, clin_no, what)
    }
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
                let mut affirmed = Vec::new();
                let mut negated = Vec::new();
                for f in self.facts.iter().filter(|f| {
                    f.kind == *kind
                        && concepts.iter().any(|c| c == &f.concept)
                        && (*region == RegionScope::Any
                            || f.region.is_none()
                            || f.region == self.req.region)
                }) {
                    let ev = self.fact_evidence(f);
                    match f.certainty {
                        _ if f.is_positive() => affirmed.push(ev),
                        Certainty::Negated => negated.push(ev),
                        _ => {}
                    }
                }
                self.settle(*expect, affirmed, negated, &format!("{kind} facts"))
            }
            Rule::Phrase {
                terms,
                expect,
                near,
                planned,
            } => {
                let mut affirmed = Vec::new();
                let mut negated = Vec::new();
                let phrases = Phrases::new(terms);
                let near_words = Phrases::new(near);
                for s in self.sentences {
                    if !near.is_empty() && !near_words.any_in(s) {
                        continue;
                    }
                    match phrases.mention(s) {
                        Some(Mention::Affirmed) => affirmed.push(sentence_evidence(s)),
                        Some(Mention::Negated) => negated.push(sentence_evidence(s)),
                        Some(Mention::Planned) if *planned => affirmed.push(sentence_evidence(s)),
                        Some(Mention::Planned) | None => {}
                    }
                }
                let what = terms
                    .iter()
                    .take(3)
                    .map(|t| format!("\"{t}\""))
                    .collect::<Vec<_>>()
                    .join(", ");
                self.settle(
                    *expect,
                    affirmed,
                    negated,
                    &format!("phrases such as {what}"),
                )
            }
            Rule::AnyOf(rules) => {
                let outcomes: Vec<Outcome> = rules.iter().map(|r| self.eval(r)).collect();
                for want in [Answer::Met, Answer::NotMet] {
                    let hits: Vec<&Outcome> = outcomes.iter().filter(|o| o.0 == want).collect();
                    if !hits.is_empty() {
                        let evidence = hits
                            .iter()
                            .flat_map(|o| o.1.iter().cloned())
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

    fn fact_evidence(&self, f: &Fact) -> Evidence {
        let doc = self.case.document(f.doc);
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
            .or_else(|| doc.and_then(|d| d.date).map(FuzzyDate::day));
        Evidence {
            doc: f.doc,
            span: f.sentence,
            quote,
            date,
        }
    }
}

fn sentence_evidence(s: &Sentence) -> Evidence {
    Evidence {
        doc: s.doc,
        span: s.span,
        quote: s.quote.clone(),
        date: s.date,
    }
}
