//! The timeline: every dated document and fact on one axis, in lanes by kind.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::case::DocId;
use crate::fact::{FuzzyDate, Span};

/// The lanes a reviewer scans, top to bottom.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Lane {
    Reports,
    ImagingAndStudies,
    SurgeriesAndProcedures,
    TherapyAndInjections,
    Medications,
    /// RFA, UR, IMR application and decision dates.
    Requests,
}

impl Lane {
    pub const ALL: [Lane; 6] = [
        Lane::Reports,
        Lane::ImagingAndStudies,
        Lane::SurgeriesAndProcedures,
        Lane::TherapyAndInjections,
        Lane::Medications,
        Lane::Requests,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Lane::Reports => "Reports",
            Lane::ImagingAndStudies => "Imaging & studies",
            Lane::SurgeriesAndProcedures => "Surgeries & procedures",
            Lane::TherapyAndInjections => "Therapy & injections",
            Lane::Medications => "Medications",
            Lane::Requests => "Requests, UR & IMR",
        }
    }
}

impl fmt::Display for Lane {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// One event on the timeline, linked to the words it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineEvent {
    pub date: FuzzyDate,
    pub lane: Lane,
    /// Short label ("MRI lumbar spine", "UR denial", "Progress report").
    pub label: String,
    /// The source: a document, and where in it (the whole text for a document event).
    pub doc: Option<DocId>,
    pub span: Option<Span>,
    /// Index into `Analysis::facts` when the event comes from a fact.
    pub fact: Option<usize>,
}

/// All events, sorted by date then lane.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Timeline {
    pub events: Vec<TimelineEvent>,
}

use crate::case::Case;
use crate::fact::{Certainty, Fact, FactKind, Subject};

/// The lane a fact belongs to, if it belongs on the timeline at all
/// (findings and symptoms stay in their report).
fn lane_of(kind: FactKind) -> Option<Lane> {
    match kind {
        FactKind::Imaging | FactKind::Electrodiagnostic => Some(Lane::ImagingAndStudies),
        FactKind::Surgery | FactKind::Procedure => Some(Lane::SurgeriesAndProcedures),
        FactKind::Therapy | FactKind::Injection => Some(Lane::TherapyAndInjections),
        FactKind::Medication => Some(Lane::Medications),
        FactKind::Request | FactKind::UtilizationReview => Some(Lane::Requests),
        _ => None,
    }
}

/// The words a reviewer reads on the axis: the concept, its region and the
/// detail that tells two events apart ("mri lumbar spine", "UR non-certified").
fn label_of(fact: &Fact) -> String {
    match fact.kind {
        FactKind::UtilizationReview => {
            format!("UR {}", fact.detail.as_deref().unwrap_or("decision"))
        }
        FactKind::Request => "Request for authorization".to_string(),
        _ => {
            let mut label = fact.concept.replace('_', " ");
            if let Some(side) = fact.side {
                label.push(' ');
                label.push_str(&side.to_string());
            }
            if let Some(region) = fact.region {
                label.push(' ');
                label.push_str(region.label());
            }
            if let Some(detail) = &fact.detail {
                label.push(' ');
                label.push_str(detail);
            }
            label
        }
    }
}

/// Builds the timeline of a case from its documents, its extracted facts and
/// its header dates.
///
/// Facts go on the axis when they are dated, about the patient and not denied;
/// planned treatments stay off (they have not happened), except requests and
/// review decisions, which are events themselves. Identical events (same date,
/// lane and label) from one sentence are shown once.
pub fn build(case: &Case, facts: &[Fact]) -> Timeline {
    let mut events = Vec::new();
    for doc in &case.documents {
        if let Some(date) = doc.date {
            let title = if doc.title.trim().is_empty() {
                doc.kind.label().to_string()
            } else {
                doc.title.clone()
            };
            events.push(TimelineEvent {
                date: FuzzyDate::day(date),
                lane: Lane::Reports,
                label: title,
                doc: Some(doc.id),
                span: Some(Span::new(0, doc.text.len())),
                fact: None,
            });
        }
        for r in crate::extract::report_references(&doc.text) {
            let mut label = r.label;
            if let Some(first) = label.get(..1) {
                label = first.to_uppercase() + label.get(1..).unwrap_or("");
            }
            events.push(TimelineEvent {
                date: r.date,
                lane: Lane::Reports,
                label,
                doc: Some(doc.id),
                span: Some(r.span),
                fact: None,
            });
        }
    }
    let mut seen: std::collections::HashSet<(FuzzyDate, Lane, String, DocId, Span)> =
        std::collections::HashSet::new();
    for (i, fact) in facts.iter().enumerate() {
        let Some(lane) = lane_of(fact.kind) else {
            continue;
        };
        let Some(date) = fact.date else { continue };
        if fact.subject != Subject::Patient {
            continue;
        }
        let shown = match fact.certainty {
            Certainty::Affirmed | Certainty::Historical => true,
            Certainty::Hypothetical => lane == Lane::Requests,
            Certainty::Negated | Certainty::Hedged | Certainty::Normal => false,
        };
        if !shown {
            continue;
        }
        let label = label_of(fact);
        if !seen.insert((date, lane, label.clone(), fact.doc, fact.sentence)) {
            continue;
        }
        events.push(TimelineEvent {
            date,
            lane,
            label,
            doc: Some(fact.doc),
            span: Some(fact.span),
            fact: Some(i),
        });
    }
    let meta = &case.meta;
    let header = [
        (meta.date_of_injury, Lane::Reports, "Date of injury"),
        (meta.ur_denial_date, Lane::Requests, "UR denial"),
        (
            meta.application_received,
            Lane::Requests,
            "IMR application received",
        ),
        (meta.date_assigned, Lane::Requests, "IMR assigned"),
        (meta.decision_date, Lane::Requests, "IMR decision"),
    ];
    for (date, lane, label) in header {
        if let Some(date) = date {
            events.push(TimelineEvent {
                date: FuzzyDate::day(date),
                lane,
                label: label.to_string(),
                doc: None,
                span: None,
                fact: None,
            });
        }
    }
    events.sort_by(|a, b| {
        a.date
            .date
            .cmp(&b.date.date)
            .then(a.lane.cmp(&b.lane))
            .then(a.label.cmp(&b.label))
    });
    Timeline { events }
}

/// A course of therapy or a medication period: the first to the last dated
/// mention of one treatment. Drawn as a bar so a reviewer sees how long a
/// treatment ran, not a row of unrelated dots.
#[derive(Debug, Clone, PartialEq)]
pub struct TreatmentSpan {
    pub lane: Lane,
    pub label: String,
    pub first: chrono::NaiveDate,
    pub last: chrono::NaiveDate,
    /// Indices into `Timeline::events` of the mentions that make the span.
    pub events: Vec<usize>,
}

/// Spans of the therapy and medication lanes, derived from their events:
/// mentions of one treatment (same lane and [`span_key`]) on two or more
/// dates. Sorted by first date.
pub fn treatment_spans(timeline: &Timeline) -> Vec<TreatmentSpan> {
    let mut by_key: std::collections::BTreeMap<(Lane, String), Vec<usize>> =
        std::collections::BTreeMap::new();
    for (i, e) in timeline.events.iter().enumerate() {
        if matches!(e.lane, Lane::TherapyAndInjections | Lane::Medications) && e.fact.is_some() {
            by_key
                .entry((e.lane, span_key(&e.label)))
                .or_default()
                .push(i);
        }
    }
    let mut spans: Vec<TreatmentSpan> = by_key
        .into_iter()
        .filter_map(|((lane, key), events)| {
            let dates = events
                .iter()
                .filter_map(|&i| timeline.events.get(i).map(|e| e.date.date));
            let first = dates.clone().min()?;
            let last = dates.max()?;
            if first == last {
                return None;
            }
            let label = key.clone();
            Some(TreatmentSpan {
                lane,
                label,
                first,
                last,
                events,
            })
        })
        .collect();
    spans.sort_by(|a, b| a.first.cmp(&b.first).then(a.label.cmp(&b.label)));
    spans
}

/// What makes two mentions the same treatment: the label in lower case up to
/// its first number, so a dose or a count does not split a course
/// ("Ibuprofen 800 mg" and "ibuprofen" are one; "physical therapy lumbar
/// spine" and "physical therapy right knee" stay two).
pub fn span_key(label: &str) -> String {
    label
        .split_whitespace()
        .take_while(|w| !w.chars().any(|c| c.is_ascii_digit()))
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The dispute's own dates as one band: from the first request, UR or IMR
/// date to the last. `None` when the case has none.
pub fn review_band(timeline: &Timeline) -> Option<(chrono::NaiveDate, chrono::NaiveDate)> {
    let dates = timeline
        .events
        .iter()
        .filter(|e| e.lane == Lane::Requests)
        .map(|e| e.date.date);
    Some((dates.clone().min()?, dates.max()?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::{Document, DocumentKind};
    use chrono::NaiveDate;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn builds_sorted_lanes_from_documents_facts_and_header() {
        let mut case = Case::new();
        case.meta.date_of_injury = Some(date(2014, 2, 3));
        case.meta.ur_denial_date = Some(date(2016, 9, 1));
        case.documents.push(Document {
            id: DocId(0),
            kind: DocumentKind::ProgressReport,
            title: "Progress report".into(),
            date: Some(date(2016, 8, 1)),
            text: "Seen today. An MRI of the left knee on 05/06/2015 showed a meniscal tear. \
                   She completed 12 sessions of physical therapy in 2015. \
                   The progress note dated 07/01/2016 is attached. \
                   The plan is to start acupuncture. She had no injections. \
                   An MRI of the left knee on 05/06/2015 was reviewed again."
                .into(),
            origin: None,
            page_starts: vec![],
        });
        let facts = crate::extract::extract_case(&case);
        let tl = build(&case, &facts);
        let labels: Vec<(String, Lane, String)> = tl
            .events
            .iter()
            .map(|e| (e.date.to_string(), e.lane, e.label.clone()))
            .collect();
        assert!(labels.contains(&("02/03/2014".into(), Lane::Reports, "Date of injury".into())));
        assert!(labels.contains(&(
            "05/06/2015".into(),
            Lane::ImagingAndStudies,
            "mri left knee".into()
        )));
        assert!(labels.contains(&("07/01/2016".into(), Lane::Reports, "Progress note".into())));
        assert!(labels.contains(&("08/01/2016".into(), Lane::Reports, "Progress report".into())));
        assert!(labels.contains(&("09/01/2016".into(), Lane::Requests, "UR denial".into())));
        assert!(
            labels
                .iter()
                .any(|(_, lane, l)| *lane == Lane::TherapyAndInjections
                    && l.starts_with("physical therapy"))
        );
        // Planned and denied treatments stay off the axis.
        assert!(
            !labels
                .iter()
                .any(|(_, _, l)| l.contains("acupuncture") || l.contains("injection"))
        );
        // Two sentences mention the same MRI: two sentences, two events, but sorted.
        let dates: Vec<NaiveDate> = tl.events.iter().map(|e| e.date.date).collect();
        let mut sorted = dates.clone();
        sorted.sort();
        assert_eq!(dates, sorted);
        for e in &tl.events {
            if let (Some(i), Some(span)) = (e.fact, e.span) {
                assert_eq!(facts[i].span, span);
            }
        }
    }

    #[test]
    fn identical_events_from_one_sentence_are_shown_once() {
        let mut case = Case::new();
        case.documents.push(Document {
            id: DocId(0),
            kind: DocumentKind::ProgressReport,
            title: String::new(),
            date: Some(date(2016, 8, 1)),
            text: "She takes Norco and Norco again daily.".into(),
            origin: None,
            page_starts: vec![],
        });
        let facts = crate::extract::extract_case(&case);
        assert_eq!(
            facts
                .iter()
                .filter(|f| f.concept == "hydrocodone_acetaminophen")
                .count(),
            2
        );
        let tl = build(&case, &facts);
        let meds = tl
            .events
            .iter()
            .filter(|e| e.lane == Lane::Medications)
            .count();
        assert_eq!(meds, 1);
        assert_eq!(
            tl.events.first().map(|e| e.label.as_str()),
            Some("Progress report (PR-2)")
        );
    }

    fn event(date: NaiveDate, lane: Lane, label: &str, fact: Option<usize>) -> TimelineEvent {
        TimelineEvent {
            date: FuzzyDate::day(date),
            lane,
            label: label.into(),
            doc: None,
            span: None,
            fact,
        }
    }

    #[test]
    fn repeated_treatments_make_spans_and_requests_a_band() {
        let tl = Timeline {
            events: vec![
                event(date(2015, 1, 5), Lane::Medications, "norco", Some(0)),
                event(
                    date(2015, 3, 1),
                    Lane::TherapyAndInjections,
                    "physical therapy",
                    Some(1),
                ),
                event(date(2015, 6, 1), Lane::Medications, "Norco", Some(2)),
                event(date(2015, 7, 1), Lane::Medications, "gabapentin", Some(3)),
                event(
                    date(2015, 8, 1),
                    Lane::Medications,
                    "Gabapentin 300 mg",
                    Some(5),
                ),
                event(
                    date(2016, 2, 1),
                    Lane::Requests,
                    "Request for authorization",
                    Some(4),
                ),
                event(date(2016, 3, 1), Lane::Requests, "UR denial", None),
                event(date(2016, 5, 1), Lane::Requests, "IMR assigned", None),
            ],
        };
        let spans = treatment_spans(&tl);
        assert_eq!(spans.len(), 2, "{spans:?}");
        // A dose does not split a course.
        assert_eq!(spans[1].label, "gabapentin");
        assert_eq!(spans[1].events, vec![3, 4]);
        assert_eq!(spans[0].lane, Lane::Medications);
        assert_eq!(
            (spans[0].first, spans[0].last),
            (date(2015, 1, 5), date(2015, 6, 1))
        );
        assert_eq!(spans[0].events, vec![0, 2]);
        assert_eq!(
            span_key("physical therapy lumbar spine"),
            "physical therapy lumbar spine"
        );
        assert_eq!(span_key("Norco 10/325 #60"), "norco");
        assert_eq!(review_band(&tl), Some((date(2016, 2, 1), date(2016, 5, 1))));
        assert_eq!(review_band(&Timeline::default()), None);
    }
}
