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
