//! CPU time per frame of the workstation on a synthetic 2,000-page case
//! (thousands of timeline events, tens of thousands of facts). Target: a
//! median under 8 ms. The frame is the whole window: layout, every visible
//! panel, and tessellation.

mod support;

use std::time::Instant;

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use imrdesk::app::{Action, Pane};
use imrdesk::assessment::{
    Analysis, Answer, CriterionResult, Decision, Evidence, GuidelineChoice, ItemAssessment,
    Suggestion,
};
use imrdesk::case::{Case, DisputedItem, DocId, Document, DocumentKind, ItemId};
use imrdesk::fact::{Certainty, Fact, FactKind, FuzzyDate, Span, Subject};
use imrdesk::timeline::{Lane, Timeline, TimelineEvent};
use support::{Lcg, frame, median_frame_ms};

const PAGES: usize = 2_000;
const PAGES_PER_DOC: usize = 5;
const LINES_PER_PAGE: usize = 40;

const WORDS: &[&str] = &[
    "patient",
    "reports",
    "pain",
    "lumbar",
    "radiating",
    "left",
    "leg",
    "therapy",
    "visits",
    "improved",
    "function",
    "walking",
    "tolerance",
    "exam",
    "tenderness",
    "spasm",
    "range",
    "motion",
    "reduced",
    "medication",
    "refilled",
    "work",
    "modified",
    "duty",
    "follow",
    "weeks",
];

fn synthetic() -> (Case, Analysis) {
    let mut rng = Lcg(42);
    let mut case = Case::new();
    case.meta.case_number = Some("SYNTH-2000".into());
    case.meta.date_of_injury = NaiveDate::from_ymd_opt(2012, 3, 14);
    case.meta.application_received = NaiveDate::from_ymd_opt(2026, 2, 20);
    let mut facts = Vec::new();
    let mut events = Vec::new();
    let start = NaiveDate::from_ymd_opt(2012, 3, 20).unwrap_or_default();
    for d in 0..PAGES / PAGES_PER_DOC {
        let date = start + chrono::Days::new((d * 12) as u64);
        let mut text = String::new();
        for _ in 0..PAGES_PER_DOC * LINES_PER_PAGE {
            let n = 8 + rng.next() % 8;
            for w in 0..n {
                if w > 0 {
                    text.push(' ');
                }
                text.push_str(WORDS[rng.next() % WORDS.len()]);
            }
            text.push_str(".\n");
        }
        // One fact every ~160 bytes.
        let mut at = 0;
        while at + 20 < text.len() {
            let end = text[at..].find(' ').map(|e| at + e).unwrap_or(at + 4);
            let kind = FactKind::ALL[rng.next() % FactKind::ALL.len()];
            facts.push(Fact {
                kind,
                concept: "synthetic".into(),
                doc: DocId(d as u32),
                span: Span::new(at, end),
                sentence: Span::new(at, end),
                certainty: if rng.next().is_multiple_of(7) {
                    Certainty::Negated
                } else {
                    Certainty::Affirmed
                },
                subject: Subject::Patient,
                date: Some(FuzzyDate::day(date)),
                region: None,
                side: None,
                value: None,
                detail: None,
            });
            at = end + 150 + rng.next() % 20;
            while !text.is_char_boundary(at) && at < text.len() {
                at += 1;
            }
        }
        for k in 0..12 {
            let lane = Lane::ALL[(d + k) % Lane::ALL.len()];
            events.push(TimelineEvent {
                date: FuzzyDate::day(date + chrono::Days::new(k as u64)),
                lane,
                label: format!("Event {d}-{k}"),
                doc: Some(DocId(d as u32)),
                span: Some(Span::new(0, 40)),
                fact: None,
            });
        }
        case.documents.push(Document {
            id: DocId(d as u32),
            kind: DocumentKind::ProgressReport,
            title: format!("Progress report {d}"),
            date: Some(date),
            text,
            origin: None,
            page_starts: vec![],
        });
    }
    let items: Vec<ItemAssessment> = (0..4u32)
        .map(|i| {
            case.items.push(DisputedItem {
                id: ItemId(i),
                text: format!("Synthetic request {i}"),
                partial: None,
                depends_on: None,
            });
            ItemAssessment {
                item: ItemId(i),
                request: imrdesk::request::Request::bare(
                    ItemId(i),
                    format!("Synthetic request {i}"),
                    imrdesk::request::Category::PhysicalTherapy,
                ),
                guideline: Some(GuidelineChoice {
                    id: "synthetic".into(),
                    title: "Synthetic guideline".into(),
                    citation: "Synthetic volume, Section: Test".into(),
                    why: "For the benchmark.".into(),
                }),
                criteria: (0..6)
                    .map(|c| CriterionResult {
                        id: format!("c{c}"),
                        question: format!("Synthetic criterion {c}?"),
                        answer: Answer::ALL[c % 3],
                        evidence: vec![Evidence {
                            doc: DocId(c as u32),
                            span: Span::new(0, 60),
                            quote: "synthetic quote".into(),
                            date: None,
                        }],
                        note: String::new(),
                    })
                    .collect(),
                suggestion: Suggestion {
                    decision: Decision::NotMedicallyNecessary,
                    reasons: vec!["Synthetic.".into()],
                    alternative: None,
                    strength: imrdesk::assessment::Strength::Clear,
                },
                rationale_draft: "Synthetic rationale. ".repeat(20),
            }
        })
        .collect();
    let mut timeline = Timeline { events };
    timeline.events.sort_by_key(|e| e.date.date);
    (
        case,
        Analysis {
            facts,
            timeline,
            items,
            warnings: vec![],
        },
    )
}

fn synthetic_case(_today: chrono::NaiveDate) -> Case {
    synthetic().0
}

fn synthetic_analysis(_case: &Case, _library: &imrdesk::guideline::Library) -> Analysis {
    synthetic().1
}

fn bench(c: &mut Criterion) {
    let ctx = egui::Context::default();
    let t = Instant::now();
    let mut ws = support::workstation(synthetic_case, synthetic_analysis);
    let open_ms = t.elapsed().as_secs_f64() * 1000.0;
    let (docs, facts, events) = ws.open.as_ref().map_or((0, 0, 0), |o| {
        (
            o.review.case.documents.len(),
            o.review.analysis.facts.len(),
            o.review.analysis.timeline.events.len(),
        )
    });
    let default_view = median_frame_ms(&ctx, &mut ws, 60);
    ws.push_action(Action::FocusPane(Pane::Timeline));
    let timeline_view = median_frame_ms(&ctx, &mut ws, 60);
    eprintln!(
        "synthetic case: {PAGES} pages, {docs} documents, {facts} facts, {events} timeline events; \
         building + laying out took {open_ms:.0} ms"
    );
    eprintln!(
        "median frame: default layout (documents) {default_view:.2} ms; timeline view {timeline_view:.2} ms"
    );
    c.bench_function("frame_timeline_view", |b| b.iter(|| frame(&ctx, &mut ws)));
    ws.push_action(Action::FocusPane(Pane::Documents));
    frame(&ctx, &mut ws);
    c.bench_function("frame_documents_view", |b| b.iter(|| frame(&ctx, &mut ws)));
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(4));
    targets = bench
}
criterion_main!(benches);
