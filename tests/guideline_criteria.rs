//! Every criterion of every built-in guideline, answered met, not met and not
//! documented on fixtures built for it: the answers follow the evidence, and
//! met / not-met answers quote the sentence that carries them.

use imrdesk::assessment::Answer;
use imrdesk::case::{
    Case, DisputedItem, DocId, Document, DocumentKind, ItemId, PartialCertification,
};
use imrdesk::engine::answer_criteria;
use imrdesk::fact::{BodyRegion, Certainty, Fact, FactKind, Span, Subject};
use imrdesk::guideline::{Criterion, Expect, Guideline, Library, RequestField, Rule};
use imrdesk::request::{Category, Request};
use imrdesk::text::SentenceIndex;

/// What a fixture puts in the case for one criterion.
#[derive(Default, Clone)]
struct Fixture {
    sentence: Option<String>,
    fact: Option<(FactKind, String, Certainty)>,
    visits: Option<u32>,
    quantity: Option<u32>,
    duration: Option<u32>,
    strength: bool,
    region: Option<BodyRegion>,
    request_text: Option<String>,
    age: Option<u32>,
    partial: bool,
}

const AFFIRM: &str = "On examination today the records document";

fn phrase_fixture(
    terms: &[String],
    expect: Expect,
    near: &[String],
    want: Answer,
) -> Option<Fixture> {
    let term = terms.first()?;
    let near = near
        .first()
        .map(|n| format!(" with {n}"))
        .unwrap_or_default();
    let affirmed = format!("{AFFIRM} {term}{near}.");
    let negated = format!("There is no {term}{near}.");
    let sentence = match (expect, want) {
        (Expect::Present, Answer::Met) | (Expect::Absent, Answer::NotMet) => Some(affirmed),
        (Expect::Present, Answer::NotMet) | (Expect::Absent, Answer::Met) => Some(negated),
        (_, Answer::NotDocumented) => None,
    };
    Some(Fixture {
        sentence,
        ..Fixture::default()
    })
}

fn fixture(rule: &Rule, want: Answer) -> Option<Fixture> {
    let limit = |max: u32| match want {
        Answer::Met => Some(max),
        Answer::NotMet => Some(max + 1),
        Answer::NotDocumented => None,
    };
    match rule {
        Rule::Phrase {
            terms,
            expect,
            near,
            ..
        } => phrase_fixture(terms, *expect, near, want),
        Rule::Fact {
            kind,
            concepts,
            expect,
            ..
        } => {
            let concept = concepts.first()?.clone();
            let certainty = match (expect, want) {
                (Expect::Present, Answer::Met) | (Expect::Absent, Answer::NotMet) => {
                    Certainty::Affirmed
                }
                (Expect::Present, Answer::NotMet) | (Expect::Absent, Answer::Met) => {
                    Certainty::Negated
                }
                (_, Answer::NotDocumented) => return Some(Fixture::default()),
            };
            Some(Fixture {
                fact: Some((*kind, concept, certainty)),
                ..Fixture::default()
            })
        }
        // Built from the phrase alternative, which works without extracted facts.
        Rule::AnyOf(rules) => rules
            .iter()
            .find(|r| matches!(r, Rule::Phrase { .. }))
            .or_else(|| rules.first())
            .and_then(|r| fixture(r, want)),
        Rule::VisitsAtMost(max) => Some(Fixture {
            visits: limit(*max),
            ..Fixture::default()
        }),
        // The fixture's request names no operation: the general course applies.
        Rule::InitialPostoperativeCourse { otherwise, .. } => Some(Fixture {
            visits: limit((*otherwise / 2).max(1)),
            ..Fixture::default()
        }),
        Rule::QuantityAtMost(max) => Some(Fixture {
            quantity: limit(*max),
            ..Fixture::default()
        }),
        Rule::DurationAtMost(max) => Some(Fixture {
            duration: limit(*max),
            ..Fixture::default()
        }),
        Rule::AgeAtLeast(min) => Some(Fixture {
            age: match want {
                Answer::Met => Some(*min),
                Answer::NotMet => Some(min.saturating_sub(1)),
                Answer::NotDocumented => None,
            },
            ..Fixture::default()
        }),
        Rule::RegionIn(regions) => {
            let outside = BodyRegion::ALL
                .iter()
                .copied()
                .find(|r| !regions.contains(r));
            Some(Fixture {
                region: match want {
                    Answer::Met => regions.first().copied(),
                    Answer::NotMet => outside,
                    Answer::NotDocumented => None,
                },
                ..Fixture::default()
            })
        }
        // The request itself is always known: these are met or not met, never undocumented.
        Rule::Given(field) => match want {
            Answer::NotDocumented => None,
            _ => {
                let on = want == Answer::Met;
                let mut f = Fixture::default();
                match field {
                    RequestField::Region => f.region = on.then_some(BodyRegion::Knee),
                    RequestField::Quantity => f.quantity = on.then_some(30),
                    RequestField::Visits => f.visits = on.then_some(6),
                    RequestField::Duration => f.duration = on.then_some(14),
                    RequestField::Strength => f.strength = on,
                }
                Some(f)
            }
        },
        // A request's silence is not evidence: met or not documented, never not met.
        Rule::RequestMentions(words) => match want {
            Answer::NotMet => None,
            Answer::Met => Some(Fixture {
                request_text: Some(format!("Requested service {}", words.first()?)),
                ..Fixture::default()
            }),
            Answer::NotDocumented => Some(Fixture {
                request_text: Some("Requested service".into()),
                ..Fixture::default()
            }),
        },
        // Replaced by its definition when the library loads; never seen here.
        Rule::Uses(_) => None,
        Rule::PartlyCertified => match want {
            Answer::NotDocumented => None,
            _ => Some(Fixture {
                partial: want == Answer::Met,
                ..Fixture::default()
            }),
        },
    }
}

fn run(
    g: &Guideline,
    c: &Criterion,
    f: &Fixture,
) -> (Answer, Vec<imrdesk::assessment::Evidence>, String) {
    let text = f
        .sentence
        .clone()
        .unwrap_or_else(|| "The patient attended a routine follow-up visit.".into());
    let mut case = Case::new();
    case.documents.push(Document {
        id: DocId(0),
        kind: DocumentKind::ProgressReport,
        title: "Progress report".into(),
        date: None,
        text: text.clone(),
        origin: None,
        page_starts: vec![0],
    });
    case.patient.age = f.age;
    let request_text = f
        .request_text
        .clone()
        .unwrap_or_else(|| "Requested service".into());
    case.items.push(DisputedItem {
        id: ItemId(0),
        text: request_text.clone(),
        partial: f.partial.then(|| PartialCertification {
            original: request_text.clone(),
            authorized: "part of it".into(),
            disputed: request_text.clone(),
        }),
        depends_on: None,
    });
    let category = g
        .applies
        .categories
        .first()
        .copied()
        .unwrap_or(Category::Other);
    let mut req = Request::bare(ItemId(0), request_text, category);
    req.visits = f.visits;
    req.quantity = f.quantity;
    req.duration_days = f.duration;
    req.region = f.region;
    req.strength = f.strength.then(|| "10 mg".to_string());
    let facts: Vec<Fact> = f
        .fact
        .iter()
        .map(|(kind, concept, certainty)| Fact {
            kind: *kind,
            concept: concept.clone(),
            doc: DocId(0),
            span: Span::new(0, text.len()),
            sentence: Span::new(0, text.len()),
            certainty: *certainty,
            subject: Subject::Patient,
            date: None,
            region: None,
            side: None,
            value: None,
            detail: None,
        })
        .collect();
    let sentences = SentenceIndex::build(&case);
    let one = Guideline {
        criteria: vec![c.clone()],
        ..g.clone()
    };
    let mut results = answer_criteria(&one, &req, &case, &facts, &sentences);
    let r = results.remove(0);
    (r.answer, r.evidence, r.note)
}

#[test]
fn every_criterion_is_met_not_met_and_not_documented_on_its_fixture() {
    let lib = Library::builtin().expect("library");
    let mut checked = 0;
    for g in lib.guidelines() {
        for c in &g.criteria {
            for want in Answer::ALL {
                let Some(f) = fixture(&c.rule, want) else {
                    // Only rules over the request itself can lack one of the three cases.
                    assert!(
                        matches!(
                            c.rule,
                            Rule::Given(_) | Rule::RequestMentions(_) | Rule::PartlyCertified
                        ),
                        "{}/{}: no fixture for {want}",
                        g.id,
                        c.id
                    );
                    continue;
                };
                let (answer, evidence, note) = run(g, c, &f);
                assert_eq!(
                    answer, want,
                    "{}/{} on {:?}: {note}",
                    g.id, c.id, f.sentence
                );
                if let Some(sentence) = &f.sentence
                    && answer != Answer::NotDocumented
                {
                    assert_eq!(
                        evidence.first().map(|e| e.quote.as_str()),
                        Some(sentence.as_str())
                    );
                }
                if answer == Answer::NotDocumented {
                    assert!(evidence.is_empty(), "no evidence, no claim");
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 400, "checked {checked} answers");
}
